"""Lines of a report → its outline: title, preamble, sections, items, closing parts, signature.

:func:`parse` never raises and never drops text: every line lands in a field,
and a line it cannot place with certainty (a numbered line that breaks the
numbering, a paragraph after an item) stays in the nearest field and is listed
in :attr:`Outline.unplaced`.

The title is the first line only when it can be one (:func:`~.genre.title_like`: no
sentence, at most 60 characters); otherwise the text prints none and the pipeline takes
the web page's or derives one. A subtitle may open the text; a byline (a role and a
name) under the title or subtitle goes to ``author``; a short line left under the title
is text, listed as doubtful. A blank line ends a paragraph (unless the copy puts one
after every line).

How the numbering is read:

* The section style is the first of 一、 （一） 第一， 1. （1） ① 一是 (in that
  order) that counts 1, 2 … at the start of lines; section markers must run in
  sequence.
* Below a section, a marker opens an item when it continues the numbering of
  its style at some open level (a sibling), or opens a new, deeper level with 1
  (``1.`` directly under ``一、``), or with the number after the last one of its
  style (numbering that runs on across subsections). Anything else is text.
* ``一是…二是…`` and ``第一，…`` also split a paragraph where they start a sentence (or
  right after a short heading: ``加强组织领导一是…。二是…``); a numbered line that opens a
  new level does not nest under such inline items.
* An item's run-in label is its first sentence when short (``一是主动担当履职。按照…``);
  a short unpunctuated item line, or a short sentence alone on its line, is a label for
  the paragraphs that follow.
* Closing parts: the last sections when their headings name shortcomings or
  next steps (``五、存在的不足``, ``六、2024年工作打算``), or an unnumbered
  paragraph after the last section that opens them (``…仍存在一些不足，主要表现在：``,
  ``2024年，我将…``).
* A date line and a signature at the very end are the closing signature.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .artefacts import Line
from .genre import (
    closing_heading,
    ends_sentence,
    heading_like,
    is_bare_name,
    is_byline,
    is_date_line,
    is_signature,
    is_subtitle,
    next_steps_cue,
    shortcomings_cue,
    title_like,
)
from .markers import LINE_STYLES, Marker, inline_markers, line_marker

#: Section styles in order of preference; one ``一、`` beats a run of ``一是…二是`` lines.
SECTION_STYLE_RANK = (("cn-dun", "cn-paren", "di", "ar-dot", "ar-paren", "circled"), ("yishi",))
#: Longest first sentence that is still a run-in label.
LABEL_LIMIT = 30
#: A line at least this long that ends without punctuation was broken by the copy.
WRAPPED_LINE = 20
_NEXT_STEPS_INSIDE = re.compile(r"[。！？!?]\s*(?=下一步|今后|新的一年|(?:19|20)\d{2}年[，,])")


@dataclass(eq=False)
class Node:
    """A section, an item or a closing part while the outline is built.

    ``head`` is the heading (section, closing part) or the run-in label (item);
    ``lead`` the section's lead or the closing part's intro; ``text`` the item's
    text or the closing part's text; each a list of paragraphs.
    """

    kind: str  # "section", "item", "shortcomings", "next_steps"
    marker: str = ""
    style: str | None = None
    value: int = 0
    line: int = 0
    head: str = ""
    lead: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    items: list[Node] = field(default_factory=list)
    #: The item's own line carried text (so a later paragraph may belong elsewhere).
    run_in: bool = False

    def walk(self) -> Iterator[Node]:
        yield self
        for item in self.items:
            yield from item.walk()


@dataclass
class Unplaced:
    """A line kept in the nearest field though it may belong elsewhere."""

    line: int
    text: str
    #: The part it was kept in (None: the preamble).
    node: Node | None
    reason: str


@dataclass
class Outline:
    title: str = ""
    #: A subtitle line under the title (``——2024年1月26日在……会议上``).
    subtitle: str = ""
    #: The byline under the title (``青禾县人民政府县长　×××``): it goes to ``author``, not to text.
    byline: Line | None = None
    preamble: list[str] = field(default_factory=list)
    sections: list[Node] = field(default_factory=list)
    shortcomings: Node | None = None
    next_steps: Node | None = None
    signature: str = ""
    date_line: str = ""
    unplaced: list[Unplaced] = field(default_factory=list)
    #: The source line of the title and of the first preamble paragraph.
    title_line: int = 0
    #: The lines the title was printed on (empty: the text prints no title).
    title_lines: list[Line] = field(default_factory=list)
    #: Where the title comes from: ``text`` (printed), ``page``, ``given`` or ``derived``.
    title_from: str = "text"

    @property
    def closing_parts(self) -> list[Node]:
        return [p for p in (self.shortcomings, self.next_steps) if p is not None]


@dataclass
class _Level:
    style: str | None
    value: int
    node: Node
    #: Opened by a marker inside a paragraph (``…。二是…``), not at a line start.
    inline: bool = False


def parse(lines: list[Line]) -> Outline:
    """The outline of a report given as its non-empty lines (see the module doc)."""
    outline = Outline()
    if not lines:
        return outline
    end = len(lines)
    if end >= 3 and is_date_line(lines[end - 1].text):
        outline.date_line = lines[end - 1].text
        end -= 1
    signature: list[str] = []
    while end >= 3 and len(signature) < 2 and _signs(lines[end - 1].text):
        signature.insert(0, lines[end - 1].text)
        end -= 1
    outline.signature = "\n".join(signature)
    start = 0
    first = lines[0].text
    if line_marker(first) is None and title_like(first):
        parts = [first]
        outline.title_line = lines[0].number
        start = 1
        while start < min(end, 6) and _continues_title(lines[start].text, "".join(parts)):
            parts.append(lines[start].text)
            start += 1
        outline.title = "".join(parts)
        outline.title_lines = lines[:start]
    # a subtitle under the title, or opening the text when the page printed the title elsewhere
    if start < end and is_subtitle(lines[start].text) and not line_marker(lines[start].text):
        outline.subtitle = lines[start].text
        start += 1
    if outline.title or outline.subtitle:
        for at in range(start, min(start + 2, end)):
            text = lines[at].text
            if is_byline(text) and not line_marker(text):
                outline.byline = lines[at]
                lines = [*lines[:at], *lines[at + 1 :]]
                end -= 1
                break
    if outline.title and start < end and _leftover(lines[start].text):
        # a short line left under the title (a copy's tag, a name without a role): text, but doubtful
        outline.unplaced.append(
            Unplaced(
                lines[start].number,
                lines[start].text,
                None,
                "a short line under the title, not a byline (no role such as 县长): not taken as the author",
            )
        )
    _Walker(outline, _merge_bare_markers(lines[start:end])).run()
    for node in _all_nodes(outline):
        if node.kind == "item" and not node.text:
            # a label with no text after it is the item's text
            node.text, node.head = [node.head], ""
    return outline


def _all_nodes(outline: Outline) -> Iterator[Node]:
    for top in [*outline.sections, *outline.closing_parts]:
        yield from top.walk()


_TITLE_YEAR = re.compile(r"^[（(](?:19|20)\d{2}年度?[)）]$")


def _continues_title(text: str, title: str) -> bool:
    """A second title line: the rest of a title broken in two, or ``（2023年度）``."""
    if not heading_like(text) or line_marker(text) or is_date_line(text) or is_signature(text):
        return False
    if is_subtitle(text):
        return False
    if "报告" not in title and ("报告" in text or "述法" in text):
        return True
    return bool(_TITLE_YEAR.match(text))


def _leftover(text: str) -> bool:
    """A short unpunctuated line that is no date, signature, addressee or numbered line."""
    return (
        heading_like(text, 8)
        and not line_marker(text)
        and not is_date_line(text)
        and not is_signature(text)
        and not is_subtitle(text)
    )


def _signs(text: str) -> bool:
    """A closing signature line: an office, a role and name, or a name alone (``×××``)."""
    return not line_marker(text) and (is_signature(text) or is_bare_name(text))


def _bare_marker(text: str) -> bool:
    """Is *text* a numbering marker and nothing else (``一、``)?"""
    return any((m := p.match(text)) and not text[m.end() :].strip() for p in LINE_STYLES.values())


def _merge_bare_markers(lines: list[Line]) -> list[Line]:
    """A marker alone on its line (``一、`` then the heading below) joins the line after it."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if _bare_marker(line.text) and i + 1 < len(lines) and not line_marker(lines[i + 1].text):
            out.append(Line(line.text + lines[i + 1].text, line.number))
            i += 2
            continue
        out.append(line)
        i += 1
    return out


