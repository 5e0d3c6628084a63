"""Sphinx plugin: a county's reports as one page with versions (its years), and topics across years.

- Every report page gets a year switcher (a plain list of links to the other
  years of the same county and kind, with previous/next links). With
  JavaScript, switching keeps the reader on the same topic: from ``#s4``
  (topic X) in 2023, or from the section in view, it lands on the section of
  topic X in 2022, or the top of the page when 2022 lacks it, which then says so. The topic → anchor mapping of every year is in
  the page itself, so it works from ``file://`` and any static host.
- Every section lists the same topic in the county's other years
  (本主题在其他年份：2021 · 2022（未涉及）· 2024).
- The county page shows a topic × year table whose cells link to the sections.

Pages record the ``series:<county>/<kind>`` model dependency, so adding a year
or changing a year's topics re-reads its siblings in the next incremental build.
"""

from __future__ import annotations

import html
import json
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.writers.html5 import HTML5Translator

from ..core.labels import part_label, part_name, report_name
from ..core.model import County, Kind, Report, Section
from ..core.parts import CLOSING_HEADINGS
from ..core.problems import Code
from ..core.reportseries import section_topics, topic_anchors
from . import metadata
from .data import get_archive, note_model_dependency
from .directives import section_topic
from .domain import report_ref
from .shared import tables
from .shared.envstore import emit
from .shared.markup import add_html_node, internal_link, span

logger = logging.getLogger(__name__)


class year_switcher(nodes.General, nodes.Element):
    """The year switcher of a report page, written whole by the HTML visitor (a leaf).

    ``mapping`` holds each year's topic → anchor (for shufa-years.js),
    ``caption`` the caption, ``years`` one ``(year, docname, title)`` per year
    (docname empty for the current one) and ``steps`` the previous/next links as
    ``(year, docname, title, text, class)``. ``links`` holds the links other plugins add
    under them, as ``(href relative to the page, text)`` (the series' pages …).
    """

    def astext(self) -> str:
        return ""


class topic_years(nodes.General, nodes.Element):
    """本主题在其他年份：… under a section heading, written whole by the HTML visitor (a leaf).

    ``years`` holds ``(year, docname, anchor, title)``; an empty docname is a
    year without the topic. ``links`` holds what other plugins add at the end of the
    line, as ``(href relative to the page, text)`` (the topic's history …).
    """

    def astext(self) -> str:
        return ""


# Links are made here, from the model, and not with pending_xref nodes: a report page has
# dozens of them, and every node costs each transform, the pickler and the writer.
def _link(
    self: HTML5Translator, docname: str, anchor: str, title: str, inner: str, plain: bool = False
) -> str:
    """An internal link from the page being written, or *inner* alone (and a warning) if the page is gone."""
    builder = self.builder
    if docname not in builder.env.all_docs:
        logger.warning(
            f"no page {docname} for the link {title!r}",
            location=builder.current_docname,
            type="shufa",
            subtype=Code.LINK,
        )
        return inner
    return internal_link(builder, builder.current_docname, docname, anchor, title, inner, plain)


def visit_year_switcher_html(self: HTML5Translator, node: year_switcher) -> None:
    # the mapping compact, in single quotes: its many double quotes then need no &quot; (1 KB less)
    mapping = json.dumps(node["mapping"], ensure_ascii=False, separators=(",", ":"))
    mapping = html.escape(mapping, quote=False).replace("'", "&#x27;")
    out = [
        f'<nav class="year-switcher" aria-label="{self.encode(node["label"])}" data-topics=\'{mapping}\'>\n',
        f'<p class="year-switcher-caption">{self.encode(node["caption"])}</p>\n<ul class="year-list simple">\n',
    ]
    for year, docname, title in node["years"]:
        if docname:
            link = _link(self, docname, "", title, f"{year}年", plain=True)
            out.append(f'<li class="year">{link}</li>\n')
        else:
            out.append(f'<li class="current">{span(f"{year}年", "current-year")}</li>\n')
    out.append("</ul>\n")
    if node["steps"]:
        steps = [
            _link(self, docname, "", title, span(text, cls), plain=True)
            for year, docname, title, text, cls in node["steps"]
        ]
        out.append(f'<p class="year-steps">{"　".join(steps)}</p>\n')
    if node.get("links"):
        links = " · ".join(
            f'<a href="{self.encode(href)}">{self.encode(text)}</a>' for href, text in node["links"]
        )
        out.append(f'<p class="series-links">{links}</p>\n')
    out.append("</nav>\n")
    self.body.append("".join(out))
    raise nodes.SkipNode


