"""Load and validate data/ into an :class:`~shufa.model.Archive`, collecting every problem.

``load_archive`` never raises on bad data: a file with a problem is left out
of the archive and its problems (each with file, line and column) are listed
in the result, so ``shufa check`` can print them all and the build can warn.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema

from .model import (
    NEXT_STEPS,
    SHORTCOMINGS,
    Archive,
    ClosingPart,
    County,
    FigureAssignment,
    Item,
    Kind,
    Metric,
    Report,
    Section,
    Topic,
)
from .problems import DataError, Problem, display_path
from .schema import COUNTIES, KINDS, METRICS, REPORT, TOPICS
from .yamlfile import YamlDocument, read_yaml

#: Files at the top of data/ that are not report files.
TOP_LEVEL_FILES = {"counties.yaml", "kinds.yaml", "topics.yaml", "metrics.yaml"}

_SCHEMAS = (REPORT, COUNTIES, KINDS, TOPICS, METRICS)
_VALIDATORS = {id(schema): jsonschema.Draft202012Validator(schema) for schema in _SCHEMAS}


def _quick(schema: dict[str, Any]) -> Any:
    """A compiled yes/no check of *schema* (fastjsonschema), about 20 times faster than jsonschema.

    The schemas use only keywords that mean the same in draft-07 and 2020-12. It only
    ever says "valid" for a document jsonschema accepts too (it is stricter, if anything:
    ``1.0`` is no integer for it); anything else goes to jsonschema, which finds and
    words every problem. tests/test_robustness.py checks the two agree.
    """
    return fastjsonschema.compile({k: v for k, v in schema.items() if k != "$schema"})


_QUICK = {id(schema): _quick(schema) for schema in _SCHEMAS}
_YEAR_FILE = re.compile(r"^[0-9]{4}\.yaml$")


@dataclass
class LoadResult:
    """The archive and every problem found while loading it."""

    archive: Archive
    problems: list[Problem] = field(default_factory=list)
    #: Data file of each report key, for dependency tracking.
    files: dict[str, Path] = field(default_factory=dict)
    #: Registry files that had problems (``counties``, ``kinds``, ``topics``, ``metrics``).
    failed_registries: set[str] = field(default_factory=set)


@dataclass
class Registries:
    """The registry files of a data folder (no report parsed), with their problems."""

    counties: dict[str, County]
    kinds: dict[str, Kind]
    topics: dict[str, Topic]
    metrics: dict[str, Metric]
    problems: list[Problem]
    #: Registry files that could not be used (their problems are listed): checks that refer to
    #: them are skipped, so one broken registry gives one message, not one per report.
    failed: set[str] = field(default_factory=set)


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
    if (data_dir / "metrics.yaml").is_file():  # optional: an archive may track no metrics
        metrics = load("metrics", METRICS, _metric)
    _check_county_aliases(data_dir / "counties.yaml", counties, problems)
    return Registries(counties, kinds, topics, metrics, problems, failed)


def load_archive(data_dir: Path, cache: dict[str, Any] | None = None) -> LoadResult:
    """Load every file of *data_dir*; problems are collected, never raised.

    *cache*, when given, maps a report file to the outcome of its parse and schema
    validation, keyed by its modification time and size; unchanged files are not
    parsed again (the build keeps it between runs). Cross-file checks always run.
    """
    data_dir = Path(data_dir)
    registries = load_registries(data_dir)
    problems = list(registries.problems)
    counties, kinds, topics, metrics = (
        registries.counties,
        registries.kinds,
        registries.topics,
        registries.metrics,
    )

    reports: dict[str, Report] = {}
    files: dict[str, Path] = {}
    seen = set()
    for path in _report_files(data_dir, problems):
        doc, found = _parse_report(path, cache)
        seen.add(str(path))
        if doc is None:
            problems.extend(found)
            continue
        report = build_report(doc)
        found = check_report(doc, report, counties, kinds, topics, data_dir, metrics)
        if registries.failed:
            # A reference into a registry that failed is not this file's fault: its problem is
            # already listed. The report still cannot be placed, so it is left out quietly.
            found = [p for p in found if p.code not in {"county", "kind", "topic", "metric"}] + (
                [] if not _refers_to_failed(report, registries) else [_QUIET]
            )
        if found:
            problems.extend(p for p in found if p is not _QUIET)
            continue
        reports[report.key] = report
        files[report.key] = path
    if cache is not None:
        for stale in set(cache) - seen:
            del cache[stale]
    archive = Archive(counties=counties, kinds=kinds, topics=topics, reports=reports, metrics=metrics)
    return LoadResult(archive, sorted(set(problems)), files, failed_registries=set(registries.failed))


_QUIET = Problem("", 0, 0, "left out: refers to a registry with problems")


def _refers_to_failed(report: Report, registries: Registries) -> bool:
    failed = registries.failed
    return bool(
        ("counties" in failed and report.county not in registries.counties)
        or ("kinds" in failed and report.kind not in registries.kinds)
        or ("topics" in failed and any(s.topic not in registries.topics for s in report.sections))
        or (
            "metrics" in failed
            and any(a.metric and a.metric not in registries.metrics for a in report.figure_assignments)
        )
    )


def _parse_report(path: Path, cache: dict[str, Any] | None) -> tuple[YamlDocument | None, list[Problem]]:
    """The schema-valid document of *path*, or its problems (from *cache* when unchanged)."""
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    if cache is not None and (hit := cache.get(str(path))) and hit[0] == stamp:
        return hit[1], hit[2]
    try:
        doc: YamlDocument | None = read_yaml(path)
    except DataError as exc:
        doc, found = None, exc.problems
    else:
        found = validate(doc, REPORT)
        if found:
            doc = None
    if cache is not None:
        cache[str(path)] = (stamp, doc, found)
    return doc, found


def _report_files(data_dir: Path, problems: list[Problem]) -> list[Path]:
    """data/<county>/<kind>/<year>.yaml files; misplaced YAML and symlinks are problems."""
    if not data_dir.is_dir():
        problems.append(Problem(display_path(data_dir), 0, 0, "data folder not found", "file"))
        return []
    found = []
    root = data_dir.resolve()
    for path in sorted(data_dir.rglob("*")):
        rel = path.relative_to(data_dir)
        if path.is_symlink():
            problems.append(
                Problem(
                    display_path(path),
                    0,
                    0,
                    "symbolic link in data/; expected a regular file or folder",
                    "file",
                )
            )
            continue
        if path.is_dir() or path.suffix not in {".yaml", ".yml"}:
            continue
        if len(rel.parts) == 1 and rel.name in TOP_LEVEL_FILES:
            continue
        if len(rel.parts) != 3 or not _YEAR_FILE.match(rel.name) or root not in path.resolve().parents:
            problems.append(
                Problem(
                    display_path(path),
                    0,
                    0,
                    "unexpected data file; expected data/<county>/<kind>/<year>.yaml",
                    "file",
                )
            )
            continue
        found.append(path)
    return found


def _load_registry(path: Path, schema: dict[str, Any], make, problems: list[Problem]) -> dict[str, Any]:
    if not path.is_file() and not path.is_symlink():
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
    )


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


# --- schema validation -------------------------------------------------------------------

_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "object": "a mapping (key: value lines)",
    "array": "a list (lines starting with `- `)",
    "boolean": "true or false",
    "null": "nothing",
}


def _kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 20 else value[:20] + "…"
        return f"the text “{shown}”"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def dotted(path: Iterable[str | int]) -> str:
    """``sections[2].items[0].text`` for a value path."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the file"


