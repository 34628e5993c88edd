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

from extract.checks.grounding import ungrounded_reason
from extract.numbers import MULTIPLIERS, find_quantities, to_number
from schemas import Quantity

MAX_EVIDENCE = 300
"""Evidence length limit of the response models: one sentence or one table row."""
MAX_QUOTE = 200
"""Length limit of quoted text fields (title, issuer, a problem)."""
QUOTE_MARKS = "\"'“”‘’「」『』 \t\n"
SHOWN = 30
"""Characters of a quote repeated in an error message."""

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
    return f"“{text if len(text) <= SHOWN else text[: SHOWN - 1] + '…'}”"


def find_quote(quote: str, sources: Sequence[str]) -> tuple[str, str] | None:
    """(the quote as found, the passage holding it), trying it bare of quote marks too."""
    for candidate in dict.fromkeys((quote, quote.strip(QUOTE_MARKS))):
        if not candidate:
            continue
        for source in sources:
            if candidate in source:
                return candidate, source
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


def _read_back(evidence: str, value: float) -> Stated | None:
    """The figure with a counting unit in ``evidence`` that ``value`` names, in base units.

    ``value`` may be given in base units (50000 for "5万元") or as written (5).
    """
    for found in find_quantities(evidence):
        written = found.value
        if found.unit[0] in MULTIPLIERS:
            written = found.value / MULTIPLIERS[found.unit[0]]
        if float(value) in (float(found.value), float(written)):
            return Stated(found.value, found.approx, found.unit, evidence)
    return None


def ground_figure(
    value: int | float, approx: bool, unit: str | None, evidence: str, sources: Sequence[str]
) -> Stated:
    """The figure, grounded in one of ``sources``, or ValueError saying what is wrong."""
    found = find_quote(evidence, sources)
    if found is None:
        raise ValueError(
            f"evidence {_shown(evidence)} is not a verbatim quote of the report text: copy the "
            "words exactly as written (same characters, no paraphrase), or answer null"
        )
    evidence, source = found
    read = _read_back(evidence, value)
    stated = read or Stated(value, False, unit if unit and unit in evidence else None, evidence)
    quantity = Quantity(value=stated.value, approx=stated.approx, evidence=evidence)
    reason = ungrounded_reason(quantity, source)
    if reason is None and read is None and value != 0 and not _as_count(evidence, value):
        reason = f"{value} is a year, date or ordinal in {_shown(evidence)}, not a count"
    if reason is not None:
        raise ValueError(
            f"{reason}: the value must be the number written in the evidence (amounts in yuan: "
            "5万元 is 50000), 0 only when the evidence says there was none, otherwise null"
        )
    return stated


def ground_quote(text: str, sources: Sequence[str]) -> str:
    """``text`` as quoted verbatim from ``sources`` (surrounding quote marks dropped)."""
    found = find_quote(text, sources)
    if found is None:
        raise ValueError(f"{_shown(text)} is not in the report text: copy it verbatim, or null")
    return found[0]


def ground_year(year: int, sources: Sequence[str]) -> int:
    """``year`` if the passages write it (2023年, 2023-01-05), else ValueError."""
    pattern = re.compile(rf"(?<!\d){year}(?!\d)")
    if not any(pattern.search(source) for source in sources):
        raise ValueError(f"the year {year} is not written in the report text: answer null")
    return year


def ground_date(date: str, sources: Sequence[str]) -> str:
    """``date`` (YYYY-MM-DD) if the passages write it (2024-01-05, 2024年1月5日, ...)."""
    year, month, day = date.split("-")
    m, d = str(int(month)), str(int(day))
    forms = [
        rf"{year}\s?[-/.]\s?0?{m}\s?[-/.]\s?0?{d}(?!\d)",
        rf"{year}\s?年\s?0?{m}\s?月\s?0?{d}\s?日",
    ]
    if not any(re.search(form, source) for form in forms for source in sources):
        raise ValueError(f"the date {date} is not written in the report text: answer null")
    return date
