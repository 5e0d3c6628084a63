"""Word .docx sources: the paragraphs in order, with list numbering rendered as printed.

Word often stores ``一、`` or ``（一）`` not as text but as list formatting (a
``numPr`` in the paragraph or its style, pointing into numbering.xml). This
reader renders that numbering the way Word shows it (``%1、`` with the level's
number format: 一二三, 1 2 3, ①, 甲乙丙 …), so the structure parser sees the
same text a reader of the document sees. Tables become one line per row;
tracked deletions are left out, tracked insertions kept.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from ..core.numerals import DIGITS, chinese_number
from .reading import ImportFailure, SourceText

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


#: Bounds checked before any part is unpacked: a report is a few hundred paragraphs in a few
#: megabytes of XML, so anything far beyond is a damaged or hostile file (a "zip bomb").
MAX_PARTS = 2000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_XML_PART_BYTES = 32 * 1024 * 1024
MAX_PARAGRAPHS = 20_000

_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOCUMENT = "/officeDocument"
#: Parts the reader (through python-docx) loads: a link out of the file cannot stand for them.
_LOADED_PARTS = (
    "numbering",
    "styles",
    "stylesWithEffects",
    "settings",
    "webSettings",
    "fontTable",
    "theme",
    "footnotes",
    "endnotes",
    "comments",
    "header",
    "footer",
    "officeDocument",
)


def read(path: Path, raw: bytes) -> SourceText:
    """The text of a Word file, one line per paragraph (and per table row)."""
    try:
        import docx  # python-docx
    except ImportError:  # pragma: no cover - a declared dependency
        raise ImportFailure(f"{path}: reading .docx needs python-docx (pip install python-docx)") from None
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise ImportFailure(
            f"{path}: not a Word .docx file (not a ZIP archive); if it is an old .doc file, save it as .docx"
        )
    preflight(path, raw)
    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises many kinds for a damaged package
        raise ImportFailure(f"{path}: not a readable Word .docx file ({type(exc).__name__}: {exc})") from None
    numbering = Numbering(document)
    lines = []
    for element in _body_blocks(document.element.body):
        if element.tag == f"{_W}p":
            text = paragraph_text(element)
            marker = numbering.marker(element, _style_numpr(document, element))
            if marker and text.strip():
                text = marker + text.lstrip()
            lines.append(text)
        else:  # a table: one line per row, cells separated by spaces
            for row in element.iter(f"{_W}tr"):
                cells = []
                for cell in row.iter(f"{_W}tc"):
                    value = " ".join(paragraph_text(p) for p in cell.iter(f"{_W}p")).strip()
                    if value and (not cells or cells[-1] != value):
                        cells.append(value)
                lines.append("  ".join(cells))
    return SourceText(text="\n".join(lines), read_as="Word .docx", unit="paragraph")


def preflight(path: Path, raw: bytes) -> None:
    """Refuse a package that would unpack too far, hold too many paragraphs, or link its
    numbering or styles out of the file — before python-docx unpacks anything."""
    from lxml import etree

    mb = 1024 * 1024
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as package:
            infos = package.infolist()
            if len(infos) > MAX_PARTS:
                raise ImportFailure(
                    f"{path}: the package holds {len(infos)} parts; a Word report is expected to "
                    f"hold at most {MAX_PARTS}"
                )
            total = sum(info.file_size for info in infos)
            if total > MAX_UNPACKED_BYTES:
                raise ImportFailure(
                    f"{path}: unpacks to {total / mb:.1f} MB; a Word report is expected to unpack "
                    f"to at most {MAX_UNPACKED_BYTES // mb} MB (nothing was unpacked)"
                )
            for info in infos:
                if info.filename.endswith((".xml", ".rels")) and info.file_size > MAX_XML_PART_BYTES:
                    raise ImportFailure(
                        f"{path}: {info.filename} unpacks to {info.file_size / mb:.1f} MB; a part of a "
                        f"Word report is expected to be at most {MAX_XML_PART_BYTES // mb} MB "
                        "(nothing was unpacked)"
                    )
            names = {info.filename for info in infos}
            main = _main_part(path, package, names)
            _refuse_external_parts(path, package, names, main)
            _count_paragraphs(path, package, main, etree)
    except (zipfile.BadZipFile, etree.XMLSyntaxError, OSError, EOFError, RuntimeError) as exc:
        raise ImportFailure(f"{path}: not a readable Word .docx file ({type(exc).__name__}: {exc})") from None


def _rels_of(part: str) -> str:
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def _relationships(package: zipfile.ZipFile, rels: str) -> list[Any]:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    with package.open(rels) as handle:
        return list(etree.parse(handle, parser).getroot().iter(_RELS))


def _main_part(path: Path, package: zipfile.ZipFile, names: set[str]) -> str:
    if "_rels/.rels" not in names:
        return "word/document.xml"
    for rel in _relationships(package, "_rels/.rels"):
        if (rel.get("Type") or "").endswith(_OFFICE_DOCUMENT):
            if rel.get("TargetMode") == "External":
                raise ImportFailure(
                    f"{path}: _rels/.rels: the document itself is an external link "
                    f"(Target=“{rel.get('Target')}”), not inside the file; the importer never "
                    "follows links out of a file"
                )
            return (rel.get("Target") or "word/document.xml").lstrip("/")
    return "word/document.xml"


def _refuse_external_parts(path: Path, package: zipfile.ZipFile, names: set[str], main: str) -> None:
    rels = _rels_of(main)
    if rels not in names:
        return
    for rel in _relationships(package, rels):
        kind = (rel.get("Type") or "").rpartition("/")[2]
        if rel.get("TargetMode") == "External" and kind in _LOADED_PARTS:
            raise ImportFailure(
                f"{path}: {rels}: the {kind} part is an external link (Target=“{rel.get('Target')}”), "
                "not inside the file; the importer never follows links out of a file — open the "
                "document in Word or WPS and save it again as .docx"
            )


def _count_paragraphs(path: Path, package: zipfile.ZipFile, main: str, etree: Any) -> None:
    """Count the paragraphs of the main part as it streams by; stop past the bound."""
    try:
        handle = package.open(main)
    except KeyError:
        raise ImportFailure(f"{path}: not a Word .docx file: it has no {main}") from None
    count = 0
    with handle:
        for _event, element in etree.iterparse(
            handle, events=("end",), tag=f"{_W}p", resolve_entities=False, no_network=True
        ):
            count += 1
            element.clear(keep_tail=False)
            if count > MAX_PARAGRAPHS:
                raise ImportFailure(
                    f"{path}: {main} holds more than {MAX_PARAGRAPHS} paragraphs; a report is "
                    "expected to hold a few hundred (refused before reading it)"
                )


def _body_blocks(body: Any):
    """Paragraphs and tables of the body in document order (content controls opened)."""
    for child in body.iterchildren():
        if child.tag in (f"{_W}p", f"{_W}tbl"):
            yield child
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _body_blocks(content)


def paragraph_text(p: Any) -> str:
    """The visible text of a ``w:p``: runs, hyperlinks and insertions, without deletions."""
    out = []
    for el in p.iter():
        tag = el.tag
        if tag == f"{_W}t":
            if not _deleted(el, p):
                out.append(el.text or "")
        elif tag == f"{_W}tab":
            out.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            out.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            out.append("-")
    return "".join(out)


def _deleted(el: Any, stop: Any) -> bool:
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in (f"{_W}del", f"{_W}moveFrom"):
            return True
        parent = parent.getparent()
    return False


def _style_numpr(document: Any, p: Any) -> Any:
    """The ``numPr`` a paragraph inherits from its style chain, if any."""
    ppr = p.find(f"{_W}pPr")
    style_id = None
    if ppr is not None:
        pstyle = ppr.find(f"{_W}pStyle")
        if pstyle is not None:
            style_id = pstyle.get(f"{_W}val")
    if style_id is None:
        return None
    styles = document.styles.element
    seen = set()
    while style_id and style_id not in seen:
        seen.add(style_id)
        style = next((s for s in styles.iter(f"{_W}style") if s.get(f"{_W}styleId") == style_id), None)
        if style is None:
            return None
        numpr = style.find(f"{_W}pPr/{_W}numPr")
        if numpr is not None:
            return numpr
        based = style.find(f"{_W}basedOn")
        style_id = based.get(f"{_W}val") if based is not None else None
    return None


class Numbering:
    """Word's list counters, advanced paragraph by paragraph as Word does when it displays them."""

    def __init__(self, document: Any) -> None:
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.levels: dict[str, dict[int, dict[str, Any]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError, ValueError):
            return
        for abstract in root.iter(f"{_W}abstractNum"):
            aid = abstract.get(f"{_W}abstractNumId")
            levels = {}
            for lvl in abstract.iter(f"{_W}lvl"):
                levels[_int(lvl.get(f"{_W}ilvl"), 0)] = {
                    "start": _int(_val(lvl, "start", "1"), 1),
                    "fmt": _val(lvl, "numFmt", "decimal"),
                    "text": _val(lvl, "lvlText", "%1."),
                }
            self.levels[aid] = levels
        for num in root.iter(f"{_W}num"):
            nid = num.get(f"{_W}numId")
            abstract = num.find(f"{_W}abstractNumId")
            if abstract is None:
                continue
            overrides = {}
            for override in num.iter(f"{_W}lvlOverride"):
                start = override.find(f"{_W}startOverride")
                if start is not None:
                    overrides[_int(override.get(f"{_W}ilvl"), 0)] = _int(start.get(f"{_W}val"), 1)
            self.nums[nid] = (abstract.get(f"{_W}val"), overrides)

    def marker(self, p: Any, style_numpr: Any) -> str:
        """The rendered number of paragraph *p* (``一、``), advancing the counters; "" if unnumbered."""
        own = p.find(f"{_W}pPr/{_W}numPr")
        nid = _child_val(own, "numId") if own is not None else None
        ilvl_text = _child_val(own, "ilvl") if own is not None else None
        if style_numpr is not None:  # a style's list formatting fills what the paragraph leaves out
            nid = nid or _child_val(style_numpr, "numId")
            ilvl_text = ilvl_text or _child_val(style_numpr, "ilvl")
        ilvl = _int(ilvl_text, 0)
        if not nid or nid == "0" or nid not in self.nums:
            return ""
        aid, overrides = self.nums[nid]
        levels = self.levels.get(aid, {})
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(aid, {})
        if nid not in self.started:
            self.started.add(nid)
            for level, start in overrides.items():
                counters[level] = start - 1
                for deeper in [k for k in counters if k > level]:
                    del counters[deeper]
        counters[ilvl] = counters.get(ilvl, levels[ilvl]["start"] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        level = levels[ilvl]
        if level["fmt"] in ("bullet", "none"):
            return ""
        text = level["text"] or ""
        for k in range(9, 0, -1):
            placeholder = f"%{k}"
            if placeholder in text:
                lvl = levels.get(k - 1, {"start": 1, "fmt": "decimal"})
                value = counters.get(k - 1, lvl["start"])
                text = text.replace(placeholder, format_number(value, lvl["fmt"]))
        return text


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:  # a damaged numbering part: number as Word would, from the default
        return default


def _val(el: Any, child: str, default: str) -> str:
    found = el.find(f"{_W}{child}")
    if found is None:
        return default
    return found.get(f"{_W}val", default)


def _child_val(el: Any, child: str) -> str | None:
    found = el.find(f"{_W}{child}")
    return found.get(f"{_W}val") if found is not None else None


#: Word prints a zero in Chinese counting as 〇 (一百〇五).
_CN = "〇" + DIGITS[1:]
_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_HEAVENLY = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"


def _roman(n: int) -> str:
    out = ""
    for value, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out += letters
            n -= value
    return out


def _letters(n: int) -> str:
    # Word repeats the letter: A … Z, AA … ZZ
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """*n* in Word's number format *fmt* (``decimal``, ``chineseCounting``, ``decimalEnclosedCircle`` …)."""
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "taiwaneseCounting",
        "taiwaneseCountingThousand",
        "japaneseCounting",
        "ideographDigital",
        "koreanCounting",
        "japaneseDigitalTenThousand",
    ):
        return chinese_number(n, _CN)
    if fmt == "chineseLegalSimplified":
        return chinese_number(n, _LEGAL, "拾", "佰")
    if fmt == "ideographTraditional":
        return _HEAVENLY[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return _BRANCHES[(n - 1) % 12]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    return str(n)
