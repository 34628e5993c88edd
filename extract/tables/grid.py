"""The cells of one table, read or recovered from its sum identities, as Quantities.

A cell missing from an otherwise read table is recovered from a sum identity
only when it is the identity's one unknown, the result is not negative, and every
other identity that it completes gives the same value. Several missing cells on
one side of an identity whose known cells already balance are all 0: counts are
never negative (a blank cell in a row whose printed 总计 is the sum of the others).
Recovered cells are ``derived`` and name their identity; their evidence is the text
of the rows the identity reads.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import filterfalse
from typing import NamedTuple

from extract.tables.scan import evidence
from schemas import Quantity

Key = tuple[str, str]
"""(row, column) of a cell."""
ZERO_NOTE = "(其余各格已相等,空白格不能为负,只能为0)"
"""Added to an identity's name for the blank cells it forces to zero."""


@dataclass(frozen=True, eq=False)
class Identity:
    """``sum(left) == sum(right)``, named as it is written in a derivation.

    An identity equals only itself, so that a set of them hashes fast (see :func:`_containing`).
    """

    left: tuple[Key, ...]
    right: tuple[Key, ...]
    name: str

    keys: tuple[Key, ...] = field(init=False, repr=False, compare=False)
    rows: tuple[str, ...] = field(init=False, repr=False, compare=False)
    """The rows the identity reads, in order."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", (*self.left, *self.right))
        object.__setattr__(self, "rows", tuple(dict.fromkeys(row for row, _ in self.keys)))


@lru_cache(maxsize=16)
def _containing(identities: tuple[Identity, ...]) -> dict[Key, list[Identity]]:
    """The identities that read each cell, indexed once per set of identities."""
    containing: dict[Key, list[Identity]] = defaultdict(list)
    for identity in identities:
        for key in identity.keys:
            containing[key].append(identity)
    return dict(containing)


class Known(NamedTuple):
    """A cell's value with its evidence; ``derivation`` names the identity of a derived one."""

    value: int | float
    evidence: str
    derivation: str | None = None
    unit: str | None = None


def clean(value: float) -> int | float:
    """A sum as a number: integral sums as int, others rounded off float noise."""
    rounded = round(float(value), 6)
    return int(rounded) if rounded.is_integer() else rounded


class Grid:
    """Known cells by (row, column); ``spans`` locate each row in the text for evidence."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.known: dict[Key, Known] = {}
        self.spans: dict[str, tuple[int, int]] = {}
        self._quotes: dict[str, str | None] = {}
        self._spanned: dict[tuple[str, ...], str | None] = {}
        self._quantities: dict[tuple[Known, str], Quantity] = {}

    def read(
        self,
        key: Key,
        value: int | float | None,
        unit: str | None = None,
        derivation: str | None = None,
    ) -> bool:
        """Record a stated cell; False if it is blank, negative or its row has no evidence.

        ``derivation`` names how a cell cut out of a digit run was placed.
        """
        if value is None or value < 0:
            return False
        quote = self._row_evidence(key[0])
        if quote is None:
            return False
        self.known[key] = Known(value, quote, derivation, unit)
        return True

    def read_row(
        self,
        row: str,
        columns: Sequence[str],
        values: Sequence[int | float | None],
        derivation: str | None = None,
    ) -> None:
        """Record the stated cells of a row, column by column, as :meth:`read` does."""
        stated = [(c, v) for c, v in zip(columns, values, strict=False) if v is not None and v >= 0]
        quote = self._row_evidence(row) if stated else None
        if quote is None:
            return
        for column, value in stated:
            self.known[row, column] = Known(value, quote, derivation)

    def _row_evidence(self, row: str) -> str | None:
        if row not in self._quotes:
            span = self.spans.get(row)
            self._quotes[row] = evidence(self.text, *span) if span else None
        return self._quotes[row]

    def derive(self, identities: Sequence[Identity], may_fill: Callable[[Key], bool]) -> None:
        """Fill every cell that some identity determines and none contradicts."""
        known = self.known
        is_known = known.__contains__
        containing = _containing(tuple(identities))
        if all(map(is_known, containing)):
            return  # every cell that an identity reads is known
        open_ = [i for i in identities if not all(map(is_known, i.keys))]
        refused: set[Key] = set()
        progress = True
        while progress and open_:
            progress = False
            for identity in open_:
                unknown = list(filterfalse(is_known, identity.keys))
                if not unknown or any(k in refused or not may_fill(k) for k in unknown):
                    continue
                if len(unknown) > 1:
                    progress = self._zeros(identity, unknown, containing, refused) or progress
                    continue
                key = unknown[0]
                value = self._solve(identity, key)
                quote = self._evidence(identity, key)
                if value is None or quote is None:
                    continue
                others = (
                    self._solve(other, key)
                    for other in containing[key]
                    if other is not identity and all(k in known for k in other.keys if k != key)
                )
                if any(v is None or not math.isclose(v, value, abs_tol=1e-6) for v in others):
                    refused.add(key)
                    continue
                known[key] = Known(value, quote, identity.name)
                progress = True
            open_ = [i for i in open_ if not all(map(is_known, i.keys))]

    def _zeros(
        self,
        identity: Identity,
        unknown: list[Key],
        containing: dict[Key, list[Identity]],
        refused: set[Key],
    ) -> bool:
        """Fill the unknown cells of ``identity`` with 0 when they all stand on one side and
        the known cells already balance: being counts, they cannot be anything else."""
        known = self.known
        same_side = identity.left if unknown[0] in identity.left else identity.right
        if any(k not in same_side for k in unknown):
            return False
        left = math.fsum(known[k].value for k in identity.left if k in known)
        right = math.fsum(known[k].value for k in identity.right if k in known)
        if not math.isclose(left, right, abs_tol=1e-6):
            return False
        derivation = f"{identity.name}{ZERO_NOTE}"
        filled = False
        for key in unknown:
            quote = self._evidence(identity, key)
            others = (
                self._solve(other, key)
                for other in containing[key]
                if other is not identity and all(k in known for k in other.keys if k != key)
            )
            if quote is None or any(v is None or abs(v) > 1e-6 for v in others):
                refused.add(key)
                continue
            known[key] = Known(0, quote, derivation)
            filled = True
        return filled

    def _solve(self, identity: Identity, key: Key) -> int | float | None:
        known = self.known
        left = math.fsum([known[k].value for k in identity.left if k != key])
        right = math.fsum([known[k].value for k in identity.right if k != key])
        value = right - left if key in identity.left else left - right
        return clean(value) if value > -1e-6 else None

    def _evidence(self, identity: Identity, key: Key) -> str | None:
        rows = identity.rows
        if rows not in self._spanned:
            spans = [self.spans[row] for row in rows if row in self.spans]
            self._spanned[rows] = (
                evidence(self.text, min(s for s, _ in spans), max(e for _, e in spans))
                if spans
                else None
            )
        return self._spanned[rows] or self._row_evidence(key[0])

    def quantity(self, key: Key) -> Quantity | None:
        """The cell as a Quantity; cells that state the same figure by the same words (most
        often the zeros of a row) share one."""
        known = self.known.get(key)
        if known is None:
            return None
        same = (known, repr(known.value))  # 0 == 0.0, but they are written differently
        quantity = self._quantities.get(same)
        if quantity is None:
            quantity = self._quantities[same] = Quantity(
                value=known.value,
                unit=known.unit,
                evidence=known.evidence,
                derived=known.derivation is not None,
                derivation=known.derivation,
            )
        return quantity
