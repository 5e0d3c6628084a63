"""Reading a county's reports as a series (issue 15): any two years compared, a topic's history,
latest.html, the years, Atom feeds and print — in the built pages and in chromium."""

from __future__ import annotations

import itertools
import json
import logging
import re
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from conftest import ADDRESS, DATA, archive_source, build_archive, page_soup, run_sphinx
from shufa.core.exporting import READING_GLOBAL
from shufa.core.loading import load_archive
from shufa.core.reportseries import series_topics, topic_anchors
from shufa.core.reuse import baseline, comparisons, percent, printed_lines, text_diff

SAMPLE = load_archive(DATA).archive
BASE = ADDRESS
ATOM = "{http://www.w3.org/2005/Atom}"


def reading_document(site: Path, key: str) -> dict:
    """The document a reading file sets, read back as JSON."""
    text = (site / f"reports/{key}.js").read_text(encoding="utf-8")
    prefix = f"(window.{READING_GLOBAL} = window.{READING_GLOBAL} || {{}})[{json.dumps(key)}] = "
    assert text.startswith(prefix) and text.endswith(";\n")
    return json.loads(text[len(prefix) : -2])


# --- the pages of a series --------------------------------------------------------------------------


def test_every_series_has_its_pages(sample_site: Path) -> None:
    for county in SAMPLE.counties:
        for kind in SAMPLE.kinds:
            reports = SAMPLE.reports_of(county, kind)
            folder = sample_site / "reports" / county / kind
            if not reports:
                assert not (folder / "index.html").exists()
                continue
            for name in ("index.html", "latest.html", "compare.html"):
                assert (folder / name).is_file(), (county, kind, name)
            topics = sorted(p.stem for p in (folder / "topics").glob("*.html"))
            assert topics == sorted(series_topics(reports)), (county, kind)


def test_no_page_per_pair_of_years(sample_site: Path) -> None:
    # any two years are compared in the browser: only the consecutive pairs have pages
    pages = sorted(
        p.relative_to(sample_site).as_posix() for p in sample_site.glob("reports/*/*/compare/*.html")
    )
    expected = sorted(
        f"reports/{b.county}/{b.kind}/compare/{a.year}-{b.year}.html" for a, b in comparisons(SAMPLE)
    )
    assert pages == expected


def test_the_years_page_lists_the_years_newest_first(sample_site: Path) -> None:
    soup = page_soup(sample_site, "reports/qinghe/shufa/index.html")
    years = [a.get_text() for a in soup.select("ul.series-years a")]
    assert years == ["2024年", "2023年", "2022年", "2021年"]
    links = {a.get_text(): a["href"] for a in soup.select("p.series-links a")}
    assert links["最新一份（2024年）"] == "latest.html"
    assert links["任选两年对照"] == "compare.html"
    assert links["订阅本县新收录的报告"] == "../atom.xml"
    topics = [a["href"] for a in soup.select("ul.series-topics a")]
    assert "topics/law-enforcement.html" in topics


def test_reports_and_county_pages_lead_to_the_series(sample_site: Path) -> None:
    soup = page_soup(sample_site, "reports/qinghe/shufa/2023.html")
    links = {a.get_text(): a["href"] for a in soup.select("p.series-links a")}
    assert links == {
        "历年报告": "index.html",
        "最新一份（2024年）": "latest.html",
        "与其他年份对照": "compare.html?from=2022&to=2023",
    }
    # each section: its topic's history, at this year
    more = soup.select_one("#s3 p.topic-years a.topic-years-more")
    assert more["href"] == "topics/law-enforcement.html#y2023" and more.get_text() == "本主题历年变化"
    county = page_soup(sample_site, "reports/qinghe/index.html")
    rows = {a.get_text(): a["href"] for a in county.select("#shufa table.topic-year-table td:first-child a")}
    assert rows["严格规范公正文明执法"] == "shufa/topics/law-enforcement.html"
    series = [p for p in county.select("p.series-links") if "shufa/index.html" in str(p)]
    assert series and "shufa/compare.html?from=2023&amp;to=2024" in str(series[0])


