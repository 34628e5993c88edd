"""Metric definitions on small hand-made reports whose right numbers are known."""

from __future__ import annotations

import pytest

from eval.metrics import (
    Confusion,
    evaluate,
    figure_outcome,
    metric_tables,
    metrics_markdown,
    score_report,
    section_of,
)
from schemas import Check, MatrixRow, Quantity, Report, RequestMatrix, Source, set_path

TEXT = "本年新收申请236件，上年结转7件，已办结227件。未收取任何费用。主动公开信息4585条。"


def q(value: float, evidence: str, approx: bool = False, unit: str | None = "件") -> Quantity:
    return Quantity(value=value, approx=approx, unit=unit, evidence=evidence)


def report(template: str = "2021", script: str = "simplified", **figures: Quantity) -> Report:
    made = Report(source=Source(file="r.txt", sha256="0"))
    made.meta.template = template  # type: ignore[assignment]
    made.meta.script = script  # type: ignore[assignment]
    for path, figure in figures.items():
        set_path(made, path.replace("__", "."), figure)
    return made


NEW = q(236, "本年新收申请236件")
CARRIED = q(7, "上年结转7件")
DONE = q(227, "已办结227件")
NO_FEES = q(0, "未收取任何费用", unit="元")


def counts(score_fields: Confusion) -> tuple[int, int, int, int, int]:
    return (score_fields.tp, score_fields.fd, score_fields.fn, score_fields.fa, score_fields.tn)


# ---------------------------------------------------------------- one figure


@pytest.mark.parametrize(
    ("gold", "run", "outcome"),
    [
        (q(5, "5件"), q(5, "5件"), "TP"),
        (q(5, "5件"), q(5.0, "5件"), "TP"),
        (q(5, "5件"), q(6, "6件"), "FD"),
        (q(100, "100余件", approx=True), q(100, "100余件"), "FD"),  # the hedge is part of the value
        (q(5, "5件"), None, "FN"),
        (None, q(5, "5件"), "FA"),
        (None, None, "TN"),
        (q(0, "未收到"), None, "FN"),  # "says none" is a value, not null
        (None, q(0, "未收到"), "FA"),  # ... and inventing a zero is a hallucination
        (q(0, "未收到"), q(0, "无"), "TP"),
    ],
)
def test_figure_outcome(gold: Quantity | None, run: Quantity | None, outcome: str) -> None:
    assert figure_outcome(gold, run) == outcome


def test_rates_from_counts() -> None:
    c = Confusion(tp=6, fd=2, fn=1, fa=1, tn=10)
    assert c.n == 20
    assert c.accuracy == pytest.approx(16 / 20)
    assert c.precision == pytest.approx(6 / 9)
    assert c.recall == pytest.approx(6 / 9)
    assert c.hallucination_rate == pytest.approx(1 / 11)
    assert c.wrong_value_rate == pytest.approx(2 / 8)


def test_empty_denominators_are_none_not_zero() -> None:
    c = Confusion(tn=3)
    assert c.accuracy == 1.0
    assert c.precision is None
    assert c.recall is None
    assert c.wrong_value_rate is None
    assert c.hallucination_rate == 0.0


# ---------------------------------------------------------------- one report


def test_report_confusion_counts_every_gold_path() -> None:
    gold = report(requests__new=NEW, requests__carried_over=CARRIED, fees__collected_yuan=NO_FEES)
    run = report(
        requests__new=NEW,  # TP
        requests__carried_over=q(8, "上年结转7件"),  # FD
        # fees.collected_yuan missing: FN
        proactive__total=q(4585, "主动公开信息4585条", unit="条"),  # FA
    )
    score = score_report("r", gold, run, TEXT)
    figures = score.figures()
    assert counts(figures) == (1, 1, 1, 1, figures.n - 4)
    data = score.as_dict()
    assert (data["right"], data["wrong"], data["missed"], data["invented"]) == (1, 1, 1, 1)


def test_a_path_the_gold_does_not_cover_is_not_counted() -> None:
    row = MatrixRow(natural_person=q(3, "| 3 |"), total=q(3, "| 3 |"))
    run = report(requests__new=NEW)
    run.requests.matrix = RequestMatrix(granted=row)
    run.proactive.channels = []
    gold = report(requests__new=NEW)
    plain = score_report("r", gold, report(requests__new=NEW), TEXT).figures()
    with_matrix = score_report("r", gold, run, TEXT)
    assert counts(with_matrix.figures()) == counts(plain)
    assert with_matrix.uncovered == 2


def test_a_gold_matrix_row_counts_its_cells() -> None:
    gold = report()
    gold.requests.matrix = RequestMatrix(granted=MatrixRow(natural_person=q(3, "3件")))
    score = score_report("r", gold, report(), TEXT)
    matrix = [f for f in score.fields if f.path.startswith("requests.matrix.")]
    assert len(matrix) == 7
    assert sorted(f.outcome for f in matrix) == ["FN", *["TN"] * 6]


