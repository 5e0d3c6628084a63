"""A schema-valid report document → the model (:class:`~shufa.core.model.Report`).

Anchors come from :mod:`shufa.core.parts`; every part keeps the line it starts on,
so that later checks and warnings can point at it.
"""

from __future__ import annotations

from typing import Any

from .model import ClosingPart, FigureAssignment, Item, Original, Report, Section
from .parts import CLOSING, item_anchor, section_anchor
from .yamlfile import YamlDocument


def build_report(doc: YamlDocument) -> Report:
    """The model of a schema-valid report document."""
    v = doc.value
    author = v.get("author", {})
    date = v.get("date", {})
    source = v.get("source", {})
    closing = v.get("closing", {})
    sections = [
        Section(
            anchor=section_anchor(s["ordinal"]),
            ordinal=s["ordinal"],
            marker=s["marker"],
            heading=s["heading"],
            topic=s["topic"],
            lead=s.get("lead", ""),
            text=s.get("text", ""),
            aliases=list(s.get("aliases", [])),
            items=_items(doc, s.get("items", []), section_anchor(s["ordinal"]), ("sections", i, "items")),
            line=doc.where(("sections", i))[0],
        )
        for i, s in enumerate(v["sections"])
    ]
    parts = {}
    for role, key, _heading in CLOSING:
        if key in closing:
            p = closing[key]
            ordinal = p.get("ordinal", 0)
            anchor = section_anchor(ordinal) if ordinal else role
            parts[key] = ClosingPart(
                role=role,
                anchor=anchor,
                ordinal=ordinal,
                marker=p.get("marker", ""),
                heading=p.get("heading", ""),
                intro=p.get("intro", ""),
                text=p.get("text", ""),
                aliases=list(p.get("aliases", [])),
                items=_items(
                    doc, p.get("items", []), anchor, ("closing", key, "items"), role if ordinal else ""
                ),
                line=doc.where(("closing", key))[0],
            )
    return Report(
        county=v["county"],
        kind=v["kind"],
        year=v["year"],
        title=v["title"],
        sections=sections,
        path=doc.shown_path,
        subtitle=v.get("subtitle", ""),
        occasion=v.get("occasion", ""),
        delivered=date.get("delivered", ""),
        original=_original(doc, source.get("original")),
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


def _original(doc: YamlDocument, raw: dict[str, Any] | None) -> Original | None:
    if not raw:
        return None
    at = ("source", "original")
    line, column = doc.where(at)
    sha_line, sha_column = doc.where((*at, "sha256"))
    path_line, path_column = doc.where((*at, "path"))
    return Original(
        path=raw["path"],
        name=raw["name"],
        format=raw["format"],
        sha256=raw["sha256"],
        line=line,
        column=column,
        sha256_line=sha_line,
        sha256_column=sha_column,
        path_line=path_line,
        path_column=path_column,
    )


def _items(
    doc: YamlDocument, raw: list[dict[str, Any]], parent: str, path: tuple, role_parent: str = ""
) -> list[Item]:
    """The items under *parent*; under a numbered closing part, *role_parent* is the part's role
    (``shortcomings``), which gives each item its second id (``shortcomings-2`` beside ``s6-2``)."""
    items = []
    for i, it in enumerate(raw):
        anchor = item_anchor(parent, it["ordinal"])
        role_anchor = item_anchor(role_parent, it["ordinal"]) if role_parent else ""
        items.append(
            Item(
                anchor=anchor,
                ordinal=it["ordinal"],
                marker=it["marker"],
                text=it["text"],
                label=it.get("label", ""),
                topic=it.get("topic", ""),
                aliases=list(it.get("aliases", [])),
                role_anchor=role_anchor,
                items=_items(doc, it.get("items", []), anchor, (*path, i, "items"), role_anchor),
                line=doc.where((*path, i))[0],
            )
        )
    return items
