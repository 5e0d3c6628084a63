"""Sphinx plugin: figures over time — marked in the report text, as series on county pages, indexed.

The figures, their metrics and series are :mod:`shufa.core.metrics`'s. In the
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

from . import tables
from .core import metrics
from .core.metrics import PlacedFigure, chart, format_value, report_figures, series, spoken
from .core.model import Archive, County, Kind, Report
from .data import get_archive, note_model_dependency
from .domain import doc_ref, report_ref
from .envstore import env_dict
from .inline import figure_value


def figure_node(archive: Archive, placed: PlacedFigure) -> figure_value:
    figure = placed.figure
    metric = archive.metrics.get(placed.metric or "")
    title = f"{metric.label}：{spoken(figure)}" if metric else spoken(figure)
    classes = ["figure", f"metric-{placed.metric}"] if placed.metric else ["figure"]
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


class MetricIndexDirective(SphinxDirective):
    """Every metric, with the counties and years that report it."""

    def run(self) -> list[nodes.Node]:
        note_model_dependency(self.env, "alltext")
        archive = get_archive(self.env)
        page = nodes.section(ids=["metrics"])
        page += nodes.title("数字指标", "数字指标")
        intro = "报告中的数字按下列指标归类（见 data/metrics.yaml），点击进入该地的历年数字。"
        page += nodes.paragraph(intro, intro)
        found: dict[str, list[tuple[Report, list[Report]]]] = {}
        for county in archive.counties:
            for kind in archive.kinds:
                reports = archive.reports_of(county, kind)
                for key, values in series(archive, reports).items():
                    found.setdefault(key, []).append((reports[0], [r for r in reports if values.get(r.year)]))
        for key, metric in archive.metrics.items():
            section = nodes.section(ids=[key])
            section += nodes.title(metric.label, metric.label)
            rows = found.get(key, [])
            if not rows:
                section += nodes.paragraph("暂无报告涉及。", "暂无报告涉及。", classes=["empty"])
            items = nodes.bullet_list()
            for first, reported in rows:
                county = archive.counties[first.county]
                kind = archive.kinds[first.kind]
                para = nodes.paragraph()
                para += doc_ref(self.env, county.docname, nodes.inline("", f"{county.name}{kind.name}"))
                years = "、".join(str(r.year) for r in reported) or "（数字均已隐去）"
                para += nodes.Text(f"：{years}")
                items += nodes.list_item("", para)
            if rows:
                section += items
            page += section
        return [page]


def metric_pages(app: Sphinx, archive: Archive, pages: dict[str, str]) -> None:
    from .pages import SUFFIX, block, page

    pages[f"metrics/index{SUFFIX}"] = page(block("metric-index"), "data/metrics.yaml")


def _keep_figures(app: Sphinx) -> None:
    """Work out figures with the environment's store (reports no longer in the data dropped)."""
    store = env_dict(app.env, "shufa_report_figures")
    reports = get_archive(app.env).reports
    for key in [k for k in store if k not in reports]:
        del store[key]
    metrics.use_store(store)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("shufa.directives")
    app.connect("builder-inited", _keep_figures, priority=600)
    app.setup_extension("shufa.listings")
    app.setup_extension("shufa.pages")
    app.connect("shufa-report-marks", report_marks)
    app.connect("shufa-report-header", _register_report_figures)
    app.connect("shufa-county-kind", add_metric_series)
    app.connect("shufa-generate-pages", metric_pages)
    app.add_directive("metric-index", MetricIndexDirective)
    return {"version": "1", "env_version": 2, "parallel_read_safe": True, "parallel_write_safe": True}
