"""Title, issuer, years, dates and statistics period of a report.

The title is the head line that names a disclosure report (政府信息公开…报告);
the issuer is the body that compiled or signed it (由…编制, the signature
above the closing date, the body named in the title, the page's 发布机构 or
来源 field, in that order); the report year is the year of the statistics
period, else the year the body names most often; the intro year is the year
the introduction gives the report (特向社会公布2018年度…报告).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.numbers import to_number
from extract.segment import Segments

CN_YEAR_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
ORG_SUFFIX = (
    r"(?:人民政府办公室|人民政府办公厅|人民政府|管理委员会|管委会|委员会|街道办事处|办事处|办公室|"
    r"办公厅|政府|中心|局|委|办|厅|院|馆|所|站|处|队|公司|署|社|会)"
)
PLACE_SUFFIX = r"(?:省|市|县|区|州|盟|旗|镇|乡|街道|新区|高新区|开发区)"

TITLE_LEAD = 40
"""Most characters a title has before its subject (…政府信息公开…报告)."""
_TITLE_TAIL = r"(?:政府信息公开|政务公开|信息公开|政务信息公开)[^\s|:。,]{0,16}?报告"
TITLE_RE = re.compile(rf"[^\s|:]{{0,{TITLE_LEAD}}}?{_TITLE_TAIL}")
TITLE_TAIL_RE = re.compile(_TITLE_TAIL)
"""A title from its subject on: quick to find, it tells where a title can start."""
_SITE_SEPARATOR = re.compile(r"[-_—|]+")
_MARKUP = re.compile(r"^[#>*\s]+|\*\*|[*#\s]+$")
"""Markdown around a title line (``# 标题``, ``**标题**``)."""
_TITLE_YEAR = re.compile(r"(\d{4}|[〇零一二三四五六七八九]{4})\s*年")
_HEADLESS_TITLE = re.compile(r"\d{4}\s*年|政府信息公开|政务公开|信息公开")
"""A title line that starts with its year or subject: its body may stand on the line above."""
_TITLE_HEAD = re.compile(rf"[^\s,。:;]{{2,30}}(?:{ORG_SUFFIX}|{PLACE_SUFFIX})(?:\d{{4}}年度?)?")
MAX_TITLE = 60
HEAD_LINES = 15

_DATE = r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})"
PUBLISHED_RE = re.compile(rf"(?:发布日期|发布时间|公开日期|发表日期|发布于)[\s:|]*{_DATE}")
PAGE_TIME_RE = re.compile(
    rf"(?:时间|日期)(?<!(?:统计|截止|截至)(?:时间|日期))"
    rf"[^\S\n]*:[^\S\n]*{_DATE}[^\S\n]*\d{{1,2}}:\d{{2}}"
)
"""A page head's 时间:2024-03-08 15:34 (a date with its time of day), not 统计/截止/截至时间.
The word comes first, the look back after it, so that a search skips to the word fast."""
PAGE_HEAD = 1500
WRITTEN_RE = re.compile(rf"(?:成文日期|发文日期|印发日期|生成日期)[\s:|]*{_DATE}")
SIGNATURE_DATE_RE = re.compile(
    r"^[^\S\n]*(\d{4}|[〇零一二三四五六七八九]{4})[^\S\n]*年[^\S\n]*(\d{1,2}|[一二三四五六七八九十]{1,3})"
    r"[^\S\n]*月[^\S\n]*(\d{1,2}|[一二三四五六七八九十]{1,3})[^\S\n]*日[^\S\n]*$",
    re.MULTILINE,
)
PERIOD_RE = re.compile(
    r"(?:统计期限|统计时限|统计期|统计时间|统计区间|统计范围|数据时限|时限|期限|统计数据)[^。\n]{0,12}?"
    r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:起)?\s*(?:至|到|-|—|~)\s*"
    r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日"
)
COMPILER_RE = re.compile(rf"([^\s,。;:《》()由]{{2,30}}?{ORG_SUFFIX})(?:负责)?$")
"""The body right before 编制 (由…办公室编制, …办公室编制了本报告)."""
COMPILER_WINDOW = 40
FIELD_RE = re.compile(
    r"(?:发布机构|发文机关|发文单位|发布单位|信息来源|来源|发布者)[^\S\n]*[:|]?[^\S\n]*([^\s|:]{2,30})"
)
OPENING_RE = re.compile(
    rf"^\s*\d{{4}}\s*年(?:度)?,?\s*([^\s,。;:、]{{2,20}}?{ORG_SUFFIX})(?=坚持|认真|深入|紧紧|围绕|按照|全面|始终|继续|以)",
    re.MULTILINE,
)
INTRO_YEAR_RE = re.compile(
    r"(?:公布|发布|编制|形成|现将|特将|呈报|报送)[^。《》\n|]{0,30}?(\d{4})\s*年(?:度)?"
    r"[^。《》\n|]{0,30}?(?:年度报告|年报|工作报告)"
)
INTRO_BODY_RE = re.compile(
    rf"(?:公布|公开|发布)\s*(?:([^\s,。;:、《》]{{2,30}}?{ORG_SUFFIX})\s*)?\d{{4}}\s*年(?:度)?\s*"
    rf"(?:([^\s,。;:、《》]{{2,30}}?{ORG_SUFFIX})\s*)?(?:政府信息公开|政务公开|信息公开)[^。\n]{{0,6}}?报告"
)
"""The body the introduction names as the report's (特向社会公布2020年某市林业局政府信息公开
工作年度报告, 现公开孝感市人民政府办公室2020年…)."""
_BOOK_TITLE = re.compile(r"《[^》\n]{0,80}》")
INTRO_WINDOW = 800
NOT_A_BODY = re.compile(r"^(?:无|本站|本网|暂无|null|作者)")
_SIGNATURE_LINE = re.compile(rf"^[^\S\n]*([^\s,。;:]{{2,30}}{ORG_SUFFIX})[^\S\n]*$")


