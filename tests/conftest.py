"""Shared fixtures: sphinx.testing, and builds of the shipped sample archive."""

from __future__ import annotations

import contextlib
import shutil
from io import StringIO
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

pytest_plugins = ("sphinx.testing.fixtures",)

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return REPO / "tests" / "roots"


def archive_source(dest: Path) -> Path:
    """A copy of docs/ (without generated pages) with the project's conf.py, for a test build."""
    src = dest / "src"
    shutil.copytree(REPO / "docs", src, ignore=shutil.ignore_patterns("reports", "years", "_build"))
    shutil.copy(REPO / "conf.py", src / "conf.py")
    return src


def copy_data(dest: Path, data: Path = DATA) -> Path:
    """A writable copy of a data folder."""
    target = dest / "data"
    shutil.copytree(data, target)
    return target


def run_sphinx(src: Path, *, builder: str = "html", on_read=None, **kwargs) -> SphinxTestApp:
    """Build the project in *src* (status and warnings captured); returns the finished app.

    *on_read*, when given, receives the names of the documents the build reads."""
    app = SphinxTestApp(builder, srcdir=src, status=StringIO(), warning=StringIO(), **kwargs)
    if on_read is not None:
        app.connect("env-before-read-docs", lambda app, env, docnames: on_read(list(docnames)))
    try:
        app.build()
    finally:
        app.cleanup()
    return app


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


def warnings_of(app: SphinxTestApp) -> str:
    return app.warning.getvalue()


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> SphinxTestApp:
    """The shipped sample archive, built once per test session (warnings asserted by a test)."""
    root = tmp_path_factory.mktemp("sample")
    return build_archive(archive_source(root), DATA)


@pytest.fixture(scope="session")
def sample_site(sample_build: SphinxTestApp) -> Path:
    """The output folder of the sample build."""
    return Path(sample_build.outdir)


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


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
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
