"""``shufa check-links [SITE]``: every internal link and anchor of a built site must resolve."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.sitecheck import broken_links

HELP = "check that every internal link and anchor of a built site resolves"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "outdir", nargs="?", default="_build/html", help="the built site (default: _build/html)"
    )


def run(args: argparse.Namespace) -> int:
    outdir = Path(args.outdir)
    if not outdir.is_dir():
        print(f"{outdir}: no built site here; run `make html` first", file=sys.stderr)
        return 1
    problems = broken_links(outdir)
    for problem in problems:
        print(problem)
    pages = sum(1 for _ in outdir.rglob("*.html"))
    print(f"{len(problems)} broken link(s) in {pages} page(s)", file=sys.stderr)
    return 1 if problems else 0
