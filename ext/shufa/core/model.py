"""The archive model: plain dataclasses, built once per build from data/ and shared by every plugin.

Identifiers follow the stable-link scheme (docs: 链接稳定承诺): a report is
``<county>/<kind>/<year>``, its page ``reports/<county>/<kind>/<year>``; its parts
are named by :mod:`shufa.core.parts` (``s3``, ``s3-2``, ``shortcomings``).

:meth:`Report.fields` is the one definition of a report's text fields in reading
order: the build's figure marks, the importer's round trip, text reuse, the
comparison pages and the exports all take it from there.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar, NamedTuple

from .parts import CLOSING, CLOSING_HEADINGS, NEXT_STEPS, SHORTCOMINGS
from .units import COUNTY, UNIT_NAMES, UnitType, role_in, type_of_name, unit_type

__all__ = [
    "NEXT_STEPS",
    "SHORTCOMINGS",
    "UNKNOWN_VALUES",
    "WHOLE",
    "Archive",
    "ClosingPart",
    "County",
    "Field",
    "FigureAssignment",
    "Item",
    "Kind",
    "Metric",
    "Original",
    "Part",
    "Province",
    "Report",
    "Section",
    "Topic",
]

#: The values a data file may record as ``unknown`` (dotted: the mapping, then the key).
UNKNOWN_VALUES = ("date.issued", "date.published", "source.url", "source.retrieved")

#: Data-file path of a value: ``("sections", 2, "items", 0, "text")``.
ValuePath = tuple[str | int, ...]


class Field(NamedTuple):
    """One non-empty text field of a report: the part it belongs to, its name, its text, and
    where it is in the data file.

    *anchor* is the part's id (``s3``, ``s3-2``, ``shortcomings``), ``preamble``, or
    ``report`` for the page's own lines (title, author name, signature, date line).
    *name* is the field's key in the data file (``author.name`` for the author's name).
    """

    anchor: str
    name: str
    text: str
    path: ValuePath

    @property
    def printed(self) -> bool:
        """Part of the report as printed (the author's name is metadata, shown in the header)."""
        return self.name != "author.name"


@dataclass
class Province:
    """A province of data/provinces.yaml; *partition* is the part of the national build it is
    built in (its own slug unless provinces.yaml groups it with others)."""

    slug: str
    name: str
    partition: str = ""

    def __post_init__(self) -> None:
        self.partition = self.partition or self.slug


#: The one province of an archive without data/provinces.yaml: every county is in it.
WHOLE = Province("all", "全部地区")


@dataclass
class County:
    """A reporting unit of counties.yaml: a county-level one (县, 区, 县级市, 旗 …) or a
    township-level one (街道, 镇, 乡); :mod:`shufa.core.units` says what its type means."""

    slug: str
    name: str
    #: The province as printed (江澜省); ``province_slug`` is its key in provinces.yaml.
    province: str = ""
    city: str = ""
    code: str = ""
    aliases: list[str] = field(default_factory=list)
    note: str = ""
    line: int = 0
    province_slug: str = WHOLE.slug
    #: Its unit type (a name of :data:`shufa.core.units.UNIT_TYPES`): given, or told by its name.
    type: str = ""
    #: For a township-level unit, the county-level unit it belongs to (青屿区).
    parent: str = ""

    @property
    def docname(self) -> str:
        return f"reports/{self.slug}/index"

    @property
    def unit(self) -> UnitType:
        """Its unit type (a 县 when neither given nor told by the name)."""
        return unit_type(self.type) if self.type in UNIT_NAMES else type_of_name(self.name) or COUNTY

    @property
    def place(self) -> str:
        """Its full place name: ``江澜省临川市青禾县``; ``天津市静海区`` for a district of a
        municipality (whose city, when given, is the province itself); ``云栖省栖州市青屿区鹭溪街道``."""
        named = dict.fromkeys(p for p in (self.province, self.city, self.parent) if p and p != self.name)
        return "".join(named) + self.name

    @property
    def government(self) -> str:
        """Its reporting body: ``北亭区人民政府``, ``鹭溪街道办事处``."""
        return self.unit.body(self.name)


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
    #: In a numbered closing part, the id by the part's role (``shortcomings-2`` beside ``s6-2``).
    role_anchor: str = ""
    items: list[Item] = field(default_factory=list)
    line: int = 0

    def __repr__(self) -> str:
        return f"Item({self.anchor})"

    @property
    def ids(self) -> list[str]:
        """Its anchor, its role's id in a numbered closing part, and its aliases."""
        return [self.anchor, *([self.role_anchor] if self.role_anchor else []), *self.aliases]

    def walk(self) -> Iterator[Item]:
        """This item and its nested items, depth first, in document order."""
        yield self
        for child in self.items:
            yield from child.walk()

    def fields(self, path: ValuePath) -> Iterator[Field]:
        """The item's text fields in reading order, nested items included (*path*: its own)."""
        yield from _fields(self.anchor, path, (("marker", self.marker), ("label", self.label)))
        yield from _fields(self.anchor, path, (("text", self.text),))
        yield from _item_fields(self.items, (*path, "items"))


@dataclass(repr=False)
class Part:
    """A part of a report: a numbered section (:class:`Section`) or a closing part
    (:class:`ClosingPart`, 存在的不足 or 下一步).

    Both have an anchor (``s3``; ``shortcomings``, or ``s6`` when the report numbers the part),
    the numbering and the heading as printed, an opening paragraph, items and unnumbered text.
    They differ in what a data file calls the opening paragraph (:attr:`OPENING`: a section's
    ``lead``, a closing part's ``intro``) and in where the unnumbered text is printed (after a
    section's items, before a closing part's): :attr:`ORDER` names the fields in reading order,
    ``items`` standing for the items.
    """

    OPENING: ClassVar[str]
    ORDER: ClassVar[tuple[str, ...]]

    anchor: str
    ordinal: int = 0
    marker: str = ""
    heading: str = ""
    text: str = ""
    aliases: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    line: int = 0

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.anchor})"

    @property
    def ids(self) -> list[str]:
        """Its anchor and its aliases: every id the part answers to."""
        return [self.anchor, *self.aliases]

    @property
    def opening(self) -> str:
        """The opening paragraph (a section's lead, a closing part's intro)."""
        return getattr(self, self.OPENING)

    @property
    def usual_heading(self) -> str:
        """The heading the page shows when the report prints none."""
        return ""

    def all_items(self) -> Iterator[Item]:
        for item in self.items:
            yield from item.walk()

    def fields(self, path: ValuePath) -> Iterator[Field]:
        """The part's text fields in reading order (:attr:`ORDER`), its items' included."""
        for name in self.ORDER:
            if name == "items":
                yield from _item_fields(self.items, (*path, "items"))
            else:
                yield from _fields(self.anchor, path, ((name, getattr(self, name)),))

    def texts(self) -> Iterator[str]:
        """The part's text in reading order."""
        return (f.text for f in self.fields(()))


