"""The benchmark's synthetic archive: deterministic, clean, realistic, and a fair floor."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

import floor as bench_floor
import generate as bench_generate
import run as bench_run
from conftest import REPO, archive_source, build_archive, warnings_of
from shufa.core.loading import load_archive

N = 30  # 3 counties × 2 kinds × 5 years
ANCHOR = re.compile(r"^(report|preamble|s\d+(-\d+)*|shortcomings(-\d+)*|next-steps(-\d+)*)$")


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("bench") / "data"
    bench_generate.generate(data, N, seed=1)
    return data


def test_generator_is_deterministic_by_seed(synthetic: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    bench_generate.generate(again, N, seed=1)
    assert _tree(again) == _tree(synthetic)
    other = tmp_path / "other"
    bench_generate.generate(other, N, seed=2)
    assert _tree(other) != _tree(synthetic)


def test_a_report_is_the_same_at_every_size(synthetic: Path, tmp_path: Path) -> None:
    small = tmp_path / "small"
    files = bench_generate.generate(small, 7, seed=1)
    assert len(files) == 7
    for path in files:
        rel = path.relative_to(small)
        assert path.read_bytes() == (synthetic / rel).read_bytes()


def test_n_reports_as_counties_kinds_years(synthetic: Path) -> None:
    reports = sorted(synthetic.glob("*/*/*.yaml"))
    assert len(reports) == N
    counties = yaml.safe_load((synthetic / "counties.yaml").read_text(encoding="utf-8"))
    assert len(counties) == N // 10
    assert {p.parent.name for p in reports} == {"shufa", "fzzf"}
    assert {p.stem for p in reports} == {str(y) for y in range(2019, 2024)}
    for name in ("kinds.yaml", "topics.yaml"):
        assert (synthetic / name).read_bytes() == (REPO / "data" / name).read_bytes()


def test_every_generated_file_loads_without_problems(synthetic: Path) -> None:
    result = load_archive(synthetic)
    assert result.problems == []
    assert len(result.archive.reports) == N


def test_reports_have_1500_to_3000_cjk_characters(synthetic: Path) -> None:
    for path in synthetic.glob("*/*/*.yaml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert 1500 <= bench_generate.cjk_count(doc) <= 3000, path


def test_reports_read_like_the_genre(synthetic: Path) -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in synthetic.glob("*/*/*.yaml"))
    archive = load_archive(synthetic).archive
    assert re.search(r"\d+余场", text), "figures like 160余场"
    assert re.search(r"\d+\.\d%", text), "percentages like 98.6%"
    assert re.search(r"\d+(\.\d)?万余", text), "figures like 12.5万余份"
    assert re.search(r"\*\*镇|×××|\*次|\*\*份", text), "redactions"
    items = [i for r in archive.reports.values() for s in r.sections for i in s.all_items()]
    assert sum(1 for i in items if i.label.endswith("。")) > len(items) / 2, "run-in labels"
    assert any(i.items for r in archive.reports.values() for s in r.sections for i in s.items)
    for report in archive.reports.values():
        assert 4 <= len(report.sections) <= 7
        assert report.shortcomings is not None and report.shortcomings.items
        assert report.next_steps is not None and report.next_steps.items
        assert len({s.topic for s in report.sections}) == len(report.sections)


def test_edit_and_add_year_helpers(synthetic: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    files = bench_generate.generate(data, 10, seed=1)
    before = files[3].read_text(encoding="utf-8")
    bench_generate.append_sentence(files[3])
    after = files[3].read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert len(changed) == 1 and changed[0][1].startswith(changed[0][0][:-1])
    county = files[0].relative_to(data).parts[0]
    added = bench_generate.add_report(data, county, "shufa", 2024)
    result = load_archive(data)
    assert result.problems == []
    assert f"{county}/shufa/2024" in result.archive.reports
    assert added.is_file()


def test_runner_counts_reread_documents() -> None:
    log = (
        "updating environment: 0 added, 2 changed, 0 removed\n"
        "reading sources... [ 50%] reports/a/shufa/2020\n"
        "reading sources... [100%] reports/a/index\n"
        "writing output... [100%] reports/a/index\n"
    )
    assert bench_run._READING.findall(log) == ["reports/a/shufa/2020", "reports/a/index"]
    assert len(bench_run._WRITING.findall(log)) == 1


def test_floor_escapes_what_markdown_would_interpret() -> None:
    assert bench_floor.escape("**镇 1. 98.6% <b> `x`") == r"\*\*镇 1\. 98\.6\% \<b\> \`x\`"


# --- the floor has the same headings, anchors and text as our pages -----------------------


def _outline(page: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """Headings, and (id, text) of every report anchor, in document order."""
    article = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("article")
    for link in article.select("a.headerlink"):
        link.decompose()
    headings = [h.get_text("", strip=True) for h in article.find_all(["h1", "h2"])]
    anchors = []
    for element in article.find_all(id=ANCHOR):
        if element.name == "section":
            text = element.find(["h1", "h2"]).get_text("", strip=True)
        else:
            own = element if element.name == "p" else element.find("p")
            text = own.get_text("", strip=True)
        anchors.append((element["id"], text))
    return headings, anchors


@pytest.fixture(scope="module")
def both_sites(tmp_path_factory: pytest.TempPathFactory):
    """Our build and the floor's of the same 10 synthetic reports: (ours app, floor app)."""
    root = tmp_path_factory.mktemp("bench-sites")
    data = root / "data"
    bench_generate.generate(data, 10, seed=1)
    ours = build_archive(archive_source(root / "ours"), data)
    floor_src = root / "floor-src"
    bench_floor.write_floor(data, floor_src)
    app = SphinxTestApp("html", srcdir=floor_src, status=StringIO(), warning=StringIO())
    try:
        app.build()
    finally:
        app.cleanup()
    return ours, app


