"""Registering a unit the text names from the national table: counties.yaml, and its province.

``shufa import --register`` (or a keeper's yes at the prompt) adds the county-level unit a
report names (:func:`shufa.core.divisions.named_in`) to counties.yaml with its name, type,
province, city and GB/T 2260 code, and its province to provinces.yaml when the archive has
one and lacks it, so that ``shufa check`` passes at once. Each file is written whole and only
after the registries read back without a problem (:func:`shufa.core.files.write_atomically`);
comments and the order of the existing entries stay as they are, the new ones go at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..core.divisions import Division
from ..core.problems import display_path
from ..core.registries import Registries, load_registries
from ..core.yamlfile import read_text_file
from .reading import ImportFailure
from .writing import quoted, write_new_file


@dataclass(frozen=True)
class Registration:
    """A unit to register: its slug and division, and the province to add (``""``: none)."""

    slug: str
    division: Division
    province_slug: str = ""

    def describe(self) -> str:
        added = (
            f"; its province {self.division.province} as `{self.province_slug}`" if self.province_slug else ""
        )
        return (
            f"registered {self.division.place} ({self.division.type}, {self.division.code}) as "
            f"`{self.slug}` in counties.yaml{added}"
        )


def county_slug(division: Division, taken: set[str]) -> str:
    """An ASCII slug for *division*: the pinyin of its name without its ending (``静海区`` →
    ``jinghai``), then with its city's (``chaoyang-changchun``), then with its code."""
    from pypinyin import lazy_pinyin

    from ..core.units import unit_type

    def spelled(name: str, ending: str) -> str:
        # read as a whole name (朝阳区 is chao yang, 朝阳 alone zhao yang), then the ending dropped
        syllables = lazy_pinyin(name)
        if ending and name.endswith(ending) and len(name) > len(ending) and len(syllables) == len(name):
            syllables = syllables[: -len(ending)]
        return re.sub(r"[^a-z0-9]", "", "".join(syllables).lower())

    base = spelled(division.name, unit_type(division.type).ending) or f"c{division.code}"
    if not base[0].isalpha():
        base = f"c{base}"
    ending = re.search(r"(?:市|地区|自治州|盟)$", division.city)
    city = spelled(division.city, ending.group() if ending else "") if division.city else ""
    for slug in (base, f"{base}-{city}" if city else "", f"{base}-{division.code}"):
        if slug and slug not in taken:
            return slug
    raise ImportFailure(f"no free slug for {division.place}; pass --county SLUG")


def plan(registries: Registries, division: Division, slug: str | None = None) -> Registration:
    """What registering *division* (under *slug*, else one made from its name) would add."""
    taken = {*registries.counties, *(a for c in registries.counties.values() for a in c.aliases)}
    if slug is not None and slug in taken:
        raise ImportFailure(
            f"--county {slug} is taken in counties.yaml; pass a new slug to register {division.name}"
        )
    slug = slug or county_slug(division, taken)
    province = ""
    if (registries.data_dir / "provinces.yaml").exists():
        names = {p.name for p in registries.provinces.values()}
        if division.province not in names and division.province_slug not in registries.provinces:
            province = division.province_slug
    return Registration(slug, division, province)


def entry(registration: Registration) -> str:
    """The unit's entry in counties.yaml."""
    d = registration.division
    lines = [f"{registration.slug}:", f"  name: {d.name}", f"  type: {d.type}", f"  province: {d.province}"]
    if d.city:
        lines.append(f"  city: {d.city}")
    lines.append(f"  code: {quoted(d.code)}")
    return "\n".join(lines) + "\n"


def register(registries: Registries, registration: Registration) -> Registries:
    """Write the registration into the data folder's registries; the registries read anew."""
    data = registries.data_dir
    added = {}  # the province first: a county whose province is not registered would not pass
    if registration.province_slug:
        added["provinces.yaml"] = f"{registration.province_slug}:\n  name: {registration.division.province}\n"
    added["counties.yaml"] = entry(registration)
    for name, text in added.items():
        path = data / name
        try:
            old = read_text_file(path)
        except Exception as exc:  # a DataError or OSError: said as it is
            raise ImportFailure(f"cannot register {registration.division.name}: {exc}") from None
        new = old + ("" if not old or old.endswith("\n") else "\n") + text
        write_new_file(path, new, force=True, check=_checked(data, path, registration.slug))
    return load_registries(data)


def _checked(data: Path, path: Path, slug: str):
    """A check that the registries with *path* replaced by the written copy have no problem."""

    def check(written: Path) -> None:
        import shutil
        import tempfile

        with tempfile.TemporaryDirectory(prefix="shufa-register-") as folder:
            copy = Path(folder)
            for name in ("counties.yaml", "provinces.yaml", "kinds.yaml", "topics.yaml", "metrics.yaml"):
                source = written if name == path.name else data / name
                if source.is_file():
                    shutil.copyfile(source, copy / name)
            found = load_registries(copy)
        problems = [str(p).replace(str(copy), display_path(data)) for p in found.problems]
        if problems or (path.name == "counties.yaml" and slug not in found.counties):
            raise ImportFailure(
                f"{display_path(path)}: registering `{slug}` would leave problems; nothing written:\n"
                + "\n".join(f"  {p}" for p in problems)
            )

    return check
