"""Generate a synthetic archive: fictional counties, realistic report text, deterministic by seed.

    python bench/generate.py DEST --n 250 [--seed 1] [--kinds 2] [--years 5]

writes a complete data folder to DEST: counties.yaml (synthetic counties),
kinds.yaml and topics.yaml (copied from the repository's data/), and one
report file per county × kind × year, ``DEST/<county>/<kind>/<year>.yaml``,
and the anchor lock of what they publish (``DEST/anchors.lock``, as ``shufa lock``
writes it: an archive with reports has one).
N reports fill ceil(N / (kinds × years)) counties in order (county, kind,
year); the last county may have fewer reports.

Each report is composed from the phrase templates of :mod:`phrases`: a title,
a preamble, 4–7 numbered sections of distinct topics with leads and items
(run-in labels, sometimes nested ``（一）`` → ``1.``), figures (``160余场``,
``98.6%``, ``12.5万余份``), redactions (``**镇``, ``*次``, ``×××``), the
shortcomings and next steps, a signature and a date line: 1,500–3,000 CJK
characters in all. A report depends only on (seed, county, kind, year), so the
same report is identical at every N.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import phrases

REPO = Path(__file__).resolve().parents[1]
SAMPLE_DATA = REPO / "data"

#: Bounds of a report's length, in CJK ideographs over all its text.
MIN_CJK, MAX_CJK = 1500, 3000
FIRST_YEAR = 2019
NUMERALS = "一二三四五六七八九十"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SLOT = re.compile(r"\{(n:\d+:\d+|[a-z]+)\}")


@dataclass(frozen=True)
class CountyInfo:
    slug: str
    name: str
    province: str
    city: str
    code: str
    province_slug: str = ""


def cjk_count(value: Any) -> int:
    """CJK ideographs in every text of a report document (or any nested value)."""
    if isinstance(value, str):
        return len(_CJK.findall(value))
    if isinstance(value, dict):
        return sum(cjk_count(v) for v in value.values())
    if isinstance(value, list):
        return sum(cjk_count(v) for v in value)
    return 0


# --- counties --------------------------------------------------------------------------------


#: Slugs of phrases.PROVINCES, in order.
PROVINCE_SLUGS = ["jianglan", "yunling", "xichuan", "dongbin", "nanping", "beiyuan", "zhongyue", "haicheng"]


def counties_for(n_counties: int, seed: int, per_province: int = 40) -> list[CountyInfo]:
    """*n_counties* fictional counties with unique slugs, 8 to a city, *per_province* to a province."""
    rng = random.Random(f"{seed}:counties")
    pairs = [(a, b) for a in phrases.PLACE_FIRST for b in phrases.PLACE_SECOND if a[0] != b[0]]
    rng.shuffle(pairs)
    names: list[tuple[str, str]] = [(a[0] + b[0], a[1] + b[1]) for a, b in pairs]
    if n_counties > len(names):  # three-syllable names for very large archives
        triples = [(a, b, c) for (a, b) in pairs for c in phrases.PLACE_SECOND if c[0] != b[0]]
        rng.shuffle(triples)
        names += [(a[0] + b[0] + c[0], a[1] + b[1] + c[1]) for a, b, c in triples]
    city_names = [name for name, _ in names[-max(1, n_counties // 8 + 1) :]][::-1]
    provinces = provinces_for(names)
    out: list[CountyInfo] = []
    slugs: set[str] = set()
    for i in range(n_counties):
        name, slug = names[i]
        base, k = slug, 2
        while slug in slugs:
            slug, k = f"{base}{k}", k + 1
        slugs.add(slug)
        suffix = "市" if rng.random() < 0.1 else ("区" if rng.random() < 0.08 else "县")
        city_index = i // 8
        province_slug, province = provinces[(i // per_province) % len(provinces)]
        out.append(
            CountyInfo(
                slug=slug,
                name=name + suffix,
                province=province,
                city=city_names[city_index % len(city_names)] + "市",
                code=f"99{i + 1:04d}",
                province_slug=province_slug,
            )
        )
    return out


def provinces_for(names: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(slug, name) of the provinces: phrases.PROVINCES, then names made like the counties'."""
    fixed = list(zip(PROVINCE_SLUGS, phrases.PROVINCES, strict=True))
    return fixed + [(slug + "-sheng", name + "省") for name, slug in names[len(names) // 2 :]]


# --- text --------------------------------------------------------------------------------------


class Composer:
    """Fills phrase templates for one report, with figures and redactions drawn from *rng*."""

    def __init__(self, rng: random.Random, county: str, year: int) -> None:
        self.rng = rng
        self.county = county
        self.year = year

    def fill(self, template: str) -> str:
        return _SLOT.sub(lambda m: self.slot(m.group(1)), template)

    def slot(self, name: str) -> str:
        rng = self.rng
        if name.startswith("n:"):
            _, low, high = name.split(":")
            if rng.random() < 0.04:
                return rng.choice(["*", "**"])  # a redacted number in the published copy
            return str(rng.randint(int(low), int(high)))
        if name == "p":
            return rng.choice(["100%", f"{rng.randint(900, 999) / 10:.1f}%", f"{rng.randint(85, 99)}%"])
        if name == "w":
            return f"{rng.randint(11, 480) / 10:g}万余"
        if name == "r":
            return rng.choice(["*", "**"])
        if name == "town":
            roll = rng.random()
            if roll < 0.3:
                return "**镇"
            if roll < 0.4:
                return "××镇"
            return rng.choice(phrases.TOWN_NAMES)
        if name == "name":
            return rng.choice(["×××", rng.choice(phrases.SURNAMES) + "**", "XX"])
        if name == "county":
            return self.county
        if name == "head":  # 县长, 市长 (county-level city), 区长 (district)
            return {"市": "市长", "区": "区长"}.get(self.county[-1], "县长")
        if name == "year":
            return str(self.year)
        if name == "next":
            return str(self.year + 1)
        if name == "law":
            return rng.choice(phrases.LAWS)
        if name == "dept":
            return rng.choice(phrases.DEPARTMENTS)
        raise KeyError(name)

    def pick(self, options: list[str]) -> str:
        return self.fill(self.rng.choice(options))


def report_document(seed: int, county: CountyInfo, kind: str, year: int, topics: list[str]) -> dict:
    """The data of one synthetic report (the schema of data/<county>/<kind>/<year>.yaml)."""
    rng = random.Random(f"{seed}:{county.slug}:{kind}:{year}")
    text = Composer(rng, county.name, year)
    kind_key = kind if kind in phrases.TITLES else ("shufa" if kind.startswith("shufa") else "fzzf")
    usable = [t for t in topics if t in phrases.TOPICS]
    chosen = rng.sample(usable, k=min(len(usable), rng.randint(4, 7)))
    nested_style = rng.random() < 0.4  # （一） items, some with 1. 2. sub-items
    sections: list[dict] = []
    pools: dict[int, list[str]] = {}
    for i, topic in enumerate(chosen):
        spec = phrases.TOPICS[topic]
        pool = list(spec["sentences"])
        rng.shuffle(pool)
        pools[i] = pool
        labels = rng.sample(spec["labels"], k=min(len(spec["labels"]), rng.randint(2, 4)))
        items = []
        for j, label in enumerate(labels):
            item: dict[str, Any] = {
                "ordinal": j + 1,
                "marker": f"（{NUMERALS[j]}）" if nested_style else f"{NUMERALS[j]}是",
            }
            if rng.random() < 0.9:
                item["label"] = label
            item["text"] = text.fill(pool.pop() if pool else rng.choice(phrases.GENERAL))
            items.append(item)
        if nested_style and rng.random() < 0.35 and len(pool) >= 2:
            items[0]["items"] = [
                {"ordinal": k + 1, "marker": f"{k + 1}.", "text": text.fill(pool.pop())} for k in range(2)
            ]
        section: dict[str, Any] = {
            "ordinal": i + 1,
            "marker": f"{NUMERALS[i]}、",
            "heading": text.pick(spec["headings"]),
            "topic": topic,
        }
        if rng.random() < 0.75:
            section["lead"] = text.pick(spec["leads"])
        section["items"] = items
        if rng.random() < 0.12:
            section["text"] = text.pick(phrases.GENERAL)
        sections.append(section)

    closing = {
        "shortcomings": _closing_part(text, phrases.SHORTCOMINGS, rng.randint(2, 3)),
        "next_steps": _closing_part(text, phrases.NEXT_STEPS, rng.randint(3, 4)),
        "signature": f"{county.name}人民政府" + (text.fill("{head}") if kind_key == "shufa" else ""),
        "date_line": f"{year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日",
    }
    month, day = rng.randint(1, 3), rng.randint(1, 28)
    doc: dict[str, Any] = {
        "schema": 1,
        "county": county.slug,
        "kind": kind,
        "year": year,
        "title": text.pick(phrases.TITLES[kind_key]),
        "author": {
            "role": text.fill("{head}") if kind_key == "shufa" else f"{county.name}人民政府",
            "name": rng.choice(phrases.SURNAMES) + "**" if kind_key == "shufa" else "",
            "organization": f"{county.name}人民政府",
        },
        "date": {
            "issued": f"{year + 1}-{month:02d}-{day:02d}",
            "published": f"{year + 1}-{month:02d}-{min(28, day + rng.randint(0, 14)):02d}",
        },
        "source": {
            "url": f"https://www.{county.slug}.example.gov.cn/zwgk/fzzf/{year + 1}/{rng.randint(100, 999)}.html",
            "retrieved": f"{year + 1}-{month + 3:02d}-01",
        },
        "preamble": text.pick(phrases.PREAMBLES[kind_key]),
        "sections": sections,
        "closing": closing,
        "added": f"{year + 1}-{month + 3:02d}-02",  # the day after it was retrieved
    }
    if not doc["author"]["name"]:
        del doc["author"]["name"]
    _grow(doc, rng, text, pools)
    return doc


def _closing_part(text: Composer, spec: dict[str, list[str]], count: int) -> dict:
    chosen = text.rng.sample(spec["items"], k=count)
    return {
        "heading": text.rng.choice(spec["headings"]),
        "intro": text.pick(spec["intros"]),
        "items": [
            {"ordinal": i + 1, "marker": f"{NUMERALS[i]}是", "text": text.fill(t)}
            for i, t in enumerate(chosen)
        ],
    }


def _grow(doc: dict, rng: random.Random, text: Composer, pools: dict[int, list[str]]) -> None:
    """Add sentences to items until the report reaches a length drawn from [1,600, 2,900]."""
    target = rng.randint(1600, 2900)
    general = list(phrases.GENERAL)
    rng.shuffle(general)
    count = cjk_count(doc)
    while count < target:
        i = rng.randrange(len(doc["sections"]))
        section = doc["sections"][i]
        pool = pools[i]
        if pool:
            sentence = pool.pop()
        elif general:
            sentence = general.pop()
        else:  # every template used: repeat one (with other figures)
            sentence = rng.choice(phrases.TOPICS[section["topic"]]["sentences"])
        item = rng.choice(section["items"])
        item["text"] += text.fill(sentence)
        count = cjk_count(doc)
    assert MIN_CJK <= count <= MAX_CJK, (doc["county"], doc["kind"], doc["year"], count)


# --- YAML ----------------------------------------------------------------------------------------


def dump_report(doc: dict) -> str:
    """*doc* as YAML in the style of the sample data (every text double-quoted)."""
    return "\n".join(_emit(doc, 0)) + "\n"


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _emit(value: dict, indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for key, item in value.items():
        if isinstance(item, dict):
            lines.append(f"{pad}{key}:")
            lines += _emit(item, indent + 2)
        elif isinstance(item, list):
            lines.append(f"{pad}{key}:")
            for element in item:
                if isinstance(element, dict):
                    inner = _emit(element, indent + 4)
                    inner[0] = f"{pad}  - {inner[0].lstrip()}"
                    lines += inner
                else:
                    lines.append(f"{pad}  - {_scalar(element)}")
        else:
            lines.append(f"{pad}{key}: {_scalar(item)}")
    return lines


def _dump_counties(counties: list[CountyInfo]) -> str:
    out = ["# Synthetic counties of the benchmark (fictional names and codes)."]
    for c in counties:
        out.append(f"{c.slug}:")
        out.append(f"  name: {_scalar(c.name)}")
        out.append(f"  province: {_scalar(c.province)}")
        out.append(f"  city: {_scalar(c.city)}")
        out.append(f'  code: "{c.code}"')
    return "\n".join(out) + "\n"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --- the archive ---------------------------------------------------------------------------------


def kinds_of(data: Path = SAMPLE_DATA) -> list[str]:
    with open(data / "kinds.yaml", encoding="utf-8") as f:
        return list(yaml.safe_load(f))


def topics_of(data: Path = SAMPLE_DATA) -> list[str]:
    with open(data / "topics.yaml", encoding="utf-8") as f:
        return list(yaml.safe_load(f))


def generate(
    dest: Path,
    n: int,
    seed: int = 1,
    *,
    kinds: int = 2,
    years: int = 5,
    first_year: int = FIRST_YEAR,
    sample: Path = SAMPLE_DATA,
    per_province: int = 40,
) -> list[Path]:
    """Write a data folder of *n* reports to *dest* (replacing it); return the report files."""
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in ("kinds.yaml", "topics.yaml"):
        shutil.copy(sample / name, dest / name)
    kind_slugs = kinds_of(sample)[:kinds]
    topics = topics_of(sample)
    per_county = len(kind_slugs) * years
    counties = counties_for(max(1, math.ceil(n / per_county)), seed, per_province)
    _write(dest / "counties.yaml", _dump_counties(counties))
    provinces = dict.fromkeys((c.province_slug, c.province) for c in counties)
    lines = ["# Synthetic provinces of the benchmark: a partition each."]
    lines += [f"{slug}:\n  name: {_scalar(name)}" for slug, name in provinces]
    _write(dest / "provinces.yaml", "\n".join(lines) + "\n")
    written: list[Path] = []
    for county in counties:
        for kind in kind_slugs:
            for year in range(first_year, first_year + years):
                if len(written) < n:
                    path = dest / county.slug / kind / f"{year}.yaml"
                    _write(path, dump_report(report_document(seed, county, kind, year, topics)))
                    written.append(path)
    _write_lock(dest)
    return written


def _write_lock(data: Path) -> None:
    """The anchor lock of *data*, as ``shufa lock`` writes it."""
    from shufa.core.loading import load_archive
    from shufa.core.lock import LOCK_NAME, published_anchors, write_lock

    write_lock(data / LOCK_NAME, published_anchors(load_archive(data).archive))


def read_counties(data: Path) -> dict[str, CountyInfo]:
    with open(data / "counties.yaml", encoding="utf-8") as f:
        raw = yaml.safe_load(f)
    return {
        slug: CountyInfo(slug, v["name"], v.get("province", ""), v.get("city", ""), v.get("code", ""))
        for slug, v in raw.items()
    }


def add_report(data: Path, county: str, kind: str, year: int, seed: int = 1) -> Path:
    """Write one more report (a new year of *county*) into an existing data folder."""
    info = read_counties(data)[county]
    path = Path(data) / county / kind / f"{year}.yaml"
    _write(path, dump_report(report_document(seed, info, kind, year, topics_of(data))))
    return path


def append_sentence(
    path: Path, sentence: str = "全年另有部分工作按计划推进，相关情况将在下一年度报告中说明。"
) -> None:
    """Edit one data file the way a keeper would: one more sentence in its first item."""
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    doc["sections"][0]["items"][0]["text"] += sentence
    path.write_text(dump_report(doc), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path, help="data folder to write (replaced)")
    parser.add_argument("--n", type=int, default=250, help="number of reports (default 250)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kinds", type=int, default=2, help="report kinds per county (default 2)")
    parser.add_argument("--years", type=int, default=5, help="years per county and kind (default 5)")
    parser.add_argument(
        "--per-province", type=int, default=40, help="counties per province (default 40; a partition each)"
    )
    args = parser.parse_args(argv)
    files = generate(
        args.dest, args.n, args.seed, kinds=args.kinds, years=args.years, per_province=args.per_province
    )
    print(f"{len(files)} reports written to {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
