"""Input formats: a registry of readers that turn a source file into text.

A reader takes a path and returns a :class:`SourceText`; it registers itself
for file suffixes with :func:`reader`. Plain text and .docx are built in
(``BUILTIN_READERS``); a new format is a new module with a ``@reader`` function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

#: Modules whose readers are registered on first use.
BUILTIN_READERS = ("shufa.importing.decoding", "shufa.importing.docx")

#: A source larger than this is not a report; refuse it before reading.
MAX_SOURCE_BYTES = 20 * 1024 * 1024

#: Formats we recognise but cannot read, with what to do instead.
UNSUPPORTED = {
    ".doc": "an old Word .doc file; open it in Word or WPS and save it as .docx",
    ".wps": "a WPS .wps file; save it as .docx",
    ".pdf": "a PDF file; copy its text into a .txt file (or save the original as .docx)",
    ".rtf": "an RTF file; save it as .docx or .txt",
}


class ImportFailure(Exception):
    """A source that cannot be imported; the message says why and what to do instead."""


@dataclass
class SourceText:
    """The text of a source file, with how it was read."""

    text: str
    #: How the file was read, for the summary: ``plain text, GB18030 (detected)``.
    format: str
    #: What a position in the text is called in messages: ``line`` or ``paragraph``.
    unit: str = "line"
    notes: list[str] = field(default_factory=list)


Reader = Callable[[Path], SourceText]

#: Suffix (lower case, with the dot; "" for any other) → reader.
READERS: dict[str, Reader] = {}


def reader(*suffixes: str) -> Callable[[Reader], Reader]:
    """Register a reader for files ending in *suffixes* (``".txt"``; ``""`` for any other suffix)."""

    def wrap(func: Reader) -> Reader:
        for suffix in suffixes:
            READERS[suffix.lower()] = func
        return func

    return wrap


def _load_builtin_readers() -> None:
    for module in BUILTIN_READERS:
        import_module(module)


def read_source(path: Path) -> SourceText:
    """The text of *path*, read by the reader of its suffix; :class:`ImportFailure` when it cannot be."""
    _load_builtin_readers()
    path = Path(path)
    if not path.exists():
        raise ImportFailure(f"{path}: no such file")
    if not path.is_file():
        raise ImportFailure(f"{path}: not a file; expected a .txt or .docx report")
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED:
        raise ImportFailure(f"{path}: {UNSUPPORTED[suffix]}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFailure(f"{path}: cannot read: {exc.strerror}") from None
    if size > MAX_SOURCE_BYTES:
        raise ImportFailure(
            f"{path}: file is {size / 1048576:.1f} MB; a report is expected to be at most "
            f"{MAX_SOURCE_BYTES // 1048576} MB"
        )
    read = READERS.get(suffix) or READERS[""]
    return read(path)


def read_bytes(path: Path) -> bytes:
    """The bytes of *path*, or :class:`ImportFailure` naming the OS error."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImportFailure(f"{path}: cannot read: {exc.strerror}") from None