@pytest.mark.scale
def test_both_builds_are_clean(both_sites) -> None:
    ours, floor = both_sites
    assert warnings_of(ours) == ""
    assert floor.warning.getvalue() == ""


@pytest.mark.scale
def test_floor_pages_have_our_headings_anchors_and_text(both_sites) -> None:
    ours, floor = (Path(app.outdir) for app in both_sites)
    pages = sorted(p.relative_to(ours) for p in (ours / "reports").glob("*/*/*.html") if p.stem.isdigit())
    assert len(pages) == 10
    for rel in pages:
        ours_headings, ours_anchors = _outline(ours / rel)
        floor_headings, floor_anchors = _outline(floor / rel)
        assert floor_headings == ours_headings, rel
        assert floor_anchors == ours_anchors, rel
        assert len(ours_anchors) > 10


@pytest.mark.scale
def test_floor_has_the_same_listing_pages(both_sites) -> None:
    ours, floor = (Path(app.outdir) for app in both_sites)
    listings = [Path("index.html"), Path("reports/index.html"), Path("years/index.html")]
    listings += [p.relative_to(ours) for p in (ours / "reports").glob("*/index.html")]
    listings += [p.relative_to(ours) for p in (ours / "years").glob("*.html")]
    assert len(listings) > 5
    for rel in listings:
        assert (ours / rel).is_file(), rel
        assert (floor / rel).is_file(), rel


@pytest.mark.scale
def test_the_bench_measures_a_search_in_chromium(both_sites, monkeypatch) -> None:
    """search_cost: cold phrase queries on our site, their bytes, recall and precision, as the bench
    records them."""
    ours = Path(both_sites[0].outdir)
    monkeypatch.setattr(bench_run, "SEARCH_QUERIES", 3)
    measured = bench_run.search_cost(ours, seed=3)
    assert len(measured["search_queries"]) == 3
    assert all(q["index_bytes"] > 0 and q["holding"] >= 1 for q in measured["search_queries"])
    assert 0 < measured["search_query_bytes_gz"] <= bench_run.MAX_SEARCH_QUERY_BYTES
    assert measured["search_recall"] == 1.0 and measured["search_precision"] == 1.0
    assert all(q["precision"] == 1.0 for q in measured["search_queries"])
    row = {
        "n": 10,
        "search_query_bytes_gz": measured["search_query_bytes_gz"],
        "search_recall": 0.5,
        "search_precision": 0.8,
    }
    targets = bench_run.partitioned_targets(
        {
            "10": {
                **row,
                "peak_rss_mb": 1,
                "wall_over_cpu": 0.5,
                "edit_one_s": 1,
                "largest_page_bytes": 1,
                "largest_file_bytes": 1,
                "cpu_s_per_report": 0.1,
            }
        },
        {},
    )
    assert targets["search_query_bytes_gz_10"]["met"]
    assert not targets["search_recall_missed_10"]["met"], "a recall below 1 misses the target"
    assert not targets["search_precision_missed_10"]["met"], "a precision below 1 misses the target"
