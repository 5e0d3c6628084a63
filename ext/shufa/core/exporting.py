"""The archive for machines: an index, a file per county and a file per report (JSON).

- ``archive.json`` — the index: the kinds, topics and provinces, and every county with
  the URL of its page and of its county file, and its number of reports;
- ``reports/<county>/index.json`` — a county: its reports (key, year, kind, title, URLs);
- ``reports/<county>/<kind>/<year>.json`` — a report, whole: metadata, its parts in
  reading order with their text, ids, topic and URL, and every figure found in the text;
- ``reports/<county>/<kind>/<year>.js`` — the report as the browser compares it (its
  reading document: each part printed as lines, and the text around the parts), set as
  ``ShufaReports["<county>/<kind>/<year>"]`` by a script a page loads with ``<script>``,
  which works from ``file://`` too (a page cannot fetch JSON there).

No file grows with the whole archive except the index, which grows with the number
of counties. The report file is what the browser reads to quote a part in search
results, the reading file what it reads to compare any two years; both are a small
documented API (docs: 参考 › archive.json). Every text is the data's, as it is: no
markup. ``archive.schema.json`` is the JSON Schema of all four.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .figures import find_figures, marked_fields
from .files import script_json
from .model import Archive, ClosingPart, County, Item, Part, Report, Section
from .originals import download_name, view_name
from .reuse import printed_lines
from .summary import Summary

#: Bump when a document's shape changes (the schema says which version it describes).
VERSION = 2
SCHEMA_FILE = Path(__file__).resolve().parents[1] / "archive.schema.json"

#: A file of the site (``reports/qinghe/index.html``) → its URL: absolute under html_baseurl,
#: else the path itself (relative to the site's root).
UrlOf = Callable[[str], str]


def county_file(county: str) -> str:
    """The county file's path in the site: ``reports/<county>/index.json``."""
    return f"reports/{county}/index.json"


def report_file(report: Report | Any) -> str:
    """The report file's path in the site: ``reports/<county>/<kind>/<year>.json``."""
    return f"reports/{report.key}.json"


def reading_file(report: Report | Any) -> str:
    """The reading file's path in the site: ``reports/<county>/<kind>/<year>.js``."""
    return f"reports/{report.key}.js"


#: The global object reading files set their documents in, by report key.
READING_GLOBAL = "ShufaReports"


#: The figures of a report's parts, by anchor.
Figures = dict[str, list[dict[str, Any]]]


def part_figures(report: Report) -> Figures:
    """The figures of *report* by the anchor of the part whose own text holds them (a section's
    heading, lead and closing text; an item's label and text; ``preamble``)."""
    found: Figures = defaultdict(list)
    for anchor, field, text, _path in marked_fields(report):
        for figure in find_figures(text):
            found[anchor].append(
                {
                    "text": figure.text,
                    "value": figure.value,
                    "unit": figure.unit,
                    "qualifier": figure.qualifier,
                    "anchor": anchor,
                    "field": field,
                    "start": figure.start,
                    "end": figure.end,
                }
            )
    return found


def archive_index(
    archive: Archive, summary: Summary, url_of: UrlOf, title: str, base_url: str
) -> dict[str, Any]:
    """``archive.json``: the registries and every county, with the URLs of its page and file."""
    reports = summary.count(lambda r: r.county)
    return {
        "format": "shufa-archive",
        "version": VERSION,
        "title": title,
        "base_url": base_url,
        "kinds": [{"slug": k.slug, "name": k.name, "label": k.label} for k in archive.kinds.values()],
        "topics": [{"key": t.key, "label": t.label} for t in archive.topics.values()],
        "provinces": [{"slug": p.slug, "name": p.name} for p in archive.provinces.values()],
        "counties": [
            {**_county(county, url_of), "reports": reports[county.slug]}
            for county in archive.counties.values()
        ],
    }


def _county(county: County, url_of: UrlOf) -> dict[str, Any]:
    return {
        "slug": county.slug,
        "name": county.name,
        "type": county.unit.name,
        "province": county.province_slug,
        "city": county.city,
        "code": county.code,
        "aliases": list(county.aliases),
        "url": url_of(county.docname + ".html"),
        "data": url_of(county_file(county.slug)),
    }


def county_document(archive: Archive, county: County, url_of: UrlOf) -> dict[str, Any]:
    """``reports/<county>/index.json``: the county and its reports, by kind then year."""
    return {
        "format": "shufa-county",
        "version": VERSION,
        **_county(county, url_of),
        "reports": [
            {
                "key": r.key,
                "kind": r.kind,
                "year": r.year,
                "title": r.title,
                "url": url_of(r.docname + ".html"),
                "data": url_of(report_file(r)),
            }
            for r in archive.reports_of(county.slug)
        ],
    }


