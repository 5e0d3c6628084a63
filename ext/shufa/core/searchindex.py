"""The site-wide search index, split by term: pieces written by partitions, merged by the hub.

A reader's query downloads only what its terms need, whatever the size of the archive:

- **Pages in rank order.** Every page has a *tier* (0 reports, 1 county pages, 2 comparison
  pages, 3 every other page, 4 the documentation) and, within the tier, a rank (province, county, kind, year
  descending, in the order of counties.yaml and kinds.yaml; other pages by name). A
  partition numbers its pages of each tier 0, 1, 2 … in rank order (*local* numbers); the
  site's *segments* are the (tier, partition) pairs in order, so a page is (segment, local
  number), and a posting list read in that order lists reports first, best-ranked first.
  Page numbers of one partition never depend on another partition's pages.
- **Dictionary shards.** The terms are spread over ``shards`` files (a power of two) by a
  hash of the term (:func:`~shufa.core.searchterms.term_hash`); a query loads the shards of
  its terms only. A term's entry says how many pages hold it, and, per segment, either its
  postings (short lists, most terms) or where its *blocks* start.
- **Blocks.** A long posting list is cut into blocks of at most :data:`BLOCK_MAX` characters
  (cut where a hash of the page number says so once the block has :data:`BLOCK_MIN`, so an
  edit changes the block of the edited page and not the cuts after it); a query loads the
  first blocks and loads more only when it needs more results.
- **The doc table** (name, title, type, province, county, kind, year, parts) comes in chunks
  of :data:`CHUNK` pages per segment; **page text** for snippets in one small file per page.

The build happens in two steps that the partitioned build runs in different processes:

1. :func:`build_piece` turns a partition's pages (:class:`SearchPage`: text and metadata)
   into a *piece*: its doc table, its postings already tokenised, sorted and cut into
   blocks, filed in :data:`BUCKETS` buckets by term hash, and its pages' text
   (:meth:`Piece.files`, written under ``<outdir>/_shufa/search/``).
2. :func:`merge_pieces` (the hub, or the single run) assembles the site's files from the
   pieces without tokenising anything: a dictionary shard is the union of the same buckets
   of every piece. It keeps a record of the buckets it merged, so that after an edit it
   rebuilds only the shards whose buckets changed and copies only the changed blocks,
   chunks and texts.

The files (under ``_static/search/``) are scripts that call ``ShufaSearch.set…`` so that a
search page opened from ``file://`` can load them with ``<script>`` elements.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from .files import script_json, write_if_changed, write_new_or_if_changed
from .model import Archive
from .searchterms import (
    INDEX_VERSION,
    PageText,
    Part,
    Posting,
    decode_postings,
    facet_term,
    index_tokens,
    is_page_term,
    page_chars,
    posting_codes,
    searchable,
    term_hash,
)

#: Tiers of pages, in rank order. The documentation (the guide, the reference) comes last and
#: out of a reader's search: a query runs over the tiers before it, or over it alone (文档).
REPORTS, COUNTIES, COMPARISONS, PAGES, DOCUMENTATION = 0, 1, 2, 3, 4
TIERS = (REPORTS, COUNTIES, COMPARISONS, PAGES, DOCUMENTATION)
#: The pages of the documentation tier by default (page-name patterns: shufa_search_documentation).
DOCUMENTATION_PAGES = ("guide/*", "reference/*")

#: Buckets of a piece (by term hash): the hub's shard count divides it.
BUCKETS = 1024
#: Doc-table records per file.
CHUNK = 64
#: A segment's postings of a term up to this many characters stay in the dictionary entry.
INLINE = 320
#: Bounds of a block of postings, in characters of the code.
BLOCK_MIN = 3000
BLOCK_MAX = 12000
#: Once a block has BLOCK_MIN characters, it ends before a page whose number hashes to 0
#: modulo this (on average every CUT_EVERY-th page of the list).
CUT_EVERY = 8
#: Characters of dictionary per shard the hub aims at.
SHARD_TARGET = 20000

#: Where the site's search files go, under the output folder.
SITE_DIR = "_static/search"
META_FILE = "meta.js"
#: A page number is segment * SEGMENT + local number (in the browser too).
SEGMENT = 1 << 26


# --- pages and their metadata ---------------------------------------------------------------


@dataclass(frozen=True)
class DocMeta:
    """What the index knows of a page besides its text."""

    tier: int
    #: sort key within the tier
    rank: tuple
    #: the doc record's metadata (see :func:`describe_page`); name, title and parts are added
    record: Mapping[str, Any] = field(default_factory=dict)
    #: topic of each part (by anchor), for the topic facet
    topics: Mapping[str, str] = field(default_factory=dict)


class SearchPage(NamedTuple):
    text: PageText
    meta: DocMeta


def describe_page(
    docname: str, archive: Archive | None, documentation: Sequence[str] = DOCUMENTATION_PAGES
) -> DocMeta:
    """The tier, rank and facets of a page from its name and the archive model; a page whose name
    matches a pattern of *documentation* is in the documentation tier.

    Record keys: ``y`` type (``r`` report, ``c`` county page, ``x`` comparison, ``d``
    documentation, ``p`` other), ``p`` province, ``c`` county slug, ``cn`` county name, ``k``
    kind, ``yr`` year.
    """
    parts = docname.split("/")
    if any(fnmatch.fnmatchcase(docname, pattern) for pattern in documentation):
        return DocMeta(DOCUMENTATION, (docname,), {"y": "d"})
    if archive is None or parts[0] != "reports" or len(parts) < 3 or parts[1] not in archive.counties:
        return DocMeta(PAGES, (docname,), {"y": "p"})
    county = archive.counties[parts[1]]
    provinces, counties, kinds = _ranks(archive)
    place = {"p": county.province, "c": county.slug, "cn": county.name}
    base = (provinces[county.province], counties[county.slug])
    if parts[2] == "index" and len(parts) == 3:
        return DocMeta(COUNTIES, base, {"y": "c", **place})
    kind = parts[2]
    kind_rank = kinds.get(kind, len(kinds))
    if len(parts) == 4 and parts[3].isdigit():
        report = archive.reports.get(f"{county.slug}/{kind}/{parts[3]}")
        if report is not None:
            topics: dict[str, str] = {}
            for section in report.sections:
                if section.topic:
                    for anchor in section.ids:
                        topics[anchor] = section.topic
                    for item in section.all_items():
                        for anchor in item.ids:
                            topics[anchor] = section.topic
            record = {"y": "r", **place, "k": kind, "yr": report.year}
            return DocMeta(REPORTS, (*base, kind_rank, -report.year), record, topics)
    if len(parts) == 5 and parts[3] == "compare":
        later = parts[4].rpartition("-")[2]
        year = -int(later) if later.isdigit() else 0
        return DocMeta(COMPARISONS, (*base, kind_rank, year, parts[4]), {"y": "x", **place, "k": kind})
    return DocMeta(PAGES, (docname,), {"y": "p"})


def _ranks(archive: Archive) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Order of provinces (first seen in counties.yaml), counties and kinds; computed once
    per archive (kept on it), not once per page."""
    found = archive.__dict__.get("_search_ranks")
    if found is None:
        provinces: dict[str, int] = {}
        for c in archive.counties.values():
            provinces.setdefault(c.province, len(provinces))
        found = (
            provinces,
            {s: i for i, s in enumerate(archive.counties)},
            {k: i for i, k in enumerate(archive.kinds)},
        )
        archive.__dict__["_search_ranks"] = found
    return found


