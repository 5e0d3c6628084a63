/* Year switcher of a report page: switching years keeps the reader on the same topic.
 * The mapping (each year's topic -> anchor) is in the page (nav.year-switcher[data-topics]),
 * so nothing is fetched: it works from file:// and any static host. Without JavaScript the
 * switcher is a list of plain links to the other years. */
(function () {
  "use strict";

  // The value object holds under key itself, never one it inherits: the keys are topics from the
  // data (a topic keyed "constructor") and years.
  function own(object, key) {
    return object && Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
  }

  function sectionAt(map) {
    // The section named by the fragment (or containing the element it names) ...
    var id = "";
    try { id = decodeURIComponent(window.location.hash.slice(1)); } catch (e) { id = ""; }
    var el = id ? document.getElementById(id) : null;
    while (el) {
      if (el.id && own(map.sections, el.id) !== undefined) return el.id;
      el = el.parentElement;
    }
    // ... or else the last section whose heading has scrolled past the top of the window.
    var found = null;
    Object.keys(map.sections).forEach(function (anchor) {
      var node = document.getElementById(anchor);
      if (node && node.getBoundingClientRect().top <= 120) found = anchor;
    });
    return found;
  }

  function yearOf(link) {
    var marked = link.querySelector("[class*='y']");
    var classes = (marked ? marked.className : "").split(/\s+/);
    for (var i = 0; i < classes.length; i++) {
      if (/^y\d{4}$/.test(classes[i])) return classes[i].slice(1);
    }
    return null;
  }

  function targetFor(link, map) {
    var year = yearOf(link);
    var section = sectionAt(map);
    var topic = section ? own(map.sections, section) : null;
    var anchors = year ? own(map.years, year) : null;
    var anchor = topic && anchors ? own(anchors, topic) : null;
    return link.getAttribute("href").split("#")[0] + (anchor ? "#" + anchor : "");
  }

  function init() {
    var navs = document.querySelectorAll("nav.year-switcher[data-topics]");
    Array.prototype.forEach.call(navs, function (nav) {
      var map;
      try { map = JSON.parse(nav.getAttribute("data-topics")); } catch (e) { return; }
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
