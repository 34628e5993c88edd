"""表二 主动公开政府信息情况: the proactive-disclosure table of the 2019 and 2021 templates.

The two templates print different columns under the same row labels (2021:
本年制发件数 / 本年废止件数 / 现行有效件数, one 本年处理决定数量, 本年收费金额（单位：万元）;
2019: 本年新制作数量 / 本年新公开数量 / 对外公开总数量, 上一年项目数量 / 本年增/减 /
处理决定数量, no amount for fees). Each row's columns are read from the header
printed before it (colspan copies included), else from the template.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from extract.tables.fit import Fit, fit_cells
from extract.tables.grid import Grid, Key, clean
from extract.tables.scan import Unit, finditer_at, first_chars, in_narrative, label, scan, spaced
from schemas import DocCounts, Proactive, Quantity, TableInfo

Status = Literal["parsed", "partial", "empty", "flattened"]

LABELS = (
    label("rules", "规章"),
    label("normative_docs", "行政规范性文件", "规范性文件"),
    label("licensing", "行政许可"),
    label("other_services", "其他对外管理服务事项", "对外管理服务"),
    label("punishment", "行政处罚"),
    label("coercion", "行政强制"),
    label("admin_fees", "行政事业性收费"),
    label("procurement", "政府集中采购"),
)
COLUMN_WORDS = {
    "issued": ("制发", "新制作"),
    "published": ("新公开",),
    "repealed": ("废止",),
    "in_force": ("现行有效",),
    "published_total": ("对外公开总",),  # cumulative published count: not "in force"
    "previous": ("上一年项目", "上年项目"),
    "change": ("本年增",),
    "decisions": ("处理决定",),
    "amount": ("收费金额",),
    "purchases": ("采购项目",),
    "purchase_amount": ("采购总金额",),
}
COLUMN_RE = re.compile(
    "|".join(
        f"(?P<{name}>{'|'.join(spaced(w) for w in words)})" for name, words in COLUMN_WORDS.items()
    )
)
COLUMN_STARTS = first_chars(w for words in COLUMN_WORDS.values() for w in words)
YUAN_UNIT_RE = re.compile(r"单\s*位\s*:?\s*(万\s*元|元)|(万\s*元)")

TEMPLATE_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "2021": {
        "rules": ("issued", "repealed", "in_force"),
        "normative_docs": ("issued", "repealed", "in_force"),
        "licensing": ("decisions",),
        "punishment": ("decisions",),
        "coercion": ("decisions",),
        "admin_fees": ("amount",),
    },
    "2019": {
        "rules": ("issued", "published", "published_total"),
        "normative_docs": ("issued", "published", "published_total"),
        "licensing": ("previous", "change", "decisions"),
        "other_services": ("previous", "change", "decisions"),
        "punishment": ("previous", "change", "decisions"),
        "coercion": ("previous", "change", "decisions"),
        "admin_fees": ("previous", "change"),
        "procurement": ("purchases", "purchase_amount"),
    },
}
ROW_COLUMNS = {
    "rules": ("issued", "repealed", "in_force"),
    "normative_docs": ("issued", "repealed", "in_force"),
    "licensing": ("decisions",),
    "punishment": ("decisions",),
    "coercion": ("decisions",),
    "admin_fees": ("amount",),
    "other_services": ("decisions",),
    "procurement": ("purchases",),
}
"""For each row, the columns that tell its header from another row's."""
OLD_TEMPLATE_WORDS = ("新制作", "新公开", "上一年项目", "本年增")
WAN = 10_000


@dataclass(frozen=True)
class Header:
    """The columns of a group of rows, in order, and where the header was printed."""

    columns: tuple[str, ...]
    start: int
    end: int


def _header(text: str, start: int, end: int) -> Header | None:
    found = [
        m
        for m in finditer_at(COLUMN_RE, COLUMN_STARTS, text, start, end)
        if not in_narrative(text, m.start())
    ]
    if not found:
        return None
    columns = tuple(m.lastgroup or "" for m in found)
    return Header(columns, found[0].start(), found[-1].end())


def _template(text: str, start: int, end: int, template: str) -> str:
    if template in TEMPLATE_COLUMNS:
        return template
    section = text[start:end]
    return "2019" if any(word in section for word in OLD_TEMPLATE_WORDS) else "2021"