def facet_terms(record: Mapping[str, Any]) -> list[str]:
    """The page's facet terms (province, county, kind, year), all indexed by page."""
    return [
        facet_term(f, record[key])
        for f, key in (("p", "p"), ("c", "c"), ("k", "k"), ("y", "yr"))
        if key in record
    ]


# --- a partition's piece --------------------------------------------------------------------


def _cut(postings: list[Posting], by_part: bool) -> str | list[list[Any]]:
    """A segment's postings of a term: its code when short, else its blocks ``[first, code]``."""
    gaps, parts = posting_codes(postings, by_part)
    codes = list(map(str.__add__, gaps, parts)) if by_part else gaps
    whole = "".join(codes)
    if len(whole) <= INLINE:
        return whole
    blocks: list[list[Any]] = []
    start = 0
    size = 0
    for i, (page, _) in enumerate(postings):
        length = len(codes[i])
        if i > start and (size + length > BLOCK_MAX or (size >= BLOCK_MIN and _cuts_before(page))):
            blocks.append(_block(postings, codes, parts, start, i))
            start, size = i, 0
        size += length
    blocks.append(_block(postings, codes, parts, start, len(postings)))
    return blocks


def _cuts_before(page: int) -> bool:
    return ((page * 2654435761) >> 7) % CUT_EVERY == 0


