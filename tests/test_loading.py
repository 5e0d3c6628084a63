"""The loader and `shufa check`: every problem located at file:line:col, with what was expected."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from conftest import DATA
from shufa.commands import main
from shufa.core.loading import load_archive

VALID = """\
schema: 1
county: qinghe
kind: shufa
year: 2023
title: "青禾县县长2023年度述法报告"
author:
  role: "县长"
  name: "林**"
date:
  issued: 2024-01-22
source:
  url: "https://www.qinghe.example.gov.cn/a.html"
preamble: "现将有关情况报告如下："
sections:
  - ordinal: 1
    marker: "一、"
    heading: "压实第一责任人职责"
    topic: leadership
    items:
      - ordinal: 1
        marker: "一是"
        label: "强化部署。"
        text: "召开专题会议4次。"
      - ordinal: 2
        marker: "二是"
        text: "签订责任书28份。"
  - ordinal: 2
    marker: "二、"
    heading: "推进严格执法"
    topic: law-enforcement
closing:
  shortcomings:
    intro: "主要表现在："
  signature: "青禾县人民政府"
"""


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data folder with the shipped registries, no reports and an empty anchor lock."""
    target = tmp_path / "data"
    target.mkdir()
    for name in ("counties.yaml", "kinds.yaml", "topics.yaml"):
        shutil.copy(DATA / name, target / name)
    (target / "anchors.lock").write_text("# no page published yet\n", encoding="utf-8")
    return target


def write_report(data_dir: Path, text: str, rel: str = "qinghe/shufa/2023.yaml") -> Path:
    path = data_dir / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def replace(old: str, new: str) -> str:
    assert old in VALID, old
    return VALID.replace(old, new, 1)


def test_valid_file_loads(data_dir: Path) -> None:
    write_report(data_dir, VALID)
    result = load_archive(data_dir)
    assert result.problems == []
    report = result.archive.reports["qinghe/shufa/2023"]
    assert [s.anchor for s in report.sections] == ["s1", "s2"]
    assert [i.anchor for i in report.sections[0].items] == ["s1-1", "s1-2"]
    assert report.issued == "2024-01-22"
    assert report.shortcomings is not None and report.shortcomings.anchor == "shortcomings"


# (name, file text, expected "line:col", expected words in the message)
MALFORMED = [
    (
        "yaml-syntax",
        replace('title: "青禾县县长2023年度述法报告"', 'title: "青禾县县长2023年度述法报告'),
        None,
        "YAML syntax error",
    ),
    ("bad-indentation", replace('  role: "县长"', '   role: "县长"\n  bad: [1,'), None, "YAML syntax error"),
    ("tab-indentation", replace("  role:", "\trole:"), "7:1", "YAML syntax error"),
    (
        "missing-title",
        replace('title: "青禾县县长2023年度述法报告"\n', ""),
        "1:1",
        "missing key `title`; expected `title`",
    ),
    (
        "missing-heading",
        replace('    heading: "推进严格执法"\n', ""),
        "27:5",
        "sections[1]: missing key `heading`",
    ),
    (
        "year-as-text",
        replace("year: 2023", 'year: "二〇二三"'),
        "4:7",
        "year: found the text “二〇二三”; expected a whole number",
    ),
    (
        "ordinal-as-text",
        replace('  - ordinal: 1\n    marker: "一、"', '  - ordinal: 一\n    marker: "一、"'),
        "15:14",
        "sections[0].ordinal: found the text “一”; expected a whole number",
    ),
    (
        "sections-not-list",
        VALID[: VALID.index("sections:")] + "sections: 一、压实责任\n",
        "14:11",
        "sections: found the text “一、压实责任”; expected a list",
    ),
    ("unknown-key", replace("preamble:", "preambel:"), "13:1", "unknown key `preambel`; expected one of:"),
    (
        "unknown-item-key",
        replace('        label: "强化部署。"', '        lable: "强化部署。"'),
        "22:9",
        "sections[0].items[0]: unknown key `lable`",
    ),
    (
        "empty-text",
        replace('text: "签订责任书28份。"', 'text: "  "'),
        "26:15",
        "sections[0].items[1].text: empty text",
    ),
    ("empty-sections", VALID[: VALID.index("sections:")] + "sections: []\n", "14:11", "empty list"),
    (
        "bad-date",
        replace("issued: 2024-01-22", "issued: 2024年1月22日"),
        "10:11",
        "is not in the expected form",
    ),
    (
        "javascript-url",
        replace('url: "https://www.qinghe.example.gov.cn/a.html"', 'url: "javascript:alert(1)"'),
        "12:8",
        "source.url: “javascript:alert(1)” is not in the expected form",
    ),
    ("unknown-county", replace("county: qinghe", "county: nowhere"), "2:9", "unknown county `nowhere`"),
    ("unknown-kind", replace("kind: shufa", "kind: zhengfu"), "3:7", "unknown report kind `zhengfu`"),
    (
        "unknown-topic",
        replace("topic: law-enforcement", "topic: traffic"),
        "30:12",
        "sections[1].topic: unknown topic `traffic`; expected a key of topics.yaml",
    ),
    (
        "path-disagrees",
        replace("year: 2023", "year: 2022"),
        "4:7",
        "`2022` disagrees with the file's path (2023)",
    ),
    (
        "duplicate-ordinal",
        replace('  - ordinal: 2\n    marker: "二、"', '  - ordinal: 1\n    marker: "二、"'),
        "27:14",
        "duplicate ordinal 1; expected 2",
    ),
    (
        "gap-in-ordinals",
        replace('  - ordinal: 2\n    marker: "二、"', '  - ordinal: 3\n    marker: "二、"'),
        "27:14",
        "out-of-sequence ordinal 3; expected 2",
    ),
    ("duplicate-key", replace("kind: shufa\n", "kind: shufa\nkind: fzzf\n"), "4:1", "duplicate key `kind`"),
    (
        "alias-collides",
        replace('        marker: "二是"', '        marker: "二是"\n        aliases: [s1-1]'),
        "24:9",
        "anchor `s1-1` is used twice",
    ),
    ("wrong-schema-version", replace("schema: 1", "schema: 2"), "1:9", "found the number 2; expected `1`"),
    (
        "python-tag",
        replace('title: "青禾县县长2023年度述法报告"', "title: !!python/object:os.system ls"),
        "5:8",
        "not allowed",
    ),
    (
        "control-character",
        replace("现将有关情况报告如下：", "现将\u202e有关情况报告如下："),
        "13:11",
        "control character U+202E",
    ),
    (
        "alias-bomb",
        "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n",
        "1:4",
        "YAML aliases (*name) are not allowed",
    ),
    ("not-a-mapping", "- 一、压实责任\n", "1:1", "found a list; expected a mapping"),
    ("empty-file", "", "1:1", "empty file"),
]


