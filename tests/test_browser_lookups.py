"""Keys from the data and from the address are never looked up on an object's prototype: every
browser script (search, any-two-years comparison, year switcher, latest.html) on a built site
whose registries hold such keys — a topic, a kind and a county keyed ``constructor``, a province
named ``__proto__`` — and a search page whose address names ``toString``, ``__proto__`` …, in
Debian's chromium."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

import search_bytes
from conftest import archive_source, build_archive, copy_data, warnings_of
from shufa.commands import main
from shufa.core.loading import load_archive
from shufa.core.searchindex import SITE_DIR
from shufa.core.searchquery import Site, href, run_all

pytestmark = pytest.mark.browser

#: The keys the data gives: topic ``study``, kind ``fzzf`` and county ``chengxi`` renamed.
TOPIC, KIND, COUNTY, PROVINCE = "constructor", "constructor", "constructor", "__proto__"


def _edit(path: Path, *substitutions: tuple[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for pattern, replacement in substitutions:
        text = re.sub(pattern, replacement, text)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample archive with prototype names as keys, its lock made afresh; (site, data)."""
    root = tmp_path_factory.mktemp("keys")
    data = copy_data(root)
    for path in data.rglob("*.yaml"):
        _edit(
            path,
            (r"(?m)^(\s*-?\s*topic: )study$", rf"\g<1>{TOPIC}"),
            (r"(?m)^kind: fzzf$", f"kind: {KIND}"),
            (r"(?m)^county: chengxi$", f"county: {COUNTY}"),
        )
    _edit(data / "topics.yaml", (r"(?m)^study:$", f"{TOPIC}:"))
    _edit(data / "kinds.yaml", (r"(?m)^fzzf:$", f"{KIND}:"))
    _edit(data / "counties.yaml", (r"(?m)^chengxi:$", f"{COUNTY}:"), ("江澜省", PROVINCE))
    _edit(data / "provinces.yaml", ("江澜省", PROVINCE))
    for folder in list(data.glob("*/fzzf")):
        folder.rename(folder.with_name(KIND))
    (data / "chengxi").rename(data / COUNTY)
    (data / "anchors.lock").unlink()  # the renamed pages were never published
    assert main(["lock", str(data)]) == 0
    app = build_archive(archive_source(root), data)
    assert app.statuscode == 0 and warnings_of(app) == ""
    return Path(app.outdir), data


@pytest.fixture(scope="module")
def server(keyed):
    base, httpd = search_bytes.serve(keyed[0])
    yield base
    httpd.shutdown()
    httpd.server_close()


WAIT = search_bytes.SEARCHED  # the search page has shown its first results


def _search(page, base: str, query: str, extra: str) -> list[str]:
    page.goto(f"{base}/search.html?q={quote(query)}&{extra}")
    page.wait_for_function(WAIT, timeout=20000)
    return page.eval_on_selector_all(
        "#search-results ul.search > li > a.shufa-result-title",
        "links => links.map(a => a.getAttribute('href'))",
    )


#: Facet values no page has, named after what every object inherits.
ABSENT = [
    "t=toString",
    "t=__proto__",
    "t=valueOf",
    "t=hasOwnProperty",
    "k=hasOwnProperty",
    "k=__proto__",
    "k=toString",
    "c=toString",
    "c=__proto__",
    "p=constructor",
    "y=constructor",
]


@pytest.mark.parametrize("extra", ABSENT)
def test_a_facet_named_after_a_prototype_key_finds_nothing_and_says_so(page, server: str, extra: str) -> None:
    assert _search(page, server, "法治", extra) == []
    summary = page.inner_text("#search-results .search-summary")
    assert summary.startswith("没有匹配的页面"), summary
    facet, value = extra.split("=")
    chosen = page.inner_text(f".shufa-facet[data-facet='{facet}'] .shufa-facet-chosen strong")
    assert chosen == (f"{value}年" if facet == "y" else value)
    assert page.js_errors == []


