"""Load and validate a data folder into an :class:`~shufa.core.model.Archive`, collecting every problem.

``load_archive`` never raises on bad data: a file with an error is left out
of the archive and its problems (each with file, line and column) are listed
in the result, so ``shufa check`` can print them all and the build can warn.
A report with only warnings (what its citations lack) is in the archive, and
its warnings are listed all the same.
The steps are modules of their own: :mod:`~shufa.core.registries`,
:mod:`~shufa.core.validation`, :mod:`~shufa.core.building`, :mod:`~shufa.core.checks`,
:mod:`~shufa.core.originals` (the kept original files and their checksums).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .building import build_report
from .checks import check_report, citation_problems
from .model import Archive, Report
from .originals import check_original
from .problems import DataError, Problem, display_path
from .registries import LOCK_NAME, TOP_LEVEL_FILES, Registries, load_registries
from .schema import REPORT
from .validation import validate
from .yamlfile import YamlDocument, read_yaml

_YEAR_FILE = re.compile(r"^[0-9]{4}\.yaml$")


@dataclass
class LoadResult:
    """The archive and every problem found while loading it."""

    archive: Archive
    problems: list[Problem] = field(default_factory=list)
    #: Data file of each report key, for dependency tracking.
    files: dict[str, Path] = field(default_factory=dict)
    #: Registry files that had problems (``counties``, ``kinds``, ``topics``, ``metrics``).
    failed_registries: set[str] = field(default_factory=set)


def load_archive(
    data_dir: Path,
    cache: dict[str, Any] | None = None,
    only: set[str] | None = None,
    registries: Registries | None = None,
) -> LoadResult:
    """Load every file of *data_dir*; problems are collected, never raised.

    *cache*, when given, maps a report file to the outcome of its parse and schema
    validation, keyed by its modification time and size; unchanged files are not
    parsed again (the build keeps it between runs). Cross-file checks always run.

    *only*, a set of county slugs, limits the report files read to those counties' folders (one
    partition of a national build); an empty set reads none but looks at everything
    outside the registered counties' folders (the hub's share), so that the partitions
    and the hub together report every problem once.
    """
    data_dir = Path(data_dir)
    if registries is None:  # (a caller that read them already passes them)
        registries = load_registries(data_dir)
    problems = list(registries.problems)
    counties, kinds, topics, metrics = (
        registries.counties,
        registries.kinds,
        registries.topics,
        registries.metrics,
    )

    reports: dict[str, Report] = {}
    files: dict[str, Path] = {}
    seen = set()
    for path in _report_files(data_dir, problems, _scope(only, set(registries.counties))):
        doc, found = _parse_report(path, cache)
        seen.add(str(path))
        if doc is None:
            problems.extend(found)
            continue
        report = build_report(doc)
        found = check_report(doc, report, counties, kinds, topics, data_dir, metrics)
        if registries.failed:
            # A reference into a registry that failed is not this file's fault: its problem is
            # already listed. The report still cannot be placed, so it is left out quietly.
            found = [p for p in found if p.code not in {"county", "kind", "topic", "metric"}] + (
                [] if not _refers_to_failed(report, registries) else [_QUIET]
            )
        if found:
            problems.extend(p for p in found if p is not _QUIET)
            continue
        # a missing or changed original is reported, but the report itself is sound: it stays
        problems.extend(check_original(report, data_dir, cache))
        seen.add(f"original:{(data_dir.parent / report.original.path).resolve()}" if report.original else "")
        problems.extend(citation_problems(doc))  # warnings: the report is published all the same
        reports[report.key] = report
        files[report.key] = path
    if cache is not None:
        for stale in set(cache) - seen:
            del cache[stale]
    archive = Archive(
        counties=counties,
        kinds=kinds,
        topics=topics,
        reports=reports,
        metrics=metrics,
        provinces=registries.provinces,
    )
    return LoadResult(archive, sorted(set(problems)), files, failed_registries=set(registries.failed))


_QUIET = Problem("", 0, 0, "left out: refers to a registry with problems")


def _refers_to_failed(report: Report, registries: Registries) -> bool:
    failed = registries.failed
    return bool(
        ("counties" in failed and report.county not in registries.counties)
        or ("kinds" in failed and report.kind not in registries.kinds)
        or ("topics" in failed and any(s.topic not in registries.topics for s in report.sections))
        or (
            "metrics" in failed
            and any(a.metric and a.metric not in registries.metrics for a in report.figure_assignments)
        )
    )


def _parse_report(path: Path, cache: dict[str, Any] | None) -> tuple[YamlDocument | None, list[Problem]]:
    """The schema-valid document of *path*, or its problems (from *cache* when unchanged)."""
    try:
        stat = path.lstat()
    except OSError:  # gone since the folder was listed: read_yaml words it
        stamp = None
    else:
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_mode)
    if cache is not None and (hit := cache.get(str(path))) and hit[0] == stamp:
        return hit[1], hit[2]
    try:
        doc: YamlDocument | None = read_yaml(path)
    except DataError as exc:
        doc, found = None, exc.problems
    else:
        found = validate(doc, REPORT)
        if found:
            doc = None
    if cache is not None:
        cache[str(path)] = (stamp, doc, found)
    return doc, found


#: Suffixes of data files, in any case: ``2025.YAML`` is a misnamed data file, not another file.
_DATA_SUFFIXES = {".yaml", ".yml"}


def _scope(only: set[str] | None, registered: set[str]) -> Callable[[Path], bool]:
    """Whether a path (relative to the data folder) is read by a load of the counties *only*."""
    if only is None:
        return lambda rel: True
    if only:
        return lambda rel: rel.parts[0] in only
    return lambda rel: rel.parts[0] not in registered


def _paths(data_dir: Path, in_scope: Callable[[Path], bool]) -> Iterator[Path]:
    """Every path under *data_dir* in the scope, in sorted order; the folders of counties out of
    scope are not walked at all (a partition of a national archive reads 1/30 of its folders)."""
    for top in sorted(data_dir.iterdir()):
        if not in_scope(Path(top.name)):
            continue
        yield top
        if top.is_dir() and not top.is_symlink():
            yield from sorted(top.rglob("*"))


def _report_files(
    data_dir: Path, problems: list[Problem], in_scope: Callable[[Path], bool] = lambda rel: True
) -> list[Path]:
    """data/<county>/<kind>/<year>.yaml files; misplaced or misnamed YAML, folders named like a
    data file and symlinks are problems. (A FIFO, socket or device named like a report file is
    listed: the reader refuses it without opening it.)"""
    if not data_dir.is_dir():
        problems.append(Problem(display_path(data_dir), 0, 0, "data folder not found", "file"))
        return []
    found = []
    root = data_dir.resolve()
    for path in _paths(data_dir, in_scope):
        rel = path.relative_to(data_dir)
        if len(rel.parts) == 1 and (rel.name in TOP_LEVEL_FILES or rel.name == LOCK_NAME):
            continue  # read by their own readers, which refuse a link, a folder or a FIFO
        if path.is_symlink():
            problems.append(
                Problem(
                    display_path(path),
                    0,
                    0,
                    "symbolic link in data/; expected a regular file or folder",
                    "file",
                )
            )
            continue
        named_like_data = path.suffix.lower() in _DATA_SUFFIXES
        if path.is_dir():
            if named_like_data:
                problems.append(
                    Problem(
                        display_path(path),
                        0,
                        0,
                        "a folder named like a data file; expected data/<county>/<kind>/<year>.yaml "
                        "to be a file (rename the folder)",
                        "file",
                    )
                )
            continue
        if not named_like_data:
            continue
        if len(rel.parts) != 3 or not _YEAR_FILE.match(rel.name) or root not in path.resolve().parents:
            problems.append(
                Problem(
                    display_path(path),
                    0,
                    0,
                    "unexpected data file; expected data/<county>/<kind>/<year>.yaml",
                    "file",
                )
            )
            continue
        found.append(path)
    return found