def _block(postings: list[Posting], codes: list[str], parts: list[str], start: int, end: int) -> list[Any]:
    """Postings start…end as a block: the first page's gap is counted from the block's start."""
    return [postings[start][0], "0" + parts[start] + "".join(codes[start + 1 : end])]


@dataclass
class Piece:
    """A partition's share of the index (see the module's docstring)."""

    partition: str
    #: tier → doc records in rank order (a page's local number is its position)
    docs: dict[int, list[dict[str, Any]]]
    #: term → tier → [pages holding it, code or blocks]
    terms: dict[str, dict[int, list[Any]]]
    #: docname → [[anchor, text], …] for snippets
    texts: dict[str, list[list[str]]]

    def buckets(self) -> dict[int, dict[str, dict[int, list[Any]]]]:
        found: dict[int, dict[str, dict[int, list[Any]]]] = defaultdict(dict)
        for term in sorted(self.terms):
            found[term_hash(term) % BUCKETS][term] = self.terms[term]
        return found

    def files(self) -> dict[str, str]:
        """The piece as files (relative path → text), manifest included."""
        files: dict[str, str] = {}
        digests: dict[str, str] = {}
        buckets = self.buckets()
        for bucket, terms in buckets.items():
            text = _json(terms)
            files[f"buckets/{bucket}.json"] = text
            digests[str(bucket)] = _digest(text)
        docs = _json({str(t): self.docs.get(t, []) for t in TIERS})
        files["docs.json"] = docs
        texts = {}
        for docname, parts in self.texts.items():
            text = _json(parts)
            files[f"text/{docname}.json"] = text
            texts[docname] = _digest(text)
        manifest = {
            "v": INDEX_VERSION,
            "partition": self.partition,
            "tiers": {str(t): len(self.docs.get(t, [])) for t in TIERS},
            "buckets": digests,
            "sizes": {str(b): _dictionary_size(terms) for b, terms in buckets.items()},
            "docs": _digest(docs),
            "texts": texts,
        }
        files["manifest.json"] = _json(manifest)
        return files


def page_postings(text: PageText, meta: DocMeta) -> dict[str, tuple[int, ...]]:
    """The terms of one page: each term with the numbers of the parts holding it (a term indexed
    by page, :func:`~shufa.core.searchterms.is_page_term`, with none)."""
    by_term: dict[str, list[int]] = {}
    chars: set[str] = set()
    for number, part in enumerate(text.parts):
        normal = searchable(part.text)
        for token in index_tokens(normal):
            found = by_term.get(token)
            if found is None:
                by_term[token] = [number]
            else:
                found.append(number)
        chars.update(page_chars(normal))
        topic = meta.topics.get(part.anchor) if number else None
        if topic:
            by_term.setdefault(facet_term("t", topic), []).append(number)
    terms = {term: tuple(numbers) for term, numbers in by_term.items()}
    for term in (*chars, *facet_terms(meta.record)):
        terms[term] = ()
    return terms


def _order(pages: Mapping[str, SearchPage]) -> list[str]:
    return sorted(pages, key=lambda d: (pages[d].meta.tier, pages[d].meta.rank, d))


