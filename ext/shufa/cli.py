"""The ``shufa`` command: check the data folder (and, through registered subcommands, more)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .loading import load_archive

#: Subcommand name → (help, function adding its arguments, function running it).
#: Other modules register theirs here, so a new command is a new module, not an edit.
COMMANDS: dict[
    str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]
] = {}


def command(name: str, help: str, arguments: Callable[[argparse.ArgumentParser], None]):
    """Register ``shufa <name>``."""

    def wrap(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        COMMANDS[name] = (help, arguments, run)
        return run

    return wrap


def _check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data_dir", nargs="?", default="data", help="the data folder (default: data)")


@command("check", "validate every data file and list every problem", _check_arguments)
def check(args: argparse.Namespace) -> int:
    from .anchors import lock_problems  # the anchor lock is part of a clean archive

    data_dir = Path(args.data_dir)
    result = load_archive(data_dir)
    problems = [*result.problems, *lock_problems(result, data_dir)]
    for problem in problems:
        print(problem)
    archive = result.archive
    files = len(result.files)
    if problems:
        print(f"{len(problems)} problem(s); {files} report file(s) clean.", file=sys.stderr)
        return 1
    print(
        f"ok: {len(archive.counties)} counties, {len(archive.kinds)} kinds, "
        f"{len(archive.topics)} topics, {files} reports",
        file=sys.stderr,
    )
    return 0


def _load_plugins() -> None:
    # Commands that live in their own modules register themselves on import.
    from importlib import import_module

    for module in ("shufa.importing.command", "shufa.anchors", "shufa.figures", "shufa.sitecheck"):
        try:
            import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module and not module.startswith(str(exc.name)):
                raise


def main(argv: Sequence[str] | None = None) -> int:
    _load_plugins()
    parser = argparse.ArgumentParser(prog="shufa", description="县域法治报告库 — archive tools")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (help_text, arguments, _run) in COMMANDS.items():
        arguments(sub.add_parser(name, help=help_text, description=help_text))
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command][2](args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
