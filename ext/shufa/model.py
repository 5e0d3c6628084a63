"""The archive model: plain dataclasses, built once per build from data/ and shared by every plugin.

Identifiers follow the stable-link scheme of DESIGN.md: a report is
``<county>/<kind>/<year>``, its page ``reports/<county>/<kind>/<year>``, section
三 is anchor ``s3``, its second item ``s3-2``, the closing parts
``shortcomings`` and ``next-steps``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

SHORTCOMINGS = "shortcomings"
NEXT_STEPS = "next-steps"


@dataclass
class County:
    slug: str
    name: str
    province: str = ""
    city: str = ""
    code: str = ""
    aliases: list[str] = field(default_factory=list)
    note: str = ""
    line: int = 0

    @property
    def docname(self) -> str:
        return f"reports/{self.slug}/index"


@dataclass
class Kind:
    slug: str
    name: str
    label: str = ""
    author: str = ""


@dataclass
class Topic:
    key: str
    label: str
    keywords: list[str] = field(default_factory=list)


@dataclass
class Metric:
    """What a figure measures (出庭应诉率); figures are assigned by phrase and unit."""

    key: str
    label: str
    units: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)


@dataclass
class FigureAssignment:
    """A report's own statement of which metric a printed figure measures (None: no metric)."""

    at: str
    text: str
    metric: str | None
    line: int = 0


@dataclass(repr=False)
class Item:
    """A numbered item; ``anchor`` is derived from its parent's anchor and its ordinal."""

    anchor: str
    ordinal: int
    marker: str
    text: str
    label: str = ""
    topic: str = ""
    aliases: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    line: int = 0

    def __repr__(self) -> str:
        return f"Item({self.anchor})"

    def walk(self) -> Iterator[Item]:
        """This item and its nested items, depth first, in document order."""
        yield self
        for child in self.items:
            yield from child.walk()

    def texts(self) -> Iterator[str]:
        """The item's text fields in printed order, nested items included."""
        for item in self.walk():
            yield from (t for t in (item.marker, item.label, item.text) if t)


@dataclass(repr=False)
class Section:
    anchor: str
    ordinal: int
    marker: str
    heading: str
    topic: str
    lead: str = ""
    text: str = ""
    aliases: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    line: int = 0

    def __repr__(self) -> str:
        return f"Section({self.anchor})"

    def all_items(self) -> Iterator[Item]:
        for item in self.items:
            yield from item.walk()

    def texts(self) -> Iterator[str]:
        """The section's text fields in printed order."""
        yield from (t for t in (self.marker, self.heading, self.lead) if t)
        for item in self.items:
            yield from item.texts()
        if self.text:
            yield self.text


@dataclass(repr=False)
class ClosingPart:
    """存在的不足 (``shortcomings``) or 下一步 (``next-steps``)."""

    anchor: str
    marker: str = ""
    heading: str = ""
    intro: str = ""
    text: str = ""
    aliases: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    line: int = 0

    def all_items(self) -> Iterator[Item]:
        for item in self.items:
            yield from item.walk()

    def __repr__(self) -> str:
        return f"ClosingPart({self.anchor})"

    def texts(self) -> Iterator[str]:
        yield from (t for t in (self.marker, self.heading, self.intro, self.text) if t)
        for item in self.items:
            yield from item.texts()


@dataclass(repr=False)
class Report:
    county: str
    kind: str
    year: int
    title: str
    sections: list[Section]
    path: str = ""
    author_role: str = ""
    author_name: str = ""
    organization: str = ""
    issued: str = ""
    published: str = ""
    source_url: str = ""
    retrieved: str = ""
    source_note: str = ""
    preamble: str = ""
    shortcomings: ClosingPart | None = None
    next_steps: ClosingPart | None = None
    signature: str = ""
    date_line: str = ""
    notes: str = ""
    figure_assignments: list[FigureAssignment] = field(default_factory=list)

    def __repr__(self) -> str:
        # short on purpose: Sphinx logs repr() of every event argument, and reports are passed
        # to events thousands of times per build
        return f"Report({self.key})"

    @property
    def key(self) -> str:
        """Domain target name and stable identifier: ``qinghe/shufa/2023``."""
        return f"{self.county}/{self.kind}/{self.year}"

    @property
    def docname(self) -> str:
        return f"reports/{self.county}/{self.kind}/{self.year}"

    @property
    def closing_parts(self) -> list[ClosingPart]:
        return [p for p in (self.shortcomings, self.next_steps) if p is not None]

    def anchors(self) -> Iterator[tuple[str, Section | Item | ClosingPart]]:
        """Every anchor of the report's parts (ids and aliases) with the part it names."""
        for section in self.sections:
            for anchor in (section.anchor, *section.aliases):
                yield anchor, section
            for item in section.all_items():
                for anchor in (item.anchor, *item.aliases):
                    yield anchor, item
        for part in self.closing_parts:
            for anchor in (part.anchor, *part.aliases):
                yield anchor, part
            for item in part.all_items():
                for anchor in (item.anchor, *item.aliases):
                    yield anchor, item

    def texts(self) -> Iterator[str]:
        """Every text field of the report in printed order (title to date line)."""
        yield self.title
        if self.preamble:
            yield self.preamble
        for section in self.sections:
            yield from section.texts()
        for part in self.closing_parts:
            yield from part.texts()
        yield from (t for t in (self.signature, self.date_line) if t)

    def section_for_topic(self, topic: str) -> Section | None:
        return next((s for s in self.sections if s.topic == topic), None)


@dataclass(repr=False)
class Archive:
    """Everything in data/: counties, kinds, topics and the reports that loaded cleanly."""

    counties: dict[str, County]
    kinds: dict[str, Kind]
    topics: dict[str, Topic]
    reports: dict[str, Report]
    metrics: dict[str, Metric] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Archive({len(self.counties)} counties, {len(self.reports)} reports)"

    def __post_init__(self) -> None:
        # Indexes built once, so that a county or year page costs what it lists, not the archive.
        county_rank = {slug: i for i, slug in enumerate(self.counties)}
        kind_rank = {slug: i for i, slug in enumerate(self.kinds)}
        ordered = sorted(
            self.reports.values(),
            key=lambda r: (county_rank.get(r.county, -1), kind_rank.get(r.kind, -1), r.year),
        )
        self._by_county: dict[str, list[Report]] = {}
        self._by_year: dict[int, list[Report]] = {}
        for report in ordered:
            self._by_county.setdefault(report.county, []).append(report)
            self._by_year.setdefault(report.year, []).append(report)

    def reports_of(self, county: str, kind: str | None = None) -> list[Report]:
        """A county's reports (of one kind), by kind order then year."""
        found = self._by_county.get(county, [])
        return [r for r in found if kind is None or r.kind == kind]

    def years(self) -> list[int]:
        return sorted(self._by_year)

    def reports_in_year(self, year: int) -> list[Report]:
        """The reports covering *year*, by county then kind."""
        return list(self._by_year.get(year, []))

    def report_title(self, report: Report) -> str:
        """The archive's short name of a report: 青禾县2023年述法报告."""
        county = self.counties[report.county].name
        return f"{county}{report.year}年{self.kinds[report.kind].name}"