def build_piece(pages: Mapping[str, SearchPage], partition: str) -> Piece:
    """Tokenise a partition's pages into its piece: doc table, postings and texts."""
    docs: dict[int, list[dict[str, Any]]] = {t: [] for t in TIERS}
    raw: dict[int, dict[str, list[Posting]]] = {t: {} for t in TIERS}
    texts: dict[str, list[list[str]]] = {}
    for docname in _order(pages):
        text, meta = pages[docname]
        local = len(docs[meta.tier])
        docs[meta.tier].append(_record(docname, text, meta))
        texts[docname] = text_entries(text)
        target = raw[meta.tier]
        for term, numbers in page_postings(text, meta).items():
            posting = (local, numbers)
            found_list = target.get(term)
            if found_list is None:
                target[term] = [posting]
            else:
                found_list.append(posting)
    terms: dict[str, dict[int, list[Any]]] = {}
    for tier, found_terms in raw.items():
        for term, postings in found_terms.items():
            terms.setdefault(term, {})[tier] = [len(postings), _cut(postings, not is_page_term(term))]
    return Piece(partition, docs, terms, texts)


def text_entries(text: PageText) -> list[list[str]]:
    """A page's text file: ``[anchor, text]`` per part, and a report part's heading third (its
    section's heading, and the item's label: what a result names the part by, read with the
    snippet; other pages name their parts in the doc record)."""
    return [
        [p.anchor, p.text, p.label] if text.report and p.label else [p.anchor, p.text] for p in text.parts
    ]


def _record(docname: str, text: PageText, meta: DocMeta) -> dict[str, Any]:
    record: dict[str, Any] = {"n": docname, "t": text.title, **meta.record}
    parts = text.parts[1:]
    if text.report:
        record["a"] = " ".join(p.anchor for p in parts)
    else:
        record["a"] = [[p.anchor, p.label] for p in parts]
    if meta.topics:
        record["tp"] = " ".join(meta.topics.get(p.anchor, "-") for p in parts)
    return record


def _json(value: Any) -> str:
    # (keys sorted: the same index gives the same bytes, and digests, whatever the order of building)
    return script_json(value, sort_keys=True)


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _dictionary_size(terms: Mapping[str, Mapping[int, list[Any]]]) -> int:
    """Characters these terms take in dictionary shards (for the hub's shard count)."""
    size = 0
    for term, tiers in terms.items():
        size += len(term) + 20
        for _, data in tiers.values():
            size += 12 + (len(data) if isinstance(data, str) else 8 * len(data))
    return size


# --- reading pieces -------------------------------------------------------------------------


class PieceReader:
    """A piece as written by :meth:`Piece.files`: in a folder, or in a dict of files."""

    def __init__(self, source: Path | Mapping[str, str]) -> None:
        self.source = source
        self.manifest = json.loads(self.read("manifest.json"))
        if self.manifest.get("v") != INDEX_VERSION:
            raise ValueError(f"search piece of version {self.manifest.get('v')}, expected {INDEX_VERSION}")
        self.partition: str = self.manifest["partition"]
        self.tiers = {int(t): n for t, n in self.manifest["tiers"].items()}

    def read(self, name: str) -> str:
        if isinstance(self.source, Path):
            return (self.source / name).read_text(encoding="utf-8")
        return self.source[name]

    def bucket(self, bucket: int) -> dict[str, dict[int, list[Any]]]:
        if str(bucket) not in self.manifest["buckets"]:
            return {}
        found = json.loads(self.read(f"buckets/{bucket}.json"))
        return {term: {int(t): v for t, v in tiers.items()} for term, tiers in found.items()}

    def docs(self) -> dict[int, list[dict[str, Any]]]:
        return {int(t): records for t, records in json.loads(self.read("docs.json")).items()}

    def text(self, docname: str) -> list[list[str]]:
        return json.loads(self.read(f"text/{docname}.json"))

    def raw_text(self, docname: str) -> bytes:
        """The JSON of :meth:`text` as written (by :func:`_json`), not decoded."""
        if isinstance(self.source, Path):
            return (self.source / f"text/{docname}.json").read_bytes()
        return self.source[f"text/{docname}.json"].encode("utf-8")