def test_a_topics_history_sets_its_years_in_order_with_changes_and_rates(sample_site: Path) -> None:
    soup = page_soup(sample_site, "reports/qinghe/shufa/topics/law-enforcement.html")
    years = [s["id"] for s in soup.select("section#topic-history > section[id^=y]")]
    assert years == ["y2021", "y2022", "y2023", "y2024"]
    first = soup.select_one("#y2021")
    assert not first.select("ins, del, .reuse, input"), "the first year has nothing before it"
    later = soup.select_one("#y2023")
    assert later.select(".history-text ins") and later.select(".history-text del")
    reports = SAMPLE.reports_of("qinghe", "shufa")
    earlier, report = reports[1], reports[2]
    rate = baseline(earlier).reuse("\n".join(report.section_for_topic("law-enforcement").texts()))
    assert later.select_one(".reuse").get_text() == f"与2022年报告文字重复 {percent(rate)}"
    link = later.select_one("p.history-part a")
    assert link["href"] == "../2023.html#s3" and link.get_text() == "2023年报告第三部分"
    # the switch of the changes stands just before the text, off
    toggle = later.select_one("input.history-toggle")
    assert toggle["type"] == "checkbox" and not toggle.has_attr("checked")
    assert toggle.find_next_sibling("div")["class"] == ["history-text"]
    assert later.select_one(f"label[for={toggle['id']}]").get_text().startswith("标出与2022年相比的改动")


def _history_paragraphs(section) -> tuple[list[str], list[str]]:
    """A year of a topic history: each paragraph's text as it reads with the changes off (no
    removed text), and as the earlier year's text (no new text), removed paragraphs apart."""
    shown, earlier = [], []
    for p in section.select(".history-text > p"):
        texts = p.find_all(string=True)
        if "history-removed" not in p.get("class", []):
            shown.append("".join(t for t in texts if t.find_parent("del") is None))
        if p.select("del") or "history-removed" in p.get("class", []):
            earlier.append("".join(t for t in texts if t.find_parent("ins") is None))
    return shown, earlier


def test_each_years_text_is_on_its_topics_history_verbatim(sample_site: Path) -> None:
    for county in SAMPLE.counties:
        for kind in SAMPLE.kinds:
            reports = SAMPLE.reports_of(county, kind)
            for topic in series_topics(reports):
                soup = page_soup(sample_site, f"reports/{county}/{kind}/topics/{topic}.html")
                for report in reports:
                    section = report.section_for_topic(topic)
                    if section is None:
                        continue
                    shown, _ = _history_paragraphs(soup.select_one(f"#y{report.year}"))
                    assert shown == printed_lines(section).split("\n"), (county, kind, topic, report.year)


def test_no_marked_change_spans_two_items(sample_site: Path) -> None:
    # a paragraph with its changes is one line of the year (one item) and, without its new text,
    # one line of the year before: never pieces of two items spliced together
    checked = 0
    for county in SAMPLE.counties:
        for kind in SAMPLE.kinds:
            reports = SAMPLE.reports_of(county, kind)
            for topic in series_topics(reports):
                soup = page_soup(sample_site, f"reports/{county}/{kind}/topics/{topic}.html")
                for before, report in itertools.pairwise(reports):
                    a, b = before.section_for_topic(topic), report.section_for_topic(topic)
                    if a is None or b is None:
                        continue
                    lines_a = [re.sub(r"\s", "", line) for line in printed_lines(a).split("\n")]
                    _, earlier = _history_paragraphs(soup.select_one(f"#y{report.year}"))
                    for text in earlier:
                        assert re.sub(r"\s", "", text) in lines_a, (topic, report.year, text)
                        checked += 1
    assert checked > 20
    # the splice the character diff made of 2021 and 2022 (issue 21) is gone
    page = (sample_site / "reports/qinghe/shufa/topics/law-enforcement.html").read_text(encoding="utf-8")
    assert "谁执法不当引发" not in re.sub(r"</?(ins|del)>", "", page)


def test_comparison_rows_pair_items_and_mark_numbers_whole(sample_site: Path) -> None:
    soup = page_soup(sample_site, "reports/qinghe/shufa/compare/2022-2023.html")
    rows = soup.select("#leadership table.compare-table tbody tr")
    earlier, later = SAMPLE.reports["qinghe/shufa/2022"], SAMPLE.reports["qinghe/shufa/2023"]
    lines_a = printed_lines(earlier.section_for_topic("leadership")).split("\n")
    lines_b = printed_lines(later.section_for_topic("leadership")).split("\n")
    left = [td.get_text() for td in soup.select("#leadership tbody td:nth-of-type(1)") if td.get_text()]
    right = [td.get_text() for td in soup.select("#leadership tbody td:nth-of-type(2)") if td.get_text()]
    assert sorted(left) == sorted(lines_a) and sorted(right) == sorted(lines_b)
    assert len(rows) < len(lines_a) + len(lines_b), "lines paired in rows"
    # 《青禾县2022年法治政府建设工作要点》 → 2023: the year changed, marked whole, the title not
    marks = [(m.name, m.get_text()) for row in rows for m in row.select("ins, del")]
    assert ("del", "2022") in marks and ("ins", "2023") in marks


