"""The plain-Sphinx floor: the same archive written out as static MyST pages, built without shufa.

    python bench/floor.py DATA SRC

writes SRC, a Sphinx source folder holding what a person would write by hand
to publish the archive in DATA with plain Sphinx:

- ``reports/<county>/<kind>/<year>.md`` — each report with the same headings,
  text and anchors as our report pages (ids ``report``, ``preamble``, ``s3``,
  ``s3-2``, ``shortcomings``, ``next-steps`` set with MyST block attributes
  ``{#s3}``; markers as text, run-in labels with the ``{strong}`` role, every
  ASCII punctuation character of the text backslash-escaped so that ``**县``
  stays text);
- ``reports/index.md``, ``reports/<county>/index.md``, ``years/index.md`` and
  ``years/<year>.md`` — the same listings as our generated pages (cards on the
  county list, as ours);
- ``index.md``, ``guide/``, ``reference/`` — docs/ as it is, with the blocks of
  our directives removed (the home page's overview written out instead);
- ``conf.py`` — the repository's conf.py minus the ``shufa.*`` extensions, plus
  the ``attrs_block`` MyST extension (for the explicit ids), the bounded
  sidebars and the stylesheet that shufa.theme adds.

The model is read with shufa's loader (the writer's convenience; the floor
build itself never loads data).
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "ext"))

from shufa.core.labels import part_name  # noqa: E402
from shufa.core.loading import load_archive  # noqa: E402
from shufa.core.model import Archive, ClosingPart, Item, Report, Section  # noqa: E402
from shufa.core.parts import CLOSING_HEADINGS  # noqa: E402

_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")

FLOOR_CONF = '''"""The plain-Sphinx floor: the repository's conf.py minus the shufa.* plugins.

