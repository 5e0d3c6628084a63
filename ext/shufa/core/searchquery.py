"""The query the browser runs (search-zh.js), spelled out in Python: tests compare the two and
measure what a query loads.

A query is cut into phrases (:func:`~shufa.core.searchterms.query_runs`). A page matches
when, for every wanted phrase, one of its parts holds the phrase (a lone character: the page
holds it), when it holds every facet chosen (a topic: the phrase's part is in a section of
that topic), and when no unwanted phrase is found in it. Pages come in the index's order
(reports first, best-ranked first): the term held by the fewest pages drives, the others are
asked for the page it reaches or the next (a *leapfrog* join), and a cursor loads a block
only when the page asked for is in it.

The index finds the parts that hold all of a phrase's terms; whether they hold the phrase
(its units adjacent, in order) it tells only for a phrase of one unit or of one pair
(:func:`~shufa.core.searchterms.found_by_terms`). For a longer one the parts are checked in
the page's text file (the one its snippet is taken from) before the page is a result: as many
candidates as results are still wanted at a time, so that a query whose candidates all hold
it loads no text beyond its results'. A search stops after ``want`` results, after
:data:`MAX_BLOCKS` blocks or :data:`MAX_REJECTED` candidates whose text did not hold the
query (the search can then go on), and goes on from there when asked for more.

What a search runs over and in which order: a reader's search reads every tier of the index
before the documentation (the guide and the reference), a search of the documentation (文档)
that tier alone; a range of years adds a cursor over the pages of any of those years
(:class:`AnyOf`); by year (``order="date"``) the search runs one *stage* per year, newest
first (each with that year's facet as one more term), then one over the pages that have no
year. Each stage reads the index in its order, so the bytes a step loads stay bounded.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .searchindex import META_FILE, SEGMENT, decode_block, read_script
from .searchterms import (
    decode_postings,
    facet_term,
    found_by_terms,
    normalize,
    phrase_terms,
    query_runs,
    runs,
    searchable,
    term_hash,
    unit_phrase,
    unit_text,
)

#: Blocks of postings one step of a search (a page of results) loads at most.
MAX_BLOCKS = 40
#: Candidates whose text did not hold the query one step of a search reads at most (each costs
#: the page's text file, and perhaps its doc chunk): the bytes of a step stay bounded.
MAX_REJECTED = 16


class Site:
    """The site's search files, read through *read* (relative path under _static/search →
    text); every file read is logged with its size, as the browser would load it once."""

    def __init__(self, read: Callable[[str], str]) -> None:
        self._read = read
        self.loaded: dict[str, int] = {}
        self._cache: dict[str, list[Any]] = {}
        self.meta: dict[str, Any] = self.load(META_FILE)[0]

    def load(self, name: str) -> list[Any]:
        if name not in self._cache:
            text = self._read(name)
            self.loaded[name] = len(text.encode("utf-8"))
            self._cache[name] = read_script(text)[1]
        return self._cache[name]

    def entry(self, term: str) -> list[Any] | None:
        shard = term_hash(term) % self.meta["shards"]
        return self.load(f"d/{shard}.js")[1].get(term)

    def segment_name(self, seg: int) -> str:
        return self.meta["segments"][seg][0]

    def scope(self, documentation: bool) -> tuple[int, int | None]:
        """The page numbers a query runs over: a reader's (every tier before the documentation),
        or the documentation's alone."""
        start = self.meta["documentation"] * SEGMENT
        return (start, None) if documentation else (0, start)

    def doc(self, gid: int) -> dict[str, Any]:
        seg, local = divmod(gid, SEGMENT)
        chunk = self.meta["chunk"]
        records = self.load(f"docs/{self.segment_name(seg)}/{local // chunk}.js")[2]
        return records[local % chunk]

    def text(self, docname: str) -> list[list[str]]:
        return self.load(f"t/{docname}.js")[1]


