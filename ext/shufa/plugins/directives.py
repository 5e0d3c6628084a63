"""Sphinx plugin: the directive blocks a report page is made of.

A generated report page is one ``report`` block wrapping one ``report-section``
block per section and one ``report-closing`` block per closing part::

    .. report:: qinghe/shufa/2023

       .. report-section:: 1

       .. report-closing:: shortcomings

Each directive builds docutils nodes straight from the model. Report text is
never parsed as markup; ids are set here (``s3``, ``s3-2``, ``shortcomings``)
because docutils would give Chinese headings positional ids (``id1``).

Other plugins extend the page through the events ``shufa-report-header``,
``shufa-report-part`` and ``shufa-report-item`` instead of editing this module,
and find its parts by the node types below (never by CSS class): each is the
docutils node it extends, written the same way. (Only block nodes that never
stand in a list: docutils' own list checks visit node types by name.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.writers.html5 import HTML5Translator

from ..core.labels import UNKNOWN_SHOWN, missing_county, part_label, report_name
from ..core.model import ClosingPart, Item, Part, Report, Section
from ..core.problems import Code
from ..core.redaction import REDACTION
from . import metadata
from .data import get_archive, get_load_result, note_model_dependency
from .domain import CURRENT_REPORT, ReportDomain, doc_ref, report_ref
from .inline import paragraphs, strong_leaf, text_leaf, text_nodes
from .shared.envstore import emit

logger = logging.getLogger(__name__)


class report_page(nodes.section):
    """The whole report (id ``report``): title, header, preamble, parts, signature."""


class report_header(nodes.container):
    """The report's header: the breadcrumbs, then its facts as a definition list (地区, 报告类型,
    报告人, dates, source), then what plugins add (year switcher, reuse rate …)."""


class report_section(nodes.section):
    """A numbered section (``s3``)."""


class report_closing(nodes.section):
    """A closing part (``shortcomings``, ``next-steps``, or ``s6`` when numbered)."""


class report_item(nodes.container):
    """A numbered item (``s3-2``), with its nested items inside."""


class section_topic(nodes.paragraph):
    """The line under a part's heading that names its topic (and, from other plugins, more)."""


#: The node types of a report's parts (sections, closing parts, items), for other plugins.
PART_NODES = (report_section, report_closing, report_item)


#: What follows a Chinese label (地区：): the full-width colon, never ASCII ``:``.
LABEL_COLON = "："

#: The class of a part's opening paragraph (a section's lead, a closing part's intro): not
#: ``lead``, which Bootstrap styles as a display paragraph (20 px, weight 300).
OPENING_CLASS = "opening"


def redaction_legend() -> nodes.paragraph:
    """The line that says once what the marks of a redacted report mean (the marks themselves
    are no tab stops); chrome, left out of search."""
    legend = nodes.paragraph(classes=["redaction-legend", "no-search"])
    legend += nodes.inline("**", "**", classes=["redaction-sample"])
    legend += nodes.Text("　这样的标记是原文隐去的名称或数字，本站照录，不作推测。")
    return legend


