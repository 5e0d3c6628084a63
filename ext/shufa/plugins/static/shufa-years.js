/* Year switcher of a report page: switching years keeps the reader on the same topic.
 * The mapping (each year's topic -> anchor, the topics' labels) is in the page
 * (nav.year-switcher[data-topics]), so nothing is fetched: it works from file:// and any static
 * host. Without JavaScript the switcher is a list of plain links to the other years.
 *
 * The topic is the section's the reader is in: the section in view (across a line a quarter down
 * the window); at the page's top, where the switcher is, the section the reader last stayed in
 * (an IntersectionObserver follows the sections crossing that line) or the #fragment's. A year without
 * the topic is opened at its top with #topic=<key>: that page says, in words, that it has no
 * part on the topic. */
(function () {
  "use strict";

  // The value object holds under key itself, never one it inherits: the keys are topics from the
  // data (a topic keyed "constructor") and years.
  function own(object, key) {
    return object && Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
  }

  //: the fragment a page is opened with when its year lacks the topic the reader was in
  var MISSING = "topic=";
  //: the section the reader last dwelt in (DWELL ms across the reading line, a quarter down the
  //: window), or the fragment's: where the reader was before scrolling up to the switcher
  var dwelt = null;
  var DWELL = 800;

  function fragment() {
    try { return decodeURIComponent(window.location.hash.slice(1)); } catch (e) { return ""; }
  }

  function sectionOf(map, el) {
    while (el) {
      if (el.id && own(map.sections, el.id) !== undefined) return el.id;
      el = el.parentElement;
    }
    return null;
  }

  // The sections of the page in document order (the elements of the mapping's anchors).
  function sections(map) {
    var found = [];
    Object.keys(map.sections).forEach(function (anchor) {
      var node = document.getElementById(anchor);
      if (node && found.indexOf(node) < 0) found.push(node);
    });
    return found.sort(function (a, b) {
      return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    });
  }

  function onScreen(el) {
    var box = el.getBoundingClientRect();
    return box.bottom > 0 && box.top < window.innerHeight;
  }

  // The section across the reading line now (null: none, as when the page's top is in view).
  function across(map) {
    var line = window.innerHeight / 4;
    var found = null;
    sections(map).forEach(function (node) {
      var box = node.getBoundingClientRect();
      if (box.top <= line && box.bottom > line) found = node.id;
    });
    return found;
  }

  function fragmentSection(map) {
    var id = fragment();
    return id ? sectionOf(map, document.getElementById(id)) : null;
  }

  function sectionAt(map) {
    // the section in view; at the page's top (where the switcher is), the section named by the
    // fragment while it is on screen, else the one the reader last dwelt in (or the fragment's)
    var now = across(map);
    if (now) return now;
    var id = fragment();
    var target = id ? document.getElementById(id) : null;
    if (target && onScreen(target) && sectionOf(map, target)) return sectionOf(map, target);
    return dwelt;
  }

  // Follow the section across the reading line: one the reader stays in becomes the section dwelt in.
  function follow(map) {
    dwelt = fragmentSection(map);
    window.addEventListener("hashchange", function () { dwelt = fragmentSection(map) || dwelt; });
    if (typeof IntersectionObserver === "undefined") return;
    var nodes = sections(map);
    var crossing = new Set();
    var pending = null;
    var timer = null;
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) crossing.add(entry.target); else crossing.delete(entry.target);
      });
      var last = null;
      nodes.forEach(function (node) { if (crossing.has(node)) last = node; });
      if (last === pending) return;
      pending = last;
      clearTimeout(timer);
      if (last) timer = setTimeout(function () { if (pending === last) dwelt = last.id; }, DWELL);
    }, { rootMargin: "-25% 0px -74% 0px" });
    nodes.forEach(function (node) { observer.observe(node); });
  }

  // A link to another year's page (<year>.html): its year.
  function yearOf(link) {
    var found = /(?:^|\/)(\d{4})\.html(?:#|$)/.exec(link.getAttribute("href") || "");
    return found ? found[1] : null;
  }

  function targetFor(link, map) {
    var year = yearOf(link);
    var section = sectionAt(map);
    var topic = section ? own(map.sections, section) : null;
    var anchors = year ? own(map.years, year) : null;
    var anchor = topic && anchors ? own(anchors, topic) : null;
    var page = link.getAttribute("href").split("#")[0];
    if (anchor) return page + "#" + anchor;
    return page + (topic && anchors ? "#" + MISSING + encodeURIComponent(topic) : "");
  }

  // Opened with #topic=<key>: the section on the topic if this year has one, else a word saying so.
  function arrived(map) {
    var id = fragment();
    if (id.indexOf(MISSING) !== 0) return;
    var topic = id.slice(MISSING.length);
    // (this year's anchors: its sections' topics turned round)
    var anchor = Object.keys(map.sections).find(function (a) { return map.sections[a] === topic; });
    if (anchor) {
      window.location.replace("#" + anchor);
      return;
    }
    var label = own(map.labels || {}, topic) || topic;
    var note = document.createElement("p");
    note.className = "year-switch-note";
    note.setAttribute("role", "status");
    note.textContent = map.current + "年报告中没有这一主题（" + label + "）的部分，现在显示的是报告的开头。";
    var heading = document.querySelector("section#report > h1");
    if (heading) heading.after(note);
  }

  function init() {
    var navs = document.querySelectorAll("nav.year-switcher[data-topics]");
    Array.prototype.forEach.call(navs, function (nav, i) {
      var map;
      try { map = JSON.parse(nav.getAttribute("data-topics")); } catch (e) { return; }
      if (i === 0) { follow(map); arrived(map); }
      nav.addEventListener("click", function (event) {
        var link = event.target.closest ? event.target.closest("a[href]") : null;
        if (!link || !nav.contains(link) || !yearOf(link)) return;
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        window.location.href = targetFor(link, map);
      });
      // Hovering or focusing a year shows where the switch will land (and what a new tab opens).
      ["mouseover", "focusin"].forEach(function (type) {
        nav.addEventListener(type, function (event) {
          var link = event.target.closest ? event.target.closest("a[href]") : null;
          if (link && nav.contains(link) && yearOf(link)) link.setAttribute("href", targetFor(link, map));
        });
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
