"""What a search costs a reader: bytes downloaded, time to first results, recall and precision.

    .venv/bin/python bench/search_bytes.py SITE [--queries 24] [--seed 7] [--shortest 2]
        [--numbers 0] [--query PHRASE …] [--options '&sort=date'] [--json OUT]

SITE is a built archive (``_build/html`` or a benchmark output folder). The script
serves it on 127.0.0.1 with gzip (as a static server with compression does: every
response compressed at level 6 when the browser accepts gzip), and runs each query in
a fresh chromium context (cold cache) on ``search.html?q=…``. For each query it records:

- ``index_bytes``: bytes transferred (gzip, response bodies as chromium counts them) of
  every file under ``_static/search/`` the query loaded until the first page of results
  and their snippets were on screen (dictionary shards, blocks, doc chunks, page texts,
  meta.js); ``index_files``, their number;
- ``page_bytes``: everything else the search page loaded (HTML, theme, scripts), the
  same for every query and cacheable across them;
- ``first_results_ms``: from navigation start to the first page of results shown (the
  search page's own load included); ``search_ms``: from the start of the search (the page
  loaded) to the same moment;
- ``recall``: of the pages whose text holds the query (brute force over every page's
  text file, normalised as the index normalises: :func:`holding`), the share the search
  finds when run to the end (``ShufaSearch.searchAll``, not counted in the bytes), the
  reader's search and the search of the documentation (文档) together;
- ``precision``: of the pages the search finds (run to the end), the share whose text holds
  the query (every hit holds the phrase: the target is 1.00);
- ``first_screen_complete``: whether the first screen already shows all it can (a full page
  of results, or every page found: the search exhausted), i.e. the reader is not offered
  继续查找 (the search stopped at its byte budget with fewer than a page of results);
- ``recall_pressed``: recall as a reader gets it, pressing the button under the results
  (继续查找, then 下一页) until the search is exhausted, in the reports and in the
  documentation (文档, ``&docs=1``); ``presses``: how many times the button was pressed.
  Pressing stops at :data:`PRESS_LIMIT` presses (``pressed_to_end`` false): such a search
  has no ``recall_pressed``; ``in_engine_order`` says instead whether the reports shown so
  far are the engine's first results (none skipped), the rest following as ``recall`` says.

Queries are random 2–8-character substrings of report text (a random part of a random
report page, cut where the text has no space or redaction mark, and not through a number
or a Latin word: those are whole units of search), seeded; ``--shortest`` raises the
shortest length drawn, ``--numbers`` adds phrases of two characters and the number after
them (:func:`number_phrases`), and ``--query`` adds queries of one's own.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import random
import re
import statistics
import sys
import threading
import time
import unicodedata
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "ext"))

# (how a query is cut into phrases is the search's own rule: the brute force cuts it the same way)
from shufa.core.searchterms import query_runs  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
SEARCH_DIR = "_static/search/"


class GzipHandler(SimpleHTTPRequestHandler):
    """A static server that gzips every response the client accepts gzip for."""

    def log_message(self, *args: Any) -> None:
        pass

    def send_head(self):  # type: ignore[override]
        if "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        import io

        return io.BytesIO(body)


def serve(site: Path) -> tuple[str, ThreadingHTTPServer]:
    """Serve *site* with gzip on 127.0.0.1 (a daemon thread); returns the base URL and server."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


_REDACTION = re.compile("\ue000[^\ue001]*\ue001")


def page_texts(site: Path) -> dict[str, list[str]]:
    """Every page's parts' text (normalised, redaction marks as breaks), by page name."""
    found = {}
    root = site / SEARCH_DIR / "t"
    for path in root.rglob("*.js"):
        text = path.read_text(encoding="utf-8")
        args = json.loads("[" + text[text.index("(") + 1 : text.rindex(")")] + "]")
        # (an entry is [anchor, text], a report part's [anchor, text, heading])
        found[args[0]] = [normalize(_REDACTION.sub("\n", entry[1])) for entry in args[1]]
    return found


_CUTTABLE = re.compile(r"[^\s\ue000\ue001]+")
_DIGITS = "0123456789"
_LATIN = "abcdefghijklmnopqrstuvwxyz"
_WORD = re.compile(r"[0-9a-z.]")


