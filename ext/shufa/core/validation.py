"""Schema validation of data files, worded for their editors: "what is wrong; expected …".

fastjsonschema answers "valid" fast; jsonschema finds and words every problem of
the others. :func:`validate` is the one validator every reader of data files
uses (the loader, the importer's read-back, ``shufa figures``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import fastjsonschema
import jsonschema

from .problems import Problem
from .schema import SCHEMAS
from .yamlfile import YamlDocument

_VALIDATORS = {id(schema): jsonschema.Draft202012Validator(schema) for schema in SCHEMAS.values()}


def _quick(schema: dict[str, Any]) -> Any:
    """A compiled yes/no check of *schema* (fastjsonschema), about 20 times faster than jsonschema.

    The schemas use only keywords that mean the same in draft-07 and 2020-12. It only
    ever says "valid" for a document jsonschema accepts too (it is stricter, if anything:
    ``1.0`` is no integer for it); anything else goes to jsonschema, which finds and
    words every problem. tests/test_robustness.py checks the two agree.
    """
    return fastjsonschema.compile({k: v for k, v in schema.items() if k != "$schema"})


_QUICK = {id(schema): _quick(schema) for schema in SCHEMAS.values()}


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
