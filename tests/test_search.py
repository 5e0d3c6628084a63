"""Chinese search: tokens, the index split by term (pieces, merge, bounded files, edits), the
query in Python against brute force, and real queries in chromium with every request logged."""

from __future__ import annotations

import json
import random
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sphinx.testing.util import SphinxTestApp

import generate as bench_generate
import search_bytes
from conftest import DATA, archive_source, build_archive, copy_data, page_soup
from shufa.core.labels import part_name
from shufa.core.loading import load_archive
from shufa.core.model import Archive
from shufa.core.searchindex import (
    BLOCK_MAX,
    BUCKETS,
    CHUNK,
    INLINE,
    SHARD_TARGET,
    SITE_DIR,
    PieceReader,
    SearchPage,
    build_piece,
    describe_page,
    merge_pieces,
    read_script,
    script,
    update_piece,
    write_pages,
    write_piece,
)
from shufa.core.searchquery import MAX_REJECTED, Site, href, run, run_all
from shufa.core.searchterms import (
    PageText,
    Part,
    decode_postings,
    encode_postings,
    found_by_terms,
    index_tokens,
    normalize,
    page_chars,
    query_phrases,
    query_runs,
    redacted,
    reference_tokens,
    searchable,
    term_hash,
    unit_phrase,
    unit_text,
)
from shufa.plugins.search import SearchChinese

SAMPLE = load_archive(DATA).archive


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


def model_pages(archive: Archive, counties: set[str] | None = None) -> dict[str, SearchPage]:
    """Search pages made from the model without Sphinx (report parts as the model cuts them,
    county pages by name): what the core's tests index."""
    pages: dict[str, SearchPage] = {}
    for report in archive.reports.values():
        if counties is not None and report.county not in counties:
            continue
        texts: dict[str, list[str]] = {"": []}
        for f in report.fields():
            anchor = "" if f.anchor in ("report", "preamble") else f.anchor
            texts.setdefault(anchor, []).append(f.text)
        parts = [Part(a, "", "\n".join(t)) for a, t in texts.items()]
        text = PageText(archive.report_title(report), True, parts, str(hash(repr(parts))))
        pages[report.docname] = SearchPage(text, describe_page(report.docname, archive))
    for county in archive.counties.values():
        if counties is None or county.slug in counties:
            parts = [Part("", county.name, f"{county.name} {county.province}{county.city}")]
            text = PageText(county.name, False, parts, county.slug)
            pages[county.docname] = SearchPage(text, describe_page(county.docname, archive))
    if counties is None or "guide" in counties:
        parts = [Part("", "搜索", "搜索"), Part("id1", "可以搜什么", "法治政府建设 行政复议")]
        pages["guide/search"] = SearchPage(
            PageText("搜索", False, parts, "g"), describe_page("guide/search", archive)
        )
    return pages


def site_of(folder: Path) -> Site:
    return Site(lambda name: (folder / name).read_text(encoding="utf-8"))


def merged(tmp: Path, pieces: dict[str, dict[str, SearchPage]], archive: Archive = SAMPLE) -> Path:
    """Write each piece into tmp/<partition>/ and merge them into tmp/site; returns the site."""
    readers = []
    for partition, pages in pieces.items():
        write_piece(build_piece(pages, partition), tmp / (partition or "all"))
        readers.append(PieceReader(tmp / (partition or "all")))
    labels = {"topics": {t.key: t.label for t in archive.topics.values()}, "years": archive.years()}
    merge_pieces(readers, tmp / "site", labels, tmp / "merged.json")
    return tmp / "site"


def holding(pages: dict[str, SearchPage], query: str) -> set[str]:
    """Brute force: the pages that hold *query*, each of its phrases in one of their parts
    (bench/search_bytes.py's :func:`holding` over the parts' text, normalised)."""
    return search_bytes.holding(
        {d: [searchable(part.text) for part in p.text.parts] for d, p in pages.items()}, query
    )


def found_pages(site: Site, query: str, filters=None) -> set[str]:
    """The pages a query finds, the reader's search and the documentation's (文档) together."""
    return {
        site.doc(h.gid)["n"]
        for documentation in (False, True)
        for h in run_all(site, query, filters, documentation=documentation).hits
    }


def substrings(pages: dict[str, SearchPage], count: int, seed: int) -> list[str]:
    """Random 2–8-character substrings of report text, as bench/search_bytes.py draws them."""
    texts = {
        d: [searchable(p.text) for p in page.text.parts] for d, page in pages.items() if page.meta.tier == 0
    }
    return search_bytes.phrases(texts, count, seed, reports_only=False)


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
    # a redaction mark kept in page text (for snippets) is a break, never a term
    text = searchable(f"培训{redacted('XX')}次")
    assert "xx" not in index_tokens(text) and "训次" not in index_tokens(text)


def test_lone_characters_are_indexed_by_page() -> None:
    assert index_tokens("县，区") == set()
    assert page_chars("青禾县，区") == {"青", "禾", "县", "区"}


def test_queries_are_cut_into_phrases() -> None:
    assert query_phrases("青禾县 -行政复议 224项 县 ＨＴＭＬ") == (
        [["青禾", "禾县"], ["224项"], ["县"], ["html"]],
        [["行政", "政复", "复议"]],
    )
    assert query_phrases("－培训")[1] == [["培训"]], "a full-width minus excludes too"


def test_a_phrase_is_its_units_adjacent_in_one_run() -> None:
    assert query_runs("法治政府 -意见５２１ 100% ％") == (
        [["法", "治", "政", "府"], ["100", "%"]],
        [["意", "见", "521"]],
    )
    text = unit_text(searchable("推进法治政府建设，收到意见521条、1224项，覆盖12.5万人"))
    for held in ("法治政府", "政府建设", "意见521", "521条", "12.5万", "1224项"):
        assert unit_phrase(query_runs(held)[0][0]) in text, held
    # not across punctuation, not a piece of a longer number
    for absent in ("设收", "224项", "2.5万", "12万", "意见52"):
        assert unit_phrase(query_runs(absent)[0][0]) not in text, absent
    # the index settles a phrase of one unit or one pair; a longer one is checked in the text
    assert [found_by_terms(r) for r in query_runs("县 法治 224项 100% html 法治政府 意见521 见5")[0]] == [
        True,
        True,
        True,
        True,
        True,
        False,
        False,
        False,
    ]


@given(st.text(alphabet="法治县区万项2035.%abZ１０％ ，。*×\n", max_size=60))
def test_fast_tokens_are_the_unit_by_unit_tokens(text: str) -> None:
    text = normalize(text)
    assert index_tokens(text) == reference_tokens(text)


def test_fast_tokens_on_the_sample_reports() -> None:
    for report in SAMPLE.reports.values():
        text = normalize(report_text(report))
        assert index_tokens(text) == reference_tokens(text)


