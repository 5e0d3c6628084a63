"""HTML that the plugins write themselves, in the markup docutils and Sphinx write for the same thing."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator

_ENCODE = HTML5Translator.special_characters


def encode(text: str) -> str:
    """*text* escaped as docutils escapes text (``& < > " @``)."""
    return text.translate(_ENCODE)


def span(text: str, classes: str = "") -> str:
    attr = f' class="{encode(classes)}"' if classes else ""
    return f"<span{attr}>{encode(text)}</span>"


def internal_link(
    builder: Any, from_page: str, docname: str, anchor: str, title: str, inner: str, plain: bool = False
) -> str:
    """A link from page *from_page* to *docname*#*anchor* as Sphinx writes a resolved reference;
    *plain*: a bare ``<a href>`` (no class, no title), for the many links of a line whose caption
    says where they lead (本主题在其他年份：2021 · 2022): each would carry ~80 bytes more."""
    uri = builder.get_relative_uri(from_page, docname) + (f"#{anchor}" if anchor else "")
    if plain:
        return f'<a href="{encode(uri)}">{inner}</a>'
    return f'<a class="reference internal" href="{encode(uri)}" title="{encode(title)}">{inner}</a>'


#: The builders other than HTML that Sphinx ships: a node only HTML shows is left out of them.
OTHER_BUILDERS = ("latex", "text", "man", "texinfo")


def _leave_out(self: Any, node: nodes.Element) -> None:
    raise nodes.SkipNode


def add_html_node(app: Sphinx, node: type[nodes.Element], visit: Any) -> None:
    """Register *node*, written by *visit* in HTML and left out by every other builder."""
    app.add_node(node, html=(visit, None), **{name: (_leave_out, None) for name in OTHER_BUILDERS})
