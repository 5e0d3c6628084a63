"""Input formats: an explicit table of the modules that turn a source file into text.

:data:`FORMATS` maps a file suffix to the module that reads it, like the command
table of ``shufa.commands``. Each reader module has ``FORMAT`` (the short name
recorded in a data file's ``source.original.format``: txt, docx, html, pdf) and
``read(path, raw) -> SourceText`` (*raw*: the file's bytes, read once by
:func:`read_source`; *path* only names it in messages); a module that only refuses
(old .doc files) raises :class:`ImportFailure` from ``read``. A new format is a new
module plus one line of the table.

The file is read once, without following a symbolic link (the rule of
:mod:`shufa.core.nofollow`), and its SHA-256 is that of the bytes read: the
original kept and the text imported are the same bytes, even if the file changes
while it is imported.

Whatever the reader, every removal it makes (page chrome around a web article,
page numbers and running headers of a PDF) is an :class:`~shufa.importing.artefacts.Artefact`
of ``SourceText.removed``: the artefact cleaner drops those lines and the summary
lists them with the rest, so "the source minus what was removed" stays exact.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.nofollow import NotFollowed, open_regular

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
    #: The bytes read (the original as kept), their SHA-256 and the file's modification time.
    data: bytes = field(default=b"", repr=False)
    sha256: str = ""
    modified: float = 0.0

    def locate(self, line: int) -> int:
        """The position of *line* (1-based) in the reader's unit."""
        if self.where and 1 <= line <= len(self.where):
            return self.where[line - 1]
        return line


def reader_module(path: Path, head: bytes = b""):
    """The reader module for *path*: by its suffix, or plain text (a saved page, by its first
    bytes *head*: HTML)."""
    suffix = path.suffix.lower()
    name = FORMATS.get(suffix)
    if name is None or name == FALLBACK:
        name = FORMATS[".html"] if _looks_like_html(head) else name or FALLBACK
    return import_module(name)


def supported(path: Path) -> bool:
    """Is *path* a file the table names (read or refused with a reason)?"""
    return path.suffix.lower() in FORMATS


def read_source(path: Path) -> SourceText:
    """The text of *path*, read by the reader of its suffix; :class:`ImportFailure` when it cannot be."""
    path = Path(path)
    raw, modified = _receive(path)
    source = read_received(path, raw)
    source.modified = modified
    return source


def read_received(path: Path, raw: bytes) -> SourceText:
    """The text of the bytes *raw* of the file *path* (named in messages), by the reader of its
    suffix, with their SHA-256; :class:`ImportFailure` when they cannot be read."""
    module = reader_module(path, raw[:512])
    if len(raw) > MAX_SOURCE_BYTES and module.FORMAT:
        raise ImportFailure(
            f"{path}: file is {len(raw) / 1048576:.1f} MB; a report is expected to be at most "
            f"{MAX_SOURCE_BYTES // 1048576} MB"
        )
    source = module.read(path, raw)
    source.kind = module.FORMAT
    source.data = raw
    source.sha256 = hashlib.sha256(raw).hexdigest()
    return source


def _receive(path: Path) -> tuple[bytes, float]:
    """The bytes of *path* (one read, never through a symbolic link) and its modification time."""
    try:
        with open_regular(path) as handle:
            info = os.fstat(handle.fileno())
            if _refused_unread(path):  # its reader refuses it by its suffix: nothing to read
                return b"", info.st_mtime
            if info.st_size > MAX_SOURCE_BYTES:
                raise ImportFailure(
                    f"{path}: file is {info.st_size / 1048576:.1f} MB; a report is expected to be at "
                    f"most {MAX_SOURCE_BYTES // 1048576} MB"
                )
            return handle.read(MAX_SOURCE_BYTES + 1), info.st_mtime
    except NotFollowed as exc:
        if stat.S_ISDIR(_mode(path)):
            raise ImportFailure(f"{path}: not a file; expected a .txt, .docx, .html or .pdf report") from None
        raise ImportFailure(f"{path}: {exc}") from None
    except FileNotFoundError:
        raise ImportFailure(f"{path}: no such file") from None
    except OSError as exc:
        raise ImportFailure(f"{path}: cannot read: {exc.strerror or exc}") from None


def _refused_unread(path: Path) -> bool:
    name = FORMATS.get(path.suffix.lower())
    return name is not None and not import_module(name).FORMAT


def _mode(path: Path) -> int:
    try:
        return os.lstat(path).st_mode
    except OSError:
        return 0


def _looks_like_html(head: bytes) -> bool:
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(_HTML_START)
