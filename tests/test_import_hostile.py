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

from conftest import (
    IMPORT_FIXTURES,
    archive_source,
    build_archive,
    copy_data,
    files_in,
    import_data,
    run_import,
    run_sphinx,
    serve,
    warnings_of,
)
from shufa.commands import main
from shufa.core.yamlfile import read_yaml

WEB = IMPORT_FIXTURES / "web"
SHUFA_2020 = IMPORT_FIXTURES / "qinghe-shufa-2020.txt"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A data folder with the registries only, in its own repository (tmp_path/repo)."""
    return import_data(tmp_path / "repo")


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
    code, _, err = run_import(capsys, str(source), "--data-dir", str(data))
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
        source.write_bytes((SHUFA_2020).read_text(encoding="utf-8").encode("gb18030"))
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
    first = (SHUFA_2020).read_text(encoding="utf-8").split("\n")
    assert all(line.strip() in shown for line in first if line.strip())


# --- B: never through a symbolic link --------------------------------------------------------------


def imported_2020(tmp_path: Path, capsys) -> Path:
    """A copy of data/ with 青禾县's 2020 report imported (its original kept), locked."""
    data = copy_data(tmp_path / "repo")
    assert run_import(capsys, str(SHUFA_2020), "--data-dir", str(data))[0] == 0
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
    code, _, err = run_import(capsys, str(SHUFA_2020), "--data-dir", str(data))
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
    args = [str(SHUFA_2020), "--data-dir", str(data)] + (["--force"] if force else [])
    code, _, err = run_import(capsys, *args)
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
    text = (SHUFA_2020).read_bytes()
    source.write_bytes(text)
    from shufa.importing import pipeline

    real = pipeline.read_source

    def read_then_change(path):
        read = real(path)
        Path(path).write_bytes(text.replace("年".encode(), "季".encode()))
        return read

    monkeypatch.setattr(pipeline, "read_source", read_then_change)
    code, _, err = run_import(capsys, str(source), "--data-dir", str(data))
    assert code == 0, err
    kept = data.parent / "sources/qinghe/shufa/2020.txt"
    record = read_yaml(data / "qinghe/shufa/2020.yaml").value["source"]["original"]
    assert kept.read_bytes() == text
    assert record["sha256"] == hashlib.sha256(text).hexdigest()


# --- C: no text lost without a word ----------------------------------------------------------------

PORTAL = (WEB / "qinghe-fzzf-2023.html").read_text(encoding="utf-8")
BEFORE_S2 = '<p style="text-indent:2em"><strong>二、依法化解矛盾纠纷'
#: Sentences of the portal page after the second section's heading: all must reach the data.
AFTER = ["依法化解矛盾纠纷", "调解成功率98.1%", "法制审核人员不足", "推进公共法律服务体系向村（社区）延伸"]


def imported_text(tmp_path: Path, capsys, name: str, page: str | bytes) -> tuple[str, str]:
    """(the data file's text, what the import printed) for the saved page *page*."""
    data = tmp_path / "repo" / "data"
    if not data.exists():
        import_data(tmp_path / "repo")
    source = tmp_path / name
    source.write_bytes(page if isinstance(page, bytes) else page.encode("utf-8"))
    code, out, err = run_import(
        capsys, str(source), "--data-dir", str(data), "-o", str(tmp_path / "out.yaml")
    )
    assert code == 0, err
    return (tmp_path / "out.yaml").read_text(encoding="utf-8"), out + err


@pytest.mark.parametrize("tag", ["embed", "source", "track", "wbr", "keygen"])
@pytest.mark.parametrize("where", ["between", "inside", "after-each"])
def test_a_void_element_never_swallows_what_follows(tag, where, tmp_path, capsys):
    if where == "after-each":  # each nests the rest of the page: the article is found in the wrong place
        page = PORTAL.replace("</p>\n    <p", f"</p><{tag}>\n    <p")
    elif where == "between":
        page = PORTAL.replace(BEFORE_S2, f'<{tag} src="movie.swf">' + BEFORE_S2)
    else:  # inside a paragraph, as a word break or a player would be
        page = PORTAL.replace("全县人民调解组织", f"全县人民<{tag}>调解组织")
    text, _ = imported_text(tmp_path, capsys, f"{tag}.html", page)
    for sentence in [*AFTER, "主任、各位副主任，各位委员："]:
        assert sentence in text, (tag, sentence)
    assert "全县人民调解组织调解矛盾纠纷2140件" in text


