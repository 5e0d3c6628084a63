"""The data format, written once: JSON Schemas for every file in data/.

The loader validates against these schemas and the reference page of the
documentation (docs/reference/data-format.md) is rendered from them by the
``shufa-schema`` directive, so the format and its documentation cannot drift.
"""

from __future__ import annotations

from typing import Any

from .formats import FORMATS
from .model import ClosingPart, Part, Section
from .parts import CLOSING, PART_ANCHOR
from .units import UNIT_NAMES

SCHEMA_VERSION = 1


def whole(pattern: str) -> str:
    """A ``pattern`` that *pattern* must match as a whole value, the same in every validator.

    JSON Schema searches a pattern in the value (Python's ``re.search``), and Python's ``$``
    also matches before a final newline, so ``^[a-z]+$`` takes ``"nanshan\\n"``; ``(?!\\n)``
    after ``$`` refuses that. (ECMA-262's ``$``, and fastjsonschema's ``\\Z``, end the text
    anyway.) Every anchored pattern of the data format is written with this function.
    """
    return rf"^(?:{pattern})$(?!\n)"


#: ASCII slugs: they become URL path segments, so no dots, slashes or capitals.
SLUG_PATTERN = whole(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
#: Former or alternative ids of a section or item.
ANCHOR_PATTERN = whole(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
#: The shape of a date; the schema's ``format: date`` (:mod:`shufa.core.validation`) adds the
#: calendar: 2024-02-30 has the shape and is no date.
DATE_PATTERN = whole(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
FIGURE_AT_PATTERN = whole(rf"preamble|report|{PART_ANCHOR}")
URL_PATTERN = whole(r"https?://[^\s/\$.?#][^\s]*")
#: What a keeper records for a value the copy does not tell and nobody can (never a guess).
UNKNOWN = "unknown"
#: A date, or :data:`UNKNOWN`.
DATE_OR_UNKNOWN_PATTERN = whole(rf"[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}|{UNKNOWN}")
#: An http(s) address, or :data:`UNKNOWN`.
URL_OR_UNKNOWN_PATTERN = whole(rf"https?://[^\s/\$.?#][^\s]*|{UNKNOWN}")
CODE_PATTERN = whole(r"[0-9]{6}")
#: A repository-relative path of a kept original: plain segments, none starting with a dot.
ORIGINAL_PATH_PATTERN = whole(r"(?:[A-Za-z0-9_][A-Za-z0-9._-]*/)*[A-Za-z0-9_][A-Za-z0-9._-]*")
#: A SHA-256 digest, written in hex.
SHA256_PATTERN = whole(r"[0-9a-f]{64}")
#: Each pattern's form in words, for the message about a value that does not have it.
PATTERN_FORMS = {
    SLUG_PATTERN: "lower-case ASCII letters, digits and `-` (such as `qinghe`, `s3-4`)",
    DATE_PATTERN: "YYYY-MM-DD",
    FIGURE_AT_PATTERN: "an anchor of this report (`s6-1`, `shortcomings-2`), `preamble` or `report`",
    URL_PATTERN: "an http(s) address without spaces",
    DATE_OR_UNKNOWN_PATTERN: f"YYYY-MM-DD, or `{UNKNOWN}` when nobody can tell",
    URL_OR_UNKNOWN_PATTERN: f"an http(s) address without spaces, or `{UNKNOWN}` when nobody can tell",
    CODE_PATTERN: "6 digits",
    ORIGINAL_PATH_PATTERN: "a path relative to the repository, of plain names (none starting with `.`)",
    SHA256_PATTERN: "64 hexadecimal digits (lower case)",
}
#: The longest title: a printed title is one line; a longer value is pasted text, not a title.
MAX_TITLE = 200

_TEXT = {"type": "string", "minLength": 1, "pattern": r"\S"}


def _text(description: str) -> dict[str, Any]:
    return {**_TEXT, "description": description}


def _ordinal(description: str) -> dict[str, Any]:
    return {"type": "integer", "minimum": 1, "description": description}


def _aliases(description: str) -> dict[str, Any]:
    return {
        "type": "array",
        "items": {"type": "string", "pattern": ANCHOR_PATTERN},
        "uniqueItems": True,
        "description": description,
    }


#: The items of a part, or of an item.
_ITEMS: dict[str, Any] = {"type": "array", "items": {"$ref": "#/$defs/item"}}

ITEM: dict[str, Any] = {
    "type": "object",
    "description": "A numbered item of a section (一是…, （一）…, 1. …), possibly with nested items.",
    "required": ["ordinal", "marker", "text"],
    "additionalProperties": False,
    "properties": {
        "ordinal": _ordinal("Position of the item within its parent, 1, 2, 3 …; gives the anchor `s3-2`."),
        "marker": _text("The numbering as printed: `一是`, `（一）`, `1.`, `第一，`."),
        "label": _text(
            "Optional run-in label: the short phrase up to and including the first `。` "
            "(`主动担当履职。`); set in bold."
        ),
        "text": _text("The item's text after the label."),
        "topic": {
            "type": "string",
            "pattern": SLUG_PATTERN,
            "description": "Optional topic key when the item's topic differs from its section's.",
        },
        "aliases": _aliases("Former anchors of this item that must keep working (`s3-4`)."),
        "items": {**_ITEMS, "description": "Nested items (`（一）` → `1.` → `（1）`)."},
    },
}


def _part(
    kind: type[Part],
    description: str,
    ordinal: str,
    marker: str,
    heading: str,
    opening: str,
    text: str,
    aliases: str,
    *,
    topic: dict[str, Any] | None = None,
    **shape: Any,
) -> dict[str, Any]:
    """The schema of a part of the model (a section or a closing part): its fields, in the order
    a data file writes them, each with its description; *shape* says what the part requires."""
    properties = {"ordinal": _ordinal(ordinal), "marker": _text(marker), "heading": _text(heading)}
    if topic is not None:
        properties["topic"] = topic
    properties[kind.OPENING] = _text(opening)
    properties.update(text=_text(text), aliases=_aliases(aliases), items=_ITEMS)
    return {"type": "object", "description": description, **shape, "properties": properties}


SECTION = _part(
    Section,
    "A numbered section of the report (`一、…`).",
    "1, 2, 3 … in the order printed; gives the anchor `s3`.",
    "The numbering as printed: `一、`, `第一，`.",
    "The section's heading sentence as printed.",
    "Optional lead paragraph before the items.",
    "Optional text after the items (a paragraph that is not an item).",
    "Former anchors of this section that must keep working.",
    topic={
        "type": "string",
        "pattern": SLUG_PATTERN,
        "description": "A key of data/topics.yaml: links this section to the same topic in other years.",
    },
    required=["ordinal", "marker", "heading", "topic"],
    additionalProperties=False,
)

CLOSING_PART = _part(
    ClosingPart,
    "A closing part: what fell short (存在的不足) or what comes next (下一步).",
    "When the report numbers the part like a section (`三、存在的不足`): its number, which continues "
    "the sections'. The part's anchor is then `s3` (items `s3-1`), and `shortcomings` / `next-steps` "
    "is a second id of it.",
    "The numbering as printed when the part is numbered like a section.",
    "The heading as printed (`存在的不足`, `下一步工作打算`).",
    "The opening sentence (`……主要表现在：`, `2024年，我将……`).",
    "Unnumbered text of the part.",
    "Former anchors of this part that must keep working.",
    additionalProperties=False,
    minProperties=1,
)

FIGURE: dict[str, Any] = {
    "type": "object",
    "description": "Which metric a figure in the text measures (or that it measures none).",
    "required": ["at", "text", "metric"],
    "additionalProperties": False,
    "properties": {
        "at": {
            "type": "string",
            "pattern": FIGURE_AT_PATTERN,
            "description": "Anchor of the section or item whose text holds the figure (`s6-1`).",
        },
        "text": _text("The figure as printed (`46件`); its first occurrence there is meant."),
        "metric": {
            "type": ["string", "null"],
            "pattern": SLUG_PATTERN,
            "description": "A key of data/metrics.yaml, or null: the figure is not a metric.",
        },
    },
}

REPORT: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Report data file",
    "description": "One published report: data/<county>/<kind>/<year>.yaml.",
    "type": "object",
    "required": ["schema", "county", "kind", "year", "title", "sections"],
    "additionalProperties": False,
    "properties": {
        "schema": {
            "const": SCHEMA_VERSION,
            "description": f"Version of this format; currently `{SCHEMA_VERSION}`.",
        },
        "county": {
            "type": "string",
            "pattern": SLUG_PATTERN,
            "description": "County slug, a key of data/counties.yaml; must match the folder.",
        },
        "kind": {
            "type": "string",
            "pattern": SLUG_PATTERN,
            "description": "Report kind, a key of data/kinds.yaml; must match the folder.",
        },
        "year": {
            "type": "integer",
            "minimum": 1949,
            "maximum": 2100,
            "description": "The year the report covers (not the publication year); must match the file name.",
        },
        "title": {
            **_text(f"The title as printed, at most {MAX_TITLE} characters."),
            "maxLength": MAX_TITLE,
        },
        "subtitle": _text(
            "A subtitle printed under the title (`——2024年1月26日在县第十八届人民代表大会常务委员会"
            "第十五次会议上`); part of the text, never of the title."
        ),
        "occasion": _text(
            "Where the report was delivered, as its subtitle names it "
            "(`县第十八届人民代表大会常务委员会第十五次会议`)."
        ),
        "author": {
            "type": "object",
            "additionalProperties": False,
            "description": "Who reports.",
            "properties": {
                "role": _text("`县长`, `县人民政府` …; defaults to the kind's author."),
                "name": {
                    "type": "string",
                    "description": "The person's name; may be a redaction (`林**`) or empty.",
                },
                "organization": _text("The issuing government or office (the author of a citation)."),
            },
        },
        "date": {
            "type": "object",
            "additionalProperties": False,
            "description": "Dates of the document. A date the copy does not print and nobody can tell "
            f"is recorded as `{UNKNOWN}` (shown as 不详, left out of citations), never guessed; a "
            "date simply missing is a problem `shufa check` names.",
            "properties": {
                "issued": {
                    "type": "string",
                    "pattern": DATE_OR_UNKNOWN_PATTERN,
                    "format": "date",
                    "description": f"Date on the document, YYYY-MM-DD, or `{UNKNOWN}`.",
                },
                "published": {
                    "type": "string",
                    "pattern": DATE_OR_UNKNOWN_PATTERN,
                    "format": "date",
                    "description": f"Date of online publication, YYYY-MM-DD, or `{UNKNOWN}`.",
                },
                "delivered": {
                    "type": "string",
                    "pattern": DATE_PATTERN,
                    "format": "date",
                    "description": "Date the report was delivered at a meeting, as its subtitle "
                    "says (`——2024年1月26日在……会议上`), YYYY-MM-DD.",
                },
            },
        },
        "source": {
            "type": "object",
            "additionalProperties": False,
            "description": "Where the copy was taken from: the address of the published copy, or "
            "how a copy that is not online was obtained (`obtained`). A report with no online "
            "address is cited as a report, `[R]`, without access date or URL (GB/T 7714).",
            "properties": {
                "url": {
                    "type": "string",
                    "pattern": URL_OR_UNKNOWN_PATTERN,
                    "description": "http(s) address of the published copy, or "
                    f"`{UNKNOWN}`: it was online, and nobody can tell where.",
                },
                "obtained": _text(
                    "How the copy was obtained when it was not taken from a web page: `依申请公开`, "
                    "`纸质文本`, `内网`, `会议材料` … (shown as the source; the report then has no "
                    "online address unless `url` gives one)."
                ),
                "retrieved": {
                    "type": "string",
                    "pattern": DATE_OR_UNKNOWN_PATTERN,
                    "format": "date",
                    "description": "The day the copy was obtained (saved from the web, received, "
                    f"copied), not the day of import; YYYY-MM-DD, or `{UNKNOWN}`.",
                },
                "note": _text("Free note on the source."),
                "original": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["path", "name", "format", "sha256"],
                    "description": "The original file the text was imported from, kept in the "
                    "repository and offered on the report page as 原文.",
                    "properties": {
                        "path": {
                            "type": "string",
                            "pattern": ORIGINAL_PATH_PATTERN,
                            "description": "Where the original is kept, relative to the data "
                            "folder's parent (`sources/qinghe/shufa/2023.pdf`).",
                        },
                        "name": _text("The file's name as received (`青禾县2023年述法报告.pdf`)."),
                        "format": {
                            "enum": [f.name for f in FORMATS],
                            "description": "The original's format: "
                            + ", ".join(f"`{f.name}`" for f in FORMATS)
                            + ".",
                        },
                        "sha256": {
                            "type": "string",
                            "pattern": SHA256_PATTERN,
                            "description": "SHA-256 of the original (64 lower-case hex digits); "
                            "`shufa check` reports a kept original that no longer matches it.",
                        },
                    },
                },
            },
        },
        "preamble": _text("The opening paragraph(s)."),
        "sections": {
            "type": "array",
            "minItems": 1,
            "items": {"$ref": "#/$defs/section"},
            "description": "The numbered sections, in printed order.",
        },
        "closing": {
            "type": "object",
            "additionalProperties": False,
            "description": "The closing parts and the signature.",
            "properties": {
                **{c.key: {"$ref": "#/$defs/closing_part"} for c in CLOSING},
                "signature": _text("Signature line (`青禾县人民政府`)."),
                "date_line": _text("Date line as printed (`2024年1月22日`)."),
            },
        },
        "figures": {
            "type": "array",
            "description": "Explicit metric assignments that win over the phrases of metrics.yaml.",
            "items": {"$ref": "#/$defs/figure"},
        },
        "notes": _text("Free notes of the archive keeper; not part of the report."),
        "added": {
            "type": "string",
            "pattern": DATE_PATTERN,
            "format": "date",
            "description": "The day the report entered the archive, YYYY-MM-DD: written by "
            "`shufa import`, and by `shufa lock` for a report without it (the day of its first "
            "lock). Feeds list reports by it.",
        },
    },
    "$defs": {"item": ITEM, "section": SECTION, "closing_part": CLOSING_PART, "figure": FIGURE},
}

COUNTIES: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "data/counties.yaml",
    "description": "the counties of the archive (and township-level units): slug → name, type, "
    "province, city, code, former slugs",
    "type": "object",
    "propertyNames": {"pattern": SLUG_PATTERN},
    "minProperties": 1,
    "additionalProperties": {
        "type": "object",
        "required": ["name"],
        "additionalProperties": False,
        "properties": {
            "name": _text("Chinese name (`青禾县`, `静海区`, `鹭溪街道`)."),
            "type": {
                "enum": list(UNIT_NAMES),
                "description": "The unit's type: "
                + ", ".join(f"`{name}`" for name in UNIT_NAMES)
                + "; default: the one its name ends in (`北亭区` is a `区`, `澄江市` a `县级市`). "
                "It names the reporting body and its head (`区人民政府`, `区长` for a `区`).",
            },
            "province": _text(
                "Province as printed (`江澜省`); with data/provinces.yaml, the name or key of one of its "
                "provinces."
            ),
            "city": _text(
                "Prefecture-level city (`临川市`); none for a district of a municipality (天津市静海区) "
                "or a unit under its province directly (湖北省仙桃市)."
            ),
            "parent": _text(
                "For a township-level unit (`街道`, `镇`, `乡`): the county-level unit it belongs to (`青屿区`)."
            ),
            "code": {
                "type": "string",
                "pattern": CODE_PATTERN,
                "description": "Optional 6-digit GB/T 2260 administrative division code; "
                "township-level units have none.",
            },
            "aliases": {
                "type": "array",
                "items": {"type": "string", "pattern": SLUG_PATTERN},
                "uniqueItems": True,
                "description": "Former slugs (renamed or merged counties); they get redirect pages.",
            },
            "note": _text("Free note (`原北亭县，撤县设区后更名`)."),
        },
    },
}

