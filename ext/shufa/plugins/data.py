"""Sphinx plugin: load data/ once per build into the archive model every other plugin reads.

Reads ``shufa_data_dir`` (relative to the configuration directory), loads and
validates the archive at ``builder-inited``, turns every data problem into a
located Sphinx warning (``type='shufa'``, subtype the problem's code) and keeps
the parse of unchanged files between builds. Also tracks which documents
depend on which parts of the model (``note_model_dependency``) so that an
incremental build re-reads exactly the pages whose content a data change alters.

A run builds the whole archive, the hub, or one partition (``shufa_partition``,
:mod:`shufa.core.partitions`): a partition loads only its counties' reports and
writes their summary (``_shufa/summary.json``); the hub loads the registries and
merges the partitions' summaries; the pages across provinces are drawn from the
summary (:func:`get_summary`) in every kind of run, so they come out the same.
"""

from __future__ import annotations

import functools
import hashlib
import json
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from ..core import figures
from ..core import summary as summaries
from ..core.atomfeeds import newest
from ..core.files import write_if_changed
from ..core.fingerprints import current_fingerprint
from ..core.loading import LoadResult, load_archive
from ..core.model import Archive
from ..core.partitions import Scope, plan
from ..core.problems import Code, Problem, display_path
from ..core.registries import TOP_LEVEL_FILES, load_registries
from ..core.summary import Summary, summarize
from . import Order, config, metadata
from .shared.envstore import env_dict, per_document_store

logger = logging.getLogger(__name__)


def data_dir(app: Sphinx) -> Path:
    return Path(app.confdir, config.get(app.config).data_dir).resolve()


#: Where a partition writes its summary for the hub, in its output folder (never published).
SUMMARY_FILE = "_shufa/summary.json"


@dataclass
class Run:
    """What this Sphinx run builds, and the model it builds it from."""

    #: the whole archive, the hub, or a partition (:class:`~shufa.core.partitions.Scope`)
    scope: Scope
    result: LoadResult
    #: the provinces whose pages this run writes
    provinces: frozenset[str] = frozenset()
    #: in the hub, the partitions' summaries merged (elsewhere made on first use: after every
    #: plugin has set up its caches at builder-inited)
    merged: Summary | None = None
    #: fingerprints of the summary, by key (the summary does not change while a build runs)
    digests: dict[str, str] = field(default_factory=dict)
    #: in the hub, a digest of the partitions' summaries as read
    summary_digest: str = ""

    @functools.cached_property
    def summary(self) -> Summary:
        """The reports the pages across provinces show (all of them, merged, in the hub)."""
        return self.merged if self.merged is not None else summarize(self.result.archive)

    def owns(self, docname: str) -> bool:
        """Whether this run writes page *docname*."""
        return self.scope.owns(self.result.archive, docname)


#: The run of each build, by environment: built anew at every build start, so kept out of
#: the pickled environment (for 2,000 reports it would add a fifth to its size).
_RUNS: weakref.WeakKeyDictionary[BuildEnvironment, Run] = weakref.WeakKeyDictionary()


def _load(app: Sphinx) -> None:
    env = app.env
    folder = data_dir(app)
    scope = config.get(app.config).scope
    only: set[str] | None = None
    problems: list[Problem] = []
    provinces: frozenset[str] = frozenset()
    registries = None
    if not scope.is_whole:
        registries = load_registries(folder)
        skeleton = Archive(
            registries.counties,
            registries.kinds,
            registries.topics,
            {},
            registries.metrics,
            registries.provinces,
        )
        parts = {p.name: p for p in plan(skeleton)}
        if scope.is_hub:
            only = set()
        elif scope.name in parts:
            only = set(parts[scope.name].counties)
            provinces = frozenset(parts[scope.name].provinces)
        else:
            only = set()
            problems.append(
                Problem(
                    display_path(folder / "provinces.yaml"),
                    0,
                    0,
                    f"no partition `{scope.name}` with counties in this archive; expected one of: "
                    f"{', '.join(parts) or 'none'} (shufa_partition)",
                    Code.FILE,
                )
            )
    result = load_archive(folder, cache=env_dict(env, "shufa_parse_cache"), only=only, registries=registries)
    # figures found in earlier builds (shufa.core.figures), kept with the environment
    env.shufa_builds = getattr(env, "shufa_builds", 0) + 1
    figures.use_cache(env_dict(env, "shufa_figure_cache"), env.shufa_builds)
    merged, digest = _merged_summaries(app, problems) if scope.is_hub else (None, "")
    if digest:  # the scopes are cut by province: the registries count too
        digest = hashlib.sha1(f"{digest}{_registries_stamp(folder)}".encode()).hexdigest()
    if scope.is_whole:
        provinces = frozenset(result.archive.provinces)
    result.problems = sorted({*result.problems, *problems})
    _RUNS[env] = Run(scope, result, provinces, merged, summary_digest=digest)
    for problem in result.problems:
        warn(problem)


