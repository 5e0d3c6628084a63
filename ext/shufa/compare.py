"""Sphinx plugin: how much of a report is new — text reuse rates and year-to-year comparison pages.

The reuse rate of a text against the previous year's report is the share of
its characters that lie inside some run of :data:`SHINGLE` consecutive
characters that also occurs in the previous report. Before comparing, white
space is removed and every number is replaced by ``0``, so a sentence repeated
with this year's figures still counts as repeated (that is how annual reports
reuse text). Identical text scores 100%, unrelated text 0%, and a text whose
first half is copied about 50%.

Shown on each report page (whole report, and each section against the whole
previous report, because text moves between sections), in the county's
topic × year table, and on comparison pages
``reports/<county>/<kind>/compare/<y1>-<y2>.html`` that set each topic's two
sections side by side with deletions and insertions marked (numbers and
Latin words as whole units, other characters one by one; an unchanged run of
fewer than :data:`MIN_EQUAL` characters between two changes joins them).
"""

from __future__ import annotations

import difflib
import functools
import itertools
import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.writers.html5 import HTML5Translator

from .data import get_archive, note_model_dependency
from .domain import doc_ref, report_ref
from .inline import text_html
from .labels import part_name
from .model import Archive, ClosingPart, Report, Section

#: Length of the character runs compared (8 characters: longer than a stock phrase such as
#: 法治政府建设, short enough to catch a sentence copied with one word changed).
SHINGLE = 8

_NUMBER = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Text as compared: no white space, every number replaced by 0."""
    return _NUMBER.sub("0", _SPACE.sub("", text))


class Baseline:
    """The previous year's text, prepared for reuse measurements."""

    def __init__(self, text: str, n: int = SHINGLE) -> None:
        self.n = n
        self.text = normalise(text)
        self.shingles = {self.text[i : i + n] for i in range(len(self.text) - n + 1)}

    def reuse(self, text: str) -> float | None:
        """Share of *text*'s characters inside a run also found in the baseline (None if empty)."""
        t = normalise(text)
        if not t:
            return None
        n = self.n
        if len(t) < n:
            return 1.0 if t in self.text else 0.0
        covered = 0
        reach = 0  # first position not yet counted as covered
        for i in range(len(t) - n + 1):
            if t[i : i + n] in self.shingles:
                start = max(i, reach)
                covered += i + n - start
                reach = i + n
        return covered / len(t)


def reuse_rate(text: str, previous: str) -> float | None:
    return Baseline(previous).reuse(text)


def percent(rate: float) -> str:
    return f"{round(rate * 100)}%"


def previous_report(archive: Archive, report: Report) -> Report | None:
    series = archive.reports_of(report.county, report.kind)
    earlier = [r for r in series if r.year < report.year]
    return earlier[-1] if earlier else None


def compare_docname(earlier: Report, later: Report) -> str:
    return f"reports/{later.county}/{later.kind}/compare/{earlier.year}-{later.year}"


_BASELINES: dict[str, tuple[str, Baseline]] = {}


def baseline(report: Report) -> Baseline:
    """The prepared text of *report* (cached per process while its text is unchanged)."""
    text = "\n".join(report.texts())
    hit = _BASELINES.get(report.key)
    if hit is None or hit[0] != text:
        if len(_BASELINES) > 64:
            _BASELINES.clear()
        hit = (text, Baseline(text))
        _BASELINES[report.key] = hit
    return hit[1]


def _rate_note(rate: float, year: int) -> nodes.inline:
    text = f"与{year}年报告文字重复 {percent(rate)}"
    return nodes.inline(text, text, classes=["reuse", _band(rate)])


def _band(rate: float) -> str:
    """A CSS class for how much is repeated: high (≥ 70%), medium (≥ 40%), low."""
    return "reuse-high" if rate >= 0.7 else "reuse-medium" if rate >= 0.4 else "reuse-low"


# --- on report pages -----------------------------------------------------------------------------