class ReportPartDirective(SphinxDirective):
    """Shared base: finds the report being rendered and registers targets in the domain."""

    def report_for(self, key: str | None) -> Report | None:
        archive = get_archive(self.env)
        report = archive.reports.get(key or "")
        if report is None:
            self.warn_missing(f"no report {key!r} in the archive (its data file is missing or has errors)")
        return report

    def warn_missing(self, message: str) -> None:
        """A located warning (``shufa.missing``) for a block that names what the model lacks."""
        logger.warning(message, location=self.get_location(), type="shufa", subtype=Code.MISSING)

    @property
    def domain(self) -> ReportDomain:
        return self.env.domains["report"]  # type: ignore[return-value]

    def register(self, report: Report, anchor: str, aliases: list[str], objtype: str) -> None:
        label = part_label(get_archive(self.env), report, anchor)
        for name in (anchor, *aliases):
            self.domain.note_object(f"{report.key}/{name}", objtype, name, label, self.get_location())

    def marks(self, report: Report, anchor: str, field: str, text: str) -> list:
        """Nodes other plugins place over spans of a text field (figure marks).

        Asked for once per report and page (one event, not one per field), then handed
        out field by field."""
        pages = self.env.temp_data.setdefault("shufa_marks", {})
        if report.key not in pages:
            grouped: dict[tuple[str, str], list] = {}
            for found in emit(self.env.events, "shufa-report-marks", self, report):
                for at, name, start, end, node in found or ():
                    grouped.setdefault((at, name), []).append((start, end, node))
            pages[report.key] = grouped
        return pages[report.key].pop((anchor, field), [])

    def field_nodes(self, report: Report, anchor: str, field: str, text: str) -> list[nodes.Node]:
        """A text field of the report as inline nodes: literal text, redaction and figure marks."""
        return text_nodes(text, self.marks(report, anchor, field, text))

    def field_paragraphs(
        self, report: Report, anchor: str, field: str, text: str, classes: list[str] | None = None
    ) -> list[nodes.paragraph]:
        return paragraphs(text, classes, self.marks(report, anchor, field, text))

    def items(self, report: Report, items: list[Item]) -> list[nodes.Element]:
        """Items as blocks with their own ids; the printed marker and run-in label kept."""
        out = []
        for item in items:
            para = nodes.paragraph()  # (.report-item > p: a class on each would be bytes only)
            para += text_leaf(item.marker, printed=item.marker, classes=["marker"])
            if item.label:
                label = self.field_nodes(report, item.anchor, "label", item.label)
                if len(label) == 1 and type(label[0]) is nodes.Text:
                    # (no mark in it: a leaf, one node fewer)
                    para += strong_leaf(item.label, printed=item.label, classes=["run-in"])
                else:
                    para += nodes.strong(item.label, "", *label, classes=["run-in"])
            para += self.field_nodes(report, item.anchor, "text", item.text)
            block = report_item(ids=item.ids, classes=["report-item"])
            block += para
            block += self.items(report, item.items)
            self.register(report, item.anchor, item.ids[1:], "item")
            emit(self.env.events, "shufa-report-item", self, report, item, block)
            out.append(block)
        return out