def write_piece(piece: Piece, folder: Path) -> int:
    """Write a piece into *folder* (files that did not change are not touched; files of
    buckets and pages no longer there are removed). Returns the number of files written."""
    files = piece.files()
    written = sum(write_if_changed(folder / name, text) for name, text in files.items())
    for old in [*folder.glob("buckets/*.json"), *folder.glob("text/**/*.json")]:
        if old.relative_to(folder).as_posix() not in files:
            old.unlink()
    return written


# --- a piece patched after an edit ---------------------------------------------------------

#: In a piece's folder: each page's text digest and metadata, as the piece holds them.
PAGES_FILE = "pages.json"


def _page_key(page: SearchPage) -> str:
    meta = page.meta
    return json.dumps(
        [page.text.digest, meta.tier, list(meta.rank), dict(meta.record), dict(meta.topics)],
        ensure_ascii=False,
        sort_keys=True,
    )


def write_pages(pages: Mapping[str, SearchPage], folder: Path) -> None:
    """Record what the piece in *folder* was made of (for :func:`update_piece`)."""
    write_if_changed(folder / PAGES_FILE, _json({d: _page_key(p) for d, p in pages.items()}))


def _decode(data: str | list[list[Any]] | None, by_part: bool) -> list[Posting]:
    """A segment's postings of a term, from its code or its blocks (see :func:`_cut`)."""
    if data is None:
        return []
    if isinstance(data, str):
        return decode_postings(data, by_part)
    postings: list[Posting] = []
    for first, code in data:
        postings += decode_postings(code, by_part, first - 1)
    return postings


def update_piece(pages: Mapping[str, SearchPage], partition: str, folder: Path) -> int | None:
    """Patch the piece in *folder* for the pages whose text or metadata changed: the terms of
    those pages that changed, in their buckets, their doc records and their texts. The files
    come out as :func:`build_piece` and :func:`write_piece` would write them.

    Returns the number of files written, or None when the piece must be built whole: no
    record of its pages, another version, or pages added, removed or moved in rank order
    (their local numbers, and every posting after them, would change)."""
    try:
        reader = PieceReader(folder)
        known = json.loads((folder / PAGES_FILE).read_text(encoding="utf-8"))
        docs = reader.docs()
    except (OSError, ValueError, KeyError):
        return None
    if reader.partition != partition or not isinstance(known, dict) or set(known) != set(pages):
        return None
    order = _order(pages)
    where: dict[str, tuple[int, int]] = {}
    for tier in TIERS:
        for local, record in enumerate(docs.get(tier, [])):
            where[record["n"]] = (tier, local)
    if order != [r["n"] for t in TIERS for r in docs.get(t, [])]:
        return None
    keys = {d: _page_key(p) for d, p in pages.items()}
    changed = [d for d in order if known[d] != keys[d]]
    if any(pages[d].meta.tier != where[d][0] for d in changed):
        return None
    # the postings that change: term → [(tier, local page, its part numbers or None)]
    edits: dict[str, list[tuple[int, int, tuple[int, ...] | None]]] = defaultdict(list)
    for docname in changed:
        tier, local = where[docname]
        _text, tier_, rank, record, topics = json.loads(known[docname])
        parts = [Part(entry[0], "", entry[1]) for entry in reader.text(docname)]
        old = page_postings(PageText("", False, parts, ""), DocMeta(tier_, tuple(rank), record, topics))
        new = page_postings(*pages[docname])
        for term in old.keys() | new.keys():
            if old.get(term) != new.get(term):
                edits[term].append((tier, local, new.get(term)))
    manifest = reader.manifest
    files: dict[str, str | None] = {}
    by_bucket: dict[int, list[str]] = defaultdict(list)
    for term in edits:
        by_bucket[term_hash(term) % BUCKETS].append(term)
    for bucket, terms in by_bucket.items():
        entries = reader.bucket(bucket)
        for term in terms:
            by_part = not is_page_term(term)
            tiers = entries.get(term, {})
            for tier, local, numbers in edits[term]:
                postings = [p for p in _decode(tiers.get(tier, [0, None])[1], by_part) if p[0] != local]
                if numbers is not None:
                    postings.append((local, numbers))
                    postings.sort()
                if postings:
                    tiers[tier] = [len(postings), _cut(postings, by_part)]
                else:
                    tiers.pop(tier, None)
            if tiers:
                entries[term] = tiers
            else:
                entries.pop(term, None)
        name = f"buckets/{bucket}.json"
        if entries:
            text = _json(entries)
            files[name] = text
            manifest["buckets"][str(bucket)] = _digest(text)
            manifest["sizes"][str(bucket)] = _dictionary_size(entries)
        else:
            files[name] = None
            manifest["buckets"].pop(str(bucket), None)
            manifest["sizes"].pop(str(bucket), None)
    for docname in changed:
        tier, local = where[docname]
        text, meta = pages[docname]
        docs[tier][local] = _record(docname, text, meta)
        page_text = _json(text_entries(text))
        files[f"text/{docname}.json"] = page_text
        manifest["texts"][docname] = _digest(page_text)
    if changed:
        all_docs = _json({str(t): docs.get(t, []) for t in TIERS})
        files["docs.json"] = all_docs
        manifest["docs"] = _digest(all_docs)
    files["manifest.json"] = _json(manifest)
    written = 0
    for name, text in files.items():
        if text is None:
            (folder / name).unlink(missing_ok=True)
        else:
            written += write_if_changed(folder / name, text)
    write_pages(pages, folder)
    return written


