"""Sum identities between figures (left terms add up to right terms) and their verdicts.

Every figure is a count or an amount, so never negative: when one side is fully
stated and the stated part of the other side already exceeds it, the identity is
broken even though some terms are null. Otherwise null terms leave it unknown.
Hedged figures ("100余条") are never compared: the identity is unknown.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from extract.checks.registry import Verdict
from schemas import Quantity

Outcome = Literal["holds", "broken", "unknown"]

MAX_LISTED = 6
"""How many broken identities a fail message spells out before summarizing the rest."""
MAX_LABELS = 8
"""How many unstated figures a skip message names."""
MAX_SPELLED_OUT = 2
"""Up to this many holding identities, a pass message spells them out."""


@dataclass(frozen=True)
class Term:
    """One figure in an identity: its label in messages, its contract path, its value."""

    label: str
    path: str
    figure: Quantity | None


@dataclass(frozen=True)
class Identity:
    """``sum(left) == sum(right)``; ``context`` prefixes the message (a table row or column)."""

    left: tuple[Term, ...]
    right: tuple[Term, ...]
    context: str = ""

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(term.path for term in (*self.left, *self.right))


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
    terms = (*identity.left, *identity.right)
    if any(t.figure is not None and t.figure.approx for t in terms):
        return "unknown"
    sums = []
    for side in (identity.left, identity.right):
        stated = [t.figure.value for t in side if t.figure is not None]
        sums.append((math.fsum(stated), len(stated) == len(side)))
    (left, left_complete), (right, right_complete) = sums
    if left_complete and right_complete:
        return "holds" if math.isclose(left, right, abs_tol=1e-6) else "broken"
    if (right_complete and left > right + 1e-6) or (left_complete and right > left + 1e-6):
        return "broken"
    return "unknown"


def verdict(identities: Iterable[Identity]) -> Verdict:
    """One verdict for several identities: fail if any is broken, pass if any holds.

    Skipped otherwise, naming the hedged or unstated figures that left them open.
    """
    outcomes = [(identity, evaluate(identity)) for identity in identities]
    broken = [identity for identity, outcome in outcomes if outcome == "broken"]
    held = [identity for identity, outcome in outcomes if outcome == "holds"]
    if broken:
        listed = "; ".join(describe(identity) for identity in broken[:MAX_LISTED])
        if len(broken) > MAX_LISTED:
            listed += f"; and {len(broken) - MAX_LISTED} more"
        return Verdict("fail", listed, _paths(broken))
    if held:
        if len(held) <= MAX_SPELLED_OUT:
            message = "; ".join(describe(identity, " = ") for identity in held)
        else:
            message = f"{len(held)} of {len(outcomes)} sums hold"
        return Verdict("pass", message, _paths(held))
    terms = [t for identity, _ in outcomes for t in (*identity.left, *identity.right)]
    hedged = [t.figure.evidence for t in terms if t.figure is not None and t.figure.approx]
    if hedged:
        message = f"hedged figures cannot be summed exactly: {', '.join(dict.fromkeys(hedged))}"
        return Verdict("skipped", message, _paths(identity for identity, _ in outcomes))
    unstated = [
        (f"{identity.context} {t.label}" if identity.context else t.label, t.path)
        for identity, _ in outcomes
        for t in (*identity.left, *identity.right)
        if t.figure is None
    ]
    labels = list(dict.fromkeys(label for label, _ in unstated))
    listed = "、".join(labels[:MAX_LABELS]) + ("…" if len(labels) > MAX_LABELS else "")
    paths = tuple(dict.fromkeys(path for _, path in unstated))
    return Verdict("skipped", f"not stated: {listed}", paths)


def _paths(identities: Iterable[Identity]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(path for identity in identities for path in identity.paths))
