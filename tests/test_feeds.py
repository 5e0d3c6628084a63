"""Atom feeds (issue 21, item 6; issue 20, item 8): valid Atom 1.0 (RELAX NG and feedparser),
rel="self", entries by the day a report entered the archive (``added``, written by `shufa import`
and by the first `shufa lock`), summaries that end at a sentence or with …, titles that name the
county; a county whose reports have no day has no feed and no link to one."""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from conftest import REPO, archive_source, build_archive, copy_data, page_soup, run_import
from shufa.commands import main
from shufa.core.arrival import record_added, today
from shufa.core.atomfeeds import Feed, atom, has_feed, newest
from shufa.core.loading import load_archive
from shufa.core.summary import EXCERPT, excerpt, summarize
from shufa.core.yamlfile import read_yaml

ATOM = "{http://www.w3.org/2005/Atom}"
SCHEMA = etree.RelaxNG(etree.parse(str(REPO / "tests/fixtures/atom.rng")))


def assert_valid_atom(path: Path) -> feedparser.FeedParserDict:
    """*path* is an Atom 1.0 document: by the RFC 4287 grammar, the RFC's rules the grammar
    cannot say, and feedparser; returns what feedparser read."""
    document = etree.parse(str(path))
    assert SCHEMA.validate(document), f"{path}: {SCHEMA.error_log}"
    root = ET.parse(path).getroot()
    if not root.findall(f"{ATOM}author"):  # then every entry has one (RFC 4287, 4.1.1)
        assert all(e.findall(f"{ATOM}author") for e in root.findall(f"{ATOM}entry")), path
    for node in [root, *root.findall(f"{ATOM}entry")]:  # one alternate link per type and language
        kinds = [
            (link.get("type"), link.get("hreflang"))
            for link in node.findall(f"{ATOM}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        assert len(kinds) == len(set(kinds)), path
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo and feed.version == "atom10", path
    return feed


# --- the sample site ---------------------------------------------------------------------------


def test_every_feed_of_the_sample_is_valid_atom_with_a_self_link(sample_site: Path) -> None:
    feeds = sorted(sample_site.rglob("atom.xml"))
    assert [p.relative_to(sample_site).as_posix() for p in feeds] == [
        "atom.xml",
        "reports/beiting/atom.xml",
        "reports/chengxi/atom.xml",
        "reports/qinghe/atom.xml",
    ]
    for path in feeds:
        feed = assert_valid_atom(path)
        links = {link.rel: link.href for link in feed.feed.links}
        assert links["self"] == "atom.xml"  # relative to the feed itself: no html_baseurl here


def test_entries_are_ordered_by_the_day_they_entered_the_archive(sample_site: Path) -> None:
    feed = assert_valid_atom(sample_site / "atom.xml")
    archive = load_archive(REPO / "data").archive
    days = [e.updated[:10] for e in feed.entries]
    assert days == sorted((r.added for r in archive.reports.values()), reverse=True)
    assert feed.feed.updated == feed.entries[0].updated


def test_titles_name_the_county_and_summaries_end_at_a_sentence(sample_site: Path) -> None:
    feed = assert_valid_atom(sample_site / "reports/qinghe/atom.xml")
    titles = [e.title for e in feed.entries]
    assert "青禾县2022年度县长个人述法报告" in titles  # published as 2022年度县长个人述法报告
    assert all("青禾县" in t for t in titles)
    for entry in feed.entries:
        assert len(entry.summary) <= EXCERPT and entry.summary[-1] in "。！？；：…", entry.summary


def test_an_excerpt_ends_at_a_sentence_or_with_an_ellipsis() -> None:
    text = "一" * 70 + "。" + "二" * 100
    assert excerpt(text) == "一" * 70 + "。"
    assert excerpt("三" * 200) == "三" * (EXCERPT - 1) + "…"
    assert excerpt("短句，\n没有句号") == "短句， 没有句号"
    assert excerpt("一" * 10 + "。" + "二" * 200) == "一" * 10 + "。" + "二" * (EXCERPT - 12) + "…"


# --- the day a report entered the archive ----------------------------------------------------------


def test_a_report_added_today_heads_the_feed_whatever_year_it_covers(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    old = data / "qinghe/shufa/2021.yaml"
    old.write_text(re.sub(r"(?m)^added: .*\n", "", old.read_text(encoding="utf-8")), encoding="utf-8")
    assert record_added(old, "2026-01-15")
    archive = load_archive(data).archive
    reports = newest(summarize(archive).reports.values())
    assert reports[0].key == "qinghe/shufa/2021"  # published in 2022, added last
    text = atom(Feed("atom.xml", "t", "s", "", "a", "index.html"), reports).decode()
    assert "<updated>2026-01-15T00:00:00+08:00</updated>" in text.split("<entry>")[0]


def test_lock_records_the_day_of_first_lock_in_reports_without_one(tmp_path: Path, capsys) -> None:
    data = copy_data(tmp_path)
    crlf = data / "qinghe/shufa/2021.yaml"
    body = re.sub(r"(?m)^added: .*\n", "", crlf.read_text(encoding="utf-8"))
    crlf.write_bytes(body.replace("\n", "\r\n").encode("utf-8"))
    untouched = {p: p.read_bytes() for p in data.rglob("*.yaml") if p != crlf}
    assert main(["lock", str(data)]) == 0
    err = capsys.readouterr().err
    assert f"qinghe/shufa/2021.yaml: added: {today()} (the day it entered the archive)" in err
    # the file's own bytes kept, its line ends too; the other files untouched
    assert crlf.read_bytes() == body.replace("\n", "\r\n").encode("utf-8") + f"added: {today()}\r\n".encode()
    assert {p: p.read_bytes() for p in untouched} == untouched
    assert read_yaml(crlf).value["added"] == today()
    assert main(["lock", str(data)]) == 0  # kept: the day of the first lock
    assert "added:" not in capsys.readouterr().err


def test_a_file_lock_cannot_add_the_day_to_is_named(tmp_path: Path, capsys) -> None:
    data = copy_data(tmp_path)
    flow = data / "qinghe/shufa/2021.yaml"
    value = read_yaml(flow).value
    value.pop("added")
    import json

    flow.write_text(json.dumps(value, ensure_ascii=False) + "\n", encoding="utf-8")  # YAML in flow style
    before = flow.read_bytes()
    assert main(["lock", str(data)]) == 1
    assert "qinghe/shufa/2021.yaml: could not add `added: " in capsys.readouterr().err
    assert flow.read_bytes() == before


def test_import_records_today_and_force_keeps_the_first_day(tmp_path: Path, capsys) -> None:
    from conftest import IMPORT_FIXTURES

    data = copy_data(tmp_path)
    text = IMPORT_FIXTURES / "units" / "jinghai-fzzf-2023.txt"
    assert run_import(capsys, str(text), "--data-dir", str(data), "--register")[0] == 0
    path = data / "jinghai/fzzf/2023.yaml"
    assert read_yaml(path).value["added"] == today()
    path.write_text(
        path.read_text(encoding="utf-8").replace(f"added: {today()}", "added: 2025-05-05"), "utf-8"
    )
    assert run_import(capsys, str(text), "--data-dir", str(data), "--force")[0] == 0
    assert read_yaml(path).value["added"] == "2025-05-05"


# --- a county with no day has no feed, and no link to one ----------------------------------------


@pytest.fixture(scope="module")
def undated_county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample built with 北亭区's reports stripped of every day (dates and added)."""
    root = tmp_path_factory.mktemp("undated")
    data = copy_data(root)
    for path in (data / "beiting").rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^date:\n(?:  .*\n)+", "date:\n  issued: unknown\n", text)
        text = re.sub(r"(?m)^added: .*\n", "", text)
        path.write_text(text, encoding="utf-8")
    archive = load_archive(data).archive
    assert not has_feed(archive.reports_of("beiting")) and has_feed(archive.reports_of("qinghe"))
    app = build_archive(archive_source(root), data)  # check-links runs on every build (conftest)
    assert app.statuscode == 0
    return Path(app.outdir)


def test_a_county_without_any_day_has_no_feed_and_its_pages_link_to_none(undated_county: Path) -> None:
    assert not (undated_county / "reports/beiting/atom.xml").exists()
    for page in ("reports/beiting/index", "reports/beiting/shufa/2023", "reports/beiting/shufa/index"):
        soup = page_soup(undated_county, page)
        targets = {
            posixpath.normpath(posixpath.join(posixpath.dirname(page), a["href"]))
            for a in soup.select("[href]")
        }
        assert "reports/beiting/atom.xml" not in targets, page
        assert "atom.xml" in targets  # the archive's own feed is still named
        assert "订阅本县新收录的报告" not in soup.get_text()
    # the other counties keep theirs, and the archive's feed lists what has a day
    assert (undated_county / "reports/qinghe/atom.xml").exists()
    feed = assert_valid_atom(undated_county / "atom.xml")
    assert not any("beiting" in e.link for e in feed.entries)