def add_report_reuse(app: Sphinx, directive: SphinxDirective, report: Report, header: nodes.Element) -> None:
    archive = get_archive(directive.env)
    note_model_dependency(directive.env, f"series:{report.county}/{report.kind}")
    earlier = previous_report(archive, report)
    if earlier is None:
        return
    note_model_dependency(directive.env, f"text:{earlier.key}")
    rate = baseline(earlier).reuse("\n".join(report.texts()))
    line = nodes.paragraph(classes=["report-reuse"])
    line += nodes.Text("全文")
    line += _rate_note(rate or 0.0, earlier.year)
    line += nodes.Text("　")
    line += doc_ref(
        directive.env,
        compare_docname(earlier, report),
        nodes.inline("", f"逐段对照{earlier.year}年与{report.year}年"),
    )
    header += line


def part_reuse(
    directive: SphinxDirective, report: Report, part: Section | ClosingPart
) -> tuple[float, int] | None:
    """How much of *part* repeats the previous year's report, and that year (None: no such
    year, or no text); records that the page depends on the previous report's text."""
    earlier = previous_report(get_archive(directive.env), report)
    if earlier is None:
        return None
    note_model_dependency(directive.env, f"text:{earlier.key}")
    rate = baseline(earlier).reuse("\n".join(part.texts()))
    return None if rate is None else (rate, earlier.year)


def add_section_reuse(
    app: Sphinx, directive: SphinxDirective, report: Report, part: Section | ClosingPart, node: nodes.Element
) -> None:
    found = part_reuse(directive, report, part)
    if found is None:
        return
    rate, year = found
    tag = next((c for c in node.children if "section-topic" in c.get("classes", [])), None)
    if tag is None:
        tag = nodes.paragraph(classes=["section-topic"])
        node.insert(1, tag)
    else:
        tag += nodes.Text(" · ")
    tag += _rate_note(rate, year)


def add_cell_reuse(
    app: Sphinx, directive: SphinxDirective, report: Report, section: Section, cell: nodes.Element
) -> None:
    found = part_reuse(directive, report, section)
    if found is not None:
        cell += nodes.inline("", f" {percent(found[0])}", classes=["reuse", _band(found[0])])


# --- comparison pages ---------------------------------------------------------------------------


class inserted(nodes.inline):
    """Text new in the later year."""


class deleted(nodes.inline):
    """Text of the earlier year that the later year dropped."""


def _visit(tag: str):
    def visit(self: HTML5Translator, node: nodes.Element) -> None:
        self.body.append(self.starttag(node, tag, ""))

    def depart(self: HTML5Translator, node: nodes.Element) -> None:
        self.body.append(f"</{tag}>")

    return visit, depart


#: Units of the diff: a number (with decimals), a Latin word, or any one other character.
_UNIT = re.compile(r"[0-9]+(?:\.[0-9]+)?|[A-Za-z]+|.", re.DOTALL)

#: An unchanged run shorter than this, between two changes, is shown as part of the change:
#: a lone 的 or ， left standing in a rewritten sentence is noise, not a match.
MIN_EQUAL = 2


@functools.lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[str, ...]:
    """Units for the diff: numbers and Latin words whole, every other character alone.

    No dictionary: a build that re-reads one comparison page loads nothing. Cached:
    each year's text is the later side of one comparison and the earlier of the next."""
    return tuple(_UNIT.findall(text))


def _opcodes(a: tuple[str, ...], b: tuple[str, ...]) -> list[tuple[str, int, int, int, int]]:
    """SequenceMatcher's opcodes with short unchanged runs between changes folded into them."""
    merged: list[list[Any]] = []
    codes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for n, (op, i1, i2, j1, j2) in enumerate(codes):
        inner = 0 < n < len(codes) - 1
        if op == "equal" and inner and sum(len(t) for t in a[i1:i2]) < MIN_EQUAL:
            op = "replace"
        if op != "equal" and merged and merged[-1][0] != "equal":
            merged[-1][2], merged[-1][4] = i2, j2
            merged[-1][0] = "replace"
        else:
            merged.append([op, i1, i2, j1, j2])
    return [tuple(m) for m in merged]  # type: ignore[misc]


