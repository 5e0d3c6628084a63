"""Sphinx plugin: search in Chinese that finds phrases, place names and figures, down to the
section, with an index split by term so that a query downloads what its terms need.

Sphinx 9.0's own ``zh`` search breaks in the browser (``ChineseStemmer is not
defined``), indexes no Chinese without jieba, and with jieba cannot find a
phrase that jieba cut differently (``法治政府建设``, ``224项``). This plugin
replaces it:

- Text is cut into terms by :mod:`shufa.core.searchterms` (character pairs,
  numbers, words; lone characters by page): no dictionary is loaded, and a
  phrase can never be cut "wrongly".
- Postings point at *parts* of pages (a report section or item, a section of
  a guide page), not at pages, so a result links to ``…/2023.html#s3-2``.
- The index (:mod:`shufa.core.searchindex`) is split by term: dictionary shards
  by term hash, long posting lists in blocks in rank order, the doc table in
  chunks, one text file per page for snippets, all under ``_static/search/``.
  ``_static/search-zh.js`` loads what a query needs and shows the results on
  Sphinx's search page, grouped by page, paged, with facets.

The partitioned build (``shufa_partition``): a partition's run writes its *piece*
(its pages tokenised, sorted and bucketed, its doc table and texts) under
``<outdir>/_shufa/search/``; the hub's run (``hub``) merges every partition's
piece (``<shufa_partitions_dir>/*/_shufa/search/``) and its own into the site's
files, without tokenising them again and rebuilding only the shards whose
buckets changed; the single run (``""``) does both. A piece is written only when
the searchable text or the metadata of one of its pages changed, and then only the
terms, texts and records of those pages are patched
(:func:`~shufa.core.searchindex.update_piece`); it is built whole when pages come,
go or move in rank order.

Sphinx's own searchindex.js keeps only the pages outside ``reports/`` (so it
does not grow with the archive) and no terms: the ``zh`` search language
registered here splits nothing, and the section titles and domain objects
(every report part and figure is one) are left out. ``shufa_search_exclude``
lists pages found by their title only (default: none); a page with
``nosearch`` metadata is left out too. Pages a plugin writes itself (the
year-to-year comparisons, which repeat two reports:
:func:`shufa.plugins.shared.envstore.note_extra_pages`) are found by their title.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.search import SearchLanguage
from sphinx.util import logging

from ..core.files import write_if_changed
from ..core.labels import part_headings
from ..core.partitions import Scope
from ..core.searchindex import (
    META_FILE,
    SITE_DIR,
    MergeReport,
    PieceReader,
    SearchPage,
    build_piece,
    describe_page,
    merge_pieces,
    update_piece,
    write_pages,
    write_piece,
)
from ..core.searchterms import INDEX_VERSION, PageText, Part, redacted, title_only
from . import config, metadata
from .assets import RULES_FILE
from .data import get_summary, loaded_archive
from .directives import report_item, report_page
from .inline import redaction
from .shared.envstore import extra_pages, per_document_store

logger = logging.getLogger(__name__)

SCRIPT_FILE = "search-zh.js"
STYLE_FILE = "search.css"
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


def page_text(doctree: nodes.document, headings: Mapping[str, str] | None = None) -> PageText:
    """The searchable parts of a page, in document order (the page itself first); a report's
    parts named by *headings* (anchor → name: :func:`~shufa.core.labels.part_headings`)."""
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
            # A hidden name or number is no text: it must not join its neighbours into a
            # term; snippets show it as printed.
            current[2].append(redacted(node.astext()))
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
        Part(anchor, _SPACE.sub(" ", label).strip(), _SPACE.sub(" ", "".join(text)).strip())
        for anchor, label, text in parts
    ]
    title = found[0].label
    if report:
        found = [
            Part(p.anchor, (headings or {}).get(p.anchor, "") if p.anchor else "", p.text) for p in found
        ]
    digest = hashlib.sha1(repr((title, report, found)).encode()).hexdigest()
    return PageText(title, report, found, digest)


def _read(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    if not _enabled(app):
        return
    if "nosearch" in env.metadata.get(env.docname, {}):
        env.shufa_search.pop(env.docname, None)
        return
    archive = loaded_archive(env)
    report = archive.reports.get(env.docname.removeprefix("reports/")) if archive is not None else None
    page = page_text(doctree, part_headings(report) if report is not None else None)
    if any(fnmatch.fnmatchcase(env.docname, p) for p in config.get(app.config).search_exclude):
        page = title_only(page.title)
    env.shufa_search[env.docname] = page


def _enabled(app: Sphinx) -> bool:
    builder = app.builder
    return builder.format == "html" and bool(getattr(builder, "search", False)) and _is_chinese(app)


def _is_chinese(app: Sphinx) -> bool:
    lang = app.config.html_search_language or app.config.language or ""
    return lang.lower().startswith("zh")


#: Where a run keeps its piece for the hub (partition runs: ``<outdir>/_shufa/search``).
PIECE_DIR = Path("_shufa", "search")


def _pages(app: Sphinx) -> dict[str, SearchPage]:
    """This run's searchable pages, with their metadata."""
    env = app.env
    archive = loaded_archive(env)
    texts: dict[str, PageText] = {d: p for d, p in env.shufa_search.items() if d in env.found_docs}
    for name, title in extra_pages(env).items():
        texts.setdefault(name, title_only(title))
    documentation = config.get(app.config).search_documentation
    return {d: SearchPage(t, describe_page(d, archive, documentation)) for d, t in texts.items()}


