"""Sphinx plugin: the site's look — CJK typography, a page that reads on a phone, bounded
navigation, Chinese chrome, and only the assets a page uses.

Adds the stylesheet (CJK font stack, line height, Chinese typesetting, the phone layout, the
redaction mark), keeps the navigation bounded on generated pages (no sidebar that lists the
whole archive: a per-page navigation tree makes build time grow with the square of the number
of pages), and provides the Chinese wording of template strings the theme leaves in English.

What a reader's browser loads is kept to what the page uses (issue 21: a report page's first
visit fits in 150 KB gzip):

- the theme's icons are our own (inline SVG in our templates and masks in ``shufa.css``), so
  FontAwesome's script and web font are never loaded (our ``layout.html`` leaves the script
  out; ``shufa.css`` gives the theme's icon pseudo-elements a text or mask instead);
- Sphinx's ``searchtools.js``, ``searchindex.js`` and their helpers are loaded by the search
  page only (our own search, :mod:`shufa.plugins.search`, replaces the search-as-you-type the
  theme loads them for);
- sphinx-design's stylesheet and script, and the code highlighting stylesheet, only on pages
  that hold a design component or highlighted code (:func:`_page_assets`).

The colour mode defaults to the reader's system setting (``html_context["default_mode"]``;
without it the theme logs ``Got invalid theme mode`` on every page), and the site has a
favicon of its own (``static/favicon.svg``).
"""

from __future__ import annotations

import re
import weakref
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from . import Order, metadata
from .shared.envstore import per_document_store

HERE = Path(__file__).parent

#: Generated pages get no primary sidebar: their navigation is the breadcrumb
#: trail home → county → kind → year that the page itself carries.
BOUNDED_SIDEBARS = {"reports/**": [], "years/**": []}

#: The site's icon, used unless conf.py names another (html_favicon).
FAVICON = HERE / "static" / "favicon.svg"

#: Scripts only the search page runs: Sphinx's search and the helpers it calls.
SEARCH_PAGE_SCRIPTS = frozenset(
    {"doctools.js", "sphinx_highlight.js", "translations.js", "searchtools.js", "language_data.js"}
)

#: sphinx-design's files, needed only where a design component is (its classes start ``sd-``).
DESIGN_FILES = frozenset({"sphinx-design.min.css", "design-tabs.js"})
DESIGN_CLASS = re.compile(r'class="(?:[^"]* )?sd-')

#: The code highlighting stylesheet, needed only where Pygments wrote highlighted code.
HIGHLIGHT_FILES = frozenset({"pygments.css"})
HIGHLIGHT_CLASS = re.compile(r'class="(?:[^"]* )?highlight')


def _configure(app: Sphinx, config: Config) -> None:
    config.templates_path = [str(HERE / "templates"), *config.templates_path]
    sidebars = dict(config.html_sidebars)
    for pattern, value in BOUNDED_SIDEBARS.items():
        sidebars.setdefault(pattern, value)
    config.html_sidebars = sidebars
    # pydata-sphinx-theme reads the mode from the template context; "" logs an error per page
    config.html_context = {"default_mode": "auto", **(config.html_context or {})}
    if not config.html_favicon:
        config.html_favicon = str(FAVICON)


def _compact_templates(app: Sphinx) -> None:
    """Templates drop the line and indentation of their block tags (Jinja's trim_blocks and
    lstrip_blocks): the theme's nested templates wrote a kilobyte of blank lines per page."""
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is not None:
        environment.trim_blocks = environment.lstrip_blocks = True


def unused_assets(pagename: str, body: str) -> frozenset[str]:
    """The file names of the stylesheets and scripts that page *pagename* (its HTML body
    *body*) does not use."""
    unused: set[str] = set()
    if pagename != "search":
        unused |= SEARCH_PAGE_SCRIPTS
    if not DESIGN_CLASS.search(body):
        unused |= DESIGN_FILES
    if not HIGHLIGHT_CLASS.search(body):
        unused |= HIGHLIGHT_FILES
    return frozenset(unused)