def validate(doc: YamlDocument, schema: dict[str, Any]) -> list[Problem]:
    """Every schema violation of *doc*, located and phrased as what is wrong and what was expected."""
    try:
        _QUICK[id(schema)](doc.value)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    validator = _VALIDATORS[id(schema)]
    problems = []
    for error in validator.iter_errors(doc.value):
        problems.extend(_describe(doc, error))
    return list(dict.fromkeys(problems))  # e.g. minLength and pattern both say "empty text"


def _describe(doc: YamlDocument, error: jsonschema.ValidationError) -> list[Problem]:
    path = tuple(error.absolute_path)
    where = dotted(path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    what = schema.get("description", "")
    hint = f" ({what.rstrip('.')})" if what and error.validator not in {"additionalProperties"} else ""
    validator = error.validator
    if "propertyNames" in error.schema_path:
        key = error.instance
        return [
            doc.problem(
                (*path, key),
                f"key “{key}” is not a slug; expected lower-case ASCII letters, digits and `-` (such as `qinghe`)",
                key=True,
                code="schema",
            )
        ]
    if validator == "required":
        missing = [k for k in error.validator_value if k not in (error.instance or {})]
        return [
            doc.problem(
                path, f"{where}: missing key `{key}`; expected {_key_hint(schema, key)}", code="schema"
            )
            for key in missing
        ]
    if validator == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        extra = [k for k in error.instance if k not in schema.get("properties", {})]
        return [
            doc.problem(
                (*path, key),
                f"{where}: unknown key `{key}`; expected one of: {', '.join(allowed)}",
                key=True,
                code="schema",
            )
            for key in extra
        ]
    if validator == "type":
        expected = _TYPE_NAMES.get(error.validator_value, error.validator_value)
        message = f"{where}: found {_kind_of(error.instance)}; expected {expected}{hint}"
    elif (validator == "pattern" and error.validator_value == r"\S") or validator == "minLength":
        message = f"{where}: empty text; expected text{hint}"
    elif validator == "pattern":
        message = f"{where}: “{error.instance}” is not in the expected form{hint}"
    elif validator == "const":
        message = f"{where}: found {_kind_of(error.instance)}; expected `{error.validator_value}`{hint}"
    elif validator in {"minimum", "maximum"}:
        bound = "at least" if validator == "minimum" else "at most"
        message = f"{where}: {error.instance} is out of range; expected {bound} {error.validator_value}{hint}"
    elif validator == "minItems":
        message = f"{where}: empty list; expected at least {error.validator_value} entry{hint}"
    elif validator == "uniqueItems":
        message = f"{where}: repeated entries; expected each entry once"
    elif validator == "minProperties":
        message = f"{where}: empty mapping; expected at least one key{hint}"
    elif validator == "propertyNames":
        message = f"{where}: key “{error.instance}” is not a slug; expected lower-case ASCII letters, digits and `-`"
    else:
        message = f"{where}: {error.message}"
    return [doc.problem(path, message, key=validator == "propertyNames", code="schema")]


def _key_hint(schema: dict[str, Any], key: str) -> str:
    sub = schema.get("properties", {}).get(key, {})
    if "$ref" in sub:
        return f"`{key}`"
    description = sub.get("description", "")
    return f"`{key}`" + (f" ({description.rstrip('.')})" if description else "")


# --- building the model --------------------------------------------------------------------


def build_report(doc: YamlDocument) -> Report:
    """The model of a schema-valid report document."""
    v = doc.value
    author = v.get("author", {})
    date = v.get("date", {})
    source = v.get("source", {})
    closing = v.get("closing", {})
    sections = [
        Section(
            anchor=f"s{s['ordinal']}",
            ordinal=s["ordinal"],
            marker=s["marker"],
            heading=s["heading"],
            topic=s["topic"],
            lead=s.get("lead", ""),
            text=s.get("text", ""),
            aliases=list(s.get("aliases", [])),
            items=_items(doc, s.get("items", []), f"s{s['ordinal']}", ("sections", i, "items")),
            line=doc.where(("sections", i))[0],
        )
        for i, s in enumerate(v["sections"])
    ]
    parts = {}
    for key, anchor in (("shortcomings", SHORTCOMINGS), ("next_steps", NEXT_STEPS)):
        if key in closing:
            p = closing[key]
            parts[key] = ClosingPart(
                anchor=anchor,
                marker=p.get("marker", ""),
                heading=p.get("heading", ""),
                intro=p.get("intro", ""),
                text=p.get("text", ""),
                aliases=list(p.get("aliases", [])),
                items=_items(doc, p.get("items", []), anchor, ("closing", key, "items")),
                line=doc.where(("closing", key))[0],
            )
    return Report(
        county=v["county"],
        kind=v["kind"],
        year=v["year"],
        title=v["title"],
        sections=sections,
        path=doc.shown_path,
        author_role=author.get("role", ""),
        author_name=author.get("name", ""),
        organization=author.get("organization", ""),
        issued=date.get("issued", ""),
        published=date.get("published", ""),
        source_url=source.get("url", ""),
        retrieved=source.get("retrieved", ""),
        source_note=source.get("note", ""),
        preamble=v.get("preamble", ""),
        shortcomings=parts.get("shortcomings"),
        next_steps=parts.get("next_steps"),
        signature=closing.get("signature", ""),
        date_line=closing.get("date_line", ""),
        notes=v.get("notes", ""),
        figure_assignments=[
            FigureAssignment(
                at=f["at"], text=f["text"], metric=f["metric"], line=doc.where(("figures", i))[0]
            )
            for i, f in enumerate(v.get("figures", []))
        ],
    )


def _items(doc: YamlDocument, raw: list[dict[str, Any]], parent: str, path: tuple) -> list[Item]:
    return [
        Item(
            anchor=f"{parent}-{it['ordinal']}",
            ordinal=it["ordinal"],
            marker=it["marker"],
            text=it["text"],
            label=it.get("label", ""),
            topic=it.get("topic", ""),
            aliases=list(it.get("aliases", [])),
            items=_items(doc, it.get("items", []), f"{parent}-{it['ordinal']}", (*path, i, "items")),
            line=doc.where((*path, i))[0],
        )
        for i, it in enumerate(raw)
    ]


# --- checks across files -------------------------------------------------------------------


def check_report(
    doc: YamlDocument,
    report: Report,
    counties: dict[str, County],
    kinds: dict[str, Kind],
    topics: dict[str, Topic],
    data_dir: Path,
    metrics: dict[str, Metric] | None = None,
) -> list[Problem]:
    """Problems that the schema cannot see: references to other files, numbering, ids."""
    problems: list[Problem] = []
    anchors = {"report", "preamble", *(a for a, _ in report.anchors())}
    for i, assignment in enumerate(report.figure_assignments):
        if assignment.metric is not None and assignment.metric not in (metrics or {}):
            problems.append(
                doc.problem(
                    ("figures", i, "metric"),
                    f"figures[{i}].metric: unknown metric "
                    f"`{assignment.metric}`; expected a key of metrics.yaml "
                    f"({_some(metrics or {})}) or null",
                    code="metric",
                )
            )
        if assignment.at not in anchors:
            problems.append(
                doc.problem(
                    ("figures", i, "at"),
                    f"figures[{i}].at: no section or item "
                    f"`{assignment.at}` in this report; expected an anchor such as s1 "
                    "or s1-2",
                    code="anchor",
                )
            )
    if report.county not in counties:
        problems.append(
            doc.problem(
                ("county",),
                f"county: unknown county `{report.county}`; expected "
                f"a key of counties.yaml ({_some(counties)})",
                code="county",
            )
        )
    if report.kind not in kinds:
        problems.append(
            doc.problem(
                ("kind",),
                f"kind: unknown report kind `{report.kind}`; expected a key of kinds.yaml ({_some(kinds)})",
                code="kind",
            )
        )
    rel = doc.path.relative_to(data_dir).parts if doc.path.is_relative_to(data_dir) else ()
    if len(rel) == 3:
        for key, value, found in (
            ("county", report.county, rel[0]),
            ("kind", report.kind, rel[1]),
            ("year", str(report.year), rel[2].removesuffix(".yaml")),
        ):
            if value != found:
                problems.append(
                    doc.problem(
                        (key,),
                        f"{key}: `{value}` disagrees with the file's path "
                        f"({found}); expected data/<county>/<kind>/<year>.yaml to "
                        "match its content",
                        code="path",
                    )
                )
    for i, section in enumerate(report.sections):
        if section.topic not in topics:
            problems.append(
                doc.problem(
                    ("sections", i, "topic"),
                    f"sections[{i}].topic: unknown topic "
                    f"`{section.topic}`; expected a key of topics.yaml "
                    f"({_some(topics)})",
                    code="topic",
                )
            )
        for item, path in _walk_items(section.items, ("sections", i, "items")):
            if item.topic and item.topic not in topics:
                problems.append(
                    doc.problem(
                        (*path, "topic"),
                        f"{dotted(path)}.topic: unknown topic `{item.topic}`; expected a key of topics.yaml",
                        code="topic",
                    )
                )
    problems.extend(_check_ordinals(doc, [s.ordinal for s in report.sections], ("sections",)))
    for i, section in enumerate(report.sections):
        problems.extend(_check_item_ordinals(doc, section.items, ("sections", i, "items")))
    for key in ("shortcomings", "next_steps"):
        part = getattr(report, key)
        if part is not None:
            problems.extend(_check_item_ordinals(doc, part.items, ("closing", key, "items")))
    problems.extend(_check_ids(doc, report))
    return problems


def _some(registry: dict[str, Any]) -> str:
    keys = list(registry)
    return ", ".join(keys[:8]) + (", …" if len(keys) > 8 else "") if keys else "none defined"


def _walk_items(items: list[Item], path: tuple) -> Iterable[tuple[Item, tuple]]:
    for i, item in enumerate(items):
        yield item, (*path, i)
        yield from _walk_items(item.items, (*path, i, "items"))


def _check_ordinals(doc: YamlDocument, ordinals: list[int], path: tuple) -> list[Problem]:
    problems = []
    for i, ordinal in enumerate(ordinals):
        expected = i + 1
        if ordinal != expected:
            what = "duplicate" if ordinal in ordinals[:i] else "out-of-sequence"
            problems.append(
                doc.problem(
                    (*path, i, "ordinal"),
                    f"{dotted((*path, i))}.ordinal: "
                    f"{what} ordinal {ordinal}; expected {expected} (ordinals run "
                    "1, 2, 3 … in printed order)",
                    code="ordinal",
                )
            )
    return problems


def _check_item_ordinals(doc: YamlDocument, items: list[Item], path: tuple) -> list[Problem]:
    problems = _check_ordinals(doc, [it.ordinal for it in items], path)
    for i, item in enumerate(items):
        problems.extend(_check_item_ordinals(doc, item.items, (*path, i, "items")))
    return problems


def _check_ids(doc: YamlDocument, report: Report) -> list[Problem]:
    """Every anchor of the page (ids and aliases) must name one part only."""
    problems = []
    seen: set[str] = set()
    reserved = {"report", "preamble", "top"}
    for anchor, part in report.anchors():
        if anchor in reserved or anchor in seen:
            line = getattr(part, "line", 0)
            problems.append(
                Problem(
                    doc.shown_path,
                    line,
                    doc_col(doc, line) if line else 0,
                    f"anchor `{anchor}` is used twice on the page; expected each id and alias once",
                    "anchor",
                )
            )
        seen.add(anchor)
    return problems


def doc_col(doc: YamlDocument, line: int) -> int:
    """The column of the first value recorded on *line* (for problems known only by line)."""
    cols = [c for (ln, c) in doc.positions.values() if ln == line]
    return min(cols) if cols else 1
