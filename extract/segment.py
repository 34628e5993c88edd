"""Split a normalized report into its numbered sections and recognise its template.

Top-level headings are ``一、…`` (also ``一 、``, ``一.``, ``第一部分``), sub-level
headings ``(一)…`` at the start of a line. Text crawled onto one line keeps its
headings inline, glued to table digits and body text ("…18651.06三、收到和处理政府信息
公开申请情况(本列…", "概述2016年,…"): there a number followed by a standard section
title (:func:`standard_title`) is a heading wherever it stands, and it ends where the
title ends; an inline ``(一)`` that names a topic is a sub-heading in a one-line
section. An appendix table (附件1:…统计表) after the last numbered section is a
section too. Each section gets the topics its
heading names (``proactive``, ``requests``, ``appeals``, ``fees``, ``capacity``,
``meetings_training``, ``problems``, ``improvements``, ``overview``, ``responses``,
``other``) from a keyword table, so that an engine reads each figure in the
section that speaks of it. The template is told from the wording of the
official table templates (〔2019〕60号, 〔2021〕30号); a text that is no
disclosure report at all is ``unknown``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

from extract.normalize import NormalizedText
from schemas import Template

TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (topic, re.compile(words))
    for topic, words in (
        ("overview", r"概述|概况|总体情况|基本情况|总体概况"),
        ("proactive", r"主动公开"),
        ("requests", r"依申请|收到和处理|申请公开|公开申请|申请情况"),
        ("appeals", r"复议|诉讼|申诉"),
        ("fees", r"收费|收取|费用|处理费|减免"),
        ("capacity", r"机构建设|机构和人员|人员|经费|支出|队伍建设"),
        ("meetings_training", r"会议|培训"),
        ("problems", r"问题|不足|差距"),
        ("improvements", r"改进|整改|措施|下一步|工作计划|工作打算|今后|努力方向|举措|工作思路"),
        ("responses", r"回应|解读"),
        ("tables", r"附表|统计表|数据统计"),
    )
)
"""Topic keywords, matched against a heading; a heading may name several topics."""

# The regexes that run over the whole text are written so that the regex engine can skip
# ahead to where a match may start: each starts with a character or a class (``[…][…]*``
# rather than ``[…]+``, ``\n`` rather than ``^``), the costly ones behind a cheap test.
_NUMERALS = "一二三四五六七八九十"
TOP_RE = re.compile(rf"(?P<num>[{_NUMERALS}][{_NUMERALS}]*)[^\S\n]*[、.．][^\S\n]*(?=\S)")


def _separator_re(separator: str) -> re.Pattern[str]:
    """The separator of a TOP_RE match, after a numeral or a space and before text.

    Over the whole text, a regex that starts with a character runs several times faster
    than one that starts with a class, as TOP_RE does."""
    sep = re.escape(separator)
    return re.compile(rf"{sep}(?<=(?:[{_NUMERALS}]|[^\S\n]){sep})(?=[^\S\n]*\S)")


_TOP_SEPARATORS = {separator: _separator_re(separator) for separator in "、.．"}
PART_RE = re.compile(r"第(?P<num>[一二三四五六七八九十]+)部分[^\S\n]*[、:.．]?[^\S\n]*(?=\S)")
SUB_RE = re.compile(r"\((?P<num>[一二三四五六七八九十]+)\)[^\S\n]*(?=\S)")
_ARABIC = r"(?P<line>[^\S\n]*(?P<num>\d{1,2})[^\S\n]*[、.．](?!\d)[^\S\n]*(?=\S))"
ARABIC_RE = re.compile("\n" + _ARABIC)
_FIRST_ARABIC_RE = re.compile(_ARABIC)
"""Heading numbers; where they may stand (line start, after a sentence) is checked apart.
A ``1.`` at a line start is found from the newline before it (ARABIC_RE), or at the start
of the text (_FIRST_ARABIC_RE)."""
_AFTER_SENTENCE = frozenset("。;!?")
_HEADING_END = re.compile(r"[。:;,!?|\s](?:(?<=[。:;,!?|\n])|[^\S\n]*(?=\S))")
"""Where a heading ends: punctuation, the line end, or spaces before more text. Written to
start with one class, which the regex engine skips ahead to: a space ends it only where the
spaces are followed by text."""
_TITLE_RUN = re.compile(r"[\u4e00-\u9fff、“”\"]{2,40}")
_TITLE_CLOSE = re.compile(
    r"(?:情况|事项|措施|概述|概况|问题|打算|计划|方向|举措)(?:统计表|表)?|统计表|附表"
)
"""Words that close a section title of the genre."""
_TITLE_JOIN = re.compile(r"及|和|与|以及|、")
_RUN_ON = re.compile(r"[\d(\[第]")
"""Body text run on into a heading: a year or a figure, a sub-heading, an article (第二十条)."""
_RUN_ON_ANY = re.compile(
    r"(?:19|20)\d\d年|\([一二三四五六七八九十\d]{1,2}\)|\d{1,2}[、.](?!\d)|第[一二三四五六七八九十\d]+条"
)
"""Body text run on into any heading: a year, a sub-heading, a list number, an article;
each starts with a character of _RUN_ON."""
APPENDIX_RE = re.compile(
    r"(?:附件|附表)[^\S\n]*\d{0,2}[^\S\n]*[:、.]?[^\S\n]*[^\s。;,:]{0,40}?(?:统计表|情况表|数据表)"
    r"|[^\s。;,:、]{2,40}?统计表(?=[\s|]*(?:指标|项目|统计项|类别))"
)
"""An appendix table's heading (附件1:某县2012年政府信息公开情况统计表), or a statistics
table's title right above its header row (…情况统计表 指标名称 …)."""
_BEFORE_APPENDIX = frozenset(" \t\n\u3000。;!?")
_NOT_BEFORE_TITLE = frozenset("第、一二三四五六七八九十")
_LISTED = re.compile(r"[^\S\n]*[;,、。]")
"""A title followed by these is an item of a list (本报告包括:一、概述;二、…)."""
_CELLS_AFTER = re.compile(r"[^\S\n]*(?:\||(?:\d+(?:\.\d+)?[^\S\n]*)+$)", re.MULTILINE)
"""Table cells up to the line end (``$`` before the newline: nothing here crosses one)."""
_ROW_TAIL = re.compile(r"(?:(?:[^\S\n]+\d+(?:\.\d+)?){2,}|\d{5,})[^\S\n]*$")
_TABLE_ROW_LABELS = re.compile(r"本年新收|上年结转|本年度办理结果|结转下年度|办理结果")

