"""What the text says about itself: county, kind, year, author and dates, and where it says so.

* County: a county name of counties.yaml (or a former name, ``原北亭县`` in its
  note) printed in the title, then the byline, signature, preamble, text; else a
  unit of the national table of county-level divisions (:mod:`shufa.core.divisions`)
  named in the title, byline, signature or opening: :class:`UnregisteredUnit`, which
  the pipeline registers when asked (``--register``) and otherwise refuses, saying
  how. A county redacted in the title (``**县``) is never guessed: the user is told
  and passes ``--county``.
* Kind: the distinctive part of a kind's name in kinds.yaml (``述法`` of
  述法报告, ``法治政府建设`` of 法治政府建设年度报告) in the title, the last one
  printed winning (``…法治政府建设情况述法报告`` is a 述法 report);
  ``第一责任人职责`` in the title also means the kind named 述法报告.
* Year: the year the report covers, not the publication year: the title's
  year (``2023年度``, not ``2024年1月``), else ``现将…2023年…报告如下`` or a
  preamble opening with ``2023年，``, else the date line's year (minus one when
  dated in the first half of the year).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..core.divisions import Division, named_in
from ..core.model import County, Kind
from ..core.numerals import CN_DIGITS, YEAR_DIGITS
from ..core.redaction import REDACTION
from .artefacts import Cleaned
from .genre import byline_name, byline_role, date_of, heading_like, is_byline, subtitle_facts
from .reading import ImportFailure
from .structure import Outline


@dataclass
class Found:
    """A detected (or given) value and how it was found, for the summary."""

    value: Any
    how: str


@dataclass
class Metadata:
    county: Found
    kind: Found
    year: Found
    author: dict[str, str] = field(default_factory=dict)
    date: dict[str, str] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)
    #: What a subtitle says the report was delivered at (县第十八届人民代表大会常务委员会第十五次会议).
    occasion: str = ""
    #: Things the user should know (a given county disagreeing with the text …).
    notes: list[str] = field(default_factory=list)


_FORMER = re.compile(r"原([\u4e00-\u9fff]{1,8}?(?:自治县|县|区|市|旗))")
_TITLE_PREFIX = re.compile(r"^(?:关于|中共)?(?:(?:19|20)\d{2}\s*年度?)?")
_PRINTED_COUNTY = re.compile(
    r"(?P<name>(?:[*＊xX×○□]+|[\u4e00-\u9fff]{1,8}?)(?:自治县|县|区|旗|市))"
    r"(?=县长|区长|市长|旗长|人民政府|政府|委|(?:19|20)\d{2}|关于|法治|年度|述法|$)"
)
_GENERIC = {"本县", "全县", "我县", "该县", "本区", "全区", "我区", "本市", "全市", "我市"}
_TITLE_YEAR = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年(?P<du>度)?(?!\s*\d{1,2}\s*月)")
_TITLE_CN_YEAR = re.compile(rf"(?P<y>[{YEAR_DIGITS}]{{4}})\s*年(?P<du>度)?(?![{YEAR_DIGITS}十]{{1,2}}月)")
_REPORT_AS_FOLLOWS = re.compile(r"现将[^。]{0,40}?((?:19|20)\d{2})\s*年")
_OPENING_YEAR = re.compile(r"^((?:19|20)\d{2})\s*年度?(?:[，,]|以来|是|全年|里|中|我|，)")
_KIND_EXTRA_CUES = {"述法报告": ("第一责任人职责", "述职述法")}


def detect(
    outline: Outline,
    cleaned: Cleaned,
    counties: dict[str, County],
    kinds: dict[str, Kind],
    *,
    county: str | None = None,
    kind: str | None = None,
    year: int | None = None,
    page: dict[str, str] | None = None,
    hint: str = "",
) -> Metadata:
    """Everything the text says about the report; :class:`ImportFailure` when county, kind or year
    cannot be told (and was not given).

    *page* is what the source file says about itself (a web page's URL, publication date,
    source unit); *hint* the file's name, the last place county, kind and year are looked for."""
    page = page or {}
    notes: list[str] = []
    byline = _byline_lines(outline)
    found_county = _county(outline, byline, counties, county, notes, hint)
    found_kind = _kind(outline, kinds, kind, hint)
    date = {}
    issued = date_of(outline.date_line) or next((d for d in map(date_of, byline) if d), None)
    if issued:
        date["issued"] = issued
    delivered, occasion = subtitle_facts(outline.subtitle) if outline.subtitle else (None, None)
    if delivered:
        date["delivered"] = delivered
    published = page.get("published") or cleaned.published
    if published:
        date["published"] = published
    found_year = _year(outline, year, date)
    meta = Metadata(found_county, found_kind, found_year, date=date, notes=notes, occasion=occasion or "")
    meta.author = _author(outline, byline)
    if page.get("url"):
        meta.source["url"] = page["url"]
    note = page.get("source") or cleaned.source_note
    if note:
        meta.source["note"] = note
    return meta