def _registries_stamp(folder: Path) -> str:
    """The registries by size and time."""
    stamp = []
    for name in sorted(TOP_LEVEL_FILES):
        try:
            stat = (folder / name).stat()
            stamp.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            stamp.append(f"{name}:-")
    return ";".join(stamp)


def warn(problem: Problem) -> None:
    """A data problem as a Sphinx warning (``shufa.<code>``), located at its file and line."""
    if problem.line:
        logger.warning(problem.message, location=problem.location, type="shufa", subtype=problem.code)
    else:  # a location without a line would be taken for a document name
        logger.warning(f"{problem.path}: {problem.message}", type="shufa", subtype=problem.code)


def _merged_summaries(app: Sphinx, problems: list[Problem]) -> tuple[Summary, str]:
    """The summaries the partitions wrote (``<shufa_partitions_dir>/<name>/_shufa/summary.json``),
    merged, and a digest of what was read."""
    merged = Summary()
    digest = hashlib.sha1()
    folder = config.get(app.config).partitions_dir
    root = Path(app.confdir, folder) if folder else None
    if root is None or not root.is_dir():
        problems.append(
            Problem(
                str(root or "shufa_partitions_dir"),
                0,
                0,
                "no partitions' output here; expected the folder of the partitions' builds "
                "(the hub is built by `shufa build`, after the partitions)",
                Code.FILE,
            )
        )
        return merged, ""
    for path in sorted(root.glob(f"*/{SUMMARY_FILE}")):
        try:
            text = path.read_text(encoding="utf-8")
            digest.update(f"{path.parts[-3]}\0{text}\0".encode())
            merged.merge(summaries.load(text))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            problems.append(
                Problem(
                    display_path(path),
                    0,
                    0,
                    f"unreadable partition summary ({exc}); expected the file a partition's build "
                    "writes (build that partition again)",
                    Code.FILE,
                )
            )
    return merged, digest.hexdigest()


def _write_summary(app: Sphinx, exception: Exception | None) -> None:
    run = _RUNS.get(app.env)
    if exception is None and run is not None and run.scope.is_partition:
        write_if_changed(Path(app.outdir, SUMMARY_FILE), summaries.dump(run.summary))


def get_run(env: BuildEnvironment) -> Run:
    """What this build builds (the whole archive, the hub or a partition) and its model."""
    return _RUNS[env]


def get_archive(env: BuildEnvironment) -> Archive:
    """The archive loaded for this build (in a partition, its counties' reports only)."""
    return _RUNS[env].result.archive


def get_summary(env: BuildEnvironment) -> Summary:
    """The summary of the reports the pages across provinces show."""
    return _RUNS[env].summary


def get_load_result(env: BuildEnvironment) -> LoadResult:
    return _RUNS[env].result


def loaded_run(env: BuildEnvironment) -> Run | None:
    """The run of this build, or None (the data plugin not loaded, or not yet)."""
    return _RUNS.get(env)


def loaded_archive(env: BuildEnvironment) -> Archive | None:
    """The archive loaded for this build, or None (the data plugin not loaded, or not yet)."""
    run = _RUNS.get(env)
    return run.result.archive if run is not None else None


def _fingerprint(run: Run, key: str) -> str:
    """Keys ``summary:…`` name a part of the summary (:func:`summary_part`); other keys are the
    model's (:mod:`shufa.core.fingerprints`)."""
    if not key.startswith("summary:"):
        return current_fingerprint(run.result.archive, key)
    if key not in run.digests:
        part = summary_part(run.summary, run.result.archive, key.split(":")[1:])
        run.digests[key] = hashlib.sha1(repr(part).encode()).hexdigest()
    return run.digests[key]


