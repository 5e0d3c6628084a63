"""Units (issue 20, item 6): unit types and their offices, the national table of county-level
divisions, and `shufa import` recognising a unit from the text and registering it."""

from __future__ import annotations

import builtins
import sys
from pathlib import Path

import pytest

from conftest import DATA, IMPORT_FIXTURES, copy_data, files_in, run_import
from shufa.commands import main
from shufa.core.divisions import by_code, divisions, named_in
from shufa.core.model import County
from shufa.core.registries import load_registries
from shufa.core.units import UNIT_NAMES, role_in, type_of_name, unit_type
from shufa.core.yamlfile import read_yaml

UNITS = IMPORT_FIXTURES / "units"
JINGHAI = UNITS / "jinghai-fzzf-2023.txt"


# --- unit types ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "unit", "government", "office", "head"),
    [
        ("青禾县", "县", "青禾县人民政府", "县人民政府", "县长"),
        ("北亭区", "区", "北亭区人民政府", "区人民政府", "区长"),
        ("澄江市", "县级市", "澄江市人民政府", "市人民政府", "市长"),
        ("白云旗", "旗", "白云旗人民政府", "旗人民政府", "旗长"),
        ("云岭自治县", "自治县", "云岭自治县人民政府", "县人民政府", "县长"),
        ("青松林区", "林区", "青松林区人民政府", "林区人民政府", "林区区长"),
        ("鹭溪街道", "街道", "鹭溪街道办事处", "街道办事处", "街道办事处主任"),
        ("白沙镇", "镇", "白沙镇人民政府", "镇人民政府", "镇长"),
    ],
)
def test_the_unit_names_its_reporting_body_and_head(name, unit, government, office, head):
    county = County("x", name)
    assert county.unit.name == unit
    assert county.government == government
    # data/kinds.yaml names the default author as in a 县: the same office in this unit
    assert role_in("县人民政府", county.unit) == office
    assert role_in("县长", county.unit) == head


def test_a_district_of_a_municipality_is_named_once():
    assert County("x", "静海区", province="天津市", city="天津市").place == "天津市静海区"
    assert County("x", "静海区", province="天津市").place == "天津市静海区"
    assert County("x", "青禾县", province="江澜省", city="临川市").place == "江澜省临川市青禾县"
    street = County("x", "鹭溪街道", province="云栖省", city="栖州市", parent="青屿区")
    assert street.place == "云栖省栖州市青屿区鹭溪街道"


def test_the_type_is_told_by_the_longest_ending():
    assert type_of_name("神农架林区").name == "林区"
    assert type_of_name("六枝特区").name == "特区"
    assert type_of_name("鄂伦春自治旗").name == "自治旗"
    assert type_of_name("澄江市").name == "县级市"
    assert type_of_name("青禾") is None


# --- the national table ---------------------------------------------------------------------


def test_the_national_table_has_every_county_level_unit_with_its_code():
    found = divisions()
    assert len(found) >= 2840  # 2,844 county-level divisions at the end of 2023, 2,846 after 2024
    assert len({d.code for d in found}) == len(found)
    assert all(len(d.code) == 6 and d.code.isdigit() for d in found)
    assert {d.type for d in found} <= set(UNIT_NAMES)
    counts = {name: sum(d.type == name for d in found) for name in ("县", "区", "县级市", "旗", "自治县")}
    assert counts["区"] > 950 and counts["县"] > 1250 and counts["县级市"] > 380 and counts["旗"] == 49
    # the changes of 2024: two new counties of 新疆和田地区
    assert {by_code("653228").name, by_code("653229").name} == {"和康县", "和安县"}
    # a city without districts reports as a unit of its own, its code written out to 6 digits
    assert by_code("441900").name == "东莞市" and by_code("441900").type == "地级市"
    jinghai = by_code("120118")
    assert (jinghai.name, jinghai.type, jinghai.province, jinghai.city) == ("静海区", "区", "天津市", "")


def test_a_name_is_told_apart_by_the_place_printed_before_it():
    assert [d.code for d in named_in("朝阳区2023年法治政府建设情况报告")] == ["110105", "220104"]
    assert [d.code for d in named_in("长春市朝阳区2023年法治政府建设情况报告")] == ["220104"]
    assert [d.code for d in named_in("北京市朝阳区2023年法治政府建设情况报告")] == ["110105"]
    # a name that is a word too counts only after its city
    assert named_in("推进城区和郊区道路建设") == []
    assert [d.name for d in named_in("阳泉市城区2023年述法报告")] == ["城区"]


# --- registering from the text ---------------------------------------------------------------


@pytest.fixture
def archive_data(tmp_path: Path) -> Path:
    """A copy of the sample's data folder (it has provinces.yaml)."""
    return copy_data(tmp_path)


def test_an_unregistered_unit_is_named_and_nothing_is_written(archive_data, capsys):
    before = {
        p: (archive_data / p).read_bytes() for p in files_in(archive_data) if (archive_data / p).is_file()
    }
    code, _, err = run_import(capsys, str(JINGHAI), "--data-dir", str(archive_data))
    assert code == 1
    assert (
        "the text names 天津市静海区 (区, 120118) in the title, which is not in counties.yaml; "
        "pass --register to add it from the national table" in err
    )
    after = {
        p: (archive_data / p).read_bytes() for p in files_in(archive_data) if (archive_data / p).is_file()
    }
    assert after == before