postings_strategy = st.lists(
    st.tuples(st.integers(0, 5000), st.lists(st.integers(0, 300), min_size=1, max_size=6, unique=True)),
    max_size=100,
    unique_by=lambda p: p[0],
)


@given(postings_strategy, st.booleans())
def test_postings_round_trip(raw, by_part: bool) -> None:
    postings = sorted((page, tuple(sorted(parts)) if by_part else ()) for page, parts in raw)
    code = encode_postings(postings, by_part)
    assert re.fullmatch(r"[0-9a-zA-Z_-]*", code)
    assert decode_postings(code, by_part) == postings
    if postings:
        first = postings[0][0]
        assert decode_postings(encode_postings(postings, by_part, first - 1), by_part, first - 1) == postings


def test_term_hash_is_fnv1a() -> None:
    assert term_hash("") == 0x811C9DC5
    assert term_hash("a") == 0xE40C292C


# --- pieces and the merge --------------------------------------------------------------------------


def test_pages_are_ranked_reports_first_newest_first() -> None:
    pages = model_pages(SAMPLE)
    piece = build_piece(pages, "")
    reports = [r["n"] for r in piece.docs[0]]
    assert reports[:4] == [f"reports/qinghe/shufa/{y}" for y in (2024, 2023, 2022, 2021)]
    assert all(r["y"] == "r" for r in piece.docs[0])
    assert [r["n"] for r in piece.docs[1]] == [c.docname for c in SAMPLE.counties.values()]
    # the documentation last, in a tier of its own
    assert piece.docs[3] == [] and [r["n"] for r in piece.docs[4]] == ["guide/search"]
    assert piece.docs[4][0]["y"] == "d"


def test_two_partitions_answer_like_one(tmp_path: Path) -> None:
    pages = model_pages(SAMPLE)
    whole = site_of(merged(tmp_path / "one", {"": pages}))
    split = site_of(
        merged(
            tmp_path / "two",
            {
                "east": {d: p for d, p in pages.items() if "/qinghe/" in d or "/chengxi/" in d},
                "west": {d: p for d, p in pages.items() if "/beiting/" in d},
                "hub": {d: p for d, p in pages.items() if not d.startswith("reports/")},
            },
        )
    )
    for query in ("法治政府建设", "行政复议案件", "224项", "青禾县", "县", "法治 -培训", "存在的不足"):
        one = [href(whole, h, query) for h in run_all(whole, query).hits]
        two = [href(split, h, query) for h in run_all(split, query).hits]
        assert one, query
        assert sorted(one) == sorted(two), query
        # reports first, in both
        assert [h.startswith("reports/") and "index" not in h for h in one] == sorted(
            [h.startswith("reports/") and "index" not in h for h in one], reverse=True
        )


def test_recall_is_complete_on_the_sample(tmp_path: Path) -> None:
    pages = model_pages(SAMPLE)
    site = site_of(merged(tmp_path, {"": pages}))
    for phrase in substrings(pages, 60, seed=3):
        wanted = holding(pages, phrase)
        assert wanted, phrase
        assert wanted <= found_pages(site, phrase), phrase


def test_queries_with_facets_narrow_to_them(tmp_path: Path) -> None:
    pages = model_pages(SAMPLE)
    site = site_of(merged(tmp_path, {"": pages}))
    everything = found_pages(site, "行政复议")
    for facet, value, check in (
        ("c", "qinghe", lambda d: "/qinghe/" in d),
        ("k", "fzzf", lambda d: "/fzzf/" in d),
        ("y", "2023", lambda d: d.endswith("/2023")),
        ("p", "江澜省", lambda d: d.startswith("reports/")),
    ):
        narrowed = found_pages(site, "行政复议", {facet: value})
        assert narrowed and narrowed <= everything, facet
        assert narrowed == {d for d in everything if check(d) and pages[d].meta.tier == 0}, facet
    # a topic: the phrase in a part of a section of that topic
    topical = run_all(site, "行政复议", {"t": "reconsideration-litigation"})
    assert topical.hits
    for hit in topical.hits:
        record = site.doc(hit.gid)
        topics = record["tp"].split(" ")
        assert all(topics[p - 1] == "reconsideration-litigation" for p in hit.all_parts)


def test_unwanted_phrases_and_missing_terms(tmp_path: Path) -> None:
    pages = model_pages(SAMPLE)
    site = site_of(merged(tmp_path, {"": pages}))
    assert found_pages(site, "量子纠缠") == set()
    assert found_pages(site, "青禾县 -量子纠缠") == found_pages(site, "青禾县")
    without = found_pages(site, "青禾县 -行政复议")
    assert without < found_pages(site, "青禾县")
    assert not without & holding(pages, "行政复议")


def _guide_pages(texts: dict[str, list[str]]) -> dict[str, SearchPage]:
    """Pages of a guide with parts of the given texts (anchors p1, p2 …)."""
    pages = {}
    for docname, parts in texts.items():
        found = [Part("", docname, docname), *(Part(f"p{i}", "", t) for i, t in enumerate(parts, 1))]
        pages[docname] = SearchPage(PageText(docname, False, found, docname), describe_page(docname, None))
    return pages


def test_a_page_is_found_only_where_it_holds_the_phrase(tmp_path: Path) -> None:
    """The terms of a phrase in one part are not the phrase: the part's text is checked."""
    pages = _guide_pages(
        {
            "pairs": ["推进法治政府与府法联动工作"],  # every pair of 法治政府法治政府, not the phrase
            "doubled": ["推进法治政府与府法联动", "建设法治政府法治政府"],
            "apart": ["征求意见，投入521万元"],  # 意见 and 521 in one part, not together
            "wide": ["收到意见５２１条"],
            "longer": ["收到意见1521条"],
            "decimal": ["收到意见521.5万元"],
        }
    )
    site = site_of(merged(tmp_path, {"": pages}))
    assert found_pages(site, "法治政府法治政府") == {"doubled"}
    assert [href(site, h, "法治政府法治政府") for h in run_all(site, "法治政府法治政府").hits] == [
        "doubled.html#p2"
    ]
    assert found_pages(site, "意见521") == found_pages(site, "意见５２１") == {"wide"}
    assert found_pages(site, "见521条") == {"wide"}
    assert found_pages(site, "意见521 联动") == set()
    # an unwanted phrase excludes the pages that hold it, not those that hold its pairs
    assert found_pages(site, "法治政府 -法治政府法治政府") == {"pairs"}
    assert found_pages(site, "收到 -意见521") == {"longer", "decimal"}
    # a single term that is not the phrase: no count known before the end
    search = run(site, "见521")
    assert search.known_total is None and {site.doc(h.gid)["n"] for h in search.hits} == {"wide"}


