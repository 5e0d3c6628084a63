"""The formats of originals the importer reads: one row each, the one place they are named.

A :class:`Format` row gives the format's name (what a data file records in
``source.original.format``), how the report page names it (原文：…（PDF，SHA-256 …）), the file
suffixes it is read from, and the module of :mod:`shufa.importing` that reads it
(``read(path) -> SourceText``, named here, imported by the importer only). The importer, the
data format (:mod:`shufa.core.schema`), the ``shufa import`` command's help and messages, the
report page's 原文 line and ``archive.schema.json`` all take the formats from :data:`FORMATS`:
a new format is a reader module and one row.
"""

from __future__ import annotations

from typing import NamedTuple


class Format(NamedTuple):
    """A format of originals: its name in data files, its Chinese label, its file suffixes (lower
    case, with the dot; the first is the usual one) and the dotted name of its reader module."""

    name: str
    label: str
    suffixes: tuple[str, ...]
    reader: str


#: Every format the importer reads, in the order messages and the data format list them.
FORMATS: tuple[Format, ...] = (
    Format("txt", "纯文本", (".txt", ".text"), "shufa.importing.decoding"),
    Format("docx", "Word 文档", (".docx", ".docm", ".dotx"), "shufa.importing.docx"),
    Format("html", "网页", (".html", ".htm", ".xhtml"), "shufa.importing.html"),
    Format("pdf", "PDF", (".pdf",), "shufa.importing.pdf"),
)


def format_named(name: str) -> Format | None:
    """The format a data file calls *name* (``pdf``), or None."""
    return next((f for f in FORMATS if f.name == name), None)


def format_of_suffix(suffix: str) -> Format | None:
    """The format read from files with *suffix* (``.PDF`` as ``.pdf``), or None."""
    suffix = suffix.lower()
    return next((f for f in FORMATS if suffix in f.suffixes), None)


def usual_suffixes(last: str = " or ") -> str:
    """The usual suffix of every format, for messages: ``.txt, .docx, .html or .pdf`` (*last*
    joins the last two)."""
    usual = [f.suffixes[0] for f in FORMATS]
    return last.join([", ".join(usual[:-1]), usual[-1]]) if len(usual) > 1 else usual[0]