def report_document(archive: Archive, report: Report, url_of: UrlOf) -> dict[str, Any]:
    """``reports/<county>/<kind>/<year>.json``: the report, whole, in reading order."""
    url = url_of(report.docname + ".html")
    figures = part_figures(report)
    years = [r.year for r in archive.reports_of(report.county, report.kind)]
    return {
        "format": "shufa-report",
        "version": VERSION,
        "key": report.key,
        "county": report.county,
        "kind": report.kind,
        "year": report.year,
        "years": years,
        "title": report.title,
        "subtitle": report.subtitle,
        "url": url,
        "author": {
            "role": archive.author_role(report),
            "name": report.author_name,
            "organization": report.organization,
        },
        "issued": report.issued,
        "published": report.published,
        "delivered": report.delivered,
        "occasion": report.occasion,
        "source_url": report.source_url,
        "obtained": report.obtained,
        "retrieved": report.retrieved,
        "unknown": sorted(report.unknown),
        "added": report.added,
        "original": _original(report, url_of),
        "citation": {
            "bibtex": url_of(report.docname + ".bib"),
            "csl_json": url_of(report.docname + ".csl.json"),
        },
        "preamble": report.preamble,
        "figures": figures["preamble"],
        "parts": [_part(p, url, figures) for p in report.parts],
        "signature": report.signature,
        "date_line": report.date_line,
    }


def _original(report: Report, url_of: UrlOf) -> dict[str, str] | None:
    """The kept original, as the report page offers it: the file for download beside the page and
    the page of its text (never the name it was received under)."""
    original = report.original
    if original is None:
        return None
    return {
        "url": url_of(download_name(report)),
        "view": url_of(view_name(report)),
        "format": original.format,
        "sha256": original.sha256,
    }


def _kind_and_topic(part: Part) -> tuple[str, str | None]:
    """What the documents call a part's kind (``section``, or a closing part's role) and its
    topic (None for a closing part)."""
    if isinstance(part, Section):
        return "section", part.topic
    assert isinstance(part, ClosingPart)
    return part.role, None


def _part(part: Part, url: str, figures: Figures) -> dict[str, Any]:
    kind, topic = _kind_and_topic(part)
    return {
        "kind": kind,
        "anchor": part.anchor,
        "ids": part.ids,
        "url": f"{url}#{part.anchor}",
        "ordinal": part.ordinal or None,
        "marker": part.marker,
        "heading": part.heading,
        "topic": topic,
        part.OPENING: part.opening,
        "text": part.text,
        "figures": figures[part.anchor],
        "items": _items(part.items, url, topic, figures),
    }


def _items(items: Iterable[Item], url: str, topic: str | None, figures: Figures) -> list[dict[str, Any]]:
    return [
        {
            "anchor": item.anchor,
            "ids": item.ids,
            "url": f"{url}#{item.anchor}",
            "ordinal": item.ordinal,
            "marker": item.marker,
            "label": item.label,
            "text": item.text,
            "topic": item.topic or topic,
            "figures": figures[item.anchor],
            "items": _items(item.items, url, item.topic or topic, figures),
        }
        for item in items
    ]


def reading_document(archive: Archive, report: Report, url_of: UrlOf) -> dict[str, Any]:
    """``reports/<county>/<kind>/<year>.js``'s document: the report as the browser compares it.

    Each section and closing part is printed as lines (:func:`~shufa.core.reuse.printed_lines`:
    the heading on its marker's line, each item on a line of its own); ``before`` and ``after``
    are the printed text around the parts (title, subtitle, preamble; signature, date line), so
    the report's text, as its reuse rate against another year counts it, is ``before``, each
    part's ``printed`` and ``after``, in this order, one per line."""
    county, kind = archive.counties[report.county], archive.kinds[report.kind]
    before: list[str] = []
    after: list[str] = []
    part_anchors = {a for a, _part in report.anchors()}
    around = before  # the fields before the first part, then those after the parts
    for field in report.fields():
        if field.anchor in part_anchors:
            around = after
        elif field.printed:
            around.append(field.text)
    parts = [
        {
            "kind": kind,
            "anchor": p.anchor,
            "ids": p.ids,
            "topic": topic,
            "marker": p.marker,
            "heading": p.heading or p.usual_heading,
            "printed": printed_lines(p),
        }
        for p in report.parts
        for kind, topic in [_kind_and_topic(p)]
    ]
    return {
        "format": "shufa-reading",
        "version": VERSION,
        "key": report.key,
        "county": report.county,
        "county_name": county.name,
        "kind": report.kind,
        "kind_name": kind.name,
        "year": report.year,
        "years": [r.year for r in archive.reports_of(report.county, report.kind)],
        "title": report.title,
        "page": f"{report.docname}.html",
        "url": url_of(f"{report.docname}.html"),
        "data": url_of(report_file(report)),
        "before": before,
        "parts": parts,
        "after": after,
    }


def reading_script(document: dict[str, Any]) -> str:
    """The reading file: *document* set in ``ShufaReports`` by its key. Nothing in it can end a
    script element (``<`` is escaped)."""
    payload = script_json(document)
    key = json.dumps(document["key"])
    return f"(window.{READING_GLOBAL} = window.{READING_GLOBAL} || {{}})[{key}] = {payload};\n"


def whole_archive(archive: Archive, summary: Summary, title: str) -> dict[str, Any]:
    """The one-file export (``shufa export``): the index with each county's reports, whole, inside
    (URLs relative to the site's root)."""

    def url_of(path: str) -> str:
        return path

    index = archive_index(archive, summary, url_of, title, "")
    for county in index["counties"]:
        county["reports"] = [report_document(archive, r, url_of) for r in archive.reports_of(county["slug"])]
    return index
