"""Hostile inputs for the importer and the kept originals (issue 24, items 2–4 and 8; issue 21, item 5).

Nothing published runs: a saved page full of scripts, handlers, ``javascript:`` links and a meta
refresh is imported, built and opened in chromium — every published original and view —
without a dialog, a script or a navigation. Nothing is read or written through a symbolic
link. Nothing is lost without a word: the text after an ``<embed>`` or a paragraph nested 300
deep is kept, NUL bytes and hidden PDF text are listed, the kept original is the bytes that
were read. Every refusal names the file and says what to do.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from test_import_fixtures import FIXTURES

from conftest import archive_source, build_archive, copy_data, run_sphinx, serve, warnings_of
from shufa.commands import main
from shufa.core.yamlfile import read_yaml

WEB = FIXTURES / "web"
REGISTRY = FIXTURES / "data"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A data folder with the registries only, in its own repository (tmp_path/repo)."""
    target = tmp_path / "repo" / "data"
    shutil.copytree(REGISTRY, target)
    return target


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["import", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def files_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def chengxi_page() -> str:
    """The fixture portal page of 澄溪县's 2022 report, as text (it is saved in GBK)."""
    return (WEB / "chengxi-shufa-2022-gbk.html").read_bytes().decode("gb18030")


# --- A: nothing of an original runs on the site ---------------------------------------------------

HOSTILE = """\
<meta http-equiv="refresh" content="0; url=https://evil.example.invalid/moved">
<script>window.__ran = (window.__ran || 0) + 1; alert(document.domain);</script>
<script src="https://evil.example.invalid/x.js"></script>
<base href="https://evil.example.invalid/">
<link rel="stylesheet" href="https://evil.example.invalid/x.css">
</head>
<body onload="window.__ran = 1; alert('onload')">
<img src="x:broken" onerror="window.__ran = 1; alert('onerror')">
<svg><script>window.__ran = 1; alert('svg')</script></svg>
<iframe srcdoc="&lt;script&gt;parent.__ran = 1; alert('iframe')&lt;/script&gt;"></iframe>
<p><a id="js" href="javascript:window.__ran=1;alert('link')">点击查看附件</a></p>
"""


def hostile_page() -> bytes:
    """澄溪县's report page saved with everything that could run: scripts, handlers,
    ``javascript:`` links, a meta refresh, a base URL, an iframe."""
    page = chengxi_page().replace('charset=gb2312">', 'charset=utf-8">')
    page = page.replace("</head>\n<body>", HOSTILE, 1)
    page = page.replace(
        "根据县人大常委会年度工作安排，",
        '根据县人大常委会<b onmouseover="alert(5)">年度</b>工作安排，<script>alert(6)</script>',
    )
    assert page.count("alert(") >= 8
    return page.encode("utf-8")


def import_and_build(tmp_path: Path, capsys, source: Path, **overrides):
    data = copy_data(tmp_path / "repo")
    code, _, err = run(capsys, str(source), "--data-dir", str(data))
    assert code == 0, err
    app = build_archive(archive_source(tmp_path), data, **overrides)
    return data, app


@pytest.mark.browser
def test_a_hostile_saved_page_runs_nothing_where_it_is_published(tmp_path, capsys, browser):
    source = tmp_path / "澄溪县县长2022年度述法报告.html"
    source.write_bytes(hostile_page())
    _, app = import_and_build(tmp_path, capsys, source)
    assert warnings_of(app) == ""
    site = Path(app.outdir)
    folder = site / "reports/chengxi/shufa"
    published = {p.name for p in folder.iterdir() if ".original" in p.name or ".source" in p.name}
    assert published == {"2022.original.html.txt", "2022.source.html"}
    assert (folder / "2022.original.html.txt").read_bytes() == source.read_bytes()
    for name in ("2022.original.html.txt", "2022.source.html"):
        assert (folder / name).stat().st_mode & 0o777 == 0o644
    view = (folder / "2022.source.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(view, "html.parser")
    # ours, not the page's: no script, no handler, no refresh, no javascript: link, nothing loaded
    assert soup.find_all(["script", "iframe", "img", "svg", "base", "link", "embed", "object"]) == []
    assert soup.select('meta[http-equiv="refresh"]') == []
    assert not any(attr.startswith("on") for tag in soup.find_all(True) for attr in tag.attrs)
    assert [a["href"] for a in soup.find_all("a")] == ["2022.html", "2022.original.html.txt"]
    assert "根据县人大常委会年度工作安排" in soup.pre.get_text()

    dialogs: list[str] = []
    outside: list[str] = []
    with serve(site) as url:
        context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 800})
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on(
            "request", lambda request: None if request.url.startswith(url) else outside.append(request.url)
        )
        try:
            # the reader's way: the report page, then its 原文 link
            page.goto(f"{url}/reports/chengxi/shufa/2022.html")
            page.click("p.report-original a:not([download])")
            page.wait_for_load_state()
            assert page.url == f"{url}/reports/chengxi/shufa/2022.source.html"
            assert "根据县人大常委会年度工作安排" in page.inner_text("pre")
            # it reads on a phone: nothing wider than the screen
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            # every published file of the original, opened directly
            for name in ("2022.source.html", "2022.original.html.txt"):
                page.goto(f"{url}/reports/chengxi/shufa/{name}")
                page.wait_for_timeout(700)  # a meta refresh of 0 s would have left by now
                assert page.url == f"{url}/reports/chengxi/shufa/{name}"
                assert page.evaluate(
                    "window.__ran === undefined && document.querySelectorAll('script').length === 0"
                )
            assert page.evaluate("document.contentType") == "text/plain"
            # the download link saves the file; it opens nothing
            page.goto(f"{url}/reports/chengxi/shufa/2022.html")
            with page.expect_download() as saved:
                page.click("p.report-original a[download]")
            assert Path(saved.value.path()).read_bytes() == source.read_bytes()
        finally:
            context.close()
    assert dialogs == []
    assert outside == []


