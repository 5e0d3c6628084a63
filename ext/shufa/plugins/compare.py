"""Sphinx plugin: how much of a report is new — reuse rates on report pages, and year-to-year
comparison pages.

The rates and diffs are :mod:`shufa.core.reuse`'s. Shown on each report page (whole
report, and each section against the whole previous report, because text moves
between sections), in the county's topic × year table, and on comparison pages
``reports/<county>/<kind>/compare/<y1>-<y2>.html`` that set each topic's two
sections side by side, a row per line (heading, paragraph, item) beside the line of the
other year it is compared with, changed clauses and numbers marked.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..core.fingerprints import current_fingerprint
from ..core.labels import part_label, part_name, report_name
from ..core.model import Archive, County, Kind, Part, Report, Section
from ..core.reuse import (
    BANDS,
    SHINGLE,
    LinePair,
    band,
    baseline,
    compare_docname,
    percent,
    previous_report,
    printed_lines,
    text_diff,
)
from . import Order, metadata
from .data import get_archive, note_model_dependency
from .directives import section_topic
from .inline import text_html, text_leaf
from .modelpages import heading
from .shared.markup import encode, internal_link, span

logger = logging.getLogger(__name__)


def _rate_note(rate: float, year: int) -> nodes.inline:
    text = f"与{year}年报告文字重复 {percent(rate)}"
    return text_leaf(text, printed=text, classes=["reuse", band(rate)])


# --- on report pages -----------------------------------------------------------------------------


def add_report_reuse(app: Sphinx, directive: SphinxDirective, report: Report, header: nodes.Element) -> None:
    archive = get_archive(directive.env)
    note_model_dependency(directive.env, f"series:{report.county}/{report.kind}")
    earlier = previous_report(archive, report)
    if earlier is None:
        return
    note_model_dependency(directive.env, f"text:{earlier.key}")
    rate = baseline(earlier).reuse("\n".join(report.texts()))
    line = nodes.paragraph(classes=["report-reuse", "no-search"])
    line += nodes.Text("全文")
    line += _rate_note(rate or 0.0, earlier.year)
    line += nodes.Text("　")
    # The comparison is a page of its own (not a Sphinx document): linked by its URL.
    uri = app.builder.get_relative_uri(report.docname, compare_docname(earlier, report))
    line += nodes.reference(
        "", "", nodes.inline("", f"逐段对照{earlier.year}年与{report.year}年"), refuri=uri, internal=True
    )
    header += line


def part_reuse(directive: SphinxDirective, report: Report, part: Part) -> tuple[float, int] | None:
    """How much of *part* repeats the previous year's report, and that year (None: no such
    year, or no text); records that the page depends on the previous report's text."""
    earlier = previous_report(get_archive(directive.env), report)
    if earlier is None:
        return None
    note_model_dependency(directive.env, f"text:{earlier.key}")
    rate = baseline(earlier).reuse("\n".join(part.texts()))
    return None if rate is None else (rate, earlier.year)


def add_section_reuse(
    app: Sphinx, directive: SphinxDirective, report: Report, part: Part, node: nodes.Element
) -> None:
    found = part_reuse(directive, report, part)
    if found is None:
        return
    rate, year = found
    tag = next((c for c in node.children if isinstance(c, section_topic)), None)
    if tag is None:
        tag = section_topic(classes=["section-topic", "no-search"])
        node.insert(1, tag)
    else:
        tag += nodes.Text(" · ")
    tag += _rate_note(rate, year)


def add_cell_reuse(
    app: Sphinx, directive: SphinxDirective, report: Report, section: Section, cell: nodes.Element
) -> None:
    found = part_reuse(directive, report, section)
    if found is not None:
        rate = found[0]
        # the highest band marked by a sign too (colour is not the only signal: the legend says so)
        text = f" {percent(rate)}" + (HIGH_SIGN if band(rate) == BANDS[0][1] else "")
        cell += nodes.inline("", text, classes=["reuse", band(rate)])


#: What marks a rate of the highest band in a county's topic × year table.
HIGH_SIGN = "▲"


