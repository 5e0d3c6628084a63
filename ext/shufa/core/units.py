"""The kinds of unit that report: 县, 区, 县级市, 旗 … and the township-level 街道, 镇, 乡.

A county of counties.yaml has a ``type`` (one of :data:`UNIT_TYPES`), given or told by
the ending of its name (``北亭区`` is a 区, ``神农架林区`` a 林区, ``鹭溪街道`` a 街道).
The type says what its offices are called: the reporting body of a 区 is the
``区人民政府`` and its head the ``区长``; a 街道's body is the ``街道办事处``.
data/kinds.yaml names a kind's default author as it is in a 县 (``县长``, ``县人民政府``):
:func:`role_in` says the same office in another unit.

Township-level units (街道, 镇, 乡) are kept as units of their own: a 街道 publishes its own
述法报告. GB/T 2260 codes stop at the county level, so they have no ``code``; ``parent``
names the county-level unit they belong to.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UnitType:
    """A kind of unit: its name, the ending of its units' names, and its offices."""

    #: ``县级市``: the value of ``type`` in counties.yaml.
    name: str
    #: How the names of such units end (``市``): the type is told from it when not given.
    ending: str
    #: The unit's word in the names of its offices (``区`` of 区人民政府, 区长, 区委书记).
    word: str
    #: The reporting body, without the place's name (``区人民政府``, ``街道办事处``).
    government: str
    #: The head of that body (``区长``, ``街道办事处主任``).
    head: str
    #: The secretary of the party committee (``区委书记``, ``街道党工委书记``).
    secretary: str
    #: Whether it is a township-level unit (no GB/T 2260 code of its own).
    township: bool = False

    def body(self, name: str) -> str:
        """The reporting body of the unit named *name*: ``北亭区人民政府``, ``鹭溪街道办事处``."""
        return name + self.government.removeprefix(self.word)


def _county_level(name: str, ending: str, word: str, head: str = "") -> UnitType:
    return UnitType(name, ending, word, f"{word}人民政府", head or f"{word}长", f"{word}委书记")


#: Every unit type, in the order the docs list them; the first whose ending a name has is its
#: type when none is given (longer endings first: 神农架林区 is a 林区, not a 区).
UNIT_TYPES: tuple[UnitType, ...] = (
    _county_level("自治县", "自治县", "县"),
    _county_level("县", "县", "县"),
    _county_level("林区", "林区", "林区", head="林区区长"),
    _county_level("特区", "特区", "特区", head="特区区长"),
    _county_level("区", "区", "区"),
    _county_level("县级市", "市", "市"),
    _county_level("地级市", "市", "市"),  # a city without districts (东莞市): its own reports
    _county_level("自治旗", "自治旗", "旗"),
    _county_level("旗", "旗", "旗"),
    UnitType("街道", "街道", "街道", "街道办事处", "街道办事处主任", "街道党工委书记", township=True),
    UnitType("镇", "镇", "镇", "镇人民政府", "镇长", "镇党委书记", township=True),
    UnitType("乡", "乡", "乡", "乡人民政府", "乡长", "乡党委书记", township=True),
)
UNIT_NAMES = tuple(t.name for t in UNIT_TYPES)
_BY_NAME = {t.name: t for t in UNIT_TYPES}
#: The unit type the roles of data/kinds.yaml are written for.
COUNTY = _BY_NAME["县"]


def unit_type(name: str) -> UnitType:
    """The unit type called *name* (``区``); KeyError for another name."""
    return _BY_NAME[name]


def type_of_name(name: str) -> UnitType | None:
    """The unit type a unit's name tells (``北亭区`` → 区, ``澄江市`` → 县级市), or None."""
    for candidate in UNIT_TYPES:
        if (
            candidate.name != "地级市"
            and name.endswith(candidate.ending)
            and len(name) > len(candidate.ending)
        ):
            return candidate
    return None


def fits_name(unit: UnitType, name: str) -> bool:
    """Whether a unit named *name* can be of type *unit* (its name ends as such units' names do)."""
    return name.endswith(unit.ending)


def role_in(role: str, unit: UnitType) -> str:
    """The office *role* (as in a 县: ``县长``, ``县人民政府``, ``县委书记``) in a unit of type
    *unit*: ``区长``, ``区人民政府`` for a 区; ``街道办事处主任``, ``街道办事处`` for a 街道.
    A role not written for a 县 is left as it is."""
    for office in ("government", "head", "secretary"):
        if role == getattr(COUNTY, office):
            return getattr(unit, office)
    if role.startswith(COUNTY.word) and not unit.township:
        return unit.word + role.removeprefix(COUNTY.word)
    return role
