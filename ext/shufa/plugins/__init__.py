"""The archive's Sphinx plugins, one concern each, and the one table that sets them all up.

conf.py lists one extension, ``shufa`` (or ``shufa.plugins``): :func:`setup` sets up every
plugin of :data:`PLUGINS`, in that order. A project that wants only some lists those instead
(``shufa.plugins.domain``, or by the former name ``shufa.domain``); each plugin sets up the
plugins it needs itself. The helpers the plugins share (what they keep in the environment,
HTML they write themselves, table frames) are in :mod:`shufa.plugins.shared`, and every
handler that must run at a given point of its event names that point in :class:`Order`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import __version__
from ..core.fingerprints import code_version

if TYPE_CHECKING:  # pragma: no cover
    from sphinx.application import Sphinx

#: Every plugin (module of this package) with what it does, in the order :func:`setup` sets them up.
PLUGINS: dict[str, str] = {
    "data": "the model: load and validate data/",
    "pages": "generate the thin report, county and year pages",
    "domain": "the `report` domain: targets, roles, objects.inv",
    "directives": "report page blocks built from the model",
    "listings": "home, county and year listings",
    "crossyear": "year switcher, topics across years, topic × year tables",
    "compare": "text reuse rates and year-to-year comparison pages",
    "metrics": "figures marked in the text, series and charts, metric index",
    "anchors": "the anchor lock: published anchors must keep resolving",
    "redirects": "redirect pages at former county slugs, keeping the #fragment",
    "theme": "CJK typography, chrome translations, bounded navigation",
    "schemadoc": "the data-format reference, rendered from the schema",
    "memory": "keep the garbage collector from rescanning the whole build",
    "citation": "GB/T 7714 cite controls, BibTeX and CSL-JSON downloads",
    "sources": "the original file of each report, offered as 原文 with its checksum",
    "search": "Chinese search that finds phrases, places and figures, by section",
    "export": "archive.json, sitemap.xml, page descriptions and Open Graph",
    "series": "a county's years, latest, any two years compared, topic histories",
    "feeds": "Atom feeds of new reports, the archive's and each county's",
    # set up by the plugins above that need them
    "config": "every shufa_* option, declared once and checked at config-inited",
    "assets": "stylesheets and scripts registered once; the rules the browser shares",
    "inline": "report text as nodes: redaction and figure marks",
    "modelpages": "the pages written from the model itself (comparisons, series pages)",
}


class Order:
    """Where a handler runs among the handlers of its event: Sphinx calls the lower first (its
    default is 500), and handlers of one order in the order the plugins connected them."""

    # config-inited
    #: the shufa_* options are checked (and normalised) before any plugin reads them
    CHECK_OPTIONS = 100

    # builder-inited
    #: the per-document stores exist before anything fills them
    CREATE_STORES = 250
    #: the model is loaded before any plugin reads it
    LOAD_MODEL = 300
    #: after the model is loaded, before the pages are generated: the anchor lock is checked,
    #: the figures' store is kept (the pages ask for the summary)
    USE_MODEL = 350
    #: the generated pages are written
    GENERATE_PAGES = 400
    #: the plugins' stylesheets and scripts come before sphinx-design's (500), as when each
    #: plugin added its own at setup
    ADD_ASSETS = 400
    #: the pages made from the model are registered once every other plugin is ready
    REGISTER_MODEL_PAGES = 600
    #: last: what is said of the configuration, and the collector settled for the build
    AFTER_SETUP = 900

    # the events of our own that build a report's page and a county's page
    #: after the default handlers: the series' links follow the year switcher and
    #: 本主题在其他年份 (shufa.plugins.crossyear)
    AFTER_CROSSYEAR = 600

    # reading and writing pages (shufa.plugins.memory)
    #: source-read: the page read before is let go before the next one is parsed
    BEFORE_READING = 100
    #: doctree-read: the page is held last, once every other plugin has read it
    HOLD_READ = 999
    #: env-updated, doctree-resolved: after the other plugins' handlers
    AFTER_READING = 900
    #: env-before-read-docs: the pages to be written are recorded once the others have chosen them
    NOTE_WRITING = 900

    # html-page-context
    #: a page's stylesheets and scripts are trimmed to what it uses after every plugin added its own
    TRIM_ASSETS = 900

    # build-finished
    #: the page written last is let go before the plugins write their files
    RELEASE_WRITTEN = 100
    #: the output no plugin wrote is removed, after every plugin wrote its files
    SWEEP_OUTPUT = 950
    #: the build is recorded as finished, after everything else
    FINISHED = 990


def setup(app: Sphinx) -> dict[str, Any]:
    """Set up every plugin of :data:`PLUGINS` (the umbrella extension ``shufa`` does this)."""
    for name in PLUGINS:
        app.setup_extension(f"{__name__}.{name}")
    return metadata()


def metadata() -> dict[str, Any]:
    """What every plugin's ``setup`` returns to Sphinx. Its ``env_version`` is the digest of this
    package's code (:func:`shufa.core.fingerprints.code_version`): what Sphinx pickled (the
    environment, every page) was made by this very code, or is read afresh, whichever plugins a
    project names. A page pickled by other code may hold nodes this code reads differently."""
    return {
        "version": __version__,
        "env_version": code_version(),
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
