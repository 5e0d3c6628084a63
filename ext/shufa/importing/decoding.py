"""Plain-text sources: detect the encoding, refuse binary files, never decode into mojibake.

UTF-8 (with or without BOM), UTF-16/32 with a BOM, UTF-16 without one,
GB18030/GBK/GB2312 and Big5 are read. Byte-order marks decide first; text
that is valid UTF-8 is UTF-8; otherwise charset-normalizer proposes an
encoding and each candidate (its guess, GB18030, Big5, UTF-16) is checked by
what it decodes to: Chinese text is made of common characters (GB2312 level 1
or Big5 level 1), mojibake is not. A file no candidate decodes plausibly is
refused with a message that names the best guess and the way out, so a wrong
guess never becomes a data file silently.
"""

from __future__ import annotations

import codecs
import unicodedata
from functools import lru_cache
from pathlib import Path

from .reading import ImportFailure, SourceText

#: Share of characters that must look like real text for a decoding to be accepted.
PLAUSIBLE = 0.9

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32 (BOM)"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32 (BOM)"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 (BOM)"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16 (BOM)"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16 (BOM)"),
)

_SIGNATURES = (
    (b"PK\x03\x04", "a ZIP archive (a Word file? save it with the .docx suffix)"),
    (b"%PDF", "a PDF file; give it the .pdf suffix to import it"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.doc/.wps); save it as .docx"),
    (b"{\\rtf", "an RTF file; save it as .docx or .txt"),
    (b"\x89PNG", "a PNG image, not text"),
    (b"\xff\xd8\xff", "a JPEG image, not text"),
    (b"GIF8", "a GIF image, not text"),
    (b"\x7fELF", "a program, not text"),
)

_NAMES = {
    "utf_8": "UTF-8",
    "gb18030": "GB18030",
    "gbk": "GBK",
    "gb2312": "GB2312",
    "big5": "Big5",
    "utf_16_le": "UTF-16LE",
    "utf_16_be": "UTF-16BE",
}


def read(path: Path, raw: bytes) -> SourceText:
    """A plain-text report in any of the encodings above."""
    text, how = decode(raw, str(path))
    return SourceText(text=text, read_as=f"plain text, {how}", unit="line")


def decode(raw: bytes, shown: str = "input") -> tuple[str, str]:
    """(text, how it was decoded) of *raw*; :class:`ImportFailure` for empty, binary or undecodable input."""
    if not raw.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportFailure(f"{shown}: empty file; expected the text of a report")
    for magic, what in _SIGNATURES:
        if raw.startswith(magic):
            raise ImportFailure(f"{shown}: {what}")
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError as exc:
                raise ImportFailure(
                    f"{shown}: starts with a {name.split()[0]} byte-order mark but is not valid "
                    f"{name.split()[0]} (byte {exc.start}); convert it to UTF-8"
                ) from None
            return _checked(text, shown), name
    if raw.count(b"\x00") * 100 < len(raw):  # many NULs: UTF-16 without a byte-order mark
        try:
            return _checked(raw.decode("utf-8"), shown), "UTF-8"
        except UnicodeDecodeError:
            pass
    return _guess(raw, shown)


def _guess(raw: bytes, shown: str) -> tuple[str, str]:
    candidates: list[str] = []
    guess = _detector_guess(raw)
    if guess:
        candidates.append(guess)
    candidates += ["gb18030", "big5"]
    if raw.count(b"\x00") * 20 >= len(raw):
        candidates += ["utf_16_le", "utf_16_be"]
    best: tuple[float, str, str] | None = None
    for codec in dict.fromkeys(candidates):
        try:
            text = raw.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        score = plausibility(text)
        if best is None or score > best[0]:
            best = (score, codec, text)
    if best is None:
        raise ImportFailure(
            f"{shown}: not text in any encoding tried (UTF-8, GB18030, Big5, UTF-16); is it a binary file?"
        )
    score, codec, text = best
    name = _NAMES.get(codecs.lookup(codec).name.replace("-", "_"), codec.upper())
    if score < PLAUSIBLE:
        if "\x00" in text or _control_share(text) > 0.01:
            raise ImportFailure(f"{shown}: a binary file, not text")
        sample = "".join(ch for ch in text if not _looks_right(ch))[:12]
        raise ImportFailure(
            f"{shown}: cannot tell the encoding: the best guess, {name}, gives "
            f"{(1 - score):.0%} unusual characters (“{sample}”); convert the file to UTF-8 "
            f"(e.g. `iconv -f {name} -t UTF-8`) and import it again"
        )
    how = f"{name} (detected)"
    return _checked(text, shown), how


def _detector_guess(raw: bytes) -> str | None:
    """charset-normalizer's best guess, or None."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    try:
        best = from_bytes(raw).best()
    except Exception:  # a detector failure is only a missing hint
        return None
    return best.encoding if best is not None else None


def _checked(text: str, shown: str) -> str:
    """*text*, unless it is a binary file that happened to decode."""
    if not text.strip():
        raise ImportFailure(f"{shown}: empty file; expected the text of a report")
    if "\x00" in text and text.count("\x00") * 100 < len(text) and _control_share(text) <= 0.01:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportFailure(
            f"{shown}: line {line}: a NUL byte ({text.count(chr(0))} in all); a text file holds none — a "
            "damaged copy? Remove them (or save the text again) and import it again"
        )
    if "\x00" in text or _control_share(text) > 0.01:
        raise ImportFailure(f"{shown}: a binary file, not text")
    return text


def _control_share(text: str) -> float:
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    return controls / max(len(text), 1)


def plausibility(text: str) -> float:
    """Share of the visible characters of *text* that real (Chinese or Latin) text is made of."""
    visible = [ch for ch in text if not ch.isspace()]
    if not visible:
        return 1.0
    return sum(1 for ch in visible if _looks_right(ch)) / len(visible)


@lru_cache(maxsize=8192)
def _looks_right(ch: str) -> bool:
    code = ord(ch)
    if 0x21 <= code <= 0x7E:
        return True
    if 0x4E00 <= code <= 0x9FFF:
        return _common_hanzi(ch)
    if 0x3000 <= code <= 0x303F or 0xFF01 <= code <= 0xFF5E:  # CJK and full-width punctuation
        return True
    if 0x2010 <= code <= 0x2027 or 0x2460 <= code <= 0x2473 or code in (0xB7, 0xD7, 0x2116):
        return True  # dashes, quotes, ellipsis, ①…⑳, ·, ×, №
    return ch in "○□■●★☆→"


def _common_hanzi(ch: str) -> bool:
    """Is *ch* among the 3755 (GB2312 level 1) or 5401 (Big5 level 1) most common characters?"""
    try:
        code = ch.encode("gb2312")
        if 0xB0 <= code[0] <= 0xD7:
            return True
    except UnicodeEncodeError:
        pass
    try:
        code = ch.encode("big5")
        return 0xA440 <= int.from_bytes(code, "big") <= 0xC67E
    except UnicodeEncodeError:
        return False
