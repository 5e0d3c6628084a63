"""The figure parser shared by the importer and the build, and `shufa figures FILE.yaml [--json]`."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from shufa.commands import main
from shufa.core.figures import Figure, find_figures
from shufa.core.numerals import parse_chinese_number
from shufa.core.redaction import find_redactions


def one(text: str) -> Figure:
    found = find_figures(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "printed", "value", "unit", "qualifier"),
    [
        ("全年开展普法活动160余场。", "160余场", 160.0, "场", "余"),
        ("发放宣传资料12.5万余份", "12.5万余份", 125000.0, "份", "余"),
        ("调解成功率98%以上", "98%以上", 98.0, "%", "以上"),
        ("出庭应诉率100%", "100%", 100.0, "%", ""),
        ("合格率达到９６．５％", "９６．５％", 96.5, "%", ""),
        ("细化年度重点任务224项", "224项", 224.0, "项", ""),
        ("组织28个部门", "28个", 28.0, "个", ""),
        ("3个工作日内办结", "3个工作日", 3.0, "个工作日", ""),
        ("压缩至1个工作日以内", "1个工作日以内", 1.0, "个工作日", "以内"),
        ("培训1150余人次", "1150余人次", 1150.0, "人次", "余"),
        ("参训近200人次", "近200人次", 200.0, "人次", "近"),
        ("覆盖群众约2.4万人次", "约2.4万人次", 24000.0, "人次", "约"),
        ("涉及整改金额1.2亿元", "1.2亿元", 120_000_000.0, "元", ""),
        ("挽回经济损失3000万元", "3000万元", 30_000_000.0, "元", ""),
        ("受教育群众11万余人", "11万余人", 110000.0, "人", "余"),
        ("先后审查文件十余件", "十余件", 10.0, "件", "余"),
        ("开展专题学习三次", "三次", 3.0, "次", ""),
        ("评查案卷二百四十卷", "二百四十卷", 240.0, "卷", ""),
        ("百分之九十八的群众", "百分之九十八", 98.0, "%", ""),
        ("每个乡镇配备执法人员不少于6名", "不少于6名", 6.0, "名", "不少于"),
        ("覆盖率超过90%", "超过90%", 90.0, "%", "超过"),
        ("败诉率下降2.3个百分点", "2.3个百分点", 2.3, "个百分点", ""),
        ("年龄在50岁以上", "50岁以上", 50.0, "岁", "以上"),
        ("接待群众来访1580批次", "1580批次", 1580.0, "批次", ""),
        ("开展活动80余场次", "80余场次", 80.0, "场次", "余"),
        ("受理案件1,234件", "1,234件", 1234.0, "件", ""),
        ("群众200多人", "200多人", 200.0, "人", "多"),
        ("投入资金1.5万", "1.5万", 15000.0, "", ""),
    ],
)
def test_figures_as_printed(text, printed, value, unit, qualifier):
    figure = one(text)
    assert (figure.text, figure.value, figure.unit, figure.qualifier) == (printed, value, unit, qualifier)
    assert text[figure.start : figure.end] == printed


@pytest.mark.parametrize(
    "text",
    [
        "2023年，全县上下",  # a year
        "二〇二三年十二月",  # a year in Chinese numerals
        "2024年1月22日印发",  # a date
        "发布时间：2024-02-05",
        "县第十八届人大常委会",  # an ordinal
        "第5次会议",
        "深入实施八五普法规划",  # slogans and fixed terms
        "“八五”普法",
        "严格执行四重一大制度",
        "推行一窗受理",
        "落实行政执法“三项制度”",
        "增强“四个意识”",
        "“十四五”期间",
        "一是主动担当履职。",  # numbering markers
        "1.全面落实",
        "（1）加强学习",
        "二、坚持依法决策",
        "第一，健全机制",
        "会前学法*次",  # redactions are never figures
        "审核政府合同**份",
        "共*2件",  # a number next to a redaction is partly hidden
        "共1**件",
        "拨打12345热线",  # numbers without a unit
        "建成5G基站",
        "一次性告知",  # 一 is too often not a count
        "千家万户",
        "2021—2025年",
        "落实20212025年普法规划",  # a year range whose dash was lost in a copy (issue 20)
    ],
)
def test_not_figures(text):
    assert find_figures(text) == []


def test_figures_come_in_order_and_never_overlap():
    text = "组织9个乡镇和12个县直部门，开展活动210余场，发放资料5万余份，合格率98%以上，十余次。"
    found = find_figures(text)
    assert [f.text for f in found] == ["9个", "12个", "210余场", "5万余份", "98%以上", "十余次"]
    for before, after in itertools.pairwise(found):
        assert before.end <= after.start


def test_a_qualifier_word_that_is_part_of_another_word_is_not_taken():
    assert one("指导修订村规民约11件").text == "11件"
    assert one("就近12家").qualifier == ""


def test_redactions():
    text = "林**在XX村调解纠纷*次，×××同志和＊＊镇参加。"
    assert [t for _, _, t in find_redactions(text)] == ["**", "XX", "*", "×××", "＊＊"]
    for start, end, printed in find_redactions(text):
        assert text[start:end] == printed
    assert find_figures(text) == []


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("十", 10), ("十一", 11), ("二十", 20), ("一百零五", 105), ("两千", 2000), ("三万五千", 35000),
     ("八五", None), ("二〇二三", None), ("十四五", None), ("万", None), ("", None)],
)  # fmt: skip
def test_chinese_numbers(numeral, value):
    assert parse_chinese_number(numeral) == value


REPORT = """\
schema: 1
county: qinghe
kind: shufa
year: 2023
title: "**县县长2023年度述法报告"
author:
  name: "林**"
