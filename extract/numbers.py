"""The one number parser: Arabic and Chinese numerals, multipliers, units and hedges.

``find_quantities`` finds figures with a counting unit in normalized running text
(ASCII digits: "共发布信息4585条", "100余条", "二十三件", "5万元", "约1.2万人次");
years, dates, document numbers, percentages and phone numbers carry no such unit
and are never returned. ``to_number`` reads a bare cell ("74", "７４", "一千二百").
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_CHINESE = rf"[{CN_DIGITS}]+"
PRE_HEDGES = ("大约", "将近", "接近", "超过", "约", "近", "逾", "超")
POST_HEDGES = ("余", "多")
COUNT_UNITS = (
    "人次", "场次", "批次", "条", "件", "人", "次", "元", "项", "个", "篇", "期", "场", "名",
    "家", "份", "批", "起", "宗", "例", "封", "通",
)  # fmt: skip
MULTIPLIERS = {"千": 1000, "万": 10_000, "亿": 100_000_000}

_AFTER_NUMBER = "".join(sorted({" ", *POST_HEDGES, *MULTIPLIERS, *(u[0] for u in COUNT_UNITS)}))
"""What can follow a figure's number: a space, a hedge, a multiplier or a unit."""

QUANTITY_RE = re.compile(
    # The number starts with a character class, so a search skips to the next numeral in
    # C rather than trying every position (a hedge first would defeat that: find_quantities
    # reads it from the text before). A number is tried only where its run of digits (or
    # of Chinese numerals) starts: inside the run it would fail the same way.
    rf"(?P<num>[0-9{CN_DIGITS}](?:(?<![0-9][0-9])(?<=[0-9])[0-9]*+(?:,[0-9]{{3}})*(?:\.[0-9]++)?"
    rf"|(?<![{CN_DIGITS}][{CN_DIGITS}])(?<=[{CN_DIGITS}])[{CN_DIGITS}]*))"
    rf"(?=[{_AFTER_NUMBER}])"  # gives up at once on a number with no unit (years, dates)
    rf" ?(?P<hedge1>{'|'.join(POST_HEDGES)})?"
    rf"(?P<mult>{'|'.join(MULTIPLIERS)})?"
    rf"(?P<hedge2>{'|'.join(POST_HEDGES)})?"
    rf"(?P<unit>{'|'.join(COUNT_UNITS)})"
    r"(?P<post>左右|以上|上下|许)?"
)
"""A figure without its leading hedge: a number, then hedges, a multiplier and a unit."""


class Parsed(NamedTuple):
    """A figure found in text: its value in base units, hedge, unit as written, and span."""

    value: int | float
    approx: bool
    unit: str
    start: int
    end: int
    text: str


def _clean_number(value: float) -> int | float:
    rounded = round(value)
    return int(rounded) if abs(value - rounded) < 1e-6 else round(value, 6)


_FULLWIDTH_DIGITS = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")
_CHINESE_NUMERAL = re.compile(_CHINESE)


@lru_cache(maxsize=4096)
def to_number(token: str) -> int | float | None:
    """A bare Arabic or Chinese numeral as a number; None if it is not one."""
    token = token.strip().replace(",", "").replace(" ", "")
    if not token:
        return None
    token = token.translate(_FULLWIDTH_DIGITS)
    if _DECIMAL.fullmatch(token):
        return _clean_number(float(token))
    if _CHINESE_NUMERAL.fullmatch(token):
        if token in ("零", "〇"):
            return 0
        if token[0] in "十百千万亿":
            token = "一" + token
        simple = _simple_numeral(token)
        if simple is not None:
            return simple
        import cn2an  # imported only for rare forms: it takes a third of a second to load

        try:
            return _clean_number(float(cn2an.cn2an(token.replace("两", "二"), "smart")))
        except (ValueError, KeyError):
            return None
    return None


