"""The statistics table of pre-2019 reports (政府信息公开情况统计表, 附表).

Rows are ``指标 | 单位 | 本年度 | 历年累计`` (some provinces print one value column):
"主动公开信息数 | 条 | 3460 | 85376". Crawled text often runs a row together
("1、政府网站公开数条346085376", the next row's number glued on:
"…3460853762、政府公报公开数条00"). A run of digits in a two-value table is split
into this year and cumulative only where the split is certain: the cumulative
count is never below the year's ("条00" is 0/0, "条22" is 2/2), a sub-row (其中:)
never exceeds its parent, and, where several splits remain, exactly one agrees
with a figure the narrative states. Split cells are ``derived`` and say how.

Rows are mapped to contract paths by their label (:data:`ROW_PATHS`); channel rows
("政府网站公开数") become proactive channels.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from schemas import Quantity

HEADER_RE = re.compile(
    r"指\s*标(?:\s*名\s*称)?[\s|]*(?:计\s*量\s*)?单\s*位[\s|]*"
    r"(?:(?:\d{4}\s*年\s*度?|本\s*年\s*度?|数\s*量|统\s*计\s*数|数\s*值|历\s*年\s*累\s*计|累\s*计)"
    r"[\s|]*)+"
)
"""The header row: 指标名称 | 计量单位 | 2016年度 | 历年累计 (or 统计指标 | 单位 | 统计数)."""
CUMULATIVE_RE = re.compile(r"累\s*计")
UNIT = r"万元|人次|条|件|元|人|次|个|项|篇|期|份"
_CELL = r"(?:\d+(?:\.\d+)?|[-—/])(?![、.]\s*[\u4e00-\u9fff])"
ROW_RE = re.compile(rf"(?P<unit>{UNIT})[\s|]*(?P<cells>{_CELL}(?:[\s|]+{_CELL})*)")
"""A row's unit and its cells (on one line, or one per line in PDF text); the label is
the text before the unit. Digits right before 、 or . and a word are the next row's
number ("…3460853762、政府公报…")."""
NOTE_RE = re.compile(r"\([^()\n]{4,80}\)")
"""A note in a label (不同渠道和方式公开相同信息计1条), left out."""
MARKER_RE = re.compile(
    r"其中\s*:|(?P<n>\d{1,2})\s*[、.](?=\s*[\u4e00-\u9fff])"
    r"|\(\s*[一二三四五六七八九十\d]{1,2}\s*\)|[一二三四五六七八九十]{1,2}\s*、"
)
"""Row numbering before a label: 其中: / 1、 / 2. / (一) / 一、."""
CELL_BREAK_RE = re.compile(r"[|\n]|[-—/]{1,2}")
"""What stands between a label and the row before it: a cell border, a dash cell."""
MAX_DIGITS = 7
WAN = 10_000

CHANNEL_RE = re.compile(
    r"网站|公报|微博|微信|新媒体|客户端|报刊|报纸|广播|电视|公开栏|公示栏|查阅点|其他方式|其他形式|其他渠道"
)
ROW_PATHS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (path, re.compile(pattern))
    for path, pattern in (
        ("proactive.total", r"^主动公开(?:政府)?(?:信息|文件)(?:总)?数量?$"),
        ("proactive.normative_docs.issued", r"^制发(?:的)?规范性文件(?:总)?数量?$"),
        (
            "requests.new",
            r"^(?:受理|收到)?(?:依申请公开(?:信息)?|(?:政府信息公开)?申请)(?:总)?数量?$",
        ),
        ("requests.processed_total", r"^(?:对申请的|申请)?(?:答复|办结)(?:总)?数量?$"),
        ("requests.outcomes.granted", r"^同意公开(?:答复)?数$"),
        ("requests.outcomes.partially_granted", r"^(?:同意)?部分公开(?:答复)?数$"),
        ("requests.outcomes.denied", r"^(?:不同意|否决|不予|免[于予])公开(?:答复)?数$"),
        ("requests.outcomes.other", r"^其[他它](?:类型)?答复数$"),
        ("appeals.reconsideration.total", r"^(?:行政)?复议(?:案件)?数量?$"),
        ("appeals.litigation_total", r"^(?:行政)?诉讼(?:案件)?数量?$"),
        ("fees.collected_yuan", r"^(?:依申请公开(?:信息)?)?收取(?:的)?费用(?:数|金额|总额)?$"),
        ("capacity.staff", r"^(?:从事政府信息公开(?:工作)?的?)?工作人员(?:总)?数$"),
        ("capacity.staff_full_time", r"^专职(?:工作)?人员数$"),
        ("capacity.staff_part_time", r"^兼职(?:工作)?人员数$"),
        ("capacity.budget_yuan", r"^(?:政府信息公开)?(?:专项|工作)经费(?:数|金额)?$"),
        ("capacity.meetings", r"^召开.{0,20}会议(?:次)?数$"),
        ("capacity.trainings", r"^举办(?:各类)?培训班?(?:次)?数$"),
        ("capacity.trainees", r"^(?:接受)?培训人(?:员|次)(?:数)?$"),
    )
)
"""Contract paths of the statistics table's rows, by the label without its numbering."""
CHANNEL_ROW_RE = re.compile(r"^(?P<name>.+?)公开(?:政府信息|信息)?(?:总)?数?量?$")


