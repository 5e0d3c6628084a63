"""The partitioned build: partitions as Dask tasks, one merged site, incremental at every level.

Real builds of a generated archive of three provinces (a partition each): on a LocalCluster,
and on a `dask scheduler` with two `dask worker` processes on 127.0.0.1, one of them killed
while it builds. After a build killed mid-way, a county moved to another province, a province
renamed and two provinces merged, the next build's site equals a clean build's, byte for byte.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

import generate as bench_generate
from conftest import (
    PARTITIONED_N,
    REPO,
    archive_source,
    build_archive,
    build_command,
    build_site,
    free_port,
    generate_partitioned,
    partition_docs,
    partition_options,
    start_quietly,
    start_stopping,
    stopping_conf,
)
from shufa.commands import main
from shufa.core.lock import KEPT, read_lock
from shufa.core.partitions import owner
from shufa.core.sitecheck import broken_links
from shufa.sitebuild import Options, local_cluster
from shufa.sitebuild.merge import MARK
from shufa.sitebuild.plan import make_plan

EPOCH = "1764460800"


def _files(site: Path, under: str = "") -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted((site / under).rglob("*"))
        if p.is_file() and ".doctrees" not in p.parts
    }


def _record(root: Path) -> dict:
    return json.loads((root / "work" / "last-build.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def partitioned(tmp_path_factory: pytest.TempPathFactory):
    """The archive built in partitions on a LocalCluster of two workers (the build date fixed,
    so that a single build of the same data gives the same bytes)."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        root = tmp_path_factory.mktemp("partitioned")
        data = generate_partitioned(root / "data")
        assert main(["lock", str(data)]) == 0  # each run checks the locked entries of its own pages
        said: list[str] = []
        # (the guide and the reference whole here: the hub builds them, their search merged with the reports)
        options = partition_options(root, data, docs=partition_docs(root, guide=True), workers=2)
        # Dask's HTTP port held (as by a cluster beside this one): the local cluster must not want it
        with _held(8787), warnings.catch_warnings(record=True) as warned:
            warnings.simplefilter("always")
            assert build_site(options, said.append) == 0, "\n".join(said)
        yield root, data, options, said, [str(w.message) for w in warned]
    finally:
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


@contextlib.contextmanager
def _held(port: int):
    """*port* on 127.0.0.1 held while the block runs (or already held by another program)."""
    with socket.socket() as holder:
        with contextlib.suppress(OSError):  # taken already: held all the same
            holder.bind(("127.0.0.1", port))
            holder.listen()
        yield


@pytest.mark.scale
def test_each_province_is_a_partition_built_as_a_dask_task(partitioned) -> None:
    root, *_rest, said, warned = partitioned
    # the local cluster listens on no fixed port: nothing said about a port taken
    assert not [w for w in warned if "already in use" in w], warned
    record = _record(root)
    assert sorted(o["name"] for o in record["partitions"]) == ["jianglan", "xichuan", "yunling"]
    assert {o["status"] for o in record["partitions"]} == {"built"}
    assert all(o["worker"] not in ("", "local") for o in record["partitions"])
    # progress: one line per partition as it ends, "done of all"
    progress = [line for line in said if line.startswith("[")]
    assert [line.split("]")[0] for line in progress] == ["[1/3", "[2/3", "[3/3"]


@pytest.mark.scale
def test_the_lock_is_read_once_for_the_partitions_each_keeping_its_own_entries(partitioned) -> None:
    _root, data, options, *_said = partitioned
    plan = make_plan(options.confdir, options.docs, data.resolve(), options.workdir.resolve(), [])
    entries = read_lock(data / "anchors.lock")
    owners = {spec.name: [] for spec in plan.specs}
    for number, entry in entries:
        owners.get(owner(plan.archive, entry.split("#")[0].removesuffix(".html")), []).append([number, entry])
    for spec in plan.specs:
        kept = json.loads(Path(spec.doctreedir, KEPT).read_text(encoding="utf-8"))
        # exactly the lines of the partition's pages, numbered as in the lock (its messages name them)
        assert kept["mine"] == owners[spec.name] and len(kept["mine"]) > 100, spec.name
        assert kept["key"][0] == spec.name


