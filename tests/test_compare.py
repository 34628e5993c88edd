"""Run comparison: metric deltas, regressions and the figures where runs differ."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval import harness
from eval.compare import (
    Metric,
    compare_runs,
    comparison_markdown,
    comparison_tables,
    headline,
    is_worse,
)
from eval.harness import CaseResult, GoldCase, StoredRun, report_json
from eval.metrics import evaluate, score_report
from extract.cli import app
from extract.engines import EngineOptions
from schemas import Check, Quantity, Report, Source, set_path

TEXT = "本年新收申请236件，上年结转7件，已办结227件，结转下年度继续办理16件。"


def q(value: float, evidence: str, approx: bool = False) -> Quantity:
    return Quantity(value=value, approx=approx, unit="件", evidence=evidence)


def report(**figures: Quantity) -> Report:
    made = Report(source=Source(file="r.txt", sha256="0"))
    made.meta.template = "2021"
    for path, figure in figures.items():
        set_path(made, path.replace("__", "."), figure)
    return made


GOLD = {
    "r": report(
        requests__new=q(236, "本年新收申请236件"),
        requests__carried_over=q(7, "上年结转7件"),
        requests__processed_total=q(227, "已办结227件"),
    )
}
GOOD = report(
    requests__new=q(236, "本年新收申请236件"),
    requests__carried_over=q(7, "上年结转7件"),
    requests__processed_total=q(227, "已办结227件"),
)
WORSE = report(
    requests__new=q(236, "本年新收申请236件"),
    requests__carried_over=q(8, "上年结转7件"),  # wrong value
    requests__carried_forward=q(16, "结转下年度继续办理16件"),  # invented
)


def stored(name: str, reports: dict[str, Report], **record: object) -> StoredRun:
    scores = [score_report(k, GOLD[k], v, TEXT) for k, v in reports.items()]
    return StoredRun(Path(name), {"name": name, "gold_hash": "g", **record}, reports,
                     dict.fromkeys(reports, TEXT), evaluate(scores))  # fmt: skip


def test_headline_metrics_per_group() -> None:
    values = headline(stored("a", {"r": GOOD}).metrics)
    assert values[Metric("overall", "recall", True)] == 1.0
    assert values[Metric("template 2021", "accuracy", True)] == 1.0
    assert values[Metric("overall", "hallucination rate", False)] == 0.0


def test_is_worse_knows_which_way_is_better() -> None:
    assert is_worse(Metric("overall", "accuracy", True), 0.9, 0.8)
    assert not is_worse(Metric("overall", "accuracy", True), 0.8, 0.9)
    assert is_worse(Metric("overall", "hallucination rate", False), 0.1, 0.2)
    assert not is_worse(Metric("overall", "hallucination rate", False), 0.2, 0.1)
    assert not is_worse(Metric("overall", "accuracy", True), None, 0.1)


def test_a_worse_run_regresses_and_a_better_one_does_not() -> None:
    worse = compare_runs([stored("a", {"r": GOOD}), stored("b", {"r": WORSE})], GOLD)
    labels = " | ".join(worse.regressions)
    assert "b: accuracy" in labels
    assert "b: hallucination rate" in labels
    assert "b: wrong-value rate" in labels
    better = compare_runs([stored("b", {"r": WORSE}), stored("a", {"r": GOOD})], GOLD)
    assert better.regressions == []
    same = compare_runs([stored("a", {"r": GOOD}), stored("a2", {"r": GOOD})], GOLD)
    assert same.regressions == [] and same.diffs == []


def test_differing_figures_show_gold_and_who_is_right() -> None:
    result = compare_runs([stored("a", {"r": GOOD}), stored("b", {"r": WORSE})], GOLD)
    diffs = {d.path: d for d in result.diffs}
    assert set(diffs) == {
        "requests.carried_over", "requests.processed_total", "requests.carried_forward",
    }  # fmt: skip
    carried = diffs["requests.carried_over"]
    assert (carried.gold, carried.values, carried.right) == (
        "7 件",
        ("7 件", "8 件"),
        (True, False),
    )
    forward = diffs["requests.carried_forward"]
    assert (forward.gold, forward.values, forward.right) == (
        "null",
        ("null", "16 件"),
        (True, False),
    )
    missed = diffs["requests.processed_total"]
    assert missed.values == ("227 件", "null") and missed.right == (True, False)


def test_an_approx_flag_difference_is_a_difference() -> None:
    hedged = report(**{"requests__new": q(236, "本年新收申请236件", approx=True)})
    plain = report(**{"requests__new": q(236, "本年新收申请236件")})
    result = compare_runs([stored("a", {"r": plain}), stored("b", {"r": hedged})], GOLD)
    assert [(d.path, d.values) for d in result.diffs] == [
        ("requests.new", ("236 件", "236~ 件")),
    ]


def test_markdown_and_tables_carry_deltas_and_differences() -> None:
    result = compare_runs(
        [stored("a", {"r": GOOD}, llm_calls=0), stored("b", {"r": WORSE}, llm_calls=12)], GOLD
    )
    tables = {t.title.split(" (")[0]: t for t in comparison_tables(result)}
    accuracy = next(row for row in tables["Metrics"].rows if row[0] == "accuracy")
    assert accuracy[1] == "100.0%"
    assert accuracy[3].endswith("▼") and accuracy[3].startswith("-")
    assert ("llm_calls", "0", "12") in [tuple(r) for r in tables["Cost"].rows]
    markdown = comparison_markdown(result)
    assert "**Regressions against the first run:**" in markdown
    assert "| r | requests.carried_over | 7 件 | 7 件 ✓ | 8 件 ✗ |" in markdown


def test_different_gold_and_missing_reports_are_warned_about() -> None:
    result = compare_runs([stored("a", {"r": GOOD}), stored("b", {}, gold_hash="other")], GOLD)
    assert any("different gold" in w for w in result.warnings)
    assert any("b has no report for r" in w for w in result.warnings)


# ---------------------------------------------------------------- the command


def write(folder: Path, reports: dict[str, Report]) -> Path:
    cases = [GoldCase(k, GOLD[k], Path(f"{k}.txt")) for k in reports]
    results = [
        CaseResult(k, Path(f"{k}.txt"), "0", report_json(v), TEXT) for k, v in reports.items()
    ]
    scored = harness.score_run(results, cases)
    gold_dir = folder.parent / "gold"
    gold_dir.mkdir(parents=True, exist_ok=True)
    for name, gold in GOLD.items():
        (gold_dir / f"{name}.json").write_text(gold.model_dump_json(), encoding="utf-8")
    record = harness.run_record(folder.name, "rules", EngineOptions(), results, cases, gold_dir,
                                datetime.now(), 1.0)  # fmt: skip
    return harness.write_run(folder, record, results, scored.json_text, scored.markdown_body)


@pytest.fixture
def runs(tmp_path: Path) -> Path:
    write(tmp_path / "runs" / "base", {"r": GOOD})
    write(tmp_path / "runs" / "degraded", {"r": WORSE})
    return tmp_path / "runs"


def test_compare_command_fails_on_regression(runs: Path) -> None:
    runner = CliRunner()
    args = ["compare", "base", "degraded", "--runs-dir", str(runs)]
    plain = runner.invoke(app, args)
    assert plain.exit_code == 0, plain.output
    assert "Figures and check verdicts that differ (3)" in plain.stdout
    failing = runner.invoke(app, [*args, "--fail-on-regression"])
    assert failing.exit_code == 1
    assert "regression: degraded: accuracy" in failing.output
    improving = runner.invoke(
        app, ["compare", str(runs / "degraded"), str(runs / "base"), "--fail-on-regression"]
    )
    assert improving.exit_code == 0, improving.output


def test_compare_command_writes_markdown(runs: Path) -> None:
    out = runs / "compare.md"
    result = CliRunner().invoke(
        app, ["compare", "base", "degraded", "--runs-dir", str(runs), "-f", "md", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("## Comparison: base vs degraded")
    assert "| r | requests.carried_forward | null | null ✓ | 16 件 ✗ |" in text


def test_compare_needs_two_runs(runs: Path) -> None:
    result = CliRunner().invoke(app, ["compare", "base", "--runs-dir", str(runs)])
    assert result.exit_code == 2
    assert "at least two runs" in result.output


def test_check_verdicts_that_differ_are_listed_against_the_gold() -> None:
    gold = GOLD["r"].model_copy(deep=True)
    gold.checks = [Check(id="requests_balance", status="fail")]
    a, b = GOOD.model_copy(deep=True), GOOD.model_copy(deep=True)
    a.checks = [Check(id="requests_balance", status="fail"), Check(id="appeals_sum", status="pass")]
    b.checks = [
        Check(id="requests_balance", status="pass"),
        Check(id="appeals_sum", status="skipped"),
    ]
    result = compare_runs([stored("a", {"r": a}), stored("b", {"r": b})], {"r": gold})
    assert [(d.path, d.gold, d.values, d.right) for d in result.diffs] == [
        ("check requests_balance", "fail", ("fail", "pass"), (True, False)),
    ]


def test_group_metrics_are_shown_only_where_they_changed() -> None:
    result = compare_runs([stored("a", {"r": GOOD}), stored("a2", {"r": GOOD})], GOLD)
    (metrics, *_) = comparison_tables(result)
    assert {row[0] for row in metrics.rows} >= {"accuracy", "recall"}
    assert not any(row[0].startswith("template") for row in metrics.rows)
    worse = compare_runs([stored("a", {"r": GOOD}), stored("b", {"r": WORSE})], GOLD)
    (metrics, *_) = comparison_tables(worse)
    assert "template 2021: accuracy" in {row[0] for row in metrics.rows}
