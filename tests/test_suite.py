"""The suite's own tiers: `make test` (and CI) runs every test on every core, `make test-fast` leaves
out exactly the browser and scale tests, and each test that starts a browser or Dask is in its tier."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys

from conftest import REPO


def _pytest_line(target: str) -> list[str]:
    """The pytest command `make <target>` runs (-n: nothing is run)."""
    # as typed: not with the variables of a `make test PYTEST_XDIST=-n0` this may run under (make
    # puts them in the environment and in MAKEFLAGS)
    made = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTEST_XDIST", "PYTEST_ARGS")
    env = {k: v for k, v in os.environ.items() if k not in made}
    shown = subprocess.run(
        ["make", "-n", "-C", str(REPO), target], capture_output=True, text=True, check=True, env=env
    ).stdout
    line = next(ln for ln in shown.splitlines() if " -m pytest " in ln)
    return shlex.split(line)


def _collected(*args: str) -> tuple[set[str], str]:
    """The tests pytest collects with *args*, and its summary line (``916/1107 tests collected``)."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=REPO, capture_output=True, text=True, check=True,
    )  # fmt: skip
    lines = done.stdout.splitlines()
    return {line for line in lines if "::" in line}, next(ln for ln in lines if " collected" in ln)


def test_make_test_runs_everything_in_parallel_and_test_fast_skips_two_tiers() -> None:
    full, fast = _pytest_line("test"), _pytest_line("test-fast")
    full, fast = full[full.index("pytest") + 1 :], fast[fast.index("pytest") + 1 :]
    assert "-m" not in full, "make test selects no tier: it runs every test"
    assert full[full.index("-n") + 1] == "auto" and "--durations=10" in full
    assert fast[fast.index("-m") + 1] == "not browser and not scale"
    assert "make test PYTHON=" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_the_tiers_hold_the_browser_and_dask_tests() -> None:
    fast, summary = _collected("-m", "not browser and not scale")
    assert " deselected" in summary and len(fast) > 500, summary
    # tests through the browser and tests that start Dask are never in the inner loop
    for name in ("test_layout.py::", "test_accessibility.py::", "test_partitions.py::test_a_dask_cluster"):
        assert not any(name in test for test in fast), name
    assert not any("test_search.py::test_browser_" in test for test in fast), "a page fixture marks a test"
    assert sum("test_partitions.py::" in test for test in fast) == 2, "only the two that build nothing"
    assert any("test_bad_inputs.py::" in test for test in fast)


def test_a_group_of_tests_runs_on_one_worker(tmp_path) -> None:
    # the groups (conftest.py) only hold if xdist and pytest agree on how a group reaches the
    # scheduler (pytest 9.2 with xdist 3.8 split every group: pytest-dev/pytest-xdist#1386)
    (tmp_path / "test_grouped.py").write_text(
        "import os, pytest\n\n"
        "@pytest.mark.xdist_group('one')\n"
        "@pytest.mark.parametrize('n', range(8))\n"
        "def test_where(n):\n"
        "    with open(os.environ['WHERE'], 'a') as out:\n"
        "        out.write(os.environ['PYTEST_XDIST_WORKER'] + '\\n')\n",
        encoding="utf-8",
    )
    where = tmp_path / "where.txt"
    # a basetemp of its own: under the default one, pytest's exit removed other runs' old folders (20 s)
    subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-q", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), "--confcutdir", str(tmp_path), "--basetemp", str(tmp_path / "base"),
         str(tmp_path / "test_grouped.py")],
        cwd=tmp_path, env={**os.environ, "WHERE": str(where)}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    workers = where.read_text(encoding="utf-8").split()
    assert len(workers) == 8 and len(set(workers)) == 1, workers