PROVINCES: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "data/provinces.yaml",
    "description": "the provinces of the archive: slug → name and the partition of the national build",
    "type": "object",
    "propertyNames": {"pattern": SLUG_PATTERN},
    "minProperties": 1,
    "additionalProperties": {
        "type": "object",
        "required": ["name"],
        "additionalProperties": False,
        "properties": {
            "name": _text("Chinese name (`江澜省`), as counties.yaml prints it."),
            "partition": {
                "type": "string",
                "pattern": SLUG_PATTERN,
                "description": "The partition of the national build the province is built in; default: its "
                "own slug. Provinces that name the same partition are built in one Sphinx run.",
            },
        },
    },
}

KINDS: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "data/kinds.yaml",
    "description": "the report kinds: slug → name, label, default author",
    "type": "object",
    "propertyNames": {"pattern": SLUG_PATTERN},
    "minProperties": 1,
    "additionalProperties": {
        "type": "object",
        "required": ["name"],
        "additionalProperties": False,
        "properties": {
            "name": _text("Chinese name (`述法报告`)."),
            "label": _text("How a report of this kind is named in lists (`县长述法报告`)."),
            "author": _text("Default author role (`县长`)."),
        },
    },
}

TOPICS: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "data/topics.yaml",
    "description": "the topics that link sections across years: key → label and keywords",
    "type": "object",
    "propertyNames": {"pattern": SLUG_PATTERN},
    "minProperties": 1,
    "additionalProperties": {
        "type": "object",
        "required": ["label"],
        "additionalProperties": False,
        "properties": {
            "label": _text("Chinese label (`行政复议与行政应诉`)."),
            "keywords": {
                "type": "array",
                "items": _TEXT,
                "description": "Words that suggest this topic when a report is imported.",
            },
        },
    },
}

METRICS: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "data/metrics.yaml",
    "description": "the metrics figures are assigned to: key → label, units, phrases",
    "type": "object",
    "propertyNames": {"pattern": SLUG_PATTERN},
    "additionalProperties": {
        "type": "object",
        "required": ["label", "units", "phrases"],
        "additionalProperties": False,
        "properties": {
            "label": _text("Chinese label (`行政机关负责人出庭应诉率`)."),
            "units": {
                "type": "array",
                "minItems": 1,
                "items": _TEXT,
                "description": "Units a figure must carry to count (`%`, `件`).",
            },
            "phrases": {
                "type": "array",
                "minItems": 1,
                "items": _TEXT,
                "description": "Phrases that identify the metric in the same clause as the figure.",
            },
        },
    },
}

#: Every schema by the file (or file family) it governs, in the order the docs show them.
SCHEMAS: dict[str, dict[str, Any]] = {
    "report": REPORT,
    "counties": COUNTIES,
    "provinces": PROVINCES,
    "kinds": KINDS,
    "topics": TOPICS,
    "metrics": METRICS,
}
