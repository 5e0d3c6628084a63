"""Sphinx plugin: each report's original file, offered on its page as 原文 with format and checksum.

A data file imported by ``shufa import`` names its kept original under
``source.original`` (``sources/qinghe/shufa/2023.pdf``, relative to the data
folder's parent). This plugin adds a 原文 line to the report's header (through
the ``shufa-report-header`` event) and copies the original into the built site
beside the page, as ``reports/<county>/<kind>/<year>.original.<ext>`` (never
the page's own name), at ``build-finished`` and only when it changed. A
missing or changed original is reported by the loader (:mod:`shufa.core.originals`)
with the data file's line; the page then links nothing that is not there.
"""

from __future__ import annotations

import posixpath
import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from .. import __version__
from ..core.formats import format_named
from ..core.model import Report
from ..core.originals import original_path, site_name
from .data import data_dir, loaded_archive
from .shared.envstore import claim

logger = logging.getLogger(__name__)


def format_label(name: str) -> str:
    """How the page names the format a data file calls *name* (``PDF``, ``Word 文档``)."""
    found = format_named(name)
    return found.label if found is not None else name


def add_original(app: Sphinx, directive: SphinxDirective, report: Report, header: nodes.Element) -> None:
    original = report.original
    if original is None or not original_path(data_dir(app), original).is_file():
        return
    page = app.builder.get_target_uri(report.docname)
    uri = posixpath.relpath(site_name(report), posixpath.dirname(page) or ".")
    line = nodes.paragraph(classes=["report-original"])
    line += nodes.Text("原文：")
    line += nodes.reference("", "", nodes.inline("", original.name), refuri=uri, internal=True)
    line += nodes.Text(f"（{format_label(original.format)}，SHA-256 ")
    line += nodes.literal(original.sha256, original.sha256, classes=["sha256"])
    line += nodes.Text("）")
    header += line


def copy_originals(app: Sphinx, exception: BaseException | None) -> None:
    """Copy each report's original beside its page, when it is not there already."""
    if exception is not None or app.builder.format != "html":
        return
    archive = loaded_archive(app.env)
    if archive is None:
        return
    base = data_dir(app)
    out = Path(app.outdir)
    for report in archive.reports.values():
        if report.original is None:
            continue
        source = original_path(base, report.original)
        if not source.is_file():
            continue  # the loader has warned, located at the data file
        target = out / site_name(report)
        claim(app, target)
        stat = source.stat()
        if target.is_file():
            have = target.stat()
            if have.st_size == stat.st_size and have.st_mtime_ns == stat.st_mtime_ns:
                continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("shufa.plugins.directives")
    app.connect("shufa-report-header", add_original)
    app.connect("build-finished", copy_originals)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
