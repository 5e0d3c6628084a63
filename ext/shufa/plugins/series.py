"""Sphinx plugin: a county's reports of one kind read as a series — its years, the newest year,
any two years side by side, and each topic through the years.

Under ``reports/<county>/<kind>/`` (page names are :mod:`shufa.core.reportseries`'s):

- ``index.html`` — the years, newest first, and the ways in below;
- ``latest.html`` — leads to the newest year and keeps the ``#fragment``: a topic's key
  (``latest.html#law-enforcement``) leads to the newest year's section on that topic, any
  other fragment (``#s3-2``) is kept; without JavaScript, a link to the newest year;
- ``compare.html?from=2021&to=2024`` (or ``#from=2021&to=2024``, which works from
  ``file://`` too) — any two years, or a year of another county of the province
  (``to=beiting/2023``), set side by side in the browser from the reports' reading files
  (``<year>.js``, written by :mod:`shufa.plugins.export`): no page per pair of years;
- ``topics/<topic>.html`` — a topic's history: its section in every year, oldest first, each
  shown whole, with a switch (a checkbox the stylesheet reads: no JavaScript) that marks its
  changes against the year before, and its reuse rate; and the series of the
  metrics its sections report (legislation.gov.uk's "changes over time", per topic).

All but ``latest.html`` are written from the model at write time by :mod:`shufa.plugins.modelpages`
(the topic histories share their diffs with the comparison pages of the same county and
kind); ``latest.html`` is a small page of its own, written when the build ends. Report pages
link the series' pages from their header, each section its topic's history (at the end of
本主题在其他年份), and the county page each kind's pages and, in the topic × year table,
each topic's history. Every text is escaped; the pages of a county are written by the run
that writes the county, and depend on nothing else.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, NamedTuple

from docutils import nodes
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from ..core.atomfeeds import county_feed, has_feed
from ..core.exporting import reading_file
from ..core.files import script_json, write_if_changed
from ..core.fingerprints import current_fingerprint
from ..core.labels import cited_names, part_name, year_span
from ..core.metricseries import chart
from ..core.model import Archive, County, Kind, Report, Section
from ..core.reportseries import (
    compare_page,
    history_page,
    latest_page,
    series_topics,
    topic_anchors,
    topic_history,
    topic_metrics,
    year_id,
    years_page,
)
from ..core.reuse import band, compare_docname, percent
from . import Order, metadata
from .assets import RULES_FILE
from .compare import runs_html
from .crossyear import topic_years, year_switcher
from .data import get_archive, get_run, note_model_dependency
from .inline import text_html
from .modelpages import heading
from .shared.envstore import claim
from .shared.markup import encode, span

_TEMPLATES = Environment(
    loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
    autoescape=select_autoescape(["html"]),
    keep_trailing_newline=True,
)

#: Bump when the markup of the series' pages changes: every page is rewritten.
PAGE_VERSION = 2


def _a(href: str, text_markup: str, title: str = "", classes: str = "reference internal") -> str:
    """A link as Sphinx writes a resolved reference (*text_markup* is HTML)."""
    extra = f' title="{encode(title)}"' if title else ""
    return f'<a class="{classes}" href="{encode(href)}"{extra}>{text_markup}</a>'


def _rate_html(rate: float, year: int) -> str:
    return f'<span class="reuse {band(rate)}">与{year}年报告文字重复 {percent(rate)}</span>'


def compare_query(earlier: int | str, later: int | str) -> str:
    return f"?from={earlier}&to={later}"


class _Key(NamedTuple):
    """A report's key alone (the path of its reading file, with placeholders)."""

    key: str


