"""How much of a report is new: text reuse rates, and word-level diffs of two years.

The reuse rate of a text against the previous year's report is the share of
its characters that lie inside some run of :data:`SHINGLE` consecutive
characters that also occurs in the previous report. Before comparing, white
space is removed and every number is replaced by ``0``, so a sentence repeated
with this year's figures still counts as repeated (that is how annual reports
reuse text). Identical text scores 100%, unrelated text 0%, and a text whose
first half is copied about 50%.

A diff sets two texts side by side with deletions and insertions marked
(numbers and Latin words as whole units, other characters one by one; an
unchanged run of fewer than :data:`MIN_EQUAL` characters between two changes
joins them).
"""

from __future__ import annotations

import difflib
import functools
import itertools
import re
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from .model import Archive, Part, Report

#: Length of the character runs compared (8 characters: longer than a stock phrase such as
#: 法治政府建设, short enough to catch a sentence copied with one word changed).
SHINGLE = 8

#: What normalising replaces: a number (by ``0``), white space (by nothing).
NUMBER_PATTERN = r"[0-9０-９]+(?:[.．][0-9０-９]+)?"
SPACE_PATTERN = r"\s+"
_NUMBER = re.compile(NUMBER_PATTERN)
_SPACE = re.compile(SPACE_PATTERN)


def normalise(text: str) -> str:
    """Text as compared: no white space, every number replaced by 0."""
    return _NUMBER.sub("0", _SPACE.sub("", text))


class Baseline:
    """The previous year's text, prepared for reuse measurements."""

    def __init__(self, text: str, n: int = SHINGLE) -> None:
        self.n = n
        self.text = normalise(text)
        self.shingles = {self.text[i : i + n] for i in range(len(self.text) - n + 1)}
        self._rates: dict[str, float | None] = {}

    def reuse(self, text: str) -> float | None:
        """Share of *text*'s characters inside a run also found in the baseline (None if empty).

        Remembered per text: a section's rate shows on its page, in the county's table and
        on the comparison page."""
        if text not in self._rates:
            self._rates[text] = self._reuse(text)
        return self._rates[text]

    def _reuse(self, text: str) -> float | None:
        t = normalise(text)
        if not t:
            return None
        n = self.n
        if len(t) < n:
            return 1.0 if t in self.text else 0.0
        covered = 0
        reach = 0  # first position not yet counted as covered
        for i in range(len(t) - n + 1):
            if t[i : i + n] in self.shingles:
                start = max(i, reach)
                covered += i + n - start
                reach = i + n
        return covered / len(t)


def percent(rate: float) -> str:
    return f"{round(rate * 100)}%"


def previous_report(archive: Archive, report: Report) -> Report | None:
    series = archive.reports_of(report.county, report.kind)
    earlier = [r for r in series if r.year < report.year]
    return earlier[-1] if earlier else None


def compare_docname(earlier: Report, later: Report) -> str:
    return f"reports/{later.county}/{later.kind}/compare/{earlier.year}-{later.year}"


_BASELINES: OrderedDict[str, tuple[Report, str, Baseline]] = OrderedDict()
#: Baselines kept (the most recently used); each holds a report's shingles (~0.3 MB).
BASELINES_KEPT = 64


def baseline(report: Report) -> Baseline:
    """The prepared text of *report* (cached per process while its text is unchanged)."""
    hit = _BASELINES.get(report.key)
    if hit is None or hit[0] is not report:
        text = "\n".join(report.texts())
        prepared = hit[2] if hit is not None and hit[1] == text else Baseline(text)
        hit = (report, text, prepared)
        _BASELINES[report.key] = hit
        while len(_BASELINES) > BASELINES_KEPT:
            _BASELINES.popitem(last=False)
    _BASELINES.move_to_end(report.key)
    return hit[2]


#: How much is repeated, as a CSS class: (lowest rate, class), highest first.
BANDS = ((0.7, "reuse-high"), (0.4, "reuse-medium"), (0.0, "reuse-low"))