def test_a_topics_history_has_its_metrics(sample_site: Path) -> None:
    soup = page_soup(sample_site, "reports/qinghe/shufa/topics/law-enforcement.html")
    table = soup.select_one("#metrics table.metric-table")
    assert table is not None
    heads = [th.get_text() for th in table.select("thead th")]
    assert heads == ["指标", "2021年", "2022年", "2023年", "2024年", "走势"]
    cells = [a["href"] for a in table.select("tbody a[href^='../20']")]
    assert cells and all(re.fullmatch(r"\.\./20\d\d\.html#f-[a-z-]+(-\d+)?", href) for href in cells)
    assert table.select("svg.metric-chart")


def test_a_year_without_the_topic_says_so(sample_site: Path) -> None:
    soup = page_soup(sample_site, "reports/qinghe/shufa/topics/study.html")
    assert "2024年报告没有这一主题的部分" in soup.select_one("#y2024").get_text()


def test_reading_files_hold_the_report_as_it_is_compared(sample_site: Path) -> None:
    import jsonschema

    from shufa.core.exporting import SCHEMA_FILE
    from shufa.core.reuse import normalise

    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    for key, report in SAMPLE.reports.items():
        document = reading_document(sample_site, key)
        validator.validate(document)
        assert document["format"] == "shufa-reading" and document["key"] == key
        assert document["page"] == f"reports/{key}.html"
        assert [p["anchor"] for p in document["parts"]] == [
            *(s.anchor for s in report.sections),
            *(p.anchor for p in report.closing_parts),
        ]
        text = "\n".join(
            [*document["before"], *(p["printed"] for p in document["parts"]), *document["after"]]
        )
        assert normalise(text) == normalise("\n".join(report.texts()))
        assert "</" not in (sample_site / f"reports/{key}.js").read_text(encoding="utf-8")


# --- latest.html --------------------------------------------------------------------------------------


def test_latest_maps_topics_to_the_newest_years_sections(sample_site: Path) -> None:
    html = (sample_site / "reports/qinghe/shufa/latest.html").read_text(encoding="utf-8")
    newest = SAMPLE.reports_of("qinghe", "shufa")[-1]
    mapping = json.loads(re.search(r"var topics = (\{.*?\});", html).group(1))
    assert {k: v for k, v in mapping.items() if not v.startswith("topic=")} == topic_anchors(newest)
    assert mapping["study"] == "topic=study", "a topic the newest year lacks leads to its top, which says so"
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("#decision-making a")["href"] == "2024.html#s2"
    assert soup.select_one("noscript meta")["content"] == "0; url=2024.html"


@pytest.mark.browser
@pytest.mark.parametrize("over", ["http", "file"])
def test_latest_leads_to_the_newest_year_keeping_the_fragment(
    page, site_server: str, sample_site: Path, over: str
) -> None:
    base = f"{site_server}/" if over == "http" else sample_site.as_uri() + "/"
    page.goto(base + "reports/qinghe/shufa/latest.html#decision-making")
    page.wait_for_url(re.compile(r"2024\.html#s2$"))  # the topic is s4 in 2023, s2 in 2024
    page.goto(base + "reports/qinghe/shufa/latest.html#s3-2")
    page.wait_for_url(re.compile(r"2024\.html#s3-2$"))
    page.goto(base + "reports/qinghe/shufa/latest.html")
    page.wait_for_url(re.compile(r"2024\.html$"))
    page.goto(base + "reports/qinghe/shufa/latest.html#study")
    page.wait_for_url(re.compile(r"2024\.html#topic=study$"))
    note = page.locator("p.year-switch-note")
    assert (
        note.inner_text() == "2024年报告中没有这一主题（学法用法与法治思维）的部分，现在显示的是报告的开头。"
    )
    assert page.evaluate("window.scrollY") == 0
    assert page.js_errors == []


@pytest.mark.browser
def test_latest_marks_the_part_it_leads_to_as_the_report_page_does(page, site_server: str) -> None:
    transparent = "rgba(0, 0, 0, 0)"
    background = "id => getComputedStyle(document.getElementById(id)).backgroundColor"
    page.goto(f"{site_server}/reports/qinghe/shufa/2024.html#s3-2")
    direct = page.evaluate(background, "s3-2")
    assert direct != transparent, "an item a link leads to is marked"
    page.goto(f"{site_server}/reports/qinghe/shufa/latest.html#s3-2")
    page.wait_for_url(re.compile(r"2024\.html#s3-2$"))
    assert page.evaluate(background, "s3-2") == direct
    assert page.evaluate("document.querySelector(':target').id") == "s3-2"
    assert page.evaluate(background, "s3-1") == transparent, "only the target"
    # a section: its heading, as the theme marks it
    page.goto(f"{site_server}/reports/qinghe/shufa/latest.html#s2")
    page.wait_for_url(re.compile(r"2024\.html#s2$"))
    assert (
        page.evaluate("getComputedStyle(document.querySelector('#s2 > h2')).backgroundColor") != transparent
    )
    assert page.js_errors == []