def phrases(
    texts: dict[str, list[str]], count: int, seed: int, reports_only: bool = True, shortest: int = 2
) -> list[str]:
    """*count* random substrings of report text of *shortest*–8 characters (no spaces, no
    redaction)."""
    rng = random.Random(seed)
    names = sorted(n for n in texts if not reports_only or re.fullmatch(r"reports/[^/]+/[^/]+/\d+", n))
    found: list[str] = []
    while len(found) < count:
        parts = texts[rng.choice(names)]
        part = rng.choice(parts[1:] or parts)
        pieces = [m.group() for m in _CUTTABLE.finditer(part) if len(m.group()) >= shortest]
        if not pieces:
            continue
        piece = rng.choice(pieces)
        length = rng.randint(shortest, min(8, len(piece)))
        start = rng.randrange(len(piece) - length + 1)
        end = start + length
        # numbers and Latin words are whole units of search (224项 does not find 1224项):
        # a substring that cuts one in two is no phrase of the text
        if (start and _WORD.match(piece[start - 1]) and _WORD.match(piece[start])) or (
            end < len(piece) and _WORD.match(piece[end - 1]) and _WORD.match(piece[end])
        ):
            continue
        phrase = piece[start:end]
        if phrase not in found:
            found.append(phrase)
    return found


#: Two characters and the whole number after them, in normalised text (``意见521``).
_BEFORE_NUMBER = re.compile(r"[\u4e00-\u9fff]{2}[0-9]+(?![0-9]|\.[0-9])")


def number_phrases(texts: dict[str, list[str]], count: int, seed: int) -> list[str]:
    """*count* phrases of a report's text of two characters and the number after them
    (``意见521``): what a reader who remembers a figure types, and the phrases whose terms
    (``意见``, ``521``) are found apart in one part far more often than together."""
    rng = random.Random(seed)
    names = sorted(n for n in texts if re.fullmatch(r"reports/[^/]+/[^/]+/\d+", n))
    found: list[str] = []
    while len(found) < count:
        phrases = _BEFORE_NUMBER.findall("\n".join(texts[rng.choice(names)]))
        if phrases and (phrase := rng.choice(phrases)) not in found:
            found.append(phrase)
    return found


def occurs(phrase: str) -> re.Pattern[str]:
    """*phrase* where the text holds it as a phrase: not as a piece of a longer number or
    Latin word (``51`` is not in ``151`` nor in ``1.51``, ``5`` not in ``5.1``; ``2023`` is in
    ``第2023.``, where the full stop ends a sentence). A regular expression of its own, not the
    index's code: what the bench checks the search against."""
    before = after = ""
    if phrase[0] in _DIGITS:
        before = r"(?<![0-9])(?<![0-9]\.)"
    elif phrase[0] in _LATIN:
        before = r"(?<![a-z])"
    if phrase[-1] in _DIGITS:
        after = r"(?![0-9])(?!\.[0-9])"
    elif phrase[-1] in _LATIN:
        after = r"(?![a-z])"
    return re.compile(before + re.escape(phrase) + after)


def holding(texts: dict[str, list[str]], query: str) -> set[str]:
    """Brute force: the pages that hold *query* as the search promises it: each of its phrases
    (cut as the search cuts a query: at spaces, punctuation and redactions) in one part of the
    page (a lone CJK character: anywhere in it), and no ``-phrase`` in any part."""
    wanted, unwanted = ([occurs("".join(run)) for run in runs] for runs in query_runs(query))
    return {
        name
        for name, parts in texts.items()
        if all(any(p.search(part) for part in parts) for p in wanted)
        and not any(p.search(part) for p in unwanted for part in parts)
    }


#: The search page has shown its first results (or that there are none).
SEARCHED = (
    "() => { const s = document.querySelector('#search-results .search-summary');"
    " return s && s.textContent && !s.textContent.startsWith('正在'); }"
)
#: The button under the results offers 继续查找: the first screen is not complete.
_OFFERS_MORE = (
    "() => { const b = document.querySelector('button.shufa-more');"
    " return !!b && !b.hidden && b.textContent === '继续查找'; }"
)
#: Presses of the button under one search at most. A national archive's commonest phrases are
#: held by most of its pages (年度: some 19,000 of 20,000 reports), a thousand presses of 下一页
#: that no reader makes (and that ran for hours): past this bound the bench checks instead that
#: the pages shown so far are the engine's first results, none skipped (``in_engine_order``),
#: and the engine's recall run to the end (``recall``) says the rest would come.
PRESS_LIMIT = 50

#: Press the button under the results until it goes (the search exhausted) or *limit* presses;
#: the pages shown.
_PRESS = """async (limit) => {
  const button = document.querySelector('button.shufa-more');
  let presses = 0;
  while (button && !button.hidden && presses < limit) {
    const stepped = new Promise((resolve, reject) => {
      document.addEventListener('shufa-search-step', resolve, { once: true });
      setTimeout(() => reject(new Error('no results after 60 s')), 60000);
    });
    button.click();
    await stepped;
    presses += 1;
  }
  return {
    presses,
    exhausted: !button || button.hidden,
    pages: [...document.querySelectorAll('li.shufa-result')].map((li) => li.dataset.doc),
  };
}"""


