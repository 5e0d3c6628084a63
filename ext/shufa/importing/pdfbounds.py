"""What a PDF would cost pdfminer to read, bounded before it reads it: inflated bytes and drawing.

A PDF's streams are compressed, and pdfminer inflates each whole (``zlib.decompress``) and
interprets every page's drawing instructions again for each page and each form that draws
them. So a 1 MB file whose stream inflates to 1 GiB costs seconds and gigabytes, and 300 pages
sharing one 60 MiB stream never end. The page count and the characters found (checked while
reading) do not see either. Two checks come first:

1. :func:`check_streams`, on the file's bytes: every compressed stream is inflated in steps of
   1 MiB, its output counted and dropped, up to :data:`MAX_STREAM_BYTES`; all of them together
   up to :data:`MAX_INFLATED_BYTES` (an encrypted file's streams are deciphered first). Nothing
   pdfminer will inflate afterwards can be larger.
2. :func:`check_drawing`, on the pages pdfminer found: the drawing instructions of each page,
   with each form XObject counted as many times as the page draws it (``/Fm1 Do``), add up to
   at most :data:`MAX_DRAWN_BYTES` for the document. The time pdfminer takes is about
   proportional (some 10 s a MiB of text drawing on one core), so this bounds the time too.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .reading import ImportFailure

MIB = 1 << 20
#: One stream inflated (a page's drawing, an embedded font: a few MiB at most).
MAX_STREAM_BYTES = 64 * MIB
#: All the streams of a file inflated, each once (images that pdfminer never inflates left out).
MAX_INFLATED_BYTES = 256 * MIB
#: The pages' drawing instructions, each page and each form drawn counted (a 300-page report
#: printed from Word draws some 5 MiB).
MAX_DRAWN_BYTES = 8 * MIB
#: How far an LZW or run-length stream can expand, at most (their decoders are not bounded).
_EXPANSION = {b"LZWDecode": 1024, b"LZW": 1024, b"RunLengthDecode": 128, b"RL": 128}

_STREAM = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")  # not the end of "endstream"
_OBJECT = re.compile(rb"(\d+)\s+(\d+)\s+$")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)")
_NAME = re.compile(rb"/([A-Za-z0-9]+)")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_DRAW = re.compile(rb"/([^\s/\[\]<>(){}%]+)\s+Do\b")

Decipher = Callable[[int, int, bytes, dict], bytes]


def _mb(size: int) -> str:
    return f"{size / MIB:.0f} MB"


def inflated_size(data: bytes, filters: list[bytes], cap: int) -> int | None:
    """How many bytes *data* decodes to through *filters* (at most a little over *cap*), or
    None when it cannot be told (an image codec, or data that does not inflate)."""
    from pdfminer.ascii85 import ascii85decode, asciihexdecode

    for name in filters:
        if name in (b"FlateDecode", b"Fl"):
            return _inflate(data, cap)
        if name in (b"ASCIIHexDecode", b"AHx"):
            data = asciihexdecode(data)
        elif name in (b"ASCII85Decode", b"A85"):
            data = ascii85decode(data)
        elif name in _EXPANSION:
            return len(data) * _EXPANSION[name]
        else:
            return None  # DCT, JPX, CCITT, JBIG2: images, which pdfminer does not decode
    return len(data)


def _inflate(data: bytes, cap: int) -> int | None:
    inflater = zlib.decompressobj()
    size = 0
    try:
        chunk = inflater.decompress(data, MIB)
        while chunk:
            size += len(chunk)
            if size > cap:
                return size
            chunk = inflater.decompress(inflater.unconsumed_tail, MIB)
    except zlib.error:
        return size or None
    return size


def check_streams(
    path: Path, raw: bytes, decipher: Decipher | None = None
) -> list[tuple[int, int, bytes, bytes]]:
    """Refuse a file one of whose streams inflates past :data:`MAX_STREAM_BYTES`, or all of them
    past :data:`MAX_INFLATED_BYTES`; returns the streams that could not be told (encrypted ones,
    before *decipher* is known) as (object, generation, dictionary, data)."""
    total = 0
    unknown = []
    for found in _STREAM.finditer(raw):
        start = found.end()
        end = raw.find(b"endstream", start)
        data = raw[start : end if end >= 0 else len(raw)]
        opened = raw.rfind(b"obj", max(0, found.start() - 4096), found.start())
        head = raw[opened + 3 : found.start()] if opened >= 0 else b""
        named = _OBJECT.search(raw[max(0, opened - 24) : opened]) if opened >= 0 else None
        number, generation = (int(named.group(1)), int(named.group(2))) if named else (0, 0)
        if _IMAGE.search(head):
            continue
        listed = _FILTER.search(head)
        filters = _NAME.findall(listed.group(1)) if listed else []
        if not filters:
            continue
        if decipher is not None:
            data = decipher(number, generation, data, {})
        size = inflated_size(data, filters, MAX_STREAM_BYTES)
        if size is None:
            unknown.append((number, generation, head, data))
            continue
        if size > MAX_STREAM_BYTES:
            raise ImportFailure(
                f"{path}: object {number}: a compressed stream inflates to more than {_mb(MAX_STREAM_BYTES)} "
                f"(the file is {len(raw) / MIB:.1f} MB); a report's streams are expected to be far smaller — "
                "a damaged or hostile file (refused before reading it)"
            )
        total += size
        if total > MAX_INFLATED_BYTES:
            raise ImportFailure(
                f"{path}: object {number}: the compressed streams inflate to more than "
                f"{_mb(MAX_INFLATED_BYTES)} in all (the file is {len(raw) / MIB:.1f} MB); a report is "
                "expected to be far smaller — a damaged or hostile file (refused before reading it)"
            )
    return unknown


def check_drawing(path: Path, pages: list[Any]) -> None:
    """Refuse a document whose pages draw more than :data:`MAX_DRAWN_BYTES` of instructions in
    all, counting every page and every form each page draws (*pages*: pdfplumber's)."""
    from pdfminer.pdftypes import PDFStream, resolve1

    sizes: dict[int, int] = {}

    def content(stream: PDFStream) -> bytes:
        data = stream.rawdata if stream.data is None else stream.data
        if stream.data is None:
            if stream.decipher:
                data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
            filters = [f.name.encode() for f, _ in stream.get_filters() if hasattr(f, "name")]
            size = inflated_size(data, filters, MAX_DRAWN_BYTES)
            if size is not None and size > MAX_DRAWN_BYTES:
                raise ImportFailure(
                    f"{path}: object {stream.objid}: a page's drawing instructions inflate to more than "
                    f"{_mb(MAX_DRAWN_BYTES)}; a report is expected to draw far less — a damaged or hostile "
                    "file (refused before reading it)"
                )
        return stream.get_data() or b""

    def drawn(stream: Any, resources: Any, depth: int) -> int:
        stream = resolve1(stream)
        if not isinstance(stream, PDFStream):
            return 0
        if id(stream) in sizes:
            return sizes[id(stream)]
        sizes[id(stream)] = 0  # a form that draws itself adds nothing more
        data = content(stream)
        total = len(data)
        forms = resolve1((resolve1(resources) or {}).get("XObject")) or {}
        if depth < 12 and isinstance(forms, dict):
            for name, times in Counter(_DRAW.findall(data)).items():
                form = resolve1(forms.get(name.decode("latin-1")))
                if isinstance(form, PDFStream) and getattr(form.get("Subtype"), "name", "") == "Form":
                    inner = resolve1(form.get("Resources")) or resources
                    total += times * drawn(form, inner, depth + 1)
                    if total > MAX_DRAWN_BYTES:
                        break
        sizes[id(stream)] = total
        return total

    used = 0
    for number, page in enumerate(pages, 1):
        page_obj = page.page_obj
        for stream in page_obj.contents:
            used += drawn(stream, page_obj.resources, 0)
        if used > MAX_DRAWN_BYTES:
            raise ImportFailure(
                f"{path}: page {number}: the pages so far draw more than {_mb(MAX_DRAWN_BYTES)} of "
                f"instructions ({len(pages)} pages, each page and each form counted as often as it is "
                "drawn); a report printed from Word draws a few MB — a damaged or hostile file "
                "(refused before reading the text)"
            )