@pytest.mark.scale
def test_the_merged_site_has_every_page_and_no_broken_link(partitioned) -> None:
    root = partitioned[0]
    site = root / "site"
    assert broken_links(site) == []
    reports = sorted(p.relative_to(site).as_posix() for p in site.glob("reports/*/*/[0-9]*.html"))
    assert len(reports) == PARTITIONED_N
    for province in ("jianglan", "xichuan", "yunling"):
        assert (site / f"provinces/{province}.html").is_file()
        assert (site / f"inventories/{province}/objects.inv").is_file()
    assert not list(site.rglob("_shufa")), "what partitions hand the hub is not published"


@pytest.mark.scale
def test_partitioned_and_single_builds_give_the_same_pages(partitioned, tmp_path: Path) -> None:
    root, data = partitioned[:2]
    single = build_archive(archive_source(tmp_path, guide=True), data)
    assert single.warning.getvalue() == ""
    one, parts = Path(single.outdir), root / "site"
    for folder in ("reports", "provinces", "years", "topics", "metrics"):
        mine, theirs = _files(parts, folder), _files(one, folder)
        assert sorted(mine) == sorted(theirs), folder
        different = [name for name in mine if mine[name] != theirs[name]]
        assert different == [], f"{folder}: {different[:5]}"
    for page in (
        "index.html",
        "reports/index.html",
        "years/index.html",
        "topics/index.html",
        "metrics/index.html",
    ):
        assert (parts / page).read_bytes() == (one / page).read_bytes(), page
    assert (parts / "archive.json").read_bytes() == (one / "archive.json").read_bytes()
    assert (parts / "atom.xml").read_bytes() == (one / "atom.xml").read_bytes()


@pytest.mark.scale
def test_an_unchanged_build_builds_no_partition(partitioned) -> None:
    root, _data, options, *_said = partitioned
    site = root / "site"
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*.html")}
    assert build_site(options, lambda line: None) == 0
    assert {o["status"] for o in _record(root)["partitions"]} == {"skipped"}
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*.html")} == before
    # a site folder removed by hand is made again from the runs' outputs, none of them built again
    shutil.rmtree(site)
    assert build_site(options, lambda line: None) == 0
    assert {o["status"] for o in _record(root)["partitions"]} == {"skipped"}
    assert sorted(p.relative_to(site) for p in site.rglob("*.html")) == sorted(
        p.relative_to(site) for p in before
    )


@pytest.mark.scale
def test_an_edit_rebuilds_its_partition_only_and_a_deletion_leaves_nothing_behind(partitioned) -> None:
    root, data, options, *_said = partitioned
    site = root / "site"
    edited = next(data.glob("*/*/*.yaml"))
    county, kind, year = edited.parts[-3], edited.parts[-2], edited.stem
    bench_generate.append_sentence(edited, "这是一句新加的话。")
    assert build_site(options, lambda line: None) == 0
    statuses = {o["name"]: o["status"] for o in _record(root)["partitions"]}
    assert sorted(statuses.values()) == ["built", "skipped", "skipped"]
    # one partition to build: built here, no cluster started for one task
    assert [o["worker"] for o in _record(root)["partitions"] if o["status"] == "built"] == ["local"]
    assert "这是一句新加的话。" in (site / f"reports/{county}/{kind}/{year}.html").read_text(encoding="utf-8")
    # a report deleted from the data (never published: not in the lock): its page, downloads and
    # data file leave the site
    gone = next(p for p in data.glob(f"{county}/{kind}/*.yaml") if p != edited)
    gone.unlink()
    lock = data / "anchors.lock"
    page = f"reports/{county}/{kind}/{gone.stem}.html"
    lines = lock.read_text(encoding="utf-8").splitlines(keepends=True)
    lock.write_text("".join(line for line in lines if not line.startswith(page)), encoding="utf-8")
    assert build_site(options, lambda line: None) == 0
    stem = f"reports/{county}/{kind}/{gone.stem}"
    for suffix in (".html", ".bib", ".csl.json", ".json"):
        assert not (site / f"{stem}{suffix}").exists(), suffix
    assert broken_links(site) == []