@dataclass(frozen=True)
class Row:
    """One row: its label (numbering and notes left out), unit, digit tokens and text span."""

    label: str
    item: int | None
    """Its number among the parts of the row above (1、 2. …; 0 for 其中: alone), else None."""
    unit: str
    tokens: tuple[str, ...]
    start: int
    end: int
    piped: bool = False
    """Cells kept their ``|`` separators: no digits ran together."""


@dataclass
class Cell:
    """The year's value of a row, certain or among candidates (this year, cumulative)."""

    row: Row
    options: list[tuple[float, float | None]]
    printed: bool
    how: str | None = None

    @property
    def settled(self) -> bool:
        return len(self.options) == 1


@dataclass
class StatisticsTable:
    """What the statistics table says: figures by contract path and channel counts."""

    figures: dict[str, Quantity] = field(default_factory=dict)
    channels: list[tuple[str, Quantity]] = field(default_factory=list)
    channels_make_up_total: bool = False


def find_table(text: str, start: int = 0, end: int | None = None) -> tuple[int, int, int] | None:
    """Where the statistics table's rows start and end, and how many value columns it has."""
    end = len(text) if end is None else end
    header = HEADER_RE.search(text, start, end)
    if header is None:
        return None
    columns = 2 if CUMULATIVE_RE.search(header.group()) else 1
    return header.end(), end, columns


def read_rows(text: str, start: int, end: int) -> list[Row]:
    """The rows of the table in ``text[start:end]``."""
    masked = NOTE_RE.sub(lambda m: " " * len(m.group()), text[start:end])
    rows: list[Row] = []
    label_start = 0
    for m in ROW_RE.finditer(masked):
        label, item, offset = _label(masked[label_start : m.start()])
        tokens = tuple(re.findall(r"\d+(?:\.\d+)?|[-—/]", m.group("cells")))
        piped = "|" in masked[m.start("unit") : m.end() + 1]
        if label and not re.search(r"\d", label):
            row_start, row_end = start + label_start + offset, start + m.end()
            rows.append(Row(label, item, m.group("unit"), tokens, row_start, row_end, piped))
        label_start = m.end()
    return rows


def _label(raw: str) -> tuple[str, int | None, int]:
    """The label of a row, its item number and where it starts in ``raw`` (the text since
    the row before): a heading row without cells (一、主动公开情况 — —) is cut off."""
    at = 0
    for m in CELL_BREAK_RE.finditer(raw):
        if raw[m.end() :].strip():
            at = m.end()
    piece = raw[at:]
    at += len(piece) - len(piece.lstrip())
    markers = list(MARKER_RE.finditer(piece))
    if not markers:
        return re.sub(r"[\s|]+", "", piece), None, at
    last = markers[-1]
    label = re.sub(r"[\s|]+", "", piece[last.end() :])
    if last.group("n"):
        return label, int(last.group("n")), at
    item = 0 if last.group().startswith("其中") else None  # 其中: a part of the row above
    return label, item, at


def _options(row: Row, columns: int) -> tuple[list[tuple[float, float | None]], bool]:
    """Possible (this year, cumulative) values of a row, and whether they were printed apart."""
    tokens = row.tokens
    values = [t for t in tokens if t[0].isdigit()]
    if len(values) != len(tokens) or not values:
        return [], False
    if columns == 1 or len(values) >= 2 or row.piped:
        this = float(values[0])
        cumulative = float(values[1]) if columns == 2 and len(values) >= 2 else None
        return [(this, cumulative)], True
    run = values[0]
    if run == "0":
        return [(0.0, None)], True  # the year's count is at most the cumulative one
    if not run.isdigit():
        return [], False
    out: list[tuple[float, float | None]] = []
    for cut in range(1, len(run)):
        a, b = run[:cut], run[cut:]
        if _bad_cell(a) or _bad_cell(b):
            continue
        if int(b) >= int(a):
            out.append((float(int(a)), float(int(b))))
    return out, False