class Cursor:
    """One term's postings across segments, read forward; blocks loaded when reached."""

    def __init__(self, site: Site, term: str, entry: list[Any]) -> None:
        self.site = site
        self.term = term
        self.by_part = bool(entry[0])
        self.count: int = entry[1]
        self.hashed: str = entry[2]
        self.segs: list[list[Any]] = entry[3:]
        self._decoded: dict[tuple[int, int], list[tuple[int, tuple[int, ...]]]] = {}

    def _postings(self, i: int, block: int) -> list[tuple[int, tuple[int, ...]]]:
        key = (i, block)
        if key not in self._decoded:
            seg, _, data = self.segs[i]
            if isinstance(data, str):
                found = decode_postings(data, self.by_part)
            else:
                from .searchindex import block_file

                first = data[block]
                name = block_file(self.site.segment_name(seg), self.hashed, first)
                found = decode_block(self.site.load(name)[1], first, self.by_part)
            self._decoded[key] = found
        return self._decoded[key]

    def count_in(self, lo: int, hi: int | None) -> int:
        """How many pages with numbers *lo* … *hi* hold the term."""
        return sum(
            count for seg, count, _ in self.segs if seg * SEGMENT >= lo and (hi is None or seg * SEGMENT < hi)
        )

    def seek(self, gid: int) -> tuple[int, tuple[int, ...]] | None:
        """The first posting at page *gid* or after (page number, parts), or None."""
        for i, (seg, _, data) in enumerate(self.segs):
            base = seg * SEGMENT
            if gid >= base + SEGMENT:
                continue
            local = max(0, gid - base)
            blocks = [0] if isinstance(data, str) else range(max(0, bisect_right(data, local) - 1), len(data))
            for block in blocks:
                postings = self._postings(i, block)
                at = bisect_left(postings, (local,))
                if at < len(postings):
                    page, parts = postings[at]
                    return base + page, parts
        return None


@dataclass
class Hit:
    """A page found: its number, and for each wanted phrase the parts that hold it
    (empty for a lone character, found by page)."""

    gid: int
    parts: list[frozenset[int]]

    @property
    def all_parts(self) -> list[int]:
        return sorted(set().union(*self.parts))


@dataclass
class Stage:
    """A run of the index a search reads in turn, over the pages *lo* … *hi* (None: to the end),
    the pages holding one of *years* (year facet terms; none: any page). A search in the index's
    order has one stage; by year, one per year, newest first, then one over the pages that have
    no year. Its plan is made when the stage begins (its year's entry is loaded then)."""

    lo: int
    hi: int | None
    years: tuple[str, ...] = ()
    plan: Plan | None = None


@dataclass
class Search:
    """A query's state: what it found so far and where to go on."""

    query: str
    filters: Mapping[str, str] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    next_gid: int = 0
    exhausted: bool = False
    #: the number of pages that match, when known before the end (a lone term)
    known_total: int | None = None
    stages: list[Stage] = field(default_factory=list)
    #: the stage the search is in
    stage: int = 0
    #: what every stage's plan is made of
    terms: Terms | None = None


@dataclass
class Terms:
    """A query's phrases as units and terms, the facets' terms, and the cursors loaded so far."""

    wanted: list[list[str]]
    wanted_terms: list[list[str]]
    exact: list[bool]
    excluded: list[list[str]]
    required: list[str]
    topic: str | None
    cursors: dict[str, Cursor] = field(default_factory=dict)

    def cursor(self, site: Site, term: str) -> Cursor | None:
        if term not in self.cursors:
            entry = site.entry(term)
            if entry is None:
                return None
            self.cursors[term] = Cursor(site, term, entry)
        return self.cursors[term]

    def plan(self, site: Site, years: tuple[str, ...]) -> Plan | None:
        """The plan of a stage over the pages holding one of *years* (none: every page); None
        when no page holds any of them."""
        extra: list[Cursor | AnyOf] = []
        if years:
            found = [c for c in (self.cursor(site, y) for y in years) if c is not None]
            if not found:
                return None
            extra.append(found[0] if len(found) == 1 else AnyOf(found))
        drive = sorted({*(self.cursors[t] for t in self.required), *extra}, key=lambda c: (c.count, c.term))
        return Plan(
            self.wanted,
            self.wanted_terms,
            self.exact,
            self.excluded,
            [phrase_terms(run) for run in self.excluded],
            drive,
            self.cursors,
            facet_term("t", self.topic) if self.topic else None,
        )