ANNOUNCE_RE = re.compile(
    r"(?:全文|本报告|报告|年度报告|年报|内容)(?:主要)?"
    r"(?:(?:共)?(?:分为|分成|分|由|包括)"
    r"[一二三四五六七八九十\d]+个?部分(?:组成)?[:,]?(?P<listed>[^。]{4,300}?)(?=。)"
    r"|(?:由|包括|包含|分为|共分为|分)"
    r"(?P<items>[^。]{4,300}?)(?:(?:等|共)?[一二三四五六七八九十\d]+个?部分|(?=。)))"
)
"""The introduction's list of parts, after (本报告共分6个部分:…) or before its count.
Both forms share their first words, matched once for both."""
_ITEM_NUMBER = re.compile(
    r"(?:^|(?<=[;,:]))\s*(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\))\s*"
)
_ANNOUNCE_SPLIT = re.compile(r"[、,;]|(?:和|及|以及)(?=附表|附件)")
_JOINED_TITLES = re.compile(
    r"(.{4,}?(?:情况|事项|措施))(?:以及|和|及)(.{4,}(?:情况|事项|措施|统计表|附表|附件))"
)
_ITEM_FINAL = re.compile(
    r"(?:情况|概述|概况|措施|附表|附件|事项|问题|举措|计划|打算|建议|说明|统计表)$"
)

