"""Sphinx plugin: the archive for machines — archive data files, sitemaps, page descriptions.

- ``archive.json`` (the index: every county with the URLs of its page and its file),
  ``reports/<county>/index.json`` (a county's reports),
  ``reports/<county>/<kind>/<year>.json`` (a report, whole, with every figure) and
  ``reports/<county>/<kind>/<year>.js`` (the report as the browser compares it, loadable
  with ``<script>`` from ``file://`` too): the documents of :mod:`shufa.core.exporting`,
  with ``archive.schema.json``. The index comes from the whole archive's run or the hub's,
  the county and report files from the run that writes the county's pages.
- ``sitemap.xml``, an index of ``sitemaps/<province>.xml`` and ``sitemaps/site.xml``,
  when ``html_baseurl`` gives the site's address (a sitemap takes absolute URLs only).
- ``<meta name="description">`` and Open Graph tags on every page: a report
  page's from its title and preamble, another page's from its title and first
  paragraph.

Files are written only when their content changed, and a county or report file is
not even worked out again unless what it shows changed. Report text is data: it
reaches JSON through ``json.dumps`` and HTML attributes through ``html.escape``,
never as markup.
"""

from __future__ import annotations

import hashlib
import html
import json
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..core import exporting, reuse
from ..core.exporting import (
    SCHEMA_FILE,
    VERSION,
    archive_index,
    county_document,
    county_file,
    reading_document,
    reading_file,
    reading_script,
    report_document,
    report_file,
)
from ..core.files import write_if_changed
from ..core.fingerprints import current_fingerprint
from ..core.labels import display_title
from ..core.model import Archive
from ..core.partitions import spans_provinces
from ..core.summary import excerpt
from . import metadata
from .citation import site_url
from .data import get_archive, get_run
from .shared.envstore import claim, extra_pages

logger = logging.getLogger(__name__)

DESCRIPTION_LENGTH = 120


# --- archive.json, the county files and the report files ------------------------------------------


def _url_of(app: Sphinx):
    """A file of the site → its URL: absolute under ``html_baseurl``, else relative to the root."""
    base = app.config.html_baseurl.rstrip("/")
    return (lambda path: f"{base}/{path}") if base else (lambda path: path)


def _dump(document: dict[str, Any]) -> str:
    # One line: a third smaller than indented (json tools reformat it).
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_exports(app: Sphinx) -> int:
    """The index (whole archive and hub), and the county and report files of this run's counties
    (whole archive and partitions); returns how many files were worked out anew.

    A county or report file is worked out again only when what it shows changed (its report's
    text, its county's years, the county's entry, the settings); every file is claimed, so
    that the files of removed reports and counties are swept."""
    run = get_run(app.env)
    archive = run.result.archive
    url_of = _url_of(app)
    outdir = Path(app.outdir)
    config = app.config
    if run.scope.spans_partitions:
        index = archive_index(
            archive, run.summary, url_of, config.html_title or config.project, config.html_baseurl
        )
        write_if_changed(outdir / "archive.json", _dump(index))
        write_if_changed(outdir / SCHEMA_FILE.name, SCHEMA_FILE.read_text(encoding="utf-8"))
    if not run.scope.writes_counties:
        return 0
    # Kept in a file of their own: this runs at build-finished, after Sphinx saved the
    # environment, where they would be lost and every file worked out again at every build.
    kept = Path(app.doctreedir, EXPORT_DIGESTS)
    try:
        digests = json.loads(kept.read_text(encoding="utf-8"))
        if not isinstance(digests, dict):
            digests = {}
    except (OSError, ValueError):
        digests = {}
    now: dict[str, str] = {}
    code = [Path(module.__file__).stat().st_mtime_ns for module in (exporting, reuse)]
    shared = repr((VERSION, config.html_baseurl, code))
    worked = 0
    for province in run.provinces:
        for county in archive.counties_in(province):
            parts = [shared, current_fingerprint(archive, f"county:{county.slug}")]
            worked += _write_file(
                outdir / county_file(county.slug),
                digests,
                now,
                repr(parts),
                lambda county=county: _dump(county_document(archive, county, url_of)),
                app,
            )
            for report in archive.reports_of(county.slug):
                parts = [
                    shared,
                    current_fingerprint(archive, f"text:{report.key}"),
                    current_fingerprint(archive, f"series:{report.county}/{report.kind}"),
                    current_fingerprint(archive, f"county-info:{report.county}"),
                    repr(report.original),
                ]
                worked += _write_file(
                    outdir / report_file(report),
                    digests,
                    now,
                    repr(parts),
                    lambda report=report: _dump(report_document(archive, report, url_of)),
                    app,
                )
                worked += _write_file(
                    outdir / reading_file(report),
                    digests,
                    now,
                    repr(parts),
                    lambda report=report: reading_script(reading_document(archive, report, url_of)),
                    app,
                )
    write_if_changed(kept, json.dumps(now, ensure_ascii=False, sort_keys=True))
    return worked