def test_a_paragraph_nested_300_deep_loses_nothing(tmp_path, capsys):
    deep = "<div>" * 300 + "<p>深处还有一段文字，记录了全年培训执法人员五百人次。</p>" + "</div>" * 300
    text, _ = imported_text(tmp_path, capsys, "deep.html", PORTAL.replace(BEFORE_S2, deep + BEFORE_S2))
    assert "深处还有一段文字" in text
    for sentence in AFTER:
        assert sentence in text


def test_a_page_nested_100000_deep_is_refused_for_what_it_is(tmp_path, data, capsys):
    source = tmp_path / "deep.html"
    source.write_text(
        PORTAL.replace(BEFORE_S2, "<div>" * 100_000 + "<p>深处</p>" + "</div>" * 100_000 + BEFORE_S2),
        encoding="utf-8",
    )
    code, _, err = run_import(capsys, str(source), "--data-dir", str(data))
    assert code == 1
    assert f"{source}: line 37: elements nested more than 2048 levels deep" in err, err
    assert "no recognisable structure" not in err
    assert files_in(data) == ["counties.yaml", "kinds.yaml", "topics.yaml"]


def test_nul_bytes_in_a_page_are_listed_not_replaced(tmp_path, capsys):
    page = PORTAL.replace("全县人民调解组织", "全县人民\x00调解组织").replace("免罚136次", "免罚\x00136次")
    text, printed = imported_text(tmp_path, capsys, "nul.html", page)
    assert "\ufffd" not in text and "全县人民调解组织" in text and "免罚136次" in text
    assert "note: 2 NUL byte(s) removed from the page, in paragraph(s) 18, 20" in printed, printed


def test_a_nul_byte_in_a_text_file_is_refused_with_its_line(tmp_path, data, capsys):
    raw = (SHUFA_2020).read_bytes()
    at = raw.index("会前学法".encode())
    source = tmp_path / "nul.txt"
    source.write_bytes(raw[:at] + b"\x00" + raw[at:])
    code, _, err = run_import(capsys, str(source), "--data-dir", str(data))
    line = raw[:at].count(b"\n") + 1
    assert code == 1 and f"{source}: line {line}: a NUL byte (1 in all)" in err, err


REPORT = [
    "县人大常委会：",
    "现将本人2019年度履行推进法治建设第一责任人职责情况报告如下，请予审议。",
    "一、带头尊法学法",
    "一是坚持会前学法，全年学法12次。",
    "二、推进严格规范公正文明执法",
    "一是评查执法案卷300卷。",
    "青禾县人民政府县长　林**",
    "2020年2月1日",
]


def test_hidden_pdf_text_is_removed_and_listed(tmp_path, capsys):
    from pdf_files import Line, pdf_bytes, report_pages

    hidden = [
        Line("内部资料", x=430, y=780, size=16, fill=1),  # white, on the title's line
        Line("关键词堆砌", x=400, y=636, size=14, fill=1),  # white, on an item's line
        Line("另有说明", x=300, y=500, size=0.1),  # 0.1 pt
        Line("页外文字", x=-400, y=600, size=14),  # left of the page
        Line("页上文字", x=100, y=900, size=14),  # above it
        Line("另附签名", x=72, y=-40, size=14),  # below it
    ]
    pages = report_pages("青禾县县长2019年度述法报告", REPORT, extra={0: hidden})
    text, printed = imported_text(tmp_path, capsys, "青禾县2019.pdf", pdf_bytes(pages))
    for line in hidden:
        assert line.text not in text, line.text
    assert 'title: "青禾县县长2019年度述法报告"' in text and 'text: "坚持会前学法，全年学法12次。"' in text
    assert "林**" in text
    for kind, words in [
        ("hidden text (white)", "内部资料"),
        ("hidden text (white)", "关键词堆砌"),
        ("hidden text (0.1 pt)", "另有说明"),
        ("hidden text (outside the page)", "页外文字"),
        ("hidden text (outside the page)", "页上文字"),
        ("hidden text (outside the page)", "另附签名"),
    ]:
        assert f"page 1: {kind} “{words}”" in printed, (kind, printed)


def test_white_text_on_a_dark_box_is_text(tmp_path, capsys):
    from pdf_files import Line, Page, pdf_bytes, report_pages

    pages = report_pages("青禾县县长2019年度述法报告", REPORT)
    pages[0].before = b"0.6 0 0 rg 60 620 400 30 re f"  # a red banner under the item's line
    pages[0].lines[5] = Line(REPORT[4], x=72, y=636, size=14, fill=1)
    assert isinstance(pages[0], Page)
    text, printed = imported_text(tmp_path, capsys, "banner.pdf", pdf_bytes(pages))
    assert "推进严格规范公正文明执法" in text and "hidden text" not in printed


