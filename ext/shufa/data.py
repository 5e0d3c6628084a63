"""Sphinx plugin: load data/ once per build into the archive model every other plugin reads.

Reads ``shufa_data_dir`` (relative to the configuration directory), loads and
validates the archive at ``builder-inited``, turns every data problem into a
located Sphinx warning (``type='shufa'``, subtype the problem's code) and keeps
the parse of unchanged files between builds. Also tracks which documents
depend on which parts of the model (``note_model_dependency``) so that an
incremental build re-reads exactly the pages whose content a data change alters.
"""

from __future__ import annotations

import hashlib
import weakref
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.errors import ConfigError
from sphinx.util import logging

from . import figures
from .loading import LoadResult, load_archive
from .model import Archive

logger = logging.getLogger(__name__)

#: Model parts a document can depend on, each with the function that fingerprints it.
#: ``archive`` — counts and the lists of counties, kinds and years;
#: ``county-info:<slug>`` — a county's own entry in counties.yaml;
#: ``kinds`` — the report kinds;
#: ``county:<slug>`` — a county and the titles/topics of its reports;
#: ``year:<year>`` — the reports of a year;
#: ``series:<county>/<kind>`` — each year of a county-kind with its section topics;
#: ``text:<county>/<kind>/<year>`` — every text field of one report (and the metrics vocabulary);
#: ``alltext`` — every report's text and the metrics vocabulary (the metric index).


def data_dir(app: Sphinx) -> Path:
    return Path(app.confdir, app.config.shufa_data_dir).resolve()


def _check_config(app: Sphinx, config: Config) -> None:
    path = Path(app.confdir, config.shufa_data_dir)
    if not path.is_dir():
        raise ConfigError(f"shufa_data_dir: {path} is not a folder; expected the archive's data/ folder")


#: The load result of each build, by environment: built anew at every build start, so kept
#: out of the pickled environment (for 2,000 reports it would add a fifth to its size).
_RESULTS: weakref.WeakKeyDictionary[BuildEnvironment, LoadResult] = weakref.WeakKeyDictionary()


def env_dict(env: BuildEnvironment, attribute: str) -> dict:
    """The dict the environment keeps as ``env.<attribute>`` (a new one if it has none)."""
    value = getattr(env, attribute, None)
    if not isinstance(value, dict):
        value = {}
        setattr(env, attribute, value)
    return value


def _load(app: Sphinx) -> None:
    env = app.env
    result = load_archive(data_dir(app), cache=env_dict(env, "shufa_parse_cache"))
    # figures found in earlier builds (shufa.figures), kept with the environment
    env.shufa_builds = getattr(env, "shufa_builds", 0) + 1
    figures.use_cache(env_dict(env, "shufa_figure_cache"), env.shufa_builds)
    _RESULTS[env] = result
    for problem in result.problems:
        if problem.line:
            logger.warning(problem.message, location=problem.location, type="shufa", subtype=problem.code)
        else:
            logger.warning(f"{problem.path}: {problem.message}", type="shufa", subtype=problem.code)


def get_archive(env: BuildEnvironment) -> Archive:
    """The archive loaded for this build."""
    return _RESULTS[env].archive


def get_load_result(env: BuildEnvironment) -> LoadResult:
    return _RESULTS[env]


def note_extra_pages(env: BuildEnvironment, owner: str, pages: dict[str, str]) -> None:
    """Name the pages a plugin writes itself (html-collect-pages), with their titles.

    They are no Sphinx documents; search (by title) and the sitemap list them too."""
    env_dict(env, "shufa_extra_pages")[owner] = dict(pages)


def extra_pages(env: BuildEnvironment) -> dict[str, str]:
    """Every page named by :func:`note_extra_pages`: page name → title."""
    found: dict[str, str] = {}
    for pages in getattr(env, "shufa_extra_pages", {}).values():
        found.update(pages)
    return found


