"""``shufa import SRC... [--county SLUG] [--kind KIND] [--year YEAR] [-o OUT | --data-dir DIR] [--force]``.

Each SRC becomes data/<county>/<kind>/<year>.yaml (or OUT; ``-o -`` prints
it). Registries (counties, kinds, topics) come from the data folder. A file
that cannot be imported gets one clear message and nothing is written for it;
the exit code is 1 when any SRC failed. Several SRC files get a progress bar
on stderr and a final table.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..importing.pipeline import Options, Prepared, Registries, load_registries, prepare, write
from ..importing.progress import Progress, format_table
from ..importing.sources import ImportFailure
from ..importing.summary import excerpt

HELP = "import published report texts (.txt, .docx) into data files"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sources", nargs="+", metavar="SRC", help="published report text(s): .txt or .docx")
    parser.add_argument("--county", metavar="SLUG", help="county slug of counties.yaml (default: detected)")
    parser.add_argument("--kind", metavar="KIND", help="report kind of kinds.yaml (default: detected)")
    parser.add_argument(
        "--year", type=int, metavar="YEAR", help="the year the report covers (default: detected)"
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="write to OUT instead of DIR/<county>/<kind>/<year>.yaml ('-': print it)",
    )
    parser.add_argument(
        "--data-dir",
        default="data",
        metavar="DIR",
        help="the data folder: registries are read from it, files go into it (default: data)",
    )
    parser.add_argument("--force", action="store_true", help="replace an existing data file")


def run(args: argparse.Namespace) -> int:
    sources = [Path(s) for s in args.sources]
    if args.output is not None and len(sources) > 1:
        print("error: -o/--output takes a single SRC; use --data-dir for several files", file=sys.stderr)
        return 1
    try:
        registries = load_registries(Path(args.data_dir))
    except ImportFailure as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    options = Options(
        county=args.county, kind=args.kind, year=args.year, output=args.output, force=args.force
    )
    to_stdout = args.output == "-"
    report = sys.stderr if to_stdout else sys.stdout
    progress = Progress(len(sources)) if len(sources) > 1 else None
    rows: list[list[str]] = []
    claimed: dict[str, Path] = {}
    failures = 0
    for source in sources:
        if progress is not None:
            progress.step(str(source))
        prepared, error = _one(source, registries, options, claimed)
        if progress is not None:
            progress.clear()
        if prepared is None:
            failures += 1
            print(f"import failed: {error} (nothing written)", file=sys.stderr)
            why = (error or "").removeprefix(f"{source}: ")
            rows.append([str(source), "failed", "", "", "", "", "", excerpt(why, 60)])
            continue
        if to_stdout:
            sys.stdout.write(prepared.text)
        print(prepared.summary.render(written=not to_stdout), file=report)
        s = prepared.summary
        rows.append(
            [
                str(source),
                "ok",
                s.target,
                str(s.sections),
                str(s.items),
                str(s.figures),
                str(s.redactions),
                f"{len(s.unplaced)} to check" if s.unplaced else "",
            ]
        )
    if progress is not None:
        print(file=report)
        print(
            format_table(
                ["source", "result", "file", "sections", "items", "figures", "redactions", "note"], rows
            ),
            file=report,
        )
        print(f"{len(sources) - failures} imported, {failures} failed", file=report)
    return 1 if failures else 0


def _one(
    source: Path, registries: Registries, options: Options, claimed: dict[str, Path]
) -> tuple[Prepared | None, str | None]:
    """Import one file; (prepared, None) or (None, the message). Never raises."""
    try:
        prepared = prepare(source, registries, options)
        key = str(prepared.target)
        if key != "-" and key in claimed:
            raise ImportFailure(
                f"would write {prepared.summary.target} again (already written from "
                f"{claimed[key]} in this run)"
            )
        write(prepared, registries, force=options.force)
        claimed[key] = source
        return prepared, None
    except ImportFailure as exc:
        message = str(exc)
        if not message.startswith(str(source)):
            message = f"{source}: {message}"
        return None, message
    except Exception as exc:  # never a traceback for a user's file; say what to report
        return None, (
            f"{source}: unexpected error ({type(exc).__name__}: {exc}); please report this with the file"
        )