# --- the home page ---------------------------------------------------------------------------------


def test_the_home_page_offers_search_new_reports_and_the_feed(sample_site: Path) -> None:
    from shufa.core.atomfeeds import newest
    from shufa.core.labels import display_title
    from shufa.core.summary import summarize

    soup = page_soup(sample_site, "index.html")
    form = soup.select_one("form.home-search")
    assert form["action"] == "search.html" and form.select_one("input[name=q]")["type"] == "search"
    assert form.select_one("label")["for"] == form.select_one("input")["id"]
    listed = [(a["href"], a.get_text()) for a in soup.select("#recently-added ul.recently-added a")]
    expected = newest(summarize(SAMPLE).reports.values(), 6)
    assert listed == [(f"reports/{r.key}.html", display_title(SAMPLE, r)) for r in expected]
    assert listed[0] == ("reports/qinghe/shufa/2024.html", "青禾县人民政府县长2024年度述法报告")
    assert all(t.startswith(("青禾县", "北亭区", "澄溪县")) for _, t in listed), "each names its county"
    days = [li.get_text().split("收录")[-1].strip() for li in soup.select("#recently-added li")]
    assert days == [r.added for r in expected] and days == sorted(days, reverse=True), "the day it was added"
    feed = soup.select_one("#recently-added p.feed-link a")
    assert feed["href"] == "atom.xml" and "订阅" in feed.get_text()


@pytest.mark.browser
def test_searching_from_the_home_page(page, site_server: str) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{site_server}/index.html")
    assert page.locator("form.home-search input").is_visible()
    page.fill("form.home-search input", "行政复议")
    page.press("form.home-search input", "Enter")
    page.wait_for_url(re.compile(r"search\.html\?q=%E8%A1%8C%E6%94%BF%E5%A4%8D%E8%AE%AE$"))
    page.wait_for_selector("li.shufa-result")
    assert page.locator("p.feed-link").count() == 0
    page.goto(f"{site_server}/index.html")
    assert page.locator("p.feed-link a").is_visible()
    assert page.js_errors == []


# --- any two years -----------------------------------------------------------------------------------


def _compared(page) -> dict:
    page.wait_for_selector("#compare-result[data-compared]")
    result = page.locator("#compare-result")
    return {
        "compared": result.get_attribute("data-compared"),
        "topics": result.locator("section[id^=topic-]").evaluate_all("els => els.map(e => e.id)"),
        "intro": result.locator("p.compare-intro").inner_text(),
        "rates": result.locator("p.compare-rate .reuse").all_inner_texts(),
    }


@pytest.mark.browser
def test_any_two_years_over_http(page, site_server: str) -> None:
    page.goto(f"{site_server}/reports/qinghe/shufa/compare.html?from=2021&to=2024")
    found = _compared(page)
    assert found["compared"] == "qinghe/shufa/2021 qinghe/shufa/2024"
    later, earlier = SAMPLE.reports["qinghe/shufa/2024"], SAMPLE.reports["qinghe/shufa/2021"]
    topics = list(dict.fromkeys([*(s.topic for s in later.sections), *(s.topic for s in earlier.sections)]))
    assert found["topics"] == [f"topic-{t}" for t in topics]
    whole = baseline(earlier).reuse("\n".join(later.texts()))
    assert f"2024年报告全文与2021年报告文字重复 {percent(whole)}" in found["intro"]
    table = page.locator("#topic-law-enforcement table.compare-table")
    assert table.locator("del").count() and table.locator("ins").count()
    link = page.locator("#topic-law-enforcement p.compare-rate a").first
    assert link.get_attribute("href") == "../../../reports/qinghe/shufa/2021.html#s4"
    # the form shows what is compared, and choosing another pair keeps a permanent address
    assert page.locator("#compare-from").input_value() == "2021"
    page.locator("#compare-from").select_option("2022")
    page.locator("#compare-to").select_option("2023")
    page.locator("button.compare-go").click()
    page.wait_for_function("document.querySelector('#compare-result').dataset.compared.includes('2022')")
    assert page.url.endswith("compare.html?from=2022&to=2023")
    assert page.js_errors == []


@pytest.mark.browser
def test_any_two_years_from_files(page, sample_site: Path) -> None:
    address = (sample_site / "reports/qinghe/shufa/compare.html").as_uri()
    page.goto(address + "#from=2022&to=2024")
    assert _compared(page)["compared"] == "qinghe/shufa/2022 qinghe/shufa/2024"
    page.locator("#compare-from").select_option("2021")
    page.locator("button.compare-go").click()
    page.wait_for_function("document.querySelector('#compare-result').dataset.compared.includes('2021')")
    assert page.url == address + "#from=2021&to=2024"
    assert page.js_errors == []


