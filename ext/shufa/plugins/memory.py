"""Sphinx plugin: a build whose memory and garbage-collection work do not grow with the archive.

Sphinx keeps every doctree it reads in memory until it writes the pages, and
Python's cyclic garbage collector rescans everything alive at each full
collection: with thousands of pages both grow with the archive (measured: 17%
of a 250-report build went to 27 full collections; 3.3 GB peak at 2,000
reports). Here:

- the model, once loaded, and everything alive when reading ends are moved to
  the permanent generation (``gc.freeze``), so collections look only at what
  is new;
- collections run less often (:data:`THRESHOLDS`);
- each doctree, once pickled in the doctree folder (reading) or written out
  (writing), is dismantled: its parent/child links, the cycles that only a
  full collection could free, are cut, so reference counting frees it at once
  and it never reaches the old generation. The writer loads each page from its
  pickle, one at a time.

Nothing here changes what is built; ``tests/test_memory.py`` checks that
memory stays bounded and that a dismantled page is never needed again.
"""

from __future__ import annotations

import gc
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from . import Order, metadata


def dismantle(doctree: nodes.document) -> None:
    """Cut every parent/child link of *doctree* so that reference counting frees it (once)."""
    if "children" not in doctree.__dict__:
        return  # dismantled already
    stack: list[nodes.Element] = [doctree]
    pop, extend, element = stack.pop, stack.extend, nodes.Element
    while stack:
        node = pop()
        children = node.children
        if children:
            extend([child for child in children if isinstance(child, element)])
            node.children = []
        node.parent = None
    doctree.__dict__.clear()


#: Collection thresholds during a build. Pages are freed by reference counting (see
#: dismantle), so the young generation rarely holds garbage cycles: collecting it every
#: 700 allocations (Python's default) mostly rescans live nodes.
THRESHOLDS = (20_000, 20, 20)
#: In a parallel write, a full collection after this many pages handed to the workers.
PARALLEL_COLLECT_EVERY = 40


def _settle(*_args: Any) -> None:
    gc.collect(1)  # young garbage (the parser's cycles) goes now; survivors are long-lived
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


def _clear_cache(env: BuildEnvironment) -> None:
    # Sphinx keeps every doctree read in this process until it writes the page (most of the
    # peak memory of a large serial build); each one is pickled in the doctree folder, and
    # dismantled already (_Last), so the writer loads them one at a time instead.
    cache = getattr(env, "_write_doc_doctree_cache", None)
    if isinstance(cache, dict):
        cache.clear()


class _Last:
    """The doctree of the page read (or written) last, dismantled once the next one comes.

    A page read is pickled by the time the next is read, in a parallel read's workers too
    (Sphinx keeps no copy there); a page written is written by the time the next one is
    resolved."""

    def __init__(self) -> None:
        self.doctree: nodes.document | None = None

    def hold(self, doctree: nodes.document) -> None:
        self.release()
        self.doctree = doctree

    def release(self, *_args: Any) -> None:
        if self.doctree is not None:
            dismantle(self.doctree)
            self.doctree = None


def setup(app: Sphinx) -> dict[str, Any]:
    read, written = _Last(), _Last()
    handed_over = [0]

    def before_document(app: Sphinx, docname: str, source: list[str]) -> None:
        read.release()
        _clear_cache(app.env)

    def after_reading(app: Sphinx, env: BuildEnvironment) -> None:
        read.release()
        _clear_cache(env)
        gc.collect()
        gc.freeze()

    def resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
        # Only where each page is written right after it is resolved, in this process: a
        # parallel write hands the doctrees to forked workers later (here they are freed by
        # a collection every so often); other builders join pages.
        if app.builder.parallel_ok:
            handed_over[0] += 1
            if handed_over[0] % PARALLEL_COLLECT_EVERY == 0:
                gc.collect()
        elif app.builder.name in ("html", "dirhtml"):
            written.hold(doctree)
            getattr(app.env, "_pickled_doctree_cache", {}).pop(docname, None)

    app.connect("builder-inited", _settle, priority=Order.AFTER_SETUP)
    app.connect("doctree-read", lambda app, doctree: read.hold(doctree), priority=Order.HOLD_READ)
    app.connect("source-read", before_document, priority=Order.BEFORE_READING)
    app.connect("env-updated", after_reading, priority=Order.AFTER_READING)
    app.connect("doctree-resolved", resolved, priority=Order.AFTER_READING)
    app.connect("build-finished", written.release, priority=Order.RELEASE_WRITTEN)
    return metadata()
