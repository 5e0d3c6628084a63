"""``shufa lock``: record every published page and anchor in data/anchors.lock."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.arrival import record_added, today
from ..core.loading import load_archive
from ..core.lock import (
    LOCK_NAME,
    entry_problem,
    lock_problems,
    published_anchors,
    read_lock,
    write_lock,
)
from ..core.model import Archive
from ..core.problems import display_path

HELP = (
    "record every published page and anchor in data/anchors.lock, and the day a report entered the "
    "archive in each report without one"
)


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data_dir", nargs="?", default="data", help="the data folder (default: data)")
    parser.add_argument(
        "--check", action="store_true", help="only report locked anchors that no longer exist"
    )


def run(args: argparse.Namespace) -> int:
    data = Path(args.data_dir)
    result = load_archive(data)
    for problem in result.problems:
        print(problem)
    if any(p.is_error for p in result.problems):
        print("fix the data problems first: the lock records only what builds", file=sys.stderr)
        return 1
    path = data / LOCK_NAME
    broken = lock_problems(result, data, creating=not args.check)
    for problem in broken:
        print(problem)
    if broken:
        return 1
    if args.check:
        print(f"ok: {len(read_lock(path))} locked entries resolve", file=sys.stderr)
        return 0
    old = {entry for _, entry in read_lock(path)}
    new = published_anchors(result.archive)
    poison = sorted(e for e in new if entry_problem(e))
    if poison:  # the data passed every check, so this is a bug: never write it into the lock
        for entry in poison:
            print(f"{display_path(path)}: internal error: {entry_problem(entry)}")
        return 1
    write_lock(path, old | new)
    print(f"{display_path(path)}: {len(new - old)} entries added, {len(old | new)} in all", file=sys.stderr)
    return _record_arrivals(result.archive, data)


def _record_arrivals(archive: Archive, data: Path) -> int:
    """The day of its first lock, as the day it entered the archive, in each report without one."""
    day, failed = today(), 0
    for report in archive.reports.values():
        if report.added:
            continue
        where = data / report.county / report.kind / f"{report.year}.yaml"
        if record_added(where, day):
            print(f"{display_path(where)}: added: {day} (the day it entered the archive)", file=sys.stderr)
        else:
            failed += 1
            print(
                f"{display_path(where)}: could not add `added: {day}` (the day it entered the archive) "
                "at the end of the file; add that line by hand",
                file=sys.stderr,
            )
    return 1 if failed else 0
