"""Sphinx plugin: cite a report, a section or an item (GB/T 7714), and download the citation.

Every report page gets a cite control on the report, on each section (``#s3``,
``#shortcomings``) and on each item (``#s3-2``): the reference as an online
report ([R/OL]) — the issuing government as author, the title (with the part
named: ``: 第三部分第二项``), (issued date)[access date] and the page's URL with
the part's anchor — and a copy button. The report's control also links the
report's BibTeX (``<year>.bib``) and CSL-JSON (``<year>.csl.json``), written
next to the page.

The references, CSL-JSON items and BibTeX entries are :mod:`shufa.core.citing`'s
(the style is ``shufa_citation_style``).

The access date is the data's ``source.retrieved``, else ``shufa_citation_accessed``,
else the build date (``SOURCE_DATE_EPOCH`` when set). URLs are absolute when
``html_baseurl`` is set; otherwise the control says that they are relative.
A report without a date or a source URL is still cited with the parts it has;
the data check warns about it (``shufa.citation``, located in its data file:
:func:`shufa.core.checks.citation_problems`), in ``shufa check`` and the build alike.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.osutil import relative_uri
from sphinx.writers.html5 import HTML5Translator

from .core.citing import ReportReferences, bibtex, build_date, csl_item
from .core.files import write_if_changed
from .core.model import Archive, Report
from .data import get_archive
from .directives import report_closing, report_header, report_item, report_page, report_section
from .envstore import claim, per_document_store

logger = logging.getLogger(__name__)


def access_date(app: Sphinx, report: Report) -> str:
    return report.retrieved or app.config.shufa_citation_accessed or build_date()


def site_url(app: Sphinx, docname: str) -> str:
    """The page's URL: absolute under ``html_baseurl``, else relative to the site's root."""
    uri = app.builder.get_target_uri(docname)
    base = app.config.html_baseurl
    if not base:
        return uri
    return base.rstrip("/") + "/" + uri


def _settings(app: Sphinx) -> tuple[str, str, str]:
    return (app.config.html_baseurl, app.config.shufa_citation_style, app.config.shufa_citation_accessed)


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


SUMMARY = {"report": "引用本报告", "section": "引用本部分", "item": "引用本项"}
RELATIVE_NOTE = "引文中的网址是相对于本站根目录的地址：本站构建时未设置 html_baseurl。"


def control(reference: str, anchor: str, what: str, relative: bool) -> cite_control:
    node = cite_control("", classes=["cite-control", "no-search", f"cite-{what}"])
    node["summary"] = SUMMARY[what]
    node["anchor"] = anchor
    node["reference"] = reference
    node["relative"] = relative
    node["downloads"] = []
    return node


def downloads(app: Sphinx, docname: str) -> list[tuple[str, str]]:
    """The report's citation files: (label, link relative to the page)."""
    page = app.builder.get_target_uri(docname)
    return [
        (label, relative_uri(page, docname + suffix))
        for label, suffix in (("BibTeX", ".bib"), ("CSL-JSON", ".csl.json"))
    ]


class Record(NamedTuple):
    """What the build keeps of a cited report: its key and the CSL-JSON item published."""

    key: str
    item: dict[str, Any]


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
    references = ReportReferences(item, app.config.shufa_citation_style)
    relative = not app.config.html_baseurl
    env.shufa_citations[env.docname] = Record(report.key, item)

    whole = control(references(""), "", "report", relative)
    whole["downloads"] = downloads(app, env.docname)
    # Right after the report's facts (author, dates, source), wherever the header puts them.
    header = next(top.findall(report_header), None)
    meta = next((c for c in header.children if isinstance(c, nodes.field_list)), None) if header else None
    if meta is not None:
        meta.parent.insert(meta.parent.index(meta) + 1, whole)
    else:
        top.insert(1, whole)

    # Collected first: the tree must not change under findall().
    sections = [s for s in top.findall(nodes.section) if isinstance(s, (report_section, report_closing))]
    items = list(top.findall(report_item))
    for section in sections:
        anchor = section["ids"][0]
        section.insert(1, control(references(anchor), anchor, "section", relative))
    for block in items:
        anchor = block["ids"][0]
        first_text = next((i for i, c in enumerate(block.children) if isinstance(c, nodes.paragraph)), -1)
        block.insert(first_text + 1, control(references(anchor), anchor, "item", relative))


# --- HTML ----------------------------------------------------------------------------------------


_COPY_BUTTON = (
    '<button class="cite-copy" data-copied="已复制" data-failed="复制失败" hidden="hidden" type="button">'
    "复制</button>"
)


def visit_cite_control(self: HTML5Translator, node: cite_control) -> None:
    encode = self.encode
    out = [
        self.starttag(node, "details", "", **{"data-anchor": node["anchor"]}),
        f"<summary>{encode(node['summary'])}</summary>",
        f'<p class="cite-reference"><span class="cite-text">{encode(node["reference"])}</span></p>\n',
        _COPY_BUTTON,
    ]
    if node.get("relative"):
        out.append(f'<p class="cite-note">{encode(RELATIVE_NOTE)}</p>\n')
    if node.get("downloads"):
        links = " · ".join(
            f'<a class="cite-download reference external" href="{encode(href)}">{encode(label)}</a>'
            for label, href in node["downloads"]
        )
        out.append(f'<p class="cite-downloads">下载引文：{links}</p>\n')
    out.append("</details>\n")
    self.body.append("".join(out))
    raise nodes.SkipNode


def skip(self: Any, node: nodes.Element) -> None:
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
    app.setup_extension("shufa.data")
    app.setup_extension("shufa.config")
    app.add_node(
        cite_control,
        html=(visit_cite_control, None),
        latex=(skip, None),
        text=(skip, None),
        man=(skip, None),
        texinfo=(skip, None),
    )
    app.setup_extension("shufa.assets")
    per_document_store(app, "shufa_citations")
    app.connect("env-get-outdated", _outdated)
    app.connect("doctree-read", add_cite_controls)
    app.connect("build-finished", write_downloads)
    return {"version": "1", "env_version": 2, "parallel_read_safe": True, "parallel_write_safe": True}
