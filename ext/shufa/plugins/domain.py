"""Sphinx plugin: the ``report`` domain — stable targets for counties, reports, sections and items.

Target names follow the stable-link scheme: ``qinghe`` (county), ``qinghe/shufa/2023``
(report), ``qinghe/shufa/2023/s3`` (section), ``qinghe/shufa/2023/s3-2``
(item). Directives register them while a page is read; roles resolve them from
any page, with short forms relative to the current report (``s3``,
``2022/s3``); ``get_objects`` puts them all into objects.inv, so other Sphinx
projects can cite a section through intersphinx. Each object is also a std
label, so ``{ref}`` and intersphinx's ``std:label`` find it too.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

from docutils import nodes
from docutils.nodes import Element
from sphinx import addnodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.domains import Domain, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.roles import XRefRole
from sphinx.util import logging
from sphinx.util.nodes import make_refnode

from ..core.files import write_if_changed
from ..core.labels import part_label, report_name
from ..core.problems import Code
from . import config, metadata
from .data import loaded_archive, loaded_run

logger = logging.getLogger(__name__)

#: ref_context key holding the report being read, for short references.
CURRENT_REPORT = "report:report"


def _title(label: str, contnode: Element) -> str | None:
    """A link's title: the target's label, none where the link already says it (bytes on every page)."""
    return None if contnode.astext() == label else label


class ReportObject(NamedTuple):
    docname: str
    anchor: str
    label: str
    objtype: str


class ReportRole(XRefRole):
    """``{report:ref}`qinghe/shufa/2023/s3```, or ``s3`` / ``2022/s3`` inside a report page."""

    def process_link(
        self, env: BuildEnvironment, refnode: Element, has_explicit_title: bool, title: str, target: str
    ) -> tuple[str, str]:
        refnode[CURRENT_REPORT] = env.ref_context.get(CURRENT_REPORT)
        return title, target.strip()


def expand_target(target: str, current: str | None) -> str:
    """The full target name of a possibly short reference made from report *current*."""
    if current is None or target.count("/") >= 2 or not target:
        return target
    county, kind, _year = current.split("/")
    head, _, rest = target.partition("/")
    if head.isdigit() and len(head) == 4:
        return f"{county}/{kind}/{head}" + (f"/{rest}" if rest else "")
    return f"{current}/{target}"


def _archive_or_none(env: BuildEnvironment):
    """The archive when the data plugin is loaded; the domain also works without it."""
    return loaded_archive(env)


class ReportDomain(Domain):
    """Counties, reports, sections, items and figures of the archive."""

    name = "report"
    label = "Report"
    object_types: ClassVar[dict[str, ObjType]] = {
        "county": ObjType("county", "county", "ref"),
        "report": ObjType("report", "report", "ref"),
        "section": ObjType("section", "section", "ref"),
        "item": ObjType("item", "item", "ref"),
        "figure": ObjType("figure", "figure", "ref"),
    }
    roles: ClassVar[dict[str, XRefRole]] = {
        name: ReportRole(warn_dangling=True)
        for name in ("ref", "county", "report", "section", "item", "figure")
    }
    initial_data: ClassVar[dict[str, Any]] = {"objects": {}, "by_doc": {}}
    data_version = 2

    @property
    def objects(self) -> dict[str, ReportObject]:
        """Target name → object (names are unique across types: they are paths)."""
        return self.data.setdefault("objects", {})

    @property
    def by_doc(self) -> dict[str, list[str]]:
        """Docname → the names it defines, so that clearing a document costs what it defined
        (a scan of every object per document makes a full build quadratic)."""
        return self.data.setdefault("by_doc", {})

    def note_object(self, name: str, objtype: str, anchor: str, label: str, location: Any = None) -> None:
        """Register *name* in the current document; a second document claiming it is a warning."""
        docname = self.env.docname
        if name in self.objects and self.objects[name].docname != docname:
            other = self.objects[name].docname
            logger.warning(
                f"duplicate report target {name!r}, also in {other}",
                location=location,
                type="shufa",
                subtype=Code.DUPLICATE,
            )
        if name not in self.objects or self.objects[name].docname != docname:
            self.by_doc.setdefault(docname, []).append(name)
        self.objects[name] = ReportObject(docname, anchor, label, objtype)

    def clear_doc(self, docname: str) -> None:
        for name in self.by_doc.pop(docname, ()):
            obj = self.objects.get(name)
            if obj is not None and obj.docname == docname:
                del self.objects[name]

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        for docname in docnames:
            for name in otherdata["by_doc"].get(docname, ()):
                obj = otherdata["objects"].get(name)
                if obj is not None and obj.docname == docname:
                    self.objects[name] = obj
                    self.by_doc.setdefault(docname, []).append(name)

    # Every object is also a std label (for {ref} and intersphinx's std:label). They are kept out
    # of the std domain while documents are read, because StandardDomain.clear_doc scans every
    # label for every document read: tens of thousands of labels made full builds quadratic.

    def withdraw_labels(self) -> None:
        std = self.env.domains.standard_domain
        for name in self.objects:
            std.labels.pop(name, None)
            std.anonlabels.pop(name, None)

    def publish_labels(self) -> None:
        std = self.env.domains.standard_domain
        for name, obj in self.objects.items():
            std.anonlabels[name] = (obj.docname, obj.anchor)
            std.labels[name] = (obj.docname, obj.anchor, obj.label)

    def _find(self, node: pending_xref, target: str) -> ReportObject | None:
        name = expand_target(target, node.get(CURRENT_REPORT))
        return self.objects.get(name) or self.summary_objects().get(name)

    def summary_objects(self) -> dict[str, ReportObject]:
        """In the hub's run, the reports and their sections and closing parts of every partition
        (from the partitions' summaries): what the hub's pages cite and its objects.inv lists."""
        run = loaded_run(self.env)
        if run is None or not run.scope.is_hub:
            return {}
        cached = getattr(self, "_summary_objects", None)
        if cached is not None and cached[0] is run:
            return cached[1]
        archive, objects = run.result.archive, {}
        for report in run.summary.reports.values():
            objects[report.key] = ReportObject(
                report.docname, "report", report_name(archive, report), "report"
            )
            for part in report.parts:
                label = part_label(archive, report, part.anchor)
                for name in part.ids:
                    objects[f"{report.key}/{name}"] = ReportObject(report.docname, name, label, "section")
        self._summary_objects = (run, objects)
        return objects

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> nodes.reference | None:
        if typ == "topic":
            return self._resolve_topic(fromdocname, builder, target, node, contnode)
        obj = self._find(node, target)
        if obj is None or (typ not in {"ref", obj.objtype}):
            return None
        if not node.get("refexplicit"):
            contnode = nodes.inline(obj.label, obj.label, classes=["xref", "report-ref"])
        anchor = "" if obj.anchor in {"", "report", "county"} else obj.anchor
        return make_refnode(builder, fromdocname, obj.docname, anchor, contnode, _title(obj.label, contnode))

    def _resolve_topic(
        self, fromdocname: str, builder: Builder, key: str, node: pending_xref, contnode: Element
    ) -> nodes.reference | None:
        """A topic resolves to its page; from a county's page or report, to the topic's page of
        the county's province, at the county."""
        archive = _archive_or_none(self.env)
        topic = archive.topics.get(key) if archive is not None else None
        if topic is None:
            return None
        if not node.get("refexplicit"):
            contnode = nodes.inline(topic.label, topic.label, classes=["xref", "report-ref"])
        parts = fromdocname.split("/")
        if parts[0] == "reports" and len(parts) > 2 and parts[1] in archive.counties:
            province = archive.counties[parts[1]].province_slug
            target, anchor = f"topics/{key}/{province}", parts[1]
        else:
            target, anchor = f"topics/{key}", ""
        return make_refnode(builder, fromdocname, target, anchor, contnode, _title(topic.label, contnode))

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> list[tuple[str, nodes.reference]]:
        obj = self._find(node, target)
        if obj is None:
            return []
        ref = self.resolve_xref(env, fromdocname, builder, obj.objtype, target, node, contnode)
        return [(f"report:{obj.objtype}", ref)] if ref is not None else []

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        # Figures are targets inside this archive only (their ids follow the text, and a
        # report has dozens): leaving them out keeps objects.inv to what is cited from outside.
        for name, obj in sorted({**self.summary_objects(), **self.objects}.items()):
            if obj.objtype == "figure":
                continue
            anchor = "" if obj.anchor in {"report", "county"} else obj.anchor
            yield name, obj.label, obj.objtype, obj.docname, anchor, 1

    def get_full_qualified_name(self, node: Element) -> str | None:
        return expand_target(node.get("reftarget", ""), node.get(CURRENT_REPORT)) or None


def report_ref(env: BuildEnvironment, objtype: str, target: str, *children: nodes.Node) -> pending_xref:
    """A reference to a report-domain object, made from code (the county page, lists)."""
    ref = pending_xref(
        "",
        *children,
        refdomain="report",
        reftype=objtype,
        reftarget=target,
        refexplicit=bool(children),
        refwarn=True,
    )
    ref["refdoc"] = env.docname
    return ref


def doc_ref(env: BuildEnvironment, docname: str, *children: nodes.Node) -> pending_xref:
    """A reference to a whole page by docname."""
    ref = addnodes.pending_xref(
        "", *children, refdomain="std", reftype="doc", reftarget="/" + docname, refexplicit=True, refwarn=True
    )
    ref["refdoc"] = env.docname
    return ref


def _warn_missing(app: Sphinx, domain: Domain, node: pending_xref) -> bool | None:
    if node.get("refdomain") != "report":
        return None
    full = expand_target(node["reftarget"], node.get(CURRENT_REPORT))
    logger.warning(
        f"unresolved report reference {full!r}: no county, report, section or item has that name",
        location=node,
        type="shufa",
        subtype=Code.REF,
    )
    return True


def _withdraw_labels(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    env.domains["report"].withdraw_labels()


def _publish_labels(app: Sphinx, env: BuildEnvironment) -> None:
    env.domains["report"].publish_labels()


#: In the hub's doctree folder: what its objects.inv was written from.
INVENTORY_STAMP = "shufa-inventory.sha1"


def _inventory_when_changed(app: Sphinx) -> None:
    """In the hub, objects.inv (170,000 entries at 20,000 reports) is written again only when
    what it lists can have changed: the partitions' summaries or the registries (the reports,
    their parts and labels), a page of the hub read again, the project, or the plugins' code."""
    builder = app.builder
    dump = getattr(builder, "dump_inventory", None)
    # (the domain alone, without the options, is never the hub)
    if dump is None or config.__name__ not in app.extensions or not config.get(app.config).scope.is_hub:
        return

    def dump_if_changed() -> None:
        run = loaded_run(app.env)
        code = sorted(
            (name, Path(module.__file__).stat().st_mtime_ns)
            for name, module in list(sys.modules.items())
            if name.startswith("shufa") and getattr(module, "__file__", None)
        )
        key = hashlib.sha1(
            repr(
                [
                    run.summary_digest if run is not None else None,
                    sorted(app.env.all_docs.items()),
                    app.config.project,
                    app.config.version,
                    code,
                ]
            ).encode()
        ).hexdigest()
        stamp = Path(app.doctreedir, INVENTORY_STAMP)
        try:
            if stamp.read_text(encoding="utf-8") == key and Path(builder.outdir, "objects.inv").is_file():
                return
        except OSError:
            pass
        dump()
        write_if_changed(stamp, key)

    builder.dump_inventory = dump_if_changed


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_domain(ReportDomain)
    app.connect("builder-inited", _inventory_when_changed)
    app.connect("warn-missing-reference", _warn_missing)
    app.connect("env-before-read-docs", _withdraw_labels)
    app.connect("env-updated", _publish_labels)
    return metadata()
