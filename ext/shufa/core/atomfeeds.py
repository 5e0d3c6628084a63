"""Atom feeds of new reports: the archive's (``atom.xml``) and each county's
(``reports/<county>/atom.xml``).

A feed holds the reports newest to the archive first: each with its title naming its
county (:func:`shufa.core.labels.display_title`), the day it entered the archive (``added``,
at 00:00 China Standard Time; a report not locked or imported since that day was recorded
takes its date of online publication, else of issue), a summary (the opening of its
preamble up to a sentence's end, or cut with ``…``: :func:`shufa.core.summary.excerpt`) and a
link to its page. A report with none of those days has no place in time and is left out; a
county none of whose reports has one has no feed, and its pages link to none
(:func:`has_feed`). A feed holds at most ``limit`` entries (50 by default): no feed grows
with the archive.

Every value comes from the summary of the reports (:mod:`shufa.core.summary`), so the
archive's feed is drawn the same in the whole archive's run and in the hub, and a
county's in its partition and in the whole archive's run. Nothing depends on the day of
the build: the feed's ``updated`` is its newest entry's day, which moves when a report is
added.

Ids: with the site's address (``html_baseurl``), an entry's id is its page's URL and the
feed's its own URL; without one, ``urn:uuid:`` ids made from the site's title and the
report's key (name-based UUIDs, the same at every build). Links, the feed's ``rel="self"``
among them, are absolute with the site's address, else relative to the feed's own location
(which Atom readers resolve against the feed's URL).

The XML is written by feedgen (``FeedGenerator``): it escapes every text and writes the
elements RFC 4287 requires.
"""

from __future__ import annotations

import datetime
import posixpath
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from .summary import ReportStub

#: The archive's feed, at the site's root.
ARCHIVE_FEED = "atom.xml"
#: Entries in a feed at most (shufa_feed_length).
FEED_LENGTH = 50
#: The reports' dates are days in China; a feed's dates are times with a zone.
CHINA = datetime.timezone(datetime.timedelta(hours=8), "CST")
#: The media type of an Atom feed (the ``type`` of its ``<link rel="alternate">``).
MEDIA_TYPE = "application/atom+xml"


def county_feed(county: str) -> str:
    """A county's feed in the site: ``reports/<county>/atom.xml``."""
    return f"reports/{county}/atom.xml"


class Dated(Protocol):
    """A report or its summary: what places it in a feed."""

    key: str
    added: str
    published: str
    issued: str


def report_date(report: Dated) -> str:
    """The day a report takes in a feed: the day it entered the archive, else (not recorded
    yet) its day of online publication, else of issue (``""``: none of them)."""
    return report.added or report.published or report.issued


def newest(reports: Iterable[Dated], limit: int = FEED_LENGTH) -> list:
    """The *limit* reports newest to the archive, newest first (the same day: by key, descending)."""
    dated = [r for r in reports if report_date(r)]
    dated.sort(key=lambda r: (report_date(r), r.key), reverse=True)
    return dated[:limit]


def has_feed(reports: Iterable[Dated]) -> bool:
    """Whether a county with these reports has a feed (one of them has a day): the one rule for
    writing a county's feed and for linking to it."""
    return any(report_date(r) for r in reports)


def feed_time(day: str) -> datetime.datetime:
    """``2024-01-22`` → 2024-01-22 00:00 China Standard Time."""
    return datetime.datetime.fromisoformat(day).replace(tzinfo=CHINA)


@dataclass(frozen=True)
class Feed:
    """What a feed says of itself: where it is in the site, its title, the site's title and
    address (``""``: none), its author (the archive's editors) and the page it belongs to."""

    path: str
    title: str
    site: str
    base_url: str
    author: str
    home: str

    def url(self, path: str) -> str:
        """The link to the site's file *path*: absolute under the site's address, else relative
        to the feed."""
        if self.base_url:
            return self.base_url.rstrip("/") + "/" + path
        return posixpath.relpath(path, posixpath.dirname(self.path) or ".")

    def ident(self, name: str, path: str) -> str:
        """The id of the feed or an entry: its URL under the site's address, else a name-based UUID."""
        if self.base_url:
            return self.url(path)
        return uuid.uuid5(uuid.NAMESPACE_URL, f"shufa:{self.site}:{name}").urn


def atom(feed: Feed, reports: list[ReportStub], title_of: Callable[[ReportStub], str] | None = None) -> bytes:
    """The Atom document of *feed* with *reports* (newest first) as its entries, each titled
    ``title_of(report)`` (its title as published when not given)."""
    from feedgen.feed import FeedGenerator

    generator = FeedGenerator()
    generator.id(feed.ident(f"feed:{feed.path}", feed.path))
    generator.title(feed.title)
    generator.language("zh-CN")
    generator.author({"name": feed.author})
    generator.link(href=feed.url(feed.home), rel="alternate", type="text/html")
    generator.link(href=feed.url(feed.path), rel="self", type=MEDIA_TYPE)
    # the newest entry's date: nothing depends on the day of the build
    generator.updated(feed_time(report_date(reports[0])) if reports else feed_time("2000-01-01"))
    for report in reports:
        page = f"{report.docname}.html"
        entry = generator.add_entry()
        entry.id(feed.ident(f"report:{report.key}", page))
        entry.title(title_of(report) if title_of is not None else report.title)
        when = feed_time(report_date(report))
        entry.published(when)
        entry.updated(when)
        entry.link(href=feed.url(page), rel="alternate", type="text/html")
        if report.excerpt:
            entry.summary(report.excerpt)
    return generator.atom_str(pretty=True)
