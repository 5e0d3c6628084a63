"""Readable Chinese names for reports and their parts (青禾县2023年述法报告 第三部分第二项), and the
name a report is shown by (:func:`display_title`: its title, with its county when the title lacks it)."""

from __future__ import annotations

from typing import Protocol

from .model import Archive, County, Report
from .numerals import chinese_number
from .parts import CLOSING_HEADINGS, split_anchor

#: How a value recorded as unknown is shown (a date, the address of the copy).
UNKNOWN_SHOWN = "不详"


class Titled(Protocol):
    """A report or a report's summary (:class:`~shufa.core.summary.ReportStub`): its county and title."""

    @property
    def county(self) -> str: ...

    @property
    def title(self) -> str: ...


def names_county(title: str, county: County) -> bool:
    """Whether *title* names *county*: its name, or its name without its unit type's ending
    (青禾县 → 青禾, two characters at least)."""
    if county.name in title:
        return True
    short = county.name.removesuffix(county.unit.ending)
    return len(short) >= 2 and short in title


def missing_county(archive: Archive, report: Titled) -> str:
    """The county's name when the report's title as published does not name it (``2023年县长个人
    述法报告``), else ``""``: what a page adds to the title so that the report is named with its county."""
    county = archive.counties.get(report.county)
    return "" if county is None or names_county(report.title, county) else county.name


def display_title(archive: Archive, report: Titled) -> str:
    """A report's name wherever it is shown (the page's heading and ``<title>``, search hits,
    listings, feeds): the title as published, the county's name before it when the title lacks it
    (青禾县2023年县长个人述法报告). Citations keep the title as published."""
    return missing_county(archive, report) + report.title


def report_name(archive: Archive, report: Report) -> str:
    """青禾县2023年述法报告."""
    return archive.report_title(report)


def year_span(years: list[int]) -> str:
    """The years a list covers, as Chinese prints them: ``2023年`` for one year, ``2021—2024年``
    for several (*years* in order); ``""`` for none."""
    if not years:
        return ""
    first, last = years[0], years[-1]
    return f"{first}年" if first == last else f"{first}—{last}年"


def part_name(anchor: str) -> str:
    """The name of the part an anchor points at, within its report.

    ``s3`` → 第三部分, ``s3-2`` → 第三部分第二项, ``s3-2-1`` → 第三部分第二项第一小项,
    ``shortcomings-2`` → 存在的不足第二项; an id outside the scheme (an alias) is named as it is.
    """
    found = split_anchor(anchor)
    if found is None:
        return anchor
    head, numbers = found
    if head in CLOSING_HEADINGS:
        return CLOSING_HEADINGS[head] + _item_names(numbers)
    return f"第{chinese_number(numbers[0])}部分" + _item_names(numbers[1:])


def _item_names(numbers: list[int]) -> str:
    return "".join(
        f"第{chinese_number(n)}{'项' if depth == 0 else '小项'}" for depth, n in enumerate(numbers)
    )


def part_label(archive: Archive, report: Report, anchor: str) -> str:
    """青禾县2023年述法报告 第三部分第二项."""
    return f"{report_name(archive, report)} {part_name(anchor)}"


#: Between a part's cited name and an item's place in it (``三、…提升 第二项``).
ITEM_NAME_JOIN = " "


def cited_name_parts(report: Report) -> dict[str, tuple[str, str]]:
    """Every anchor of *report* → how a citation names the part: ``("", name)`` for a section or
    closing part, ``(its part's anchor, its place)`` for an item, whose name is its part's
    name, :data:`ITEM_NAME_JOIN`, then its place (``第二项``, ``第二项第一小项``); see
    :func:`cited_names`. Aliases name the same part."""
    names: dict[str, tuple[str, str]] = {}
    for part in report.parts:
        heading = part.heading or CLOSING_HEADINGS.get(getattr(part, "role", ""), "")
        name = f"{part.marker}{heading}".strip() or part_name(part.anchor)
        for anchor in part.ids:
            names[anchor] = ("", name)
        for item in part.all_items():
            suffix = _item_names(_numbers_in_part(item.anchor))
            for anchor in item.ids:
                names[anchor] = (part.anchor, suffix) if suffix else ("", name)
    return names


def part_headings(report: Report) -> dict[str, str]:
    """Every anchor of *report* → what a search result names the part by: a section or closing
    part by its numbering and heading (``三、坚持严格规范公正文明执法……``), an item by its part's
    and its own numbering and label (``三、坚持…… › （二）强化行政执法监督``), by its place in the
    part (``第二项``) when it has no label. Aliases name the same part."""
    names: dict[str, str] = {}
    for part in report.parts:
        name = f"{part.marker}{part.heading or part.usual_heading}".strip() or part_name(part.anchor)
        for anchor in part.ids:
            names[anchor] = name
        for item in part.all_items():
            label = item.label.rstrip("。；;，,：: ")
            own = f"{item.marker}{label}" if label else _item_names(_numbers_in_part(item.anchor))
            for anchor in item.ids:
                names[anchor] = f"{name} › {own}" if own else name
    return names


def _numbers_in_part(anchor: str) -> list[int]:
    found = split_anchor(anchor)
    if found is None:
        return []
    head, numbers = found
    return numbers if head in CLOSING_HEADINGS else numbers[1:]


def cited_names(report: Report) -> dict[str, str]:
    """Every anchor of *report* → the part's name in a citation, by its number and heading.

    A section or closing part is named as printed, marker and heading
    (``三、坚持严格规范公正文明执法，推动行政执法质量整体提升``; a closing part without a
    heading by its usual one, ``存在的不足``); an item by its part's name and its place in it
    (``… 第二项``, ``… 第二项第一小项``). Aliases name the same part."""
    parts = cited_name_parts(report)
    return {
        anchor: f"{parts[parent][1]}{ITEM_NAME_JOIN}{own}" if parent else own
        for anchor, (parent, own) in parts.items()
    }
