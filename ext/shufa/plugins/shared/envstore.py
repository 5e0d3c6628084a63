"""What plugins keep in the Sphinx environment: dicts that live across builds, per-document
stores that follow Sphinx's purges and parallel merges, the pages plugins write themselves,
and the emitting of the plugins' own events."""

from __future__ import annotations

import os
import weakref
from operator import attrgetter
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError, SphinxError
from sphinx.events import EventManager

from .. import Order


def emit(events: EventManager, name: str, *args: Any) -> list[Any]:
    """Emit one of our own events (``shufa-…``): :meth:`EventManager.emit` without its debug line.

    Sphinx logs every event it emits at debug level with the ``repr`` of its arguments, and its
    logger passes each record on to the handlers that drop it. Ours are emitted for every part,
    item and table cell of every report, with the report (whose ``repr`` is its whole text)
    among the arguments: at N = 2,000 they made 82,000 of the build's 138,000 debug records,
    about 1.5 % of a profiled build.
    Handlers run in the same order (priority) and fail the same way as under Sphinx's emit.
    """
    results = []
    for listener in sorted(events.listeners[name], key=attrgetter("priority")):
        try:
            results.append(listener.handler(events._app, *args))
        except SphinxError:
            raise
        except Exception as exc:
            if events._reraise_errors:
                raise
            module = getattr(listener.handler, "__module__", None)
            raise ExtensionError(
                f"Handler {listener.handler!r} for event {name!r} threw an exception", exc, modname=module
            ) from exc
    return results


def env_dict(env: BuildEnvironment, attribute: str) -> dict:
    """The dict the environment keeps as ``env.<attribute>`` (a new one if it has none)."""
    value = getattr(env, attribute, None)
    if not isinstance(value, dict):
        value = {}
        setattr(env, attribute, value)
    return value


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

    app.connect("builder-inited", create, priority=Order.CREATE_STORES)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)


#: The output files claimed in each build (by application: one build each).
_CLAIMED: weakref.WeakKeyDictionary[Sphinx, set[str]] = weakref.WeakKeyDictionary()


def claim(app: Sphinx, path: Path | str) -> None:
    """Say that this build wrote (or keeps) the output file *path*: files under the generated
    folders that no plugin claims, and no page is written to, are removed when the build ends."""
    _CLAIMED.setdefault(app, set()).add(os.path.abspath(path))


def claimed(app: Sphinx) -> set[str]:
    """Every output file claimed in this build (absolute paths)."""
    return _CLAIMED.get(app, set())
