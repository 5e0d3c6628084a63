"""Numbering markers of the genre: what they look like and what number they stand for.

Styles (the name is what the structure parser compares):

``cn-dun``    一、 二、            ``cn-paren``  （一） (二)
``ar-dot``    1.  1．  1、         ``ar-paren``  （1） (2)
``circled``   ① ②                 ``di``        第一， 第二、
``yishi``     一是 二是

``di`` and ``yishi`` also run inline, after a sentence break inside a paragraph
(``…。二是…``), and so do ``ar-paren`` and ``circled``. A number that is not a
marker is not one: ``2.8万余份`` (a decimal), ``第一、二季度`` (a range),
``一是一`` only at a sentence start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.numerals import DIGITS, parse_chinese_number

_CN = DIGITS[1:] + "十"
#: Not a marker when a numeral range follows: 第一、二季度, 一、二月份.
_RANGE = rf"(?![{_CN}两]{{1,3}}(?:[、季月]|年级|批))"

LINE_STYLES: dict[str, re.Pattern[str]] = {
    "cn-dun": re.compile(rf"(?P<num>[{_CN}]{{1,3}})[、．.]{_RANGE}"),
    "cn-paren": re.compile(rf"[（(](?P<num>[{_CN}]{{1,3}})[）)][、．.]?"),
    "ar-dot": re.compile(r"(?P<num>[0-9０-９]{1,2})[.．、](?![0-9０-９%％])"),
    "ar-paren": re.compile(r"[（(](?P<num>[0-9０-９]{1,2})[）)][、．.]?"),
    "circled": re.compile(r"(?P<num>[①-⑳])"),
    "di": re.compile(rf"第(?P<num>[{_CN}]{{1,3}})[，,、：:]{_RANGE}"),
    "yishi": re.compile(rf"(?P<num>[{_CN}]{{1,3}})是(?![否])"),
}
#: Styles that also run inline, after a sentence break.
INLINE_STYLES = ("di", "yishi", "ar-paren", "circled")
#: Styles that number sections or items on their own lines (tried first for sections).
BLOCK_STYLES = ("cn-dun", "cn-paren", "ar-dot", "ar-paren", "circled")
_BOUNDARY = re.compile(r"[。；;！!？?：:]\s*")


@dataclass(frozen=True)
class Marker:
    """A numbering marker as printed, at ``text[start:end]`` of its line."""

    style: str
    value: int
    text: str
    start: int
    end: int


def _value(style: str, num: str) -> int | None:
    if style == "circled":
        return ord(num) - 0x245F
    if num.isdigit():
        return int(num)
    return parse_chinese_number(num)


def _match(style: str, text: str, pos: int) -> Marker | None:
    m = LINE_STYLES[style].match(text, pos)
    if not m:
        return None
    value = _value(style, m.group("num"))
    if not value:
        return None
    return Marker(style, value, m.group(), m.start(), m.end())


def line_marker(text: str) -> Marker | None:
    """The marker that starts *text*, if text follows it (a bare ``一、`` is not yet an item)."""
    for style in LINE_STYLES:
        marker = _match(style, text, 0)
        if marker is not None and text[marker.end :].strip():
            return marker
    return None


#: The longest heading an inline list may be glued to (``加强组织领导一是…``).
GLUED_HEADING = 30


def inline_markers(text: str, styles: tuple[str, ...] = INLINE_STYLES) -> list[Marker]:
    """Markers of *styles* that start a sentence inside *text* (never at position 0), in order.

    Each is followed by text before the next one; ``一是二是`` is not two items. A list glued
    to a short heading without punctuation (``加强组织领导一是…。二是…``, the space between
    them lost) starts at its ``一是`` when ``二是`` follows at a sentence start.
    """
    found = _after_boundaries(text, styles)
    glued = _glued(text, styles)
    if glued is not None and (not found or found[0].start > glued.start):
        found.insert(0, glued)
    return found


def _glued(text: str, styles: tuple[str, ...]) -> Marker | None:
    for style in ("yishi", "di"):
        if style not in styles:
            continue
        for m in LINE_STYLES[style].finditer(text, 2, GLUED_HEADING + 2):
            marker = _match(style, text, m.start())
            if marker is None or marker.value != 1:
                continue
            if _BOUNDARY.search(text, 0, marker.start) or "，" in text[: marker.start]:
                return None  # not a heading: a sentence or clause comes first
            later = _after_boundaries(text[marker.end :], (style,))
            if later and later[0].value == 2 and text[marker.end : marker.end + later[0].start].strip():
                return marker
            return None
    return None


def _after_boundaries(text: str, styles: tuple[str, ...]) -> list[Marker]:
    found: list[Marker] = []
    for boundary in _BOUNDARY.finditer(text):
        pos = boundary.end()
        if pos >= len(text):
            continue
        for style in styles:
            marker = _match(style, text, pos)
            if marker is not None:
                found.append(marker)
                break
    kept = []
    for i, marker in enumerate(found):
        following = found[i + 1].start if i + 1 < len(found) else len(text)
        if text[marker.end : following].strip():
            kept.append(marker)
    return kept