preamble: "2023年，全县开展普法活动160余场。"
sections:
  - ordinal: 1
    marker: "一、"
    heading: "坚持依法决策"
    topic: decision-making
    lead: "审查合同**份。"
    items:
      - ordinal: 1
        marker: "一是"
        label: "严格程序。"
        text: "4项重大行政决策均经合法性审查。"
  - ordinal: 2
    marker: "二、"
    heading: "加强执法监督"
    topic: law-enforcement
    items:
      - ordinal: 1
        marker: "（一）"
        text: "评查案卷260卷。"
      - ordinal: 2
        marker: "（二）"
        text: "规范执法。"
        items:
          - ordinal: 1
            marker: "1."
            text: "合格率98%以上，会前学法*次。"
closing:
  shortcomings:
    intro: "主要表现在："
    items:
      - ordinal: 1
        marker: "一是"
        text: "有3个乡镇执法力量不足。"
  next_steps:
    intro: "2024年，我将："
    items:
      - ordinal: 1
        marker: "一是"
        text: "学法。"
      - ordinal: 2
        marker: "二是"
        text: "轮训执法人员1200人次。"
  signature: "县长 林**"
"""


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    path = tmp_path / "2023.yaml"
    path.write_text(REPORT, encoding="utf-8")
    return path


def test_figures_command_lists_marks_with_anchors_in_document_order(report_file, capsys):
    assert main(["figures", str(report_file)]) == 0
    out, err = capsys.readouterr()
    rows = [line.split() for line in out.splitlines()[2:]]
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("report", "redaction", "**"),
        ("report", "redaction", "**"),
        ("preamble", "figure", "160余场"),
        ("s1", "redaction", "**"),
        ("s1-1", "figure", "4项"),
        ("s2-1", "figure", "260卷"),
        ("s2-2-1", "figure", "98%以上"),
        ("s2-2-1", "redaction", "*"),
        ("shortcomings-1", "figure", "3个"),
        ("next-steps-2", "figure", "1200人次"),
        ("report", "redaction", "**"),
    ]
    assert rows[2][3:] == ["160", "场", "余"]
    assert "qinghe/shufa/2023: 6 figure(s), 5 redaction(s)" in err


def test_figures_command_json(report_file, capsys):
    assert main(["figures", str(report_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["report"] == "qinghe/shufa/2023"
    first_figure = next(m for m in data["marks"] if m["kind"] == "figure")
    assert first_figure == {
        "anchor": "preamble", "field": "preamble", "kind": "figure", "start": 14, "end": 19,
        "text": "160余场", "value": 160.0, "unit": "场", "qualifier": "余",
    }  # fmt: skip
    assert [m["anchor"] for m in data["marks"] if m["kind"] == "redaction"] == [
        "report", "report", "s1", "s2-2-1", "report",
    ]  # fmt: skip


def test_figures_command_on_a_bad_file(tmp_path, capsys):
    assert main(["figures", str(tmp_path / "missing.yaml")]) == 1
    assert "no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: 1\ncounty: qinghe\n", encoding="utf-8")
    assert main(["figures", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "missing key `kind`" in err and "Traceback" not in err
