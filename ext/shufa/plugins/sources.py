"""Sphinx plugin: each report's original, offered on its page as 原文 — its text to read, the file to download.

A data file imported by ``shufa import`` names its kept original under
``source.original`` (``sources/qinghe/shufa/2023.pdf``, relative to the data
folder's parent). Originals are evidence, not pages: nothing in them runs on
the site. This plugin adds a 原文 line to the report's header (through the
``shufa-report-header`` event) naming the format and the SHA-256 (never the
file name it was received under), and at ``build-finished`` publishes beside
the page:

* ``<year>.source.html``: a page of ours with the original's text as the importer
  reads it (the visible text of a saved page, the text layer of a PDF), escaped
  in a ``<pre>``, the lines the importer removed marked; a content security
  policy that allows no script. This is what the 原文 link opens.
* ``<year>.original.<ext>``: the original byte for byte, offered for download
  (``<a download>``); a saved web page as ``<year>.original.html.txt``
  (:func:`~shufa.core.originals.download_name`), which every static server sends
  as plain text, so the page's own markup never runs on the site's origin.

Both are mode 0644 and rewritten only when what they show changed. Only an
original that :func:`~shufa.core.originals.check_original` passes is linked or
published: a missing or changed one, or one reached through a symbolic link, is
a located problem of the loader, and nothing of it reaches the site.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
from pathlib import Path, PurePosixPath
from typing import Any

from docutils import nodes
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.writers.html5 import HTML5Translator

from ..core.files import write_bytes_if_changed, write_if_changed
from ..core.formats import format_named
from ..core.model import Report
from ..core.nofollow import NotFollowed
from ..core.originals import check_original, download_name, open_original, view_name
from ..core.problems import Code

# the one exception to "plugins import the core only" (tests/test_layers.py): the view of an
# original shows it as the importer reads it, removals marked, by the reader that made the data
from ..importing.reading import ImportFailure, read_received
from . import metadata
from .data import data_dir, loaded_archive
from .shared.envstore import claim, env_dict

logger = logging.getLogger(__name__)


def format_label(name: str) -> str:
    """How the page names the format a data file calls *name* (``PDF``, ``Word 文档``)."""
    found = format_named(name)
    return found.label if found is not None else name


_TEMPLATES = Path(__file__).parent / "templates"
_JINJA = Environment(
    loader=FileSystemLoader(str(_TEMPLATES)),
    autoescape=select_autoescape(["html"]),
    keep_trailing_newline=True,
)
#: What a view is made with besides its report: the template and the importer's readers. A view
#: whose stamp (in its head) is that of today's inputs is not made again.
_MAKERS = sorted(
    [_TEMPLATES / "shufa-original.html", *(Path(__file__).parents[1] / "importing").glob("*.py")],
    key=lambda p: p.name,
)


class download_link(nodes.reference):
    """A link to a file the browser saves instead of opening (``<a download>``)."""


def visit_download_link_html(self: HTML5Translator, node: download_link) -> None:
    self.body.append(
        self.starttag(
            node, "a", "", href=node["refuri"], download=node["download"], CLASS="reference download"
        )
    )
    self.body.append(self.encode(node.astext()) + "</a>")
    raise nodes.SkipNode


def _publishable(app: Sphinx, report: Report) -> bool:
    """Whether *report*'s original is there as recorded (checksums cached by the loader)."""
    if report.original is None:
        return False
    return not check_original(report, data_dir(app), env_dict(app.env, "shufa_parse_cache"))