@dataclass(repr=False)
class Section(Part):
    """A numbered section (``一、…``), on a topic of data/topics.yaml."""

    OPENING = "lead"
    ORDER = ("marker", "heading", "lead", "items", "text")

    topic: str = ""
    lead: str = ""


@dataclass(repr=False)
class ClosingPart(Part):
    """存在的不足 (*role* ``shortcomings``) or 下一步 (``next-steps``).

    A report that numbers its closing parts like sections (``三、存在的不足和原因``)
    gives the part an *ordinal*: its anchor is then the numbered one (``s3``, items
    ``s3-1``) and the role's id (``shortcomings``) is a second id of the same part.
    """

    OPENING = "intro"
    ORDER = ("marker", "heading", "intro", "text", "items")

    role: str = ""
    intro: str = ""

    @property
    def key(self) -> str:
        """The part's key under ``closing`` in a data file (``next_steps``)."""
        return next(c.key for c in CLOSING if c.anchor == self.role)

    @property
    def ids(self) -> list[str]:
        """Its anchor, the role's id when the part is numbered, and its aliases."""
        return [self.anchor, *([self.role] if self.anchor != self.role else []), *self.aliases]

    @property
    def usual_heading(self) -> str:
        return CLOSING_HEADINGS[self.role]


@dataclass(frozen=True)
class Original:
    """The original file a report's text was imported from, kept in the repository.

    *path* is relative to the data folder's parent (``sources/qinghe/shufa/2023.pdf``);
    *line* and *sha256_line* locate the mapping and its checksum in the data file."""

    path: str
    name: str
    format: str
    sha256: str
    line: int = 0
    column: int = 0
    sha256_line: int = 0
    sha256_column: int = 0
    path_line: int = 0
    path_column: int = 0


