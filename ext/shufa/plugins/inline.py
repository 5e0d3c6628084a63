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

from ..core.figures import Spans
from ..core.redaction import REDACTION, REDACTION_TITLE
from . import metadata
from .shared.markup import OTHER_BUILDERS, encode


class text_leaf(nodes.inline):
    """A span of literal text (a marker ``三是``) as a leaf: its text is the ``printed`` attribute,
    not a child Text node (one node fewer for every transform, the pickler and the writer)."""

    def astext(self) -> str:
        return self.get("printed", "")


class strong_leaf(nodes.strong):
    """Strong literal text (an item's run-in label ``一是主动担当履职。``) as a leaf, as :class:`text_leaf`."""

    def astext(self) -> str:
        return self.get("printed", "")


class redaction(text_leaf):
    """A placeholder for something hidden in the published copy; never guessed, never a figure."""


class figure_value(nodes.inline):
    """A figure as printed (``160余场``), carrying its value, unit, qualifier and metric.

    A leaf: the printed text is the ``printed`` attribute, not a child Text node (a report
    has dozens of figures, and every node costs each transform, the pickler and the
    writer). The punctuation kept on its line with it (``before`` and ``after``: see
    :func:`text_nodes`) is in attributes too, written in a ``nobr`` span around the mark.
    ``astext()`` gives the text with that punctuation, so titles, descriptions and search see it.
    """

    def astext(self) -> str:
        return self.get("before", "") + self.get("printed", "") + self.get("after", "")


#: A node to put in place of ``text[start:end]`` (a figure mark, built by the metrics plugin).
Placed = tuple[int, int, nodes.Element]


#: W3C clreq: punctuation that may not start a line, kept with the mark before it, and that
#: may not end one, kept with the mark after it (a redaction chip is an atomic inline, after
#: which a browser may break even before 。).
NO_LINE_START = "。，、；：？！）」』》〉】”’…％%"
NO_LINE_END = "（「『《〈【“‘"


def _run(text: str, chars: str, from_end: bool = False) -> int:
    """The length of the run of *chars* at the start (or end) of *text*."""
    stripped = text.rstrip(chars) if from_end else text.lstrip(chars)
    return len(text) - len(stripped)


def text_nodes(text: str, placed: Sequence[Placed] = ()) -> list[nodes.Node]:
    """*text* as Text nodes, each redaction placeholder a :class:`redaction` node, and each
    *placed* span replaced by its node (spans must not overlap a redaction).

    A mark with punctuation that may not start (or end) a line right after (or before) it
    is wrapped with that punctuation in a ``nobr`` span, so no line starts with ``。``."""
    spans: list[Placed] = [
        (m.start(), m.end(), redaction(m.group(), printed=m.group(), classes=["redaction"]))
        for m in REDACTION.finditer(text)
    ]
    taken = Spans([(s, e) for s, e, _ in spans])  # looked up by bisection: linear in the text
    spans += [p for p in placed if not taken.overlaps(p[0], p[1])]
    ordered = sorted(spans, key=lambda span: span[0])
    out: list[nodes.Node] = []
    pos = 0
    for index, (start, end, node) in enumerate(ordered):
        if start < pos:
            continue
        following = next((s for s, _, _ in ordered[index + 1 :] if s >= end), len(text))
        before = _run(text[pos:start], NO_LINE_END, from_end=True)
        after = _run(text[end:following], NO_LINE_START)
        if start - before > pos:
            out.append(nodes.Text(text[pos : start - before]))
        if (before or after) and isinstance(node, figure_value):
            # (a leaf keeps the punctuation itself: two nodes fewer for every transform to walk)
            node["before"], node["after"] = text[start - before : start], text[end : end + after]
            out.append(node)
        elif before or after:
            group = nodes.inline("", "", classes=["nobr"])
            if before:
                group += nodes.Text(text[start - before : start])
            group += node
            if after:
                group += nodes.Text(text[end : end + after])
            out.append(group)
        else:
            out.append(node)
        pos = end + after
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
    # role="img" with a label lets screen readers say what the mark means, the title tells a
    # pointer; no tab stop (a report holds dozens): the report's header explains the marks.
    return {
        "title": REDACTION_TITLE,
        "role": "img",
        "aria-label": f"{REDACTION_TITLE}（{text}）",
    }