def _piece(app: Sphinx, folder: Path, scope: Scope) -> PieceReader:
    """This run's piece, written into *folder*; rebuilt only when a page or its metadata changed."""
    pages = _pages(app)
    partition = scope.name  # the piece's name in the index (none for the whole archive's)
    digest = hashlib.sha1(
        repr(
            [INDEX_VERSION, partition, sorted((d, p.text.digest, p.meta) for d, p in pages.items())]
        ).encode()
    ).hexdigest()
    stamp = folder / "pages.sha1"
    try:
        if stamp.read_text(encoding="utf-8") == digest:
            return PieceReader(folder)
    except (FileNotFoundError, ValueError):
        pass
    # after an edit, only the terms of the pages that changed; the whole piece when pages came,
    # went or moved in rank order
    written = update_piece(pages, partition, folder)
    how = "patched"
    if written is None:
        written = write_piece(build_piece(pages, partition), folder)
        write_pages(pages, folder)
        how = "built"
    write_if_changed(stamp, digest)
    logger.info(f"shufa: search piece {scope} {how}: {len(pages):,} pages, {written} files written")
    return PieceReader(folder)


def _labels(app: Sphinx) -> dict[str, Any]:
    archive = loaded_archive(app.env)
    if archive is None:
        return {}
    return {
        "topics": {t.key: t.label for t in archive.topics.values()},
        "kinds": {k.slug: k.name for k in archive.kinds.values()},
        # (from the summary: a hub's model holds no reports, the summary every partition's)
        "years": get_summary(app.env).years(),
    }


def write_index(app: Sphinx) -> MergeReport | None:
    """This run's share of the index: the piece of a partition, or the site's files.

    A partition writes its piece under ``<outdir>/_shufa/search/``; the hub merges every
    partition's piece and its own; the single run makes its piece (kept with the doctrees)
    and merges it. Returns what the merge did (None in a partition's run).
    """
    if not _enabled(app):
        return None
    options = config.get(app.config)
    scope = options.scope
    if scope.is_partition:
        _piece(app, Path(app.outdir) / PIECE_DIR, scope)
        return None
    work = Path(app.doctreedir) / "shufa-search"
    pieces = [_piece(app, work / "piece", scope)]
    if scope.is_hub:
        folder = options.partitions_dir
        root = Path(app.confdir, folder) if folder else None
        if root is None or not root.is_dir():
            logger.warning(
                f"shufa: shufa_partitions_dir {folder!r} is no folder; the search index holds the hub's pages only",
                type="shufa",
            )
        else:
            pieces += [
                PieceReader(manifest.parent)
                for manifest in sorted(root.glob("*/_shufa/search/manifest.json"))
            ]
    report = merge_pieces(pieces, Path(app.outdir) / SITE_DIR, _labels(app), work / "merged.json")
    logger.info(f"shufa: search index: {report}")
    app.builder.shufa_search_merged = True
    return report


def _collect_pages(app: Sphinx) -> Iterable[tuple[str, dict[str, Any], str]]:
    # Written before the search page is rendered, so the page's ?v= checksum is this index's.
    write_index(app)
    indexer = getattr(app.builder, "indexer", None)
    if indexer is not None and _is_chinese(app):
        slim_sphinx_index(indexer)
    return []


def _outside_reports(docname: str) -> bool:
    return not docname.startswith("reports/")


def slim_sphinx_index(indexer: Any) -> None:
    """Leave out of searchindex.js what the archive's own index finds.

    Report pages (everything under ``reports/``) are not in it at all, so that it does not
    grow with the archive (they are never fed: :func:`_builder_inited`; an index loaded
    from an older build loses them here); every report part and figure is a domain object
    and every section a title: as Sphinx stores them they would be most of searchindex.js.
    objects.inv keeps them all.
    """
    freeze = indexer.freeze

    def freeze_pages_only() -> dict[str, Any]:
        frozen = freeze()
        frozen["alltitles"] = {}
        return frozen

    indexer.prune({d for d in indexer._titles if _outside_reports(d)})
    indexer.get_objects = lambda fn2index: {}
    indexer.freeze = freeze_pages_only


def _builder_inited(app: Sphinx) -> None:
    builder = app.builder
    index_page = getattr(builder, "index_page", None)
    if index_page is None or not _is_chinese(app):
        return

    def index_hub_pages(pagename: str, *args: Any, **kwargs: Any) -> None:
        if _outside_reports(pagename):
            index_page(pagename, *args, **kwargs)

    builder.index_page = index_hub_pages


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if pagename == "search" and getattr(app.builder, "shufa_search_merged", False):
        # Deferred: they run after searchtools.js and before the search starts, in this order.
        app.add_js_file(RULES_FILE, priority=899, defer="defer")
        app.add_js_file(SCRIPT_FILE, priority=900, defer="defer")
        app.add_js_file(f"search/{META_FILE}", priority=901, defer="defer")
        app.add_css_file(STYLE_FILE)


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
    app.setup_extension("shufa.plugins.config")
    app.add_search_language(SearchChinese)
    per_document_store(app, "shufa_search")
    app.connect("doctree-read", _read)
    app.connect("html-collect-pages", _collect_pages)
    app.connect("html-page-context", _page_context)
    app.connect("builder-inited", _builder_inited)
    app.setup_extension("shufa.plugins.assets")
    return metadata()