@pytest.mark.browser
def test_a_gbk_text_original_reads_in_chromium_without_mojibake(tmp_path, capsys, browser):
    old = os.umask(0o022)  # the usual umask
    try:
        source = tmp_path / "青禾县2020年述法报告.txt"
        source.write_bytes((FIXTURES / "qinghe-shufa-2020.txt").read_text(encoding="utf-8").encode("gb18030"))
        data, app = import_and_build(tmp_path, capsys, source)
    finally:
        os.umask(old)
    kept = data.parent / "sources/qinghe/shufa/2020.txt"
    assert kept.stat().st_mode & 0o777 == 0o644  # a web server running as another user reads it
    site = Path(app.outdir)
    with serve(site) as url:
        page = browser.new_page()
        try:
            page.goto(f"{url}/reports/qinghe/shufa/2020.source.html")
            shown = page.inner_text("pre")
        finally:
            page.close()
    first = (FIXTURES / "qinghe-shufa-2020.txt").read_text(encoding="utf-8").split("\n")
    assert all(line.strip() in shown for line in first if line.strip())


# --- B: never through a symbolic link --------------------------------------------------------------


def imported_2020(tmp_path: Path, capsys) -> Path:
    """A copy of data/ with 青禾县's 2020 report imported (its original kept), locked."""
    data = copy_data(tmp_path / "repo")
    assert run(capsys, str(FIXTURES / "qinghe-shufa-2020.txt"), "--data-dir", str(data))[0] == 0
    assert main(["lock", str(data)]) == 0
    capsys.readouterr()
    return data