_CN_DIGIT = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_D = "[一二两三四五六七八九]"
_SIMPLE_NUMERAL = re.compile(
    rf"(?:(?P<q>{_D})千)?(?:(?P<b>{_D})百)?(?P<zero>零)?(?:(?P<s>{_D})十)?(?P<g>{_D})?"
)


def _simple_numeral(token: str) -> int | None:
    """The value of a numeral below 10000 written the standard way (一千零五, 三十二, 两百),
    or of one times 万 or 亿 (三十万); None for anything else, which cn2an reads. Agrees
    with cn2an wherever it answers."""
    if len(token) > 1 and token[-1] in "万亿" and token[-2] not in "万亿":
        below = _simple_numeral(token[:-1])
        return None if below is None else below * MULTIPLIERS[token[-1]]
    m = _SIMPLE_NUMERAL.fullmatch(token)
    if m is None:
        return None
    q, b, s, g = m.group("q", "b", "s", "g")
    places = [place for place, digit in ((3, q), (2, b), (1, s), (0, g)) if digit]
    skips = any(high - low > 1 for high, low in pairwise(places))
    if not places or skips != bool(m.group("zero")):  # 零 exactly where a place is skipped
        return None
    return sum(_CN_DIGIT[d] * unit for d, unit in ((q, 1000), (b, 100), (s, 10), (g, 1)) if d)


_WORD_CHAR = re.compile(r"[A-Za-z0-9.]")


def _preceded_by_digit_context(text: str, start: int) -> bool:
    """Chinese numerals inside words (一是, 统一, 第一) are not figures."""
    if start == 0:
        return False
    before = text[start - 1]
    return before in "第每初周星礼统唯之" or bool(_WORD_CHAR.match(before))


def parse_match(m: re.Match[str], pre: str = "") -> Parsed | None:
    """The Parsed figure of a QUANTITY_RE match (``pre``: the hedge right before it), or
    None if it is no figure."""
    raw, hedge1, mult, hedge2, unit, post = m.group(
        "num", "hedge1", "mult", "hedge2", "unit", "post"
    )
    if not mult and len(raw) > 1 and raw[-1] in "万亿":  # 三万元: the 万 is the multiplier
        raw, mult = raw[:-1], raw[-1]
    value = to_number(raw)
    if value is None:
        return None
    if raw[0] in CN_DIGITS and _preceded_by_digit_context(m.string, m.start()):
        return None
    if mult:
        value = _clean_number(value * MULTIPLIERS[mult])
    approx = bool(pre or hedge1 or hedge2 or post)
    unit = (mult or "") + unit
    start = m.start() - len(pre)
    return Parsed(value, approx, unit, start, m.end(), m.string[start : m.end()])


def find_quantities(text: str, start: int = 0, end: int | None = None) -> list[Parsed]:
    """Every figure with a counting unit in ``text[start:end]``, spans relative to ``text``."""
    found = []
    after = start  # where the previous match ended: a hedge cannot start before
    for m in QUANTITY_RE.finditer(text, start, len(text) if end is None else end):
        if not (m.group()[0].isdigit() and _is_document_number(text, m.start())):
            parsed = parse_match(m, _hedge_before(text, m.start(), after))
            if parsed is not None:
                found.append(parsed)
        after = m.end()
    return found


_HEDGE_ENDS = frozenset(hedge[-1] for hedge in PRE_HEDGES)


def _hedge_before(text: str, at: int, after: int) -> str:
    """The hedge (约, 超过 …) that ends at ``at`` and starts at ``after`` or later; "" if none."""
    if at <= after or text[at - 1] not in _HEDGE_ENDS:
        return ""
    for hedge in PRE_HEDGES:  # longest first, as a left-to-right search finds them
        if at - len(hedge) >= after and text.startswith(hedge, at - len(hedge)):
            return hedge
    return ""


def _is_document_number(text: str, start: int) -> bool:
    """Digits right after 〔2016〕 or inside a bracket pair belong to a document number."""
    return start > 0 and text[start - 1] in "〕]】"