@dataclass(repr=False)
class Report:
    county: str
    kind: str
    year: int
    title: str
    sections: list[Section]
    path: str = ""
    subtitle: str = ""
    occasion: str = ""
    delivered: str = ""
    original: Original | None = None
    author_role: str = ""
    author_name: str = ""
    organization: str = ""
    issued: str = ""
    published: str = ""
    #: The address of the published copy; ``""`` when it has none (not online) or none is known.
    source_url: str = ""
    #: The day the copy was obtained; ``""`` when unknown or not given.
    retrieved: str = ""
    source_note: str = ""
    #: How a copy that was not taken from a web page was obtained (依申请公开, 纸质文本 …).
    obtained: str = ""
    #: The day the report entered the archive (``""``: not recorded yet).
    added: str = ""
    #: The values the data records as unknown (:data:`UNKNOWN_VALUES`): ``date.published`` …
    unknown: frozenset[str] = frozenset()
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
    def online(self) -> bool:
        """Whether the report has an online address (it is then cited as ``[R/OL]``)."""
        return bool(self.source_url)

    def is_unknown(self, value: str) -> bool:
        """Whether the data records *value* (``date.published``) as unknown."""
        return value in self.unknown

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

    @property
    def parts(self) -> list[Part]:
        """Its sections, then its closing parts: the parts in printed order."""
        return [*self.sections, *self.closing_parts]

    def anchors(self) -> Iterator[tuple[str, Part | Item]]:
        """Every anchor of the report's parts (ids and aliases) with the part it names."""
        for part in self.parts:
            for anchor in part.ids:
                yield anchor, part
            for item in part.all_items():
                for anchor in item.ids:
                    yield anchor, item

    def fields(self) -> Iterator[Field]:
        """Every non-empty text field of the report in reading order, title to date line.

        The order a reader meets the text: title, subtitle (and the author's name, printed in
        the header), preamble; each section's marker, heading, lead, its items (marker, label,
        text, then nested items, depth first) and closing text; each closing part's marker,
        heading, intro, text and items; the signature and the date line. (Worked out once: the
        model does not change once built, and pages, figures, reuse and exports all ask.)
        """
        return iter(self._fields)

    @functools.cached_property
    def _fields(self) -> tuple[Field, ...]:
        return tuple(self._walk_fields())

    def _walk_fields(self) -> Iterator[Field]:
        yield from _fields(
            "report",
            (),
            (("title", self.title), ("subtitle", self.subtitle), ("author.name", self.author_name)),
        )
        yield from _fields("preamble", (), (("preamble", self.preamble),))
        for i, section in enumerate(self.sections):
            yield from section.fields(("sections", i))
        for part in self.closing_parts:
            yield from part.fields(("closing", part.key))
        closing = (("signature", self.signature), ("date_line", self.date_line))
        yield from (
            Field(f.anchor, f.name, f.text, ("closing", f.name)) for f in _fields("report", (), closing)
        )

    def texts(self) -> Iterator[str]:
        """The report as printed, field by field (title to date line)."""
        return (f.text for f in self.fields() if f.printed)

    def section_for_topic(self, topic: str) -> Section | None:
        return next((s for s in self.sections if s.topic == topic), None)


def _fields(anchor: str, path: ValuePath, named: tuple[tuple[str, str], ...]) -> Iterator[Field]:
    for name, text in named:
        if text:
            yield Field(anchor, name, text, (*path, *name.split(".")))


def _item_fields(items: list[Item], path: ValuePath) -> Iterator[Field]:
    for i, item in enumerate(items):
        yield from item.fields((*path, i))


@dataclass(repr=False)
class Archive:
    """Everything in data/: counties, kinds, topics and the reports that loaded cleanly."""

    counties: dict[str, County]
    kinds: dict[str, Kind]
    topics: dict[str, Topic]
    reports: dict[str, Report]
    metrics: dict[str, Metric] = field(default_factory=dict)
    provinces: dict[str, Province] = field(default_factory=lambda: {WHOLE.slug: WHOLE})

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
        self._in_province: dict[str, list[County]] = {}
        for county in self.counties.values():
            self._in_province.setdefault(county.province_slug, []).append(county)

    def counties_in(self, province: str) -> list[County]:
        """The counties of a province (slug), in the order of counties.yaml."""
        return list(self._in_province.get(province, []))

    def province_of(self, county: str) -> Province:
        return self.provinces[self.counties[county].province_slug]

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

    def author_role(self, report: Report) -> str:
        """Who reports: the data's role, else the kind's default author as it is called in the
        report's unit (``区人民政府`` for a 区 where kinds.yaml says ``县人民政府``)."""
        if report.author_role:
            return report.author_role
        default = self.kinds[report.kind].author
        county = self.counties.get(report.county)
        return role_in(default, county.unit) if default and county is not None else default
