"""What "nothing lost" means: the text fields of a data file, in reading order.

The order is the model's (:meth:`shufa.core.model.Report.fields`, the one
definition): title, subtitle, preamble, each section (marker, heading, lead, its
items depth first, text), the closing parts (marker, heading, intro, text,
items), the signature and the date line. Their concatenation is the report as
printed, minus the artefacts the importer removed (whitespace aside).
Metadata (county, kind, year, author, dates, source, topic, notes) is not text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..core.building import build_report
from ..core.yamlfile import YamlDocument

Path_ = tuple[str | int, ...]


def text_fields(document: Mapping[str, Any]) -> Iterator[tuple[Path_, str]]:
    """(path, value) of every printed text field of a report document, in reading order."""
    report = build_report(YamlDocument(Path("report.yaml"), dict(document)))
    for found in report.fields():
        if found.printed:
            yield found.path, found.text


def reading_text(document: Mapping[str, Any]) -> str:
    """The text fields of *document* concatenated in reading order."""
    return "".join(value for _, value in text_fields(document))


def squeeze(text: str) -> str:
    """*text* without whitespace: what the round trip compares."""
    return "".join(ch for ch in text if not ch.isspace())


def first_difference(expected: str, found: str) -> str | None:
    """Where *found* stops matching *expected* (whitespace aside), described; None when they match."""
    a, b = squeeze(expected), squeeze(found)
    if a == b:
        return None
    at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return f"at character {at}: expected “{a[at : at + 20]}”, found “{b[at : at + 20]}”"
