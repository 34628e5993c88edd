"""Grounding rules for the LLM's answers: pure functions over the report passages sent.

Each rule returns the value as it should be kept (quotes trimmed, the number and its
hedge read back from the evidence by the one number parser) or raises ``ValueError``
with a message written for the model, which instructor sends back as a re-ask.
The passages are verbatim slices of the normalized text, so a quote found in one of
them is a quote of the report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extract.checks.grounding import states
from extract.numbers import MULTIPLIERS, Parsed, find_quantities, to_number

MAX_EVIDENCE = 150
"""Evidence length limit of the response models: one sentence or one table row."""
MAX_QUOTE = 200
"""Length limit of quoted text fields (title, issuer, a problem)."""
QUOTE_MARKS = "\"'“”‘’「」『』 \t\n"

FIELD_CUES: tuple[tuple[str, str], ...] = (
    ("proactive.total", "公开|发布"),
    ("proactive.normative_docs", "规范性文件"),
    ("proactive.rules", "规章"),
    ("proactive.licensing", "许可"),
    ("proactive.punishment", "处罚"),
    ("proactive.coercion", "强制"),
    ("proactive.admin_fees_yuan", "收费|费"),
    ("requests.new", "申请|新收"),
    ("requests.carried_over", "结转|上年"),
    ("requests.processed_total", "办结|办理|答复|处理|总计"),
    ("requests.carried_forward", "结转|下年"),
    ("requests.outcomes.granted", "公开"),
    ("requests.outcomes.partially_granted", "部分公开"),
    ("requests.outcomes.denied", "不予公开|不公开"),
    ("requests.outcomes.unable_to_provide", "无法提供|不掌握|不存在|非本机关"),
    ("requests.outcomes.not_processed", "不予处理|不予受理"),
    ("requests.outcomes.other", "其他"),
    ("requests.by_applicant.natural_person", "自然人|个人|公民|群众"),
    ("requests.by_applicant.commercial", "企业"),
    ("requests.by_applicant.research", "科研"),
    ("requests.by_applicant.public_interest", "公益"),
    ("requests.by_applicant.legal_service", "法律服务|律师"),
    ("requests.by_applicant.other_org", "组织|法人|其他"),
    ("appeals.reconsideration", "复议"),
    ("appeals.litigation", "诉讼|起诉"),
    ("fees.collected_yuan", "收取|收费|处理费|缴纳|减免"),
    ("capacity.staff_full_time", "专职"),
    ("capacity.staff_part_time", "兼职"),
    ("capacity.staff", "人员|专职|兼职"),
    ("capacity.budget_yuan", "经费|费用|资金|预算"),
    ("capacity.meetings", "会"),
    ("capacity.trainings", "培训|讲座|学习"),
    ("capacity.trainees", "培训|人次|参训"),
)
"""Words that any sentence stating the figure at a contract path contains (longest
prefix wins). They keep a model from copying a number that belongs to another thing
("通过政府网站公开36799条" is not a count of normative documents). Table rows are
exempt: their column is not in the row."""
CUE_BEFORE, CUE_AFTER = 30, 12
"""The cue words must stand by the number: at most this many characters before it, or after."""
TITLE_RE = re.compile(r"报告|年报")
PERIOD_RE = re.compile(r"至|到|期间|期限|统计")
_SENTENCE_END = re.compile(r"[。;!?\n]")
_CUES = sorted(((path, re.compile(words)) for path, words in FIELD_CUES), key=lambda c: -len(c[0]))
_DIGITS_RE = re.compile(r"(?<![\d.,])(\d+(?:,\d{3})*(?:\.\d+)?)(?![\d.])")
_DATE_OR_ORDINAL_AFTER = re.compile(r"\s?(?:年|月|日|号|%|％|届|季度)")
_ORDINAL_BEFORE = ("第",)


@dataclass(frozen=True)
class Stated:
    """A figure as the evidence states it."""

    value: int | float
    approx: bool
    unit: str | None
    evidence: str


def _shown(text: str) -> str:
    """A quote in an error message, whole: a model copies what it is shown, ellipses too."""
    return f"“{text}”"


def cue_for(path: str) -> re.Pattern[str] | None:
    """The cue words of the figure at contract path ``path``, if any."""
    return next((cue for prefix, cue in _CUES if path.startswith(prefix)), None)


def find_quote(quote: str, sources: Sequence[str]) -> str | None:
    """``quote`` as it occurs in one of ``sources``, tried bare of quote marks too."""
    for candidate in dict.fromkeys((quote, quote.strip(QUOTE_MARKS))):
        if candidate and any(candidate in source for source in sources):
            return candidate
    return None


def _as_count(evidence: str, value: float) -> bool:
    """Whether ``value`` appears in ``evidence`` other than as a year, date part or ordinal."""
    for match in _DIGITS_RE.finditer(evidence):
        number = to_number(match.group(1))
        if number is None or float(number) != float(value):
            continue
        after = _DATE_OR_ORDINAL_AFTER.match(evidence, match.end())
        before = evidence[max(0, match.start() - 1) : match.start()]
        if after is None and before not in _ORDINAL_BEFORE:
            return True
    return False


def _written(found: Parsed) -> float:
    """A found figure's number as written ("5万元" -> 5)."""
    if found.unit[0] in MULTIPLIERS:
        return found.value / MULTIPLIERS[found.unit[0]]
    return float(found.value)


