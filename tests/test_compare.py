"""Text reuse rates and year-to-year comparison pages."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from conftest import DATA, page_soup
from shufa.core.loading import load_archive
from shufa.core.reuse import Baseline, diff, normalise, previous_report

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


def test_word_level_diff_marks_changes() -> None:
    before = "县政府全年召开常务会议专题研究法治工作5次。"
    after = "县政府全年召开常务会议专题研究法治政府建设工作6次。"
    left, right = diff(before, after)
    assert "".join(t for _, t in left) == before
    assert "".join(t for _, t in right) == after
    assert [t for k, t in left if k == "del"] and [t for k, t in right if k == "ins"]
    assert "政府建设" in "".join(t for k, t in right if k == "ins")
    assert all(k == "" for k, t in left if "常务会议" in t)


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
    assert cells and all(td.select_one(".reuse").get_text().strip().endswith("%") for td in cells)


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
