"""Shared fixtures: sphinx.testing, and builds of the shipped sample archive.

`make test` runs the suite on every core (pytest-xdist, ``-n auto --dist loadgroup``): each worker
has its own session fixtures (a sample build costs seconds), and the tests that share a fixture of
their own module run on one worker (:func:`pytest_collection_modifyitems`). Everything a test
writes goes under its own tmp_path; a server listens on a port the system chose."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from sphinx.testing.util import SphinxTestApp

import generate as bench_generate
from shufa.core.sitecheck import broken_links
from shufa.sitebuild import Options

pytest_plugins = ("sphinx.testing.fixtures",)

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return REPO / "tests" / "roots"


# --- tiers and workers ---------------------------------------------------------------------------


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tiers and the groups. A test that uses the browser is a browser test (``make test-fast``
    skips it, and the scale tests: Dask, generated archives). The tests that share the same
    fixtures of their own module (a build, a generated archive) run on one xdist worker, so that
    those are made once: one group per module and set of such fixtures, so that a module's
    unrelated builds still run side by side."""
    for item in items:
        if "browser" in item.fixturenames and not item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("xdist_group") or not isinstance(item, pytest.Function):
            continue
        shared = _fixtures_of_its_module(item)
        if shared:
            item.add_marker(pytest.mark.xdist_group(f"{item.module.__name__}:{'+'.join(shared)}"))


def _fixtures_of_its_module(item: pytest.Function) -> list[str]:
    """The module-scoped fixtures of *item*'s own module it uses (directly or through others)."""
    definitions = item._fixtureinfo.name2fixturedefs  # pytest's own record of the fixtures a test uses
    return sorted(
        name
        for name in item.fixturenames
        if (defs := definitions.get(name))
        and defs[-1].scope == "module"
        and defs[-1].func.__module__ == item.module.__name__
    )


def archive_source(dest: Path, *, guide: bool = False) -> Path:
    """A copy of docs/ (without generated pages) with the project's conf.py, for a test build.

    The guide and the reference are one short page each unless *guide*: hand-written pages of
    their own, they were 40 % of a build of the sample archive (2.4–3.0 s against 1.5 s), and a
    test that builds for itself looks at the reports. The session's builds (``sample_build``,
    ``site_with_address``) have them whole: their links, search and layout are tested there."""
    src = dest / "src"
    shutil.copytree(REPO / "docs", src, ignore=shutil.ignore_patterns("reports", "years", "_build"))
    shutil.copy(REPO / "conf.py", src / "conf.py")
    if not guide:
        for folder, title in (("guide", "使用指南"), ("reference", "参考")):
            for path in (src / folder).iterdir():
                if path.is_dir():
                    shutil.rmtree(path)
                elif path.name != "index.md":
                    path.unlink()
            (src / folder / "index.md").write_text(f"# {title}\n\n（测试用的短页面。）\n", encoding="utf-8")
    return src


def copy_data(dest: Path, data: Path = DATA) -> Path:
    """A writable copy of a data folder."""
    target = dest / "data"
    shutil.copytree(data, target)
    return target


def run_sphinx(src: Path, *, builder: str = "html", on_read=None, **kwargs) -> SphinxTestApp:
    """Build the project in *src* (status and warnings captured); returns the finished app.

    *on_read*, when given, receives the names of the documents the build reads. A site built
    without error must pass `shufa check-links`: every internal link and anchor resolves
    (:func:`assert_links_resolve`), whatever the test looks at. (A partition's or the hub's run
    alone is a piece of a site: its links are checked where the pieces are merged.)"""
    app = SphinxTestApp(builder, srcdir=src, status=StringIO(), warning=StringIO(), **kwargs)
    if on_read is not None:
        app.connect("env-before-read-docs", lambda app, env, docnames: on_read(list(docnames)))
    try:
        app.build()
    finally:
        app.cleanup()
    piece = (kwargs.get("confoverrides") or {}).get("shufa_partition")
    if builder == "html" and app.statuscode == 0 and not piece:
        assert_links_resolve(Path(app.outdir))
    return app


def assert_links_resolve(site: Path) -> None:
    """`shufa check-links` on a built site: no internal link or anchor that does not resolve."""
    broken = broken_links(site)
    assert broken == [], f"{len(broken)} broken link(s) in {site}:\n" + "\n".join(broken[:20])


