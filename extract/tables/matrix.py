"""表三 收到和处理政府信息公开申请情况: the request matrix of the 2019 and 2021 templates.

Rows are found by their labels (:data:`LABELS`); rows whose label was lost are
placed by position between labeled ones. Each row's cells are fitted to the seven
columns (six applicant columns and 总计); digit runs are split under the row
identity and, where that leaves a choice, under the column identities. Category
rows (三)(四)(五) and the 2021 (六) print no cells: they are filled as sums of
their sub-rows, as are single missing cells that an identity determines.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from functools import cache
from typing import Literal

from extract.tables.fit import Fit, fit_cells, holds
from extract.tables.grid import Grid, Identity
from extract.tables.scan import Label, Unit, label, scan
from schemas import (
    APPLICANT_COLUMNS,
    MATRIX_COLUMNS,
    MATRIX_ROWS,
    OUTCOME_ROWS,
    MatrixRow,
    RequestMatrix,
    TableInfo,
)

Status = Literal["parsed", "partial", "empty", "flattened"]
ROW_GROUPS = (7,)
"""A row's identity: 总计 is the sum of the six applicant columns."""
COMBINATION_LIMIT = 4096
"""Most combinations of split alternatives tried against one column identity."""

LABELS: tuple[Label, ...] = (
    label("new", "本年度?新收"),
    label("carried_over", "上一?年度?结转"),
    label("granted", "予以公开"),
    label("partially_granted", "部分公开"),
    label("denied", "不予公开"),
    label("denied_state_secret", "属于国家秘密", "国家秘密"),
    label("denied_law_prohibited", "其他法律行政法规禁止公开", "法律行政法规禁止公开", "禁止公开"),
    label("denied_three_safety", "危及[“\"'‘]?三安全一稳定", "三安全一稳定"),
    label("denied_third_party", "保护第三方合法权益", "第三方合法权益"),
    label("denied_internal_affairs", "属于三类内部事务信息", "内部事务"),
    label("denied_process_info", "属于四类过程性信息", "过程性信息"),
    label("denied_enforcement_file", "属于行政执法案卷", "执法案卷"),
    label("denied_admin_query", "属于行政查[询找]事项", "查[询找]事项"),
    label("unable_to_provide", "无法提供"),
    label("unable_not_held", "本机关不掌握", "不掌握"),
    label("unable_needs_creation", "没有现成信息", "另行制作"),
    label("unable_unclear", "补正后申请内容仍?不明确", "不明确"),
    label("not_processed", "不予处理"),
    label("not_processed_petition", "信访举报投诉"),
    label("not_processed_repeat", "重复申请"),
    label("not_processed_publication", "要求提供公开出版物", "公开出版物"),
    label("not_processed_excessive", "无正当理由大量反复申请", "大量反复申请"),
    label("not_processed_confirmation", "要求行政机关确认", "重新出具"),
    label("other", "其他处理"),
    label("other_no_correction", "申请人无正当理由逾期不补正", "逾期不补正"),
    label("other_no_fee", "申请人逾期未按收费通知", "收费通知", "缴纳费用"),
    label("other_misc", "其他", guard=r"(?!\s*[\u4e00-\u9fff])"),
    label("processed_total", "总计"),
    label("carried_forward", "结转下一?年度?"),
)
ROW_LABELS = {name: text for name, text, _ in MATRIX_ROWS}
SUBS: dict[str, tuple[str, ...]] = {
    parent: tuple(name for name, _, p in MATRIX_ROWS if p == parent)
    for parent in dict.fromkeys(p for _, _, p in MATRIX_ROWS if p)
}
"""Sub-rows of each category row, in table order."""
CATEGORIES = {"2021": tuple(SUBS), "2019": ("denied", "unable_to_provide", "not_processed")}
"""Rows that print a label but no cells, per template."""
ROWS = {
    "2021": tuple(name for name, _, _ in MATRIX_ROWS),
    "2019": tuple(name for name, _, parent in MATRIX_ROWS if parent != "other"),
}
NUMERALS = "一二三四五六七"


def data_rows(layout: str) -> tuple[str, ...]:
    """The rows that print cells in the ``layout`` template, in order."""
    return tuple(row for row in ROWS[layout] if row not in CATEGORIES[layout])


def leaves(layout: str) -> tuple[str, ...]:
    """The rows whose cells add up to (七)总计."""
    categories = CATEGORIES[layout]
    return tuple(
        sub for row in OUTCOME_ROWS for sub in (SUBS[row] if row in categories else (row,))
    )


def _layout(units: Sequence[Unit], template: str) -> str:
    """2021 if the (六) sub-rows are there; 2019 if (六) prints its own cells; else the template."""
    rows = {u.row: u for u in units}
    if any(sub in rows for sub in SUBS["other"]):
        return "2021"
    if "other" in rows and rows["other"].cells:
        return "2019"
    return template if template in ROWS else "2021"


