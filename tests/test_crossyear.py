"""Across years: year switcher markup, topic links between years, the county's topic × year table."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import DATA, page_soup
from shufa.core.loading import load_archive

SAMPLE = load_archive(DATA).archive


def test_year_switcher_lists_every_year_as_plain_links(sample_site: Path) -> None:
    soup = page_soup(sample_site, "reports/qinghe/shufa/2023.html")
    nav = soup.select_one("nav.year-switcher")
    assert nav["aria-label"] == "述法报告年份"
    links = {a.get_text(): a["href"] for a in nav.select("ul.year-list a")}
    assert links == {"2021年": "2021.html", "2022年": "2022.html", "2024年": "2024.html"}
    assert nav.select_one(".current-year").get_text() == "2023年"
    steps = [a["href"] for a in nav.select(".year-steps a")]
    assert steps == ["2022.html", "2024.html"]
    first = page_soup(sample_site, "reports/qinghe/shufa/2021.html").select_one("nav.year-switcher")
    assert [a["href"] for a in first.select(".year-steps a")] == ["2022.html"]


def test_the_topic_mapping_is_in_the_page(sample_site: Path) -> None:
    nav = page_soup(sample_site, "reports/qinghe/shufa/2023.html").select_one("nav.year-switcher")
    mapping = json.loads(nav["data-topics"])
    assert mapping["current"] == "2023"
    current = SAMPLE.reports["qinghe/shufa/2023"]
    for report in SAMPLE.reports_of("qinghe", "shufa"):
        expected = {}
        for section in report.sections:
            expected.setdefault(section.topic, section.anchor)
        for part in report.closing_parts:
            expected[part.anchor] = part.anchor
        if report is current:
            # (the page's own year is its sections' topics turned round: not written twice)
            assert str(report.year) not in mapping["years"]
            assert {t: a for a, t in reversed(mapping["sections"].items())} == expected
        else:
            assert mapping["years"][str(report.year)] == expected
    assert mapping["sections"]["s4"] == current.sections[3].topic
    # a label for each topic of another year this one lacks (what the page says it lacks), no other
    lacking = {t for r in SAMPLE.reports_of("qinghe", "shufa") for t in (s.topic for s in r.sections)}
    lacking -= {s.topic for s in current.sections}
    assert set(mapping["labels"]) == lacking and lacking, mapping["labels"]


def test_a_single_report_has_no_other_years(sample_site: Path) -> None:
    soup = page_soup(sample_site, "reports/qinghe/fzzf/2023.html")
    nav = soup.select_one("nav.year-switcher")
    assert nav.select("ul.year-list a") == []
    assert soup.select(".topic-years") == []


def test_every_section_links_its_topic_in_other_years(sample_site: Path) -> None:
    series = SAMPLE.reports_of("qinghe", "shufa")
    for report in series:
        soup = page_soup(sample_site, f"reports/qinghe/shufa/{report.year}.html")
        for section in report.sections:
            line = soup.find(id=section.anchor).select_one(".topic-years")
            assert line is not None, (report.year, section.anchor)
            for other in series:
                if other.year == report.year:
                    continue
                target = other.section_for_topic(section.topic)
                if target is None:
                    assert f"{other.year}（未涉及）" in line.get_text()
                else:
                    link = line.find("a", string=str(other.year))
                    assert link["href"] == f"{other.year}.html#{target.anchor}"


def test_study_is_absent_in_2024_and_shown_so(sample_site: Path) -> None:
    assert SAMPLE.reports["qinghe/shufa/2024"].section_for_topic("study") is None
    soup = page_soup(sample_site, "reports/qinghe/shufa/2023.html")
    study = SAMPLE.reports["qinghe/shufa/2023"].section_for_topic("study")
    line = soup.find(id=study.anchor).select_one(".topic-years")
    assert line.select_one(".absent").get_text() == "2024（未涉及）"


def test_county_page_topic_year_table(sample_site: Path) -> None:
    soup = page_soup(sample_site, "reports/qinghe/index.html")
    table = soup.find(id="shufa").select_one("table.topic-year-table")
    header = [th.get_text(strip=True) for th in table.select("thead th")]
    assert header == ["主题", "2021年", "2022年", "2023年", "2024年"]
    rows = {tr.select("td")[0].get_text(strip=True): tr.select("td")[1:] for tr in table.select("tbody tr")}
    topics = SAMPLE.topics
    series = SAMPLE.reports_of("qinghe", "shufa")
    for key in {s.topic for r in series for s in r.sections}:
        cells = rows[topics[key].label]
        for report, cell in zip(series, cells, strict=True):
            target = report.section_for_topic(key)
            if target is None:
                assert cell.get_text(strip=True) == "未涉及"
            else:
                assert cell.find("a")["href"] == f"shufa/{report.year}.html#{target.anchor}"
