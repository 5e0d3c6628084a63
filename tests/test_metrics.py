"""Figures as series: metric assignment, marks in the text, tables and SVG charts, the metric index."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import DATA, page_soup
from shufa.core.loading import load_archive
from shufa.core.metricseries import assign_metric, chart, qualifier_words, report_figures, series

SAMPLE = load_archive(DATA).archive
SVG = "{http://www.w3.org/2000/svg}"


def _values(county: str, kind: str) -> dict[str, dict[int, str | None]]:
    found = series(SAMPLE, SAMPLE.reports_of(county, kind))
    return {m: {y: (p.figure.text if p else None) for y, p in v.items()} for m, v in found.items()}


def test_qinghe_series_from_the_sample_data() -> None:
    values = _values("qinghe", "shufa")
    assert values["court-appearance-rate"] == {2021: "96.3%", 2022: "100%", 2023: "100%", 2024: "100%"}
    assert values["reconsideration-applications"] == {2021: "46件", 2022: "58件", 2023: "71件", 2024: "96件"}
    assert values["litigation-cases"] == {2021: "27件", 2022: "31件", 2023: "38件", 2024: "35件"}
    assert values["legal-review"] == {2021: "224项", 2022: "251项", 2023: "286项", 2024: "312项"}
    assert values["publicity-events"] == {2021: "160余场", 2022: "180余场", 2023: "210余场", 2024: "230余场"}
    assert values["publicity-materials"] == {
        2021: "3.2万余份",
        2022: "4.1万余份",
        2023: "5万余份",
        2024: "5.6万余份",
    }
    assert values["study-sessions"] == {2021: "12次", 2022: "14次", 2023: "15次", 2024: "16次"}
    assert values["normative-documents-filed"] == {2021: "11件", 2022: "9件", 2023: "12件", 2024: "8件"}


def test_other_counties_have_series_too() -> None:
    chengxi = _values("chengxi", "fzzf")
    assert chengxi["reconsideration-applications"] == {2022: "52件", 2023: "49件"}
    assert chengxi["reconsideration-cases"] == {2022: "46件", 2023: "46件"}
    assert _values("chengxi", "fzzf")["court-appearance-rate"] == {2022: "100%", 2023: "100%"}


def test_assignment_needs_the_phrase_in_the_same_clause_and_a_matching_unit() -> None:
    metrics = SAMPLE.metrics
    text = "全年办理行政复议案件46件，出庭应诉率100%，开展普法活动160余场。"
    assert assign_metric(metrics, "收到行政复议申请52件", 8, 11, "件") == "reconsideration-applications"
    assert (
        assign_metric(metrics, text, text.index("46件"), text.index("46件") + 3, "件")
        == "reconsideration-cases"
    )
    assert (
        assign_metric(metrics, text, text.index("100%"), text.index("100%") + 4, "%")
        == "court-appearance-rate"
    )
    # the phrase of another clause does not reach this figure
    other = "行政复议工作扎实，组织培训12次。"
    assert assign_metric(metrics, other, other.index("12次"), other.index("12次") + 3, "次") is None
    # a figure whose unit the metric does not use is not assigned to it
    wrong = "出庭应诉率考核涉及28个部门。"
    assert assign_metric(metrics, wrong, wrong.index("28个"), wrong.index("28个") + 3, "个") is None


def test_explicit_assignment_in_the_data_file_wins(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    path = data / "qinghe/shufa/2023.yaml"
    report = SAMPLE.reports["qinghe/shufa/2023"]
    placed, _ = report_figures(SAMPLE, report)
    first = next(p for p in placed if p.metric == "reconsideration-applications")
    text = path.read_text(encoding="utf-8")
    text += f'figures:\n  - {{at: "{first.anchor}", text: "{first.figure.text}", metric: null}}\n'
    path.write_text(text, encoding="utf-8")
    result = load_archive(data)
    assert result.problems == []
    changed = result.archive.reports["qinghe/shufa/2023"]
    placed, _ = report_figures(result.archive, changed)
    again = next(p for p in placed if p.anchor == first.anchor and p.figure.start == first.figure.start)
    assert again.metric is None
    assert again.id.startswith("f-") and not again.id.startswith("f-reconsideration")


def test_unknown_metric_in_the_data_file_is_located(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    path = data / "qinghe/shufa/2023.yaml"
    text = path.read_text(encoding="utf-8")
    line = text.count("\n") + 2
    path.write_text(text + 'figures:\n  - {at: "s1", text: "40份", metric: "budget"}\n', encoding="utf-8")
    messages = [str(p) for p in load_archive(data).problems]
    assert any(f"2023.yaml:{line}:" in m and "unknown metric `budget`" in m for m in messages), messages


def test_redacted_metric_is_a_gap(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    path = data / "qinghe/shufa/2022.yaml"
    text = path.read_text(encoding="utf-8")
    assert "会前学法14次" in text
    path.write_text(text.replace("会前学法14次", "会前学法*次"), encoding="utf-8")
    archive = load_archive(data).archive
    values = series(archive, archive.reports_of("qinghe", "shufa"))["study-sessions"]
    assert values[2022] is None
    assert values[2023].figure.text == "15次"


def test_qualifiers_in_words() -> None:
    assert qualifier_words("余") == "至少"
    assert qualifier_words("以上") == "至少"
    assert qualifier_words("近") == "约"
    assert qualifier_words("") == ""


def test_svg_chart_is_well_formed_with_one_point_per_reported_year() -> None:
    reports = SAMPLE.reports_of("qinghe", "shufa")
    years = [r.year for r in reports]
    for key, values in series(SAMPLE, reports).items():
        svg = ET.fromstring(chart(SAMPLE.metrics[key], years, values))
        points = svg.findall(f"{SVG}circle")
        assert len(points) == sum(1 for v in values.values() if v is not None), key
        assert svg.find(f"{SVG}title").text.startswith(SAMPLE.metrics[key].label)
    gap = {2021: None}
    svg = ET.fromstring(chart(SAMPLE.metrics["study-sessions"], [2021], gap))
    assert svg.findall(f"{SVG}circle") == [] and svg.findall(f"{SVG}line")
    assert "原文隐去" in svg.find(f"{SVG}title").text


def test_figures_are_marked_in_the_report_text(sample_site: Path) -> None:
    soup = page_soup(sample_site, "reports/qinghe/shufa/2023.html")
    mark = soup.find(id="f-publicity-events")
    assert mark.name == "data"
    assert mark.get_text() == "210余场"
    assert mark["value"] == "210"
    assert mark["title"] == "普法宣传活动：至少210场"
    rate = soup.find(id="f-court-appearance-rate")
    assert rate["value"] == "100" and rate.get_text() == "100%"
    assert soup.select("data[id^='f-']"), "unassigned figures are marked too"
    redactions = [r.get_text() for r in soup.select("span.redaction")]
    assert all(r.find_parent("data") is None for r in soup.select("span.redaction")) and redactions


def test_county_page_series_table_links_each_value(sample_site: Path) -> None:
    soup = page_soup(sample_site, "reports/qinghe/index.html")
    row = soup.find(id="m-shufa-publicity-events")
    links = [a["href"] for a in row.select("a") if "shufa/" in a["href"]]
    assert links == [f"shufa/{y}.html#f-publicity-events" for y in (2021, 2022, 2023, 2024)]
    svg = row.find("svg")
    assert len(svg.find_all("circle")) == 4
    assert "qualified" in svg.find("circle")["class"]


def test_metric_index_page(sample_site: Path) -> None:
    soup = page_soup(sample_site, "metrics/index.html")
    assert [a["href"] for a in soup.select("ul.metric-list a")] == [f"{k}.html" for k in SAMPLE.metrics]
    metric = page_soup(sample_site, "metrics/court-appearance-rate.html")
    assert [a["href"] for a in metric.select("ul.metric-provinces a")] == [
        "court-appearance-rate/jianglan.html"
    ]
    rate = page_soup(sample_site, "metrics/court-appearance-rate/jianglan.html").get_text()
    assert "青禾县述法报告：2021、2022、2023、2024" in rate


# --- a long paragraph full of figures costs its length --------------------------------------------

_DENSE = (
    "全年办理行政复议案件46件，行政机关负责人出庭应诉率100%，2023年3月5日开展普法活动12场，"
    "“三项制度”落实率98.6%；会前学法*次，发放资料3.2万余份，"
)


def _figures_seconds(characters: int) -> float:
    import dataclasses
    import time

    from shufa.core import figures, metricseries

    # a new report, not a changed copy: the model is not changed once built (fields are cached)
    report = dataclasses.replace(
        SAMPLE.reports["qinghe/shufa/2023"], preamble=_DENSE * (characters // len(_DENSE))
    )
    best = float("inf")
    for _ in range(3):
        figures.FOUND.clear()
        start = time.perf_counter()
        placed, _redacted = metricseries._work_out_figures(SAMPLE, report)
        best = min(best, time.perf_counter() - start)
    assert len(placed) >= 5 * (characters // len(_DENSE))
    return best


def test_a_paragraph_full_of_figures_is_worked_out_in_linear_time() -> None:
    """10× the text, about 10× the time: each figure's clause, phrases and the spans of dates,
    fixed terms and quotes are looked up, not searched from the paragraph's start (a
    239,000-character preamble took 48 s to build; the work was quadratic)."""
    small = _figures_seconds(6_000)
    large = _figures_seconds(60_000)
    ratio = large / small
    print(f"figures: 6,000 characters {small:.3f} s, 60,000 characters {large:.3f} s, ratio {ratio:.1f}")
    assert ratio <= 20, f"10× the text took {ratio:.1f}× the time ({small:.3f} s → {large:.3f} s)"


def test_clauses_answer_as_the_searches_did() -> None:
    """The looked-up clause and phrase agree with a plain search, wherever the figure is."""
    from shufa.core.metricseries import _CLAUSE_END, Clauses

    text = "开展普法活动12场，出庭应诉率100%；收到复议申请，复议申请52件（含撤回）办结复议复议案件"
    clauses = Clauses(text)
    for at in range(len(text) + 1):
        starts = [m.end() for m in _CLAUSE_END.finditer(text, 0, at)]
        assert clauses.start_before(at) == max(starts, default=0)
        following = _CLAUSE_END.search(text, at)
        assert clauses.end_after(at) == (following.start() if following else len(text))
        before = text[clauses.start_before(at) : at]
        for phrase in ("复议", "复议申请", "复议复议", "应诉率", "活动"):
            found = before.rfind(phrase)
            expected = None if found < 0 else clauses.start_before(at) + found + len(phrase)
            assert clauses.phrase_end_before(phrase, at) == expected, (at, phrase)


def _marking_seconds(units: int) -> float:
    import gc
    import time

    from docutils import nodes

    from shufa.plugins.inline import paragraphs

    text = "\n".join([_DENSE] * units)  # one paragraph a line, a redaction and figures in each
    placed = [(m.start(), m.end(), nodes.inline()) for m in re.finditer(r"[0-9.]+[件场%份]", text)]
    best = float("inf")
    gc.disable()  # as timeit does: a collection's cost grows with what earlier tests left alive
    try:
        for _ in range(3):
            # this process's CPU time: the other tests running beside it (xdist) do not count
            start = time.process_time()
            built = paragraphs(text, placed=placed)
            best = min(best, time.process_time() - start)
    finally:
        gc.enable()
    assert len(built) == units
    return best


def test_marking_the_figures_of_a_long_text_takes_linear_time() -> None:
    """The build's marks (shufa.inline): each figure is checked against the redactions and
    placed in its line by bisection, not against every redaction and every line."""
    small = _marking_seconds(300)
    large = _marking_seconds(3000)
    ratio = large / small
    print(f"marks: 300 lines {small:.3f} s, 3000 lines {large:.3f} s, ratio {ratio:.1f}")
    assert ratio <= 20, f"10× the text took {ratio:.1f}× the time ({small:.3f} s → {large:.3f} s)"


def test_the_county_tables_charts_have_a_scale(sample_site: Path) -> None:
    soup = page_soup(sample_site, "reports/qinghe/index.html")
    table = soup.find(id="shufa").select_one("table.metric-table")
    legend = table.find_next("p", class_="metric-legend")
    assert legend is not None
    text = legend.get_text()
    # what the axes are, where the years run, and what the marks mean (not only their colour)
    assert "横轴是年度" in text and "2021—2024年" in text and "纵轴" in text
    assert "最低值" in text and "最高值" in text and "空心点" in text and "虚线" in text
    assert "no-search" in legend["class"]


def test_a_figure_mark_keeps_the_punctuation_on_its_line_in_itself() -> None:
    """No line starts with the ，after a figure: the mark holds it (one leaf, not a nobr span of
    three nodes for every transform to walk), and says it in its text."""
    from docutils import nodes

    from shufa.plugins.inline import figure_value, text_nodes

    text = "全年开展会前学法19次，重点学习《宪法》。"
    start = text.index("19次")
    mark = figure_value("19次", printed="19次", value="19", title="19次", ids=["f-1"])
    built = text_nodes(text, [(start, start + 3, mark)])
    assert [type(n) for n in built] == [nodes.Text, figure_value, nodes.Text]
    assert (built[1]["before"], built[1]["after"]) == ("", "，")
    assert "".join(n.astext() for n in built) == text
    assert not built[1].children


def test_the_page_writes_a_figure_with_its_punctuation_in_a_nobr_span(sample_site: Path) -> None:
    soup = page_soup(sample_site, "reports/qinghe/shufa/2023.html")
    kept = [span for span in soup.select("span.nobr") if span.find("data")]
    assert kept, "a figure followed by punctuation"
    for span in kept:
        assert (
            span.get_text()[-1] in "。，、；：？！）」』》〉】”’…％%"
            or span.get_text()[0] in "（「『《〈【“‘"
        )
