"""Readable Chinese names for reports and their parts (青禾县2023年述法报告 第三部分第二项)."""

from __future__ import annotations

from .model import NEXT_STEPS, SHORTCOMINGS, Archive, Report

_DIGITS = "零一二三四五六七八九"

CLOSING_HEADINGS = {SHORTCOMINGS: "存在的不足", NEXT_STEPS: "下一步打算"}


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (for ordinals up to 999)."""
    if n < 0 or n > 999:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        return _DIGITS[hundreds] + "百"
    middle = "零" if rest < 10 else ""
    tail = chinese_number(rest) if rest >= 20 or rest < 10 else "一" + chinese_number(rest)
    return _DIGITS[hundreds] + "百" + middle + tail


def report_name(archive: Archive, report: Report) -> str:
    """青禾县2023年述法报告."""
    return archive.report_title(report)


def part_name(anchor: str) -> str:
    """The name of the part an anchor points at, within its report.

    ``s3`` → 第三部分, ``s3-2`` → 第三部分第二项, ``s3-2-1`` → 第三部分第二项第一小项,
    ``shortcomings-2`` → 存在的不足第二项.
    """
    for closing, heading in CLOSING_HEADINGS.items():
        if anchor == closing:
            return heading
        if anchor.startswith(closing + "-"):
            numbers = [int(n) for n in anchor[len(closing) + 1 :].split("-")]
            return heading + _item_names(numbers)
    numbers = [int(n) for n in anchor[1:].split("-")]
    return f"第{chinese_number(numbers[0])}部分" + _item_names(numbers[1:])


def _item_names(numbers: list[int]) -> str:
    names = []
    for depth, n in enumerate(numbers):
        names.append(f"第{chinese_number(n)}{'项' if depth == 0 else '小项'}")
    return "".join(names)


def part_label(archive: Archive, report: Report, anchor: str) -> str:
    """青禾县2023年述法报告 第三部分第二项."""
    return f"{report_name(archive, report)} {part_name(anchor)}"
