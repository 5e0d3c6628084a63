"""Digests of the model parts a page shows, for incremental builds.

A page records the parts of the model it shows (``note_model_dependency`` in
:mod:`shufa.plugins.data`); the next build compares each part's digest and re-reads the
page only when one changed. The parts, by key:

- ``registries`` — the names and labels of the counties, provinces, kinds, topics and metrics
  (what listings print beside the reports, which they take from the summary);
- ``county-info:<slug>`` — a county's own entry in counties.yaml;
- ``kinds`` — the report kinds;
- ``county:<slug>`` — a county and the titles/topics of its reports;
- ``year:<year>`` — the reports of a year;
- ``series:<county>/<kind>`` — each year of a county-kind with its section topics;
- ``text:<county>/<kind>/<year>`` — every text field of one report (and the metrics vocabulary);
- ``alltext`` — every report's text and the metrics vocabulary (the metric index).

And one digest of the code itself (:func:`code_version`): what Sphinx keeps between builds (the
pickled pages and environment) is only as good as the code that made it.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

from .model import Archive

#: The package whose code and assets make the pages (shufa/).
PACKAGE = Path(__file__).resolve().parents[1]


@functools.cache
def code_version() -> str:
    """A digest of every file of the package (code, schema, templates, scripts, styles), by path
    relative to it. The plugins give it Sphinx as their ``env_version``: an environment or a page
    pickled by other code (an upgrade, a checkout) is then never rendered by this code, which may
    read its nodes differently; Sphinx reads everything afresh instead."""
    digest = hashlib.sha1()
    files = sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _county_entry(archive: Archive, slug: str) -> tuple | None:
    """What a county's pages take from its registry entry (None: not registered)."""
    county = archive.counties.get(slug)
    return county and (
        county.name,
        county.type,
        county.parent,
        county.province,
        county.city,
        county.code,
        county.aliases,
        county.note,
    )


def fingerprint(archive: Archive, key: str) -> str:
    """A digest of the model part *key* names (see the table at the top of this module)."""
    scope, _, arg = key.partition(":")
    parts: list[Any]
    if scope == "registries":
        parts = [
            [
                (
                    c.slug,
                    c.name,
                    c.type,
                    c.parent,
                    c.province,
                    c.province_slug,
                    c.city,
                    c.code,
                    c.aliases,
                    c.note,
                )
                for c in archive.counties.values()
            ],
            [(p.slug, p.name, p.partition) for p in archive.provinces.values()],
            [(k.slug, k.name, k.label, k.author) for k in archive.kinds.values()],
            [(t.key, t.label) for t in archive.topics.values()],
            [(m.key, m.label) for m in archive.metrics.values()],
        ]
    elif scope == "county-info":
        parts = [_county_entry(archive, arg)]
    elif scope == "kinds":
        parts = [(k.slug, k.name, k.label, k.author) for k in archive.kinds.values()]
    elif scope == "county":
        parts = [
            _county_entry(archive, arg),
            [(r.key, r.title, [s.topic for s in r.sections]) for r in archive.reports_of(arg)],
        ]
    elif scope == "year":
        parts = [(r.key, r.title, archive.counties[r.county].name) for r in archive.reports_in_year(int(arg))]
    elif scope == "series":
        county, _, kind = arg.partition("/")
        parts = [
            (r.year, [(s.anchor, s.topic, s.aliases) for s in r.sections])
            for r in archive.reports_of(county, kind)
        ]
    elif scope == "alltext":
        parts = [
            (key, list(r.texts()), [(a.at, a.text, a.metric) for a in r.figure_assignments])
            for key, r in sorted(archive.reports.items())
        ]
        parts.append([(m.key, m.label, m.units, m.phrases) for m in archive.metrics.values()])
    elif scope == "text":
        report = archive.reports.get(arg)
        parts = [
            list(report.texts()) if report else None,
            [(a.at, a.text, a.metric) for a in report.figure_assignments] if report else None,
            [(m.key, m.label, m.units, m.phrases) for m in archive.metrics.values()],
        ]
    else:
        raise ValueError(f"unknown model dependency {key!r}")
    return hashlib.sha1(repr(parts).encode()).hexdigest()


_DIGESTS: dict[str, str] = {}
_DIGESTS_OF: list[Archive] = []


def current_fingerprint(archive: Archive, key: str) -> str:
    """:func:`fingerprint`, computed once per key for the archive of this build (the model never
    changes while a build runs; a report's text is fingerprinted by its own page, the next
    year's page, the comparison pages and the county page)."""
    if not _DIGESTS_OF or _DIGESTS_OF[0] is not archive:
        _DIGESTS.clear()
        _DIGESTS_OF[:] = [archive]
    if key not in _DIGESTS:
        _DIGESTS[key] = fingerprint(archive, key)
    return _DIGESTS[key]