def diff(before: str, after: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The two sides of a diff, as (kind, text) runs: kind is '', 'del' or 'ins'."""
    a, b = tokens(before), tokens(after)
    left: list[tuple[str, str]] = []
    right: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in _opcodes(a, b):
        if op == "equal":
            left.append(("", "".join(a[i1:i2])))
            right.append(("", "".join(b[j1:j2])))
            continue
        if i2 > i1:
            left.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            right.append(("ins", "".join(b[j1:j2])))
    return left, right


def printed_lines(part: Section | ClosingPart) -> str:
    """A part as printed: the heading line, the lead, one line per item, the closing text."""
    lines = [f"{part.marker}{part.heading}"]
    lines += [t for t in (getattr(part, "lead", ""), getattr(part, "intro", "")) if t]
    lines += [f"{i.marker}{i.label}{i.text}" for i in part.all_items()]
    if part.text:
        lines.append(part.text)
    return "\n".join(line for line in lines if line)


class diff_side(nodes.General, nodes.Element):
    """One side of a comparison (``runs``: (kind, text), kind '', 'del' or 'ins'), a leaf.

    Written straight to HTML by its visitor: a side is a few hundred runs, which as
    docutils nodes would cost every transform, the pickler and the writer. Text is
    escaped and redactions marked exactly as :mod:`shufa.inline` marks them.
    """

    def astext(self) -> str:
        return "".join(text for _, text in self["runs"])


def visit_diff_side_html(self: HTML5Translator, node: diff_side) -> None:
    paragraphs: list[list[str]] = [[]]
    for kind, text in node["runs"]:
        for i, line in enumerate(text.split("\n")):
            if i:
                paragraphs.append([])
            if not line:
                continue
            html = text_html(self, line)
            paragraphs[-1].append(f"<{kind}>{html}</{kind}>" if kind else html)
    self.body.append("".join(f"<p>{''.join(p)}</p>\n" for p in paragraphs if p))
    raise nodes.SkipNode


def visit_diff_side_text(self: Any, node: diff_side) -> None:
    raise nodes.SkipNode


class CompareDirective(SphinxDirective):
    """``{report-compare} qinghe/shufa 2022 2023``: two years of a county's report, topic by topic."""

    required_arguments = 3

    def run(self) -> list[nodes.Node]:
        series, y1, y2 = self.arguments
        archive = get_archive(self.env)
        earlier = archive.reports.get(f"{series}/{y1}")
        later = archive.reports.get(f"{series}/{y2}")
        if earlier is None or later is None:
            return []
        for report in (earlier, later):
            note_model_dependency(self.env, f"text:{report.key}")
        note_model_dependency(self.env, f"county-info:{later.county}")
        county = archive.counties[later.county]
        kind = archive.kinds[later.kind]
        page = nodes.section(ids=["compare"])
        title = f"{county.name}{kind.name}：{y1}年与{y2}年对照"
        page += nodes.title(title, title)
        intro = nodes.paragraph()
        intro += report_ref(self.env, "report", earlier.key, nodes.inline("", f"{y1}年报告"))
        intro += nodes.Text(" 与 ")
        intro += report_ref(self.env, "report", later.key, nodes.inline("", f"{y2}年报告"))
        intro += nodes.Text("，按主题逐段对照。")
        rate = baseline(earlier).reuse("\n".join(later.texts())) or 0.0
        intro += nodes.Text(f"{y2}年报告全文")
        intro += _rate_note(rate, earlier.year)
        intro += nodes.Text("。")
        page += intro
        legend = nodes.paragraph(classes=["compare-legend"])
        legend += nodes.Text("图例：")
        legend += deleted("", "", nodes.Text(f"{y1}年有、{y2}年删去的文字"))
        legend += nodes.Text("；")
        legend += inserted("", "", nodes.Text(f"{y2}年新增的文字"))
        legend += nodes.Text("。重复率的计算方法见“使用指南”。")
        page += legend
        topics = archive.topics
        order = [s.topic for s in later.sections]
        order += [s.topic for s in earlier.sections if s.topic not in order]
        for key in dict.fromkeys(order):
            label = topics[key].label if key in topics else key
            section = nodes.section(ids=[key])
            section += nodes.title(label, label)
            a, b = earlier.section_for_topic(key), later.section_for_topic(key)
            if a is None or b is None:
                only = b or a
                year = y2 if b else y1
                owner = later if b else earlier
                line = nodes.paragraph(classes=["compare-only"])
                line += nodes.Text(f"仅见于{year}年报告：")
                line += report_ref(
                    self.env,
                    "section",
                    f"{owner.key}/{only.anchor}",
                    nodes.inline("", f"{part_name(only.anchor)}　{only.marker}{only.heading}"),
                )
                section += line
            else:
                section += self._pair(earlier, later, a, b)
            page += section
        return [page]

    def _pair(self, earlier: Report, later: Report, a: Section, b: Section) -> list[nodes.Node]:
        left, right = diff(printed_lines(a), printed_lines(b))
        rate = baseline(earlier).reuse("\n".join(b.texts()))
        note = nodes.paragraph(classes=["compare-rate"])
        note += report_ref(
            self.env,
            "section",
            f"{earlier.key}/{a.anchor}",
            nodes.inline("", f"{earlier.year}年{part_name(a.anchor)}"),
        )
        note += nodes.Text(" → ")
        note += report_ref(
            self.env,
            "section",
            f"{later.key}/{b.anchor}",
            nodes.inline("", f"{later.year}年{part_name(b.anchor)}"),
        )
        if rate is not None:
            note += nodes.Text("　")
            note += _rate_note(rate, earlier.year)
        table = nodes.table(classes=["compare-table"])
        group = nodes.tgroup(cols=2)
        table += group
        group += nodes.colspec(colwidth=50)
        group += nodes.colspec(colwidth=50)
        head = nodes.thead()
        row = nodes.row()
        row += nodes.entry("", nodes.paragraph("", f"{earlier.year}年"))
        row += nodes.entry("", nodes.paragraph("", f"{later.year}年"))
        head += row
        group += head
        body = nodes.tbody()
        row = nodes.row()
        row += nodes.entry("", diff_side(runs=left))
        row += nodes.entry("", diff_side(runs=right))
        body += row
        group += body
        return [note, table]


def comparison_pages(app: Sphinx, archive: Archive, pages: dict[str, str]) -> None:
    """Add a comparison page for every pair of consecutive years of a county and kind."""
    from .pages import SUFFIX, block, page

    for county in archive.counties:
        for kind in archive.kinds:
            series = archive.reports_of(county, kind)
            for earlier, later in itertools.pairwise(series):
                pages[f"{compare_docname(earlier, later)}{SUFFIX}"] = page(
                    block("report-compare", f"{county}/{kind} {earlier.year} {later.year}"),
                    f"data/{county}/{kind}/",
                )


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("shufa.pages")
    app.setup_extension("shufa.directives")
    app.setup_extension("shufa.crossyear")
    app.add_node(inserted, html=_visit("ins"))
    app.add_node(deleted, html=_visit("del"))
    others = {name: (visit_diff_side_text, None) for name in ("latex", "text", "man", "texinfo")}
    app.add_node(diff_side, html=(visit_diff_side_html, None), **others)
    app.add_directive("report-compare", CompareDirective)
    app.connect("shufa-generate-pages", comparison_pages)
    app.connect("shufa-report-header", add_report_reuse)
    app.connect("shufa-report-part", add_section_reuse)
    app.connect("shufa-topic-cell", add_cell_reuse)
    return {"version": "1", "env_version": 2, "parallel_read_safe": True, "parallel_write_safe": True}