class SeriesPage:
    """What the pages of one county's reports of one kind share."""

    pagename = ""

    def __init__(
        self,
        app: Sphinx,
        archive: Archive,
        county: County,
        kind: Kind,
        reports: list[Report],
    ) -> None:
        self.app = app
        self.archive = archive
        self.county = county
        self.kind = kind
        self.reports = reports
        self._uris: dict[str, str] = {}

    @property
    def series_name(self) -> str:
        return f"{self.county.name}{self.kind.name}"

    @property
    def root(self) -> str:
        """The relative path from this page to the site's root (``../../../``)."""
        return self.uri("index").removesuffix("index.html")

    def uri(self, page: str, anchor: str = "") -> str:
        """The link from this page to *page* (worked out once per page linked)."""
        if page not in self._uris:
            self._uris[page] = self.app.builder.get_relative_uri(self.pagename, page)
        return self._uris[page] + (f"#{anchor}" if anchor else "")

    def link(self, page: str, text: str, anchor: str = "", title: str = "") -> str:
        return _a(self.uri(page, anchor), span(text), title)

    def heading(self, level: int, ident: str, text: str) -> str:
        return heading(self.app, level, ident, text)

    def report_link(self, report: Report, anchor: str, text_markup: str) -> str:
        title = self.archive.report_title(report)
        return _a(self.uri(report.docname, anchor), text_markup, title)

    def ways_in(self, *, index: bool = True, latest: str = "", compare: bool = True) -> str:
        """The line of links to the series' other pages."""
        county, kind = self.county.slug, self.kind.slug
        links = [self.link(self.county.docname, self.county.name)]
        if index:
            links.append(self.link(years_page(county, kind), "历年报告"))
        newest = self.reports[-1]
        links.append(self.link(latest_page(county, kind), f"最新一份（{newest.year}年）", latest))
        if compare:
            links.append(self.link(compare_page(county, kind), "任选两年对照"))
        if "shufa.plugins.feeds" in self.app.extensions and has_feed(self.archive.reports_of(county)):
            page = self.app.builder.get_target_uri(self.pagename)
            links.append(_a(relative_uri(page, county_feed(county)), span("订阅本县新收录的报告")))
        return f'<p class="series-links">{" · ".join(links)}</p>\n'

    def series_state(self) -> list[Any]:
        """What every page of the series shows of it: each year's title and dates, the county."""
        return [
            PAGE_VERSION,
            [(r.year, r.title, r.issued, r.published, r.added) for r in self.reports],
            has_feed(self.archive.reports_of(self.county.slug)),
            current_fingerprint(self.archive, f"county-info:{self.county.slug}"),
        ]


# --- the years ------------------------------------------------------------------------------------