# --- the hub: merging pieces into the site's files -----------------------------------------


def segment_name(tier: int, partition: str) -> str:
    return f"{tier}-{partition}" if partition else str(tier)


def script(call: str, *args: Any) -> str:
    return f"ShufaSearch.{call}({','.join(_json(a) for a in args)});\n"


@dataclass
class MergeReport:
    """What a merge did (for the build log and for tests)."""

    shards: int = 0
    shards_rebuilt: list[int] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{len(self.shards_rebuilt)}/{self.shards} shards rebuilt, "
            f"{len(self.written)} files written, {len(self.removed)} removed"
        )


def shard_count(pieces: Iterable[PieceReader]) -> int:
    """Shards for the dictionary: a power of two, each about SHARD_TARGET characters."""
    total = sum(sum(p.manifest["sizes"].values()) for p in pieces)
    count = 1
    while count * SHARD_TARGET < total and count < BUCKETS:
        count *= 2
    return count


def merge_pieces(
    pieces: list[PieceReader],
    out: Path,
    labels: Mapping[str, Any],
    state_file: Path,
) -> MergeReport:
    """Write the site's search files into *out* (``<outdir>/_static/search``) from *pieces*.

    *labels* names the facet values the pages do not carry: ``topics`` (key → label),
    ``kinds`` (slug → name) and ``years`` (the years of the reports). *state_file* records what was merged (the digests of each
    piece's buckets, docs and texts, the files each shard wrote): a merge rebuilds only the
    shards one of whose buckets changed in some piece, and rewrites only the doc chunks and
    texts of pieces whose docs or pages changed.
    """
    report = MergeReport()
    pieces = sorted(pieces, key=lambda p: p.partition)
    names = [p.partition for p in pieces]
    if len(set(names)) != len(names):
        raise ValueError(f"two search pieces of one partition: {names}")
    segments = [(tier, p.partition) for tier in TIERS for p in pieces]
    shards = shard_count(pieces)
    report.shards = shards
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        state = {}
    layout = [INDEX_VERSION, shards, [segment_name(*s) for s in segments], BUCKETS, INLINE]
    # the files must be the ones the record describes (an output folder removed by hand is not)
    try:
        published = read_script((out / META_FILE).read_text(encoding="utf-8"))[1][0].get("stamp")
    except (FileNotFoundError, ValueError, IndexError):
        published = None
    fresh = state.get("layout") != layout or published is None or published != state.get("stamp")
    # a fresh merge writes every file again, and removes those of the last one it does not (a
    # partition renamed or merged into another leaves no segment, block or text behind)
    last = state if fresh else {}
    if fresh:
        state = {"layout": layout, "buckets": {}, "docs": {}, "texts": {}, "files": {}}
    seg_of = {s: i for i, s in enumerate(segments)}

    made: set[str] = set()  # every file of this merge, written or already as it should be

    folders: set[str] = set()

    def write(name: str, text: str | bytes) -> None:
        made.add(name)
        data = text.encode("utf-8") if isinstance(text, str) else text
        # (a killed merge is redone whole, comparing: a new file needs no temporary name)
        if write_new_or_if_changed(out / name, data, folders):
            report.written.append(name)

    def remove(name: str) -> None:
        path = out / name
        if path.exists():
            path.unlink()
            report.removed.append(name)

    # dictionary shards whose buckets changed in some piece (or that a gone piece had)
    changed: set[int] = set(range(shards)) if fresh else set()
    merged = state["buckets"]
    for partition in set(merged) - set(names):
        changed.update(int(b) % shards for b in merged.pop(partition))
    for piece in pieces:
        before = merged.get(piece.partition, {})
        now = piece.manifest["buckets"]
        changed.update(int(b) % shards for b in set(before) | set(now) if before.get(b) != now.get(b))
        merged[piece.partition] = dict(now)
    files_of = state["files"]
    for shard in sorted(changed):
        written = _write_shard(shard, shards, pieces, seg_of, write)
        for name in set(files_of.get(str(shard), [])) - set(written):
            remove(name)
        files_of[str(shard)] = sorted(written)
        report.shards_rebuilt.append(shard)
    if last:
        blocks = {file for files in files_of.values() for file in files}
        for file in sorted({f for files in last.get("files", {}).values() for f in files} - blocks):
            remove(file)
        for shard in range(shards, (last.get("layout") or [0, 0])[1]):  # fewer shards now
            remove(f"d/{shard}.js")

    # doc chunks and texts of the pieces that changed
    for partition in (set(state["docs"]) | set(last.get("docs", {}))) - set(names):
        for tier in TIERS:
            _remove_tree(out / "docs" / segment_name(tier, partition), out, report)
        state["docs"].pop(partition, None)
    for piece in pieces:
        if state["docs"].get(piece.partition) != piece.manifest["docs"]:
            docs = piece.docs()
            for tier in TIERS:
                name = segment_name(tier, piece.partition)
                records = docs.get(tier, [])
                keep = set()
                for start in range(0, len(records), CHUNK):
                    file = f"docs/{name}/{start // CHUNK}.js"
                    keep.add(file)
                    write(
                        file,
                        script(
                            "setDocs",
                            seg_of[(tier, piece.partition)],
                            start // CHUNK,
                            records[start : start + CHUNK],
                        ),
                    )
                for old in (out / "docs" / name).glob("*.js"):
                    if old.relative_to(out).as_posix() not in keep:
                        remove(old.relative_to(out).as_posix())
            state["docs"][piece.partition] = piece.manifest["docs"]
    texts_state = state["texts"]
    # a page's text goes only when no piece has it now: a county moved to another partition
    # keeps its pages (and texts) whichever piece is merged first
    had = {d for texts in (*last.get("texts", {}).values(), *texts_state.values()) for d in texts}
    for partition in set(texts_state) - set(names):
        texts_state.pop(partition)
    for piece in pieces:
        merged_texts = texts_state.get(piece.partition, {})
        now = piece.manifest["texts"]
        for docname, digest in now.items():
            if merged_texts.get(docname) != digest:
                # the piece's text as it is: script() of it gives the same bytes
                text = b"".join(
                    (b"ShufaSearch.setText(", _json(docname).encode(), b",", piece.raw_text(docname), b");\n")
                )
                write(f"t/{docname}.js", text)
        texts_state[piece.partition] = dict(now)
    for docname in sorted(had - {d for texts in texts_state.values() for d in texts}):
        remove(f"t/{docname}.js")

    stamp = _digest(json.dumps([layout, merged, state["docs"], texts_state], sort_keys=True))[:10]
    meta = {
        "v": INDEX_VERSION,
        "stamp": stamp,
        "shards": shards,
        "segment": SEGMENT,
        "segments": [[segment_name(*s), pieces[names.index(s[1])].tiers.get(s[0], 0)] for s in segments],
        # where the reports end (the pages without a year begin) and the documentation begins:
        # the first segment of each (a reader's query runs before "documentation")
        "undated": _first_segment(segments, lambda tier: tier != REPORTS),
        "documentation": _first_segment(segments, lambda tier: tier == DOCUMENTATION),
        "chunk": CHUNK,
        "topics": dict(labels.get("topics", {})),
        "kinds": dict(labels.get("kinds", {})),
        # the years of the year facet, oldest first (the year range and the order by year)
        "years": sorted(labels.get("years", [])),
    }
    write(META_FILE, script("setMeta", meta))
    if fresh:
        # a new layout (another number of shards …) wrote every file: the record of the files of
        # the old one is gone, so what this merge did not make is removed by looking
        for old in sorted(out.rglob("*.js")):
            if old.relative_to(out).as_posix() not in made:
                remove(old.relative_to(out).as_posix())
    state["stamp"] = stamp
    state_file.parent.mkdir(parents=True, exist_ok=True)
    write_if_changed(state_file, json.dumps(state, ensure_ascii=False, sort_keys=True))
    return report


