/* Any two years side by side: the page reports/<county>/<kind>/compare.html.
 *
 * The two reports are named in the address, ?from=2021&to=2024 or #from=2021&to=2024 (the
 * fragment wins; it also works from file://), each a year of this county or
 * "<county>/<year>" of another. Their reading files (<year>.js beside each report, which set
 * ShufaReports["<county>/<kind>/<year>"]) are loaded with <script> elements, so nothing is
 * fetched: it works from file:// and any static host. Sections are paired by topic and each
 * pair set side by side, a row per line (each line of the later section beside the line of the
 * earlier one it resembles most), changed clauses marked and changed numbers marked whole, with
 * the later section's reuse rate against the whole earlier report: the steps of
 * shufa.core.reuse (a test compares the marks of both on the same texts). The rules (the clause,
 * the likeness that pairs lines, the reuse rate's run length, normalisation, bands) come from
 * _static/shufa-rules.js (ShufaRules.reuse).
 * Every text of the reports is set as text, never as markup.
 */
(function () {
  "use strict";

  // shufa-rules.js, loaded just before this script, declares ShufaRules (not a window property)
  var all = typeof ShufaRules !== "undefined" ? ShufaRules : null;
  var rules = all && all.reuse;
  var dataNode = document.getElementById("shufa-compare-data");
  if (!rules || !dataNode) return;
  var data = JSON.parse(dataNode.textContent);
  var slug = new RegExp(all.slug);
  var result = document.getElementById("compare-result");
  var status = document.querySelector(".compare-status");
  var form = document.querySelector("form.compare-form");
  var loading = new Map();

  // The value object holds under key itself, never one it inherits: keys come from the data (a
  // topic keyed "constructor") and the address.
  function own(object, key) {
    return object && Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
  }

  // --- which reports ---------------------------------------------------------------------------

  function params() {
    var found = {};
    [window.location.search.slice(1), window.location.hash.slice(1)].forEach(function (part) {
      part.split("&").forEach(function (pair) {
        var at = pair.indexOf("=");
        if (at < 0) return;
        var name = pair.slice(0, at);
        var value = pair.slice(at + 1);
        try { value = decodeURIComponent(value.replace(/\+/g, " ")); } catch (e) { return; }
        if (name === "from" || name === "to") found[name] = value;
      });
    });
    return found;
  }

  // "2021" or "beiting/2021" -> {county, year}; null when it names no report this page can load
  function parse(value) {
    var match = /^(?:([^/]+)\/)?([0-9]{4})$/.exec(value || "");
    if (!match) return null;
    var county = match[1] || data.county;
    if (!slug.test(county)) return null;
    return { county: county, year: match[2], key: county + "/" + data.kind + "/" + match[2] };
  }

  function load(which) {
    var ready = own(window.ShufaReports, which.key);
    if (ready) return Promise.resolve(ready);
    if (!loading.has(which.key)) {
      loading.set(which.key, new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = data.root + data.script.replace("{county}", which.county).replace("{year}", which.year);
        script.onload = function () {
          var found = own(window.ShufaReports, which.key);
          if (found) resolve(found); else reject(which);
        };
        script.onerror = function () { reject(which); };
        document.head.appendChild(script);
      }));
    }
    return loading.get(which.key);
  }

  // --- the reuse rate and the diff (shufa.core.reuse) ----------------------------------------------

  var number = new RegExp(rules.number, "g");
  var space = new RegExp(rules.space, "g");

  function normalise(text) {
    return text.replace(space, "").replace(number, "0");
  }

  function Baseline(text) {
    this.text = normalise(text);
    this.shingles = new Set();
    for (var i = 0; i + rules.shingle <= this.text.length; i++) {
      this.shingles.add(this.text.slice(i, i + rules.shingle));
    }
  }

  Baseline.prototype.reuse = function (text) {
    var t = normalise(text);
    var n = rules.shingle;
    if (!t) return null;
    if (t.length < n) return this.text.indexOf(t) >= 0 ? 1 : 0;
    var covered = 0;
    var reach = 0;
    for (var i = 0; i + n <= t.length; i++) {
      if (this.shingles.has(t.slice(i, i + n))) {
        covered += i + n - Math.max(i, reach);
        reach = i + n;
      }
    }
    return covered / t.length;
  };

  function band(rate) {
    for (var i = 0; i < rules.bands.length; i++) {
      if (rate >= rules.bands[i][0]) return rules.bands[i][1];
    }
    return "";
  }

  // The diff, step by step as shufa.core.reuse does it (pair_lines, line_diff, text_diff): lines
  // paired by likeness, each pair compared clause by clause, a changed number marked whole.
  var clause = new RegExp(rules.clause, "g");
  var diffNumber = new RegExp(rules.diffNumber, "g");
  var numberSplit = new RegExp("(" + rules.diffNumber + ")");

  // a clause as clauses are matched (reuse.clause_key)
  function clauseKey(text) {
    return text.replace(space, "").replace(diffNumber, "0");
  }

  function clauses(line) {
    return line.match(clause) || [];
  }

  // the character pairs of a line, by code point (as Python slices a str)
  function pairsOf(line) {
    var chars = Array.from(normalise(line));
    var found = new Set();
    for (var i = 0; i + 1 < chars.length; i++) found.add(chars[i] + chars[i + 1]);
    if (!found.size && chars.length) found.add(chars.join(""));
    return found;
  }

  function likeness(a, b) {
    if (!a.size && !b.size) return 1;
    var common = 0;
    a.forEach(function (gram) { if (b.has(gram)) common++; });
    return 2 * common / (a.size + b.size);
  }

  // [[earlier index or null, later index or null]] in reading order (reuse.pair_lines)
  function pairLines(before, after) {
    var gramsA = before.map(pairsOf);
    var gramsB = after.map(pairsOf);
    var match = new Map();
    var taken = new Set();
    if (before.length && after.length) { match.set(0, 0); taken.add(0); }
    var scored = [];
    for (var j = 1; j < after.length; j++) {
      for (var i = 1; i < before.length; i++) {
        var score = likeness(gramsA[i], gramsB[j]);
        if (score >= rules.lineMatch) scored.push([-score, j, i]);
      }
    }
    scored.sort(function (x, y) { return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
    scored.forEach(function (s) {
      if (!match.has(s[1]) && !taken.has(s[2])) { match.set(s[1], s[2]); taken.add(s[2]); }
    });
    var order = [];
    var shown = 0;
    for (var k = 0; k < after.length; k++) {
      var at = match.has(k) ? match.get(k) : null;
      if (at !== null) {
        for (var m = shown; m < at; m++) if (!taken.has(m)) order.push([m, null]);
        shown = Math.max(shown, at + 1);
      }
      order.push([at, k]);
    }
    for (var r = shown; r < before.length; r++) if (!taken.has(r)) order.push([r, null]);
    return order;
  }

  // opcodes ["equal" | "change", i1, i2, j1, j2] of two clause lists (reuse._alignment)
  function alignment(a, b) {
    var keyA = a.map(clauseKey);
    var keyB = b.map(clauseKey);
    var n = a.length;
    var m = b.length;
    if (n * m > rules.maxClauses * rules.maxClauses) return n || m ? [["change", 0, n, 0, m]] : [];
    var table = new Uint32Array((n + 1) * (m + 1));
    for (var x = n - 1; x >= 0; x--) {
      for (var y = m - 1; y >= 0; y--) {
        table[x * (m + 1) + y] = keyA[x] === keyB[y]
          ? table[(x + 1) * (m + 1) + y + 1] + 1
          : Math.max(table[(x + 1) * (m + 1) + y], table[x * (m + 1) + y + 1]);
      }
    }
    var codes = [];
    x = 0;
    y = 0;
    while (x < n || y < m) {
      var op, dx, dy;
      if (x < n && y < m && keyA[x] === keyB[y]) { op = "equal"; dx = 1; dy = 1; }
      else if (y < m && (x === n || table[x * (m + 1) + y + 1] >= table[(x + 1) * (m + 1) + y])) { op = "change"; dx = 0; dy = 1; }
      else { op = "change"; dx = 1; dy = 0; }
      var last = codes[codes.length - 1];
      if (last && last[0] === op && op === "change") { last[2] += dx; last[4] += dy; }
      else codes.push([op, x, x + dx, y, y + dy]);
      x += dx;
      y += dy;
    }
    return codes;
  }

  // two clauses that differ in their numbers only: [earlier runs, later runs, merged], or null
  function numbersChanged(a, b) {
    var piecesA = a.split(numberSplit);
    var piecesB = b.split(numberSplit);
    if (piecesA.length !== piecesB.length) return null;
    for (var k = 0; k < piecesA.length; k += 2) {
      if (piecesA[k].replace(space, "") !== piecesB[k].replace(space, "")) return null;
    }
    var left = [];
    var right = [];
    var merged = [];
    piecesA.forEach(function (x, i) {
      var y = piecesB[i];
      if (i % 2 === 0 || x === y) { left.push(["", x]); right.push(["", y]); merged.push(["", y]); }
      else { left.push(["del", x]); right.push(["ins", y]); merged.push(["del", x], ["ins", y]); }
    });
    return [left, right, merged];
  }

  function joined(runs) {
    var out = [];
    runs.forEach(function (run) {
      if (!run[1]) return;
      var last = out[out.length - 1];
      if (last && last[0] === run[0]) last[1] += run[1];
      else out.push([run[0], run[1]]);
    });
    return out;
  }

  // [earlier runs, later runs, merged runs] of two lines (reuse.line_diff)
  function lineDiff(before, after) {
    var a = clauses(before);
    var b = clauses(after);
    var left = [];
    var right = [];
    var merged = [];
    alignment(a, b).forEach(function (code) {
      if (code[0] === "equal") {
        for (var k = 0; k < code[2] - code[1]; k++) {
          var x = a[code[1] + k];
          var y = b[code[3] + k];
          if (x === y) { left.push(["", x]); right.push(["", y]); merged.push(["", y]); continue; }
          var found = numbersChanged(x, y) || [[["del", x]], [["ins", y]], [["del", x], ["ins", y]]];
          left = left.concat(found[0]);
          right = right.concat(found[1]);
          merged = merged.concat(found[2]);
        }
        return;
      }
      var removed = a.slice(code[1], code[2]).join("");
      var added = b.slice(code[3], code[4]).join("");
      left.push(["del", removed]);
      right.push(["ins", added]);
      merged.push(["del", removed], ["ins", added]);
    });
    return [joined(left), joined(right), joined(merged)];
  }

  // [{before, after, earlier, later, merged}] of two texts, a line each (reuse.text_diff)
  function textDiff(before, after) {
    var linesA = before.split("\n");
    var linesB = after.split("\n");
    return pairLines(linesA, linesB).map(function (pair) {
      var i = pair[0];
      var j = pair[1];
      if (i === null) return { before: i, after: j, earlier: [], later: [["ins", linesB[j]]], merged: [["ins", linesB[j]]] };
      if (j === null) return { before: i, after: j, earlier: [["del", linesA[i]]], later: [], merged: [["del", linesA[i]]] };
      var sides = lineDiff(linesA[i], linesB[j]);
      return { before: i, after: j, earlier: sides[0], later: sides[1], merged: sides[2] };
    });
  }

  // (for tests: the same marks as the build's, on the same texts)
  window.ShufaDiff = { textDiff: textDiff, clauses: clauses };

  // --- the page ------------------------------------------------------------------------------------

  function el(name, attributes, children) {
    var node = document.createElement(name);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  // A line's runs in a cell: text as text, removed runs in <del>, new ones in <ins>.
  function cell(runs) {
    if (!runs.length) return el("td");
    var paragraph = el("p");
    runs.forEach(function (run) {
      paragraph.appendChild(run[0] ? el(run[0], {}, [run[1]]) : document.createTextNode(run[1]));
    });
    return el("td", {}, [paragraph]);
  }

  function name(doc) {
    return doc.county === data.county ? doc.year + "年" : doc.county_name + doc.year + "年";
  }

  function link(doc, anchor, text) {
    return el("a", { class: "reference internal", href: data.root + doc.page + (anchor ? "#" + anchor : "") }, [text]);
  }

  function rateNote(rate, doc) {
    return el("span", { class: "reuse " + band(rate) }, ["与" + name(doc) + "报告文字重复 " + Math.round(rate * 100) + "%"]);
  }

  function wholeText(doc) {
    return doc.before.concat(doc.parts.map(function (p) { return p.printed; }), doc.after).join("\n");
  }

  // topic -> the first section on it (a Map: a topic keyed "constructor" is a topic like any other)
  function sectionsByTopic(doc) {
    var found = new Map();
    doc.parts.forEach(function (part) {
      if (part.kind === "section" && !found.has(part.topic)) found.set(part.topic, part);
    });
    return found;
  }

  function render(earlier, later) {
    var baseline = new Baseline(wholeText(earlier));
    var a = sectionsByTopic(earlier);
    var b = sectionsByTopic(later);
    var order = [];
    [later, earlier].forEach(function (doc) {
      doc.parts.forEach(function (part) {
        if (part.kind === "section" && order.indexOf(part.topic) < 0) order.push(part.topic);
      });
    });
    var out = document.createDocumentFragment();
    var whole = baseline.reuse(wholeText(later)) || 0;
    out.appendChild(el("p", { class: "compare-intro" }, [
      link(earlier, "", name(earlier) + "报告"), " 与 ", link(later, "", name(later) + "报告"),
      "，按主题逐段对照。" + name(later) + "报告全文", rateNote(whole, earlier), "。"
    ]));
    out.appendChild(el("p", { class: "compare-legend" }, [
      "图例：", el("del", {}, [name(earlier) + "有、" + name(later) + "没有的文字"]), "；",
      el("ins", {}, [name(later) + "新有的文字"]), "。"
    ]));
    order.forEach(function (topic) {
      var section = el("section", { id: "topic-" + topic });
      section.appendChild(el("h3", {}, [own(data.topics, topic) || topic]));
      var x = a.get(topic);
      var y = b.get(topic);
      if (!x || !y) {
        var only = x || y;
        var owner = x ? earlier : later;
        section.appendChild(el("p", { class: "compare-only" }, [
          "仅见于" + name(owner) + "报告：", link(owner, only.anchor, only.marker + only.heading)
        ]));
      } else {
        var rate = baseline.reuse(y.printed);
        var note = el("p", { class: "compare-rate" }, [
          link(earlier, x.anchor, name(earlier) + " " + x.marker + x.heading), " → ",
          link(later, y.anchor, name(later) + " " + y.marker + y.heading)
        ]);
        if (rate !== null) { note.appendChild(document.createTextNode("　")); note.appendChild(rateNote(rate, earlier)); }
        section.appendChild(note);
        var rows = textDiff(x.printed, y.printed).map(function (pair, n) {
          var same = pair.earlier.length && pair.later.length &&
            !pair.earlier.concat(pair.later).some(function (run) { return run[0]; });
          var classes = (n % 2 ? "row-odd" : "row-even") + (same ? " unchanged" : "");
          return el("tr", { class: classes }, [cell(pair.earlier), cell(pair.later)]);
        });
        var table = el("table", { class: "compare-table table" }, [
          el("thead", {}, [el("tr", {}, [el("th", { class: "head" }, [name(earlier)]), el("th", { class: "head" }, [name(later)])])]),
          el("tbody", {}, rows)
        ]);
        section.appendChild(el("div", { class: "pst-scrollable-table-container" }, [table]));
      }
      out.appendChild(section);
    });
    return out;
  }

  function clear() {
    Array.prototype.slice.call(result.children).forEach(function (child) {
      if (!/^H[1-6]$/.test(child.tagName)) child.remove();
    });
  }

  function say(text) { status.textContent = text; }

  function show() {
    var wanted = params();
    if (!wanted.from && !wanted.to) { say("选择两份报告，再点“对照”。"); return; }
    var earlier = parse(wanted.from);
    var later = parse(wanted.to);
    if (!earlier || !later) { clear(); say("网址中的年度无法识别：应为 from=2021&to=2024 这样的形式。"); return; }
    [["from", earlier], ["to", later]].forEach(function (pair) {
      var select = form.elements[pair[0]];
      var value = pair[1].county === data.county ? pair[1].year : pair[1].county + "/" + pair[1].year;
      if (Array.prototype.some.call(select.options, function (o) { return o.value === value; })) select.value = value;
    });
    say("正在载入……");
    Promise.all([load(earlier), load(later)]).then(function (docs) {
      clear();
      result.appendChild(render(docs[0], docs[1]));
      var title = name(docs[0]) + "与" + name(docs[1]);
      say("已对照 " + title + "。");
      result.setAttribute("data-compared", docs[0].key + " " + docs[1].key);
    }, function (missing) {
      clear();
      say("没有找到" + (missing.county === data.county ? "" : missing.county + " ") + missing.year + "年的报告。");
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = "from=" + encodeURIComponent(form.elements.from.value) + "&to=" + encodeURIComponent(form.elements.to.value);
    if (/^https?:$/.test(window.location.protocol) && window.history.pushState) {
      window.history.pushState(null, "", "?" + query);
      show();
    } else {
      window.location.hash = query;
    }
  });
  window.addEventListener("hashchange", show);
  window.addEventListener("popstate", show);
  show();
})();