def _byline_lines(outline: Outline) -> list[str]:
    """The byline, and short unpunctuated lines at the top of the preamble: date, addressee."""
    lines = [outline.byline.text] if outline.byline is not None else []
    for paragraph in outline.preamble[:4]:
        if not heading_like(paragraph, 30):
            break
        lines.append(paragraph)
    return lines


def _county_names(counties: dict[str, County]) -> dict[str, str]:
    names = {county.name: slug for slug, county in counties.items()}
    for slug, county in counties.items():
        for former in _FORMER.findall(county.note):
            names.setdefault(former, slug)
    return names


def printed_county(title: str) -> str | None:
    """The county name printed at the start of a title (``松岭县`` of ``松岭县县长…报告``), or None."""
    m = _PRINTED_COUNTY.match(_TITLE_PREFIX.sub("", title))
    if not m or m.group("name") in _GENERIC:
        return None
    return m.group("name")


class UnregisteredUnit(ImportFailure):
    """The text names a unit of the national table that counties.yaml does not hold: the
    importer registers it when asked (``--register``, or yes at the prompt), else refuses."""

    def __init__(self, divisions: list[Division], where: str, given: str | None = None) -> None:
        self.divisions = divisions
        self.where = where
        self.given = given
        found = " or ".join(f"{d.place} ({d.type}, {d.code})" for d in divisions)
        if len(divisions) == 1:
            todo = "pass --register to add it from the national table (name, type, province, city, code)"
        else:
            todo = "pass --register CODE with the code of the one meant"
        slug = f" as `{given}`" if given else ""
        super().__init__(
            f"the text names {found} in {where}, which is not in counties.yaml; {todo}{slug}, "
            "or --county SLUG of a registered county"
        )


def _county(
    outline: Outline,
    byline: list[str],
    counties: dict[str, County],
    given: str | None,
    notes: list[str],
    hint: str = "",
) -> Found:
    some = ", ".join(counties) or "none registered"
    names = _county_names(counties)
    printed = printed_county(outline.title)
    places = [("the title", outline.title)]
    if printed is None:
        places += [
            ("the byline", "\n".join(byline)),
            ("the signature", outline.signature),
            ("the preamble", "\n".join(outline.preamble)),
            ("the file name", hint),
        ]
    if given is not None and given not in counties:
        unit = _unit_of_table(places[:4] if printed is None else places)
        if unit is not None:
            raise UnregisteredUnit(unit[0], unit[1], given)
        raise ImportFailure(
            f"county `{given}` is not in counties.yaml ({some}), and the text names no unit of the "
            "national table; add it to counties.yaml first, or pass --register CODE (its GB/T 2260 code)"
        )
    for where, text in places:
        hits = [(text.find(name), -len(name), name) for name in names if name and name in text]
        if hits:
            at, _, name = min(hits)
            # the most specific unit printed: 青屿区鹭溪街道 is the 街道 when both are registered
            ends = {
                start: found for start, _, found in sorted(hits, reverse=True)
            }  # the longest at each place
            while at + len(name) in ends:
                at, name = at + len(name), ends[at + len(name)]
            slug = names[name]
            if given is not None and given != slug:
                notes.append(f"the text names {name} ({slug}) in {where}, but --county {given} was given")
                return Found(given, "given (--county)")
            return Found(slug, f"{name}, in {where}")
    if given is not None:
        if printed and REDACTION.search(printed):
            notes.append(f"the county name is redacted in the title (“{printed}”)")
        elif printed:
            notes.append(f"the title names {printed}, which is not in counties.yaml")
        return Found(given, "given (--county)")
    if printed and REDACTION.search(printed):
        raise ImportFailure(
            f"the county name is redacted in the title (“{printed}”), so it cannot be taken from "
            f"the text; pass --county SLUG ({some})"
        )
    unit = _unit_of_table(places[:4] if printed is None else places)
    if unit is not None:
        raise UnregisteredUnit(*unit)
    if printed:
        raise ImportFailure(
            f"the title names {printed}, which is not in counties.yaml ({some}) nor in the national "
            "table; add it there (name, type, province, city) and pass --county SLUG"
        )
    raise ImportFailure(f"cannot find the county's name in the title or text; pass --county SLUG ({some})")