@dataclass(frozen=True)
class MetaFields:
    """The meta figures of one report (None where the text does not say)."""

    title: str | None
    issuer: str | None
    report_year: int | None
    title_year: int | None
    intro_year: int | None
    publish_date: str | None
    period_start: str | None
    period_end: str | None


def read_meta(text: str, segments: Segments) -> MetaFields:
    """Title, issuer, years, publish date and statistics period of ``text``."""
    head_end = max(segments.preamble_end, 0)
    title = find_title(text, head_end)
    period = find_period(text)
    report_year = int(period[1][:4]) if period else segments.body_year
    return MetaFields(
        title=title,
        issuer=find_issuer(text, title, head_end),
        report_year=report_year,
        title_year=year_of(title) if title else None,
        intro_year=find_intro_year(text, head_end),
        publish_date=find_publish_date(text),
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
    )


def find_intro_year(text: str, head_end: int) -> int | None:
    """The year the introduction says the report covers (特向社会公布2018年度…年度报告)."""
    intro = _BOOK_TITLE.sub("", text[: max(head_end, INTRO_WINDOW)])
    m = INTRO_YEAR_RE.search(intro)
    return int(m.group(1)) if m and 1990 <= int(m.group(1)) <= 2100 else None


def _head_lines(text: str, head_end: int) -> list[str]:
    head = text[: max(head_end, 0)] if head_end > 0 else ""
    return head.split("\n")[:HEAD_LINES] if head else []


def find_title(text: str, head_end: int) -> str | None:
    """The head line that names the report, site prefixes dropped; PDF two-line titles joined."""
    lines = _head_lines(text, head_end)
    fallback = None
    for i, raw in enumerate(lines):
        if "报告" not in raw:
            continue
        line = _MARKUP.sub("", raw.replace(" ", "").replace("\u3000", ""))
        m = _search_title(line)
        if m is None or len(m.group(0)) > MAX_TITLE:
            continue
        title = _drop_site_prefix(m.group(0))
        if i > 0 and _HEADLESS_TITLE.match(title):
            previous = lines[i - 1].strip().replace(" ", "")
            if _TITLE_HEAD.fullmatch(previous):
                title = previous + title
        if len(line) - len(m.group(0)) <= 2:
            return title
        fallback = fallback or title
    return fallback


def _search_title(line: str) -> re.Match[str] | None:
    """``TITLE_RE.search(line)``, started where a title can start: at most ``TITLE_LEAD``
    characters before the first subject (a long line without a title is costly otherwise)."""
    tail = TITLE_TAIL_RE.search(line)
    if tail is None:
        return None
    return TITLE_RE.search(line, max(0, tail.start() - TITLE_LEAD))


def _drop_site_prefix(title: str) -> str:
    parts = [p for p in _SITE_SEPARATOR.split(title) if "报告" in p]
    return parts[-1] if parts else title


