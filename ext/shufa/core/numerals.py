"""Chinese numerals both ways, from one digit table: 105 ↔ 一百零五."""

from __future__ import annotations

#: The digits 0–9 as counting numbers print them.
DIGITS = "零一二三四五六七八九"

#: One Chinese digit → its value: the digits above, the year zero 〇 and 两 (two).
CN_DIGITS = {**{ch: value for value, ch in enumerate(DIGITS)}, "〇": 0, "两": 2}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
#: The digits of a year printed in Chinese (二〇二三年).
YEAR_DIGITS = "〇" + DIGITS
#: Every character a Chinese counting numeral is written with.
CN_NUMERAL_CHARS = "〇" + DIGITS + "两" + "".join(SMALL_UNITS) + "".join(BIG_UNITS)


def parse_chinese_number(text: str) -> int | None:
    """The value of a Chinese numeral in counting form (``十一`` → 11, ``一百零五`` → 105).

    Digit strings that are not counting numbers (``八五``, ``二〇二三``, ``十四五``)
    give None: they are names and years, not quantities.
    """
    if not text or any(ch not in CN_NUMERAL_CHARS for ch in text):
        return None
    total = section = 0
    digit: int | None = None
    previous = ""
    for ch in text:
        if ch in CN_DIGITS:
            if previous in CN_DIGITS and previous not in "〇零":
                return None  # two digits in a row: 八五, 二〇二三, 十四五
            digit = CN_DIGITS[ch]
        elif ch in SMALL_UNITS:
            if previous and (previous in SMALL_UNITS or previous in "〇零"):
                return None
            section += (1 if digit is None else digit) * SMALL_UNITS[ch]
            digit = None
        else:
            if not previous or previous in BIG_UNITS:
                return None
            total += (section + (digit or 0)) * BIG_UNITS[ch]
            section, digit = 0, None
        previous = ch
    return total + section + (digit or 0)


def chinese_number(n: int, digits: str = DIGITS, ten: str = "十", hundred: str = "百") -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五, 110 → 一百一十 (0 to 999;
    other numbers in Arabic digits). *digits*, *ten* and *hundred* give other scripts
    (大写 零壹贰…, or 〇 for zero as Word prints it)."""
    if n < 0 or n > 999:
        return str(n)
    if n < 10:
        return digits[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else digits[tens]) + ten + (digits[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        return digits[hundreds] + hundred
    if rest < 10:
        return digits[hundreds] + hundred + digits[0] + digits[rest]
    tail = chinese_number(rest, digits, ten, hundred)
    return digits[hundreds] + hundred + (digits[1] + tail if rest < 20 else tail)