#: In the doctree folder: the digest of what each county and report file was worked out from.
EXPORT_DIGESTS = "shufa-exports.json"


def _write_file(
    path: Path, before: dict[str, str], now: dict[str, str], state: str, make: Any, app: Sphinx
) -> int:
    """Write *path* unless it was made from the same *state* (*before*: the last build's
    digests); its digest goes into *now* (the files of removed reports drop out)."""
    claim(app, path)
    key = path.as_posix()
    digest = now[key] = hashlib.sha1(state.encode()).hexdigest()
    if before.get(key) == digest and path.is_file():
        return 0
    write_if_changed(path, make())
    return 1


# --- sitemaps ---------------------------------------------------------------------------------------

#: A province's pages are listed in ``sitemaps/<province>.xml``, the hub's in ``sitemaps/site.xml``;
#: ``sitemap.xml`` is the index of them all (a sitemap holds at most 50,000 addresses).
SITEMAPS = "sitemaps"


def _urlset(app: Sphinx, docnames: list[str]) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    lines += [f"  <url><loc>{xml_escape(site_url(app, d))}</loc></url>" for d in docnames]
    return "\n".join([*lines, "</urlset>"]) + "\n"


def write_sitemaps(app: Sphinx) -> None:
    if not app.config.html_baseurl:
        logger.info("shufa: no sitemap.xml — html_baseurl is not set, and a sitemap takes absolute URLs")
        return
    run = get_run(app.env)
    archive = run.result.archive
    outdir = Path(app.outdir)
    pages: dict[str, list[str]] = {}
    for docname in sorted({*app.env.found_docs, *extra_pages(app.env)}):
        if not run.owns(docname):
            continue
        if spans_provinces(archive, docname):
            pages.setdefault("site", []).append(docname)
        else:
            province = _province_of_page(archive, docname)
            if province:
                pages.setdefault(province, []).append(docname)
    for name, docnames in pages.items():
        path = outdir / SITEMAPS / f"{name}.xml"
        claim(app, path)
        write_if_changed(path, _urlset(app, docnames))
    if run.scope.spans_partitions:
        base = app.config.html_baseurl.rstrip("/")
        names = ["site", *archive.provinces]
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        ]
        lines += [
            f"  <sitemap><loc>{xml_escape(f'{base}/{SITEMAPS}/{n}.xml')}</loc></sitemap>"
            for n in names
            if n == "site" or archive.counties_in(n)
        ]
        write_if_changed(outdir / "sitemap.xml", "\n".join([*lines, "</sitemapindex>"]) + "\n")


def _province_of_page(archive: Archive, docname: str) -> str:
    """The province whose pages *docname* is one of (a county's, or a province-scoped listing's)."""
    parts = docname.split("/")
    if parts[0] == "reports" and len(parts) > 2 and parts[1] in archive.counties:
        return archive.counties[parts[1]].province_slug
    return parts[-1] if parts[-1] in archive.provinces else ""


# --- <meta> and Open Graph -----------------------------------------------------------------------------


def shorten(text: str, length: int = DESCRIPTION_LENGTH) -> str:
    """*text* on one line, at most *length* characters: up to a sentence's end, or cut with ``…``
    (the feeds' summaries are cut by the same rule)."""
    return excerpt(text, length)


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
        title = display_title(archive, report)
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
    worked = write_exports(app)
    if worked:
        logger.info(f"shufa: {worked} county and report file(s) of archive data written")
    write_sitemaps(app)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("shufa.plugins.data")
    app.setup_extension("shufa.plugins.citation")
    app.add_directive("archive-json-schema", ArchiveSchemaDirective)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _finished)
    return metadata()
