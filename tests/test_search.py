"""Chinese search: tokens, the part-level index, and real queries in chromium on the sample site."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st
from sphinx.testing.util import SphinxTestApp

from conftest import DATA, archive_source, build_archive, copy_data
from shufa.core.labels import part_name
from shufa.core.loading import load_archive
from shufa.core.searchterms import (
    INDEX_FILE,
    decode_postings,
    encode_postings,
    index_tokens,
    normalize,
    reference_tokens,
    shard_file,
    shard_of,
)
from shufa.search import SearchChinese

SAMPLE = load_archive(DATA).archive


def read_shard(path: Path) -> tuple[dict, int, int]:
    """A shard file's index, its number and the number of shards."""
    text = path.read_text(encoding="utf-8")
    match = re.fullmatch(
        r"/\* shufa search index [0-9a-f]+ \*/\nShufaSearch\.setIndex\((.*), (\d+), (\d+)\);\n", text, re.S
    )
    assert match, path
    return json.loads(match.group(1)), int(match.group(2)), int(match.group(3))


def load_index(site: Path) -> dict:
    index, shard, count = read_shard(site / "_static" / INDEX_FILE)
    assert (shard, count) == (0, 1), "the sample archive's index is one shard"
    return index


def report_text(report) -> str:
    """Everything a report page shows of the report's own text."""
    parts = [report.title, report.preamble]
    for section in report.sections:
        parts += [section.heading, section.lead, section.text]
        parts += [i.label + i.text for i in section.all_items()]
    for part in report.closing_parts:
        parts += [part.heading, part.intro, part.text]
        parts += [i.label + i.text for i in part.all_items()]
    return "\n".join(parts)


# --- tokens ---------------------------------------------------------------------------------------


def test_figures_stay_whole() -> None:
    tokens = index_tokens(normalize("细化年度重点任务224项，覆盖率100%，发放12.5万余份"))
    assert {"224项", "224", "100%", "100", "12.5万", "12.5", "万余"} <= tokens
    # a longer number is another figure: 1224项 is not found by 224项
    assert "224项" not in index_tokens(normalize("共1224项"))


def test_full_width_forms_and_latin_are_folded() -> None:
    assert index_tokens(normalize("覆盖率达到１００％")) == index_tokens("覆盖率达到100%")


def test_punctuation_and_redactions_split_terms() -> None:
    tokens = index_tokens(normalize("组织培训*次，参训**人。"))
    assert "训次" not in tokens and "次参" not in tokens
    assert {"培训", "参训"} <= tokens


def test_a_lone_character_is_indexed_and_queried_as_itself() -> None:
    assert index_tokens("县，区") == {"县", "区"}


@given(st.text(alphabet="法治县区万项2035.%abZ１０％ ，。*×\n", max_size=60))
def test_fast_tokens_are_the_unit_by_unit_tokens(text: str) -> None:
    text = normalize(text)
    assert index_tokens(text) == reference_tokens(text)


def test_fast_tokens_on_the_sample_reports() -> None:
    for report in SAMPLE.reports.values():
        text = normalize(report_text(report))
        assert index_tokens(text) == reference_tokens(text)


@given(st.lists(st.integers(min_value=0, max_value=5000), unique=True, max_size=200))
def test_postings_round_trip(ids: list[int]) -> None:
    ids.sort()
    total = 5001
    code = encode_postings(ids, total)
    assert re.fullmatch(r"!?[0-9a-zA-Z_-]*", code)
    assert decode_postings(code, total) == ids


def test_a_term_in_most_parts_stores_the_parts_it_misses() -> None:
    code = encode_postings(list(range(1, 100)), 100)
    assert code == "!0"
    assert decode_postings(code, 100) == list(range(1, 100))


# --- the index of the sample build --------------------------------------------------------------


