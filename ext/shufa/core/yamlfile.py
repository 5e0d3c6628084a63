"""Read a YAML data file with safe-load semantics, keeping the line and column of every value.

Values are built from the composed node tree (libyaml when available), so no
object is ever constructed from a tag, anchors/aliases are refused (no alias
bomb can expand), duplicate keys are errors instead of silent overwrites, and
each value's position is recorded under its path (``("sections", 2, "heading")``).

What a hostile file could make expensive is bounded before the work is done: the
file's size (:data:`MAX_FILE_BYTES`), the nesting of values (:data:`MAX_DEPTH`) and
the length of a number (:data:`MAX_NUMBER_CHARS`). A date written without quotes
(``issued: 2024-01-22``) is read as the text written: whether it is a date of the
calendar is the schema's check (:func:`shufa.core.validation.is_calendar_date`),
the one place dates are validated. Files are read by :func:`read_text_file`, which
never follows a symbolic link and never opens a FIFO, socket or device.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .nofollow import NotFollowed, open_regular
from .problems import ERROR, DataError, Problem, display_path

try:  # libyaml is an order of magnitude faster; PyYAML's wheels ship it
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the platform's wheel
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

#: A data file larger than this is not a report; refuse it before parsing. The importer
#: refuses a source whose text would not fit (:func:`oversize`).
MAX_FILE_BYTES = 2 * 1024 * 1024
#: Values nested deeper than this are no report (a report's deepest value, an item nested
#: four levels under a section, is 11 levels down); refused before the rest is built.
MAX_DEPTH = 32
#: A number written with more characters than this is no value of a report (a year, an
#: ordinal); refused before it is converted (Python refuses integers of 4,300 digits).
MAX_NUMBER_CHARS = 20

Path_ = tuple[str | int, ...]

# Characters that must not hide in report text: C0/C1 controls other than tab and
# newline, the bidirectional overrides that can make text display reversed, and the
# invisible format characters and separators.
_BIDI = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}
#: Every format character (Unicode category Cf: zero-width spaces and joiners, direction
#: marks, the soft hyphen, a byte order mark inside the text, tags …) and the line and
#: paragraph separators (Zl, Zp): invisible, they change what a text matches or how it
#: breaks without showing. tests/test_robustness.py checks the list against unicodedata.
_INVISIBLE = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)


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

    def problem(
        self, path: Path_, message: str, *, key: bool = False, code: str = "data", severity: str = ERROR
    ) -> Problem:
        line, col = self.where(path, key=key)
        return Problem(self.shown_path, line, col, message, code, severity)


_STR_TAG = "tag:yaml.org,2002:str"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_TOO_DEEP = (
    f"values nested more than {MAX_DEPTH} levels deep; expected a report's shape "
    "(sections, their items, nested items)"
)


def _describe_char(char: str) -> str:
    """``control character U+202E (RIGHT-TO-LEFT OVERRIDE)``, ``invisible character U+200B
    (ZERO WIDTH SPACE)``; C0 controls have no Unicode name."""
    name = unicodedata.name(char, "")
    what = "control" if char in _BIDI or unicodedata.category(char) == "Cc" else "invisible"
    return f"{what} character U+{ord(char):04X}" + (f" ({name})" if name else "")


def _shown_tag(tag: str) -> str:
    """A tag as it is written in the file (``!!python/object``, ``!include``)."""
    return "!!" + tag[len("tag:yaml.org,2002:") :] if tag.startswith("tag:yaml.org,2002:") else tag


#: Control characters (Unicode category Cc: U+0000–001F, U+007F–009F) but tab and line
#: feed, the bidi overrides and the invisible characters.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + "".join(sorted(_BIDI)) + _INVISIBLE + "]")


def unsafe_character(text: str) -> str | None:
    """The first control, bidi-override or invisible character in *text*, if any."""
    found = _UNSAFE.search(text)
    return found.group() if found else None


#: What :func:`escape_unsafe` escapes: the unsafe characters, and the lone surrogates that stand
#: for the bytes of a file name that are not UTF-8 (they cannot even be printed).
_ESCAPED = re.compile(_UNSAFE.pattern[:-1] + "\ud800-\udfff]")


def escape_unsafe(text: str) -> str:
    """*text* with every control, bidi-override or invisible character written as an escape
    (``\\x1b``, ``\\u202e``): a file name quoted in a message or recorded in a data file never
    moves a terminal's cursor, colours it, or turns text around."""

    def escape(found: re.Match[str]) -> str:
        code = ord(found.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"

    return _ESCAPED.sub(escape, text)


def oversize(size: int, limit: int = MAX_FILE_BYTES, what: str = "file") -> str | None:
    """What is wrong with a data file (or the *what* that would become one) of *size* bytes,
    or None when it is small enough. The importer asks it about a source's text up front."""
    if size <= limit:
        return None
    shown = math.ceil(size / 1048576 * 10) / 10  # rounded up: 2,097,153 bytes is 2.1 MB, not "2.0"
    return f"{what} is {shown:.1f} MB; a data file is expected to be at most {limit // 1048576} MB"


def read_text_file(path: Path, *, limit: int = MAX_FILE_BYTES, kind: str = "a YAML text file") -> str:
    """The text of the data file *path*: UTF-8 (a byte order mark and CRLF line ends accepted).

    Raises :class:`DataError` with a located problem when it cannot be: a symbolic link (never
    followed, so nothing outside data/ is read or quoted), a folder, a FIFO, socket or device
    (never opened: opening a FIFO waits for a writer), a file larger than *limit*, a file that
    is not UTF-8 text. *kind* names what was expected in the message about a NUL byte.
    """
    shown = display_path(path)

    def refuse(message: str) -> DataError:
        return DataError([Problem(shown, 0, 0, message, "file")])

    try:
        with open_regular(path) as fh:  # the one rule for what users bring: links never followed
            size = os.fstat(fh.fileno()).st_size
            if too_large := oversize(size, limit):
                raise refuse(too_large)
            raw = fh.read(limit + 1)
            if too_large := oversize(len(raw), limit):  # grew while read
                raise refuse(too_large)
    except NotFollowed as exc:
        raise refuse(str(exc)) from None
    except FileNotFoundError:
        raise refuse("file not found") from None
    except OSError as exc:
        raise refuse(f"cannot read: {exc.strerror}") from None
    return _decode(raw, shown, kind)


def read_yaml(path: Path) -> YamlDocument:
    """Read *path*; raise :class:`DataError` with located problems when it is not clean YAML."""
    shown = display_path(path)
    text = read_text_file(path)
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
    except RecursionError:  # pragma: no cover - only the pure-Python composer recurses in Python
        raise DataError([Problem(shown, 0, 0, _TOO_DEEP, "yaml")]) from None
    doc = YamlDocument(path, None)
    if node is None:
        raise DataError([Problem(shown, 1, 1, "empty file; expected a YAML mapping", "yaml")])
    builder = _Builder(doc)
    doc.value = builder.build(node, ())
    if builder.problems:
        raise DataError(builder.problems)
    return doc


def _decode(raw: bytes, shown: str, kind: str) -> str:
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
        raise DataError([Problem(shown, line, col, f"NUL byte in file; expected {kind}", "encoding")])
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
        if len(path) > MAX_DEPTH:
            self._problem(node, _TOO_DEEP)
            self.stopped = True  # one message; nothing deeper is built
            return None
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
        if node.tag == _TIMESTAMP_TAG:
            # a date as written (2024-01-22): the schema's format check says whether it is a
            # date of the calendar, so 2024-02-30 gets the same message quoted or not
            return node.value
        if node.tag in _NUMBER_TAGS and len(node.value) > MAX_NUMBER_CHARS:
            self._problem(
                node,
                f"number written with {len(node.value)} characters; expected at most "
                f"{MAX_NUMBER_CHARS} (no value of a data file is that large)",
            )
            return None
        try:
            value = self.scalars.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            self._problem(node, f"cannot read value: {getattr(exc, 'problem', exc)}")
            return None
        if isinstance(value, str):
            bad = unsafe_character(value)
            if bad is not None:
                self._problem(
                    node,
                    f"{_describe_char(bad)} in text; expected printable text",
                    "text",
                )
        return value
