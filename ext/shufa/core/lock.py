"""The anchor lock: every page and fragment the archive has published, in ``data/anchors.lock``.

One entry per line (``reports/qinghe/shufa/2023.html#s3-2``). ``shufa lock`` adds
the anchors of the current data; nothing ever removes a line. An entry is kept
when the page still has an element with that id (a section, item or closing
part, or a declared ``aliases`` entry), or when it lies under a county's former
slug (``aliases`` in counties.yaml), whose redirect pages forward to the same
fragment. :func:`lock_problems` names every entry nothing keeps; the build and
``shufa check`` report them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from .files import write_if_changed
from .loading import LoadResult
from .model import Archive
from .problems import Problem, display_path

LOCK_NAME = "anchors.lock"
_HEADER = (
    "# Every page and fragment this archive has published (see docs: 链接稳定承诺).\n"
    "# `shufa lock` adds new ones; never delete a line: a build fails when one stops resolving.\n"
)


def published_anchors(archive: Archive, years: Iterable[int] | None = None) -> set[str]:
    """Every page and fragment the current data publishes (ids and declared aliases)."""
    found: set[str] = {"index.html", "reports/index.html", "years/index.html"}
    for county in archive.counties:
        found.add(f"reports/{county}/index.html")
    for year in archive.years() if years is None else years:
        found.add(f"years/{year}.html")
    for report in archive.reports.values():
        page = f"{report.docname}.html"
        found.add(page)
        if report.preamble:
            found.add(f"{page}#preamble")
        for anchor, _part in report.anchors():
            found.add(f"{page}#{anchor}")
    return found


def redirected(entry: str, archive: Archive, current: set[str]) -> bool:
    """Whether *entry* lies under a former county slug and its target still exists."""
    if not entry.startswith("reports/"):
        return False
    slug, _, rest = entry[len("reports/") :].partition("/")
    for county in archive.counties.values():
        if slug in county.aliases:
            return f"reports/{county.slug}/{rest}" in current
    return False


def read_lock(path: Path) -> list[tuple[int, str]]:
    """(line number, entry) of every entry in the lock file."""
    if not path.is_file():
        return []
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            entries.append((number, line))
    return entries


def broken_entries(
    result: LoadResult,
    lock: Path,
    data: Path,
    owns: Callable[[str], bool] | None = None,
    years: Iterable[int] | None = None,
) -> list[tuple[int, str]]:
    """Locked entries that nothing keeps.

    Entries that a data problem already explains are left to that problem's message: the
    pages of a report whose file exists but did not load, the year pages of such a year, and
    everything when a registry (counties, kinds, topics) could not be read."""
    archive = result.archive
    if result.failed_registries & {"counties", "kinds", "topics"}:
        return []
    failed_years = set()
    failed_pages = set()
    for path in data.glob("*/*/*.yaml"):
        key = path.relative_to(data).with_suffix("").as_posix()
        if key not in archive.reports:
            failed_pages.add(f"reports/{key}.html")
            failed_years.add(f"years/{path.stem}.html")
    current = published_anchors(archive, years)
    broken = []
    for number, entry in read_lock(lock):
        if owns is not None and not owns(entry.split("#", 1)[0].removesuffix(".html")):
            continue  # another run's page: that run checks it
        page = entry.split("#", 1)[0]
        if entry in current or redirected(entry, archive, current) or page in failed_pages | failed_years:
            continue
        broken.append((number, entry))
    return broken


def write_lock(path: Path, entries: Iterable[str]) -> None:
    """Write the lock atomically (a temporary file renamed over the old one)."""
    write_if_changed(path, _HEADER + "".join(f"{e}\n" for e in sorted(set(entries))))


def lock_problems(
    result: LoadResult,
    data: Path,
    owns: Callable[[str], bool] | None = None,
    years: Iterable[int] | None = None,
) -> list[Problem]:
    """Every locked entry that nothing keeps, as located problems of the lock file.

    In a partitioned build each run checks the entries of the pages it writes (*owns*, by page
    name); the hub passes the *years* of every report, which its archive does not hold."""
    lock = data / LOCK_NAME
    broken = broken_entries(result, lock, data, owns, years)
    # a page that is gone is one problem, not one per anchor it had
    gone = {entry for _, entry in broken if "#" not in entry}
    anchors: dict[str, int] = {}
    for _, entry in broken:
        page, _, fragment = entry.partition("#")
        if fragment and page in gone:
            anchors[page] = anchors.get(page, 0) + 1
    problems = []
    for number, entry in broken:
        page, _, fragment = entry.partition("#")
        if fragment and page in gone:
            continue
        what = f"anchor #{fragment} of page {page}" if fragment else f"page {page}"
        nor = f", nor the {anchors[page]} anchor(s) locked on it" if not fragment and page in anchors else ""
        problems.append(
            Problem(
                display_path(lock),
                number,
                1,
                f"locked {what} no longer exists{nor} (no element with that id, no alias, no redirect); "
                "expected it restored or its old id declared in `aliases`",
                "anchor-lock",
            )
        )
    return problems