# Wording of the official templates: table labels first, then the notice each cites.
TEMPLATE_MARKERS: tuple[tuple[Template, tuple[str, ...]], ...] = (
    (
        "2021",
        (
            "本年制发件数",
            "本年废止件数",
            "现行有效件数",
            "逾期未按收费通知要求缴纳费用",
            "本年处理决定数量",
            "本年收费金额",
        ),
    ),
    ("2019", ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量")),
    ("2021", ("〔2021〕30号", "[2021]30号")),
    ("2019", ("〔2019〕60号", "[2019]60号")),
)
SHARED_MARKERS = (
    "勾稽关系",
    "区分处理的,只计这一情形",
    "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议、行政诉讼情况",
    "其他需要报告的事项",
)
"""Wording of both the 2019 and the 2021 template: the year tells them apart."""
GENRE_RE = re.compile(r"(?:政府信息公开|政务公开|信息公开)[^\n]{0,16}(?:年度报告|年报|工作报告)")
ANNUAL_REPORT_RE = re.compile(r"年度报告|年报")
HEAD_CHARS = 1500
HEAD_LINES = 8
MAX_TITLE_LINE = 80
_YEAR_RE = re.compile(r"年(?:(?<=(20\d\d|19\d\d)年)|(?<=(20\d\d|19\d\d) 年))")
"""``YYYY年`` (also ``YYYY 年``), found from its 年: a regex that starts with a character
(not a class) skips ahead to it fast."""
_NOT_BEFORE_YEAR = frozenset("0123456789〔[(")
_BOOK_TITLE = re.compile(r"《[^》\n]{0,80}》")


_DIGITS = "一二三四五六七八九"
ORDINALS: dict[str, int] = {
    **{d: i + 1 for i, d in enumerate(_DIGITS)},
    "十": 10,
    **{"十" + d: 11 + i for i, d in enumerate(_DIGITS)},
    **{t + "十" + (d or ""): (ti + 2) * 10 + di for ti, t in enumerate(_DIGITS[1:])
       for di, d in enumerate(("", *_DIGITS))},
}  # fmt: skip
"""一 … 九十九: the numbers of headings and list items."""


def ordinal(token: str) -> int | None:
    """A heading or item number (``三``, ``十二``, ``7``) as an int; None if it is none."""
    return int(token) if token.isdigit() else ORDINALS.get(token)


class Section(NamedTuple):
    """One numbered section: its heading, topics and span ``[start, end)`` in the text.

    ``topics`` are those its heading names, else (for a sub-section) its parent's;
    ``parent`` is the index of the parent section in :attr:`Segments.sections`.
    (A named tuple: immutable like a frozen dataclass, and much quicker to make.)
    """

    heading: str
    topics: tuple[str, ...]
    level: int
    number: int
    start: int
    end: int
    body_start: int
    parent: int | None = None

    @property
    def topic(self) -> str:
        """The first topic the heading names, or ``other``."""
        return self.topics[0] if self.topics else "other"


@dataclass(frozen=True)
class Segments:
    """Sections of one report, its template and the sections it announces and has.

    ``sections`` lists top-level sections each followed by its sub-sections;
    ``announced`` the parts the introduction names, ``found`` the top-level
    headings; ``preamble_end`` where the first heading starts; ``body_year`` the
    year the text names most often; ``by_topic`` the sections per topic, best first.
    """

    template: Template
    sections: tuple[Section, ...]
    announced: tuple[str, ...] = ()
    found: tuple[str, ...] = ()
    preamble_end: int = 0
    text_length: int = 0
    body_year: int | None = None
    by_topic: dict[str, tuple[Section, ...]] = field(default_factory=dict, compare=False)

    def section(self, topic: str) -> Section | None:
        """The first section about ``topic`` (top level first), or None."""
        found = self.topic_sections(topic)
        return found[0] if found else None

    def topic_sections(self, topic: str) -> tuple[Section, ...]:
        """Sections about ``topic``: top-level ones first, then sub-sections of other parents."""
        return self.by_topic.get(topic, ())

    def spans(self, topic: str) -> list[tuple[int, int]]:
        """Spans of the sections about ``topic``, in the order of :meth:`topic_sections`."""
        return [(s.start, s.end) for s in self.topic_sections(topic)]

    @property
    def is_report(self) -> bool:
        """False for a text that is no disclosure report (template ``unknown``)."""
        return self.template != "unknown"


@lru_cache(maxsize=4096)
def classify_heading(heading: str) -> tuple[str, ...]:
    """The topics a heading names, in table order (``依申请`` wins over a bare 申请).

    Cached: reports of one template share their headings."""
    topics = [topic for topic, pattern in TOPICS if pattern.search(heading)]
    if "appeals" in topics and "requests" in topics and "依申请" not in heading:
        topics.remove("requests")
    if "problems" in topics and "improvements" in topics:
        topics.remove("improvements")
    if "fees" in topics and "capacity" in topics and not ("收费" in heading or "处理费" in heading):
        topics.remove("fees")
    return tuple(topics)


def _heading_text(text: str, at: int, title: str | None) -> str:
    """The heading that starts at ``at``: up to punctuation, a space or the line end;
    a standard title that runs on into body text (``概述2016年``) is cut at its end.

    ``title`` is ``standard_title(text, at)``, which the heading starts with if it is one.
    """
    m = _HEADING_END.search(text, at, at + 60)
    end = m.start() if m else min(at + 40, _line_end(text, at))
    heading = text[at:end].strip()
    if title and _RUN_ON.match(heading, len(title)):
        return title
    first = _RUN_ON.search(heading, 2)  # where _RUN_ON_ANY may first match; fast to find
    run_on = _RUN_ON_ANY.search(heading, first.start()) if first else None
    return heading[: run_on.start()] if run_on else heading


def standard_title(text: str, at: int = 0) -> str | None:
    """The section title of the genre that starts at ``text[at]`` (``主动公开政府信息情况``,
    ``存在的主要问题及改进情况``, ``…情况统计表``), or None.

    A title ends at its first closing word (情况, 事项, 措施 …) unless 及/和 joins
    another part to it.
    """
    m = _TITLE_RUN.match(text, at)
    return _title_in_run(m.group()) if m else None


@lru_cache(maxsize=4096)
def _title_in_run(run: str) -> str | None:
    """The title that starts a run of title characters, or None (cached: titles recur)."""
    end = None
    for close in _TITLE_CLOSE.finditer(run):
        end = close.end()
        if not _TITLE_JOIN.match(run, end):
            break
    return run[:end] if end else None


def _line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end < 0 else end


def _is_table_line(text: str, line_start: int) -> bool:
    """Whether the line from ``line_start`` is a table row: cells in ``|``, a run of spaced
    numbers, or flattened digits at the end."""
    line_end = _line_end(text, line_start)
    if text.find("|", line_start, line_end) >= 0:
        return True
    # _ROW_TAIL ends in a digit: tested first, for the regex is slow to run over a long line
    last = _last_char(text, line_end, line_start)
    return last.isdecimal() and _ROW_TAIL.search(text, line_start, line_end) is not None


def _last_char(text: str, end: int, line_start: int) -> str:
    """``text[line_start:end].rstrip()[-1:]``, without copying the line."""
    at = end
    while at > line_start and text[at - 1].isspace():
        at -= 1
    return text[at - 1] if at > line_start else ""


def _cells_follow(text: str, at: int) -> bool:
    """Whether only table cells (``| …``, or bare numbers) follow ``at`` on its line."""
    return _CELLS_AFTER.match(text, at) is not None


_Number = tuple[int, int, str]
"""A heading number: the span of its match (indent included) and its token (``三``)."""


def _top_numbers(text: str) -> list[_Number]:
    """``三、`` and ``第三部分`` wherever they stand, in text order (the two never overlap).

    A ``三、`` is found from its separator: TOP_RE matches from the first of the numerals
    before it, as it would running over the text (no match of it ends in a numeral, so
    none covers the start of another)."""
    found = [(m.start(), m.end(), m["num"]) for m in PART_RE.finditer(text)]
    for separator, pattern in _TOP_SEPARATORS.items():
        if separator not in text:  # a str search is faster still than the regex
            continue
        for hit in pattern.finditer(text):
            m = TOP_RE.match(text, _numerals_start(text, hit.start()))
            if m:
                found.append((m.start(), m.end(), m["num"]))
    return sorted(found)


def _numerals_start(text: str, at: int) -> int:
    """Where the numerals before ``at`` (or the spaces between them and it) start."""
    while at and text[at - 1] != "\n" and text[at - 1].isspace():
        at -= 1
    while at and text[at - 1] in _NUMERALS:
        at -= 1
    return at


def _sub_numbers(text: str) -> tuple[list[_Number], list[_Number]]:
    """``(一)`` at a line start (its span from the line start) and ``(一)`` inside a line."""
    at_line_start, inline = [], []
    for m in SUB_RE.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if line_start == m.start() or text[line_start : m.start()].isspace():
            at_line_start.append((line_start, m.end(), m["num"]))
        else:
            inline.append((m.start(), m.end(), m["num"]))
    return at_line_start, inline


def _arabic_numbers(text: str) -> list[_Number]:
    """``1.`` at line starts."""
    first = _FIRST_ARABIC_RE.match(text)
    return [
        (m.start("line"), m.end(), m["num"])
        for m in (first, *ARABIC_RE.finditer(text))
        if m is not None
    ]


@dataclass
class _Candidate:
    number: int
    start: int
    body_start: int
    heading: str
    topics: tuple[str, ...]
    inline: bool
    accepted: bool = True
    """An inline heading that may stand where it stands (after a sentence, a known title)."""


def _candidates(text: str, numbers: Iterable[_Number], inline_ok: bool) -> list[_Candidate]:
    """Headings numbered by ``numbers`` at a line start, or inline (if ``inline_ok``) after a
    sentence or wherever a standard section title follows the number (one-line text)."""
    out = []
    for start, end, token in numbers:
        number = ordinal(token)
        if number is None or number < 1:
            continue
        line_start = text.rfind("\n", 0, start) + 1
        before = _last_char(text, start, line_start)
        inline = bool(before)
        if inline and not inline_ok:
            continue
        after_sentence = inline and before in _AFTER_SENTENCE
        if inline and not after_sentence and before in _NOT_BEFORE_TITLE:
            continue  # an item of a list (第一、二次), not a heading
        found_title = standard_title(text, end)
        title = found_title
        if title and _LISTED.match(text, end + len(title)):
            title = None  # an item of a list (一、概述;二、…), not a heading
        if inline and not (after_sentence or title):
            continue
        if _cells_follow(text, end + len(title)) if title else _is_table_line(text, line_start):
            continue
        heading = title if title and inline else _heading_text(text, end, found_title)
        if not heading or _TABLE_ROW_LABELS.match(heading):
            continue
        topics = classify_heading(heading)
        accepted = bool(topics) or (title is not None and after_sentence)
        out.append(_Candidate(number, start, end + len(heading), heading, topics, inline, accepted))
    return out


def _inline_subs(text: str, tops: list[_Candidate], numbers: list[_Number]) -> list[_Candidate]:
    """``(一)主动公开方面`` inside a line (``numbers``): after a sentence or right after a
    top-level heading, and naming a topic."""
    heading_ends = {c.body_start for c in tops}
    out = []
    for start, end, token in numbers:
        before = _last_char(text, start, text.rfind("\n", 0, start) + 1)
        if before not in _AFTER_SENTENCE and start not in heading_ends:
            continue
        number = ordinal(token)
        title = standard_title(text, end)
        heading = title or _heading_text(text, end, title)
        topics = classify_heading(heading)
        if number is None or not topics or _cells_follow(text, end):
            continue
        out.append(_Candidate(number, start, end + len(heading), heading, topics, True))
    return out


def _in_sequence(
    cands: list[_Candidate], *, allow_inline: bool, first: int = 1
) -> list[_Candidate]:
    """Keep headings numbered ``first`` (1), 2, 3 … in order; after the first, a gap of one
    is allowed for a heading that names a topic."""
    kept: list[_Candidate] = []
    for cand in cands:
        if cand.inline and (not allow_inline or not cand.accepted):
            continue
        expected = kept[-1].number + 1 if kept else first
        skipped_one = bool(kept) and cand.number == expected + 1 and bool(cand.topics)
        if cand.number == expected or skipped_one:
            kept.append(cand)
    return kept


def _sub_sections(
    text: str, parent: Section, index: int, inside: list[_Candidate]
) -> list[Section]:
    """Sub-sections of ``parent`` from the candidates ``inside`` its body; inline ones only
    where its body is one line (crawled text)."""
    if not inside:
        return []
    if any(c.inline for c in inside) and (
        any(not c.inline for c in inside) or "\n" in text[parent.body_start : parent.end].strip()
    ):
        inside = [c for c in inside if not c.inline]
    kept = _in_sequence(inside, allow_inline=True)
    out = []
    for i, cand in enumerate(kept):
        end = kept[i + 1].start if i + 1 < len(kept) else parent.end
        topics = cand.topics or parent.topics
        out.append(
            Section(cand.heading, topics, 2, cand.number, cand.start, end, cand.body_start, index)
        )
    return out


def _arabic_run(text: str, parent: Section, numbers: list[_Number]) -> list[_Candidate]:
    """``1.主动公开情况`` headings of a section (``numbers``: the text's ``1.``), if two or
    more name a topic."""
    if {"problems", "improvements"} & set(parent.topics):
        return []  # numbered items of a list, not sections
    first = bisect_left(numbers, parent.body_start, key=itemgetter(0))
    end = bisect_left(numbers, parent.end, key=itemgetter(0))
    if end - first < 2:
        return []  # too few to make a run
    kept = _in_sequence(_candidates(text, numbers[first:end], inline_ok=False), allow_inline=False)
    return kept if sum(1 for c in kept if c.topics) >= 2 else []


def _build_sections(text: str) -> list[Section]:
    """Top-level sections (``一、``; else ``(一)`` or ``1.``) with their sub-sections."""
    top_cands = _candidates(text, _top_numbers(text), inline_ok=True)
    top = _in_sequence(top_cands, allow_inline=True)
    if not top:
        top = _fragment_sequence(text, top_cands)
    line_subs, inline_subs = _sub_numbers(text)
    subs = _candidates(text, line_subs, inline_ok=False)
    arabic = _arabic_numbers(text)
    if len(top) >= 2:
        subs = sorted(subs + _inline_subs(text, top, inline_subs), key=lambda c: c.start)
    else:
        promoted = _in_sequence(subs, allow_inline=False)
        if len(promoted) >= 2:
            top, subs = promoted, []
        else:
            numbered = _in_sequence(_candidates(text, arabic, inline_ok=False), allow_inline=False)
            if sum(1 for c in numbered if c.topics) >= 2:
                top, arabic = numbered, []
    appendix = _appendix(text, top)
    if appendix is not None:
        top = [*top, appendix]
    sub_starts = [c.start for c in subs]
    out: list[Section] = []
    for i, cand in enumerate(top):
        end = top[i + 1].start if i + 1 < len(top) else len(text)
        section = Section(
            cand.heading, cand.topics, 1, cand.number, cand.start, end, cand.body_start
        )
        out.append(section)
        inside = subs[bisect_left(sub_starts, cand.body_start) : bisect_left(sub_starts, end)]
        children = _sub_sections(text, section, len(out) - 1, inside)
        if not children:
            run = _arabic_run(text, section, arabic)
            children = _sub_sections(text, section, len(out) - 1, run)
        out.extend(children)
    return out


def _fragment_sequence(text: str, cands: list[_Candidate]) -> list[_Candidate]:
    """Headings of a text that starts past its ``一、`` (a page of a PDF, a cut crawl): numbered
    from the first line-start heading that is a standard section title (三、收到和处理…情况)."""
    for cand in cands:
        if not cand.inline and standard_title(text, cand.body_start - len(cand.heading)):
            return _in_sequence(cands, allow_inline=True, first=cand.number)
    return []


def _appendix(text: str, top: list[_Candidate]) -> _Candidate | None:
    """An appendix table after the last numbered section (``附件1:…情况统计表``), as one more."""
    if len(top) < 2:
        return None
    start = _appendix_start(text, top[-1].body_start)
    if start is None:
        return None
    for m in APPENDIX_RE.finditer(text, start):
        if m.start() > 0 and text[m.start() - 1] not in _BEFORE_APPENDIX:
            continue
        heading = m.group().strip()
        if _LISTED.match(text, m.end()):
            continue
        number = top[-1].number + 1
        return _Candidate(number, m.start(), m.end(), heading, classify_heading(heading), False)
    return None


def _appendix_start(text: str, at: int) -> int | None:
    """Where an APPENDIX_RE match may first start from ``at`` (None: nowhere), for the regex
    is slow to run: at 附件 or 附表, or up to 40 characters before a 统计表."""
    starts = [found for found in (text.find("附件", at), text.find("附表", at)) if found >= 0]
    table = text.find("统计表", at)
    if table >= 0:
        starts.append(max(at, table - 40))
    return min(starts, default=None)


def _index_by_topic(sections: list[Section]) -> dict[str, tuple[Section, ...]]:
    index: dict[str, list[Section]] = {}
    for level in (1, 2):
        for section in sections:
            if section.level != level:
                continue
            parent = sections[section.parent] if section.parent is not None else None
            for topic in section.topics or ("other",):
                if parent is not None and topic in parent.topics:
                    continue  # already covered by the parent's span
                index.setdefault(topic, []).append(section)
    return {topic: tuple(found) for topic, found in index.items()}


def announced_sections(text: str, limit: int) -> tuple[str, ...]:
    """The parts the introduction says the report has (``全文由概述、…等五部分组成``)."""
    for m in ANNOUNCE_RE.finditer(text, 0, limit):
        items = _announced_items((m.group("listed") or m.group("items")).replace("\n", ""))
        if len(items) >= 3 and sum(1 for item in items if classify_heading(item)) >= 2:
            return items
    return ()


@lru_cache(maxsize=4096)
def _announced_items(listing: str) -> tuple[str, ...]:
    """The parts a listing names (cached: an issuer's reports repeat their introduction)."""
    listing = _ITEM_NUMBER.sub("", listing)
    pieces = [
        part
        for p in _ANNOUNCE_SPLIT.split(listing)
        if p.strip(" :,")
        for part in _split_joined(p.strip(" :,"))
    ]
    items: list[str] = []
    for piece in pieces:
        if items and not _ITEM_FINAL.search(items[-1]):
            prev_topics = classify_heading(items[-1])
            if not prev_topics or set(prev_topics) & set(classify_heading(piece)):
                items[-1] = f"{items[-1]}、{piece}"
                continue
        items.append(piece)
    return tuple(items)


def _split_joined(piece: str) -> tuple[str, ...]:
    """Two titles joined by 及/和 (``…改进情况及其他需要报告的事项``), or the piece."""
    m = _JOINED_TITLES.fullmatch(piece)
    return (m.group(1), m.group(2)) if m else (piece,)


def dominant_year(text: str) -> int | None:
    """The year written most often as ``YYYY年``; book titles (《…2018年…方案》) and
    document numbers (〔2016〕) left out, ties going to the earliest."""
    mentions = list(_year_mentions(text))
    if not mentions:
        return None
    counts: dict[int, int] = {}
    for start, year in mentions:
        if start == 0 or text[start - 1] not in _NOT_BEFORE_YEAR:
            counts[year] = counts.get(year, 0) + 1
    starts = [start for start, _ in mentions]
    for m in _BOOK_TITLE.finditer(text):  # the years in a book title count against it
        for _, year in mentions[bisect_right(starts, m.start()) : bisect_left(starts, m.end())]:
            counts[year] = counts.get(year, 0) - 1
    if not counts or max(counts.values()) <= 0:
        return None
    best = max(counts.values())
    return next(year for year, n in counts.items() if n == best)


def _year_mentions(text: str) -> Iterator[tuple[int, int]]:
    """(start, year) of each ``YYYY年`` in the text."""
    for m in _YEAR_RE.finditer(text):
        group = 1 if m[1] else 2  # without or with a space
        yield m.start(group), int(m[group])


def detect_template(text: str, sections: list[Section], year: int | None) -> Template:
    """2021, 2019, pre2019 or unknown, from template wording, the year, headings, genre words."""
    for template, markers in TEMPLATE_MARKERS:
        if any(marker in text for marker in markers):
            return template
    if year is not None and year >= 2019 and any(marker in text for marker in SHARED_MARKERS):
        return "2021" if year >= 2021 else "2019"
    topics = {t for s in sections for t in s.topics}
    core = topics & {"proactive", "requests", "appeals", "fees", "capacity", "problems"}
    head_end = sections[0].start if sections else len(text)
    if len(core) >= 2 or _titled_as_report(text, head_end):
        return "pre2019"
    if core and ANNUAL_REPORT_RE.search(text, 0, min(head_end, HEAD_CHARS)):
        return "pre2019"
    return "unknown"


def _titled_as_report(text: str, head_end: int) -> bool:
    """A head line (title, page header) names a disclosure report."""
    lines = text[: min(head_end, HEAD_CHARS)].split("\n")[:HEAD_LINES]
    return any(len(line) <= MAX_TITLE_LINE and GENRE_RE.search(line) for line in lines)


def segment(nt: NormalizedText) -> Segments:
    """Sections, topics, template and announced/found section lists of one report."""
    text = nt.text
    sections = _build_sections(text)
    preamble_end = sections[0].start if sections else len(text)
    year = dominant_year(text)
    template = detect_template(text, sections, year)
    limit = max(preamble_end, min(len(text), HEAD_CHARS))
    return Segments(
        template=template,
        sections=tuple(sections),
        announced=announced_sections(text, limit),
        found=tuple(s.heading for s in sections if s.level == 1),
        preamble_end=preamble_end,
        text_length=len(text),
        body_year=year,
        by_topic=_index_by_topic(sections),
    )
