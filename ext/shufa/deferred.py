"""Sphinx plugin: parts of a page that are built into nodes only when the page is written.

A ``deferred`` node is a leaf holding the name of a builder function and its
(picklable) arguments. It costs one node while the page is read, transformed,
pickled, unpickled and resolved; at ``doctree-resolved``, just before the
writer, it is replaced by the nodes the function returns. Used for content
that no transform, reference or index needs: the two sides of a comparison
table (a few hundred runs of marked-up text per page).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

#: Builder functions by name: ``args`` → the nodes that replace the deferred node.
BUILDERS: dict[str, Callable[..., list[nodes.Node]]] = {}


class deferred(nodes.General, nodes.Element):
    """Nodes made at write time by ``BUILDERS[node['builder']](*node['args'])``."""

    def astext(self) -> str:
        return ""


def register(name: str, function: Callable[..., list[nodes.Node]]) -> None:
    BUILDERS[name] = function


def at_write(name: str, *args: Any) -> deferred:
    """A node that becomes ``BUILDERS[name](*args)`` when the page is written."""
    return deferred(builder=name, args=list(args))


def expand(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for node in list(doctree.findall(deferred)):
        node.replace_self(BUILDERS[node["builder"]](*node["args"]))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(deferred)
    app.connect("doctree-resolved", expand, priority=100)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