def test_facets_keyed_by_prototype_names_in_the_data_work(page, server: str, keyed) -> None:
    site, data = keyed
    archive = load_archive(data).archive
    reference = Site(lambda name: (site / SITE_DIR / name).read_text(encoding="utf-8"))
    for extra, check, label in (
        (f"k={KIND}", lambda h: f"/{KIND}/" in h, archive.kinds[KIND].name),
        (f"t={TOPIC}", lambda h: "#s" in h, archive.topics[TOPIC].label),
        (f"c={COUNTY}", lambda h: h.startswith(f"reports/{COUNTY}/"), archive.counties[COUNTY].name),
        (f"p={PROVINCE}", lambda h: h.startswith("reports/"), PROVINCE),
    ):
        hrefs = _search(page, server, "法治", extra)
        assert hrefs and all(check(h) for h in hrefs), (extra, hrefs)
        facet, value = extra.split("=")
        assert page.inner_text(f".shufa-facet[data-facet='{facet}'] .shufa-facet-chosen strong") == label
        # the whole list, as the Python twin of the query gives it
        everything = page.evaluate("([q, f]) => ShufaSearch.searchAll(q, f)", ["法治", {facet: value}])
        assert sorted(everything) == sorted(
            href(reference, h, "法治") for h in run_all(reference, "法治", {facet: value}).hits
        )
    # the topic is listed under its label among the facets of a query
    _search(page, server, "会前学法", "")
    labels = page.eval_on_selector_all(
        ".shufa-facet[data-facet='t'] a", "links => links.map(a => a.textContent)"
    )
    assert archive.topics[TOPIC].label in labels
    assert page.js_errors == []


def _comparison_status(page, url: str) -> str:
    page.goto(url)
    page.wait_for_function(
        "() => !document.querySelector('.compare-status').textContent.startsWith('正在')", timeout=20000
    )
    return page.inner_text(".compare-status")


def test_the_comparison_pairs_a_topic_keyed_constructor(page, server: str, keyed) -> None:
    archive = load_archive(keyed[1]).archive
    status = _comparison_status(page, f"{server}/reports/qinghe/shufa/compare.html?from=2022&to=2023")
    assert status.startswith("已对照"), status
    assert page.inner_text(f"#topic-{TOPIC} h3") == archive.topics[TOPIC].label
    assert page.query_selector(f"#topic-{TOPIC} table.compare-table") is not None, "both years have the topic"
    # a topic one year lacks, against a county keyed constructor too
    status = _comparison_status(
        page, f"{server}/reports/qinghe/shufa/compare.html#from={COUNTY}/2023&to=2024"
    )
    assert status.startswith("已对照"), status
    assert "仅见于" in page.inner_text(f"#topic-{TOPIC}")
    assert page.js_errors == []


def test_the_year_switcher_keeps_or_drops_a_topic_keyed_constructor(page, server: str, keyed) -> None:
    archive = load_archive(keyed[1]).archive
    anchor = {y: archive.reports[f"qinghe/shufa/{y}"].section_for_topic(TOPIC) for y in (2022, 2023, 2024)}
    assert anchor[2024] is None, "2024 has no section on the topic"
    for year, landing in ((2022, f"2022.html#{anchor[2022].anchor}"), (2024, f"2024.html#topic={TOPIC}")):
        page.goto(f"{server}/reports/qinghe/shufa/2023.html#{anchor[2023].anchor}")
        page.click(f"nav.year-switcher ul.year-list a:has-text('{year}年')")
        page.wait_for_load_state("load")
        assert page.url.endswith(f"/reports/qinghe/shufa/{landing}"), page.url
    # the year without it says so, naming the topic by its label (not the prototype's constructor)
    note = page.inner_text("p.year-switch-note")
    assert note.startswith(f"2024年报告中没有这一主题（{archive.topics[TOPIC].label}）"), note
    assert page.js_errors == []


def test_latest_keeps_a_fragment_named_after_a_prototype_key(page, server: str) -> None:
    # a topic the newest year lacks: its top, which says so; a fragment that is no topic: kept as it is
    for fragment, landing in (
        (TOPIC, f"#topic={TOPIC}"),
        ("toString", "#toString"),
        ("__proto__", "#__proto__"),
    ):
        page.goto(f"{server}/reports/qinghe/shufa/latest.html#{fragment}")
        page.wait_for_url(re.compile(r".*/2024\.html.*"))
        assert page.url.endswith(f"/reports/qinghe/shufa/2024.html{landing}"), page.url
    assert page.js_errors == []
