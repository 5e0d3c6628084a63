"""The anchor lock: every page and fragment the archive has published, in ``data/anchors.lock``.

One entry per line (``reports/qinghe/shufa/2023.html#s3-2``). ``shufa lock`` adds
the anchors of the current data; nothing ever removes a line. An entry is kept
when the page still has an element with that id (a section, item or closing
part, or a declared ``aliases`` entry), or when it lies under a county's former
slug (``aliases`` in counties.yaml), whose redirect pages forward to the same
fragment. :func:`lock_problems` names every entry nothing keeps; the build and
``shufa check`` report them.

The lock is read like a data file (UTF-8, a byte order mark and CRLF line ends
accepted; never through a symbolic link; a located problem otherwise), and it cannot
be poisoned: an entry is a page path and an id in the archive's own alphabet
(:data:`ENTRY`), and ``shufa lock`` writes nothing else. An archive that has
published reports has a lock: a missing one is an error, not a check turned off.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from .files import write_if_changed
from .loading import LoadResult
from .model import Archive
from .partitions import WHOLE_ARCHIVE, Scope, owner
from .problems import DataError, Problem, display_path
from .registries import LOCK_NAME
from .yamlfile import read_text_file

T = TypeVar("T")

#: In a run's doctree folder: the lock's entries of the run's pages, kept between builds
#: (:func:`lock_problems`' *keep*; :func:`split_lock` writes the partitions' at once).
KEPT = "shufa-lock.json"
#: The lock of a large archive is large (2,000 reports: about 100,000 lines, 5 MB); a file far
#: larger is no lock.
MAX_LOCK_BYTES = 64 * 1024 * 1024
_SEGMENT = r"[a-z0-9]+(?:-[a-z0-9]+)*"
#: What a lock entry is: a page of the site (path segments of slugs and years, ``.html``) and
#: optionally the id of an element on it, in the alphabet of slugs and anchors
#: (:data:`shufa.core.schema.ANCHOR_PATTERN`): ``reports/qinghe/shufa/2023.html#s3-2``.
ENTRY = re.compile(rf"(?:{_SEGMENT}/)*{_SEGMENT}\.html(?:#[a-z][a-z0-9]*(?:-[a-z0-9]+)*)?")
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
    """(line number, entry) of every entry in the lock file; none when there is no lock.

    Raises :class:`~shufa.core.problems.DataError` when the file cannot be read as text."""
    if not os.path.lexists(path):
        return []
    text = read_text_file(path, limit=MAX_LOCK_BYTES, kind="a text file of lock entries")
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            entries.append((number, line))
    return entries


def _by_page(ask: Callable[[str], T]) -> Callable[[str], T]:
    """*ask* (whether a run owns a page, which run does) asked once per page (a report page has
    dozens of locked anchors)."""
    known: dict[str, T] = {}

    def by_page(page: str) -> T:
        if page not in known:
            known[page] = ask(page)
        return known[page]

    return by_page


def unloaded_reports(result: LoadResult, data: Path, owns: Callable[[str], bool] | None = None) -> list[str]:
    """Keys (``<county>/<kind>/<year>``) of report files that are there but did not load (their
    problems are listed as such), among the reports whose pages this run writes (*owns*)."""
    found = []
    for county in sorted(os.listdir(data)) if data.is_dir() else ():
        folder = data / county
        if county.startswith(".") or not folder.is_dir():
            continue
        if owns is not None and not owns(f"reports/{county}/index"):
            continue
        for path in folder.glob("*/*.yaml"):
            key = f"{county}/{path.parent.name}/{path.stem}"
            if key not in result.archive.reports:
                found.append(key)
    return sorted(found)


def entry_problem(entry: str) -> str | None:
    """What is wrong with a lock entry, or None for one the archive can publish."""
    if ENTRY.fullmatch(entry):
        return None
    return (
        f"“{entry[:80]}” is no page or anchor the archive can publish; expected "
        "`<page>.html` or `<page>.html#<id>` in lower-case ASCII letters, digits and `-` "
        "(a line recorded from data that was never valid: delete it)"
    )


def broken_entries(
    result: LoadResult,
    entries: list[tuple[int, str]],
    data: Path,
    owns: Callable[[str], bool] | None = None,
    years: Iterable[int] | None = None,
) -> list[tuple[int, str]]:
    """Locked entries of *entries* that nothing keeps (*entries*: those of the pages this run
    writes, as :func:`lock_problems` selects them; *owns* says which report files are its own).

    Entries that a data problem already explains are left to that problem's message: the
    pages of a report whose file exists but did not load, the year pages of such a year, and
    everything when a registry (counties, kinds, topics) could not be read."""
    archive = result.archive
    if result.failed_registries & {"counties", "kinds", "topics"}:
        return []
    unloaded = unloaded_reports(result, data, owns)
    explained = {f"reports/{key}.html" for key in unloaded}
    explained |= {f"years/{key.rpartition('/')[2]}.html" for key in unloaded}
    current = published_anchors(archive, years)
    broken = []
    for number, entry in entries:
        if entry in current:
            continue
        page = entry.split("#", 1)[0]
        if redirected(entry, archive, current) or page in explained:
            continue
        broken.append((number, entry))
    return broken


def unbuilt_pages(result: LoadResult, data: Path, scope: Scope = WHOLE_ARCHIVE) -> list[str]:
    """Locked report pages that this build cannot make: their data file is there but has problems
    (listed as such). No lock problem names them, and the build must fail all the same, even
    where warnings do not fail it: a published page may not go missing quietly."""
    owns = _owner_of_pages(result, scope)
    lock = data / LOCK_NAME
    unloaded = unloaded_reports(result, data, owns)
    if not unloaded:
        return []
    try:
        locked = {entry.split("#", 1)[0] for _, entry in read_lock(lock)} if lock.is_file() else set()
    except DataError:
        return []
    return sorted(page for key in unloaded if (page := f"reports/{key}.html") in locked)


def write_lock(path: Path, entries: Iterable[str]) -> None:
    """Write the lock atomically (a temporary file renamed over the old one).

    Every entry must be one :func:`entry_problem` accepts (the command checks them first)."""
    entries = set(entries)
    bad = sorted(e for e in entries if entry_problem(e))
    if bad:
        raise ValueError(f"not lock entries: {bad[:3]}")
    write_if_changed(path, _HEADER + "".join(f"{e}\n" for e in sorted(entries)))


def lock_problems(
    result: LoadResult,
    data: Path,
    scope: Scope = WHOLE_ARCHIVE,
    *,
    years: Iterable[int] | None = None,
    creating: bool = False,
    keep: Path | None = None,
) -> list[Problem]:
    """Every problem of the lock: a missing lock in an archive with reports (unless *creating*
    it), a file that cannot be read, malformed entries, and every locked entry nothing keeps.

    In a partitioned build each run (its *scope*) checks the entries of the pages it writes; the
    hub passes the *years* of every report, which its archive does not hold. The problems of the
    file itself (missing, unreadable, malformed lines) are reported once, by the run that spans
    the partitions (the hub, or a build of the whole archive).

    *keep*, a file of the run's own, keeps between builds the entries of the run's pages and the
    problems of malformed lines, for as long as the lock, the registries and the scope stay the
    same: a national archive's lock has some 700,000 entries, of which a run owns a thirtieth,
    and the same lines need not be read and matched at every build."""
    owns = _owner_of_pages(result, scope)
    whole_file = scope.spans_partitions
    lock = data / LOCK_NAME
    shown = display_path(lock)
    if not os.path.lexists(lock):
        if creating or not whole_file or not _has_report_files(data):
            return []
        return [
            Problem(
                shown,
                0,
                0,
                "file not found; expected the anchor lock of an archive with published reports: "
                f"restore it from version control (git checkout -- {shown}), or recreate it with "
                "`shufa lock` (which records only what the current data publishes)",
                "anchor-lock",
            )
        ]
    owns_page = _by_page(owns) if owns is not None else None
    key = _keep_key(lock, data, scope) if keep is not None else None
    kept = _read_kept(keep, key) if keep is not None else None
    if kept is not None:
        mine, malformed = kept
        problems = [Problem(shown, number, 1, message, "anchor-lock") for number, message in malformed]
    else:
        try:
            entries = read_lock(lock)
        except DataError as exc:
            return (
                [Problem(p.path, p.line, p.col, p.message, "anchor-lock") for p in exc.problems]
                if whole_file
                else []
            )
        problems = []
        mine = []
        for number, entry in entries:
            wrong = entry_problem(entry)
            if wrong is not None:
                if whole_file:
                    problems.append(Problem(shown, number, 1, wrong, "anchor-lock"))
            elif owns_page is None or owns_page(entry.split("#", 1)[0].removesuffix(".html")):
                mine.append((number, entry))
        if keep is not None and key is not None:
            malformed = [[p.line, p.message] for p in problems]
            write_if_changed(
                keep, json.dumps({"key": key, "mine": mine, "malformed": malformed}, ensure_ascii=False)
            )
    broken = broken_entries(result, mine, data, owns_page, years)
    # a page that is gone is one problem, not one per anchor it had
    gone = {entry for _, entry in broken if "#" not in entry}
    anchors: dict[str, int] = {}
    for _, entry in broken:
        page, _, fragment = entry.partition("#")
        if fragment and page in gone:
            anchors[page] = anchors.get(page, 0) + 1
    for number, entry in broken:
        page, _, fragment = entry.partition("#")
        if fragment and page in gone:
            continue
        what = f"anchor #{fragment} of page {page}" if fragment else f"page {page}"
        nor = f", nor the {anchors[page]} anchor(s) locked on it" if not fragment and page in anchors else ""
        problems.append(
            Problem(
                shown,
                number,
                1,
                f"locked {what} no longer exists{nor} (no element with that id, no alias, no redirect); "
                "expected it restored or its old id declared in `aliases`",
                "anchor-lock",
            )
        )
    return problems


def split_lock(data: Path, archive: Archive, keeps: dict[str, Path]) -> int:
    """The entries of each partition's pages written to its *keeps* file (partition name → the
    file its run's :func:`lock_problems` keeps), in one reading of the lock for them all, where a
    file does not hold them already. Returns how many files were written.

    Each run would otherwise read the whole lock to find its thirtieth of it: at 20,000 reports
    (660,000 entries) 0.9 s of CPU per partition, 20 s in a national build. What a partition's
    run checks stays the same: a file whose key is not the run's (the lock or the registries
    changed since) is read again by the run itself. Malformed lines are left out, as a
    partition's run leaves them (the hub's run reports them)."""
    lock = data / LOCK_NAME
    if not os.path.lexists(lock):
        return 0
    stale = {}
    for name, keep in keeps.items():
        key = _keep_key(lock, data, Scope(name))
        if key is not None and not _holds_key(keep, key):
            stale[name] = (keep, key)
    if not stale:
        return 0
    try:
        entries = read_lock(lock)
    except DataError:
        return 0  # each run finds nothing of its own; the hub's reports the file
    mine: dict[str, list[tuple[int, str]]] = {name: [] for name in stale}
    owner_of = _by_page(lambda page: owner(archive, page))
    for number, entry in entries:
        found = mine.get(owner_of(entry.split("#", 1)[0].removesuffix(".html")))
        if found is not None and entry_problem(entry) is None:
            found.append((number, entry))
    for name, (keep, key) in stale.items():
        write_if_changed(
            keep, json.dumps({"key": key, "mine": mine[name], "malformed": []}, ensure_ascii=False)
        )
    return len(stale)


def _holds_key(keep: Path, key: list) -> bool:
    """Whether the kept file *keep* was written for *key* (its opening read, not the whole)."""
    head = ('{"key": ' + json.dumps(key, ensure_ascii=False) + ", ").encode()
    try:
        with open(keep, "rb") as handle:
            return handle.read(len(head)) == head
    except OSError:
        return False


def _keep_key(lock: Path, data: Path, scope: Scope) -> list | None:
    """What the kept entries of a run depend on: the lock and the registries that say which run
    owns a page (by size, time and inode), and the run."""
    found: list = [scope.name]
    for path in (lock, data / "counties.yaml", data / "provinces.yaml"):
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            found.append(None)
            continue
        except OSError:
            return None
        found.append([stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino])
    return found


def _read_kept(keep: Path, key: list | None) -> tuple[list[tuple[int, str]], list[list]] | None:
    if key is None:
        return None
    try:
        kept = json.loads(keep.read_text(encoding="utf-8"))
        if kept["key"] != key:
            return None
        return [(n, e) for n, e in kept["mine"]], kept["malformed"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _owner_of_pages(result: LoadResult, scope: Scope) -> Callable[[str], bool] | None:
    """Which pages the run writes, by page name (None: every page, the whole archive's run)."""
    if scope.is_whole:
        return None
    return lambda page: scope.owns(result.archive, page)


def _has_report_files(data: Path) -> bool:
    return any(True for _ in data.glob("*/*/*.yaml"))