Written by bench/floor.py; _repo_conf.py is a copy of the repository's conf.py.
"""

import os

_repo_conf = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_repo_conf.py")
with open(_repo_conf, encoding="utf-8") as _f:
    exec(compile(_f.read(), _repo_conf, "exec"))

extensions = [e for e in extensions if not e.startswith("shufa")]  # noqa: F821
# Explicit ids ({{#s3}}) without global labels: the floor's way to set the same anchors.
myst_enable_extensions = [*myst_enable_extensions, "attrs_block"]  # noqa: F821
# What shufa.theme adds to every build: bounded sidebars and the stylesheet.
html_sidebars = {{**globals().get("html_sidebars", {{}}), "reports/**": [], "years/**": []}}
html_static_path = [*globals().get("html_static_path", []), {static!r}]
html_css_files = [*globals().get("html_css_files", []), "shufa.css"]
for _name in [n for n in globals() if n.startswith("shufa_")]:
    del globals()[_name]


def setup(app):
    # MyST makes every {{#id}} a label too, and every report page has the same ids (s1,
    # shortcomings …): drop the duplicate-label warnings instead of printing ~10 per page.
    import logging

    from sphinx.locale import __

    template = "duplicate label %s, other instance in %s"

    class DropDuplicateLabels(logging.Filter):
        def filter(self, record):
            return str(record.msg) not in (template, str(__(template)))

    std_logger = logging.getLogger("sphinx.sphinx.domains.std")
    dropper = DropDuplicateLabels()
    std_logger.addFilter(dropper)
    app.connect("build-finished", lambda app, exc: std_logger.removeFilter(dropper))
'''


def escape(text: str) -> str:
    """*text* as MyST inline text that renders literally."""
    return _ASCII_PUNCTUATION.sub(r"\\\1", text)


def paragraphs(text: str, attrs: str = "") -> str:
    """One paragraph per non-empty line; *attrs* (``{.lead}``) on each."""
    out = []
    for line in text.splitlines():
        if line.strip():
            out.append((attrs + "\n" if attrs else "") + escape(line.strip()) + "\n")
    return "\n".join(out)


def strong(text: str) -> str:
    # A role, not ``**…**``: CommonMark's flanking rules break ``**label。**text`` in Chinese.
    return "{strong}`" + text.replace("`", "'") + "`"


def doc(title: str, docname: str) -> str:
    # Role content is not Markdown: no escaping (names hold no backquote or angle bracket).
    return "{doc}`" + title + " </" + docname + ">`"


def _front(orphan: bool, source: str) -> str:
    front = "---\norphan: true\n---\n\n" if orphan else ""
    return front + f"<!-- Written by bench/floor.py from {source}: the plain-Sphinx floor. -->\n\n"


# --- report pages ------------------------------------------------------------------------------


def report_page(archive: Archive, report: Report) -> str:
    county = archive.counties[report.county]
    kind = archive.kinds[report.kind]
    out = [_front(True, f"data/{report.key}.yaml")]
    out.append("{#report .report}\n# " + escape(report.title) + "\n")
    out.append(
        "{.breadcrumbs}\n"
        + " › ".join(
            [
                doc("首页", "index"),
                doc("报告库", "reports/index"),
                doc(county.name, county.docname),
                escape(kind.name),
                f"{report.year}年",
            ]
        )
        + "\n"
    )
    out.append(_meta(archive, report))
    series = archive.reports_of(report.county, report.kind)
    out.append(_year_switcher(archive, report, series))
    if report.preamble:
        lines = [line.strip() for line in report.preamble.splitlines() if line.strip()]
        out.append("{#preamble .preamble}\n" + "\n\n".join(escape(line) for line in lines) + "\n")
    for section in report.sections:
        out.append(_section(archive, section, report, series))
    for part in report.closing_parts:
        out.append(_closing(part))
    signature = "\n".join(line for line in (report.signature, report.date_line) if line)
    if signature:
        out.append(paragraphs(signature, "{.report-signature}"))
    if report.notes:
        out.append(":::{note} 整理者注\n" + paragraphs(report.notes) + ":::\n")
    return "\n".join(out)


def _meta(archive: Archive, report: Report) -> str:
    county = archive.counties[report.county]
    kind = archive.kinds[report.kind]
    fields: list[tuple[str, str]] = []
    place = "".join(p for p in (county.province, county.city) if p) + county.name
    fields += [("地区", escape(place)), ("报告类型", escape(kind.name)), ("报告年度", f"{report.year}年")]
    role = report.author_role or kind.author
    who = escape(role)
    if report.author_name:
        who += " " + escape(report.author_name)
    if report.organization and report.organization != role:
        who = escape(report.organization) + ("　" + who if who else "")
    if who:
        fields.append(("报告人", who))
    if report.issued:
        fields.append(("印发日期", escape(report.issued)))
    if report.published:
        fields.append(("发布日期", escape(report.published)))
    if report.source_url:
        source = f"<{report.source_url}>"
        if report.source_note:
            source += "（" + escape(report.source_note) + "）"
        fields.append(("来源", source))
    elif report.source_note:
        fields.append(("来源", escape(report.source_note)))
    if report.retrieved:
        fields.append(("获取日期", escape(report.retrieved)))
    return "\n".join(f"{name}\n: {value}\n" for name, value in fields)


def _year_switcher(archive: Archive, report: Report, series: list[Report]) -> str:
    """What shufa.crossyear adds to the header: the county's years, previous and next year."""
    kind = archive.kinds[report.kind]
    out = ["{.year-switcher-caption}\n" + escape(f"本县历年{kind.name}：") + "\n"]
    years = [
        f"- {other.year}年" if other.year == report.year else f"- {doc(f'{other.year}年', other.docname)}"
        for other in series
    ]
    out.append("{.year-list}\n" + "\n".join(years) + "\n")
    position = [r.year for r in series].index(report.year)
    steps = []
    if position > 0:
        earlier = series[position - 1]
        steps.append(doc(f"‹ 上一年度（{earlier.year}）", earlier.docname))
    if position < len(series) - 1:
        later = series[position + 1]
        steps.append(doc(f"下一年度（{later.year}）›", later.docname))
    if steps:
        out.append("{.year-steps}\n" + "　".join(steps) + "\n")
    return "\n".join(out)


def anchor_link(text: str, href: str) -> str:
    # A section of another page: inline HTML, because MyST resolves [t](page.md#id) by
    # scanning every label of the project (quadratic in the archive) and {ref} needs
    # labels that are unique across pages.
    return f'<a class="reference internal" href="{href}">{text}</a>'


def _items(items: list[Item], depth: int = 1) -> str:
    out = []
    for item in items:
        line = escape(item.marker)
        if item.label:
            line += strong(item.label)
        line += escape(item.text)
        out.append(f"{{#{item.anchor} .report-item .depth-{depth}}}\n{line}\n")
        if item.items:
            out.append(_items(item.items, depth + 1))
    return "\n".join(out)


def _section(archive: Archive, section: Section, report: Report, series: list[Report]) -> str:
    out = [f"{{#{section.anchor} .report-section}}\n## " + escape(section.marker + section.heading) + "\n"]
    topic = archive.topics.get(section.topic)
    if topic is not None:
        out.append("{.section-topic}\n主题：" + escape(topic.label) + "\n")
    others = [r for r in series if r.year != report.year]
    if others:
        links = []
        for other in others:
            target = other.section_for_topic(section.topic)
            if target is None:
                links.append(f"{other.year}（未涉及）")
            else:
                links.append(anchor_link(str(other.year), f"{other.year}.html#{target.anchor}"))
        out.append("{.topic-years}\n本主题在其他年份：" + " · ".join(links) + "\n")
    if section.lead:
        out.append(paragraphs(section.lead, "{.lead}"))
    if section.items:
        out.append(_items(section.items))
    if section.text:
        out.append(paragraphs(section.text))
    return "\n".join(out)


