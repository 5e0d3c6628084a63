"""``archive.schema.json``: the JSON Schema of the documents the site publishes for machines
(:mod:`shufa.core.exporting`), made from the core's own rules.

The anchor pattern is the anchor scheme's (:data:`shufa.core.parts.PART_ANCHOR`), the kinds of
part are the closing-part table's, the formats of originals the format table's
(:mod:`shufa.core.formats`) and the version the documents' own. The file beside the package
(:data:`~shufa.core.exporting.SCHEMA_FILE`) is this schema as :func:`schema_text` writes it;
a test holds them equal, and ``python -m shufa.core.exportschema`` writes the file again.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from .exporting import SCHEMA_FILE, VERSION
from .formats import FORMATS
from .model import UNKNOWN_VALUES
from .parts import CLOSING, PART_ANCHOR
from .units import UNIT_NAMES

#: Objects and lists shorter than this stay on one line of the file.
WIDTH = 120


def archive_schema() -> dict[str, Any]:
    """The JSON Schema of archive.json, the county and report files and the reading files."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "archive.schema.json",
        "title": "The archive data files of a county rule-of-law report archive",
        "description": "archive.json (the index), reports/<county>/index.json (a county), reports/<county>/<kind>/<year>.json (a report, whole) and the document of reports/<county>/<kind>/<year>.js (a report as the browser compares it). Written by the shufa.plugins.export plugin; the field format names which of the four a document is.",
        "oneOf": [
            {"$ref": "#/$defs/archive"},
            {"$ref": "#/$defs/county-file"},
            {"$ref": "#/$defs/report"},
            {"$ref": "#/$defs/reading"},
        ],
        "$defs": {
            "slug": {"type": "string", "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$"},
            "date": {
                "type": "string",
                "pattern": "^(?:[0-9]{4}-[0-9]{2}-[0-9]{2})?$",
                "description": "YYYY-MM-DD, or empty when the data gives none.",
            },
            "url": {
                "type": "string",
                "minLength": 1,
                "description": "Absolute under base_url (html_baseurl), else relative to the site's root.",
            },
            "anchor": {
                "type": "string",
                "pattern": f"^(?:{PART_ANCHOR}|preamble)$",
                "description": "The part's id on its page: s3, s3-2, shortcomings, next-steps-1, preamble.",
            },
            "ids": {
                "type": "array",
                "items": {"type": "string"},
                "minItems": 1,
                "description": "Every id the part answers to: its anchor first, then (a numbered closing part's) shortcomings / next-steps, then former ids (aliases).",
            },
            "topic-key": {"$ref": "#/$defs/slug", "description": "A key of the index's topics."},
            "figure": {
                "type": "object",
                "description": "A figure written in the text (224项, 98%以上, 12.5万余份); redacted numbers are never figures.",
                "required": ["text", "value", "unit", "qualifier", "anchor", "field", "start", "end"],
                "additionalProperties": False,
                "properties": {
                    "text": {"type": "string", "minLength": 1, "description": "The figure as written."},
                    "value": {"type": "number"},
                    "unit": {
                        "type": "string",
                        "description": "项, %, 个 …; empty when none (万 and 亿 scale the value).",
                    },
                    "qualifier": {"type": "string", "description": "余, 以上, 近 …; empty when none."},
                    "anchor": {
                        "$ref": "#/$defs/anchor",
                        "description": "The part that holds the figure; its url is that part's.",
                    },
                    "field": {
                        "enum": ["preamble", "heading", "lead", "intro", "text", "label"],
                        "description": "The text field of the part that holds the figure.",
                    },
                    "start": {
                        "type": "integer",
                        "minimum": 0,
                        "description": "Offset of the figure in that field.",
                    },
                    "end": {"type": "integer", "minimum": 1},
                },
            },
            "figures": {"type": "array", "items": {"$ref": "#/$defs/figure"}},
            "county": {
                "type": "object",
                "required": ["slug", "name", "type", "province", "city", "code", "aliases", "url", "data"],
                "properties": {
                    "slug": {"$ref": "#/$defs/slug"},
                    "name": {"type": "string"},
                    "type": {
                        "enum": list(UNIT_NAMES),
                        "description": "The unit's type (县, 区, 县级市, 旗 …, or a township-level 街道, 镇, 乡).",
                    },
                    "province": {"$ref": "#/$defs/slug", "description": "A key of the index's provinces."},
                    "city": {"type": "string"},
                    "code": {"type": "string"},
                    "aliases": {
                        "type": "array",
                        "items": {"$ref": "#/$defs/slug"},
                        "description": "Former slugs; their pages redirect.",
                    },
                    "url": {"$ref": "#/$defs/url", "description": "The county's page."},
                    "data": {
                        "$ref": "#/$defs/url",
                        "description": "The county file: reports/<county>/index.json.",
                    },
                },
            },
            "archive": {
                "type": "object",
                "description": "archive.json: the index of the archive.",
                "required": [
                    "format",
                    "version",
                    "title",
                    "base_url",
                    "kinds",
                    "topics",
                    "provinces",
                    "counties",
                ],
                "additionalProperties": False,
                "properties": {
                    "format": {"const": "shufa-archive"},
                    "version": {"const": VERSION, "description": "Version of these formats."},
                    "title": {"type": "string", "description": "The site's title."},
                    "base_url": {
                        "type": "string",
                        "description": "html_baseurl of the build. Empty: every url is relative to the site's root.",
                    },
                    "kinds": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["slug", "name", "label"],
                            "additionalProperties": False,
                            "properties": {
                                "slug": {"$ref": "#/$defs/slug"},
                                "name": {"type": "string", "description": "述法报告, 法治政府建设年度报告 …"},
                                "label": {"type": "string"},
                            },
                        },
                    },
                    "topics": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["key", "label"],
                            "additionalProperties": False,
                            "properties": {"key": {"$ref": "#/$defs/slug"}, "label": {"type": "string"}},
                        },
                    },
                    "provinces": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["slug", "name"],
                            "additionalProperties": False,
                            "properties": {"slug": {"$ref": "#/$defs/slug"}, "name": {"type": "string"}},
                        },
                    },
                    "counties": {
                        "type": "array",
                        "items": {
                            "allOf": [{"$ref": "#/$defs/county"}],
                            "required": ["reports"],
                            "properties": {
                                "reports": {
                                    "type": "integer",
                                    "minimum": 0,
                                    "description": "How many reports the county file lists.",
                                }
                            },
                            "unevaluatedProperties": False,
                        },
                    },
                },
            },
            "county-file": {
                "type": "object",
                "description": "reports/<county>/index.json: a county and its reports, by kind then year.",
                "allOf": [{"$ref": "#/$defs/county"}],
                "required": ["format", "version", "reports"],
                "properties": {
                    "format": {"const": "shufa-county"},
                    "version": {"const": VERSION},
                    "reports": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["key", "kind", "year", "title", "url", "data"],
                            "additionalProperties": False,
                            "properties": {
                                "key": {
                                    "type": "string",
                                    "pattern": "^[a-z0-9-]+/[a-z0-9-]+/[0-9]{4}$",
                                    "description": "county/kind/year",
                                },
                                "kind": {"$ref": "#/$defs/slug"},
                                "year": {"type": "integer", "description": "The year the report covers."},
                                "title": {"type": "string", "minLength": 1},
                                "url": {"$ref": "#/$defs/url", "description": "The report's page."},
                                "data": {
                                    "$ref": "#/$defs/url",
                                    "description": "The report file: reports/<county>/<kind>/<year>.json.",
                                },
                            },
                        },
                    },
                },
                "unevaluatedProperties": False,
            },
            "item": {
                "type": "object",
                "required": [
                    "anchor",
                    "ids",
                    "url",
                    "ordinal",
                    "marker",
                    "label",
                    "text",
                    "topic",
                    "figures",
                    "items",
                ],
                "additionalProperties": False,
                "properties": {
                    "anchor": {"$ref": "#/$defs/anchor"},
                    "ids": {"$ref": "#/$defs/ids"},
                    "url": {"$ref": "#/$defs/url"},
                    "ordinal": {"type": "integer", "minimum": 1},
                    "marker": {"type": "string", "description": "The numbering as printed: 一是, （一）, 1."},
                    "label": {
                        "type": "string",
                        "description": "The run-in label as printed (强化统筹部署。); may be empty.",
                    },
                    "text": {"type": "string", "description": "The item's text after the label."},
                    "topic": {
                        "oneOf": [{"$ref": "#/$defs/topic-key"}, {"type": "null"}],
                        "description": "The item's topic, else its section's; null in a closing part.",
                    },
                    "figures": {"$ref": "#/$defs/figures"},
                    "items": {"type": "array", "items": {"$ref": "#/$defs/item"}},
                },
            },
            "part": {
                "type": "object",
                "description": "A numbered section (kind section) or a closing part (kind shortcomings, 存在的不足, or next-steps, 下一步).",
                "required": [
                    "kind",
                    "anchor",
                    "ids",
                    "url",
                    "ordinal",
                    "marker",
                    "heading",
                    "topic",
                    "text",
                    "figures",
                    "items",
                ],
                "additionalProperties": False,
                "properties": {
                    "kind": {"enum": ["section", *(c.anchor for c in CLOSING)]},
                    "anchor": {"$ref": "#/$defs/anchor"},
                    "ids": {"$ref": "#/$defs/ids"},
                    "url": {"$ref": "#/$defs/url"},
                    "ordinal": {
                        "oneOf": [{"type": "integer", "minimum": 1}, {"type": "null"}],
                        "description": "A section's number; a closing part's when the report numbers it, else null.",
                    },
                    "marker": {"type": "string", "description": "The numbering as printed: 一、"},
                    "heading": {
                        "type": "string",
                        "description": "As printed; may be empty for a closing part.",
                    },
                    "topic": {
                        "oneOf": [{"$ref": "#/$defs/topic-key"}, {"type": "null"}],
                        "description": "A section's topic; null for a closing part.",
                    },
                    "lead": {"type": "string", "description": "A section's lead paragraph(s)."},
                    "intro": {"type": "string", "description": "A closing part's opening sentence."},
                    "text": {"type": "string", "description": "Text of the part that is not an item."},
                    "figures": {"$ref": "#/$defs/figures"},
                    "items": {"type": "array", "items": {"$ref": "#/$defs/item"}},
                },
            },
            "report": {
                "type": "object",
                "description": "reports/<county>/<kind>/<year>.json: a report, whole, in reading order.",
                "required": [
                    "format",
                    "version",
                    "key",
                    "county",
                    "kind",
                    "year",
                    "years",
                    "title",
                    "subtitle",
                    "url",
                    "author",
                    "issued",
                    "published",
                    "delivered",
                    "occasion",
                    "source_url",
                    "obtained",
                    "retrieved",
                    "unknown",
                    "added",
                    "original",
                    "citation",
                    "preamble",
                    "figures",
                    "parts",
                    "signature",
                    "date_line",
                ],
                "additionalProperties": False,
                "properties": {
                    "format": {"const": "shufa-report"},
                    "version": {"const": VERSION},
                    "key": {
                        "type": "string",
                        "pattern": "^[a-z0-9-]+/[a-z0-9-]+/[0-9]{4}$",
                        "description": "county/kind/year",
                    },
                    "county": {"$ref": "#/$defs/slug"},
                    "kind": {"$ref": "#/$defs/slug"},
                    "year": {"type": "integer", "description": "The year the report covers."},
                    "years": {
                        "type": "array",
                        "items": {"type": "integer"},
                        "description": "Every year the archive holds of this county's reports of this kind (their files are beside this one).",
                    },
                    "title": {"type": "string", "minLength": 1},
                    "subtitle": {
                        "type": "string",
                        "description": "The line under the title (——2024年1月26日在…会议上); empty when none.",
                    },
                    "url": {"$ref": "#/$defs/url"},
                    "author": {
                        "type": "object",
                        "required": ["role", "name", "organization"],
                        "additionalProperties": False,
                        "properties": {
                            "role": {"type": "string"},
                            "name": {
                                "type": "string",
                                "description": "As published; may be redacted (林**).",
                            },
                            "organization": {"type": "string"},
                        },
                    },
                    "issued": {"$ref": "#/$defs/date"},
                    "published": {"$ref": "#/$defs/date"},
                    "delivered": {
                        "$ref": "#/$defs/date",
                        "description": "The day the report was delivered, when the subtitle says.",
                    },
                    "occasion": {
                        "type": "string",
                        "description": "Where it was delivered, when the subtitle says.",
                    },
                    "source_url": {
                        "type": "string",
                        "description": "The published original; empty when unknown.",
                    },
                    "obtained": {
                        "type": "string",
                        "description": "How a copy that is not online was obtained (依申请公开, 纸质文本 …); "
                        "empty when it was taken from the web.",
                    },
                    "retrieved": {"$ref": "#/$defs/date"},
                    "unknown": {
                        "type": "array",
                        "items": {"enum": list(UNKNOWN_VALUES)},
                        "uniqueItems": True,
                        "description": "The values the data records as unknown (shown as 不详); their "
                        "fields here are empty.",
                    },
                    "added": {
                        "$ref": "#/$defs/date",
                        "description": "The day the report entered the archive; empty when not recorded.",
                    },
                    "original": {
                        "oneOf": [
                            {"type": "null"},
                            {
                                "type": "object",
                                "required": ["url", "view", "format", "sha256"],
                                "additionalProperties": False,
                                "properties": {
                                    "url": {
                                        "$ref": "#/$defs/url",
                                        "description": "The kept original for download, byte for byte, beside "
                                        "the page (a saved web page as <year>.original.html.txt).",
                                    },
                                    "view": {
                                        "$ref": "#/$defs/url",
                                        "description": "The page of the original's text (<year>.source.html).",
                                    },
                                    "format": {"enum": [f.name for f in FORMATS]},
                                    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                                },
                            },
                        ]
                    },
                    "citation": {
                        "type": "object",
                        "required": ["bibtex", "csl_json"],
                        "additionalProperties": False,
                        "properties": {
                            "bibtex": {"$ref": "#/$defs/url"},
                            "csl_json": {"$ref": "#/$defs/url"},
                        },
                    },
                    "preamble": {"type": "string"},
                    "figures": {
                        "$ref": "#/$defs/figures",
                        "description": "Figures of the preamble (anchor preamble).",
                    },
                    "parts": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"$ref": "#/$defs/part"},
                        "description": "The sections, then the closing parts.",
                    },
                    "signature": {"type": "string"},
                    "date_line": {"type": "string"},
                },
            },
            "reading": {
                "type": "object",
                "description": "reports/<county>/<kind>/<year>.js: the report as the browser compares it, set as ShufaReports[key] (the file is this document, wrapped in that assignment). Its text, as the reuse rate counts it, is before, each part's printed and after, one per line.",
                "required": [
                    "format",
                    "version",
                    "key",
                    "county",
                    "county_name",
                    "kind",
                    "kind_name",
                    "year",
                    "years",
                    "title",
                    "page",
                    "url",
                    "data",
                    "before",
                    "parts",
                    "after",
                ],
                "additionalProperties": False,
                "properties": {
                    "format": {"const": "shufa-reading"},
                    "version": {"const": VERSION},
                    "key": {
                        "type": "string",
                        "pattern": "^[a-z0-9-]+/[a-z0-9-]+/[0-9]{4}$",
                        "description": "county/kind/year",
                    },
                    "county": {"$ref": "#/$defs/slug"},
                    "county_name": {"type": "string", "minLength": 1},
                    "kind": {"$ref": "#/$defs/slug"},
                    "kind_name": {"type": "string", "minLength": 1},
                    "year": {"type": "integer"},
                    "years": {
                        "type": "array",
                        "items": {"type": "integer"},
                        "description": "Every year of this county's reports of this kind.",
                    },
                    "title": {"type": "string", "minLength": 1},
                    "page": {
                        "type": "string",
                        "pattern": "^reports/[a-z0-9-]+/[a-z0-9-]+/[0-9]{4}[.]html$",
                        "description": "The report's page, relative to the site's root (also without html_baseurl).",
                    },
                    "url": {"$ref": "#/$defs/url"},
                    "data": {"$ref": "#/$defs/url", "description": "The report file (<year>.json)."},
                    "before": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "The printed text before the parts: title, subtitle, preamble.",
                    },
                    "parts": {
                        "type": "array",
                        "minItems": 1,
                        "description": "The sections, then the closing parts.",
                        "items": {
                            "type": "object",
                            "required": ["kind", "anchor", "ids", "topic", "marker", "heading", "printed"],
                            "additionalProperties": False,
                            "properties": {
                                "kind": {"enum": ["section", *(c.anchor for c in CLOSING)]},
                                "anchor": {"$ref": "#/$defs/anchor"},
                                "ids": {"$ref": "#/$defs/ids"},
                                "topic": {"oneOf": [{"$ref": "#/$defs/topic-key"}, {"type": "null"}]},
                                "marker": {"type": "string"},
                                "heading": {"type": "string"},
                                "printed": {
                                    "type": "string",
                                    "description": "The part as printed: the heading on its marker's line, each item (marker, label, text) on a line of its own.",
                                },
                            },
                        },
                    },
                    "after": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "The printed text after the parts: signature, date line.",
                    },
                },
            },
        },
    }


def schema_text() -> str:
    """The schema as the file holds it: each object or list on one line when it fits, else one
    member per line, indented by two spaces."""
    return _dump(archive_schema(), 0) + "\n"


def _dump(value: Any, indent: int) -> str:
    flat = json.dumps(value, ensure_ascii=False)
    if not isinstance(value, (dict, list)) or not value or indent + len(flat) <= WIDTH:
        return flat
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        members = [
            f"{pad}{json.dumps(k, ensure_ascii=False)}: {_dump(v, indent + 2)}" for k, v in value.items()
        ]
        return "{\n" + ",\n".join(members) + "\n" + " " * indent + "}"
    members = [f"{pad}{_dump(v, indent + 2)}" for v in value]
    return "[\n" + ",\n".join(members) + "\n" + " " * indent + "]"


def main() -> int:
    SCHEMA_FILE.write_text(schema_text(), encoding="utf-8")
    print(f"{SCHEMA_FILE}: written from the core", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
