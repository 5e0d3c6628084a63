"""A schema-valid report document → the model (:class:`~shufa.core.model.Report`).

Anchors come from :mod:`shufa.core.parts`; every part keeps the line it starts on,
so that later checks and warnings can point at it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from .model import ClosingPart, FigureAssignment, Item, Original, Part, Report, Section
from .parts import CLOSING, item_anchor, section_anchor
from .schema import UNKNOWN
from .yamlfile import YamlDocument

P = TypeVar("P", bound=Part)


def build_report(doc: YamlDocument) -> Report:
    """The model of a schema-valid report document."""
    v = doc.value
    author = v.get("author", {})
    date = v.get("date", {})
    source = v.get("source", {})
    closing = v.get("closing", {})
    sections = [
        _part(doc, Section, s, ("sections", i), section_anchor(s["ordinal"]), topic=s["topic"])
        for i, s in enumerate(v["sections"])
    ]
    parts = {}
    for role, key, _heading in CLOSING:
        if key in closing:
            p = closing[key]
            ordinal = p.get("ordinal", 0)
            anchor = section_anchor(ordinal) if ordinal else role
            parts[key] = _part(
                doc, ClosingPart, p, ("closing", key), anchor, role if ordinal else "", role=role
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
        issued=_known(date.get("issued", "")),
        published=_known(date.get("published", "")),
        source_url=_known(source.get("url", "")),
        retrieved=_known(source.get("retrieved", "")),
        source_note=source.get("note", ""),
        obtained=source.get("obtained", ""),
        added=v.get("added", ""),
        unknown=frozenset(
            f"{mapping}.{key}"
            for mapping, values in (("date", date), ("source", source))
            for key, value in values.items()
            if value == UNKNOWN
        ),
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


def _known(value: str) -> str:
    """*value*, or ``""`` for a value recorded as unknown (:attr:`Report.unknown` says which)."""
    return "" if value == UNKNOWN else value


def _part(
    doc: YamlDocument,
    kind: type[P],
    raw: dict[str, Any],
    at: tuple,
    anchor: str,
    role_parent: str = "",
    **own: Any,
) -> P:
    """A section or a closing part (*kind*) of the document at *at*, with its *anchor*; *own* are
    the fields only that kind has (a section's topic, a closing part's role)."""
    return kind(
        anchor=anchor,
        ordinal=raw.get("ordinal", 0),
        marker=raw.get("marker", ""),
        heading=raw.get("heading", ""),
        text=raw.get("text", ""),
        aliases=list(raw.get("aliases", [])),
        items=_items(doc, raw.get("items", []), anchor, (*at, "items"), role_parent),
        line=doc.where(at)[0],
        **{kind.OPENING: raw.get(kind.OPENING, "")},
        **own,
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
