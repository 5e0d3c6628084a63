"""Report text as docutils nodes: text stays text, redactions become visible marks.

Report text is data. It is never handed to a markup parser: ``**县`` must stay
two asterisks and a character, shown as "hidden in the published copy", not
turn into bold. This module is the one place that turns a text field into
nodes, so every page, title and list shows redactions the same way.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator

#: Placeholders that published copies use for hidden names and numbers:
#: ``*``, ``**``, ``＊＊``, ``XX``/``xx``, ``×``/``×××``, ``○○``, ``□□``.
REDACTION = re.compile(r"[*＊]+|[xX]{2,}|×+|○{2,}|□+")

REDACTION_TITLE = "原文隐去"


class redaction(nodes.inline):
    """A placeholder for something hidden in the published copy; never guessed, never a figure."""


def is_redacted(text: str) -> bool:
    return REDACTION.search(text) is not None


def text_nodes(text: str) -> list[nodes.Node]:
    """*text* as Text nodes, with each redaction placeholder as a :class:`redaction` node."""
    out: list[nodes.Node] = []
    pos = 0
    for match in REDACTION.finditer(text):
        if match.start() > pos:
            out.append(nodes.Text(text[pos : match.start()]))
        out.append(redaction(match.group(), match.group(), classes=["redaction"]))
        pos = match.end()
    if pos < len(text):
        out.append(nodes.Text(text[pos:]))
    return out


def paragraphs(text: str, classes: list[str] | None = None) -> list[nodes.paragraph]:
    """One paragraph per non-empty line of *text*."""
    return [
        nodes.paragraph(line, "", *text_nodes(line.strip()), classes=list(classes or []))
        for line in text.splitlines()
        if line.strip()
    ]


def visit_redaction_html(self: HTML5Translator, node: redaction) -> None:
    # role="img" with a label lets screen readers say what the mark means; tabindex
    # lets keyboard users reach it and see the same explanation (shown by CSS on focus).
    self.body.append(
        self.starttag(
            node,
            "span",
            "",
            title=REDACTION_TITLE,
            role="img",
            tabindex="0",
            **{"aria-label": f"{REDACTION_TITLE}（{node.astext()}）"},
        )
    )


def depart_redaction_html(self: HTML5Translator, node: redaction) -> None:
    self.body.append("</span>")


def setup(app: Sphinx) -> dict[str, object]:
    # Other builders fall back to their visit_inline (Sphinx dispatches along the MRO).
    app.add_node(redaction, html=(visit_redaction_html, depart_redaction_html))
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