@pytest.mark.scale
def test_a_locked_page_that_goes_fails_its_partition_only(tmp_path: Path, scheduler: str) -> None:
    data = generate_partitioned(tmp_path / "data")
    assert main(["lock", str(data)]) == 0
    gone = sorted(data.glob("*/*/*.yaml"))[0]
    gone.unlink()
    said: list[str] = []
    assert (
        build_site(
            partition_options(tmp_path, data, docs=partition_docs(tmp_path), workers=2, scheduler=scheduler),
            said.append,
        )
        == 1
    ), said
    broken = [line for line in said if "anchors.lock:" in line]
    page = f"reports/{gone.parts[-3]}/{gone.parts[-2]}/{gone.stem}.html"
    assert broken and all(page in line for line in broken), broken
    failed = {o["name"] for o in _record(tmp_path)["partitions"] if o["status"] == "failed"}
    assert failed == {bench_province(gone)}


def bench_province(path: Path) -> str:
    """The province slug of a generated county (from provinces.yaml and counties.yaml)."""
    import yaml

    data = path.parents[2]
    counties = yaml.safe_load((data / "counties.yaml").read_text(encoding="utf-8"))
    provinces = yaml.safe_load((data / "provinces.yaml").read_text(encoding="utf-8"))
    name = counties[path.parts[-3]]["province"]
    return next(slug for slug, p in provinces.items() if p["name"] == name)


@pytest.mark.scale
def test_a_partition_with_bad_data_fails_the_build_with_located_messages(
    tmp_path: Path, scheduler: str
) -> None:
    data = generate_partitioned(tmp_path / "data")
    broken = sorted(data.glob("*/*/*.yaml"))[-1]
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("ordinal: 1", "ordinal: 0", 1), encoding="utf-8"
    )
    said: list[str] = []
    assert (
        build_site(
            partition_options(tmp_path, data, docs=partition_docs(tmp_path), workers=2, scheduler=scheduler),
            said.append,
        )
        == 1
    )
    text = "\n".join(said)
    assert f"{broken.name}:" in text and "ordinal" in text
    assert "Traceback" not in text
    assert "the site is not updated" in text
    assert not (tmp_path / "site" / "index.html").exists()


# --- a real Dask cluster on 127.0.0.1, one worker killed ---------------------------------------------


@pytest.mark.scale
def test_a_dask_cluster_builds_the_site_though_a_worker_dies(tmp_path: Path) -> None:
    data = generate_partitioned(tmp_path / "data")
    port = free_port()
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    address = f"tcp://127.0.0.1:{port}"
    # no dashboard; the scheduler's HTTP routes on a free port, not on 8787 (a test run beside it holds it)
    scheduler = start_quietly(
        [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(port),
         "--no-dashboard", "--dashboard-address", "127.0.0.1:0"],
        env,
    )  # fmt: skip
    worker = [
        sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard"
    ]  # fmt: skip
    workers = [start_quietly([*worker, "--host", "127.0.0.1", "--name", f"w{i}"], env) for i in range(2)]
    killed: list[int] = []
    try:
        options = partition_options(tmp_path, data, docs=partition_docs(tmp_path), scheduler=address)
        runs = tmp_path / "work" / "runs"

        def kill_a_busy_worker() -> None:
            # once both workers are building a partition, kill one of them
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                building = [
                    p for p in runs.glob("*/state.json") if '"building"' in p.read_text(encoding="utf-8")
                ]
                if len(building) >= 2:
                    workers[0].send_signal(signal.SIGKILL)
                    killed.append(workers[0].pid)
                    return
                time.sleep(0.05)

        import threading

        killer = threading.Thread(target=kill_a_busy_worker)
        killer.start()
        said: list[str] = []
        status = build_site(options, said.append)
        killer.join()
        assert status == 0, "\n".join(said)
        assert killed, "a worker was killed while it built"
        record = _record(tmp_path)
        assert {o["status"] for o in record["partitions"]} == {"built"}
        # the killed worker's partition was built again, afresh, by the other worker
        assert any(o["fresh"] for o in record["partitions"]), record["partitions"]
        assert {o["worker"] for o in record["partitions"]} >= {"w1"}
        site = tmp_path / "site"
        assert broken_links(site) == []
        assert len(list(site.glob("reports/*/*/[0-9]*.html"))) == PARTITIONED_N
    finally:
        for process in [*workers, scheduler]:
            if process.poll() is None:
                process.terminate()
        for process in [*workers, scheduler]:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(tmp_path / "work", ignore_errors=True)


