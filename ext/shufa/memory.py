"""Sphinx plugin: keep Python's garbage collector from rescanning the whole build, page after page.

A build keeps every doctree, the environment and the model alive until it ends,
and each full collection walks all of them: with thousands of pages the
collector's work grows with the square of the archive (measured: 17% of a
250-report build, most of it in 27 full collections). After each document is
read, and once reading is over, the survivors are moved to the permanent
generation (``gc.freeze``), so later collections look only at what is new:
the garbage of one page is still collected while that page is processed.
Once reading is over, the doctrees Sphinx kept in memory for the writer are
dropped: the writer loads each from its pickle, one at a time.
"""

from __future__ import annotations

import gc
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment


def _settle(*_args: Any) -> None:
    gc.collect(1)  # young garbage (the parser's cycles) goes now; survivors are long-lived
    gc.freeze()


def _after_reading(app: Sphinx, env: BuildEnvironment) -> None:
    # Sphinx keeps every doctree read in this process in memory until it writes the page
    # (most of the peak memory of a large serial build); each one is also pickled in the
    # doctree folder, so the writer can load them one at a time instead.
    cache = getattr(env, "_write_doc_doctree_cache", None)
    if isinstance(cache, dict):
        cache.clear()
    gc.unfreeze()  # frozen objects are never collected: one full pass frees the dropped doctrees
    gc.collect()
    gc.freeze()


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _settle, priority=900)
    app.connect("doctree-read", _settle, priority=900)
    app.connect("env-updated", _after_reading, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
