"""The frame readers meet on a phone and on a desktop (issue 21), in chromium: every page kind at
390 and 1280 px (nothing wider than the screen, facts that read label-then-value, wide tables
that scroll in their own box with a cue, comparisons that stack), Chinese typesetting measured
on computed styles and line boxes (W3C clreq), the keyboard and the console, the page's weight
and the page on paper.

Screenshots of every page kind at both widths are kept as test artefacts: in the folder named
by ``SHUFA_SCREENSHOTS`` when it is set, else under pytest's temporary folder (``layout-shots``).
"""

from __future__ import annotations

import gzip
import os
import re
from pathlib import Path

import pytest

import search_bytes
from conftest import page_soup, reader, settle, tab
from shufa.core.loading import load_archive

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLE = load_archive(DATA).archive
REPORTS = sorted(f"{r.docname}.html" for r in SAMPLE.reports.values())

#: One page of every kind a reader meets.
PAGE_KINDS = {
    "home": "index.html",
    "archive": "reports/index.html",
    "province": "provinces/jianglan.html",
    "county": "reports/qinghe/index.html",
    "report": "reports/qinghe/shufa/2023.html",
    "comparison": "reports/qinghe/shufa/compare/2022-2023.html",
    "any two years": "reports/qinghe/shufa/compare.html?from=2021&to=2024",
    "topic history": "reports/qinghe/shufa/topics/law-enforcement.html",
    "series": "reports/qinghe/shufa/index.html",
    "latest": "reports/qinghe/shufa/latest.html",
    "search": "search.html?q=行政执法",
    "year": "years/2023.html",
    "year in a province": "years/2023/jianglan.html",
    "topic": "topics/law-enforcement.html",
    "metrics": "metrics/index.html",
    "metric": "metrics/enforcement-cases.html",
    "guide": "guide/reading.html",
    "reference": "reference/data-format.html",
}
# The original's readable view (``<year>.source.html``) is a page of a site with an imported
# original, which the sample is not: tests/test_import_hostile.py opens it from its report page at
# 390 px (nothing wider than the screen, nothing run, nothing loaded from elsewhere).

WIDTHS = (390, 1280)

#: Boxes that scroll sideways by design: a wide table's box, the phone header's row of links,
#: code. Anything else wider than the screen is a fault.
SCROLL_BOXES = ".pst-scrollable-table-container, .navbar-header-items__center, pre, div.highlight"

#: Everything wider than the screen (outside the boxes that scroll), and each scrolling box's
#: state: whether it overflows and whether its cue (左右滑动) shows.
MEASURE = """
(scrollBoxes) => {
  const width = window.innerWidth;
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest(scrollBoxes) && !el.matches(scrollBoxes)) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none' || el.closest('dialog:not([open])')) continue;
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    if (r.right > width + 1 || r.left < -1) {
      wide.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ${Math.round(r.left)}..${Math.round(r.right)}`);
    }
  }
  const boxes = [...document.querySelectorAll('.pst-scrollable-table-container')]
    .filter((box) => box.getBoundingClientRect().width > 0)
    .map((box) => {
      const cue = getComputedStyle(box, '::before');
      return {
        overflows: box.scrollWidth > box.clientWidth + 1,
        cue: cue.display !== 'none' && cue.content.includes('左右滑动'),
      };
    });
  const article = document.querySelector('.bd-article-container');
  return {
    wide,
    boxes,
    page: document.documentElement.scrollWidth,
    article: article ? article.scrollWidth - article.clientWidth : 0,
  };
}
"""


