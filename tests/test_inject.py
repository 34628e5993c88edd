"""Error injection: each perturbation changes what it says, and the checks' catch is counted."""

from __future__ import annotations

import random

import pytest

from eval.inject import (
    Injection,
    change_digit,
    drop_row,
    inject_study,
    injection_tables,
    perturb_report,
    shift_year,
    swap_fields,
)
from schemas import Channel, Quantity, Report, Source, figure_dict

TEXT = (
    "某区2021年政府信息公开工作年度报告\n"
    "本年新收申请236件，上年结转7件，已办结227件，结转下年度继续办理16件。"
)


def q(value: int, evidence: str) -> Quantity:
    return Quantity(value=value, unit="件", evidence=evidence)


def balanced_gold() -> Report:
    gold = Report(source=Source(file="r.txt", sha256="0"))
    gold.meta.report_year = gold.meta.title_year = 2021
    gold.requests.new = q(236, "本年新收申请236件")
    gold.requests.carried_over = q(7, "上年结转7件")
    gold.requests.processed_total = q(227, "已办结227件")
    gold.requests.carried_forward = q(16, "结转下年度继续办理16件")
    return gold


def values(report: Report) -> dict[str, float]:
    return {p: f.value for p, f in figure_dict(report).items() if f is not None}


@pytest.mark.parametrize("seed", range(20))
def test_change_digit_changes_exactly_one_digit(seed: int) -> None:
    gold = balanced_gold()
    before = values(gold)
    description = change_digit(gold, random.Random(seed))
    after = values(gold)
    changed = [p for p in before if before[p] != after[p]]
    assert len(changed) == 1 and description is not None
    old, new = str(int(before[changed[0]])), str(int(after[changed[0]]))
    assert len(old) == len(new)
    assert sum(a != b for a, b in zip(old, new, strict=True)) == 1


def test_swap_exchanges_two_figures_with_their_evidence() -> None:
    gold = balanced_gold()
    before = {p: (f.value, f.evidence) for p, f in figure_dict(gold).items() if f is not None}
    assert swap_fields(gold, random.Random(0)) is not None
    after = {p: (f.value, f.evidence) for p, f in figure_dict(gold).items() if f is not None}
    moved = [p for p in before if before[p] != after[p]]
    assert len(moved) == 2
    a, b = moved
    assert (after[a], after[b]) == (before[b], before[a])


def test_drop_nulls_a_figure_or_removes_a_channel() -> None:
    gold = balanced_gold()
    gold.proactive.channels = [Channel(name="微信", count=q(5, "微信5件"))]
    seen = set()
    for seed in range(30):
        copy = gold.model_copy(deep=True)
        description = drop_row(copy, random.Random(seed))
        assert description is not None
        seen.add(description.split()[0])
        assert len(values(copy)) == len(values(gold)) - 1
    assert "proactive.channels[微信]" in seen
    assert "requests.new" in seen


def test_shift_year_moves_one_year_by_one() -> None:
    gold = balanced_gold()
    gold.meta.publish_date = "2022-02-28"
    for seed in range(10):
        copy = gold.model_copy(deep=True)
        description = shift_year(copy, random.Random(seed))
        assert description is not None
        meta = copy.meta
        assert meta.report_year and meta.title_year and meta.publish_date
        years = (meta.report_year, meta.title_year, int(meta.publish_date[:4]))
        shifts = sorted(abs(a - b) for a, b in zip(years, (2021, 2021, 2022), strict=True))
        assert shifts == [0, 0, 1]


def test_nothing_to_perturb_gives_none() -> None:
    empty = Report(source=Source(file="r.txt", sha256="0"))
    for perturb in (change_digit, swap_fields, drop_row, shift_year):
        assert perturb(empty, random.Random(0)) is None
    assert perturb_report("r", empty, TEXT, 5, 0) == []


def test_checks_flag_what_they_should() -> None:
    injections = perturb_report("r", balanced_gold(), TEXT, 40, seed=3)
    assert len(injections) == 40
    by_kind: dict[str, list[Injection]] = {}
    for injection in injections:
        by_kind.setdefault(injection.kind, []).append(injection)
    assert set(by_kind) == {"digit", "swap", "drop", "year"}
    for injection in by_kind["digit"]:  # the evidence no longer states the number
        assert "evidence_grounding" in injection.flagged_by
        assert "requests_balance" in injection.flagged_by
    for injection in by_kind["year"]:  # title year and body year disagree
        assert injection.flagged_by == ("year_consistency",)
    for injection in by_kind["drop"]:  # a null leaves the balance unknown: nothing to see
        assert injection.flagged_by == ()
    for injection in by_kind["swap"]:  # evidence travels with the value: only sums can tell
        assert "evidence_grounding" not in injection.flagged_by


def test_a_check_already_failing_on_the_gold_is_not_credited_for_it() -> None:
    gold = balanced_gold()
    gold.requests.carried_forward = q(
        15, "结转下年度继续办理15件"
    )  # unbalanced, evidence not in text
    for injection in perturb_report("r", gold, TEXT, 30, seed=1):
        if injection.kind == "year":
            assert "requests_balance" not in injection.flagged_by


def test_the_study_is_reproducible() -> None:
    cases = [("a", balanced_gold(), TEXT), ("b", balanced_gold(), TEXT)]
    first = inject_study(cases, 10, seed=7)
    assert first == inject_study(cases, 10, seed=7)
    assert first != inject_study(cases, 10, seed=8)
    assert inject_study(cases[:1], 10, seed=7) == first[:10]


def test_rates_per_check_and_kind() -> None:
    injections = [
        Injection("r", "digit", "", ("evidence_grounding", "requests_balance")),
        Injection("r", "digit", "", ("evidence_grounding",)),
        Injection("r", "drop", "", ()),
        Injection("r", "year", "", ("year_consistency",)),
    ]
    (table,) = injection_tables(injections)
    assert list(table.columns) == ["check", "digit", "drop", "year", "all"]
    rows = {row[0]: row for row in table.rows}
    assert rows["evidence_grounding"][1:] == ("100.0% (2/2)", "0.0% (0/1)", "0.0% (0/1)",
                                              "50.0% (2/4)")  # fmt: skip
    assert rows["requests_balance"][-1] == "25.0% (1/4)"
    assert rows["any check"][1:] == ("100.0% (2/2)", "0.0% (0/1)", "100.0% (1/1)", "75.0% (3/4)")
