"""PDF sources with a text layer: the paragraphs as printed, without page numbers and running heads.

Reports reach users as PDF attachments converted from Word or WPS: every page
carries a page number (``— 3 —``, ``第3页``, ``3/12``) and often a running
header or footer, and every paragraph is broken into lines (and across pages).
This reader takes the text lines with their positions from pdfplumber (on
pdfminer.six), then

* removes page numbers in the top or bottom band of a page, and lines in those
  bands that repeat on most pages (running headers and footers; digits count as
  the same) — each reported with its page;
* joins the lines of a paragraph: a line that reaches the right margin
  continues on the next line (across a page break too), unless the next line is
  indented, which starts a paragraph;
* refuses a text layer that is garbage — glyphs without a Unicode mapping
  (``(cid:123)``, U+FFFD, private-use characters) or text that is not Chinese —
  instead of importing mojibake, and a PDF without a text layer (a scan: no OCR).

Positions in messages are pages. Bounds are checked before the work: the file
size (by :mod:`~shufa.importing.reading`), the number of pages, the characters.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .artefacts import Artefact
from .decoding import PLAUSIBLE, plausibility
from .markers import line_marker
from .pdfbounds import check_drawing, check_streams
from .reading import ImportFailure, SourceText

MAX_PAGES = 300
MAX_CHARS = 2_000_000
#: Text smaller than this (in points) is not there for a reader: hidden text.
MIN_SIZE = 2.0
#: Share of unmapped glyphs above which the text layer is refused as garbage.
GARBLED_SHARE = 0.01
#: Top and bottom bands of a page (share of its height) where running heads and page numbers live.
BAND = 0.12

#: Forms of the CJK Radicals Supplement that fonts' Unicode tables map ordinary characters to
#: (a PDF from Word or WPS shows 青 but says U+2ED8 ⻘): the unified ideograph each one looks
#: like. The Kangxi radicals (U+2F00–U+2FD5) have a compatibility decomposition (NFKC) instead.
RADICAL_FORMS = str.maketrans(
    {
        "⺟": "母", "⺠": "民", "⻁": "虎", "⻄": "西", "⻅": "见", "⻆": "角", "⻉": "贝",
        "⻋": "车", "⻑": "長", "⻓": "长", "⻔": "门", "⻗": "雨", "⻘": "青", "⻙": "韦",
        "⻚": "页", "⻛": "风", "⻜": "飞", "⻝": "食", "⻢": "马", "⻣": "骨", "⻤": "鬼",
        "⻥": "鱼", "⻦": "鸟", "⻧": "卤", "⻨": "麦", "⻩": "黄", "⻪": "黾", "⻬": "齐",
        "⻮": "齿", "⻰": "龙", "⻳": "龟",
        "⸺": "——", "⸻": "———",
    }
)  # fmt: skip
_CID = re.compile(r"\(cid:\d+\)")
_BAD_CHAR = re.compile("[\ufffd\ue000-\uf8ff]")
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－~]*\s*\d{1,4}\s*[-—–－~]*"
    r"|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$"
)


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    page: int
    kind: str = ""  # "" (text) or the artefact kind


@dataclass
class _Page:
    number: int
    height: float
    lines: list[_Line] = field(default_factory=list)


def read(path: Path, raw: bytes) -> SourceText:
    """The text of a PDF's text layer, one line per paragraph (see the module doc)."""
    pages = _extract(path, raw)
    mapped = _normalise(pages)
    chars = sum(len(line.text) for page in pages for line in page.lines)
    if chars == 0:
        raise ImportFailure(
            f"{path}: no text layer ({len(pages)} page{'s' if len(pages) != 1 else ''} of images: "
            "a scan); the importer does no OCR — import the Word original or a text copy instead"
        )
    _refuse_garbage(path, pages)
    _mark_running_heads(pages)
    text, removed, where = _paragraphs(pages)
    notes = []
    if mapped:
        notes.append(
            f"{mapped} character(s) the PDF's fonts map to radical forms (⻘ ⼈ ⺠ …) read as the "
            "ideographs they show (青 人 民 …)"
        )
    return SourceText(
        text=text,
        read_as=f"PDF text layer, {len(pages)} page{'s' if len(pages) != 1 else ''}",
        unit="page",
        removed=removed,
        where=where,
        notes=notes,
    )


def _normalise(pages: list[_Page]) -> int:
    """Radical forms → the ideographs they show; returns how many characters were mapped."""
    mapped = 0
    for page in pages:
        for line in page.lines:
            text = line.text
            out = []
            for ch in text:
                if "\u2f00" <= ch <= "\u2fdf":
                    out.append(unicodedata.normalize("NFKC", ch))
                    mapped += 1
                else:
                    new = ch.translate(RADICAL_FORMS)
                    mapped += new != ch
                    out.append(new)
            line.text = "".join(out)
    return mapped


