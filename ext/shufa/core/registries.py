"""The registry files of a data folder: counties, kinds, topics, and the optional provinces and metrics.

Each is validated against its schema; a registry with problems is left empty and
named in :attr:`Registries.failed`, so that the reports referring to it are not
blamed for it (one broken registry gives one message, not one per report).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import WHOLE, County, Kind, Metric, Province, Topic
from .problems import Code, DataError, Problem, display_path
from .schema import COUNTIES, KINDS, METRICS, PROVINCES, TOPICS
from .units import UNIT_NAMES, fits_name, type_of_name, unit_type
from .validation import validate
from .yamlfile import YamlDocument, read_yaml

#: Files at the top of data/ that are not report files.
TOP_LEVEL_FILES = {"counties.yaml", "provinces.yaml", "kinds.yaml", "topics.yaml", "metrics.yaml"}
#: The anchor lock (:mod:`shufa.core.lock`), also at the top of data/.
LOCK_NAME = "anchors.lock"


@dataclass
class Registries:
    """The registry files of a data folder (no report parsed), with their problems."""

    counties: dict[str, County]
    kinds: dict[str, Kind]
    topics: dict[str, Topic]
    metrics: dict[str, Metric]
    problems: list[Problem]
    #: data/provinces.yaml, or the one implicit province of an archive without it.
    provinces: dict[str, Province] = field(default_factory=lambda: {WHOLE.slug: WHOLE})
    #: Registry files that could not be used (their problems are listed): checks that refer to
    #: them are skipped, so one broken registry gives one message, not one per report.
    failed: set[str] = field(default_factory=set)
    #: The data folder they were read from.
    data_dir: Path = field(default_factory=Path)


def load_registries(data_dir: Path) -> Registries:
    """counties.yaml, kinds.yaml, topics.yaml and the optional metrics.yaml of *data_dir*."""
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    failed: set[str] = set()

    def load(name: str, schema: dict[str, Any], make) -> dict[str, Any]:
        before = len(problems)
        found = _load_registry(data_dir / f"{name}.yaml", schema, make, problems)
        if len(problems) > before:
            failed.add(name)
        return found

    counties = load("counties", COUNTIES, _county)
    kinds = load("kinds", KINDS, _kind)
    topics = load("topics", TOPICS, _topic)
    metrics: dict[str, Metric] = {}
    if os.path.lexists(data_dir / "metrics.yaml"):  # optional: an archive may track no metrics
        metrics = load("metrics", METRICS, _metric)
    provinces = {WHOLE.slug: WHOLE}
    if os.path.lexists(data_dir / "provinces.yaml"):  # optional: an archive of one province needs none
        loaded = load("provinces", PROVINCES, _province)
        if "provinces" not in failed:
            provinces = loaded
            _place_counties(data_dir / "counties.yaml", counties, provinces, problems)
    _check_county_aliases(data_dir / "counties.yaml", counties, problems)
    _check_unit_types(data_dir / "counties.yaml", counties, problems)
    return Registries(
        counties, kinds, topics, metrics, problems, provinces=provinces, failed=failed, data_dir=data_dir
    )


def _place_counties(
    path: Path, counties: dict[str, County], provinces: dict[str, Province], problems: list[Problem]
) -> None:
    """Give each county the key of its province (named in counties.yaml by name or key)."""
    by_name = {p.name: p.slug for p in provinces.values()}
    shown = display_path(path)
    for county in counties.values():
        slug = county.province if county.province in provinces else by_name.get(county.province)
        if slug is None:
            found = f"province “{county.province}”" if county.province else "no province"
            known = ", ".join(p.name for p in list(provinces.values())[:8])
            problems.append(
                Problem(
                    shown,
                    county.line,
                    1,
                    f"county `{county.slug}` has {found}; expected the name or key of a province of "
                    f"provinces.yaml ({known})",
                    Code.COUNTY,
                )
            )
            continue
        county.province_slug = slug
        county.province = provinces[slug].name


def _load_registry(path: Path, schema: dict[str, Any], make, problems: list[Problem]) -> dict[str, Any]:
    if not os.path.lexists(path):  # a link, folder or FIFO of that name: read_yaml says which
        problems.append(
            Problem(display_path(path), 0, 0, f"file not found; expected {schema['description']}", "file")
        )
        return {}
    try:
        doc = read_yaml(path)
    except DataError as exc:
        problems.extend(exc.problems)
        return {}
    found = validate(doc, schema)
    if found:
        problems.extend(found)
        return {}
    return {key: make(key, value, doc) for key, value in doc.value.items()}


def _county(slug: str, value: dict[str, Any], doc: YamlDocument) -> County:
    return County(
        slug=slug,
        name=value["name"],
        province=value.get("province", ""),
        city=value.get("city", ""),
        code=value.get("code", ""),
        aliases=list(value.get("aliases", [])),
        note=value.get("note", ""),
        line=doc.where((slug,), key=True)[0],
        type=value.get("type", ""),
        parent=value.get("parent", ""),
    )


def _province(slug: str, value: dict[str, Any], doc: YamlDocument) -> Province:
    return Province(slug=slug, name=value["name"], partition=value.get("partition", ""))


def _kind(slug: str, value: dict[str, Any], doc: YamlDocument) -> Kind:
    return Kind(
        slug=slug, name=value["name"], label=value.get("label", value["name"]), author=value.get("author", "")
    )


def _topic(key: str, value: dict[str, Any], doc: YamlDocument) -> Topic:
    return Topic(key=key, label=value["label"], keywords=list(value.get("keywords", [])))


def _metric(key: str, value: dict[str, Any], doc: YamlDocument) -> Metric:
    return Metric(key=key, label=value["label"], units=list(value["units"]), phrases=list(value["phrases"]))


def _check_county_aliases(path: Path, counties: dict[str, County], problems: list[Problem]) -> None:
    owner: dict[str, str] = {}
    shown = display_path(path)
    for county in counties.values():
        for alias in county.aliases:
            if alias == county.slug:
                problems.append(
                    Problem(
                        shown,
                        county.line,
                        1,
                        f"county `{county.slug}` lists itself as an alias; expected former slugs only",
                        "county",
                    )
                )
            elif alias in counties:
                problems.append(
                    Problem(
                        shown,
                        county.line,
                        1,
                        f"alias `{alias}` of county `{county.slug}` is the slug "
                        "of another county; expected a former slug that no county uses",
                        "county",
                    )
                )
            elif alias in owner:
                problems.append(
                    Problem(
                        shown,
                        county.line,
                        1,
                        f"alias `{alias}` is claimed by `{owner[alias]}` and "
                        f"`{county.slug}`; expected each former slug once",
                        "county",
                    )
                )
            else:
                owner[alias] = county.slug


def _check_unit_types(path: Path, counties: dict[str, County], problems: list[Problem]) -> None:
    """Each unit's type is given or told by its name, and a name that tells a type (ends in 县, 区,
    市 …) can be of the type given."""
    shown = display_path(path)
    for county in counties.values():
        if county.type:
            if type_of_name(county.name) is not None and not fits_name(unit_type(county.type), county.name):
                problems.append(
                    Problem(
                        shown,
                        county.line,
                        1,
                        f"county `{county.slug}` ({county.name}) has type {county.type}; expected a type its "
                        f"name can have (a {county.type}'s name ends in {unit_type(county.type).ending})",
                        Code.COUNTY,
                    )
                )
        elif type_of_name(county.name) is None:
            problems.append(
                Problem(
                    shown,
                    county.line,
                    1,
                    f"county `{county.slug}` ({county.name}): its name tells no unit type; expected "
                    f"`type:` ({', '.join(UNIT_NAMES)})",
                    Code.COUNTY,
                )
            )
