"""Figures as metrics: each figure of a report assigned to a metric of data/metrics.yaml, and
the series of a metric across a county's years (with a small SVG chart).

Figures are found by :func:`shufa.core.figures.find_figures` and assigned to a
metric when one of the metric's phrases stands in the same clause (the nearest
one before the figure, else right after it) and the figure's unit is one of the
metric's units; a report's own ``figures:`` list wins. Each figure gets an id,
``f-<metric>`` (``f-<metric>-2`` for the second of a report) or ``f-<n>`` for
figures no metric claims. A metric hidden in the published copy (会前学法*次) is
recorded as redacted and shown as a gap, never guessed.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass

from .figures import Figure, find_figures, marked_fields
from .model import Archive, Metric, Report
from .redaction import find_redactions

#: Where a clause ends: a metric phrase and its figure stand between two of these.
_CLAUSE_END = re.compile(r"[，。；：！？,;:!?\n（）()]")

_AT_LEAST = ("余", "多", "以上", "超过", "逾", "过", "多于")
_ABOUT = ("近", "约", "左右", "大约", "将近", "上下")
_BELOW = ("不足", "以下", "不到", "少于")


@dataclass(frozen=True)
class PlacedFigure:
    """A figure of a report: where it is, what it measures, and its element id."""

    anchor: str
    field: str
    figure: Figure
    metric: str | None
    id: str


def qualifier_words(qualifier: str) -> str:
    """余/以上 → 至少, 近/约 → 约, 不足 → 不到 (as readers should take the number)."""
    if not qualifier:
        return ""
    if any(q in qualifier for q in _AT_LEAST):
        return "至少"
    if any(q in qualifier for q in _ABOUT):
        return "约"
    if any(q in qualifier for q in _BELOW):
        return "不到"
    return qualifier


def format_value(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.4f}".rstrip("0").rstrip(".")


def spoken(figure: Figure) -> str:
    """至少160场, 98.6%, 约200人次."""
    return f"{qualifier_words(figure.qualifier)}{format_value(figure.value)}{figure.unit}"


class Clauses:
    """The clause boundaries of one text and the positions of phrases in it, found once.

    Each question about a figure (the clause before it, the words right after it, the
    last phrase of a metric in its clause) is then a binary search, so a text with many
    figures costs about its length, not its length times its figures (a 239,000-character
    preamble took 48 s when each figure searched from the start of the paragraph).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        #: Positions of the characters that end a clause, in order.
        self.ends = [m.start() for m in _CLAUSE_END.finditer(text)]
        self._found: dict[str, list[int]] = {}

    def start_before(self, at: int) -> int:
        """Where the clause that *at* is in (or ends at) begins."""
        i = bisect_left(self.ends, at)
        return self.ends[i - 1] + 1 if i else 0

    def end_after(self, at: int) -> int:
        """The first clause end at or after *at* (the text's end if none)."""
        i = bisect_left(self.ends, at)
        return self.ends[i] if i < len(self.ends) else len(self.text)

    def after(self, at: int, length: int) -> str:
        """Up to *length* characters from *at* on, within the clause."""
        return self.text[at : min(self.end_after(at), at + length)]

    def _positions(self, phrase: str) -> list[int]:
        found = self._found.get(phrase)
        if found is None:
            found = []
            at = self.text.find(phrase)
            while at >= 0:  # overlapping occurrences too, as rfind sees them
                found.append(at)
                at = self.text.find(phrase, at + 1)
            self._found[phrase] = found
        return found

    def phrase_end_before(self, phrase: str, at: int) -> int | None:
        """The end of the last *phrase* that lies whole in the clause before *at*, or None."""
        positions = self._positions(phrase)
        i = bisect_right(positions, at - len(phrase)) - 1
        if i >= 0 and positions[i] >= self.start_before(at):
            return positions[i] + len(phrase)
        return None


#: How far after a figure a phrase may start and still name it (``46件行政复议案件``).
_AFTER = 4