def build_archive(
    src: Path, data: Path, *, parallel: int = 0, fresh: bool = False, **overrides
) -> SphinxTestApp:
    """Build *src* against *data* with the project's configuration; returns the finished app."""
    return run_sphinx(
        src, confoverrides={"shufa_data_dir": str(data), **overrides}, parallel=parallel, freshenv=fresh
    )


def build_testroot(name: str, dest: Path, **kwargs) -> SphinxTestApp:
    """Copy tests/roots/test-<name> to *dest* and build it; returns the finished app."""
    src = dest / "src"
    shutil.copytree(REPO / "tests" / "roots" / f"test-{name}", src)
    return run_sphinx(src, **kwargs)


def page_soup(site: Path, page: str) -> BeautifulSoup:
    """A page of the built site *site*, parsed: by its path (``reports/qinghe/index.html``; the
    ``.html`` may be left out). Parsed once per session while the file stays as it is, and shared:
    read it, never change it (``copy.copy`` it first)."""
    path = site / (page if page.endswith(".html") else f"{page}.html")
    stat = path.stat()
    return _parsed(str(path), (stat.st_mtime_ns, stat.st_size, stat.st_ino))


@functools.lru_cache(maxsize=64)  # a few pages a test, each parsed at most once; a bounded memory
def _parsed(path: str, version: tuple[int, int, int]) -> BeautifulSoup:
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "html.parser")


def page_references(soup: BeautifulSoup) -> dict[str, str]:
    """Every reference a report page offers, anchor → text ("" for the report): the report's as
    written in its cite control, each section's and item's as citation.js makes it from the
    page's one template (script#cite-parts; the browser tests below check the script agrees)."""
    report = soup.select_one('details.cite-control[data-anchor=""]')
    assert report is not None
    found = {"": report.select_one(".cite-text").get_text()}
    data = json.loads(soup.select_one("script#cite-parts").string)
    slots = data["slots"]
    for anchor, part in data["parts"].items():
        # (a part's name is its heading on the page, without its # link, unless the data names it)
        heading = soup.find(id=anchor).find(["h2", "h3"])
        shown = "".join(
            c.get_text()
            for c in heading.children
            if not (isinstance(c, Tag) and "headerlink" in c.get("class", []))
        )
        name = part.get("name", shown.strip())
        names = {anchor: name}
        names.update((item, name + data["join"] + place) for item, place in part["items"])
        for at, name in names.items():
            found[at] = "".join(
                text.replace(slots["name"], name).replace(slots["anchor"], at)
                for _kind, text in data["template"]
            )
    return found


def reference_at(soup: BeautifulSoup, anchor: str) -> str:
    """The reference of the part *anchor* ("" for the report) the page offers."""
    references = page_references(soup)
    assert anchor in references, anchor
    return references[anchor]


def warnings_of(app: SphinxTestApp) -> str:
    return app.warning.getvalue()


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> SphinxTestApp:
    """The shipped sample archive, built once per test session (warnings asserted by a test)."""
    root = tmp_path_factory.mktemp("sample")
    return build_archive(archive_source(root, guide=True), DATA)


@pytest.fixture(scope="session")
def sample_site(sample_build: SphinxTestApp) -> Path:
    """The output folder of the sample build."""
    return Path(sample_build.outdir)


# --- the importer --------------------------------------------------------------------------

#: The importer's fixtures: fictional reports as published (with what must be found in each),
#: saved web pages under web/, and the registries of their counties under data/.
IMPORT_FIXTURES = REPO / "tests" / "fixtures" / "import"


def import_data(tmp_path: Path, register: dict[str, str] | None = None) -> Path:
    """A data folder with the importer's registries (and the extra counties *register* names:
    slug → name) and no reports."""
    target = tmp_path / "data"
    shutil.copytree(IMPORT_FIXTURES / "data", target)
    if register:
        with (target / "counties.yaml").open("a", encoding="utf-8") as handle:
            for slug, name in register.items():
                handle.write(f"{slug}:\n  name: {name}\n")
    return target


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """:func:`import_data`, for the tests of `shufa import`."""
    return import_data(tmp_path)