def _press_to_the_end(page: Any, limit: int = PRESS_LIMIT) -> tuple[list[str], int, bool]:
    """The pages a reader sees pressing 继续查找 / 下一页 until the search is exhausted (or
    *limit* presses), in the order shown; the presses; whether the search was exhausted."""
    pressed = page.evaluate(_PRESS, limit)
    return pressed["pages"], pressed["presses"], pressed["exhausted"]


def measure(
    browser: Any, base: str, query: str, filters: str = "", press_limit: int = PRESS_LIMIT
) -> dict[str, Any]:
    """Run *query* cold in a new context; bytes and time until the first page is on screen."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    requests: list[Any] = []
    page.on("requestfinished", lambda request: requests.append(request))
    page.goto(f"{base}/search.html?q={quote(query)}{filters}")
    page.wait_for_function(SEARCHED, timeout=60000)
    timings = page.evaluate("ShufaSearch.timings")
    first = timings["firstResults"]
    # the snippets of the first page arrive after the results: wait for each shown result's
    page.wait_for_function(
        "() => [...document.querySelectorAll('li.shufa-result')].every(li => li.querySelector('.shufa-snippet'))",
        timeout=60000,
    )
    shown = page.eval_on_selector_all("li.shufa-result", "items => items.length")
    summary = page.inner_text("#search-results .search-summary")
    index_bytes = page_bytes = index_files = 0
    for request in requests:
        size = request.sizes()["responseBodySize"]
        if SEARCH_DIR in request.url:
            index_bytes += size
            index_files += 1
        else:
            page_bytes += size
    first_screen_complete = not page.evaluate(_OFFERS_MORE)
    shown_pages, presses, exhausted = _press_to_the_end(page, press_limit)
    # the reader's search and the documentation's (文档), run to the end: every page holding it
    # is found by one of the two
    reports, documents = page.evaluate(
        "async q => [await ShufaSearch.searchAll(q), await ShufaSearch.searchAll(q, {}, {documentation: true})]",
        query,
    )
    page.goto(f"{base}/search.html?q={quote(query)}{filters}&docs=1")
    page.wait_for_function(SEARCHED, timeout=60000)
    documentation, more_presses, documentation_exhausted = _press_to_the_end(page, press_limit)
    context.close()
    names = [href.partition("#")[0].removesuffix(".html") for href in reports]
    return {
        "query": query,
        "shown": shown,
        "first_screen_complete": first_screen_complete,
        "pressed": sorted({*shown_pages, *documentation}),
        "presses": presses + more_presses,
        "pressed_to_end": exhausted and documentation_exhausted,
        # (stopped at the bound: the reports shown are the engine's first ones, in its order but
        # for a named page moved to the top of its screen; only checkable without options)
        "in_engine_order": set(shown_pages) == set(names[: len(shown_pages)]) if not filters else None,
        "summary": summary,
        "index_bytes": index_bytes,
        "index_files": index_files,
        "page_bytes": page_bytes,
        "first_results_ms": round(first),
        "search_ms": round(first - timings["started"]),
        "found": sorted({*names, *(href.partition("#")[0].removesuffix(".html") for href in documents)}),
    }


def _pressed(row: dict[str, Any]) -> str:
    if row["recall_pressed"] is not None:
        return f"{row['recall_pressed']:.2f}"
    order = {True: "the engine's first ones", False: "NOT the engine's first ones", None: "unchecked"}
    return f"stopped at the bound, the pages shown {order[row['in_engine_order']]}"


def run(
    site: Path,
    queries: int,
    seed: int,
    shortest: int = 2,
    extra: list[str] | None = None,
    numbers: int = 0,
    options: str = "",
    press_limit: int = PRESS_LIMIT,
) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    texts = page_texts(site)
    chosen = [*phrases(texts, queries, seed, shortest=shortest), *number_phrases(texts, numbers, seed)]
    chosen += extra or []
    base, server = serve(site)
    rows = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for query in chosen:
                row = measure(browser, base, query, options, press_limit)
                wanted = holding(texts, normalize(query))
                found = set(row.pop("found"))
                row["holding"] = len(wanted)
                row["recall"] = round(len(wanted & found) / len(wanted), 4) if wanted else 1.0
                pressed = set(row.pop("pressed"))
                # (a search stopped at PRESS_LIMIT has no recall pressed to the end: in_engine_order)
                row["recall_pressed"] = (
                    (round(len(wanted & pressed) / len(wanted), 4) if wanted else 1.0)
                    if row["pressed_to_end"]
                    else None
                )
                row["found_pages"] = len(found)
                row["precision"] = round(len(wanted & found) / len(found), 4) if found else 1.0
                # (a few pages found that do not hold it, to look at)
                row["wrong"] = sorted(found - wanted)[:3]
                rows.append(row)
                print(
                    f"{query!r:14} {row['index_bytes']:>8,} B {row['index_files']:>3} files "
                    f"{row['first_results_ms']:>5} ms ({row['search_ms']} searching)  recall {row['recall']:.2f} "
                    f"(pressing {_pressed(row)}, {row['presses']} presses; first screen "
                    f"{'complete' if row['first_screen_complete'] else 'offers 继续查找'}) "
                    f"precision {row['precision']:.2f} ({row['holding']} pages hold it, {row['found_pages']} found)",
                    flush=True,
                )
            browser.close()
    finally:
        server.shutdown()
    search = site / SEARCH_DIR
    sizes = {
        sub: {
            "files": len(files := [p for p in (search / sub).rglob("*.js")]),
            "bytes": sum(p.stat().st_size for p in files),
            "largest": max((p.stat().st_size for p in files), default=0),
        }
        for sub in ("d", "b", "docs", "t")
    }
    sphinx_index = site / "searchindex.js"
    return {
        "site": str(site),
        "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "options": options,
        "queries": rows,
        "median_index_bytes": statistics.median(r["index_bytes"] for r in rows),
        "max_index_bytes": max(r["index_bytes"] for r in rows),
        "median_first_results_ms": statistics.median(r["first_results_ms"] for r in rows),
        "max_first_results_ms": max(r["first_results_ms"] for r in rows),
        "median_search_ms": statistics.median(r["search_ms"] for r in rows),
        "recall": min(r["recall"] for r in rows),
        "recall_pressed": min(
            (r["recall_pressed"] for r in rows if r["recall_pressed"] is not None), default=None
        ),
        "pressed_to_end": sum(r["pressed_to_end"] for r in rows),
        "press_limit": press_limit,
        # every search stopped at the bound showed the engine's first results, none skipped
        "bounded_in_engine_order": all(r["in_engine_order"] is not False for r in rows),
        "first_screen_complete": round(statistics.mean(r["first_screen_complete"] for r in rows), 4),
        "mean_recall": round(statistics.mean(r["recall"] for r in rows), 4),
        "precision": min(r["precision"] for r in rows),
        "mean_precision": round(statistics.mean(r["precision"] for r in rows), 4),
        # precision over every page found by every query (as the issue measured it)
        "pooled_precision": round(
            sum(r["found_pages"] * r["precision"] for r in rows)
            / max(1, sum(r["found_pages"] for r in rows)),
            4,
        ),
        "page_bytes": statistics.median(r["page_bytes"] for r in rows),
        "index_files_on_disk": sizes,
        "sphinx_searchindex_bytes": sphinx_index.stat().st_size if sphinx_index.exists() else 0,
    }


def pressed_summary(result: dict[str, Any]) -> str:
    """Recall pressing to the end, and how many searches were (a bound stops the others)."""
    rows = len(result["queries"])
    recall = "—" if result["recall_pressed"] is None else f"{result['recall_pressed']:.2f}"
    if result["pressed_to_end"] == rows:
        return recall
    order = "" if result["bounded_in_engine_order"] else ", some NOT showing the engine's first results"
    return (
        f"{recall} in the {result['pressed_to_end']} of {rows} queries pressed to the end; the others "
        f"stopped at {result['press_limit']} presses{order}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--queries", type=int, default=24)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shortest", type=int, default=2, help="the shortest phrase drawn (2–8 characters)")
    parser.add_argument(
        "--numbers", type=int, default=0, help="phrases of two characters and the number after them to add"
    )
    parser.add_argument(
        "--query", action="append", default=[], help="a query of one's own (repeat the option)"
    )
    parser.add_argument(
        "--options",
        default="",
        help="the search's options added to every address, e.g. '&sort=date' or '&from=2020&to=2021'",
    )
    parser.add_argument(
        "--press-limit", type=int, default=PRESS_LIMIT, help="presses of 继续查找 / 下一页 per search at most"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    result = run(
        args.site,
        args.queries,
        args.seed,
        args.shortest,
        args.query,
        args.numbers,
        args.options,
        args.press_limit,
    )
    print(
        f"median {result['median_index_bytes']:,.0f} B (max {result['max_index_bytes']:,}) of index and "
        f"snippets per query; first results median {result['median_first_results_ms']:.0f} ms "
        f"(max {result['max_first_results_ms']}; searching {result['median_search_ms']:.0f} ms); "
        f"recall min {result['recall']:.2f} (pressing 继续查找 to the end: {pressed_summary(result)}; "
        f"first screen complete in {result['first_screen_complete']:.0%} of queries), "
        f"precision min {result['precision']:.2f} "
        f"(pooled {result['pooled_precision']:.2f}; target 1.00)"
    )
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
