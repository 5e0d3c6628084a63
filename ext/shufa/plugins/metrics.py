"""Sphinx plugin: figures over time — marked in the report text, as series on county pages, indexed.

The figures, their metrics and series are :mod:`shufa.core.metricseries`'s. In the
text each figure becomes a ``<data>`` element with its value and, in words, its
qualifier (160余场 → 至少 160 场), with its id (``f-<metric>``). County pages get,
per report kind, a table of each metric across years with a small SVG chart
drawn at build time; a metric index page lists every metric with the counties
and years that report it.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..core import metricseries
from ..core.metricseries import PlacedFigure, chart, format_value, report_figures, series, spoken
from ..core.model import Archive, County, Kind, Report
from . import Order, metadata
from .data import Run, get_archive, note_model_dependency
from .domain import doc_ref, report_ref
from .inline import figure_value
from .listings import ListingDirective
from .shared import tables
from .shared.envstore import env_dict


def figure_node(archive: Archive, placed: PlacedFigure) -> figure_value:
    figure = placed.figure
    metric = archive.metrics.get(placed.metric or "")
    title = f"{metric.label}：{spoken(figure)}" if metric else spoken(figure)
    # (a <data> element is a figure on every page: no class says so, 15 bytes a figure)
    classes = [f"metric-{placed.metric}"] if placed.metric else []
    return figure_value(
        figure.text,
        printed=figure.text,
        ids=[placed.id],
        classes=classes,
        value=format_value(figure.value),
        title=title,
    )


def report_marks(
    app: Sphinx, directive: SphinxDirective, report: Report
) -> list[tuple[str, str, int, int, nodes.Element]]:
    """A figure mark for every figure of *report*: (anchor, field, start, end, node)."""
    archive = get_archive(directive.env)
    placed, _ = report_figures(archive, report)
    return [(p.anchor, p.field, p.figure.start, p.figure.end, figure_node(archive, p)) for p in placed]


def add_metric_series(
    app: Sphinx,
    directive: SphinxDirective,
    county: County,
    kind: Kind,
    reports: list[Report],
    section: nodes.Element,
) -> None:
    env = directive.env
    archive = get_archive(env)
    for report in reports:
        note_model_dependency(env, f"text:{report.key}")
    table_series = series(archive, reports)
    if not table_series:
        return
    years = [r.year for r in reports]
    by_year = {r.year: r for r in reports}
    caption = nodes.paragraph("", f"{kind.name}中的数字（按年度）", classes=["metric-caption"])
    table, body = tables.table(
        ["metric-table"], [24, *([10] * len(years)), 26], ["指标", *[f"{y}年" for y in years], "走势"]
    )
    for key, values in table_series.items():
        metric = archive.metrics[key]
        row = nodes.row(ids=[f"m-{kind.slug}-{key}"])
        row += nodes.entry(
            "", nodes.paragraph("", "", doc_ref(env, "metrics/index", nodes.inline("", metric.label)))
        )
        for year in years:
            if year not in values:
                cell = nodes.paragraph("", "", nodes.inline("—", "—", classes=["absent"]))
            elif values[year] is None:
                cell = nodes.paragraph("", "", nodes.inline("隐去", "隐去", classes=["redacted-value"]))
            else:
                placed = values[year]
                text = placed.figure.text
                cell = nodes.paragraph(
                    "",
                    "",
                    report_ref(env, "figure", f"{by_year[year].key}/{placed.id}", nodes.inline("", text)),
                )
            row += nodes.entry("", cell)
        row += nodes.entry("", nodes.raw("", chart(metric, years, values), format="html"))
        body += row
    section += caption
    section += table
    legend = (
        f"走势图：横轴是年度，自左至右为{years[0]}—{years[-1]}年，与表头的年度一一对应；纵轴是这一指标的数值，"
        "每一行自本行最低值（底部）到最高值（顶部），各行刻度不同，具体数值见同一行。"
        "空心点表示约数（“余”“以上”等），竖虚线表示原文隐去了这一年的数字；该年未报告（表中为“—”）或隐去时，折线断开。"
    )
    section += nodes.paragraph(legend, legend, classes=["table-legend", "metric-legend"])


def _register_report_figures(
    app: Sphinx, directive: SphinxDirective, report: Report, header: nodes.Element
) -> None:
    """Figure targets in the report domain, so county tables and other pages can link them."""
    # the marks and ids depend on the metrics vocabulary too, which the text fingerprint covers
    note_model_dependency(directive.env, f"text:{report.key}")
    archive = get_archive(directive.env)
    domain = directive.env.domains["report"]
    placed, _ = report_figures(archive, report)
    for p in placed:
        metric = archive.metrics.get(p.metric or "")
        label = f"{archive.report_title(report)} {metric.label if metric else '数字'} {p.figure.text}"
        domain.note_object(f"{report.key}/{p.id}", "figure", p.id, label, directive.get_location())


class MetricIndexDirective(ListingDirective):
    """Every metric, with the number of counties reporting it (each metric's page lists them by province)."""

    def run(self) -> list[nodes.Node]:
        note_model_dependency(self.env, "summary:metrics")
        note_model_dependency(self.env, "registries")
        page = self.titled("数字指标", "metrics")
        intro = "报告中的数字按下列指标归类（见 data/metrics.yaml），点击指标按省查看各地的历年数字。"
        page += nodes.paragraph(intro, intro)
        items = nodes.bullet_list(classes=["metric-list"])
        for key, metric in self.archive.metrics.items():
            counties = {c.split("/")[0] for c in self.summary.metric_years.get(key, {})}
            para = nodes.paragraph()
            para += doc_ref(self.env, f"metrics/{key}", nodes.inline("", metric.label))
            para += nodes.Text(f"　{len(counties)}个县（市、区）" if counties else "　暂无报告涉及")
            items += nodes.list_item("", para)
        page += items
        return [page]


class MetricPageDirective(ListingDirective):
    """One metric: the provinces whose counties report it."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        key = self.arguments[0]
        note_model_dependency(self.env, "summary:metrics")
        note_model_dependency(self.env, "registries")
        archive = self.archive
        metric = archive.metrics[key]
        page = self.titled(metric.label, key)
        reported = self.summary.metric_years.get(key, {})
        by_province: dict[str, set[str]] = {}
        for county_kind in reported:
            county = county_kind.split("/")[0]
            if county in archive.counties:
                by_province.setdefault(archive.counties[county].province_slug, set()).add(county)
        if not by_province:
            page += nodes.paragraph("暂无报告涉及。", "暂无报告涉及。", classes=["empty"])
            return [page]
        items = nodes.bullet_list(classes=["metric-provinces"])
        for province in archive.provinces:
            if province in by_province:
                para = nodes.paragraph()
                name = archive.provinces[province].name
                para += doc_ref(self.env, f"metrics/{key}/{province}", nodes.inline("", name))
                para += nodes.Text(f"　{len(by_province[province])}个县（市、区）")
                items += nodes.list_item("", para)
        page += items
        return [page]


class MetricProvinceDirective(ListingDirective):
    """One metric in one province: the counties and years that report it."""

    required_arguments = 2

    def run(self) -> list[nodes.Node]:
        key, province = self.arguments
        note_model_dependency(self.env, f"summary:metric:{key}:{province}")
        note_model_dependency(self.env, "registries")
        archive = self.archive
        metric = archive.metrics[key]
        page = self.titled(f"{metric.label}（{archive.provinces[province].name}）", key)
        back = nodes.paragraph(classes=["listing-up"])
        back += doc_ref(self.env, f"metrics/{key}", nodes.inline("", f"{metric.label}：各省"))
        page += back
        reported = self.summary.metric_years.get(key, {})
        items = nodes.bullet_list()
        for county in archive.counties_in(province):
            for kind in archive.kinds.values():
                years = reported.get(f"{county.slug}/{kind.slug}")
                if years is None:
                    continue
                para = nodes.paragraph()
                para += doc_ref(self.env, county.docname, nodes.inline("", f"{county.name}{kind.name}"))
                para += nodes.Text("：" + ("、".join(str(y) for y in years) or "（数字均已隐去）"))
                items += nodes.list_item("", para)
        page += items
        return [page]


def metric_pages(app: Sphinx, run: Run, pages: dict[str, str]) -> None:
    """The metric index and each metric's page (across provinces), and each metric's page of the
    provinces this run writes."""
    from .pages import SUFFIX, block, page

    archive, summary = run.result.archive, run.summary
    if run.scope.spans_partitions:
        pages[f"metrics/index{SUFFIX}"] = page(block("metric-index"), "data/metrics.yaml")
        for key in archive.metrics:
            pages[f"metrics/{key}{SUFFIX}"] = page(block("metric-page", key), "data/metrics.yaml")
    if not run.scope.writes_counties:
        return
    for province in sorted(run.provinces):
        counties = {c.slug for c in archive.counties_in(province)}
        for key, reported in summary.metric_years.items():
            if key in archive.metrics and any(ck.split("/")[0] in counties for ck in reported):
                pages[f"metrics/{key}/{province}{SUFFIX}"] = page(
                    block("metric-province", f"{key} {province}"), "data/metrics.yaml"
                )


def _keep_figures(app: Sphinx) -> None:
    """Work out figures with the environment's store (reports no longer in the data dropped)."""
    store = env_dict(app.env, "shufa_report_figures")
    reports = get_archive(app.env).reports
    for key in [k for k in store if k not in reports]:
        del store[key]
    metricseries.use_store(store)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("shufa.plugins.directives")
    app.connect("builder-inited", _keep_figures, priority=Order.USE_MODEL)
    app.setup_extension("shufa.plugins.listings")
    app.setup_extension("shufa.plugins.pages")
    app.connect("shufa-report-marks", report_marks)
    app.connect("shufa-report-header", _register_report_figures)
    app.connect("shufa-county-kind", add_metric_series)
    app.connect("shufa-generate-pages", metric_pages)
    app.add_directive("metric-index", MetricIndexDirective)
    app.add_directive("metric-page", MetricPageDirective)
    app.add_directive("metric-province", MetricProvinceDirective)
    return metadata()
