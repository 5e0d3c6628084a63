"""``shufa export DATA -o FILE``: the whole archive in one JSON file (the site publishes it in pieces)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..core.exporting import whole_archive
from ..core.files import write_if_changed
from ..core.loading import load_archive
from ..core.summary import summarize

HELP = "write the whole archive as one JSON file (index, counties and reports with their text)"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data_dir", nargs="?", default="data", help="the data folder (default: data)")
    parser.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="the JSON file to write ('-': print)"
    )
    parser.add_argument("--title", default="县域法治报告库", help="the archive's title in the file")


def run(args: argparse.Namespace) -> int:
    result = load_archive(Path(args.data_dir))
    for problem in result.problems:
        print(problem, file=sys.stderr)
    if result.problems:
        print("fix the data problems first: the export holds only what builds", file=sys.stderr)
        return 1
    document = whole_archive(result.archive, summarize(result.archive), args.title)
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        write_if_changed(Path(args.output), text)
        print(f"{args.output}: {len(result.archive.reports)} reports", file=sys.stderr)
    return 0
