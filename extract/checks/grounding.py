"""evidence_grounding: every figure's evidence is in the text and states the figure."""

from __future__ import annotations

import math
import re
from functools import lru_cache

from extract.checks.identities import MAX_LISTED, number
from extract.checks.registry import CheckInput, Verdict, check
from extract.numbers import MULTIPLIERS, find_quantities, to_number
from schemas import Quantity, iter_figures

BARE_NUMBER_RE = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s?([千万亿])?")
"""Table cells and other figures without a counting unit ("| 74 |", "4,585", "1.2万")."""
NONE_RE = re.compile(r"未|无(?!锡)|没有|不存在|零|不收|免费|免收")
"""Words of a "none" statement, the evidence of a zero ("未收到申请", "无任何收费",
"暂不收费", "免费提供")."""
QUOTE_CHARS = 24


@lru_cache(maxsize=4096)
def stated_numbers(evidence: str) -> frozenset[float]:
    """Every number the evidence states, in base units, with or without a counting unit.

    Cached: the cells of one table row share their evidence."""
    values = {float(found.value) for found in find_quantities(evidence)}
    for match in BARE_NUMBER_RE.finditer(evidence):
        value = to_number(match.group(1))
        if value is None:
            continue
        values.add(float(value))
        if match.group(2):
            values.add(float(value) * MULTIPLIERS[match.group(2)])
    return frozenset(values)


def states(evidence: str, value: float, unit: str | None = None) -> bool:
    """Whether ``evidence`` states ``value`` (a zero may be stated as a "none").

    A unit with a multiplier ("万元" from a table header) scales the numbers
    the evidence states: "| 行政事业性收费 | 586.42 |" in 万元 states 5864200.
    """
    if value == 0 and NONE_RE.search(evidence):
        return True
    numbers = stated_numbers(evidence)
    if value in numbers:
        return True
    scale = MULTIPLIERS.get(unit[0], 1) if unit else 1
    return any(
        math.isclose(value, found * factor, rel_tol=1e-9, abs_tol=1e-6)
        for found in numbers
        for factor in {1, scale}
    )


def _quote(evidence: str) -> str:
    short = evidence if len(evidence) <= QUOTE_CHARS else evidence[: QUOTE_CHARS - 1] + "…"
    return f"“{short}”"


def ungrounded_reason(figure: Quantity, text: str) -> str | None:
    """Why the figure is not grounded in ``text``, or None if it is."""
    if figure.evidence not in text:
        return f"evidence {_quote(figure.evidence)} is not in the text"
    if not figure.derived and not states(figure.evidence, figure.value, figure.unit):
        return f"evidence {_quote(figure.evidence)} does not state {number(figure.value)}"
    return None


@check("evidence_grounding")
def evidence_grounding(ctx: CheckInput) -> Verdict:
    """Every non-null Quantity's evidence occurs verbatim in the text and states its number."""
    figures = [(path, q) for path, q in iter_figures(ctx.report) if q is not None]
    if not figures:
        return Verdict("skipped", "no figures to ground")
    failures = [
        (path, reason)
        for path, figure in figures
        if (reason := ungrounded_reason(figure, ctx.text)) is not None
    ]
    if not failures:
        return Verdict("pass", f"all {len(figures)} figures grounded in the text")
    listed = "; ".join(f"{path}: {reason}" for path, reason in failures[:MAX_LISTED])
    if len(failures) > MAX_LISTED:
        listed += f"; and {len(failures) - MAX_LISTED} more"
    message = f"{len(failures)} of {len(figures)} figures not grounded: {listed}"
    return Verdict("fail", message, tuple(path for path, _ in failures))