def run_import(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    """`shufa import ARGS` as a user runs it: (exit status, stdout, stderr); never a traceback."""
    from shufa.commands import main

    code = main(["import", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def files_in(folder: Path) -> list[str]:
    """Every file and folder under *folder*, hidden ones included."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _head(text: str, n: int = 12) -> str:
    first = text.split("\n")[0]
    return first[:n] + ("…" if len(first) > n else "")


def _items(items: list[dict[str, Any]], parent: str, out: list[str]) -> None:
    for i, item in enumerate(items, 1):
        anchor = f"{parent}-{i}"
        label = f" [{item['label']}]" if item.get("label") else ""
        out.append(f"{anchor} {item['marker']}{label} {_head(item['text'])}")
        _items(item.get("items", []), anchor, out)


def outline(doc: dict[str, Any]) -> list[str]:
    """One line per part: anchor, marker, heading or [label] and the start of the text."""
    out = [f"title: {doc['title']}"]
    if doc.get("preamble"):
        out.append(f"preamble: {_head(doc['preamble'])}")
    for i, section in enumerate(doc["sections"], 1):
        out.append(f"s{i} {section['marker']} {section['heading']} <{section['topic']}>")
        if section.get("lead"):
            out.append(f"s{i} lead: {_head(section['lead'])}")
        _items(section.get("items", []), f"s{i}", out)
        if section.get("text"):
            out.append(f"s{i} text: {_head(section['text'])}")
    closing = doc.get("closing", {})
    for key, anchor in (("shortcomings", "shortcomings"), ("next_steps", "next-steps")):
        part = closing.get(key)
        if not part:
            continue
        out.append(" ".join(x for x in (anchor, part.get("marker", ""), part.get("heading", "")) if x))
        if part.get("intro"):
            out.append(f"{anchor} intro: {_head(part['intro'])}")
        if part.get("text"):
            out.append(f"{anchor} text: {_head(part['text'])}")
        _items(part.get("items", []), anchor, out)
    for key in ("signature", "date_line"):
        if closing.get(key):
            out.append(f"{key}: {closing[key]}")
    return out


#: The site's address of the build with one (html_baseurl): under a path, as a site often is.
ADDRESS = "https://fazhi.example.org/archive/"
#: Markup in a report's title (qinghe/shufa/2024) and in a preamble and heading (qinghe/shufa/2023)
#: of that build: it must reach every output as text.
MARKUP_IN_TITLE = '<script>alert("x")</script> & {100%} \\ **县'
MARKUP_IN_TEXT = '<script>alert("x")</script> & "引号" **县'
#: The report of that build whose data gives neither a date nor a source (cited with warnings).
UNDATED = "beiting/fzzf/2022"
#: The report of that build whose data gives its address but not the day it was retrieved.
NOT_RETRIEVED = "chengxi/shufa/2023"


@pytest.fixture(scope="session")
def site_with_address(tmp_path_factory: pytest.TempPathFactory) -> SphinxTestApp:
    """The sample built once per session with the site's address (:data:`ADDRESS`) and feeds of two
    entries; one report without date or source (:data:`UNDATED`), markup in a title and in text."""
    root = tmp_path_factory.mktemp("addressed")
    data = copy_data(root)
    bare = data / f"{UNDATED}.yaml"
    text = bare.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^date:\n(?:  .*\n)+", "", text)
    text = re.sub(r"(?m)^source:\n(?:  .*\n)+", "", text)
    bare.write_text(text, encoding="utf-8")
    undated = data / f"{NOT_RETRIEVED}.yaml"
    undated.write_text(
        re.sub(r"(?m)^  retrieved: .*\n", "", undated.read_text(encoding="utf-8")), encoding="utf-8"
    )
    titled = data / "qinghe/shufa/2024.yaml"
    text = titled.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^title: ".*"$', lambda _: f"title: {json.dumps(MARKUP_IN_TITLE)}", text, count=1)
    titled.write_text(text, encoding="utf-8")
    marked = data / "qinghe/shufa/2023.yaml"
    text = marked.read_text(encoding="utf-8")
    escaped = MARKUP_IN_TEXT.replace('"', '\\"')
    text = re.sub(r'(?m)^preamble: "', lambda m: m.group(0) + escaped, text, count=1)
    text = re.sub(r'(?m)^    heading: "', lambda m: m.group(0) + escaped, text, count=1)
    marked.write_text(text, encoding="utf-8")
    return build_archive(archive_source(root, guide=True), data, html_baseurl=ADDRESS, shufa_feed_length=2)


# --- a real browser ------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (.ci/run installs it; a missing one fails, never skips)."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "chromium is not installed: apt-get install -y chromium"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def track_requests(page) -> None:
    """Keep *page*'s requests in flight in ``page.in_flight``, for :func:`settle`."""
    in_flight: set = set()
    page.in_flight = in_flight
    page.on("request", lambda request: in_flight.add(request))
    page.on("requestfinished", lambda request: in_flight.discard(request))
    page.on("requestfailed", lambda request: in_flight.discard(request))


def settle(page, quiet_ms: int = 100, timeout_ms: int = 15_000) -> None:
    """Wait until *page* (tracked by :func:`track_requests`) has loaded and has had no request in
    flight for *quiet_ms*. Playwright's "networkidle" is the same with 500 ms: half a second of
    every page test. (The site's scripts fetch at once or on the reader's action, never later.)"""
    page.wait_for_load_state("load")
    quiet = waited = 0
    while quiet < quiet_ms:
        page.wait_for_timeout(20)  # (Playwright's events are delivered while it waits)
        waited += 20
        quiet = 0 if page.in_flight else quiet + 20
        assert waited < timeout_ms, f"requests still in flight after {timeout_ms} ms: {page.in_flight}"


def reader(browser, width: int, **options):
    """A reader's page at *width* px that records every console message, script error and failed
    request (``page.problems``; its script errors alone: ``page.js_errors``)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900}, **options)
    page = context.new_page()
    track_requests(page)
    page.problems = []
    page.js_errors = []
    page.on(
        "console",
        lambda m: page.problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None,
    )

    def script_error(exc) -> None:
        page.problems.append(f"script error: {exc}")
        page.js_errors.append(str(exc))

    page.on("pageerror", script_error)
    page.on("response", lambda r: page.problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    # (a request cut short because the page went on, as latest.html does, is no failure)
    page.on(
        "requestfailed",
        lambda r: page.problems.append(f"failed {r.url}") if "ERR_ABORTED" not in (r.failure or "") else None,
    )
    return context, page


#: The tabs of this worker's session, one per width: a tab opened for each test was most of the
#: browser's time (a renderer process started, the CJK fonts loaded: 0.45 s of CPU a page, 0.24 s
#: when the tab goes on to the next page). The tests that need a fresh profile (the keyboard, the
#: colour mode, no script, a cold cache, listeners of their own, paper) open their own with
#: :func:`reader` or the ``fresh_page`` fixture.
_TABS: dict[tuple[int, int], object] = {}


def tab(browser, width: int):
    """The reader's tab at *width* px, kept for the session and reset for each test: no cookies,
    no stored values, no permissions granted, its viewport *width* x 900 and its media the
    screen's again, its lists of problems empty (see :func:`reader`)."""
    page = _TABS.get((id(browser), width))
    if page is None or page.is_closed():
        _, page = reader(browser, width)
        _TABS[(id(browser), width)] = page
    else:
        page.context.clear_cookies()
        page.context.clear_permissions()
        if page.url.startswith(("http:", "file:")):
            page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
        page.goto("about:blank")
        if page.viewport_size != {"width": width, "height": 900}:
            page.set_viewport_size({"width": width, "height": 900})
        page.emulate_media(media="null")
        page.problems.clear()
        page.js_errors.clear()
        page.in_flight.clear()
    return page


@pytest.fixture
def page(browser):
    """The reader's tab at 1280 px, reset (:func:`tab`); its script errors in ``page.js_errors``."""
    return tab(browser, 1280)


@pytest.fixture
def fresh_page(browser):
    """A page of its own profile at 1280 px, for a test that counts what is downloaded (a cold
    cache) or listens to the page itself."""
    context, page = reader(browser, 1280)
    yield page
    context.close()


@contextlib.contextmanager
def serve(folder: Path):
    """*folder* served on http://127.0.0.1:<port> (a free port) while the block runs."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep pytest output readable
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_server(sample_site: Path):
    """The sample site served on http://127.0.0.1:<port>/ for the whole session."""
    with serve(sample_site) as url:
        yield url


def only_citation_warnings(out: str) -> bool:
    """Whether `shufa check` printed nothing but warnings about what citations lack: the date
    or the address of the published original, which a pasted text often cannot tell (an
    imported report's keeper adds them; until then check and `make html` fail on them)."""
    lines = out.splitlines()
    citation = (": date: no date.issued or date.published;", ": source: no source.url;")
    return bool(lines) and all(any(c in line for c in citation) for line in lines)


# --- partitioned builds (test_partitions, test_build_hostile) -------------------------------------

#: 3 provinces × 2 counties × 2 kinds × 2 years
COUNTIES_PER_PROVINCE = 2


PARTITIONED_N = 3 * COUNTIES_PER_PROVINCE * 2 * 2


def generate_partitioned(dest: Path) -> Path:
    bench_generate.generate(dest, PARTITIONED_N, seed=3, years=2, per_province=COUNTIES_PER_PROVINCE)
    return dest


def partition_options(root: Path, data: Path, **kwargs) -> Options:
    return Options(
        confdir=kwargs.pop("confdir", REPO),
        docs=kwargs.pop("docs", root / "docs"),
        datadir=data,
        site=root / "site",
        workdir=root / "work",
        sphinx_options=["-W", "--keep-going", "-q"],
        **kwargs,
    )


def partition_docs(root: Path, *, guide: bool = False) -> Path:
    """A copy of the hand-written pages (the hub writes generated pages into its source folder;
    the guide and the reference one short page each unless *guide*: :func:`archive_source`)."""
    return archive_source(root, guide=guide) if not (root / "src").exists() else root / "src"


def build_site(options: Options, say) -> int:
    """`shufa build` with *options* (what it says goes to *say*); a site it built must pass
    `shufa check-links` (:func:`assert_links_resolve`)."""
    from shufa.sitebuild import build

    status = build(options, say)
    if status == 0:
        assert_links_resolve(options.site)
    return status


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_quietly(args: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


#: Appended to a copy of conf.py: with STOP_AT_END naming a file, the first run to reach the end of
#: its build (after every plugin wrote its files, before the run is recorded as finished) removes
#: the file, writes its pid beside it and stops itself (SIGSTOP), so that it is killed there for sure.
STOP_AT_END = """

def setup(app):
    import os
    import signal

    def stop(app, exception):
        trigger = os.environ.get("STOP_AT_END")
        try:
            os.unlink(trigger or "")
        except OSError:
            return
        with open(trigger + ".pid", "w") as handle:
            handle.write(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGSTOP)

    app.connect("build-finished", stop, priority=900)
"""


def stopping_conf(root: Path) -> Path:
    """A folder with the project's conf.py and :data:`STOP_AT_END`."""
    conf = root / "conf"
    conf.mkdir()
    (conf / "conf.py").write_text(
        (REPO / "conf.py").read_text(encoding="utf-8") + STOP_AT_END, encoding="utf-8"
    )
    return conf


def build_command(options: Options) -> list[str]:
    """``shufa build`` with *options*, as a command line (on the scheduler they name, if any)."""
    return [
        sys.executable, "-m", "shufa", "build", "--data", str(options.datadir), "--out", str(options.site),
        "--work", str(options.workdir), "--docs", str(options.docs), "--conf", str(options.confdir),
        f"--sphinx-options={' '.join(options.sphinx_options)}", "--workers", str(options.workers or 2),
        *(["--scheduler", options.scheduler] if options.scheduler else []),
    ]  # fmt: skip


def start_stopping(options: Options, trigger: Path) -> subprocess.Popen:
    """``shufa build`` started in a session of its own, one of its runs to stop at :data:`STOP_AT_END`;
    returns once that run has stopped."""
    trigger.write_text("", encoding="utf-8")
    process = subprocess.Popen(
        build_command(options), env={**os.environ, "STOP_AT_END": str(trigger)}, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    pid = Path(f"{trigger}.pid")
    deadline = time.monotonic() + 120
    while not pid.exists() or not pid.read_text(encoding="utf-8"):
        assert process.poll() is None and time.monotonic() < deadline, "a run stopped at the end of its build"
        time.sleep(0.05)
    return process
