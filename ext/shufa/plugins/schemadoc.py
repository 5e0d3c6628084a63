"""Sphinx plugin: render the reference pages from the definitions the code runs on.

``{shufa-schema} report`` shows every key of a report file (with nested keys
as dotted paths such as ``sections[].items[].label``), whether it is required,
its type and its description, from the JSON Schemas of :mod:`shufa.core.schema`
that the loader validates against. ``{shufa-config}`` lists every ``shufa_*``
option of conf.py from :class:`shufa.plugins.config.ShufaConfig`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..core.schema import PATTERN_FORMS, SCHEMAS
from . import config, metadata
from .shared import tables

_CODE = re.compile(r"`([^`]+)`")


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        return root["$defs"][name], name
    return schema, None


def _type(schema: dict[str, Any], root: dict[str, Any]) -> str:
    schema, _ = _resolve(schema, root)
    if "const" in schema:
        return f"`{schema['const']}`"
    kind = schema.get("type", "")
    if isinstance(kind, list):
        return " or ".join(_type({**schema, "type": k}, root) for k in kind)
    if kind == "null":
        return "null"
    if kind == "array":
        return f"list of {_type(schema.get('items', {}), root)}"
    if kind == "object":
        return "mapping"
    if kind == "string" and schema.get("format") == "date":
        return "date (YYYY-MM-DD, of the calendar)"
    if kind == "string" and "pattern" in schema and schema["pattern"] != r"\S":
        return f"text: {PATTERN_FORMS[schema['pattern']]}"
    if kind == "string" and "maxLength" in schema:
        return f"text (at most {schema['maxLength']} characters)"
    return {"string": "text", "integer": "integer"}.get(kind, kind or "any")


def rows(
    schema: dict[str, Any], root: dict[str, Any], prefix: str = "", seen: frozenset = frozenset()
) -> Iterator[tuple[str, bool, str, str]]:
    """(path, required, type, description) for every key of *schema*, depth first."""
    schema, _ = _resolve(schema, root)
    if "additionalProperties" in schema and isinstance(schema["additionalProperties"], dict):
        value = schema["additionalProperties"]
        yield from rows(value, root, f"{prefix}<key>.", seen)
        return
    required = set(schema.get("required", []))
    for key, sub in schema.get("properties", {}).items():
        path = prefix + key
        resolved, name = _resolve(sub, root)
        items, item_name = (
            _resolve(resolved.get("items", {}), root) if resolved.get("type") == "array" else ({}, None)
        )
        description = resolved.get("description", "") or sub.get("description", "")
        yield path, key in required, _type(sub, root), description
        if (name and name in seen) or (item_name and item_name in seen):
            continue
        if resolved.get("type") == "object" or "properties" in resolved:
            yield from rows(resolved, root, path + ".", seen | {name} if name else seen)
        elif items.get("type") == "object":
            yield from rows(items, root, path + "[].", seen | {item_name} if item_name else seen)


def _inline(text: str) -> list[nodes.Node]:
    out: list[nodes.Node] = []
    pos = 0
    for match in _CODE.finditer(text):
        out.append(nodes.Text(text[pos : match.start()]))
        out.append(nodes.literal(match.group(1), match.group(1)))
        pos = match.end()
    out.append(nodes.Text(text[pos:]))
    return out


class SchemaDirective(SphinxDirective):
    """A table of the keys of one data file kind: ``report``, ``counties``, ``kinds``, ``topics``."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        root = SCHEMAS[self.arguments[0]]
        table, body = tables.table(["schema-table"], (30, 10, 15, 45), ["键 key", "必填", "类型", "说明"])
        for path, required, kind, description in rows(root, root):
            body += self._row(
                [nodes.literal(path, path), "是" if required else "", kind, *[_inline(description)]]
            )
        intro = nodes.paragraph("", "", *_inline(root.get("description", "")))
        return [intro, table]

    def _row(self, cells: list[Any]) -> nodes.row:
        row = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            if isinstance(cell, str):
                entry += nodes.paragraph("", "", *_inline(cell))
            elif isinstance(cell, list):
                entry += nodes.paragraph("", "", *cell)
            else:
                entry += nodes.paragraph("", "", cell)
            row += entry
        return row


class ConfigDirective(SchemaDirective):
    """A table of every ``shufa_*`` option: name, default, what a change rebuilds, help."""

    required_arguments = 0

    def run(self) -> list[nodes.Node]:
        table, body = tables.table(["config-table"], (28, 22, 10, 40), ["配置项", "默认值", "改动后", "说明"])
        rebuilt = {"env": "重新读取", "html": "重新写出"}
        for spec in config.options():
            name = config.PREFIX + spec.name
            default = repr(spec.default)
            rebuild = rebuilt.get(spec.metadata["rebuild"], spec.metadata["rebuild"])
            body += self._row(
                [nodes.literal(name, name), nodes.literal(default, default), rebuild, spec.metadata["help"]]
            )
        return [table]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("shufa-schema", SchemaDirective)
    app.add_directive("shufa-config", ConfigDirective)
    return metadata()