# --- D: hostile encodings, PDFs and names ----------------------------------------------------------


def test_a_page_declaring_punycode_is_not_decoded_with_it(tmp_path, capsys):
    import time

    # all ASCII (the text as character references), ending in 2 MB of what punycode reads as
    # code points to insert: Python's punycode codec takes minutes on it (quadratic)
    page = PORTAL.replace('<meta charset="utf-8">', '<meta charset="punycode">')
    page = page.encode("ascii", "xmlcharrefreplace").decode("ascii") + "\n<!-" + "ba" * 1_000_000
    start = time.perf_counter()
    text, printed = imported_text(tmp_path, capsys, "puny.html", page)
    assert time.perf_counter() - start < 20
    assert "the page declares “punycode”, which is no encoding of the web, so it was not used" in printed
    assert "推进公共法律服务体系向村（社区）延伸" in text


@pytest.mark.parametrize("label", ["ISO-8859-1", "latin1", "windows-1252", "us-ascii"])
def test_a_page_declaring_latin_1_that_is_utf8_imports_right(label, tmp_path, capsys):
    page = PORTAL.replace('<meta charset="utf-8">', f'<meta charset="{label}">')
    text, printed = imported_text(tmp_path, capsys, "latin.html", page)
    assert f"the page declares {label.upper()}, but its bytes are UTF-8" in printed, printed
    for sentence in AFTER:
        assert sentence in text


def test_an_encrypted_pdf_says_so(tmp_path, data, capsys):
    from pdf_files import pdf_bytes, report_pages

    source = tmp_path / "locked.pdf"
    source.write_bytes(pdf_bytes(report_pages("青禾县县长2019年度述法报告", REPORT), password="s3cret"))
    code, _, err = run_import(capsys, str(source), "--data-dir", str(data))
    assert code == 1
    assert err == (
        f"import failed: {source}: encrypted PDF: it asks for a password to be opened; remove the password "
        "(open it with the password and print or save it as a new PDF without one) and import that copy, "
        "or import the Word original (nothing written)\n"
    )


@pytest.mark.parametrize("shape", ["one-stream", "shared-by-300-pages", "form-drawn-often"])
def test_a_pdf_bomb_is_refused_in_bounded_time_and_memory(shape, tmp_path, data, capsys):
    import resource
    import time

    from pdf_files import flate_of_size, pdf_bytes

    if shape == "one-stream":  # 256 MiB of drawing in a file of 250 KB
        raw = pdf_bytes(contents=[flate_of_size(256 << 20)], packed=True)
        expected = "a compressed stream inflates to more than 64 MB"
    elif shape == "shared-by-300-pages":  # 300 pages drawing one 4 MiB stream
        raw = pdf_bytes(shared=flate_of_size(4 << 20), count=300, packed=True)
        expected = "page 3: the pages so far draw more than 8 MB of instructions"
    else:  # one page drawing a 64 KiB form 10,000 times
        raw = pdf_bytes(contents=[b"/Fm1 Do\n" * 10_000], form=flate_of_size(64 << 10))
        expected = "page 1: the pages so far draw more than 8 MB of instructions"
    source = tmp_path / "bomb.pdf"
    source.write_bytes(raw)
    assert len(raw) < 1 << 20
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    code, _, err = run_import(capsys, str(source), "--data-dir", str(data))
    took = time.perf_counter() - start
    grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert code == 1 and expected in err, err
    assert took < 20, took
    assert grew < 200 * 1024, f"peak memory grew by {grew} KB"  # ru_maxrss is in KB on Linux


def test_a_file_name_with_control_characters_is_escaped_everywhere(tmp_path, data, capsys):
    source = tmp_path / "青禾\x1b[31m县\x07.html"
    source.write_text(PORTAL, encoding="utf-8")
    code, out, err = run_import(capsys, str(source), "--data-dir", str(data))
    assert code == 0, err
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "青禾\\x1b[31m县\\x07.html" in out
    record = read_yaml(data / "qinghe/fzzf/2023.yaml").value["source"]["original"]
    assert record["name"] == "青禾\\x1b[31m县\\x07.html"
    # a refusal names it escaped too, and is no internal error
    broken = tmp_path / "坏\x1b]0;标题\x07.pdf"
    broken.write_bytes(b"%PDF-1.4\n")
    code, out, err = run_import(capsys, str(broken), "--data-dir", str(data))
    assert code == 1 and "\x1b" not in out + err and "坏\\x1b]0;标题\\x07.pdf" in err, err
    assert "internal error" not in err and "unexpected error" not in err