def split_label(text: str) -> tuple[str, str] | None:
    """(label, rest) when *text* opens with a short run-in label (``主动担当履职。按照…``)."""
    at = text.find("。")
    if at < 2 or at > LABEL_LIMIT:
        return None
    label, rest = text[: at + 1], text[at + 1 :].strip()
    if not rest or label.count("，") + label.count(",") > 1 or "；" in label:
        return None
    if any(ch.isdigit() for ch in label):
        return None
    return label, rest


def split_heading(text: str) -> tuple[str, str]:
    """(heading, rest): a heading line is all heading; a run-in heading ends at its first ``。``."""
    at = text.find("。")
    if at >= 0 and text[at + 1 :].strip():
        return text[: at + 1], text[at + 1 :].strip()
    return text, ""


class _Walker:
    """One pass over the body lines, keeping a stack of open numbering levels."""

    def __init__(self, outline: Outline, body: list[Line]) -> None:
        self.outline = outline
        self.body = body
        self.markers = [line_marker(line.text) for line in body]
        self.top, starts = self._section_starts()
        self.closing_at = self._classify(starts)
        self.starts = set(starts)
        regular = [i for i in starts if i not in self.closing_at]
        self.regular_last = max(regular) if regular else -1
        self.numbered = set(self.closing_at.values())
        self.stack: list[_Level] = []
        self.last_closed: dict[str, int] = {}
        self.prev_len = 0
        self.continued = False
        # blank lines separate paragraphs, unless the copy puts one after every line
        spaced = sum(1 for line in body[1:] if line.blank_before)
        self.blanks_tell = 0 < spaced < 0.9 * max(len(body) - 1, 1)
        self.blank = False

    # -- deciding the section style ---------------------------------------------------

    def _run(self, style: str) -> list[int]:
        starts, expected = [], 1
        for i, marker in enumerate(self.markers):
            if marker and marker.style == style and marker.value == expected:
                starts.append(i)
                expected += 1
        return starts

    def _section_starts(self) -> tuple[str | None, list[int]]:
        present = {m.style for m in self.markers if m and m.value == 1}
        for group in SECTION_STYLE_RANK:
            for need in (2, 1):
                for style in group:
                    if style in present:
                        starts = self._run(style)
                        if len(starts) >= need:
                            return style, starts
        return None, []

    def _content(self, index: int) -> str:
        marker = self.markers[index]
        return self.body[index].text[marker.end :].strip() if marker else self.body[index].text

    def _classify(self, starts: list[int]) -> dict[int, str]:
        """Trailing sections whose headings name shortcomings or next steps (in that order)."""
        kinds: dict[int, str] = {}
        if len(starts) < 2:
            return kinds
        last = closing_heading(self._content(starts[-1]))
        if last == "next_steps":
            kinds[starts[-1]] = last
            if len(starts) >= 3 and closing_heading(self._content(starts[-2])) == "shortcomings":
                kinds[starts[-2]] = "shortcomings"
        elif last == "shortcomings":
            kinds[starts[-1]] = last
        return kinds

    # -- the walk ---------------------------------------------------------------------

    @property
    def current(self) -> Node | None:
        return self.stack[-1].node if self.stack else None

    def run(self) -> None:
        for index, line in enumerate(self.body):
            marker = self.markers[index]
            self.continued = line.continued
            self.blank = self.blanks_tell and line.blank_before
            if index in self.starts:
                self._open_section(index, marker, line)
            elif (
                marker
                and self.current is not None
                and marker.style != self.top
                and ((depth := self._accept(marker.style, marker.value, line_start=True)) is not None)
            ):
                self._open_item(depth, marker, line, line.text[marker.end :].strip(), line_start=True)
            elif marker is None and self._closing_cue(index, line):
                pass
            else:
                node = self._paragraph(line.text, line, report=marker is None)
                if marker is not None:
                    self._unplaced(line, node, self._why(marker, node))
            self.prev_len = len(line.text)

    def _why(self, marker: Marker, node: Node | None) -> str:
        if node is None:
            return f"numbered (“{marker.text}”) before the first section"
        if marker.style == self.top:
            return f"numbered like a section (“{marker.text}”) but out of sequence"
        return f"numbered (“{marker.text}”) but does not continue the numbering"

    def _unplaced(self, line: Line, node: Node | None, reason: str) -> None:
        self.outline.unplaced.append(Unplaced(line.number, line.text, node, reason))

    def _accept(self, style: str, value: int, line_start: bool = False) -> int | None:
        """The depth at which a marker of *style* and *value* opens an item, or None.

        A marker at a line start that opens a new level does not go below items opened inside
        a paragraph (``（一）…。一是…二是…`` then ``1.`` on its own line: ``1.`` is under ``（一）``)."""
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].style == style:
                return depth if value == self.stack[depth].value + 1 else None
        if style == self.top:
            return None
        if value == 1 or value == self.last_closed.get(style, -1) + 1:
            depth = len(self.stack)
            while line_start and depth > 1 and self.stack[depth - 1].inline:
                depth -= 1
            return depth
        return None

    def _pop_to(self, depth: int) -> None:
        while len(self.stack) > depth:
            level = self.stack.pop()
            if level.style is not None and len(self.stack) > 0:
                self.last_closed[level.style] = level.value

    def _open_section(self, index: int, marker: Marker, line: Line) -> None:
        kind = self.closing_at.get(index, "section")
        node = Node(kind, marker=marker.text, style=marker.style, value=marker.value, line=line.number)
        if kind == "section":
            self.outline.sections.append(node)
        else:
            setattr(self.outline, kind, node)
        self._pop_to(0)
        self.stack = [_Level(self.top, marker.value, node)]
        content = line.text[marker.end :].strip()
        found = inline_markers(content)
        own = content[: found[0].start] if found else content
        node.head, rest = split_heading(own.strip())
        if rest:
            node.lead.append(rest)
        self._inline(content, found, line)

    def _open_item(self, depth: int, marker: Marker, line: Line, content: str, line_start: bool) -> None:
        self._pop_to(depth)
        node = Node("item", marker=marker.text, style=marker.style, value=marker.value, line=line.number)
        self.stack[-1].node.items.append(node)
        self.stack.append(_Level(marker.style, marker.value, node, inline=not line_start))
        found = inline_markers(content) if line_start else []
        own = (content[: found[0].start] if found else content).strip()
        labelled = split_label(own)
        if labelled:
            node.head, rest = labelled
            node.text.append(rest)
            node.run_in = True
        elif heading_like(own) or (
            # a label alone (``一是强化领导。`` with its text below, or ``（一）加强领导。一是…``)
            (found or line_start) and own.endswith("。") and split_label(own + "…") is not None
        ):
            node.head = own
        else:
            node.text.append(own)
            node.run_in = True
        self._inline(content, found, line)

    def _inline(self, text: str, found: list[Marker], line: Line) -> None:
        """Items that start inside a paragraph (``…。二是…``); the rest continues the paragraph."""
        for k, marker in enumerate(found):
            end = found[k + 1].start if k + 1 < len(found) else len(text)
            depth = None
            if self.current is not None and marker.style != self.top:
                depth = self._accept(marker.style, marker.value)
            if depth is not None:
                self._open_item(depth, marker, line, text[marker.end : end], line_start=False)
            else:
                self._add(text[marker.start : end], new_paragraph=False)

    def _paragraph(self, text: str, line: Line, report: bool = True) -> Node | None:
        """A line without an accepted marker: text of the current part, maybe opening inline items.

        Returns the part the text went to; *report* lists a paragraph after an item's text as
        not placed with certainty (the caller reports other doubts itself).
        """
        cut = self._next_steps_cut(text)
        if cut is not None:  # one closing paragraph: shortcomings, then 下一步…
            node = self._paragraph(text[:cut], line, report)
            self._open_closing("next_steps", line)
            self._paragraph(text[cut:], line, report)
            return node
        found = inline_markers(text)
        own = text[: found[0].start] if found else text
        node = self.current
        before = list(node.text) if node is not None and node.kind == "item" else None
        joined = self._add(own, new_paragraph=True)
        if report and node is not None and node.kind == "item" and before and node.run_in and not joined:
            self._unplaced(line, node, "a paragraph after an item's text")
        self._inline(text, found, line)
        return node

    def _next_steps_cut(self, text: str) -> int | None:
        """Where next steps start inside a shortcomings paragraph (``…不足。下一步，我将…``)."""
        if not self.stack or self.stack[0].node.kind != "shortcomings":
            return None
        if "next_steps" in self.numbered or self.outline.next_steps is not None:
            return None
        for m in _NEXT_STEPS_INSIDE.finditer(text):
            if m.end() < len(text) and next_steps_cue(text[m.end() :]):
                return m.end()
        return None

    def _add(self, text: str, new_paragraph: bool) -> bool:
        """Add *text* to the current field; True when it continues the field's last paragraph."""
        node = self.current
        if node is None:
            target = self.outline.preamble
        elif node.kind == "section":
            target = node.lead
        elif node.kind == "item":
            target = node.text
        elif node.text or (node.lead and new_paragraph and not self._wrapped(node.lead[-1])):
            target = node.text  # a closing part: the intro, then its text
        else:
            target = node.lead
        if target and (not new_paragraph or self._wrapped(target[-1])):
            target[-1] += text
            return True
        if text:
            target.append(text)
        return False

    def _wrapped(self, last: str) -> bool:
        """Was the previous line broken by the copy (long, or cut by a removed marker, and no
        sentence ends there, and no blank line between)?"""
        if self.blank:
            return False
        return not ends_sentence(last) and (self.prev_len >= WRAPPED_LINE or self.continued)

    def _closing_cue(self, index: int, line: Line) -> bool:
        """Open an unnumbered closing part when this paragraph starts one (after the last section)."""
        if self.regular_last < 0 or index <= self.regular_last or not self.stack:
            return False
        state = self.stack[0].node.kind
        text = line.text
        kind = None
        if state == "section":
            if "shortcomings" not in self.numbered and shortcomings_cue(text):
                kind = "shortcomings"
            elif not self.numbered and next_steps_cue(text):
                kind = "next_steps"
        elif state == "shortcomings" and "next_steps" not in self.numbered and next_steps_cue(text):
            kind = "next_steps"
        if kind is None or getattr(self.outline, kind) is not None:
            return False
        node = self._open_closing(kind, line)
        if heading_like(text, 20) and not inline_markers(text):
            node.head = text
        else:
            self._paragraph(text, line)
        return True

    def _open_closing(self, kind: str, line: Line) -> Node:
        """Open an unnumbered closing part; what follows is its text and items."""
        node = Node(kind, line=line.number)
        setattr(self.outline, kind, node)
        self._pop_to(0)
        self.stack = [_Level(None, 0, node)]
        return node
