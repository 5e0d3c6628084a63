"""Real PDF files written for the tests, object by object: text in a standard Chinese font
(STSong-Light, UniGB-UCS2-H: no font embedded, pdfminer maps it to Unicode), drawn where and
how a test says (white, tiny, off the page), compressed streams of any size, pages sharing a
stream, and the standard security handler (RC4, revision 2) with a user password."""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field

#: The page: A4 in points.
WIDTH, HEIGHT = 595, 842
#: The padding of the standard security handler (PDF 32000-1, 7.6.3.3).
PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


@dataclass
class Line:
    """A line of text at (x, y) from the bottom left, in *size* points, filled with *fill* (a gray
    level: 0 black, 1 white)."""

    text: str
    x: float = 72
    y: float = 760
    size: float = 12
    fill: float = 0


@dataclass
class Page:
    lines: list[Line] = field(default_factory=list)
    #: Extra content (PDF operators) drawn before the lines, e.g. a filled rectangle.
    before: bytes = b""


def text_ops(lines: list[Line]) -> bytes:
    out = []
    for line in lines:
        code = line.text.encode("utf-16-be").hex().upper()
        out.append(
            f"BT {line.fill:g} g /F1 {line.size:g} Tf 1 0 0 1 {line.x:g} {line.y:g} Tm <{code}> Tj ET".encode()
        )
    return b"\n".join(out)


def report_pages(
    title: str, paragraphs: list[str], *, extra: dict[int, list[Line]] | None = None
) -> list[Page]:
    """A report as printed: the title, then one line per paragraph down the page (14 pt, 26 pt
    apart); *extra* adds lines to page *n* (0-based)."""
    page = Page([Line(title, x=150, y=780, size=16)])
    y = 740.0
    for text in paragraphs:
        page.lines.append(Line(text, x=72, y=y, size=14))
        y -= 26
    pages = [page]
    for number, lines in (extra or {}).items():
        pages[number].lines.extend(lines)
    return pages


def pdf_bytes(
    pages: list[Page] | None = None,
    *,
    contents: list[bytes] | None = None,
    shared: bytes | None = None,
    count: int = 1,
    password: str | None = None,
    packed: bool = False,
    form: bytes | None = None,
) -> bytes:
    """A PDF of *pages* (or of raw page *contents*, or *count* pages all drawing the one stream
    *shared*), every content stream Flate-compressed; *password*: encrypted with that user
    password (RC4, 40-bit). *packed*: the contents are compressed already (:func:`flate_of_size`); *form*: a compressed
    form XObject every page can draw as ``/Fm1 Do``."""
    if pages is not None:
        streams = [page.before + b"\n" + text_ops(page.lines) for page in pages]
        refs = list(range(len(streams)))
    elif contents is not None:
        streams, refs = contents, list(range(len(contents)))
    else:
        assert shared is not None
        streams, refs = [shared], [0] * count
    first_stream = 5 + len(refs)  # 1 catalog, 2 pages, 3 font, 4 CID font, then the pages
    kids = " ".join(f"{5 + n} 0 R" for n in range(len(refs)))
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(refs)} >>".encode(),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [4 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000 >>",
    ]
    form_ref = f" /XObject << /Fm1 {first_stream + len(streams)} 0 R >>" if form is not None else ""
    for ref in refs:
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {WIDTH} {HEIGHT}] "
            f"/Resources << /Font << /F1 3 0 R >>{form_ref} >> /Contents {first_stream + ref} 0 R >>".encode()
        )
    file_id = hashlib.md5(repr(len(streams)).encode()).digest()
    key = _key(password, file_id) if password is not None else None
    for n, stream in enumerate(streams):
        data = stream if packed else zlib.compress(stream, 9)
        if key is not None:
            data = rc4(_object_key(key, first_stream + n), data)
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream")
    if form is not None:
        objects.append(
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 %d %d] /Length %d /Filter /FlateDecode >>\nstream\n"
            % (WIDTH, HEIGHT, len(form))
            + form
            + b"\nendstream"
        )
    encrypt = b""
    if key is not None:
        owner, user = _owner_entry(password or ""), rc4(key, PAD)
        objects.append(
            b"<< /Filter /Standard /V 1 /R 2 /P -44 /O <%s> /U <%s> >>"
            % (owner.hex().encode(), user.hex().encode())
        )
        encrypt = b" /Encrypt %d 0 R" % len(objects)
    trailer = b"/Size %d /Root 1 0 R /ID [<%s> <%s>]" % (
        len(objects) + 1,
        file_id.hex().encode(),
        file_id.hex().encode(),
    )
    trailer += encrypt
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< " + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def flate_of_size(size: int, unit: bytes = b"0 0 m 1 1 l S\n") -> bytes:
    """A Flate stream that inflates to *size* bytes of drawing (*unit* repeated), made 1 MiB at a time."""
    packer = zlib.compressobj(9)
    block = unit * (1048576 // len(unit) + 1)
    out = []
    left = size
    while left > 0:
        piece = block[: min(left, 1048576)]
        out.append(packer.compress(piece))
        left -= len(piece)
    out.append(packer.flush())
    return b"".join(out)


def rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def _padded(password: str) -> bytes:
    return (password.encode("latin-1") + PAD)[:32]


def _owner_entry(password: str) -> bytes:
    # Algorithm 3 (revision 2): the owner password is the user password here
    return rc4(hashlib.md5(_padded(password)).digest()[:5], _padded(password))


def _key(password: str, file_id: bytes) -> bytes:
    # Algorithm 2 (revision 2): 40-bit key
    owner = _owner_entry(password)
    permissions = (-44).to_bytes(4, "little", signed=True)
    return hashlib.md5(_padded(password) + owner + permissions + file_id).digest()[:5]


def _object_key(key: bytes, number: int) -> bytes:
    return hashlib.md5(key + number.to_bytes(3, "little") + (0).to_bytes(2, "little")).digest()[:10]
