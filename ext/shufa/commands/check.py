"""``shufa check``: validate every data file and list every problem (the anchor lock included).

It fails on warnings too (a report its citations lack something of), as ``make html`` does
(``-W``): what passes ``shufa check`` builds.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.loading import load_archive
from ..core.lock import lock_problems

HELP = "validate every data file and list every problem"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data_dir", nargs="?", default="data", help="the data folder (default: data)")


def run(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir)
    result = load_archive(data_dir)
    problems = [*result.problems, *lock_problems(result, data_dir)]
    for problem in problems:
        print(problem)
    archive = result.archive
    files = len(result.files)
    if problems:
        warnings = sum(1 for p in problems if not p.is_error)
        also = (
            f" ({warnings} warning(s): the pages are built, but a build with -W fails on them)"
            if warnings
            else ""
        )
        print(f"{len(problems)} problem(s){also}; {files} report file(s) loaded.", file=sys.stderr)
        return 1
    print(
        f"ok: {len(archive.counties)} counties, {len(archive.kinds)} kinds, "
        f"{len(archive.topics)} topics, {files} reports",
        file=sys.stderr,
    )
    return 0