#: A page that carries its own breadcrumb trail (a report's: shufa.plugins.directives).
OWN_TRAIL = 'class="report-nav'


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Leave out of the page the stylesheets and scripts it does not use, and the theme's
    breadcrumbs where the page has its own."""
    if app.builder.format != "html":
        return
    body = context.get("body", "")
    context["shufa_own_trail"] = OWN_TRAIL in body
    unused = unused_assets(pagename, body)
    for key in ("css_files", "script_files"):
        files = context.get(key)
        if files:
            context[key] = [f for f in files if Path(getattr(f, "filename", "") or "").name not in unused]


#: ``env.<DESIGNED>``: whether a document's source may hold a sphinx-design component (docname →
#: bool); sphinx-design's post-transforms and its new-tab handler skip the documents read
#: without (a document not recorded is taken to hold one).
DESIGNED = "shufa_designed"


def _design_source(app: Sphinx) -> re.Pattern[str]:
    """What in a document's source may make a sphinx-design node: the name of one of its
    directives or roles (as MyST writes them, ``{dropdown}``, and as reST does, ``.. dropdown::``
    and ``:bdg:``), or an include (whose text is not read here)."""
    found = _DESIGN_SOURCE.get(app)
    if found is None:
        from docutils.parsers.rst import directives, roles

        names = {"include", "literalinclude"}
        for registry in (directives._directives, roles._roles):  # type: ignore[attr-defined]
            for name, thing in registry.items():
                if (getattr(thing, "__module__", None) or type(thing).__module__ or "").startswith(
                    "sphinx_design"
                ):
                    names.add(name)
        either = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        found = _DESIGN_SOURCE[app] = re.compile(rf"\{{(?:{either})\}}|\.\. (?:{either})::|:(?:{either}):`")
    return found


_DESIGN_SOURCE: weakref.WeakKeyDictionary[Sphinx, re.Pattern[str]] = weakref.WeakKeyDictionary()


def _note_design(app: Sphinx, docname: str, source: list[str]) -> None:
    getattr(app.env, DESIGNED)[docname] = bool(_design_source(app).search(source[0]))


def _design_only_where_used(app: Sphinx) -> None:
    """sphinx-design's post-transforms and its ``doctree-resolved`` handler, run on the documents
    that may hold its components only. Each walks the whole document looking for its component
    (a dropdown, a tab set, an aside, a button …): at N = 2,000 that was 5 % of a build for
    pages — every report page — that hold none. On those the walks found nothing and changed
    nothing; the pages are byte for byte the same."""
    registry = app.registry.post_transforms
    for i, transform in enumerate(registry):
        if transform.__module__.startswith("sphinx_design") and not getattr(transform, "_shufa_gated", False):
            registry[i] = type(transform.__name__, (transform,), {"run": _gated_run, "_shufa_gated": True})
    listeners = app.events.listeners.get("doctree-resolved", [])
    for i, listener in enumerate(listeners):
        if getattr(listener.handler, "__module__", "").startswith("sphinx_design"):
            listeners[i] = listener._replace(handler=_gated_handler(listener.handler))


def _gated_run(self: Any, **kwargs: Any) -> None:
    if getattr(self.env, DESIGNED, {}).get(self.env.docname, True):
        super(type(self), self).run(**kwargs)


def _gated_handler(handler: Any) -> Any:
    def gated(app: Sphinx, doctree: Any, docname: str) -> None:
        if getattr(app.env, DESIGNED, {}).get(docname, True):
            handler(app, doctree, docname)

    gated.__module__ = __name__
    gated.__wrapped__ = handler  # type: ignore[attr-defined]
    return gated


def setup(app: Sphinx) -> dict[str, Any]:
    # Our catalog is consulted after Sphinx's own and before the theme's (which leaves
    # "Color mode" and friends untranslated): see sphinx.locale.init's fallback chain.
    app.add_message_catalog("sphinx", str(HERE / "locale"))
    app.connect("config-inited", _configure)
    app.connect("builder-inited", _compact_templates)
    app.connect("html-page-context", _page_context, priority=Order.TRIM_ASSETS)
    per_document_store(app, DESIGNED)
    app.connect("source-read", _note_design)
    app.connect("builder-inited", _design_only_where_used)
    app.setup_extension("shufa.plugins.assets")
    return metadata()
