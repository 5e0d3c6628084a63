"""The site's chrome: Chinese wording, CJK stylesheet, bounded sidebars."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

LOCALE = Path(__file__).parents[1] / "ext/shufa/plugins/locale/zh_CN/LC_MESSAGES"


def test_compiled_catalog_matches_its_source() -> None:
    with (LOCALE / "sphinx.po").open("rb") as fh:
        source = {m.id: m.string for m in read_po(fh) if m.id}
    with (LOCALE / "sphinx.mo").open("rb") as fh:
        compiled = {m.id: m.string for m in read_mo(fh) if m.id}
    assert compiled == source, "recompile sphinx.mo from sphinx.po (babel's write_mo)"
    assert compiled["Color mode"] == "配色模式"


def test_no_english_left_in_the_chrome(sample_site: Path) -> None:
    for page in ("index.html", "reports/qinghe/shufa/2023.html", "reports/qinghe/index.html"):
        soup = BeautifulSoup((sample_site / page).read_text(encoding="utf-8"), "html.parser")
        # the chrome only: report text and citations in the article may hold Latin letters
        for tag in soup(["script", "style", "kbd", "article"]):  # key names (Ctrl) stay as printed
            tag.decompose()
        visible = [
            s for s in soup.stripped_strings if re.search(r"[A-Za-z]{4,}", s) and not s.startswith("http")
        ]
        assert visible == [], (page, visible)
        labels = [
            f"{name}={tag[name]}"
            for tag in soup.find_all(True)
            for name in ("title", "aria-label", "placeholder")
            if tag.get(name) and re.search(r"[A-Za-z]{4,}", tag[name])
        ]
        assert labels == [], (page, labels)


def test_stylesheet_sets_cjk_fonts_and_line_height(sample_site: Path) -> None:
    css = (sample_site / "_static/shufa.css").read_text(encoding="utf-8")
    assert "Noto Sans CJK SC" in css
    assert re.search(r"line-height:\s*1\.9", css)
    page = (sample_site / "reports/qinghe/shufa/2023.html").read_text(encoding="utf-8")
    assert "_static/shufa.css" in page
