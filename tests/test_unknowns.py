"""Unknown dates and sources (issue 20, item 7): recorded honestly, they pass `shufa check` and the
strict build, show as 不详 and cite as a report ([R], GB/T 7714) without access date or URL; a
value simply missing stays a located problem, and the import summary says what is still needed."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import (
    IMPORT_FIXTURES,
    archive_source,
    copy_data,
    page_soup,
    reference_at,
    run_import,
    run_sphinx,
    warnings_of,
)
from shufa.commands import main
from shufa.core.arrival import today
from shufa.core.yamlfile import read_yaml

UNITS = IMPORT_FIXTURES / "units"
JINGHAI = UNITS / "jinghai-fzzf-2023.txt"
NO_PLACE = UNITS / "no-place-shufa-2023.txt"
#: The day the copies were obtained (set as the files' time).
OBTAINED = dt.date(2024, 5, 6)


def _stamped(source: Path, folder: Path, day: dt.date = OBTAINED) -> Path:
    """A copy of *source* in *folder* whose file time is noon of *day*."""
    copy = folder / source.name
    copy.write_bytes(source.read_bytes())
    stamp = dt.datetime(day.year, day.month, day.day, 12).timestamp()
    os.utime(copy, (stamp, stamp))
    return copy


@pytest.fixture(scope="module")
def honest(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """The sample archive with two reports a keeper imported from copies that carry no date and
    no address: 天津市静海区's 2023 report (registered from the national table), online at an
    address nobody can tell (`--url unknown --published unknown`), and its head's 述法报告,
    obtained on request (`--obtained 依申请公开 --date unknown`); locked, checked and built with -W."""
    root = tmp_path_factory.mktemp("honest")
    data = copy_data(root)
    inbox = root / "inbox"
    inbox.mkdir()
    said = []
    for args in (
        [str(_stamped(JINGHAI, inbox)), "--register", "--url", "unknown", "--published", "unknown"],
        [
            str(_stamped(NO_PLACE, inbox)),
            "--county",
            "jinghai",
            "--obtained",
            "依申请公开",
            "--date",
            "unknown",
        ],
    ):
        said.append(main(["import", *args, "--data-dir", str(data)]))
    said.append(main(["lock", str(data)]))
    said.append(main(["check", str(data)]))
    app = run_sphinx(archive_source(root), confoverrides={"shufa_data_dir": str(data)}, warningiserror=True)
    return SimpleNamespace(data=data, app=app, site=Path(app.outdir), codes=said)


def test_recorded_unknowns_pass_check_and_the_strict_build(honest):
    assert honest.codes == [0, 0, 0, 0]
    assert honest.app.statuscode == 0 and warnings_of(honest.app) == ""
    doc = read_yaml(honest.data / "jinghai/fzzf/2023.yaml").value
    assert doc["date"] == {"published": "unknown"}
    assert doc["source"]["url"] == "unknown" and doc["source"]["retrieved"] == OBTAINED.isoformat()
    assert doc["added"] == today()
    shufa = read_yaml(honest.data / "jinghai/shufa/2023.yaml").value
    assert shufa["date"] == {"issued": "unknown"}
    assert shufa["source"]["obtained"] == "依申请公开" and "url" not in shufa["source"]


def test_unknowns_show_as_unknown_and_the_unit_as_it_is(honest):
    soup = page_soup(honest.site, "reports/jinghai/fzzf/2023")
    text = soup.select_one(".report-meta").get_text(" ")
    assert "天津市静海区" in text and "天津市天津市" not in text
    assert "区人民政府" in text and "县人民政府" not in text  # the kind's default author, as a 区 says it
    assert "发布日期" in text and "不详" in text
    assert "网址不详" in text
    assert OBTAINED.isoformat() in text  # 获取日期: the day the copy was obtained, not of import
    head = page_soup(honest.site, "reports/jinghai/shufa/2023").select_one(".report-meta").get_text(" ")
    assert "依申请公开" in head and "印发日期" in head and "不详" in head
    assert "区长" in head and "县长" not in head


def test_a_report_without_an_online_address_cites_as_a_report(honest):
    soup = page_soup(honest.site, "reports/jinghai/fzzf/2023")
    # GB/T 7714: [R], no access date, no URL (the standard's own example: 报告[R]. 2012.)
    assert reference_at(soup, "") == "静海区人民政府. 天津市静海区2023年法治政府建设年度报告[R]."
    assert reference_at(soup, "s1") == (
        "静海区人民政府. 天津市静海区2023年法治政府建设年度报告: 一、加强党对法治政府建设的领导[R]."
    )
    assert not soup.select(".cite-control .cite-url, .cite-control .cite-accessed")
    (item,) = json.loads((honest.site / "reports/jinghai/fzzf/2023.csl.json").read_text(encoding="utf-8"))
    assert item["type"] == "report" and "URL" not in item and "accessed" not in item and "issued" not in item
    bib = (honest.site / "reports/jinghai/fzzf/2023.bib").read_text(encoding="utf-8")
    assert "url =" not in bib and "urldate" not in bib and "author = {{静海区人民政府}}" in bib
    (item,) = json.loads((honest.site / "reports/jinghai/shufa/2023.csl.json").read_text(encoding="utf-8"))
    assert item["note"] == "获取方式：依申请公开" and "URL" not in item
    assert "获取方式：依申请公开" in (honest.site / "reports/jinghai/shufa/2023.bib").read_text(
        encoding="utf-8"
    )
    # a report with an address stays an online report
    online = page_soup(honest.site, "reports/qinghe/shufa/2023")
    assert "[R/OL]" in reference_at(online, "")


def test_the_exports_say_what_is_unknown(honest):
    report = json.loads((honest.site / "reports/jinghai/fzzf/2023.json").read_text(encoding="utf-8"))
    assert report["unknown"] == ["date.published", "source.url"]
    assert report["published"] == "" and report["source_url"] == "" and report["added"] == today()
    assert report["author"]["role"] == "区人民政府"
    county = json.loads((honest.site / "reports/jinghai/index.json").read_text(encoding="utf-8"))
    assert county["type"] == "区" and county["code"] == "120118"


def test_a_missing_value_stays_a_located_problem_and_the_summary_says_so(tmp_path, capsys):
    data = copy_data(tmp_path)
    code, out, _ = run_import(capsys, str(_stamped(JINGHAI, tmp_path)), "--data-dir", str(data), "--register")
    assert code == 0
    assert "  still needed (`shufa check` names them until recorded): 2" in out
    assert "    date: the copy prints none; pass --date YYYY-MM-DD" in out
    assert "    source: the copy names no address; pass --url URL, --url unknown" in out
    assert main(["lock", str(data)]) == 0
    capsys.readouterr()
    assert main(["check", str(data)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert [line.split(": ", 1)[1].split(";")[0] for line in out] == [
        "date: no date.issued or date.published",
        "source: no source.url",
    ]
    assert all(line.startswith(str(data / "jinghai/fzzf/2023.yaml") + ":") for line in out) or all(
        "jinghai/fzzf/2023.yaml:" in line for line in out
    )


def test_the_day_obtained_is_the_saved_pages_own_else_the_files_time(tmp_path, capsys):
    data = copy_data(tmp_path)
    page = tmp_path / "page.html"
    body = "".join(f"<p>{line}</p>" for line in JINGHAI.read_text(encoding="utf-8").splitlines() if line)
    page.write_text(
        "<!DOCTYPE html>\n<!--\n Page saved with SingleFile \n url: https://www.example.gov.cn/a/1.html \n"
        " saved date: Tue Jan 23 2024 10:11:12 GMT+0800 (中国标准时间)\n-->\n"
        f"<html><head><meta charset='utf-8'><title>x</title></head><body><div class='article'>{body}</div>"
        "</body></html>",
        encoding="utf-8",
    )
    os.utime(page, (0, 0))  # a copied file's time says nothing here: the page says when it was saved
    code, out, err = run_import(capsys, str(page), "--data-dir", str(data), "--register", "-o", "-")
    assert code == 0, err
    assert "  retrieved: 2024-01-23\n" in out and 'url: "https://www.example.gov.cn/a/1.html"' in out
    assert "retrieved: 2024-01-23 (the day the page says it was saved; --retrieved sets it)" in err
    code, out, _ = run_import(
        capsys, str(_stamped(JINGHAI, tmp_path)), "--data-dir", str(data), "--register", "-o", "-"
    )
    assert f"  retrieved: {OBTAINED.isoformat()}\n" in out
    code, out, _ = run_import(
        capsys, str(JINGHAI), "--data-dir", str(data), "--register", "-o", "-", "--retrieved", "unknown"
    )
    assert "  retrieved: unknown\n" in out


def test_a_value_the_copy_tells_is_kept_over_unknown_and_a_given_one_wins(tmp_path, capsys):
    data = copy_data(tmp_path)
    dated = tmp_path / "dated.txt"
    dated.write_text(
        JINGHAI.read_text(encoding="utf-8").rstrip("\n") + "\n\n天津市静海区人民政府\n2024年2月1日\n",
        encoding="utf-8",
    )
    code, out, _ = run_import(
        capsys, str(dated), "--data-dir", str(data), "--register", "-o", "-", "--date", "unknown"
    )
    assert code == 0 and "  issued: 2024-02-01\n" in out
    code, out, err = run_import(
        capsys, str(dated), "--data-dir", str(data), "--register", "-o", "-", "--date", "2024-02-02"
    )
    assert "  issued: 2024-02-02\n" in out and "issued: 2024-02-02 as given (the copy says 2024-02-01)" in err


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--date", "2024-02-30"], "“2024-02-30” is no date; expected YYYY-MM-DD or 'unknown'"),
        (["--published", "2024年1月"], "is no date; expected YYYY-MM-DD or 'unknown'"),
        (["--url", "www.example.gov.cn"], "is no http(s) address; expected one, or 'unknown'"),
        (["--obtained", " "], "empty; expected how the copy was obtained"),
    ],
)
def test_a_bad_option_value_is_refused_with_what_was_expected(args, said, data, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["import", str(JINGHAI), "--data-dir", str(data), *args])
    assert exit_.value.code == 2
    assert said in capsys.readouterr().err


def test_one_address_for_several_files_is_refused(data, capsys, tmp_path):
    code, _, err = run_import(
        capsys, str(JINGHAI), str(NO_PLACE), "--data-dir", str(data), "--url", "https://a.example/x"
    )
    assert code == 1 and "--url https://a.example/x takes a single SRC" in err
    assert "--url unknown records it as unknown in every file that does not tell it" in err
