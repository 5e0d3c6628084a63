"""Sphinx plugin: search in Chinese that finds phrases, place names and figures, down to the section.

Sphinx 9.0's own ``zh`` search breaks in the browser (``ChineseStemmer is not
defined``), indexes no Chinese without jieba, and with jieba cannot find a
phrase that jieba cut differently (``法治政府建设``, ``224项``). This plugin
replaces it:

- Text is cut into *units*: adjacent CJK characters, numbers (``12.5``) and
  Latin words, after NFKC normalisation. The index holds every pair of
  adjacent units (character bigrams such as ``法治``, ``224项``, ``12.5万``),
  every number and word alone, and lone characters. A phrase query becomes
  the same pairs; a place, a phrase or a figure is found when one part of a
  page holds all its pairs. No dictionary is loaded: jieba is never imported,
  so a no-op build costs nothing, and a phrase can never be cut "wrongly".
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
reports: :func:`shufa.data.note_extra_pages`) are found by their title.
"""

from __future__ import annotations

import fnmatch
import hashlib
import itertools
import json
import re
import unicodedata
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.search import SearchLanguage
from sphinx.util import logging

from .data import extra_pages, per_document_store
from .inline import redaction

logger = logging.getLogger(__name__)

#: Bump when the index format or the tokenisation changes (also in search-zh.js).
INDEX_VERSION = 3
INDEX_FILE = "searchindex-zh.js"
#: Pages per shard of the index (``shufa_search_shard_pages``).
SHARD_PAGES = 400
SCRIPT_FILE = "search-zh.js"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: One unit of text: a number (with decimals), a Latin word, one CJK character or ``%``.
#: search-zh.js uses the same expression; keep them in step.
UNIT = re.compile(rf"[0-9]+(?:\.[0-9]+)?|[a-z]+|[{_CJK}%]")
_IS_CJK = re.compile(rf"[{_CJK}]")
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Full-width forms folded (``２２４％`` → ``224%``), Latin lower-cased."""
    return unicodedata.normalize("NFKC", text).lower()


def runs(text: str) -> Iterator[list[str]]:
    """Runs of adjacent units of *text* (already normalised): anything else separates runs."""
    run: list[str] = []
    end = -1
    for match in UNIT.finditer(text):
        if match.start() != end and run:
            yield run
            run = []
        run.append(match.group())
        end = match.end()
    if run:
        yield run


_CHARS = f"{_CJK}%"
#: Overlapping pairs of adjacent characters, found by the regular expression engine in one pass.
_PAIRS = re.compile(rf"(?=([{_CHARS}]{{2}}))")
_LONE = re.compile(rf"(?<![{_CHARS}0-9a-z])[{_CJK}](?![{_CHARS}0-9a-z])")
_WORDS = re.compile(r"[0-9]+(?:\.[0-9]+)?|[a-z]+")
_IS_CHAR = re.compile(rf"[{_CHARS}]")


def index_tokens(text: str) -> set[str]:
    """The terms under which a part holding *text* (normalised) is indexed.

    Every pair of adjacent units of a run, every number and Latin word, and a run's lone
    unit: what :func:`reference_tokens` gives, without a Python step per character (the
    shard of the index is rebuilt from all its pages' text whenever one of them changes).
    """
    tokens = set(_PAIRS.findall(text))
    tokens.update(_LONE.findall(text))
    add = tokens.add
    end = -1
    word = ""
    for match in _WORDS.finditer(text):
        current = match.group()
        start = match.start()
        add(current)
        if start == end:
            add(word + current)
        elif start and not current[0].isdigit() and _IS_CHAR.match(text, start - 1):
            add(text[start - 1] + current)
        end = match.end()
        if end < len(text) and _IS_CHAR.match(text, end):
            add(current + text[end])
        word = current
    return tokens


def pairs(run: list[str]) -> list[str]:
    """Adjacent units of a run, joined; not a character followed by a number (``务224``).

    A number is indexed with the unit after it (``224项``) and alone (``224``); pairs
    that end in a number would be a tenth of the index and find nothing those miss.
    """
    return [a + b for a, b in itertools.pairwise(run) if not (b[0].isdigit() and _IS_CHAR.match(a))]


def reference_tokens(text: str) -> set[str]:
    """:func:`index_tokens` spelled out unit by unit (what search-zh.js does; tests compare)."""
    tokens: set[str] = set()
    for run in runs(text):
        if len(run) == 1:
            if run[0] != "%":
                tokens.add(run[0])
            continue
        tokens.update(pairs(run))
        tokens.update(u for u in run if u != "%" and not _IS_CJK.match(u))
    return tokens


def query_phrases(query: str) -> list[list[str]]:
    """The terms of each phrase of *query*: a run's pairs (and its numbers when a pair that
    ends in one is not indexed), or the run's one unit."""
    phrases = []
    for run in runs(normalize(query)):
        if len(run) == 1:
            phrases.append(run)
            continue
        terms = pairs(run)
        if len(terms) < len(run) - 1:
            terms += [u for u in run if u[0].isdigit() and u not in terms]
        phrases.append(terms)
    return phrases


# --- collecting searchable parts while reading ---------------------------------------------


class Part(NamedTuple):
    """A linkable part of a page: its anchor (``""`` for the page), its label and its text."""

    anchor: str
    label: str
    text: str


class PageText(NamedTuple):
    title: str
    #: Report pages name their parts from the anchors (第三部分第二项), so labels are not stored.
    report: bool
    parts: list[Part]
    digest: str


