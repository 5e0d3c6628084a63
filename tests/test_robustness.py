"""Hostile and broken input beyond the corpus: property tests of the loader, the importer's
running time, and an import killed in the middle of its write."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DATA, REPO
from shufa.core.loading import load_archive
from shufa.core.numerals import chinese_number
from shufa.core.yamlfile import read_yaml

BASE_REPORT = (REPO / "tests/bad/_base/data/qinghe/shufa/2023.yaml").read_text(encoding="utf-8")
PROPERTY = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _data_dir(tmp: Path) -> Path:
    data = tmp / "data"
    if not data.exists():
        shutil.copytree(REPO / "tests/bad/_base/data", data)
    return data


def _load_file(tmp: Path, content: bytes) -> list:
    data = _data_dir(tmp)
    (data / "qinghe/shufa/2023.yaml").write_bytes(content)
    result = load_archive(data)
    for problem in result.problems:
        assert problem.path and problem.message
        assert problem.line >= 0 and problem.col >= 0
        assert "Traceback" not in problem.message
    return result.problems


@PROPERTY
@given(text=st.text())
def test_any_text_as_a_data_file_loads_or_is_located(tmp_path_factory, text: str) -> None:
    tmp = tmp_path_factory.mktemp("text")
    problems = _load_file(tmp, text.encode("utf-8", errors="surrogatepass"))
    if problems:
        assert any(p.path.endswith("2023.yaml") for p in problems)


@PROPERTY
@given(raw=st.binary(max_size=400))
def test_any_bytes_as_a_data_file_load_or_are_located(tmp_path_factory, raw: bytes) -> None:
    _load_file(tmp_path_factory.mktemp("bytes"), raw)


_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20), st.dates()
)
_trees = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@PROPERTY
@given(tree=_trees)
def test_any_yaml_tree_loads_or_is_located(tmp_path_factory, tree) -> None:
    text = yaml.safe_dump(tree, allow_unicode=True)
    problems = _load_file(tmp_path_factory.mktemp("tree"), text.encode("utf-8"))
    assert problems, "no arbitrary tree is a valid report"
    assert all(p.line >= 1 for p in problems if p.path.endswith("2023.yaml"))


_KEYS = ["title", "year", "county", "sections", "author", "preamble", "closing", "schema", "kind"]


@PROPERTY
@given(key=st.sampled_from(_KEYS), value=_trees)
def test_a_valid_report_with_one_value_replaced_loads_or_is_located(
    tmp_path_factory, key: str, value
) -> None:
    report = yaml.safe_load(BASE_REPORT)
    report[key] = value
    problems = _load_file(
        tmp_path_factory.mktemp("mutant"), yaml.safe_dump(report, allow_unicode=True).encode()
    )
    for problem in problems:
        if problem.path.endswith("2023.yaml"):
            assert problem.line >= 1, problem


# --- the importer's running time ------------------------------------------------------------


def _report_text(items: int, sections: int = 30) -> str:
    lines = ["青禾县县长2023年度述法报告", "现将本人2023年度履行推进法治建设第一责任人职责情况报告如下："]
    for n in range(1, sections + 1):
        lines.append(f"{chinese_number(n)}、坚持依法行政，推进执法规范化")
        for i in range(1, items + 1):
            lines.append(
                f"{i}.强化统筹部署。全年开展普法活动{n * 3 + i}场，发放宣传资料{i}万余份，出庭应诉率100%。"
            )
    return "\n".join(lines) + "\n"


def _import_seconds(tmp: Path, items: int) -> float:
    from shufa.commands import main

    source = tmp / f"r{items}.txt"
    source.write_text(_report_text(items), encoding="utf-8")
    best = float("inf")
    for attempt in range(3):
        out = tmp / f"out-{items}-{attempt}.yaml"
        start = time.perf_counter()
        code = main(["import", str(source), "--data-dir", str(DATA), "--county", "qinghe", "-o", str(out)])
        best = min(best, time.perf_counter() - start)
        assert code == 0
    imported = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert len(imported["sections"]) == 30 and len(imported["sections"][-1]["items"]) == items
    return best


def test_the_importer_runs_in_linear_time(tmp_path: Path, capsys) -> None:
    small = _import_seconds(tmp_path, 9)  # 270 items, about 15,000 characters
    large = _import_seconds(tmp_path, 90)  # 2,700 items, about 150,000 characters
    capsys.readouterr()
    ratio = large / small
    print(f"import: 270 items {small:.3f} s, 2700 items {large:.3f} s, ratio {ratio:.1f}")
    assert ratio <= 15, f"10× the input took {ratio:.1f}× the time ({small:.3f} s → {large:.3f} s)"


# --- an import killed in the middle of its write -----------------------------------------------

_CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from shufa.importing.writing import write_new_file

    target, ready = Path(sys.argv[1]), Path(sys.argv[2])

    def stall(tmp):  # the new text is written in full to the temporary file: now wait to be killed
        ready.write_text(str(tmp))
        time.sleep(60)

    write_new_file(target, "schema: 1\\ntitle: 新内容\\n" * 20000, force=True, check=stall)
    """
)