def _unit_of_table(places: list[tuple[str, str]]) -> tuple[list[Division], str] | None:
    """The divisions of the national table named first in *places* (the title, byline,
    signature, opening), and where; None when none names one."""
    for where, text in places:
        if where == "the preamble":
            text = text.split("\n")[0][:120]  # the opening: where a report names itself
        found = named_in(text)
        if found:
            first = [d for d in found if d.name == found[0].name]
            return first, where
    return None


def _kind_core(name: str) -> str:
    return re.sub(r"(?:年度|情况)*报告$", "", name)


def derived_title(county: str, kind: str, year: int) -> str:
    """A title for a text that prints none, from what is known: ``北亭区2023年度法治政府建设情况报告``
    (kind 法治政府建设年度报告), ``青禾县2023年度述法报告`` (kind 述法报告)."""
    core = _kind_core(kind)
    return f"{county}{year}年度{core}{'' if kind == core + '报告' else '情况'}报告"


def _kind(outline: Outline, kinds: dict[str, Kind], given: str | None, hint: str = "") -> Found:
    some = ", ".join(kinds) or "none registered"
    if given is not None:
        if given not in kinds:
            raise ImportFailure(f"report kind `{given}` is not in kinds.yaml ({some})")
        return Found(given, "given (--kind)")
    cues: dict[str, list[str]] = {}
    for slug, kind in kinds.items():
        core = _kind_core(kind.name)
        cues[slug] = [c for c in (core, *_KIND_EXTRA_CUES.get(kind.name, ())) if c]
    places = (
        ("the title", outline.title),
        ("the preamble", "\n".join(outline.preamble[:3])),
        ("the file name", hint),
    )
    for where, text in places:
        hits = [
            (text.rfind(cue), len(cue), slug, cue)
            for slug, words in cues.items()
            for cue in words
            if cue in text
        ]
        if hits:
            _, _, slug, cue = max(hits)
            return Found(slug, f"“{cue}” in {where}")
    raise ImportFailure(f"cannot tell the report kind from the title; pass --kind ({some})")


def _year(outline: Outline, given: int | None, date: dict[str, str]) -> Found:
    if given is not None:
        if not 1949 <= given <= 2100:
            raise ImportFailure(f"--year {given} is out of range; expected a year from 1949 to 2100")
        return Found(given, "given (--year)")
    title_years = [(m.group("du") is None, int(m.group("y"))) for m in _TITLE_YEAR.finditer(outline.title)]
    title_years += [
        (m.group("du") is None, int("".join(str(CN_DIGITS[c]) for c in m.group("y"))))
        for m in _TITLE_CN_YEAR.finditer(outline.title)
    ]
    if title_years:
        return Found(min(title_years)[1], "from the title")
    preamble = "\n".join(outline.preamble)
    m = _REPORT_AS_FOLLOWS.search(preamble)
    if m:
        return Found(int(m.group(1)), "from the preamble (现将…报告如下)")
    for paragraph in outline.preamble:
        m = _OPENING_YEAR.match(paragraph)
        if m:
            return Found(int(m.group(1)), "from the preamble's first words")
    for key, what in (("issued", "the date line"), ("published", "the publication date")):
        if key in date:
            y, month = int(date[key][:4]), int(date[key][5:7])
            return Found(y - 1 if month <= 6 else y, f"from {what} ({date[key]})")
    raise ImportFailure("cannot tell which year the report covers; pass --year YEAR")


def _author(outline: Outline, byline: list[str]) -> dict[str, str]:
    author: dict[str, str] = {}
    role = byline_role(outline.title) or next((r for r in map(byline_role, byline) if r), None)
    if role:
        author["role"] = role
    # at the top only a role and a name is a byline; a short line left there (范文, 全文) is no author
    name = next((byline_name(line) for line in byline if is_byline(line)), None)
    name = name or next((n for n in map(byline_name, reversed(outline.signature.split("\n"))) if n), None)
    if name:
        author["name"] = name
    organization = None
    for text in (*outline.signature.split("\n"), *byline, outline.title):
        m = re.match(r"^(.{2,16}?(?:人民政府|办事处))", text)
        if m and not REDACTION.search(m.group(1)):
            organization = m.group(1)
            break
    if organization:
        author["organization"] = organization
    return author
