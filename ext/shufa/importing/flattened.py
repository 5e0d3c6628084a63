"""Text flattened into one line (copied out of a PDF viewer or from a copy site): where its lines were.

A report whose line breaks were lost is one long line: title, opening,
``一、…（一）…1.…二、…`` and the signature run on. The line is cut again

* before each numbering marker of a consistent sequence (一、 then 二、 …, each
  level counting 1, 2 … and restarting under a new parent, or running on):
  after ``。`` ``；`` ``：`` ``！`` ``？`` or a space, or right after a short
  heading (``一、加强组织领导（一）健全机制。…``);
* after a title ending in 报告 at its start, and before a signature and a date
  at its end.

Only a line that holds most of the text is looked at, and only a sequence
whose top level counts at least 1, 2 is taken: a paragraph that enumerates
``：一、…；二、…`` inside a normal report stays whole. Cuts are positions in
the line, so every piece keeps its exact span in the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.numerals import parse_chinese_number
from .genre import date_of, is_signature, title_like
from .markers import LINE_STYLES, Marker

#: A line shorter than this is never taken for a whole flattened report.
FLAT_MIN = 300
#: Share of the text's characters a flattened line holds.
FLAT_SHARE = 0.5
#: Styles that number parts on their own lines (一是 and 第一， also run inline and are split later).
_STYLES = ("cn-dun", "cn-paren", "ar-dot", "ar-paren")
#: How each style is shown in the summary.
_SHOWN = {"cn-dun": "一、", "cn-paren": "（一）", "ar-dot": "1.", "ar-paren": "（1）"}
#: Styles that may follow a short heading with nothing between (``加强组织领导（一）…``).
_GLUED_STYLES = ("cn-paren", "ar-paren")
_BOUNDARY = "。；;：:！!？?"
#: The longest heading a marker may be glued to.
HEADING = 40
_TAIL_DATE = re.compile(
    r"(?:(?:19|20)\d{2}|[〇○一二三四五六七八九零]{4})\s*年\s*[\d〇○一二三四五六七八九十]{1,3}\s*月"
    r"\s*[\d〇○一二三四五六七八九十]{1,3}\s*日\s*$"
)


@dataclass(frozen=True)
class Split:
    """Where a flattened line is cut, and what numbering told where."""

    cuts: list[int]
    styles: list[str]
    markers: int
    #: A title was cut off the start; a signature or date off the end.
    title: bool = False
    tail: bool = False

    def describe(self, line: int) -> str:
        """What was done, for the import summary."""
        shown = " ".join(_SHOWN[style] for style in self.styles)
        also = [
            what
            for what, done in (("after the title", self.title), ("before the signature and date", self.tail))
            if done
        ]
        return (
            f"line {line} held the whole text on one line (its line breaks were lost, as in a copy "
            f"from a PDF viewer or a copy site): split into {len(self.cuts) + 1} lines at {self.markers} "
            f"numbering markers in sequence ({shown})" + (f", {' and '.join(also)}" if also else "")
        )


def is_flat(line: str, total: int) -> bool:
    """Does *line* hold most of a text of *total* non-space characters?"""
    size = sum(1 for ch in line if not ch.isspace())
    return size >= FLAT_MIN and size >= FLAT_SHARE * total


def split_flat(line: str) -> Split | None:
    """The cuts that give *line* its lines back, or None when it does not read as a flattened report."""
    accepted = _sequence(line)
    if not accepted:
        return None
    cuts = {m.start for m in accepted if m.start > 0}
    first = min(m.start for m in accepted)
    title_end = _title_end(line[:first])
    if title_end is not None:
        cuts.add(title_end)
    last_end = max(line.rfind(ch) for ch in "。！？!?")
    tail = _tail_cuts(line, max(last_end + 1, first))
    cuts.update(tail)
    styles = []
    for marker in accepted:
        if marker.style not in styles:
            styles.append(marker.style)
    return Split(
        sorted(c for c in cuts if 0 < c < len(line)),
        styles,
        len(accepted),
        title=title_end is not None,
        tail=bool(tail),
    )


def _candidates(line: str) -> list[tuple[Marker, bool]]:
    """Every block marker of *line* with text after it, and whether a boundary stands before it."""
    found: dict[int, tuple[Marker, bool]] = {}
    for style in _STYLES:
        for m in LINE_STYLES[style].finditer(line):
            at = m.start()
            if at in found or not line[m.end() :].strip():
                continue
            before = line[:at].rstrip()
            bounded = at == 0 or not before or before[-1] in _BOUNDARY or before != line[:at]
            if not bounded and style not in _GLUED_STYLES:
                continue
            num = m.group("num")
            value = int(num) if num.isdigit() else parse_chinese_number(num)
            if value:
                found[at] = (Marker(style, value, m.group(), at, m.end()), bounded)
    return [found[at] for at in sorted(found)]


def _sequence(line: str) -> list[Marker]:
    """The markers that number the text consistently, top level first; [] when there is none."""
    order: list[str] = []
    last: dict[str, int] = {}
    accepted: list[Marker] = []
    previous_end = 0
    for marker, bounded in _candidates(line):
        style, value = marker.style, marker.value
        if not bounded:
            between = line[previous_end : marker.start]
            if not accepted or len(between) > HEADING or any(ch in between for ch in "。，,；;"):
                continue
        if style in order:
            level = order.index(style)
            restarted = value == 1 and any(s in order[:level] for s in _since(accepted, style))
            if value != last[style] + 1 and not restarted:
                continue
            if level == 0 and value != last[style] + 1:
                continue
        elif value != 1 or (not order and style not in ("cn-dun", "cn-paren")):
            continue
        else:
            order.append(style)
        last[style] = value
        accepted.append(marker)
        previous_end = marker.end
    top = [m for m in accepted if order and m.style == order[0]]
    if len(top) < 2:
        return []
    return accepted


def _since(accepted: list[Marker], style: str) -> set[str]:
    """The styles accepted after the last marker of *style*."""
    seen: set[str] = set()
    for marker in reversed(accepted):
        if marker.style == style:
            break
        seen.add(marker.style)
    return seen


def _title_end(head: str) -> int | None:
    """Where a title ending in 报告 at the start of *head* ends (the opening follows it)."""
    at = head.find("报告")
    if at < 0:
        return None
    end = at + 2
    title = head[:end]
    rest = head[end:].lstrip()
    if not rest or not title_like(title) or rest[0] in "》”）)":
        return None
    return len(head) - len(rest) if head[end : end + 1].isspace() else end


def _tail_cuts(line: str, after: int) -> list[int]:
    """Cuts before a signature and a date after the last sentence (``…特此报告。望岚县人民政府2022年2月18日``)."""
    tail = line[after:]
    date = _TAIL_DATE.search(tail)
    if date is None or date_of(date.group()) is None:
        return []
    cuts = [after + date.start()]
    signature = tail[: date.start()].strip()
    if signature:
        if not is_signature(signature):
            return []
        cuts.append(after + len(tail) - len(tail.lstrip()))
    return cuts
