"""Tables as docutils nodes: the frame (columns and a heading row) that every generated table shares."""

from __future__ import annotations

from collections.abc import Sequence

from docutils import nodes


def table(
    classes: list[str], widths: Sequence[int], headings: Sequence[str]
) -> tuple[nodes.table, nodes.tbody]:
    """A table with one column per width and a heading row of *headings*; returns it and its
    (empty) body, for the caller to add rows to."""
    frame = nodes.table(classes=classes)
    group = nodes.tgroup(cols=len(widths))
    frame += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    row = nodes.row()
    for heading in headings:
        row += nodes.entry("", nodes.paragraph("", heading))
    group += nodes.thead("", row)
    body = nodes.tbody()
    group += body
    return frame, body