def _bad_cell(token: str) -> bool:
    return (len(token) > 1 and token[0] == "0") or len(token) > MAX_DIGITS


def _path(label: str) -> str | None:
    for path, pattern in ROW_PATHS:
        if pattern.search(label):
            return path
    return None


def _channel(label: str) -> str | None:
    m = CHANNEL_ROW_RE.match(label)
    if m is None or not CHANNEL_RE.search(m.group("name")):
        return None
    return m.group("name")


def _children(rows: list[Row]) -> dict[int, list[int]]:
    """Sub-rows (numbered, after 其中) of each un-numbered row, by index."""
    out: dict[int, list[int]] = {}
    parent: int | None = None
    for i, row in enumerate(rows):
        if row.item is None:
            parent = i
        elif parent is not None:
            out.setdefault(parent, []).append(i)
    return out


def _settle(cells: list[Cell], children: dict[int, list[int]], known: Mapping[str, float]) -> None:
    """Narrow each row's options: by the narrative's figure, and sub-rows by their parent."""
    for cell in cells:
        path = _path(cell.row.label)
        if cell.settled or path is None or path not in known:
            continue
        agreeing = [o for o in cell.options if o[0] == known[path]]
        if len(agreeing) == 1:
            cell.options, cell.how = agreeing, "本年度与正文所述数字一致"
    for parent, subs in children.items():
        top = cells[parent]
        if not top.settled:
            continue
        this, cumulative = top.options[0]
        for i in subs:
            cell = cells[i]
            if cell.settled:
                continue
            fitting = [
                o for o in cell.options
                if o[0] <= this and (cumulative is None or o[1] is None or o[1] <= cumulative)
            ]  # fmt: skip
            if len(fitting) == 1:
                cell.options, cell.how = fitting, "其中项不超过上级指标"


def _quantity(text: str, cell: Cell) -> Quantity:
    this, cumulative = cell.options[0]
    unit = cell.row.unit
    factor = WAN if unit == "万元" else 1
    value = this * factor
    derivation = None
    if not cell.printed:
        split = f"统计表连写数字拆分为本年度{_show(this)}、历年累计{_show(cumulative)}"
        derivation = f"{split}({cell.how or '历年累计不小于本年度,唯一拆分'})"
    return Quantity(
        value=int(value) if float(value).is_integer() else value,
        unit=unit,
        evidence=text[cell.row.start : cell.row.end].strip(" |\n\t"),
        derived=derivation is not None,
        derivation=derivation,
    )


def _show(value: float | None) -> str:
    return "" if value is None else str(int(value)) if float(value).is_integer() else str(value)


def parse_statistics_table(
    text: str, start: int = 0, end: int | None = None, known: Mapping[str, float] | None = None
) -> StatisticsTable | None:
    """The figures of the statistics table in ``text[start:end]``; None if there is none.

    ``known`` holds the narrative's figures by contract path, which settle a split
    that the table alone leaves open.
    """
    found = find_table(text, start, end)
    if found is None:
        return None
    rows = read_rows(text, found[0], found[1])
    if len(rows) < 2:
        return None
    cells = []
    for row in rows:
        options, printed = _options(row, found[2])
        cells.append(Cell(row, options, printed))
    _settle(cells, _children(rows), known or {})
    table = StatisticsTable()
    total_cell = None
    channel_cells = []
    for cell in cells:
        if not cell.settled:
            continue
        path = _path(cell.row.label)
        if path is not None and path not in table.figures:
            table.figures[path] = _quantity(text, cell)
            if path == "proactive.total":
                total_cell = cell
        name = _channel(cell.row.label) if path is None else None
        if name is not None and all(n != name for n, _ in table.channels):
            table.channels.append((name, _quantity(text, cell)))
            channel_cells.append(cell)
    if total_cell is not None and channel_cells:
        parts = sum(c.options[0][0] for c in channel_cells)
        table.channels_make_up_total = parts == total_cell.options[0][0]
    return table
