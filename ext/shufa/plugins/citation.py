"""Sphinx plugin: cite a report, a section or an item (GB/T 7714), and download the citation.

Every report page gets a cite control on the report and on each section (``#s3``,
``#shortcomings``), whose chooser also cites each of the section's items (``#s3-2``):
the reference as an online report ([R/OL]) — the issuing government as author, the
title (with the part named by its number and heading: ``: 三、坚持严格规范公正文明执法…``),
(issued date)[access date] and the page's URL with the part's anchor — and a copy button.

The report's own reference is written into the page (it is there without a script, and on
paper); a part's control is made by the page's script under the part's heading, and its
reference when it is opened, from the one template of the page's references and the parts'
names (:func:`parts_data`, JSON in the page's head): 40-odd written references were a third
of a report page's HTML, and the parts' empty controls (JavaScript-only) another kilobyte.
The report's control also links the report's BibTeX (``<year>.bib``) and CSL-JSON
(``<year>.csl.json``), written next to the page, which the page's ``<head>`` names
as ``<link rel="alternate">``, beside Highwire ``citation_*`` meta tags for
reference managers (Zotero, EndNote, Mendeley).

The references, CSL-JSON items and BibTeX entries are :mod:`shufa.core.citing`'s
(the style is ``shufa_citation_style``).

A reference is written with its access date (引用日期) and URL marked; the page's
script (``citation.js``) puts in the day the reader copies it and, when
``html_baseurl`` is not set, the page's own address. Without a script the page
shows the data's ``source.retrieved`` (else ``shufa_citation_accessed``, else the
build date) and the URL under ``html_baseurl`` or relative to the site's root; the
downloads carry no access date (a reference manager records its own). A build
without ``html_baseurl`` says so once, as a warning (``shufa.baseurl``), never on
a page. A report without a date or a source URL is still cited with the parts it
has; the data check warns about it (``shufa.citation``, located in its data file:
:func:`shufa.core.checks.citation_problems`), in ``shufa check`` and the build alike.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any, NamedTuple

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.osutil import relative_uri
from sphinx.writers.html5 import HTML5Translator

from ..core.citing import (
    ACCESSED,
    URL,
    ReportReferences,
    bibtex,
    build_date,
    csl_item,
    issued_date,
    report_author,
)
from ..core.files import script_json, write_if_changed
from ..core.labels import ITEM_NAME_JOIN, cited_name_parts, cited_names
from ..core.model import Archive, Report
from ..core.problems import Code
from . import Order, config, metadata
from .data import get_archive, loaded_run
from .directives import report_header, report_page
from .shared.envstore import claim, per_document_store
from .shared.markup import add_html_node

logger = logging.getLogger(__name__)


def access_date(app: Sphinx, report: Report) -> str:
    return report.retrieved or config.get(app.config).citation_accessed or build_date()


def site_url(app: Sphinx, docname: str) -> str:
    """The page's URL: absolute under ``html_baseurl``, else relative to the site's root."""
    uri = app.builder.get_target_uri(docname)
    base = app.config.html_baseurl
    if not base:
        return uri
    return base.rstrip("/") + "/" + uri


def _settings(app: Sphinx) -> tuple[str, str, str]:
    options = config.get(app.config)
    return (app.config.html_baseurl, options.citation_style, options.citation_accessed)


# --- the cite control --------------------------------------------------------------------------


class cite_control(nodes.General, nodes.Element):
    """A part's ``<details>`` cite control, written whole by the HTML visitor.

    A leaf: the reference, the note and the download links are attributes, not
    child nodes, so the 40-odd controls of a report page add 40-odd nodes (not
    300) for every transform, the pickler and the writer to walk. Its text is
    no page text (``astext()`` is empty): search and descriptions skip it.
    """

    def astext(self) -> str:
        return ""


class print_citation(nodes.General, nodes.Element):
    """The report's address and reference, shown on paper only (the print stylesheet), a leaf
    like :class:`cite_control`, filled in by the page's script as a copied reference is."""

    def astext(self) -> str:
        return ""


def control(references: ReportReferences, own_url: bool) -> cite_control:
    """The report's cite control, written whole (a part's is made under its heading by the
    page's script); *own_url*: the reader's copy takes the page's own address (no
    ``html_baseurl``)."""
    node = cite_control("", classes=["cite-control", "no-search", "cite-report"])
    node["summary"] = "引用本报告"
    node["anchor"] = ""
    node["segments"] = references.segments("")
    node["own_url"] = own_url
    node["downloads"] = []
    return node


#: How much of an item's label the chooser of a section's cite control shows.
CHOOSER_LABEL = 8


