"""Sum identities between figures (left terms add up to right terms) and their verdicts.

Every figure is a count or an amount, so never negative: when one side is fully
stated and the stated part of the other side already exceeds it, the identity is
broken even though some terms are null. Otherwise null terms leave it unknown.
Hedged figures ("100余条") are never compared: the identity is unknown.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Literal, NamedTuple

from extract.checks.registry import Verdict
from schemas import Quantity

Outcome = Literal["holds", "broken", "unknown"]

MAX_LISTED = 6
"""How many broken identities a fail message spells out before summarizing the rest."""
MAX_LABELS = 8
"""How many unstated figures a skip message names."""
MAX_SPELLED_OUT = 2
"""Up to this many holding identities, a pass message spells them out."""


class Term(NamedTuple):
    """One figure in an identity: its label in messages, its contract path, its value.

    (Named tuples: a report's checks build dozens, and they are cheap to make.)"""

    label: str
    path: str
    figure: Quantity | None


class Identity(NamedTuple):
    """``sum(left) == sum(right)``; ``context`` prefixes the message (a table row or column)."""

    left: tuple[Term, ...]
    right: tuple[Term, ...]
    context: str = ""

    @property
    def terms(self) -> tuple[Term, ...]:
        return self.left + self.right

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(term.path for term in self.terms)


def number(value: float) -> str:
    """A figure as written in messages: 236, 1.5."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _side(terms: Sequence[Term]) -> str:
    known = [t for t in terms if t.figure is not None]
    missing = [t.label for t in terms if t.figure is None]
    text = " + ".join(f"{t.label}{number(t.figure.value)}" for t in known if t.figure)
    total = sum(t.figure.value for t in known if t.figure)
    if missing:
        text = f"{text} (+ {', '.join(missing)} not stated)" if known else "nothing stated"
        return f"{text} ≥ {number(total)}"
    return f"{text} = {number(total)}" if len(known) > 1 else text


def describe(identity: Identity, joint: str = ", but ") -> str:
    """The identity with its figures.

    E.g. "新收236 + 结转7 = 243, but 办结227 + 结转下年9 = 236".
    """
    text = f"{_side(identity.left)}{joint}{_side(identity.right)}"
    return f"{identity.context}: {text}" if identity.context else text


def evaluate(identity: Identity) -> Outcome:
    """Whether the stated figures satisfy, break, or cannot decide the identity."""
    left_side, right_side = _stated_sum(identity.left), _stated_sum(identity.right)
    if left_side is None or right_side is None:
        return "unknown"
    (left, left_complete), (right, right_complete) = left_side, right_side
    if left_complete and right_complete:
        return "holds" if math.isclose(left, right, abs_tol=1e-6) else "broken"
    if (right_complete and left > right + 1e-6) or (left_complete and right > left + 1e-6):
        return "broken"
    return "unknown"


def _stated_sum(side: tuple[Term, ...]) -> tuple[float, bool] | None:
    """The sum of a side's stated figures and whether all are stated; None if one is hedged."""
    values = []
    for term in side:
        if term.figure is not None:
            if term.figure.approx:
                return None
            values.append(term.figure.value)
    return math.fsum(values), len(values) == len(side)


def verdict(identities: Iterable[Identity]) -> Verdict:
    """One verdict for several identities: fail if any is broken, pass if any holds.

    Skipped otherwise, naming the hedged or unstated figures that left them open.
    """
    by_outcome: dict[Outcome, list[Identity]] = {"holds": [], "broken": [], "unknown": []}
    for identity in identities:
        by_outcome[evaluate(identity)].append(identity)
    broken, held, open_ = by_outcome["broken"], by_outcome["holds"], by_outcome["unknown"]
    if broken:
        listed = "; ".join(describe(identity) for identity in broken[:MAX_LISTED])
        if len(broken) > MAX_LISTED:
            listed += f"; and {len(broken) - MAX_LISTED} more"
        return Verdict("fail", listed, _paths(broken))
    if held:
        if len(held) <= MAX_SPELLED_OUT:
            message = "; ".join(describe(identity, " = ") for identity in held)
        else:
            message = f"{len(held)} of {len(held) + len(open_)} sums hold"
        return Verdict("pass", message, _paths(held))
    return _open_verdict(open_)


def _open_verdict(identities: list[Identity]) -> Verdict:
    """The skipped verdict of identities none of which holds or is broken."""
    hedged: dict[str, None] = {}
    labels: dict[str, None] = {}
    paths: dict[str, None] = {}
    for identity in identities:
        for t in identity.terms:
            if t.figure is None:
                labels[f"{identity.context} {t.label}" if identity.context else t.label] = None
                paths[t.path] = None
            elif t.figure.approx:
                hedged[t.figure.evidence] = None
    if hedged:
        message = f"hedged figures cannot be summed exactly: {', '.join(hedged)}"
        return Verdict("skipped", message, _paths(identities))
    listed = "、".join(list(labels)[:MAX_LABELS]) + ("…" if len(labels) > MAX_LABELS else "")
    return Verdict("skipped", f"not stated: {listed}", tuple(paths))


def _paths(identities: Iterable[Identity]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(path for identity in identities for path in identity.paths))