def visit_topic_years_html(self: HTML5Translator, node: topic_years) -> None:
    parts = []
    for year, docname, anchor, title in node["years"]:
        if docname:
            parts.append(_link(self, docname, anchor, title, str(year), plain=True))
        else:
            parts.append(span(f"{year}（未涉及）", "absent"))
    caption = "本主题在其他年份："
    more = "".join(
        f'　<a class="topic-years-more" href="{self.encode(href)}">{self.encode(text)}</a>'
        for href, text in node.get("links", [])
    )
    self.body.append(f'<p class="topic-years">{caption}{" · ".join(parts)}{more}</p>\n')
    raise nodes.SkipNode


def _series(directive: SphinxDirective, report: Report) -> list[Report]:
    note_model_dependency(directive.env, f"series:{report.county}/{report.kind}")
    return get_archive(directive.env).reports_of(report.county, report.kind)


def add_year_switcher(app: Sphinx, directive: SphinxDirective, report: Report, header: nodes.Element) -> None:
    env = directive.env
    archive = get_archive(env)
    series = _series(directive, report)
    kind = archive.kinds[report.kind]
    # (the current year's own anchors are its sections' topics turned round: not written twice)
    years_topics = {str(r.year): topic_anchors(r) for r in series if r.year != report.year}
    # a page arrived at from a year's section on a topic it lacks says so by the topic's label:
    # only the topics of other years this one lacks need one
    lacking = {topic for anchors in years_topics.values() for topic in anchors} - set(
        section_topics(report).values()
    )
    mapping = {
        "current": str(report.year),
        "sections": section_topics(report),
        "years": years_topics,
        # what the year without a topic says it lacks (a closing part's role: its usual heading)
        "labels": {
            topic: archive.topics[topic].label
            if topic in archive.topics
            else CLOSING_HEADINGS.get(topic, topic)
            for topic in sorted(lacking)
        },
    }
    years = [
        (other.year, "" if other.year == report.year else other.docname, report_name(archive, other))
        for other in series
    ]
    position = [r.year for r in series].index(report.year)
    steps = []
    if position > 0:
        earlier = series[position - 1]
        steps.append(
            (
                earlier.year,
                earlier.docname,
                report_name(archive, earlier),
                f"‹ 上一年度（{earlier.year}）",
                "prev-year",
            )
        )
    if position < len(series) - 1:
        later = series[position + 1]
        steps.append(
            (
                later.year,
                later.docname,
                report_name(archive, later),
                f"下一年度（{later.year}）›",
                "next-year",
            )
        )
    header += year_switcher(
        label=f"{kind.name}年份",
        mapping=mapping,
        caption=f"本县历年{kind.name}：",
        years=years,
        steps=steps,
        links=[],
    )


def add_topic_years(
    app: Sphinx, directive: SphinxDirective, report: Report, part: Any, node: nodes.Element
) -> None:
    if not isinstance(part, Section):
        return
    env = directive.env
    archive = get_archive(env)
    series = _series(directive, report)
    others = [r for r in series if r.year != report.year]
    if not others:
        return
    years = []
    for other in others:
        target = other.section_for_topic(part.topic)
        if target is None:
            years.append((other.year, "", "", ""))
        else:
            years.append(
                (other.year, other.docname, target.anchor, part_label(archive, other, target.anchor))
            )
    # after the title and the topic tag
    index = next((i + 1 for i, child in enumerate(node.children) if isinstance(child, section_topic)), 1)
    node.insert(index, topic_years(years=years, links=[]))


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
    table, body = tables.table(
        ["topic-year-table"], [30] + [10] * len(reports), ["主题", *[f"{r.year}年" for r in reports]]
    )
    for key in order:
        row = nodes.row()
        label = topics[key].label if key in topics else key
        heading = nodes.paragraph(label, label)
        emit(env.events, "shufa-topic-row", directive, county, kind, key, heading)
        row += nodes.entry("", heading)
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
                emit(env.events, "shufa-topic-cell", directive, report, target, cell)
            row += nodes.entry("", cell)
        body += row
    caption = nodes.paragraph("", f"{kind.name}：各主题在历年报告中的位置", classes=["topic-table-caption"])
    section += caption
    section += table


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("shufa.plugins.directives")
    app.setup_extension("shufa.plugins.listings")
    app.add_event("shufa-topic-cell")  # (directive, report, section, cell paragraph)
    app.add_event("shufa-topic-row")  # (directive, county, kind, topic key, the row's label paragraph)
    add_html_node(app, year_switcher, visit_year_switcher_html)
    add_html_node(app, topic_years, visit_topic_years_html)
    app.connect("shufa-report-header", add_year_switcher)
    app.connect("shufa-report-part", add_topic_years)
    app.connect("shufa-county-kind", add_topic_table)
    app.setup_extension("shufa.plugins.assets")
    return metadata()