def add_reuse_legend(
    app: Sphinx,
    directive: SphinxDirective,
    county: County,
    kind: Kind,
    reports: list[Report],
    section: nodes.Element,
) -> None:
    """Under the county's topic × year table: what its percentages mean."""
    table = next(
        (c for c in section.children if isinstance(c, nodes.table) and "topic-year-table" in c["classes"]),
        None,
    )
    if table is None or len(reports) < 2:
        return
    high = round(BANDS[0][0] * 100)
    text = (
        f"表中百分数是这一部分与上一年度报告全文的文字重复率：这一部分的文字中，与上一年度报告某处连续{SHINGLE}个字相同"
        f"（数字不计）的所占比例。例如 51% 表示约一半的文字上一年已经写过。{high}%及以上加粗并标{HIGH_SIGN}。"
        f"第一年（{reports[0].year}年）没有可比的上一年，不标。"
    )
    section.insert(
        section.index(table) + 1, nodes.paragraph(text, text, classes=["table-legend", "reuse-legend"])
    )


# --- comparison pages ---------------------------------------------------------------------------
#
# Written from the model at write time by shufa.plugins.modelpages, not as Sphinx documents (a comparison
# has no cross-reference, index entry or toctree that needs the document pipeline); their HTML is
# made here, in the same markup docutils writes, every text escaped.

#: Bump when the markup of comparison pages changes: every page is rewritten.
PAGE_VERSION = 2


def runs_html(runs: Iterable[tuple[str, str]]) -> str:
    """A line's runs as HTML: every text escaped, removed runs in ``<del>``, new ones in ``<ins>``."""
    return "".join(f"<{kind}>{text_html(text)}</{kind}>" if kind else text_html(text) for kind, text in runs)


def unchanged(pair: LinePair) -> bool:
    """Whether a line reads the same in both years (a phone shows it once)."""
    return bool(pair.earlier and pair.later) and not any(kind for kind, _ in (*pair.earlier, *pair.later))


def rows_html(pairs: Iterable[LinePair]) -> str:
    """The rows of a comparison: each line of the later text beside the line of the earlier one
    it is compared with (an empty cell: no counterpart); a line the same in both is ``unchanged``."""
    out = []
    for n, pair in enumerate(pairs):
        cells = "".join(
            f"<td><p>{runs_html(runs)}</p></td>\n" if runs else "<td></td>\n"
            for runs in (pair.earlier, pair.later)
        )
        classes = "row-odd" if n % 2 else "row-even"
        if unchanged(pair):
            classes += " unchanged"
        out.append(f'<tr class="{classes}">{cells}</tr>\n')
    return "".join(out)


def _rate_html(rate: float, year: int) -> str:
    return f'<span class="reuse {band(rate)}">与{year}年报告文字重复 {percent(rate)}</span>'


