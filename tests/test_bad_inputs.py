"""Every broken input of tests/bad/ gives its exact located message, a failing exit, no traceback,
and leaves every data file as it was — through `shufa check` and through the Sphinx build.

`shufa check` runs on each case alone. The build runs once for every case that keeps to the report
folder it breaks (bad_inputs.SHARED: each in a county of its own, so each warning is located in one
case's files), and once for each other case (the registries and the lock are one per archive)."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from bad_inputs import BAD, CASES, SHARED, expected, prepare, prepare_together, snapshot

from conftest import REPO, run_sphinx
from shufa.commands import main

LOCATED = re.compile(r"^(?P<where>[^:]+:\d+(?::\d+)?): (?P<message>.*)$")
#: The warning type and subtype Sphinx prints after a warning (`[shufa.schema]`).
SUBTYPE = re.compile(r" \[[\w.-]+\]$")


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert all((BAD / case / "expected").read_text(encoding="utf-8").strip() for case in CASES)
    assert len(SHARED) >= 60, "most cases share one build"


@pytest.mark.parametrize("case", CASES)
def test_check_prints_exactly_the_expected_messages(case: str, tmp_path: Path, monkeypatch, capsys) -> None:
    data = prepare(case, tmp_path)
    before = snapshot(data)
    monkeypatch.chdir(tmp_path)
    start = time.perf_counter()
    assert main(["check", "data"]) == 1
    elapsed = time.perf_counter() - start
    out = capsys.readouterr()
    assert out.out.splitlines() == expected(case)
    assert "Traceback" not in out.out + out.err
    assert snapshot(data) == before, "checking never modifies a data file"
    assert elapsed < 5, f"{case} took {elapsed:.1f} s"


def site_source(root: Path) -> Path:
    """The corpus's hand-written pages with the archive's own configuration (every plugin)."""
    src = root / "src"
    shutil.copytree(BAD / "_site", src)
    shutil.copy(REPO / "conf.py", src / "conf.py")
    return src


def build_warnings(root: Path, data: Path) -> tuple[int, str]:
    """Build the corpus's site against *data*, run from *root* (warnings name data/… from there):
    (status, warnings without colour)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        app = run_sphinx(site_source(root), confoverrides={"shufa_data_dir": str(data)}, warningiserror=True)
    return app.statuscode, re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())


def shown(line: str) -> str:
    """An expected line as the build shows it."""
    match = LOCATED.match(line)
    return f"{match['where']}: WARNING: {match['message']}" if match else f"WARNING: {line}"


#: The tests of the shared build, on one xdist worker: it is made once.
BUILT_TOGETHER = pytest.mark.xdist_group("bad-inputs-shared")


@pytest.fixture(scope="module")
def shared_build(tmp_path_factory) -> tuple[int, dict[str, list[str]], Path, bool]:
    """Every case of SHARED built in one archive: (status, the warnings by the case whose folder
    they are located in, the data folder, whether every data file was left as it was)."""
    root = tmp_path_factory.mktemp("shared")
    data = prepare_together(SHARED, root)
    before = snapshot(data)
    status, warnings = build_warnings(root, data)
    assert "Traceback" not in warnings
    by_case: dict[str, list[str]] = {}
    for line in warnings.splitlines():
        if "WARNING: " in line:
            where = line.removeprefix("WARNING: ").split(":")[0]
            by_case.setdefault(where.split("/")[1] if where.startswith("data/") else where, []).append(line)
    return status, by_case, data, snapshot(data) == before


@BUILT_TOGETHER
def test_the_shared_archive_holds_each_case_s_problems_only(shared_build, monkeypatch, capsys) -> None:
    _status, by_case, data, _unchanged = shared_build
    assert sorted(by_case) == SHARED, "every warning is located in one case's own folder"
    monkeypatch.chdir(data.parent)
    assert main(["check", "data"]) == 1
    wanted = sorted(line for case in SHARED for line in expected(case, county=case))
    assert sorted(capsys.readouterr().out.splitlines()) == wanted


@pytest.mark.parametrize(
    "case", [pytest.param(case, marks=BUILT_TOGETHER) if case in SHARED else case for case in CASES]
)
def test_the_build_fails_with_the_located_messages(case: str, tmp_path: Path, request) -> None:
    if case in SHARED:
        status, by_case, _data, unchanged = request.getfixturevalue("shared_build")
        # exactly the case's messages, in its own files
        warnings = sorted(SUBTYPE.sub("", line) for line in by_case.get(case, []))
        assert warnings == sorted(shown(line) for line in expected(case, county=case))
    else:
        data = prepare(case, tmp_path)
        before = snapshot(data)
        status, text = build_warnings(tmp_path, data)
        for line in expected(case):
            assert shown(line) in text, (line, text)
        assert "Traceback" not in text
        unchanged = snapshot(data) == before
    assert status == 1, "a broken data folder never passes for a good build"
    assert unchanged, "building never modifies a data file"
