"""Sphinx plugin: Atom feeds of new reports — the archive's and each county's — named in <head>.

- ``atom.xml``: the archive's newest reports (at most ``shufa_feed_length``), newest first,
  written by the whole archive's run or the hub, from the summary of the reports;
- ``reports/<county>/atom.xml``: a county's newest reports, written by the run that writes
  the county (a partition, or the whole archive's run), from the summary too.

Every page names the archive's feed as ``<link rel="alternate" type="application/atom+xml">``,
and the pages under ``reports/<county>/`` (its page, reports, comparisons and the series'
pages) the county's as well. The feeds themselves are :mod:`shufa.core.atomfeeds`'s.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sphinx.application import Sphinx
from sphinx.util.osutil import relative_uri

from ..core.atomfeeds import ARCHIVE_FEED, MEDIA_TYPE, Feed, atom, county_feed, has_feed, newest
from ..core.files import write_if_changed
from ..core.labels import display_title
from ..core.summary import ReportStub
from . import config, metadata
from .data import get_run, loaded_run
from .shared.envstore import claim

#: The titles of the feeds' links in <head> (a county's says no name: the same on every page).
ARCHIVE_LINK = "订阅：新收录的报告"
COUNTY_LINK = "订阅：本县新收录的报告"


def _feed(app: Sphinx, path: str, title: str, home: str) -> Feed:
    settings = app.config
    site = settings.html_title or settings.project
    return Feed(path, title, site, settings.html_baseurl, settings.author or site, home)


def write_feeds(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    run = get_run(app.env)
    archive, summary = run.result.archive, run.summary
    limit = config.get(app.config).feed_length
    outdir = Path(app.outdir)

    def title_of(report: ReportStub) -> str:
        return display_title(archive, report)

    if run.scope.spans_partitions:
        site = app.config.html_title or app.config.project
        feed = _feed(app, ARCHIVE_FEED, f"{site}：新收录的报告", "index.html")
        path = outdir / ARCHIVE_FEED
        claim(app, path)
        write_if_changed(path, atom(feed, newest(summary.reports.values(), limit), title_of).decode("utf-8"))
    if not run.scope.writes_counties:
        return
    for province in sorted(run.provinces):
        for county in archive.counties_in(province):
            reports = newest(summary.of_counties([county.slug]), limit)
            if not reports:
                continue
            feed = _feed(
                app, county_feed(county.slug), f"{county.name}：新收录的报告", f"{county.docname}.html"
            )
            path = outdir / county_feed(county.slug)
            claim(app, path)
            write_if_changed(path, atom(feed, reports, title_of).decode("utf-8"))


def _county_of_page(app: Sphinx, pagename: str) -> str:
    """The county whose feed a page under ``reports/<county>/`` names ("" for none)."""
    parts = pagename.split("/")
    if parts[0] != "reports" or len(parts) < 3:
        return ""
    run = loaded_run(app.env)
    archive = run.result.archive if run is not None else None
    # a county none of whose reports has a day has no feed; a page of the writer's shell names "⟦1⟧"
    if archive is not None and parts[1] in archive.counties and not has_feed(archive.reports_of(parts[1])):
        return ""
    return parts[1]


def _head(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if app.builder.format != "html":
        return
    page = app.builder.get_target_uri(pagename)
    links = [(relative_uri(page, ARCHIVE_FEED), ARCHIVE_LINK)]
    county = _county_of_page(app, pagename)
    if county:
        # quoted as the page's own URI is (a marker page name of the writer's shell is not ASCII)
        links.append((relative_uri(page, quote(county_feed(county))), COUNTY_LINK))
    context["metatags"] = context.get("metatags", "") + "".join(
        f'<link rel="alternate" type="{MEDIA_TYPE}" href="{html.escape(href)}" title="{title}" />\n'
        for href, title in links
    )


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("shufa.plugins.data")
    app.setup_extension("shufa.plugins.config")
    app.connect("build-finished", write_feeds)
    app.connect("html-page-context", _head)
    return metadata()
