"""Search in Chinese: the terms text is indexed under, the posting codec and the index's shape.

Text is cut into *units*: adjacent CJK characters, numbers (``12.5``) and Latin
words, after NFKC normalisation. The index holds every pair of adjacent units
(character bigrams such as ``法治``, ``224项``, ``12.5万``), every number and word
alone, and lone characters. A phrase query becomes the same pairs; a place, a
phrase or a figure is found when one part of a page holds all its pairs. No
dictionary is loaded, and a phrase can never be cut "wrongly". The browser
code (``search-zh.js``) gets :data:`UNIT` from here at build time.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
import zlib
from collections import defaultdict
from collections.abc import Iterator
from typing import Any, NamedTuple

#: Bump when the index format or the tokenisation changes.
INDEX_VERSION = 3
INDEX_FILE = "searchindex-zh.js"

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: One unit of text: a number (with decimals), a Latin word, one CJK character or ``%``
#: (the pattern's text is written into the browser code, so it stays in both's syntax).
UNIT_PATTERN = rf"[0-9]+(?:\.[0-9]+)?|[a-z]+|[{CJK}%]"
UNIT = re.compile(UNIT_PATTERN)
_ISCJK = re.compile(rf"[{CJK}]")


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


_CHARS = f"{CJK}%"
#: Overlapping pairs of adjacent characters, found by the regular expression engine in one pass.
_PAIRS = re.compile(rf"(?=([{_CHARS}]{{2}}))")
_LONE = re.compile(rf"(?<![{_CHARS}0-9a-z])[{CJK}](?![{_CHARS}0-9a-z])")
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
        tokens.update(u for u in run if u != "%" and not _ISCJK.match(u))
    return tokens


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


def title_only(title: str) -> PageText:
    """A page found by its title only."""
    parts = [Part("", title, normalize(title))]
    return PageText(title, False, parts, hashlib.sha1(repr((title, parts)).encode()).hexdigest())


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