def _extract(path: Path, raw: bytes) -> list[_Page]:
    try:
        import pdfplumber
    except ImportError:  # pragma: no cover - a declared dependency
        raise ImportFailure(f"{path}: reading .pdf needs pdfplumber (pip install pdfplumber)") from None
    if b"%PDF-" not in raw[:1024]:
        raise ImportFailure(f"{path}: not a PDF file (no %PDF- header); expected a PDF document")
    noisy = logging.getLogger("pdfminer")
    level = noisy.level
    noisy.setLevel(logging.ERROR)  # font warnings of a good file are no news for the user
    try:
        undecided = check_streams(path, raw)
        try:
            pdf = pdfplumber.open(io.BytesIO(raw))
        except Exception as exc:  # pdfminer raises many kinds for a damaged file
            raise _unreadable(path, exc) from None
        pages: list[_Page] = []
        with pdf:
            decipher = getattr(pdf.doc, "decipher", None)
            if undecided and decipher is not None:  # encrypted streams, told once deciphered
                check_streams(path, raw, decipher)
            _pages(path, pdf, pages)
    finally:
        noisy.setLevel(level)
    return pages


def _unreadable(path: Path, exc: Exception) -> ImportFailure:
    """The message for a PDF pdfminer cannot open: an encrypted one says so and what to do."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    cause = exc.args[0] if type(exc).__name__ == "PdfminerException" and exc.args else exc
    if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
        return ImportFailure(
            f"{path}: encrypted PDF: it asks for a password to be opened; remove the password (open it "
            "with the password and print or save it as a new PDF without one) and import that copy, or "
            "import the Word original"
        )
    reason = str(cause).strip() or "no reason given"
    return ImportFailure(f"{path}: not a readable PDF file ({type(cause).__name__}: {reason})")


def _pages(path: Path, pdf, pages: list[_Page]) -> None:
    try:
        count = len(pdf.pages)
    except Exception as exc:
        raise _unreadable(path, exc) from None
    if count == 0:
        raise ImportFailure(f"{path}: the PDF has no pages")
    if count > MAX_PAGES:
        raise ImportFailure(
            f"{path}: the PDF has {count} pages; a report is expected to have at most {MAX_PAGES} "
            "(refused before reading them)"
        )
    check_drawing(path, pdf.pages)
    total = 0
    for number, page in enumerate(pdf.pages, 1):
        try:
            lines = _page_lines(page, number)
        except Exception as exc:
            raise ImportFailure(
                f"{path}: page {number}: cannot read the text layer ({type(exc).__name__}: {exc})"
            ) from None
        total += sum(len(line.text) for line in lines)
        if total > MAX_CHARS:
            raise ImportFailure(
                f"{path}: page {number}: more than {MAX_CHARS} characters so far; a report is "
                "expected to be far shorter (refused)"
            )
        pages.append(_Page(number, float(page.height), sorted(lines, key=lambda ln: ln.top)))
        page.close()


def _page_lines(page, number: int) -> list[_Line]:
    """The text lines of *page*; the text no reader sees (white, outside the page, too small to
    read) as lines of their own, marked as hidden text."""
    backgrounds = [
        (r["x0"], r["top"], r["x1"], r["bottom"])
        for r in page.rects
        if r.get("fill") and not _white(r.get("non_stroking_color"))
    ]
    box = page.bbox

    def why_hidden(char: dict) -> str:
        x, y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        if not (box[0] <= x <= box[2] and box[1] <= y <= box[3]):
            return "hidden text (outside the page)"
        if char.get("size", 10) < MIN_SIZE:
            return f"hidden text ({char['size']:.1f} pt)"
        if _white(char.get("non_stroking_color")) and not any(
            b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in backgrounds
        ):
            return "hidden text (white)"
        return ""

    hidden = {id(c): why for c in page.chars if (why := why_hidden(c))}
    visible = page.filter(lambda obj: obj.get("object_type") != "char" or id(obj) not in hidden)
    lines = _lines(visible.extract_text_lines(return_chars=False), number)
    if hidden:
        kinds = Counter(hidden.values())
        unseen = page.filter(lambda obj: obj.get("object_type") == "char" and id(obj) in hidden)
        for raw in unseen.extract_text_lines(return_chars=True):
            line = _lines([raw], number)
            if line:
                found = Counter(hidden.get(id(c), "") for c in raw.get("chars", []))
                line[0].kind = (found.most_common(1)[0][0] if found else "") or kinds.most_common(1)[0][0]
                lines += line
    return lines


def _lines(found: list[dict], number: int) -> list[_Line]:
    return [
        _Line(str(raw["text"]).strip(), raw["x0"], raw["x1"], raw["top"], raw["bottom"], number)
        for raw in found
        if str(raw["text"]).strip()
    ]


def _white(color) -> bool:
    """Is *color* (gray, RGB or CMYK components) white?"""
    if (
        not isinstance(color, (tuple, list))
        or not color
        or not all(isinstance(c, (int, float)) for c in color)
    ):
        return False
    if len(color) == 4:
        return all(c <= 0.05 for c in color)
    return all(c >= 0.95 for c in color)


def _refuse_garbage(path: Path, pages: list[_Page]) -> None:
    """Refuse a text layer made of unmapped glyphs, or text that is not real text."""
    bad = total = 0
    first = 0
    for page in pages:
        for line in page.lines:
            found = len(_CID.findall(line.text)) + len(_BAD_CHAR.findall(line.text))
            if found and not first:
                first = page.number
            bad += found
            total += len(_CID.sub("#", line.text))
    if total and bad / total > GARBLED_SHARE:
        raise ImportFailure(
            f"{path}: page {first}: the text layer is garbled: {bad} of {total} characters are glyphs "
            "without a Unicode mapping ((cid:…), U+FFFD); its fonts do not say which characters they "
            "draw, so the text would import as mojibake — import the Word original or a text copy instead"
        )
    text = "".join(line.text for page in pages for line in page.lines)
    score = plausibility(text)
    if score < PLAUSIBLE:
        raise ImportFailure(
            f"{path}: the text layer is not readable text ({1 - score:.0%} unusual characters); its "
            "fonts map glyphs to the wrong characters — import the Word original or a text copy instead"
        )


def _norm(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _mark_running_heads(pages: list[_Page]) -> None:
    """Mark page numbers and the lines that repeat in the top or bottom band of most pages."""
    seen: Counter[tuple[str, str]] = Counter()
    for page in pages:
        for band, line in _band_lines(page):
            seen[(band, _norm(line.text))] += 1
    need = max(2, (len(pages) + 1) // 2)
    for page in pages:
        for band, line in _band_lines(page):
            if _PAGE_NUMBER.match(line.text):
                line.kind = "page number"
            elif len(pages) >= 2 and seen[(band, _norm(line.text))] >= need:
                line.kind = "running header" if band == "top" else "running footer"


def _band_lines(page: _Page) -> list[tuple[str, _Line]]:
    """The lines in the top and bottom bands of *page* (at most two of each)."""
    shown = [ln for ln in page.lines if not ln.kind]  # hidden text is removed already
    top = [ln for ln in shown if ln.bottom <= page.height * BAND][:2]
    bottom = [ln for ln in shown if ln.top >= page.height * (1 - BAND)][-2:]
    return [("top", ln) for ln in top] + [("bottom", ln) for ln in bottom]


def _paragraphs(pages: list[_Page]) -> tuple[str, list[Artefact], list[int]]:
    """The body lines joined into paragraphs; the artefacts as lines of their own (after the
    paragraph they interrupt); the page of every output line."""
    body = [ln for page in pages for ln in page.lines if not ln.kind]
    lefts = sorted(ln.x0 for ln in body)
    em = _median([ln.bottom - ln.top for ln in body]) or 10.0
    left = lefts[len(lefts) // 10] if lefts else 0.0
    right = max((ln.x1 for ln in body), default=0.0)
    body_x = (left, right)

    out: list[str] = []
    where: list[int] = []
    removed: list[Artefact] = []
    offset = 0
    paragraph: list[_Line] = []
    pending: list[_Line] = []

    def emit(text: str, page: int, kind: str = "") -> None:
        nonlocal offset
        if kind:
            removed.append(Artefact(kind, text, len(out) + 1, offset, offset + len(text)))
        out.append(text)
        where.append(page)
        offset += len(text) + 1

    def flush() -> None:
        if paragraph:
            emit(_join([ln.text for ln in paragraph]), paragraph[0].page)
            paragraph.clear()
        for ln in pending:
            emit(ln.text, ln.page, ln.kind)
        pending.clear()

    for page in pages:
        for line in page.lines:
            if line.kind:
                if paragraph:
                    pending.append(line)
                else:
                    emit(line.text, line.page, line.kind)
                continue
            if paragraph and _continues(paragraph[-1], line, body_x, em):
                paragraph.append(line)
                continue
            flush()
            paragraph.append(line)
    flush()
    return "\n".join(out), removed, where


def _continues(previous: _Line, line: _Line, body_x: tuple[float, float], em: float) -> bool:
    """Does *line* continue the paragraph whose last line is *previous*?

    It does when *previous* reaches the right margin and *line* is not indented (an indented
    line starts a paragraph) — or, for a centred title or subtitle, when *previous* spans the
    text block and *line* is centred under it."""
    left, right = body_x
    if previous.x1 < right - 1.5 * em or _starts_block(line.text):
        return False
    if line.x0 < left + 0.8 * em:
        return True
    middle = (left + right) / 2
    centred = abs((line.x0 + line.x1) / 2 - middle) < em
    return centred and previous.x0 < left + 0.8 * em


def _starts_block(text: str) -> bool:
    """A line that starts with a section marker (``一、``) never continues a paragraph."""
    marker = line_marker(text)
    return marker is not None and marker.style in ("cn-dun", "cn-paren")


def _join(parts: list[str]) -> str:
    out = parts[0]
    for part in parts[1:]:
        gap = (
            " "
            if out[-1:].isascii() and out[-1:].isalpha() and part[:1].isascii() and part[:1].isalpha()
            else ""
        )
        out += gap + part
    return out


def _median(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[len(ordered) // 2]