def test_approx_and_unit_are_scored_among_equal_numbers() -> None:
    gold = report(
        requests__new=q(236, "x", approx=True),
        requests__carried_over=q(7, "x", unit="件"),
        requests__processed_total=q(227, "x"),
    )
    run = report(
        requests__new=q(236, "x", approx=False),  # approx wrong
        requests__carried_over=q(7, "x", unit="条"),  # unit wrong
        requests__processed_total=q(228, "x"),  # value wrong: neither scored
    )
    summary = evaluate([score_report("r", gold, run, TEXT)])["overall"]
    assert summary["approx_accuracy"] == {"hits": 1, "total": 2, "rate": 0.5}
    assert summary["unit_accuracy"] == {"hits": 1, "total": 2, "rate": 0.5}


def test_grounding_rate_counts_verbatim_evidence_that_states_the_number() -> None:
    run = report(
        requests__new=NEW,  # grounded
        requests__carried_over=q(8, "上年结转7件"),  # evidence in text, number not in it
        requests__processed_total=q(227, "办结了227件"),  # evidence not in the text
        fees__collected_yuan=NO_FEES,  # a zero stated as "none": grounded
    )
    score = score_report("r", report(), run, TEXT)
    assert (score.grounding.hits, score.grounding.total) == (2, 4)


def test_check_agreement_with_expected_failures() -> None:
    gold = report()
    gold.checks = [Check(id="requests_balance", status="fail")]
    run = report()
    run.checks = [
        Check(id="requests_balance", status="fail"),
        Check(id="appeals_sum", status="fail"),
        Check(id="year_consistency", status="pass"),
        Check(id="table_integrity", status="skipped"),
    ]
    other_gold = report()
    other_gold.checks = [Check(id="year_consistency", status="fail")]
    scores = [score_report("a", gold, run, TEXT), score_report("b", other_gold, report(), TEXT)]
    checks = evaluate(scores)["overall"]["checks"]
    assert checks["requests_balance"]["tp"] == 1
    assert checks["appeals_sum"]["fp"] == 1
    assert checks["appeals_sum"]["precision"] == 0.0
    assert checks["year_consistency"]["fn"] == 1
    assert checks["year_consistency"]["tn"] == 1
    assert checks["year_consistency"]["recall"] == 0.0
    assert checks["table_integrity"]["tn"] == 1


def test_meta_fields_are_scored_apart_from_figures() -> None:
    gold, run = report(), report(template="unknown")
    gold.meta.report_year, run.meta.report_year = 2021, 2020
    score = score_report("r", gold, run, TEXT)
    meta = {f.path: f.outcome for f in score.fields if f.is_meta}
    assert meta["meta.report_year"] == "FD"
    assert meta["meta.template"] == "FN"  # "unknown" counts as not stated
    assert meta["meta.publish_date"] == "TN"
    assert score.figures().fd == 0


def test_a_failed_extraction_is_scored_as_an_empty_report() -> None:
    gold = report(requests__new=NEW)
    score = score_report("r", gold, None, TEXT, error="ValueError: boom")
    assert score.figures().fn == 1
    assert score.as_dict()["error"] == "ValueError: boom"


# ---------------------------------------------------------------- groups


def test_breakdown_per_template_and_script() -> None:
    scores = [
        score_report("a", report("2021", "simplified", requests__new=NEW),
                     report(requests__new=NEW), TEXT),
        score_report("b", report("pre2019", "traditional-tw", requests__new=NEW),
                     report(), TEXT),
        score_report("c", report("pre2019", "traditional", requests__new=NEW),
                     report(requests__new=q(1, "x")), TEXT),
    ]  # fmt: skip
    metrics = evaluate(scores)
    assert set(metrics["by_template"]) == {"2021", "pre2019"}
    assert set(metrics["by_script"]) == {"simplified", "traditional"}
    assert metrics["by_template"]["2021"]["figures"]["recall"] == 1.0
    pre2019 = metrics["by_template"]["pre2019"]["figures"]
    assert (pre2019["tp"], pre2019["fd"], pre2019["fn"]) == (0, 1, 1)
    assert metrics["by_script"]["traditional"]["reports"] == 2
    overall = metrics["overall"]["figures"]
    assert overall["tp"] + overall["fd"] + overall["fn"] == 3
    assert metrics["overall"]["fields"]["requests.new"]["tp"] == 1


def test_section_of() -> None:
    assert section_of("requests.new") == "requests"
    assert section_of("requests.matrix.granted.total") == "requests.matrix"
    assert section_of("requests.outcomes.denied") == "requests.outcomes"
    assert section_of("proactive.channels[微信].count") == "proactive"
    assert section_of("appeals.reconsideration.upheld") == "appeals"


def test_tables_and_markdown_show_the_counts() -> None:
    gold = report(requests__new=NEW, requests__carried_over=CARRIED)
    run = report(requests__new=NEW, proactive__total=q(1, "x"))
    metrics = evaluate([score_report("r1", gold, run, TEXT)])
    tables = {t.title: t for t in metric_tables(metrics)}
    fields = {row[0]: row for row in tables["Figures by field"].rows}
    assert set(fields) == {
        "requests.new",
        "requests.carried_over",
        "proactive.total",
        "meta.template",
    }
    assert fields["proactive.total"][5] == "1"  # the FA column
    markdown = metrics_markdown(metrics)
    assert "| requests.carried_over | 1 | 0 | 0 | 1 | 0 | 0 |" in markdown
    assert "| r1 | 2021 | simplified | 1 | 0 | 1 | 1 |" in markdown
