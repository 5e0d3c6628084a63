"""How much of a report is new: text reuse rates, and word-level diffs of two years.

The reuse rate of a text against the previous year's report is the share of
its characters that lie inside some run of :data:`SHINGLE` consecutive
characters that also occurs in the previous report. Before comparing, white
space is removed and every number is replaced by ``0``, so a sentence repeated
with this year's figures still counts as repeated (that is how annual reports
reuse text). Identical text scores 100%, unrelated text 0%, and a text whose
first half is copied about 50%.

A diff sets two texts side by side with deletions and insertions marked: line by
line (a part's heading, opening paragraph, each item), each line paired with the line of
the other text it resembles most, and within a pair clause by clause (text between
punctuation marks), a changed number marked whole.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any, NamedTuple

from .model import Archive, Part, Report
from .numerals import DIGITS

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
#
# Two texts are compared line by line (a line is a part's heading, its opening paragraph, one
# item, as :func:`printed_lines` prints them): each line of the later text is paired with the line
# of the earlier one it resembles most (never spliced across lines), and a pair is compared clause
# by clause (text up to a punctuation mark). A clause that differs only in its numbers keeps its
# words and marks each changed number whole (``4次`` → ``6次``: ``4`` → ``6``; an item renumbered,
# ``二是`` → ``一是``: ``二`` → ``一``); any other changed
# clause is marked whole. The browser's comparison of any two years (shufa-compare.js) runs the
# same steps with the patterns and bounds below, read from shufa-rules.js; a test compares the
# marks both make on the same texts.

#: Punctuation that ends a clause, and the closing marks that stay with it (``。”``).
CLAUSE_ENDS = "，。；：、！？,;:!?"
CLAUSE_CLOSERS = "”’」』）)》〉】"
#: A clause: text up to and including its punctuation (and closing marks), or the text after
#: the last punctuation of a line.
CLAUSE_PATTERN = rf"[^{CLAUSE_ENDS}\n]*[{CLAUSE_ENDS}]+[{CLAUSE_CLOSERS}]*|[^{CLAUSE_ENDS}\n]+"
_CLAUSE = re.compile(CLAUSE_PATTERN)
_ORDINAL = DIGITS[1:] + "十"
#: What a diff marks whole as a changed number: a figure, or the ordinal of a numbering (the
#: 二 of 二是 or （二）: items renumbered from one year to the next are not rewritten).
DIFF_NUMBER_PATTERN = (
    rf"{NUMBER_PATTERN}|(?<![{_ORDINAL}])[{_ORDINAL}]{{1,3}}(?=是)|(?<=[（(])[{_ORDINAL}]{{1,3}}(?=[）)])"
)
_DIFF_NUMBER = re.compile(DIFF_NUMBER_PATTERN)
#: Lines whose character pairs (numbers as 0, no white space) overlap less than this (Dice
#: coefficient) are not paired: the later one is new, the earlier one removed.
LINE_MATCH = 0.3
#: A pair of lines longer than this many clauses each is marked as one change (the clause
#: alignment costs the product of the two lengths).
MAX_CLAUSES = 400


class Run(NamedTuple):
    """A run of a line in a diff: its text, unchanged (kind ``""``), removed (``del``) or new (``ins``)."""

    kind: str
    text: str


class LinePair(NamedTuple):
    """A line of the later text and the line of the earlier one it is compared with (None:
    the line has no counterpart), and the marks: *earlier* and *later* as runs of each side
    (joined, each side's line as printed), *merged* the later line with removed runs in place."""

    before: int | None
    after: int | None
    earlier: tuple[Run, ...]
    later: tuple[Run, ...]
    merged: tuple[Run, ...]


def clauses(line: str) -> list[str]:
    """*line* cut after each run of punctuation; joined, they are the line."""
    return _CLAUSE.findall(line)


def clause_key(text: str) -> str:
    """A clause as clauses are matched: no white space, every number (and ordinal) as 0."""
    return _DIFF_NUMBER.sub("0", _SPACE.sub("", text))


def _pairs(line: str) -> set[str]:
    text = normalise(line)
    return {text[i : i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def likeness(a: set[str], b: set[str]) -> float:
    """How alike two lines are: the Dice coefficient of their character pairs (0 to 1)."""
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 1.0


def pair_lines(before: list[str], after: list[str]) -> list[tuple[int | None, int | None]]:
    """The lines of two texts paired (earlier index, later index), in reading order.

    The first lines (a part's heading) are paired; every other pair, most alike first (ties:
    the earlier line of the later text, then of the earlier), as long as both are free and
    their likeness is at least :data:`LINE_MATCH`. In the order given, each later line comes
    with its counterpart; an earlier line without one comes just before the first later line
    whose counterpart follows it (or at the end)."""
    grams_a = [_pairs(line) for line in before]
    grams_b = [_pairs(line) for line in after]
    match: dict[int, int] = {}
    taken: set[int] = set()
    if before and after:
        match[0] = 0
        taken.add(0)
    scored = []
    for j in range(1, len(after)):
        for i in range(1, len(before)):
            score = likeness(grams_a[i], grams_b[j])
            if score >= LINE_MATCH:
                scored.append((-score, j, i))
    for _score, j, i in sorted(scored):
        if j not in match and i not in taken:
            match[j] = i
            taken.add(i)
    order: list[tuple[int | None, int | None]] = []
    shown = 0  # earlier lines before this one are placed
    for j in range(len(after)):
        i = match.get(j)
        if i is not None:
            for k in range(shown, i):
                if k not in taken:
                    order.append((k, None))
            shown = max(shown, i + 1)
        order.append((i, j))
    order += [(k, None) for k in range(shown, len(before)) if k not in taken]
    return order


def _alignment(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """Opcodes (``equal``, ``change``) of two clause lists by their longest common subsequence
    of normalised clauses; unchanged runs kept, each change the clauses between two of them."""
    key_a = [clause_key(c) for c in a]
    key_b = [clause_key(c) for c in b]
    n, m = len(a), len(b)
    if n * m > MAX_CLAUSES * MAX_CLAUSES:
        return [("change", 0, n, 0, m)] if n or m else []
    # suffix lengths of the longest common subsequence
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for x in range(n - 1, -1, -1):
        row, below = table[x], table[x + 1]
        for y in range(m - 1, -1, -1):
            row[y] = below[y + 1] + 1 if key_a[x] == key_b[y] else max(below[y], row[y + 1])
    codes: list[list[Any]] = []
    x = y = 0
    while x < n or y < m:
        if x < n and y < m and key_a[x] == key_b[y]:
            op, dx, dy = "equal", 1, 1
        elif y < m and (x == n or table[x][y + 1] >= table[x + 1][y]):
            op, dx, dy = "change", 0, 1
        else:
            op, dx, dy = "change", 1, 0
        if codes and codes[-1][0] == op and op == "change":
            codes[-1][2] += dx
            codes[-1][4] += dy
        else:
            codes.append([op, x, x + dx, y, y + dy])
        x, y = x + dx, y + dy
    return [tuple(c) for c in codes]  # type: ignore[misc]


_NUMBER_SPLIT = re.compile(f"({DIFF_NUMBER_PATTERN})")


def _numbers_changed(a: str, b: str) -> tuple[list[Run], list[Run], list[Run]] | None:
    """Two clauses that differ in their numbers only: each side's runs and the merged runs,
    every changed number marked whole; None when the words differ too."""
    pieces_a, pieces_b = _NUMBER_SPLIT.split(a), _NUMBER_SPLIT.split(b)
    if len(pieces_a) != len(pieces_b):
        return None
    if any(_SPACE.sub("", x) != _SPACE.sub("", y) for x, y in zip(pieces_a[::2], pieces_b[::2], strict=True)):
        return None
    left: list[Run] = []
    right: list[Run] = []
    merged: list[Run] = []
    for k, (x, y) in enumerate(zip(pieces_a, pieces_b, strict=True)):
        if k % 2 == 0 or x == y:
            left.append(Run("", x))
            right.append(Run("", y))
            merged.append(Run("", y))
        else:
            left.append(Run("del", x))
            right.append(Run("ins", y))
            merged += [Run("del", x), Run("ins", y)]
    return left, right, merged


def _joined(runs: list[Run]) -> tuple[Run, ...]:
    """Runs with neighbours of one kind joined and empty ones left out."""
    out: list[Run] = []
    for run in runs:
        if not run.text:
            continue
        if out and out[-1].kind == run.kind:
            out[-1] = Run(run.kind, out[-1].text + run.text)
        else:
            out.append(run)
    return tuple(out)


@functools.lru_cache(maxsize=8192)
def line_diff(before: str, after: str) -> tuple[tuple[Run, ...], tuple[Run, ...], tuple[Run, ...]]:
    """Two lines compared clause by clause: the earlier side's runs, the later side's, and the
    later line with the removed runs in place (cached: a pair of lines is shown on the
    comparison page and on its topic's history)."""
    a, b = clauses(before), clauses(after)
    left: list[Run] = []
    right: list[Run] = []
    merged: list[Run] = []
    for op, i1, i2, j1, j2 in _alignment(a, b):
        if op == "equal":
            for x, y in zip(a[i1:i2], b[j1:j2], strict=True):
                if x == y:
                    left.append(Run("", x))
                    right.append(Run("", y))
                    merged.append(Run("", y))
                    continue
                found = _numbers_changed(x, y)
                if found is None:  # (the same words but for white space) marked whole
                    found = [Run("del", x)], [Run("ins", y)], [Run("del", x), Run("ins", y)]
                left += found[0]
                right += found[1]
                merged += found[2]
            continue
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        left.append(Run("del", removed))
        right.append(Run("ins", added))
        merged += [Run("del", removed), Run("ins", added)]
    return _joined(left), _joined(right), _joined(merged)


@functools.lru_cache(maxsize=512)
def text_diff(before: str, after: str) -> tuple[LinePair, ...]:
    """Two texts compared line by line (:func:`pair_lines`), each pair clause by clause
    (:func:`line_diff`). Cached: a section's change against the year before is shown on the
    comparison page and on its topic's history, written one after the other."""
    lines_a, lines_b = before.split("\n"), after.split("\n")
    found = []
    for i, j in pair_lines(lines_a, lines_b):
        if i is None:
            line = lines_b[j]  # type: ignore[index]
            found.append(LinePair(i, j, (), (Run("ins", line),), (Run("ins", line),)))
        elif j is None:
            line = lines_a[i]
            found.append(LinePair(i, j, (Run("del", line),), (), (Run("del", line),)))
        else:
            found.append(LinePair(i, j, *line_diff(lines_a[i], lines_b[j])))
    return tuple(found)


def diff(before: str, after: str) -> tuple[list[Run], list[Run]]:
    """The two sides of a diff, as runs with a line break between lines (each side's lines in
    their own order)."""
    pairs = text_diff(before, after)
    sides: list[list[Run]] = []
    for side, key in (("earlier", "before"), ("later", "after")):
        rows = sorted((getattr(p, key), getattr(p, side)) for p in pairs if getattr(p, key) is not None)
        runs: list[Run] = []
        for n, (_, row) in enumerate(rows):
            if n:
                runs.append(Run("", "\n"))
            runs += row
        sides.append(runs)
    return sides[0], sides[1]


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
