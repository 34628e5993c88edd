"""The 2019/2021 template tables, read by :mod:`extract.tables` and laid over the narrative.

A printed table cell beats the narrative; the narrative beats a cell the table
parser had to derive (a category row summed from its sub-rows), and takes the place
of such a 总计 cell in the matrix, so that the checks compare it with the sub-rows.
The total of administrative litigation is derived from the two litigation groups
when the text does not state it. Older reports' statistics tables (统计表) fill what
their narrative leaves open.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extract.segment import Segments
from extract.tables import parse_appeals_table, parse_proactive_table, parse_request_table
from extract.tables.statistics import ROW_PATHS, find_table, parse_statistics_table
from schemas import (
    APPEAL_PARTS,
    APPLICANT_COLUMNS,
    OUTCOME_ROWS,
    Appeals,
    Channel,
    MatrixRow,
    Proactive,
    Quantity,
    Report,
    RequestMatrix,
    TableInfo,
    get_path,
    set_path,
)

TABLE_TEMPLATES = ("2019", "2021")
PROACTIVE_FIGURES = ("licensing", "punishment", "coercion", "admin_fees_yuan")
DOC_FIGURES = ("issued", "repealed", "in_force")
APPEAL_GROUPS = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
LITIGATION_SUM = "litigation_direct.total + litigation_after_reconsideration.total"
TABLE_WORDS = {
    "proactive": ("第二十条", "信息内容", "本年制发件数", "本年新制作数量", "处理决定数量"),
    "requests": ("勾稽关系", "申请人情况", "本年新收政府信息公开申请数量", "本年度办理结果"),
    "appeals": ("未经复议直接起诉", "复议后起诉", "结果维持", "尚未审结"),
}
"""Words only a template table prints: a table without them was not found at all."""


@dataclass
class Tables:
    """What the table parsers read from one report."""

    proactive: Proactive | None = None
    matrix: RequestMatrix | None = None
    appeals: Appeals | None = None
    infos: list[TableInfo] = field(default_factory=list)


def _span(segments: Segments, topic: str) -> tuple[int, int]:
    section = segments.section(topic)
    return (section.start, section.end) if section else (0, segments.text_length)


def read_tables(text: str, segments: Segments) -> Tables:
    """Parse the three template tables of a 2019/2021 report; nothing for other templates."""
    template = segments.template
    if template not in TABLE_TEMPLATES:
        return Tables()
    spans = {name: _span(segments, name) for name in TABLE_WORDS}
    proactive, p_info = parse_proactive_table(text, *spans["proactive"], template)
    matrix, r_info = parse_request_table(text, *spans["requests"], template)
    appeals, a_info = parse_appeals_table(text, *spans["appeals"], template)
    infos = [
        info
        for info in (p_info, r_info, a_info)
        if info.cells_read
        or any(text.find(word, *spans[info.name]) >= 0 for word in TABLE_WORDS[info.name])
    ]
    return Tables(proactive, matrix, appeals, infos)


def _better(table: Quantity | None, narrative: Quantity | None) -> Quantity | None:
    """A printed cell, else the narrative, else a derived cell."""
    if table is not None and not table.derived:
        return table
    return narrative or table


def apply_tables(report: Report, tables: Tables) -> None:
    """Lay the table figures over the narrative figures of ``report`` (in place)."""
    report.meta.tables = tables.infos
    if tables.proactive is not None:
        _apply_proactive(report.proactive, tables.proactive)
    if tables.matrix is not None:
        _apply_matrix(report, tables.matrix)
    if tables.appeals is not None:
        _apply_appeals(report.appeals, tables.appeals)
    _derive_litigation_total(report.appeals)


def _apply_proactive(target: Proactive, table: Proactive) -> None:
    for name in PROACTIVE_FIGURES:
        setattr(target, name, _better(getattr(table, name), getattr(target, name)))
    for group in ("normative_docs", "rules"):
        mine, theirs = getattr(target, group), getattr(table, group)
        for name in DOC_FIGURES:
            setattr(mine, name, _better(getattr(theirs, name), getattr(mine, name)))
    target.total = _better(table.total, target.total)


def _apply_matrix(report: Report, matrix: RequestMatrix) -> None:
    requests = report.requests
    requests.matrix = matrix
    for name in ("new", "carried_over", "processed_total", "carried_forward"):
        row = getattr(matrix, name)
        setattr(requests, name, _better(row.total if row else None, getattr(requests, name)))
    for name in OUTCOME_ROWS:
        row = getattr(matrix, name)
        outcomes = requests.outcomes
        narrative = getattr(outcomes, name)
        printed = row.total if row else None
        setattr(outcomes, name, _better(printed, narrative))
        if narrative is not None and not narrative.derived and (printed is None or printed.derived):
            # a total the table does not print: the narrative's, to be checked against the sub-rows
            if row is None:
                setattr(matrix, name, MatrixRow(total=narrative))
            else:
                row.total = narrative
    if matrix.new is not None:
        for name in APPLICANT_COLUMNS:
            applicants = requests.by_applicant
            cell = getattr(matrix.new, name)
            setattr(applicants, name, _better(cell, getattr(applicants, name)))


def _apply_appeals(target: Appeals, table: Appeals) -> None:
    for group in APPEAL_GROUPS:
        mine, theirs = getattr(target, group), getattr(table, group)
        for name in (*APPEAL_PARTS, "total"):
            setattr(mine, name, _better(getattr(theirs, name), getattr(mine, name)))
    target.litigation_total = _better(table.litigation_total, target.litigation_total)


def _derive_litigation_total(appeals: Appeals) -> None:
    """litigation_total = direct + after reconsideration, when the text does not state it."""
    direct = appeals.litigation_direct.total
    after = appeals.litigation_after_reconsideration.total
    if appeals.litigation_total is not None or direct is None or after is None:
        return
    evidence = after.evidence if direct.evidence in after.evidence else direct.evidence
    appeals.litigation_total = Quantity(
        value=direct.value + after.value,
        approx=direct.approx or after.approx,
        unit=direct.unit,
        evidence=evidence,
        derived=True,
        derivation=LITIGATION_SUM,
    )


def apply_statistics_table(report: Report, text: str) -> None:
    """Fill the figures the narrative leaves open from a pre-2019 statistics table (统计表).

    A channel the table counts is added unless the narrative names it already, or
    names another outlet with the same count (网站公开 1795 vs 在互联网上…1795条).
    """
    if find_table(text) is None:  # as in most reports: then the figures below are not needed
        return
    # the narrative's figures that can settle a split: those of the table's rows
    known = {path: q.value for path, _ in ROW_PATHS if (q := get_path(report, path)) is not None}
    table = parse_statistics_table(text, known=known)
    if table is None:
        return
    for path, figure in table.figures.items():
        if get_path(report, path) is None:
            set_path(report, path, figure)
    proactive = report.proactive
    narrated = list(proactive.channels)
    for name, count in table.channels:
        if any(c.name == name or (count.value and c.count and c.count.value == count.value)
               for c in narrated):  # fmt: skip
            continue
        proactive.channels.append(Channel(name=name, count=count))
    if not narrated and table.channels_make_up_total:
        proactive.channels_make_up_total = True
