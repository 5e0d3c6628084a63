"""Internal links and anchors of a built site: every one must resolve (``shufa check-links``).

Reads every HTML page under the output folder, collects the ids (and legacy
``name`` anchors) each page defines, and checks every relative ``href``/``src``:
the file must exist and, when the link has a ``#fragment``, the target page
must have an element with that id. External links (http, https, mailto, …) are
not fetched: the archive is checked offline.
"""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

_SKIP_SCHEMES = {"http", "https", "mailto", "tel", "data", "javascript", "ftp"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if values.get(key):
                self.ids.add(values[key] or "")
        if tag == "base":
            return
        for key in ("href", "src"):
            value = values.get(key)
            # a canonical link names the page itself (absolute); alternates (feeds, citation
            # files) are files of the site like any other link
            if value and not (tag == "link" and values.get("rel") == "canonical" and key == "href"):
                self.links.append((value, self.getpos()[0]))


def broken_links(outdir: Path) -> list[str]:
    """``page:line: link — what is wrong`` for every internal link that does not resolve."""
    outdir = Path(outdir)
    pages: dict[str, _Page] = {}
    for path in sorted(outdir.rglob("*.html")):
        if path.relative_to(outdir).parts[0] in {"_static", "_sources", "_images"}:
            continue  # theme assets (template fragments), not pages of the site
        parser = _Page()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        pages[path.relative_to(outdir).as_posix()] = parser
    problems = []
    for name, page in pages.items():
        for link, line in page.links:
            parts = urlsplit(link)
            if parts.scheme in _SKIP_SCHEMES or parts.netloc or link.startswith("//"):
                continue
            target = (
                name
                if not parts.path
                else posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(parts.path)))
            )
            if target.startswith(".."):
                problems.append(f"{name}:{line}: {link} — points outside the site")
                continue
            file = outdir / target
            if file.is_dir():
                target = posixpath.join(target, "index.html")
                file = outdir / target
            if not file.is_file():
                problems.append(f"{name}:{line}: {link} — no such file {target}")
                continue
            fragment = unquote(parts.fragment)
            if fragment and target in pages and fragment not in pages[target].ids and fragment != "top":
                problems.append(f"{name}:{line}: {link} — {target} has no element with id “{fragment}”")
    return problems