class YearsPage(SeriesPage):
    """``reports/<county>/<kind>/index``: the years, newest first, and the ways in."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.pagename = years_page(self.county.slug, self.kind.slug)
        self.title = f"{self.series_name}：历年报告"

    def description(self) -> str:
        years = [r.year for r in self.reports]
        return f"{self.series_name}{year_span(years)}共{len(years)}份，按年度列出，附各主题的历年变化。"

    def contents(self) -> list[tuple[str, str]]:
        found = [("years", "各年度报告"), ("topics", "各主题的历年变化")]
        if len(self.reports) > 1:
            found.append(("consecutive", "相邻年度对照"))
        return found

    def body(self) -> str:
        county, kind = self.county.slug, self.kind.slug
        out = [
            '<section id="series">\n',
            self.heading(1, "series", self.title),
            f"<p>{encode(self.description())}</p>\n",
            self.ways_in(index=False, compare=len(self.reports) > 1),
            '<section id="years">\n',
            self.heading(2, "years", "各年度报告"),
            '<ul class="series-years simple">\n',
        ]
        for report in reversed(self.reports):
            dates = "；".join(
                f"{what} {date}"
                for what, date in (("印发", report.issued), ("发布", report.published))
                if date
            )
            out.append(
                f"<li><p>{self.report_link(report, '', span(f'{report.year}年'))}　{text_html(report.title)}"
                + (f'　<span class="series-dates">（{encode(dates)}）</span>' if dates else "")
                + "</p></li>\n"
            )
        out += [
            "</ul>\n",
            "</section>\n",
            '<section id="topics">\n',
            self.heading(2, "topics", "各主题的历年变化"),
        ]
        out.append('<ul class="series-topics simple">\n')
        for topic in series_topics(self.reports):
            label = self.archive.topics[topic].label if topic in self.archive.topics else topic
            years = [r.year for r in self.reports if r.section_for_topic(topic) is not None]
            out.append(
                f"<li><p>{self.link(history_page(county, kind, topic), label)}"
                f"　{len(years)}份报告涉及（{'、'.join(str(y) for y in years)}）</p></li>\n"
            )
        out += ["</ul>\n", "</section>\n"]
        if len(self.reports) > 1:
            out += ['<section id="consecutive">\n', self.heading(2, "consecutive", "相邻年度对照")]
            out.append('<ul class="series-comparisons simple">\n')
            for earlier, later in zip(self.reports, self.reports[1:], strict=False):
                name = compare_docname(earlier, later)
                out.append(f"<li><p>{self.link(name, f'{earlier.year}年与{later.year}年')}</p></li>\n")
            out += ["</ul>\n", "</section>\n"]
        out.append("</section>\n")
        return "".join(out)

    def fingerprint(self) -> str:
        state = [*self.series_state(), [(r.year, [s.topic for s in r.sections]) for r in self.reports]]
        return repr(state)


# --- a topic's history ----------------------------------------------------------------------------


class TopicHistoryPage(SeriesPage):
    """``reports/<county>/<kind>/topics/<topic>``: one topic through the years."""

    def __init__(self, *args: Any, topic: str) -> None:
        super().__init__(*args)
        self.topic = topic
        self.pagename = history_page(self.county.slug, self.kind.slug, topic)
        topics = self.archive.topics
        self.label = topics[topic].label if topic in topics else topic
        self.title = f"{self.series_name}：{self.label}（历年变化）"

    @property
    def years(self) -> list[int]:
        return [r.year for r in self.reports if r.section_for_topic(self.topic) is not None]

    def description(self) -> str:
        years = self.years
        return (
            f"{self.series_name}中“{self.label}”这一主题的部分，{year_span(years)}共{len(years)}年，"
            "每年的文字完整列出，可逐年标出与上一年度相比的改动，并注明文字重复率。"
        )

    def contents(self) -> list[tuple[str, str]]:
        found = [("metrics", "本主题的数字")] if self.metric_series else []
        return found + [(year_id(r.year), f"{r.year}年") for r in self.reports]

    @functools.cached_property
    def metric_series(self) -> dict[str, dict[int, Any]]:
        return topic_metrics(self.archive, self.reports, self.topic)

    def body(self) -> str:
        out = [
            '<section id="topic-history">\n',
            self.heading(1, "topic-history", self.title),
            f"<p>{encode(self.description())}</p>\n",
            self.ways_in(latest=self.topic),
        ]
        if self.metric_series:
            out.append(self.metric_table())
        for entry in topic_history(self.reports, self.topic):
            out.append(self.year_html(entry))
        out.append("</section>\n")
        return "".join(out)

    def year_html(self, entry: Any) -> str:
        report, section = entry.report, entry.section
        ident = year_id(report.year)
        out = [f'<section id="{ident}">\n', self.heading(2, ident, f"{report.year}年")]
        if section is None:
            out.append(f'<p class="history-absent">{report.year}年报告没有这一主题的部分。</p>\n')
            out.append("</section>\n")
            return "".join(out)
        # (the heading is the text's first line: the link names the part by its number)
        note = self.report_link(
            report, section.anchor, span(f"{report.year}年报告{part_name(section.anchor)}")
        )
        if entry.previous is not None:
            note += "　" + _rate_html(entry.rate or 0.0, entry.previous.year)
            if entry.previous_section is None:
                note += f"　（{entry.previous.year}年报告没有这一主题的部分）"
            else:
                pair = compare_docname(entry.previous, report)
                note += "　" + self.link(pair, f"与{entry.previous.year}年逐段对照", self.topic)
        out.append(f'<p class="history-part">{note}</p>\n')
        if entry.changes:
            out.append(self.toggle(ident, entry.previous.year))
            paragraphs = "".join(
                f"<p>{runs_html(pair.merged)}</p>\n"
                if pair.after is not None
                else f'<p class="history-removed">{runs_html(pair.merged)}</p>\n'
                for pair in entry.changes
            )
        else:
            paragraphs = "".join(f"<p>{text_html(line)}</p>\n" for line in entry.lines)
        out.append(f'<div class="history-text">\n{paragraphs}</div>\n')
        out.append("</section>\n")
        return "".join(out)

    @staticmethod
    def toggle(ident: str, year: int) -> str:
        """The switch that marks the year's changes (off: the year's text reads whole and clean).

        A checkbox before the text, read by the stylesheet (``:checked ~``): it works without
        JavaScript, and the text is on the page once, whichever way it is shown."""
        box = f"{ident}-changes"
        return (
            f'<input type="checkbox" class="history-toggle" id="{box}">\n'
            f'<label class="history-toggle-label" for="{box}">标出与{year}年相比的改动'
            f'<span class="history-legend">（<ins>新增的文字</ins>、<del>删去的文字</del>）</span></label>\n'
        )

    def metric_table(self) -> str:
        years = [r.year for r in self.reports]
        by_year = {r.year: r for r in self.reports}
        head = "".join(f'<th class="head"><p>{y}年</p></th>\n' for y in years)
        rows = []
        for number, (key, values) in enumerate(self.metric_series.items()):
            metric = self.archive.metrics[key]
            cells = [f"<td><p>{self.link(f'metrics/{key}', metric.label)}</p></td>\n"]
            for year in years:
                placed = values.get(year)
                if placed is None:
                    cells.append('<td><p><span class="absent">—</span></p></td>\n')
                else:
                    link = self.report_link(by_year[year], placed.id, span(placed.figure.text))
                    cells.append(f"<td><p>{link}</p></td>\n")
            cells.append(f"<td>{chart(metric, years, dict(values))}</td>\n")
            parity = "row-odd" if number % 2 else "row-even"
            rows.append(f'<tr class="{parity}">{"".join(cells)}</tr>\n')
        return (
            '<section id="metrics">\n'
            + self.heading(2, "metrics", "本主题的数字")
            + '<p class="metric-caption">本主题的部分中归入指标的数字（每年取第一个）；点击数字查看原文。</p>\n'
            + '<div class="pst-scrollable-table-container"><table class="metric-table table">\n'
            + f'<thead>\n<tr class="row-odd"><th class="head"><p>指标</p></th>\n{head}'
            + '<th class="head"><p>走势</p></th>\n</tr>\n</thead>\n'
            + f"<tbody>\n{''.join(rows)}</tbody>\n</table>\n</div>\n</section>\n"
        )

    def fingerprint(self) -> str:
        texts = [current_fingerprint(self.archive, f"text:{r.key}") for r in self.reports]
        return repr([*self.series_state(), self.topic, texts])


# --- any two years --------------------------------------------------------------------------------


class ComparePickerPage(SeriesPage):
    """``reports/<county>/<kind>/compare``: any two years of the county, or a year of another county
    of the province, compared in the browser from the reports' reading files."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.pagename = compare_page(self.county.slug, self.kind.slug)
        self.title = f"{self.series_name}：任选两年对照"

    def description(self) -> str:
        return f"任选{self.series_name}的两个年度，或同省另一县（市、区）同类报告的一个年度，按主题逐段对照。"

    def contents(self) -> list[tuple[str, str]]:
        return [("compare-result", "对照结果"), ("consecutive", "相邻年度对照")]

    def neighbours(self) -> list[tuple[County, list[int]]]:
        """The counties of the province with reports of this kind (this one first), and their years."""
        found = [(self.county, [r.year for r in self.reports])]
        for other in self.archive.counties_in(self.county.province_slug):
            years = [r.year for r in self.archive.reports_of(other.slug, self.kind.slug)]
            if other.slug != self.county.slug and years:
                found.append((other, years))
        return found

    def options(self, selected: str) -> str:
        own, *others = self.neighbours()
        out = []
        for year in reversed(own[1]):
            mark = ' selected="selected"' if str(year) == selected else ""
            out.append(f'<option value="{year}"{mark}>{encode(f"{year}年")}</option>\n')
        for county, years in others:
            out.append(f'<optgroup label="{encode(county.name)}">\n')
            out += [
                f'<option value="{encode(county.slug)}/{year}">{encode(f"{county.name} {year}年")}</option>\n'
                for year in reversed(years)
            ]
            out.append("</optgroup>\n")
        return "".join(out)

    def data(self) -> str:
        """What the page's script needs, as JSON in the page (``<`` escaped): the counties and
        years it offers, the topic labels, the site's root and the path of a reading file."""
        kind = self.kind.slug
        document = {
            "county": self.county.slug,
            "kind": kind,
            "root": self.root,
            "script": reading_file(_Key(f"{{county}}/{kind}/{{year}}")),
            "counties": {c.slug: {"name": c.name, "years": years} for c, years in self.neighbours()},
            "topics": {t.key: t.label for t in self.archive.topics.values()},
        }
        return script_json(document)

    def body(self) -> str:
        years = [r.year for r in self.reports]
        earlier = str(years[-2] if len(years) > 1 else years[-1])
        later = str(years[-1])
        script = f"{self.root}_static/shufa-compare.js"
        consecutive = "".join(
            f"<li><p>{self.link(compare_docname(a, b), f'{a.year}年与{b.year}年')}</p></li>\n"
            for a, b in zip(self.reports, self.reports[1:], strict=False)
        )
        return "".join(
            [
                '<section id="compare-any">\n',
                self.heading(1, "compare-any", self.title),
                f"<p>选择两份报告，按主题逐段对照：{encode(self.series_name)}的任意两个年度，"
                "或同省另一县（市、区）同类报告的某一年度。对照结果的网址可以收藏和分享。</p>\n",
                self.ways_in(compare=False),
                '<form class="compare-form" action="" method="get">\n',
                '<p><label for="compare-from">较早的一份</label>\n'
                f'<select id="compare-from" name="from">\n{self.options(earlier)}</select>\n',
                '<label for="compare-to">对照的一份</label>\n'
                f'<select id="compare-to" name="to">\n{self.options(later)}</select>\n',
                '<button type="submit" class="compare-go">对照</button></p>\n</form>\n',
                '<p class="compare-status" role="status" aria-live="polite"></p>\n',
                '<section id="compare-result" class="compare-result">\n',
                self.heading(2, "compare-result", "对照结果"),
                '<noscript><p class="compare-noscript">任选两年对照需要浏览器运行脚本；'
                "下面的相邻年度对照页不需要。</p></noscript>\n",
                "</section>\n",
                '<section id="consecutive">\n',
                self.heading(2, "consecutive", "相邻年度对照"),
                f'<ul class="series-comparisons simple">\n{consecutive}</ul>\n' if consecutive else "",
                "" if consecutive else "<p>只有一个年度，没有相邻年度的对照。</p>\n",
                "</section>\n",
                f'<script type="application/json" id="shufa-compare-data">{self.data()}</script>\n',
                f'<script src="{encode(self.root)}_static/{RULES_FILE}"></script>\n',
                f'<script src="{encode(script)}"></script>\n',
                "</section>\n",
            ]
        )

    def fingerprint(self) -> str:
        neighbours = [(c.slug, c.name, years) for c, years in self.neighbours()]
        return repr([*self.series_state(), neighbours])


