"""The shapes and cue words of the genre: title lines, bylines, date lines, closing parts,
and the pages that are about a report without being one (政策解读, news of a 述法 meeting).

Each predicate looks at one line (or the start of one paragraph) and is
deliberately narrow: a false "yes" moves text to the wrong field, a false
"no" only leaves it where it was.
"""

from __future__ import annotations

import datetime as dt
import re

from ..core.numerals import CN_DIGITS, YEAR_DIGITS, parse_chinese_number

#: Characters a paragraph ends with (a line without one was broken by the copy, or is a heading).
SENTENCE_END = "。！？!?；;：:…"
_CLOSERS = "”’」』）)】"

_CN_DIGIT = YEAR_DIGITS
_YEAR_DIGITS = {ch: value for ch, value in CN_DIGITS.items() if ch in _CN_DIGIT}
_DATE = re.compile(
    rf"^[（(]?\s*(?P<y>\d{{4}}|[{_CN_DIGIT}]{{4}})\s*年\s*(?P<m>\d{{1,2}}|[{_CN_DIGIT}十]{{1,3}})\s*月"
    rf"\s*(?P<d>\d{{1,2}}|[{_CN_DIGIT}十]{{1,3}})\s*日\s*[)）]?$"
)
#: Roles of the people who report (county level, and township level: 街道, 乡, 镇).
_ROLE = r"县长|区长|市长|旗长|州长|县委书记|区委书记|党工委书记|镇党委书记|乡党委书记|镇长|乡长|局长|主任"
_ORG_END = re.compile(rf"(?:人民政府|政府|办公室|办事处|司法局|委员会|党工委|局|{_ROLE})$")
_BYLINE = re.compile(
    rf"(?:{_ROLE})\s*[:：]?\s*(?P<name>[\u4e00-\u9fff]{{1,3}}[*＊×○]*|[\u4e00-\u9fff]?[*＊×○]+|[\u4e00-\u9fff]某某?)$"
)

SHORTCOMINGS_HEADING = re.compile(
    r"不足|存在的?(?:主要)?(?:问题|短板|差距|困难)|问题和差距|困难和问题|问题与困难|薄弱环节"
)
NEXT_STEPS_HEADING = re.compile(
    r"下一步|工作打算|工作计划|工作安排|工作思路|努力方向|今后(?:的)?工作|"
    r"(?:19|20)\d{2}年度?(?:的)?(?:工作)?(?:打算|计划|安排|思路|重点|目标)|"
    r"(?:19|20)\d{2}年[^。，；]{0,20}?的?(?:主要|重点)?(?:安排|打算|计划|思路|举措|任务)$"
)
_SHORTCOMINGS_CUE = re.compile(
    r"存在[^。，；：]{0,10}?(?:不足|问题|差距|短板|薄弱)|不足之处|主要表现在|(?:仍|还)有[^。]{0,10}?(?:不足|差距)"
    r"|(?:问题|差距)(?:和|与)不足|短板和不足"
)
_NEXT_STEPS_START = re.compile(
    r"^(?:下一步|今后|展望|新的一年|(?:19|20)\d{2}年[，,、]?"
    r"(?:我|我们|本人|我县|我区|我市|县政府|区政府|市政府|全县|全区|全市)?)"
)


#: The longest title: a longer first line is the opening paragraph, never the title.
TITLE_LIMIT = 60
#: A title never ends like a sentence or a clause (full-width or ASCII).
_NOT_TITLE_END = "。：:，,；;！!？?、"


def title_like(text: str) -> bool:
    """Can *text* be a report's title: one short line that is no sentence (no ``。``, not ending in
    ``：``/``，``, at most :data:`TITLE_LIMIT` characters), no date and no subtitle?"""
    text = text.strip()
    if not 0 < len(text) <= TITLE_LIMIT or "。" in text:
        return False
    stripped = text.rstrip(_CLOSERS)
    return (
        bool(stripped)
        and stripped[-1] not in _NOT_TITLE_END
        and not is_date_line(text)
        and not is_subtitle(text)
    )


