"""Sphinx plugin: the archive's browsing pages — home overview, county list, county page, years.

Every page here lists only what it is about (a county's reports, a year's
reports), so the cost of a page does not grow with the archive. Each directive
records the model parts it shows (``note_model_dependency``), so adding a
report re-reads exactly the lists that show it.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx_design.shared import create_component

from .core.model import Archive, County, Report
from .data import get_archive, note_model_dependency
from .domain import doc_ref, label_ref, report_ref
from .inline import paragraphs, text_nodes


def card_grid(cards: list[nodes.Element], columns: int = 3) -> nodes.Element:
    """A sphinx-design grid of cards (built as its components, so its CSS applies)."""
    row = create_component(
        "grid-row",
        ["sd-row", "sd-row-cols-1", "sd-row-cols-sm-2", f"sd-row-cols-md-{columns}", "sd-g-3"],
    )
    for card in cards:
        row += create_component("grid-item", ["sd-col", "sd-d-flex-row"], children=[card])
    return create_component(
        "grid-container", ["sd-container-fluid", "sd-sphinx-override", "sd-mb-4"], children=[row]
    )


def card(title: list[nodes.Node], body: list[nodes.Node], link: nodes.Element | None = None) -> nodes.Element:
    """A card titled *title*; with *link* (a reference holding *title*), the whole card is clickable."""
    heading = create_component("card-title", ["sd-card-title", "sd-font-weight-bold"])
    classes = ["sd-card", "sd-sphinx-override", "sd-mb-3", "sd-shadow-sm", "sd-w-100"]
    if link is not None:
        classes.append("sd-card-hover")
        link["classes"] = [*link.get("classes", []), "sd-stretched-link"]
        link.children = []
        link += nodes.inline("", "", *title)
        heading += nodes.paragraph("", "", link)
    else:
        heading += nodes.paragraph("", "", *title)
    content = create_component("card-body", ["sd-card-body"], children=[heading, *body])
    return create_component("card", classes, children=[content])


def card_text(text: str) -> nodes.paragraph:
    return nodes.paragraph(text, text, classes=["sd-card-text"])


def report_link(env, report: Report, *children: nodes.Node) -> nodes.Element:
    return report_ref(env, "report", report.key, *(children or [nodes.inline("", report.title)]))


class ListingDirective(SphinxDirective):
    @property
    def archive(self) -> Archive:
        return get_archive(self.env)

    def titled(self, title: str, ids: str) -> nodes.section:
        section = nodes.section(ids=[ids])
        section += nodes.title(title, "", *text_nodes(title))
        return section


class ArchiveOverviewDirective(ListingDirective):
    """The home page's counts and entry points."""

    def run(self) -> list[nodes.Node]:
        note_model_dependency(self.env, "archive")
        archive = self.archive
        reports = list(archive.reports.values())
        sections = sum(len(r.sections) for r in reports)
        years = archive.years()
        span = f"{years[0]}—{years[-1]}年" if years else "暂无"
        stats = nodes.bullet_list(classes=["archive-stats"])
        for number, what in (
            (len(archive.counties), "个县（市、区）"),
            (len(reports), "份报告"),
            (sections, "个部分"),
            (len(years), f"个年度（{span}）"),
        ):
            stats += nodes.list_item(
                "", nodes.paragraph("", "", nodes.strong(str(number), str(number)), nodes.Text(what))
            )
        kinds = nodes.paragraph(classes=["archive-kinds"])
        for i, kind in enumerate(archive.kinds.values()):
            count = sum(1 for r in reports if r.kind == kind.slug)
            kinds += nodes.Text(("；" if i else "收录") + f"{kind.name}{count}份")
        kinds += nodes.Text("。")
        entries = [
            card(
                [nodes.Text("按地区浏览")],
                [card_text("各县（市、区）的历年报告，按省、市排列。")],
                doc_ref(self.env, "reports/index", nodes.inline("", "报告库")),
            ),
            card(
                [nodes.Text("按年度浏览")],
                [card_text("每一年度收录的全部报告。")],
                doc_ref(self.env, "years/index", nodes.inline("", "年度")),
            ),
            card(
                [nodes.Text("按主题浏览")],
                [card_text("同一主题在各地、各年度报告中的部分。")],
                label_ref(self.env, "report-topics", nodes.inline("", "主题")),
            ),
            card(
                [nodes.Text("使用指南")],
                [card_text("如何查阅、引用和添加报告。")],
                doc_ref(self.env, "guide/index", nodes.inline("", "指南")),
            ),
        ]
        return [stats, kinds, card_grid(entries, columns=2)]


