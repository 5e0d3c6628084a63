"""Write a report mapping as YAML in the style of data/, atomically, never over an existing file.

Style: keys in the order of the schema (schema.py), two-space indents, list
items as ``- key: value`` blocks, slugs and dates plain, integers plain, every
text double-quoted in readable UTF-8 (a text of several paragraphs as a
literal ``|-`` block, one paragraph per line).

Writing goes to a temporary file next to the target, which is checked (by the
caller's *check*, normally: read back with the project's loader and validated)
and then linked into place (:func:`shufa.core.files.write_atomically`): a crash or
a failed check leaves no half-written file, and an existing file is never replaced
unless ``force`` is given.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..core.files import write_atomically
from ..core.schema import DATE_PATTERN, REPORT, SLUG_PATTERN, UNKNOWN
from .reading import ImportFailure

Path_ = tuple[str | int, ...]

_SLUG = re.compile(SLUG_PATTERN)
_DATE = re.compile(DATE_PATTERN)
_PLAIN_SLUGS = {"county", "kind", "topic"}
_PLAIN_DATES = {"issued", "published", "retrieved", "delivered", "added"}
#: Values that may be recorded as ``unknown``, written plain (``published: unknown``).
_PLAIN_UNKNOWN = {"issued", "published", "retrieved", "url"}
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\t": "\\t",
    "\n": "\\n",
    "\r": "\\r",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
    "\ufeff": "\\uFEFF",
}
_NEEDS_ESCAPE = re.compile(r'[\\"\t\n\r\x85\u2028\u2029\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]')
_PRINTABLE_BLOCK = re.compile(r"[^\t\x85\u2028\u2029\ufeff\x00-\x08\x0b-\x1f\x7f-\x9f]*")


def _resolve(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = schema.get("$ref", "")
    if ref.startswith("#/$defs/"):
        return REPORT["$defs"].get(ref.removeprefix("#/$defs/"), {})
    return schema


def _schema_for(schema: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """The schema of *key*'s value (of its elements, for a list)."""
    sub = _resolve(schema.get("properties", {}).get(key, {}))
    if sub.get("type") == "array":
        return _resolve(sub.get("items", {}))
    return sub


def _ordered(mapping: Mapping[str, Any], schema: Mapping[str, Any]) -> list[str]:
    order = list(schema.get("properties", {}))
    return sorted(mapping, key=lambda k: (order.index(k) if k in order else len(order), k))


def quoted(text: str) -> str:
    """*text* as a YAML double-quoted scalar, escaping only what must be escaped."""

    def escape(m: re.Match[str]) -> str:
        ch = m.group()
        return _ESCAPES.get(ch) or f"\\x{ord(ch):02x}"

    return '"' + _NEEDS_ESCAPE.sub(escape, text) + '"'


def _literal_ok(text: str) -> bool:
    lines = text.split("\n")
    return (
        len(lines) > 1
        and all(line and line == line.strip() for line in lines)
        and _PRINTABLE_BLOCK.fullmatch(text.replace("\n", "")) is not None
    )


def _scalar(key: str, value: Any, indent: int) -> list[str]:
    """The scalar *value* of *key*: the rest of the ``key:`` line, then any block lines."""
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, int):
        return [str(value)]
    text = str(value)
    if key in _PLAIN_SLUGS and _SLUG.match(text):
        return [text]
    if key in _PLAIN_DATES and _DATE.match(text):
        return [text]
    if key in _PLAIN_UNKNOWN and text == UNKNOWN:
        return [text]
    if "\n" in text and _literal_ok(text):
        pad = " " * (indent + 2)
        return ["|-", *(pad + line for line in text.split("\n"))]
    return [quoted(text)]


def dump_report(document: Mapping[str, Any], comments: Mapping[Path_, str] | None = None) -> str:
    """*document* as the text of a data file; *comments* adds ``# …`` after the value at a path."""
    out: list[str] = []
    _mapping(out, document, REPORT, 0, (), comments or {}, first_prefix="")
    return "\n".join(out) + "\n"


def _mapping(
    out: list[str],
    mapping: Mapping[str, Any],
    schema: Mapping[str, Any],
    indent: int,
    path: Path_,
    comments: Mapping[Path_, str],
    first_prefix: str | None = None,
) -> None:
    pad = " " * indent
    for n, key in enumerate(_ordered(mapping, schema)):
        value = mapping[key]
        lead = (pad[:-2] + first_prefix) if (n == 0 and first_prefix) else pad
        here = (*path, key)
        sub = _schema_for(schema, key)
        if isinstance(value, Mapping):
            out.append(f"{lead}{key}:")
            _mapping(out, value, sub, indent + 2, here, comments)
        elif isinstance(value, list):
            if not value:
                out.append(f"{lead}{key}: []")
                continue
            out.append(f"{lead}{key}:")
            for i, element in enumerate(value):
                if isinstance(element, Mapping):
                    _mapping(out, element, sub, indent + 4, (*here, i), comments, first_prefix="- ")
                else:
                    out.append(f"{pad}  - {_scalar(key, element, indent + 2)[0]}")
        else:
            first, *block = _scalar(key, value, indent)
            note = comments.get(here)
            out.append(f"{lead}{key}: {first}" + (f"  # {note}" if note else ""))
            out.extend(block)


# --- writing ------------------------------------------------------------------------------


def exists_message(path: Path) -> str:
    return f"{path} exists; not overwritten (pass --force to replace it)"


def write_new_file(
    path: Path, text: str, *, force: bool = False, check: Callable[[Path], None] | None = None
) -> None:
    """Write *text* to *path* all at once (:func:`shufa.core.files.write_atomically`: on the disk,
    with the mode of the file it replaces), after *check* accepted the written copy.

    Raises :class:`ImportFailure` when *path* exists and *force* is false, or when the
    system refuses the write (no space, no permission); whatever *check* raises
    propagates. Either way nothing is left behind: no temporary file, no new folder.
    """
    path = Path(path)
    if path.exists() and not force:
        raise ImportFailure(exists_message(path))
    created = make_parents(path.parent)
    try:
        write_atomically(
            path, text.encode("utf-8"), replace=force, mode=_mode_for(path), durable=True, check=check
        )
    except BaseException as exc:
        for folder in reversed(created):  # folders made for this file go too
            try:
                folder.rmdir()
            except OSError:
                break
        if isinstance(exc, FileExistsError):
            raise ImportFailure(exists_message(path)) from None
        if isinstance(exc, OSError):
            raise ImportFailure(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


def make_parents(folder: Path) -> list[Path]:
    """*folder* and its missing parents made; the ones made, outermost first (to remove them
    again when the write fails). :class:`ImportFailure` when they cannot be."""
    missing = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ImportFailure(f"cannot create {folder}: {exc.strerror}") from None
    return list(reversed(missing))


def _mode_for(path: Path) -> int:
    if path.exists():
        return path.stat().st_mode & 0o777
    return new_file_mode()


def new_file_mode() -> int:
    """The mode a new file of the repository gets: readable by all, as the umask allows
    (``0o644`` under the usual umask; a temporary file is made ``0o600``)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
