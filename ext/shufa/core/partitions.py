"""The national build in partitions: which counties each Sphinx run builds, and which run owns a page.

A partition is a set of whole provinces (by default one province; provinces.yaml's
``partition:`` groups several), so all years of a county — everything across years —
are inside one run. The *hub* run builds what spans partitions: the home page, the
listings and indices across provinces, the guides and the reference. Every page has
one owner (:func:`owner`), decided by its path alone, so that a run can link to a page
another run writes, and the merged output is one site with the URLs of a single build.

Pages by owner (``<p>`` a province slug, ``<c>`` a county slug):

- a partition: ``reports/<c>/…`` (county page, reports, comparisons), ``provinces/<p>``,
  ``years/<year>/<p>``, ``topics/<topic>/<p>``, ``metrics/<metric>/<p>``;
- the hub: everything else (``index``, ``reports/index``, ``years/index``, ``years/<year>``,
  ``topics/index``, ``topics/<topic>``, ``metrics/index``, ``metrics/<metric>``, guides,
  reference, search).
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Archive

#: The name of the hub run (``shufa_partition = "hub"``); no partition may take it.
HUB = "hub"

#: Folders of province-scoped pages: ``<folder>/…/<province>`` belongs to the province's partition.
PROVINCE_SCOPED = ("provinces", "years", "topics", "metrics")


@dataclass(frozen=True)
class Scope:
    """What one Sphinx run builds (``shufa_partition``): the whole archive in one run (no name),
    the hub (:data:`HUB`), or one partition (its name). Plugins ask its predicates, never the name."""

    name: str = ""

    @property
    def is_whole(self) -> bool:
        """The whole archive in one run (no partitions)."""
        return not self.name

    @property
    def is_hub(self) -> bool:
        """The hub of a partitioned build: what spans the partitions."""
        return self.name == HUB

    @property
    def is_partition(self) -> bool:
        """One partition of a partitioned build: its provinces and their counties."""
        return bool(self.name) and self.name != HUB

    @property
    def spans_partitions(self) -> bool:
        """Whether the run writes what spans the partitions (the whole archive or the hub): the
        home page, the listings and indices across provinces, the archive's own files (its index,
        feed and sitemap index), and the problems of the anchor lock file itself."""
        return not self.is_partition

    @property
    def writes_counties(self) -> bool:
        """Whether the run writes provinces' and counties' pages (the whole archive or a partition)."""
        return not self.is_hub

    def owns(self, archive: Archive, docname: str) -> bool:
        """Whether this run writes page *docname* (:func:`owner`)."""
        return self.is_whole or owner(archive, docname) == self.name

    def __str__(self) -> str:
        return self.name or "(whole archive)"


#: The scope of a build of the whole archive in one run.
WHOLE_ARCHIVE = Scope()


@dataclass(frozen=True)
class Partition:
    """One Sphinx run of a national build: its provinces and their counties."""

    name: str
    provinces: tuple[str, ...]
    counties: tuple[str, ...]


def plan(archive: Archive) -> list[Partition]:
    """The partitions of *archive*, in the order of provinces.yaml; those without counties left out."""
    grouped: dict[str, list[str]] = {}
    for province in archive.provinces.values():
        grouped.setdefault(province.partition, []).append(province.slug)
    found = []
    for name, provinces in grouped.items():
        counties = tuple(c.slug for p in provinces for c in archive.counties_in(p))
        if counties:
            found.append(Partition(name, tuple(provinces), counties))
    return found


def partition_of_county(archive: Archive, county: str) -> str:
    """The partition of a county, found by its slug or a former one (``aliases``)."""
    if county not in archive.counties:
        county = next(c.slug for c in archive.counties.values() if county in c.aliases)
    return archive.province_of(county).partition


def owner(archive: Archive, docname: str) -> str:
    """The run that writes page *docname* (or a file, by its path without the suffix): a
    partition's name, or :data:`HUB`. A county's former slug belongs to the county."""
    parts = docname.split("/")
    if parts[0] == "reports" and len(parts) > 2 and parts[1] in _county_slugs(archive):
        return partition_of_county(archive, parts[1])
    if parts[0] in PROVINCE_SCOPED and len(parts) >= 3 and parts[-1] in archive.provinces:
        return archive.provinces[parts[-1]].partition
    if parts[0] == "provinces" and len(parts) == 2 and parts[1] in archive.provinces:
        return archive.provinces[parts[1]].partition
    return HUB


def spans_provinces(archive: Archive, docname: str) -> bool:
    """Whether page *docname* is one of the pages across provinces (the hub's in a partitioned build)."""
    return owner(archive, docname) == HUB


def _county_slugs(archive: Archive) -> set[str]:
    """Every slug a county answers to (its own and its former ones), computed once per archive."""
    if not _SLUGS or _SLUGS[0][0] is not archive:
        _SLUGS[:] = [(archive, {s for c in archive.counties.values() for s in (c.slug, *c.aliases)})]
    return _SLUGS[0][1]


_SLUGS: list[tuple[Archive, set[str]]] = []


def owner_of_file(archive: Archive, path: str) -> str:
    """The run that writes the output file *path* (relative to the site's root, ``/``-separated)."""
    name = path.rsplit(".", 1)[0] if "/" in path else path
    return owner(archive, name)
