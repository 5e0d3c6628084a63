"""What the pages across partitions need to know of the reports: a summary, no report text.

Each partition of a national build writes the summary of its reports (a JSON file,
:func:`summarize` → :func:`dump`); the hub merges them (:func:`load`) and draws the home
page, the listings and indices across provinces, the site-wide inventory and the
index of archive.json from the merged :class:`Summary`. A build of the whole archive
in one run draws the same pages from the summary of its own archive, so both ways
give the same pages. The summary of a report is its key, title, dates, the opening of
its preamble and its parts (anchor, ids, marker, heading, topic); metrics are the
years each county reports a value in.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .metricseries import series
from .model import Archive

#: Bump when the summary's shape changes (a hub refuses summaries of another version).
VERSION = 2
#: Characters of the preamble kept at most (for descriptions and feeds).
EXCERPT = 120
#: Where a sentence (or a clause that may end an excerpt) ends.
_SENTENCE_END = "。！？；!?;"


@dataclass(frozen=True)
class PartStub:
    """A section or closing part: its anchor, every id it answers to, marker, heading, topic
    (``""`` for a closing part)."""

    anchor: str
    ids: tuple[str, ...]
    marker: str
    heading: str
    topic: str


@dataclass(frozen=True)
class ReportStub:
    key: str
    title: str
    issued: str
    published: str
    excerpt: str
    parts: tuple[PartStub, ...]
    #: The day the report entered the archive (``""``: not recorded).
    added: str = ""

    @property
    def county(self) -> str:
        return self.key.split("/")[0]

    @property
    def kind(self) -> str:
        return self.key.split("/")[1]

    @property
    def year(self) -> int:
        return int(self.key.split("/")[2])

    @property
    def docname(self) -> str:
        return f"reports/{self.key}"


@dataclass
class Summary:
    """The reports of one or more partitions, and the years each county-kind reports each metric."""

    reports: dict[str, ReportStub] = field(default_factory=dict)
    #: metric → ``county/kind`` → years with a value
    metric_years: dict[str, dict[str, list[int]]] = field(default_factory=dict)

    #: county → its reports in the order of the summary; made on first use, made again when
    #: reports were added (a listing asks for one county at a time: without it, a province's
    #: topic page read the whole summary once per county)
    _by_county: dict[str, list[ReportStub]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _indexed: int = field(default=-1, init=False, repr=False, compare=False)

    def merge(self, other: Summary) -> None:
        self.reports.update(other.reports)
        self._indexed = -1
        for metric, counties in other.metric_years.items():
            self.metric_years.setdefault(metric, {}).update(counties)

    def years(self) -> list[int]:
        return sorted({r.year for r in self.reports.values()})

    def of_counties(self, counties: Iterable[str]) -> Iterator[ReportStub]:
        """The reports of *counties*, in the order of the summary (county, kind, year)."""
        if self._indexed != len(self.reports):
            self._by_county = {}
            for report in self.reports.values():
                self._by_county.setdefault(report.county, []).append(report)
            self._indexed = len(self.reports)
        wanted = set(counties)
        return (r for county, reports in self._by_county.items() if county in wanted for r in reports)

    def count(self, key: Any, reports: Iterable[ReportStub] | None = None) -> Counter:
        """How many reports fall under each value of ``key(report)``."""
        return Counter(key(r) for r in (self.reports.values() if reports is None else reports))


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """*text* on one line, at most *limit* characters: whole, or up to the end of its last
    sentence (clause ending in ；) that fits when that keeps at least half, else cut with ``…``."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit]
    end = max(head.rfind(mark) for mark in _SENTENCE_END)
    if end + 1 >= limit // 2:
        return head[: end + 1]
    return text[: limit - 1].rstrip() + "…"


def summarize(archive: Archive, counties: Iterable[str] | None = None) -> Summary:
    """The summary of *archive*'s reports (of *counties* only, when given)."""
    wanted = set(archive.counties if counties is None else counties)
    found = Summary()
    for slug in archive.counties:
        if slug not in wanted:
            continue
        for kind in archive.kinds:
            reports = archive.reports_of(slug, kind)
            for report in reports:
                parts = [
                    PartStub(s.anchor, tuple(s.ids), s.marker, s.heading, s.topic) for s in report.sections
                ]
                parts += [
                    PartStub(p.anchor, tuple(p.ids), p.marker, p.heading, "") for p in report.closing_parts
                ]
                found.reports[report.key] = ReportStub(
                    report.key,
                    report.title,
                    report.issued,
                    report.published,
                    excerpt(report.preamble),
                    tuple(parts),
                    report.added,
                )
            for metric, values in series(archive, reports).items():
                years = sorted(year for year, value in values.items() if value is not None)
                found.metric_years.setdefault(metric, {})[f"{slug}/{kind}"] = years
    return found


def dump(summary: Summary) -> str:
    """*summary* as JSON text."""
    reports = [
        [
            r.key,
            r.title,
            r.issued,
            r.published,
            r.excerpt,
            [list(p.__dict__.values()) for p in r.parts],
            r.added,
        ]
        for r in summary.reports.values()
    ]
    return json.dumps(
        {"version": VERSION, "reports": reports, "metric_years": summary.metric_years},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def load(text: str) -> Summary:
    """The summary :func:`dump` wrote; ValueError for another version or a broken file."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise ValueError(f"summary of version {data.get('version') if isinstance(data, dict) else '?'}")
    found = Summary(metric_years=data["metric_years"])
    for key, title, issued, published, opening, parts, added in data["reports"]:
        stubs = tuple(PartStub(a, tuple(ids), m, h, t) for a, ids, m, h, t in parts)
        found.reports[key] = ReportStub(key, title, issued, published, opening, stubs, added)
    return found
