"""Sphinx plugin: the archive's browsing pages — home, provinces, counties, years and topics.

Every page lists a bounded number of things: the pages across the archive (the
provinces, a year's or a topic's provinces) show counts and link to a page per
province, which lists that province's counties, reports or sections. So no page
grows with the whole archive. The pages across provinces are drawn from the
summary of the reports (:func:`shufa.plugins.data.get_summary`), which a partitioned build
merges from its partitions. Each directive records the model parts it shows
(``note_model_dependency``), so adding a report re-reads exactly the lists that show it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri
from sphinx.writers.html5 import HTML5Translator
from sphinx_design.shared import create_component

from ..core.atomfeeds import ARCHIVE_FEED, newest, report_date
from ..core.labels import display_title, year_span
from ..core.model import Archive, County, Report
from ..core.summary import ReportStub, Summary
from . import metadata
from .data import get_archive, get_summary, note_model_dependency
from .domain import doc_ref, report_ref
from .inline import paragraphs, text_nodes
from .shared.envstore import emit, env_dict
from .shared.markup import add_html_node


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

    @property
    def summary(self) -> Summary:
        return get_summary(self.env)

    def titled(self, title: str, ids: str) -> nodes.section:
        section = nodes.section(ids=[ids])
        section += nodes.title(title, "", *text_nodes(title))
        return section

    def counts(self, reports: list[ReportStub]) -> str:
        """述法报告3份；法治政府建设年度报告2份 (the kinds with reports among *reports*)."""
        found = Counter(r.kind for r in reports)
        return "；".join(f"{k.name}{found[k.slug]}份" for k in self.archive.kinds.values() if found[k.slug])

    def provinces(self, reports: list[ReportStub]) -> dict[str, list[ReportStub]]:
        """*reports* by province (slug), provinces in the order of provinces.yaml."""
        archive = self.archive
        grouped: dict[str, list[ReportStub]] = {p: [] for p in archive.provinces}
        for report in reports:
            grouped[archive.counties[report.county].province_slug].append(report)
        return grouped

    def province_list(self, grouped: dict[str, list[ReportStub]], page: str, classes: str) -> nodes.Element:
        """A list of the provinces with reports, each linking to its page ``<page>/<province>``."""
        items = nodes.bullet_list(classes=[classes])
        for province, reports in grouped.items():
            if not reports:
                continue
            para = nodes.paragraph()
            name = self.archive.provinces[province].name
            para += doc_ref(self.env, f"{page}/{province}", nodes.inline("", name))
            para += nodes.Text(f"　{self.counts(reports)}")
            items += nodes.list_item("", para)
        return items


class search_box(nodes.General, nodes.Element):
    """A search field that opens the search page (the home page's), written by the HTML visitor."""


def visit_search_box_html(self: HTML5Translator, node: search_box) -> None:
    builder = self.builder
    action = builder.get_relative_uri(builder.current_docname, "search")
    self.body.append(
        f'<form class="home-search" action="{self.encode(action)}" method="get" role="search">\n'
        '<label for="home-search-q">搜索报告</label>\n'
        '<input type="search" id="home-search-q" name="q" placeholder="如：行政复议、224项、青禾县" required>\n'
        '<button type="submit">搜索</button>\n</form>\n'
    )
    raise nodes.SkipNode


class feed_link(nodes.General, nodes.Element):
    """The archive's feed, offered in words (the home page's), written by the HTML visitor."""


def visit_feed_link_html(self: HTML5Translator, node: feed_link) -> None:
    builder = self.builder
    uri = relative_uri(builder.get_target_uri(builder.current_docname), ARCHIVE_FEED)
    self.body.append(
        f'<p class="feed-link"><a class="reference external" href="{self.encode(uri)}">订阅新收录的报告（Atom 订阅源）</a>'
        "：在阅读器中添加这个地址，报告库收录新报告时会收到通知。</p>\n"
    )
    raise nodes.SkipNode


def _note_plugins(app: Sphinx) -> None:
    # (whether the feeds are written: the home page offers the archive's feed only then)
    env_dict(app.env, "shufa_listings")["feeds"] = "shufa.plugins.feeds" in app.extensions


#: How many reports the home page lists as recently added.
RECENT = 6


class ArchiveOverviewDirective(ListingDirective):
    """The home page: a search field, the counts, the reports recently added (with the feed of new
    reports) and the entry points."""

    def recently_added(self) -> list[nodes.Node]:
        """The newest reports, named with their county (the same as the archive's feed: one rule,
        :func:`shufa.core.atomfeeds.newest`), and the feed itself."""
        note_model_dependency(self.env, f"summary:newest:{RECENT}")
        reports = newest(self.summary.reports.values(), RECENT)
        if not reports:
            return []
        section = self.titled("新收录的报告", "recently-added")
        items = nodes.bullet_list(classes=["recently-added"])
        for report in reports:
            para = nodes.paragraph()
            para += report_ref(
                self.env, "report", report.key, nodes.inline("", display_title(self.archive, report))
            )
            # the day the list is ordered by: entered the archive (else, not locked yet, published or issued)
            said = "收录" if report.added else "发布" if report.published else "印发"
            para += nodes.Text("　")
            para += nodes.inline("", f"{said} {report_date(report)}", classes=["nobr"])  # one line on a phone
            items += nodes.list_item("", para)
        section += items
        if env_dict(self.env, "shufa_listings").get("feeds"):
            section += feed_link()
        return [section]

    def run(self) -> list[nodes.Node]:
        note_model_dependency(self.env, "registries")
        note_model_dependency(self.env, "summary:reports")
        archive = self.archive
        reports = list(self.summary.reports.values())
        sections = sum(1 for r in reports for p in r.parts if p.topic)
        years = self.summary.years()
        span = year_span(years) or "暂无"
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
        found = Counter(r.kind for r in reports)
        for i, kind in enumerate(archive.kinds.values()):
            kinds += nodes.Text(("；" if i else "收录") + f"{kind.name}{found[kind.slug]}份")
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
                doc_ref(self.env, "topics/index", nodes.inline("", "主题")),
            ),
            card(
                [nodes.Text("使用指南")],
                [card_text("如何查阅、引用和添加报告。")],
                doc_ref(self.env, "guide/index", nodes.inline("", "指南")),
            ),
        ]
        return [search_box(), stats, kinds, *self.recently_added(), card_grid(entries, columns=2)]


