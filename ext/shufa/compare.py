"""Sphinx plugin: how much of a report is new — reuse rates on report pages, and year-to-year
comparison pages.

The rates and diffs are :mod:`shufa.core.reuse`'s. Shown on each report page (whole
report, and each section against the whole previous report, because text moves
between sections), in the county's topic × year table, and on comparison pages
``reports/<county>/<kind>/compare/<y1>-<y2>.html`` that set each topic's two
sections side by side with deletions and insertions marked.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from .core.files import write_if_changed
from .core.fingerprints import current_fingerprint
from .core.labels import part_label, part_name, report_name
from .core.model import Archive, ClosingPart, Report, Section
from .core.reuse import (
    band,
    baseline,
    compare_docname,
    comparisons,
    diff,
    percent,
    previous_report,
    printed_lines,
)
from .data import get_archive, note_model_dependency
from .directives import section_topic
from .envstore import note_extra_pages
from .inline import text_html
from .markup import encode, internal_link, span

logger = logging.getLogger(__name__)


def _rate_note(rate: float, year: int) -> nodes.inline:
    text = f"与{year}年报告文字重复 {percent(rate)}"
    return nodes.inline(text, text, classes=["reuse", band(rate)])


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
    # The comparison is a page of its own (not a Sphinx document): linked by its URL.
    uri = app.builder.get_relative_uri(report.docname, compare_docname(earlier, report))
    line += nodes.reference(
        "", "", nodes.inline("", f"逐段对照{earlier.year}年与{report.year}年"), refuri=uri, internal=True
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
    tag = next((c for c in node.children if isinstance(c, section_topic)), None)
    if tag is None:
        tag = section_topic(classes=["section-topic"])
        node.insert(1, tag)
    else:
        tag += nodes.Text(" · ")
    tag += _rate_note(rate, year)


def add_cell_reuse(
    app: Sphinx, directive: SphinxDirective, report: Report, section: Section, cell: nodes.Element
) -> None:
    found = part_reuse(directive, report, section)
    if found is not None:
        cell += nodes.inline("", f" {percent(found[0])}", classes=["reuse", band(found[0])])


# --- comparison pages ---------------------------------------------------------------------------
#
# Written by the HTML builder as pages of their own (html-collect-pages), not as Sphinx
# documents: a comparison has no cross-reference, index entry or toctree that needs the
# document pipeline, and read, transformed, pickled, resolved and translated like a
# report it cost as much as one (a third of a full build). Its HTML is made here, from
# the model, in the same markup docutils writes; every text is escaped. A page is
# rewritten only when what it shows changed (both reports' text, the county, the topic
# labels) or the site's look did (configuration, templates); see _fingerprint.

#: Bump when the markup of comparison pages changes: every page is rewritten.
PAGE_VERSION = 1


def side_html(runs: Iterable[tuple[str, str]]) -> str:
    """One side of a comparison: a paragraph per line, deletions and insertions marked."""
    paragraphs: list[list[str]] = [[]]
    for kind, text in runs:
        for i, line in enumerate(text.split("\n")):
            if i:
                paragraphs.append([])
            if line:
                html = text_html(line)
                paragraphs[-1].append(f"<{kind}>{html}</{kind}>" if kind else html)
    return "".join(f"<p>{''.join(p)}</p>\n" for p in paragraphs if p)


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
        config = self.app.config
        link = ""
        if config.html_permalinks and config.html_permalinks_icon:
            label = encode(_("Link to this heading"))
            link = f'<a class="headerlink" href="#{ident}" title="{label}">{config.html_permalinks_icon}</a>'
        return f"<h{level}>{encode(text)}{link}</h{level}>\n"

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

    @functools.cached_property
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
        left, right = diff(printed_lines(a), printed_lines(b))
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
            f'<tbody>\n<tr class="row-even"><td>{side_html(left)}</td>\n<td>{side_html(right)}</td>\n</tr>\n'
            "</tbody>\n</table>\n</div>\n"
        )

    def toc(self) -> str:
        """The page's contents in the markup of Sphinx's ``toc`` (the theme's 当前页面 list)."""
        entries = "".join(
            f'<li><a class="reference internal" href="#{encode(key)}">{encode(label)}</a></li>\n'
            for key, label in self.topics()
        )
        return f'<ul>\n<li><a class="reference internal" href="#">{encode(self.title)}</a><ul>\n{entries}</ul>\n</li>\n</ul>\n'

    def context(self) -> dict[str, Any]:
        return {
            "title": encode(self.title),
            "body": self.body,
            "toc": self.toc(),
            "display_toc": True,
            "shufa_description": self.description(),
        }


def _fingerprint(archive: Archive, earlier: Report, later: Report, shared: str) -> str:
    parts = [
        shared,
        current_fingerprint(archive, f"text:{earlier.key}"),
        current_fingerprint(archive, f"text:{later.key}"),
        current_fingerprint(archive, f"county-info:{later.county}"),
    ]
    return hashlib.sha1(repr(parts).encode()).hexdigest()


def _shared(app: Sphinx, archive: Archive) -> str:
    """What every comparison page depends on: the HTML configuration, templates, this
    module, the kinds and the topic labels."""
    builder = app.builder
    info = getattr(builder, "build_info", None)
    templates = builder.templates.newest_template_mtime() if getattr(builder, "templates", None) else 0
    return repr(
        (
            PAGE_VERSION,
            getattr(info, "config_hash", ""),
            getattr(info, "tags_hash", ""),
            templates,
            current_fingerprint(archive, "kinds"),
            [(t.key, t.label) for t in archive.topics.values()],
        )
    )


def _register_pages(app: Sphinx) -> None:
    """Name the comparison pages, so search (by title) and the sitemap list them."""
    archive = get_archive(app.env)
    note_extra_pages(
        app.env,
        "compare",
        {p.pagename: p.title for p in (ComparePage(app, archive, *pair) for pair in comparisons(archive))},
    )


def collect_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """The comparison pages whose content or look changed since they were last written.

    Written through one rendering of the page template (:class:`Shell`) when that gives
    the same bytes as Sphinx's own rendering of the first page; otherwise handed to Sphinx."""
    builder = app.builder
    if builder.format != "html" or builder.name not in ("html", "dirhtml"):
        return
    env = app.env
    archive = get_archive(env)
    record = Path(app.doctreedir, "shufa-compare.json")  # page → fingerprint when last written
    try:
        written: dict[str, str] = json.loads(record.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        written = {}
    if not isinstance(written, dict):
        written = {}
    shared = _shared(app, archive)
    current: dict[str, str] = {}
    shell: Shell | None = None
    checked = False
    for earlier, later in comparisons(archive):
        page = ComparePage(app, archive, earlier, later)
        digest = _fingerprint(archive, earlier, later, shared)
        current[page.pagename] = digest
        target = Path(builder.get_outfilename(page.pagename))
        if written.get(page.pagename) == digest and target.is_file():
            continue
        if not checked:
            checked = True
            shell = Shell.make(app, page.pagename)
            yield page.pagename, page.context(), "page.html"  # Sphinx renders the first one itself …
            if shell is not None and shell.fill(page) != target.read_text(encoding="utf-8"):
                logger.info("shufa: comparison pages rendered one by one (the page shell differs)")
                shell = None  # … and the shell is used only if it gives the same page
            continue
        html = shell.fill(page) if shell is not None else None
        if html is None:
            yield page.pagename, page.context(), "page.html"
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8", errors="xmlcharrefreplace")
    # Next to the environment, which was pickled before writing began.
    write_if_changed(record, json.dumps(current, sort_keys=True))


class Shell:
    """The page template rendered once for all comparison pages, with markers to fill.

    Comparison pages sit at the same depth and differ only in their title, description,
    body, contents list and name; rendering the theme's template for each (a few ms, a
    tenth of a large build) gives the same bytes as filling one rendering in."""

    NAME = "reports/⟦县⟧/⟦类⟧/compare/⟦年⟧"
    TITLE, DESCRIPTION, BODY, KEY, LABEL = "⟦标题⟧", "⟦描述⟧", "⟦正文⟧", "⟦键⟧", "⟦名⟧"
    #: Text that escaping would change, or that holds a marker: such a page is rendered by Sphinx.
    UNSAFE = re.compile(r"[<>&\"'@\\⟦⟧]")

    def __init__(self, text: str, entry: str) -> None:
        self.text = text
        self.entry = entry  # the line of the contents list, to repeat for every topic

    @classmethod
    def make(cls, app: Sphinx, example: str) -> Shell | None:
        builder = app.builder
        if example.count("/") != cls.NAME.count("/"):
            return None
        context = {
            "title": cls.TITLE,
            "body": cls.BODY,
            "toc": (
                f'<ul>\n<li><a class="reference internal" href="#">{cls.TITLE}</a><ul>\n'
                f'<li><a class="reference internal" href="#{cls.KEY}">{cls.LABEL}</a></li>\n</ul>\n</li>\n</ul>\n'
            ),
            "display_toc": True,
            "shufa_description": cls.DESCRIPTION,
        }
        note_extra_pages(app.env, "shell", {cls.NAME: cls.TITLE})  # for the description tags
        try:
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp, "shell.html")
                builder.handle_page(cls.NAME, context, "page.html", outfilename=out)
                text = out.read_text(encoding="utf-8")
        except OSError:
            return None
        finally:
            note_extra_pages(app.env, "shell", {})
        entries = [line for line in text.splitlines(keepends=True) if f'href="#{cls.KEY}"' in line]
        if len(entries) != 1 or text.count(cls.BODY) != 1 or cls.TITLE not in text:
            return None
        return cls(text, entries[0])

    def fill(self, page: ComparePage) -> str | None:
        """*page* as Sphinx would render it, or None when its text would need escaping."""
        title, description, topics = page.title, page.description(), page.topics()
        texts = (title, description, page.pagename, *(key + label for key, label in topics))
        if any(self.UNSAFE.search(t) for t in texts):
            return None
        lines = "".join(self.entry.replace(self.KEY, key).replace(self.LABEL, label) for key, label in topics)
        text = (
            self.text.replace(self.entry, lines)
            .replace(self.NAME, page.pagename)
            .replace(self.TITLE, title)
            .replace(self.DESCRIPTION, description)
        )
        before, _, after = text.partition(self.BODY)
        return before + page.body + after


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("shufa.pages")
    app.setup_extension("shufa.directives")
    app.setup_extension("shufa.crossyear")
    app.connect("builder-inited", _register_pages, priority=600)
    app.connect("html-collect-pages", collect_pages)
    app.connect("shufa-report-header", add_report_reuse)
    app.connect("shufa-report-part", add_section_reuse)
    app.connect("shufa-topic-cell", add_cell_reuse)
    return {"version": "1", "env_version": 3, "parallel_read_safe": True, "parallel_write_safe": True}