@dataclass
class Plan:
    """How a search runs: the phrases as units and as terms, and the cursors of the terms."""

    #: wanted phrases: their units, their terms, and whether the terms alone tell (no text check)
    wanted: list[list[str]]
    wanted_terms: list[list[str]]
    wanted_exact: list[bool]
    #: unwanted phrases each of whose terms some page holds: units and terms
    excluded: list[list[str]]
    excluded_terms: list[list[str]]
    drive: list[Cursor | AnyOf]
    cursors: dict[str, Cursor]
    #: the topic facet's term, or None
    topic: str | None


@dataclass
class Candidate:
    """A page the index finds: the hit as the index gives it, and the unwanted phrases it may
    hold (units and the parts holding their terms), both to be checked in its text."""

    hit: Hit
    doubtful: list[tuple[list[str], frozenset[int]]]


#: The orders of results: the index's (reports first, by place; ``relevance``), or by year,
#: newest first (``date``).
ORDERS = ("relevance", "date")


class AnyOf:
    """The pages holding any of some page terms (the years of a range), read like one cursor."""

    by_part = False

    def __init__(self, cursors: list[Cursor]) -> None:
        self.cursors = cursors
        self.term = "|".join(c.term for c in cursors)
        self.count = sum(c.count for c in cursors)

    def seek(self, gid: int) -> tuple[int, tuple[int, ...]] | None:
        found = [at for at in (c.seek(gid) for c in self.cursors) if at is not None]
        return (min(at[0] for at in found), ()) if found else None


def start(
    site: Site,
    query: str,
    filters: Mapping[str, str] | None = None,
    *,
    order: str = "relevance",
    documentation: bool = False,
    years: tuple[int | None, int | None] | None = None,
) -> Search:
    """A search, with the stages it runs (none when nothing can match).

    *filters* are the facets chosen (``p``, ``c``, ``k``, ``y``, ``t``); *years* a range of
    report years (either end open: None); *documentation* searches the documentation instead
    of what readers search; *order* is one of :data:`ORDERS`."""
    filters = dict(filters or {})
    search = Search(query, filters, exhausted=True)  # until it has a stage
    wanted_runs, unwanted_runs = query_runs(query)
    wanted = [phrase_terms(run) for run in wanted_runs]
    if not wanted:
        return search
    topic = filters.get("t")
    page_filters = [facet_term(f, v) for f, v in sorted(filters.items()) if f != "t"]
    required = [
        *{t for phrase in wanted for t in phrase},
        *page_filters,
        *([facet_term("t", topic)] if topic else []),
    ]
    terms = Terms(wanted_runs, wanted, [found_by_terms(run) for run in wanted_runs], [], required, topic)
    if any(terms.cursor(site, t) is None for t in required):
        return search
    # an unwanted phrase with a term no page holds excludes nothing
    terms.excluded = [
        run for run in unwanted_runs if all(terms.cursor(site, t) is not None for t in phrase_terms(run))
    ]
    search.terms = terms
    lo, hi = site.scope(documentation)
    known = site.meta.get("years", [])
    ranged = None
    if years is not None and not documentation:
        first, last = years
        ranged = [y for y in known if (first is None or y >= first) and (last is None or y <= last)]
    if order == "date" and not documentation and "y" not in filters:
        # newest year first, a stage each; then the pages without a year
        for year in reversed(ranged if ranged is not None else known):
            search.stages.append(Stage(lo, hi, (facet_term("y", str(year)),)))
        if ranged is None:
            rest = site.meta["undated"] * SEGMENT
            search.stages.append(Stage(max(lo, rest), hi))
    elif ranged is not None:
        if ranged:
            search.stages.append(Stage(lo, hi, tuple(facet_term("y", str(y)) for y in ranged)))
    else:
        search.stages.append(Stage(lo, hi))
    if not search.stages:
        return search
    search.exhausted = False
    search.next_gid = search.stages[0].lo
    lone = len(wanted) == 1 and len(wanted[0]) == 1 and terms.exact[0]
    if lone and len(search.stages) == 1 and not filters and not terms.excluded and ranged is None:
        search.known_total = terms.cursors[wanted[0][0]].count_in(lo, hi)
    return search


