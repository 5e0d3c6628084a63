"""A county's reports of one kind as a series: its pages, its newest year, each topic over the years.

The pages of a series, all under ``reports/<county>/<kind>/`` (so the run that writes
the county writes them):

- ``index`` — the years, with the ways in below (:func:`years_page`);
- ``latest`` — leads to the newest year, keeping the ``#fragment`` (:func:`latest_page`):
  a topic's key (``#law-enforcement``) leads to the newest year's section on that topic,
  whatever its number there; any other fragment (``#s3-2``) is kept as it is;
- ``compare`` — any two years, or the same year of two counties, set side by side in the
  browser from the reports' reading files (:func:`compare_page`);
- ``topics/<topic>`` — a topic's history (:func:`history_page`): its section in every year,
  oldest first, each shown whole with its changes against the year before (line by line,
  clause by clause: :func:`~shufa.core.reuse.text_diff`) and its reuse rate, and the
  series of the metrics its sections report (:func:`topic_history`, :func:`topic_metrics`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .metricseries import PlacedFigure, report_figures
from .model import Archive, Report, Section
from .reuse import LinePair, baseline, printed_lines, text_diff


def series_folder(county: str, kind: str) -> str:
    return f"reports/{county}/{kind}"


def years_page(county: str, kind: str) -> str:
    """``reports/<county>/<kind>/index``: the years of a series."""
    return f"{series_folder(county, kind)}/index"


def latest_page(county: str, kind: str) -> str:
    """``reports/<county>/<kind>/latest``: the newest year, whichever it is."""
    return f"{series_folder(county, kind)}/latest"


def compare_page(county: str, kind: str) -> str:
    """``reports/<county>/<kind>/compare``: any two years (``?from=2021&to=2024``)."""
    return f"{series_folder(county, kind)}/compare"


def history_page(county: str, kind: str, topic: str) -> str:
    """``reports/<county>/<kind>/topics/<topic>``: one topic through the years."""
    return f"{series_folder(county, kind)}/topics/{topic}"


def year_id(year: int) -> str:
    """The id of a year's part of a topic history (``y2023``)."""
    return f"y{year}"


def section_topics(report: Report) -> dict[str, str]:
    """Anchor → topic of every section; the closing parts are their own "topics" (their role),
    under each of their ids (``s3`` and ``shortcomings`` when the part is numbered)."""
    mapping = {s.anchor: s.topic for s in report.sections}
    mapping.update({anchor: p.role for p in report.closing_parts for anchor in (p.anchor, p.role)})
    return mapping


def topic_anchors(report: Report) -> dict[str, str]:
    """Topic → anchor of the first section with that topic (closing parts included, by role)."""
    mapping: dict[str, str] = {}
    for anchor, topic in section_topics(report).items():
        mapping.setdefault(topic, anchor)
    return mapping


def series_topics(reports: list[Report]) -> list[str]:
    """The topics of a series' sections, in the order first met (oldest year first)."""
    return list(dict.fromkeys(s.topic for r in reports for s in r.sections))


@dataclass
class TopicYear:
    """One year of a topic's history: the year's section on the topic (None: the report has
    none), and, against the report of the year before, its changes and reuse rate."""

    report: Report
    section: Section | None
    #: the report of the year before in the series (None for the first)
    previous: Report | None
    #: the previous report's section on the topic (None: it has none)
    previous_section: Section | None
    #: the section as printed, a line per heading, paragraph and item (empty: no section)
    lines: list[str]
    #: its lines paired with the previous section's, changes marked (empty: nothing to compare)
    changes: tuple[LinePair, ...]
    #: how much of the section repeats the whole previous report (None: no previous report)
    rate: float | None


def topic_history(reports: list[Report], topic: str) -> list[TopicYear]:
    """Every year of the series (*reports*, oldest first) with its section on *topic*."""
    found = []
    previous: Report | None = None
    for report in reports:
        section = report.section_for_topic(topic)
        before = previous.section_for_topic(topic) if previous is not None else None
        lines: list[str] = []
        changes: tuple[LinePair, ...] = ()
        rate = None
        if section is not None:
            printed = printed_lines(section)
            lines = printed.split("\n")
            if before is not None:
                changes = text_diff(printed_lines(before), printed)
            if previous is not None:
                rate = baseline(previous).reuse("\n".join(section.texts()))
        found.append(TopicYear(report, section, previous, before, lines, changes, rate))
        previous = report
    return found


def in_part(anchor: str, part: str) -> bool:
    """Whether *anchor* is part *part* or one of its items (``s3``, ``s3-2``, ``s3-2-1``)."""
    return anchor == part or anchor.startswith(f"{part}-")


def topic_metrics(archive: Archive, reports: list[Report], topic: str) -> dict[str, dict[int, PlacedFigure]]:
    """Metric → year → the first figure of that metric in the year's section on *topic*
    (metrics in the order of metrics.yaml; only figures some metric claims)."""
    found: dict[str, dict[int, PlacedFigure]] = {}
    for report in reports:
        section = report.section_for_topic(topic)
        if section is None:
            continue
        placed, _redacted = report_figures(archive, report)
        for figure in placed:
            if figure.metric and in_part(figure.anchor, section.anchor):
                found.setdefault(figure.metric, {}).setdefault(report.year, figure)
    order = list(archive.metrics)
    return {m: found[m] for m in sorted(found, key=order.index)}