def test_a_killed_import_leaves_the_old_file_intact(tmp_path: Path) -> None:
    target = tmp_path / "2023.yaml"
    target.write_text(BASE_REPORT, encoding="utf-8")
    ready = tmp_path / "ready"
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(target), str(ready)])
    try:
        deadline = time.monotonic() + 30
        # the file appears before its text: wait for the text (a busy machine shows the gap)
        while not ready.exists() or not ready.read_text():
            assert child.poll() is None, "the child ended before its write"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        temporary = Path(ready.read_text())
        assert temporary.stat().st_size > 100_000, "the new text is fully written, not yet in place"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    assert target.read_text(encoding="utf-8") == BASE_REPORT
    # what a killed process cannot clean up is a hidden .tmp file, which no loader reads
    leftovers = [p.name for p in tmp_path.iterdir() if p.name not in {"2023.yaml", "ready"}]
    assert all(name.startswith(".2023.yaml.") and name.endswith(".tmp") for name in leftovers)


def test_a_text_with_5000_numbered_parts_imports_or_is_refused_quickly(tmp_path: Path, capsys) -> None:
    from shufa.commands import main

    lines = ["青禾县县长2023年度述法报告", "现将有关情况报告如下："]
    lines += [f"{n}. 第{n}项工作。推进行政执法规范化，开展培训{n}次。" for n in range(1, 5001)]
    source = tmp_path / "many.txt"
    source.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "many.yaml"
    start = time.perf_counter()
    code = main(["import", str(source), "--data-dir", str(DATA), "--county", "qinghe", "-o", str(out)])
    elapsed = time.perf_counter() - start
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert elapsed < 30
    if code == 0:
        imported = read_yaml(out).value  # as the project reads it: dates stay text
        text = json_text(imported)
        for n in (1, 2500, 5000):
            assert f"开展培训{n}次" in text, "nothing is lost"
    else:
        assert code == 1 and not out.exists()


def json_text(value) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


# --- the quick schema check never accepts what jsonschema refuses --------------------------------


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*path, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _paths(child, (*path, i))


_SAMPLE_REPORTS = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(DATA.glob("*/*/*.yaml"))]
#: Values of the right shape for the format's patterns, and the same with what must not pass.
_SHAPED = [
    "qinghe",
    "law-enforcement",
    "s3",
    "s3-2",
    "shortcomings-1",
    "preamble",
    "2024-01-22",
    "2024-02-29",
    "2024-02-30",
    "2024-13-45",
    "0000-00-00",
    "https://x.cn/a",
    "130102",
]
_STRINGS = st.one_of(
    st.text(max_size=20),
    st.sampled_from(_SHAPED).flatmap(
        lambda shaped: st.sampled_from(
            [
                shaped,
                shaped + "\n",
                "\n" + shaped,
                shaped + "\n\n",
                shaped + "\r\n",
                shaped + " ",
                shaped + "\u200b",
            ]
        )
    ),
    st.sampled_from(["", " ", "S3", "http://", "https://x.cn/a b", "x\n"]),
)
_NUMBERS = st.one_of(
    st.integers(),
    st.integers(min_value=-3, max_value=3000).map(float),  # 1.0, 2023.0: whole, but no integers
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
)
_MUTANT_VALUES = st.one_of(_trees, _STRINGS, _NUMBERS)


def _mutant(data) -> tuple[dict, tuple, object]:
    import copy

    report = copy.deepcopy(data.draw(st.sampled_from(_SAMPLE_REPORTS)))
    path = data.draw(st.sampled_from(list(_paths(report))[1:]))
    parent = report
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = data.draw(_MUTANT_VALUES)
    report = json.loads(json.dumps(report, default=str))  # dates as the loader gives them: text
    return report, path, parent[path[-1]]


@PROPERTY
@given(data=st.data())
def test_the_quick_schema_check_accepts_only_what_jsonschema_accepts(data) -> None:
    """One validator decides: the fast path says "valid" only where jsonschema does, and on the
    documents it is asked about (no float, no boolean) the two agree both ways."""
    import fastjsonschema

    from shufa.core.schema import REPORT
    from shufa.core.validation import _QUICK, _VALIDATORS, _needs_full, quick_accepts

    report, path, value = _mutant(data)
    full = not list(_VALIDATORS[id(REPORT)].iter_errors(report))
    if quick_accepts(report, REPORT):
        assert full, (path, value)
    if not _needs_full(report):
        try:
            _QUICK[id(REPORT)](report)
            fast = True
        except fastjsonschema.JsonSchemaException:
            fast = False
        assert fast == full, (path, value, fast, full)