def _stage(site: Site, search: Search) -> Stage | None:
    """The stage the search is in, its plan made (stages no page can match passed over); None at the end."""
    while search.stage < len(search.stages):
        stage = search.stages[search.stage]
        if stage.plan is None and search.terms is not None:
            stage.plan = search.terms.plan(site, stage.years)
        if stage.plan is not None:
            return stage
        search.stage += 1
    search.exhausted = True
    return None


def more(
    site: Site,
    search: Search,
    want: int = 20,
    max_blocks: int | None = None,
    max_rejected: int | None = None,
) -> list[Hit]:
    """Find up to *want* more pages (fewer when the index ends, or when *max_blocks* more
    blocks were loaded or *max_rejected* candidates were found not to hold the query in their
    text: the search can then go on)."""
    if search.exhausted:
        return []
    found: list[Hit] = []
    blocks_before = _blocks(site)
    rejected = 0
    gid = search.next_gid
    stopped = False
    while len(found) < want and not stopped:
        was = search.stage
        stage = _stage(site, search)
        if stage is None:
            break
        if search.stage != was:
            gid = stage.lo  # (stages no page can match passed over)
        plan = stage.plan
        assert plan is not None
        # as many candidates as results are still wanted (and rejections allowed), then their texts
        room = want - len(found) if max_rejected is None else min(want - len(found), max_rejected - rejected)
        batch: list[Candidate] = []
        while len(batch) < room:
            if max_blocks is not None and _blocks(site) - blocks_before >= max_blocks:
                stopped = True
                break
            at = _leapfrog(plan.drive, gid)
            if at is None or (stage.hi is not None and at[0] >= stage.hi):
                # this stage is done: the next one (or the end)
                search.stage += 1
                gid = search.stages[search.stage].lo if search.stage < len(search.stages) else gid
                break
            gid, postings = at
            candidate = _match(gid, postings, plan)
            if candidate is not None:
                batch.append(candidate)
            gid += 1
        for candidate in batch:
            hit = _check(site, candidate, plan)
            if hit is None:
                rejected += 1
            else:
                found.append(hit)
        stopped = stopped or (max_rejected is not None and rejected >= max_rejected)
    search.next_gid = gid
    search.hits.extend(found)
    return found


def _blocks(site: Site) -> int:
    return sum(1 for name in site.loaded if name.startswith("b/"))


def _leapfrog(drive: list[Cursor | AnyOf], gid: int) -> tuple[int, dict[str, tuple[int, ...]]] | None:
    """The first page at *gid* or after that every cursor holds, with each term's parts."""
    while True:
        postings: dict[str, tuple[int, ...]] = {}
        for c in drive:
            found = c.seek(gid)
            if found is None:
                return None
            if found[0] > gid:
                gid = found[0]
                break
            postings[c.term] = found[1]
        else:
            return gid, postings


def _phrase_parts(
    phrase: list[str],
    postings: Mapping[str, tuple[int, ...]],
    cursors: Mapping[str, Cursor],
    topic: str | None,
) -> frozenset[int] | None:
    """The parts of a page that hold every term of *phrase* (empty: found by page), or None."""
    sets = [set(postings[t]) for t in phrase if cursors[t].by_part]
    if not sets:
        return frozenset()
    if topic is not None:
        sets.append(set(postings[topic]))
    common = set.intersection(*sets)
    return frozenset(common) if common else None