def assign_metric(
    metrics: dict[str, Metric], text: str, start: int, end: int, unit: str, clauses: Clauses | None = None
) -> str | None:
    """The metric a figure at ``text[start:end]`` with *unit* measures, by phrase and unit.

    The nearest phrase before the figure in its clause wins; else a phrase right after it.
    *clauses* is the text's :class:`Clauses` when several figures of one text are assigned.
    """
    clauses = clauses if clauses is not None and clauses.text is text else Clauses(text)
    best: tuple[int, str] | None = None
    for metric in metrics.values():
        if unit not in metric.units:
            continue
        for phrase in metric.phrases:
            found = clauses.phrase_end_before(phrase, start)
            if found is not None and (best is None or found > best[0]):
                best = (found, metric.key)
    if best is not None:
        return best[1]
    for metric in metrics.values():
        if unit in metric.units:
            after = clauses.after(end, max(_AFTER, *(len(p) for p in metric.phrases)))
            if any(after.startswith(p) or after[:_AFTER].find(p) >= 0 for p in metric.phrases):
                return metric.key
    return None


_CACHE: dict[str, tuple[Report, Archive, list[PlacedFigure], set[str]]] = {}

#: Across builds (the environment's ``shufa_report_figures``, set at builder-inited):
#: report key → (digest of its text, figure assignments and the metrics vocabulary,
#: its figures, its redacted metrics). The metric index needs every report's figures;
#: after an edit only the edited report's are worked out again.
STORED: dict[str, tuple[bytes, list[PlacedFigure], set[str]]] = {}
_VOCABULARY: dict[int, tuple[Archive, bytes]] = {}


def use_store(store: dict[str, tuple[bytes, list[PlacedFigure], set[str]]]) -> None:
    """Keep the reports' worked-out figures in *store* from now on (the build's environment)."""
    global STORED
    STORED = store


def _stamp(archive: Archive, report: Report) -> bytes:
    known = _VOCABULARY.get(id(archive))
    if known is None or known[0] is not archive:
        metrics = [(m.key, m.label, m.units, m.phrases) for m in archive.metrics.values()]
        known = (archive, repr(metrics).encode("utf-8"))
        _VOCABULARY.clear()
        _VOCABULARY[id(archive)] = known
    digest = hashlib.blake2b(known[1], digest_size=16)
    digest.update(repr([(a.at, a.text, a.metric) for a in report.figure_assignments]).encode("utf-8"))
    for anchor, field, text, _path in marked_fields(report):
        digest.update(f"\x00{anchor}\x00{field}\x00{text}".encode())
    return digest.digest()


def report_figures(archive: Archive, report: Report) -> tuple[list[PlacedFigure], set[str]]:
    """Every figure of *report* with its metric and id, and the metrics hidden by redaction.

    Computed once per report object (the model is built anew for every build and never
    changed while it runs, so identity is a safe key), and kept across builds while the
    report's text, figure assignments and the metrics vocabulary stay the same."""
    hit = _CACHE.get(report.key)
    if hit is not None and hit[0] is report and hit[1] is archive:
        return hit[2], hit[3]
    stamp = _stamp(archive, report)
    stored = STORED.get(report.key)
    if stored is not None and stored[0] == stamp:
        placed, redacted = stored[1], stored[2]
    else:
        placed, redacted = _work_out_figures(archive, report)
        STORED[report.key] = (stamp, placed, redacted)
    _CACHE[report.key] = (report, archive, placed, redacted)
    return placed, redacted