@pytest.mark.browser
def test_the_same_year_of_two_counties(page, site_server: str) -> None:
    page.goto(f"{site_server}/reports/qinghe/shufa/compare.html?from=chengxi/2023&to=2023")
    found = _compared(page)
    assert found["compared"] == "chengxi/shufa/2023 qinghe/shufa/2023"
    assert "澄溪县2023年报告 与 2023年报告" in found["intro"]
    options = page.locator("#compare-from optgroup").evaluate_all("gs => gs.map(g => g.label)")
    assert options == ["澄溪县", "北亭区"]
    assert page.js_errors == []


@pytest.mark.browser
def test_consecutive_years_agree_with_their_comparison_page(
    page, site_server: str, sample_site: Path
) -> None:
    # the browser's reuse rates are the build's
    page.goto(f"{site_server}/reports/qinghe/shufa/compare.html?from=2022&to=2023")
    found = _compared(page)
    built = page_soup(sample_site, "reports/qinghe/shufa/compare/2022-2023.html")
    assert found["rates"] == [r.get_text() for r in built.select("p.compare-rate .reuse")]
    assert found["topics"] == [f"topic-{s['id']}" for s in built.select("section#compare > section[id]")]
    # and so are the lines it shows once on a phone (the same in both years)
    same = page.evaluate(
        "() => [...document.querySelectorAll('table.compare-table tbody tr')].map(r => r.classList.contains('unchanged'))"
    )
    assert same == ["unchanged" in tr["class"] for tr in built.select("table.compare-table tbody tr")]
    assert any(same) and not all(same)


@pytest.mark.browser
def test_a_year_that_is_not_there_is_said_so(page, site_server: str) -> None:
    page.goto(f"{site_server}/reports/qinghe/shufa/compare.html?from=2019&to=2024")
    page.wait_for_function("document.querySelector('.compare-status').textContent.includes('没有找到')")
    page.goto(f"{site_server}/reports/qinghe/shufa/compare.html?from=../x&to=2024")
    page.wait_for_function("document.querySelector('.compare-status').textContent.includes('无法识别')")
    assert page.js_errors == []


# --- a topic's history in the browser --------------------------------------------------------------------


@pytest.mark.browser
def test_from_a_section_to_its_topics_history(page, site_server: str) -> None:
    page.goto(f"{site_server}/reports/qinghe/shufa/2023.html#s3")
    page.locator("#s3 a.topic-years-more").click()
    page.wait_for_url(re.compile(r"topics/law-enforcement\.html#y2023$"))
    assert page.locator("#y2023 .history-text ins").count() > 0
    assert page.locator("#y2023").is_visible()
    page.locator("p.series-links a", has_text="最新一份").click()
    page.wait_for_url(re.compile(r"2024\.html#s3$"))
    assert page.js_errors == []


@pytest.mark.browser
@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
def test_the_changes_switch_in_chromium(browser, site_server: str, script: bool) -> None:
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 900}, java_script_enabled=script
    )
    page = context.new_page()
    try:
        page.goto(f"{site_server}/reports/qinghe/shufa/topics/law-enforcement.html")
        year = page.locator("#y2023")
        report = SAMPLE.reports["qinghe/shufa/2023"]
        lines = printed_lines(report.section_for_topic("law-enforcement")).split("\n")
        visible = "els => els.filter(e => e.offsetParent !== null).map(e => e.innerText)"
        background = "e => getComputedStyle(e).backgroundColor"
        # off: the year's text, whole and clean
        assert year.locator(".history-text p").evaluate_all(visible) == lines
        assert year.locator(".history-text del").evaluate_all(visible) == []
        assert year.locator(".history-text ins").first.evaluate(background) == "rgba(0, 0, 0, 0)"
        # on: what was removed and what is new, marked
        year.locator("label.history-toggle-label").click()
        assert year.locator("input.history-toggle").is_checked()
        assert year.locator(".history-text del").evaluate_all(visible)
        assert year.locator(".history-text p.history-removed").evaluate_all(visible)
        assert year.locator(".history-text ins").first.evaluate(background) != "rgba(0, 0, 0, 0)"
        # the other years are left as they were
        assert page.locator("#y2024 .history-text del").evaluate_all(visible) == []
        # and off again
        year.locator("input.history-toggle").press("Space")
        assert year.locator(".history-text del").evaluate_all(visible) == []
    finally:
        context.close()


