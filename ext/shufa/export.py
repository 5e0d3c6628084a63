"""Sphinx plugin: the archive for machines — archive.json, sitemap.xml, page descriptions.

- ``archive.json`` (with ``archive.schema.json`` next to it): every county,
  report, section and item with its stable URL, topic, marker and heading, and
  every figure found in the text (value, unit, qualifier, anchor) by
  :func:`shufa.core.figures.find_figures`; each figure's anchor is the section or
  item that holds it.
- ``sitemap.xml``: every page, when ``html_baseurl`` gives the site's address
  (a sitemap takes absolute URLs only).
- ``<meta name="description">`` and Open Graph tags on every page: a report
  page's from its title and preamble, another page's from its title and first
  paragraph.

Files are written only when their content changed; ``archive.json`` is not even
recomputed unless a data file, the configuration or the figure parser changed.
Report text is data: it reaches JSON through ``json.dumps`` and HTML attributes
through ``html.escape``, never as markup.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections import defaultdict
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from .citation import site_url
from .core import figures
from .core.figures import find_figures, marked_fields
from .core.files import write_if_changed
from .core.model import Archive, ClosingPart, Item, Report, Section
from .data import data_dir, get_archive, get_load_result
from .envstore import extra_pages

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
SCHEMA_FILE = Path(__file__).with_name("archive.schema.json")
DESCRIPTION_LENGTH = 120


# --- figures -----------------------------------------------------------------------------------


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


# --- archive.json --------------------------------------------------------------------------------


class ArchiveExport:
    """Builds the archive.json document from the model and the pages' URLs."""

    def __init__(self, app: Sphinx, archive: Archive) -> None:
        self.app = app
        self.archive = archive

    def url(self, docname: str) -> str:
        return site_url(self.app, docname)

    def document(self) -> dict[str, Any]:
        archive = self.archive
        config = self.app.config
        return {
            "format": "shufa-archive",
            "version": FORMAT_VERSION,
            "title": config.html_title or config.project,
            "base_url": config.html_baseurl,
            "figures_parsed": True,
            "kinds": [{"slug": k.slug, "name": k.name, "label": k.label} for k in archive.kinds.values()],
            "topics": [{"key": t.key, "label": t.label} for t in archive.topics.values()],
            "counties": [
                {
                    "slug": county.slug,
                    "name": county.name,
                    "province": county.province,
                    "city": county.city,
                    "code": county.code,
                    "aliases": list(county.aliases),
                    "url": self.url(county.docname),
                    "reports": [self.report(r) for r in archive.reports_of(county.slug)],
                }
                for county in archive.counties.values()
            ],
        }

    def report(self, report: Report) -> dict[str, Any]:
        url = self.url(report.docname)
        found = part_figures(report)
        return {
            "key": report.key,
            "kind": report.kind,
            "year": report.year,
            "title": report.title,
            "url": url,
            "author": {
                "role": report.author_role or self.archive.kinds[report.kind].author,
                "name": report.author_name,
                "organization": report.organization,
            },
            "issued": report.issued,
            "published": report.published,
            "source_url": report.source_url,
            "retrieved": report.retrieved,
            "citation": {
                "bibtex": self._download(report.docname + ".bib"),
                "csl_json": self._download(report.docname + ".csl.json"),
            },
            "figures": found["preamble"],
            "sections": [self.section(s, url, found) for s in report.sections],
            "closing": [self.closing(p, url, found) for p in report.closing_parts],
        }

    def _download(self, path: str) -> str:
        """A file written next to the pages (citation downloads), by URL."""
        base = self.app.config.html_baseurl
        return base.rstrip("/") + "/" + path if base else path

    def topic(self, key: str) -> str | None:
        """A topic's key (its label is in the document's ``topics``), None when unknown."""
        return key if key in self.archive.topics else None

    def section(self, section: Section, url: str, figures: Figures) -> dict[str, Any]:
        return {
            "anchor": section.anchor,
            "url": f"{url}#{section.anchor}",
            "ordinal": section.ordinal,
            "marker": section.marker,
            "heading": section.heading,
            "topic": self.topic(section.topic),
            "aliases": list(section.aliases),
            "figures": figures[section.anchor],
            "items": [self.item(i, url, section.topic, figures) for i in section.items],
        }

    def closing(self, part: ClosingPart, url: str, figures: Figures) -> dict[str, Any]:
        return {
            "anchor": part.anchor,
            "url": f"{url}#{part.anchor}",
            "marker": part.marker,
            "heading": part.heading,
            "topic": None,
            "aliases": list(part.aliases),
            "figures": figures[part.anchor],
            "items": [self.item(i, url, "", figures) for i in part.items],
        }

    def item(self, item: Item, url: str, topic: str, figures: Figures) -> dict[str, Any]:
        return {
            "anchor": item.anchor,
            "url": f"{url}#{item.anchor}",
            "ordinal": item.ordinal,
            "marker": item.marker,
            "heading": item.label,
            "topic": self.topic(item.topic or topic),
            "aliases": list(item.aliases),
            "figures": figures[item.anchor],
            "items": [self.item(i, url, item.topic or topic, figures) for i in item.items],
        }


