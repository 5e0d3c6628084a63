"""End to end: the shipped sample archive builds clean, incrementally and in parallel."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from conftest import DATA, archive_source, build_testroot, copy_data, run_sphinx
from shufa.core.loading import load_archive
from shufa.core.partitions import WHOLE_ARCHIVE
from shufa.plugins.data import Run
from shufa.plugins.pages import generated_pages, write_pages

SAMPLE = load_archive(DATA).archive


def test_sample_data_is_clean() -> None:
    result = load_archive(DATA)
    assert result.problems == []
    assert len(result.archive.counties) >= 3
    assert {r.kind for r in result.archive.reports.values()} == {"shufa", "fzzf"}


def test_sample_archive_builds_without_any_warning(sample_build: SphinxTestApp) -> None:
    assert sample_build.warning.getvalue() == ""
    assert sample_build.statuscode == 0


def test_every_report_county_and_year_has_its_page(sample_site: Path) -> None:
    for report in SAMPLE.reports.values():
        assert (sample_site / f"reports/{report.county}/{report.kind}/{report.year}.html").is_file()
    for slug in SAMPLE.counties:
        assert (sample_site / f"reports/{slug}/index.html").is_file()
    for year in SAMPLE.years():
        assert (sample_site / f"years/{year}.html").is_file()
    assert (sample_site / "reports/index.html").is_file()
    assert (sample_site / "index.html").is_file()


def test_no_report_page_has_positional_ids(sample_site: Path) -> None:
    pages = list((sample_site / "reports").rglob("*.html")) + list((sample_site / "years").rglob("*.html"))
    assert len(pages) >= len(SAMPLE.reports)
    offenders = [str(p) for p in pages if re.search(r'id="id\d+"', p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_report_page_has_every_section_and_item(sample_site: Path) -> None:
    report = SAMPLE.reports["qinghe/shufa/2023"]
    soup = BeautifulSoup(
        (sample_site / "reports/qinghe/shufa/2023.html").read_text(encoding="utf-8"), "html.parser"
    )
    for anchor, _part in report.anchors():
        assert soup.find(id=anchor) is not None, anchor
    toc = [a["href"] for a in soup.select(".bd-toc a.nav-link")]
    assert toc[: len(report.sections)] == [f"#{s.anchor}" for s in report.sections]
    assert soup.find("html")["lang"] == "zh-CN"
    assert soup.select("span.redaction"), "the sample redactions are marked"


def test_home_page_counts_the_archive(sample_site: Path) -> None:
    soup = BeautifulSoup((sample_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    stats = soup.select_one("ul.archive-stats").get_text()
    assert f"{len(SAMPLE.reports)}份报告" in stats
    assert f"{len(SAMPLE.counties)}个县" in stats
    cards = [a["href"] for a in soup.select("a.sd-stretched-link")]
    assert cards == ["reports/index.html", "years/index.html", "topics/index.html", "guide/index.html"]


def test_navigation_stays_bounded(sample_site: Path) -> None:
    """No page lists the whole archive in its chrome: the header has a handful of entries."""
    soup = BeautifulSoup(
        (sample_site / "reports/qinghe/shufa/2023.html").read_text(encoding="utf-8"), "html.parser"
    )
    header_links = soup.select(".bd-header .navbar-nav a.nav-link")
    assert 0 < len(header_links) <= 6
    assert soup.select(".bd-sidebar-primary .bd-sidenav") == []


# --- generation, incremental and parallel builds --------------------------------------------


def test_generated_pages_are_written_only_when_changed(tmp_path: Path) -> None:
    result = load_archive(DATA)
    pages = generated_pages(Run(WHOLE_ARCHIVE, result, frozenset(result.archive.provinces)))
    assert write_pages(tmp_path, pages) == (len(pages), 0)
    report_page = tmp_path / "reports/qinghe/shufa/2023.rst"
    stamp = report_page.stat().st_mtime_ns
    assert write_pages(tmp_path, pages) == (0, 0)
    assert report_page.stat().st_mtime_ns == stamp
    smaller = {k: v for k, v in pages.items() if "qinghe/shufa/2021" not in k}
    assert write_pages(tmp_path, smaller) == (0, 1)
    assert not (tmp_path / "reports/qinghe/shufa/2021.rst").exists()
    assert "**" not in report_page.read_text(encoding="utf-8"), "generated pages hold no report text"


def _build(src: Path, data: Path, parallel: int = 0) -> tuple[SphinxTestApp, list[str]]:
    read: list[str] = []
    app = run_sphinx(src, confoverrides={"shufa_data_dir": str(data)}, parallel=parallel, on_read=read.extend)
    return app, sorted(read)


@pytest.fixture(scope="module")
def incremental(tmp_path_factory):
    root = tmp_path_factory.mktemp("incremental")
    src, data = archive_source(root), copy_data(root)
    app, read = _build(src, data)
    assert app.warning.getvalue() == ""
    assert "reports/qinghe/shufa/2023" in read
    return src, data


def test_noop_rebuild_reads_nothing(incremental) -> None:
    src, data = incremental
    out = src / "_build/html"
    comparisons = sorted(out.glob("reports/*/*/compare/*.html"))
    before = {p: p.stat().st_mtime_ns for p in comparisons}
    missing = comparisons[0]
    missing.unlink()
    app, read = _build(src, data)
    assert read == []
    assert app.warning.getvalue() == ""
    # comparison pages are rewritten only when what they show changed, or when one is missing
    assert missing.is_file()
    assert [p for p in comparisons[1:] if p.stat().st_mtime_ns != before[p]] == []


def test_editing_text_rereads_only_that_report(incremental) -> None:
    src, data = incremental
    path = data / "qinghe/shufa/2022.yaml"
    text = path.read_text(encoding="utf-8")
    assert "一年来" in text
    path.write_text(text.replace("一年来", "这一年来", 1), encoding="utf-8")
    out = src / "_build/html"
    comparisons = sorted(out.glob("reports/*/*/compare/*.html"))
    assert len(comparisons) >= 3
    before = {p: p.stat().st_mtime_ns for p in comparisons}
    app, read = _build(src, data)
    # the report itself, and the pages that measure text against it: the next year's report
    # (reuse rates), the county's topic × year and figure tables; no listing (titles, topics
    # and the years of each metric are unchanged)
    assert read == [
        "reports/qinghe/index",
        "reports/qinghe/shufa/2022",
        "reports/qinghe/shufa/2023",
    ]
    html = (Path(app.outdir) / "reports/qinghe/shufa/2022.html").read_text(encoding="utf-8")
    assert "这一年来" in html
    # and the two comparison pages around it (pages of their own, not documents) are rewritten
    rewritten = sorted(
        p.relative_to(out).as_posix() for p in comparisons if p.stat().st_mtime_ns != before[p]
    )
    assert rewritten == [
        "reports/qinghe/shufa/compare/2021-2022.html",
        "reports/qinghe/shufa/compare/2022-2023.html",
    ]


def test_editing_a_title_rereads_the_pages_that_list_it(incremental) -> None:
    src, data = incremental
    path = data / "chengxi/fzzf/2022.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('title: "', 'title: "（修订）', 1), encoding="utf-8")
    app, read = _build(src, data)
    assert read == [
        "reports/chengxi/fzzf/2022",
        "reports/chengxi/fzzf/2023",
        "reports/chengxi/index",
        "years/2022/jianglan",
    ]
    county = (Path(app.outdir) / "reports/chengxi/index.html").read_text(encoding="utf-8")
    assert "（修订）" in county


def test_adding_a_year_updates_the_lists_without_a_clean_build(incremental) -> None:
    src, data = incremental
    source = data / "qinghe/shufa/2024.yaml"
    target = data / "qinghe/shufa/2025.yaml"
    target.write_text(
        source.read_text(encoding="utf-8").replace("year: 2024", "year: 2025"), encoding="utf-8"
    )
    app, read = _build(src, data)
    assert app.warning.getvalue() == ""
    assert "reports/qinghe/shufa/2025" in read
    assert {"reports/qinghe/index", "years/2025", "years/index", "index", "reports/index"} <= set(read)
    assert "reports/chengxi/fzzf/2023" not in read
    # its siblings re-read too: their year switchers and topic links now reach 2025
    assert {f"reports/qinghe/shufa/{y}" for y in (2021, 2022, 2023, 2024)} <= set(read)
    sibling = (Path(app.outdir) / "reports/qinghe/shufa/2023.html").read_text(encoding="utf-8")
    assert 'href="2025.html' in sibling
    county = BeautifulSoup(
        (Path(app.outdir) / "reports/qinghe/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert "shufa/2025.html" in [a["href"] for a in county.select("ul.report-years a")]


def test_pages_pickled_by_other_code_are_read_afresh_never_rendered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What Sphinx keeps between builds (its environment, each page's doctree) was pickled by the
    code of that build. After an upgrade or a checkout the next build reads every page afresh
    rather than render a page whose nodes the new code reads differently (a traceback, once)."""
    import shufa.plugins

    built = build_testroot("report", tmp_path)
    src = Path(built.srcdir)
    docnames = sorted(built.env.found_docs)
    assert "reports/hexi/shufa/2023" in docnames
    # the page as other code pickled it: one of its nodes of a class this code no longer has
    page = Path(built.doctreedir) / "reports/hexi/shufa/2023.doctree"
    page.write_bytes(b"cshufa.plugins.crossyear\nyear_switcher_of_old\n.")
    # and its HTML to be written again (as when what it links to changed): from that pickle, once
    (Path(built.outdir) / "reports/hexi/shufa/2023.html").unlink()
    monkeypatch.setattr(shufa.plugins, "code_version", lambda: "other code")
    read: list[str] = []
    app = run_sphinx(src, on_read=read.extend)
    assert app.statuscode == 0, app.warning.getvalue()
    assert sorted(read) == docnames
    assert "2023" in (Path(app.outdir) / "reports/hexi/shufa/2023.html").read_text(encoding="utf-8")
    # and code that stays the same keeps what it pickled
    read.clear()
    run_sphinx(src, on_read=read.extend)
    assert read == []