def _closing(part: ClosingPart) -> str:
    heading = (part.marker or "") + (part.heading or CLOSING_HEADINGS[part.anchor])
    out = [f"{{#{part.anchor} .report-closing}}\n## " + escape(heading) + "\n"]
    if part.intro:
        out.append(paragraphs(part.intro, "{.lead}"))
    if part.text:
        out.append(paragraphs(part.text))
    if part.items:
        out.append(_items(part.items))
    return "\n".join(out)


# --- listing pages ---------------------------------------------------------------------------


def archive_index(archive: Archive) -> str:
    groups: dict[tuple[str, str], list] = {}
    for county in archive.counties.values():
        groups.setdefault((county.province, county.city), []).append(county)
    out = [_front(False, "data/counties.yaml"), "{#archive}\n# 报告库\n"]
    out.append("按省、市列出收录的县（市、区）；点击进入该地的历年报告。\n")
    for (province, city), counties in groups.items():
        name = "".join(p for p in (province, city) if p) or "其他"
        out.append(f"{{#{counties[0].slug}-group}}\n## {escape(name)}\n")
        cards = ["::::{grid} 1 2 3 3\n:gutter: 3\n"]
        for county in counties:
            mine = archive.reports_of(county.slug)
            summary = []
            for kind in archive.kinds.values():
                years = [r.year for r in mine if r.kind == kind.slug]
                if years:
                    summary.append(f"{kind.name} {len(years)}份（{years[0]}—{years[-1]}）")
            body = "\n\n".join(escape(s) for s in summary) or "暂无报告"
            cards.append(
                f":::{{grid-item-card}} {escape(county.name)}\n:link: {county.slug}/index\n"
                f":link-type: doc\n\n{body}\n:::\n"
            )
        cards.append("::::\n")
        out.append("\n".join(cards))
    return "\n".join(out)


def county_page(archive: Archive, slug: str) -> str:
    county = archive.counties[slug]
    out = [_front(True, "data/counties.yaml"), "{#county}\n# " + escape(county.name) + "\n"]
    details = "".join(p for p in (county.province, county.city) if p) + county.name
    if county.code:
        details += f" · 行政区划代码 {county.code}"
    out.append("{.county-details}\n" + escape(details) + "\n")
    if county.note:
        out.append(paragraphs(county.note, "{.county-note}"))
    for kind in archive.kinds.values():
        reports = archive.reports_of(slug, kind.slug)
        out.append(f"{{#{kind.slug}}}\n## {escape(kind.name)}\n")
        if not reports:
            out.append("{.empty}\n暂无收录。\n")
            continue
        lines = [f"- {doc(f'{r.year}年', r.docname)}　{escape(r.title)}" for r in reports]
        out.append("{.report-years}\n" + "\n".join(lines) + "\n")
        out.append(_topic_table(archive, kind.slug, kind.name, reports))
    return "\n".join(out)


def _topic_table(archive: Archive, kind_slug: str, kind_name: str, reports: list[Report]) -> str:
    """What shufa.crossyear adds to a county page: a topic × year table linking to sections."""
    order: list[str] = []
    for report in reports:
        for s in report.sections:
            if s.topic not in order:
                order.append(s.topic)
    rows = ["| 主题 | " + " | ".join(f"{r.year}年" for r in reports) + " |"]
    rows.append("|---" * (len(reports) + 1) + "|")
    for key in order:
        label = archive.topics[key].label if key in archive.topics else key
        cells = []
        for report in reports:
            target = report.section_for_topic(key)
            if target is None:
                cells.append("未涉及")
            else:
                href = f"{kind_slug}/{report.year}.html#{target.anchor}"
                cells.append(anchor_link(part_name(target.anchor), href))
        rows.append(f"| {escape(label)} | " + " | ".join(cells) + " |")
    caption = "{.topic-table-caption}\n" + escape(f"{kind_name}：各主题在历年报告中的位置") + "\n"
    return caption + "\n" + "\n".join(rows) + "\n"


def years_index(archive: Archive) -> str:
    out = [_front(False, "data/"), "{#years}\n# 按年度浏览\n"]
    lines = [
        f"- {doc(f'{year}年', f'years/{year}')}　{len(archive.reports_in_year(year))}份报告"
        for year in reversed(archive.years())
    ]
    out.append("{.year-list}\n" + "\n".join(lines) + "\n")
    return "\n".join(out)


def year_page(archive: Archive, year: int) -> str:
    out = [_front(True, "data/"), f"{{#year}}\n# {year}年度报告\n"]
    reports = archive.reports_in_year(year)
    for kind in archive.kinds.values():
        mine = [r for r in reports if r.kind == kind.slug]
        if not mine:
            continue
        out.append(f"{{#{kind.slug}}}\n## {escape(kind.name)}\n")
        lines = [f"- {doc(archive.counties[r.county].name, r.docname)}　{escape(r.title)}" for r in mine]
        out.append("{.year-reports}\n" + "\n".join(lines) + "\n")
    return "\n".join(out)


