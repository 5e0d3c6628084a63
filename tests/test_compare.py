"""Text reuse rates and year-to-year comparison pages."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DATA, page_soup
from shufa.core.loading import load_archive
from shufa.core.reuse import Baseline, diff, line_diff, normalise, previous_report, text_diff

SAMPLE = load_archive(DATA).archive

LAST_YEAR = "全年共办理行政复议案件46件，依法纠错7件，行政机关负责人出庭应诉率达到100%，较上年有明显提升。"
NEW_TEXT = "今年重点推进乡镇综合执法改革，组建执法队伍十二支，配备执法记录设备三百余台，实现全覆盖。"


def test_identical_text_is_fully_reused() -> None:
    assert Baseline(LAST_YEAR).reuse(LAST_YEAR) == pytest.approx(1.0)


def test_disjoint_text_is_not_reused() -> None:
    assert Baseline(LAST_YEAR).reuse(NEW_TEXT) == pytest.approx(0.0)


def test_half_copied_text_is_about_half_reused() -> None:
    text = LAST_YEAR + NEW_TEXT
    expected = len(normalise(LAST_YEAR)) / len(normalise(text))
    assert Baseline(LAST_YEAR).reuse(text) == pytest.approx(expected, abs=0.02)
    assert 0.45 <= Baseline(LAST_YEAR).reuse(text) <= 0.55


def test_updated_figures_still_count_as_repeated_text() -> None:
    updated = LAST_YEAR.replace("46件", "58件").replace("7件", "9件")
    assert Baseline(LAST_YEAR).reuse(updated) == pytest.approx(1.0)


def test_white_space_does_not_matter_and_empty_text_has_no_rate() -> None:
    assert Baseline(LAST_YEAR).reuse(" ".join(LAST_YEAR)) == pytest.approx(1.0)
    assert Baseline(LAST_YEAR).reuse("  \n") is None


def _marked(runs) -> list[tuple[str, str]]:
    return [(k, t) for k, t in runs if k]


def test_a_changed_clause_is_marked_whole() -> None:
    # words changed in a clause: the clause is one change, not a splice of characters
    before = "县政府全年召开常务会议专题研究法治工作5次，印发工作要点。"
    after = "县政府全年召开常务会议专题研究法治政府建设工作6次，印发工作要点。"
    left, right = diff(before, after)
    assert "".join(t for _, t in left) == before
    assert "".join(t for _, t in right) == after
    assert _marked(left) == [("del", "县政府全年召开常务会议专题研究法治工作5次，")]
    assert _marked(right) == [("ins", "县政府全年召开常务会议专题研究法治政府建设工作6次，")]


def test_a_changed_number_is_marked_whole() -> None:
    # the same words with other figures: each changed number marked whole, the words unmarked
    before = "全年开展会前学法4次，发放宣传资料12.5万余份，覆盖率100%。"
    after = "全年开展会前学法6次，发放宣传资料3.75万余份，覆盖率100%。"
    left, right = diff(before, after)
    assert _marked(left) == [("del", "4"), ("del", "12.5")]
    assert _marked(right) == [("ins", "6"), ("ins", "3.75")]
    merged = line_diff(before, after)[2]
    assert "".join(t for k, t in merged if k != "del") == after
    assert [r for r in merged if r.kind] == [("del", "4"), ("ins", "6"), ("del", "12.5"), ("ins", "3.75")]


def test_lines_are_paired_with_the_line_they_resemble() -> None:
    # items reordered, one rewritten, one new, one dropped: each compared with its own counterpart
    before = "\n".join(
        [
            "一、坚持依法行政",
            "一是强化统筹部署。全年召开常务会议5次，研究法治工作。",
            "二是加强执法队伍建设。组织专题培训3期，培训执法人员960余人次。",
            "三是推进示范创建。以创建示范县为抓手，对照指标逐项查漏补缺。",
        ]
    )
    after = "\n".join(
        [
            "一、坚持依法行政",
            "一是加强执法队伍建设。组织专题培训4期，培训执法人员1150余人次。",
            "二是强化统筹部署。全年召开常务会议6次，研究法治工作。",
            "三是落实“谁执法谁普法”普法责任制。组织旁听庭审活动4次。",
        ]
    )
    pairs = text_diff(before, after)
    assert [(p.before, p.after) for p in pairs] == [(0, 0), (2, 1), (1, 2), (None, 3), (3, None)]
    lines_a, lines_b = before.split("\n"), after.split("\n")
    for pair in pairs:
        if pair.before is not None:
            assert "".join(t for _, t in pair.earlier) == lines_a[pair.before]
        if pair.after is not None:
            assert "".join(t for _, t in pair.later) == lines_b[pair.after]
            assert "".join(t for k, t in pair.merged if k != "del") == lines_b[pair.after]
    # the rewritten item is new whole, the dropped one removed whole: nothing spliced from both
    assert pairs[3].merged == (("ins", lines_b[3]),) and pairs[4].merged == (("del", lines_a[3]),)
    # renumbered (二是 → 一是) with new figures: the ordinal and the numbers marked, whole
    assert [r for r in pairs[1].merged if r.kind] == [
        ("del", "二"),
        ("ins", "一"),
        ("del", "3"),
        ("ins", "4"),
        ("del", "960"),
        ("ins", "1150"),
    ]


@given(
    st.lists(st.text(alphabet="一二三四五是法治政府建设，。；、：0123456789.% *", max_size=40), max_size=6),
    st.lists(st.text(alphabet="一二三四五是法治政府建设，。；、：0123456789.% *", max_size=40), max_size=6),
)
@settings(max_examples=300, deadline=None)
def test_every_line_is_shown_once_and_verbatim(lines_a: list[str], lines_b: list[str]) -> None:
    before, after = "\n".join(lines_a), "\n".join(lines_b)
    pairs = text_diff(before, after)
    lines_a, lines_b = before.split("\n"), after.split("\n")
    assert sorted(p.before for p in pairs if p.before is not None) == list(range(len(lines_a)))
    assert sorted(p.after for p in pairs if p.after is not None) == list(range(len(lines_b)))
    for pair in pairs:
        if pair.before is not None:
            assert "".join(t for _, t in pair.earlier) == lines_a[pair.before]
            assert all(k in ("", "del") for k, _ in pair.earlier)
        if pair.after is not None:
            assert "".join(t for _, t in pair.later) == lines_b[pair.after]
            assert "".join(t for k, t in pair.merged if k != "del") == lines_b[pair.after]
            assert all(k in ("", "ins") for k, _ in pair.later)


def test_comparison_pages_for_consecutive_years(sample_site: Path) -> None:
    for county in SAMPLE.counties:
        for kind in SAMPLE.kinds:
            series = SAMPLE.reports_of(county, kind)
            for earlier, later in itertools.pairwise(series):
                page = sample_site / f"reports/{county}/{kind}/compare/{earlier.year}-{later.year}.html"
                assert page.is_file(), page
    assert not (sample_site / "reports/qinghe/shufa/compare/2021-2023.html").exists()


def test_comparison_page_sets_topics_side_by_side(sample_site: Path) -> None:
    soup = page_soup(sample_site, "reports/qinghe/shufa/compare/2022-2023.html")
    earlier, later = SAMPLE.reports["qinghe/shufa/2022"], SAMPLE.reports["qinghe/shufa/2023"]
    both = {s.topic for s in earlier.sections} & {s.topic for s in later.sections}
    for topic in both:
        section = soup.find(id=topic)
        assert section is not None, topic
        table = section.select_one("table.compare-table")
        assert [th.get_text() for th in table.select("thead th")] == ["2022年", "2023年"]
    only = {s.topic for s in earlier.sections} ^ {s.topic for s in later.sections}
    for topic in only:
        assert "仅见于" in soup.find(id=topic).select_one(".compare-only").get_text()
    assert soup.select("del") and soup.select("ins")
    assert not soup.select("table.compare-table td:nth-of-type(2) del"), "deletions only on the earlier side"


def test_report_pages_show_reuse_and_link_the_comparison(sample_site: Path) -> None:
    soup = page_soup(sample_site, "reports/qinghe/shufa/2023.html")
    line = soup.select_one(".report-reuse")
    assert "与2022年报告文字重复" in line.get_text()
    assert line.find("a")["href"] == "compare/2022-2023.html"
    for section in SAMPLE.reports["qinghe/shufa/2023"].sections:
        tag = soup.find(id=section.anchor).select_one(".section-topic .reuse")
        assert tag is not None and tag.get_text().startswith("与2022年报告文字重复")
    first = page_soup(sample_site, "reports/qinghe/shufa/2021.html")
    assert first.select(".reuse") == [], "the first year has nothing to repeat"


def test_reuse_in_the_county_table(sample_site: Path) -> None:
    soup = page_soup(sample_site, "reports/qinghe/index.html")
    table = soup.find(id="shufa").select_one("table.topic-year-table")
    cells = [
        td for td in table.select("tbody td") if td.find("a") and "shufa/2023.html" in td.find("a")["href"]
    ]
    assert cells and all(td.select_one(".reuse").get_text().strip().rstrip("▲").endswith("%") for td in cells)


def test_previous_report_is_the_latest_earlier_year() -> None:
    assert previous_report(SAMPLE, SAMPLE.reports["qinghe/shufa/2023"]).year == 2022
    assert previous_report(SAMPLE, SAMPLE.reports["qinghe/shufa/2021"]) is None


def test_comparison_pages_from_the_shell_are_what_sphinx_renders(
    tmp_path: Path, sample_build, sample_site: Path, monkeypatch
) -> None:
    """The sample site's comparison pages (all but the first written through one rendering
    of the template) are byte for byte the pages Sphinx renders one by one."""
    from conftest import DATA, archive_source, build_archive
    from shufa.plugins import modelpages

    assert "rendered one by one" not in sample_build.status.getvalue(), "the sample used the shell"
    made: list[str] = []

    def no_shell(app, example):
        made.append(example)
        return None

    monkeypatch.setattr(modelpages.Shell, "make", staticmethod(no_shell))
    app = build_archive(archive_source(tmp_path), DATA)
    assert made, "the build asked for a shell"
    pages = sorted(p.relative_to(sample_site) for p in sample_site.glob("reports/*/*/compare/*.html"))
    assert len(pages) >= 3
    for rel in pages:
        assert (Path(app.outdir) / rel).read_bytes() == (sample_site / rel).read_bytes(), rel


def test_the_county_tables_reuse_rates_are_explained(sample_site: Path) -> None:
    from shufa.core.reuse import BANDS

    soup = page_soup(sample_site, "reports/qinghe/index.html")
    kind = soup.find(id="shufa")
    table = kind.select_one("table.topic-year-table")
    legend = table.find_next("p", class_="reuse-legend")
    assert legend is not None and "文字重复率" in legend.get_text() and "51%" in legend.get_text()
    assert "▲" in legend.get_text() and f"{round(BANDS[0][0] * 100)}%及以上" in legend.get_text()
    # a high rate is marked by a sign, not by colour alone; the others are not
    for rate in table.select(".reuse"):
        value = int(rate.get_text().strip().rstrip("▲").rstrip("%"))
        assert ("▲" in rate.get_text()) == (value >= round(BANDS[0][0] * 100)), rate
    assert table.select(".reuse-high") and all("▲" in r.get_text() for r in table.select(".reuse-high"))
    # one year has nothing to compare: no legend
    single = page_soup(sample_site, "reports/qinghe/index.html").find(id="fzzf")
    assert single.select_one("p.reuse-legend") is None
    # (legends and tables repeat the reports: search finds the reports themselves)
    assert "no-search" in legend["class"] and "no-search" in table["class"]
