"""`shufa build` (`make html`) used carelessly: it deletes nothing it did not write, never hangs, never
shows a traceback.

An output folder of someone else's files is refused and left as it was (a single-run archive and a
partitioned one); the publication removes only the files its lists name; a scheduler nobody
answers at, or one without workers, is a message within a bound; two builds of one folder at once
wait for each other; options argparse cannot take are argparse's errors, and `make html
SPHINXOPTS=-E` reaches Sphinx.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import (
    DATA,
    REPO,
    build_command,
    copy_data,
    free_port,
    generate_partitioned,
    partition_docs,
    partition_options,
    start_quietly,
    start_stopping,
    stopping_conf,
)
from shufa.commands import main, parser
from shufa.core.model import Archive
from shufa.core.partitions import HUB
from shufa.core.registries import load_registries
from shufa.core.sitecheck import broken_links
from shufa.sitebuild.merge import LIST, Publication


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file and folder under *folder*: its bytes (b"" for a folder) and its inode."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else b"", p.stat().st_ino)
        for p in sorted(folder.rglob("*"))
    }


def _archive(tmp: Path, shape: str) -> Path:
    """A data folder: the shipped sample (one province: one Sphinx run) or a generated archive of
    three provinces (a partition each)."""
    if shape == "single":
        return copy_data(tmp)
    data = generate_partitioned(tmp / "data")
    assert main(["lock", str(data)]) == 0
    return data


def _build_args(tmp: Path, data: Path, out: Path, *extra: str) -> list[str]:
    return [
        "build", "--data", str(data), "--out", str(out), "--work", str(tmp / "work"),
        "--docs", str(partition_docs(tmp)), "--conf", str(REPO), "--sphinx-options=-q", *extra,
    ]  # fmt: skip


# --- nothing deleted that the command did not write ------------------------------------------------


@pytest.mark.parametrize("shape", ["single", "partitioned"])
def test_an_output_folder_of_someone_elses_files_is_refused_untouched(
    tmp_path: Path, shape: str, capsys
) -> None:
    data = _archive(tmp_path, shape)
    mine = tmp_path / "thesis"
    (mine / "notes").mkdir(parents=True)
    (mine / "thesis.md").write_text("# 论文\n", encoding="utf-8")
    (mine / "notes" / "2023.md").write_text("笔记\n", encoding="utf-8")
    os.link(mine / "thesis.md", mine / "notes" / "thesis-link.md")  # a hard link, as the site's are
    (mine / "reports").mkdir()  # a folder the site would have too
    (mine / "reports" / "draft.html").write_text("<p>草稿</p>\n", encoding="utf-8")
    before = _snapshot(mine)
    assert main(_build_args(tmp_path, data, mine)) == 1
    said = capsys.readouterr().out
    assert f"--out {mine} is not empty" in said and "nothing in it was touched" in said, said
    assert "Traceback" not in said
    assert _snapshot(mine) == before


@pytest.mark.parametrize("shape", ["single", "partitioned"])
def test_the_data_folder_as_output_is_refused_untouched(tmp_path: Path, shape: str, capsys) -> None:
    data = _archive(tmp_path, shape)
    before = _snapshot(data)
    assert any(name.endswith("anchors.lock") for name in before)
    assert main(_build_args(tmp_path, data, data)) == 1
    said = capsys.readouterr().out
    assert f"--out {data}" in said and "expected separate folders" in said, said
    assert _snapshot(data) == before
    # the same folder under another name than --data's: not empty, not a site
    elsewhere = _archive(tmp_path / "other", shape)
    before = _snapshot(elsewhere)
    assert main(_build_args(tmp_path, data, elsewhere)) == 1
    assert "is not empty" in capsys.readouterr().out
    assert _snapshot(elsewhere) == before


def test_a_work_folder_of_someone_elses_files_is_refused_untouched(tmp_path: Path, capsys) -> None:
    # (`--work .` in the repository would have had the originals' folder, sources/, cleared)
    data = _archive(tmp_path, "partitioned")
    work = tmp_path / "mine"
    (work / "sources" / "qinghe").mkdir(parents=True)
    (work / "sources" / "qinghe" / "2023.pdf").write_bytes(b"%PDF-1.4 original")
    (work / "\x1b[2J.txt").write_text("a name that would clear the terminal", encoding="utf-8")
    before = _snapshot(work)
    args = _build_args(tmp_path, data, tmp_path / "site")
    args[args.index("--work") + 1] = str(work)
    assert main(args) == 1
    said = capsys.readouterr().out
    assert f"--work {work} is not empty" in said, said
    assert "\\x1b[2J.txt" in said and "\x1b" not in said, "a name shown, its control character escaped"
    assert _snapshot(work) == before
    assert not (tmp_path / "site").exists(), "nothing made when the build cannot start"


def test_the_publication_removes_only_files_its_lists_name(tmp_path: Path) -> None:
    # a site folder without the mark (a publication that never closed, or one made by hand)
    registries = load_registries(DATA)
    archive = Archive(
        registries.counties, registries.kinds, registries.topics, {}, registries.metrics, registries.provinces
    )
    site, runs, out = tmp_path / "site", tmp_path / "runs", tmp_path / "hub"
    for rel in ("thesis.md", "notes/2023.md", "reports/draft.html", "old.html", "gone/index.html"):
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(rel, encoding="utf-8")
    (out / "_static").mkdir(parents=True)
    (out / "index.html").write_text("首页", encoding="utf-8")
    (out / "_static" / "site.css").write_text("body{}", encoding="utf-8")
    # the hub's list names old.html (which it no longer gives); a partition that is no more names gone/
    for name, files in ((HUB, ["index.html", "old.html"]), ("gone", ["gone/index.html"])):
        (runs / name).mkdir(parents=True)
        (runs / name / LIST).write_text(json.dumps(files), encoding="utf-8")
    publication = Publication(site, archive, runs)
    assert not publication.known
    publication.publish({HUB: out}, {HUB})
    publication.close()
    left = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert left == [
        ".shufa-site",
        "_static/site.css",
        "index.html",
        "notes/2023.md",
        "reports/draft.html",
        "thesis.md",
    ]
    assert not (site / "gone").exists(), "the folder its removed file left empty"


# --- no hang, no traceback -------------------------------------------------------------------------


def _shufa(args: list[str], timeout: float) -> tuple[int, str, float]:
    """`python -m shufa …` as a child; (status, its output and errors, seconds)."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "shufa", *args], capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    return done.returncode, done.stdout + done.stderr, time.monotonic() - started


