/*
 * Chinese search for the archive: phrases, places and figures, down to the section.
 *
 * Splits a query into the terms the index holds (shufa/core/searchterms.py; the unit of
 * text, the anchor scheme and the Chinese numerals come from _static/shufa-rules.js,
 * written from the core at build time) and answers it from _static/searchindex-zh.js,
 * inside Sphinx's own search page: searchtools.js asks Search.performTermsSearch for
 * full-text results, and this file answers that call.
 *
 * A query is cut into phrases (runs of CJK characters, numbers and Latin words); a page
 * matches when every phrase is found in one part of it (a report section or item, or a
 * section of a guide page); "-phrase" excludes pages holding the phrase. A result links
 * to the part that holds the most phrases.
 */
"use strict";

const ShufaSearch = (() => {
  const RULES = ShufaRules;
  const CJK = RULES.cjk;
  const UNIT = new RegExp(RULES.unit, "gu");
  const IS_CJK = new RegExp(`^[${CJK}]`, "u");
  const FINAL = "0123456789abcdefghijklmnopqrstuv";
  const MORE = "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-";

  // The index comes in shards (searchindex-zh.js, searchindex-zh-1.js …), each a set of
  // pages with its own part numbers; a query is answered shard by shard.
  let index = null; // the shard being searched
  let starts = null; // number of the first part of each page of that shard
  let reports = new Set(); // the pages of that shard that are reports
  let shards = []; // [{index, starts, reports}], by shard number
  let expected = 1; // how many shards the search page loads
  let ready = false; // every shard has arrived
  let pending = null; // a query asked before the index arrived

  const normalize = (text) => text.normalize("NFKC").toLowerCase();

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

  const IS_CHAR = new RegExp(`^[${CJK}%]`, "u");
  const isNumber = (unit) => unit[0] >= "0" && unit[0] <= "9";

  /** Adjacent units joined; not a character followed by a number (search.pairs). */
  const pairs = (run) =>
    run
      .slice(1)
      .map((unit, i) => [run[i], unit])
      .filter(([a, b]) => !(isNumber(b) && IS_CHAR.test(a)))
      .map(([a, b]) => a + b);

  /** The terms a text is indexed under (search.index_tokens), for checking the two agree. */
  const indexTokens = (text) => {
    const tokens = new Set();
    for (const run of runs(normalize(text))) {
      if (run.length === 1) {
        if (run[0] !== "%") tokens.add(run[0]);
        continue;
      }
      pairs(run).forEach((t) => tokens.add(t));
      run.filter((u) => u !== "%" && !IS_CJK.test(u)).forEach((u) => tokens.add(u));
    }
    return [...tokens].sort();
  };

  /** Each phrase of a query as the terms that must all be found in one part (search.query_phrases). */
  const phrases = (query) =>
    runs(normalize(query)).map((run) => {
      if (run.length === 1) return run;
      const terms = pairs(run);
      if (terms.length < run.length - 1)
        run.filter((u) => isNumber(u) && !terms.includes(u)).forEach((u) => terms.push(u));
      return terms;
    });

  const decode = (code) => {
    if (code[0] === "!") {
      const missing = new Set(decode(code.slice(1)));
      const ids = [];
      for (let i = 0; i < index.total; i++) if (!missing.has(i)) ids.push(i);
      return ids;
    }
    const ids = [];
    let previous = -1;
    let value = 0;
    for (const ch of code) {
      const more = MORE.indexOf(ch);
      if (more >= 0) {
        value = value * 32 + more;
        continue;
      }
      value = value * 32 + FINAL.indexOf(ch);
      previous += value + 1;
      ids.push(previous);
      value = 0;
    }
    return ids;
  };

  /** The parts holding every term of a phrase; a lone character matches any term it is in. */
  const partsOf = (terms) => {
    const all = index.terms;
    if (terms.length === 1 && IS_CJK.test(terms[0]) && [...terms[0]].length === 1) {
      const ch = terms[0];
      const found = new Set();
      for (const term of Object.keys(all))
        if (term.startsWith(ch) || term.endsWith(ch)) decode(all[term]).forEach((i) => found.add(i));
      return found;
    }
    let found = null;
    for (const term of terms) {
      if (!Object.prototype.hasOwnProperty.call(all, term)) return new Set();
      const ids = decode(all[term]);
      found = found === null ? new Set(ids) : new Set(ids.filter((i) => found.has(i)));
      if (!found.size) break;
    }
    return found || new Set();
  };

  const pageOf = (part) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= part) lo = mid;
      else hi = mid - 1;
    }
    return lo;
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

  /** Anchor and label of part *k* of page *doc*. */
  const describe = (doc, part) => {
    const k = part - starts[doc];
    if (k === 0) return ["", ""];
    const parts = index.parts[doc];
    if (typeof parts === "string") {
      const anchor = parts.split(" ")[k - 1];
      return [anchor, partName(anchor)];
    }
    return parts[k - 1];
  };

  /** Results in the shape searchtools.js displays: [docname, title, anchor, descr, score, file, kind]. */
  const search = (query) => {
    if (!ready) return [];
    const results = [];
    for (const shard of shards) {
      ({ index, starts, reports } = shard);
      results.push(...searchShard(query));
    }
    return results;
  };

  const searchShard = (query) => {
    const wanted = [];
    const unwanted = [];
    for (const word of query.trim().split(/\s+/)) {
      if (word.length > 1 && word[0] === "-") unwanted.push(...phrases(word.slice(1)));
      else wanted.push(...phrases(word));
    }
    if (!wanted.length) return [];
    const hits = wanted.map(partsOf);
    const excluded = new Set();
    unwanted.map(partsOf).forEach((parts) => parts.forEach((p) => excluded.add(pageOf(p))));

    // page → part → number of phrases found in it
    const pages = new Map();
    hits.forEach((parts, phrase) => {
      for (const part of parts) {
        const doc = pageOf(part);
        if (excluded.has(doc)) continue;
        if (!pages.has(doc)) pages.set(doc, { phrases: new Set(), parts: new Map() });
        const page = pages.get(doc);
        page.phrases.add(phrase);
        page.parts.set(part, (page.parts.get(part) || 0) + 1);
      }
    });

    const results = [];
    const phraseTexts = [];
    for (const word of query.trim().split(/\s+/))
      if (!(word.length > 1 && word[0] === "-"))
        runs(normalize(word)).forEach((run) => phraseTexts.push(run.join("")));
    for (const [doc, page] of pages) {
      if (page.phrases.size !== wanted.length) continue;
      const title = index.titles[doc];
      const inTitle = phraseTexts.every((text) => normalize(title).includes(text));
      let best = null;
      let bestCount = -1;
      for (const [part, count] of page.parts) {
        // The page itself wins a tie only when the query is in its title (a county, a report).
        const rank = count * 2 + (part === starts[doc] ? (inTitle ? 1 : -1) : 0);
        if (rank > bestCount || (rank === bestCount && part < best)) {
          best = part;
          bestCount = rank;
        }
      }
      const [anchor, label] = describe(doc, best);
      // A page named by the query first (a county), then the query in the title, then
      // reports, then pages that hold it in more parts.
      const named = phraseTexts.join("") === normalize(title).replace(/\s+/g, "");
      const score =
        (named ? 10 : 0) + (inTitle ? 15 : 5) + (reports.has(doc) ? 4 : 0) + Math.min(page.parts.size, 4);
      results.push([
        index.docs[doc],
        label ? `${title} › ${label}` : title,
        anchor ? "#" + anchor : "",
        null,
        score,
        "",
        "text",
      ]);
    }
    return results;
  };

  /** One shard of the index (number *shard* of *count*) has arrived. */
  const setIndex = (data, shard = 0, count = 1) => {
    const shardStarts = [];
    let n = 0;
    for (const parts of data.parts) {
      shardStarts.push(n);
      n += 1 + (typeof parts === "string" ? (parts ? parts.split(" ").length : 0) : parts.length);
    }
    expected = count;
    shards[shard] = { index: data, starts: shardStarts, reports: new Set(data.reports) };
    ready = shards.filter(Boolean).length === expected;
    if (!ready) return;
    if (pending !== null && typeof Search !== "undefined") {
      const query = pending;
      pending = null;
      Search.query(query);
    }
  };

  // Plug into searchtools.js: remember the raw query, answer the full-text lookup with ours,
  // and hold a query that arrives before the index.
  if (typeof Search !== "undefined") {
    // Opened from files, the browser refuses the fetch() that reads each result's summary.
    if (window.location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined")
      DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
    let raw = "";
    const parseQuery = Search._parseQuery;
    Search._parseQuery = (query) => {
      raw = query;
      return parseQuery(query);
    };
    Search.performTermsSearch = () => search(raw);
    // The domain objects are the report parts this index already finds, by section: their
    // substring search would list every part of every report whose label holds the query.
    Search.performObjectSearch = () => [];
    // One result per page: the best-scored (searchtools.js shows the end of the list first).
    const performSearch = Search._performSearch;
    Search._performSearch = (...args) => {
      const seen = new Set();
      return performSearch(...args)
        .reverse()
        .filter((result) => !seen.has(result[0]) && seen.add(result[0]))
        .reverse();
    };
    const runQuery = Search.query;
    Search.query = (query) => {
      if (ready) runQuery(query);
      else pending = query;
    };
  }

  return { setIndex, search, phrases, indexTokens, partName, runs };
})();
