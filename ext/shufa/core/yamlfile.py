"""Read a YAML data file with safe-load semantics, keeping the line and column of every value.

Values are built from the composed node tree (libyaml when available), so no
object is ever constructed from a tag, anchors/aliases are refused (no alias
bomb can expand), duplicate keys are errors instead of silent overwrites, and
each value's position is recorded under its path (``("sections", 2, "heading")``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import DataError, Problem, display_path

try:  # libyaml is an order of magnitude faster; PyYAML's wheels ship it
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the platform's wheel
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

#: A data file larger than this is not a report; refuse it before parsing.
MAX_FILE_BYTES = 2 * 1024 * 1024

Path_ = tuple[str | int, ...]

# Characters that must not hide in report text: C0/C1 controls other than tab and
# newline, and the bidirectional overrides that can make text display reversed.
_BIDI = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}


#: The tags plain YAML resolves to; anything else (``!!python/object``, ``!!binary``,
#: ``!custom``) is refused rather than constructed.
_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}


@dataclass
class YamlDocument:
    """A parsed data file: its value and the (line, col) of every value and key."""

    path: Path
    value: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    @property
    def shown_path(self) -> str:
        return display_path(self.path)

    def where(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Position of the value at *path*, or of its nearest ancestor that has one."""
        table = self.key_positions if key else self.positions
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if key and probe in self.positions:
                return self.positions[probe]
            probe = probe[:-1]
        return self.positions.get((), (1, 1))

    def problem(self, path: Path_, message: str, *, key: bool = False, code: str = "data") -> Problem:
        line, col = self.where(path, key=key)
        return Problem(self.shown_path, line, col, message, code)


_STR_TAG = "tag:yaml.org,2002:str"


def _describe_char(char: str) -> str:
    """``control character U+202E (RIGHT-TO-LEFT OVERRIDE)``; C0 controls have no Unicode name."""
    name = unicodedata.name(char, "")
    return f"control character U+{ord(char):04X}" + (f" ({name})" if name else "")


def _shown_tag(tag: str) -> str:
    """A tag as it is written in the file (``!!python/object``, ``!include``)."""
    return "!!" + tag[len("tag:yaml.org,2002:") :] if tag.startswith("tag:yaml.org,2002:") else tag


#: Control characters (Unicode category Cc: U+0000–001F, U+007F–009F) but tab and line
#: feed, and the bidi overrides.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + "".join(sorted(_BIDI)) + "]")


def unsafe_character(text: str) -> str | None:
    """The first control or bidi-override character in *text*, if any."""
    found = _UNSAFE.search(text)
    return found.group() if found else None


def read_yaml(path: Path) -> YamlDocument:
    """Read *path*; raise :class:`DataError` with located problems when it is not clean YAML."""
    shown = display_path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DataError(
                [
                    Problem(
                        shown,
                        0,
                        0,
                        f"file is {size / 1048576:.1f} MB; a data file is expected to be at most "
                        f"{MAX_FILE_BYTES // 1048576} MB",
                        "file",
                    )
                ]
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError([Problem(shown, 0, 0, f"cannot read: {exc.strerror}", "file")]) from None
    text = _decode(raw, shown)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.reader.ReaderError as exc:
        # a character YAML does not accept (C0 controls): locate it by its offset, which
        # libyaml counts in bytes of UTF-8 and the pure-Python reader in characters
        offset = exc.position
        if _Loader.__name__.startswith("C"):
            offset = len(text.encode("utf-8")[:offset].decode("utf-8", errors="ignore"))
        offset = min(offset, len(text))
        line = text.count("\n", 0, offset) + 1
        col = offset - (text.rfind("\n", 0, offset) + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise DataError(
            [
                Problem(
                    shown,
                    line,
                    col,
                    f"{_describe_char(char)} in text; expected printable text",
                    "text",
                )
            ]
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        raise DataError([Problem(shown, line, col, f"YAML syntax error: {what}{context}", "yaml")]) from None
    except yaml.YAMLError as exc:
        raise DataError([Problem(shown, 0, 0, f"YAML error: {exc}", "yaml")]) from None
    doc = YamlDocument(path, None)
    if node is None:
        raise DataError([Problem(shown, 1, 1, "empty file; expected a YAML mapping", "yaml")])
    builder = _Builder(doc)
    doc.value = builder.build(node, ())
    if builder.problems:
        raise DataError(builder.problems)
    return doc


def _decode(raw: bytes, shown: str) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        raise DataError(
            [
                Problem(
                    shown,
                    line,
                    col,
                    f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); expected a UTF-8 file "
                    "(convert it, e.g. `iconv -f GB18030 -t UTF-8`)",
                    "encoding",
                )
            ]
        ) from None
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        col = offset - (text.rfind("\n", 0, offset) + 1) + 1
        raise DataError(
            [Problem(shown, line, col, "NUL byte in file; expected a YAML text file", "encoding")]
        )
    return text


class _Builder:
    """Turns composed nodes into plain values, recording positions and problems."""

    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc
        self.problems: list[Problem] = []
        self.seen: set[int] = set()
        self.stopped = False
        self.scalars = yaml.constructor.SafeConstructor()

    def _problem(self, node: yaml.Node, message: str, code: str = "yaml") -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.doc.shown_path, mark.line + 1, mark.column + 1, message, code))

    def build(self, node: yaml.Node, path: Path_) -> Any:
        if self.stopped:
            return None
        self.doc.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag not in _PLAIN_TAGS:
            self._problem(node, f"YAML tag {_shown_tag(node.tag)} is not allowed; expected plain values")
            return None
        if id(node) in self.seen:
            # The composer shares one node for every alias of an anchor: refusing the
            # second visit is what keeps a "billion laughs" file from expanding.
            self._problem(node, "YAML aliases (*name) are not allowed in data files; write the value out")
            self.stopped = True  # one message is enough; do not walk the rest of a possible bomb
            return None
        self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._problem(
                    key_node, "YAML merge keys (<<) are not allowed in data files; write the keys out"
                )
                continue
            key = self._scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if isinstance(key, int) and not isinstance(key, bool):
                key = str(key)  # county codes, years as keys: keep them as text
            if not isinstance(key, str):
                self._problem(key_node, "mapping key is not text; expected a plain key such as `title`")
                continue
            if key in result:
                self._problem(key_node, f"duplicate key `{key}`; expected each key once")
                continue
            self.doc.key_positions[(*path, key)] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            result[key] = self.build(value_node, (*path, key))
        return result

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag not in _PLAIN_TAGS:
            self._problem(node, f"YAML tag {_shown_tag(node.tag)} is not allowed; expected plain values")
            return None
        if node.tag == _STR_TAG:
            value: Any = node.value  # what the constructor returns for a string, without its overhead
            bad = unsafe_character(value)
            if bad is not None:
                self._problem(node, f"{_describe_char(bad)} in text; expected printable text", "text")
            return value
        try:
            value = self.scalars.construct_object(node)
        except yaml.YAMLError as exc:
            self._problem(node, f"cannot read value: {getattr(exc, 'problem', exc)}")
            return None
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        if isinstance(value, str):
            bad = unsafe_character(value)
            if bad is not None:
                self._problem(
                    node,
                    f"{_describe_char(bad)} in text; expected printable text",
                    "text",
                )
        return value
