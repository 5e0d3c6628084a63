"""Every broken input of tests/bad/ gives its exact located message, a failing exit, no traceback,
and leaves every data file as it was — through `shufa check` and through the Sphinx build."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from bad_inputs import BAD, CASES, prepare, snapshot

from conftest import REPO, run_sphinx
from shufa.commands import main

LOCATED = re.compile(r"^(?P<where>[^:]+:\d+(?::\d+)?): (?P<message>.*)$")


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert all((BAD / case / "expected").read_text(encoding="utf-8").strip() for case in CASES)


def _expected(case: str) -> list[str]:
    return (BAD / case / "expected").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("case", CASES)
def test_check_prints_exactly_the_expected_messages(case: str, tmp_path: Path, monkeypatch, capsys) -> None:
    data = prepare(case, tmp_path)
    before = snapshot(data)
    monkeypatch.chdir(tmp_path)
    start = time.perf_counter()
    assert main(["check", "data"]) == 1
    elapsed = time.perf_counter() - start
    out = capsys.readouterr()
    assert out.out.splitlines() == _expected(case)
    assert "Traceback" not in out.out + out.err
    assert snapshot(data) == before, "checking never modifies a data file"
    assert elapsed < 5, f"{case} took {elapsed:.1f} s"


@pytest.fixture(scope="module")
def site_source(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("site") / "src"
    shutil.copytree(BAD / "_site", src)
    shutil.copy(REPO / "conf.py", src / "conf.py")  # the archive's own configuration, every plugin
    return src


@pytest.mark.parametrize("case", CASES)
def test_the_build_fails_with_the_located_messages(
    case: str, tmp_path: Path, site_source: Path, monkeypatch
) -> None:
    data = prepare(case, tmp_path)
    before = snapshot(data)
    src = tmp_path / "src"
    shutil.copytree(site_source, src)
    monkeypatch.chdir(tmp_path)
    app = run_sphinx(src, confoverrides={"shufa_data_dir": str(data)}, warningiserror=True)
    warnings = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    assert app.statuscode == 1, "a broken data folder never passes for a good build"
    for line in _expected(case):
        match = LOCATED.match(line)
        shown = f"{match['where']}: WARNING: {match['message']}" if match else f"WARNING: {line}"
        assert shown in warnings, (line, warnings)
    assert "Traceback" not in warnings
    assert snapshot(data) == before, "building never modifies a data file"
