"""Properties of the importer on arbitrary input (Hypothesis): it never raises, it never loses text.

* Any text parses, and the text fields of the outline in reading order are the
  text minus what is listed as removed (artefacts, the byline that went to
  ``author``), whitespace aside: every character of the input is either in the
  data file or in a listed removal.
* The whole pipeline either refuses the text with :class:`ImportFailure` (a
  message for the user) or produces a data file that the project's loader
  reads back unchanged and `shufa check` accepts, holding the same text.
* Any bytes either decode or are refused with :class:`ImportFailure`.

The strategies lean towards what went wrong before: line ends of every kind
(``\r``, ``\r\n``, U+2028), short lines that read as bylines (``县长一``) or titles,
punctuation alone on a line; explicit examples pin the cases found, so they
are tried on every run, not when Hypothesis happens to draw them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import IMPORT_FIXTURES
from shufa.importing.artefacts import without
from shufa.importing.decoding import decode
from shufa.importing.document import build_document
from shufa.importing.pipeline import Options, checked_registries, prepare_text, read_text, write
from shufa.importing.reading import ImportFailure, SourceText
from shufa.importing.roundtrip import reading_text, squeeze

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
    # what lost text before: bylines under a short first line, lone CR line ends, punctuation alone
    "\r", "\r", ":", "：", "县长一", "县长 林某", "县长　×××", "区长 王**", "青禾县人民政府县长　林晓东", "范文",
    "——2024年1月26日在县人大常委会会议上", "2023年，我县坚持依法行政。现将有关情况报告如下：",
]  # fmt: skip
#: Line ends of every kind, lone CR first (Hypothesis shrinks towards the first element).
BREAKS = ["\r", "\n", "\r\n", "\u2028", "\x85", "\n\n"]

GENRE_TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=80).map("".join)
#: Short lines (a first line, a byline, a leftover) joined by line ends of every kind.
SHORT_LINES = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(PIECES), st.text(alphabet="县区长一二林某*×：:。 ", max_size=5)),
        st.sampled_from(BREAKS),
    ),
    min_size=1,
    max_size=8,
).map(lambda pairs: "".join(line + brk for line, brk in pairs))
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
            st.sampled_from(["\n", "\n", "\n", "", "\r\n", "\n\n", "\r"]),
            min_size=len(lines),
            max_size=len(lines),
        )
    )
    return "".join(line + join for line, join in zip(lines, joins, strict=True))


FILLER = "县政府坚持依法行政，全年审查规范性文件86件，开展执法检查23次。"


@st.composite
def flattened(draw) -> str:
    """A report whose line breaks were lost (a copy out of a PDF viewer): one long line."""
    lines = draw(reports()).splitlines()
    lines = [line + FILLER * draw(st.integers(0, 3)) for line in lines]
    return draw(st.sampled_from(["", " ", "\u3000"])).join(lines)


ANY_TEXT = st.one_of(st.text(), GENRE_TEXT, SHORT_LINES, reports(), flattened())

#: Inputs that lost text or crashed before; each is tried on every run.
FOUND = [
    ":WWW.$$PAID$$",  # a URL overlapping a paywall marker
    "##\x1fpaidbegin##一、甲\n二、乙",  # a control character inside a marker
    ":\r县长一",  # issue 20: a byline under a first line that is no title, lone CR
    ":\n县长一",
    "标题\r县长 林某\r一、甲。\r二、乙。",  # lone CR line ends throughout
    "青禾县县长2023年度述法报告\r\n县长　×××\r\n一、甲。\r\n二、乙。",
    "——2024年1月26日在县人大常委会会议上\r县长 林某\r一、甲。\r二、乙。",  # a subtitle opens the text
    "2023年，我县坚持依法行政。现将有关情况报告如下：\r县长一\r一、甲。\r二、乙。",  # no title
    "青禾县县长2023年度述法报告\r范文\r一、甲。\r二、乙。\r林某",  # a leftover line, a bare name
]


def _examples(test):
    for text in FOUND:
        test = example(text)(test)
    return test


@SETTINGS
@given(ANY_TEXT)
@_examples
def test_arbitrary_text_parses_and_loses_nothing(text):
    cleaned, outline = read_text(text)
    document = build_document(outline, lambda node: "leadership").document
    assert squeeze(reading_text(document)) == squeeze(without(text, cleaned.removed))
    for artefact in cleaned.removed:
        assert squeeze(text[artefact.start : artefact.end]) == squeeze(artefact.text)


@SETTINGS
@given(ANY_TEXT)
@_examples
def test_the_pipeline_refuses_or_writes_a_file_check_accepts(text):
    options = Options(county="qinghe", kind="shufa", year=2023)
    try:
        prepared = prepare_text(SourceText(text, "generated"), REGISTRIES, options)
    except ImportFailure as exc:
        assert str(exc)
        return
    # every character of the input is in the data file or in a removal the summary lists
    listed = prepared.summary.removed
    printed = reading_text(prepared.document)
    if prepared.outline.title_from != "text":  # a title the text does not print is not its text
        printed = printed.removeprefix(prepared.document["title"])
    assert squeeze(printed) == squeeze(without(text, listed))
    for artefact in listed:
        assert squeeze(text[artefact.start : artefact.end]) == squeeze(artefact.text)
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
