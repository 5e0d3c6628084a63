"""The anchor scheme of report parts and the table of closing parts.

A published report is a historical document: its own numbering is its
structure. Section 三 is ``s3``; its second item ``s3-2``; that item's first
nested item ``s3-2-1``. The closing parts are ``shortcomings`` (存在的不足) and
``next-steps`` (下一步), their items ``shortcomings-1`` …. These ids are the
stable links of the archive (see the anchor lock); the browser code gets this
scheme from here at build time (``shufa.plugins.assets``).
"""

from __future__ import annotations

import re
from typing import NamedTuple

#: Prefix of section anchors (``s3``) and the separator of item numbers (``s3-2``).
SECTION_PREFIX = "s"
SEPARATOR = "-"


class Closing(NamedTuple):
    """One closing part: its anchor, its key in a data file's ``closing`` and its usual heading."""

    anchor: str
    key: str
    heading: str


SHORTCOMINGS = "shortcomings"
NEXT_STEPS = "next-steps"
#: The closing parts, in printed order.
CLOSING = (
    Closing(SHORTCOMINGS, "shortcomings", "存在的不足"),
    Closing(NEXT_STEPS, "next_steps", "下一步打算"),
)
CLOSING_HEADINGS = {c.anchor: c.heading for c in CLOSING}

#: Ids a report page uses for itself: no part may take them.
RESERVED = frozenset({"report", "preamble", "top"})

#: Every anchor the scheme gives a part (a regular expression, anchored by the user).
PART_ANCHOR = rf"(?:{SECTION_PREFIX}[0-9]+|{'|'.join(c.anchor for c in CLOSING)})(?:{SEPARATOR}[0-9]+)*"
_PART_ANCHOR = re.compile(PART_ANCHOR)


def section_anchor(ordinal: int) -> str:
    """``s3`` for the third section."""
    return f"{SECTION_PREFIX}{ordinal}"


def item_anchor(parent: str, ordinal: int) -> str:
    """``s3-2`` for the second item of ``s3``."""
    return f"{parent}{SEPARATOR}{ordinal}"


def split_anchor(anchor: str) -> tuple[str, list[int]] | None:
    """``s3-2`` → (``s``, [3, 2]); ``shortcomings-2`` → (``shortcomings``, [2]); None for an id
    the scheme does not give (an alias such as ``old-3``)."""
    if not _PART_ANCHOR.fullmatch(anchor):
        return None
    for closing in CLOSING:
        if anchor == closing.anchor or anchor.startswith(closing.anchor + SEPARATOR):
            rest = anchor[len(closing.anchor) + 1 :]
            return closing.anchor, [int(n) for n in rest.split(SEPARATOR)] if rest else []
    return SECTION_PREFIX, [int(n) for n in anchor[len(SECTION_PREFIX) :].split(SEPARATOR)]