@pytest.mark.scale
def test_a_run_over_its_memory_limit_is_stopped_with_a_clear_message(tmp_path: Path) -> None:
    data = generate_partitioned(tmp_path / "data")
    said: list[str] = []
    options = partition_options(
        tmp_path, data, docs=partition_docs(tmp_path), workers=2, memory_limit=40 * 2**20
    )
    assert build_site(options, said.append) == 1
    text = "\n".join(said)
    assert "stopped after passing the memory limit of 40 MB" in text
    assert "Traceback" not in text


# --- the run's scope -------------------------------------------------------------------------------


def test_the_run_s_scope_is_one_value_with_named_predicates() -> None:
    from shufa.core.loading import load_archive
    from shufa.core.partitions import HUB, WHOLE_ARCHIVE, Scope

    archive = load_archive(REPO / "data").archive
    hub, part = Scope(HUB), Scope("jianglan")
    table = {
        str(s): (s.is_whole, s.is_hub, s.is_partition, s.spans_partitions, s.writes_counties)
        for s in (WHOLE_ARCHIVE, hub, part)
    }
    assert table == {
        "(whole archive)": (True, False, False, True, True),
        "hub": (False, True, False, True, False),
        "jianglan": (False, False, True, False, True),
    }
    pages = (
        "index",
        "years/2023",
        "years/2023/jianglan",
        "reports/qinghe/index",
        "reports/qinghe/shufa/2023",
    )
    assert [p for p in pages if WHOLE_ARCHIVE.owns(archive, p)] == list(pages)
    assert [p for p in pages if hub.owns(archive, p)] == ["index", "years/2023"]
    assert [p for p in pages if part.owns(archive, p)] == list(pages[2:])


