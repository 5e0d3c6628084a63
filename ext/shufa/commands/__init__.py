"""The ``shufa`` command: an explicit table of subcommands, each a module of this package.

Each command module has ``HELP`` (one line), ``arguments(parser)`` and
``run(args) -> exit status``. Commands import the core and the importer, never
a plugin (``tests/test_layers.py`` checks it): ``shufa check`` runs without
Sphinx. ``python -m shufa`` is the same command.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

#: Subcommand name → the module that implements it, in the order ``shufa --help`` lists them.
COMMANDS: dict[str, str] = {
    "check": "shufa.commands.check",
    "import": "shufa.commands.import_",
    "lock": "shufa.commands.lock_anchors",
    "figures": "shufa.commands.list_figures",
    "check-links": "shufa.commands.check_links",
    "export": "shufa.commands.export_archive",
    "build": "shufa.commands.build",
}


def parser() -> tuple[argparse.ArgumentParser, dict[str, object]]:
    """The argument parser of every subcommand, and each subcommand's module."""
    top = argparse.ArgumentParser(prog="shufa", description="县域法治报告库 — archive tools")
    sub = top.add_subparsers(dest="command", required=True)
    modules = {}
    for name, path in COMMANDS.items():
        module = import_module(path)
        modules[name] = module
        module.arguments(sub.add_parser(name, help=module.HELP, description=module.HELP))
    return top, modules


def main(argv: Sequence[str] | None = None) -> int:
    top, modules = parser()
    args = top.parse_args(argv)
    try:
        return modules[args.command].run(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