def redaction_html(mark: str) -> str:
    """A redaction placeholder as HTML: the mark, explained to screen readers and on focus."""
    attributes = {**redaction_attributes(mark), "class": "redaction"}
    tag = " ".join(f'{name}="{encode(value)}"' for name, value in sorted(attributes.items()))
    return f"<span {tag}>{encode(mark)}</span>"


def text_html(text: str) -> str:
    """Report text as HTML, as :func:`text_nodes` would be written: escaped, redactions marked
    and kept with the punctuation around them."""
    out = []
    pos = 0
    matches = list(REDACTION.finditer(text))
    for index, match in enumerate(matches):
        start, end = match.span()
        following = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        before = _run(text[pos:start], NO_LINE_END, from_end=True)
        after = _run(text[end:following], NO_LINE_START)
        out.append(encode(text[pos : start - before]))
        mark = (
            encode(text[start - before : start])
            + redaction_html(match.group())
            + encode(text[end : end + after])
        )
        out.append(f'<span class="nobr">{mark}</span>' if before or after else mark)
        pos = end + after
    out.append(encode(text[pos:]))
    return "".join(out)


def visit_text_leaf_html(self: HTML5Translator, node: text_leaf | strong_leaf) -> None:
    tag = "strong" if isinstance(node, nodes.strong) else "span"
    if tag == "span" and not node["classes"] and not node["ids"]:
        self.body.append(self.encode(node.astext()))  # (a bare span says nothing)
    else:
        self.body.append(self.starttag(node, tag, "") + self.encode(node.astext()) + f"</{tag}>")
    raise nodes.SkipNode


def visit_text_leaf_other(self: Any, node: text_leaf | strong_leaf) -> None:
    # the text, LaTeX, manual page and Texinfo writers: the text, in what they write for the
    # node's kind (a strong or an inline)
    kind = "strong" if isinstance(node, nodes.strong) else "inline"
    getattr(self, f"visit_{kind}")(node)
    self.visit_Text(nodes.Text(node.astext()))
    getattr(self, f"depart_{kind}")(node)
    raise nodes.SkipNode


def visit_redaction_html(self: HTML5Translator, node: redaction) -> None:
    self.body.append(redaction_html(node.astext()))
    raise nodes.SkipNode


def visit_figure_html(self: HTML5Translator, node: figure_value) -> None:
    # <data value> gives the machine-readable value; the title says it in words (至少 160 场),
    # unless the words are the figure as printed (a tooltip repeating the text is weight only).
    printed = node.get("printed", "")
    words = {"title": node["title"]} if node["title"] != printed else {}
    before, after = node.get("before", ""), node.get("after", "")
    if before or after:
        self.body.append('<span class="nobr">' + self.encode(before))
    self.body.append(self.starttag(node, "data", "", value=node["value"], **words))
    self.body.append(self.encode(printed) + "</data>")
    if before or after:
        self.body.append(self.encode(after) + "</span>")
    raise nodes.SkipNode


def visit_leaf_text(self: Any, node: figure_value) -> None:
    # the text, LaTeX, manual page and Texinfo writers: the printed figure (and its punctuation) as text
    self.visit_Text(nodes.Text(node.astext()))
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict[str, object]:
    others = {name: (visit_leaf_text, None) for name in OTHER_BUILDERS}
    # (leaves have no child for another writer's visit_inline or visit_strong to write)
    leaves = {name: (visit_text_leaf_other, None) for name in OTHER_BUILDERS}
    app.add_node(text_leaf, html=(visit_text_leaf_html, None), **leaves)
    app.add_node(strong_leaf, html=(visit_text_leaf_html, None), **leaves)
    app.add_node(redaction, html=(visit_redaction_html, None), **leaves)
    app.add_node(figure_value, html=(visit_figure_html, None), **others)
    return metadata()