@dataclass(frozen=True)
class Row:
    """One row read: its columns, its fitted values and the header that named the columns."""

    unit: Unit
    columns: tuple[str, ...]
    fit: Fit
    header: Header | None


def _rows(text: str, units: Sequence[Unit], start: int, template: str) -> dict[str, Row]:
    rows: dict[str, Row] = {}
    header: Header | None = None
    previous_end = start
    for unit in units:
        if unit.row is None:
            continue
        printed = _header(text, previous_end, unit.start)
        header = printed or header
        previous_end = unit.end
        wanted = ROW_COLUMNS[unit.row]
        if header is not None and any(c in header.columns for c in wanted):
            columns, named = header.columns, header
        else:
            columns, named = TEMPLATE_COLUMNS[template].get(unit.row, ()), None
        if columns and unit.row not in rows:
            fit = fit_cells(unit.cells, unit.piped, len(columns), None)
            rows[unit.row] = Row(unit, columns, fit, named)
    return rows


def _fee_unit(text: str, row: Row) -> tuple[str, int]:
    """The unit of the fee amount, as written, and its factor to yuan."""
    written = {c.unit for c in row.unit.cells} & {"万元", "元"}
    if written:  # a unit in the cell itself ("12.5万元")
        unit = "万元" if "万元" in written else "元"
        return unit, WAN if unit == "万元" else 1
    if row.header is not None:
        m = YUAN_UNIT_RE.search(text, row.header.start, row.unit.start)
        if m is not None:
            unit = "".join((m.group(1) or m.group(2)).split())
            return unit, WAN if unit == "万元" else 1
    return "万元", WAN  # the 2021 template prints 本年收费金额（单位：万元）


class _Reader:
    def __init__(self, text: str, rows: dict[str, Row]) -> None:
        self.grid = Grid(text)
        self.rows = rows
        for name, row in rows.items():
            self.grid.spans[name] = (row.unit.start, row.unit.end)

    def get(
        self, row: str, column: str, unit: str | None = None, factor: int = 1
    ) -> Quantity | None:
        found = self.rows.get(row)
        if found is None or found.fit.values is None or column not in found.columns:
            return None
        value = found.fit.values[found.columns.index(column)]
        key: Key = (row, column)
        if value is None:
            return None
        self.grid.read(key, clean(value * factor), unit, derivation=found.fit.derivation)
        return self.grid.quantity(key)


def _doc_counts(reader: _Reader, row: str) -> DocCounts:
    return DocCounts(
        issued=reader.get(row, "issued"),
        repealed=reader.get(row, "repealed"),
        in_force=reader.get(row, "in_force"),
    )


def _fees(text: str, reader: _Reader) -> Quantity | None:
    row = reader.rows.get("admin_fees")
    if row is None or "amount" not in row.columns:
        return None
    unit, factor = _fee_unit(text, row)
    if row.header is not None and row.unit.start - row.header.start <= 300:
        reader.grid.spans["admin_fees"] = (row.header.start, row.unit.end)
    return reader.get("admin_fees", "amount", unit, factor)


def parse_proactive_table(
    text: str, start: int, end: int, template: str
) -> tuple[Proactive, TableInfo]:
    """The table figures of 表二 in ``text[start:end]`` (its section) and how it was read.

    Only the table's figures are filled (documents, decisions, fees); the
    section's narrative totals and channels are another reader's.
    """
    units = scan(text, start, end, LABELS, labeled=True)
    template = _template(text, start, end, template)
    rows = _rows(text, units, start, template)
    reader = _Reader(text, rows)
    proactive = Proactive(
        rules=_doc_counts(reader, "rules"),
        normative_docs=_doc_counts(reader, "normative_docs"),
        licensing=reader.get("licensing", "decisions"),
        punishment=reader.get("punishment", "decisions"),
        coercion=reader.get("coercion", "decisions"),
        admin_fees_yuan=_fees(text, reader),
    )
    expected_columns = TEMPLATE_COLUMNS[template]
    expected = sum(len(columns) for columns in expected_columns.values())
    read = sum(
        min(row.fit.stated, len(expected_columns.get(name, ()))) for name, row in rows.items()
    )
    flattened = any(row.fit.ran_together and row.fit.values is None for row in rows.values())
    status: Status = (
        "flattened" if flattened else "empty" if not read else "parsed" if read >= expected
        else "partial"
    )  # fmt: skip
    return proactive, TableInfo(
        name="proactive", status=status, cells_read=read, cells_expected=expected
    )