def test_a_step_reads_a_bounded_number_of_texts_that_do_not_hold_it(tmp_path: Path) -> None:
    # 60 pages hold 意见 and 521 apart, the last one holds 意见521: a page of results stops after
    # MAX_REJECTED texts that did not hold it, and the search goes on from there
    texts = {f"p{n:02d}": ["征求意见，投入521万元"] for n in range(60)}
    texts["p60"] = ["收到意见521条"]
    site = site_of(merged(tmp_path, {"": _guide_pages(texts)}))
    search = run(site, "意见521")
    assert search.hits == [] and not search.exhausted
    assert len([n for n in site.loaded if n.startswith("t/")]) == MAX_REJECTED
    assert found_pages(site, "意见521") == {"p60"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Archive, Path]:
    """A generated archive of 300 reports (30 counties), from bench/generate.py."""
    data = tmp_path_factory.mktemp("generated") / "data"
    bench_generate.generate(data, 300, seed=5)
    return load_archive(data).archive, data


@pytest.fixture(scope="module")
def generated_index(generated, tmp_path_factory) -> tuple[dict[str, SearchPage], Path]:
    archive, _ = generated
    pages = model_pages(archive)
    return pages, merged(tmp_path_factory.mktemp("generated-index"), {"": pages}, archive)


@pytest.mark.scale
def test_recall_is_complete_on_a_generated_archive(generated_index) -> None:
    pages, folder = generated_index
    site = site_of(folder)
    for phrase in substrings(pages, 40, seed=11):
        wanted = holding(pages, phrase)
        assert wanted <= found_pages(site, phrase), phrase


def number_phrases(pages: dict[str, SearchPage], count: int, seed: int) -> list[str]:
    """Phrases of report text of two characters and the number after them (``意见521``;
    bench/search_bytes.py's)."""
    texts = {d: [searchable(part.text) for part in p.text.parts] for d, p in pages.items()}
    return search_bytes.number_phrases(texts, count, seed)


@pytest.mark.scale
def test_precision_and_recall_are_complete_on_a_generated_archive(generated_index) -> None:
    """Every page found holds the query and every page that holds it is found (brute force over
    the parts' text): random substrings, phrases of two characters and a number, doubled phrases."""
    pages, folder = generated_index
    site = site_of(folder)
    texts = {d: [searchable(part.text) for part in p.text.parts] for d, p in pages.items()}
    terms_of = {d: [index_tokens(p) | page_chars(p) for p in parts] for d, parts in texts.items()}
    queries = [*substrings(pages, 30, seed=12), *number_phrases(pages, 40, seed=13)]
    queries += [q + q for q in substrings(pages, 10, seed=14)]
    pairs_only = 0
    for query in queries:
        wanted = holding(pages, query)
        assert found_pages(site, query) == wanted, query
        # (the parts holding every term of each phrase: what was found before the text was checked)
        terms = [set(t) for t in query_phrases(query)[0]]
        candidates = {d for d, parts in terms_of.items() if all(any(t <= p for p in parts) for t in terms)}
        pairs_only += len(candidates - wanted)
    assert pairs_only > 50, "the queries include phrases whose terms are found apart"


@pytest.mark.scale
def test_files_are_bounded(generated_index) -> None:
    _, folder = generated_index
    blocks = list(folder.glob("b/**/*.js"))
    assert blocks, "common terms come in blocks"
    for path in blocks:
        _, (name, code) = read_script(path.read_text(encoding="utf-8"))
        assert len(code) <= BLOCK_MAX + 64, name
    for path in folder.glob("d/*.js"):
        _, (_, entries) = read_script(path.read_text(encoding="utf-8"))
        assert len(path.read_text(encoding="utf-8")) < 4 * SHARD_TARGET, path.name
        for term, entry in entries.items():
            for seg in entry[3:]:
                assert not isinstance(seg[2], str) or len(seg[2]) <= INLINE, term
    for path in folder.glob("docs/*/*.js"):
        assert len(read_script(path.read_text(encoding="utf-8"))[1][2]) <= CHUNK


