"""Sum identities between figures (left terms add up to right terms) and their verdicts.

Every figure is a count or an amount, so never negative: when one side is fully
stated and the stated part of the other side already exceeds it, the identity is
broken even though some terms are null. Otherwise null terms leave it unknown.
Hedged figures ("100余条") are never compared: the identity is unknown.

An :class:`Identity` names its terms (labels and contract paths) and is built once;
a report's figures for it are read with :meth:`Identity.read`, and the checks judge
identities together with figures (:class:`Stated`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from typing import Any, Literal, NamedTuple

from extract.checks.registry import Verdict
from schemas import Quantity

Outcome = Literal["holds", "broken", "unknown"]
Figures = tuple[Quantity | None, ...]
"""A report's figures for an identity's terms, left ones then right ones."""

MAX_LISTED = 6
"""How many broken identities a fail message spells out before summarizing the rest."""
MAX_LABELS = 8
"""How many unstated figures a skip message names."""
MAX_SPELLED_OUT = 2
"""Up to this many holding identities, a pass message spells them out."""


class Term(NamedTuple):
    """One figure in an identity: its label in messages and its contract path."""

    label: str
    path: str


@dataclass(frozen=True)
class Identity:
    """``sum(left) == sum(right)``; ``context`` prefixes the message (a table row or column).

    Both sides have terms.
    """

    left: tuple[Term, ...]
    right: tuple[Term, ...]
    context: str = ""

    @cached_property
    def terms(self) -> tuple[Term, ...]:
        return self.left + self.right

    @cached_property
    def paths(self) -> tuple[str, ...]:
        return tuple(term.path for term in self.terms)

    @cached_property
    def labels(self) -> tuple[str, ...]:
        """The terms' labels in a skip message: with the context."""
        prefix = f"{self.context} " if self.context else ""
        return tuple(prefix + term.label for term in self.terms)

    @cached_property
    def unstated(self) -> Figures:
        """Its figures of a report that states none of them (the common case)."""
        return (None,) * len(self.terms)

    @cached_property
    def _get(self) -> attrgetter[Any]:
        return attrgetter(*self.paths)

    def read(self, model: Any) -> Stated:
        """The identity with the figures at its paths below ``model`` (a report); a path
        through a null part (a missing table row) reads as a null figure."""
        try:
            figures = self._get(model)
        except AttributeError:
            figures = tuple(_figure(model, path) for path in self.paths)
        return Stated(self, figures)


def _figure(model: Any, path: str) -> Quantity | None:
    value = model
    for part in path.split("."):
        if value is None:
            return None
        value = getattr(value, part)
    return value


class Stated(NamedTuple):
    """An identity with one report's figures for its terms."""

    identity: Identity
    figures: Figures

    @property
    def left(self) -> Figures:
        return self.figures[: len(self.identity.left)]

    @property
    def right(self) -> Figures:
        return self.figures[len(self.identity.left) :]


def number(value: float) -> str:
    """A figure as written in messages: 236, 1.5."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _side(terms: tuple[Term, ...], figures: Figures) -> str:
    known = [(t, f) for t, f in zip(terms, figures, strict=True) if f is not None]
    missing = [t.label for t, f in zip(terms, figures, strict=True) if f is None]
    text = " + ".join(f"{t.label}{number(f.value)}" for t, f in known)
    total = sum(f.value for _, f in known)
    if missing:
        text = f"{text} (+ {', '.join(missing)} not stated)" if known else "nothing stated"
        return f"{text} ≥ {number(total)}"
    return f"{text} = {number(total)}" if len(known) > 1 else text


def describe(stated: Stated, joint: str = ", but ") -> str:
    """The identity with its figures.

    E.g. "新收236 + 结转7 = 243, but 办结227 + 结转下年9 = 236".
    """
    identity = stated.identity
    left, right = _side(identity.left, stated.left), _side(identity.right, stated.right)
    text = f"{left}{joint}{right}"
    return f"{identity.context}: {text}" if identity.context else text


def evaluate(stated: Stated) -> Outcome:
    """Whether the stated figures satisfy, break, or cannot decide the identity."""
    if stated.figures and stated.figures == stated.identity.unstated:
        return "unknown"  # told fast: a tuple compares Nones in C
    left_side, right_side = _stated_sum(stated.left), _stated_sum(stated.right)
    if left_side is None or right_side is None:
        return "unknown"
    (left, left_complete), (right, right_complete) = left_side, right_side
    if left_complete and right_complete:
        return "holds" if math.isclose(left, right, abs_tol=1e-6) else "broken"
    if (right_complete and left > right + 1e-6) or (left_complete and right > left + 1e-6):
        return "broken"
    return "unknown"


def _stated_sum(figures: Figures) -> tuple[float, bool] | None:
    """The sum of a side's stated figures and whether all are stated; None if one is hedged."""
    values = []
    for figure in figures:
        if figure is not None:
            if figure.approx:
                return None
            values.append(figure.value)
    return math.fsum(values), len(values) == len(figures)


def verdict(identities: Iterable[Stated]) -> Verdict:
    """One verdict for several identities: fail if any is broken, pass if any holds.

    Skipped otherwise, naming the hedged or unstated figures that left them open.
    """
    by_outcome: dict[Outcome, list[Stated]] = {"holds": [], "broken": [], "unknown": []}
    for stated in identities:
        by_outcome[evaluate(stated)].append(stated)
    broken, held, open_ = by_outcome["broken"], by_outcome["holds"], by_outcome["unknown"]
    if broken:
        listed = "; ".join(describe(stated) for stated in broken[:MAX_LISTED])
        if len(broken) > MAX_LISTED:
            listed += f"; and {len(broken) - MAX_LISTED} more"
        return Verdict("fail", listed, _paths(broken))
    if held:
        if len(held) <= MAX_SPELLED_OUT:
            message = "; ".join(describe(stated, " = ") for stated in held)
        else:
            message = f"{len(held)} of {len(held) + len(open_)} sums hold"
        return Verdict("pass", message, _paths(held))
    return _open_verdict(open_)


def _open_verdict(identities: list[Stated]) -> Verdict:
    """The skipped verdict of identities none of which holds or is broken."""
    hedged: dict[str, None] = {}
    labels: dict[str, None] = {}
    paths: dict[str, None] = {}
    for identity, figures in identities:
        if figures == identity.unstated:  # told fast, as in evaluate()
            labels.update(dict.fromkeys(identity.labels))
            paths.update(dict.fromkeys(identity.paths))
            continue
        for label, path, figure in zip(identity.labels, identity.paths, figures, strict=True):
            if figure is None:
                labels[label] = None
                paths[path] = None
            elif figure.approx:
                hedged[figure.evidence] = None
    if hedged:
        message = f"hedged figures cannot be summed exactly: {', '.join(hedged)}"
        return Verdict("skipped", message, _paths(identities))
    listed = "、".join(list(labels)[:MAX_LABELS]) + ("…" if len(labels) > MAX_LABELS else "")
    return Verdict("skipped", f"not stated: {listed}", tuple(paths))


def _paths(identities: Iterable[Stated]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(path for stated in identities for path in stated.identity.paths))
