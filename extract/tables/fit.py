"""Fitting the cells found for a row to the row's columns.

A row with as many cells as columns is read as written (a dash or slash is a
cell stated as not applicable: no value, kept in place). Extra blank cells at its
ends (lost label cells, trailing separators) are dropped. Fewer bare numbers than
columns means digits ran together: they are split by :mod:`extract.tables.digits`
under the row's sum identity and kept only when the split is unique (else the
candidates are returned for the table-wide identities to decide). One number too
many, of which exactly one end can be dropped so that the identity holds, is a
stray (a page number). Anything else is left unread.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from extract.tables.digits import split_runs
from extract.tables.scan import Cell

Values = tuple[int | float | None, ...]
SPLIT = "连写数字按表内勾稽关系唯一拆分"
"""The derivation of a cell cut out of a digit run: the only split the table's sums allow."""
EQUAL_PARTS = "连写数字由各列相同的数字重复而成(如898989为89、89、89)"
"""The derivation of cells read from a run that repeats one number once per column."""
MAX_CANDIDATES = 24
"""Split alternatives kept for a row whose own identity leaves it ambiguous."""


class Fit(NamedTuple):
    """The values of a row's columns, or why there are none."""

    values: Values | None = None
    candidates: tuple[tuple[int, ...], ...] = ()
    split: bool = False
    """Read by splitting a digit run."""
    how: str = SPLIT
    """How the run was split (the derivation of its cells)."""
    ran_together: bool = False
    """Digits ran together and could not be split (yet): the row is flattened."""
    dashed: tuple[bool, ...] = ()
    """Per column: written as a dash or slash (not applicable), stated but with no value."""

    @property
    def derivation(self) -> str | None:
        return self.how if self.split else None

    @property
    def stated(self) -> int:
        """How many cells the table states: values and dashes."""
        values = self.values or ()
        return len(values) - values.count(None) + sum(self.dashed)


def _as_written(cells: Sequence[Cell]) -> Fit:
    values = tuple([c.value for c in cells])
    return Fit(values, dashed=tuple([c.value is None and c.text != "" for c in cells]))


def holds(values: Sequence[int | float | None], groups: Sequence[int]) -> bool:
    """Whether each group's last value is the sum of the others (blank cells never hold)."""
    at = 0
    for size in groups:
        group = values[at : at + size]
        at += size
        if any(v is None for v in group):
            return False
        parts = sum(v for v in group[:-1] if v is not None)
        last = group[-1]
        if last is None or abs(parts - last) > 1e-6:
            return False
    return True


def fit_cells(cells: Sequence[Cell], piped: bool, n: int, groups: Sequence[int] | None) -> Fit:
    """Fit ``cells`` to ``n`` columns; ``groups`` are the row's sum identities, if any."""
    cells = list(cells)
    if piped:
        while len(cells) > n and cells[0].blank:
            cells.pop(0)
        while len(cells) > n and cells[-1].blank:
            cells.pop()
        if len(cells) == n:
            return _as_written(cells)
        if any(c.blank for c in cells):
            return Fit()
        if len(cells) > n:
            return _one_too_many([c.value for c in cells], n, groups, ends=False)
    values = [c.value for c in cells]
    if len(values) == n:
        return _as_written(cells)
    if any(c.blank for c in cells):
        return Fit()
    if len(values) < n:
        return _split(cells, n, groups)
    return _one_too_many(values, n, groups, ends=True)


def _one_too_many(
    values: Sequence[int | float | None], n: int, groups: Sequence[int] | None, *, ends: bool
) -> Fit:
    """A row with one number more than its columns, read only if one reading adds up: a stray
    number at either end (a page number; ``ends``), or a subtotal before the total of the
    cells after the first (法人或其他组织 小计, a column some tables add)."""
    if len(values) != n + 1 or not groups:
        return Fit()
    readings = [list(values[1:]), list(values[:-1])] if ends else []
    if len(groups) == 1 and n >= 3:
        subtotal, parts = values[n - 1], values[1 : n - 1]
        if subtotal is not None and abs(sum(v or 0 for v in parts) - subtotal) < 1e-6:
            readings.append([*values[: n - 1], values[n]])
    fits = [tuple(v) for v in readings if holds(v, groups)]
    return Fit(fits[0]) if len(fits) == 1 else Fit()


def _split(cells: Sequence[Cell], n: int, groups: Sequence[int] | None) -> Fit:
    tokens = [c.text for c in cells]
    if sum(map(len, tokens)) < n or not any(t.isdigit() and len(t) > 1 for t in tokens):
        return Fit()  # cells missing, not run together
    if groups is None and n >= 2 and len(tokens) == 1:
        repeated = _equal_parts(tokens[0], n)
        if repeated is not None:
            return Fit((repeated,) * n, split=True, how=EQUAL_PARTS)
    splits = split_runs(tokens, n, groups, limit=MAX_CANDIDATES + 1)
    if splits is None or not splits or len(splits) > MAX_CANDIDATES:
        return Fit(ran_together=True)
    if len(splits) == 1:
        return Fit(splits[0], split=True)
    return Fit(candidates=tuple(splits), ran_together=True)


def _equal_parts(token: str, n: int) -> int | None:
    """The number that ``token`` repeats ``n`` times ("898989", 3 → 89), or None."""
    if not token.isdigit() or len(token) % n:
        return None
    part = token[: len(token) // n]
    if part * n != token or (len(part) > 1 and part[0] == "0"):
        return None
    return int(part)
