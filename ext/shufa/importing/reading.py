"""Reading a source file: by the reader of its format, or refused with what to do instead.

The formats and their readers are the rows of :data:`shufa.core.formats.FORMATS` (a suffix
names the row; a file of another suffix is read as plain text, or as a web page when it is
one saved with another suffix). Each reader module has ``read(path) -> SourceText``.
:data:`REFUSED` names the formats the importer recognises but does not read, with what
to do instead.

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

from ..core.formats import Format, format_named, format_of_suffix, usual_suffixes

if TYPE_CHECKING:  # pragma: no cover
    from .artefacts import Artefact

#: Suffix → why it is refused and what to do: an old Word 97–2003 ``.doc`` (or a WPS ``.wps``)
#: is a binary OLE file whose text cannot be read reliably without Word, and saving it as
#: ``.docx`` keeps the list numbering the structure parser needs; RTF and single-file web
#: archives (``.mht``) are refused the same way.
REFUSED = {
    ".doc": "an old Word 97–2003 .doc file, which cannot be read reliably; open it in Word or WPS "
    "and save it as .docx (文件 › 另存为 › Word 文档 .docx), then import the .docx",
    ".wps": "a WPS .wps file; open it in WPS and save it as .docx (另存为 › .docx), then import the .docx",
    ".rtf": "an RTF file; open it in Word or WPS and save it as .docx, then import the .docx",
    ".mht": "a single-file web archive (.mht); open it in a browser and save it as a web page "
    "(.html), then import the .html",
    ".mhtml": "a single-file web archive (.mhtml); open it in a browser and save it as a web page "
    "(.html), then import the .html",
}
#: The format of a file whose suffix no row names, and of a web page saved with another suffix.
PLAIN_TEXT, WEB_PAGE = "txt", "html"

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
    read_as: str
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
    #: The name of its format (a row of :data:`shufa.core.formats.FORMATS`), set by :func:`read_source`;
    #: empty for text not read from a file.
    format_name: str = ""

    def locate(self, line: int) -> int:
        """The position of *line* (1-based) in the reader's unit."""
        if self.where and 1 <= line <= len(self.where):
            return self.where[line - 1]
        return line


def format_of(path: Path) -> Format:
    """The format *path* is read as: by its suffix, or plain text (a saved page: HTML)."""
    found = format_of_suffix(path.suffix)
    if found is None or found.name == PLAIN_TEXT:
        return format_named(WEB_PAGE) if _looks_like_html(path) else found or format_named(PLAIN_TEXT)
    return found


def supported(path: Path) -> bool:
    """Is *path* of a suffix the importer knows (read, or refused with a reason)?"""
    return format_of_suffix(path.suffix) is not None or path.suffix.lower() in REFUSED


def read_source(path: Path) -> SourceText:
    """The text of *path*, read by the reader of its format; :class:`ImportFailure` when it cannot be."""
    path = Path(path)
    if not path.exists():
        raise ImportFailure(f"{path}: no such file")
    if not path.is_file():
        raise ImportFailure(f"{path}: not a file; expected a {usual_suffixes()} report")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFailure(f"{path}: cannot read: {exc.strerror}") from None
    refused = REFUSED.get(path.suffix.lower())
    if refused is not None:
        raise ImportFailure(f"{path}: {refused}")
    found = format_of(path)
    if size > MAX_SOURCE_BYTES:
        raise ImportFailure(
            f"{path}: file is {size / 1048576:.1f} MB; a report is expected to be at most "
            f"{MAX_SOURCE_BYTES // 1048576} MB"
        )
    source = import_module(found.reader).read(path)
    source.format_name = found.name
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
