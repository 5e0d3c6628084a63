"""Figures in report text: the one parser shared by the importer, the build and ``shufa figures``.

A figure is a quantity as printed (``160余场``, ``12.5万余份``, ``98%以上``, ``十余次``):
its printed text, its value, its unit and its qualifier. Years, dates, ordinals
(``第十八届``), numbering markers, slogans and fixed terms (``八五普法``,
``三项制度``, ``一窗受理``) are not figures, and a redaction placeholder
(``*次``, ``**名``) never is.

Scaling: ``万`` and ``亿`` (and ``千``) are scales, never part of the unit, so
``3000万元`` and ``1.2亿元`` both have the unit ``元`` and values 30000000.0 and
120000000.0: budgets printed in different scales compare directly. The printed
text keeps what the report says.

``shufa figures FILE.yaml [--json]`` lists the figures and redactions of a data
file with the anchor of the section or item they are in, in document order.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from .model import Field, Report
from .numerals import BIG_UNITS, CN_NUMERAL_CHARS, YEAR_DIGITS, parse_chinese_number
from .redaction import find_redactions


@dataclass(frozen=True)
class Figure:
    """A quantity as printed in the text, at ``text[start:end]``."""

    start: int
    end: int
    text: str
    value: float
    unit: str
    qualifier: str


# --- the figure pattern -----------------------------------------------------------------

#: Qualifiers printed before the number (longest first).
PREFIX_QUALIFIERS = (
    "超过",
    "不少于",
    "不低于",
    "不超过",
    "不高于",
    "不足",
    "不到",
    "将近",
    "大约",
    "多达",
    "逾",
    "近",
    "约",
    "超",
)
#: Qualifiers printed after the unit (or after the number).
SUFFIX_QUALIFIERS = ("以上", "以下", "以内", "左右")
#: Qualifiers between the number (and scale) and the unit.
MID_QUALIFIERS = ("余", "多")

#: Units after Arabic numbers, longest first so that 个工作日 wins over 个 and 人次 over 人.
UNITS = (
    "个工作日",
    "个百分点",
    "平方公里",
    "个月",
    "人次",
    "户次",
    "件次",
    "场次",
    "批次",
    "家次",
    "课时",
    "学时",
    "小时",
    "分钟",
    "公里",
    "千米",
    "平方米",
    "个",
    "人",
    "名",
    "项",
    "件",
    "次",
    "场",
    "份",
    "篇",
    "处",
    "期",
    "家",
    "轮",
    "条",
    "元",
    "卷",
    "所",
    "座",
    "套",
    "台",
    "部",
    "批",
    "类",
    "支",
    "起",
    "宗",
    "位",
    "户",
    "天",
    "年",
    "吨",
    "亩",
    "册",
    "本",
    "张",
    "笔",
    "例",
    "组",
    "倍",
    "岁",
    "栋",
    "间",
    "辆",
    "门",
    "节",
    "米",
)
#: After Chinese numerals 年 is left out: 三年行动 and 二〇二三年 are names and dates.
CN_UNITS = tuple(u for u in UNITS if u != "年")
_SCALES = {
    "千万": 10_000_000,
    "百万": 1_000_000,
    "万亿": 1_000_000_000_000,
    "亿": 100_000_000,
    "万": 10_000,
    "千": 1000,
}


def _alternation(words: tuple[str, ...] | list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_PRE = _alternation(PREFIX_QUALIFIERS)
_POST = _alternation(SUFFIX_QUALIFIERS)
_MID = _alternation(MID_QUALIFIERS)
_ARABIC = re.compile(
    rf"(?P<pre>{_PRE})?"
    r"(?<![0-9０-９.．A-Za-z第\-–—~～/:：@#])"
    r"(?P<num>[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9０-９]+)(?P<dec>[.．][0-9０-９]+)?"
    rf"(?P<scale>{_alternation(list(_SCALES))})?"
    rf"(?P<mid>{_MID})?"
    rf"(?P<unit>{_alternation(UNITS)}|[%％])?"
    rf"(?P<post>{_POST})?"
)
_CHINESE = re.compile(
    rf"(?P<pre>{_PRE})?"
    rf"(?<![第初之周星期{CN_NUMERAL_CHARS}])"
    rf"(?P<num>[{CN_NUMERAL_CHARS}]+)"
    rf"(?P<mid>{_MID})?"
    rf"(?P<unit>{_alternation(CN_UNITS)})"
    rf"(?P<post>{_POST})?"
)
_PERCENT_WORDS = re.compile(
    rf"(?P<pre>{_PRE})?(?P<core>百分之(?P<num>[{CN_NUMERAL_CHARS}]+))(?P<post>{_POST})?"
)
_ANY_START = re.compile(rf"[0-9０-９{CN_NUMERAL_CHARS}]|百分之")

#: Fixed terms and slogans that contain a numeral and a unit but count nothing.
FIXED_TERMS = (
    "三项制度",
    "两个维护",
    "两个确立",
    "两个责任",
    "四个意识",
    "四个自信",
    "四个全面",
    "五位一体",
    "千家万户",
    "三张清单",
    "三个规定",
    "四个不两直",
    "两学一做",
    "三会一课",
    "四重一大",
    "三重一大",
    "一窗受理",
    "一网通办",
    "一网统管",
    "一次办好",
    "最多跑一次",
    "八五普法",
    "七五普法",
    "六五普法",
    "三个务必",
    "五个一",
    "两法衔接",
    "三级联动",
    "四下基层",
    "一村一法律顾问",
    "百名法律明白人",
    "十四五",
    "十三五",
)
_FIXED = re.compile(_alternation(FIXED_TERMS))
_QUOTED = re.compile(r"“[^“”]{1,12}”|「[^「」]{1,12}」|\"[^\"]{1,12}\"")
_DATE = re.compile(
    r"(?<![0-9])(?:1[89]|20|21)[0-9]{2}(?:[-/.．][0-9]{1,2}[-/.．][0-9]{1,2}|\s*年(?:度)?"
    r"(?:[0-9]{1,2}月(?:[0-9]{1,2}[日号])?)?)"
    r"|(?<![0-9])[0-9]{1,2}月[0-9]{1,2}[日号]"
    rf"|[{YEAR_DIGITS}]{{4}}年"
)


def _arabic_value(num: str, dec: str | None) -> float:
    digits = num.replace(",", "")
    number = digits + ("." + dec[1:] if dec else "")
    return float(number)


class Spans:
    """Ordered, non-overlapping spans of a text (the matches of one pattern), asked by bisection:
    whether a figure overlaps one costs log(spans), not spans (a text full of dates and
    figures would otherwise cost their product)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]
        self._start_set = set(self.starts)
        self._end_set = set(self.ends)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether any span overlaps ``[start, end)``."""
        i = bisect_right(self.ends, start)  # the first span that ends after start
        return i < len(self.starts) and self.starts[i] < end

    def touches(self, start: int, end: int) -> bool:
        """Whether a span ends at *start* or begins at *end*."""
        return start in self._end_set or end in self._start_set


def _spans(pattern: re.Pattern[str], text: str) -> Spans:
    return Spans([m.span() for m in pattern.finditer(text)])


def _inside(start: int, end: int, spans: Spans) -> bool:
    return spans.overlaps(start, end)


#: The figures of every text parsed, by a digest of the text, with the number of the build
#: that last asked for them. shufa.plugins.data keeps this with the Sphinx environment, so a
#: build parses only text that changed (the metric index and archive.json ask for all).
FOUND: dict[bytes, tuple[tuple[Figure, ...], int]] = {}
GENERATION = [0]
#: Entries no build asked for in this many builds are dropped.
KEEP_BUILDS = 10


def use_cache(cache: dict[bytes, tuple[tuple[Figure, ...], int]], generation: int) -> None:
    """Keep found figures in *cache* (the environment's) from now on; prune stale entries."""
    global FOUND
    stale = [key for key, (_, seen) in cache.items() if seen < generation - KEEP_BUILDS]
    for key in stale:
        del cache[key]
    FOUND = cache
    GENERATION[0] = generation


def find_figures(text: str) -> list[Figure]:
    """The figures of *text* in order, never overlapping (memoised by a digest of *text*).

    Never a redaction (nor a number touching one, whose value is partly hidden),
    a year or date, an ordinal (``第5``), a numbering marker, a slogan or fixed term.
    """
    key = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
    hit = FOUND.get(key)
    if hit is None or hit[1] != GENERATION[0]:
        figures = hit[0] if hit is not None else tuple(parse_figures(text))
        FOUND[key] = hit = (figures, GENERATION[0])
    return list(hit[0])


def parse_figures(text: str) -> list[Figure]:
    """The figures of *text* in order, never overlapping.

    Never a redaction (nor a number touching one, whose value is partly hidden),
    a year or date, an ordinal (``第5``), a numbering marker, a slogan or fixed term.
    """
    redactions = Spans([(s, e) for s, e, _ in find_redactions(text)])
    dates = _spans(_DATE, text)
    fixed = _spans(_FIXED, text)
    quoted = _spans(_QUOTED, text)
    found: list[Figure] = []
    pos = 0
    while True:
        start = _ANY_START.search(text, pos)
        if start is None:
            break
        at = start.start()
        # a prefix qualifier may stand just before the number
        scan_from = max(pos, at - 3)
        figure, end = _figure_at(text, scan_from, at, redactions, dates, fixed, quoted)
        if figure is not None:
            found.append(figure)
            pos = figure.end
        else:
            pos = end
    return found


def _figure_at(text, scan_from, at, redactions, dates, fixed, quoted) -> tuple[Figure | None, int]:
    """The figure whose number starts at *at* (with a prefix from *scan_from* on), or None and where to go on."""
    candidates = []
    for pattern in (_PERCENT_WORDS, _ARABIC, _CHINESE):
        for begin in range(scan_from, at + 1):
            m = pattern.match(text, begin)
            core = "core" if pattern is _PERCENT_WORDS else "num"
            if m and m.start(core) == at and (begin == at or _prefix_ok(text, m)):
                candidates.append((pattern, m))
                break
    skip = at + 1
    for pattern, m in candidates:
        skip = max(skip, m.end("num"))
        figure = _make(pattern, m, text)
        if figure is None:
            continue
        if _inside(figure.start, figure.end, redactions) or _touches(text, m, redactions):
            continue
        if _inside(m.start("num"), m.end("num"), dates):
            continue
        chinese = pattern is _CHINESE
        if _inside(figure.start, figure.end, fixed):
            continue
        if chinese and _inside(figure.start, figure.end, quoted):
            continue
        return figure, figure.end
    return None, skip


#: Words that end in a one-character qualifier but qualify nothing: 村规民约11件 is 11件, not 约11件.
_NOT_QUALIFIERS = {
    "民约",
    "公约",
    "合约",
    "条约",
    "契约",
    "预约",
    "节约",
    "制约",
    "签约",
    "违约",
    "履约",
    "特约",
    "相约",
    "最近",
    "附近",
    "就近",
    "临近",
    "贴近",
    "亲近",
    "赶超",
    "高超",
}


def _prefix_ok(text: str, m: re.Match[str]) -> bool:
    pre = m.group("pre")
    if not pre:
        return False
    start = m.start("pre")
    return not (len(pre) == 1 and start > 0 and text[start - 1 : start + 1] in _NOT_QUALIFIERS)


def _touches(text: str, m: re.Match[str], redactions: Spans) -> bool:
    """A number right next to a redaction (``*2件``, ``1**件``) is partly hidden: not a figure."""
    return redactions.touches(m.start("num"), m.end("num"))


def _year_range(num: str) -> bool:
    """Is *num* two years run together (``20212025`` of 2021—2025年, the dash lost in a copy)?"""
    if len(num) != 8 or not num.isdigit():
        return False
    first, last = int(num[:4]), int(num[4:])
    return 1800 <= first < last <= 2199


def _make(pattern: re.Pattern[str], m: re.Match[str], text: str) -> Figure | None:
    pre = m.group("pre") or ""
    post = m.group("post") or ""
    if pattern is _PERCENT_WORDS:
        number = parse_chinese_number(m.group("num"))
        if number is None:
            return None
        return Figure(m.start(), m.end(), m.group(), float(number), "%", pre + post)
    unit = m.group("unit") or ""
    mid = m.group("mid") or ""
    if pattern is _CHINESE:
        num = m.group("num")
        if num == "一" or num in BIG_UNITS or num in ("〇", "零"):
            return None  # 一次性, 一项, 万人空巷: too often not a count
        number = parse_chinese_number(num)
        if number is None:
            return None
        value = float(number)
    else:
        scale = m.group("scale") or ""
        if not unit and not scale:
            return None
        year_like = unit == "年" and not scale and not m.group("dec")
        if year_like and 1800 <= int(m.group("num").replace(",", "")) <= 2199:
            return None  # 2023年 is a year, 满2年 a duration
        if year_like and _year_range(m.group("num")):
            return None  # 20212025年: a year range whose dash was lost, not a count
        value = _arabic_value(m.group("num"), m.group("dec")) * _SCALES.get(scale, 1)
    if unit in {"%", "％"}:
        unit = "%"
    end = m.end()
    if pattern is _ARABIC and not m.group("unit") and not m.group("post"):
        end = m.end("mid") if mid else m.end("scale")
    return Figure(m.start(), end, text[m.start() : end], value, unit, pre + mid + post)


# --- figures of a report, by anchor ------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """A figure or a redaction in one text field of a report, with the anchor it belongs to."""

    anchor: str
    field: str
    kind: str  # "figure" or "redaction"
    start: int
    end: int
    text: str
    value: float | None = None
    unit: str = ""
    qualifier: str = ""


def marked_fields(report: Report) -> Iterator[Field]:
    """The text fields of *report* that figures and redactions are looked for in: every one
    but the numbering markers (``一、``, ``（二）`` are no quantities), in reading order."""
    return (f for f in report.fields() if f.name != "marker")


def report_marks(report: Report) -> list[Mark]:
    """Every figure and redaction of *report*, in document order."""
    marks: list[Mark] = []
    for anchor, field, text, _path in marked_fields(report):
        found = [
            Mark(anchor, field, "figure", f.start, f.end, f.text, f.value, f.unit, f.qualifier)
            for f in find_figures(text)
        ]
        found += [Mark(anchor, field, "redaction", s, e, t) for s, e, t in find_redactions(text)]
        marks.extend(sorted(found, key=lambda m: m.start))
    return marks