def series_pages(app: Sphinx, county: County, kind: Kind, reports: list[Report]) -> list[Any]:
    """The pages of one county's reports of one kind (handed to shufa.plugins.modelpages)."""
    archive = get_archive(app.env)
    args = (app, archive, county, kind, reports)
    pages: list[Any] = [YearsPage(*args), ComparePickerPage(*args)]
    pages += [TopicHistoryPage(*args, topic=topic) for topic in series_topics(reports)]
    return pages


# --- latest.html ----------------------------------------------------------------------------------


def latest_html(archive: Archive, reports: list[Report]) -> str:
    """``latest.html``: to the newest year, a topic's key in the fragment mapped to its section."""
    newest = reports[-1]
    anchors = topic_anchors(newest)
    # every topic of the archive: one the newest year lacks leads to the top of the report, which
    # says so (#topic=<key>, read by shufa-years.js)
    mapping = {key: anchors.get(key, f"topic={key}") for key in archive.topics}
    mapping.update(anchors)
    names = cited_names(newest)
    parts = [
        (key, names[anchors[key]], anchors[key])
        if key in anchors
        else (key, f"{archive.topics[key].label}：最新一份没有这一主题的部分", "")
        for key in mapping
    ]
    return _TEMPLATES.get_template("shufa-latest.html").render(
        title=f"{archive.counties[newest.county].name}{archive.kinds[newest.kind].name}：最新一份",
        target=f"{newest.year}.html",
        report=newest.title,
        year=newest.year,
        topics=mapping,
        parts=parts,
    )


