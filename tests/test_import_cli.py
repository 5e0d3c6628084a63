"""`shufa import` as users run it: encodings, bad input, overwriting, atomic writes, several files."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest

from conftest import IMPORT_FIXTURES, files_in, only_citation_warnings, run_import
from shufa.commands import main
from shufa.core.yamlfile import read_yaml
from shufa.importing import pipeline, writing
from shufa.importing.progress import Progress, format_table, width

REPO_DATA = Path(__file__).resolve().parents[1] / "data"
SHUFA_2020 = IMPORT_FIXTURES / "qinghe-shufa-2020.txt"


def imported(data: Path, name: str) -> dict:
    return read_yaml(data / name).value


# --- encodings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "prefix", "shown"),
    [
        ("gbk", b"", "GB18030"),  # GBK is a subset of GB18030
        ("gb18030", b"", "GB18030"),
        ("utf-8", b"\xef\xbb\xbf", "UTF-8 (BOM)"),
        ("utf-16", b"", "UTF-16 (BOM)"),  # Python writes the byte-order mark
        ("utf-16-be", b"\xfe\xff", "UTF-16 (BOM)"),
        ("utf-16-le", b"", "UTF-16LE"),  # no BOM: found by what it decodes to
    ],
)
def test_encodings_give_the_same_data_file(encoding, prefix, shown, tmp_path, data, capsys):
    text = SHUFA_2020.read_text(encoding="utf-8")
    source = tmp_path / f"report-{encoding}.txt"
    source.write_bytes(prefix + text.encode(encoding))
    # the same file's time: source.retrieved is the day of the file's time (a checkout made
    # yesterday would differ from a file written today)
    shutil.copystat(SHUFA_2020, source)
    reference = tmp_path / "reference.yaml"
    assert main(["import", str(SHUFA_2020), "--data-dir", str(data), "-o", str(reference)]) == 0
    capsys.readouterr()
    out_file = tmp_path / "out.yaml"
    code, out, _ = run_import(capsys, str(source), "--data-dir", str(data), "-o", str(out_file))
    assert code == 0
    assert f"read as: plain text, {shown}" in out
    assert out_file.read_text(encoding="utf-8") == reference.read_text(encoding="utf-8")


def test_a_gbk_file_with_chrome_is_imported_into_the_data_folder(tmp_path, data, capsys):
    source = tmp_path / "portal-copy.txt"
    source.write_bytes((IMPORT_FIXTURES / "qinghe-shufa-2019.txt").read_text(encoding="utf-8").encode("gbk"))
    code, out, _ = run_import(capsys, str(source), "--data-dir", str(data))
    assert code == 0
    assert "GB" in out.splitlines()[1]
    doc = imported(data, "qinghe/shufa/2019.yaml")
    assert doc["year"] == 2019  # the year reported on, not the year published (2020)
    assert doc["date"] == {"published": "2020-02-14"}
    assert doc["sections"][0]["items"][0]["marker"] == "第一，"


@pytest.mark.parametrize(
    "payload",
    [
        "Été à la plage, très agréable; café crème à côté du marché.".encode("cp1252"),
        "日本語の文章です。ひらがなとカタカナが多いので、中国語ではありません。".encode("shift_jis"),
    ],
)
def test_an_encoding_that_cannot_be_told_is_refused_not_guessed(payload, tmp_path, data, capsys):
    source = tmp_path / "unknown.txt"
    source.write_bytes(payload)
    code, _, err = run_import(capsys, str(source), "--data-dir", str(data))
    assert code == 1
    assert "cannot tell the encoding" in err and "convert the file to UTF-8" in err
    assert files_in(data) == ["counties.yaml", "kinds.yaml", "topics.yaml"]


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "payload", "message"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b" \r\n\t\n", "empty file"),
        ("bom-only.txt", b"\xef\xbb\xbf\n", "empty file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG image"),
        ("noise.txt", bytes(range(256)) * 8, "binary file"),
        ("archive.txt", b"PK\x03\x04" + b"\x00" * 64, "ZIP archive"),
        (
            "prose.txt",
            "这是一段没有编号的文字。它讲了一件事，然后又讲了另一件事。\n第二段也没有编号。".encode(),
            "no recognisable structure",
        ),
        ("chrome-only.txt", "首页 > 政务公开\n打印本页 关闭窗口\n".encode(), "nothing left"),
        ("report.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 64, "save it as .docx"),
        ("report.pdf", b"%PDF-1.4", "PDF"),
        ("broken.docx", b"not a zip file at all", "not a Word .docx file"),
        ("bad.docx", b"PK\x03\x04" + b"\x00" * 64, "not a"),
    ],
)
def test_bad_input_gets_a_clear_message_and_nothing_is_written(
    name, payload, message, tmp_path, data, capsys
):
    source = tmp_path / name
    source.write_bytes(payload)
    code, _, err = run_import(capsys, str(source), "--data-dir", str(data))
    assert code == 1
    assert message in err
    assert "nothing written" in err
    assert files_in(data) == ["counties.yaml", "kinds.yaml", "topics.yaml"]


def test_a_missing_source_or_a_folder_is_reported(tmp_path, data, capsys):
    code, _, err = run_import(capsys, str(tmp_path / "nowhere.txt"), "--data-dir", str(data))
    assert code == 1 and "no such file" in err
    empty = tmp_path / "empty-folder"
    empty.mkdir()
    code, _, err = run_import(capsys, str(empty), "--data-dir", str(data))
    assert code == 1 and f"no .txt, .docx, .html or .pdf file found in {empty}" in err


def test_a_missing_or_broken_data_folder_is_reported(tmp_path, data, capsys):
    code, _, err = run_import(capsys, str(SHUFA_2020), "--data-dir", str(tmp_path / "nodata"))
    assert code == 1 and "data folder not found" in err
    (data / "topics.yaml").write_text("leadership: [unclosed\n", encoding="utf-8")
    code, _, err = run_import(capsys, str(SHUFA_2020), "--data-dir", str(data))
    assert code == 1 and "topics.yaml" in err and "YAML" in err


def test_given_county_kind_and_year_must_be_registered(data, capsys):
    for args, message in (
        (["--county", "nowhere"], "county `nowhere` is not in counties.yaml"),
        (["--kind", "gzbg"], "report kind `gzbg` is not in kinds.yaml"),
        (["--year", "1800"], "out of range"),
    ):
        code, _, err = run_import(capsys, str(SHUFA_2020), "--data-dir", str(data), *args)
        assert code == 1 and message in err
    assert files_in(data) == ["counties.yaml", "kinds.yaml", "topics.yaml"]


def test_given_kind_and_year_win_over_detection(data, capsys):
    code, out, _ = run_import(
        capsys, str(SHUFA_2020), "--data-dir", str(data), "--kind", "fzzf", "--year", "2021"
    )
    assert code == 0
    assert "kind: fzzf (given (--kind)); year: 2021 (given (--year))" in out
    assert imported(data, "qinghe/fzzf/2021.yaml")["year"] == 2021


# --- writing --------------------------------------------------------------------------------


def test_an_existing_file_is_never_overwritten_without_force(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(REPO_DATA, data)
    source = tmp_path / "qinghe-2023.txt"
    text = SHUFA_2020.read_text(encoding="utf-8").replace("2020年度", "2023年度")
    source.write_text(text, encoding="utf-8")
    target = data / "qinghe" / "shufa" / "2023.yaml"
    before = target.read_bytes()
    stamp = target.stat().st_mtime_ns
    code, _, err = run_import(capsys, str(source), "--data-dir", str(data))
    assert code == 1
    assert "exists; not overwritten (pass --force to replace it)" in err
    assert target.read_bytes() == before and target.stat().st_mtime_ns == stamp
    assert not list(target.parent.glob(".*"))
    code, out, _ = run_import(capsys, str(source), "--data-dir", str(data), "--force")
    assert code == 0 and "imported" in out
    assert target.read_bytes() != before
    assert read_yaml(target).value["title"] == "青禾县县长2023年度述法报告"
    # the replacement has other sections than the published report: the anchor lock objects …
    assert main(["check", str(data)]) == 1
    assert "locked anchor #s6 of page reports/qinghe/shufa/2023.html" in capsys.readouterr().out
    # … a lost lock is no way out: an archive with reports must have one …
    (data / "anchors.lock").unlink()
    assert main(["check", str(data)]) == 1
    assert "anchors.lock: file not found" in capsys.readouterr().out
    # … and with the lock recreated from the current data the imported file is clean, but for
    # what the text cannot tell (the address of the published original)
    assert main(["lock", str(data)]) == 0
    capsys.readouterr()
    assert main(["check", str(data)]) == 1
    assert only_citation_warnings(capsys.readouterr().out)


def test_a_failed_write_leaves_nothing_behind(monkeypatch, data, capsys):
    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writing.os, "link", broken)
    monkeypatch.setattr(writing.os, "replace", broken)
    code, _, err = run_import(capsys, str(SHUFA_2020), "--data-dir", str(data))
    assert code == 1 and "No space left on device" in err and "nothing written" in err
    assert files_in(data) == ["counties.yaml", "kinds.yaml", "topics.yaml"]  # no temp file, no folder


def test_a_file_the_checker_would_refuse_is_not_written(monkeypatch, data, capsys):
    from shufa.core.problems import Problem

    def refuse(*args, **kwargs):
        return [Problem("data/qinghe/shufa/2020.yaml", 3, 1, "a problem the checker found", "data")]

    monkeypatch.setattr(pipeline, "check_report", refuse)
    code, _, err = run_import(capsys, str(SHUFA_2020), "--data-dir", str(data))
    assert code == 1 and "would not pass `shufa check`" in err and "a problem the checker found" in err
    assert files_in(data) == ["counties.yaml", "kinds.yaml", "topics.yaml"]


def test_the_write_is_a_rename_of_a_complete_file(monkeypatch, data, capsys):
    seen = {}
    real_link = os.link

    def spy(src, dst, *args, **kwargs):
        seen["temp"] = Path(src)
        seen["content"] = Path(src).read_text(encoding="utf-8")
        seen["target_existed"] = Path(dst).exists()
        return real_link(src, dst, *args, **kwargs)

    monkeypatch.setattr(writing.os, "link", spy)
    assert run_import(capsys, str(SHUFA_2020), "--data-dir", str(data))[0] == 0
    target = data / "qinghe" / "shufa" / "2020.yaml"
    assert seen["temp"].parent == target.parent and seen["temp"].name.startswith(".2020.yaml.")
    assert seen["content"] == target.read_text(encoding="utf-8")
    assert not seen["target_existed"] and not seen["temp"].exists()


def test_the_file_is_written_in_the_style_of_data(data, capsys):
    assert run_import(capsys, str(SHUFA_2020), "--data-dir", str(data))[0] == 0
    text = (data / "qinghe" / "shufa" / "2020.yaml").read_text(encoding="utf-8")
    assert text.startswith(
        'schema: 1\ncounty: qinghe\nkind: shufa\nyear: 2020\ntitle: "青禾县县长2020年度述法报告"\n'
    )
    assert '\nauthor:\n  role: "县长"\n  name: "林**"\n' in text
    assert "\n  issued: 2021-01-18\n" in text
    assert '\nsections:\n  - ordinal: 1\n    marker: "一、"\n' in text
    assert "    topic: leadership\n" in text
    assert '      - ordinal: 1\n        marker: "一是"\n        label: "完善工作机制。"\n' in text
    assert "\\u" not in text  # readable UTF-8, not escapes
    # the byline (县长　林**) is the author's, not text of the preamble (issue 14)
    assert "preamble: |-\n  （2021年1月18日）\n  2020年，" in text
    assert (
        "\nsource:\n  retrieved: 20" in text
        and '\n  original:\n    path: "sources/qinghe/shufa/2020.txt"\n' in text
        and '\n    name: "qinghe-shufa-2020.txt"\n    format: "txt"\n    sha256: "' in text
    )


def test_output_to_stdout(data, capsys):
    code, out, err = run_import(capsys, str(SHUFA_2020), "--data-dir", str(data), "-o", "-")
    assert code == 0
    assert out.startswith("schema: 1\n") and "would import" in err
    assert files_in(data) == ["counties.yaml", "kinds.yaml", "topics.yaml"]


def test_output_option_takes_one_source(data, capsys):
    code, _, err = run_import(
        capsys, str(SHUFA_2020), str(SHUFA_2020), "--data-dir", str(data), "-o", "x.yaml"
    )
    assert code == 1 and "single SRC" in err


# --- several files ----------------------------------------------------------------------------


def test_several_files_get_progress_and_a_table(tmp_path, data, capsys):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    sources = [str(SHUFA_2020), str(IMPORT_FIXTURES / "chengxi-fzzf-2021.txt"), str(bad)]
    code, out, err = run_import(capsys, *sources, "--data-dir", str(data))
    assert code == 1  # one of them failed
    assert "[1/3] " in err and "[3/3] " in err  # plain lines when stderr is not a terminal
    table = out[out.index("source") :]
    assert "imported" in table and "refused" in table and "empty file" in table
    assert "2 imported, 1 refused, 0 to review, 2 still need a date or source (see each summary)" in out
    assert (data / "qinghe/shufa/2020.yaml").is_file() and (data / "chengxi/fzzf/2021.yaml").is_file()


def test_the_same_target_twice_in_one_run_is_refused(tmp_path, data, capsys):
    again = tmp_path / "again.txt"
    again.write_bytes(SHUFA_2020.read_bytes() + b"\n")  # other bytes, the same report
    code, out, err = run_import(capsys, str(SHUFA_2020), str(again), "--data-dir", str(data), "--force")
    assert code == 1 and "already written from" in err
    assert "1 imported, 1 refused" in out
    code, out, err = run_import(capsys, str(SHUFA_2020), str(SHUFA_2020), "--data-dir", str(data), "--force")
    assert code == 1 and "(identical bytes); imported once" in err


def test_progress_redraws_one_line_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    progress = Progress(2, stream)
    progress.step("a.txt")
    progress.step("b.docx")
    progress.clear()
    shown = stream.getvalue()
    assert "\r" in shown and "\n" not in shown
    assert "] 1/2 a.txt" in shown and "[########################] 2/2 b.docx" in shown


def test_the_table_aligns_chinese_text():
    table = format_table(["source", "n"], [["报告.txt", "1"], ["long-name.txt", "22"]])
    lines = table.splitlines()
    assert width(lines[2][: lines[2].index("1")]) == width(lines[3][: lines[3].index("22")])


def test_the_summary_lists_what_to_review(data, capsys):
    code, out, _ = run_import(capsys, str(IMPORT_FIXTURES / "beiting-fzzf-2021.txt"), "--data-dir", str(data))
    assert code == 0
    assert "sections: 4, items: 11, closing parts: shortcomings + next steps" in out
    assert "figures: 19, redactions: 0" in out
    assert "topics suggested (4; review them in the file):" in out
    assert "lines not placed with certainty (kept in the nearest field): 2" in out
    assert "line 11: “5.完善公共法律服务体系" in out and "kept in s1-3" in out
    code, out, _ = run_import(
        capsys, str(IMPORT_FIXTURES / "beiting-shufa-2022.txt"), "--data-dir", str(data)
    )
    assert "artefacts removed: 7" in out and "line 3: paywall marker “##paidbegin##”" in out
    assert "gaps kept (the published copy leaves text out): 1" in out
    assert "stray spaces removed between Chinese characters: 4" in out


def test_a_section_no_keyword_matches_gets_the_fallback_topic_marked(tmp_path, data, capsys):
    source = tmp_path / "plain.txt"
    source.write_text(
        "青禾县县长2022年度述法报告\n现将有关情况报告如下：\n一、做好几件小事\n全年修缮办公楼一座。\n"
        "二、其他工作\n按时完成上级交办的其他任务。\n",
        encoding="utf-8",
    )
    code, out, _ = run_import(capsys, str(source), "--data-dir", str(data))
    assert code == 0
    assert "no keyword matched: fallback, please choose" in out
    text = (data / "qinghe/shufa/2022.yaml").read_text(encoding="utf-8")
    assert "topic: leadership  # no topic keyword matched: please choose" in text


# --- one validation path, titles, messages (issue 20) -------------------------------------------


def test_output_to_stdout_is_checked_like_a_write(monkeypatch, data, capsys):
    """`-o -` says "would import" only of a file the real write would accept."""
    from shufa.core.problems import Problem

    def refuse(*args, **kwargs):
        return [Problem("data/qinghe/shufa/2020.yaml", 3, 1, "a problem the checker found", "data")]

    monkeypatch.setattr(pipeline, "check_report", refuse)
    printed = run_import(capsys, str(SHUFA_2020), "--data-dir", str(data), "-o", "-")
    written = run_import(capsys, str(SHUFA_2020), "--data-dir", str(data))
    for code, out, err in (printed, written):
        assert code == 1 and out == "" and "would import" not in err
        assert "would not pass `shufa check`" in err and "a problem the checker found" in err
    assert files_in(data) == ["counties.yaml", "kinds.yaml", "topics.yaml"]


NO_TITLE = (
    "2023年，青禾县坚持依法行政，法治政府建设取得新进展。现将有关情况报告如下：\n"
    "一、加强组织领导\n县政府全年召开专题会议4次。\n二、推进依法决策\n全年审查重大行政决策3项。\n"
    "青禾县人民政府\n2024年2月20日\n"
)


def test_a_text_without_a_title_gets_one_derived_and_listed_to_review(tmp_path, data, capsys):
    source = tmp_path / "report.txt"
    source.write_text(NO_TITLE, encoding="utf-8")
    code, out, _ = run_import(capsys, str(source), "--data-dir", str(data))
    assert code == 0
    doc = imported(data, "qinghe/fzzf/2023.yaml")
    assert doc["title"] == "青禾县2023年度法治政府建设情况报告"
    assert doc["preamble"].startswith("2023年，青禾县坚持依法行政")  # the opening stays the opening
    assert "  title: 青禾县2023年度法治政府建设情况报告 (derived: to review)" in out
    assert "  to review: 1\n    title: the text prints none" in out


def test_the_title_option_sets_the_title(tmp_path, data, capsys):
    source = tmp_path / "report.txt"
    source.write_text(NO_TITLE, encoding="utf-8")
    title = "青禾县人民政府关于2023年度法治政府建设情况的报告"
    code, out, _ = run_import(
        capsys, str(source), "--data-dir", str(data), "--kind", "fzzf", "--title", title
    )
    assert code == 0 and imported(data, "qinghe/fzzf/2023.yaml")["title"] == title
    assert f"  title: {title} (given (--title))" in out and "to review" not in out
    # a printed title it replaces leaves the text, listed like every removal
    out_file = tmp_path / "out.yaml"
    code, out, _ = run_import(
        capsys, str(SHUFA_2020), "--data-dir", str(data), "-o", str(out_file), "--title", "新标题报告"
    )
    assert code == 0 and read_yaml(out_file).value["title"] == "新标题报告"
    assert "line 1: title (replaced by --title) “青禾县县长2020年度述法报告”" in out
    # a sentence is no title; one title is for one file
    code, _, err = run_import(
        capsys, str(source), "--data-dir", str(data), "-o", "-", "--title", "现将有关情况报告如下："
    )
    assert code == 1 and "expected a title of at most 60 characters that is no sentence" in err
    code, _, err = run_import(capsys, str(source), str(SHUFA_2020), "--data-dir", str(data), "--title", title)
    assert code == 1 and "--title takes a single SRC" in err


def test_a_refusal_says_nothing_written_once(tmp_path, data, capsys):
    source = tmp_path / "prose.txt"
    source.write_text("这是一段没有编号的文字。它讲了一件事。\n第二段也没有编号。", encoding="utf-8")
    code, _, err = run_import(capsys, str(source), "--data-dir", str(data))
    assert code == 1
    assert err == (
        f"import failed: {source}: no recognisable structure: no numbered sections (一、 （一） 1. 第一， …) "
        "were found, so this does not read as a report; nothing written\n"
    )
