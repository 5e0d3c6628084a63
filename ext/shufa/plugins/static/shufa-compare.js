/* Any two years side by side: the page reports/<county>/<kind>/compare.html.
 *
 * The two reports are named in the address, ?from=2021&to=2024 or #from=2021&to=2024 (the
 * fragment wins; it also works from file://), each a year of this county or
 * "<county>/<year>" of another. Their reading files (<year>.js beside each report, which set
 * ShufaReports["<county>/<kind>/<year>"]) are loaded with <script> elements, so nothing is
 * fetched: it works from file:// and any static host. Sections are paired by topic and each
 * pair set side by side with deletions and insertions marked, with the later section's reuse
 * rate against the whole earlier report. The rules (the unit of the diff, the reuse rate's
 * run length, normalisation, bands) come from _static/shufa-rules.js (ShufaRules.reuse).
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
  var unit = new RegExp(rules.diffUnit, "g");

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

  function tokens(text) {
    return text.match(unit) || [];
  }

  // The longest common subsequence of two token lists, as opcodes like Python's difflib.
  function opcodes(a, b) {
    var start = 0;
    while (start < a.length && start < b.length && a[start] === b[start]) start++;
    var endA = a.length;
    var endB = b.length;
    while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) { endA--; endB--; }
    var n = endA - start;
    var m = endB - start;
    var table = new Uint32Array((n + 1) * (m + 1));
    for (var i = n - 1; i >= 0; i--) {
      for (var j = m - 1; j >= 0; j--) {
        table[i * (m + 1) + j] = a[start + i] === b[start + j]
          ? table[(i + 1) * (m + 1) + j + 1] + 1
          : Math.max(table[(i + 1) * (m + 1) + j], table[i * (m + 1) + j + 1]);
      }
    }
    var codes = [];
    function add(op, i1, i2, j1, j2) {
      var last = codes[codes.length - 1];
      if (last && last[0] === op) { last[2] = i2; last[4] = j2; return; }
      if (last && op !== "equal" && last[0] !== "equal") { last[0] = "replace"; last[2] = i2; last[4] = j2; return; }
      codes.push([op, i1, i2, j1, j2]);
    }
    if (start) add("equal", 0, start, 0, start);
    var x = 0;
    var y = 0;
    while (x < n || y < m) {
      if (x < n && y < m && a[start + x] === b[start + y]) {
        add("equal", start + x, start + x + 1, start + y, start + y + 1); x++; y++;
      } else if (y < m && (x === n || table[x * (m + 1) + y + 1] >= table[(x + 1) * (m + 1) + y])) {
        add("insert", start + x, start + x, start + y, start + y + 1); y++;
      } else {
        add("delete", start + x, start + x + 1, start + y, start + y); x++;
      }
    }
    if (endA < a.length) add("equal", endA, a.length, endB, b.length);
    return fold(codes, a);
  }

  // An unchanged run shorter than rules.minEqual characters between two changes joins them.
  function fold(codes, a) {
    var merged = [];
    codes.forEach(function (code, index) {
      var op = code[0];
      var inner = index > 0 && index < codes.length - 1;
      if (op === "equal" && inner && a.slice(code[1], code[2]).join("").length < rules.minEqual) op = "replace";
      var last = merged[merged.length - 1];
      if (op !== "equal" && last && last[0] !== "equal") {
        last[0] = "replace"; last[2] = code[2]; last[4] = code[4];
      } else {
        merged.push([op, code[1], code[2], code[3], code[4]]);
      }
    });
    return merged;
  }

  function diff(before, after) {
    var a = tokens(before);
    var b = tokens(after);
    var left = [];
    var right = [];
    opcodes(a, b).forEach(function (code) {
      var earlier = a.slice(code[1], code[2]).join("");
      var later = b.slice(code[3], code[4]).join("");
      if (code[0] === "equal") { left.push(["", earlier]); right.push(["", later]); return; }
      if (earlier) left.push(["del", earlier]);
      if (later) right.push(["ins", later]);
    });
    return [left, right];
  }

  // --- the page ------------------------------------------------------------------------------------

  function el(name, attributes, children) {
    var node = document.createElement(name);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  // One side of a pair: a paragraph per line, deletions and insertions marked.
  function side(runs) {
    var cell = el("td");
    var paragraph = el("p");
    runs.forEach(function (run) {
      run[1].split("\n").forEach(function (line, i) {
        if (i) { if (paragraph.childNodes.length) cell.appendChild(paragraph); paragraph = el("p"); }
        if (line) paragraph.appendChild(run[0] ? el(run[0], {}, [line]) : document.createTextNode(line));
      });
    });
    if (paragraph.childNodes.length) cell.appendChild(paragraph);
    return cell;
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
        var sides = diff(x.printed, y.printed);
        var table = el("table", { class: "compare-table table" }, [
          el("thead", {}, [el("tr", {}, [el("th", { class: "head" }, [name(earlier)]), el("th", { class: "head" }, [name(later)])])]),
          el("tbody", {}, [el("tr", {}, [side(sides[0]), side(sides[1])])])
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