def _qualifies(unit: Unit) -> bool:
    """An unlabeled row that can stand for a row of seven cells whose label was lost."""
    width = len(MATRIX_COLUMNS)
    return width <= len(unit.cells) <= width + 2 if unit.piped else len(unit.cells) == width


def align(units: Sequence[Unit], rows: Sequence[str]) -> dict[str, Unit]:
    """Units by row: labeled ones by label, unlabeled ones by position between them."""
    order = {row: i for i, row in enumerate(rows)}
    placed: dict[str, Unit] = {}
    pending: list[Unit] = []
    last = -1
    for unit in units:
        if unit.row is None:
            if _qualifies(unit):
                pending.append(unit)
        elif unit.row in order:
            _place(placed, pending, rows, last, order[unit.row])
            pending = []
            placed[unit.row] = unit
            last = order[unit.row]
        elif unit.cells:  # a category row that prints its own cells
            placed[unit.row] = unit
    _place(placed, pending, rows, last, len(rows))
    return placed


def _place(
    placed: dict[str, Unit], pending: list[Unit], rows: Sequence[str], after: int, before: int
) -> None:
    gap = before - after - 1
    if len(pending) > gap and after < 0:
        extra = pending[: len(pending) - gap]
        if all(c.blank for u in extra for c in u.cells):  # header rows that lost their words
            pending = pending[len(extra) :]
    if len(pending) == gap:
        for row, unit in zip(rows[after + 1 : before], pending, strict=True):
            placed[row] = unit


def number_block(
    units: Sequence[Unit], placed: dict[str, Unit], rows: Sequence[str]
) -> dict[str, Unit]:
    """Rows whose labels were printed first and all numbers after them, as one block.

    The block is read row by row or column by column, whichever order makes every
    row add up (and only if exactly one does); otherwise ``placed`` is returned as is.
    """
    holding = [i for i, u in enumerate(units) if u.cells]
    width = len(MATRIX_COLUMNS)
    if not holding or any(units[i].row is None for i in holding[:1]):
        return placed
    block = units[holding[0] :]
    if any(u.piped or (u.row is not None and u is not block[0]) for u in block if u.cells):
        return placed
    cells = [c for u in block for c in u.cells]
    if len(cells) != len(rows) * width:
        return placed
    orders = {
        "rows": [cells[r * width : (r + 1) * width] for r in range(len(rows))],
        "columns": [cells[r :: len(rows)] for r in range(len(rows))],
    }
    fitting = {
        name: grid for name, grid in orders.items()
        if all(holds([c.value for c in row], ROW_GROUPS) for row in grid)
    }  # fmt: skip
    readings = {tuple(c.value for row in grid for c in row) for grid in fitting.values()}
    if len(readings) != 1:
        return placed
    grid = next(iter(fitting.values()))
    return {
        row: Unit(row, min(c.start for c in found), max(c.end for c in found), list(found), False)
        for row, found in zip(rows, grid, strict=True)
    }


def _balanced(
    left: Sequence[Sequence[float | None]], right: Sequence[Sequence[float | None]]
) -> bool:
    """Whether every column stated in all rows adds up (left rows = right rows)."""
    for col in range(len(MATRIX_COLUMNS)):
        cells = [row[col] for row in (*left, *right)]
        if any(v is None for v in cells):
            continue
        lsum = math.fsum(row[col] or 0 for row in left)
        rsum = math.fsum(row[col] or 0 for row in right)
        if not math.isclose(lsum, rsum, abs_tol=1e-6):
            return False
    return True


def resolve_jointly(fits: dict[str, Fit], layout: str) -> None:
    """Settle rows with several possible splits by the column identities, where unique."""
    if not any(fit.candidates for fit in fits.values()):
        return  # no row to settle
    identities = (
        (leaves(layout), ("processed_total",)),
        (("new", "carried_over"), ("processed_total", "carried_forward")),
    )
    progress = True
    while progress:
        progress = False
        for left, right in identities:
            rows = (*left, *right)
            options = [_options(fits.get(row)) for row in rows]
            ambiguous = [i for i, o in enumerate(options) if len(o) > 1]
            if not ambiguous or any(not o for o in options):
                continue
            if math.prod(len(options[i]) for i in ambiguous) > COMBINATION_LIMIT:
                continue
            good = []
            for combo in itertools.product(*(options[i] for i in ambiguous)):
                values = [o[0] for o in options]
                for i, choice in zip(ambiguous, combo, strict=True):
                    values[i] = choice
                if _balanced(values[: len(left)], values[len(left) :]):
                    good.append(combo)
            for k, i in enumerate(ambiguous):
                chosen = {combo[k] for combo in good}
                if len(chosen) == 1:
                    fits[rows[i]] = Fit(chosen.pop(), split=True)
                    progress = True


def _options(fit: Fit | None) -> list[tuple[float | None, ...]]:
    if fit is None:
        return []
    if fit.values is not None:
        return [tuple(fit.values)]
    return list(fit.candidates)


