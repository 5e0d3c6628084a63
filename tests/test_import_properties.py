"""Properties of the importer on arbitrary input (Hypothesis): it never raises, it never loses text.

* Any text parses, and the text fields of the outline in reading order are the
  text minus the artefacts reported as removed (whitespace aside).
* The whole pipeline either refuses the text with :class:`ImportFailure` (a
  message for the user) or produces a data file that the project's loader
  reads back unchanged and `shufa check` accepts.
* Any bytes either decode or are refused with :class:`ImportFailure`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import IMPORT_FIXTURES
from shufa.importing.artefacts import remove_artefacts, without
from shufa.importing.decoding import decode
from shufa.importing.document import build_document
from shufa.importing.pipeline import Options, checked_registries, prepare_text, write
from shufa.importing.reading import ImportFailure, SourceText
from shufa.importing.roundtrip import reading_text, squeeze
from shufa.importing.structure import parse

REGISTRIES = checked_registries(IMPORT_FIXTURES / "data")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Pieces of the genre, so that generated text exercises markers, closing cues and artefacts.
PIECES = [
    "一、", "二、", "三、", "四、", "（一）", "(二)", "（三）", "1.", "2．", "3、", "（1）", "(2)", "①", "②",
    "第一，", "第二、", "一是", "二是", "三是", "。", "，", "：", "；", "\n", "\n", "\n", "\n",
    "2.8万余份", "160余场", "98%以上", "十余次", "3个工作日", "1.2亿元", "**", "XX", "×××", "*次",
    "##paidbegin##", "$$paidend$$", "来源：青禾县司法局 发布时间：2024-01-02", "首页 > 政务公开 > 报告",
    "打印本页 关闭窗口", "(略)", "www.example.com", "- 2 -", "存在的不足", "仍存在一些不足，主要表现在：",
    "下一步，我将", "2024年，我将继续", "下一步工作打算", "青禾县", "澄溪县", "**县", "县长", "报告",
    "述法报告", "法治政府建设年度报告", "2023年度", "人民政府", "现将有关情况报告如下：", "二〇二四年一月二日",
    "2024年1月22日", " ", "\u3000", "\t", "\u200b", "\x00", "\x07", "\r\n", "\u2028", "\ufeff", "“", "”",
    "加强学习", "完善制度", "依法行政",
]  # fmt: skip

GENRE_TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=80).map("".join)
PHRASE = st.lists(
    st.one_of(st.sampled_from([p for p in PIECES if p not in ("\n", "\r\n")]), st.text(max_size=4)),
    min_size=1,
    max_size=10,
).map("".join)
CN = "一二三四五六七八九十"
ITEM_STYLES = [
    lambda n: f"（{CN[n - 1]}）",
    lambda n: f"{n}.",
    lambda n: f"（{n}）",
    lambda n: f"{CN[n - 1]}是",
    lambda n: f"第{CN[n - 1]}，",
    lambda n: chr(0x245F + n),
]


@st.composite
def reports(draw) -> str:
    """Texts shaped like reports: a title, numbered sections and items, noise, closing lines."""
    lines = [draw(st.sampled_from(["青禾县县长2023年度述法报告", "澄溪县2023年法治政府建设年度报告", ""]))]
    lines += draw(st.lists(PHRASE, max_size=2))
    for s in range(draw(st.integers(1, 4))):
        lines.append(f"{CN[s]}、{draw(PHRASE)}")
        styles = draw(st.lists(st.sampled_from(ITEM_STYLES), min_size=1, max_size=3, unique=True))
        numbers = [0] * len(styles)
        for _ in range(draw(st.integers(0, 5))):
            depth = draw(st.integers(0, len(styles) - 1))
            numbers[depth] += 1
            numbers[depth + 1 :] = [0] * (len(styles) - depth - 1)
            lines.append(styles[depth](min(numbers[depth], 10)) + draw(PHRASE))
            if draw(st.integers(0, 3)) == 0:
                lines.append(draw(PHRASE))
    closing = [
        "存在的不足",
        "一是",
        "二是",
        "下一步，我将继续",
        "2024年，我将",
        "青禾县人民政府",
        "2024年1月22日",
    ]
    lines += [
        c + draw(PHRASE) if draw(st.booleans()) else c
        for c in draw(st.lists(st.sampled_from(closing), max_size=5))
    ]
    joins = draw(
        st.lists(
            st.sampled_from(["\n", "\n", "\n", "", "\r\n", "\n\n"]), min_size=len(lines), max_size=len(lines)
        )
    )
    return "".join(line + join for line, join in zip(lines, joins, strict=True))


ANY_TEXT = st.one_of(st.text(), GENRE_TEXT, reports())


@SETTINGS
@given(ANY_TEXT)
@example(":WWW.$$PAID$$")  # a URL overlapping a paywall marker
@example("##\x1fpaidbegin##一、甲\n二、乙")  # a control character inside a marker
def test_arbitrary_text_parses_and_loses_nothing(text):
    cleaned = remove_artefacts(text)
    outline = parse(cleaned.lines)
    document = build_document(outline, lambda node: "leadership").document
    assert squeeze(reading_text(document)) == squeeze(without(text, cleaned.removed))
    for artefact in cleaned.removed:
        assert squeeze(text[artefact.start : artefact.end]) == squeeze(artefact.text)


@SETTINGS
@given(ANY_TEXT)
def test_the_pipeline_refuses_or_writes_a_file_check_accepts(text):
    options = Options(county="qinghe", kind="shufa", year=2023)
    try:
        prepared = prepare_text(SourceText(text, "generated"), REGISTRIES, options)
    except ImportFailure as exc:
        assert str(exc)
        return
    assert squeeze(reading_text(prepared.document)) == squeeze(prepared.body)
    with tempfile.TemporaryDirectory() as folder:
        prepared.target = Path(folder) / "report.yaml"
        write(prepared, REGISTRIES)  # reads it back, validates, runs check_report; raises if not clean
        assert prepared.target.read_text(encoding="utf-8") == prepared.text


@SETTINGS
@given(st.one_of(st.binary(max_size=400), ANY_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_any_bytes_decode_or_are_refused(raw):
    try:
        text, how = decode(raw)
    except ImportFailure as exc:
        assert str(exc)
        return
    assert text.strip() and how
