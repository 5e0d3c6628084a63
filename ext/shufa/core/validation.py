"""Schema validation of data files, worded for their editors: "what is wrong; expected …".

fastjsonschema answers "valid" fast; jsonschema finds and words every problem of
the others. :func:`validate` is the one validator every reader of data files
uses (the loader, the importer's read-back, ``shufa figures``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

import fastjsonschema
import jsonschema

from .problems import Problem
from .schema import PATTERN_FORMS, SCHEMAS
from .yamlfile import YamlDocument

_DATE_SHAPE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def is_calendar_date(value: Any) -> bool:
    """The schema's ``format: date``: a YYYY-MM-DD text names a day of the calendar.

    The one calendar check of the data format: ``2024-02-30``, ``2024-13-45`` and
    ``0000-00-00`` have the shape of a date and are none. A text of another shape is
    left to the ``pattern`` beside it (which words that problem), anything else to ``type``.
    """
    if not isinstance(value, str):
        return True
    shape = _DATE_SHAPE.fullmatch(value)
    if shape is None:
        return True
    try:
        dt.date(*(int(part) for part in shape.groups()))
    except ValueError:
        return False
    return True


def _is_integer(checker: Any, value: Any) -> bool:
    """A whole number as written: ``1``, not ``1.0`` (JSON Schema counts 1.0 as an integer,
    and an ordinal 1.0 would become the anchor ``s1.0``)."""
    return isinstance(value, int) and not isinstance(value, bool)


#: jsonschema's 2020-12 validator with the data format's own rules: integers are ints, and
#: ``format: date`` is checked (not only an annotation).
_Validator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer),
)
_FORMATS = jsonschema.FormatChecker(formats=())
_FORMATS.checks("date")(is_calendar_date)

_VALIDATORS = {id(schema): _Validator(schema, format_checker=_FORMATS) for schema in SCHEMAS.values()}


def _quick(schema: dict[str, Any]) -> Any:
    """A compiled yes/no check of *schema* (fastjsonschema), about 20 times faster than jsonschema.

    The schemas use only keywords that mean the same in draft-07 and 2020-12, and the
    same ``format: date`` check. fastjsonschema takes ``1.0`` for an integer, as JSON
    Schema says, and ``true`` for 1, as Python does; the data format does neither, so
    :func:`validate` asks it only about documents without a float or a boolean (no value
    of the format is one). For those it says "valid" only when jsonschema does too:
    tests/test_robustness.py checks that the two agree, both ways. Anything else goes to
    jsonschema, which finds and words every problem.
    """
    return fastjsonschema.compile(
        {k: v for k, v in schema.items() if k != "$schema"}, formats={"date": is_calendar_date}
    )


_QUICK = {id(schema): _quick(schema) for schema in SCHEMAS.values()}


def _needs_full(value: Any) -> bool:
    """Whether *value* holds a float or a boolean, which fastjsonschema compares as Python does
    (``1.0`` is an integer, ``true`` equals the ``const`` 1, ``[1, true]`` repeats an entry)
    and jsonschema as JSON Schema does. No value of the data format is either, so such a
    document is invalid anyway: jsonschema decides and words it."""
    stack = [value]
    while stack:
        top = stack.pop()
        if isinstance(top, float | bool):
            return True
        if isinstance(top, dict):
            stack.extend(top.values())
        elif isinstance(top, list):
            stack.extend(top)
    return False


def quick_accepts(value: Any, schema: dict[str, Any]) -> bool:
    """Whether the fast check alone may declare *value* valid (jsonschema would agree)."""
    if _needs_full(value):
        return False
    try:
        _QUICK[id(schema)](value)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


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
        return f"the text “{_shortened(value, 20)}”"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _shortened(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def dotted(path: Iterable[str | int]) -> str:
    """``sections[2].items[0].text`` for a value path."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the file"


def validate(doc: YamlDocument, schema: dict[str, Any]) -> list[Problem]:
    """Every schema violation of *doc*, located and phrased as what is wrong and what was expected."""
    if quick_accepts(doc.value, schema):
        return []
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
    elif validator == "maxLength":
        message = (
            f"{where}: text of {len(error.instance)} characters; expected at most "
            f"{error.validator_value} characters{hint}"
        )
    elif validator == "format" and error.validator_value == "date":
        message = f"{where}: “{_shortened(error.instance)}” is not a date of the calendar; expected a real date{hint}"
    elif validator == "pattern":
        form = PATTERN_FORMS.get(error.validator_value, "the form of this value")
        message = (
            f"{where}: “{_shortened(error.instance)}” is not in the expected form; expected {form}{hint}"
        )
    elif validator == "enum":
        allowed = ", ".join(f"`{v}`" for v in error.validator_value)
        message = f"{where}: found {_kind_of(error.instance)}; expected one of: {allowed}"
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