def write_latest(app: Sphinx, exception: Exception | None) -> None:
    """``latest.html`` of every county and kind of this run."""
    if exception is not None or app.builder.format != "html":
        return
    run = get_run(app.env)
    archive = run.result.archive
    for province in run.provinces:
        for county in archive.counties_in(province):
            for kind in archive.kinds:
                reports = archive.reports_of(county.slug, kind)
                if not reports:
                    continue
                path = Path(app.outdir, latest_page(county.slug, kind) + ".html")
                claim(app, path)
                write_if_changed(path, latest_html(archive, reports))


# --- links from the report and county pages -------------------------------------------------------


def add_report_links(app: Sphinx, directive: SphinxDirective, report: Report, header: nodes.Element) -> None:
    """In the year switcher, under the years: the series' years, its newest year, any two years
    (attributes of its leaf node: no nodes of their own for every transform to walk)."""
    env = directive.env
    switcher = next((c for c in header.children if isinstance(c, year_switcher)), None)
    if switcher is None:
        return
    note_model_dependency(env, f"series:{report.county}/{report.kind}")
    series = get_archive(env).reports_of(report.county, report.kind)
    links = [(years_page(report.county, report.kind), "", "历年报告")]
    newest = series[-1]
    if newest.year != report.year:
        links.append((latest_page(report.county, report.kind), "", f"最新一份（{newest.year}年）"))
    if len(series) > 1:
        position = [r.year for r in series].index(report.year)
        other = series[position - 1] if position > 0 else series[1]
        query = compare_query(*sorted((other.year, report.year)))
        links.append((compare_page(report.county, report.kind), query, "与其他年份对照"))
    switcher["links"] = [
        *switcher.get("links", []),
        *((app.builder.get_relative_uri(report.docname, page) + query, text) for page, query, text in links),
    ]