def year_of(title: str) -> int | None:
    m = _TITLE_YEAR.search(title)
    if m is None:
        return None
    year = int(m.group(1).translate(CN_YEAR_DIGITS))
    return year if 1990 <= year <= 2100 else None


def _iso(year: str, month: str, day: str) -> str | None:
    digits = year.translate(CN_YEAR_DIGITS)
    mo, d = to_number(month), to_number(day)
    if not digits.isdigit() or not (isinstance(mo, int) and isinstance(d, int)):
        return None
    y = int(digits)
    if not (1990 <= y <= 2100 and 1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def find_publish_date(text: str) -> str | None:
    """发布日期/发布时间, else 成文日期/发文日期, else a page head's 时间:… with a time of day,
    else the date line that closes the report."""
    for pattern, end in ((PUBLISHED_RE, None), (WRITTEN_RE, None), (PAGE_TIME_RE, PAGE_HEAD)):
        for m in pattern.finditer(text, 0, end or len(text)):
            date = _iso(*m.groups())
            if date:
                return date
    for m in reversed(list(SIGNATURE_DATE_RE.finditer(text, max(0, len(text) - 400)))):
        date = _iso(*m.groups())
        if date:
            return date
    return None


def find_period(text: str) -> tuple[str, str] | None:
    """The statistics period (自2017年1月1日起至2017年12月31日止) as ISO dates."""
    m = PERIOD_RE.search(text)
    if m is None:
        return None
    y1, m1, d1, y2, m2, d2 = m.groups()
    start = _iso(y1, m1, d1)
    end = _iso(y2 or y1, m2, d2)
    return (start, end) if start and end else None


def find_issuer(text: str, title: str | None, head_end: int) -> str | None:
    """The issuing body: 由…编制, signature, title body, 发布机构/来源, title place, opening."""
    compiler = _compiler(text, max(head_end, 0) + 1500)
    if compiler:
        return compiler
    signature = _signature(text)
    if signature:
        return signature
    prefix = _title_prefix(title) if title else None
    if prefix and re.search(f"{ORG_SUFFIX}$", prefix):
        return prefix
    for field in FIELD_RE.finditer(text, 0, max(head_end, 0) + 200):
        value = field.group(1)
        if not NOT_A_BODY.match(value):
            return value
    if prefix:
        return prefix
    intro = INTRO_BODY_RE.search(text, 0, min(len(text), max(head_end, 0) + INTRO_WINDOW))
    if intro and (intro.group(1) or intro.group(2)):
        return _clean_body(intro.group(1) or intro.group(2))
    opening = OPENING_RE.search(text, 0, min(len(text), max(head_end, 0) + 600))
    return _clean_body(opening.group(1)) if opening else None


def _compiler(text: str, limit: int) -> str | None:
    """The body named right before the first 编制 of the introduction."""
    at = text.find("编制", 0, limit)
    while at >= 0:
        m = COMPILER_RE.search(text[max(0, at - COMPILER_WINDOW) : at])
        if m:
            return _clean_body(m.group(1))
        at = text.find("编制", at + 2, limit)
    return None


def _clean_body(name: str) -> str:
    return re.sub(r"^(?:本|我|经|由|要求|现将|特)+", "", name)


def _title_prefix(title: str) -> str | None:
    """The body or place a title names before its year or its subject (咸宁高新区2016年…,
    2019年上海市人民政府办公厅政府信息公开…)."""
    m = re.match(
        r"(?:\d{4}\s*年度?)?(.{2,40}?)(?:\d{4}\s*年|[〇零一二三四五六七八九]{4}年|政府信息公开|政务公开|信息公开)",
        title,
    )
    if m is None:
        return None
    prefix = m.group(1).strip(" -_")
    return prefix if re.search(f"(?:{ORG_SUFFIX}|{PLACE_SUFFIX})$", prefix) else None


def _signature(text: str) -> str | None:
    """The body named on the line above the closing date."""
    tail_start = max(0, len(text) - 400)
    dates = list(SIGNATURE_DATE_RE.finditer(text, tail_start))
    if not dates:
        return None
    lines = text[tail_start : dates[-1].start()].rstrip().split("\n")
    for line in reversed(lines[-3:]):
        m = _SIGNATURE_LINE.match(line)
        if m:
            return m.group(1)
        if line.strip():
            break
    return None