@pytest.mark.scale
def test_a_scheduler_address_nobody_answers_is_a_quick_message(tmp_path: Path) -> None:
    data = _archive(tmp_path, "partitioned")
    address = "tcp://127.0.0.1:1"  # nothing listens on port 1
    args = [*_build_args(tmp_path, data, tmp_path / "site"), "--scheduler", address, "--connect-timeout", "2"]
    status, said, seconds = _shufa(args, 120)
    assert status == 1, said
    assert f"no Dask scheduler answers at {address}" in said and "dask scheduler" in said, said
    assert "Traceback" not in said, said
    # the time it was given to answer, not the default's 10 s (Python and Dask start in ~3 s)
    assert seconds < 9, f"{seconds:.1f} s"


@pytest.mark.scale
def test_a_scheduler_without_workers_is_waited_for_within_a_bound(tmp_path: Path) -> None:
    data = _archive(tmp_path, "partitioned")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler = start_quietly(
        [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(port),
         "--no-dashboard", "--dashboard-address", "127.0.0.1:0"], dict(os.environ),
    )  # fmt: skip
    try:
        args = [
            *_build_args(tmp_path, data, tmp_path / "site"),
            "--scheduler",
            address,
            "--wait-for-workers",
            "3",
        ]
        status, said, seconds = _shufa(args, 120)
    finally:
        scheduler.terminate()
        scheduler.wait(timeout=30)
    assert status == 1, said
    assert f"the Dask scheduler at {address} has no worker after 3 s" in said, said
    assert f"dask worker {address}" in said and "--wait-for-workers" in said, said
    assert "Traceback" not in said, said
    assert seconds < 60, f"{seconds:.1f} s"


def _parse(*args: str):
    top, _modules = parser()
    return top.parse_args(["build", *args])


@pytest.mark.parametrize("workers", ["-1", "0", "two"])
def test_workers_below_one_are_refused_by_argparse(workers: str, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        _parse("--workers", workers)
    assert stopped.value.code == 2
    assert "expected a whole number of workers, 1 or more" in capsys.readouterr().err
    assert _parse("--workers", "3").workers == 3


@pytest.mark.parametrize("size", ["lots", "-1GB", "0", ""])
def test_a_memory_limit_that_is_no_size_is_an_argparse_error(size: str, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        _parse(f"--memory-limit={size}")
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "--memory-limit" in err and "expected a size" in err and "2GB" in err and "Traceback" not in err
    assert _parse("--memory-limit", "2GB").memory_limit == 2_000_000_000
    assert _parse("--memory-limit", "1.5 GiB").memory_limit == 1_610_612_736


def _make_build_args(*variables: str) -> argparse.Namespace:
    """The arguments `shufa build` gets from `make html <variables>`, as make prints its command
    (-n: nothing is run or written)."""
    shown = subprocess.run(
        ["make", "-n", "-C", str(REPO), "html", *variables], capture_output=True, text=True, check=True
    ).stdout.replace("\\\n", " ")
    line = next(ln for ln in shown.splitlines() if "shufa build" in ln)
    words = shlex.split(line)
    return _parse(*words[words.index("build") + 1 :])


def test_make_html_passes_sphinxopts_that_start_with_a_dash() -> None:
    args = _make_build_args("SPHINXOPTS=-E", "DASK_SCHEDULER=tcp://127.0.0.1:8786")
    assert shlex.split(args.sphinx_options) == ["-E"]
    assert args.scheduler == "tcp://127.0.0.1:8786"
    assert shlex.split(_make_build_args("SPHINXOPTS=-E -W --keep-going").sphinx_options) == [
        "-E",
        "-W",
        "--keep-going",
    ]
    assert _make_build_args("SPHINXOPTS=").sphinx_options == ""  # the lenient build


@pytest.mark.scale
def test_two_builds_of_one_folder_at_once_wait_for_each_other(tmp_path: Path) -> None:
    data = _archive(tmp_path, "partitioned")
    options = partition_options(
        tmp_path, data, docs=partition_docs(tmp_path), confdir=stopping_conf(tmp_path), workers=2
    )
    first = start_stopping(options, tmp_path / "stop")  # holds the folders, one of its runs stopped
    second = subprocess.Popen(
        build_command(options), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        assert second.stdout is not None
        waiting = second.stdout.readline()  # its first line, whatever the first build still does
        assert "another `shufa build` is using" in waiting and "waiting for it to end" in waiting, waiting
        os.kill(int(Path(f"{tmp_path / 'stop'}.pid").read_text(encoding="utf-8")), signal.SIGCONT)
        said_first, _ = first.communicate(timeout=300)
        said_second = waiting + second.communicate(timeout=300)[0]
    finally:
        for process in (first, second):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    assert first.returncode == 0, said_first
    assert second.returncode == 0, said_second
    assert "Traceback" not in said_first + said_second
    assert not list(options.site.rglob("*.publishing"))
    assert broken_links(options.site) == []