@PROPERTY
@given(data=st.data(), value=st.integers(min_value=-3, max_value=3000).map(float))
def test_a_float_is_never_an_integer(data, value: float) -> None:
    """``ordinal: 1.0`` and ``year: 2023.0`` are refused with the type message."""
    from shufa.core.schema import REPORT
    from shufa.core.validation import _VALIDATORS, quick_accepts

    report = json.loads(json.dumps(data.draw(st.sampled_from(_SAMPLE_REPORTS)), default=str))
    integers = [p for p in _paths(report) if p and p[-1] in {"ordinal", "year"}]
    path = data.draw(st.sampled_from(integers))
    parent = report
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    errors = list(_VALIDATORS[id(REPORT)].iter_errors(report))
    assert not quick_accepts(report, REPORT)
    assert any(e.validator == "type" and tuple(e.absolute_path) == path for e in errors), errors


def test_true_is_not_the_schema_version() -> None:
    """``schema: true`` equals 1 for Python (and fastjsonschema), not for JSON Schema."""
    from shufa.core.schema import REPORT
    from shufa.core.validation import _VALIDATORS, quick_accepts

    report = json.loads(json.dumps(_SAMPLE_REPORTS[0], default=str))
    report["schema"] = True
    assert not quick_accepts(report, REPORT)
    assert list(_VALIDATORS[id(REPORT)].iter_errors(report))


@PROPERTY
@given(data=st.data(), tail=st.sampled_from(["\n", "\n\n", "\r\n", "\u2028", " "]))
def test_no_shaped_value_passes_with_something_after_it(data, tail: str) -> None:
    """A slug, anchor, date, address or code with a trailing newline (or anything else after
    it) is refused by both validators: nothing like ``"nanshan\\n"`` reaches a path or the lock.
    (Invisible characters such as U+200B are the reader's to refuse, in every text.)"""
    import fastjsonschema

    from shufa.core.schema import REPORT
    from shufa.core.validation import _QUICK, _VALIDATORS

    report = json.loads(json.dumps(data.draw(st.sampled_from(_SAMPLE_REPORTS)), default=str))
    shaped = {"county", "kind", "topic", "at", "url", "issued", "published", "retrieved"}
    paths = [
        p
        for p in _paths(report)
        if p and (p[-1] in shaped or ("aliases" in p[:-1] and isinstance(p[-1], int)))
    ]
    path = data.draw(st.sampled_from(paths))
    parent = report
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] += tail
    assert list(_VALIDATORS[id(REPORT)].iter_errors(report)), path
    with pytest.raises(fastjsonschema.JsonSchemaException):
        _QUICK[id(REPORT)](report)


def test_every_pattern_of_the_format_matches_whole_values_only() -> None:
    """Every anchored pattern is written with ``whole()``: ``$`` alone would take a final newline;
    and each has its form in words, for messages and the data-format page."""
    from shufa.core.schema import PATTERN_FORMS, SCHEMAS

    def patterns(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "pattern":
                    yield value
                else:
                    yield from patterns(value)
        elif isinstance(node, list):
            for value in node:
                yield from patterns(value)

    found = [p for schema in SCHEMAS.values() for p in patterns(schema)]
    assert len(found) > 10
    for pattern in found:
        assert pattern == r"\S" or (pattern.startswith("^(?:") and pattern.endswith(r")$(?!\n)")), pattern
        assert pattern == r"\S" or pattern in PATTERN_FORMS, f"no words for the form of {pattern}"


def test_the_quick_schema_check_accepts_the_sample_data() -> None:
    from shufa.core.schema import REPORT
    from shufa.core.validation import quick_accepts

    for report in _SAMPLE_REPORTS:
        assert quick_accepts(json.loads(json.dumps(report, default=str)), REPORT)


def test_every_invisible_character_is_flagged_in_text() -> None:
    """Every format character (Cf) and line or paragraph separator of this Python's Unicode is
    flagged by the reader (the list in shufa.core.yamlfile is written out, for speed)."""
    import unicodedata

    from shufa.core.yamlfile import unsafe_character

    invisible = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) in {"Cf", "Zl", "Zp", "Cc"}]
    allowed = {"\t", "\n"}
    missed = [f"U+{ord(c):04X}" for c in invisible if c not in allowed and unsafe_character(f"a{c}b") != c]
    assert not missed
    assert unsafe_character("青禾县\u3000人民政府 2023年 “法治”（一）①") is None


def test_a_source_too_large_for_a_data_file_is_refused_up_front(tmp_path: Path, capsys) -> None:
    """A source whose text cannot fit in a data file (2 MB) is refused before it is worked on,
    saying so: not processed in full and then refused as an "internal error" on reading back."""
    from shufa.commands import main
    from shufa.core.yamlfile import MAX_FILE_BYTES

    source = tmp_path / "huge.txt"
    text = _report_text(9)
    source.write_text(text * (MAX_FILE_BYTES // len(text.encode("utf-8")) + 2), encoding="utf-8")
    out = tmp_path / "huge.yaml"
    start = time.perf_counter()
    code = main(["import", str(source), "--data-dir", str(DATA), "--county", "qinghe", "-o", str(out)])
    elapsed = time.perf_counter() - start
    err = capsys.readouterr().err
    assert code == 1 and not out.exists()
    assert "its text is 2.1 MB; a data file is expected to be at most 2 MB (nothing written)" in err, err
    assert "internal error" not in err
    assert elapsed < 5, f"refused after {elapsed:.1f} s"
