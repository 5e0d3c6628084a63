"""Checks of a report that its schema cannot see: references into the registries, the
file's path, the numbering of parts and the uniqueness of ids (errors); and what its
citations lack (warnings: :func:`citation_problems`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .model import County, Item, Kind, Metric, Report, Topic
from .parts import RESERVED
from .problems import WARNING, Problem
from .schema import UNKNOWN
from .validation import dotted
from .yamlfile import YamlDocument


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
    expected = len(report.sections) + 1
    for part in report.closing_parts:
        if part.ordinal:
            if part.ordinal != expected:
                path = ("closing", part.key, "ordinal")
                problems.append(
                    doc.problem(
                        path,
                        f"{dotted(path)}: ordinal {part.ordinal} does not continue the numbering; "
                        f"expected {expected} (a numbered closing part follows the sections, "
                        "and the next steps follow the shortcomings)",
                        code="ordinal",
                    )
                )
            expected = part.ordinal + 1
        problems.extend(_check_item_ordinals(doc, part.items, ("closing", part.key, "items")))
    problems.extend(_check_ids(doc, report))
    return problems


def citation_gaps(value: dict[str, Any]) -> list[str]:
    """What a report document lacks for its citations, neither given nor recorded as unknown:
    ``date`` (no date.issued nor date.published), ``source`` (no source.url nor source.obtained)."""
    date, source = value.get("date") or {}, value.get("source") or {}
    gaps = []
    if "issued" not in date and "published" not in date:
        gaps.append("date")
    if "url" not in source and "obtained" not in source:
        gaps.append("source")
    return gaps


def citation_problems(doc: YamlDocument) -> list[Problem]:
    """What a citation of the report lacks: its date and where the copy came from.

    A value recorded as ``unknown`` (``published: unknown``, ``url: unknown``) or a copy that
    was not online (``obtained: 依申请公开``) is an honest answer and passes; a value simply
    missing is a warning: the report is still published and cited with the parts it has
    (``shufa check`` and a build with ``-W`` fail on them). Each is located at the mapping
    that lacks the value, or at the title when the file has no such mapping.
    """
    value = doc.value
    problems = []
    gaps = citation_gaps(value)
    date = value.get("date")
    if "date" in gaps:
        problems.append(
            doc.problem(
                ("date",) if date is not None else ("title",),
                "date: no date.issued or date.published; expected the document's date (YYYY-MM-DD), "
                f"or `published: {UNKNOWN}` when nobody can tell: without one the report's citations "
                "have no date",
                key=date is not None,
                code="citation",
                severity=WARNING,
            )
        )
    source = value.get("source")
    if "source" in gaps:
        problems.append(
            doc.problem(
                ("source",) if source is not None else ("title",),
                "source: no source.url; expected the address of the published original, "
                f"`url: {UNKNOWN}` when nobody can tell it, or `obtained:` how a copy that is not "
                "online was obtained (依申请公开, 纸质文本 …)",
                key=source is not None,
                code="citation",
                severity=WARNING,
            )
        )
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
    for anchor, part in report.anchors():
        if anchor in RESERVED or anchor in seen:
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