def overview(archive: Archive) -> str:
    """The home page's counts and entry points, as the archive-overview directive shows them."""
    reports = list(archive.reports.values())
    sections = sum(len(r.sections) for r in reports)
    years = archive.years()
    span = f"{years[0]}—{years[-1]}年" if years else "暂无"
    stats = [
        (len(archive.counties), "个县（市、区）"),
        (len(reports), "份报告"),
        (sections, "个部分"),
        (len(years), f"个年度（{span}）"),
    ]
    out = ["{.archive-stats}\n" + "\n".join(f"- **{n}**{escape(what)}" for n, what in stats) + "\n"]
    kinds = "".join(
        ("；" if i else "收录") + f"{k.name}{sum(1 for r in reports if r.kind == k.slug)}份"
        for i, k in enumerate(archive.kinds.values())
    )
    out.append("{.archive-kinds}\n" + escape(kinds + "。") + "\n")
    cards = [
        ("按地区浏览", "各县（市、区）的历年报告，按省、市排列。", "reports/index"),
        ("按年度浏览", "每一年度收录的全部报告。", "years/index"),
        ("使用指南", "如何查阅、引用和添加报告。", "guide/index"),
    ]
    grid = ["::::{grid} 1 2 3 3\n:gutter: 3\n"]
    for title, text, target in cards:
        grid.append(f":::{{grid-item-card}} {title}\n:link: {target}\n:link-type: doc\n\n{text}\n:::\n")
    grid.append("::::\n")
    out.append("\n".join(grid))
    return "\n".join(out)


# --- the source folder ------------------------------------------------------------------------


def shufa_directives(ext: Path = REPO / "ext" / "shufa") -> set[str]:
    """Names of the directives our plugins register (read from their setup())."""
    names: set[str] = set()
    for module in (ext / "plugins").glob("*.py"):
        names.update(re.findall(r"add_directive\(\s*\"([^\"]+)\"", module.read_text(encoding="utf-8")))
    return names


def without_directives(text: str, names: set[str], replacement: dict[str, str] | None = None) -> str:
    """*text* with every fenced block of a directive in *names* removed (or replaced)."""
    replacement = replacement or {}
    pattern = re.compile(
        r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w-]+)\}[^\n]*\n.*?^(?P=fence)[ \t]*$\n?",
        re.MULTILINE | re.DOTALL,
    )

    def swap(match: re.Match) -> str:
        name = match.group("name")
        if name not in names:
            return match.group(0)
        return replacement.get(name, "")

    return pattern.sub(swap, text)


def floor_pages(archive: Archive) -> dict[str, str]:
    """Relative source path → content of the generated part of the floor."""
    pages = {"reports/index.md": archive_index(archive), "years/index.md": years_index(archive)}
    for slug in archive.counties:
        pages[f"reports/{slug}/index.md"] = county_page(archive, slug)
    for report in archive.reports.values():
        pages[f"{report.docname}.md"] = report_page(archive, report)
    for year in archive.years():
        pages[f"years/{year}.md"] = year_page(archive, year)
    return pages


def write_floor(
    data: Path,
    src: Path,
    docs: Path = REPO / "docs",
    conf: Path = REPO / "conf.py",
    ext: Path = REPO / "ext" / "shufa",
) -> int:
    """Write the floor's source folder *src* (replaced) for the archive in *data*; return its pages.

    *docs*, *conf* and *ext* are the project's docs/, conf.py and plugin package (the
    benchmark passes a snapshot taken when it starts).
    """
    result = load_archive(Path(data))
    if result.problems:
        raise SystemExit(f"{data}: {len(result.problems)} problem(s), first: {result.problems[0]}")
    archive = result.archive
    src = Path(src)
    if src.exists():
        shutil.rmtree(src)
    shutil.copytree(docs, src, ignore=shutil.ignore_patterns("reports", "years", "_build"))
    names = shufa_directives(ext)
    for page in src.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        new = without_directives(text, names, {"archive-overview": overview(archive)})
        if new != text:
            page.write_text(new, encoding="utf-8")
    pages = floor_pages(archive)
    for rel, content in pages.items():
        path = src / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    shutil.copy(conf, src / "_repo_conf.py")
    (src / "conf.py").write_text(FLOOR_CONF.format(static=str(ext / "plugins" / "static")), encoding="utf-8")
    return len(pages)


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 2:
        print("usage: python bench/floor.py DATA SRC", file=sys.stderr)
        return 2
    count = write_floor(Path(args[0]), Path(args[1]))
    print(f"{count} floor pages written to {args[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
