"""Sphinx plugin: load data/ once per build into the archive model every other plugin reads.

Reads ``shufa_data_dir`` (relative to the configuration directory), loads and
validates the archive at ``builder-inited``, turns every data problem into a
located Sphinx warning (``type='shufa'``, subtype the problem's code) and keeps
the parse of unchanged files between builds. Also tracks which documents
depend on which parts of the model (``note_model_dependency``) so that an
incremental build re-reads exactly the pages whose content a data change alters.
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.errors import ConfigError
from sphinx.util import logging

from .core import figures
from .core.fingerprints import current_fingerprint
from .core.loading import LoadResult, load_archive
from .core.model import Archive
from .core.problems import Problem
from .envstore import env_dict, per_document_store

logger = logging.getLogger(__name__)


def data_dir(app: Sphinx) -> Path:
    return Path(app.confdir, app.config.shufa_data_dir).resolve()


def _check_config(app: Sphinx, config: Config) -> None:
    path = Path(app.confdir, config.shufa_data_dir)
    if not path.is_dir():
        raise ConfigError(f"shufa_data_dir: {path} is not a folder; expected the archive's data/ folder")


#: The load result of each build, by environment: built anew at every build start, so kept
#: out of the pickled environment (for 2,000 reports it would add a fifth to its size).
_RESULTS: weakref.WeakKeyDictionary[BuildEnvironment, LoadResult] = weakref.WeakKeyDictionary()


def _load(app: Sphinx) -> None:
    env = app.env
    result = load_archive(data_dir(app), cache=env_dict(env, "shufa_parse_cache"))
    # figures found in earlier builds (shufa.figures), kept with the environment
    env.shufa_builds = getattr(env, "shufa_builds", 0) + 1
    figures.use_cache(env_dict(env, "shufa_figure_cache"), env.shufa_builds)
    _RESULTS[env] = result
    for problem in result.problems:
        warn(problem)


def warn(problem: Problem) -> None:
    """A data problem as a Sphinx warning (``shufa.<code>``), located at its file and line."""
    if problem.line:
        logger.warning(problem.message, location=problem.location, type="shufa", subtype=problem.code)
    else:  # a location without a line would be taken for a document name
        logger.warning(f"{problem.path}: {problem.message}", type="shufa", subtype=problem.code)


def get_archive(env: BuildEnvironment) -> Archive:
    """The archive loaded for this build."""
    return _RESULTS[env].archive


def get_load_result(env: BuildEnvironment) -> LoadResult:
    return _RESULTS[env]


def loaded_archive(env: BuildEnvironment) -> Archive | None:
    """The archive loaded for this build, or None (the data plugin not loaded, or not yet)."""
    result = _RESULTS.get(env)
    return result.archive if result is not None else None


def note_model_dependency(env: BuildEnvironment, key: str) -> None:
    """Record that the current document's content depends on the model part *key*."""
    deps = env.shufa_model_deps.setdefault(env.docname, {})
    if key not in deps:
        deps[key] = current_fingerprint(get_archive(env), key)


def _outdated(app: Sphinx, env: BuildEnvironment, added: set, changed: set, removed: set) -> list[str]:
    archive = get_archive(env)
    return [
        docname
        for docname, deps in env.shufa_model_deps.items()
        if any(current_fingerprint(archive, key) != digest for key, digest in deps.items())
    ]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("shufa_data_dir", "data", "env", types=frozenset({str}))
    app.connect("config-inited", _check_config)
    app.connect("builder-inited", _load, priority=300)
    app.connect("env-get-outdated", _outdated)
    per_document_store(app, "shufa_model_deps")
    return {"version": "1", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
