"""``shufa build``: build the site — in one Sphinx run, or in partitions on Dask (what ``make html`` runs)."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

HELP = "build the site (a large archive in partitions, on a Dask cluster)"


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number of workers, 1 or more")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r}: expected a number of seconds above 0, such as 60")
    return value


def _size(text: str) -> int:
    from dask.utils import parse_bytes  # Dask's own reading of sizes, as `dask worker --memory-limit`

    try:
        value = parse_bytes(text.strip()) if text.strip() else 0
    except (ValueError, TypeError):
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected a size: a number with a unit, such as 2GB, 1500MB, 2GiB or 2e9 (bytes)"
        )
    return int(value)


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", default="data", metavar="DIR", help="the data folder (default: data)")
    parser.add_argument(
        "-o",
        "--out",
        default="_build/html",
        metavar="DIR",
        help="the site (default: _build/html): a new or empty folder, or a site this command built",
    )
    parser.add_argument(
        "--work",
        default="_build/work",
        metavar="DIR",
        help="the runs' own folders (default: _build/work): new or empty, or this command's",
    )
    parser.add_argument(
        "--docs", default="docs", metavar="DIR", help="the hand-written pages (default: docs)"
    )
    parser.add_argument("--conf", default=".", metavar="DIR", help="the folder of conf.py (default: .)")
    parser.add_argument(
        "--sphinx-options",
        default="-W --keep-going",
        metavar="OPTS",
        help="options of every Sphinx run, as one argument (--sphinx-options=-E when they start with -)",
    )
    parser.add_argument(
        "--scheduler",
        default="",
        metavar="ADDR",
        help="a Dask scheduler (tcp://host:8786); default: this machine",
    )
    parser.add_argument(
        "--workers", type=_workers, default=None, metavar="N", help="local workers (default: CPU count)"
    )
    parser.add_argument(
        "--connect-timeout",
        type=_seconds,
        default=10.0,
        metavar="SECONDS",
        help="how long the scheduler given by --scheduler has to answer (default: 10)",
    )
    parser.add_argument(
        "--wait-for-workers",
        type=_seconds,
        default=60.0,
        metavar="SECONDS",
        help="how long a scheduler given by --scheduler may have no worker (default: 60)",
    )
    parser.add_argument(
        "--memory-limit",
        type=_size,
        default=0,
        metavar="SIZE",
        help="memory of a worker's run, such as 2GB (default: none)",
    )


def run(args: argparse.Namespace) -> int:
    from ..sitebuild import Options, build

    try:
        sphinx_options = shlex.split(args.sphinx_options)
    except ValueError as exc:  # an unclosed quote
        print(
            f"shufa: --sphinx-options {args.sphinx_options!r}: {exc}; expected options as a shell would split them"
        )
        return 1
    options = Options(
        confdir=Path(args.conf),
        docs=Path(args.docs),
        datadir=Path(args.data),
        site=Path(args.out),
        workdir=Path(args.work),
        sphinx_options=sphinx_options,
        scheduler=args.scheduler,
        workers=args.workers or 0,
        memory_limit=args.memory_limit,
        wait_for_workers=args.wait_for_workers,
        connect_timeout=args.connect_timeout,
    )
    return build(options)
