"""``shufa build``: build the site — in one Sphinx run, or in partitions on Dask (what ``make html`` runs)."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

HELP = "build the site (a large archive in partitions, on a Dask cluster)"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", default="data", metavar="DIR", help="the data folder (default: data)")
    parser.add_argument(
        "-o", "--out", default="_build/html", metavar="DIR", help="the site (default: _build/html)"
    )
    parser.add_argument(
        "--work", default="_build/work", metavar="DIR", help="the runs' own folders (default: _build/work)"
    )
    parser.add_argument(
        "--docs", default="docs", metavar="DIR", help="the hand-written pages (default: docs)"
    )
    parser.add_argument("--conf", default=".", metavar="DIR", help="the folder of conf.py (default: .)")
    parser.add_argument(
        "--sphinx-options", default="-W --keep-going", metavar="OPTS", help="options of every Sphinx run"
    )
    parser.add_argument(
        "--scheduler",
        default="",
        metavar="ADDR",
        help="a Dask scheduler (tcp://host:8786); default: this machine",
    )
    parser.add_argument(
        "--workers", type=int, default=0, metavar="N", help="local workers (default: CPU count)"
    )
    parser.add_argument(
        "--memory-limit",
        default="",
        metavar="SIZE",
        help="memory of a worker's run, such as 2GB (default: none)",
    )


def run(args: argparse.Namespace) -> int:
    from ..build import Options, build

    limit = 0
    if args.memory_limit:
        from dask.utils import parse_bytes

        limit = parse_bytes(args.memory_limit)
    options = Options(
        confdir=Path(args.conf),
        docs=Path(args.docs),
        datadir=Path(args.data),
        site=Path(args.out),
        workdir=Path(args.work),
        sphinx_options=shlex.split(args.sphinx_options),
        scheduler=args.scheduler,
        workers=args.workers,
        memory_limit=limit,
    )
    try:
        return build(options)
    except SystemExit as exc:  # a problem of the set-up (a worker that cannot see the folder …)
        print(exc)
        return 1
