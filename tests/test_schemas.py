"""The models: validation rules, paths, and the committed JSON Schema."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from schemas import (
    MATRIX_ROWS,
    Quantity,
    Report,
    RequestMatrix,
    Source,
    figure_dict,
    get_path,
    set_path,
)
from schemas.jsonschema import committed_schema, render_schema


def test_committed_schema_is_fresh() -> None:
    assert committed_schema() == render_schema(), (
        "run: govreport schema > schemas/report.schema.json"
    )


def test_quantity_rules() -> None:
    q = Quantity(value=4585, unit="条", evidence="共发布各类信息4585条")
    assert q.approx is False and q.model_dump()["value"] == 4585
    with pytest.raises(ValidationError):
        Quantity(value=-1, evidence="负数-1条")
    with pytest.raises(ValidationError):
        Quantity(value=3, evidence="")
    with pytest.raises(ValidationError):
        Quantity(value=3, evidence="3件", derived=True)
    with pytest.raises(ValidationError):
        Quantity(value=3, evidence="3件", surprise=1)  # type: ignore[call-arg]


def test_contract_paths_exist() -> None:
    report = Report(source=Source(file="a.txt", sha256="0" * 64))
    paths = figure_dict(report)
    for path in (
        "proactive.total",
        "proactive.normative_docs.issued",
        "proactive.admin_fees_yuan",
        "requests.new",
        "requests.outcomes.not_processed",
        "requests.by_applicant.legal_service",
        "appeals.litigation_after_reconsideration.pending",
        "appeals.litigation_total",
        "fees.collected_yuan",
        "capacity.staff_part_time",
        "capacity.trainees",
    ):
        assert path in paths and paths[path] is None


def test_matrix_rows_match_the_model() -> None:
    assert [name for name, _, _ in MATRIX_ROWS] == list(RequestMatrix.model_fields)
    parents = {parent for _, _, parent in MATRIX_ROWS if parent}
    assert parents == {"denied", "unable_to_provide", "not_processed", "other"}


def test_get_and_set_path() -> None:
    report = Report(source=Source(file="a.txt", sha256="0" * 64))
    q = Quantity(value=7, unit="件", evidence="上年结转申请7件")
    set_path(report, "requests.carried_over", q)
    assert get_path(report, "requests.carried_over") == q
    assert figure_dict(report)["requests.carried_over"] == q


def test_gold_style_round_trip() -> None:
    report = Report(source=Source(file="a.txt", sha256="0" * 64))
    report.requests.new = Quantity(value=236, unit="件", evidence="新收到依申请公开政府信息236件")
    again = Report.model_validate_json(report.model_dump_json())
    assert again == report