def ends_sentence(text: str) -> bool:
    """Does *text* end a sentence (``。``, ``：``, ``；`` …, also before a closing quote)?"""
    stripped = text.rstrip().rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_END


def heading_like(text: str, limit: int = 40) -> bool:
    """A short line without sentence punctuation at its end: a heading, label or title."""
    return 0 < len(text) <= limit and not ends_sentence(text) and "。" not in text


def first_sentence(text: str) -> str:
    """*text* up to and including its first ``。`` (all of it when there is none)."""
    at = text.find("。")
    return text if at < 0 else text[: at + 1]


def is_date_line(text: str) -> bool:
    """``2024年1月22日``, ``（二〇二四年一月二十二日）``: a date alone on its line."""
    return date_of(text) is not None


def date_of(text: str) -> str | None:
    """The YYYY-MM-DD of a date line, or None."""
    m = _DATE.match(text.strip())
    if not m:
        return None
    parts = []
    for key in ("y", "m", "d"):
        raw = m.group(key)
        if raw.isdigit():
            parts.append(int(raw))
        elif key == "y":
            parts.append(int("".join(str(_YEAR_DIGITS[c]) for c in raw)))
        else:
            value = parse_chinese_number(raw)
            if value is None:
                return None
            parts.append(value)
    try:
        return dt.date(*parts).isoformat()
    except ValueError:
        return None


def is_signature(text: str) -> bool:
    """A signature line: an office (``澄溪县人民政府``) or a role and name, short and unpunctuated."""
    text = text.strip()
    if not heading_like(text, 30) or "，" in text or "," in text:
        return False
    return bool(_ORG_END.search(text) or _BYLINE.search(text))


_SUBTITLE = re.compile(r"^(?:——|—|--|－－|──|⸺)")
_OCCASION = re.compile(
    r"^[（(]?(?:[^（()）]{0,24}?)在(?P<occasion>[^（()）]{4,60}?(?:会议|大会|会))上[)）]?$"
)
_SUBTITLE_DATE = re.compile(
    rf"(?P<y>\d{{4}}|[{_CN_DIGIT}]{{4}})\s*年\s*(?P<m>\d{{1,2}}|[{_CN_DIGIT}十]{{1,3}})\s*月"
    rf"\s*(?P<d>\d{{1,2}}|[{_CN_DIGIT}十]{{1,3}})\s*日"
)
_BARE_NAME = re.compile(r"^(?:[\u4e00-\u9fff]{2,3}|[\u4e00-\u9fff]?[*＊×○Xx]{1,4}|[\u4e00-\u9fff]某某?)$")
#: Short closing words that are no name.
_NOT_NAMES = {"谢谢", "此致", "敬礼", "特此", "附件", "以上", "报告", "审议", "请审议"}


def is_subtitle(text: str) -> bool:
    """A subtitle line under the title: ``——2024年1月26日在……会议上``, ``（在……会议上）``."""
    text = text.strip()
    if not 0 < len(text) <= 80 or "。" in text:
        return False
    return bool(_SUBTITLE.match(text)) or bool(_OCCASION.match(_SUBTITLE.sub("", text)))


def subtitle_facts(text: str) -> tuple[str | None, str | None]:
    """(the date delivered YYYY-MM-DD, the occasion) a subtitle names, each None when it does not."""
    body = _SUBTITLE.sub("", text.strip())
    found = _SUBTITLE_DATE.search(body)
    delivered = date_of(found.group()) if found else None
    rest = body[found.end() :] if found else body
    occasion = _OCCASION.match(rest.strip())
    return delivered, (occasion.group("occasion") if occasion else None)


def is_byline(text: str) -> bool:
    """A byline under the title: a role and a name (``青禾县人民政府县长　×××``, ``县长　林**``)."""
    text = text.strip()
    return heading_like(text, 30) and "，" not in text and _BYLINE.search(text) is not None


def is_bare_name(text: str) -> bool:
    """A name alone on its line (``×××``, ``林**``, ``林晓东``): a signature at the very end."""
    text = text.strip()
    return bool(_BARE_NAME.match(text)) and text not in _NOT_NAMES