class ArchiveIndexDirective(ListingDirective):
    """Every county, grouped by province and city, with its reports per kind."""

    def run(self) -> list[nodes.Node]:
        note_model_dependency(self.env, "archive")
        archive = self.archive
        groups: dict[tuple[str, str], list[County]] = {}
        for county in archive.counties.values():
            groups.setdefault((county.province, county.city), []).append(county)
        out = [self.titled("报告库", "archive")]
        intro = "按省、市列出收录的县（市、区）；点击进入该地的历年报告。"
        out[0] += nodes.paragraph(intro, intro)
        for (province, city), counties in groups.items():
            name = "".join(p for p in (province, city) if p) or "其他"
            section = self.titled(name, f"{counties[0].slug}-group")
            cards = []
            for county in counties:
                mine = archive.reports_of(county.slug)
                summary = []
                for kind in archive.kinds.values():
                    years = [r.year for r in mine if r.kind == kind.slug]
                    if years:
                        summary.append(f"{kind.name} {len(years)}份（{years[0]}—{years[-1]}）")
                body = [card_text(s) for s in summary] or [card_text("暂无报告")]
                cards.append(
                    card(
                        [nodes.Text(county.name)],
                        body,
                        doc_ref(self.env, county.docname, nodes.inline("", county.name)),
                    )
                )
            section += card_grid(cards)
            out[0] += section
        return out


class CountyPageDirective(ListingDirective):
    """A county: its details, then each kind of report with its years."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        slug = self.arguments[0]
        note_model_dependency(self.env, f"county:{slug}")
        note_model_dependency(self.env, "kinds")
        archive = self.archive
        county = archive.counties[slug]
        page = self.titled(county.name, "county")
        details = "".join(p for p in (county.province, county.city) if p) + county.name
        if county.code:
            details += f" · 行政区划代码 {county.code}"
        page += nodes.paragraph(details, details, classes=["county-details"])
        if county.note:
            page += paragraphs(county.note, ["county-note"])
        self.env.domains["report"].note_object(slug, "county", "county", county.name, self.get_location())
        for kind in archive.kinds.values():
            reports = archive.reports_of(slug, kind.slug)
            section = self.titled(kind.name, kind.slug)
            if not reports:
                section += nodes.paragraph("暂无收录。", "暂无收录。", classes=["empty"])
            else:
                items = nodes.bullet_list(classes=["report-years"])
                for report in reports:
                    para = nodes.paragraph()
                    para += report_link(self.env, report, nodes.inline("", f"{report.year}年"))
                    para += nodes.Text("　")
                    para += text_nodes(report.title)
                    items += nodes.list_item("", para)
                section += items
            self.env.events.emit("shufa-county-kind", self, county, kind, reports, section)
            page += section
        return [page]


class YearsIndexDirective(ListingDirective):
    """Every year with its number of reports."""

    def run(self) -> list[nodes.Node]:
        note_model_dependency(self.env, "archive")
        archive = self.archive
        page = self.titled("按年度浏览", "years")
        items = nodes.bullet_list(classes=["year-list"])
        for year in reversed(archive.years()):
            count = len(archive.reports_in_year(year))
            para = nodes.paragraph()
            para += doc_ref(self.env, f"years/{year}", nodes.inline("", f"{year}年"))
            para += nodes.Text(f"　{count}份报告")
            items += nodes.list_item("", para)
        page += items
        return [page]


class YearPageDirective(ListingDirective):
    """The reports covering one year, by kind, then county."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        year = int(self.arguments[0])
        note_model_dependency(self.env, f"year:{year}")
        note_model_dependency(self.env, "kinds")
        archive = self.archive
        page = self.titled(f"{year}年度报告", "year")
        reports = archive.reports_in_year(year)
        for kind in archive.kinds.values():
            mine = [r for r in reports if r.kind == kind.slug]
            if not mine:
                continue
            section = self.titled(kind.name, kind.slug)
            items = nodes.bullet_list(classes=["year-reports"])
            for report in mine:
                para = nodes.paragraph()
                para += report_link(self.env, report, nodes.inline("", archive.counties[report.county].name))
                para += nodes.Text("　")
                para += text_nodes(report.title)
                items += nodes.list_item("", para)
            section += items
            page += section
        return [page]


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("shufa.data")
    app.setup_extension("shufa.domain")
    app.setup_extension("sphinx_design")
    app.add_event("shufa-county-kind")  # (directive, county, kind, its reports, section node)
    app.add_directive("archive-overview", ArchiveOverviewDirective)
    app.add_directive("archive-index", ArchiveIndexDirective)
    app.add_directive("county-page", CountyPageDirective)
    app.add_directive("years-index", YearsIndexDirective)
    app.add_directive("year-page", YearPageDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