def _python_marks(earlier, later) -> dict[str, list[list[list[list[str]]]]]:
    """Topic → the rows of a comparison as the build marks them: each row's two cells as runs."""
    found = {}
    for section in later.sections:
        before = earlier.section_for_topic(section.topic)
        if before is None or section.topic in found:
            continue
        pairs = text_diff(printed_lines(before), printed_lines(section))
        found[section.topic] = [[[list(r) for r in p.earlier], [list(r) for r in p.later]] for p in pairs]
    return found


_BROWSER_MARKS = """() => {
  const found = {};
  document.querySelectorAll("#compare-result section[id^=topic-]").forEach((section) => {
    const rows = Array.from(section.querySelectorAll("table.compare-table tbody tr"));
    if (!rows.length) return;
    found[section.id.slice(6)] = rows.map((row) => Array.from(row.children).map((cell) =>
      Array.from(cell.querySelector("p") ? cell.querySelector("p").childNodes : []).map((n) =>
        [n.nodeType === 3 ? "" : n.nodeName.toLowerCase(), n.textContent])));
  });
  return found;
}"""


@pytest.mark.browser
def test_the_browser_marks_what_the_build_marks(page, site_server: str) -> None:
    # every two years of a series, and a year of two counties: the same rows, runs and marks
    pairs = [
        (a, b)
        for county in SAMPLE.counties
        for kind in SAMPLE.kinds
        for i, a in enumerate(SAMPLE.reports_of(county, kind))
        for b in SAMPLE.reports_of(county, kind)[i + 1 :]
    ]
    pairs.append((SAMPLE.reports["chengxi/shufa/2023"], SAMPLE.reports["qinghe/shufa/2023"]))
    assert len(pairs) >= 8
    for earlier, later in pairs:
        query = f"from={earlier.county}/{earlier.year}&to={later.county}/{later.year}"
        page.goto(f"{site_server}/reports/{later.county}/{later.kind}/compare.html?{query}")
        page.wait_for_selector("#compare-result[data-compared]")
        assert page.evaluate(_BROWSER_MARKS) == _python_marks(earlier, later), (earlier.key, later.key)
    # and texts made to be hard: numbers, ordinals, white space, rare characters, no punctuation
    texts = [
        (
            "一、总体情况\n一是召开会议4次，研究问题12项。\n二是发放资料1.5万份。",
            "一、总体情况\n一是发放资料2.25万份。\n二是召开会议6次，研究问题12项。\n三是新增一项。",
        ),
        ("（一）强化监督。抽查案卷 260 卷。", "（二）强化监督。抽查案卷260卷。"),
        ("𠀋县推进工作，成效明显", "𠀋县推进工作，成效显著！"),
        ("", "只有后一年"),
        ("只有前一年\n\n第二行", ""),
        ("，。；", "，，。"),
        ("统一是原则；百分之百", "统二是原则；百分之九十"),
    ]
    for before, after in texts:
        found = page.evaluate("([a, b]) => ShufaDiff.textDiff(a, b)", [before, after])
        expected = [
            {
                "before": p.before,
                "after": p.after,
                **{k: [list(r) for r in getattr(p, k)] for k in ("earlier", "later", "merged")},
            }
            for p in text_diff(before, after)
        ]
        assert found == expected, (before, after)
    assert page.js_errors == []


# --- feeds ------------------------------------------------------------------------------------------------


def _atom_problems(text: str) -> list[str]:
    """What RFC 4287 requires of a feed and its entries, checked."""
    root = ET.fromstring(text.encode("utf-8"))
    problems = []
    stamp = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)")
    if root.tag != f"{ATOM}feed":
        return [f"root {root.tag}"]
    for name in ("id", "title", "updated"):
        if len(root.findall(f"{ATOM}{name}")) != 1:
            problems.append(f"feed has no single {name}")
    if not root.findall(f"{ATOM}author/{ATOM}name"):
        problems.append("feed has no author")
    ids = [root.findtext(f"{ATOM}id")]
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            if len(entry.findall(f"{ATOM}{name}")) != 1:
                problems.append(f"entry has no single {name}")
        ids.append(entry.findtext(f"{ATOM}id"))
        if not stamp.fullmatch(entry.findtext(f"{ATOM}updated") or ""):
            problems.append("entry updated is no date-time")
        if not any(link.get("rel", "alternate") == "alternate" for link in entry.findall(f"{ATOM}link")):
            problems.append("entry has no alternate link")
        for person in entry.findall(f"{ATOM}author"):
            if [c.tag for c in person if c.tag.startswith(ATOM)] and not person.findtext(f"{ATOM}name"):
                problems.append("author without name")
    if not stamp.fullmatch(root.findtext(f"{ATOM}updated") or ""):
        problems.append("feed updated is no date-time")
    if len(set(ids)) != len(ids) or not all(re.match(r"^[a-z][a-z0-9+.-]*:", i or "") for i in ids):
        problems.append(f"ids not unique absolute IRIs: {ids}")
    return problems


