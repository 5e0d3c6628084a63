"""In a real browser (Debian chromium through Playwright): the year switcher keeps the topic,
redirect pages keep the #fragment — served on localhost and opened as file://."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DATA
from shufa.core.loading import load_archive

pytestmark = pytest.mark.browser

SAMPLE = load_archive(DATA).archive


@pytest.fixture(params=["http", "file"])
def base(request, site_server: str, sample_site: Path) -> str:
    return site_server if request.param == "http" else sample_site.as_uri()


def _anchor(year: int, topic: str) -> str | None:
    section = SAMPLE.reports[f"qinghe/shufa/{year}"].section_for_topic(topic)
    return section.anchor if section else None


def _click_year(page, year: int) -> None:
    page.click(f"nav.year-switcher ul.year-list a:has-text('{year}年')")
    page.wait_for_load_state("load")


def test_switching_from_a_section_lands_on_the_same_topic(page, base: str) -> None:
    topic = SAMPLE.reports["qinghe/shufa/2023"].sections[3].topic  # section 四 of 2023
    page.goto(f"{base}/reports/qinghe/shufa/2023.html#s4")
    _click_year(page, 2022)
    assert page.url.endswith(f"/reports/qinghe/shufa/2022.html#{_anchor(2022, topic)}")
    assert _anchor(2022, topic) != "s4", "the sample moves this topic between years"
    assert page.js_errors == []


def test_switching_from_an_item_lands_on_its_sections_topic(page, base: str) -> None:
    topic = SAMPLE.reports["qinghe/shufa/2023"].sections[5].topic
    page.goto(f"{base}/reports/qinghe/shufa/2023.html#s6-2")
    _click_year(page, 2021)
    assert page.url.endswith(f"/reports/qinghe/shufa/2021.html#{_anchor(2021, topic)}")


def test_switching_to_a_year_without_the_topic_lands_on_the_top_and_says_so(page, base: str) -> None:
    study = SAMPLE.reports["qinghe/shufa/2023"].section_for_topic("study")
    page.goto(f"{base}/reports/qinghe/shufa/2023.html#{study.anchor}")
    _click_year(page, 2024)
    assert page.url.endswith("/reports/qinghe/shufa/2024.html#topic=study")
    note = page.locator("section#report > p.year-switch-note")
    assert note.is_visible()
    assert note.inner_text().startswith("2024年报告中没有这一主题（学法用法与法治思维）的部分")
    assert note.get_attribute("role") == "status"
    assert page.evaluate("window.scrollY") == 0, "the report's top"
    # a year that has the topic, opened the same way, goes to its section without a word
    page.goto(f"{base}/reports/qinghe/shufa/2022.html#topic=study")
    page.wait_for_url(f"**/2022.html#{_anchor(2022, 'study')}")
    assert page.locator("p.year-switch-note").count() == 0
    assert page.js_errors == []


def test_switching_follows_the_section_in_view_not_only_the_fragment(page, base: str) -> None:
    # opened at section 三, then read on to section 六: the switch keeps section 六's topic
    page.goto(f"{base}/reports/qinghe/shufa/2023.html#s3")
    page.eval_on_selector("#s6", "el => el.scrollIntoView()")
    page.wait_for_timeout(1200)  # (a section counts once the reader stays in it a moment)
    topic = SAMPLE.reports["qinghe/shufa/2023"].sections[5].topic
    assert topic != SAMPLE.reports["qinghe/shufa/2023"].sections[2].topic
    _click_year(page, 2021)
    assert page.url.endswith(f"/reports/qinghe/shufa/2021.html#{_anchor(2021, topic)}")
    # and back up to section 二, by scrolling on
    page.goto(f"{base}/reports/qinghe/shufa/2023.html#s6")
    page.eval_on_selector("#s2 > h2", "el => el.scrollIntoView()")
    page.wait_for_timeout(1200)
    _click_year(page, 2022)
    topic = SAMPLE.reports["qinghe/shufa/2023"].sections[1].topic
    assert page.url.endswith(f"/reports/qinghe/shufa/2022.html#{_anchor(2022, topic)}")
    assert page.js_errors == []


def test_switching_without_a_fragment_uses_the_section_in_view(page, base: str) -> None:
    page.goto(f"{base}/reports/qinghe/shufa/2023.html")
    page.eval_on_selector("#s6", "el => el.scrollIntoView()")
    topic = SAMPLE.reports["qinghe/shufa/2023"].sections[5].topic
    page.evaluate("document.querySelector(\"nav.year-switcher a[href$='2021.html']\").click()")
    page.wait_for_url(f"**/2021.html#{_anchor(2021, topic)}")


def test_keyboard_switching_keeps_the_topic(page, base: str) -> None:
    topic = SAMPLE.reports["qinghe/shufa/2023"].sections[2].topic
    page.goto(f"{base}/reports/qinghe/shufa/2023.html#s3")
    page.focus("nav.year-switcher a[href$='2024.html']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/2024.html#{_anchor(2024, topic)}")


def test_without_javascript_the_switcher_is_plain_links(browser, sample_site: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{sample_site.as_uri()}/reports/qinghe/shufa/2023.html#s4")
        page.click("nav.year-switcher ul.year-list a:has-text('2022年')")
        page.wait_for_load_state("load")
        assert page.url.endswith("/reports/qinghe/shufa/2022.html")
    finally:
        context.close()


def test_redirect_page_keeps_the_fragment(page, base: str) -> None:
    page.goto(f"{base}/reports/beiting-xian/fzzf/2022.html#s3-1")
    page.wait_for_url("**/reports/beiting/fzzf/2022.html#s3-1")
    assert page.locator("#s3-1").is_visible()
    assert page.js_errors == []


def test_redirect_of_a_county_index(page, base: str) -> None:
    page.goto(f"{base}/reports/beiting-xian/index.html")
    page.wait_for_url("**/reports/beiting/index.html")
    assert page.locator("h1").inner_text().startswith("北亭区")