def _match(gid: int, postings: Mapping[str, tuple[int, ...]], plan: Plan) -> Candidate | None:
    """Page *gid* as the index finds it: a candidate, or None."""
    parts = []
    for phrase in plan.wanted_terms:
        found = _phrase_parts(phrase, postings, plan.cursors, plan.topic)
        if found is None:
            return None
        parts.append(found)
    doubtful = []
    for run, phrase in zip(plan.excluded, plan.excluded_terms, strict=True):
        holding: dict[str, tuple[int, ...]] = {}
        for term in phrase:
            at = plan.cursors[term].seek(gid)
            if at is None or at[0] != gid:
                break
            holding[term] = at[1]
        else:
            held = _phrase_parts(phrase, holding, plan.cursors, None)
            if held is not None:
                if found_by_terms(run):
                    return None
                doubtful.append((run, held))
    return Candidate(Hit(gid, parts), doubtful)


def _check(site: Site, candidate: Candidate, plan: Plan) -> Hit | None:
    """The candidate as a result, its parts those whose text holds each wanted phrase; None when
    a wanted phrase is in none of them, or an unwanted one is in the page."""
    hit = candidate.hit
    checks = [i for i, exact in enumerate(plan.wanted_exact) if not exact]
    if not checks and not candidate.doubtful:
        return hit
    texts = site.text(site.doc(hit.gid)["n"])
    cut: dict[int, str] = {}

    def holds(part: int, run: list[str]) -> bool:
        if part not in cut:
            cut[part] = unit_text(searchable(texts[part][1]))
        return unit_phrase(run) in cut[part]

    parts = list(hit.parts)
    for i in checks:
        parts[i] = frozenset(p for p in parts[i] if holds(p, plan.wanted[i]))
        if not parts[i]:
            return None
    if any(holds(p, run) for run, held in candidate.doubtful for p in held):
        return None
    return Hit(hit.gid, parts)


def run(
    site: Site, query: str, filters: Mapping[str, str] | None = None, want: int = 20, **how: Any
) -> Search:
    """The first *want* results of a query, as the browser's first page finds them (the search
    can go on with :func:`more`); *how* is :func:`start`'s order, documentation and years."""
    search = start(site, query, filters, **how)
    more(site, search, want, MAX_BLOCKS, MAX_REJECTED)
    return search


def run_all(site: Site, query: str, filters: Mapping[str, str] | None = None, **how: Any) -> Search:
    """Every result of a query."""
    search = start(site, query, filters, **how)
    while not search.exhausted:
        more(site, search, 1000)
    return search


def best_part(hit: Hit, named: bool = False) -> int:
    """The part a result links to: the one holding most phrases, the first of those; the page
    itself (0) only when no other part holds as many, or on a tie when the page's title holds
    every phrase (*named*: a county page for its name, a report for its title)."""
    counts: dict[int, int] = {}
    for parts in hit.parts:
        for p in parts:
            counts[p] = counts.get(p, 0) + 1
    if not counts:
        return 0
    top = max(counts.values())
    best = [p for p, n in counts.items() if n == top]
    if 0 in best and len(best) > 1 and not named:
        best.remove(0)
    return min(best)


def title_holds(title: str, query: str) -> bool:
    """Whether a page's title holds every wanted phrase of *query* (as text)."""
    title = normalize(title)
    wanted = [word for word in normalize(query).split() if not (len(word) > 1 and word[0] == "-")]
    return all("".join(run) in title for word in wanted for run in runs(word))


def anchor_of(record: Mapping[str, Any], part: int) -> str:
    """The anchor of part *part* of a doc record (``""`` for the page itself)."""
    if part == 0:
        return ""
    parts = record["a"]
    if isinstance(parts, str):
        return parts.split(" ")[part - 1]
    return parts[part - 1][0]


def href(site: Site, hit: Hit, query: str) -> str:
    """The link of a result: ``reports/qinghe/shufa/2023.html#s3-2``."""
    record = site.doc(hit.gid)
    anchor = anchor_of(record, best_part(hit, title_holds(record["t"], query)))
    return f"{record['n']}.html" + (f"#{anchor}" if anchor else "")