def test_a_broken_data_file_fails_the_strict_build_with_its_location(tmp_path: Path) -> None:
    src, data = archive_source(tmp_path), copy_data(tmp_path)
    path = data / "qinghe/shufa/2023.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("topic: study", "topic: studying", 1), encoding="utf-8"
    )
    app = run_sphinx(src, confoverrides={"shufa_data_dir": str(data)}, warningiserror=True)
    assert app.statuscode == 1
    assert re.search(
        r"qinghe/shufa/2023\.yaml:\d+:\d+: WARNING: sections\[\d\]\.topic: unknown topic `studying`",
        app.warning.getvalue(),
    )
    # the report is left out; the rest of the archive still builds (and -W marks the build failed)
    assert not (Path(app.outdir) / "reports/qinghe/shufa/2023.html").exists()
    assert (Path(app.outdir) / "reports/qinghe/shufa/2022.html").exists()


def test_parallel_build_equals_serial(tmp_path: Path, sample_build: SphinxTestApp) -> None:
    sample_site = Path(sample_build.outdir)
    src = archive_source(tmp_path, guide=True)
    app, read = _build(src, DATA, parallel=2)
    assert app.warning.getvalue() == ""
    assert set(read) == set(sample_build.env.found_docs)
    out = Path(app.outdir)
    compared = 0
    for page in sorted((sample_site / "reports").rglob("*.html")):
        rel = page.relative_to(sample_site)
        assert (out / rel).read_bytes() == page.read_bytes(), rel
        compared += 1
    assert compared >= len(SAMPLE.reports)
    assert (out / "objects.inv").read_bytes() == (sample_site / "objects.inv").read_bytes()