@pytest.fixture(scope="session")  # a folder, not a build: the tests using it need no one worker
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    named = os.environ.get("SHUFA_SCREENSHOTS")
    folder = Path(named) if named else tmp_path_factory.mktemp("layout-shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shot_name(kind: str, width: int) -> str:
    return re.sub(r"[^a-z0-9]+", "-", kind) + f"-{width}.png"


# --- every page kind fits --------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_every_page_kind_fits_the_screen(browser, site_server: str, screenshots: Path, kind: str, width: int):
    page = tab(browser, width)
    page.goto(f"{site_server}/{PAGE_KINDS[kind]}")
    settle(page)
    if kind == "any two years":
        page.wait_for_selector("#compare-result[data-compared]")
    if kind == "search":  # its results shown, not only the page
        page.wait_for_function(search_bytes.SEARCHED)
    page.screenshot(path=str(screenshots / shot_name(kind, width)), full_page=True)
    found = page.evaluate(MEASURE, SCROLL_BOXES)
    assert found["wide"] == [], f"{kind} at {width} px: wider than the screen"
    assert found["page"] <= width and found["article"] <= 1, (kind, width, found)
    for box in found["boxes"]:
        # a box that scrolls says so; one that does not, does not
        assert box["cue"] == box["overflows"], (kind, width, found["boxes"])
    # no console error or warning, no script error, nothing missing (the favicon included)
    assert page.problems == [], (kind, width)


def test_a_wide_table_scrolls_in_its_box_with_a_cue(browser, site_server: str) -> None:
    for width, overflowing in ((390, True), (1280, False)):
        page = tab(browser, width)
        page.goto(f"{site_server}/reports/qinghe/index.html")
        settle(page)
        box = page.locator(".pst-scrollable-table-container:has(table.topic-year-table)").first
        state = box.evaluate(
            "b => [b.scrollWidth > b.clientWidth + 1, getComputedStyle(b, '::before').content,"
            " b.getBoundingClientRect().right <= window.innerWidth]"
        )
        assert state[0] is overflowing, width
        assert ("左右滑动" in state[1]) is overflowing, width
        assert state[2], "the box itself fits the screen"
        if overflowing:  # the last year is there, in the box, by scrolling
            box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
            last = box.locator("th").last
            assert last.inner_text().strip() == "2024年" and last.is_visible()


def test_report_facts_read_label_then_value(browser, site_server: str) -> None:
    for width in WIDTHS:
        page = tab(browser, width)
        page.goto(f"{site_server}/reports/qinghe/shufa/2023.html")
        pairs = page.evaluate(
            """() => [...document.querySelectorAll('dl.report-meta > dt')].map(dt => {
                const dd = dt.nextElementSibling, a = dt.getBoundingClientRect(), b = dd.getBoundingClientRect();
                const line = parseFloat(getComputedStyle(dt).lineHeight);
                return {label: dt.textContent, lines: Math.round(a.height / line), top: b.top - a.top,
                        right: b.right, left: b.left - a.right};
            })"""
        )
        assert [p["label"] for p in pairs][:3] == ["地区：", "报告类型：", "报告年度："]
        for pair in pairs:
            assert pair["lines"] == 1, (width, pair)  # never one character a line
            assert abs(pair["top"]) < 2 and pair["left"] >= 0, (width, pair)  # the value beside it
            assert pair["right"] <= width, (width, pair)


def test_comparisons_stack_on_a_phone(browser, site_server: str) -> None:
    for width, stacked in ((390, True), (1280, False)):
        page = tab(browser, width)
        page.goto(f"{site_server}/reports/qinghe/shufa/compare/2022-2023.html")
        rows = page.locator("table.compare-table").first.evaluate(
            "t => [...t.querySelectorAll('tbody tr')].map(r => ({same: r.classList.contains('unchanged'),"
            " cells: [...r.children].map(c => ({box: c.getBoundingClientRect().toJSON(),"
            " empty: !c.textContent.trim(), rule: getComputedStyle(c).borderLeftColor}))}))"
        )
        changed = [row["cells"] for row in rows if not row["same"]]
        same = [row["cells"] for row in rows if row["same"]]
        assert changed and same, rows
        for earlier, later in changed:
            if earlier["empty"] or later["empty"]:  # a line with no counterpart
                continue
            a, b = earlier["box"], later["box"]
            if stacked:
                # each line of the earlier year just above the line it is compared with, both the
                # full width, told apart by their rules
                assert a["bottom"] <= b["top"] + 1 and min(a["width"], b["width"]) > 0.8 * (width - 40)
                assert earlier["rule"] != later["rule"]
            else:
                assert abs(a["top"] - b["top"]) < 1 and a["right"] <= b["left"] + 1
        for earlier, later in same:
            if stacked:  # a line the same in both years shows once
                assert earlier["box"]["width"] == 0 and later["box"]["width"] > 0.8 * (width - 40)
            else:
                assert abs(earlier["box"]["top"] - later["box"]["top"]) < 1
        if stacked:  # the rows follow each other down the page
            tops = [next(c["box"]["top"] for c in row["cells"] if c["box"]["width"]) for row in rows]
            assert tops == sorted(tops)


# --- Chinese typesetting (W3C clreq) -----------------------------------------------------------

#: The report's body paragraphs, the only text that may justify (with its last line at the start).
BODY = (
    ".report .preamble p, .report p.opening, .report .report-item > p, "
    ".report section.report-section > p:not([class]), .report section.report-closing > p:not([class])"
)

JUSTIFIED = """
(body) => [...document.querySelectorAll('article *')].filter(el => {
  const s = getComputedStyle(el);
  return s.textAlign === 'justify' && !s.display.startsWith('inline') && el.textContent.trim() &&
    !(el.matches(body) && ['start', 'left'].includes(s.textAlignLast));
}).map(el => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}: ${el.textContent.trim().slice(0, 20)}`)
"""


@pytest.mark.parametrize(
    "kind", ["home", "province", "county", "report", "comparison", "topic history", "year"]
)
def test_nothing_shorter_than_its_box_is_stretched(browser, site_server: str, kind: str) -> None:
    for width in WIDTHS:
        page = tab(browser, width)
        page.goto(f"{site_server}/{PAGE_KINDS[kind]}")
        assert page.evaluate(JUSTIFIED, BODY) == [], (kind, width)


#: Every character of every report paragraph that starts a line and may not (W3C clreq).
LINE_STARTS = """
(closing) => {
  const bad = [];
  const range = document.createRange();
  for (const block of document.querySelectorAll('article .report p, article .report dd')) {
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    let lineTop = null;
    while (walker.nextNode()) {
      const node = walker.currentNode;
      for (let i = 0; i < node.data.length; i++) {
        if (/\\s/.test(node.data[i])) continue;
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const r = range.getClientRects()[0];
        if (!r || !r.width) continue;
        if (lineTop !== null && r.top > lineTop + r.height / 2) {  // the first character of a line
          if (closing.includes(node.data[i])) bad.push(node.data.slice(Math.max(0, i - 6), i + 4));
          lineTop = r.top;
        } else if (lineTop === null) {
          lineTop = r.top;
        }
      }
    }
  }
  return bad;
}
"""


@pytest.mark.parametrize("width", [360, 390, 412])
def test_no_line_starts_with_closing_punctuation(browser, site_server: str, width: int) -> None:
    page = tab(browser, width)
    found = {}
    for path in REPORTS:
        page.goto(f"{site_server}/{path}")
        bad = page.evaluate(LINE_STARTS, "。，、；：？！）」』》")
        if bad:
            found[path] = bad
    assert found == {}, "a figure or a redaction keeps the punctuation after it"


def test_one_paragraph_style_for_report_text(browser, site_server: str) -> None:
    page = tab(browser, 390)
    page.goto(f"{site_server}/reports/qinghe/shufa/2023.html")
    styles = page.evaluate(
        """() => ['.preamble p', 'p.opening', '.report-item > p'].map(sel => {
            const s = getComputedStyle(document.querySelector('.report ' + sel));
            return [s.fontSize, s.fontWeight, s.lineHeight];
        })"""
    )
    assert styles[0] == styles[1] == styles[2], styles
    assert page.locator("article .lead").count() == 0, "Bootstrap's .lead is a display paragraph"


def test_a_redaction_chip_stays_a_chip_at_the_start_of_an_indented_paragraph(browser, site_server: str):
    page = tab(browser, 390)
    page.goto(f"{site_server}/reports/qinghe/shufa/2023.html")
    widths = page.evaluate(
        """() => {
            const chip = document.querySelector('article span.redaction');
            const out = [];
            for (const p of document.querySelectorAll('.report .preamble p, .report p.opening')) {
                const copy = chip.cloneNode(true);
                p.prepend(copy);
                out.push([copy.getBoundingClientRect().width / parseFloat(getComputedStyle(copy).fontSize),
                          parseFloat(getComputedStyle(p).textIndent)]);
            }
            return out;
        }"""
    )
    assert widths and all(indent > 0 for _, indent in widths), "the paragraphs are indented"
    assert all(em < 2.5 for em, _ in widths), widths


def test_labels_take_a_full_width_colon_and_a_single_year_is_a_year(sample_site: Path) -> None:
    for path in [*REPORTS, "index.html", "provinces/jianglan.html", "reports/index.html"]:
        soup = page_soup(sample_site, path)
        article = soup.select_one("article")
        assert not article.select("span.colon"), path
        for label in article.select("dt"):
            text = label.get_text()
            assert not re.search(r"[\u4e00-\u9fff]:", text), (path, text)
        assert not re.search(r"(\d{4})—\1(?!\d)", article.get_text()), path
    summary = page_soup(sample_site, "provinces/jianglan.html").get_text()
    assert "法治政府建设年度报告 1份（2023年）" in summary


# --- keyboard, console, favicon ----------------------------------------------------------------


def tab_stops(page, limit: int = 300) -> list[str]:
    stops: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        here = page.evaluate(
            "() => { const e = document.activeElement; return e && e !== document.body ?"
            " e.tagName + '|' + (e.getAttribute('href') || e.className || '') + '|' + e.textContent.trim().slice(0, 12) : null; }"
        )
        if here is None or (stops and here == stops[0]):
            break
        stops.append(here)
    return stops


def test_keyboard_reaches_the_contents_first_and_tabs_through_fewer_stops(browser, site_server: str) -> None:
    context, page = reader(browser, 1280)
    try:
        page.goto(f"{site_server}/reports/qinghe/shufa/2023.html")
        stops = tab_stops(page)
        # before the article: a skip link to it, and one to the page's contents
        assert stops[0].startswith("A|#main-content|")
        assert stops[1].startswith("A|#pst-page-toc-nav|")
        page.keyboard.press("Escape")
        page.locator("a.skip-to-contents").focus()
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.getAttribute('href')") == "#s1"
        # the section permalinks are tab stops, and show when focused
        assert sum(s.startswith("A|#s") for s in stops) >= 6
        link = page.locator("section#s3 > h2 > a.headerlink")
        link.focus()
        assert link.evaluate("a => getComputedStyle(a).opacity") == "1"
        # 96 on the code before issue 21 (with 30 cite controls and a tab stop per redaction)
        assert len(stops) <= 80, len(stops)
        assert not [s for s in stops if s.startswith("SPAN|redaction")]
    finally:
        context.close()


def test_the_home_icon_is_labelled_home_and_the_site_has_its_icon(
    sample_site: Path, browser, site_server: str
):
    soup = page_soup(sample_site, "reports/qinghe/index.html")
    home = soup.select_one(".breadcrumb-home a")
    assert home["aria-label"] == "首页"
    for path in sample_site.rglob("*.html"):
        assert 'aria-label="初始页面"' not in path.read_text(encoding="utf-8"), path
    icon = soup.select_one('link[rel="icon"]')
    assert icon["href"].endswith("_static/favicon.svg")
    assert (sample_site / "_static/favicon.svg").read_text(encoding="utf-8").startswith("<svg")
    context, page = reader(browser, 390)
    try:
        page.goto(f"{site_server}/reports/qinghe/index.html")
        settle(page)
        assert page.evaluate("document.documentElement.dataset.mode") == "auto"
        assert page.problems == []
    finally:
        context.close()


# --- page weight ---------------------------------------------------------------------------------

#: The first visit of a report page, everything the browser loads, gzip (issue 21: 279 KB before).
FIRST_VISIT_LIMIT = 150 * 1024


@pytest.mark.parametrize("path", ["reports/qinghe/shufa/2023.html", "reports/chengxi/fzzf/2023.html"])
def test_first_visit_of_a_report_page_is_light(
    browser, site_server: str, sample_site: Path, path: str
) -> None:
    context, page = reader(browser, 390)
    loaded: list[str] = []
    page.on("requestfinished", lambda r: loaded.append(r.url))
    try:
        page.goto(f"{site_server}/{path}")
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    total = 0
    for url in loaded:
        local = url[len(site_server) + 1 :].split("?")[0].split("#")[0]
        total += len(gzip.compress((sample_site / local).read_bytes(), 6))
    assert total <= FIRST_VISIT_LIMIT, total
    names = " ".join(loaded)
    for unused in ("fontawesome", "fa-solid", "searchtools", "searchindex", "sphinx-design", "design-tabs"):
        assert unused not in names, unused


#: What a report page's HTML may weigh (issue 21): twice the bytes of the report's own text, and
#: 20 KB for the frame.
FRAME_ALLOWANCE = 20 * 1024


def test_a_report_page_weighs_its_text_and_a_light_frame(sample_site: Path) -> None:
    for report in SAMPLE.reports.values():
        html = (sample_site / f"{report.docname}.html").read_text(encoding="utf-8")
        soup = page_soup(sample_site, report.docname)
        size = len(html.encode())
        text = sum(len(f.text.encode()) for f in report.fields())
        start, end = html.index("<article"), html.index("</article>")
        frame = len((html[:start] + html[end:]).encode())
        cite = sum(
            len(str(e).encode()) for e in soup.select("details.cite-control, .print-citation, #cite-parts")
        )
        # the page around the article: head, header, contents, footer (17 KB before issue 21)
        assert frame <= 14 * 1024, (report.key, frame)
        # the cite controls: one template, not a written reference per part (20 KB before; 5 KB
        # with each part's empty control and name written)
        assert cite <= 3 * 1024, (report.key, cite)
        # everything, the cross-year lines included (62 KB for 8 KB of text before)
        assert size <= 2 * text + FRAME_ALLOWANCE, (report.key, size, text)


# --- on paper --------------------------------------------------------------------------------------


def test_printed_parts_carry_their_anchors_and_urls_are_not_broken(browser, site_server: str) -> None:
    # the width of an A4 page's text (210 mm less the margins of 16 mm) at 96 dpi
    context, page = reader(browser, 672)
    try:
        page.goto(f"{site_server}/reports/qinghe/shufa/2023.html")
        page.emulate_media(media="print")
        anchors = page.evaluate(
            """() => ['#s3', '#s3-2', '#shortcomings'].map(sel =>
                getComputedStyle(document.querySelector(sel), '::before').content)"""
        )
        assert anchors == ['"§" attr(id)'] * 3 or anchors == ['"§s3"', '"§s3-2"', '"§shortcomings"'], anchors
        lines = page.evaluate(
            """() => [...document.querySelectorAll('.print-citation .cite-url, dl.report-meta a.reference.external')]
                .map(el => { const r = document.createRange(); r.selectNodeContents(el);
                             return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; })"""
        )
        assert lines and all(n == 1 for n in lines), lines
    finally:
        context.close()


def test_printed_signature_never_stands_alone(page, site_server: str) -> None:
    """On A4 and on A5 the last printed page of every report holds more than its signature and the
    keeper's note. (The text of that page read by pypdfium2, PDFium's: pdfplumber took ten times
    as long and read the keeper's note's mark as ``(cid:0)``.)"""
    import pypdfium2

    for path in REPORTS:
        page.goto(f"{site_server}/{path}")
        alone = page.evaluate(
            "[...document.querySelectorAll('.report-signature, .keeper-note')]"
            ".map(e => e.textContent.replace(/\\s/g, '').length).reduce((a, b) => a + b, 0)"
        )
        for size in ("A4", "A5"):
            pdf = pypdfium2.PdfDocument(page.pdf(format=size))
            try:
                last = re.sub(r"\s", "", pdf[len(pdf) - 1].get_textpage().get_text_range())
            finally:
                pdf.close()
            assert len(last) > alone + 10, (path, size, last)