class ComparePage:
    """The comparison page of two consecutive years of a county's reports."""

    def __init__(self, app: Sphinx, archive: Archive, earlier: Report, later: Report) -> None:
        self.app = app
        self.archive = archive
        self.earlier = earlier
        self.later = later
        self.pagename = compare_docname(earlier, later)
        county = archive.counties[later.county]
        kind = archive.kinds[later.kind]
        self.title = f"{county.name}{kind.name}：{earlier.year}年与{later.year}年对照"

    def topics(self) -> list[tuple[str, str]]:
        """(topic key, label) in the later year's order, then the earlier year's own."""
        order = [s.topic for s in self.later.sections]
        order += [s.topic for s in self.earlier.sections if s.topic not in order]
        labels = self.archive.topics
        return [(key, labels[key].label if key in labels else key) for key in dict.fromkeys(order)]

    def link(self, report: Report, anchor: str, text: str) -> str:
        title = part_label(self.archive, report, anchor) if anchor else report_name(self.archive, report)
        return internal_link(self.app.builder, self.pagename, report.docname, anchor, title, span(text))

    def heading(self, level: int, ident: str, text: str) -> str:
        return heading(self.app, level, ident, text)

    def rate(self) -> float:
        """How much of the later report repeats the earlier one."""
        return baseline(self.earlier).reuse("\n".join(self.later.texts())) or 0.0

    def intro(self) -> str:
        earlier, later = self.earlier, self.later
        rate = self.rate()
        return (
            f"{self.link(earlier, '', f'{earlier.year}年报告')} 与 {self.link(later, '', f'{later.year}年报告')}"
            f"，按主题逐段对照。{later.year}年报告全文{_rate_html(rate, earlier.year)}。"
        )

    def description(self) -> str:
        earlier, later = self.earlier, self.later
        rate = self.rate()
        return (
            f"{earlier.year}年报告 与 {later.year}年报告，按主题逐段对照。"
            f"{later.year}年报告全文与{earlier.year}年报告文字重复 {percent(rate)}。"
        )

    def body(self) -> str:
        earlier, later = self.earlier, self.later
        y1, y2 = earlier.year, later.year
        out = [
            '<section id="compare">\n',
            self.heading(1, "compare", self.title),
            f"<p>{self.intro()}</p>\n",
            f'<p class="compare-legend">图例：<del>{y1}年有、{y2}年删去的文字</del>；'
            f"<ins>{y2}年新增的文字</ins>。重复率的计算方法见“使用指南”。</p>\n",
        ]
        for key, label in self.topics():
            out.append(f'<section id="{encode(key)}">\n')
            out.append(self.heading(2, key, label))
            a, b = earlier.section_for_topic(key), later.section_for_topic(key)
            if a is None or b is None:
                only, owner = (b, later) if b is not None else (a, earlier)
                text = f"{part_name(only.anchor)}　{only.marker}{only.heading}"
                out.append(
                    f'<p class="compare-only">仅见于{owner.year}年报告：{self.link(owner, only.anchor, text)}</p>\n'
                )
            else:
                out.append(self.pair(a, b))
            out.append("</section>\n")
        out.append("</section>\n")
        return "".join(out)

    def pair(self, a: Section, b: Section) -> str:
        earlier, later = self.earlier, self.later
        pairs = text_diff(printed_lines(a), printed_lines(b))
        rate = baseline(earlier).reuse("\n".join(b.texts()))
        note = (
            f"{self.link(earlier, a.anchor, f'{earlier.year}年{part_name(a.anchor)}')} → "
            f"{self.link(later, b.anchor, f'{later.year}年{part_name(b.anchor)}')}"
        )
        if rate is not None:
            note += "　" + _rate_html(rate, earlier.year)
        return (
            f'<p class="compare-rate">{note}</p>\n'
            '<div class="pst-scrollable-table-container"><table class="compare-table table">\n'
            f'<thead>\n<tr class="row-odd"><th class="head"><p>{earlier.year}年</p></th>\n'
            f'<th class="head"><p>{later.year}年</p></th>\n</tr>\n</thead>\n'
            f"<tbody>\n{rows_html(pairs)}</tbody>\n</table>\n</div>\n"
        )

    def contents(self) -> list[tuple[str, str]]:
        return self.topics()

    def fingerprint(self) -> str:
        """Both reports' text, the county's entry (the topic labels and kinds are the writer's)."""
        archive, earlier, later = self.archive, self.earlier, self.later
        return repr(
            (
                PAGE_VERSION,
                current_fingerprint(archive, f"text:{earlier.key}"),
                current_fingerprint(archive, f"text:{later.key}"),
                current_fingerprint(archive, f"county-info:{later.county}"),
            )
        )


def comparison_pages(app: Sphinx, county: County, kind: Kind, reports: list[Report]) -> list[ComparePage]:
    """The comparison page of every two consecutive years of a county's reports of one kind."""
    archive = get_archive(app.env)
    return [ComparePage(app, archive, earlier, later) for earlier, later in itertools.pairwise(reports)]


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("shufa.plugins.pages")
    app.setup_extension("shufa.plugins.directives")
    app.setup_extension("shufa.plugins.crossyear")
    app.setup_extension("shufa.plugins.modelpages")
    app.connect("shufa-model-pages", comparison_pages)
    app.connect("shufa-report-header", add_report_reuse)
    app.connect("shufa-report-part", add_section_reuse)
    app.connect("shufa-topic-cell", add_cell_reuse)
    app.connect("shufa-county-kind", add_reuse_legend, priority=Order.AFTER_CROSSYEAR)
    return metadata()