def _number_spans(evidence: str, value: float) -> list[tuple[int, int]]:
    """Where ``evidence`` writes ``value`` (in base units or as written)."""
    spans = [
        (found.start, found.end)
        for found in find_quantities(evidence)
        if float(value) in (float(found.value), _written(found))
    ]
    for match in _DIGITS_RE.finditer(evidence):
        if to_number(match.group(1)) == value:
            spans.append(match.span(1))
    return spans


def _cue_near(evidence: str, value: float, cue: re.Pattern[str]) -> bool:
    """Whether a cue word stands by the number, in its sentence (anywhere in the evidence,
    for a "none" without digits)."""
    spans = _number_spans(evidence, value)
    if not spans:
        return bool(cue.search(evidence))
    for start, end in spans:
        breaks = [m.end() for m in _SENTENCE_END.finditer(evidence, 0, start)]
        begin = max([start - CUE_BEFORE, *breaks])
        stop = next((m.start() for m in _SENTENCE_END.finditer(evidence, end)), len(evidence))
        if cue.search(evidence, begin, min(stop, end + CUE_AFTER)):
            return True
    return False


def _read_back(evidence: str, value: float) -> Stated | None:
    """The figure with a counting unit in ``evidence`` that ``value`` names, in base units.

    ``value`` may be given in base units (50000 for "5万元") or as written (5).
    """
    for found in find_quantities(evidence):
        if float(value) in (float(found.value), _written(found)):
            return Stated(found.value, found.approx, found.unit, evidence)
    return None


def ground_figure(
    value: int | float, approx: bool, unit: str | None, evidence: str, sources: Sequence[str],
    cue: re.Pattern[str] | None = None,
) -> Stated:  # fmt: skip
    """The figure, grounded in one of ``sources``, or ValueError saying what is wrong.

    ``cue``: words the evidence must contain unless it is a table row (see FIELD_CUES).
    """
    found = find_quote(evidence, sources)
    if found is None:
        raise ValueError(
            f"evidence {_shown(evidence)} is not a verbatim quote of the report text: copy the "
            "words exactly as written (same characters, no paraphrase), or answer null"
        )
    evidence = found
    read = _read_back(evidence, value)
    stated = read or Stated(value, False, unit if unit and unit in evidence else None, evidence)
    if not states(evidence, stated.value):
        reason = f"evidence {_shown(evidence)} does not contain the number {value}"
    elif read is None and value != 0 and not _as_count(evidence, value):
        reason = f"{value} is a year, date or ordinal in {_shown(evidence)}, not a count"
    else:
        reason = None
    if reason is not None:
        raise ValueError(
            f"{reason}: the value must be the number written in the evidence (amounts in yuan: "
            "5万元 is 50000), 0 only when the evidence says there was none, otherwise null"
        )
    if cue is not None and "|" not in evidence and not _cue_near(evidence, value, cue):
        words = "、".join(cue.pattern.split("|"))
        raise ValueError(
            f"evidence {_shown(evidence)} does not say what the number counts (no {words} "
            "next to it): quote the clause that names it, or answer null"
        )
    return stated


def ground_quote(text: str, sources: Sequence[str]) -> str:
    """``text`` as quoted verbatim from ``sources`` (surrounding quote marks dropped)."""
    found = find_quote(text, sources)
    if found is None:
        raise ValueError(f"{_shown(text)} is not in the report text: copy it verbatim, or null")
    return found


def ground_title(text: str, sources: Sequence[str]) -> str:
    """A title quoted verbatim that names the report (…年度报告, …年报)."""
    found = ground_quote(text, sources)
    if not TITLE_RE.search(found):
        raise ValueError(f"{_shown(found)} is not the report's title (no 报告): copy it, or null")
    return found


def ground_year(year: int, sources: Sequence[str]) -> int:
    """``year`` if the passages write it (2023年, 2023-01-05), else ValueError."""
    pattern = re.compile(rf"(?<!\d){year}(?!\d)")
    if not any(pattern.search(source) for source in sources):
        raise ValueError(f"the year {year} is not written in the report text: answer null")
    return year


def _date_sentences(date: str, sources: Sequence[str]) -> list[str]:
    """The sentences of ``sources`` that write ``date`` (2024-01-05, 2024年1月5日, ...)."""
    year, month, day = date.split("-")
    m, d = str(int(month)), str(int(day))
    form = re.compile(
        rf"{year}\s?[-/.]\s?0?{m}\s?[-/.]\s?0?{d}(?!\d)|{year}\s?年\s?0?{m}\s?月\s?0?{d}\s?日"
    )
    return [
        sentence
        for source in sources
        for sentence in _SENTENCE_END.split(source)
        if form.search(sentence)
    ]


def ground_date(date: str, sources: Sequence[str]) -> str:
    """``date`` (YYYY-MM-DD) if the passages write it, else ValueError."""
    if not _date_sentences(date, sources):
        raise ValueError(f"the date {date} is not written in the report text: answer null")
    return date


def ground_period(date: str, sources: Sequence[str]) -> str:
    """A statistics period bound: a date written in a sentence about the period."""
    if not any(PERIOD_RE.search(s) for s in _date_sentences(date, sources)):
        raise ValueError(
            f"the date {date} is not written as a statistics period (…至…) in the report "
            "text: answer null"
        )
    return date
