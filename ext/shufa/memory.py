"""Sphinx plugin: keep Python's garbage collector from rescanning the whole build, page after page.

Sphinx keeps every doctree it reads in memory until it writes the pages, and
each full collection walks all of them: with thousands of pages the collector's
work grows with the square of the archive (measured: 17% of a 250-report build,
most of it in 27 full collections) and so does memory. Here the doctrees of the
pages already read (each is pickled in the doctree folder) are dropped as
reading goes on, so the writer loads them one at a time from their pickles; the
model, once loaded, and everything alive when reading ends are moved to the
permanent generation (``gc.freeze``), so later collections look only at what
is new.
"""

from __future__ import annotations

import gc
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment


def _settle(*_args: Any) -> None:
    gc.collect(1)  # young garbage (the parser's cycles) goes now; survivors are long-lived
    gc.freeze()


def _drop_doctrees(env: BuildEnvironment) -> None:
    # Sphinx keeps every doctree read in this process in memory until it writes the page
    # (most of the peak memory of a large serial build); each one is also pickled in the
    # doctree folder, so the writer can load them one at a time instead.
    cache = getattr(env, "_write_doc_doctree_cache", None)
    if isinstance(cache, dict):
        cache.clear()


def _after_document(app: Sphinx, doctree: Any) -> None:
    # The doctrees of the pages read before this one are already pickled: drop them, and do
    # not freeze them (frozen objects are never collected).
    _drop_doctrees(app.env)
    gc.collect(1)


def _after_reading(app: Sphinx, env: BuildEnvironment) -> None:
    _drop_doctrees(env)
    gc.collect()
    gc.freeze()


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _settle, priority=900)
    app.connect("doctree-read", _after_document, priority=900)
    app.connect("env-updated", _after_reading, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