def add_history_link(
    app: Sphinx, directive: SphinxDirective, report: Report, part: Any, node: nodes.Element
) -> None:
    """At the end of 本主题在其他年份: the topic's history, at this year."""
    if not isinstance(part, Section):
        return
    line = next((c for c in node.children if isinstance(c, topic_years)), None)
    if line is None:
        return
    page = history_page(report.county, report.kind, part.topic)
    uri = app.builder.get_relative_uri(report.docname, page) + f"#{year_id(report.year)}"
    line["links"] = [*line.get("links", []), (uri, "本主题历年变化")]


def add_county_links(
    app: Sphinx,
    directive: SphinxDirective,
    county: County,
    kind: Kind,
    reports: list[Report],
    section: nodes.Element,
) -> None:
    """On the county page, after a kind's years: the series' pages."""
    if not reports:
        return
    docname = directive.env.docname
    line = nodes.paragraph(classes=["series-links"])
    links = [
        (years_page(county.slug, kind.slug), "", "历年报告与各主题的历年变化"),
        (latest_page(county.slug, kind.slug), "", f"最新一份（{reports[-1].year}年）"),
    ]
    if len(reports) > 1:
        query = compare_query(reports[-2].year, reports[-1].year)
        links.append((compare_page(county.slug, kind.slug), query, "任选两年对照"))
    for i, (page, query, text) in enumerate(links):
        if i:
            line += nodes.Text(" · ")
        uri = app.builder.get_relative_uri(docname, page) + query
        line += nodes.reference("", "", nodes.inline("", text), refuri=uri, internal=True)
    years = next((c for c in section.children if isinstance(c, nodes.bullet_list)), None)
    section.insert(section.index(years) + 1 if years is not None else len(section.children), line)


def link_topic_row(
    app: Sphinx, directive: SphinxDirective, county: County, kind: Kind, topic: str, label: nodes.paragraph
) -> None:
    """The topic × year table's row label: a link to the topic's history."""
    uri = app.builder.get_relative_uri(directive.env.docname, history_page(county.slug, kind.slug, topic))
    text = label.astext()
    label.children = []
    label += nodes.reference(
        "", "", nodes.inline("", text), refuri=uri, internal=True, reftitle="本主题历年变化"
    )


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("shufa.plugins.data")
    app.setup_extension("shufa.plugins.crossyear")
    app.setup_extension("shufa.plugins.compare")
    app.setup_extension("shufa.plugins.modelpages")
    app.setup_extension("shufa.plugins.export")  # the reading files the page of any two years reads
    app.setup_extension("shufa.plugins.assets")
    app.connect("shufa-model-pages", series_pages)
    app.connect("build-finished", write_latest)
    app.connect("shufa-report-header", add_report_links, priority=Order.AFTER_CROSSYEAR)
    app.connect("shufa-report-part", add_history_link, priority=Order.AFTER_CROSSYEAR)
    app.connect("shufa-county-kind", add_county_links, priority=Order.AFTER_CROSSYEAR)
    app.connect("shufa-topic-row", link_topic_row)
    return metadata()
