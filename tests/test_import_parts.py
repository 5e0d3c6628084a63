"""The importer's modules one by one: markers, structure, artefacts, decoding, genre, metadata, writing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import IMPORT_FIXTURES
from shufa.core.model import County
from shufa.core.yamlfile import read_yaml
from shufa.importing.artefacts import Line, remove_artefacts, without
from shufa.importing.decoding import decode, plausibility
from shufa.importing.document import build_document
from shufa.importing.genre import (
    date_of,
    is_signature,
    next_steps_cue,
    not_a_report,
    shortcomings_cue,
    subtitle_facts,
    title_like,
)
from shufa.importing.html import without_site_name
from shufa.importing.markers import inline_markers, line_marker
from shufa.importing.metadata import derived_title, detect
from shufa.importing.pipeline import checked_registries
from shufa.importing.reading import ImportFailure
from shufa.importing.structure import parse
from shufa.importing.writing import dump_report, quoted, write_new_file

REGISTRIES = checked_registries(IMPORT_FIXTURES / "data")


def outline_of(text: str):
    cleaned = remove_artefacts(text)
    return parse(cleaned.lines), cleaned


def shape(text: str) -> list[str]:
    """anchor + marker of every part, e.g. ``s1-2-1 1.``."""
    outline, _ = outline_of(text)
    built = build_document(outline, lambda node: "leadership")
    out = []
    for node in [*outline.sections, *outline.closing_parts]:
        for part in node.walk():
            out.append(f"{built.anchor(part)} {part.marker}".rstrip())
    return out


# --- markers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "style", "value", "printed"),
    [
        ("一、坚持", "cn-dun", 1, "一、"),
        ("十二、其他", "cn-dun", 12, "十二、"),
        ("（三）加强", "cn-paren", 3, "（三）"),
        ("(四)加强", "cn-paren", 4, "(四)"),
        ("1.全面", "ar-dot", 1, "1."),
        ("2．规范", "ar-dot", 2, "2．"),
        ("3、推行", "ar-dot", 3, "3、"),
        ("（1）完善", "ar-paren", 1, "（1）"),
        ("②组织", "circled", 2, "②"),
        ("第一，健全", "di", 1, "第一，"),
        ("第二、压实", "di", 2, "第二、"),
        ("三是注重", "yishi", 3, "三是"),
    ],
)
def test_line_markers(line, style, value, printed):
    marker = line_marker(line)
    assert (marker.style, marker.value, marker.text) == (style, value, printed)


@pytest.mark.parametrize(
    "line", ["2.8万余份，推动执法", "3.5%的企业", "第一、二季度", "一、", "（一）", "第一时间"]
)
def test_not_markers(line):
    assert line_marker(line) is None


def test_inline_markers_start_sentences():
    text = "我始终坚持。一是强化统筹。全年5次。二是压实责任；三是带头述法。统一是原则。"
    assert [m.text for m in inline_markers(text)] == ["一是", "二是", "三是"]
    assert [m.text for m in inline_markers("主要有：一是二是。")] == ["一是"]  # 二是 starts no sentence


# --- structure ----------------------------------------------------------------------------------


def test_nesting_four_levels_and_numbering_that_restarts():
    text = "标题报告\n一、部分\n（一）甲\n1.子一。正文。\n（1）细一。正文。\n（2）细二。正文。\n2.子二。正文。\n（二）乙\n1.子三。正文。\n二、部分二\n1.直接在一之下。正文。"
    assert shape(text) == [
        "s1 一、", "s1-1 （一）", "s1-1-1 1.", "s1-1-1-1 （1）", "s1-1-1-2 （2）", "s1-1-2 2.",
        "s1-2 （二）", "s1-2-1 1.", "s2 二、", "s2-1 1.",
    ]  # fmt: skip


def test_numbering_that_runs_on_across_subsections():
    text = "标题报告\n一、部分\n（一）甲\n1.一。正文。\n2.二。正文。\n（二）乙\n3.三。正文。\n二、部分二\n（三）丙。正文。"
    assert shape(text) == ["s1 一、", "s1-1 （一）", "s1-1-1 1.", "s1-1-2 2.", "s1-2 （二）", "s1-2-1 3.",
                           "s2 二、", "s2-1 （三）"]  # fmt: skip


def test_a_number_at_a_line_start_that_breaks_the_numbering_is_text_and_reported():
    outline, _ = outline_of(
        "标题报告\n一、部分\n1.甲项工作。正文。\n3.丙项工作。正文。\n2.8万余份资料。\n二、部分二\n正文。"
    )
    assert [i.marker for i in outline.sections[0].items] == ["1."]
    assert outline.sections[0].items[0].text == ["正文。", "3.丙项工作。正文。", "2.8万余份资料。"]
    assert [(u.line, u.reason) for u in outline.unplaced] == [
        (4, "numbered (“3.”) but does not continue the numbering"),
        (5, "a paragraph after an item's text"),
    ]


def test_hard_line_breaks_are_joined_inside_a_paragraph():
    outline, _ = outline_of(
        "标题报告\n一、部分\n1.甲项工作。全年发放执法服务告知书，面向市场主体和个体工商户发放\n2.8万余份，推动关口前移。"
    )
    assert outline.sections[0].items[0].text == [
        "全年发放执法服务告知书，面向市场主体和个体工商户发放2.8万余份，推动关口前移。"
    ]
    assert outline.unplaced == []


def test_a_marker_alone_on_its_line_joins_the_next_line():
    assert shape("标题报告\n一、\n坚持依法决策\n二、\n加强执法") == ["s1 一、", "s2 二、"]


def test_run_in_labels():
    outline, _ = outline_of(
        "标题报告\n一、部分\n一是主动担当履职。按照要求推进。\n二是运用法治思维和法治方式推动发展、化解矛盾的能力还需提升。\n"
        "三是全年办理案件32件。其中行政处罚20件。\n四是加强队伍建设\n组织全员轮训。"
    )
    items = outline.sections[0].items
    assert [(i.head, i.text) for i in items] == [
        ("主动担当履职。", ["按照要求推进。"]),
        ("", ["运用法治思维和法治方式推动发展、化解矛盾的能力还需提升。"]),  # too long for a label
        ("", ["全年办理案件32件。其中行政处罚20件。"]),  # a figure is not a label
        ("加强队伍建设", ["组织全员轮训。"]),  # a short heading line labels the paragraph below
    ]


def test_closing_parts_as_unnumbered_paragraphs_and_a_signature():
    outline, _ = outline_of(
        "青禾县县长2023年度述法报告\n一、部分\n正文。\n二、部分二\n正文。\n"
        "一年来虽然做了一些工作，但仍存在一些不足，主要表现在：一是学法不深；二是执法不严。\n"
        "2024年，我将继续努力：一是加强学习；二是规范执法。\n青禾县人民政府县长\n2024年1月22日"
    )
    assert len(outline.sections) == 2
    assert outline.shortcomings.lead == ["一年来虽然做了一些工作，但仍存在一些不足，主要表现在："]
    assert [i.marker for i in outline.shortcomings.items] == ["一是", "二是"]
    assert outline.next_steps.lead == ["2024年，我将继续努力："]
    assert (outline.signature, outline.date_line) == ("青禾县人民政府县长", "2024年1月22日")


def test_one_closing_paragraph_holding_both_parts():
    outline, _ = outline_of(
        "标题报告\n一、部分\n正文。\n二、部分二\n正文。\n工作中还存在一些短板。下一步，我们将补齐短板。"
    )
    assert outline.shortcomings.lead == ["工作中还存在一些短板。"]
    assert outline.next_steps.lead == ["下一步，我们将补齐短板。"]


def test_a_title_in_two_lines_and_a_subtitle():
    outline, _ = outline_of(
        "澄溪县人民政府\n关于2023年度法治政府建设情况的报告\n——在县人大常委会会议上\n一、部分\n正文。"
    )
    assert outline.title == "澄溪县人民政府关于2023年度法治政府建设情况的报告"
    assert outline.subtitle == "——在县人大常委会会议上"  # a field of its own (issue 14)


def test_subtitle_byline_signature_and_numbered_closing_sections():
    """The shapes of issue 14: none of them lands in the title or in a text field of the body."""
    text = (
        "青禾县人民政府关于2023年度法治政府建设情况的报告\n"
        "——2024年1月26日在县第十八届人民代表大会常务委员会第十五次会议上\n"
        "青禾县人民政府县长　×××\n"
        "主任、各位副主任，各位委员：\n"
        "一、主要工作\n全年办理行政复议案件16件。\n"
        "二、依法决策\n重大行政决策事项全部经过合法性审查。\n"
        "三、存在的不足和原因\n一是执法力量不足；二是培训覆盖面不广。\n"
        "四、2024年推进法治政府建设的主要安排\n一是加强督察；二是规范执法。\n"
        "×××\n2024年1月26日"
    )
    outline, _ = outline_of(text)
    assert outline.title == "青禾县人民政府关于2023年度法治政府建设情况的报告"
    assert outline.subtitle.startswith("——2024年1月26日")
    assert outline.byline.text == "青禾县人民政府县长　×××"
    assert outline.preamble == ["主任、各位副主任，各位委员："]
    assert (outline.signature, outline.date_line) == ("×××", "2024年1月26日")
    assert [s.marker for s in outline.sections] == ["一、", "二、"]
    assert (outline.shortcomings.marker, outline.shortcomings.head) == ("三、", "存在的不足和原因")
    assert outline.next_steps.head == "2024年推进法治政府建设的主要安排"
    assert outline.next_steps.items[-1].text == ["规范执法。"]  # the signature is not glued on
    built = build_document(outline, lambda node: "leadership")
    closing = built.document["closing"]
    assert (closing["shortcomings"]["ordinal"], closing["next_steps"]["ordinal"]) == (3, 4)
    assert built.anchor(outline.next_steps.items[0]) == "s4-1"
    assert subtitle_facts(outline.subtitle) == ("2024-01-26", "县第十八届人民代表大会常务委员会第十五次会议")


def test_parse_never_drops_text_on_odd_input():
    for text in ("", "\n\n", "一、", "一、只有一个部分", "标题\n（一）\n（二）"):
        outline, cleaned = outline_of(text)
        built = build_document(outline, lambda node: "leadership")
        from shufa.importing.roundtrip import reading_text, squeeze

        assert squeeze(reading_text(built.document)) == squeeze(cleaned.body)


# --- artefacts ---------------------------------------------------------------------------------


def test_a_paywall_marker_glued_into_a_sentence_leaves_the_sentence_whole():
    text = "标题报告\n一、部分\n全年开展会前学法##paidend##15次，效果良好。"
    cleaned = remove_artefacts(text)
    assert [a.kind for a in cleaned.removed] == ["paywall marker"]
    outline = parse(cleaned.lines)
    assert outline.sections[0].lead == ["全年开展会前学法15次，效果良好。"]


def test_artefact_spans_rebuild_the_input():
    text = "首页 > 政务公开 > 述法\n北亭区报告\n\u200b一、部分 www.example.com\n- 3 -\n正文（略）。"
    cleaned = remove_artefacts(text)
    assert [a.kind for a in cleaned.removed] == ["site chrome", "invisible characters", "watermark URL",
                                                 "page number"]  # fmt: skip
    assert cleaned.lines[1] == Line("一、部分", 3)
    assert without(text, cleaned.removed) == "\n北亭区报告\n一、部分 \n\n正文（略）。"
    assert [g.number for g in cleaned.gaps] == [5]


def test_stray_spaces_between_chinese_characters_are_removed_and_counted():
    cleaned = remove_artefacts("全年开展 会前学法 15 次，参加人员 达到 200人次 ，version 2 stays")
    assert cleaned.lines == [Line("全年开展会前学法15次，参加人员达到200人次，version 2 stays", 1)]
    assert cleaned.stray_spaces == 6


def test_control_and_invisible_characters_are_removed():
    cleaned = remove_artefacts("标题\x07报告\u202e\n正文\ufeff。")
    assert [line.text for line in cleaned.lines] == ["标题报告", "正文。"]
    assert all(a.kind == "invisible characters" for a in cleaned.removed)


# --- decoding -----------------------------------------------------------------------------------


def test_plausibility_tells_text_from_mojibake():
    text = (IMPORT_FIXTURES / "qinghe-shufa-2020.txt").read_text(encoding="utf-8")
    assert plausibility(text) > 0.99
    assert plausibility(text.encode("utf-8").decode("gb18030", "replace")) < 0.6
    assert plausibility(text.encode("gbk").decode("big5", "replace")) < 0.6


def test_a_byte_order_mark_that_lies_is_refused():
    with pytest.raises(ImportFailure, match="byte-order mark"):
        decode(b"\xff\xfe" + b"\x00\xd8")  # a lone surrogate in UTF-16


# --- genre ----------------------------------------------------------------------------------------


def test_date_lines():
    assert date_of("2024年1月22日") == "2024-01-22"
    assert date_of("（二〇二四年一月二十二日）") == "2024-01-22"
    assert date_of("2024年2月30日") is None
    assert date_of("2024年1月22日印发") is None


def test_signatures_and_closing_cues():
    assert is_signature("澄溪县人民政府") and is_signature("县长 林**") and is_signature("青禾县人民政府县长")
    assert not is_signature("存在的不足") and not is_signature("我县人民政府高度重视，")
    assert shortcomings_cue("存在的不足") and shortcomings_cue("但仍存在一些差距，主要表现在：")
    assert not shortcomings_cue("全年解决群众反映的问题26个。")
    assert next_steps_cue("下一步工作打算") and next_steps_cue("2024年，县政府将重点抓好以下工作：")
    assert not next_steps_cue("2023年，县政府全年办理案件32件。")


# --- metadata ---------------------------------------------------------------------------------------


def meta(text: str, **given):
    outline, cleaned = outline_of(text)
    return detect(outline, cleaned, REGISTRIES.counties, REGISTRIES.kinds, **given)


def test_the_year_covered_not_the_year_published():
    assert meta("青禾县县长述法报告\n一、部分\n正文。\n二、部分\n正文。\n2024年1月22日").year.value == 2023
    assert (
        meta("青禾县县长述法报告（2024年1月）\n2023年，我县坚持依法行政。\n一、部分\n正文。").year.value
        == 2023
    )
    assert meta("青禾县县长二〇二二年度述法报告\n一、部分\n正文。").year.value == 2022


def test_the_kind_from_its_name_in_kinds_yaml():
    assert meta("澄溪县关于2023年度法治政府建设情况的报告\n一、部分").kind.value == "fzzf"
    assert meta("澄溪县2023年度法治政府建设情况述法报告\n一、部分").kind.value == "shufa"
    assert meta("青禾县县长2023年度履行推进法治建设第一责任人职责情况报告\n一、部分").kind.value == "shufa"
    with pytest.raises(ImportFailure, match="--kind"):
        meta("青禾县2023年度工作总结\n一、部分")


def test_the_county_from_a_former_name_in_its_note():
    assert meta("北亭县县长2019年度述法报告\n一、部分").county.value == "beiting"  # 原北亭县


@pytest.mark.parametrize(
    "title", ["XX县2023年度述法报告", "×××县县长2023年度述法报告", "**县2023年度述法报告"]
)
def test_a_redacted_county_is_never_taken(title):
    with pytest.raises(ImportFailure, match="redacted"):
        meta(f"{title}\n一、部分\n青禾县的经验。")
    assert meta(f"{title}\n一、部分", county="qinghe").county.value == "qinghe"


# --- writing ------------------------------------------------------------------------------------------


def test_quoting_escapes_only_what_must_be():
    assert quoted('他说"好"\\') == '"他说\\"好\\"\\\\"'
    assert quoted("甲\t乙") == '"甲\\t乙"'
    assert yaml.safe_load("v: " + quoted("“八五”普法：* & # | > %")) == {"v": "“八五”普法：* & # | > %"}


def test_dump_reads_back_the_same(tmp_path):
    doc = {
        "title": "标题", "year": 2023, "schema": 1, "kind": "shufa", "county": "qinghe",
        "preamble": "第一段。\n第二段。", "date": {"issued": "2024-01-22"},
        "sections": [{"topic": "study", "heading": "学法", "marker": "一、", "ordinal": 1,
                      "items": [{"text": "#不是注释: 也不是键", "marker": "1.", "ordinal": 1}]}],
    }  # fmt: skip
    text = dump_report(doc)
    assert text.startswith('schema: 1\ncounty: qinghe\nkind: shufa\nyear: 2023\ntitle: "标题"\n')
    assert "preamble: |-\n  第一段。\n  第二段。\n" in text
    path = tmp_path / "2023.yaml"
    path.write_text(text, encoding="utf-8")
    assert read_yaml(path).value == doc


def test_write_new_file_refuses_an_existing_file(tmp_path):
    target = tmp_path / "a" / "b.yaml"
    write_new_file(target, "x: 1\n")
    with pytest.raises(ImportFailure, match="exists; not overwritten"):
        write_new_file(target, "x: 2\n")
    write_new_file(target, "x: 3\n", force=True)
    assert target.read_text() == "x: 3\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["b.yaml"]


def test_a_new_folder_goes_when_the_check_fails(tmp_path):
    def refuse(path: Path) -> None:
        raise ImportFailure("no")

    with pytest.raises(ImportFailure):
        write_new_file(tmp_path / "new" / "deeper" / "c.yaml", "x: 1\n", check=refuse)
    assert list(tmp_path.iterdir()) == []


# --- real published shapes (issue 20) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("青禾县县长2023年度述法报告", True),
        ("关于2023年度法治政府建设情况的报告", True),
        ("2023年，某区坚持依法行政。现将有关情况报告如下：", False),  # the opening, not a title
        ("各位代表：", False),
        ("主任、各位副主任，各位委员:", False),  # ASCII colon as well
        ("2023年,我县坚持依法行政,", False),
        ("青禾县人民政府关于" + "推进" * 30 + "的报告", False),  # longer than 60 characters
        ("2024年1月22日", False),
        ("——2024年1月26日在县人大常委会会议上", False),  # a subtitle
    ],
)
def test_a_title_is_never_a_sentence(line, title):
    assert title_like(line) is title
    outline, _ = outline_of(f"{line}\n一、部分\n正文。\n二、部分二\n正文。")
    assert (outline.title == line) is title
    if not title and not line.startswith("——") and not date_of(line):
        assert outline.preamble[0] == line  # kept as text of the report


def test_a_subtitle_may_open_the_text_when_the_page_printed_the_title_elsewhere():
    outline, _ = outline_of("——2024年1月26日在县人大常委会会议上\n县长　林**\n各位委员：\n一、部分\n正文。")
    assert (outline.title, outline.subtitle) == ("", "——2024年1月26日在县人大常委会会议上")
    assert outline.byline.text == "县长　林**" and outline.preamble == ["各位委员："]


def test_a_label_alone_on_its_line_labels_the_text_below():
    outline, _ = outline_of(
        "标题报告\n一、部分\n一是强化领导。\n全年召开会议3次。\n二是严格执法。\n评查案卷320卷。\n三是加强宣传。\n四是完善制度。"
    )
    items = outline.sections[0].items
    assert [(i.head, i.text) for i in items] == [
        ("强化领导。", ["全年召开会议3次。"]),
        ("严格执法。", ["评查案卷320卷。"]),
        ("", ["加强宣传。"]),  # a short item with nothing below stays text
        ("", ["完善制度。"]),
    ]
    assert outline.unplaced == []


def test_an_inline_list_glued_to_a_heading_starts_at_its_first_marker():
    outline, _ = outline_of(
        "标题报告\n一、部分\n（一）加强组织领导一是成立领导小组，由我任组长。二是完善考核办法。\n"
        "（二）带头学法　一是坚持会前学法。二是参加专题学习。\n"
        "（三）统一是非标准，形成共识。\n二、部分二\n正文。"
    )
    first, second, third = outline.sections[0].items
    assert (first.text, [(i.marker, i.text) for i in first.items]) == (
        ["加强组织领导"],
        [("一是", ["成立领导小组，由我任组长。"]), ("二是", ["完善考核办法。"])],
    )
    assert (second.text, [i.marker for i in second.items]) == (["带头学法"], ["一是", "二是"])
    assert (third.text, third.items) == (["统一是非标准，形成共识。"], [])  # no 二是 follows: text


def test_a_numbered_line_does_not_nest_under_an_item_opened_inside_a_paragraph():
    text = (
        "标题报告\n一、部分\n（一）健全机制。一是成立小组。二是完善考核。\n1.制定计划。正文。\n2.开展督察。正文。\n"
        "（二）压实责任\n3.签订责任书。正文。\n二、部分二\n正文。"
    )
    assert shape(text) == [
        "s1 一、", "s1-1 （一）", "s1-1-1 一是", "s1-1-2 二是", "s1-1-3 1.", "s1-1-4 2.", "s1-2 （二）", "s1-2-1 3.",
        "s2 二、",
    ]  # fmt: skip


def test_a_blank_line_ends_a_paragraph():
    lead = "县政府全年召开常务会议研究法治建设议题5次（具体议题附后）"
    glued, _ = outline_of(f"标题报告\n一、部分\n{lead}\n我带头遵守宪法和法律。\n正文。\n二、部分二\n正文。")
    apart, _ = outline_of(
        f"标题报告\n\n一、部分\n\n{lead}\n\n我带头遵守宪法和法律。\n正文。\n二、部分二\n正文。"
    )
    assert glued.sections[0].lead[0] == lead + "我带头遵守宪法和法律。"  # a line broken by the copy
    assert apart.sections[0].lead[:2] == [lead, "我带头遵守宪法和法律。"]
    # a copy with a blank line after every line tells nothing by its blank lines
    spaced, _ = outline_of(
        f"标题报告\n\n一、部分\n\n{lead}\n\n我带头遵守宪法和法律。\n\n二、部分二\n\n正文。"
    )
    assert spaced.sections[0].lead[0] == lead + "我带头遵守宪法和法律。"


def test_ascii_punctuation_reads_like_full_width():
    full = "标题报告\n一、加强领导，落实责任\n（一）健全机制。县政府成立小组，全年开会4次。\n（二）强化考核。纳入考核。\n二、存在的不足\n主要表现在：一是力量不足；二是宣传不够。"
    ascii_ = full.translate(str.maketrans("（），：；", "(),:;"))
    assert [s.replace("(", "（").replace(")", "）") for s in shape(ascii_)] == shape(full)
    outline, _ = outline_of(ascii_)
    assert [i.head for i in outline.sections[0].items] == ["健全机制。", "强化考核。"]
    assert [i.text for i in outline.shortcomings.items] == [["力量不足;"], ["宣传不够。"]]


def test_a_short_line_left_under_the_title_is_not_the_author():
    found = meta("青禾县县长2023年度述法报告\n正文\n一、部分\n正文。\n二、部分二\n正文。")
    assert found.author == {"role": "县长"}
    outline, _ = outline_of("青禾县县长2023年度述法报告\n林晓东\n一、部分\n正文。")
    assert outline.preamble[0] == "林晓东"
    assert [(u.line, u.reason) for u in outline.unplaced] == [
        (2, "a short line under the title, not a byline (no role such as 县长): not taken as the author")
    ]
    assert meta("青禾县县长2023年度述法报告\n县长　林晓东\n一、部分\n正文。").author["name"] == "林晓东"


def test_the_most_specific_unit_printed_is_the_one():
    counties = {**REGISTRIES.counties, "luxi": County(slug="luxi", name="鹭溪街道")}
    outline, cleaned = outline_of("北亭区鹭溪街道党工委书记2025年度述法报告\n一、部分\n正文。")
    found = detect(outline, cleaned, counties, REGISTRIES.kinds)
    assert (found.county.value, found.author) == ("luxi", {"role": "党工委书记"})


def test_a_derived_title_says_what_is_known():
    assert derived_title("棠河区", "法治政府建设年度报告", 2024) == "棠河区2024年度法治政府建设情况报告"
    assert derived_title("青禾县", "述法报告", 2023) == "青禾县2023年度述法报告"


@pytest.mark.parametrize(
    ("title", "headings", "opening", "what"),
    [
        ("【政策解读】关于《青禾县2023年法治政府建设年度报告》的政策解读", [], "", "a policy interpretation"),
        ("关于年度报告的说明", ["起草背景", "起草过程", "主要内容"], "", "a policy interpretation"),
        ("青禾县召开2023年度党政主要负责人述法评议会", [], "", "a news story about a 述法 meeting"),
        (
            "",
            [],
            "1月18日上午，青禾县召开述法评议会。县委书记出席会议并讲话。",
            "a news story about a 述法 meeting",
        ),
        ("青禾县县长2023年度述法报告", ["加强组织领导", "推进依法行政"], "2023年，我坚持依法行政。", None),
        ("关于组织开展2023年度述法评议工作情况的报告", [], "", None),  # a report about the meetings
        ("青禾县2023年法治政府建设年度报告", ["主要内容"], "", None),
    ],
)
def test_pages_about_a_report_that_are_not_one(title, headings, opening, what):
    found = not_a_report(title, headings, opening)
    assert (found or "").startswith(what) if what else found is None


def test_a_title_on_a_web_page_loses_the_site_name():
    assert (
        without_site_name("关于2023年度法治政府建设情况的报告_青屿区人民政府")
        == "关于2023年度法治政府建设情况的报告"
    )
    assert (
        without_site_name("青屿区政府网 - 青屿区2023年法治政府建设年度报告")
        == "青屿区2023年法治政府建设年度报告"
    )
    assert without_site_name("青禾县县长述法报告｜政务公开｜青禾县人民政府门户网站") == "青禾县县长述法报告"
    assert without_site_name("青禾县县长述法报告") == "青禾县县长述法报告"


def test_portal_and_copy_site_chrome_is_removed_and_listed():
    text = (
        "无障碍 简体｜繁体 长者模式\n今天是：2024年3月6日 星期三 农历正月廿六\n青禾县人民政府 2024年3月6日\n"
        "首页 政务公开 互动交流\n您所在的位置：首页 > 政务公开\n青禾县2023年法治政府建设年度报告\n"
        "发布时间：2024-03-05 来源：网友投稿\n青禾县2023年法治政府建设年度报告\n"
        "下面是小编为大家整理的青禾县2023年法治政府建设年度报告，供大家参考。\n范文\n"
        "2023年，我县坚持依法行政。现将有关情况报告如下：\n公文范文网\n一、部分\n正文。\n"
        "主办单位：青禾县人民政府办公室 网站标识码：9912210001\n本文由网友投稿上传，如有侵权请联系删除。"
    )
    cleaned = remove_artefacts(text)
    assert [(a.line, a.kind) for a in cleaned.removed] == [
        (1, "site chrome"), (2, "site chrome"), (3, "site chrome"),
        (4, "site chrome (above the title printed twice)"), (5, "site chrome"), (6, "duplicate title"),
        (7, "site chrome"), (9, "copy-site boilerplate"), (10, "copy-site chrome"), (12, "watermark site name"),
        (15, "site chrome"), (16, "copy-site boilerplate"),
    ]  # fmt: skip
    assert [line.text for line in cleaned.lines] == [
        "青禾县2023年法治政府建设年度报告", "2023年，我县坚持依法行政。现将有关情况报告如下：", "一、部分", "正文。",
    ]  # fmt: skip
    assert (cleaned.published, cleaned.source_note) == ("2024-03-05", "")  # 网友投稿 names no issuing body
    # a site name and date heads the page only: at the end it is a signature and its date
    assert remove_artefacts("标题报告\n一、部分\n正文。\n青禾县人民政府 2024年3月6日").removed == []


def test_a_flattened_report_is_split_at_its_numbering_and_says_so():
    body = "县政府坚持依法行政，全年审查规范性文件86件，开展执法检查23次。" * 4
    flat = (
        f"青禾县2021年度法治政府建设情况报告 2021年，我县坚持依法行政。现将有关情况报告如下：一、加强组织领导（一）健全机制。{body}"
        f"（二）压实责任。{body}二、推进依法行政 （一）规范决策。1.完善目录。{body}2.强化审查。{body}（二）严格执法 "
        f"3.推行三项制度。{body}三、存在的不足 一是力量不足；二是宣传不够。 青禾县人民政府 2022年2月18日"
    )
    cleaned = remove_artefacts(flat)
    assert [line.text[:8] for line in cleaned.lines] == [
        "青禾县2021年", "2021年，我县", "一、加强组织领导", "（一）健全机制。", "（二）压实责任。", "二、推进依法行政",
        "（一）规范决策。", "1.完善目录。县", "2.强化审查。县", "（二）严格执法", "3.推行三项制度", "三、存在的不足一",
        "青禾县人民政府", "2022年2月1",
    ]  # fmt: skip
    assert cleaned.notes == [
        "line 1 held the whole text on one line (its line breaks were lost, as in a copy from a PDF viewer or a "
        "copy site): split into 14 lines at 10 numbering markers in sequence (一、 （一） 1.), after the title "
        "and before the signature and date"
    ]
    assert without(flat, cleaned.removed) == flat  # cut, not changed


def test_an_enumeration_inside_a_paragraph_of_a_normal_report_stays_whole():
    paragraph = "主要表现在：一、执法力量不足，" + "基层执法人员数量偏少，" * 20 + "；二、宣传不够深入。"
    text = f"标题报告\n一、部分\n正文。\n二、部分二\n{paragraph}\n" + "\n".join(
        f"第{n}段正文。" * 20 for n in range(8)
    )
    cleaned = remove_artefacts(text)
    assert paragraph in [line.text for line in cleaned.lines] and cleaned.notes == []