class ReportDirective(ReportPartDirective):
    """The page of one report: title, header, preamble, then the nested section blocks."""

    required_arguments = 1
    has_content = True

    def run(self) -> list[nodes.Node]:
        key = self.arguments[0]
        report = self.report_for(key)
        if report is None:
            return []
        archive = get_archive(self.env)
        self.env.note_dependency(str(Path(get_load_result(self.env).files[key]).resolve()))
        note_model_dependency(self.env, f"county-info:{report.county}")
        note_model_dependency(self.env, "kinds")

        section = report_page(ids=["report"], classes=["report"])
        title = nodes.title(report.title, "", *self.field_nodes(report, "report", "title", report.title))
        county = missing_county(archive, report)
        if county:
            # a title that does not name the county gets it on a line above, inside the heading:
            # the page's <title> and its search entry name the county too (display_title)
            title.insert(0, nodes.inline(county, county, classes=["report-county"]))
        section += title
        if report.subtitle:
            section += nodes.paragraph(
                "",
                "",
                *self.field_nodes(report, "report", "subtitle", report.subtitle),
                classes=["report-subtitle"],
            )
        header = report_header(classes=["report-header"])
        header += self.breadcrumbs(report)
        header += self.header(report)
        if any(REDACTION.search(f.text) for f in report.fields()):
            header += redaction_legend()
        emit(self.env.events, "shufa-report-header", self, report, header)
        section += header
        if report.preamble:
            section += nodes.container(
                "",
                *self.field_paragraphs(report, "preamble", "preamble", report.preamble),
                ids=["preamble"],
                classes=["preamble"],
            )
        self.domain.note_object(key, "report", "report", report_name(archive, report), self.get_location())

        self.env.ref_context[CURRENT_REPORT] = key
        try:
            self.state.nested_parse(self.content, self.content_offset, section, match_titles=True)
        finally:
            self.env.ref_context.pop(CURRENT_REPORT, None)
        section += self.signature(report)
        if report.notes:
            note = nodes.admonition(classes=["note", "keeper-note"])
            note += nodes.title("整理者注", "整理者注")
            note += paragraphs(report.notes)
            section += note
        return [section]

    def breadcrumbs(self, report: Report) -> nodes.Element:
        archive = get_archive(self.env)
        county = archive.counties[report.county]
        kind = archive.kinds[report.kind]
        trail = nodes.paragraph(classes=["breadcrumbs"])
        trail += doc_ref(self.env, "index", nodes.inline("", "首页"))
        trail += nodes.Text(" › ")
        trail += doc_ref(self.env, "reports/index", nodes.inline("", "报告库"))
        trail += nodes.Text(" › ")
        trail += doc_ref(self.env, county.docname, nodes.inline("", county.name))
        trail += nodes.Text(f" › {kind.name} › {report.year}年")
        return nodes.container("", trail, classes=["report-nav", "no-search"])

    def header(self, report: Report) -> nodes.Element:
        archive = get_archive(self.env)
        county = archive.counties[report.county]
        kind = archive.kinds[report.kind]
        # A definition list: label then value, the label with its full-width colon in the text.
        fields = nodes.definition_list(classes=["report-meta"])

        def field(name: str, *body: nodes.Node) -> None:
            label = f"{name}{LABEL_COLON}"
            fields.append(
                nodes.definition_list_item(
                    "", nodes.term(label, label), nodes.definition("", nodes.paragraph("", "", *body))
                )
            )

        field("地区", nodes.Text(county.place))
        field("报告类型", nodes.Text(kind.name))
        field("报告年度", nodes.Text(f"{report.year}年"))
        role = archive.author_role(report)
        who = [nodes.Text(role)] if role else []
        if report.author_name:
            who += [nodes.Text(" "), *self.field_nodes(report, "report", "author.name", report.author_name)]
        if report.organization and report.organization != role:
            who = [nodes.Text(report.organization + ("　" if who else "")), *who]
        if who:
            field("报告人", *who)
        for label, value, key in (
            ("印发日期", report.issued, "date.issued"),
            ("发布日期", report.published, "date.published"),
        ):
            if value or report.is_unknown(key):
                field(label, nodes.Text(value or UNKNOWN_SHOWN))
        if report.source_url:
            link = nodes.reference(report.source_url, report.source_url, refuri=report.source_url)
            body: list[nodes.Node] = [link]
            if report.source_note:
                body += [nodes.Text("（"), *text_nodes(report.source_note), nodes.Text("）")]
            field("来源", *body)
        elif report.obtained or report.is_unknown("source.url") or report.source_note:
            # not online (how it was obtained), or online at an address nobody can tell
            said = [report.obtained] if report.obtained else []
            if report.is_unknown("source.url"):
                said.append(f"网址{UNKNOWN_SHOWN}")
            body = [nodes.Text("；".join(said))] if said else []
            if report.source_note:
                body += (
                    [nodes.Text("（"), *text_nodes(report.source_note), nodes.Text("）")]
                    if body
                    else text_nodes(report.source_note)
                )
            field("来源", *body)
        if report.retrieved or report.is_unknown("source.retrieved"):
            field("获取日期", nodes.Text(report.retrieved or UNKNOWN_SHOWN))
        return fields

    def signature(self, report: Report) -> list[nodes.Element]:
        lines = [
            paragraph
            for field, text in (("signature", report.signature), ("date_line", report.date_line))
            if text
            for paragraph in self.field_paragraphs(report, "report", field, text)
        ]
        if not lines:
            return []
        return [nodes.container("", *lines, classes=["report-signature"])]


