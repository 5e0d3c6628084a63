"""One source file through the importer: read, clean, parse, detect, build, check, write.

:func:`prepare` does everything but writing and raises :class:`ImportFailure`
for anything the user must fix; :func:`write` puts the prepared file in place
after reading it back with the project's loader (``read_yaml``, schema
validation, ``check_report``) and confirming that nothing was lost. With
``-o -`` the same check runs on a temporary copy: "would import" is said only
of a file the real write would accept.

The title: the one printed at the top of the text; else the web page's
(``<title>``, og:title, the CMS's title element); else one derived from the
county, year and kind (``北亭区2023年度法治政府建设情况报告``), listed under
"to review"; ``--title`` sets it (a printed title it replaces is listed as removed).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.arrival import ADDED, today
from ..core.building import build_report
from ..core.checks import check_report, citation_gaps
from ..core.divisions import by_code
from ..core.figures import report_marks
from ..core.model import WHOLE, County, Province
from ..core.problems import DataError, display_path
from ..core.registries import Registries, load_registries
from ..core.schema import REPORT, UNKNOWN
from ..core.validation import validate
from ..core.yamlfile import YamlDocument, oversize, read_yaml
from .artefacts import Artefact, Cleaned, remove_artefacts, take_line
from .document import Built, build_document
from .genre import not_a_report, title_like
from .importsummary import Summary, TopicNote, UnplacedNote
from .metadata import Metadata, UnregisteredUnit, derived_title, detect
from .provenance import Keeping, keep_original, plan_original
from .reading import ImportFailure, SourceText, read_source
from .registering import Registration, register
from .registering import plan as plan_registration
from .roundtrip import first_difference, reading_text
from .structure import Node, Outline, parse
from .topics import TopicChoice, suggest_topic
from .writing import dump_report, write_new_file

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def checked_registries(data_dir: Path) -> Registries:
    """The registries of *data_dir* (read by the core's loader, no report parsed), for the importer:
    :class:`ImportFailure` when the folder is missing, a registry has problems, or no topic is
    registered."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise ImportFailure(f"{data_dir}: data folder not found; pass --data-dir DIR")
    found = load_registries(data_dir)
    if found.problems:
        raise ImportFailure(
            "the registries of the data folder have problems:\n" + "\n".join(f"  {p}" for p in found.problems)
        )
    if not found.topics:
        raise ImportFailure(f"{display_path(data_dir / 'topics.yaml')}: no topics; at least one is needed")
    return found


@dataclass
class Options:
    county: str | None = None
    kind: str | None = None
    year: int | None = None
    #: The output file; None: data/<county>/<kind>/<year>.yaml; "-": standard output.
    output: Path | str | None = None
    #: Replace an existing data file; import a page that reads as no report (政策解读, news).
    force: bool = False
    #: The report's title (replaces a printed one).
    title: str | None = None
    #: Register the unit the text names from the national table (True), or the unit of this
    #: GB/T 2260 code; False: refuse a unit counties.yaml does not hold (unless *ask* says yes).
    register: bool | str = False
    #: Asks the keeper a yes/no question (an interactive run); None: nobody to ask.
    ask: Callable[[str], bool] | None = None
    #: What the keeper knows that the copy does not say: the document's date (``--date``), its
    #: day of online publication, the address, how a copy that is not online was obtained, the
    #: day it was obtained. A date or the address may be ``unknown``: recorded as such where
    #: the copy does not tell it.
    issued: str | None = None
    published: str | None = None
    url: str | None = None
    obtained: str | None = None
    retrieved: str | None = None


@dataclass
class Prepared:
    """A data file ready to be written, and what to tell the user about it."""

    source: Path | None
    target: Path | str
    document: dict[str, Any]
    text: str
    body: str
    summary: Summary
    outline: Outline = field(repr=False, default_factory=Outline)
    cleaned: Cleaned | None = field(repr=False, default=None)
    #: The source as read (its text, what the reader removed, where each line is).
    source_text: SourceText | None = field(repr=False, default=None)
    #: The original file to keep beside the data file (None: not kept, e.g. with -o).
    keeping: Keeping | None = field(repr=False, default=None)
    #: The unit to register from the national table before the data file is written.
    registration: Registration | None = None


def prepare(path: Path, registries: Registries, options: Options) -> Prepared:
    """Everything but writing, for the source file *path*.

    When the data file goes to its place in the data folder, the original is kept too
    (``sources/<county>/<kind>/<year>.<ext>``, recorded under ``source.original``)."""
    path = Path(path)
    source = read_source(path)
    keep = options.output is None and bool(source.format_name)
    return prepare_text(source, registries, options, path=path, keep_original=keep)


def read_text(text: str, removed: list[Artefact] | tuple[Artefact, ...] = ()) -> tuple[Cleaned, Outline]:
    """*text* cleaned and parsed; whatever leaves the text (artefacts, the byline that goes to
    ``author``) is listed in ``Cleaned.removed``, so the text fields of the outline are exactly
    the text minus the listed removals."""
    cleaned = remove_artefacts(text, removed)
    outline = parse(cleaned.lines)
    if outline.byline is not None:  # the byline is the author's, not text: listed as removed
        take_line(cleaned, text, outline.byline, "byline (→ author)")
    return cleaned, outline


def prepare_text(
    source: SourceText,
    registries: Registries,
    options: Options,
    path: Path | None = None,
    keep_original: bool = False,
) -> Prepared:
    """Everything but writing, for text already read (``path`` only names it in messages)."""
    shown = str(path) if path is not None else "input"
    if too_large := oversize(len(source.text.encode("utf-8")), what="its text"):
        raise ImportFailure(f"{shown}: {too_large}")
    cleaned, outline = read_text(source.text, source.removed)
    if not cleaned.lines:
        raise ImportFailure(
            f"{shown}: nothing left after removing {len(cleaned.removed)} artefact(s) "
            "(site chrome, markers); expected the text of a report"
        )
    page_title = _page_title(source)
    notes: list[str] = []
    shape = not_a_report(
        outline.title or page_title or (outline.preamble[:1] or [""])[0],
        [node.head for node in outline.sections],
        "\n".join(outline.preamble),
    )
    if shape and not options.force:
        raise ImportFailure(
            f"{shown}: this page is {shape}; nothing written (if it is a report after all, "
            "import it with --force)"
        )
    if shape:
        notes.append(f"imported as a report with --force, although it reads as {shape}")
    if not outline.sections:
        raise ImportFailure(
            f"{shown}: no recognisable structure: no numbered sections (一、 （一） 1. 第一， …) "
            "were found, so this does not read as a report; nothing written"
        )
    review: list[str] = []
    printed = outline.title
    if options.title is not None:
        title = " ".join(options.title.split())
        if not title_like(title):
            raise ImportFailure(
                f"--title “{title}”: expected a title of at most 60 characters that is no sentence "
                "(not ending in 。：，)"
            )
        for line in outline.title_lines:  # a printed title it replaces leaves the text, listed
            take_line(cleaned, source.text, line, "title (replaced by --title)")
        outline.title, outline.title_from = title, "given"
    elif not printed and page_title:
        outline.title, outline.title_from = page_title, "page"
    registration = _registration_by_code(registries, options)

    def detected(counties: dict[str, County], county: str | None) -> Metadata:
        return detect(
            outline,
            cleaned,
            counties,
            registries.kinds,
            county=county,
            kind=options.kind,
            year=options.year,
            page=source.meta,
            hint=path.stem if path is not None else "",
        )

    try:
        if registration is not None:
            meta = detected(_with(registries, registration).counties, registration.slug)
        else:
            meta = detected(registries.counties, options.county)
    except UnregisteredUnit as unit:
        registration = _registration_asked(registries, options, unit)
        meta = detected(_with(registries, registration).counties, registration.slug)
    if registration is not None:
        meta.county.how += f"; {registration.division.place}, {registration.division.type}, code {registration.division.code}, from the national table"
        registries = _with(registries, registration)
    if not outline.title:
        county = registries.counties[meta.county.value]
        outline.title = derived_title(county.name, registries.kinds[meta.kind.value].name, meta.year.value)
        outline.title_from = "derived"
        review.append(
            f"title: the text prints none, so it was made from the county, year and kind: “{outline.title}”; "
            "check it against the published original (or pass --title)"
        )
    keeping = None
    if keep_original and path is not None:
        keeping = plan_original(
            path, registries.data_dir, meta.county.value, meta.kind.value, meta.year.value, source
        )
        meta.source["original"] = keeping.record
    retrieved = obtained_day(source) if path is not None else None
    if retrieved is not None:
        meta.source.setdefault("retrieved", retrieved[0])
        meta.notes.append(f"retrieved: {retrieved[0]} ({retrieved[1]}; --retrieved sets it)")
    _apply_given(meta, options)
    choices: dict[int, TopicChoice] = {}

    def topic_of(node: Node) -> str:
        body = [*node.lead]
        for item in (i for top in node.items for i in top.walk()):
            body += [item.head, *item.text]
        choice = suggest_topic(node.head, "\n".join(body), registries.topics)
        choices[id(node)] = choice
        return choice.key

    built = build_document(
        outline,
        topic_of,
        county=meta.county.value,
        kind=meta.kind.value,
        year=meta.year.value,
        author=meta.author,
        date=meta.date,
        source=meta.source,
        occasion=meta.occasion,
    )
    # a title the text does not print is no text of it
    printed_text = cleaned.body if outline.title_from == "text" else outline.title + "\n" + cleaned.body
    difference = first_difference(printed_text, reading_text(built.document))
    if difference:  # a bug, never the user's fault: refuse rather than lose text
        raise ImportFailure(
            f"{shown}: internal error: the data file would not hold the whole text "
            f"({difference}); nothing written — please report this with the file"
        )
    built.document[ADDED] = _added(options, registries, meta)
    comments = {}
    for i, node in enumerate(outline.sections):
        if choices[id(node)].fallback:
            comments[("sections", i, "topic")] = "no topic keyword matched: please choose"
    text = dump_report(built.document, comments)
    target = _target(options, registries, meta)
    summary = _summary(source, shown, target, built, outline, cleaned, meta, choices, registries)
    summary.review = review
    summary.notes = [*notes, *summary.notes]
    summary.needs = citation_gaps(built.document)
    if registration is not None:
        summary.registration = registration.describe()
    if keeping is not None:
        summary.original = f"{keeping.record['path']} (sha256 {keeping.record['sha256'][:12]}…)"
    return Prepared(
        path,
        target,
        built.document,
        text,
        cleaned.body,
        summary,
        outline,
        cleaned,
        source,
        keeping,
        registration,
    )


def _registration_by_code(registries: Registries, options: Options) -> Registration | None:
    """``--register CODE``: the unit of that code, to register (None: registered already, or no code)."""
    if not isinstance(options.register, str):
        return None
    division = by_code(options.register)
    if division is None:
        raise ImportFailure(
            f"--register {options.register}: no county-level unit of the national table has that code; "
            "expected its 6-digit GB/T 2260 code (120118 for 天津市静海区)"
        )
    for county in registries.counties.values():
        if county.code == division.code:
            raise ImportFailure(
                f"--register {division.code}: {division.place} is registered already, as `{county.slug}`; "
                f"pass --county {county.slug}"
            )
    return plan_registration(registries, division, options.county)


def _registration_asked(registries: Registries, options: Options, unit: UnregisteredUnit) -> Registration:
    """The registration of the one unit the text names, when the keeper asked for it (``--register``,
    or yes at the prompt); else the refusal that says how."""
    if len(unit.divisions) != 1:
        raise unit
    registration = plan_registration(registries, unit.divisions[0], unit.given)
    d = registration.division
    question = (
        f"{d.place}（{d.type}，行政区划代码 {d.code}）尚未登记。以 `{registration.slug}` 登记到 counties.yaml"
        + (f"（并登记{d.province}）" if registration.province_slug else "")
        + "？"
    )
    if options.register is True or (options.ask is not None and options.ask(question)):
        return registration
    raise unit


def _with(registries: Registries, registration: Registration) -> Registries:
    """*registries* as they will be once *registration* is written (nothing is written here)."""
    d = registration.division
    province_slug = registration.province_slug or next(
        (p.slug for p in registries.provinces.values() if p.name == d.province), WHOLE.slug
    )
    provinces = dict(registries.provinces)
    if registration.province_slug:
        provinces[registration.province_slug] = Province(registration.province_slug, d.province)
    county = County(
        registration.slug, d.name, d.province, d.city, d.code, type=d.type, province_slug=province_slug
    )
    return dataclasses.replace(
        registries, counties={**registries.counties, registration.slug: county}, provinces=provinces
    )


def _apply_given(meta: Metadata, options: Options) -> None:
    """What the keeper said (``--date``, ``--url`` …) into *meta*: a value wins over what the copy
    says (noted when they differ); ``unknown`` is recorded only where the copy tells nothing."""
    for mapping, key, given in (
        (meta.date, "issued", options.issued),
        (meta.date, "published", options.published),
        (meta.source, "url", options.url),
        (meta.source, "obtained", options.obtained),
        (meta.source, "retrieved", options.retrieved),
    ):
        if given is None:
            continue
        found = mapping.get(key)
        if given == UNKNOWN and found and key != "retrieved":
            continue  # the copy tells it: nothing unknown about it
        if found and found != given:
            meta.notes.append(f"{key}: {given} as given (the copy says {found})")
        mapping[key] = given


def _added(options: Options, registries: Registries, meta: Metadata) -> str:
    """The day the report entered the archive: today, or the day its data file records (a report
    imported again with --force)."""
    target = registries.data_dir / meta.county.value / meta.kind.value / f"{meta.year.value}.yaml"
    if options.output is None and options.force:
        try:
            value = read_yaml(target).value
        except DataError:
            return today()
        day = value.get(ADDED) if isinstance(value, dict) else None
        if isinstance(day, str) and _DAY.fullmatch(day):
            return day
    return today()


def obtained_day(source: SourceText) -> tuple[str, str] | None:
    """The day the copy was obtained, and how it is known: the day a web page says it was saved
    (SingleFile's comment), else the file's time; None when neither is known."""
    if source.meta.get("saved"):
        return source.meta["saved"], "the day the page says it was saved"
    if source.modified:
        return dt.date.fromtimestamp(source.modified).isoformat(), "the file's time"
    return None


def _page_title(source: SourceText) -> str:
    """The title a web page gives the article (its ``<title>``, og:title, CMS title element), when it
    reads as a report's title (not the site's name)."""
    title = " ".join(source.meta.get("title", "").split())
    return title if title_like(title) and ("报告" in title or "述法" in title) else ""


_TITLE_SOURCES = {
    "text": "printed at the top",
    "page": "from the web page (its title, not printed in the article)",
    "given": "given (--title)",
    "derived": "derived: to review",
}


def _target(options: Options, registries: Registries, meta: Metadata) -> Path | str:
    if options.output == "-":
        return "-"
    if options.output is not None:
        return Path(options.output)
    return registries.data_dir / meta.county.value / meta.kind.value / f"{meta.year.value}.yaml"


def write(prepared: Prepared, registries: Registries, *, force: bool = False) -> None:
    """Write *prepared* to its target, after the project's loader accepted the written copy.

    The original is put in place first (atomically, never over a different file without
    *force*); if the data file then cannot be written, the original is taken back."""
    registration = prepared.registration
    if registration is not None and prepared.target != "-" and _in_folder(prepared.target, registries):
        # the unit first, so that the data file is checked against the registries it joins
        fresh = register(registries, registration)
        for name in ("counties", "provinces"):  # the next files of this run see it too
            getattr(registries, name).clear()
            getattr(registries, name).update(getattr(fresh, name))
        prepared.summary.registered = True
    elif registration is not None:
        registries = _with(registries, registration)
    if prepared.target == "-":  # printed, not written: the same check on a temporary copy
        with tempfile.TemporaryDirectory(prefix="shufa-import-") as folder:
            _write_data(prepared, registries, into=Path(folder) / "report.yaml")
        return
    undo = keep_original(prepared.keeping, force=force) if prepared.keeping is not None else None
    try:
        _write_data(prepared, registries, force=force)
    except BaseException:
        if undo is not None:
            undo()
        raise
    if prepared.keeping is not None:
        prepared.keeping.done()


def _in_folder(target: Path | str, registries: Registries) -> bool:
    return Path(target).resolve().is_relative_to(registries.data_dir.resolve())


def _write_data(
    prepared: Prepared, registries: Registries, *, force: bool = False, into: Path | None = None
) -> None:
    """Write the data file to its target (or to *into*, a scratch file for ``-o -``), after the
    project's loader read the written copy back and found nothing wrong."""
    where = Path(prepared.target) if into is None else into
    # checked as the file it will be: its place in the data folder, not the scratch copy
    doc = prepared.document
    home = registries.data_dir / str(doc["county"]) / str(doc["kind"]) / f"{doc['year']}.yaml"
    shown = Path(prepared.target) if prepared.target != "-" else home

    def check(tmp: Path) -> None:
        try:
            doc = read_yaml(tmp)
        except DataError as exc:
            raise ImportFailure(
                "internal error: the written file does not read back:\n"
                + "\n".join(f"  {p}" for p in exc.problems)
            ) from None
        doc.path = shown
        problems = validate(doc, REPORT)
        if not problems:
            problems = check_report(
                doc,
                build_report(doc),
                registries.counties,
                registries.kinds,
                registries.topics,
                registries.data_dir,
                registries.metrics,
            )
        if problems:
            raise ImportFailure(
                "the data file would not pass `shufa check`:\n" + "\n".join(f"  {p}" for p in problems)
            )
        if doc.value != prepared.document:
            raise ImportFailure("internal error: the written file reads back differently; nothing written")

    write_new_file(where, prepared.text, force=force, check=check)


def _summary(
    source: SourceText,
    shown: str,
    target: Path | str,
    built: Built,
    outline: Outline,
    cleaned: Cleaned,
    meta: Metadata,
    choices: dict[int, TopicChoice],
    registries: Registries,
) -> Summary:
    # counted as `shufa figures` counts them, on the model of the file
    marks = report_marks(build_report(YamlDocument(Path(str(target)), built.document)))
    figures = sum(1 for m in marks if m.kind == "figure")
    redactions = len(marks) - figures
    items = sum(
        1 for top in [*outline.sections, *outline.closing_parts] for n in top.walk() if n.kind == "item"
    )
    topics = []
    for node in outline.sections:
        choice = choices[id(node)]
        topics.append(
            TopicNote(built.anchor(node), choice.key, registries.topics[choice.key].label, choice.keywords)
        )
    at = source.locate
    unplaced = [UnplacedNote(at(u.line), u.text, built.anchor(u.node), u.reason) for u in outline.unplaced]
    removed = [dataclasses.replace(a, line=at(a.line)) for a in cleaned.removed]
    return Summary(
        source=shown,
        target=str(target) if target == "-" else display_path(Path(target)),
        read_as=source.read_as,
        unit=source.unit,
        title=f"{outline.title} ({_TITLE_SOURCES[outline.title_from]})",
        county=f"{meta.county.value} ({meta.county.how})",
        kind=f"{meta.kind.value} ({meta.kind.how})",
        year=f"{meta.year.value} ({meta.year.how})",
        sections=len(outline.sections),
        items=items,
        closing=[key for key in ("shortcomings", "next_steps") if getattr(outline, key) is not None],
        figures=figures,
        redactions=redactions,
        topics=topics,
        removed=removed,
        gaps=[(at(g.number), g.text) for g in cleaned.gaps],
        stray_spaces=cleaned.stray_spaces,
        unplaced=unplaced,
        notes=list(cleaned.notes) + list(meta.notes) + list(source.notes),
    )