def summary_part(summary: Summary, archive: Archive, scope: list[str]) -> object:
    """What a page across reports shows of the summary, by scope (``<p>`` a province):

    ``reports`` — each report and its number of sections (counts by year, kind, province);
    ``newest:<n>`` — the *n* newest reports, their titles and dates (as the home page lists them);
    ``topics`` — each report's topics; ``topic:<t>`` — the reports with a section on topic t;
    ``year:<y>`` — the reports of year y; ``metrics`` — the years each county reports each
    metric; ``province:<p>`` — the province's reports; ``year:<y>:<p>`` — their titles in year y;
    ``topic:<t>:<p>`` — their sections on topic t; ``metric:<m>:<p>`` — the years its counties
    report metric m."""
    what, args = scope[0], scope[1:]
    reports = list(summary.reports.values())
    if args and len(args) == (1 if what == "province" else 2):
        counties = {c.slug for c in archive.counties_in(args[-1])}
        reports = [r for r in reports if r.county in counties]
    if what in ("reports", "province"):
        return sorted((r.key, sum(1 for p in r.parts if p.topic)) for r in reports)
    if what == "topics":
        return sorted((r.key, [p.topic for p in r.parts]) for r in reports)
    if what == "newest":
        return [(r.key, r.title, r.issued, r.published) for r in newest(reports, int(args[0]))]
    if what == "topic":
        topic = args[0]
        return sorted((r.key, [p for p in r.parts if p.topic == topic]) for r in reports)
    if what == "year":
        return sorted((r.key, r.title if len(args) > 1 else "") for r in reports if str(r.year) == args[0])
    if what in ("metrics", "metric"):
        wanted = {r.county for r in reports} if len(args) > 1 else None
        return sorted(
            (m, sorted((ck, y) for ck, y in c.items() if wanted is None or ck.split("/")[0] in wanted))
            for m, c in summary.metric_years.items()
            if what == "metrics" or m == args[0]
        )
    raise ValueError(f"unknown summary scope {scope!r}")


def note_model_dependency(env: BuildEnvironment, key: str) -> None:
    """Record that the current document's content depends on the model part *key*."""
    deps = env.shufa_model_deps.setdefault(env.docname, {})
    if key not in deps:
        deps[key] = _fingerprint(_RUNS[env], key)


#: In the doctree folder while a build writes the pages it read: the pages to write again if
#: it never finished (Sphinx saves the environment before writing, so a build killed while
#: writing would otherwise leave those pages stale for good).
WRITING = "shufa-writing.json"


def _outdated(app: Sphinx, env: BuildEnvironment, added: set, changed: set, removed: set) -> list[str]:
    run = _RUNS[env]
    # In the hub: with the partitions' summaries as they were at the last build, no page's
    # summary scopes changed (every scope recorded was taken from that summary), and the
    # 40-odd scopes over the whole country need not be digested again.
    same = bool(run.summary_digest) and getattr(env, "shufa_summary_digest", None) == run.summary_digest
    stale = [
        docname
        for docname, deps in env.shufa_model_deps.items()
        if any(
            _fingerprint(run, key) != digest
            for key, digest in deps.items()
            if not (same and key.startswith("summary:"))
        )
    ]
    env.shufa_summary_digest = run.summary_digest
    try:
        unfinished = json.loads(Path(app.doctreedir, WRITING).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        unfinished = []
    if unfinished:
        logger.info(f"shufa: the last build stopped while writing; {len(unfinished)} page(s) written again")
    return [*stale, *(d for d in unfinished if isinstance(d, str) and d in env.found_docs)]


def _note_writing(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Before reading: the pages this build will write (on top of any a killed build left)."""
    path = Path(app.doctreedir, WRITING)
    try:
        earlier = set(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        earlier = set()
    write_if_changed(path, json.dumps(sorted(earlier | set(docnames)), ensure_ascii=False))


def _written(app: Sphinx, exception: Exception | None) -> None:
    if exception is None:
        Path(app.doctreedir, WRITING).unlink(missing_ok=True)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("shufa.plugins.config")
    app.connect("builder-inited", _load, priority=Order.LOAD_MODEL)
    app.connect("env-get-outdated", _outdated)
    app.connect("build-finished", _write_summary)
    app.connect("env-before-read-docs", _note_writing, priority=Order.NOTE_WRITING)
    app.connect("build-finished", _written, priority=Order.FINISHED)
    per_document_store(app, "shufa_model_deps")
    return metadata()
