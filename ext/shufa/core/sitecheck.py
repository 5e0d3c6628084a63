"""Internal links and anchors of a built site: every one must resolve (``shufa check-links``).

Reads every HTML page under the output folder, collects the ids (and legacy
``name`` anchors) each page defines, and checks every relative ``href``/``src``:
the file must exist and, when the link has a ``#fragment``, the target page
must have an element with that id. External links (http, https, mailto, …) are
not fetched: the archive is checked offline.

The pages are parsed by lxml's HTML parser (libxml2, a dependency already: the
importer reads saved pages with it), about twenty times as fast as the standard
library's ``html.parser`` it replaced, which was most of the time of a check
(docs/guide/developing.md). ``huge_tree``: libxml2 stops at a depth of 256
without it, and what follows would be silently unread.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

_SKIP_SCHEMES = {"http", "https", "mailto", "tel", "data", "javascript", "ftp"}


class _Page:
    """The ids a page defines and its links (with the line each is on)."""

    def __init__(self, text: str, parser: etree.HTMLParser) -> None:
        self.ids: set[str] = set()
        self.links: list[tuple[str, int]] = []
        if not text.strip():
            return
        # as UTF-8 bytes, NUL replaced: lxml refuses a string with NUL, or with an XML declaration
        # naming its encoding (an XHTML page), and such a page's links were left unread
        raw = text.replace("\0", "\ufffd").encode("utf-8")
        try:
            root = etree.fromstring(raw, parser)
        except (etree.ParserError, etree.XMLSyntaxError, ValueError):  # nothing to read: no ids, no links
            return
        if root is None:
            return
        for element in root.iter(etree.Element):
            tag, values = element.tag, element.attrib
            for key in ("id", "name") if tag == "a" else ("id",):
                if values.get(key):
                    self.ids.add(values[key])
            if tag == "base":
                continue
            for key in ("href", "src"):
                value = values.get(key)
                # a canonical link names the page itself (absolute); alternates (feeds, citation
                # files) are files of the site like any other link
                if value and not (tag == "link" and values.get("rel") == "canonical" and key == "href"):
                    self.links.append((value, element.sourceline or 0))


def broken_links(outdir: Path) -> list[str]:
    """``page:line: link — what is wrong`` for every internal link that does not resolve."""
    outdir = Path(outdir)
    pages: dict[str, _Page] = {}
    parser = etree.HTMLParser(huge_tree=True, encoding="utf-8")
    for path in sorted(outdir.rglob("*.html")):
        if path.relative_to(outdir).parts[0] in {"_static", "_sources", "_images"}:
            continue  # theme assets (template fragments), not pages of the site
        pages[path.relative_to(outdir).as_posix()] = _Page(
            path.read_text(encoding="utf-8", errors="replace"), parser
        )
    problems = []
    # (the pages of a folder share most of their links: each is resolved once)
    resolved: dict[tuple[str, str], tuple[str, str | None]] = {}
    for name, page in pages.items():
        folder = posixpath.dirname(name)
        for link, line in page.links:
            parts = urlsplit(link)
            if parts.scheme in _SKIP_SCHEMES or parts.netloc or link.startswith("//"):
                continue
            if not parts.path:
                target, wrong = name, None
            else:
                key = (folder, parts.path)
                if key not in resolved:
                    resolved[key] = _resolve(outdir, folder, parts.path)
                target, wrong = resolved[key]
            if wrong:
                problems.append(f"{name}:{line}: {link} — {wrong}")
                continue
            fragment = unquote(parts.fragment)
            if fragment and target in pages and fragment not in pages[target].ids and fragment != "top":
                problems.append(f"{name}:{line}: {link} — {target} has no element with id “{fragment}”")
    return problems


def _resolve(outdir: Path, folder: str, path: str) -> tuple[str, str | None]:
    """The site's file a link's *path* names from a page in *folder*, and what is wrong with it."""
    target = posixpath.normpath(posixpath.join(folder, unquote(path)))
    if target.startswith(".."):
        return target, "points outside the site"
    file = outdir / target
    if file.is_dir():
        target = posixpath.join(target, "index.html")
        file = outdir / target
    if not file.is_file():
        return target, f"no such file {target}"
    return target, None
