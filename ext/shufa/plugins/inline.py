"""Report text as docutils nodes: text stays text, redactions become visible marks.

Report text is data. It is never handed to a markup parser: ``**县`` must stay
two asterisks and a character, shown as "hidden in the published copy", not
turn into bold. This module is the one place that turns a text field into
nodes, so every page, title and list shows redactions the same way.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator

from .. import __version__
from ..core.figures import Spans
from ..core.redaction import REDACTION, REDACTION_TITLE
from .shared.markup import OTHER_BUILDERS, encode


class redaction(nodes.inline):
    """A placeholder for something hidden in the published copy; never guessed, never a figure."""


class figure_value(nodes.inline):
    """A figure as printed (``160余场``), carrying its value, unit, qualifier and metric.

    A leaf: the printed text is the ``printed`` attribute, not a child Text node (a report
    has dozens of figures, and every node costs each transform, the pickler and the
    writer). ``astext()`` gives the text, so titles, descriptions and search see it.
    """

    def astext(self) -> str:
        return self.get("printed", "")


#: A node to put in place of ``text[start:end]`` (a figure mark, built by the metrics plugin).
Placed = tuple[int, int, nodes.Element]


def text_nodes(text: str, placed: Sequence[Placed] = ()) -> list[nodes.Node]:
    """*text* as Text nodes, each redaction placeholder a :class:`redaction` node, and each
    *placed* span replaced by its node (spans must not overlap a redaction)."""
    spans: list[Placed] = [
        (m.start(), m.end(), redaction(m.group(), m.group(), classes=["redaction"]))
        for m in REDACTION.finditer(text)
    ]
    taken = Spans([(s, e) for s, e, _ in spans])  # looked up by bisection: linear in the text
    spans += [p for p in placed if not taken.overlaps(p[0], p[1])]
    out: list[nodes.Node] = []
    pos = 0
    for start, end, node in sorted(spans, key=lambda span: span[0]):
        if start < pos:
            continue
        if start > pos:
            out.append(nodes.Text(text[pos:start]))
        out.append(node)
        pos = end
    if pos < len(text):
        out.append(nodes.Text(text[pos:]))
    return out


def paragraphs(
    text: str, classes: list[str] | None = None, placed: Sequence[Placed] = ()
) -> list[nodes.paragraph]:
    """One paragraph per non-empty line of *text* (*placed* spans index into the whole text)."""
    out = []
    offset = 0
    placed = sorted(placed, key=lambda span: span[0])
    starts = [s for s, _, _ in placed]
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            lead = offset + len(line) - len(line.lstrip())
            # the spans that start on this line, found by bisection (not every span per line)
            on_line = placed[bisect_left(starts, lead) : bisect_left(starts, lead + len(stripped))]
            mine = [(s - lead, e - lead, n) for s, e, n in on_line if e <= lead + len(stripped)]
            out.append(
                nodes.paragraph(stripped, "", *text_nodes(stripped, mine), classes=list(classes or []))
            )
        offset += len(line)
    return out


def redaction_attributes(text: str) -> dict[str, str]:
    # role="img" with a label lets screen readers say what the mark means; tabindex
    # lets keyboard users reach it and see the same explanation (shown by CSS on focus).
    return {
        "title": REDACTION_TITLE,
        "role": "img",
        "tabindex": "0",
        "aria-label": f"{REDACTION_TITLE}（{text}）",
    }


def redaction_html(mark: str) -> str:
    """A redaction placeholder as HTML: the mark, explained to screen readers and on focus."""
    attributes = {**redaction_attributes(mark), "class": "redaction"}
    tag = " ".join(f'{name}="{encode(value)}"' for name, value in sorted(attributes.items()))
    return f"<span {tag}>{encode(mark)}</span>"


def text_html(text: str) -> str:
    """Report text as HTML, as :func:`text_nodes` would be written: escaped, redactions marked."""
    out = []
    pos = 0
    for match in REDACTION.finditer(text):
        out.append(encode(text[pos : match.start()]) + redaction_html(match.group()))
        pos = match.end()
    out.append(encode(text[pos:]))
    return "".join(out)


def visit_redaction_html(self: HTML5Translator, node: redaction) -> None:
    self.body.append(redaction_html(node.astext()))
    raise nodes.SkipNode


def visit_figure_html(self: HTML5Translator, node: figure_value) -> None:
    # <data value> gives the machine-readable value; the title says it in words (至少 160 场).
    self.body.append(self.starttag(node, "data", "", value=node["value"], title=node["title"]))
    self.body.append(self.encode(node.astext()) + "</data>")
    raise nodes.SkipNode


def visit_figure_text(self: Any, node: figure_value) -> None:
    # the text, LaTeX, manual page and Texinfo writers: the printed figure as text
    self.visit_Text(nodes.Text(node.astext()))
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict[str, object]:
    # Other builders fall back to their visit_inline (Sphinx dispatches along the MRO).
    app.add_node(redaction, html=(visit_redaction_html, None))
    others = {name: (visit_figure_text, None) for name in OTHER_BUILDERS}
    app.add_node(figure_value, html=(visit_figure_html, None), **others)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
