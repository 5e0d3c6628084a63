"""Search in Chinese: the terms text is indexed under, and the posting codec.

Text is cut into *units*: adjacent CJK characters, numbers (``12.5``) and Latin
words, after NFKC normalisation. A *part* of a page (a report section or item, a
section of a guide page) is indexed under every pair of adjacent units
(character bigrams such as ``法治``, ``224项``, ``12.5万``) and every number and
word alone (:func:`index_tokens`); a *page* is indexed under each CJK character
it holds (:func:`page_chars`), so that a lone character is found too. A phrase
query becomes the same pairs; a place, a phrase or a figure is found when one
part of a page holds all its pairs and, for a phrase the pairs do not settle
(:func:`found_by_terms`), its units adjacent in the part's text
(:func:`unit_text`). No dictionary is loaded, and a phrase can never be cut
"wrongly". The browser code (``search-zh.js``) gets
:data:`UNIT_PATTERN` from here at build time.

The layout of the index (pieces, shards, blocks, the doc table) is
:mod:`shufa.core.searchindex`; the query the browser runs, spelled out in
Python, is :mod:`shufa.core.searchquery`.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple

#: Bump when the index format or the tokenisation changes.
INDEX_VERSION = 5

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: One unit of text: a number (with decimals), a Latin word, one CJK character or ``%``
#: (the pattern's text is written into the browser code, so it stays in both's syntax).
UNIT_PATTERN = rf"[0-9]+(?:\.[0-9]+)?|[a-z]+|[{CJK}%]"
UNIT = re.compile(UNIT_PATTERN)
_ISCJK = re.compile(rf"[{CJK}]")


def normalize(text: str) -> str:
    """Full-width forms folded (``２２４％`` → ``224%``), Latin lower-cased."""
    return unicodedata.normalize("NFKC", text).lower()


#: A redaction mark in page text is kept between these two (private use) characters: shown
#: in snippets as printed, never indexed, and never joining its neighbours into a term.
REDACTION_OPEN, REDACTION_CLOSE = "\ue000", "\ue001"
_REDACTED = re.compile(f"{REDACTION_OPEN}[^{REDACTION_CLOSE}]*{REDACTION_CLOSE}")


def redacted(mark: str) -> str:
    """A redaction mark (``**``, ``×××``) as page text keeps it."""
    return REDACTION_OPEN + mark.replace(REDACTION_CLOSE, "") + REDACTION_CLOSE


def searchable(text: str) -> str:
    """Page text as indexed: redaction marks out (a break), normalised."""
    return normalize(_REDACTED.sub("\n", text))


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
_CJK_CHAR = re.compile(rf"[{CJK}]")
_WORDS = re.compile(r"[0-9]+(?:\.[0-9]+)?|[a-z]+")
_IS_CHAR = re.compile(rf"[{_CHARS}]")


def index_tokens(text: str) -> set[str]:
    """The terms under which a part holding *text* (normalised) is indexed.

    Every pair of adjacent units of a run and every number and Latin word: what
    :func:`reference_tokens` gives, without a Python step per character. Lone characters
    are indexed by page (:func:`page_chars`).
    """
    tokens = set(_PAIRS.findall(text))
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
        tokens.update(pairs(run))
        tokens.update(u for u in run if u != "%" and not _ISCJK.match(u))
    return tokens


def page_chars(text: str) -> set[str]:
    """The CJK characters of *text* (normalised): a page is indexed under each, as a whole."""
    return set(_CJK_CHAR.findall(text))


def query_runs(query: str) -> tuple[list[list[str]], list[list[str]]]:
    """The phrases of a query, wanted and unwanted (``-phrase``), each as its units: every run of
    adjacent units of a word (space and punctuation separate phrases; a lone ``%`` is none).

    search-zh.js does the same (``ShufaSearch.queryRuns``; tests compare)."""
    wanted: list[list[str]] = []
    unwanted: list[list[str]] = []
    for word in normalize(query).split():
        target = wanted
        if len(word) > 1 and word[0] == "-":
            target, word = unwanted, word[1:]
        target += [run for run in runs(word) if run != ["%"]]
    return wanted, unwanted


def phrase_terms(run: list[str]) -> list[str]:
    """The terms a part holding the phrase *run* (its units) is indexed under, all of them: its
    pairs, and its numbers not in a pair (``意见521``: ``意见`` and ``521``); a lone unit itself
    (a lone character: found by page)."""
    if len(run) == 1:
        return list(run)
    terms = pairs(run)
    if len(terms) < len(run) - 1:
        terms += [u for u in run if u[0].isdigit() and u not in terms]
    return terms


def query_phrases(query: str) -> tuple[list[list[str]], list[list[str]]]:
    """The phrases of a query, wanted and unwanted (``-phrase``), each as the terms that must
    all be found: in one part for pairs, numbers and words; in the page for a lone character.

    search-zh.js does the same (``ShufaSearch.phrases``; tests compare)."""
    wanted, unwanted = query_runs(query)
    return [phrase_terms(run) for run in wanted], [phrase_terms(run) for run in unwanted]


def found_by_terms(run: list[str]) -> bool:
    """Whether a part (a page, for a lone character) holding the terms of the phrase *run* holds
    the phrase itself: a lone unit, or two whose pair is a term (``法治``, ``224项``). A longer
    phrase is checked in the part's text (:func:`unit_text`): ``法治政府法治政府`` has the pairs
    of ``法治政府`` and ``府法`` but is another phrase."""
    return len(run) == 1 or phrase_terms(run) == ["".join(run)]


#: Around each unit in :func:`unit_text` and :func:`unit_phrase` (no unit holds it).
_UNIT_MARK = "\x01"


def unit_text(text: str) -> str:
    """*text* (as indexed: :func:`searchable`) as its runs of units, each unit between two marks,
    runs on lines of their own: a phrase is in the text when :func:`unit_phrase` of it is a
    substring, its units whole and adjacent in one run, as the index cuts them (``224项`` is not
    in ``1224项``, ``法治政府`` not in ``法治，政府``)."""
    return "\n".join(_UNIT_MARK + _UNIT_MARK.join(run) + _UNIT_MARK for run in runs(text))


def unit_phrase(run: list[str]) -> str:
    """A phrase's units as :func:`unit_text` writes them."""
    return _UNIT_MARK + _UNIT_MARK.join(run) + _UNIT_MARK


