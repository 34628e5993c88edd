"""表四 政府信息公开行政复议、行政诉讼情况: fifteen cells, three groups of five.

行政复议, then 行政诉讼 未经复议直接起诉 and 复议后起诉, each 结果维持 / 结果纠正 /
其他结果 / 尚未审结 / 总计. The cells are usually one data row under a three-row
header, sometimes one row per group; either way they are the section's numbers
in reading order. litigation_total is the two litigation totals' sum (derived).
"""

from __future__ import annotations

import re
from typing import Literal

from extract.tables.fit import fit_cells
from extract.tables.grid import Grid, Identity
from extract.tables.scan import Cell, Unit, in_narrative, scan, spaced
from schemas import APPEAL_PARTS, AppealGroup, Appeals, TableInfo

Status = Literal["parsed", "partial", "empty", "flattened"]

GROUPS = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
GROUP_LABELS = {
    "reconsideration": "行政复议",
    "litigation_direct": "未经复议直接起诉",
    "litigation_after_reconsideration": "复议后起诉",
}
COLUMNS = (*APPEAL_PARTS, "total")
SIZES = tuple(len(COLUMNS) for _ in GROUPS)
CELLS = len(COLUMNS) * len(GROUPS)
LITIGATION = "litigation"
HEADER_RE = re.compile("|".join(spaced(w) for w in ("结果维持", "尚未审结", "复议后起诉")))
"""Column words of the header; the data follows the first of them."""


def _header_start(text: str, start: int, end: int) -> int:
    """Where the table's header begins (its first column word), or ``start`` if none is found."""
    for m in HEADER_RE.finditer(text, start, end):
        if not in_narrative(text, m.start()):
            return m.start()
    return start


def _data(units: list[Unit], after: int) -> tuple[list[Cell], bool, tuple[int, int] | None]:
    """The data cells after the header: the first rows holding numbers, up to fifteen cells.

    Returns the cells, whether they kept their separators, and the span of their rows.
    """
    rows: list[Unit] = []
    cells: list[Cell] = []
    for unit in units:
        if unit.end <= after or all(c.blank for c in unit.cells):
            continue
        rows.append(unit)
        cells.extend(unit.cells)
        if len(cells) >= CELLS or fit_cells(cells, False, CELLS, SIZES).values is not None:
            break
    if not rows:
        return [], True, None
    return cells, all(u.piped for u in rows), (rows[0].start, rows[-1].end)


IDENTITIES = (
    *(
        Identity(
            tuple((group, part) for part in APPEAL_PARTS),
            ((group, "total"),),
            f"{GROUP_LABELS[group]}总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
        )
        for group in GROUPS
    ),
    Identity(
        (("litigation_direct", "total"), ("litigation_after_reconsideration", "total")),
        ((LITIGATION, "total"),),
        "行政诉讼总数 = 未经复议直接起诉总计 + 复议后起诉总计",
    ),
)
"""Each group's total is the sum of its four results; litigation_total the two totals' sum."""


def parse_appeals_table(
    text: str, start: int, end: int, template: str
) -> tuple[Appeals | None, TableInfo]:
    """The appeals figures of 表四 in ``text[start:end]`` (its section) and how they were read.

    ``template`` is accepted for symmetry: both templates print the same table.
    """
    units = scan(text, start, end, (), width=CELLS)
    cells, piped, span = _data(units, _header_start(text, start, end))
    fit = fit_cells(cells, piped, CELLS, SIZES)
    grid = Grid(text)
    if span is not None and fit.values is not None:
        for i, group in enumerate(GROUPS):
            grid.spans[group] = span
            values = fit.values[i * len(COLUMNS) : (i + 1) * len(COLUMNS)]
            grid.read_row(group, COLUMNS, values, fit.derivation)
    if grid.known:
        grid.derive(IDENTITIES, lambda key: True)
    read = fit.stated
    known = sum((group, col) in grid.known for group in GROUPS for col in COLUMNS)
    status: Status = (
        "flattened" if fit.ran_together and fit.values is None else "empty" if not read
        else "parsed" if known == CELLS else "partial"
    )  # fmt: skip
    info = TableInfo(name="appeals", status=status, cells_read=read, cells_expected=CELLS)
    if not grid.known:
        return None, info
    groups = {
        group: AppealGroup(**{col: grid.quantity((group, col)) for col in COLUMNS})
        for group in GROUPS
    }
    return Appeals(**groups, litigation_total=grid.quantity((LITIGATION, "total"))), info
