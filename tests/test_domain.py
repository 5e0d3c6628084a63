"""The report domain: targets, short references, indices, objects.inv and intersphinx."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.util.inventory import InventoryFile

from conftest import DATA, REPO, page_soup, run_sphinx
from shufa.core.labels import part_name
from shufa.core.loading import load_archive
from shufa.core.numerals import chinese_number
from shufa.plugins.domain import expand_target

SAMPLE = load_archive(DATA).archive


def _inventory(site: Path) -> dict:
    return {"intersphinx_mapping": {"archive": ("https://archive.example.org/", str(site / "objects.inv"))}}


@pytest.mark.parametrize(
    ("target", "current", "expected"),
    [
        ("s3", "qinghe/shufa/2023", "qinghe/shufa/2023/s3"),
        ("s3-2", "qinghe/shufa/2023", "qinghe/shufa/2023/s3-2"),
        ("2022/s3", "qinghe/shufa/2023", "qinghe/shufa/2022/s3"),
        ("2022", "qinghe/shufa/2023", "qinghe/shufa/2022"),
        ("chengxi/fzzf/2022/s1", "qinghe/shufa/2023", "chengxi/fzzf/2022/s1"),
        ("qinghe/shufa/2023", None, "qinghe/shufa/2023"),
        ("s3", None, "s3"),
    ],
)
def test_short_targets_expand_relative_to_the_current_report(target, current, expected) -> None:
    assert expand_target(target, current) == expected


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (10, "十"),
        (12, "十二"),
        (20, "二十"),
        (21, "二十一"),
        (100, "一百"),
        (105, "一百零五"),
        (115, "一百一十五"),
    ],
)
def test_chinese_numbers(n: int, text: str) -> None:
    assert chinese_number(n) == text


def test_part_names() -> None:
    assert part_name("s3") == "第三部分"
    assert part_name("s3-2") == "第三部分第二项"
    assert part_name("s3-2-1") == "第三部分第二项第一小项"
    assert part_name("shortcomings") == "存在的不足"
    assert part_name("next-steps-2") == "下一步打算第二项"


def test_every_section_and_item_is_in_objects_inv(sample_site: Path) -> None:
    with (sample_site / "objects.inv").open("rb") as fh:
        inventory = InventoryFile.load(fh, "https://archive.example.org", lambda base, uri: f"{base}/{uri}")
    data = inventory.data if hasattr(inventory, "data") else inventory
    sections = data["report:section"]
    items = data["report:item"]
    labels = data["std:label"]
    for report in SAMPLE.reports.values():
        assert report.key in data["report:report"]
        for section in report.sections:
            name = f"{report.key}/{section.anchor}"
            entry = sections[name]
            uri = entry.uri if hasattr(entry, "uri") else entry[2]
            assert uri == f"https://archive.example.org/{report.docname}.html#{section.anchor}"
            assert name in labels
            for item in section.all_items():
                assert f"{report.key}/{item.anchor}" in items
    display = sections["qinghe/shufa/2023/s3"]
    text = display.display_name if hasattr(display, "display_name") else display[3]
    assert text == "青禾县2023年述法报告 第三部分"
    assert "qinghe" in data["report:county"]


def test_topic_pages_list_every_section_by_province(sample_site: Path) -> None:
    index = page_soup(sample_site, "topics/index.html")
    assert [a["href"] for a in index.select("ul.topic-list a")] == [f"{t}.html" for t in SAMPLE.topics]
    topic = page_soup(sample_site, "topics/reconsideration-litigation.html")
    assert [a["href"] for a in topic.select("ul.topic-provinces a")] == [
        "reconsideration-litigation/jianglan.html"
    ]
    hrefs = []
    for key in SAMPLE.topics:
        page = sample_site / f"topics/{key}/jianglan.html"
        if page.is_file():
            hrefs += [
                a["href"]
                for a in page_soup(sample_site, f"topics/{key}/jianglan.html").select("ul.topic-sections a")
            ]
    assert len(hrefs) == sum(len(r.sections) for r in SAMPLE.reports.values())
    assert "../../reports/qinghe/shufa/2023.html#s6" in hrefs


def test_the_old_indices_redirect(sample_site: Path) -> None:
    for old, new in (("report-topics.html", "topics/index.html"), ("report-years.html", "years/index.html")):
        assert f'<link rel="canonical" href="{new}">' in (sample_site / old).read_text(encoding="utf-8")


def test_section_topic_links_to_its_topic_in_its_province(sample_site: Path) -> None:
    soup = page_soup(sample_site, "reports/qinghe/shufa/2023.html")
    link = soup.find(id="s6").select_one(".section-topic a")
    assert link["href"] == "../../../topics/reconsideration-litigation/jianglan.html#qinghe"
    target = page_soup(sample_site, "topics/reconsideration-litigation/jianglan.html")
    assert target.find(id="qinghe") is not None


def test_intersphinx_from_a_second_project(tmp_path: Path, sample_site: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(REPO / "tests/roots/test-intersphinx", src)
    app = run_sphinx(src, confoverrides=_inventory(sample_site))
    assert app.warning.getvalue() == ""
    soup = BeautifulSoup((Path(app.outdir) / "index.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = [a["href"] for a in soup.select("a.reference.external")]
    assert hrefs == [
        "https://archive.example.org/reports/qinghe/shufa/2023.html#s3",
        "https://archive.example.org/reports/qinghe/shufa/2023.html#s3-2",
        "https://archive.example.org/reports/qinghe/shufa/2023.html",
    ]
    texts = [a.get_text() for a in soup.select("a.reference.external")]
    assert texts[0] == "青禾县2023年述法报告 第三部分"


def test_any_sphinx_project_cites_a_section_by_std_label(tmp_path: Path, sample_site: Path) -> None:
    """Without our package, intersphinx still resolves the std labels every object also has."""
    src = tmp_path / "plain"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["sphinx.ext.intersphinx"]\n', encoding="utf-8")
    (src / "index.rst").write_text(
        "Notes\n=====\n\nSee :ref:`archive:qinghe/shufa/2023/s3` and :ref:`qinghe/shufa/2022/s2-1`.\n",
        encoding="utf-8",
    )
    app = run_sphinx(src, confoverrides=_inventory(sample_site))
    assert app.warning.getvalue() == ""
    soup = BeautifulSoup((Path(app.outdir) / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = {a.get_text(): a["href"] for a in soup.select("a.reference.external")}
    assert links == {
        "青禾县2023年述法报告 第三部分": "https://archive.example.org/reports/qinghe/shufa/2023.html#s3",
        "青禾县2022年述法报告 第二部分第一项": "https://archive.example.org/reports/qinghe/shufa/2022.html#s2-1",
    }
