"""The built sample site has no broken internal link or anchor; the checker finds broken ones."""

from __future__ import annotations

import shutil
from pathlib import Path

from shufa.commands import main
from shufa.core.sitecheck import broken_links


def test_every_internal_link_and_anchor_of_the_sample_site_resolves(sample_site: Path) -> None:
    assert broken_links(sample_site) == []
    pages = list(sample_site.rglob("*.html"))
    assert len(pages) > 30


def test_the_checker_reports_missing_pages_and_anchors(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="sub/a.html#s1">ok</a>\n<a href="sub/a.html#s9">no anchor</a>\n'
        '<a href="missing.html">gone</a>\n<a href="https://example.org/x">external</a>\n<a href="#top">top</a>',
        encoding="utf-8",
    )
    (tmp_path / "sub" / "a.html").write_text(
        '<section id="s1"></section><a href="../index.html">back</a>', encoding="utf-8"
    )
    problems = broken_links(tmp_path)
    assert problems == [
        "index.html:2: sub/a.html#s9 — sub/a.html has no element with id “s9”",
        "index.html:3: missing.html — no such file missing.html",
    ]


def test_check_links_command(sample_site: Path, tmp_path: Path, capsys) -> None:
    assert main(["check-links", str(sample_site)]) == 0
    copy = tmp_path / "site"
    shutil.copytree(sample_site, copy)
    (copy / "reports/qinghe/shufa/2022.html").unlink()
    assert main(["check-links", str(copy)]) == 1
    out = capsys.readouterr().out
    assert "no such file reports/qinghe/shufa/2022.html" in out


def test_a_link_nested_deeper_than_libxml2s_default_limit_is_checked(tmp_path: Path) -> None:
    """libxml2 stops reading at a depth of 256 unless told otherwise: what follows would pass unread."""
    deep = "<div>" * 300 + '<a href="gone.html">deep</a>' + "</div>" * 300
    (tmp_path / "index.html").write_text(
        f"<!DOCTYPE html>\n<html><body>\n{deep}\n</body></html>", encoding="utf-8"
    )
    assert broken_links(tmp_path) == ["index.html:3: gone.html — no such file gone.html"]


def test_pages_no_parser_can_read_have_no_links_and_break_nothing(tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_text("", encoding="utf-8")
    (tmp_path / "nul.html").write_text('\0<a href="empty.html#x">x</a>', encoding="utf-8")
    assert broken_links(tmp_path) == ["nul.html:1: empty.html#x — empty.html has no element with id “x”"]


def test_an_xhtml_page_with_an_xml_declaration_is_read(tmp_path: Path) -> None:
    (tmp_path / "x.html").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body>'
        '<p id="s1">青禾县</p><a href="x.html#s1">ok</a><a href="x.html#s2">no</a></body></html>',
        encoding="utf-8",
    )
    assert broken_links(tmp_path) == ["x.html:2: x.html#s2 — x.html has no element with id “s2”"]