@pytest.mark.scale
def test_a_query_loads_little(generated_index) -> None:
    """What a first page of results costs in the reference query (gzip)."""
    import gzip

    pages, folder = generated_index
    costs = []
    for phrase in substrings(pages, 20, seed=2):
        site = site_of(folder)
        search = run(site, phrase)
        for hit in search.hits:
            site.doc(hit.gid)
            site.text(site.doc(hit.gid)["n"])
        costs.append(sum(len(gzip.compress((folder / n).read_bytes())) for n in site.loaded))
        assert not any(n.startswith("d/") for n in site.loaded if False)
    costs.sort()
    assert costs[len(costs) // 2] < 150_000, costs
    assert costs[-1] < 300_000, costs


@pytest.mark.scale
def test_a_common_term_loads_its_first_blocks_only(generated_index) -> None:
    _, folder = generated_index
    site = site_of(folder)
    search = run(site, "法治")
    assert len(search.hits) == 20 and not search.exhausted
    assert search.known_total and search.known_total > 200
    blocks = [n for n in site.loaded if n.startswith("b/")]
    assert 1 <= len(blocks) <= 2, blocks
    assert len(list(folder.glob("b/**/*.js"))) > 50


@pytest.mark.scale
def test_an_edit_in_one_partition_rewrites_little(generated, tmp_path: Path) -> None:
    archive, _ = generated
    counties = list(archive.counties)
    east, west = set(counties[:15]), set(counties[15:])
    pieces = {"east": model_pages(archive, east), "west": model_pages(archive, west)}
    site = merged(tmp_path, pieces, archive)
    before = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.js")}
    west_files = {n for n in before if "-west" in n}
    # an edit of one report of the east: a new sentence in one part
    name = next(d for d in pieces["east"] if pieces["east"][d].meta.tier == 0)
    text, meta = pieces["east"][name]
    parts = list(text.parts)
    parts[2] = Part(parts[2].anchor, "", parts[2].text + "鹭洲调解室挂牌运行。")
    pieces["east"][name] = SearchPage(PageText(text.title, True, parts, "edited"), meta)
    write_piece(build_piece(pieces["east"], "east"), tmp_path / "east")
    readers = [PieceReader(tmp_path / "east"), PieceReader(tmp_path / "west")]
    report = merge_pieces(readers, site, {}, tmp_path / "merged.json")
    after = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.js")}
    changed = {n for n in after if before.get(n) != after[n]}
    # the dictionary shards of the changed terms, the blocks holding the page, its text, meta
    assert f"t/{name}.js" in changed and "meta.js" in changed
    # the page's text passed on as the piece holds it: the bytes script() gives
    assert after[f"t/{name}.js"] == script("setText", name, readers[0].text(name)).encode()
    assert not changed & west_files, "nothing of the other partition"
    assert len(report.shards_rebuilt) < report.shards
    assert sum(len(after[n]) for n in changed) < 0.2 * sum(len(v) for v in after.values())
    assert found_pages(site_of(site), "鹭洲调解室") == {name}
    # a report added in the east leaves every file of the west's pages as it was
    added = model_pages(archive, east)
    del added[name]
    write_piece(build_piece(added, "east"), tmp_path / "east")
    merge_pieces([PieceReader(tmp_path / "east"), readers[1]], site, {}, tmp_path / "merged.json")
    again = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.js")}
    assert all(again.get(n) == after[n] for n in west_files if not n.startswith(("d/", "meta")))
    assert found_pages(site_of(site), "鹭洲调解室") == set()


# --- the index of the sample build --------------------------------------------------------------


def test_the_search_language_is_ours_and_loads_no_dictionary(sample_build: SphinxTestApp) -> None:
    # Sphinx's own zh language is what loads jieba's dictionary for the index
    assert type(sample_build.builder.indexer.lang) is SearchChinese
    assert sample_build.builder.indexer.lang.split("法治政府建设 html") == []


def sphinx_index(site: Path) -> dict:
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


def test_sphinx_index_has_no_terms_no_reports_and_no_broken_stemmer(sample_site: Path) -> None:
    index = sphinx_index(sample_site)
    assert index["terms"] == {} and index["titleterms"] == {}
    assert index["objects"] == {} and index["alltitles"] == {}
    assert index["docnames"] and not any(d.startswith("reports/") for d in index["docnames"])
    language_data = (sample_site / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert "ChineseStemmer" not in language_data
    assert "Stemmer" in language_data


def built_site(site: Path) -> Site:
    return site_of(site / SITE_DIR)


def test_every_page_and_part_is_in_the_index(sample_build: SphinxTestApp, sample_site: Path) -> None:
    site = built_site(sample_site)
    names = {}
    for name, count in site.meta["segments"]:
        for chunk in range(0, count, site.meta["chunk"]):
            for record in site.load(f"docs/{name}/{chunk // site.meta['chunk']}.js")[2]:
                names[record["n"]] = record
    for report in SAMPLE.reports.values():
        record = names[report.docname]
        assert record["y"] == "r" and record["k"] == report.kind and record["yr"] == report.year
        expected = [a for a, part in report.anchors() if getattr(part, "anchor", None) == a]
        assert sorted(record["a"].split(" ")) == sorted(expected)
    compared = [p for p in names if "/compare/" in p]
    assert compared and all(names[p]["a"] == [] for p in compared), "comparisons: title only"
    assert set(names) >= set(sample_build.env.shufa_search)


def test_cite_controls_are_not_indexed_nor_in_snippets(
    sample_build: SphinxTestApp, sample_site: Path
) -> None:
    assert "[R/OL]" in (sample_site / "reports/qinghe/shufa/2023.html").read_text(encoding="utf-8")
    page = sample_build.env.shufa_search["reports/qinghe/shufa/2023"]
    assert [p.anchor for p in page.parts][:3] == ["", "s1", "s1-1"]
    assert not any("R/OL" in p.text or "引用本" in p.text for p in page.parts)
    assert "强化统筹部署" in page.parts[2].text
    for path in (sample_site / SITE_DIR / "t" / "reports").rglob("*.js"):
        text = path.read_text(encoding="utf-8")
        assert "[R/OL]" not in text and "引用本" not in text, path


def test_index_script_cannot_be_closed_by_page_text(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    path = data / "qinghe/shufa/2023.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('heading: "坚持以上率下，', 'heading: "</script><b>加粗</b>坚持以上率下，', 1),
        encoding="utf-8",
    )
    app = build_archive(archive_source(tmp_path), data)
    folder = Path(app.outdir) / SITE_DIR
    for file in folder.rglob("*.js"):
        raw = file.read_text(encoding="utf-8")
        assert "</script>" not in raw and "<b>" not in raw, file
    assert "reports/qinghe/shufa/2023" in found_pages(site_of(folder), "script 加粗")


def test_no_op_build_keeps_the_index_and_an_edit_rewrites_little(tmp_path: Path) -> None:
    src = archive_source(tmp_path)
    data = copy_data(tmp_path)
    app = build_archive(src, data)
    folder = Path(app.outdir) / SITE_DIR
    first = {p: p.stat().st_mtime_ns for p in folder.rglob("*.js")}
    assert found_pages(site_of(folder), "鹭洲") == set()

    build_archive(src, data)
    assert {p: p.stat().st_mtime_ns for p in folder.rglob("*.js")} == first, "a no-op build rewrote the index"

    report = data / "qinghe/shufa/2023.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("强化统筹部署。", "强化统筹部署。鹭洲调解室挂牌。", 1), encoding="utf-8")
    build_archive(src, data)
    rewritten = {p for p in folder.rglob("*.js") if first.get(p) != p.stat().st_mtime_ns}
    assert folder / "t/reports/qinghe/shufa/2023.js" in rewritten
    assert len(rewritten) < len(first) / 3, len(rewritten)
    site = site_of(folder)
    hits = run_all(site, "鹭洲调解室").hits
    assert [href(site, h, "鹭洲调解室") for h in hits] == ["reports/qinghe/shufa/2023.html#s1-1"]


def test_parallel_build_writes_the_same_index(tmp_path: Path, sample_site: Path) -> None:
    app = build_archive(archive_source(tmp_path, guide=True), DATA, parallel=2)
    ours = {
        p.relative_to(sample_site / SITE_DIR): p.read_bytes() for p in (sample_site / SITE_DIR).rglob("*.js")
    }
    theirs = {
        p.relative_to(Path(app.outdir) / SITE_DIR): p.read_bytes()
        for p in (Path(app.outdir) / SITE_DIR).rglob("*.js")
    }
    assert ours == theirs


def test_a_partition_run_writes_its_piece_and_the_hub_merges_it(tmp_path: Path) -> None:
    src = archive_source(tmp_path)
    part = build_archive(src, DATA, shufa_partition="jianglan")
    piece = Path(part.outdir) / "_shufa" / "search"
    assert (piece / "manifest.json").is_file()
    assert not (Path(part.outdir) / SITE_DIR).exists(), "a partition publishes no index"
    manifest = json.loads((piece / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["partition"] == "jianglan" and manifest["tiers"]["0"] == len(SAMPLE.reports)
    partitions = tmp_path / "partitions"
    (partitions / "jianglan").mkdir(parents=True)
    (partitions / "jianglan" / "_shufa").symlink_to(Path(part.outdir) / "_shufa")
    hub_src = archive_source(tmp_path / "hub")
    hub = build_archive(hub_src, DATA, shufa_partition="hub", shufa_partitions_dir=str(partitions))
    site = built_site(Path(hub.outdir))
    segments = dict(site.meta["segments"])
    assert segments["0-jianglan"] == len(SAMPLE.reports)
    found = found_pages(site, "224项")
    assert "reports/qinghe/shufa/2021" in found


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
    "12.5万": {"reports/qinghe/shufa/2024.html#s5-1", "reports/chengxi/fzzf/2022.html#s5-1"},
    "98%以上": {"reports/qinghe/fzzf/2023.html#s3-1", "reports/qinghe/shufa/2023.html#s5-3"},
    "100%": {"reports/qinghe/shufa/2023.html#s2-2"},
    "青禾县 行政复议": {"reports/qinghe/fzzf/2023.html", "reports/qinghe/shufa/2023.html"},
    "述法": {"reports/qinghe/shufa/2023.html", "reports/chengxi/shufa/2023.html"},
    "县": {"reports/qinghe/index.html", "reports/chengxi/fzzf/2023.html"},
    # a part of qinghe/shufa/2021 holds every pair of it, none holds it
    "法治政府法治政府": set(),
    # 工作 and 5 in one part of five reports, together in two
    "工作5": {"reports/qinghe/shufa/2023.html", "reports/qinghe/shufa/2022.html"},
}


@pytest.fixture(scope="session")
def gzip_server(sample_site: Path):
    """The sample site served with gzip, as a compressing static server does."""
    base, server = search_bytes.serve(sample_site)
    yield base
    server.shutdown()
    server.server_close()


WAIT = search_bytes.SEARCHED  # the search page has shown its first results


def search(page, base: str, query: str, extra: str = "") -> list[str]:
    """The hrefs of the results shown for *query* (first page), once the search has finished."""
    page.goto(f"{base}/search.html?q={quote(query)}{extra}")
    page.wait_for_function(WAIT)
    return page.eval_on_selector_all(
        "#search-results ul.search > li > a.shufa-result-title",
        "links => links.map(a => a.getAttribute('href'))",
    )


def search_all(page, query: str, filters: dict | None = None, how: dict | None = None) -> list[str]:
    return page.evaluate("([q, f, h]) => ShufaSearch.searchAll(q, f, h)", [query, filters or {}, how or {}])


def page_text(site: Path, href: str) -> str:
    """The text a result points at, without cite controls (the index leaves them out too)."""
    path, _, anchor = href.partition("#")
    soup = page_soup(site, path)  # shared: the cite controls are skipped, not removed
    root = soup.find(id=anchor) if anchor else soup.select_one("article")
    assert root is not None and not root.find_parent(class_="no-search"), href
    text = "".join(s for s in root.strings if not s.find_parent(class_="no-search"))
    return re.sub(r"\s+", "", text)


@pytest.fixture(params=["http", "file"])
def base(request, gzip_server: str, sample_site: Path) -> str:
    return gzip_server if request.param == "http" else sample_site.as_uri()


@pytest.mark.browser
@pytest.mark.parametrize("query", list(QUERIES))
def test_query_finds_the_parts_that_hold_it(page, gzip_server: str, sample_site: Path, query: str) -> None:
    hrefs = search(page, gzip_server, query)
    assert page.js_errors == []
    everything = search_all(page, query)
    pages = {h.partition("#")[0] for h in everything}
    # the first page shows results of the whole list (a lone character's result links to
    # the first part holding it, found in the page's text)
    assert {h.partition("#")[0] for h in hrefs} <= pages
    for wanted in QUERIES[query]:
        assert wanted in (everything if "#" in wanted else pages), f"{query}: {wanted} not in {everything}"
    assert len(everything) == len(pages), "one result per page"
    # the browser answers exactly like the Python reference query
    site = built_site(sample_site)
    assert sorted(everything) == sorted(href(site, h, query) for h in run_all(site, query).hits)
    phrases = query.split()
    for result in everything:
        text = page_text(sample_site, result.partition("#")[0])
        assert all(p in text for p in phrases), f"{query}: {result} does not hold it"
        if "#" in result:
            assert any(p in page_text(sample_site, result) for p in phrases), f"{query}: part {result}"
    if len(phrases) == 1 and len(query) > 1:
        holding_reports = {f"{r.docname}.html" for r in SAMPLE.reports.values() if query in report_text(r)}
        assert holding_reports <= pages, f"{query}: missed {holding_reports - pages}"


@pytest.mark.browser
def test_recall_in_the_browser_on_phrases_from_the_data(page, gzip_server: str, sample_site: Path) -> None:
    texts = search_bytes.page_texts(sample_site)
    page.goto(f"{gzip_server}/search.html")
    page.wait_for_function("() => typeof ShufaSearch !== 'undefined'")
    for phrase in search_bytes.phrases(texts, 25, seed=4):
        found = {
            h.partition("#")[0].removesuffix(".html")
            for how in ({}, {"documentation": True})
            for h in search_all(page, phrase, how=how)
        }
        wanted = search_bytes.holding(texts, phrase)
        assert wanted and wanted <= found, phrase
    assert page.js_errors == []


@pytest.mark.browser
def test_a_query_downloads_what_its_terms_need(fresh_page, gzip_server: str, sample_site: Path) -> None:
    page = fresh_page  # (a cold cache: what is counted is downloaded)
    requests: list = []
    page.on("requestfinished", lambda request: requests.append(request))
    for query in ("行政复议案件", "224项", "县"):
        requests.clear()
        search(page, gzip_server, query)
        page.wait_for_function(
            "() => [...document.querySelectorAll('li.shufa-result')].every(li => li.querySelector('.shufa-snippet'))"
        )
        loaded = [r.url.split(f"/{SITE_DIR}/")[1].split("?")[0] for r in requests if f"/{SITE_DIR}/" in r.url]
        shards = [n for n in loaded if n.startswith("d/")]
        terms = {t for phrase in query_phrases(query)[0] for t in phrase}
        assert 1 <= len(shards) <= len(terms), loaded
        shown = page.eval_on_selector_all("li.shufa-result", "items => items.length")
        assert len([n for n in loaded if n.startswith("t/")]) == shown, "one text per result shown"
        sizes = sum(r.sizes()["responseBodySize"] for r in requests if f"/{SITE_DIR}/" in r.url)
        everything = sum((sample_site / SITE_DIR / n).stat().st_size for n in loaded)
        assert sizes < everything, "served compressed"
        assert sizes < 150_000, (query, sizes)
    assert page.js_errors == []


@pytest.mark.browser
def test_results_are_grouped_by_page_with_their_parts(page, gzip_server: str) -> None:
    search(page, gzip_server, "行政复议")
    items = page.query_selector_all("li.shufa-result")
    docs = [i.get_attribute("data-doc") for i in items]
    assert len(docs) == len(set(docs))
    parts = page.eval_on_selector_all(
        "li.shufa-result ul.shufa-result-parts a",
        "links => links.map(a => [a.getAttribute('href'), a.textContent])",
    )
    assert parts, "a page with several matching parts lists them"
    # named by their headings (三、坚持…… › 二是……), not by their numbers (第三部分第二项)
    assert not any(re.fullmatch(r"第.+部分.*", text) for _, text in parts)
    assert any("#s" in h and "、" in t for h, t in parts)
    assert "还有更多" not in page.inner_text(".search-summary") or page.is_visible("button.shufa-more")


def _results(page) -> list[dict]:
    """Each result shown: its link and part as the title gives them, and its sub-links."""
    return page.eval_on_selector_all(
        "li.shufa-result",
        """items => items.map(li => ({
            href: li.querySelector("a.shufa-result-title").getAttribute("href"),
            title: li.querySelector("a.shufa-result-title").textContent,
            part: (li.querySelector(".shufa-result-part") || {}).textContent || "",
            links: Array.from(li.querySelectorAll("ul.shufa-result-parts a")).map(a =>
                [a.getAttribute("href"), a.textContent]),
        }))""",
    )


@pytest.mark.browser
def test_hits_name_their_part_by_its_heading_and_never_repeat_it(page, gzip_server: str) -> None:
    from shufa.core.labels import part_headings

    search(page, gzip_server, "224项")
    results = {r["href"]: r for r in _results(page)}
    hit = results["reports/qinghe/shufa/2021.html#s3-2"]
    report = SAMPLE.reports["qinghe/shufa/2021"]
    assert hit["part"] == f" › {part_headings(report)['s3-2']}"
    assert "第三部分" not in hit["part"] and " › " in hit["part"].strip(" ›")
    for query in ("行政复议", "法治政府建设", "青禾县", "会前学法"):
        search(page, gzip_server, query)
        for result in _results(page):
            hrefs = [h for h, _ in result["links"]]
            texts = [t for _, t in result["links"]]
            assert result["href"] not in hrefs, (query, result)
            assert result["part"].removeprefix(" › ") not in texts, (query, result)
            assert len(set(texts)) == len(texts), (query, result)
    # a report whose title lacks its county is named with it in its hit
    search(page, gzip_server, "2022年度县长个人述法报告")
    titles = [r["title"] for r in _results(page)]
    assert "青禾县2022年度县长个人述法报告" in titles
    assert page.js_errors == []


def test_the_reader_searches_the_reports_and_the_documentation_apart(sample_site: Path) -> None:
    site = built_site(sample_site)
    reader = {site.doc(h.gid)["n"] for h in run_all(site, "法治政府建设").hits}
    documentation = {site.doc(h.gid)["n"] for h in run_all(site, "法治政府建设", documentation=True).hits}
    assert reader and documentation
    assert not any(d.startswith(("guide/", "reference/")) for d in reader)
    assert all(d.startswith(("guide/", "reference/")) for d in documentation)
    assert "guide/search" in documentation


def test_county_pages_are_found_by_their_own_text_not_their_reports(sample_site: Path) -> None:
    site = built_site(sample_site)
    # a figure in the county's table, a topic's label in its topic × year table: the reports hold them
    for query in ("3126件", "党的领导与第一责任人职责", "2022年度县长个人述法报告"):
        found = {site.doc(h.gid)["n"] for h in run_all(site, query).hits}
        assert found and not any(re.fullmatch(r"reports/[^/]+/index", d) for d in found), (query, found)
    found = [site.doc(h.gid)["n"] for h in run_all(site, "青禾县").hits]
    assert "reports/qinghe/index" in found, "by its name"


def test_by_year_and_within_years(sample_site: Path) -> None:
    site = built_site(sample_site)
    for query in ("行政复议", "法治", "县", "青禾县 -培训"):
        relevance = [site.doc(h.gid) for h in run_all(site, query).hits]
        by_year = [site.doc(h.gid) for h in run_all(site, query, order="date").hits]
        assert sorted(r["n"] for r in by_year) == sorted(r["n"] for r in relevance), query
        years = [r.get("yr", 0) for r in by_year]
        assert years == sorted(years, reverse=True), query
        assert [r["n"] for r in by_year if "yr" in r][:1] != [], query
        ranged = [site.doc(h.gid)["n"] for h in run_all(site, query, years=(2022, 2023)).hits]
        assert ranged == [r["n"] for r in relevance if r.get("yr") in (2022, 2023)], query
        since = [site.doc(h.gid)["n"] for h in run_all(site, query, years=(2023, None)).hits]
        assert since == [r["n"] for r in relevance if r.get("yr", 0) >= 2023], query
        ranged_by_year = [
            site.doc(h.gid) for h in run_all(site, query, order="date", years=(2022, 2023)).hits
        ]
        assert sorted(r["n"] for r in ranged_by_year) == sorted(ranged), query
    # a step by year still stops at its bounds: the first page of results is a page
    first = run(site, "县", order="date")
    assert len(first.hits) == 20 and not first.exhausted


@pytest.mark.browser
def test_order_years_and_documentation_in_the_browser(page, gzip_server: str, sample_site: Path) -> None:
    site = built_site(sample_site)
    cases = [
        ("行政复议", {"order": "date"}, {"order": "date"}),
        ("行政复议", {"years": [2022, 2023]}, {"years": (2022, 2023)}),
        ("县", {"order": "date", "years": [None, 2022]}, {"order": "date", "years": (None, 2022)}),
        ("法治政府建设", {"documentation": True}, {"documentation": True}),
        ("青禾县 -培训", {"order": "date"}, {"order": "date"}),
    ]
    page.goto(f"{gzip_server}/search.html")
    page.wait_for_function("() => typeof ShufaSearch !== 'undefined'")
    for query, how, python in cases:
        expected = [href(site, h, query) for h in run_all(site, query, **python).hits]
        assert expected, (query, how)
        assert search_all(page, query, how=how) == expected, (query, how)
    # the form: by year, 2022 to 2023; the address keeps it, the results follow it
    search(page, gzip_server, "行政复议")
    page.select_option("#shufa-sort", "date")
    page.select_option("#shufa-from", "2022")
    page.select_option("#shufa-to", "2023")
    page.click("button.shufa-apply")
    page.wait_for_url(re.compile(r"sort=date&from=2022&to=2023"))
    page.wait_for_function(WAIT)
    shown = page.eval_on_selector_all(
        "a.shufa-result-title", "links => links.map(a => a.getAttribute('href'))"
    )
    expected = [
        href(site, h, "行政复议") for h in run_all(site, "行政复议", order="date", years=(2022, 2023)).hits
    ]
    assert shown == expected[:20]
    assert page.input_value("#shufa-sort") == "date"
    # a facet chosen keeps the order and the years
    facet = page.locator(".shufa-facet[data-facet=k] a").first.get_attribute("href")
    assert "sort=date" in facet and "from=2022" in facet
    # the documentation, chosen
    page.select_option("#shufa-docs", "1")
    page.click("button.shufa-apply")
    page.wait_for_url(re.compile(r"docs=1"))
    page.wait_for_function(WAIT)
    shown = page.eval_on_selector_all(
        "a.shufa-result-title", "links => links.map(a => a.getAttribute('href'))"
    )
    assert shown and all(h.startswith(("guide/", "reference/")) for h in shown)
    assert page.js_errors == []


@pytest.mark.browser
def test_a_place_lists_its_page_first_then_its_reports(page, gzip_server: str) -> None:
    hrefs = search(page, gzip_server, "北亭区")
    assert hrefs[0] == "reports/beiting/index.html"
    assert set(hrefs[1:3]) == {"reports/beiting/shufa/2023.html#s1", "reports/beiting/fzzf/2022.html"} or all(
        h.startswith("reports/beiting/") for h in hrefs[1:3]
    )


@pytest.mark.browser
def test_snippets_show_report_text_and_no_cite_text(page, gzip_server: str) -> None:
    search(page, gzip_server, "224项")
    page.wait_for_function(
        "() => [...document.querySelectorAll('li.shufa-result')].every(li => li.querySelector('.shufa-snippet'))"
    )
    first = page.inner_text("li.shufa-result .shufa-snippet")
    assert "224项" in first and "合法性审查" in first
    assert page.inner_text("li.shufa-result .shufa-snippet mark") == "224项"
    for snippet in page.eval_on_selector_all(".shufa-snippet", "ps => ps.map(p => p.textContent)"):
        assert "[R/OL]" not in snippet and "引用" not in snippet and "\ue000" not in snippet


@pytest.mark.browser
def test_facets_narrow_the_results(page, gzip_server: str) -> None:
    search(page, gzip_server, "行政复议")
    facets = page.eval_on_selector_all(".shufa-facet", "fs => fs.map(f => f.dataset.facet)")
    assert {"p", "c", "k", "y", "t"} <= set(facets)
    page.click(".shufa-facet[data-facet='c'] a:text('澄溪县')")
    page.wait_for_function(WAIT)
    hrefs = page.eval_on_selector_all("a.shufa-result-title", "ls => ls.map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith("reports/chengxi/") for h in hrefs)
    assert "澄溪县" in page.inner_text(".shufa-facet-chosen")
    hrefs = search(page, gzip_server, "行政复议", "&k=fzzf&y=2023")
    assert hrefs and all("/fzzf/2023" in h for h in hrefs)
    hrefs = search(page, gzip_server, "行政复议", "&t=reconsideration-litigation")
    assert hrefs and all("#s" in h for h in hrefs)
    assert page.js_errors == []


@pytest.mark.browser
def test_a_comparison_page_is_found_by_its_title(page, gzip_server: str) -> None:
    hrefs = search(page, gzip_server, "2022年与2023年对照")
    assert "reports/qinghe/shufa/compare/2022-2023.html" in hrefs
    assert not any("/compare/" in h for h in search_all(page, "行政复议案件"))


@pytest.mark.browser
def test_query_with_no_answer(page, gzip_server: str) -> None:
    assert search(page, gzip_server, "量子纠缠") == []
    assert "没有匹配" in page.inner_text("#search-results .search-summary")
    assert page.js_errors == []


@pytest.mark.browser
def test_excluded_phrase_removes_pages(page, gzip_server: str, sample_site: Path) -> None:
    search(page, gzip_server, "青禾县")
    everything = {h.partition("#")[0] for h in search_all(page, "青禾县")}
    without = {h.partition("#")[0] for h in search_all(page, "青禾县 -行政复议")}
    assert without < everything
    assert "reports/qinghe/shufa/2023.html" not in without
    # a page holding every pair of an unwanted phrase, and not the phrase, stays (qinghe/shufa/2021);
    # one holding the phrase goes (this guide, which names it)
    holders = {h for h in everything if "法治政府法治政府" in page_text(sample_site, h)}
    without = {h.partition("#")[0] for h in search_all(page, "青禾县 -法治政府法治政府")}
    assert without == everything - holders and "reports/qinghe/shufa/2021.html" in without


@pytest.mark.browser
def test_search_works_from_files_and_a_result_opens_its_part(page, base: str) -> None:
    hrefs = search(page, base, "224项")
    assert "reports/qinghe/shufa/2021.html#s3-2" in hrefs
    page.wait_for_function(
        "() => [...document.querySelectorAll('li.shufa-result')].every(li => li.querySelector('.shufa-snippet'))"
    )
    assert page.js_errors == []
    page.click('#search-results a[href="reports/qinghe/shufa/2021.html#s3-2"]')
    page.wait_for_load_state()
    assert page.evaluate("location.hash") == "#s3-2"
    assert "224项" in page.inner_text("#s3-2")


@pytest.mark.browser
def test_browser_splits_text_and_hashes_like_the_indexer(page, sample_site: Path) -> None:
    samples = [
        "细化年度重点任务224项，覆盖率100%，发放12.5万余份",
        "覆盖率达到１００％以上；ＸＸ县、**县、×××同志",
        "html_baseurl 2023年 PDF格式",
        *(report.preamble for report in SAMPLE.reports.values()),
    ]
    page.goto(f"{sample_site.as_uri()}/search.html")
    page.wait_for_function("() => typeof ShufaSearch !== 'undefined'")
    samples.append(f"推进法治政府建设{redacted('**')}次、-意见５２１ 12.5万 ％ -％")
    for text in samples:
        assert page.evaluate("t => ShufaSearch.indexTokens(t)", text) == sorted(index_tokens(normalize(text)))
        assert page.evaluate("t => ShufaSearch.pageChars(t)", text) == sorted(page_chars(normalize(text)))
        assert page.evaluate("t => ShufaSearch.queryPhrases(t)", text) == list(map(list, query_phrases(text)))
        assert page.evaluate("t => ShufaSearch.queryRuns(t)", text) == list(map(list, query_runs(text)))
        assert page.evaluate("t => ShufaSearch.searchable(t)", text) == searchable(text)
        assert page.evaluate("t => ShufaSearch.unitText(ShufaSearch.searchable(t))", text) == unit_text(
            searchable(text)
        )
    for term in ("法治", "224项", "~k:shufa", "html", "县"):
        assert page.evaluate("t => ShufaSearch.termHash(t)", term) == term_hash(term), term
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


# --- a generated archive in the browser: paging and bytes --------------------------------------------


#: Reports of the generated site built by Sphinx for the browser: a common term's results run to
#: more than three pages of 20, and numbers of several reports meet their words apart.
SITE_REPORTS = 70


@pytest.fixture(scope="module")
def generated_site(tmp_path_factory) -> tuple[Archive, Path]:
    """A generated archive of SITE_REPORTS reports, built by Sphinx once for this module: (its
    model, the site). (The index's own tests above take 300 reports, without Sphinx.)"""
    root = tmp_path_factory.mktemp("generated-site")
    data = root / "data"
    bench_generate.generate(data, SITE_REPORTS, seed=5)
    app = build_archive(archive_source(root), data)
    return load_archive(data).archive, Path(app.outdir)


@pytest.mark.scale
@pytest.mark.browser
def test_results_are_paged_and_counted(page, generated_site: tuple[Archive, Path]) -> None:
    _, site = generated_site
    base, server = search_bytes.serve(site)
    try:
        search(page, base, "法治")
        assert page.eval_on_selector_all("li.shufa-result", "items => items.length") == 20
        summary = page.inner_text(".search-summary")
        total = int(re.search(r"(\d+) 个页面", summary).group(1))
        assert total > 60, summary
        page.click("button.shufa-more")
        page.wait_for_function("() => document.querySelectorAll('li.shufa-result').length === 40")
        docs = page.eval_on_selector_all("li.shufa-result", "items => items.map(i => i.dataset.doc)")
        assert len(set(docs)) == 40
        search(page, base, "法治 工作")
        assert "至少 20" in page.inner_text(".search-summary")
    finally:
        server.shutdown()


@pytest.mark.scale
@pytest.mark.browser
def test_bytes_recall_and_precision_per_query_on_a_generated_site(
    browser, generated_site: tuple[Archive, Path]
) -> None:
    archive, site = generated_site
    base, server = search_bytes.serve(site)
    texts = search_bytes.page_texts(site)
    reference = built_site(site)
    # random phrases, and phrases of a word and a number (the terms often found apart)
    queries = [*search_bytes.phrases(texts, 6, seed=9), *number_phrases(model_pages(archive), 6, seed=9)]
    try:
        rows = []
        for phrase in queries:
            row = search_bytes.measure(browser, base, phrase)
            wanted = search_bytes.holding(texts, phrase)
            assert set(row["found"]) == wanted, phrase
            assert found_pages(reference, phrase) == wanted, phrase
            # pressing the button under the results reaches every page (or, stopped at the
            # bench's bound, shows the engine's first ones)
            assert row["in_engine_order"], phrase
            if row["pressed_to_end"]:
                assert wanted <= set(row["pressed"]), phrase
            rows.append(row)
        costs = sorted(r["index_bytes"] for r in rows)
        assert costs[len(costs) // 2] < 200_000 and costs[-1] < 300_000, costs
    finally:
        server.shutdown()


@pytest.mark.scale
@pytest.mark.browser
def test_a_page_of_results_stops_after_texts_that_do_not_hold_the_query(
    page, generated_site: tuple[Archive, Path]
) -> None:
    """A query whose candidates mostly lack it shows what it found after MAX_REJECTED texts that
    did not hold it, as the Python twin's first page does, and offers to go on."""
    archive, site = generated_site
    reference = built_site(site)
    for query in number_phrases(model_pages(archive), 100, seed=21):
        first = run(built_site(site), query)
        if not first.exhausted and len(first.hits) < 20:
            break
    else:
        pytest.fail("no query of a word and a number stops early")
    base, server = search_bytes.serve(site)
    try:
        hrefs = search(page, base, query)
        assert hrefs == [href(reference, h, query) for h in first.hits], query
        assert page.inner_text("button.shufa-more") == "继续查找"
        assert "至少" in page.inner_text(".search-summary")
        loaded = page.evaluate("ShufaSearch.log")
        rejected = {n for n in loaded if n.startswith("t/")} - {f"t/{h.split('.html')[0]}.js" for h in hrefs}
        assert len(rejected) == MAX_REJECTED, rejected
        assert page.js_errors == []
    finally:
        server.shutdown()


def test_random_substrings_are_drawn_from_report_text() -> None:
    texts = {"reports/a/shufa/2023": ["", "法治政府建设，行政复议"], "guide/x": ["", "搜索"]}
    found = search_bytes.phrases(texts, 5, seed=1)
    assert all(f in "法治政府建设，行政复议" and 2 <= len(f) <= 8 for f in found)
    assert random.Random(1).random() == random.Random(1).random()


# --- a piece patched after an edit -----------------------------------------------------------------


def _piece_files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _edited(page: SearchPage, extra: str, drop: str = "") -> SearchPage:
    text = page.text
    parts = [Part(p.anchor, p.label, p.text.replace(drop, "") if drop else p.text) for p in text.parts]
    parts[-1] = Part(parts[-1].anchor, parts[-1].label, parts[-1].text + extra)
    return SearchPage(PageText(text.title, text.report, parts, text.digest + extra + drop), page.meta)


@pytest.mark.scale
def test_a_piece_patched_after_an_edit_is_the_piece_built_whole(generated, tmp_path: Path) -> None:
    """An edit of some pages patches the piece (only the terms that changed, in their buckets) and
    gives, file for file, what building the whole piece again gives; long posting lists in
    blocks included."""
    archive, _ = generated
    pages = model_pages(archive)
    patched, whole = tmp_path / "patched", tmp_path / "whole"
    write_piece(build_piece(pages, "p"), patched)
    write_pages(pages, patched)
    assert update_piece(pages, "p", patched) == 0  # nothing changed, nothing written
    reports = sorted(d for d in pages if pages[d].meta.tier == 0)
    edited = dict(pages)
    # a sentence added, a common phrase taken out (a term that leaves a long list in blocks), a
    # topic moved: the terms, the texts and the doc records of three pages change
    edited[reports[0]] = _edited(
        pages[reports[0]], "县里新设了一个公共法律服务驿站，全年接待群众咨询九百余人次。"
    )
    edited[reports[7]] = _edited(pages[reports[7]], "", drop="法治")
    meta = pages[reports[12]].meta
    moved = dict(meta.topics)
    first = next(iter(moved))
    moved[first] = next(t for t in archive.topics if t != moved[first])
    edited[reports[12]] = SearchPage(pages[reports[12]].text, replace(meta, topics=moved))
    written = update_piece(edited, "p", patched)
    assert written is not None and 0 < written < 200
    write_piece(build_piece(edited, "p"), whole)
    write_pages(edited, whole)
    got, wanted = _piece_files(patched), _piece_files(whole)
    assert sorted(got) == sorted(wanted)
    assert [name for name in wanted if got[name] != wanted[name]] == []
    common = PieceReader(whole).bucket(term_hash("法治") % BUCKETS)["法治"][0]
    assert isinstance(common[1], list) and len(common[1]) > 1, "a long list, in blocks"
    # the site merged from the patched piece answers as one from the piece built whole
    site = site_of(merged(tmp_path / "m", {"": edited}, archive))
    assert found_pages(site, "公共法律服务驿站") == {reports[0]}
    # pages added, removed or reordered: no patch, the piece is built whole
    fewer = {d: p for d, p in edited.items() if d != reports[3]}
    assert update_piece(fewer, "p", patched) is None
    assert update_piece(edited, "another", patched) is None
