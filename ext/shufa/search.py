"""Sphinx plugin: search in Chinese that finds phrases, place names and figures, down to the section.

Sphinx 9.0's own ``zh`` search breaks in the browser (``ChineseStemmer is not
defined``), indexes no Chinese without jieba, and with jieba cannot find a
phrase that jieba cut differently (``法治政府建设``, ``224项``). This plugin
replaces it:

- Text is cut into terms by :mod:`shufa.core.searchterms` (character pairs,
  numbers, words): no dictionary is loaded, so a no-op build costs nothing,
  and a phrase can never be cut "wrongly".
- Postings point at *parts* of pages (a report section or item, a section of
  a guide page), not at pages, so a result links to ``…/2023.html#s3-2``.
- The index is ``_static/searchindex-zh.js`` (and ``searchindex-zh-1.js`` …:
  one shard per ``shufa_search_shard_pages`` pages, a county's pages in one
  shard), a shard written only when the searchable text of one of its pages
  changed, so an edit rewrites one shard; ``_static/search-zh.js`` loads every
  shard, splits queries by the same rules and plugs the results into Sphinx's
  search page.

Sphinx's own searchindex.js keeps only the pages and their titles: its term
list stays empty (the ``zh`` search language registered here splits nothing),
and the section titles and domain objects (every report part and figure is
one) are left out — searchindex-zh.js finds them by their text. ``shufa_search_exclude`` lists pages found by their title
only (default: none); a page with ``nosearch`` metadata is left out too.
Pages a plugin writes itself (the year-to-year comparisons, which repeat two
reports: :func:`shufa.envstore.note_extra_pages`) are found by their title.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.search import SearchLanguage
from sphinx.util import logging

from .assets import RULES_FILE
from .core.files import write_if_changed
from .core.searchterms import (
    INDEX_VERSION,
    PageText,
    Part,
    build_index,
    index_digest,
    normalize,
    shard_count,
    shard_file,
    shard_of,
    title_only,
)
from .directives import report_item, report_page
from .envstore import extra_pages, per_document_store
from .inline import redaction

logger = logging.getLogger(__name__)

SCRIPT_FILE = "search-zh.js"
_SPACE = re.compile(r"\s+")


# --- collecting searchable parts while reading ---------------------------------------------


def _starts_part(node: nodes.Element, depth: int) -> str | None:
    """The anchor of the part *node* opens, ``""`` for the page itself, None if it opens none."""
    ids = node.get("ids", [])
    if isinstance(node, report_item):
        return ids[0]
    if isinstance(node, nodes.section):
        if depth == 0 or isinstance(node, report_page):
            return ""
        return ids[0] if ids else None
    return None


def page_text(doctree: nodes.document) -> PageText:
    """The searchable parts of a page, in document order (the page itself first)."""
    parts: list[list[Any]] = [["", "", []]]
    report = False

    def walk(node: nodes.Node, current: list[Any], depth: int) -> None:
        nonlocal report
        if isinstance(node, nodes.Text):
            current[2].append(node.astext())
            return
        if not isinstance(node, nodes.Element):
            return
        if isinstance(node, (nodes.comment, nodes.raw, nodes.system_message, nodes.Invisible)):
            return
        if "no-search" in node.get("classes", []):
            return
        if isinstance(node, redaction):
            # A hidden name or number is no text: it must not join its neighbours into a term.
            current[2].append("\n")
            return
        if not node.children:
            # a leaf that keeps its text in attributes (a figure mark) says it with astext()
            current[2].append(node.astext())
        anchor = _starts_part(node, depth)
        if isinstance(node, report_page):
            report = True
        if anchor:
            current = [anchor, "", []]
            parts.append(current)
        if isinstance(node, nodes.title) and not current[1]:
            current[1] = node.astext()
        child_depth = depth + 1 if isinstance(node, nodes.section) else depth
        for child in node.children:
            walk(child, current, child_depth)
        if not isinstance(node, nodes.Inline):
            current[2].append("\n")

    for child in doctree.children:
        walk(child, parts[0], 0)
    found = [
        Part(anchor, _SPACE.sub(" ", label).strip(), _SPACE.sub(" ", normalize("".join(text))).strip())
        for anchor, label, text in parts
    ]
    title = found[0].label
    if report:
        found = [Part(p.anchor, "", p.text) for p in found]
    digest = hashlib.sha1(repr((title, report, found)).encode()).hexdigest()
    return PageText(title, report, found, digest)


def _read(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    if not _enabled(app):
        return
    if "nosearch" in env.metadata.get(env.docname, {}):
        env.shufa_search.pop(env.docname, None)
        return
    page = page_text(doctree)
    if any(fnmatch.fnmatchcase(env.docname, p) for p in app.config.shufa_search_exclude):
        page = title_only(page.title)
    env.shufa_search[env.docname] = page


def _enabled(app: Sphinx) -> bool:
    builder = app.builder
    return builder.format == "html" and bool(getattr(builder, "search", False)) and _is_chinese(app)


def _is_chinese(app: Sphinx) -> bool:
    lang = app.config.html_search_language or app.config.language or ""
    return lang.lower().startswith("zh")


def write_index(app: Sphinx) -> list[Path]:
    """Write the index in shards of about ``shufa_search_shard_pages`` pages each.

    A shard file is rewritten only when it would change, so an edit rewrites the shard
    of the county it touched, not the whole archive's index. Files of shards no longer
    needed are removed.
    """
    if not _enabled(app):
        return []
    pages: dict[str, PageText] = {d: p for d, p in app.env.shufa_search.items() if d in app.env.found_docs}
    for name, title in extra_pages(app.env).items():
        pages.setdefault(name, title_only(title))
    count = shard_count(len(pages), app.config.shufa_search_shard_pages)
    groups: dict[int, dict[str, PageText]] = defaultdict(dict)
    for docname, page in pages.items():
        groups[shard_of(docname, count)][docname] = page
    static = Path(app.outdir, "_static")
    paths = [_write_shard(static, groups[k], k, count) for k in range(count)]
    for old in static.glob("searchindex-zh-*.js"):
        number = old.stem.rpartition("-")[2]
        if not number.isdigit() or int(number) >= count:
            old.unlink()
    app.builder.shufa_search_shards = count
    return paths


def _write_shard(static: Path, pages: dict[str, PageText], shard: int, count: int) -> Path:
    path = static / shard_file(shard)
    head = f"/* shufa search index {index_digest(pages, shard, count)} */\n"
    try:
        with path.open(encoding="utf-8") as f:
            if f.readline() == head:
                return path
    except FileNotFoundError:
        pass
    index = build_index(pages)
    # json.dumps escapes nothing that could end the script: "<" is escaped so that
    # "</script>" in a page can never close a script element that inlines the index.
    payload = json.dumps(index, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    write_if_changed(path, f"{head}ShufaSearch.setIndex({payload}, {shard}, {count});\n")
    logger.info(
        f"shufa: search index shard {shard + 1}/{count}: {path.stat().st_size:,} bytes, {index['total']} parts"
    )
    return path


def _collect_pages(app: Sphinx) -> Iterable[tuple[str, dict[str, Any], str]]:
    # Written before the search page is rendered, so the page's ?v= checksum is this index's.
    paths = write_index(app)
    indexer = getattr(app.builder, "indexer", None)
    if paths and indexer is not None:
        slim_sphinx_index(indexer)
    return []


def slim_sphinx_index(indexer: Any) -> None:
    """Leave out of searchindex.js what searchindex-zh.js finds by text.

    Every report part and figure is a domain object and every section a title: as
    Sphinx stores them they would be most of searchindex.js, and their substring
    search floods the results (search-zh.js turns it off). objects.inv keeps them all.
    """
    freeze = indexer.freeze

    def freeze_pages_only() -> dict[str, Any]:
        frozen = freeze()
        frozen["alltitles"] = {}
        return frozen

    indexer.get_objects = lambda fn2index: {}
    indexer.freeze = freeze_pages_only


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if pagename == "search" and _enabled(app):
        # Deferred: they run after searchtools.js and before the search starts, in this order.
        app.add_js_file(RULES_FILE, priority=899, defer="defer")
        app.add_js_file(SCRIPT_FILE, priority=900, defer="defer")
        for shard in range(getattr(app.builder, "shufa_search_shards", 1)):
            app.add_js_file(shard_file(shard), priority=901, defer="defer")


class SearchChinese(SearchLanguage):
    """The ``zh`` search language of Sphinx, replaced: no jieba, no stemmer, no terms.

    The terms of Chinese pages live in searchindex-zh.js; Sphinx's own index keeps the
    page titles and domain objects. Its identity stemmer fixes ``ChineseStemmer is not
    defined``, which Sphinx 9.0's zh language causes in the browser.
    """

    lang = "zh"
    language_name = "Chinese"
    js_stemmer_rawcode = ""
    stopwords: ClassVar[set[str]] = set()

    def split(self, input: str) -> list[str]:
        return []

    def word_filter(self, word: str) -> bool:
        return False


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("shufa.config")
    app.add_search_language(SearchChinese)
    per_document_store(app, "shufa_search")
    app.connect("doctree-read", _read)
    app.connect("html-collect-pages", _collect_pages)
    app.connect("html-page-context", _page_context)
    app.setup_extension("shufa.assets")
    return {
        "version": "1",
        "env_version": INDEX_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