@cache
def identities(layout: str) -> tuple[tuple[Identity, ...], tuple[Identity, ...]]:
    """(category sums with the category rows' own totals, every identity of the table)."""
    row_sum = "总计 = 自然人 + 法人或其他组织各项之和"
    categories = CATEGORIES[layout]
    first: list[Identity] = []
    for k, parent in enumerate(OUTCOME_ROWS):
        if parent not in categories:
            continue
        subs = SUBS[parent]
        name = f"({NUMERALS[k]}){ROW_LABELS[parent]} = 第1至{len(subs)}小项之和"
        first.extend(
            Identity(tuple((sub, col) for sub in subs), ((parent, col),), name)
            for col in MATRIX_COLUMNS
        )
    rows = [_row_identity(row, row_sum) for row in ROWS[layout]]
    first.extend(rows[i] for i, row in enumerate(ROWS[layout]) if row in categories)
    outcome = "(七)总计 = (一)至(六)之和"
    by_leaf = "(七)总计 = (一)至(六)各小项之和"
    balance = "一 + 二 = 三(七)总计 + 四"
    every = [*rows, *first]
    for col in MATRIX_COLUMNS:
        every.append(
            Identity(tuple((r, col) for r in OUTCOME_ROWS), (("processed_total", col),), outcome)
        )
        every.append(
            Identity(tuple((r, col) for r in leaves(layout)), (("processed_total", col),), by_leaf)
        )
        every.append(
            Identity(
                (("new", col), ("carried_over", col)),
                (("processed_total", col), ("carried_forward", col)),
                balance,
            )
        )
    return tuple(first), tuple(every)


def _row_identity(row: str, name: str) -> Identity:
    return Identity(tuple((row, col) for col in APPLICANT_COLUMNS), ((row, "total"),), name)


def _spans(grid: Grid, units: dict[str, Unit], all_units: Sequence[Unit], layout: str) -> None:
    for row, unit in units.items():
        grid.spans[row] = (unit.start, unit.end)
    labeled = {u.row: u for u in all_units if u.row is not None}
    for parent in CATEGORIES[layout]:
        subs = [units[s] for s in SUBS[parent] if s in units]
        if not subs:
            continue
        head = labeled.get(parent)
        start = min(head.start if head else subs[0].start, subs[0].start)
        grid.spans[parent] = (start, max(u.end for u in subs))


def parse_request_table(
    text: str, start: int, end: int, template: str
) -> tuple[RequestMatrix | None, TableInfo]:
    """The request matrix in ``text[start:end]`` (the section of 表三) and how it was read."""
    units = scan(text, start, end, LABELS, CATEGORIES["2021"], len(MATRIX_COLUMNS))
    layout = _layout(units, template)
    rows = data_rows(layout)
    placed = number_block(units, align(units, rows), rows)
    fits = {
        row: fit_cells(unit.cells, unit.piped, len(MATRIX_COLUMNS), ROW_GROUPS)
        for row, unit in placed.items()
    }
    resolve_jointly(fits, layout)
    grid = Grid(text)
    _spans(grid, placed, units, layout)
    for row, fit in fits.items():
        grid.read_row(row, MATRIX_COLUMNS, fit.values or (), fit.derivation)
    read = sum(fits[row].stated for row in rows if row in fits)
    flattened = any(f.ran_together and f.values is None for f in fits.values())
    expected = len(rows) * len(MATRIX_COLUMNS)
    if grid.known:
        first, every = identities(layout)
        categories = CATEGORIES[layout]
        grid.derive(first, lambda key: key[0] in categories)
        readable = {row for row, fit in fits.items() if fit.values is not None}
        grid.derive(every, lambda key: key[0] in categories or key[0] in readable)
    info = TableInfo(
        name="requests",
        status=_status(grid, fits, rows, read, flattened),
        cells_read=read,
        cells_expected=expected,
    )
    if not grid.known:
        return None, info
    return _matrix(grid, ROWS[layout]), info


def _status(
    grid: Grid, fits: dict[str, Fit], rows: Sequence[str], read: int, flattened: bool
) -> Status:
    """flattened, empty, parsed (every cell known or marked not applicable) or partial."""
    if flattened:
        return "flattened"
    if not read:
        return "empty"
    for row in rows:
        dashed = fits[row].dashed if row in fits else ()
        for i, col in enumerate(MATRIX_COLUMNS):
            if (row, col) not in grid.known and not (i < len(dashed) and dashed[i]):
                return "partial"
    return "parsed"


def _matrix(grid: Grid, rows: Sequence[str]) -> RequestMatrix:
    matrix: dict[str, MatrixRow] = {}
    for row in rows:
        cells = {col: grid.quantity((row, col)) for col in MATRIX_COLUMNS}
        if any(q is not None for q in cells.values()):
            matrix[row] = MatrixRow(**cells)
    return RequestMatrix(**matrix)