def _relative(page: str, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


def add_original(app: Sphinx, directive: SphinxDirective, report: Report, header: nodes.Element) -> None:
    original = report.original
    if original is None or not _publishable(app, report):
        return
    page = app.builder.get_target_uri(report.docname)
    download = download_name(report)
    line = nodes.paragraph(classes=["report-original"])
    line += nodes.Text("原文：")
    shown = f"{format_label(original.format)}原件的文字"
    line += nodes.reference(
        "", "", nodes.inline("", shown), refuri=_relative(page, view_name(report)), internal=True
    )
    line += nodes.Text("（SHA-256 ")
    line += nodes.literal(original.sha256, original.sha256, classes=["sha256"])
    line += nodes.Text("）")
    link = download_link("", "下载原件", refuri=_relative(page, download), internal=True)
    link["download"] = _saved_as(report)
    line += link
    header += line


def _saved_as(report: Report) -> str:
    """The name a browser saves the original under: ``qinghe-shufa-2023.original.html.txt``."""
    return f"{report.county}-{report.kind}-{PurePosixPath(download_name(report)).name}"


def publish_originals(app: Sphinx, exception: BaseException | None) -> None:
    """Publish each report's original (for download) and its view, when they changed."""
    if exception is not None or app.builder.format != "html":
        return
    archive = loaded_archive(app.env)
    if archive is None:
        return
    out = Path(app.outdir)
    makers = hashlib.sha256(b"".join(p.read_bytes() for p in _MAKERS)).hexdigest()
    for report in archive.reports.values():
        if report.original is None or not _publishable(app, report):
            continue  # the loader has warned, located at the data file
        download, view = out / download_name(report), out / view_name(report)
        claim(app, download)
        claim(app, view)
        stamp = _stamp(app, report, makers)
        try:
            _publish(app, report, download, view, stamp)
        except (NotFollowed, OSError) as exc:  # changed since the loader looked: not published
            download.unlink(missing_ok=True)
            logger.warning(
                f"source.original.path: the kept original {report.original.path} cannot be published: {exc}",
                location=(str(report.path), report.original.path_line),
                type="shufa",
                subtype=Code.ORIGINAL,
            )


def _publish(app: Sphinx, report: Report, download: Path, view: Path, stamp: str) -> None:
    original = report.original
    assert original is not None
    with open_original(data_dir(app), original) as handle:
        info = os.fstat(handle.fileno())
        copied = _same_copy(download, info)
        if copied and _stamp_of(view) == stamp:
            return
        raw = handle.read()
    if hashlib.sha256(raw).hexdigest() != original.sha256:
        raise OSError(f"it changed while the site was built (its SHA-256 is not {original.sha256[:12]}…)")
    if not copied:
        write_bytes_if_changed(download, raw)
        os.chmod(download, 0o644)
        os.utime(download, ns=(info.st_atime_ns, info.st_mtime_ns))
    if _stamp_of(view) != stamp:
        write_if_changed(view, _render_view(app, report, raw, view, stamp))


def _same_copy(target: Path, source: os.stat_result) -> bool:
    try:
        have = target.lstat()
    except FileNotFoundError:
        return False
    return (have.st_size, have.st_mtime_ns, have.st_mode & 0o777) == (
        source.st_size,
        source.st_mtime_ns,
        0o644,
    )


def _stamp(app: Sphinx, report: Report, makers: str) -> str:
    """What the view of *report* shows, but its text: the original's checksum, the report's
    name, the links, and the template and readers it is made with."""
    original = report.original
    assert original is not None
    parts = [makers, original.sha256, original.format, original.path, _name(app, report), report.docname]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _stamp_of(view: Path) -> str:
    try:
        with view.open("rb") as handle:
            head = handle.read(2048).decode("utf-8", "replace")
    except OSError:
        return ""
    marker = '<meta name="shufa-view" content="'
    at = head.find(marker)
    return head[at + len(marker) : at + len(marker) + 64] if at >= 0 else ""


def _name(app: Sphinx, report: Report) -> str:
    archive = loaded_archive(app.env)
    county = archive.counties.get(report.county) if archive is not None else None
    name = county.name if county is not None else report.county
    return report.title if name in report.title else f"{name} {report.title}"


def _render_view(app: Sphinx, report: Report, raw: bytes, view: Path, stamp: str) -> str:
    original = report.original
    assert original is not None
    page = app.builder.get_target_uri(report.docname)
    name = PurePosixPath(view_name(report))
    lines: list[tuple[str, bool]] = []
    problem = ""
    try:
        source = read_received(Path(original.path), raw)
    except ImportFailure as exc:
        problem = str(exc).removeprefix(f"{original.path}: ")
        logger.warning(
            f"source.original: the text of the kept original {original.path} cannot be read for its "
            f"page ({problem}); the page offers the file only",
            location=(str(report.path), original.line),
            type="shufa",
            subtype=Code.ORIGINAL,
        )
    else:
        gone = {artefact.line for artefact in source.removed}
        lines = [(text, number in gone) for number, text in enumerate(source.text.split("\n"), 1)]
    return _JINJA.get_template("shufa-original.html").render(
        stamp="" if problem else stamp,  # made again (and warned about) at every build
        name=_name(app, report),
        page=posixpath.relpath(page, name.parent.as_posix()),
        format=format_label(original.format),
        sha256=original.sha256,
        download=PurePosixPath(download_name(report)).name,
        download_as=_saved_as(report),
        lines=lines,
        removed=sum(1 for _, gone in lines if gone),
        problem=problem,
    )


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("shufa.plugins.directives")
    app.add_node(download_link, html=(visit_download_link_html, None))
    app.connect("shufa-report-header", add_original)
    app.connect("build-finished", publish_originals)
    return metadata()
