"""shufa.plugins.memory: pages are freed as soon as they are pickled or written, and nothing built changes."""

from __future__ import annotations

import weakref
from pathlib import Path

from docutils import nodes
from sphinx.testing.util import SphinxTestApp

from conftest import DATA, archive_source, run_sphinx
from shufa.plugins import PLUGINS


def test_no_doctree_outlives_its_page(tmp_path: Path) -> None:
    alive: list[weakref.ref] = []
    left: dict[str, int] = {}

    src = archive_source(tmp_path)
    app = SphinxTestApp("html", srcdir=src, confoverrides={"shufa_data_dir": str(DATA)})
    app.connect("doctree-read", lambda app, doctree: alive.append(weakref.ref(doctree)))
    app.connect("doctree-resolved", lambda app, doctree, docname: alive.append(weakref.ref(doctree)))

    def count(app, exception) -> None:
        # a dismantled doctree may still be referred to (by the writer, say), but holds no nodes
        left["doctrees"] = sum(1 for ref in alive if getattr(ref(), "children", None))
        left["cached"] = len(app.env._write_doc_doctree_cache)
        left["pickles"] = len(app.env._pickled_doctree_cache)

    app.connect("build-finished", count, priority=999)
    try:
        app.build()
    finally:
        app.cleanup()
    pages = len(app.env.found_docs)
    assert pages > 30
    assert len(alive) == 2 * pages
    # no page read or written keeps its nodes once it is pickled or written out
    assert left["doctrees"] == 0, left
    assert left["cached"] == 0
    assert left["pickles"] <= 1


def test_the_site_is_the_same_without_the_memory_plugin(tmp_path: Path, sample_site: Path) -> None:
    src = archive_source(tmp_path, guide=True)
    conf = src / "conf.py"
    text = conf.read_text(encoding="utf-8")
    umbrella = 'extensions = ["myst_parser", "sphinx_design", "shufa"]'
    assert umbrella in text
    others = [f"shufa.plugins.{name}" for name in PLUGINS if name != "memory"]
    conf.write_text(text.replace(umbrella, f"extensions = {['myst_parser', 'sphinx_design', *others]!r}"))
    app = run_sphinx(src, confoverrides={"shufa_data_dir": str(DATA)})
    assert "shufa.plugins.memory" not in app.extensions
    out = Path(app.outdir)
    compared = 0
    for page in sorted(sample_site.rglob("*.html")):
        rel = page.relative_to(sample_site)
        if rel.parts[0] in {"_static", "genindex.html", "search.html"}:
            continue
        assert (out / rel).read_bytes() == page.read_bytes(), rel
        compared += 1
    assert compared > 30


def test_a_dismantled_doctree_holds_no_links() -> None:
    from shufa.plugins.memory import dismantle

    document = nodes.document(None, None)
    section = nodes.section("", nodes.title("", "标题"), nodes.paragraph("", "正文"))
    document += section
    paragraph = section[1]
    dismantle(document)
    assert section.children == [] and section.parent is None
    assert paragraph.parent is None and paragraph.children == []