def _inputs_digest(app: Sphinx) -> str:
    """What archive.json is made of: the data files (by stamp), the settings, the parser."""
    result = get_load_result(app.env)
    root = data_dir(app)
    files = [root / name for name in ("counties.yaml", "kinds.yaml", "topics.yaml")]
    files += sorted(Path(p) for p in result.files.values())
    stamps = []
    for path in files:
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    stat = Path(figures.__file__).stat()
    parser = f"{figures.__file__}:{stat.st_mtime_ns}:{stat.st_size}"
    # this module and the schema too: a change of the format rewrites the file
    schema = [(Path(p).stat().st_mtime_ns, Path(p).stat().st_size) for p in (SCHEMA_FILE, __file__)]
    config = app.config
    state = [FORMAT_VERSION, stamps, parser, schema, config.html_baseurl, config.html_title, app.builder.name]
    state.append(sorted(result.archive.reports))
    return hashlib.sha1(repr(state).encode()).hexdigest()


def write_archive_json(app: Sphinx) -> Path:
    """``archive.json`` and ``archive.schema.json`` in the output folder (skipped when unchanged)."""
    out = Path(app.outdir, "archive.json")
    stamp = Path(app.doctreedir, "shufa-archive-json.digest")
    digest = _inputs_digest(app)
    try:
        unchanged = out.is_file() and stamp.read_text(encoding="utf-8") == digest
    except FileNotFoundError:
        unchanged = False
    write_if_changed(Path(app.outdir, SCHEMA_FILE.name), SCHEMA_FILE.read_text(encoding="utf-8"))
    if unchanged:
        return out
    document = ArchiveExport(app, get_archive(app.env)).document()
    # One line: a large archive's file is a third smaller than indented (json tools reformat it).
    write_if_changed(out, json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n")
    write_if_changed(stamp, digest)
    return out


# --- sitemap.xml -----------------------------------------------------------------------------------


def sitemap(app: Sphinx) -> str:
    """Every page of the site, by absolute URL."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for docname in sorted({*app.env.found_docs, *extra_pages(app.env)}):
        lines.append(f"  <url><loc>{xml_escape(site_url(app, docname))}</loc></url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def write_sitemap(app: Sphinx) -> Path | None:
    if not app.config.html_baseurl:
        logger.info("shufa: no sitemap.xml — html_baseurl is not set, and a sitemap takes absolute URLs")
        return None
    path = Path(app.outdir, "sitemap.xml")
    write_if_changed(path, sitemap(app))
    return path


# --- <meta> and Open Graph -----------------------------------------------------------------------------


def shorten(text: str, length: int = DESCRIPTION_LENGTH) -> str:
    """*text* on one line, cut at *length* characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _searchable(node: nodes.Node) -> bool:
    """False inside a ``no-search`` block (a cite control is no description of the page)."""
    while node is not None:
        if isinstance(node, nodes.Element) and "no-search" in node.get("classes", []):
            return False
        node = node.parent
    return True


def _first_paragraph(doctree: nodes.document) -> str:
    for para in doctree.findall(nodes.paragraph):
        text = para.astext().strip()
        if text and _searchable(para):
            return text
    return ""


def page_meta(
    app: Sphinx, pagename: str, doctree: nodes.document | None, given: tuple[str, str] | None = None
) -> list[tuple[str, str, str]]:
    """(attribute, name, content) of the page's description and Open Graph tags.

    *given* is (title, description) of a page that is no Sphinx document."""
    env = app.env
    title_node = env.titles.get(pagename)
    title = title_node.astext() if title_node is not None else (given[0] if given else "")
    archive = get_archive(env)
    report = archive.reports.get(pagename.removeprefix("reports/"))
    if report is not None and report.docname == pagename:
        title = report.title
        description = report.preamble or f"{archive.report_title(report)}全文，按原文编号分部分、分条目。"
    else:
        report = None
        description = _first_paragraph(doctree) if doctree is not None else (given[1] if given else "")
    config = app.config
    tags = []
    if description:
        tags.append(("name", "description", shorten(description)))
    if title:
        tags.append(("property", "og:title", title))
    tags.append(("property", "og:type", "article" if report else "website"))
    tags.append(("property", "og:site_name", config.html_title or config.project))
    tags.append(("property", "og:locale", (config.language or "zh_CN").replace("-", "_")))
    if description:
        tags.append(("property", "og:description", shorten(description)))
    if config.html_baseurl:
        tags.append(("property", "og:url", site_url(app, pagename)))
    if report is not None and (report.issued or report.published):
        tags.append(("property", "article:published_time", report.published or report.issued))
    return tags


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if app.builder.format != "html":
        return
    given = None
    if doctree is None:
        # a page a plugin writes itself says what it is about in its context
        title = extra_pages(app.env).get(pagename)
        if title is None:
            return
        given = (title, context.get("shufa_description", ""))
    tags = "".join(
        f'<meta {attr}="{html.escape(name)}" content="{html.escape(content)}" />\n'
        for attr, name, content in page_meta(app, pagename, doctree, given)
    )
    context["metatags"] = context.get("metatags", "") + tags


# --- the schema in the docs --------------------------------------------------------------------------


class ArchiveSchemaDirective(SphinxDirective):
    """``{archive-json-schema}``: the JSON Schema of archive.json, shown as it ships."""

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(SCHEMA_FILE))
        text = SCHEMA_FILE.read_text(encoding="utf-8")
        block = nodes.literal_block(text, text, language="json")
        return [block]


def _finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    write_archive_json(app)
    write_sitemap(app)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("shufa.data")
    app.setup_extension("shufa.citation")
    app.add_directive("archive-json-schema", ArchiveSchemaDirective)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _finished)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
