"""Sphinx plugin: redirect pages at the old URLs of renamed or merged counties (撤县设区).

For every former slug in counties.yaml (``aliases``), each page of the county
gets a stub at the old address, ``reports/<old>/…``, which forwards to the new
one. The forward keeps the ``#fragment`` (JavaScript ``location.replace`` with
the hash; a plain meta refresh would drop it), falls back to a meta refresh
without JavaScript, and shows a readable "moved to" link for clients with
neither. Stubs are rendered from ``templates/shufa-redirect.html``.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sphinx.application import Sphinx
from sphinx.util import logging

from ..core.files import write_if_changed
from ..core.labels import display_title
from ..core.model import Archive
from . import metadata
from .data import get_run
from .shared.envstore import claim, extra_pages

logger = logging.getLogger(__name__)

_TEMPLATES = Environment(
    loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
    autoescape=select_autoescape(["html"]),
    keep_trailing_newline=True,
)


#: Pages of the archive that moved, with their new place: old page → (new page, title, note).
MOVED = {
    "report-topics.html": ("topics/index.html", "按主题浏览", "主题索引已分为每个主题一页、每省一页。"),
    "report-years.html": ("years/index.html", "按年度浏览", "年度索引已分为每个年度一页、每省一页。"),
}


def redirect_pages(
    archive: Archive, extra: dict[str, str] | None = None, counties: set[str] | None = None
) -> dict[str, tuple[str, str, str]]:
    """Old page → (new page, title of the new page, note) for every former slug of *counties*
    (default: every county).

    *extra* names the pages plugins write themselves (the comparison pages), with titles."""
    pages: dict[str, tuple[str, str, str]] = {}
    for county in archive.counties.values():
        if not county.aliases or (counties is not None and county.slug not in counties):
            continue
        targets = [(f"{county.docname}.html", county.name)]
        targets += [(f"{r.docname}.html", display_title(archive, r)) for r in archive.reports_of(county.slug)]
        prefix = f"reports/{county.slug}/"
        targets += [
            (f"{name}.html", title)
            for name, title in sorted((extra or {}).items())
            if name.startswith(prefix)
        ]
        for alias in county.aliases:
            note = f"{county.name}的页面已从 reports/{alias}/ 迁至 reports/{county.slug}/。" + (
                f"{county.note}" if county.note else ""
            )
            for target, title in targets:
                old = f"reports/{alias}/" + target[len(f"reports/{county.slug}/") :]
                pages[old] = (target, title, note)
    return pages


def render_redirect(old: str, new: str, title: str, note: str) -> str:
    relative = posixpath.relpath(new, posixpath.dirname(old))
    return _TEMPLATES.get_template("shufa-redirect.html").render(target=relative, title=title, note=note)


def _write(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    run = get_run(app.env)
    archive = run.result.archive
    counties = {c.slug for p in run.provinces for c in archive.counties_in(p)}
    pages = redirect_pages(archive, extra_pages(app.env), counties)
    if run.scope.spans_partitions:
        pages.update(MOVED)
    for old, (new, title, note) in pages.items():
        claim(app, outdir / old)
        write_if_changed(outdir / old, render_redirect(old, new, title, note))
    if pages:
        logger.info(f"shufa: {len(pages)} redirect page(s) for moved pages and former county slugs")


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("shufa.plugins.data")
    app.connect("build-finished", _write)
    return metadata()