def test_register_adds_the_unit_and_its_province_and_check_passes(archive_data, capsys):
    code, out, err = run_import(
        capsys,
        str(JINGHAI),
        "--data-dir",
        str(archive_data),
        "--register",
        "--published",
        "unknown",
        "--url",
        "unknown",
    )
    assert code == 0, err
    assert (
        "unit: registered 天津市静海区 (区, 120118) as `jinghai` in counties.yaml; its province 天津市 as `tianjin`"
        in out
    )
    counties = read_yaml(archive_data / "counties.yaml").value
    assert counties["jinghai"] == {"name": "静海区", "type": "区", "province": "天津市", "code": "120118"}
    assert read_yaml(archive_data / "provinces.yaml").value["tianjin"] == {"name": "天津市"}
    # the registries' comments and entries before stay as they were
    assert (
        (archive_data / "counties.yaml")
        .read_text(encoding="utf-8")
        .startswith((DATA / "counties.yaml").read_text(encoding="utf-8"))
    )
    doc = read_yaml(archive_data / "jinghai/fzzf/2023.yaml").value
    assert doc["county"] == "jinghai" and doc["title"] == "天津市静海区2023年法治政府建设年度报告"
    registries = load_registries(archive_data)
    assert registries.problems == []
    county = registries.counties["jinghai"]
    assert (county.place, county.government, county.province_slug) == (
        "天津市静海区",
        "静海区人民政府",
        "tianjin",
    )
    assert main(["lock", str(archive_data)]) == 0
    capsys.readouterr()
    assert main(["check", str(archive_data)]) == 0
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("ok: 4 counties")


def test_the_keeper_is_asked_in_a_terminal(archive_data, capsys, monkeypatch):
    asked = []
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(builtins, "input", lambda question: asked.append(question) or "y")
    code, _, err = run_import(capsys, str(JINGHAI), "--data-dir", str(archive_data))
    assert code == 0, err
    assert asked == [
        "天津市静海区（区，行政区划代码 120118）尚未登记。以 `jinghai` 登记到 counties.yaml（并登记天津市）？ [y/N] "
    ]
    assert "jinghai" in load_registries(archive_data).counties


def test_no_means_nothing_is_registered(archive_data, capsys, monkeypatch):
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(builtins, "input", lambda question: "n")
    code, _, err = run_import(capsys, str(JINGHAI), "--data-dir", str(archive_data))
    assert code == 1 and "pass --register" in err
    assert "jinghai" not in load_registries(archive_data).counties


def test_a_text_that_names_no_place_registers_by_code_and_slug(archive_data, capsys):
    text = UNITS / "no-place-shufa-2023.txt"
    code, _, err = run_import(capsys, str(text), "--data-dir", str(archive_data))
    assert code == 1 and "cannot find the county's name in the title or text" in err
    code, _, err = run_import(
        capsys, str(text), "--data-dir", str(archive_data), "--register", "120118", "--county", "jinghai-qu"
    )
    assert code == 0, err
    assert read_yaml(archive_data / "jinghai-qu/shufa/2023.yaml").value["county"] == "jinghai-qu"
    assert load_registries(archive_data).counties["jinghai-qu"].code == "120118"
    # registered once: the same code again is told where it is
    code, _, err = run_import(
        capsys, str(text), "--data-dir", str(archive_data), "--register", "120118", "--force"
    )
    assert (
        code == 1 and "天津市静海区 is registered already, as `jinghai-qu`; pass --county jinghai-qu" in err
    )


def test_a_name_two_districts_share_is_asked_by_code(archive_data, capsys):
    text = UNITS / "chaoyang-fzzf-2023.txt"
    code, _, err = run_import(capsys, str(text), "--data-dir", str(archive_data), "--register")
    assert code == 1
    assert (
        "the text names 北京市朝阳区 (区, 110105) or 吉林省长春市朝阳区 (区, 220104) in the title, which is "
        "not in counties.yaml; pass --register CODE with the code of the one meant" in err
    )
    code, _, err = run_import(capsys, str(text), "--data-dir", str(archive_data), "--register", "220104")
    assert code == 0, err
    assert load_registries(archive_data).counties["chaoyang"].city == "长春市"


def test_printing_registers_nothing(archive_data, capsys):
    code, out, err = run_import(
        capsys, str(JINGHAI), "--data-dir", str(archive_data), "--register", "-o", "-", "--url", "unknown"
    )
    assert code == 0, err
    assert out.startswith("schema: 1\ncounty: jinghai\n")
    assert "unit: would be registered 天津市静海区 (区, 120118) as `jinghai`" in err
    assert "jinghai" not in load_registries(archive_data).counties


def test_a_registered_unit_is_recognised_by_name_next_time(archive_data, capsys):
    assert run_import(capsys, str(JINGHAI), "--data-dir", str(archive_data), "--register")[0] == 0
    code, _, err = run_import(capsys, str(JINGHAI), "--data-dir", str(archive_data), "-o", "-")
    assert code == 0 and "county: jinghai (静海区, in the title)" in err


def test_a_type_its_name_cannot_have_is_a_located_problem(tmp_path, capsys):
    data = copy_data(tmp_path)
    text = (data / "counties.yaml").read_text(encoding="utf-8")
    (data / "counties.yaml").write_text(
        text.replace("  name: 青禾县\n", "  name: 青禾县\n  type: 区\n"), encoding="utf-8"
    )
    assert main(["check", str(data)]) == 1
    out = capsys.readouterr().out
    assert "counties.yaml:4:1: county `qinghe` (青禾县) has type 区; expected a type its name can have" in out
    assert unit_type("区").ending == "区"
