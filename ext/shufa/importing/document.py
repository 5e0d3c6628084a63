"""Outline and metadata → the mapping of a report data file (data/<county>/<kind>/<year>.yaml).

Paragraphs of one field are joined with a line break (the page shows one
paragraph per line). Ordinals count 1, 2, 3 … in printed order under each
parent; the printed numbering stays in ``marker``. Anchors follow model.py:
``s3``, ``s3-2``, ``shortcomings-1`` (:mod:`shufa.core.parts`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..core.parts import CLOSING, item_anchor, section_anchor
from ..core.schema import SCHEMA_VERSION
from .structure import Node, Outline


@dataclass
class Built:
    """The data file's mapping and the anchor of every part of the outline."""

    document: dict[str, Any]
    anchors: dict[int, str] = field(default_factory=dict)

    def anchor(self, node: Node | None) -> str:
        return "preamble" if node is None else self.anchors.get(id(node), "?")


def _join(paragraphs: list[str]) -> str:
    return "\n".join(p for p in paragraphs if p)


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value:
        target[key] = value


def build_document(
    outline: Outline,
    topic_of: Callable[[Node], str],
    *,
    county: str = "",
    kind: str = "",
    year: int = 0,
    author: dict[str, str] | None = None,
    date: dict[str, str] | None = None,
    source: dict[str, Any] | None = None,
    occasion: str = "",
) -> Built:
    """The report mapping of *outline*; *topic_of* gives each section's topic key.

    A closing part numbered like the sections (``三、存在的不足和原因``) gets ``ordinal``,
    continuing the sections' numbering: its anchor is ``s3`` and ``shortcomings`` its second id."""
    built = Built({})
    doc = built.document
    doc.update(schema=SCHEMA_VERSION, county=county, kind=kind, year=year, title=outline.title)
    _put(doc, "subtitle", outline.subtitle)
    _put(doc, "occasion", occasion)
    _put(doc, "author", dict(author or {}))
    _put(doc, "date", dict(date or {}))
    _put(doc, "source", dict(source or {}))
    _put(doc, "preamble", _join(outline.preamble))
    sections = []
    for ordinal, node in enumerate(outline.sections, 1):
        anchor = section_anchor(ordinal)
        built.anchors[id(node)] = anchor
        section: dict[str, Any] = {
            "ordinal": ordinal,
            "marker": node.marker,
            "heading": node.head,
            "topic": topic_of(node),
        }
        _put(section, "lead", _join(node.lead))
        _put(section, "text", _join(node.text))
        _put(section, "items", _items(node.items, anchor, built))
        sections.append(section)
    doc["sections"] = sections
    closing: dict[str, Any] = {}
    found = {"shortcomings": outline.shortcomings, "next-steps": outline.next_steps}
    number = len(sections)
    for role, key, _heading in CLOSING:
        node = found[role]
        if node is None:
            continue
        part: dict[str, Any] = {}
        anchor = role
        if node.marker and node.style is not None and node.value:  # numbered like a section
            number += 1
            part["ordinal"] = number
            anchor = section_anchor(number)
        built.anchors[id(node)] = anchor
        _put(part, "marker", node.marker)
        _put(part, "heading", node.head)
        _put(part, "intro", _join(node.lead))
        _put(part, "text", _join(node.text))
        _put(part, "items", _items(node.items, anchor, built))
        closing[key] = part
    _put(closing, "signature", outline.signature)
    _put(closing, "date_line", outline.date_line)
    _put(doc, "closing", closing)
    return built


def _items(nodes: list[Node], parent: str, built: Built) -> list[dict[str, Any]]:
    items = []
    for ordinal, node in enumerate(nodes, 1):
        anchor = item_anchor(parent, ordinal)
        built.anchors[id(node)] = anchor
        item: dict[str, Any] = {"ordinal": ordinal, "marker": node.marker}
        _put(item, "label", node.head)
        item["text"] = _join(node.text)
        _put(item, "items", _items(node.items, anchor, built))
        items.append(item)
    return items
