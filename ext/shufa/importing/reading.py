"""Input formats: an explicit table of the modules that turn a source file into text.

:data:`FORMATS` maps a file suffix to the module that reads it, like the command
table of ``shufa.commands``. Each reader module has ``FORMAT`` (the short name
recorded in a data file's ``source.original.format``: txt, docx, html, pdf) and
``read(path) -> SourceText``; a module that only refuses (old .doc files) raises
:class:`ImportFailure` from ``read``. A new format is a new module plus one line
of the table.

Whatever the reader, every removal it makes (page chrome around a web article,
page numbers and running headers of a PDF) is an :class:`~shufa.importing.artefacts.Artefact`
of ``SourceText.removed``: the artefact cleaner drops those lines and the summary
lists them with the rest, so "the source minus what was removed" stays exact.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .artefacts import Artefact

#: File suffix (lower case, with the dot) → the module that reads it.
FORMATS: dict[str, str] = {
    ".txt": "shufa.importing.decoding",
    ".text": "shufa.importing.decoding",
    ".docx": "shufa.importing.docx",
    ".docm": "shufa.importing.docx",
    ".dotx": "shufa.importing.docx",
    ".html": "shufa.importing.html",
    ".htm": "shufa.importing.html",
    ".xhtml": "shufa.importing.html",
    ".mhtml": "shufa.importing.legacy",
    ".mht": "shufa.importing.legacy",
    ".pdf": "shufa.importing.pdf",
    ".doc": "shufa.importing.legacy",
    ".wps": "shufa.importing.legacy",
    ".rtf": "shufa.importing.legacy",
}
#: The reader of a file whose suffix is not in the table (read as plain text).
FALLBACK = "shufa.importing.decoding"

#: A source larger than this is not a report; refuse it before reading.
MAX_SOURCE_BYTES = 20 * 1024 * 1024

#: A plain-text file that is really a saved web page starts like this (after blanks and a BOM).
_HTML_START = (b"<!doctype html", b"<html", b"<!-- saved from url=")


class ImportFailure(Exception):
    """A source that cannot be imported; the message says why and what to do instead."""


@dataclass
class SourceText:
    """The text of a source file, with how it was read."""

    text: str
    #: How the file was read, for the summary: ``plain text, GB18030 (detected)``.
    format: str
    #: What a position in the text is called in messages: ``line``, ``paragraph`` or ``page``.
    unit: str = "line"
    notes: list[str] = field(default_factory=list)
    #: Whole lines of *text* the reader removed (page chrome, page numbers, running headers).
    removed: list[Artefact] = field(default_factory=list)
    #: The position (in *unit*) of each line of *text*, when it is not the line number itself
    #: (a PDF paragraph is on page 3, not on line 3).
    where: list[int] = field(default_factory=list)
    #: What the file says about itself: ``title``, ``url``, ``published``, ``source`` (the unit).
    meta: dict[str, str] = field(default_factory=dict)
    #: The short name of the format (``FORMAT`` of the reader module), set by :func:`read_source`.
    kind: str = ""

    def locate(self, line: int) -> int:
        """The position of *line* (1-based) in the reader's unit."""
        if self.where and 1 <= line <= len(self.where):
            return self.where[line - 1]
        return line


def reader_module(path: Path):
    """The reader module for *path*: by its suffix, or plain text (a saved page: HTML)."""
    suffix = path.suffix.lower()
    name = FORMATS.get(suffix)
    if name is None or name == FALLBACK:
        name = FORMATS[".html"] if _looks_like_html(path) else name or FALLBACK
    return import_module(name)


def supported(path: Path) -> bool:
    """Is *path* a file the table names (read or refused with a reason)?"""
    return path.suffix.lower() in FORMATS


def read_source(path: Path) -> SourceText:
    """The text of *path*, read by the reader of its suffix; :class:`ImportFailure` when it cannot be."""
    path = Path(path)
    if not path.exists():
        raise ImportFailure(f"{path}: no such file")
    if not path.is_file():
        raise ImportFailure(f"{path}: not a file; expected a .txt, .docx, .html or .pdf report")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFailure(f"{path}: cannot read: {exc.strerror}") from None
    module = reader_module(path)
    if size > MAX_SOURCE_BYTES and module.FORMAT:
        raise ImportFailure(
            f"{path}: file is {size / 1048576:.1f} MB; a report is expected to be at most "
            f"{MAX_SOURCE_BYTES // 1048576} MB"
        )
    source = module.read(path)
    source.kind = module.FORMAT
    return source


def read_bytes(path: Path) -> bytes:
    """The bytes of *path*, or :class:`ImportFailure` naming the OS error."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImportFailure(f"{path}: cannot read: {exc.strerror}") from None


def sha256_of(path: Path) -> str:
    """The SHA-256 of the file at *path*, in hex."""
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise ImportFailure(f"{path}: cannot read: {exc.strerror}") from None
    return digest.hexdigest()


def _looks_like_html(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
    except OSError:
        return False
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(_HTML_START)
