"""What "nothing lost" means: the reading order of a data file's text fields.

The text fields of a report, concatenated in :func:`text_fields` order, are
the report as printed (minus the artefacts the importer removed, whitespace
aside). The order is the order a reader meets the text on the page:

1. ``title``
2. ``preamble``
3. each section: ``marker``, ``heading``, ``lead``, then its items, then ``text``;
   each item: ``marker``, ``label``, ``text``, then its nested items (depth first)
4. ``closing.shortcomings`` then ``closing.next_steps``: ``marker``, ``heading``,
   ``intro``, ``text``, then its items
5. ``closing.signature``, ``closing.date_line``

Metadata (county, kind, year, author, dates, source, topic, notes) is not text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

Path_ = tuple[str | int, ...]


def text_fields(document: Mapping[str, Any]) -> Iterator[tuple[Path_, str]]:
    """(path, value) of every text field of a report document, in reading order."""
    for key in ("title", "preamble"):
        if document.get(key):
            yield (key,), document[key]
    for i, section in enumerate(document.get("sections") or []):
        path: Path_ = ("sections", i)
        for key in ("marker", "heading", "lead"):
            if section.get(key):
                yield (*path, key), section[key]
        yield from _items(section.get("items") or [], (*path, "items"))
        if section.get("text"):
            yield (*path, "text"), section["text"]
    closing = document.get("closing") or {}
    for part_key in ("shortcomings", "next_steps"):
        part = closing.get(part_key)
        if not part:
            continue
        path = ("closing", part_key)
        for key in ("marker", "heading", "intro", "text"):
            if part.get(key):
                yield (*path, key), part[key]
        yield from _items(part.get("items") or [], (*path, "items"))
    for key in ("signature", "date_line"):
        if closing.get(key):
            yield ("closing", key), closing[key]


def _items(items: list[Mapping[str, Any]], path: Path_) -> Iterator[tuple[Path_, str]]:
    for i, item in enumerate(items):
        for key in ("marker", "label", "text"):
            if item.get(key):
                yield (*path, i, key), item[key]
        yield from _items(item.get("items") or [], (*path, i, "items"))


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