def _work_out_figures(archive: Archive, report: Report) -> tuple[list[PlacedFigure], set[str]]:
    assigned = {(a.at, a.text): a.metric for a in report.figure_assignments}
    used: set[tuple[str, str]] = set()
    counts: Counter[str] = Counter()
    placed: list[PlacedFigure] = []
    redacted: set[str] = set()
    unassigned = 0
    for anchor, field, text, _path in marked_fields(report):
        clauses = Clauses(text)
        for figure in find_figures(text):
            key = (anchor, figure.text)
            if key in assigned and key not in used:
                used.add(key)
                metric = assigned[key]
            else:
                metric = assign_metric(archive.metrics, text, figure.start, figure.end, figure.unit, clauses)
            if metric is not None:
                counts[metric] += 1
                ident = f"f-{metric}" if counts[metric] == 1 else f"f-{metric}-{counts[metric]}"
            else:
                unassigned += 1
                ident = f"f-{unassigned}"
            placed.append(PlacedFigure(anchor, field, figure, metric, ident))
        for start, end, _mark in find_redactions(text):
            for metric in archive.metrics.values():
                following = clauses.after(end, max(len(u) for u in metric.units))
                if any(following.startswith(u) for u in metric.units) and any(
                    clauses.phrase_end_before(p, start) is not None for p in metric.phrases
                ):
                    redacted.add(metric.key)
    return placed, redacted


# --- series ---------------------------------------------------------------------------------


def series(archive: Archive, reports: list[Report]) -> dict[str, dict[int, PlacedFigure | None]]:
    """Metric → year → its first figure in that year's report (None: hidden by redaction)."""
    out: dict[str, dict[int, PlacedFigure | None]] = {}
    for report in reports:
        placed, redacted = report_figures(archive, report)
        for metric in redacted:
            out.setdefault(metric, {})[report.year] = None
        for p in placed:
            if p.metric and (report.year not in out.get(p.metric, {}) or out[p.metric][report.year] is None):
                out.setdefault(p.metric, {})[report.year] = p
    order = list(archive.metrics)
    return {m: out[m] for m in sorted(out, key=order.index)}


def chart(metric: Metric, years: list[int], values: dict[int, PlacedFigure | None]) -> str:
    """A small line chart as SVG text (built with ElementTree: well-formed, escaped)."""
    width, height, pad = 132, 40, 6
    known = [(y, p.figure.value) for y, p in values.items() if p is not None]
    low = min((v for _, v in known), default=0.0)
    high = max((v for _, v in known), default=1.0)
    span = (high - low) or 1.0

    def x(year: int) -> float:
        return pad + (width - 2 * pad) * (years.index(year) / max(len(years) - 1, 1))

    def y(value: float) -> float:
        return height - pad - (height - 2 * pad) * ((value - low) / span if high != low else 0.5)

    words = "；".join(
        f"{year}年{'未报告' if year not in values else '原文隐去' if values[year] is None else spoken(values[year].figure)}"
        for year in years
    )
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "class": "metric-chart",
            "width": str(width),
            "height": str(height),
            "viewBox": f"0 0 {width} {height}",
            "role": "img",
        },
    )
    ET.SubElement(svg, "title").text = f"{metric.label}：{words}"
    run: list[str] = []
    for year in [*years, None]:
        point = values.get(year) if year is not None else None
        if point is None:
            if len(run) > 1:
                ET.SubElement(
                    svg, "polyline", {"points": " ".join(run), "class": "metric-line", "fill": "none"}
                )
            run = []
            continue
        run.append(f"{x(year):.1f},{y(point.figure.value):.1f}")
    for year in years:
        if year not in values:
            continue
        point = values[year]
        if point is None:
            ET.SubElement(
                svg,
                "line",
                {
                    "x1": f"{x(year):.1f}",
                    "x2": f"{x(year):.1f}",
                    "y1": str(pad),
                    "y2": str(height - pad),
                    "class": "metric-gap",
                },
            )
            continue
        hollow = bool(qualifier_words(point.figure.qualifier))
        ET.SubElement(
            svg,
            "circle",
            {
                "cx": f"{x(year):.1f}",
                "cy": f"{y(point.figure.value):.1f}",
                "r": "3",
                "class": "metric-point qualified" if hollow else "metric-point",
            },
        )
    return ET.tostring(svg, encoding="unicode")