def test_the_archives_feed_lists_new_reports_newest_first(sample_site: Path) -> None:
    text = (sample_site / "atom.xml").read_text(encoding="utf-8")
    assert _atom_problems(text) == []
    feed = feedparser.parse(text)
    assert not feed.bozo and feed.version == "atom10"
    assert feed.feed.title == "县域法治报告库：新收录的报告"
    dates = [e.published for e in feed.entries]
    assert dates == sorted(dates, reverse=True) and len(feed.entries) == len(SAMPLE.reports)
    first = feed.entries[0]
    newest = SAMPLE.reports["qinghe/shufa/2024"]
    assert first.title == newest.title
    # the day it entered the archive (data: added), at 00:00 China Standard Time
    assert first.published.startswith(newest.added) and first.published.endswith("+08:00")
    assert first.link == "reports/qinghe/shufa/2024.html"
    assert " ".join(newest.preamble.split()).startswith(first.summary.removesuffix("…"))
    assert feed.feed.updated == first.updated
    assert first.id.startswith("urn:uuid:")


def test_a_countys_feed_has_its_reports(sample_site: Path) -> None:
    feed = feedparser.parse((sample_site / "reports/qinghe/atom.xml").read_text(encoding="utf-8"))
    assert not feed.bozo
    assert [e.link for e in feed.entries] == [
        "shufa/2024.html",
        "fzzf/2023.html",
        "shufa/2023.html",
        "shufa/2022.html",
        "shufa/2021.html",
    ]
    assert _atom_problems((sample_site / "reports/qinghe/atom.xml").read_text(encoding="utf-8")) == []


def test_pages_name_their_feeds(sample_site: Path) -> None:
    def feeds(page: str) -> dict[str, str]:
        soup = page_soup(sample_site, page)
        return {
            a["href"]: a["title"]
            for a in soup.select('head link[rel="alternate"][type="application/atom+xml"]')
        }

    assert feeds("index.html") == {"atom.xml": "订阅：新收录的报告"}
    assert feeds("reports/qinghe/shufa/2023.html") == {
        "../../../atom.xml": "订阅：新收录的报告",
        "../atom.xml": "订阅：本县新收录的报告",
    }
    assert feeds("reports/qinghe/shufa/topics/study.html") == {
        "../../../../atom.xml": "订阅：新收录的报告",
        "../../atom.xml": "订阅：本县新收录的报告",
    }
    assert "atom.xml" in feeds("reports/qinghe/index.html")


def test_with_the_sites_address_feeds_are_absolute_and_bounded(site_with_address: SphinxTestApp) -> None:
    site = Path(site_with_address.outdir)
    feed = feedparser.parse((site / "atom.xml").read_text(encoding="utf-8"))
    assert len(feed.entries) == 2, "shufa_feed_length"
    assert feed.entries[0].id == feed.entries[0].link == f"{BASE}reports/qinghe/shufa/2024.html"
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {"alternate": f"{BASE}index.html", "self": f"{BASE}atom.xml"}
    assert feed.feed.id == f"{BASE}atom.xml"
    county = feedparser.parse((site / "reports/chengxi/atom.xml").read_text(encoding="utf-8"))
    assert [e.link for e in county.entries] == [
        f"{BASE}reports/chengxi/fzzf/2023.html",
        f"{BASE}reports/chengxi/shufa/2023.html",
    ]


@pytest.mark.browser
def test_a_subscriber_finds_the_feed_from_a_report_page(page, site_server: str) -> None:
    page.goto(f"{site_server}/reports/qinghe/shufa/2023.html")
    href = page.evaluate(
        "Array.from(document.querySelectorAll('link[type=\"application/atom+xml\"]')).map(l => l.href)"
    )
    assert href == [f"{site_server}/atom.xml", f"{site_server}/reports/qinghe/atom.xml"]
    response = page.request.get(href[1])
    assert response.ok
    feed = feedparser.parse(response.body())
    # the newest year has arrived: it heads the county's feed, and its link leads to it
    assert feed.entries[0].title == SAMPLE.reports["qinghe/shufa/2024"].title
    page.goto(f"{site_server}/reports/qinghe/{feed.entries[0].link}")
    assert page.locator("h1").inner_text().startswith(SAMPLE.reports["qinghe/shufa/2024"].title)


# --- print ------------------------------------------------------------------------------------------------


