"""Nothing executes, nothing escapes: hostile report text appears literally, escaped, everywhere it
is shown — page, title, meta tags, citation, downloads, archive data files, search index."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from bad_inputs import BAD
from bs4 import BeautifulSoup

from conftest import REPO, build_archive

SCRIPT = '<script>alert("x")</script>'
ONLOAD = '<img src=x "onload=alert(1)">'
JS_URL = "javascript:alert(document.cookie)"
MYST = "**粗体** *斜体* [链接](http://evil.example) {ref}`x` `代码`"
REST = ":ref:`target` .. raw:: html ``literal``"
JINJA = "{{ 7*7 }} {% if true %}ok{% endif %} {{ config }}"
ROLE = "{report:ref}`s1` :doc:`index`"
HOSTILE = [SCRIPT, ONLOAD, JS_URL, MYST, REST, JINJA, ROLE]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("hostile")
    data = root / "data"
    shutil.copytree(BAD / "_base" / "data", data)
    path = data / "qinghe/shufa/2023.yaml"
    report = yaml.safe_load(path.read_text(encoding="utf-8"))
    report["title"] = f"青禾县{SCRIPT}述法报告{JINJA}"
    report["preamble"] = "；".join(HOSTILE)
    report["author"]["name"] = f"林**{ONLOAD}"
    report["source"]["note"] = f"来源{JS_URL}{SCRIPT}"
    report["sections"][0]["heading"] = f"压实责任{MYST}"
    report["sections"][0]["items"][0]["label"] = f"强化部署{ROLE}。"
    report["sections"][0]["items"][0]["text"] = f"{REST}{JINJA}全年开展普法活动160余场。"
    report["closing"]["signature"] = f"{SCRIPT}青禾县人民政府"
    report["date"]["issued"] = "2024-01-22"
    path.write_text(yaml.safe_dump(report, allow_unicode=True, sort_keys=False), encoding="utf-8")
    src = root / "src"
    shutil.copytree(BAD / "_site", src)
    shutil.copy(REPO / "conf.py", src / "conf.py")
    app = build_archive(src, data, html_baseurl="https://archive.example.org/")
    assert app.warning.getvalue() == ""
    return Path(app.outdir), report


def _page(site: Path) -> tuple[str, BeautifulSoup]:
    html = (site / "reports/qinghe/shufa/2023.html").read_text(encoding="utf-8")
    return html, BeautifulSoup(html, "html.parser")


def test_no_markup_of_the_data_becomes_an_element(hostile_site) -> None:
    site, _ = hostile_site
    html, soup = _page(site)
    article = soup.select_one("article")
    assert article.find("script") is None
    assert article.find("img") is None
    assert not [tag for tag in soup.find_all(True) if any(a.startswith("on") for a in tag.attrs)]
    assert not [a for a in soup.find_all("a", href=True) if a["href"].lower().startswith("javascript:")]
    assert article.find("strong", string=re.compile("粗体")) is None
    assert article.find("em", string="斜体") is None
    assert "49" not in article.get_text().replace("2024", "")
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_the_text_is_shown_literally(hostile_site) -> None:
    site, _report = hostile_site
    _, soup = _page(site)
    text = soup.select_one("article").get_text()
    for value in HOSTILE:
        assert value in text, value
    assert soup.find("h1").get_text().rstrip("¶").startswith(f"青禾县{SCRIPT}述法报告{JINJA}")


def test_title_and_meta_tags_are_escaped_text(hostile_site) -> None:
    site, _report = hostile_site
    html, soup = _page(site)
    assert SCRIPT in soup.title.get_text()
    description = soup.find("meta", attrs={"name": "description"})["content"]
    assert SCRIPT in description or "；".join(HOSTILE)[:40] in description
    for meta in soup.find_all("meta", attrs={"property": re.compile("^og:")}):
        assert "<script>" not in str(meta).split("content=", 1)[0]
    head = html.split("</head>", 1)[0]
    assert '<script>alert("x")</script>' not in head


def test_citation_and_downloads_keep_the_text(hostile_site) -> None:
    site, _report = hostile_site
    _, soup = _page(site)
    cites = soup.select(".cite-reference, .cite-text, [class*=cite]")
    assert cites, "the page has cite controls"
    assert any(SCRIPT in c.get_text() for c in cites)
    csl = json.loads((site / "reports/qinghe/shufa/2023.csl.json").read_text(encoding="utf-8"))
    flat = json.dumps(csl, ensure_ascii=False)
    assert SCRIPT.replace('"', '\\"') in flat
    bib = (site / "reports/qinghe/shufa/2023.bib").read_text(encoding="utf-8")
    assert "<script>" in bib
    assert "\\textbraceleft{}\\textbraceleft{} 7*7 \\textbraceright{}\\textbraceright{}" in bib, (
        "braces of the text are text commands, not BibTeX grouping"
    )


def test_archive_data_carries_the_exact_strings(hostile_site) -> None:
    site, report = hostile_site
    key = f"{report['county']}/{report['kind']}/{report['year']}"
    data = json.loads((site / f"reports/{key}.json").read_text(encoding="utf-8"))
    flat = json.dumps(data, ensure_ascii=False)
    assert json.dumps(report["title"], ensure_ascii=False) in flat
    assert json.dumps(report["sections"][0]["heading"], ensure_ascii=False) in flat


def test_search_index_holds_no_live_markup(hostile_site) -> None:
    site, _ = hostile_site
    files = [*site.glob("_static/search/**/*.js"), site / "searchindex.js"]
    assert len(files) > 10, "the index split by term, and Sphinx's own"
    for index in files:
        text = index.read_text(encoding="utf-8")
        assert "<script>" not in text, index
        assert "</script>" not in text, index


def test_the_series_pages_feeds_and_reading_files_keep_the_text(hostile_site) -> None:
    import feedparser

    site, report = hostile_site
    folder = site / "reports/qinghe/shufa"
    topic = report["sections"][0]["topic"]
    for page in (f"topics/{topic}.html", "index.html", "compare.html", "latest.html"):
        html = (folder / page).read_text(encoding="utf-8")
        soup = BeautifulSoup(html, "html.parser")
        scripts = [s for s in soup.find_all("script") if s.get("src") is None]
        assert all(SCRIPT not in (s.string or "") for s in scripts), page
        assert not [t for t in soup.find_all(True) if any(a.startswith("on") for a in t.attrs)], page
        assert soup.find("img") is None and '<script>alert("x")</script>' not in html, page
    history = BeautifulSoup((folder / f"topics/{topic}.html").read_text(encoding="utf-8"), "html.parser")
    assert f"压实责任{MYST}" in history.select_one(".history-text").get_text()
    assert history.find("strong", string=re.compile("粗体")) is None
    # the reading file: the text as data, nothing that could end a script element
    reading = (folder / "2023.js").read_text(encoding="utf-8")
    assert "</" not in reading and "<script" not in reading
    payload = json.loads(reading.split(" = ", 2)[-1].removesuffix(";\n"))
    assert payload["title"] == report["title"]
    assert payload["parts"][0]["heading"] == report["sections"][0]["heading"]
    # the feeds: escaped XML that reads back as the text
    for feed in ("atom.xml", "reports/qinghe/atom.xml"):
        text = (site / feed).read_text(encoding="utf-8")
        assert "<script>" not in text
        parsed = feedparser.parse(text)
        assert not parsed.bozo
        titles = [e.title for e in parsed.entries]
        assert report["title"] in titles, feed