def byline_name(text: str) -> str | None:
    """The person's name of a byline (``青禾县县长 林**`` → ``林**``; ``×××`` alone), or None."""
    m = _BYLINE.search(text.strip())
    if m:
        return m.group("name")
    return text.strip() if is_bare_name(text) and not _ORG_END.search(text.strip()) else None


def byline_role(text: str) -> str | None:
    m = re.search(_ROLE, text)
    return m.group() if m else None


def closing_heading(text: str) -> str | None:
    """``shortcomings`` or ``next_steps`` for the heading of a closing part, else None."""
    head = first_sentence(text)[:40]
    if SHORTCOMINGS_HEADING.search(head):
        return "shortcomings"
    if NEXT_STEPS_HEADING.search(head):
        return "next_steps"
    return None


def shortcomings_cue(text: str) -> bool:
    """Does this unnumbered paragraph open the shortcomings (``…仍存在一些不足，主要表现在：``)?"""
    if heading_like(text, 20):
        return bool(SHORTCOMINGS_HEADING.search(text))
    return bool(_SHORTCOMINGS_CUE.search(_first_clause(text)))


def next_steps_cue(text: str) -> bool:
    """Does this unnumbered paragraph open the next steps (``下一步，…``, ``2024年，我将…``)?"""
    if heading_like(text, 20):
        return bool(NEXT_STEPS_HEADING.search(text))
    first = _first_clause(text)
    if NEXT_STEPS_HEADING.search(first[:30]):
        return True
    start = _NEXT_STEPS_START.match(text)
    return bool(start) and any(word in first for word in ("将", "要", "继续", "计划", "重点"))


def _first_clause(text: str) -> str:
    """The paragraph's first sentence, up to its first ``。`` or ``：``."""
    ends = [at for at in (text.find("。"), text.find("："), text.find(":")) if at >= 0]
    return text[: min(ends) + 1] if ends else text


# --- pages about a report that are not one ------------------------------------------------------

_INTERPRETATION = re.compile(r"政策解读|解读")
_DRAFTING = re.compile(
    r"起草背景|起草过程|起草依据|起草思路|制定背景|出台背景|制定依据|编制过程|主要内容|重点内容"
)
_MEETING = re.compile(r"述法")
_MEETING_EVENT = re.compile(r"(?:召开|举行|举办|开展|组织|听取)[^。，；]{0,30}?(?:会|评议|活动)")
_REPORT_TITLE_END = re.compile(r"报告[（(]?(?:全文|摘要)?[)）]?$")
_NEWS_DATELINE = re.compile(
    r"^(?:[（(][^()（）]{2,12}[)）])?(?:近日|日前|(?:\d{1,2}|[一二三四五六七八九十]{1,3})月"
    r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})日(?:上午|下午|晚上?)?)[，,]"
)
_NEWS_WORDS = re.compile(r"出席|主持|讲话|会议指出|会议强调|会议要求|会上|参加会议|列席会议")


def not_a_report(title: str, headings: list[str], opening: str) -> str | None:
    """What a page about a report is when it is not one (a 政策解读, news of a 述法 meeting),
    with the cue that tells; None for anything else.

    *title* is the page's title (printed or from the web page), *headings* its section
    headings, *opening* its text before the first section."""
    title = title.strip()
    if _INTERPRETATION.search(title):
        return f"a policy interpretation (政策解读) of a report, not the report: its title reads “{title}”"
    drafting = [h for h in headings if _DRAFTING.search(h[:12])]
    if len(drafting) >= 2:
        named = "、".join(h[:8] for h in drafting[:3])
        return (
            "a policy interpretation (政策解读) of a report, not the report: its sections are about "
            f"how the text was made ({named})"
        )
    if _MEETING.search(title) and _MEETING_EVENT.search(title) and not _REPORT_TITLE_END.search(title):
        return f"a news story about a 述法 meeting, not a report: its title reads “{title}”"
    if _NEWS_DATELINE.match(opening) and _MEETING.search(opening) and _NEWS_WORDS.search(opening):
        shown = opening if len(opening) <= 30 else opening[:29] + "…"
        return f"a news story about a 述法 meeting, not a report: it opens “{shown}”"
    return None