def parts_data(references: ReportReferences, report: Report, own_url: bool) -> dict[str, Any]:
    """What the page's script makes the parts' references from (JSON in the page's head,
    ``script#cite-parts``): ``template`` (kind, text runs with the name and anchor
    slots), ``slots``, ``own``, ``join`` (between a part's name and an item's place) and
    ``parts``: anchor → its items (anchor, place) in reading order and its name where the
    part's heading on the page does not say it (a part with neither number nor heading); ``label``:
    how many characters of an item's run-in label the chooser shows after its marker (the
    script reads both from the item on the page: written here too they were a kilobyte)."""
    names = cited_name_parts(report)
    parts: dict[str, Any] = {}
    for part in report.parts:
        items = [
            [item.anchor, names[item.anchor][1]]
            for item in part.all_items()
            if names[item.anchor][0]  # named by its place in the part
        ]
        parts[part.anchor] = {"items": items}
        if names[part.anchor][1] != f"{part.marker}{part.heading or part.usual_heading}".strip():
            parts[part.anchor]["name"] = names[part.anchor][1]  # (else its heading on the page says it)
    return {
        "template": references.part_template(),
        "slots": {"name": references.NAME_SLOT, "anchor": references.ANCHOR_SLOT},
        "own": own_url,
        "join": ITEM_NAME_JOIN,
        "label": CHOOSER_LABEL,
        "parts": parts,
    }


#: The report's citation files, next to its page: label, suffix, media type.
CITATION_FILES = (
    ("BibTeX", ".bib", "application/x-bibtex"),
    ("CSL-JSON", ".csl.json", "application/vnd.citationstyles.csl+json"),
)


def downloads(app: Sphinx, docname: str) -> list[tuple[str, str, str]]:
    """The report's citation files: (label, link relative to the page, media type)."""
    page = app.builder.get_target_uri(docname)
    return [(label, relative_uri(page, docname + suffix), media) for label, suffix, media in CITATION_FILES]


class Record(NamedTuple):
    """What the build keeps of a cited report: its key, the CSL-JSON item published (no access
    date), the Highwire meta tags of its page and what its script makes the parts' references
    from (:func:`parts_data`)."""

    key: str
    item: dict[str, Any]
    meta: tuple[tuple[str, str], ...] = ()
    parts: dict[str, Any] | None = None


def _is_html(app: Sphinx) -> bool:
    return app.builder.format == "html"


def _report_of_page(
    archive: Archive, docname: str, doctree: nodes.document
) -> tuple[nodes.section, Report] | None:
    """The top section of a report page and its report (the page ``reports/<key>``)."""
    report = archive.reports.get(docname.removeprefix("reports/"))
    if report is None or report.docname != docname:
        return None
    top = next(doctree.findall(report_page), None)
    return None if top is None else (top, report)


def add_cite_controls(app: Sphinx, doctree: nodes.document) -> None:
    """Attach a cite control to the report, each section and each item of a report page."""
    if not _is_html(app):
        return
    env = app.env
    env.shufa_citations.pop(env.docname, None)
    found = _report_of_page(get_archive(env), env.docname, doctree)
    if found is None:
        return
    top, report = found
    archive = get_archive(env)
    url = site_url(app, env.docname)
    item = csl_item(archive, report, url, access_date(app, report))
    references = ReportReferences(item, config.get(app.config).citation_style, cited_names(report))
    own_url = not app.config.html_baseurl
    published = csl_item(archive, report, url, "")
    parts = parts_data(references, report, own_url)
    env.shufa_citations[env.docname] = Record(report.key, published, highwire(archive, report, url), parts)

    whole = control(references, own_url)
    whole["downloads"] = downloads(app, env.docname)
    on_paper = print_citation("", classes=["print-only", "print-citation", "no-search"])
    on_paper["segments"], on_paper["own_url"] = whole["segments"], own_url
    on_paper["url"] = url
    # Right after the report's facts (author, dates, source), wherever the header puts them.
    header = next(top.findall(report_header), None)
    meta = (
        next((c for c in header.children if isinstance(c, nodes.definition_list)), None) if header else None
    )
    if meta is not None:
        meta.parent.insert(meta.parent.index(meta) + 1, whole)
        meta.parent.insert(meta.parent.index(meta) + 2, on_paper)
    else:
        top.insert(1, whole)
        top.insert(2, on_paper)

    # (each part's control is made under its heading by citation.js from script#cite-parts)


def highwire(archive: Archive, report: Report, url: str) -> tuple[tuple[str, str], ...]:
    """The report's Highwire Press ``citation_*`` meta tags, which Zotero, EndNote, Mendeley and
    Google Scholar read: title, the issuing body (as author, publisher and institution), the
    date, the language and the URL (relative to the site's root without ``html_baseurl``: the
    page's script makes it the page's own address)."""
    author = report_author(archive, report)
    tags = [
        ("citation_title", report.title),
        ("citation_author", author),
        ("citation_publisher", author),
        ("citation_technical_report_institution", author),
    ]
    if issued := issued_date(report):
        tags.append(("citation_publication_date", issued.replace("-", "/")))
    tags += [("citation_language", "zh"), ("citation_public_url", url)]
    return tuple(tags)