def test_no_plugin_compares_partition_names() -> None:
    # which run this is, plugins ask the scope (Scope's predicates), never the option's text
    import ast

    found = []
    for path in sorted((REPO / "ext" / "shufa" / "plugins").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                names = {getattr(s, "id", getattr(s, "attr", None)) for s in ast.walk(node)}
                if {"HUB", "partition", "shufa_partition"} & names or any(
                    isinstance(s, ast.Constant) and s.value == "hub" for s in sides
                ):
                    found.append(f"{path.name}:{node.lineno}")
            if isinstance(node, ast.Attribute) and node.attr == "shufa_partition":
                found.append(f"{path.name}:{node.lineno}")
    assert found == []


# --- after a kill, a move, a rename, a merge: the next build's site is a clean build's -------------


def _built(root: Path, data: Path, **kwargs) -> Options:
    """*data* built in partitions into *root*'s own folders (its docs, site and work); its options."""
    docs = partition_docs(root)
    options = partition_options(root, data, docs=docs, workers=2, **kwargs)
    said: list[str] = []
    assert build_site(options, said.append) == 0, "\n".join(said)
    return options


def _folders(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_dir())


def _unlike_a_clean_build(site: Path, data: Path, root: Path, **kwargs) -> list[str]:
    """How *site* differs from a clean build of *data* (made in *root*): files only in one, files
    whose bytes differ, folders only in one (an empty one left behind). The mark, a random token
    of each site, aside."""
    clean = _built(root, data, **kwargs).site
    mine, theirs = _files(site), _files(clean)
    for files in (mine, theirs):
        files.pop(MARK)
    found = [f"only here: {n}" for n in sorted(set(mine) - set(theirs))]
    found += [f"missing: {n}" for n in sorted(set(theirs) - set(mine))]
    found += [f"differs: {n}" for n in sorted(set(mine) & set(theirs)) if mine[n] != theirs[n]]
    found += [f"folder only here: {f}" for f in sorted(set(_folders(site)) - set(_folders(clean)))]
    return found


def _registry(data: Path, name: str) -> dict:
    return yaml.safe_load((data / name).read_text(encoding="utf-8"))


def _write_registry(data: Path, name: str, registry: dict) -> None:
    text = yaml.safe_dump(registry, allow_unicode=True, sort_keys=False)
    (data / name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="session")
def scheduler() -> Iterator[str]:
    """A LocalCluster of two spawned workers on 127.0.0.1, kept for the session (of this xdist
    worker) and given to `shufa build` by address, as a user gives a running scheduler: the tests
    below build two or three times each, and a cluster started for each build was a sixth of its time.
    (The tests of the cluster itself, and the build that is killed, start their own.)"""
    cluster = local_cluster(2)  # the cluster a build without an address starts
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


@pytest.fixture(scope="module")
def first_build(
    tmp_path_factory: pytest.TempPathFactory, scheduler: str
) -> Callable[[], tuple[Path, Options]]:
    """The generated archive built once on the scheduler, and a way to start from it: each call
    puts a fresh copy of that first build (its data, hand-written pages, work folder and site) in
    one place, the place it was built in, and returns (data, options). `cp -a` keeps what the
    next build looks at: the files' times (Sphinx's and the publication's), and the hard links
    between the runs' outputs and the site. (Each test here built it for itself: three builds a
    test, one of them the same for all.)"""
    base = tmp_path_factory.mktemp("first-build")
    live, kept = base / "live", base / "kept"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        data = generate_partitioned(live / "data")
        options = _built(live / "a", data, scheduler=scheduler)
    subprocess.run(["cp", "-a", str(live), str(kept)], check=True)

    def start() -> tuple[Path, Options]:
        shutil.rmtree(live)  # the copy the test before worked on
        subprocess.run(["cp", "-a", str(kept), str(live)], check=True)
        return data, options

    return start


@pytest.fixture
def fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds of one date: two builds of the same data give the same bytes."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def _retitle(path: Path, prefix: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('title: "', f'title: "{prefix}', 1), encoding="utf-8")


@pytest.mark.scale
def test_a_build_killed_mid_way_then_an_edit_ends_like_a_clean_build(
    tmp_path: Path, fixed_date, scheduler: str
) -> None:
    data = generate_partitioned(tmp_path / "data")
    conf = stopping_conf(tmp_path)
    options = _built(tmp_path / "a", data, confdir=conf, scheduler=scheduler)
    first, *others = sorted(data.glob("*/*/*.yaml"))
    _retitle(first, "（修订）")
    # the edited report's partition is built, writes its files (the .bib, .json, .js, feeds and
    # latest.html with the new title, replaced under new inodes) and is killed before it ends
    # (the build that is killed starts a cluster of its own, in its own session, killed with it: the
    # others build on the session's scheduler)
    process = start_stopping(dataclasses.replace(options, scheduler=""), tmp_path / "stop")
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    # then an edit elsewhere; past the publication's one-second margin, as a person's next build is
    bench_generate.append_sentence(others[-1], "这是杀掉构建之后加的一句话。")
    time.sleep(1.1)
    said: list[str] = []
    assert build_site(options, said.append) == 0, "\n".join(said)
    stem = f"reports/{first.parts[-3]}/{first.parts[-2]}/{first.stem}"
    assert "（修订）" in (options.site / f"{stem}.bib").read_text(encoding="utf-8")
    assert (
        _unlike_a_clean_build(options.site, data, tmp_path / "clean", confdir=conf, scheduler=scheduler) == []
    )


@pytest.mark.scale
def test_a_build_failed_on_bad_data_then_fixed_ends_like_a_clean_build(
    tmp_path: Path, fixed_date, scheduler: str, first_build
) -> None:
    data, options = first_build()
    first, second = sorted(data.glob("*/*/*.yaml"))[:2]  # two reports of one county: one partition
    _retitle(first, "（修订）")
    good = second.read_text(encoding="utf-8")
    second.write_text(good.replace("ordinal: 1", "ordinal: 0", 1), encoding="utf-8")
    said: list[str] = []
    assert build_site(options, said.append) == 1, "\n".join(said)  # its files written, the site not updated
    second.write_text(good, encoding="utf-8")
    time.sleep(1.1)  # past the publication's one-second margin
    assert build_site(options, said.append) == 0, "\n".join(said)
    assert _unlike_a_clean_build(options.site, data, tmp_path / "clean", scheduler=scheduler) == []


@pytest.mark.scale
def test_a_county_moved_to_another_province_ends_like_a_clean_build(
    tmp_path: Path, fixed_date, scheduler: str, first_build
) -> None:
    data, options = first_build()
    provinces = _registry(data, "provinces.yaml")
    counties = _registry(data, "counties.yaml")
    # from the province merged last into the search index to the one merged first
    first, last = min(provinces), max(provinces)
    county = next(slug for slug, c in counties.items() if c["province"] == provinces[last]["name"])
    counties[county]["province"] = provinces[first]["name"]
    _write_registry(data, "counties.yaml", counties)
    said: list[str] = []
    assert build_site(options, said.append) == 0, "\n".join(said)
    assert (options.site / f"_static/search/t/reports/{county}/index.js").is_file(), "its search snippets"
    assert _unlike_a_clean_build(options.site, data, tmp_path / "clean", scheduler=scheduler) == []


@pytest.mark.scale
def test_a_renamed_province_ends_like_a_clean_build(
    tmp_path: Path, fixed_date, scheduler: str, first_build
) -> None:
    data, options = first_build()
    provinces = _registry(data, "provinces.yaml")
    old = min(provinces)
    renamed = {("zhenan" if slug == old else slug): p for slug, p in provinces.items()}
    _write_registry(data, "provinces.yaml", renamed)
    said: list[str] = []
    assert build_site(options, said.append) == 0, "\n".join(said)
    assert not (options.site / "inventories" / old).exists()
    assert not list(options.site.rglob(f"*{old}*")), "nothing of the old slug is left"
    assert _unlike_a_clean_build(options.site, data, tmp_path / "clean", scheduler=scheduler) == []


@pytest.mark.scale
def test_two_archives_built_at_once_on_one_scheduler_each_get_their_own_pages(
    tmp_path: Path, fixed_date, scheduler: str
) -> None:
    """Two archives whose partitions have the same names, built at the same time on one scheduler
    (`shufa build --scheduler`, as two departments sharing a cluster would): each site is built
    from its own data. (With one key per partition name, the second build was handed the first
    one's task.)"""
    builds = []
    for name in ("a", "b"):
        # three provinces of one report each: the same three partition names in both archives
        data = tmp_path / name / "data"
        bench_generate.generate(data, 3, seed=3, kinds=1, years=1, per_province=1)
        if name == "b":
            for report in data.glob("*/*/*.yaml"):
                _retitle(report, "（乙）")
        docs = partition_docs(tmp_path / name)
        options = partition_options(tmp_path / name, data, docs=docs, workers=2, scheduler=scheduler)
        process = subprocess.Popen(
            build_command(options), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        builds.append((name, options, process))
    for name, options, process in builds:
        out, _ = process.communicate(timeout=300)
        assert process.returncode == 0, out
        pages = sorted(options.site.glob("reports/*/*/[0-9]*.html"))
        assert len(pages) == 3, (name, out)
        marked = [p for p in pages if "（乙）" in p.read_text(encoding="utf-8")]
        assert marked == (pages if name == "b" else []), (name, out)


@pytest.mark.scale
def test_two_merged_provinces_end_like_a_clean_build(
    tmp_path: Path, fixed_date, scheduler: str, first_build
) -> None:
    data, options = first_build()
    provinces = _registry(data, "provinces.yaml")
    counties = _registry(data, "counties.yaml")
    gone, kept = sorted(provinces)[:2]
    for county in counties.values():
        if county["province"] == provinces[gone]["name"]:
            county["province"] = provinces[kept]["name"]
    del provinces[gone]
    _write_registry(data, "counties.yaml", counties)
    _write_registry(data, "provinces.yaml", provinces)
    said: list[str] = []
    assert build_site(options, said.append) == 0, "\n".join(said)
    assert [o["name"] for o in _record(options.workdir.parent)["partitions"]].count(gone) == 0
    assert not list(options.site.rglob(f"*{gone}*")), "nothing of the merged province's slug is left"
    assert _unlike_a_clean_build(options.site, data, tmp_path / "clean", scheduler=scheduler) == []
