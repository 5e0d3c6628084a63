"""县域法治报告库 (an archive of county rule-of-law reports): the ``shufa`` package.

Its folders are its layers:

``core/``       the model, the data format and its loading, the rules of report text (no Sphinx)
``importing/``  ``shufa import``: published texts into data files (on the core only)
``commands/``   the ``shufa`` command (on the core, the importer and the site build)
``sitebuild/``  ``shufa build`` (``make html``): partitions as Dask tasks, one site merged
``plugins/``    the Sphinx extensions, one concern each; their shared helpers in ``plugins/shared/``

As a Sphinx extension, ``shufa`` sets up every plugin (:func:`setup`: conf.py lists
``extensions = [..., "shufa"]``). The plugins' former names, from when they sat at the top
of the package (``shufa.data``, ``shufa.search`` …), keep working in other projects' conf.py
and imports: :class:`FormerNames` answers them with the plugin of :mod:`shufa.plugins`.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import ModuleType
from typing import Any

try:
    __version__ = version("shufa")
except PackageNotFoundError:  # a source tree put on sys.path by hand, never installed
    __version__ = "0+unknown"

PLUGINS_DIR = Path(__file__).parent / "plugins"


class FormerNames(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``shufa.<name>`` for a plugin ``shufa.plugins.<name>``: a module whose ``setup()`` sets up
    the plugin (so that a plugin named both ways is set up once) and whose every other
    attribute is the plugin's (``from shufa.data import get_archive`` works)."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        package, _, name = fullname.rpartition(".")
        if package != __name__ or not name.isidentifier() or not (PLUGINS_DIR / f"{name}.py").is_file():
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None  # a plain module

    def exec_module(self, module: ModuleType) -> None:
        target = f"{__name__}.plugins.{module.__name__.rpartition('.')[2]}"
        plugin = importlib.import_module(target)

        def setup(app: Any) -> dict[str, Any]:
            app.setup_extension(target)
            return importlib.import_module(f"{__name__}.plugins").metadata()

        module.__doc__ = f"The former name of :mod:`{target}`."
        module.setup = setup  # type: ignore[attr-defined]
        module.__getattr__ = lambda attribute: getattr(plugin, attribute)  # type: ignore[attr-defined]


if not any(isinstance(finder, FormerNames) for finder in sys.meta_path):
    sys.meta_path.append(FormerNames())  # after the real finders: a module of that name wins


def setup(app: Any) -> dict[str, Any]:
    """The umbrella extension: every plugin of :data:`shufa.plugins.PLUGINS`."""
    app.setup_extension(f"{__name__}.plugins")
    return importlib.import_module(f"{__name__}.plugins").metadata()
