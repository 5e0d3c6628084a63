"""Sphinx plugin: a county's reports as one page with versions (its years), and topics across years.

- Every report page gets a year switcher (a plain list of links to the other
  years of the same county and kind, with previous/next links). With
  JavaScript, switching keeps the reader on the same topic: from ``#s4``
  (topic X) in 2023 it lands on the section of topic X in 2022, or the top of
  the page when 2022 lacks it. The topic → anchor mapping of every year is in
  the page itself, so it works from ``file://`` and any static host.
- Every section lists the same topic in the county's other years
  (本主题在其他年份：2021 · 2022（未涉及）· 2024).
- The county page shows a topic × year table whose cells link to the sections.

Pages record the ``series:<county>/<kind>`` model dependency, so adding a year
or changing a year's topics re-reads its siblings in the next incremental build.
"""

from __future__ import annotations

import json
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.writers.html5 import HTML5Translator

from .data import get_archive, note_model_dependency
from .domain import report_ref
from .labels import part_name
from .model import County, Kind, Report, Section

HERE_JS = "shufa-years.js"


class year_switcher(nodes.General, nodes.Element):
    """The year switcher of a report page; ``mapping`` holds each year's topic → anchor."""


def visit_year_switcher_html(self: HTML5Translator, node: year_switcher) -> None:
    self.body.append(
        self.starttag(
            node,
            "nav",
            "",
            CLASS="year-switcher",
            **{"aria-label": node["label"], "data-topics": json.dumps(node["mapping"], ensure_ascii=False)},
        )
    )


def depart_year_switcher_html(self: HTML5Translator, node: year_switcher) -> None:
    self.body.append("</nav>\n")


def section_topics(report: Report) -> dict[str, str]:
    """Anchor → topic of every section; the closing parts are their own "topics"."""
    mapping = {s.anchor: s.topic for s in report.sections}
    mapping.update({p.anchor: p.anchor for p in report.closing_parts})
    return mapping


def topic_anchors(report: Report) -> dict[str, str]:
    """Topic → anchor of the first section with that topic (closing parts included)."""
    mapping: dict[str, str] = {}
    for anchor, topic in section_topics(report).items():
        mapping.setdefault(topic, anchor)
    return mapping


def _series(directive: SphinxDirective, report: Report) -> list[Report]:
    note_model_dependency(directive.env, f"series:{report.county}/{report.kind}")
    return get_archive(directive.env).reports_of(report.county, report.kind)


def add_year_switcher(app: Sphinx, directive: SphinxDirective, report: Report, header: nodes.Element) -> None:
    env = directive.env
    series = _series(directive, report)
    kind = get_archive(env).kinds[report.kind]
    mapping = {
        "current": str(report.year),
        "sections": section_topics(report),
        "years": {str(r.year): topic_anchors(r) for r in series},
    }
    nav = year_switcher(label=f"{kind.name}年份", mapping=mapping)
    caption = nodes.paragraph(classes=["year-switcher-caption"])
    caption += nodes.Text(f"本县历年{kind.name}：")
    nav += caption
    years = nodes.bullet_list(classes=["year-list"])
    for other in series:
        text = f"{other.year}年"
        if other.year == report.year:
            entry = nodes.inline(text, text, classes=["current-year"])
            years += nodes.list_item("", nodes.paragraph("", "", entry), classes=["current"])
        else:
            link = report_ref(env, "report", other.key, nodes.inline("", text, classes=[f"y{other.year}"]))
            years += nodes.list_item("", nodes.paragraph("", "", link), classes=["year"])
    nav += years
    position = [r.year for r in series].index(report.year)
    steps = nodes.paragraph(classes=["year-steps"])
    if position > 0:
        earlier = series[position - 1]
        steps += report_ref(
            env,
            "report",
            earlier.key,
            nodes.inline("", f"‹ 上一年度（{earlier.year}）", classes=[f"y{earlier.year}", "prev-year"]),
        )
    if position < len(series) - 1:
        later = series[position + 1]
        if position > 0:
            steps += nodes.Text("　")
        steps += report_ref(
            env,
            "report",
            later.key,
            nodes.inline("", f"下一年度（{later.year}）›", classes=[f"y{later.year}", "next-year"]),
        )
    if len(steps):
        nav += steps
    header += nav


def add_topic_years(
    app: Sphinx, directive: SphinxDirective, report: Report, part: Any, node: nodes.Element
) -> None:
    if not isinstance(part, Section):
        return
    env = directive.env
    series = _series(directive, report)
    others = [r for r in series if r.year != report.year]
    if not others:
        return
    line = nodes.paragraph(classes=["topic-years"])
    line += nodes.inline("", "本主题在其他年份：", classes=["topic-years-caption"])
    for i, other in enumerate(others):
        if i:
            line += nodes.Text(" · ")
        target = other.section_for_topic(part.topic)
        if target is None:
            line += nodes.inline("", f"{other.year}（未涉及）", classes=["absent"])
        else:
            line += report_ref(
                env, "section", f"{other.key}/{target.anchor}", nodes.inline("", str(other.year))
            )
    # after the title and the topic tag
    index = next(
        (i + 1 for i, child in enumerate(node.children) if "section-topic" in child.get("classes", [])), 1
    )
    node.insert(index, line)


def add_topic_table(
    app: Sphinx,
    directive: SphinxDirective,
    county: County,
    kind: Kind,
    reports: list[Report],
    section: nodes.Element,
) -> None:
    """A topic × year table: rows are topics in the order first met, cells link to sections."""
    if not reports:
        return
    env = directive.env
    note_model_dependency(env, f"series:{county.slug}/{kind.slug}")
    topics = get_archive(env).topics
    order: list[str] = []
    for report in reports:
        for s in report.sections:
            if s.topic not in order:
                order.append(s.topic)
    table = nodes.table(classes=["topic-year-table"])
    group = nodes.tgroup(cols=len(reports) + 1)
    table += group
    group += nodes.colspec(colwidth=30)
    for _ in reports:
        group += nodes.colspec(colwidth=10)
    head = nodes.thead()
    row = nodes.row()
    row += nodes.entry("", nodes.paragraph("", "主题"))
    for report in reports:
        row += nodes.entry("", nodes.paragraph("", f"{report.year}年"))
    head += row
    group += head
    body = nodes.tbody()
    for key in order:
        row = nodes.row()
        label = topics[key].label if key in topics else key
        row += nodes.entry("", nodes.paragraph(label, label))
        for report in reports:
            target = report.section_for_topic(key)
            if target is None:
                cell = nodes.paragraph("", "", nodes.inline("未涉及", "未涉及", classes=["absent"]))
            else:
                cell = nodes.paragraph(
                    "",
                    "",
                    report_ref(
                        env,
                        "section",
                        f"{report.key}/{target.anchor}",
                        nodes.inline("", part_name(target.anchor)),
                    ),
                )
                env.events.emit("shufa-topic-cell", directive, report, target, cell)
            row += nodes.entry("", cell)
        body += row
    group += body
    caption = nodes.paragraph("", f"{kind.name}：各主题在历年报告中的位置", classes=["topic-table-caption"])
    section += caption
    section += table


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("shufa.directives")
    app.setup_extension("shufa.listings")
    app.add_event("shufa-topic-cell")  # (directive, report, section, cell paragraph)
    app.add_node(year_switcher, html=(visit_year_switcher_html, depart_year_switcher_html))
    app.connect("shufa-report-header", add_year_switcher)
    app.connect("shufa-report-part", add_topic_years)
    app.connect("shufa-county-kind", add_topic_table)
    app.add_js_file(HERE_JS, loading_method="defer")
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
