"""Redaction marks: the placeholders published copies print for hidden names and numbers.

``**县``, ``*次``, ``XX县``, ``×××``: each stays visibly hidden, is never guessed and
never counts as a figure.
"""

from __future__ import annotations

import re

#: ``*``, ``**``, ``＊＊``, ``XX``/``xx``, ``×``/``×××``, ``○○``, ``□□``.
REDACTION = re.compile(r"[*＊]+|[xX]{2,}|×+|○{2,}|□+")

#: What a reader is told a mark means.
REDACTION_TITLE = "原文隐去"


def find_redactions(text: str) -> list[tuple[int, int, str]]:
    """Every redaction placeholder of *text* as (start, end, text)."""
    return [(m.start(), m.end(), m.group()) for m in REDACTION.finditer(text)]
