/*
 * Chinese search for the archive: phrases, places and figures, down to the section.
 *
 * Splits a query into the terms the index holds (shufa/core/searchterms.py; the unit of
 * text, the anchor scheme and the Chinese numerals come from _static/shufa-rules.js,
 * written from the core at build time) and answers it from the index split by term under
 * _static/search/ (shufa/core/searchindex.py): the dictionary shards of the query's terms,
 * the blocks of their posting lists a page of results needs, the doc-table chunks of the
 * pages found and each shown page's text for its snippet. Everything is a script that calls
 * ShufaSearch.set…, so the search works from file:// too.
 *
 * A query is cut into phrases; a page matches when every phrase is found in one part of it
 * (a report section or item, or a section of a guide page; a lone character: in the page),
 * it holds the facets chosen, and no "-phrase" is found in it. The index finds the parts that
 * hold a phrase's terms; a phrase they do not settle (longer than one pair) is looked for in
 * the part's text, from the page's text file, before the page is shown. Pages come in the
 * index's order (reports first, by province, county, kind, newest year first); the query runs
 * exactly like shufa/core/searchquery.py (tests compare the two). This file takes over
 * Sphinx's search page (Search.performSearch).
 */
"use strict";

const ShufaSearch = (() => {
  const RULES = ShufaRules;
  const CJK = RULES.cjk;
  const UNIT = new RegExp(RULES.unit, "gu");
  const IS_CJK = new RegExp(`^[${CJK}]$`, "u");
  const CJK_CHAR = new RegExp(`[${CJK}]`, "gu");
  const IS_CHAR = new RegExp(`^[${CJK}%]`, "u");
  const FINAL = "0123456789abcdefghijklmnopqrstuv";
  const MORE = "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-";
  const PAGE_SIZE = 20;
  //: blocks, and candidates whose text does not hold the query, one step of a search may read
  //: before it stops and offers to go on (searchquery.MAX_BLOCKS, MAX_REJECTED)
  const MAX_BLOCKS = RULES.search.maxBlocks;
  const MAX_REJECTED = RULES.search.maxRejected;
  const FACETS = [
    ["p", "省份"],
    ["c", "县（市、区）"],
    ["k", "报告类型"],
    ["y", "年度"],
    ["t", "主题"],
  ];

  /** The value *object* holds under *key* itself, never one it inherits (`toString`, `__proto__`). */
  const own = (object, key) =>
    object !== null && object !== undefined && Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;

  const normalize = (text) => text.normalize("NFKC").toLowerCase();
  const isNumber = (unit) => unit[0] >= "0" && unit[0] <= "9";

  /** Runs of adjacent units (numbers, Latin words, CJK characters, "%"). */
  const runs = (text) => {
    const out = [];
    let run = [];
    let end = -1;
    for (const match of text.matchAll(UNIT)) {
      if (match.index !== end && run.length) {
        out.push(run);
        run = [];
      }
      run.push(match[0]);
      end = match.index + match[0].length;
    }
    if (run.length) out.push(run);
    return out;
  };

  /** Adjacent units joined; not a character followed by a number (searchterms.pairs). */
  const pairs = (run) =>
    run
      .slice(1)
      .map((unit, i) => [run[i], unit])
      .filter(([a, b]) => !(isNumber(b) && IS_CHAR.test(a)))
      .map(([a, b]) => a + b);

  /** The terms a part holding a text is indexed under (searchterms.index_tokens). */
  const indexTokens = (text) => {
    const tokens = new Set();
    for (const run of runs(normalize(text))) {
      pairs(run).forEach((t) => tokens.add(t));
      run.filter((u) => u !== "%" && !IS_CHAR.test(u)).forEach((u) => tokens.add(u));
    }
    return [...tokens].sort();
  };

  /** The characters a page holding a text is indexed under (searchterms.page_chars). */
  const pageChars = (text) => [...new Set(normalize(text).match(CJK_CHAR) || [])].sort();

  /** A query's phrases, wanted and unwanted, each as its units (searchterms.query_runs). */
  const queryRuns = (query) => {
    const wanted = [];
    const unwanted = [];
    for (let word of normalize(query).split(/\s+/)) {
      if (!word) continue;
      let target = wanted;
      if (word.length > 1 && word[0] === "-") {
        target = unwanted;
        word = word.slice(1);
      }
      for (const run of runs(word)) if (run.length > 1 || run[0] !== "%") target.push(run);
    }
    return [wanted, unwanted];
  };

  /** The terms a part holding a phrase is indexed under (searchterms.phrase_terms). */
  const phraseTerms = (run) => {
    if (run.length === 1) return [...run];
    const terms = pairs(run);
    if (terms.length < run.length - 1)
      run.filter((u) => isNumber(u) && !terms.includes(u)).forEach((u) => terms.push(u));
    return terms;
  };

  /** A query's phrases, wanted and unwanted, each as its terms (searchterms.query_phrases). */
  const queryPhrases = (query) => queryRuns(query).map((phrases) => phrases.map(phraseTerms));

  /** Whether a part holding a phrase's terms holds the phrase (searchterms.found_by_terms). */
  const foundByTerms = (run) => {
    const terms = phraseTerms(run);
    return run.length === 1 || (terms.length === 1 && terms[0] === run.join(""));
  };

  //: a redaction mark in page text (searchterms.redacted): shown as printed, searched as a break
  const REDACTION = /\ue000([^\ue001]*)\ue001/g;
  const UNIT_MARK = "\u0001";

  /** Page text as indexed: redaction marks out (a break), normalised (searchterms.searchable). */
  const searchable = (text) => normalize(text.replace(REDACTION, "\n"));

  /** Text as its runs of units, each unit between marks (searchterms.unit_text). */
  const unitText = (text) => runs(text).map(unitPhrase).join("\n");

  /** A phrase's units as unitText writes them (searchterms.unit_phrase). */
  const unitPhrase = (run) => UNIT_MARK + run.join(UNIT_MARK) + UNIT_MARK;

  const phrases = (query) => queryPhrases(query)[0];

  /** A term indexed by page: a lone character, or a facet other than a topic. */
  const isPageTerm = (term) => (term[0] === "~" ? !term.startsWith("~t:") : IS_CJK.test(term));

  /** FNV-1a of the term's UTF-8 bytes (searchterms.term_hash): its dictionary shard. */
  const termHash = (term) => {
    let h = 0x811c9dc5;
    for (const byte of new TextEncoder().encode(term)) {
      h ^= byte;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  };

  // --- the posting codec (searchterms.decode_postings) ------------------------------------

  const decodeNumbers = (code) => {
    const numbers = [];
    let value = 0;
    for (const ch of code) {
      const more = MORE.indexOf(ch);
      if (more >= 0) {
        value = value * 32 + more;
        continue;
      }
      numbers.push(value * 32 + FINAL.indexOf(ch));
      value = 0;
    }
    return numbers;
  };

  /** [[page, [parts]]] from a code; *previous* is the page before the first. */
  const decodePostings = (code, byPart, previous = -1) => {
    const numbers = decodeNumbers(code);
    const postings = [];
    let i = 0;
    while (i < numbers.length) {
      previous += numbers[i++] + 1;
      const parts = [];
      if (byPart) {
        let before = -1;
        for (;;) {
          const value = numbers[i++];
          before += Math.floor(value / 2) + 1;
          parts.push(before);
          if (value % 2) break;
        }
      }
      postings.push([previous, parts]);
    }
    return postings;
  };

  // --- loading the index's files ----------------------------------------------------------

  const script = document.currentScript;
  const BASE = script ? new URL("search/", script.src).href : "_static/search/";
  let meta = null;
  const files = new Map(); // path → {promise, resolve, reject, value}
  const log = []; // paths loaded, in order (tests read it)

  const slot = (path) => {
    if (!files.has(path)) {
      let resolve;
      let reject;
      const promise = new Promise((yes, no) => {
        resolve = yes;
        reject = no;
      });
      files.set(path, { promise, resolve, reject, value: undefined, loading: false });
    }
    return files.get(path);
  };

  const arrived = (path, value) => {
    const file = slot(path);
    file.value = value;
    file.resolve(value);
  };

  /** The value a file of the index registers, loaded once. */
  const load = (path) => {
    const file = slot(path);
    if (!file.loading) {
      file.loading = true;
      log.push(path);
      const element = document.createElement("script");
      element.src = BASE + path + (meta ? `?v=${meta.stamp}` : "");
      element.async = true;
      element.onerror = () => file.reject(new Error(`search index file missing: ${path}`));
      document.head.appendChild(element);
    }
    return file.promise;
  };

  const segmentName = (seg) => meta.segments[seg][0];

  const setMeta = (value) => {
    meta = value;
    arrived("meta.js", value);
  };
  const setShard = (shard, entries) => arrived(`d/${shard}.js`, entries);
  const setBlock = (path, code) => arrived(path, code);
  const setDocs = (seg, chunk, records) => arrived(`docs/${segmentName(seg)}/${chunk}.js`, records);
  const setText = (docname, parts) => arrived(`t/${docname}.js`, parts);

  const ready = () => slot("meta.js").promise;

  const entry = async (term) => {
    const shard = termHash(term) % meta.shards;
    const entries = await load(`d/${shard}.js`);
    return own(entries, term) ?? null;
  };

  const doc = async (gid) => {
    const seg = Math.floor(gid / meta.segment);
    const local = gid - seg * meta.segment;
    const records = await load(`docs/${segmentName(seg)}/${Math.floor(local / meta.chunk)}.js`);
    return records[local % meta.chunk];
  };

  const blockFile = (segment, hashed, first) => `b/${segment}/${hashed.slice(0, 2)}/${hashed}-${first}.js`;

  // --- the query (searchquery.py) ---------------------------------------------------------

  const bisectFirst = (postings, local) => {
    let lo = 0;
    let hi = postings.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (postings[mid][0] < local) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  /** One term's postings across segments, read forward; blocks loaded when reached. */
  class Cursor {
    constructor(term, data) {
      this.term = term;
      this.byPart = data[0] === 1;
      this.count = data[1];
      this.hashed = data[2];
      this.segs = data.slice(3);
      this.decoded = new Map();
    }

    async postings(i, block) {
      const key = `${i}/${block}`;
      if (!this.decoded.has(key)) {
        const [seg, , data] = this.segs[i];
        if (typeof data === "string") this.decoded.set(key, decodePostings(data, this.byPart));
        else {
          const first = data[block];
          const code = await load(blockFile(segmentName(seg), this.hashed, first));
          this.decoded.set(key, decodePostings(code, this.byPart, first - 1));
        }
      }
      return this.decoded.get(key);
    }

    /** The first posting at page *gid* or after: [gid, parts], or null. */
    async seek(gid) {
      for (let i = 0; i < this.segs.length; i++) {
        const [seg, , data] = this.segs[i];
        const base = seg * meta.segment;
        if (gid >= base + meta.segment) continue;
        const local = Math.max(0, gid - base);
        let block = 0;
        let last = 0;
        if (typeof data !== "string") {
          while (block + 1 < data.length && data[block + 1] <= local) block++;
          last = data.length - 1;
        }
        for (; block <= last; block++) {
          const postings = await this.postings(i, block);
          const at = bisectFirst(postings, local);
          if (at < postings.length) return [base + postings[at][0], postings[at][1]];
        }
      }
      return null;
    }
  }

  const facetTerm = (facet, value) => `~${facet}:${value}`;

  /** The pages holding any of some page terms (the years of a range), read like one cursor (searchquery.AnyOf). */
  class AnyOf {
    constructor(cursors) {
      this.cursors = cursors;
      this.byPart = false;
      this.term = cursors.map((c) => c.term).join("|");
      this.count = cursors.reduce((n, c) => n + c.count, 0);
    }

    async seek(gid) {
      const found = (await Promise.all(this.cursors.map((c) => c.seek(gid)))).filter((at) => at !== null);
      return found.length ? [Math.min(...found.map((at) => at[0])), []] : null;
    }
  }

  /** [lo, hi] of the page numbers a query runs over (hi null: to the end): a reader's, before the
   * documentation's first segment, or the documentation's (searchquery.Site.scope). */
  const scope = (documentation) => {
    const start = meta.documentation * meta.segment;
    return documentation ? [start, null] : [0, start];
  };

  /** How many pages numbered lo … hi hold a cursor's term (searchquery.Cursor.count_in). */
  const countIn = (cursor, lo, hi) =>
    cursor.segs.reduce((n, [seg, count]) => n + (seg * meta.segment >= lo && (hi === null || seg * meta.segment < hi) ? count : 0), 0);

  /** A stage's plan over the pages holding one of *years* (none: every page); null when no page holds any. */
  const stagePlan = async (terms, years) => {
    const extra = [];
    if (years.length) {
      const found = [];
      for (const [term, data] of await Promise.all(years.map((t) => entry(t).then((e) => [t, e])))) {
        if (!data) continue;
        if (!terms.cursors.has(term)) terms.cursors.set(term, new Cursor(term, data));
        found.push(terms.cursors.get(term));
      }
      if (!found.length) return null;
      extra.push(found.length === 1 ? found[0] : new AnyOf(found));
    }
    const drive = [...new Set([...terms.required.map((t) => terms.cursors.get(t)), ...extra])].sort(
      (a, b) => a.count - b.count || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0),
    );
    return {
      wanted: terms.wanted,
      wantedTerms: terms.wantedTerms,
      wantedExact: terms.exact,
      excluded: terms.excluded,
      excludedTerms: terms.excluded.map(phraseTerms),
      drive,
      cursors: terms.cursors,
      topic: terms.topic,
    };
  };

  /** A search and the stages it runs (searchquery.start): *how* is {order: "relevance" | "date",
   * documentation: bool, years: [first, last] (null ends open) or null}. */
  const start = async (query, filters, how = {}) => {
    await ready();
    const [wantedRuns, unwantedRuns] = queryRuns(query);
    const wanted = wantedRuns.map(phraseTerms);
    const unwanted = unwantedRuns.map(phraseTerms);
    const search = { query, filters, wanted, hits: [], next: 0, exhausted: true, total: null, stages: [], stage: 0, terms: null };
    if (!wanted.length) return search;
    const cursors = new Map();
    const terms = new Set(wanted.flat());
    unwanted.flat().forEach((t) => terms.add(t));
    const pageFilters = Object.keys(filters)
      .filter((f) => f !== "t")
      .sort()
      .map((f) => facetTerm(f, filters[f]));
    const topic = filters.t ? facetTerm("t", filters.t) : null;
    const required = [...new Set(wanted.flat()), ...pageFilters, ...(topic ? [topic] : [])];
    required.forEach((t) => terms.add(t));
    const entries = await Promise.all([...terms].map((t) => entry(t).then((e) => [t, e])));
    for (const [term, data] of entries) if (data) cursors.set(term, new Cursor(term, data));
    if (required.some((t) => !cursors.has(t))) return search;
    // an unwanted phrase with a term no page holds excludes nothing
    const excluded = unwantedRuns.filter((run) => phraseTerms(run).every((t) => cursors.has(t)));
    const exact = wantedRuns.map(foundByTerms);
    search.terms = { wanted: wantedRuns, wantedTerms: wanted, exact, excluded, required: [...new Set(required)], topic, cursors };
    const documentation = Boolean(how.documentation);
    const [lo, hi] = scope(documentation);
    const known = meta.years || [];
    let ranged = null;
    if (how.years && !documentation) {
      const [first, last] = how.years;
      ranged = known.filter((y) => (first === null || y >= first) && (last === null || y <= last));
    }
    const stage = (years) => ({ lo, hi, years, plan: null });
    if (how.order === "date" && !documentation && !filters.y) {
      // newest year first, a stage each; then the pages without a year
      for (const year of [...(ranged !== null ? ranged : known)].reverse()) search.stages.push(stage([facetTerm("y", String(year))]));
      if (ranged === null) {
        const rest = meta.undated * meta.segment;
        search.stages.push({ lo: Math.max(lo, rest), hi, years: [], plan: null });
      }
    } else if (ranged !== null) {
      if (ranged.length) search.stages.push(stage(ranged.map((y) => facetTerm("y", String(y)))));
    } else search.stages.push(stage([]));
    if (!search.stages.length) return search;
    search.exhausted = false;
    search.next = search.stages[0].lo;
    const lone = wanted.length === 1 && wanted[0].length === 1 && exact[0];
    if (lone && search.stages.length === 1 && !Object.keys(filters).length && !excluded.length && ranged === null)
      search.total = countIn(cursors.get(wanted[0][0]), lo, hi);
    return search;
  };

  /** The stage a search is in, its plan made (stages no page can match passed over); null at the end. */
  const currentStage = async (search) => {
    while (search.stage < search.stages.length) {
      const stage = search.stages[search.stage];
      if (stage.plan === null) stage.plan = await stagePlan(search.terms, stage.years);
      if (stage.plan !== null) return stage;
      search.stage += 1;
    }
    search.exhausted = true;
    return null;
  };

  const phraseParts = (phrase, postings, cursors, topic) => {
    const sets = phrase.filter((t) => cursors.get(t).byPart).map((t) => postings.get(t));
    if (!sets.length) return [];
    if (topic) sets.push(postings.get(topic));
    const common = sets.reduce((a, b) => a.filter((p) => b.includes(p)));
    return common.length ? common : null;
  };

  const leapfrog = async (drive, gid) => {
    for (;;) {
      const postings = new Map();
      let moved = false;
      for (const cursor of drive) {
        const found = await cursor.seek(gid);
        if (found === null) return null;
        if (found[0] > gid) {
          gid = found[0];
          moved = true;
          break;
        }
        postings.set(cursor.term, found[1]);
      }
      if (!moved) return [gid, postings];
    }
  };

  /** Page *gid* as the index finds it: {hit, doubtful}, or null (searchquery._match). */
  const match = async (gid, postings, plan) => {
    const { wantedTerms, excluded, excludedTerms, cursors, topic } = plan;
    const parts = [];
    for (const phrase of wantedTerms) {
      const found = phraseParts(phrase, postings, cursors, topic);
      if (found === null) return null;
      parts.push(found);
    }
    // the unwanted phrases the page may hold: their terms are in one part, the text tells
    const doubtful = [];
    for (let i = 0; i < excluded.length; i++) {
      const phrase = excludedTerms[i];
      const holding = new Map();
      let all = true;
      for (const term of phrase) {
        const at = await cursors.get(term).seek(gid);
        if (at === null || at[0] !== gid) {
          all = false;
          break;
        }
        holding.set(term, at[1]);
      }
      const held = all ? phraseParts(phrase, holding, cursors, null) : null;
      if (held === null) continue;
      if (foundByTerms(excluded[i])) return null;
      doubtful.push([excluded[i], held]);
    }
    return { hit: { gid, parts }, doubtful };
  };

  /** The candidate as a result, its parts those whose text holds each wanted phrase; null when a
   * wanted phrase is in none of them or an unwanted one is in the page (searchquery._check). */
  const check = async (candidate, plan) => {
    const { hit, doubtful } = candidate;
    const checks = plan.wantedExact.map((exact, i) => (exact ? -1 : i)).filter((i) => i >= 0);
    if (!checks.length && !doubtful.length) return hit;
    const texts = await load(`t/${(await doc(hit.gid)).n}.js`);
    const cut = new Map();
    const holds = (part, run) => {
      if (!cut.has(part)) cut.set(part, unitText(searchable(texts[part][1])));
      return cut.get(part).includes(unitPhrase(run));
    };
    const parts = [...hit.parts];
    for (const i of checks) {
      parts[i] = parts[i].filter((p) => holds(p, plan.wanted[i]));
      if (!parts[i].length) return null;
    }
    if (doubtful.some(([run, held]) => held.some((p) => holds(p, run)))) return null;
    return { gid: hit.gid, parts };
  };

  const blocksLoaded = () => log.filter((p) => p.startsWith("b/")).length;

  /** Up to *want* more pages for a search (fewer at the end, after MAX_BLOCKS blocks or after
   * MAX_REJECTED candidates whose text does not hold the query) (searchquery.more). */
  const more = async (search, want = PAGE_SIZE, maxBlocks = MAX_BLOCKS, maxRejected = MAX_REJECTED) => {
    const found = [];
    if (search.exhausted) return found;
    const before = blocksLoaded();
    let rejected = 0;
    let gid = search.next;
    let stopped = false;
    while (found.length < want && !stopped) {
      const was = search.stage;
      const stage = await currentStage(search);
      if (stage === null) break;
      if (search.stage !== was) gid = stage.lo; // (stages no page can match passed over)
      const plan = stage.plan;
      // as many candidates as results are still wanted (and rejections allowed), then their
      // texts, all at once
      const room = maxRejected === null ? want - found.length : Math.min(want - found.length, maxRejected - rejected);
      const batch = [];
      while (batch.length < room) {
        if (maxBlocks !== null && blocksLoaded() - before >= maxBlocks) {
          stopped = true;
          break;
        }
        const at = await leapfrog(plan.drive, gid);
        if (at === null || (stage.hi !== null && at[0] >= stage.hi)) {
          // this stage is done: the next one (or the end)
          search.stage += 1;
          if (search.stage < search.stages.length) gid = search.stages[search.stage].lo;
          break;
        }
        gid = at[0];
        const candidate = await match(gid, at[1], plan);
        if (candidate) batch.push(candidate);
        gid += 1;
      }
      for (const hit of await Promise.all(batch.map((c) => check(c, plan)))) {
        if (hit) found.push(hit);
        else rejected += 1;
      }
      if (maxRejected !== null && rejected >= maxRejected) stopped = true;
    }
    search.next = gid;
    search.hits.push(...found);
    return found;
  };

  /** The part a result links to: the one holding most phrases, the first of those (searchquery.best_part). */
  const bestPart = (hit, named = false) => {
    const counts = new Map();
    hit.parts.forEach((parts) => parts.forEach((p) => counts.set(p, (counts.get(p) || 0) + 1)));
    if (!counts.size) return 0;
    const top = Math.max(...counts.values());
    let best = [...counts].filter(([, n]) => n === top).map(([p]) => p);
    if (best.length > 1 && !named) best = best.filter((p) => p !== 0);
    return Math.min(...best);
  };

  const chineseNumber = (n) => (n < RULES.numerals.length ? RULES.numerals[n] : String(n));

  /** The Chinese name of a part from its anchor: s3-2 → 第三部分第二项 (core.labels.part_name). */
  const partName = (anchor) => {
    const sep = RULES.separator;
    const items = (numbers) =>
      numbers.map((n, depth) => `第${chineseNumber(n)}${depth === 0 ? "项" : "小项"}`).join("");
    for (const [closing, heading] of RULES.closing) {
      if (anchor === closing) return heading;
      if (anchor.startsWith(closing + sep))
        return heading + items(anchor.slice(closing.length + 1).split(sep).map(Number));
    }
    if (!anchor.startsWith(RULES.sectionPrefix)) return anchor;
    const numbers = anchor.slice(RULES.sectionPrefix.length).split(sep).map(Number);
    if (numbers.some(Number.isNaN)) return anchor;
    return `第${chineseNumber(numbers[0])}部分` + items(numbers.slice(1));
  };

  /** [anchor, label] of part *k* of a doc record (k = 0: the page itself); a report's part named
   * by the heading its text file gives (*texts*, when loaded), else by its number. */
  const describe = (record, k, texts = null) => {
    if (k === 0) return ["", ""];
    if (typeof record.a === "string") {
      const anchor = record.a.split(" ")[k - 1];
      const heading = texts && texts[k] && texts[k][2];
      return [anchor, heading || partName(anchor)];
    }
    return record.a[k - 1];
  };

  /** Whether a title holds every wanted phrase of a query, as text (searchquery.title_holds). */
  const titleHolds = (title, query) => {
    const normal = normalize(title);
    return needles(query).every((needle) => normal.includes(needle));
  };

  const topicOf = (record, k) => (k > 0 && record.tp ? record.tp.split(" ")[k - 1] : "-");

  /** Everything a test needs to compare with searchquery.py: the pages found, in order. */
  const searchAll = async (query, filters = {}, how = {}) => {
    const search = await start(query, filters, how);
    while (!search.exhausted) await more(search, 1000, null, null);
    const out = [];
    for (const hit of search.hits) {
      const record = await doc(hit.gid);
      const [anchor] = describe(record, bestPart(hit, titleHolds(record.t, query)));
      out.push(record.n + ".html" + (anchor ? "#" + anchor : ""));
    }
    return out;
  };

  // --- the search page --------------------------------------------------------------------

  const element = (tag, attributes = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes)) {
      if (key === "class") node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children)
      if (child !== null && child !== undefined)
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    return node;
  };

  const root = () => (typeof DOCUMENTATION_OPTIONS !== "undefined" ? DOCUMENTATION_OPTIONS.URL_ROOT || "" : "");
  const pageLink = (docname, anchor) =>
    root() + docname + (typeof DOCUMENTATION_OPTIONS !== "undefined" ? DOCUMENTATION_OPTIONS.FILE_SUFFIX : ".html") + (anchor ? "#" + anchor : "");

  //: what a search runs over and in which order, in the address besides the facets
  const HOW = ["sort", "from", "to", "docs"];

  /** The address of a search: the query, facets *filters*, and *how* (sort, from, to, docs). */
  const searchLink = (query, filters, how = view ? view.how : {}) => {
    const params = new URLSearchParams();
    params.set("q", query);
    for (const [facet] of FACETS) if (own(filters, facet)) params.set(facet, filters[facet]);
    for (const key of HOW) if (own(how, key)) params.set(key, how[key]);
    return "?" + params.toString();
  };

  /** The search's options from the address (?sort=date&from=2021&to=2023&docs=1). */
  const howFrom = (params) => {
    const how = {};
    for (const key of HOW) if (params.get(key)) how[key] = params.get(key);
    return how;
  };

  /** The options as start() takes them. */
  const options = (how) => {
    const year = (value) => (/^[0-9]{4}$/.test(value || "") ? Number(value) : null);
    const [first, last] = [year(how.from), year(how.to)];
    return {
      order: how.sort === "date" ? "date" : "relevance",
      documentation: how.docs === "1",
      years: first === null && last === null ? null : [first, last],
    };
  };

  const facetValue = (facet, value, record) => {
    // (a value from the address or the data is a key of no prototype: t=toString is no label)
    if (facet === "k") return own(meta.kinds, value) || value;
    if (facet === "y") return `${value}年`;
    if (facet === "t") return own(meta.topics, value) || value;
    if (facet === "c") return record ? record.cn : value;
    return value;
  };

  const recordFacets = (record, hit) => {
    const found = [];
    if (record.p) found.push(["p", record.p]);
    if (record.c) found.push(["c", record.c]);
    if (record.k) found.push(["k", record.k]);
    if (record.yr) found.push(["y", String(record.yr)]);
    const topics = new Set();
    hit.parts.forEach((parts) =>
      parts.forEach((k) => {
        const topic = topicOf(record, k);
        if (topic && topic !== "-") topics.add(topic);
      }),
    );
    topics.forEach((t) => found.push(["t", t]));
    return found;
  };

  /** The phrases of a query as text, to find in snippets. */
  const needles = (query) => {
    const found = [];
    for (const word of normalize(query).split(/\s+/)) {
      if (!word || (word.length > 1 && word[0] === "-")) continue;
      runs(word).forEach((run) => found.push(run.join("")));
    }
    return found;
  };

  const SNIPPET = 90;

  /** A snippet of *text* around the first place a phrase is found, the phrases marked. */
  const snippet = (text, query) => {
    const chars = [...text.replace(REDACTION, "$1")];
    // the text normalised character by character, each unit remembering its character
    let normal = "";
    const origin = [];
    chars.forEach((ch, i) => {
      const n = normalize(ch);
      normal += n;
      for (let k = 0; k < n.length; k++) origin.push(i);
    });
    origin.push(chars.length);
    const ranges = [];
    for (const needle of needles(query)) {
      let at = normal.indexOf(needle);
      while (at >= 0 && ranges.length < 50) {
        ranges.push([origin[at], origin[at + needle.length - 1] + 1]);
        at = normal.indexOf(needle, at + needle.length);
      }
    }
    ranges.sort((a, b) => a[0] - b[0]);
    const from = ranges.length ? Math.max(0, ranges[0][0] - 30) : 0;
    const to = Math.min(chars.length, from + SNIPPET);
    const slice = (a, b) => chars.slice(a, b).join("");
    const node = element("p", { class: "shufa-snippet" });
    if (from > 0) node.appendChild(document.createTextNode("……"));
    let at = from;
    for (const [a, b] of ranges) {
      if (b <= at || a >= to) continue;
      if (a > at) node.appendChild(document.createTextNode(slice(at, a)));
      node.appendChild(element("mark", {}, slice(Math.max(a, at), Math.min(b, to))));
      at = Math.min(b, to);
    }
    if (at < to) node.appendChild(document.createTextNode(slice(at, to)));
    if (to < chars.length) node.appendChild(document.createTextNode("……"));
    return node;
  };

  /** The page on screen: the search, its results so far, the list and the controls. */
  let view = null;
  //: when the search started and when its first results were on screen (performance.now())
  const timings = {};

  const summary = () => {
    const { search } = view;
    const count = search.hits.length;
    if (!count && search.exhausted)
      return view.how.docs === "1"
        ? "使用指南和参考中没有匹配的页面。"
        : "没有匹配的页面。请换一个词，或去掉一些筛选条件；使用指南和参考中的页面在“范围：文档”中搜索。";
    if (search.exhausted) return `找到 ${count} 个页面。`;
    if (search.total !== null) return `找到 ${search.total} 个页面。`;
    return `找到至少 ${count} 个页面（还有更多）。`;
  };

  const renderFacets = () => {
    const { search, records, facetsBox, filters, query } = view;
    const counts = new Map();
    search.hits.forEach((hit) => {
      const record = records.get(hit.gid);
      if (!record) return;
      for (const [facet, value] of recordFacets(record, hit)) {
        const key = facet + "\u0000" + value;
        if (!counts.has(key)) counts.set(key, { facet, value, record, n: 0 });
        counts.get(key).n += 1;
      }
    });
    facetsBox.replaceChildren();
    const exact = search.exhausted;
    for (const [facet, heading] of FACETS) {
      const values = [...counts.values()].filter((v) => v.facet === facet);
      if (!values.length && !filters[facet]) continue;
      values.sort((a, b) => b.n - a.n || (a.value < b.value ? -1 : 1));
      const list = element("ul");
      if (filters[facet]) {
        const rest = { ...filters };
        delete rest[facet];
        const chosen = values.find((v) => v.value === filters[facet]);
        list.appendChild(
          element(
            "li",
            { class: "shufa-facet-chosen" },
            element("strong", {}, facetValue(facet, filters[facet], chosen && chosen.record)),
            " ",
            element("a", { href: searchLink(query, rest), title: "去掉这个条件" }, "✕"),
          ),
        );
      } else {
        for (const v of values.slice(0, 12))
          list.appendChild(
            element(
              "li",
              {},
              element("a", { href: searchLink(query, { ...filters, [facet]: v.value }) }, facetValue(facet, v.value, v.record)),
              ` ${exact ? "" : "≥"}${v.n}`,
            ),
          );
      }
      facetsBox.appendChild(element("div", { class: "shufa-facet", "data-facet": facet }, element("h3", {}, heading), list));
    }
  };

  /** A result: its title linking to the part that holds the query, named by its heading, the
   * page's facts, the snippet of that part and links to the page's other parts that hold it
   * (never the one the title links to). *texts* is the page's text file (null: not loaded). */
  const renderHit = (hit, texts) => {
    const { query, records } = view;
    const record = records.get(hit.gid);
    let linked = bestPart(hit, titleHolds(record.t, query));
    if (texts && linked === 0 && hit.parts.length === 1 && !hit.parts[0].length) {
      // a lone character is found by page: link the first part holding it
      const chars = normalize(query).match(CJK_CHAR);
      const holder = chars ? texts.findIndex((p, k) => k > 0 && normalize(p[1]).includes(chars[0])) : -1;
      if (holder > 0) linked = holder;
    }
    const [anchor, label] = describe(record, linked, texts);
    const title = element("a", { href: pageLink(record.n, anchor), class: "shufa-result-title" }, record.t);
    const facts = [];
    if (record.p) facts.push(record.p);
    if (record.cn && !record.t.includes(record.cn)) facts.push(record.cn);
    if (record.k) facts.push(facetValue("k", record.k));
    if (record.yr) facts.push(`${record.yr}年`);
    const item = element(
      "li",
      { class: "shufa-result", "data-doc": record.n },
      title,
      label ? element("span", { class: "shufa-result-part" }, ` › ${label}`) : null,
      facts.length ? element("div", { class: "shufa-result-facts" }, facts.join(" · ")) : null,
      texts ? snippet((texts[linked] || texts[0] || ["", ""])[1], query) : null,
    );
    const others = [];
    for (const k of [...new Set(hit.parts.flat())].sort((a, b) => a - b)) {
      if (k === 0 || k === linked) continue;
      const [a, l] = describe(record, k, texts);
      if (l !== label && !others.some((o) => o[1] === l)) others.push([a, l]);
    }
    if (others.length) {
      const links = element("ul", { class: "shufa-result-parts" });
      for (const [a, l] of others.slice(0, 8)) links.appendChild(element("li", {}, element("a", { href: pageLink(record.n, a) }, l || a)));
      if (others.length > 8) links.appendChild(element("li", {}, `等 ${others.length} 处`));
      item.appendChild(links);
    }
    return item;
  };

  /** A page the query names (a county page for its name) is shown first. */
  const pinned = (record, query) =>
    normalize(record.t).replace(/\s+/g, "") === normalize(query).replace(/\s+/g, "");

  /** Find and show the next page of results. */
  const step = async () => {
    const { search, list, records, status, button } = view;
    button.disabled = true;
    status.textContent = "正在搜索……";
    const found = await more(search);
    await Promise.all(found.map(async (hit) => records.set(hit.gid, await doc(hit.gid))));
    // a page the query names (a county) first, then the others in the index's order
    const named = (hit) => view.how.sort !== "date" && pinned(records.get(hit.gid), search.query);
    const ordered = [...found.filter(named), ...found.filter((hit) => !named(hit))];
    // each result's text file (its snippet and the headings of its parts), all at once
    const texts = await Promise.all(ordered.map((hit) => load(`t/${records.get(hit.gid).n}.js`).catch(() => null)));
    ordered.forEach((hit, i) => list.appendChild(renderHit(hit, texts[i])));
    status.textContent = summary();
    renderFacets();
    button.hidden = search.exhausted;
    button.disabled = false;
    button.textContent = found.length < PAGE_SIZE && !search.exhausted ? "继续查找" : `下一页（再显示 ${PAGE_SIZE} 个）`;
    view.title.textContent = "搜索结果";
    if (timings.firstResults === undefined) timings.firstResults = performance.now();
    document.dispatchEvent(new CustomEvent("shufa-search-step", { detail: { shown: list.children.length } }));
  };

  /** The options of a search, as a form that leads to the search's address: the order, a range
   * of years and whether to search the reports or the documentation. */
  const renderControls = (query, filters, how) => {
    const select = (name, label, choices) => {
      const id = `shufa-${name}`;
      const box = element("select", { id, name });
      for (const [value, text] of choices) {
        const option = box.appendChild(element("option", { value }, text));
        if ((own(how, name) || "") === value) option.selected = true;
      }
      return element("span", { class: `shufa-control shufa-control-${name}` }, element("label", { for: id }, label), box);
    };
    const years = (meta.years || []).map((y) => [String(y), `${y}年`]);
    const form = element(
      "form",
      { class: "shufa-controls", action: "", method: "get", "aria-label": "搜索选项" },
      select("sort", "排序：", [["", "相关度（报告在前）"], ["date", "年度（新的在前）"]]),
      element(
        "span",
        { class: "shufa-control-group" },
        select("from", "年度：", [["", "不限"], ...years]),
        select("to", "至", [["", "不限"], ...years]),
      ),
      select("docs", "范围：", [["", "报告"], ["1", "文档（使用指南、参考）"]]),
      element("button", { type: "submit", class: "shufa-apply" }, "应用"),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const chosen = {};
      for (const key of HOW) if (form.elements[key].value) chosen[key] = form.elements[key].value;
      window.location.href = searchLink(query, filters, chosen);
    });
    return form;
  };

  const perform = async (query) => {
    timings.started = performance.now();
    const params = new URLSearchParams(window.location.search);
    const filters = {};
    for (const [facet] of FACETS) if (params.get(facet)) filters[facet] = params.get(facet);
    const how = howFrom(params);
    const out = document.getElementById("search-results");
    out.replaceChildren();
    const title = out.appendChild(element("h2", {}, "正在搜索"));
    await ready();
    out.appendChild(renderControls(query, filters, how));
    const status = out.appendChild(element("p", { class: "search-summary", role: "status" }));
    const layout = out.appendChild(element("div", { class: "shufa-search" }));
    const facetsBox = layout.appendChild(element("nav", { class: "shufa-facets", "aria-label": "筛选" }));
    const column = layout.appendChild(element("div", { class: "shufa-results" }));
    const list = column.appendChild(element("ul", { class: "search", role: "list" }));
    const button = column.appendChild(element("button", { type: "button", class: "shufa-more", hidden: "" }, "下一页"));
    try {
      const search = await start(query, filters, options(how));
      view = { query, filters, how, search, list, records: new Map(), status, button, facetsBox, title };
      button.addEventListener("click", () => step());
      await step();
    } catch (error) {
      title.textContent = "搜索结果";
      status.textContent = "搜索索引无法载入。";
      throw error;
    }
  };

  // Take over Sphinx's search page: searchtools.js calls Search.performSearch for ?q=.
  if (typeof Search !== "undefined") {
    Search.performSearch = (query) => {
      perform(query);
    };
  }

  return {
    setMeta,
    setShard,
    setBlock,
    setDocs,
    setText,
    phrases,
    queryPhrases,
    queryRuns,
    unitText,
    unitPhrase,
    searchable,
    indexTokens,
    pageChars,
    partName,
    runs,
    termHash,
    searchAll,
    log,
    timings,
    PAGE_SIZE,
  };
})();