@pytest.mark.parametrize("where", ["outside", "inside", "folder"])
def test_a_kept_original_reached_through_a_link_is_a_problem_and_never_published(
    where, tmp_path, capsys, monkeypatch
):
    data = imported_2020(tmp_path, capsys)
    repo = data.parent
    kept = repo / "sources/qinghe/shufa/2020.txt"
    secret = kept.read_bytes()  # the same bytes: the checksum alone would let it through
    if where == "outside":
        target = tmp_path / "elsewhere" / "passwd"
        target.parent.mkdir()
        target.write_bytes(secret)
        kept.unlink()
        kept.symlink_to(target)
        link = "sources/qinghe/shufa/2020.txt"
    elif where == "inside":
        target = repo / "notes" / "private.txt"
        target.parent.mkdir()
        target.write_bytes(secret)
        kept.unlink()
        kept.symlink_to(target)
        link = "sources/qinghe/shufa/2020.txt"
    else:
        moved = tmp_path / "elsewhere" / "qinghe"
        shutil.move(repo / "sources/qinghe", moved)
        (repo / "sources/qinghe").symlink_to(moved)
        link = "sources/qinghe"
    monkeypatch.chdir(repo)
    assert main(["check", "data"]) == 1
    out = capsys.readouterr().out
    lines = (data / "qinghe/shufa/2020.yaml").read_text(encoding="utf-8").splitlines()
    path_line = next(n for n, line in enumerate(lines, 1) if line.startswith("    path: "))
    located = f"data/qinghe/shufa/2020.yaml:{path_line}:11: source.original.path: "
    assert located in out and "symbolic link" in out and link in out, out
    # no build publishes it: lenient or strict (-W, which fails only at the end)
    for strict in (False, True):
        src = archive_source(tmp_path / f"build-{strict}")
        app = run_sphinx(src, confoverrides={"shufa_data_dir": str(data)}, warningiserror=strict)
        site = Path(app.outdir)
        assert "symbolic link" in warnings_of(app)
        assert [p for p in site.rglob("*") if p.is_file() and p.read_bytes() == secret] == []
        assert not list((site / "reports/qinghe/shufa").glob("2020.original*"))
        assert not (site / "reports/qinghe/shufa/2020.source.html").exists()
        page = (site / "reports/qinghe/shufa/2020.html").read_text(encoding="utf-8")
        assert "report-original" not in page  # nothing linked that is not there


def test_an_original_is_never_written_through_a_linked_folder(tmp_path, data, capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    (data.parent / "sources").mkdir()
    (data.parent / "sources" / "qinghe").symlink_to(outside)
    code, _, err = run(capsys, str(FIXTURES / "qinghe-shufa-2020.txt"), "--data-dir", str(data))
    assert code == 1
    assert "cannot keep the original at" in err and "sources/qinghe is a symbolic link" in err, err
    assert files_in(outside) == []
    assert not (data / "qinghe").exists()  # no data file without its original


@pytest.mark.parametrize("force", [False, True])
def test_a_folder_where_the_original_goes_is_refused_and_left_alone(force, tmp_path, data, capsys):
    folder = data.parent / "sources/qinghe/shufa/2020.txt"
    (folder / "notes").mkdir(parents=True)
    (folder / "notes" / "keep.md").write_text("mine", encoding="utf-8")
    before = files_in(data.parent / "sources")
    args = [str(FIXTURES / "qinghe-shufa-2020.txt"), "--data-dir", str(data)] + (["--force"] if force else [])
    code, _, err = run(capsys, *args)
    assert code == 1
    assert "sources/qinghe/shufa/2020.txt is a folder; expected the place of the kept original" in err, err
    assert "unexpected error" not in err
    assert files_in(data.parent / "sources") == before  # no .old, no .tmp, the folder as it was
    assert (folder / "notes" / "keep.md").read_text(encoding="utf-8") == "mine"
    assert not (data / "qinghe").exists()


def test_the_kept_original_is_the_bytes_that_were_read(tmp_path, data, capsys, monkeypatch):
    # the file changes after the importer read it (a download still being written, an editor):
    # the kept original and its checksum are those of the text imported
    source = tmp_path / "青禾县2020年述法报告.txt"
    text = (FIXTURES / "qinghe-shufa-2020.txt").read_bytes()
    source.write_bytes(text)
    from shufa.importing import pipeline

    real = pipeline.read_source

    def read_then_change(path):
        read = real(path)
        Path(path).write_bytes(text.replace("年".encode(), "季".encode()))
        return read

    monkeypatch.setattr(pipeline, "read_source", read_then_change)
    code, _, err = run(capsys, str(source), "--data-dir", str(data))
    assert code == 0, err
    kept = data.parent / "sources/qinghe/shufa/2020.txt"
    record = read_yaml(data / "qinghe/shufa/2020.yaml").value["source"]["original"]
    assert kept.read_bytes() == text
    assert record["sha256"] == hashlib.sha256(text).hexdigest()