def _starts_part(node: nodes.Element, depth: int) -> str | None:
    """The anchor of the part *node* opens, ``""`` for the page itself, None if it opens none."""
    classes = node.get("classes", [])
    ids = node.get("ids", [])
    if isinstance(node, nodes.container) and "report-item" in classes and ids:
        return ids[0]
    if isinstance(node, nodes.section):
        if depth == 0 or "report" in ids:
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
        if anchor is not None and "report" in node.get("ids", []):
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


def title_only(title: str) -> PageText:
    """A page found by its title only."""
    parts = [Part("", title, normalize(title))]
    return PageText(title, False, parts, hashlib.sha1(repr((title, parts)).encode()).hexdigest())


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


# --- the index -----------------------------------------------------------------------------

#: Postings are sorted part numbers, stored as gaps in a base-32 variable-length code: the
#: last digit of a number from _FINAL, the leading digits from _MORE (64 characters safe in JSON).
_FINAL = "0123456789abcdefghijklmnopqrstuv"
_MORE = "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-"


def _number(n: int) -> str:
    digits = [_FINAL[n & 31]]
    n >>= 5
    while n:
        digits.append(_MORE[n & 31])
        n >>= 5
    return "".join(reversed(digits))


_CODES = [_number(n) for n in range(1024)]


def encode_postings(ids: list[int], total: int) -> str:
    """*ids* (sorted, distinct) as gaps; a term in most parts stores the parts it is missing from (``!``)."""
    if len(ids) * 2 > total:
        present = set(ids)
        return "!" + encode_postings([i for i in range(total) if i not in present], total)
    codes = _CODES
    gaps = [b - a - 1 for a, b in zip([-1, *ids], ids, strict=False)]
    return "".join([codes[g] if g < 1024 else _number(g) for g in gaps])


def decode_postings(code: str, total: int) -> list[int]:
    """The inverse of :func:`encode_postings` (search-zh.js does the same in the browser)."""
    if code.startswith("!"):
        missing = set(decode_postings(code[1:], total))
        return [i for i in range(total) if i not in missing]
    ids = []
    previous = -1
    value = 0
    for ch in code:
        if ch in _MORE:
            value = value * 32 + _MORE.index(ch)
            continue
        value = value * 32 + _FINAL.index(ch)
        previous += value + 1
        ids.append(previous)
        value = 0
    return ids


def build_index(pages: dict[str, PageText]) -> dict[str, Any]:
    """The browser index of *pages* (docname → text); part numbers follow docname, then page order."""
    docnames = sorted(pages)
    postings: dict[str, list[int]] = defaultdict(list)
    parts: list[Any] = []
    number = 0
    for docname in docnames:
        page = pages[docname]
        if page.report:
            parts.append(" ".join(p.anchor for p in page.parts[1:]))
        else:
            parts.append([[p.anchor, p.label] for p in page.parts[1:]])
        for part in page.parts:
            for token in index_tokens(part.text):
                postings[token].append(number)
            number += 1
    return {
        "v": INDEX_VERSION,
        "docs": docnames,
        "titles": [pages[d].title for d in docnames],
        "reports": [i for i, d in enumerate(docnames) if pages[d].report],
        "parts": parts,
        "total": number,
        "terms": {token: encode_postings(ids, number) for token, ids in sorted(postings.items())},
    }


def index_digest(pages: dict[str, PageText], shard: int = 0, count: int = 1) -> str:
    state = [INDEX_VERSION, shard, count, sorted((d, p.digest) for d, p in pages.items())]
    return hashlib.sha1(repr(state).encode()).hexdigest()


def shard_file(shard: int) -> str:
    """``searchindex-zh.js`` for the first shard, ``searchindex-zh-<n>.js`` for the others."""
    return INDEX_FILE if shard == 0 else f"searchindex-zh-{shard}.js"


def shard_count(pages: int, per_shard: int) -> int:
    return max(1, -(-pages // max(1, per_shard)))


def shard_of(docname: str, count: int) -> int:
    """The shard of a page: a county's pages (reports, comparisons, its page) share one."""
    if count == 1:
        return 0
    parts = docname.split("/")
    key = parts[1] if parts[0] == "reports" and len(parts) > 2 else docname
    return zlib.crc32(key.encode("utf-8")) % count


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
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(f"{head}ShufaSearch.setIndex({payload}, {shard}, {count});\n", encoding="utf-8")
    tmp.replace(path)
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


#: Pages found by their title only: the year-to-year comparisons repeat two reports' text
#: (a phrase would be found three times, and the index would be half as large again).
DEFAULT_EXCLUDE: tuple[str, ...] = ()


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("shufa_search_exclude", DEFAULT_EXCLUDE, "env", types=frozenset({list, tuple}))
    app.add_config_value("shufa_search_shard_pages", SHARD_PAGES, "html", types=frozenset({int}))
    app.add_search_language(SearchChinese)
    per_document_store(app, "shufa_search")
    app.connect("doctree-read", _read)
    app.connect("html-collect-pages", _collect_pages)
    app.connect("html-page-context", _page_context)
    app.connect("config-inited", _add_static_path)
    return {
        "version": "1",
        "env_version": INDEX_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }


def _add_static_path(app: Sphinx, config: Any) -> None:
    static = str(Path(__file__).parent / "static")
    if static not in config.html_static_path:
        config.html_static_path = [*config.html_static_path, static]
