"""Splitting digit runs whose cell separators were lost (``713000074`` → 71|3|0|0|0|0|74).

A run is split into cells so that the table's sum identities hold: with ``groups``
``(7,)`` the seventh cell is the sum of the first six (a request-table row), with
``(5, 5, 5)`` each fifth cell is the sum of the four before it (the appeals row).
Cells never start with a zero unless they are "0". The search is depth-first and
bounded: past :data:`STEP_BUDGET` steps it gives up, which callers read as "no
unique split".
"""

from __future__ import annotations

from collections.abc import Sequence

STEP_BUDGET = 5_000
"""Search steps per split before giving up."""
MAX_CELL_DIGITS = 7
"""No single table cell of these reports runs to eight digits."""

Split = tuple[int, ...]


class _Search:
    def __init__(
        self, tokens: Sequence[str], parts: int, groups: Sequence[int] | None, limit: int
    ) -> None:
        self.tokens = tokens
        self.digits_after = [sum(map(len, tokens[i + 1 :])) for i in range(len(tokens))]
        """The digits of the tokens after each one."""
        self.parts = parts
        self.ends = self._group_ends(groups)
        self.limit = limit
        self.steps = 0
        self.found: list[Split] = []
        self.exhausted = False

    @staticmethod
    def _group_ends(groups: Sequence[int] | None) -> frozenset[int]:
        """Indexes of the cells that must equal the sum of their group's other cells."""
        ends, at = set(), 0
        for size in groups or ():
            at += size
            ends.add(at - 1)
        return frozenset(ends)

    def run(self) -> None:
        self._walk(0, 0, [], 0)

    def _remaining_digits(self, token: int, pos: int) -> int:
        return len(self.tokens[token]) - pos + self.digits_after[token]

    def _walk(self, token: int, pos: int, cells: list[int], group_sum: int) -> None:
        if len(self.found) >= self.limit or self.exhausted:
            return
        self.steps += 1
        if self.steps > STEP_BUDGET:
            self.exhausted = True
            return
        if token == len(self.tokens):
            if len(cells) == self.parts:
                self.found.append(tuple(cells))
            return
        left_parts = self.parts - len(cells)
        left_digits = self._remaining_digits(token, pos)
        if left_parts < len(self.tokens) - token or left_parts > left_digits:
            return  # every token needs a cell of its own, every cell a digit
        text = self.tokens[token]
        index = len(cells)
        for length in self._lengths(text, pos, index, group_sum):
            value = int(text[pos : pos + length])
            if left_digits - length < self._digits_needed_after(index, group_sum + value):
                break
            end = pos + length
            next_token, next_pos = (token + 1, 0) if end == len(text) else (token, end)
            cells.append(value)
            next_sum = 0 if index in self.ends else group_sum + value
            self._walk(next_token, next_pos, cells, next_sum)
            cells.pop()

    def _digits_needed_after(self, index: int, group_sum: int) -> int:
        """The fewest digits the cells after ``index`` can take, its group's total included."""
        later = self.parts - index - 1
        if index in self.ends or not self.ends:
            return later
        return later - 1 + len(str(group_sum))  # the total is at least the sum so far

    def _lengths(self, text: str, pos: int, index: int, group_sum: int) -> list[int]:
        """Cell lengths to try at ``text[pos:]`` for cell ``index``."""
        room = len(text) - pos
        if index in self.ends:  # a group's total: its digits are known
            wanted = str(group_sum)
            return [len(wanted)] if text.startswith(wanted, pos) else []
        if text[pos] == "0":
            return [1]
        return list(range(1, min(room, MAX_CELL_DIGITS) + 1))


def split_runs(
    tokens: Sequence[str], parts: int, groups: Sequence[int] | None = None, limit: int = 2
) -> list[Split] | None:
    """Ways to cut ``tokens`` (digit strings, in order) into ``parts`` cells.

    Each token yields one or more whole cells; ``groups`` (sizes adding up to
    ``parts``) adds the sum identities. Returns up to ``limit`` splits, or None
    when a token is not a plain digit string or the search ran out of budget.
    """
    if not tokens or any(not t.isascii() or not t.isdigit() for t in tokens):
        return None
    if groups is not None and sum(groups) != parts:
        raise ValueError("groups must add up to parts")
    search = _Search(tokens, parts, groups, limit)
    search.run()
    return None if search.exhausted else search.found
