"""`shufa import` of a real .docx made by python-docx, its numbering stored as Word list formatting.

The section and item numbers (一、 （一） 1.) are not in the text of the
paragraphs: they come from numbering.xml through ``w:numPr`` in the paragraph
properties (or in the paragraph's style), as Word stores them.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from conftest import only_citation_warnings, outline
from shufa.commands import main
from shufa.core.yamlfile import read_yaml
from shufa.importing.artefacts import remove_artefacts, without
from shufa.importing.docx import format_number
from shufa.importing.reading import read_source as read_docx
from shufa.importing.roundtrip import reading_text, squeeze

#: Three list levels as Chinese reports number them: 一、 → （一） → 1.
ABSTRACT = f"""
<w:abstractNum {nsdecls("w")} w:abstractNumId="90">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>
"""
NUM_ID = 77


def add_numbering(document: docx.document.Document) -> None:
    numbering = document.part.numbering_part.element
    first_num = numbering.find(qn("w:num"))
    abstract = parse_xml(ABSTRACT)
    if first_num is not None:  # abstract definitions come before the numbering instances
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="{NUM_ID}"><w:abstractNumId w:val="90"/></w:num>')
    )


def numbered(document, text: str, level: int):
    paragraph = document.add_paragraph(text)
    numpr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numpr.get_or_add_ilvl().val = level
    numpr.get_or_add_numId().val = NUM_ID
    return paragraph


def make_report(path: Path) -> Path:
    document = docx.Document()
    add_numbering(document)
    document.add_paragraph("澄溪县2024年法治政府建设年度报告")
    document.add_paragraph("2024年，澄溪县人民政府坚持依法行政，持续推进法治政府建设。现将有关情况报告如下：")
    numbered(document, "加强组织领导", 0)
    document.add_paragraph("县政府把法治政府建设纳入年度重点工作，全年专题研究6次。")
    numbered(document, "完善工作机制", 1)
    numbered(document, "建立月调度制度。全年召开调度会议12次，解决问题20余个。", 2)
    numbered(document, "落实述法评议。组织8个部门主要负责人现场述法。", 2)
    numbered(document, "强化考核评价", 1)
    numbered(document, "优化考核指标。法治建设考核分值提高到6%。", 2)  # numbering restarts: 1.
    numbered(document, "规范行政执法", 0)
    numbered(document, "开展案卷评查。评查案卷240卷，合格率97%以上。", 1)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "执法案件"
    table.rows[0].cells[1].text = "1860件"
    numbered(document, "推行柔性执法。对轻微违法行为依法免罚90余次。", 1)
    numbered(document, "存在的不足", 0)
    document.add_paragraph("基层执法力量不足，部分执法人员业务能力有待提升。")
    numbered(document, "下一步工作打算", 0)
    document.add_paragraph("2025年，县政府将重点抓好执法队伍建设和普法宣传两项工作。")
    document.add_paragraph("澄溪县人民政府")
    document.add_paragraph("2025年2月20日")
    document.save(str(path))
    return path


def test_word_list_numbering_is_rendered_as_printed(tmp_path):
    source = read_docx(make_report(tmp_path / "report.docx"))
    lines = source.text.split("\n")
    assert "一、加强组织领导" in lines
    assert "（一）完善工作机制" in lines
    assert "1.建立月调度制度。全年召开调度会议12次，解决问题20余个。" in lines
    assert "2.落实述法评议。组织8个部门主要负责人现场述法。" in lines
    assert "（二）强化考核评价" in lines
    assert "1.优化考核指标。法治建设考核分值提高到6%。" in lines  # restarted under （二）
    assert "二、规范行政执法" in lines and "（一）开展案卷评查。评查案卷240卷，合格率97%以上。" in lines
    assert "执法案件  1860件" in lines  # a table row
    assert "三、存在的不足" in lines and "四、下一步工作打算" in lines
    assert source.unit == "paragraph" and source.read_as == "Word .docx"


def test_a_docx_report_is_imported_and_passes_check(tmp_path, data, capsys):
    path = make_report(tmp_path / "report.docx")
    assert main(["import", str(path), "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert "read as: Word .docx" in out
    assert "paragraph 12: “执法案件 1860件” — a paragraph after an item's text; kept in s2-1" in out
    doc = read_yaml(data / "chengxi" / "fzzf" / "2024.yaml").value
    assert outline(doc) == [
        "title: 澄溪县2024年法治政府建设年度报告",
        "preamble: 2024年，澄溪县人民政…",
        "s1 一、 加强组织领导 <leadership>",
        "s1 lead: 县政府把法治政府建设纳入…",
        "s1-1 （一） 完善工作机制",
        "s1-1-1 1. [建立月调度制度。] 全年召开调度会议12次，…",
        "s1-1-2 2. [落实述法评议。] 组织8个部门主要负责人现…",
        "s1-2 （二） 强化考核评价",
        "s1-2-1 1. [优化考核指标。] 法治建设考核分值提高到6…",
        "s2 二、 规范行政执法 <law-enforcement>",
        "s2-1 （一） [开展案卷评查。] 评查案卷240卷，合格率…",
        "s2-2 （二） [推行柔性执法。] 对轻微违法行为依法免罚9…",
        "shortcomings 三、 存在的不足",
        "shortcomings intro: 基层执法力量不足，部分执…",
        "next-steps 四、 下一步工作打算",
        "next-steps intro: 2025年，县政府将重点…",
        "signature: 澄溪县人民政府",
        "date_line: 2025年2月20日",
    ]
    text = read_docx(path).text
    assert squeeze(reading_text(doc)) == squeeze(without(text, remove_artefacts(text).removed))
    assert main(["lock", str(data)]) == 0  # the first reports of the archive: its lock
    capsys.readouterr()
    assert main(["check", str(data)]) == 1  # only what the text cannot tell: the source address
    assert only_citation_warnings(capsys.readouterr().out)


def test_numbering_from_a_paragraph_style(tmp_path):
    document = docx.Document()
    add_numbering(document)
    style = document.styles.add_style("报告部分", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    numpr = style.element.get_or_add_pPr().get_or_add_numPr()
    numpr.get_or_add_numId().val = NUM_ID
    numpr.get_or_add_ilvl().val = 0
    document.add_paragraph("青禾县2024年度述法报告")
    document.add_paragraph("坚持依法决策", style="报告部分")
    document.add_paragraph("推进严格执法", style="报告部分")
    path = tmp_path / "styled.docx"
    document.save(str(path))
    assert read_docx(path).text.split("\n") == [
        "青禾县2024年度述法报告",
        "一、坚持依法决策",
        "二、推进严格执法",
    ]


@pytest.mark.parametrize(
    ("fmt", "n", "shown"),
    [
        ("decimal", 12, "12"),
        ("chineseCounting", 11, "十一"),
        ("chineseCountingThousand", 20, "二十"),
        ("chineseLegalSimplified", 3, "叁"),
        ("ideographTraditional", 2, "乙"),
        ("decimalEnclosedCircle", 3, "③"),
        ("decimalFullWidth", 7, "７"),
        ("upperLetter", 27, "AA"),
        ("lowerRoman", 4, "iv"),
        ("bullet", 1, "1"),
    ],
)
def test_word_number_formats(fmt, n, shown):
    assert format_number(n, fmt) == shown


def test_chinese_numerals():
    assert [format_number(n, "chineseCounting") for n in (1, 10, 15, 21, 100, 105, 230)] == [
        "一", "十", "十五", "二十一", "一百", "一百〇五", "二百三十",
    ]  # fmt: skip