def test_the_search_language_is_ours_and_loads_no_dictionary(sample_build: SphinxTestApp) -> None:
    # Sphinx's own zh language is what loads jieba's dictionary for the index
    assert type(sample_build.builder.indexer.lang) is SearchChinese
    assert sample_build.builder.indexer.lang.split("法治政府建设 html") == []


def test_sphinx_index_has_no_terms_and_no_broken_stemmer(sample_site: Path) -> None:
    text = (sample_site / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    assert index["terms"] == {} and index["titleterms"] == {}
    language_data = (sample_site / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert "ChineseStemmer" not in language_data
    assert "Stemmer" in language_data


def test_index_is_small_and_covers_every_part(sample_site: Path) -> None:
    path = sample_site / "_static" / INDEX_FILE
    size = path.stat().st_size
    assert 20_000 < size < 250_000, f"search index is {size:,} bytes"
    index = load_index(sample_site)
    for report in SAMPLE.reports.values():
        doc = index["docs"].index(report.docname)
        assert doc in index["reports"]
        anchors = index["parts"][doc].split(" ")
        expected = [a for a, part in report.anchors() if getattr(part, "anchor", None) == a]
        assert sorted(anchors) == sorted(expected)


def test_cite_controls_are_not_indexed(sample_build: SphinxTestApp, sample_site: Path) -> None:
    assert "[R/OL]" in (sample_site / "reports/qinghe/shufa/2023.html").read_text(encoding="utf-8")
    page = sample_build.env.shufa_search["reports/qinghe/shufa/2023"]
    assert [p.anchor for p in page.parts][:3] == ["", "s1", "s1-1"]
    assert not any("r/ol" in p.text or "引用本" in p.text for p in page.parts)
    assert "强化统筹部署" in page.parts[2].text


def test_index_script_cannot_be_closed_by_page_text(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    path = data / "qinghe/shufa/2023.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('heading: "坚持以上率下，', 'heading: "</script><b>加粗</b>坚持以上率下，', 1),
        encoding="utf-8",
    )
    app = build_archive(archive_source(tmp_path), data)
    raw = (Path(app.outdir) / "_static" / INDEX_FILE).read_text(encoding="utf-8")
    assert "</script>" not in raw and "<b>" not in raw
    index = load_index(Path(app.outdir))
    assert "script" in index["terms"] and "加粗" in index["terms"]


def test_no_op_build_keeps_the_index_and_a_change_updates_it(tmp_path: Path) -> None:
    src = archive_source(tmp_path)
    data = copy_data(tmp_path)
    app = build_archive(src, data)
    path = Path(app.outdir) / "_static" / INDEX_FILE
    first = path.stat().st_mtime_ns
    assert "鹭洲" not in load_index(Path(app.outdir))["terms"]

    build_archive(src, data)
    assert path.stat().st_mtime_ns == first, "a no-op build rewrote the search index"

    report = data / "qinghe/shufa/2023.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("强化统筹部署。", "强化统筹部署。鹭洲调解室挂牌。", 1), encoding="utf-8")
    app = build_archive(src, data)
    index = load_index(Path(app.outdir))
    doc = index["docs"].index("reports/qinghe/shufa/2023")
    start = sum(1 + len(p.split(" ") if isinstance(p, str) else p) for p in index["parts"][:doc])
    parts = decode_postings(index["terms"]["鹭洲"], index["total"])
    anchors = index["parts"][doc].split(" ")
    # in the report (a comparison page may show the text too), the part is the item
    assert [anchors[p - start - 1] for p in parts if start < p <= start + len(anchors)] == ["s1-1"]


def test_comparison_pages_are_found_by_title_only(sample_build: SphinxTestApp, sample_site: Path) -> None:
    compared = sorted(
        p.relative_to(sample_site).with_suffix("").as_posix()
        for p in sample_site.glob("reports/*/*/compare/*.html")
    )
    assert compared, "the sample has comparison pages"
    assert not set(compared) & set(sample_build.env.found_docs), "pages of their own, not documents"
    index = load_index(sample_site)
    for name in compared:
        doc = index["docs"].index(name)
        assert index["parts"][doc] == [], "no parts: only the title is indexed"
        title = index["titles"][doc]
        assert "对照" in title
        assert f"<title>{title} &#8212;" in (sample_site / f"{name}.html").read_text(encoding="utf-8")
    text = (sample_site / "searchindex.js").read_text(encoding="utf-8")
    sphinx_index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    assert sphinx_index["objects"] == {} and sphinx_index["alltitles"] == {}, "found by text"


def test_parallel_build_writes_the_same_index(tmp_path: Path, sample_site: Path) -> None:
    app = build_archive(archive_source(tmp_path), DATA, parallel=2)
    assert load_index(Path(app.outdir)) == load_index(sample_site)


# --- in the browser ---------------------------------------------------------------------------------

#: query → results that must be among the answers (page, or page#anchor for a part).
QUERIES = {
    "法治政府建设": {
        "reports/qinghe/fzzf/2023.html",
        "reports/chengxi/fzzf/2023.html",
        "reports/chengxi/fzzf/2022.html",
        "reports/beiting/fzzf/2022.html",
    },
    "行政复议案件": {
        "reports/qinghe/fzzf/2023.html#s5-1",
        "reports/beiting/fzzf/2022.html#s4-1",
        "reports/chengxi/shufa/2023.html#s4-3",
    },
    "224项": {
        "reports/qinghe/shufa/2021.html#s3-2",
        "reports/qinghe/fzzf/2023.html#s2-2",
        "reports/chengxi/fzzf/2022.html#s1-2",
    },
    "青禾县": {
        "reports/qinghe/index.html",
        "reports/qinghe/shufa/2023.html",
        "reports/qinghe/fzzf/2023.html",
    },
    "北亭区": {
        "reports/beiting/index.html",
        "reports/beiting/shufa/2023.html",
        "reports/beiting/fzzf/2022.html",
    },
    "法治": {"reports/qinghe/shufa/2023.html", "reports/beiting/fzzf/2022.html"},
    "12.5万": {"reports/qinghe/shufa/2024.html#s5-1", "reports/chengxi/fzzf/2022.html#s5-1"},
    "98%以上": {"reports/qinghe/fzzf/2023.html#s3-1", "reports/qinghe/shufa/2023.html#s5-3"},
    "100%": {"reports/qinghe/shufa/2023.html#s2-2"},
    "青禾县 行政复议": {"reports/qinghe/fzzf/2023.html", "reports/qinghe/shufa/2023.html"},
    "述法": {"reports/qinghe/shufa/2023.html", "reports/chengxi/shufa/2023.html"},
    "县": {"reports/qinghe/index.html", "reports/chengxi/fzzf/2023.html"},
}


def search(page, base: str, query: str) -> list[str]:
    """The hrefs of the search page's results for *query*, once the search has finished."""
    page.goto(f"{base}/search.html?q={quote(query)}")
    page.wait_for_function(
        "() => { const s = document.querySelector('#search-results .search-summary');"
        " return s && s.textContent.trim().length > 0; }"
    )
    return page.eval_on_selector_all(
        "#search-results ul.search li > a", "links => links.map(a => a.getAttribute('href'))"
    )


def page_text(site: Path, href: str) -> str:
    """The text a result points at, without cite controls (the index leaves them out too)."""
    path, _, anchor = href.partition("#")
    soup = BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")
    for node in soup.select(".no-search"):
        node.decompose()
    root = soup.find(id=anchor) if anchor else soup.select_one("article")
    assert root is not None, href
    return re.sub(r"\s+", "", root.get_text())


@pytest.fixture(params=["http", "file"])
def base(request, site_server: str, sample_site: Path) -> str:
    return site_server if request.param == "http" else sample_site.as_uri()


@pytest.mark.browser
@pytest.mark.parametrize("query", list(QUERIES))
def test_query_finds_the_parts_that_hold_it(page, site_server: str, sample_site: Path, query: str) -> None:
    hrefs = search(page, site_server, query)
    assert page.js_errors == []
    pages = {h.partition("#")[0] for h in hrefs}
    for wanted in QUERIES[query]:
        assert wanted in (hrefs if "#" in wanted else pages), f"{query}: {wanted} not in {hrefs}"
    assert len(hrefs) == len(pages), "one result per page"
    phrases = query.split()
    # every answer holds the query, and the part a result links to holds some of it
    for href in hrefs:
        text = page_text(sample_site, href.partition("#")[0])
        assert all(p in text for p in phrases), f"{query}: {href} does not hold it"
        if "#" in href:
            part = page_text(sample_site, href)
            assert any(p in part for p in phrases), f"{query}: part {href} does not hold it"
    # and no report page that holds a phrase is missed
    if len(phrases) == 1 and len(query) > 1:
        holding = {f"{r.docname}.html" for r in SAMPLE.reports.values() if query in report_text(r)}
        assert holding <= pages, f"{query}: missed {holding - pages}"


@pytest.mark.browser
def test_a_place_lists_its_page_first_then_its_reports(page, site_server: str) -> None:
    hrefs = search(page, site_server, "北亭区")
    assert hrefs[0] == "reports/beiting/index.html"
    assert set(hrefs[1:3]) == {"reports/beiting/shufa/2023.html", "reports/beiting/fzzf/2022.html"}


@pytest.mark.browser
def test_a_comparison_page_is_found_by_its_title(page, site_server: str) -> None:
    hrefs = search(page, site_server, "2022年与2023年对照")
    assert "reports/qinghe/shufa/compare/2022-2023.html" in hrefs
    assert not any("/compare/" in h for h in search(page, site_server, "行政复议案件"))


@pytest.mark.browser
def test_query_with_no_answer(page, site_server: str) -> None:
    assert search(page, site_server, "量子纠缠") == []
    assert "没有匹配" in page.inner_text("#search-results .search-summary")
    assert page.js_errors == []


@pytest.mark.browser
def test_excluded_phrase_removes_pages(page, site_server: str) -> None:
    everything = {h.partition("#")[0] for h in search(page, site_server, "青禾县")}
    without = {h.partition("#")[0] for h in search(page, site_server, "青禾县 -行政复议")}
    assert without < everything
    assert "reports/qinghe/shufa/2023.html" not in without


@pytest.mark.browser
def test_search_works_from_files_and_a_result_opens_its_part(page, base: str) -> None:
    hrefs = search(page, base, "224项")
    assert "reports/qinghe/shufa/2021.html#s3-2" in hrefs
    assert page.js_errors == []
    page.click('#search-results a[href="reports/qinghe/shufa/2021.html#s3-2"]')
    page.wait_for_load_state()
    assert page.evaluate("location.hash") == "#s3-2"
    assert "224项" in page.inner_text("#s3-2")


@pytest.mark.browser
def test_browser_splits_text_like_the_indexer(page, sample_site: Path) -> None:
    samples = [
        "细化年度重点任务224项，覆盖率100%，发放12.5万余份",
        "覆盖率达到１００％以上；ＸＸ县、**县、×××同志",
        "html_baseurl 2023年 PDF格式",
        *(report.preamble for report in SAMPLE.reports.values()),
    ]
    page.goto(f"{sample_site.as_uri()}/search.html")
    page.wait_for_function("() => typeof ShufaSearch !== 'undefined'")
    for text in samples:
        in_browser = page.evaluate("t => ShufaSearch.indexTokens(t)", text)
        assert in_browser == sorted(index_tokens(normalize(text))), text
        # a text's own phrases are found in it: every term of every phrase is indexed
        terms = {t for phrase in page.evaluate("q => ShufaSearch.phrases(q)", text) for t in phrase}
        assert terms <= index_tokens(normalize(text)), text
    for anchor in ("s3", "s3-2", "s3-2-1", "s10-12", "s115-3", "shortcomings", "next-steps-2", "old-3"):
        assert page.evaluate("a => ShufaSearch.partName(a)", anchor) == part_name(anchor)


@pytest.mark.browser
def test_browser_cuts_queries_into_phrases_of_pairs(page, sample_site: Path) -> None:
    page.goto(f"{sample_site.as_uri()}/search.html")
    page.wait_for_function("() => typeof ShufaSearch !== 'undefined'")
    expected = {
        "法治政府建设": [["法治", "治政", "政府", "府建", "建设"]],
        "青禾县 行政复议": [["青禾", "禾县"], ["行政", "政复", "复议"]],
        "224项": [["224项"]],
        "HTML_BaseURL": [["html"], ["baseurl"]],
        "县": [["县"]],
    }
    for query, phrases in expected.items():
        assert page.evaluate("q => ShufaSearch.phrases(q)", query) == phrases, query


# --- an index in shards -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sharded(tmp_path_factory) -> tuple[Path, Path, Path]:
    """The sample archive built with a shard of the index for every 6 pages."""
    root = tmp_path_factory.mktemp("sharded")
    src, data = archive_source(root), copy_data(root)
    app = build_archive(src, data, shufa_search_shard_pages=6)
    assert app.warning.getvalue() == ""
    return src, data, Path(app.outdir)


def _shards(site: Path) -> dict[str, tuple[dict, int, int]]:
    return {f.name: read_shard(f) for f in sorted((site / "_static").glob("searchindex-zh*.js"))}


def test_a_large_index_comes_in_shards_a_county_in_one(sharded, sample_site: Path) -> None:
    site = sharded[2]
    shards = _shards(site)
    count = next(iter(shards.values()))[2]
    assert count == len(shards) >= 4
    assert sorted(number for _, number, _ in shards.values()) == list(range(count))
    assert all(name == shard_file(number) for name, (_, number, _) in shards.items())
    docs = [d for index, _, _ in shards.values() for d in index["docs"]]
    assert sorted(docs) == sorted(load_index(sample_site)["docs"]), "every page in exactly one shard"
    county_shards: dict[str, set[int]] = {}
    for index, number, _ in shards.values():
        for doc in index["docs"]:
            if doc.startswith("reports/") and doc.count("/") >= 2:
                county_shards.setdefault(doc.split("/")[1], set()).add(number)
    assert set(county_shards) == set(SAMPLE.counties)
    assert all(len(numbers) == 1 for numbers in county_shards.values()), county_shards
    search_page = (site / "search.html").read_text(encoding="utf-8")
    assert all(f"_static/{name}" in search_page for name in shards)


@pytest.mark.browser
def test_a_sharded_index_answers_like_a_whole_one(page, sharded, sample_site: Path) -> None:
    for query in ("行政复议", "青禾县", "法治政府建设 -培训", "存在的不足"):
        whole = search(page, sample_site.as_uri(), query)
        assert whole, query
        assert sorted(search(page, sharded[2].as_uri(), query)) == sorted(whole), query
    assert page.js_errors == []


def test_an_edit_rewrites_only_the_shard_of_its_county(sharded) -> None:
    src, data, site = sharded
    before = {f.name: f.stat().st_mtime_ns for f in (site / "_static").glob("searchindex-zh*.js")}
    count = len(before)
    report = data / "qinghe/shufa/2023.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("强化统筹部署。", "强化统筹部署。鹭洲调解室挂牌。", 1), encoding="utf-8")
    build_archive(src, data, shufa_search_shard_pages=6)
    after = {f.name: f.stat().st_mtime_ns for f in (site / "_static").glob("searchindex-zh*.js")}
    assert set(after) == set(before)
    changed = {name for name in before if after[name] != before[name]}
    assert changed == {shard_file(shard_of("reports/qinghe/shufa/2023", count))}
    index, _, _ = _shards(site)[next(iter(changed))]
    assert "鹭洲" in index["terms"]