def _pdf_text(path: Path) -> str:
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    with pdfplumber.open(path) as pdf:
        text = "\n".join(p.extract_text() or "" for p in pdf.pages)
    # fonts map some characters to radicals that look the same (⻘ for 青): compare the canonical forms
    return unicodedata.normalize("NFKC", text)


@pytest.mark.browser
def test_printing_a_report(page, site_server: str, tmp_path: Path) -> None:
    page.goto(f"{site_server}/reports/qinghe/shufa/2023.html")
    today = page.evaluate(
        "(() => { const d = new Date(); const p = (n) => String(n).padStart(2, '0');"
        " return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`; })()"
    )
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = _pdf_text(pdf)
    flat = re.sub(r"\s", "", text)
    url = f"{site_server}/reports/qinghe/shufa/2023.html"
    # the address and the citation, as a copied one
    assert f"本页网址：{url}".replace(" ", "") in flat.replace("⽹", "网").replace("⻚", "页") or url in flat
    assert f"(2024-01-22)[{today}].{url}." in flat
    # no navigation chrome
    for chrome in (
        "搜索",
        "当前页面",
        "本县历年述法报告",
        "引用本部分",
        "上一年度",
        "本主题在其他年份",
        "使用指南",
    ):
        assert chrome not in text, chrome
    # under print media: redactions boxed in black, sections kept whole where possible
    page.emulate_media(media="print")
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.querySelector('span.redaction'));"
        " return [s.borderTopStyle, s.borderTopColor, s.color, s.visibility]; })()"
    )
    assert style == ["solid", "rgb(0, 0, 0)", "rgb(0, 0, 0)", "visible"]
    assert page.evaluate("getComputedStyle(document.querySelector('#s3')).breakInside") in (
        "avoid-page",
        "avoid",
    )
    assert page.evaluate("getComputedStyle(document.querySelector('.print-citation')).display") == "block"
    page.emulate_media(media="screen")
    assert page.evaluate("getComputedStyle(document.querySelector('.print-citation')).display") == "none"


# --- pages written through the shell are what Sphinx renders ------------------------------------------------


def test_series_pages_from_the_shell_are_what_sphinx_renders(
    tmp_path: Path, sample_build, sample_site: Path, monkeypatch
) -> None:
    from shufa.plugins import modelpages

    assert "rendered one by one" not in sample_build.status.getvalue(), "the sample used the shell"

    monkeypatch.setattr(modelpages.Shell, "make", staticmethod(lambda app, example: None))
    src = archive_source(tmp_path)
    app = run_sphinx(src, confoverrides={"shufa_data_dir": str(DATA)})
    pages = sorted(
        p.relative_to(sample_site)
        for pattern in ("reports/*/*/index.html", "reports/*/*/compare.html", "reports/*/*/topics/*.html")
        for p in sample_site.glob(pattern)
    )
    assert len(pages) >= 20
    for rel in pages:
        assert (Path(app.outdir) / rel).read_bytes() == (sample_site / rel).read_bytes(), rel


# --- a new year arrives ------------------------------------------------------------------------------------


def test_a_new_year_reaches_latest_the_feeds_and_the_series_pages(tmp_path: Path) -> None:
    import generate as bench_generate
    from conftest import copy_data

    data = copy_data(tmp_path)
    src = archive_source(tmp_path)
    app = build_archive(src, data)
    site = Path(app.outdir)
    untouched = sorted((site / "reports/chengxi").rglob("*.html"))
    before = {p: p.stat().st_mtime_ns for p in untouched}
    bench_generate.add_report(data, "qinghe", "shufa", 2025)
    app = build_archive(src, data)
    assert app.warning.getvalue() == ""
    assert 'url=2025.html"' in (site / "reports/qinghe/shufa/latest.html").read_text(encoding="utf-8")
    county = feedparser.parse((site / "reports/qinghe/atom.xml").read_text(encoding="utf-8"))
    assert county.entries[0].link == "shufa/2025.html"
    archive = feedparser.parse((site / "atom.xml").read_text(encoding="utf-8"))
    assert archive.entries[0].link == "reports/qinghe/shufa/2025.html"
    history = page_soup(site, "reports/qinghe/shufa/topics/leadership.html")
    assert history.select_one("#y2025") is not None
    newest = page_soup(site, "reports/qinghe/shufa/index.html").select_one("ul.series-years a")
    assert newest.get_text() == "2025年"
    assert 'value="2025"' in (site / "reports/qinghe/shufa/compare.html").read_text(encoding="utf-8")
    # another county's pages are not written again, but for the page of any two years, which offers
    # the years of the province's counties
    written = [p.relative_to(site).as_posix() for p in untouched if p.stat().st_mtime_ns != before[p]]
    assert written == ["reports/chengxi/shufa/compare.html"]
