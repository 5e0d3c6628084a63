"""``shufa import SRC... [--county SLUG] [--kind KIND] [--year YEAR] [--title TITLE] [--register [CODE]]
[--date DATE] [--published DATE] [--url URL] [--obtained HOW] [--retrieved DATE] [-o OUT | --data-dir DIR] [--force]``.

Each SRC (a file of a format of :mod:`shufa.core.formats`, or a folder of them, searched
recursively) becomes data/<county>/<kind>/<year>.yaml (or OUT; ``-o -`` prints
it), and its original is kept as sources/<county>/<kind>/<year>.<ext>.
Registries (counties, kinds, topics) come from the data folder. A file that
cannot be imported is refused with one clear message and nothing is written
for it; the exit code is 1 when any file was refused. A page about a report that
is not one (a 政策解读, news of a 述法 meeting) is refused with what it is, and
imported only with ``--force``. Several files get a
progress bar on stderr and a final table: imported, refused (why), to review.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

from ..core.formats import usual_suffixes
from ..core.registries import Registries
from ..core.schema import UNKNOWN, URL_PATTERN
from ..core.yamlfile import escape_unsafe
from ..importing.importsummary import excerpt
from ..importing.pipeline import Options, Prepared, checked_registries, prepare, write
from ..importing.progress import Progress, format_table
from ..importing.reading import ImportFailure, supported

HELP = f"import published reports ({usual_suffixes(', ')}, or folders of them) into data files"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "sources",
        nargs="+",
        metavar="SRC",
        help=f"published report(s): {usual_suffixes()} files, or folders holding them",
    )
    parser.add_argument("--county", metavar="SLUG", help="county slug of counties.yaml (default: detected)")
    parser.add_argument("--kind", metavar="KIND", help="report kind of kinds.yaml (default: detected)")
    parser.add_argument(
        "--year", type=int, metavar="YEAR", help="the year the report covers (default: detected)"
    )
    parser.add_argument(
        "--title",
        metavar="TITLE",
        help="the report's title (default: the title printed in the text or on the web page, else one "
        "derived from county, year and kind, listed to review)",
    )
    parser.add_argument(
        "--register",
        nargs="?",
        const=True,
        default=False,
        metavar="CODE",
        help="register the county-level unit the text names (or the one of this GB/T 2260 code) from the "
        "national table in counties.yaml, and its province in provinces.yaml; as --county SLUG when given "
        "(default: asked in a terminal, else refused)",
    )
    parser.add_argument(
        "--date",
        dest="issued",
        type=_date_or_unknown,
        metavar="DATE",
        help="the date on the document, YYYY-MM-DD, or 'unknown' (recorded where the copy prints none)",
    )
    parser.add_argument(
        "--published",
        type=_date_or_unknown,
        metavar="DATE",
        help="the day it was published online, YYYY-MM-DD, or 'unknown'",
    )
    parser.add_argument(
        "--url",
        type=_url_or_unknown,
        metavar="URL",
        help="the address of the published copy, or 'unknown' (it was online; nobody can tell where)",
    )
    parser.add_argument(
        "--obtained",
        type=_text,
        metavar="HOW",
        help="how a copy that is not online was obtained: 依申请公开, 纸质文本, 内网, 会议材料 …",
    )
    parser.add_argument(
        "--retrieved",
        type=_date_or_unknown,
        metavar="DATE",
        help="the day the copy was obtained, YYYY-MM-DD, or 'unknown' (default: the day a saved page "
        "says it was saved, else the file's time)",
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
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace an existing data file; import a page that reads as no report (政策解读, news)",
    )


def _date_or_unknown(value: str) -> str:
    """A YYYY-MM-DD day of the calendar, or ``unknown``."""
    if value == UNKNOWN:
        return value
    try:
        return dt.date.fromisoformat(value).isoformat() if len(value) == 10 else _bad_date(value)
    except ValueError:
        return _bad_date(value)


def _bad_date(value: str) -> str:
    raise argparse.ArgumentTypeError(f"“{value}” is no date; expected YYYY-MM-DD or '{UNKNOWN}'")


def _url_or_unknown(value: str) -> str:
    if value == UNKNOWN or re.fullmatch(URL_PATTERN, value):
        return value
    raise argparse.ArgumentTypeError(f"“{value}” is no http(s) address; expected one, or '{UNKNOWN}'")


def _text(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise argparse.ArgumentTypeError("empty; expected how the copy was obtained (依申请公开, 纸质文本 …)")
    return value


def _ask(question: str) -> bool:
    """A yes/no question on the terminal (only when one is there)."""
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in {"y", "yes", "是", "好"}


def expand(paths: list[Path]) -> tuple[list[Path], dict[str, int]]:
    """The files to import: each file given, and every file of a supported format in each folder
    given (recursively, in name order; hidden files and a saved page's ``*_files`` folder left
    out). Also the count of other files left out, by suffix."""
    files: list[Path] = []
    skipped: dict[str, int] = {}
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        for found in sorted(path.rglob("*")):
            parts = found.relative_to(path).parts
            if any(p.startswith(".") or p.endswith(("_files", ".files")) for p in parts[:-1]):
                continue
            if found.name.startswith(".") or not found.is_file():
                continue
            if supported(found):
                files.append(found)
            else:
                key = found.suffix.lower() or "(no suffix)"
                skipped[key] = skipped.get(key, 0) + 1
    return files, skipped


def run(args: argparse.Namespace) -> int:
    sources, skipped = expand([Path(s) for s in args.sources])
    if not sources:
        print(
            escape_unsafe(f"error: no {usual_suffixes()} file found in " + ", ".join(args.sources)),
            file=sys.stderr,
        )
        return 1
    if args.output is not None and len(sources) > 1:
        print("error: -o/--output takes a single SRC; use --data-dir for several files", file=sys.stderr)
        return 1
    if args.title is not None and len(sources) > 1:
        print("error: --title takes a single SRC (each report has its own title)", file=sys.stderr)
        return 1
    for option, value in (("--date", args.issued), ("--published", args.published), ("--url", args.url)):
        if value not in (None, UNKNOWN) and len(sources) > 1:
            print(
                f"error: {option} {value} takes a single SRC (each report has its own); "
                f"{option} {UNKNOWN} records it as unknown in every file that does not tell it",
                file=sys.stderr,
            )
            return 1
    if isinstance(args.register, str) and (len(sources) > 1 or not re.fullmatch(r"[0-9]{6}", args.register)):
        print("error: --register CODE takes a single SRC and a 6-digit GB/T 2260 code", file=sys.stderr)
        return 1
    try:
        registries = checked_registries(Path(args.data_dir))
    except ImportFailure as exc:
        print(escape_unsafe(f"error: {exc}"), file=sys.stderr)
        return 1
    options = Options(
        county=args.county,
        kind=args.kind,
        year=args.year,
        output=args.output,
        force=args.force,
        title=args.title,
        register=args.register,
        ask=_ask if sys.stdin.isatty() and args.output != "-" else None,
        issued=args.issued,
        published=args.published,
        url=args.url,
        obtained=args.obtained,
        retrieved=args.retrieved,
    )
    to_stdout = args.output == "-"
    report = sys.stderr if to_stdout else sys.stdout
    progress = Progress(len(sources)) if len(sources) > 1 else None
    rows: list[list[str]] = []
    claimed: dict[str, Path] = {}
    digests: dict[str, Path] = {}
    failures = review = needing = 0
    for source in sources:
        if progress is not None:
            progress.step(escape_unsafe(str(source)))
        prepared, error = _one(source, registries, options, claimed, digests)
        if progress is not None:
            progress.clear()
        if prepared is None:
            failures += 1
            said = "nothing written" in (error or "")
            print(
                escape_unsafe(f"import failed: {error}" + ("" if said else " (nothing written)")),
                file=sys.stderr,
            )
            why = (error or "").removeprefix(f"{source}: ")
            rows.append(
                [
                    escape_unsafe(str(source)),
                    "refused",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    excerpt(escape_unsafe(why), 70),
                ]
            )
            continue
        if to_stdout:
            sys.stdout.write(prepared.text)
        print(escape_unsafe(prepared.summary.render(written=not to_stdout)), file=report)
        s = prepared.summary
        review += s.to_review
        needing += bool(s.needs)
        rows.append(
            [
                escape_unsafe(str(source)),
                "imported",
                s.target,
                str(s.sections),
                str(s.items),
                str(s.figures),
                str(s.redactions),
                str(s.to_review) if s.to_review else "",
                "",
            ]
        )
    if progress is not None:
        print(file=report)
        headers = [
            "source",
            "result",
            "file",
            "sections",
            "items",
            "figures",
            "redactions",
            "to review",
            "why",
        ]
        print(format_table(headers, rows), file=report)
        left_out = ", ".join(f"{n} {suffix}" for suffix, n in sorted(skipped.items()))
        still = f", {needing} still need a date or source" if needing else ""
        print(
            f"{len(sources) - failures} imported, {failures} refused, {review} to review{still} (see each summary)"
            + (f"; left out: {left_out}" if left_out else ""),
            file=report,
        )
    return 1 if failures else 0


def _one(
    source: Path,
    registries: Registries,
    options: Options,
    claimed: dict[str, Path],
    digests: dict[str, Path] | None = None,
) -> tuple[Prepared | None, str | None]:
    """Import one file; (prepared, None) or (None, the message). Never raises."""
    try:
        prepared = prepare(source, registries, options)
        if digests is not None and prepared.source_text is not None:
            digest = prepared.source_text.sha256
            if digest in digests:
                raise ImportFailure(f"the same file as {digests[digest]} (identical bytes); imported once")
            digests[digest] = source
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