def is_page_term(term: str) -> bool:
    """A term indexed by page, not by part: a lone CJK character, or a facet (``~k:shufa``)
    other than a topic (topics are indexed by part)."""
    if term.startswith(FACET):
        return not term.startswith(FACET + "t:")
    return len(term) == 1 and bool(_CJK_CHAR.match(term))


#: Facet terms start with this (tokens never do): ``~p:江澜省``, ``~c:qinghe``, ``~k:shufa``,
#: ``~y:2023`` (pages), ``~t:study`` (the parts of a section of that topic).
FACET = "~"
FACETS = ("p", "c", "k", "y", "t")


def facet_term(facet: str, value: object) -> str:
    return f"{FACET}{facet}:{value}"


class Part(NamedTuple):
    """A linkable part of a page: its anchor (``""`` for the page), its label and its text.

    *text* is the text as shown (spaces collapsed), for snippets; it is indexed normalised."""

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
    parts = [Part("", title, title)]
    return PageText(title, False, parts, hashlib.sha1(repr((title, parts)).encode()).hexdigest())


# --- the posting codec ---------------------------------------------------------------------

#: Numbers are written in a base-32 variable-length code: the last digit of a number from
#: _FINAL, the leading digits from _MORE (64 characters, all safe in JSON and in URLs).
_FINAL = "0123456789abcdefghijklmnopqrstuv"
_MORE = "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-"
_FINAL_VALUE = {c: i for i, c in enumerate(_FINAL)}
_MORE_VALUE = {c: i for i, c in enumerate(_MORE)}


def _number(n: int) -> str:
    digits = [_FINAL[n & 31]]
    n >>= 5
    while n:
        digits.append(_MORE[n & 31])
        n >>= 5
    return "".join(reversed(digits))


_CODES = [_number(n) for n in range(1024)]


def number_code(n: int) -> str:
    return _CODES[n] if n < 1024 else _number(n)


def decode_numbers(code: str) -> list[int]:
    numbers = []
    value = 0
    for ch in code:
        more = _MORE_VALUE.get(ch)
        if more is not None:
            value = value * 32 + more
            continue
        numbers.append(value * 32 + _FINAL_VALUE[ch])
        value = 0
    return numbers


#: One posting: a page (its number within its segment) and, for a term indexed by part, the
#: numbers of its parts that hold the term (0: the page's own text before its first part).
Posting = tuple[int, tuple[int, ...]]


def encode_postings(postings: list[Posting], by_part: bool = True, previous: int = -1) -> str:
    """Postings (sorted by page, distinct) as numbers: the gap to the previous page, then, by
    part, each part as ``gap * 2 + last`` (the gap to the previous part of the page, and 1 on
    the page's last part). *previous* is the page before the first (a block's start - 1)."""
    gaps, parts = posting_codes(postings, by_part, previous)
    return "".join([g + p for g, p in zip(gaps, parts, strict=True)])


_PARTS_CODES: dict[tuple[int, ...], str] = {}


def posting_codes(postings: list[Posting], by_part: bool, previous: int = -1) -> tuple[list[str], list[str]]:
    """The code of each posting in two halves: its page gap, and its parts (see
    :func:`encode_postings`, which joins them)."""
    code = number_code
    gaps = []
    for page, _ in postings:
        gap = page - previous - 1
        gaps.append(_CODES[gap] if gap < 1024 else code(gap))
        previous = page
    if not by_part:
        return gaps, [""] * len(postings)
    cache = _PARTS_CODES
    parts = []
    for _, numbers in postings:
        found = cache.get(numbers)
        if found is None:
            out = []
            before = -1
            last = len(numbers) - 1
            for i, part in enumerate(numbers):
                out.append(code((part - before - 1) * 2 + (i == last)))
                before = part
            found = cache[numbers] = "".join(out)
        parts.append(found)
    return gaps, parts


def decode_postings(code: str, by_part: bool = True, previous: int = -1) -> list[Posting]:
    """The inverse of :func:`encode_postings` (search-zh.js does the same in the browser)."""
    numbers = decode_numbers(code)
    postings: list[Posting] = []
    i = 0
    while i < len(numbers):
        previous += numbers[i] + 1
        i += 1
        parts: list[int] = []
        if by_part:
            before = -1
            while True:
                value = numbers[i]
                i += 1
                before += (value >> 1) + 1
                parts.append(before)
                if value & 1:
                    break
        postings.append((previous, tuple(parts)))
    return postings


def term_hash(term: str) -> int:
    """FNV-1a (32 bits) of the term's UTF-8 bytes: which shard of the dictionary holds it
    (search-zh.js computes the same; tests compare)."""
    h = 0x811C9DC5
    for byte in term.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h