def test_changing_the_metrics_vocabulary_updates_marks_and_series(incremental) -> None:
    src, data = incremental
    path = data / "metrics.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "reconsideration-applications:", "reconsideration-requests:"
        ),
        encoding="utf-8",
    )
    app, read = _build(src, data)
    assert app.warning.getvalue() == ""
    assert {"reports/qinghe/shufa/2023", "reports/qinghe/index", "metrics/index"} <= set(read)
    page = (Path(app.outdir) / "reports/qinghe/shufa/2023.html").read_text(encoding="utf-8")
    assert 'id="f-reconsideration-requests"' in page
    assert 'id="f-reconsideration-applications"' not in page


def test_the_build_is_reproducible(tmp_path: Path, sample_build: SphinxTestApp) -> None:
    """Two builds of the same data, in other folders, give the same bytes apart from the build date."""
    import datetime as dt

    first = Path(sample_build.outdir)
    app, _read = _build(archive_source(tmp_path, guide=True), DATA)
    second = Path(app.outdir)
    today = dt.date.today()
    dates = [today.isoformat(), f"{today.year}年{today.month}月{today.day}日", today.strftime("%Y%m%d")]

    def normal(data: bytes) -> bytes:
        for date in dates:
            data = data.replace(date.encode(), b"BUILD-DATE")
        return data

    outputs = [
        p
        for p in sorted(first.rglob("*"))
        if p.is_file() and p.suffix in {".html", ".js", ".json", ".inv", ".xml", ".bib"}
    ]
    assert len(outputs) > 40
    different = [
        str(p.relative_to(first))
        for p in outputs
        if normal(p.read_bytes()) != normal((second / p.relative_to(first)).read_bytes())
    ]
    assert different == []
    assert str(tmp_path).encode() not in b"".join(
        (second / p.relative_to(first)).read_bytes() for p in outputs
    )
