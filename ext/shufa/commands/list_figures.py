"""``shufa figures FILE.yaml [--json]``: the figures and redactions of a data file, with their anchors."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from ..core.building import build_report
from ..core.figures import report_marks
from ..core.problems import DataError
from ..core.schema import REPORT
from ..core.validation import validate
from ..core.yamlfile import read_yaml
from ..importing.progress import format_table

HELP = "list the figures and redactions of a data file, with their anchors"


def _format_value(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else f"{value:g}"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="a report data file (data/<county>/<kind>/<year>.yaml)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def run(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"{path}: no such file; expected a report data file", file=sys.stderr)
        return 1
    try:
        doc = read_yaml(path)
    except DataError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    problems = validate(doc, REPORT)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    report = build_report(doc)
    marks = report_marks(report)
    if args.json:
        out = {"report": report.key, "file": str(path), "marks": [asdict(m) for m in marks]}
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    rows = [[m.anchor, m.kind, m.text, _format_value(m.value), m.unit, m.qualifier] for m in marks]
    print(format_table(["anchor", "kind", "text", "value", "unit", "qualifier"], rows))
    figures = sum(1 for m in marks if m.kind == "figure")
    print(f"{report.key}: {figures} figure(s), {len(marks) - figures} redaction(s)", file=sys.stderr)
    return 0