def _first_segment(segments: list[tuple[int, str]], tiers: Callable[[int], bool]) -> int:
    """The first segment whose tier passes *tiers* (the number of segments when none does)."""
    return next((i for i, (tier, _) in enumerate(segments) if tiers(tier)), len(segments))


def _remove_tree(folder: Path, out: Path, report: MergeReport) -> None:
    for old in sorted(folder.glob("*.js")):
        old.unlink()
        report.removed.append(old.relative_to(out).as_posix())


def block_file(segment: str, hashed: str, first: int) -> str:
    return f"b/{segment}/{hashed[:2]}/{hashed}-{first}.js"


def _term_file_hash(term: str) -> str:
    return hashlib.sha1(term.encode("utf-8")).hexdigest()[:12]


def _write_shard(
    shard: int,
    shards: int,
    pieces: list[PieceReader],
    seg_of: Mapping[tuple[int, str], int],
    write: Callable[[str, str], None],
) -> list[str]:
    """Write dictionary shard *shard* and the blocks of its terms; returns the block files."""
    gathered: dict[str, list[tuple[int, list[Any]]]] = defaultdict(list)
    for piece in pieces:
        for bucket in range(shard, BUCKETS, shards):
            for term, tiers in piece.bucket(bucket).items():
                for tier, value in tiers.items():
                    gathered[term].append((seg_of[(tier, piece.partition)], value))
    entries: dict[str, list[Any]] = {}
    blocks: list[str] = []
    for term in sorted(gathered):
        segs = sorted(gathered[term], key=lambda s: s[0])
        hashed = ""
        entry: list[Any] = [0 if is_page_term(term) else 1, sum(v[0] for _, v in segs), hashed]
        for seg, (count, data) in segs:
            if isinstance(data, str):
                entry.append([seg, count, data])
                continue
            hashed = hashed or _term_file_hash(term)
            entry[2] = hashed
            name = next(segment_name(*s) for s, i in seg_of.items() if i == seg)
            for first, code in data:
                file = block_file(name, hashed, first)
                write(file, script("setBlock", file, code))
                blocks.append(file)
            entry.append([seg, count, [first for first, _ in data]])
        entries[term] = entry
    write(f"d/{shard}.js", script("setShard", shard, entries))
    return blocks


def read_script(text: str) -> tuple[str, list[Any]]:
    """The call and arguments of a file written by :func:`script` (for tests and the
    reference query)."""
    head, _, rest = text.partition("(")
    call = head.removeprefix("ShufaSearch.")
    args = json.loads("[" + rest.rstrip().removesuffix(");") + "]")
    return call, args


def decode_block(code: str, first: int, by_part: bool) -> list[Posting]:
    return decode_postings(code, by_part, first - 1)