@pytest.mark.parametrize(("name", "text", "where", "words"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_file_is_located(
    data_dir: Path, name: str, text: str, where: str | None, words: str
) -> None:
    path = write_report(data_dir, text)
    before = path.read_bytes()
    result = load_archive(data_dir)
    assert result.archive.reports == {}, "a file with a problem is left out of the archive"
    assert result.problems, "the problem is reported"
    shown = [str(p) for p in result.problems]
    matching = [s for s in shown if words in s]
    assert matching, shown
    assert all(
        s.startswith(str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path))
        for s in matching
    )
    if where is not None:
        assert any(f".yaml:{where}: " in s for s in matching), shown
    assert path.read_bytes() == before, "loading never modifies a data file"


def test_yaml_syntax_error_points_at_the_line(data_dir: Path) -> None:
    write_report(
        data_dir, replace('title: "青禾县县长2023年度述法报告"', 'title: "青禾县县长2023年度述法报告')
    )
    (problem,) = load_archive(data_dir).problems
    assert problem.line >= 5 and problem.col >= 1


def test_not_utf8_is_located(data_dir: Path) -> None:
    path = data_dir / "qinghe/shufa/2023.yaml"
    path.parent.mkdir(parents=True)
    path.write_bytes(VALID.encode("gb18030"))
    (problem,) = load_archive(data_dir).problems
    assert problem.line == 5 and problem.col == 9
    assert "not UTF-8 text" in problem.message and "expected a UTF-8 file" in problem.message


def test_alias_bomb_is_refused_quickly(data_dir: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
    write_report(data_dir, "\n".join(lines) + "\n")
    start = time.perf_counter()
    problems = load_archive(data_dir).problems
    assert time.perf_counter() - start < 2
    assert any("aliases" in p.message for p in problems)


def test_huge_file_is_refused_without_parsing(data_dir: Path) -> None:
    path = write_report(data_dir, VALID + 'notes: "' + "长" * (3 * 1024 * 1024) + '"\n')
    (problem,) = load_archive(data_dir).problems
    assert "a data file is expected to be at most 2 MB" in problem.message
    assert problem.path.endswith("2023.yaml")
    assert path.stat().st_size > 2 * 1024 * 1024


def test_misplaced_file_and_symlink(data_dir: Path, tmp_path: Path) -> None:
    write_report(data_dir, VALID, rel="qinghe/2023.yaml")
    outside = tmp_path / "outside.yaml"
    outside.write_text(VALID, encoding="utf-8")
    (data_dir / "qinghe" / "shufa").mkdir(parents=True, exist_ok=True)
    (data_dir / "qinghe" / "shufa" / "2023.yaml").symlink_to(outside)
    messages = [p.message for p in load_archive(data_dir).problems]
    assert any("expected data/<county>/<kind>/<year>.yaml" in m for m in messages)
    assert any("symbolic link" in m for m in messages)


def test_county_alias_problems(data_dir: Path) -> None:
    (data_dir / "counties.yaml").write_text(
        "qinghe:\n  name: 青禾县\n  aliases: [qinghe]\nchengxi:\n  name: 澄溪县\n  aliases: [qinghe-old, qinghe]\n",
        encoding="utf-8",
    )
    messages = [str(p) for p in load_archive(data_dir).problems]
    assert any("counties.yaml:1:1: county `qinghe` lists itself as an alias" in m for m in messages)
    assert any("alias `qinghe` of county `chengxi` is the slug of another county" in m for m in messages)


def test_every_problem_is_listed_not_only_the_first(data_dir: Path) -> None:
    write_report(
        data_dir, replace("county: qinghe", "county: nowhere").replace("topic: leadership", "topic: x")
    )
    write_report(data_dir, replace("year: 2023", 'year: "x"'), rel="qinghe/shufa/2022.yaml")
    problems = load_archive(data_dir).problems
    assert len(problems) >= 3
    assert {Path(p.path).name for p in problems} == {"2022.yaml", "2023.yaml"}


def test_check_command_prints_every_problem_and_exits_1(data_dir: Path, capsys) -> None:
    write_report(data_dir, replace("topic: law-enforcement", "topic: traffic"))
    write_report(data_dir, replace("year: 2023", "year: 2022"), rel="qinghe/shufa/2021.yaml")
    assert main(["check", str(data_dir)]) == 1
    out = capsys.readouterr()
    lines = out.out.strip().splitlines()
    assert len(lines) == 2
    assert "2023.yaml:30:12: sections[1].topic: unknown topic `traffic`" in out.out
    assert "2021.yaml:4:7: year: `2022` disagrees with the file's path (2021)" in out.out
    assert "Traceback" not in out.out + out.err


def test_check_command_passes_on_the_sample_data(capsys) -> None:
    assert main(["check", str(DATA)]) == 0
    assert "ok:" in capsys.readouterr().err


def test_parse_cache_reuses_unchanged_files(data_dir: Path) -> None:
    path = write_report(data_dir, VALID)
    cache: dict = {}
    first = load_archive(data_dir, cache=cache)
    assert str(path) in cache
    second = load_archive(data_dir, cache=cache)
    assert second.archive.reports["qinghe/shufa/2023"] == first.archive.reports["qinghe/shufa/2023"]
    path.write_text(replace("推进严格执法", "推进严格规范执法"), encoding="utf-8")
    third = load_archive(data_dir, cache=cache)
    assert third.archive.reports["qinghe/shufa/2023"].sections[1].heading == "推进严格规范执法"
    path.unlink()
    assert load_archive(data_dir, cache=cache).archive.reports == {}
    assert str(path) not in cache


def test_sections_and_closing_parts_are_one_part_model(tmp_path: Path) -> None:
    # one Part: the same fields, ids and reading order, built by one builder; the kinds differ
    # only in the opening paragraph's name and where the unnumbered text stands
    from shufa.core.building import build_report
    from shufa.core.model import ClosingPart, Part, Section
    from shufa.core.schema import CLOSING_PART, SECTION
    from shufa.core.yamlfile import YamlDocument

    doc = {
        "schema": 1,
        "county": "qinghe",
        "kind": "shufa",
        "year": 2023,
        "title": "标题",
        "sections": [{"ordinal": 1, "marker": "一、", "heading": "甲。", "topic": "study", "lead": "引。",
                      "text": "尾。", "aliases": ["old-1"], "items": [{"ordinal": 1, "marker": "一是", "text": "项。"}]}],
        "closing": {"next_steps": {"ordinal": 2, "marker": "二、", "heading": "下一步。", "intro": "引。",
                                   "text": "尾。", "items": [{"ordinal": 1, "marker": "一是", "text": "项。"}]}},
    }  # fmt: skip
    report = build_report(YamlDocument(tmp_path / "2023.yaml", doc))
    section, closing = report.parts
    assert isinstance(section, Section) and isinstance(closing, ClosingPart) and isinstance(section, Part)
    assert (section.ids, closing.ids) == (["s1", "old-1"], ["s2", "next-steps"])
    assert [i.ids for i in closing.items] == [["s2-1", "next-steps-1"]]
    assert [f.name for f in section.fields(())] == ["marker", "heading", "lead", "marker", "text", "text"]
    assert [f.name for f in closing.fields(())] == ["marker", "heading", "intro", "text", "marker", "text"]
    assert (section.opening, closing.opening, closing.usual_heading) == ("引。", "引。", "下一步打算")
    # the data format names the same fields, the opening paragraph by the model's name for it
    shared = ["ordinal", "marker", "heading", "text", "aliases", "items"]
    assert [k for k in SECTION["properties"] if k not in ("topic", "lead")] == shared
    assert [k for k in CLOSING_PART["properties"] if k != "intro"] == shared
    assert (Section.OPENING in SECTION["properties"], ClosingPart.OPENING in CLOSING_PART["properties"]) == (
        True,
        True,
    )