class ArchiveIndexDirective(ListingDirective):
    """The provinces, each with its number of counties and reports (their pages list the counties)."""

    def run(self) -> list[nodes.Node]:
        note_model_dependency(self.env, "registries")
        note_model_dependency(self.env, "summary:reports")
        archive = self.archive
        out = self.titled("报告库", "archive")
        intro = "按省列出收录的县（市、区）；点击进入该省各县的历年报告。"
        out += nodes.paragraph(intro, intro)
        grouped = self.provinces(list(self.summary.reports.values()))
        cards = []
        for slug, province in archive.provinces.items():
            counties = archive.counties_in(slug)
            if not counties:
                continue
            body = [card_text(f"{len(counties)}个县（市、区）")]
            if grouped[slug]:
                body.append(card_text(self.counts(grouped[slug])))
            cards.append(
                card(
                    [nodes.Text(province.name)],
                    body,
                    doc_ref(self.env, f"provinces/{slug}", nodes.inline("", province.name)),
                )
            )
        out += card_grid(cards)
        return [out]


class ProvincePageDirective(ListingDirective):
    """A province's counties, grouped by city, with their reports per kind."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        slug = self.arguments[0]
        note_model_dependency(self.env, "registries")
        note_model_dependency(self.env, f"summary:province:{slug}")
        archive = self.archive
        province = archive.provinces[slug]
        out = self.titled(province.name, "province")
        intro = "按市列出收录的县（市、区）；点击进入该地的历年报告。"
        out += nodes.paragraph(intro, intro)
        groups: dict[str, list[County]] = {}
        for county in archive.counties_in(slug):
            groups.setdefault(county.city, []).append(county)
        by_county: dict[str, list[ReportStub]] = {}
        for report in self.summary.of_counties(c.slug for c in archive.counties_in(slug)):
            by_county.setdefault(report.county, []).append(report)
        for city, counties in groups.items():
            name = "".join(dict.fromkeys(p for p in (province.name, city) if p)) or "其他"
            section = self.titled(name, f"{counties[0].slug}-group")
            cards = []
            for county in counties:
                mine = by_county.get(county.slug, [])
                summary = []
                for kind in archive.kinds.values():
                    years = [r.year for r in mine if r.kind == kind.slug]
                    if years:
                        summary.append(f"{kind.name} {len(years)}份（{year_span(years)}）")
                body = [card_text(s) for s in summary] or [card_text("暂无报告")]
                cards.append(
                    card(
                        [nodes.Text(county.name)],
                        body,
                        doc_ref(self.env, county.docname, nodes.inline("", county.name)),
                    )
                )
            section += card_grid(cards)
            out += section
        return [out]


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
        details = county.place
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
            emit(self.env.events, "shufa-county-kind", self, county, kind, reports, section)
            for child in section.children[1:]:
                # the years, tables and links repeat the reports: search finds the reports themselves
                child["classes"] = [*child.get("classes", []), "no-search"]
            page += section
        return [page]


class YearsIndexDirective(ListingDirective):
    """Every year with its number of reports."""

    def run(self) -> list[nodes.Node]:
        note_model_dependency(self.env, "summary:reports")
        page = self.titled("按年度浏览", "years")
        items = nodes.bullet_list(classes=["year-list"])
        count = self.summary.count(lambda r: r.year)
        for year in reversed(self.summary.years()):
            para = nodes.paragraph()
            para += doc_ref(self.env, f"years/{year}", nodes.inline("", f"{year}年"))
            para += nodes.Text(f"　{count[year]}份报告")
            items += nodes.list_item("", para)
        page += items
        return [page]


class YearPageDirective(ListingDirective):
    """The reports covering one year, by province (each province's page lists them)."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        year = int(self.arguments[0])
        note_model_dependency(self.env, f"summary:year:{year}")
        note_model_dependency(self.env, "registries")
        page = self.titled(f"{year}年度报告", "year")
        reports = [r for r in self.summary.reports.values() if r.year == year]
        intro = (
            f"{year}年度共收录{len(reports)}份报告：{self.counts(reports)}。按省列出，点击查看各县的报告。"
        )
        page += nodes.paragraph(intro, intro)
        page += self.province_list(self.provinces(reports), f"years/{year}", "year-provinces")
        return [page]


class YearProvinceDirective(ListingDirective):
    """The reports covering one year in one province, by kind, then county."""

    required_arguments = 2

    def run(self) -> list[nodes.Node]:
        year, province = int(self.arguments[0]), self.arguments[1]
        note_model_dependency(self.env, f"summary:year:{year}:{province}")
        note_model_dependency(self.env, "registries")
        archive = self.archive
        name = archive.provinces[province].name
        page = self.titled(f"{name}{year}年度报告", "year")
        counties = [c.slug for c in archive.counties_in(province)]
        reports = [r for r in self.summary.of_counties(counties) if r.year == year]
        back = nodes.paragraph(classes=["listing-up"])
        back += doc_ref(self.env, f"years/{year}", nodes.inline("", f"{year}年度各省报告"))
        page += back
        for kind in archive.kinds.values():
            mine = [r for r in reports if r.kind == kind.slug]
            if not mine:
                continue
            section = self.titled(kind.name, kind.slug)
            items = nodes.bullet_list(classes=["year-reports"])
            for report in mine:
                para = nodes.paragraph()
                para += report_ref(
                    self.env, "report", report.key, nodes.inline("", archive.counties[report.county].name)
                )
                para += nodes.Text("　")
                para += text_nodes(report.title)
                items += nodes.list_item("", para)
            section += items
            page += section
        return [page]


class TopicsIndexDirective(ListingDirective):
    """Every topic with the number of sections on it (each topic's page lists them by province)."""

    def run(self) -> list[nodes.Node]:
        note_model_dependency(self.env, "summary:topics")
        note_model_dependency(self.env, "registries")
        page = self.titled("按主题浏览", "topics")
        intro = "同一主题在各地、各年度报告中的部分。点击主题，按省查看。"
        page += nodes.paragraph(intro, intro)
        count = Counter(p.topic for r in self.summary.reports.values() for p in r.parts if p.topic)
        items = nodes.bullet_list(classes=["topic-list"])
        for topic in self.archive.topics.values():
            para = nodes.paragraph()
            para += doc_ref(self.env, f"topics/{topic.key}", nodes.inline("", topic.label))
            para += nodes.Text(f"　{count[topic.key]}个部分")
            items += nodes.list_item("", para)
        page += items
        return [page]


class TopicPageDirective(ListingDirective):
    """One topic: the provinces whose reports have sections on it."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        key = self.arguments[0]
        note_model_dependency(self.env, f"summary:topic:{key}")
        note_model_dependency(self.env, "registries")
        topic = self.archive.topics[key]
        page = self.titled(topic.label, "topic")
        reports = [r for r in self.summary.reports.values() if any(p.topic == key for p in r.parts)]
        intro = f"{len(reports)}份报告有这一主题的部分。按省列出："
        page += nodes.paragraph(intro, intro)
        page += self.province_list(self.provinces(reports), f"topics/{key}", "topic-provinces")
        return [page]


class TopicProvinceDirective(ListingDirective):
    """One topic in one province: each county's sections on it, year by year."""

    required_arguments = 2

    def run(self) -> list[nodes.Node]:
        key, province = self.arguments
        note_model_dependency(self.env, f"summary:topic:{key}:{province}")
        note_model_dependency(self.env, "registries")
        archive = self.archive
        topic = archive.topics[key]
        page = self.titled(f"{topic.label}（{archive.provinces[province].name}）", "topic")
        back = nodes.paragraph(classes=["listing-up"])
        back += doc_ref(self.env, f"topics/{key}", nodes.inline("", f"{topic.label}：各省"))
        page += back
        for county in archive.counties_in(province):
            found = [
                (r, p) for r in self.summary.of_counties([county.slug]) for p in r.parts if p.topic == key
            ]
            if not found:
                continue
            section = self.titled(county.name, county.slug)
            items = nodes.bullet_list(classes=["topic-sections"])
            for report, part in found:
                para = nodes.paragraph()
                label = f"{report.year}年{archive.kinds[report.kind].name}"
                para += report_ref(
                    self.env, "section", f"{report.key}/{part.anchor}", nodes.inline("", label)
                )
                para += nodes.Text("　")
                para += text_nodes(f"{part.marker}{part.heading}")
                items += nodes.list_item("", para)
            section += items
            page += section
        return [page]


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("shufa.plugins.data")
    app.setup_extension("shufa.plugins.domain")
    app.setup_extension("sphinx_design")
    app.add_event("shufa-county-kind")  # (directive, county, kind, its reports, section node)
    add_html_node(app, search_box, visit_search_box_html)
    add_html_node(app, feed_link, visit_feed_link_html)
    app.connect("builder-inited", _note_plugins)
    app.add_directive("archive-overview", ArchiveOverviewDirective)
    app.add_directive("archive-index", ArchiveIndexDirective)
    app.add_directive("province-page", ProvincePageDirective)
    app.add_directive("county-page", CountyPageDirective)
    app.add_directive("years-index", YearsIndexDirective)
    app.add_directive("year-page", YearPageDirective)
    app.add_directive("year-province", YearProvinceDirective)
    app.add_directive("topics-index", TopicsIndexDirective)
    app.add_directive("topic-page", TopicPageDirective)
    app.add_directive("topic-province", TopicProvinceDirective)
    return metadata()
