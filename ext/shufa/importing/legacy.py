"""Formats the importer recognises but does not read, refused with what to do instead.

An old Word 97–2003 ``.doc`` (or a WPS ``.wps``) is a binary OLE file whose
text cannot be read reliably without Word; saving it as ``.docx`` keeps the
list numbering the structure parser needs. RTF and single-file web archives
(``.mht``) are refused the same way.
"""

from __future__ import annotations

from pathlib import Path

from .sources import ImportFailure, SourceText

#: No format name: nothing of this kind is ever kept as an original.
FORMAT = ""

#: Suffix → why it is refused and what to do.
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


def read(path: Path, raw: bytes = b"") -> SourceText:
    raise ImportFailure(f"{path}: {REFUSED[path.suffix.lower()]}")