def loaded_archive(env: BuildEnvironment) -> Archive | None:
    """The archive loaded for this build, or None (the data plugin not loaded, or not yet)."""
    result = _RESULTS.get(env)
    return result.archive if result is not None else None


def fingerprint(archive: Archive, key: str) -> str:
    """A digest of the model part *key* names (see the table at the top of this module)."""
    scope, _, arg = key.partition(":")
    parts: list[Any]
    if scope == "archive":
        parts = [
            [(c.slug, c.name, c.province, c.city) for c in archive.counties.values()],
            [(k.slug, k.name, k.label) for k in archive.kinds.values()],
            [(t.key, t.label) for t in archive.topics.values()],
            sorted((r.key, len(r.sections)) for r in archive.reports.values()),
        ]
    elif scope == "county-info":
        county = archive.counties.get(arg)
        parts = [
            county and (county.name, county.province, county.city, county.code, county.aliases, county.note)
        ]
    elif scope == "kinds":
        parts = [(k.slug, k.name, k.label, k.author) for k in archive.kinds.values()]
    elif scope == "county":
        county = archive.counties.get(arg)
        parts = [
            county and (county.name, county.province, county.city, county.code, county.aliases, county.note),
            [(r.key, r.title, [s.topic for s in r.sections]) for r in archive.reports_of(arg)],
        ]
    elif scope == "year":
        parts = [(r.key, r.title, archive.counties[r.county].name) for r in archive.reports_in_year(int(arg))]
    elif scope == "series":
        county, _, kind = arg.partition("/")
        parts = [
            (r.year, [(s.anchor, s.topic, s.aliases) for s in r.sections])
            for r in archive.reports_of(county, kind)
        ]
    elif scope == "alltext":
        parts = [
            (key, list(r.texts()), [(a.at, a.text, a.metric) for a in r.figure_assignments])
            for key, r in sorted(archive.reports.items())
        ]
        parts.append([(m.key, m.label, m.units, m.phrases) for m in archive.metrics.values()])
    elif scope == "text":
        report = archive.reports.get(arg)
        parts = [
            list(report.texts()) if report else None,
            [(a.at, a.text, a.metric) for a in report.figure_assignments] if report else None,
            [(m.key, m.label, m.units, m.phrases) for m in archive.metrics.values()],
        ]
    else:
        raise ValueError(f"unknown model dependency {key!r}")
    return hashlib.sha1(repr(parts).encode()).hexdigest()


_DIGESTS: dict[str, str] = {}
_DIGESTS_OF: list[Archive] = []


def current_fingerprint(archive: Archive, key: str) -> str:
    """:func:`fingerprint`, computed once per key for the archive of this build (the model never
    changes while a build runs; a report's text is fingerprinted by its own page, the next
    year's page, the comparison pages and the county page)."""
    if not _DIGESTS_OF or _DIGESTS_OF[0] is not archive:
        _DIGESTS.clear()
        _DIGESTS_OF[:] = [archive]
    if key not in _DIGESTS:
        _DIGESTS[key] = fingerprint(archive, key)
    return _DIGESTS[key]


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


def per_document_store(app: Sphinx, attribute: str) -> None:
    """Keep ``env.<attribute>``, a docname → value dict, in step with Sphinx: created at
    builder-inited, purged with its document, merged from parallel readers."""

    def create(app: Sphinx) -> None:
        env_dict(app.env, attribute)

    def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        getattr(env, attribute).pop(docname, None)

    def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
        mine, theirs = getattr(env, attribute), getattr(other, attribute)
        for docname in docnames:
            if docname in theirs:
                mine[docname] = theirs[docname]

    app.connect("builder-inited", create, priority=250)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("shufa_data_dir", "data", "env", types=frozenset({str}))
    app.connect("config-inited", _check_config)
    app.connect("builder-inited", _load, priority=300)
    app.connect("env-get-outdated", _outdated)
    per_document_store(app, "shufa_model_deps")
    return {"version": "1", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
