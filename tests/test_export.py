"""archive.json (against its schema), sitemap.xml, and the pages' description and Open Graph tags."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from conftest import DATA, REPO, archive_source, build_archive, copy_data, warnings_of
from shufa import export
from shufa.core.figures import find_figures
from shufa.core.loading import load_archive

SAMPLE = load_archive(DATA).archive
SCHEMA = json.loads(export.SCHEMA_FILE.read_text(encoding="utf-8"))
BASE = "https://fazhi.example.org/"
EVIL = '<script>alert("x")</script> & "引号" **县'


def archive_json(site: Path) -> dict:
    return json.loads((site / "archive.json").read_text(encoding="utf-8"))


def walk_items(items: list[dict]):
    for item in items:
        yield item
        yield from walk_items(item["items"])


def parts_of(report: dict):
    """Every section, closing part and item of a report in archive.json."""
    for part in [*report["sections"], *report["closing"]]:
        yield part
        yield from walk_items(part["items"])


def all_reports(doc: dict):
    for county in doc["counties"]:
        yield from county["reports"]


@pytest.fixture(scope="module")
def site_with_baseurl(tmp_path_factory: pytest.TempPathFactory) -> SphinxTestApp:
    """html_baseurl set, and report text that looks like markup."""
    root = tmp_path_factory.mktemp("export")
    data = copy_data(root)
    path = data / "qinghe/shufa/2023.yaml"
    text = path.read_text(encoding="utf-8")
    escaped = EVIL.replace('"', '\\"')
    text = re.sub(r'(?m)^preamble: "', lambda m: m.group(0) + escaped, text, count=1)
    text = re.sub(r'(?m)^    heading: "', lambda m: m.group(0) + escaped, text, count=1)
    path.write_text(text, encoding="utf-8")
    return build_archive(archive_source(root), data, html_baseurl=BASE)


# --- archive.json ----------------------------------------------------------------------------------


def test_archive_json_is_valid_against_its_schema(sample_site: Path) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.Draft202012Validator(SCHEMA).validate(archive_json(sample_site))
    shipped = json.loads((sample_site / "archive.schema.json").read_text(encoding="utf-8"))
    assert shipped == SCHEMA


def test_schema_rejects_what_it_should() -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    doc = json.loads(json.dumps(archive_json_minimal()))
    validator.validate(doc)
    doc["counties"][0]["reports"][0]["sections"][0]["anchor"] = "id1"
    assert not validator.is_valid(doc)


def archive_json_minimal() -> dict:
    item = {
        "anchor": "s1-1", "url": "r.html#s1-1", "ordinal": 1, "marker": "一是", "heading": "",
        "topic": None, "aliases": [], "figures": [], "items": [],
    }  # fmt: skip
    section = {
        "anchor": "s1", "url": "r.html#s1", "ordinal": 1, "marker": "一、", "heading": "标题",
        "topic": "leadership", "aliases": [], "figures": [], "items": [item],
    }  # fmt: skip
    report = {
        "key": "a/b/2023", "kind": "b", "year": 2023, "title": "报告", "url": "r.html",
        "author": {"role": "", "name": "", "organization": ""}, "issued": "", "published": "",
        "source_url": "", "retrieved": "", "citation": {"bibtex": "r.bib", "csl_json": "r.csl.json"},
        "figures": [], "sections": [section], "closing": [],
    }  # fmt: skip
    county = {
        "slug": "a", "name": "县", "province": "", "city": "", "code": "", "aliases": [],
        "url": "c.html", "reports": [report],
    }  # fmt: skip
    return {
        "format": "shufa-archive", "version": 1, "title": "t", "base_url": "",
        "figures_parsed": False, "kinds": [], "topics": [], "counties": [county],
    }  # fmt: skip


def test_archive_json_has_every_county_report_section_and_item(sample_site: Path) -> None:
    doc = archive_json(sample_site)
    assert [c["slug"] for c in doc["counties"]] == list(SAMPLE.counties)
    reports = {r["key"]: r for r in all_reports(doc)}
    assert set(reports) == set(SAMPLE.reports)
    for key, report in SAMPLE.reports.items():
        exported = reports[key]
        assert exported["url"] == f"{report.docname}.html"
        assert [s["heading"] for s in exported["sections"]] == [s.heading for s in report.sections]
        assert [s["topic"] for s in exported["sections"]] == [s.topic for s in report.sections]
        anchors = [p["anchor"] for p in parts_of(exported)]
        assert sorted(anchors) == sorted(a for a, part in report.anchors() if part.anchor == a)
        for part in parts_of(exported):
            assert part["url"] == f"{report.docname}.html#{part['anchor']}"
        item = exported["sections"][0]["items"][0]
        assert (item["marker"], item["heading"]) == (
            report.sections[0].items[0].marker,
            report.sections[0].items[0].label,
        )


def test_every_url_in_archive_json_resolves_to_an_element(sample_site: Path) -> None:
    doc = archive_json(sample_site)
    pages: dict[str, BeautifulSoup] = {}
    urls = [c["url"] for c in doc["counties"]]
    for report in all_reports(doc):
        urls += [report["url"], report["citation"]["bibtex"], report["citation"]["csl_json"]]
        for part in parts_of(report):
            urls.append(part["url"])
            assert all(f["anchor"] == part["anchor"] for f in part["figures"])
    for url in urls:
        path, _, anchor = url.partition("#")
        assert (sample_site / path).is_file(), url
        if anchor:
            if path not in pages:
                pages[path] = BeautifulSoup((sample_site / path).read_text(encoding="utf-8"), "html.parser")
            assert pages[path].find(id=anchor) is not None, url


def test_figures_are_the_parsers_with_their_parts_anchor(sample_site: Path) -> None:
    doc = archive_json(sample_site)
    assert doc["figures_parsed"] is True
    report = next(r for r in all_reports(doc) if r["key"] == "qinghe/fzzf/2023")
    item = next(p for p in parts_of(report) if p["anchor"] == "s2-2")
    source = next(i for i in SAMPLE.reports["qinghe/fzzf/2023"].sections[1].items if i.anchor == "s2-2")
    expected = [(f.text, f.value, f.unit, f.qualifier) for f in find_figures(source.text)]
    got = [
        (f["text"], f["value"], f["unit"], f["qualifier"]) for f in item["figures"] if f["field"] == "text"
    ]
    assert got == expected
    assert ("224项", 224.0, "项", "") in got
    for figure in item["figures"]:
        assert figure["anchor"] == "s2-2"
        text = source.text if figure["field"] == "text" else source.label
        assert text[figure["start"] : figure["end"]] == figure["text"]
    every = [f for r in all_reports(doc) for p in parts_of(r) for f in p["figures"]]
    assert len(every) > 100
    assert not any("*" in f["text"] for f in every), "a redaction is never a figure"
    assert any(f["qualifier"] for f in every)


def test_reference_page_example_is_the_built_one(sample_site: Path) -> None:
    page = (REPO / "docs/reference/archive-json.md").read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(\{.*?\})\n```", page, flags=re.S).group(1))
    report = next(r for r in all_reports(archive_json(sample_site)) if r["key"] == "qinghe/fzzf/2023")
    assert example in [f for p in parts_of(report) for f in p["figures"]]


def test_archive_json_is_written_only_when_the_data_changes(tmp_path: Path) -> None:
    src = archive_source(tmp_path)
    data = copy_data(tmp_path)
    app = build_archive(src, data)
    path = Path(app.outdir) / "archive.json"
    first = path.stat().st_mtime_ns
    build_archive(src, data)
    assert path.stat().st_mtime_ns == first
    report = data / "chengxi/shufa/2023.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(re.sub(r'(?m)^title: "(.*)"$', r'title: "\1（修订）"', text, count=1), encoding="utf-8")
    build_archive(src, data)
    doc = archive_json(Path(app.outdir))
    assert next(r for r in all_reports(doc) if r["key"] == "chengxi/shufa/2023")["title"].endswith("（修订）")


# --- html_baseurl: absolute URLs and the sitemap ------------------------------------------------------


def test_with_html_baseurl_urls_are_absolute(site_with_baseurl: SphinxTestApp) -> None:
    assert warnings_of(site_with_baseurl) == ""
    doc = archive_json(Path(site_with_baseurl.outdir))
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    assert doc["base_url"] == BASE
    report = next(r for r in all_reports(doc) if r["key"] == "qinghe/shufa/2023")
    assert report["url"] == f"{BASE}reports/qinghe/shufa/2023.html"
    assert report["sections"][2]["items"][1]["url"] == f"{BASE}reports/qinghe/shufa/2023.html#s3-2"
    assert report["citation"]["bibtex"] == f"{BASE}reports/qinghe/shufa/2023.bib"


def test_sitemap_lists_every_page(site_with_baseurl: SphinxTestApp) -> None:
    site = Path(site_with_baseurl.outdir)
    tree = ET.parse(site / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in tree.getroot().findall("s:url/s:loc", ns)]
    comparisons = [c for c in site.glob("reports/*/*/compare/*.html")]
    assert comparisons, "the comparison pages are no documents, but pages all the same"
    assert len(locs) == len(site_with_baseurl.env.found_docs) + len(comparisons)
    for page in comparisons:
        assert BASE + page.relative_to(site).as_posix() in locs
    assert all(loc.startswith(BASE) for loc in locs)
    for report in SAMPLE.reports.values():
        assert f"{BASE}{report.docname}.html" in locs
    for loc in locs:
        assert (site / loc.removeprefix(BASE)).is_file(), loc


def test_no_sitemap_without_html_baseurl(sample_site: Path) -> None:
    assert not (sample_site / "sitemap.xml").exists()


# --- <meta> --------------------------------------------------------------------------------------------


def metas(site: Path, page: str) -> dict[str, str]:
    soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
    found = {}
    for meta in soup.select("head meta"):
        key = meta.get("name") or meta.get("property")
        if key:
            found[key] = meta.get("content")
    return found


def test_report_page_is_described_by_its_title_and_preamble(sample_site: Path) -> None:
    report = SAMPLE.reports["qinghe/shufa/2023"]
    found = metas(sample_site, "reports/qinghe/shufa/2023.html")
    assert found["og:title"] == report.title
    assert found["og:type"] == "article"
    assert found["og:site_name"] == "县域法治报告库"
    assert found["og:locale"] == "zh_CN"
    assert found["description"] == found["og:description"]
    assert found["description"].endswith("…") and len(found["description"]) == export.DESCRIPTION_LENGTH
    assert report.preamble.startswith(found["description"][:-1])
    assert found["article:published_time"] == report.published
    assert "og:url" not in found


def test_other_pages_are_described_too(sample_site: Path) -> None:
    found = metas(sample_site, "guide/citing.html")
    assert found["og:title"] == "引用报告"
    assert found["description"].startswith("报告库中的每一份报告")
    assert found["og:type"] == "website"
    county = metas(sample_site, "reports/qinghe/index.html")
    assert county["og:title"] == "青禾县"


def test_meta_tags_escape_report_text(site_with_baseurl: SphinxTestApp) -> None:
    site = Path(site_with_baseurl.outdir)
    html = (site / "reports/qinghe/shufa/2023.html").read_text(encoding="utf-8")
    head = html[: html.index("</head>")]
    assert "<script>alert" not in head
    found = metas(site, "reports/qinghe/shufa/2023.html")
    assert found["description"].startswith(EVIL)
    assert found["og:url"] == f"{BASE}reports/qinghe/shufa/2023.html"
    report = next(r for r in all_reports(archive_json(site)) if r["key"] == "qinghe/shufa/2023")
    assert report["sections"][0]["heading"].startswith(EVIL)
