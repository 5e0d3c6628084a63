"""The report page directives: ids, sections in the table of contents, text kept literal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import DATA, build_testroot, page_soup, run_sphinx
from shufa.core.labels import display_title, names_county
from shufa.core.loading import load_archive
from shufa.core.model import County


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_testroot("report", tmp_path_factory.mktemp("report"))


def test_builds_without_warnings(built):
    assert built.warning.getvalue() == ""


def test_sections_and_items_carry_stable_ids(built):
    soup = page_soup(Path(built.outdir), "reports/hexi/shufa/2023")
    sections = [s["id"] for s in soup.select("section[id]")]
    assert sections == ["report", "s1", "s2", "shortcomings", "next-steps"]
    items = [d["id"] for d in soup.select("div.report-item[id]")]
    assert items == ["s1-1", "s1-2", "s2-1", "s2-1-1", "s2-1-2", "shortcomings-1"]
    # aliases are extra anchors on the same element
    assert soup.find(id="s1-9") is not None
    assert soup.find(id="s7") is not None
    assert soup.find(id="preamble") is not None


def test_no_positional_ids_anywhere_on_the_page(built):
    html = (Path(built.outdir) / "reports/hexi/shufa/2023.html").read_text(encoding="utf-8")
    assert not re.search(r'id="id\d+"', html)


def test_sections_appear_in_the_page_toc(built):
    toc = built.env.tocs["reports/hexi/shufa/2023"]
    entries = [ref["anchorname"] for ref in toc.findall(lambda n: n.tagname == "reference")]
    assert entries == ["", "#s1", "#s2", "#shortcomings", "#next-steps"]
    titles = [ref.astext() for ref in toc.findall(lambda n: n.tagname == "reference")]
    assert titles[1] == "一、坚持**领导，压实XX责任"


def test_markers_as_printed_and_labels_in_bold(built):
    soup = page_soup(Path(built.outdir), "reports/hexi/shufa/2023")
    item = soup.find(id="s1-1")
    assert item.select_one(".marker").get_text() == "一是"
    assert item.select_one("strong.run-in").get_text() == "强化部署。"
    nested = soup.find(id="s2-1-2")
    assert nested.select_one(".marker").get_text() == "2."
    # nested in its parent item (the stylesheet indents it from there)
    assert nested.parent["id"] == "s2-1" and "report-item" in nested.parent["class"]
    heading = soup.find(id="s1").find("h2")
    assert heading.select_one(".marker").get_text() == "一、"


def test_redactions_are_marks_not_emphasis(built):
    soup = page_soup(Path(built.outdir), "reports/hexi/shufa/2023")
    marks = soup.select("span.redaction")
    texts = [m.get_text() for m in marks]
    # preamble **, heading ** and XX, lead * and ×××, author 王**, item **
    for placeholder in ("**", "XX", "*", "×××"):
        assert placeholder in texts
    for mark in marks:
        assert mark["title"] == "原文隐去"
        assert mark["aria-label"].startswith("原文隐去")
    heading = soup.find(id="s1").find("h2")
    assert heading.find("strong") is None and heading.find("em") is None
    assert "坚持**领导，压实XX责任" in heading.get_text()


def test_report_text_is_never_markup(built):
    soup = page_soup(Path(built.outdir), "reports/hexi/shufa/2023")
    preamble = soup.find(id="preamble")
    text = preamble.get_text()
    assert "*强调*" in text
    assert "`代码`" in text
    assert "<b>标签</b>" in text
    assert "{{ jinja }}" in text
    assert "{ref}`role`" in text
    assert preamble.find("b") is None and preamble.find("em") is None and preamble.find("code") is None


def test_references_resolve_with_readable_labels(built):
    soup = page_soup(Path(built.outdir), "index")
    links = {a.get_text(): a["href"] for a in soup.select("a.reference.internal")}
    assert links["禾溪县2023年述法报告 第一部分"] == "reports/hexi/shufa/2023.html#s1"
    assert links["禾溪县2023年述法报告 第二部分第一项"] == "reports/hexi/shufa/2023.html#s2-1"


def test_signature_and_closing(built):
    soup = page_soup(Path(built.outdir), "reports/hexi/shufa/2023")
    assert soup.find(id="shortcomings").find("h2").get_text().rstrip("¶") == "存在的不足"
    assert soup.find(id="next-steps").find("h2").get_text().rstrip("¶") == "下一步打算"
    assert soup.select_one(".report-signature").get_text("|", strip=True) == "禾溪县人民政府|2024年1月10日"


def test_county_and_year_pages_link_to_the_report(built):
    county = page_soup(Path(built.outdir), "reports/hexi/index")
    assert county.find("h1").get_text().startswith("禾溪县")
    hrefs = [a["href"] for a in county.select("ul.report-years a")]
    assert hrefs == ["shufa/2023.html"]
    # a year's page lists the provinces (the implicit one of an archive without provinces.yaml),
    # whose page lists the reports
    year = page_soup(Path(built.outdir), "years/2023")
    assert [a["href"] for a in year.select("ul.year-provinces a")] == ["2023/all.html"]
    province = page_soup(Path(built.outdir), "years/2023/all")
    assert [a["href"] for a in province.select("ul.year-reports a")] == ["../../reports/hexi/shufa/2023.html"]


def test_unresolved_reference_warns_with_location(tmp_path):
    import shutil

    src = tmp_path / "src"
    shutil.copytree(Path(__file__).parent / "roots" / "test-report", src)
    with (src / "index.md").open("a", encoding="utf-8") as fh:
        fh.write("\n坏链接 {report:ref}`hexi/shufa/2023/s9`。\n")
    app = run_sphinx(src)
    warnings = app.warning.getvalue()
    assert "index.md:" in warnings
    assert "unresolved report reference 'hexi/shufa/2023/s9'" in warnings


def test_our_events_run_their_handlers_by_priority_and_fail_as_sphinx_would() -> None:
    from types import SimpleNamespace

    from sphinx.errors import ExtensionError
    from sphinx.events import EventManager

    from shufa.plugins.shared.envstore import emit

    app = SimpleNamespace(pdb=False)
    events = EventManager(app)  # type: ignore[arg-type]
    events.add("shufa-test")
    seen = []
    events.connect("shufa-test", lambda a, x: seen.append(("late", a is app, x)) or "late", priority=700)
    events.connect("shufa-test", lambda a, x: seen.append(("early", a is app, x)) or "early", priority=100)
    assert emit(events, "shufa-test", 7) == ["early", "late"]
    assert seen == [("early", True, 7), ("late", True, 7)]

    def broken(app, x):
        raise ValueError("bad")

    events.connect("shufa-test", broken, priority=500)
    with pytest.raises(ExtensionError, match=r"broken.*shufa-test"):
        emit(events, "shufa-test", 1)


# --- a report is named with its county ---------------------------------------------------------


def test_a_title_names_its_county_by_name_or_short_name() -> None:
    qinghe = County("qinghe", "青禾县")
    assert names_county("青禾县县长2023年度述法报告", qinghe)
    assert names_county("青禾2023年法治政府建设情况", qinghe)
    assert not names_county("2023年度县长个人述法报告", qinghe)
    assert not names_county("关于青山县的报告", County("qingshan", "青县")), "one character is no name"
    assert names_county("静海区人民政府2023年报告", County("jinghai", "静海区"))


def test_a_report_whose_title_lacks_its_county_is_named_with_it(sample_site: Path) -> None:
    archive = load_archive(DATA).archive
    bare = archive.reports["qinghe/shufa/2022"]
    assert bare.title == "2022年度县长个人述法报告", "the sample's title without the county"
    soup = page_soup(sample_site, "reports/qinghe/shufa/2022")
    # a line above the title, inside the heading: the tab and the search entry name the county
    assert soup.h1.select_one("span.report-county").get_text() == "青禾县"
    assert soup.h1.get_text().startswith("青禾县2022年度县长个人述法报告")
    assert soup.title.get_text().startswith("青禾县2022年度县长个人述法报告 ")
    assert soup.find("meta", property="og:title")["content"] == display_title(archive, bare)
    # a citation keeps the title as published (the county is its author)
    assert soup.find("meta", attrs={"name": "citation_title"})["content"] == bare.title
    # a title with the county is shown as published
    named = page_soup(sample_site, "reports/qinghe/shufa/2023")
    assert named.h1.select_one("span.report-county") is None
    assert named.title.get_text().startswith("青禾县县长2023年度述法报告 ")