def _head(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """The citation_* meta tags, the citation files' alternate links and the parts' reference
    template (data, not a script: ``<`` written ``\\u003c``) of a report page."""
    record = getattr(app.env, "shufa_citations", {}).get(pagename)
    if record is None or not _is_html(app):
        return
    tags = [f'<meta name="{name}" content="{html.escape(content)}" />\n' for name, content in record.meta]
    for _label, href, media in downloads(app, pagename):
        tags.append(f'<link rel="alternate" type="{media}" href="{html.escape(href)}" />\n')
    if record.parts is not None:
        tags.append(f'<script type="application/json" id="cite-parts">{script_json(record.parts)}</script>\n')
    context["metatags"] = context.get("metatags", "") + "".join(tags)


def _warn_without_baseurl(app: Sphinx) -> None:
    """Once per site (the whole archive's run, or the hub's): no html_baseurl."""
    run = loaded_run(app.env)
    if not _is_html(app) or app.config.html_baseurl or run is None or not run.scope.spans_partitions:
        return
    logger.warning(
        "html_baseurl is not set: copied citations take the address the page is read at, and "
        "sitemap.xml, canonical links and absolute feed links are not written; expected the "
        "site's address in conf.py (html_baseurl = 'https://…/')",
        type="shufa",
        subtype=Code.BASEURL,
    )


# --- HTML ----------------------------------------------------------------------------------------


_COPY_BUTTON = (
    '<button class="cite-copy" data-copied="已复制" data-failed="复制失败" hidden="hidden" type="button">'
    "复制</button>"
)


def reference_html(encode: Any, segments: list[tuple[str, str]], own_url: bool) -> str:
    """The reference as ``<span class="cite-text">``, its access date and URL in spans of their
    own for the page's script (``data-own``: the URL is the page's own address)."""
    out = []
    for kind, text in segments:
        if kind == ACCESSED:
            out.append(f'<span class="cite-accessed">{encode(text)}</span>')
        elif kind == URL:
            own = ' data-own="true"' if own_url else ""
            out.append(f'<span class="cite-url"{own}>{encode(text)}</span>')
        else:
            out.append(encode(text))
    return f'<span class="cite-text">{"".join(out)}</span>'


def visit_cite_control(self: HTML5Translator, node: cite_control) -> None:
    encode = self.encode
    out = [
        self.starttag(node, "details", "", **{"data-anchor": node["anchor"]}),
        f"<summary>{encode(node['summary'])}</summary>",
        f'<p class="cite-reference">{reference_html(encode, node["segments"], node["own_url"])}</p>\n',
        _COPY_BUTTON,
    ]
    if node.get("downloads"):
        links = " · ".join(
            f'<a class="cite-download reference external" href="{encode(href)}">{encode(label)}</a>'
            for label, href, _media in node["downloads"]
        )
        out.append(f'<p class="cite-downloads">下载引文：{links}</p>\n')
    out.append("</details>\n")
    self.body.append("".join(out))
    raise nodes.SkipNode


def visit_print_citation(self: HTML5Translator, node: print_citation) -> None:
    encode = self.encode
    own = ' data-own="true"' if node["own_url"] else ""
    self.body.append(
        self.starttag(node, "div", "", **{"data-anchor": ""})
        + f'<p>本页网址：<span class="cite-url"{own}>{encode(node["url"])}</span></p>\n'
        + f"<p>引用本报告：{reference_html(encode, node['segments'], node['own_url'])}</p>\n"
        + "</div>\n"
    )
    raise nodes.SkipNode


# --- downloads and the build's memory --------------------------------------------------------


def write_downloads(app: Sphinx, exception: Exception | None) -> None:
    """``<year>.bib`` and ``<year>.csl.json`` next to each report page."""
    if exception is not None or not _is_html(app):
        return
    archive = get_archive(app.env)
    for docname, record in sorted(app.env.shufa_citations.items()):
        report = archive.reports.get(record.key)
        if report is None or docname not in app.env.found_docs:
            continue
        base = Path(app.outdir, docname)
        csl = json.dumps([record.item], ensure_ascii=False, indent=2) + "\n"
        for path, text in (
            (base.with_name(base.name + ".csl.json"), csl),
            (base.with_name(base.name + ".bib"), bibtex(archive, report, record.item)),
        ):
            claim(app, path)
            write_if_changed(path, text)


def _outdated(app: Sphinx, env: BuildEnvironment, added: set, changed: set, removed: set) -> list[str]:
    """Re-read the report pages when what their citations are made from changed."""
    settings = _settings(app)
    previous = getattr(env, "shufa_citation_settings", settings)
    env.shufa_citation_settings = settings
    return sorted(env.shufa_citations) if previous != settings else []


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("shufa.plugins.data")
    app.setup_extension("shufa.plugins.config")
    add_html_node(app, cite_control, visit_cite_control)
    add_html_node(app, print_citation, visit_print_citation)
    app.setup_extension("shufa.plugins.assets")
    per_document_store(app, "shufa_citations")
    app.connect("env-get-outdated", _outdated)
    app.connect("doctree-read", add_cite_controls)
    app.connect("build-finished", write_downloads)
    app.connect("html-page-context", _head)
    app.connect("builder-inited", _warn_without_baseurl, priority=Order.AFTER_SETUP)
    return metadata()