class PartDirective(ReportPartDirective):
    """One part of the report (:class:`~shufa.core.model.Part`): a real document section with
    the part's ids, its heading (the marker, then the heading as printed or the usual one), then
    its fields in the model's reading order."""

    required_arguments = 1
    #: The node of the part, and what the argument names ("section 3", "closing part next-steps").
    node_type: type[nodes.section]
    what: str

    def run(self) -> list[nodes.Node]:
        report = self.report_for(self.env.ref_context.get(CURRENT_REPORT))
        if report is None:
            return []
        part = self.part_of(report, self.arguments[0])
        if part is None:
            self.warn_missing(f"report {report.key} has no {self.what} {self.arguments[0]!r}")
            return []
        return [self.build(report, part)]

    def part_of(self, report: Report, argument: str) -> Part | None:
        raise NotImplementedError

    def classes(self, part: Part) -> list[str]:
        raise NotImplementedError

    def under_heading(self, part: Part) -> list[nodes.Node]:
        """What stands between the heading and the text (a section's topic)."""
        return []

    def build(self, report: Report, part: Part) -> nodes.section:
        node = self.node_type(ids=part.ids, classes=self.classes(part))
        title = nodes.title()
        if part.marker:
            title += text_leaf(part.marker, printed=part.marker, classes=["marker"])
        if part.heading:
            title += self.field_nodes(report, part.anchor, "heading", part.heading)
        else:
            title += text_nodes(part.usual_heading)
        node += title
        node += self.under_heading(part)
        for name in part.ORDER[2:]:  # after the marker and the heading
            if name == "items":
                node += self.items(report, part.items)
            elif text := getattr(part, name):
                classes = [OPENING_CLASS] if name == part.OPENING else None
                node += self.field_paragraphs(report, part.anchor, name, text, classes)
        self.register(report, part.anchor, part.ids[1:], "section")
        emit(self.env.events, "shufa-report-part", self, report, part, node)
        return node


class SectionDirective(PartDirective):
    """One numbered section: id ``s<ordinal>``, under its heading the line that names its topic."""

    node_type = report_section
    what = "section"

    def part_of(self, report: Report, argument: str) -> Section | None:
        try:
            return report.sections[int(argument) - 1]
        except (ValueError, IndexError):
            return None

    def classes(self, part: Part) -> list[str]:
        return ["report-section"]

    def under_heading(self, part: Part) -> list[nodes.Node]:
        assert isinstance(part, Section)
        topic = get_archive(self.env).topics.get(part.topic)
        if topic is None:
            return []
        tag = section_topic(classes=["section-topic", "no-search"])
        tag += text_leaf("", printed="主题：")
        tag += report_ref(self.env, "topic", topic.key, text_leaf(topic.label, printed=topic.label))
        return [tag]


class ClosingDirective(PartDirective):
    """A closing part: ``shortcomings`` (存在的不足) or ``next-steps`` (下一步)."""

    node_type = report_closing
    what = "closing part"

    def part_of(self, report: Report, argument: str) -> ClosingPart | None:
        return next((p for p in report.closing_parts if p.role == argument), None)

    def classes(self, part: Part) -> list[str]:
        assert isinstance(part, ClosingPart)
        return ["report-closing", part.role]


def visit_block_html(self: HTML5Translator, node: nodes.Element) -> None:
    # a plain <div> with the block's own classes: docutils' "docutils container" on each of a
    # report's 30-odd items is weight on every page and styles nothing
    self.body.append(self.starttag(node, "div", ""))


def depart_block_html(self: HTML5Translator, node: nodes.Element) -> None:
    self.body.append("</div>\n")


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("shufa.plugins.data")
    # HTML only: the other builders write them as the containers they are
    app.add_node(report_header, html=(visit_block_html, depart_block_html))
    app.add_node(report_item, html=(visit_block_html, depart_block_html))
    app.setup_extension("shufa.plugins.inline")
    app.setup_extension("shufa.plugins.domain")
    # Other plugins add to a report page through these events (crossyear links, citations …):
    # each handler gets the directive, the report, the model part and the node it may extend.
    app.add_event("shufa-report-header")  # (directive, report, header container)
    app.add_event("shufa-report-part")  # (directive, report, Part: Section | ClosingPart, section node)
    app.add_event("shufa-report-item")  # (directive, report, Item, item container)
    # (directive, report) → [(anchor, field, start, end, node)]: nodes placed over spans of
    # the report's text fields (the field's text[start:end]), each used once
    app.add_event("shufa-report-marks")
    app.add_directive("report", ReportDirective)
    app.add_directive("report-section", SectionDirective)
    app.add_directive("report-closing", ClosingDirective)
    return metadata()