def band(rate: float) -> str:
    """A CSS class for how much is repeated: high (≥ 70%), medium (≥ 40%), low."""
    return next(name for lowest, name in BANDS if rate >= lowest)


def comparisons(archive: Archive) -> Iterator[tuple[Report, Report]]:
    """Every pair of consecutive years of a county's reports of one kind."""
    for county in archive.counties:
        for kind in archive.kinds:
            yield from itertools.pairwise(archive.reports_of(county, kind))


# --- diffs ------------------------------------------------------------------------------------

#: Units of the diff: a number (with decimals), a Latin word, or any one other character.
DIFF_UNIT_PATTERN = r"[0-9]+(?:\.[0-9]+)?|[A-Za-z]+|[\s\S]"
_UNIT = re.compile(DIFF_UNIT_PATTERN)

#: An unchanged run shorter than this, between two changes, is shown as part of the change:
#: a lone 的 or ， left standing in a rewritten sentence is noise, not a match.
MIN_EQUAL = 2


@functools.lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[str, ...]:
    """Units for the diff: numbers and Latin words whole, every other character alone.

    No dictionary: a build that re-reads one comparison page loads nothing. Cached:
    each year's text is the later side of one comparison and the earlier of the next."""
    return tuple(_UNIT.findall(text))


def _opcodes(a: tuple[str, ...], b: tuple[str, ...]) -> list[tuple[str, int, int, int, int]]:
    """SequenceMatcher's opcodes with short unchanged runs between changes folded into them."""
    merged: list[list[Any]] = []
    codes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for n, (op, i1, i2, j1, j2) in enumerate(codes):
        inner = 0 < n < len(codes) - 1
        if op == "equal" and inner and sum(len(t) for t in a[i1:i2]) < MIN_EQUAL:
            op = "replace"
        if op != "equal" and merged and merged[-1][0] != "equal":
            merged[-1][2], merged[-1][4] = i2, j2
            merged[-1][0] = "replace"
        else:
            merged.append([op, i1, i2, j1, j2])
    return [tuple(m) for m in merged]  # type: ignore[misc]


@functools.lru_cache(maxsize=512)
def _diff(before: str, after: str) -> tuple[tuple[str, ...], tuple[str, ...], list]:
    """The units of both texts and their opcodes. Cached: a section's change against the year
    before is shown on the comparison page and on its topic's history, written one after the
    other (a county's pages at a time, so a few hundred entries suffice)."""
    a, b = tokens(before), tokens(after)
    return a, b, _opcodes(a, b)


def diff(before: str, after: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The two sides of a diff, as (kind, text) runs: kind is '', 'del' or 'ins'."""
    a, b, codes = _diff(before, after)
    left: list[tuple[str, str]] = []
    right: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in codes:
        if op == "equal":
            left.append(("", "".join(a[i1:i2])))
            right.append(("", "".join(b[j1:j2])))
            continue
        if i2 > i1:
            left.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            right.append(("ins", "".join(b[j1:j2])))
    return left, right


def inline_diff(before: str, after: str) -> list[tuple[str, str]]:
    """*after* with the changes from *before* marked in place, as (kind, text) runs in reading
    order: unchanged text (''), removed text ('del') just before what replaced it ('ins')."""
    a, b, codes = _diff(before, after)
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in codes:
        if op == "equal":
            runs.append(("", "".join(b[j1:j2])))
            continue
        if i2 > i1:
            runs.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            runs.append(("ins", "".join(b[j1:j2])))
    return runs


def printed_lines(part: Part) -> str:
    """A part as printed, from its fields in reading order: the heading on its marker's line,
    each item on one line (marker, label and text), lead and closing text on lines of their own."""
    lines: list[str] = []
    for field in part.fields(()):
        item_text = field.anchor != part.anchor and field.name != "marker"
        if lines and (field.name == "heading" or item_text):
            lines[-1] += field.text
        else:
            lines.append(field.text)
    return "\n".join(lines)
