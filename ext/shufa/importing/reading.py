"""Reading a source file: by the reader of its format, or refused with what to do instead.

The formats and their readers are the rows of :data:`shufa.core.formats.FORMATS` (a suffix
names the row; a file of another suffix is read as plain text, or as a web page when it is
one saved with another suffix). Each reader module has ``read(path, raw) -> SourceText``
(*raw*: the file's bytes, read once by :func:`read_source`; *path* only names it in
messages). :data:`REFUSED` names the formats the importer recognises but does not read, with
what to do instead.

The file is read once, without following a symbolic link (the rule of
:mod:`shufa.core.nofollow`), and its SHA-256 is that of the bytes read: the original kept and
the text imported are the same bytes, even if the file changes while it is imported.

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

from ..core.formats import Format, format_named, format_of_suffix, usual_suffixes
from ..core.nofollow import NotFollowed, open_regular

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
    #: The bytes read (the original as kept), their SHA-256 and the file's modification time.
    data: bytes = field(default=b"", repr=False)
    sha256: str = ""
    modified: float = 0.0

    def locate(self, line: int) -> int:
        """The position of *line* (1-based) in the reader's unit."""
        if self.where and 1 <= line <= len(self.where):
            return self.where[line - 1]
        return line


def format_of(path: Path, head: bytes = b"") -> Format:
    """The format *path* is read as: by its suffix, or plain text (a saved page, by its first
    bytes *head*: HTML)."""
    found = format_of_suffix(path.suffix)
    if found is None or found.name == PLAIN_TEXT:
        return format_named(WEB_PAGE) if _looks_like_html(head) else found or format_named(PLAIN_TEXT)
    return found


def supported(path: Path) -> bool:
    """Is *path* of a suffix the importer knows (read, or refused with a reason)?"""
    return format_of_suffix(path.suffix) is not None or path.suffix.lower() in REFUSED


def read_source(path: Path) -> SourceText:
    """The text of *path*, read by the reader of its format; :class:`ImportFailure` when it cannot be."""
    path = Path(path)
    raw, modified = _receive(path)
    source = read_received(path, raw)
    source.modified = modified
    return source


def read_received(path: Path, raw: bytes) -> SourceText:
    """The text of the bytes *raw* of the file *path* (named in messages), by the reader of its
    format, with their SHA-256; :class:`ImportFailure` when they cannot be read."""
    refused = REFUSED.get(path.suffix.lower())
    if refused is not None:
        raise ImportFailure(f"{path}: {refused}")
    found = format_of(path, raw[:512])
    if len(raw) > MAX_SOURCE_BYTES:
        raise ImportFailure(
            f"{path}: file is {len(raw) / 1048576:.1f} MB; a report is expected to be at most "
            f"{MAX_SOURCE_BYTES // 1048576} MB"
        )
    source = import_module(found.reader).read(path, raw)
    source.format_name = found.name
    source.data = raw
    source.sha256 = hashlib.sha256(raw).hexdigest()
    return source


def _receive(path: Path) -> tuple[bytes, float]:
    """The bytes of *path* (one read, never through a symbolic link) and its modification time."""
    try:
        with open_regular(path) as handle:
            info = os.fstat(handle.fileno())
            if path.suffix.lower() in REFUSED:  # refused by its suffix: nothing to read
                return b"", info.st_mtime
            if info.st_size > MAX_SOURCE_BYTES:
                raise ImportFailure(
                    f"{path}: file is {info.st_size / 1048576:.1f} MB; a report is expected to be at "
                    f"most {MAX_SOURCE_BYTES // 1048576} MB"
                )
            return handle.read(MAX_SOURCE_BYTES + 1), info.st_mtime
    except NotFollowed as exc:
        if stat.S_ISDIR(_mode(path)):
            raise ImportFailure(f"{path}: not a file; expected a {usual_suffixes()} report") from None
        raise ImportFailure(f"{path}: {exc}") from None
    except FileNotFoundError:
        raise ImportFailure(f"{path}: no such file") from None
    except OSError as exc:
        raise ImportFailure(f"{path}: cannot read: {exc.strerror or exc}") from None


def _mode(path: Path) -> int:
    try:
        return os.lstat(path).st_mode
    except OSError:
        return 0


def _looks_like_html(head: bytes) -> bool:
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(_HTML_START)
