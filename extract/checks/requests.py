"""Checks of the disclosure-request figures: the year's balance and the outcome sums."""

from __future__ import annotations

from collections.abc import Iterator

from extract.checks.identities import Identity, Stated, Term, verdict
from extract.checks.registry import CheckInput, Verdict, check
from schemas import APPLICANT_COLUMNS, MATRIX_COLUMNS, MATRIX_ROWS, OUTCOME_ROWS, Report

COLUMN_LABELS = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "public_interest": "社会公益组织",
    "legal_service": "法律服务机构",
    "other_org": "其他组织",
    "total": "总计",
}
ROW_LABELS = {name: label for name, label, _ in MATRIX_ROWS}
OUTCOME_LABELS = {
    "granted": "予以公开",
    "partially_granted": "部分公开",
    "denied": "不予公开",
    "unable_to_provide": "无法提供",
    "not_processed": "不予处理",
    "other": "其他处理",
}
BALANCE = (("new", "新收"), ("carried_over", "结转"))
SETTLED = (("processed_total", "办结"), ("carried_forward", "结转下年"))
CHILDREN = {
    parent: tuple(name for name, _, p in MATRIX_ROWS if p == parent)
    for parent in dict.fromkeys(p for _, _, p in MATRIX_ROWS if p)
}
"""Sub-rows of each category row of the request table, in table order."""


def _top_term(name: str, label: str) -> Term:
    return Term(label, f"requests.{name}")


def _cell(row: str, column: str, label: str) -> Term:
    return Term(label, f"requests.matrix.{row}.{column}")


def _balance_identities() -> Iterator[Identity]:
    """The year's balance, then (read only where the report has the table) per column."""
    yield Identity(
        tuple(_top_term(name, label) for name, label in BALANCE),
        tuple(_top_term(name, label) for name, label in SETTLED),
    )
    for column in MATRIX_COLUMNS:
        yield Identity(
            tuple(_cell(name, column, label) for name, label in BALANCE),
            tuple(_cell(name, column, label) for name, label in SETTLED),
            context=f"表三{COLUMN_LABELS[column]}列",
        )


BALANCE_SUM, *BALANCE_COLUMN_SUMS = _balance_identities()


@check("requests_balance")
def requests_balance(ctx: CheckInput) -> Verdict:
    """New + carried over = processed + carried forward (and per column of the table)."""
    report = ctx.report
    matrix_sums = BALANCE_COLUMN_SUMS if report.requests.matrix is not None else []
    return verdict(identity.read(report) for identity in (BALANCE_SUM, *matrix_sums))


OUTCOME_SUM = Identity(
    tuple(Term(OUTCOME_LABELS[name], f"requests.outcomes.{name}") for name in OUTCOME_ROWS),
    (_top_term("processed_total", "办结总计"),),
)
ROW_SUMS = tuple(
    (
        row,
        Identity(
            tuple(_cell(row, c, COLUMN_LABELS[c]) for c in APPLICANT_COLUMNS),
            (_cell(row, "total", "总计"),),
            context=f"表三“{label}”行",
        ),
    )
    for row, label, _ in MATRIX_ROWS
)
"""Each row of the request table, with its applicant columns adding up to its total."""
CHILDREN_SUMS = tuple(
    (
        children,
        tuple(
            Identity(
                tuple(_cell(child, column, ROW_LABELS[child]) for child in children),
                (_cell(parent, column, ROW_LABELS[parent]),),
                context=f"表三{COLUMN_LABELS[column]}列“{ROW_LABELS[parent]}”各小项",
            )
            for column in MATRIX_COLUMNS
        ),
    )
    for parent, children in CHILDREN.items()
)
"""Per category row: its sub-rows and, per column, the sub-rows adding up to it."""
OUTCOME_COLUMN_SUMS = tuple(
    Identity(
        tuple(_cell(row, column, OUTCOME_LABELS[row]) for row in OUTCOME_ROWS),
        (_cell("processed_total", column, "总计"),),
        context=f"表三{COLUMN_LABELS[column]}列办理结果",
    )
    for column in MATRIX_COLUMNS
)


def _outcome_identities(report: Report) -> Iterator[Stated]:
    yield OUTCOME_SUM.read(report)
    matrix = report.requests.matrix
    if matrix is None:
        return
    for row, identity in ROW_SUMS:
        if getattr(matrix, row) is not None:
            yield identity.read(report)
    for children, identities in CHILDREN_SUMS:
        if any(getattr(matrix, child) is not None for child in children):
            yield from (identity.read(report) for identity in identities)
    yield from (identity.read(report) for identity in OUTCOME_COLUMN_SUMS)


@check("requests_outcomes_sum")
def requests_outcomes_sum(ctx: CheckInput) -> Verdict:
    """Outcomes add up to the processed total; the request table's rows and columns add up."""
    return verdict(_outcome_identities(ctx.report))
