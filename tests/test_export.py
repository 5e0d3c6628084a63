"""The archive data files (against their schema), the sitemaps, and the pages' description and Open Graph tags."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from conftest import (
    ADDRESS,
    DATA,
    MARKUP_IN_TEXT,
    REPO,
    UNDATED,
    archive_source,
    build_archive,
    copy_data,
    warnings_of,
)
from shufa.core.exporting import SCHEMA_FILE
from shufa.core.figures import find_figures
from shufa.core.loading import load_archive
from shufa.plugins import export

SAMPLE = load_archive(DATA).archive
SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
BASE = ADDRESS
EVIL = MARKUP_IN_TEXT


def read_json(site: Path, path: str) -> dict:
    return json.loads((site / path).read_text(encoding="utf-8"))


def archive_json(site: Path) -> dict:
    return read_json(site, "archive.json")


def site_path(url: str) -> str:
    return url.removeprefix(BASE)


def walk_items(items: list[dict]):
    for item in items:
        yield item
        yield from walk_items(item["items"])


def parts_of(report: dict):
    """Every section, closing part and item of a report file."""
    for part in report["parts"]:
        yield part
        yield from walk_items(part["items"])


def county_files(site: Path) -> list[dict]:
    return [read_json(site, site_path(c["data"])) for c in archive_json(site)["counties"]]


def all_reports(site: Path):
    """Every report file of the site, through the index and the county files."""
    for county in county_files(site):
        for entry in county["reports"]:
            yield read_json(site, site_path(entry["data"]))


# --- archive.json ----------------------------------------------------------------------------------


def test_every_data_file_is_valid_against_the_schema(sample_site: Path) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    validator = jsonschema.Draft202012Validator(SCHEMA)
    validator.validate(archive_json(sample_site))
    counties = county_files(sample_site)
    reports = list(all_reports(sample_site))
    assert len(counties) == len(SAMPLE.counties) and len(reports) == len(SAMPLE.reports)
    for doc in [*counties, *reports]:
        validator.validate(doc)
    assert {d["format"] for d in counties} == {"shufa-county"} and {d["format"] for d in reports} == {
        "shufa-report"
    }
    shipped = json.loads((sample_site / "archive.schema.json").read_text(encoding="utf-8"))
    assert shipped == SCHEMA


def test_the_schema_file_is_the_one_the_core_makes() -> None:
    # archive.schema.json is written from the core (python -m shufa.core.exportschema): its anchor
    # pattern is the anchor scheme's, its formats of originals the format table's
    from shufa.core.exportschema import archive_schema, schema_text
    from shufa.core.formats import FORMATS
    from shufa.core.parts import PART_ANCHOR

    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text()
    schema = archive_schema()
    assert schema["$defs"]["anchor"]["pattern"] == f"^(?:{PART_ANCHOR}|preamble)$"
    original = schema["$defs"]["report"]["properties"]["original"]["oneOf"][1]
    assert original["properties"]["format"]["enum"] == [f.name for f in FORMATS]
    pattern = re.compile(schema["$defs"]["anchor"]["pattern"])
    assert all(pattern.match(a) for a in ("s3", "s3-2-1", "shortcomings", "next-steps-2", "preamble"))
    assert not any(pattern.match(a) for a in ("s", "id1", "shortcomings-", "report"))


def test_schema_rejects_what_it_should(sample_site: Path) -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    report = next(all_reports(sample_site))
    bad = json.loads(json.dumps(report))
    bad["parts"][0]["anchor"] = "id1"
    assert not validator.is_valid(bad)
    bad = json.loads(json.dumps(report))
    bad["parts"][0]["items"][0]["text"] = 3
    assert not validator.is_valid(bad)
    index = archive_json(sample_site)
    index["counties"][0]["extra"] = 1
    assert not validator.is_valid(index)


def test_no_file_holds_the_whole_archive(sample_site: Path) -> None:
    # the index lists counties, not reports; the county files list their reports, without text
    index = archive_json(sample_site)
    assert all(isinstance(c["reports"], int) for c in index["counties"])
    assert "parts" not in json.dumps(county_files(sample_site))


def test_archive_data_has_every_county_report_section_and_item(sample_site: Path) -> None:
    doc = archive_json(sample_site)
    assert [c["slug"] for c in doc["counties"]] == list(SAMPLE.counties)
    assert [c["reports"] for c in doc["counties"]] == [len(SAMPLE.reports_of(c)) for c in SAMPLE.counties]
    reports = {r["key"]: r for r in all_reports(sample_site)}
    assert set(reports) == set(SAMPLE.reports)
    for key, report in SAMPLE.reports.items():
        exported = reports[key]
        assert exported["url"] == f"{report.docname}.html"
        sections = [p for p in exported["parts"] if p["kind"] == "section"]
        assert [s["heading"] for s in sections] == [s.heading for s in report.sections]
        assert [s["topic"] for s in sections] == [s.topic for s in report.sections]
        assert [p["kind"] for p in exported["parts"][len(sections) :]] == [
            p.role for p in report.closing_parts
        ]
        ids = [i for p in parts_of(exported) for i in p["ids"]]
        assert sorted(ids) == sorted(a for a, _part in report.anchors())
        for part in parts_of(exported):
            assert part["url"] == f"{report.docname}.html#{part['anchor']}"
        item = sections[0]["items"][0]
        source = report.sections[0].items[0]
        assert (item["marker"], item["label"], item["text"]) == (source.marker, source.label, source.text)
        # the text, whole: the report's fields in reading order, but for the page's own lines
        texts = [exported["preamble"]] if exported["preamble"] else []
        for part in exported["parts"]:
            texts += [part.get(k) for k in ("marker", "heading", "lead", "intro") if part.get(k)]
            if part["kind"] == "section":
                texts += [
                    t for i in walk_items(part["items"]) for t in (i["marker"], i["label"], i["text"]) if t
                ]
                texts += [part["text"]] if part["text"] else []
            else:
                texts += [part["text"]] if part["text"] else []
                texts += [
                    t for i in walk_items(part["items"]) for t in (i["marker"], i["label"], i["text"]) if t
                ]
        expected = [f.text for f in report.fields() if f.anchor != "report"]
        assert texts == expected, key


def test_every_url_in_the_data_resolves_to_an_element(sample_site: Path) -> None:
    doc = archive_json(sample_site)
    pages: dict[str, BeautifulSoup] = {}
    urls = [u for c in doc["counties"] for u in (c["url"], c["data"])]
    for county in county_files(sample_site):
        urls += [u for r in county["reports"] for u in (r["url"], r["data"])]
    for report in all_reports(sample_site):
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
    report = next(r for r in all_reports(sample_site) if r["key"] == "qinghe/fzzf/2023")
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
    every = [f for r in all_reports(sample_site) for p in parts_of(r) for f in p["figures"]]
    assert len(every) > 100
    assert not any("*" in f["text"] for f in every), "a redaction is never a figure"
    assert any(f["qualifier"] for f in every)


def test_reference_page_example_is_the_built_one(sample_site: Path) -> None:
    page = (REPO / "docs/reference/archive-json.md").read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(\{.*?\})\n```", page, flags=re.S).group(1))
    report = next(r for r in all_reports(sample_site) if r["key"] == "qinghe/fzzf/2023")
    assert example in [f for p in parts_of(report) for f in p["figures"]]


def test_data_files_are_written_only_when_the_data_changes(tmp_path: Path) -> None:
    src = archive_source(tmp_path)
    data = copy_data(tmp_path)
    app = build_archive(src, data)
    site = Path(app.outdir)
    paths = [
        site / "archive.json",
        site / "reports/chengxi/shufa/2023.json",
        site / "reports/qinghe/shufa/2023.json",
    ]
    first = [p.stat().st_mtime_ns for p in paths]
    build_archive(src, data)
    assert [p.stat().st_mtime_ns for p in paths] == first
    report = data / "chengxi/shufa/2023.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(re.sub(r'(?m)^title: "(.*)"$', r'title: "\1（修订）"', text, count=1), encoding="utf-8")
    build_archive(src, data)
    assert read_json(site, "reports/chengxi/shufa/2023.json")["title"].endswith("（修订）")
    assert any(
        r["title"].endswith("（修订）") for r in read_json(site, "reports/chengxi/index.json")["reports"]
    )
    assert paths[2].stat().st_mtime_ns == first[2], "another county's report file is left alone"


# --- html_baseurl: absolute URLs and the sitemap ------------------------------------------------------


def test_with_html_baseurl_urls_are_absolute(site_with_address: SphinxTestApp) -> None:
    # only what the undated report lacks is said (its citation has no date and no source)
    said = [line for line in warnings_of(site_with_address).splitlines() if "WARNING" in line]
    assert len(said) == 2 and all(f"{UNDATED}.yaml" in line and "[shufa.citation]" in line for line in said)
    site = Path(site_with_address.outdir)
    doc = archive_json(site)
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    assert doc["base_url"] == BASE
    assert doc["counties"][0]["data"] == f"{BASE}reports/qinghe/index.json"
    report = next(r for r in all_reports(site) if r["key"] == "qinghe/shufa/2023")
    jsonschema.Draft202012Validator(SCHEMA).validate(report)
    assert report["url"] == f"{BASE}reports/qinghe/shufa/2023.html"
    assert report["parts"][2]["items"][1]["url"] == f"{BASE}reports/qinghe/shufa/2023.html#s3-2"
    assert report["citation"]["bibtex"] == f"{BASE}reports/qinghe/shufa/2023.bib"


def test_sitemap_lists_every_page(site_with_address: SphinxTestApp) -> None:
    site = Path(site_with_address.outdir)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = ET.parse(site / "sitemap.xml").getroot()
    maps = [loc.text for loc in index.findall("s:sitemap/s:loc", ns)]
    assert maps == [f"{BASE}sitemaps/site.xml", f"{BASE}sitemaps/jianglan.xml"]
    locs = [
        loc.text for m in maps for loc in ET.parse(site / site_path(m)).getroot().findall("s:url/s:loc", ns)
    ]
    # the comparison pages and the series' pages (its years, any two years, topic histories)
    # are no documents, but pages all the same; latest.html only leads to another page
    written = [
        p
        for pattern in ("compare/*.html", "index.html", "compare.html", "topics/*.html")
        for p in site.glob(f"reports/*/*/{pattern}")
        if p.relative_to(site).parts[1] in SAMPLE.counties  # not the redirects at former slugs
    ]
    assert len(written) > 20
    assert len(locs) == len(site_with_address.env.found_docs) + len(written)
    for page in written:
        assert BASE + page.relative_to(site).as_posix() in locs
    assert not [loc for loc in locs if loc.endswith("/latest.html")]
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
    # cut at the end of a sentence (or, when none ends late enough, with …), never mid-word
    description = found["description"]
    assert len(description) <= export.DESCRIPTION_LENGTH and description[-1] in "。！？；…"
    assert " ".join(report.preamble.split()).startswith(description.removesuffix("…"))
    assert found["article:published_time"] == report.published
    assert "og:url" not in found


def test_other_pages_are_described_too(sample_site: Path) -> None:
    found = metas(sample_site, "guide/citing.html")
    assert found["og:title"] == "引用报告"
    assert found["description"].startswith("报告库中的每一份报告")
    assert found["og:type"] == "website"
    county = metas(sample_site, "reports/qinghe/index.html")
    assert county["og:title"] == "青禾县"


def test_meta_tags_escape_report_text(site_with_address: SphinxTestApp) -> None:
    site = Path(site_with_address.outdir)
    html = (site / "reports/qinghe/shufa/2023.html").read_text(encoding="utf-8")
    head = html[: html.index("</head>")]
    assert "<script>alert" not in head
    found = metas(site, "reports/qinghe/shufa/2023.html")
    assert found["description"].startswith(EVIL)
    assert found["og:url"] == f"{BASE}reports/qinghe/shufa/2023.html"
    report = next(r for r in all_reports(site) if r["key"] == "qinghe/shufa/2023")
    assert report["parts"][0]["heading"].startswith(EVIL)


def test_the_one_file_export_holds_the_sites_files(tmp_path: Path, sample_site: Path) -> None:
    from shufa.commands import main

    out = tmp_path / "whole.json"
    assert main(["export", str(DATA), "-o", str(out)]) == 0
    whole = json.loads(out.read_text(encoding="utf-8"))
    site = {r["key"]: r for r in all_reports(sample_site)}
    inside = [r for c in whole["counties"] for r in c["reports"]]
    assert len(inside) == len(SAMPLE.reports)
    for report in inside:
        assert report == site[report["key"]]
    jsonschema.Draft202012Validator(SCHEMA).validate(inside[0])
