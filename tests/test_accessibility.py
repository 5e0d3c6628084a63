"""Accessibility (无障碍): axe-core in chromium finds no serious or critical violation on the
pages readers use; the language is zh-CN; redaction marks and the year switcher work by keyboard."""

from __future__ import annotations

import pytest

from conftest import REPO, settle, tab

pytestmark = pytest.mark.browser

AXE = REPO / "tests/a11y/node_modules/axe-core/axe.min.js"

PAGES = [
    "index.html",
    "reports/index.html",
    "provinces/jianglan.html",
    "reports/qinghe/index.html",
    "reports/qinghe/shufa/2023.html",
    "reports/qinghe/shufa/compare/2022-2023.html",
    "reports/qinghe/shufa/index.html",
    "reports/qinghe/shufa/latest.html",
    "reports/qinghe/shufa/topics/law-enforcement.html",
    "search.html?q=行政执法",
    "years/2023.html",
    "years/2023/jianglan.html",
    "topics/law-enforcement.html",
    "metrics/index.html",
    "metrics/enforcement-cases.html",
    "guide/reading.html",
    "reference/data-format.html",
]
#: The pages whose layout changes most on a phone (stacked comparisons, the header's links,
#: tables that scroll), checked at 390 px too.
PHONE_PAGES = [
    "reports/qinghe/shufa/2023.html",
    "reports/qinghe/index.html",
    "reports/qinghe/shufa/compare/2022-2023.html",
]


def _violations(page) -> list[dict]:
    assert AXE.is_file(), "axe-core is missing: `make test` installs it with npm (tests/a11y)"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
    return [v for v in result if v["impact"] in {"serious", "critical"}]


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_or_critical_violation(page, site_server: str, path: str) -> None:
    page.goto(f"{site_server}/{path}")
    settle(page)
    assert _violations(page) == []
    assert page.get_attribute("html", "lang") == "zh-CN"


@pytest.mark.parametrize("path", PHONE_PAGES)
def test_no_serious_or_critical_violation_on_a_phone(browser, site_server: str, path: str) -> None:
    page = tab(browser, 390)
    page.goto(f"{site_server}/{path}")
    assert _violations(page) == []


def test_any_two_years_compared_has_no_serious_violation(page, site_server: str) -> None:
    page.goto(f"{site_server}/reports/qinghe/shufa/compare.html?from=2021&to=2024")
    page.wait_for_selector("#compare-result[data-compared]")
    assert _violations(page) == []


def test_dark_mode_report_page_has_no_serious_violation(browser, site_server: str) -> None:
    context = browser.new_context(color_scheme="dark", locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{site_server}/reports/qinghe/shufa/2023.html")
        page.wait_for_function("document.documentElement.dataset.theme === 'dark'")
        assert _violations(page) == []
    finally:
        context.close()


def test_redaction_marks_are_labelled_and_explained_once(page, site_server: str) -> None:
    page.goto(f"{site_server}/reports/qinghe/shufa/2023.html")
    marks = page.locator("article span.redaction")
    assert marks.count() >= 3
    mark = marks.first
    assert mark.get_attribute("role") == "img"
    assert mark.get_attribute("aria-label").startswith("原文隐去")
    assert mark.get_attribute("title") == "原文隐去"
    # no tab stop per mark (a redacted report holds dozens): the header says once what they mean
    assert page.locator("article [tabindex]:is(span.redaction)").count() == 0
    legend = page.locator(".report-header .redaction-legend")
    assert legend.is_visible() and "原文隐去" in legend.inner_text()
    assert legend.locator(".redaction-sample").is_visible(), "the legend shows the mark it explains"


def test_year_switcher_is_a_labelled_navigation(page, site_server: str) -> None:
    page.goto(f"{site_server}/reports/qinghe/shufa/2023.html")
    nav = page.get_by_role("navigation", name="述法报告年份")
    assert nav.count() == 1
    links = nav.get_by_role("link")
    assert links.count() >= 3
    page.keyboard.press("Tab")  # the page is keyboard-navigable from the top
    for _ in range(60):
        if page.evaluate("document.activeElement.closest('nav.year-switcher') !== null"):
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("the year switcher cannot be reached with the Tab key")
