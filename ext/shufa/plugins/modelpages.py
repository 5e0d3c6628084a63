"""Sphinx plugin: the pages plugins write from the model at write time, not as Sphinx documents.

A comparison of two years, a topic's history, a series' years: such a page has no
cross-reference, index entry or toctree that needs the document pipeline, and read,
transformed, pickled, resolved and translated like a report it would cost as much as
one. Plugins make these pages' HTML from the model, in the markup docutils writes
(every text escaped), and hand them over per county and kind through the event
``shufa-model-pages`` — ``(county, kind, reports)`` → pages (:class:`ModelPage`). This
plugin writes them:

- at ``builder-inited`` it names every page (search, by title, and the sitemap list them);
- at ``html-collect-pages`` it writes the pages whose content or look changed since they
  were last written (a record beside the environment keeps each page's fingerprint), a
  county and kind at a time, every plugin's pages of it one after the other, so that what
  they share (diffs, reuse baselines) is worked out once;
- through one rendering of the page template per depth of page name (:class:`Shell`), when
  that gives the same bytes as Sphinx's own rendering of the first page of that depth;
  otherwise Sphinx renders each page.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from sphinx.application import Sphinx
from sphinx.util import logging

from ..core.atomfeeds import has_feed
from ..core.files import write_if_changed
from ..core.fingerprints import current_fingerprint
from ..core.model import Archive
from . import Order, metadata
from .data import get_archive
from .shared.envstore import emit, note_extra_pages
from .shared.markup import encode

logger = logging.getLogger(__name__)


class ModelPage(Protocol):
    """A page written from the model: its name (``reports/qinghe/shufa/topics/study``), title,
    description, contents list, body (HTML) and fingerprint (what it shows)."""

    pagename: str
    title: str

    def description(self) -> str: ...

    def contents(self) -> list[tuple[str, str]]:
        """The page's sections as (id, label): the theme's 当前页面 list."""
        ...

    def body(self) -> str: ...

    def fingerprint(self) -> str:
        """A digest of what the page shows (the writer adds the site's look)."""
        ...


def contents_html(title: str, entries: list[tuple[str, str]]) -> str:
    """A page's contents in the markup of Sphinx's ``toc``."""
    items = "".join(
        f'<li><a class="reference internal" href="#{encode(key)}">{encode(label)}</a></li>\n'
        for key, label in entries
    )
    return f'<ul>\n<li><a class="reference internal" href="#">{encode(title)}</a><ul>\n{items}</ul>\n</li>\n</ul>\n'


def heading(app: Sphinx, level: int, ident: str, text: str) -> str:
    """A heading with its permalink, as Sphinx writes a section title."""
    config = app.config
    link = ""
    if config.html_permalinks and config.html_permalinks_icon:
        from sphinx.locale import _

        label = encode(_("Link to this heading"))
        link = f'<a class="headerlink" href="#{ident}" title="{label}">{config.html_permalinks_icon}</a>'
    return f"<h{level}>{encode(text)}{link}</h{level}>\n"


def context(page: ModelPage) -> dict[str, Any]:
    """The template context of *page* (as Sphinx renders it)."""
    return {
        "title": encode(page.title),
        "body": page.body(),
        "toc": contents_html(page.title, page.contents()),
        "display_toc": True,
        "shufa_description": page.description(),
    }


def model_pages(app: Sphinx, archive: Archive) -> Iterator[ModelPage]:
    """Every page plugins write from the model, a county and kind at a time."""
    for county in archive.counties.values():
        for kind in archive.kinds.values():
            reports = archive.reports_of(county.slug, kind.slug)
            if not reports:
                continue
            for found in emit(app.events, "shufa-model-pages", county, kind, reports):
                yield from found or ()


def _register_pages(app: Sphinx) -> None:
    """Name the pages, so search (by title) and the sitemap list them."""
    if app.builder.format != "html":
        return
    archive = get_archive(app.env)
    note_extra_pages(app.env, "model", {p.pagename: p.title for p in model_pages(app, archive)})


def _shared(app: Sphinx, archive: Archive) -> str:
    """What every page depends on: the HTML configuration, templates, the kinds and the topic labels."""
    builder = app.builder
    info = getattr(builder, "build_info", None)
    templates = builder.templates.newest_template_mtime() if getattr(builder, "templates", None) else 0
    return repr(
        (
            getattr(info, "config_hash", ""),
            getattr(info, "tags_hash", ""),
            templates,
            current_fingerprint(archive, "kinds"),
            [(t.key, t.label) for t in archive.topics.values()],
        )
    )


#: Beside the environment (pickled before writing begins): page → fingerprint when last written.
RECORD = "shufa-model-pages.json"


def collect_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """The pages whose content or look changed since they were last written."""
    builder = app.builder
    if builder.format != "html" or builder.name not in ("html", "dirhtml"):
        return
    archive = get_archive(app.env)
    record = Path(app.doctreedir, RECORD)
    try:
        written: dict[str, str] = json.loads(record.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        written = {}
    if not isinstance(written, dict):
        written = {}
    shared = _shared(app, archive)
    current: dict[str, str] = {}
    # one shell per depth, and per whether the county has a feed (its pages' <head> names it)
    shells: dict[tuple[int, bool], Shell | None] = {}
    for page in model_pages(app, archive):
        digest = hashlib.sha1(f"{shared}\0{type(page).__name__}\0{page.fingerprint()}".encode()).hexdigest()
        current[page.pagename] = digest
        target = Path(builder.get_outfilename(page.pagename))
        if written.get(page.pagename) == digest and target.is_file():
            continue
        key = (page.pagename.count("/"), has_feed(archive.reports_of(page.pagename.split("/")[1])))
        if key not in shells:
            shells[key] = shell = Shell.make(app, page.pagename)
            yield page.pagename, context(page), "page.html"  # Sphinx renders the first one itself …
            if shell is not None and shell.fill(page) != target.read_text(encoding="utf-8"):
                logger.info(f"shufa: pages like {page.pagename} rendered one by one (the page shell differs)")
                shells[key] = None  # … and the shell is used only if it gives the same page
            continue
        shell = shells[key]
        html = shell.fill(page) if shell is not None else None
        if html is None:
            yield page.pagename, context(page), "page.html"
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8", errors="xmlcharrefreplace")
    write_if_changed(record, json.dumps(current, sort_keys=True))


class Shell:
    """The page template rendered once for all pages of one depth, with markers to fill.

    Pages at the same depth under ``reports/`` differ only in their title, description,
    body, contents list and name; rendering the theme's template for each (a few ms) gives
    the same bytes as filling one rendering in."""

    TITLE, DESCRIPTION, BODY, KEY, LABEL = "⟦标题⟧", "⟦描述⟧", "⟦正文⟧", "⟦键⟧", "⟦名⟧"
    #: Text that escaping would change, or that holds a marker: such a page is rendered by Sphinx.
    UNSAFE = re.compile(r"[<>&\"'@\\⟦⟧]")

    def __init__(self, text: str, entry: str, name: str) -> None:
        self.text = text
        self.entry = entry  # the line of the contents list, to repeat for every section
        self.name = name

    @staticmethod
    def name_for(depth: int) -> str:
        """The marker page name of a depth: ``reports/⟦1⟧/⟦2⟧/⟦3⟧`` for 3."""
        return "reports/" + "/".join(f"⟦{i}⟧" for i in range(1, depth + 1))

    @classmethod
    def make(cls, app: Sphinx, example: str) -> Shell | None:
        builder = app.builder
        depth = example.count("/")
        if not example.startswith("reports/") or depth < 2:
            return None
        name = cls.name_for(depth)
        shell_context = {
            "title": cls.TITLE,
            "body": cls.BODY,
            "toc": (
                f'<ul>\n<li><a class="reference internal" href="#">{cls.TITLE}</a><ul>\n'
                f'<li><a class="reference internal" href="#{cls.KEY}">{cls.LABEL}</a></li>\n</ul>\n</li>\n</ul>\n'
            ),
            "display_toc": True,
            "shufa_description": cls.DESCRIPTION,
        }
        note_extra_pages(app.env, "shell", {name: cls.TITLE})  # for the description tags
        try:
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp, "shell.html")
                builder.handle_page(name, shell_context, "page.html", outfilename=out)
                text = out.read_text(encoding="utf-8")
        except OSError:
            return None
        finally:
            note_extra_pages(app.env, "shell", {})
        entries = [line for line in text.splitlines(keepends=True) if f'href="#{cls.KEY}"' in line]
        if len(entries) != 1 or text.count(cls.BODY) != 1 or cls.TITLE not in text:
            return None
        return cls(text, entries[0], name)

    def fill(self, page: ModelPage) -> str | None:
        """*page* as Sphinx would render it, or None when its text would need escaping."""
        title, description, entries = page.title, page.description(), page.contents()
        texts = (title, description, page.pagename, *(key + label for key, label in entries))
        if any(self.UNSAFE.search(t) for t in texts) or page.pagename.count("/") != self.name.count("/"):
            return None
        lines = "".join(
            self.entry.replace(self.KEY, key).replace(self.LABEL, label) for key, label in entries
        )
        text = (
            self.text.replace(self.entry, lines)
            .replace(self.name, page.pagename)
            .replace(self.TITLE, title)
            .replace(self.DESCRIPTION, description)
        )
        before, _, after = text.partition(self.BODY)
        return before + page.body() + after


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("shufa.plugins.data")
    # (county, kind, reports) → the pages a plugin writes for that county and kind
    app.add_event("shufa-model-pages")
    app.connect("builder-inited", _register_pages, priority=Order.REGISTER_MODEL_PAGES)
    app.connect("html-collect-pages", collect_pages)
    return metadata()
