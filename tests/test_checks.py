"""The deterministic cross-checks, on hand-built reports: pass, fail, skipped, messages, fields."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.checks import CheckInput, Verdict, check, registered_ids, run_checks
from extract.checks import registry as check_registry
from extract.checks.grounding import states
from schemas import (
    MATRIX_COLUMNS,
    MATRIX_ROWS,
    AppealGroup,
    Channel,
    Check,
    MatrixRow,
    Meta,
    Quantity,
    Report,
    RequestMatrix,
    Source,
    TableInfo,
)

CONTRACT_IDS = (
    "evidence_grounding",
    "requests_balance",
    "requests_outcomes_sum",
    "proactive_channels_sum",
    "appeals_sum",
    "capacity_staff_sum",
    "year_consistency",
    "table_integrity",
    "sections_declared",
)
REGISTERED_IDS = (*CONTRACT_IDS, "not_a_report")


def q(value: float, evidence: str | None = None, **extra: Any) -> Quantity:
    """A Quantity whose evidence defaults to "<value>件"."""
    return Quantity(value=value, evidence=evidence or f"{value}件", **extra)


def make_report(**parts: Any) -> Report:
    return Report(source=Source(file="t.txt", sha256="0" * 64), **parts)


def result(report: Report, check_id: str, text: str = "") -> Check:
    (found,) = [c for c in run_checks(report, text) if c.id == check_id]
    return found


def requests(**figures: Any) -> dict[str, Any]:
    return {"requests": figures}


# ---------------------------------------------------------------- registry


def test_every_contract_check_is_registered_in_contract_order() -> None:
    assert registered_ids() == REGISTERED_IDS


def test_an_empty_report_skips_every_check_but_is_no_report() -> None:
    checks = run_checks(make_report(), "")
    assert [c.id for c in checks] == list(REGISTERED_IDS)
    assert {c.id: c.status for c in checks if c.status != "skipped"} == {"not_a_report": "fail"}
    assert all(c.message for c in checks)


def test_adding_a_check_is_registering_one_function(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check_registry, "_REGISTRY", dict(check_registry._REGISTRY))
    other = make_report(proactive={"total": q(5)})

    @check("engine_agreement")
    def engines_agree(ctx: CheckInput) -> Verdict:
        names = ", ".join(sorted(ctx.others))
        return Verdict("fail", f"disagrees with {names}", ("proactive.total",))

    checks = run_checks(make_report(), "", others={"llm": other})
    assert checks[-1] == Check(
        id="engine_agreement",
        status="fail",
        message="disagrees with llm",
        fields=["proactive.total"],
    )
    with pytest.raises(ValueError, match="already registered"):
        check("engine_agreement")(engines_agree)


# ---------------------------------------------------------------- evidence_grounding

GROUNDED_TEXT = (
    "区政府门户网站共发布各类信息4,585条。制发规范性文件二十三件。专项经费5万元。"
    "通过微信发布100余条。| (一)予以公开 | 52 | 6 | 58 |。全年未收到政府信息公开申请。"
)


def test_grounding_accepts_the_genres_number_formats() -> None:
    report = make_report(
        proactive={
            "total": q(4585, "共发布各类信息4,585条"),
            "channels": [Channel(name="微信", count=q(100, "通过微信发布100余条", approx=True))],
            "normative_docs": {"issued": q(23, "制发规范性文件二十三件")},
        },
        capacity={"budget_yuan": q(50000, "专项经费5万元", unit="万元")},
        requests={
            "new": q(0, "全年未收到政府信息公开申请"),
            "outcomes": {"granted": q(6, "| (一)予以公开 | 52 | 6 | 58 |")},
            "processed_total": q(
                58, "| (一)予以公开 |", derived=True, derivation="(七)总计 = 各项之和"
            ),
        },
    )
    found = result(report, "evidence_grounding", GROUNDED_TEXT)
    assert found.status == "pass"
    assert "7 figures" in found.message


def test_grounding_lists_each_figure_whose_evidence_is_missing_or_wrong() -> None:
    report = make_report(
        proactive={
            "total": q(4585, "共发布各类信息4585条"),
            "channels": [Channel(name="微信", count=q(1700, "推送微信1700条"))],
        },
        requests={"new": q(152, "共发布各类信息4,585条")},
        capacity={"staff": q(0, "共发布各类信息4,585条")},
    )
    found = result(report, "evidence_grounding", GROUNDED_TEXT)
    assert found.status == "fail"
    assert found.fields == [
        "proactive.total",
        "proactive.channels[微信].count",
        "requests.new",
        "capacity.staff",
    ]
    assert found.message.startswith("4 of 4 figures not grounded")
    assert "“共发布各类信息4585条” is not in the text" in found.message
    assert "does not state 152" in found.message


def test_grounding_needs_derived_evidence_in_the_text_too() -> None:
    derived = q(9, "| 不存在的行 |", derived=True, derivation="一+二=三+四")
    found = result(make_report(**requests(carried_forward=derived)), "evidence_grounding", "x")
    assert found.status == "fail"
    assert found.fields == ["requests.carried_forward"]


def test_grounding_checks_every_matrix_cell() -> None:
    row = MatrixRow(natural_person=q(52, "| (一)予以公开 | 52 | 6 | 58 |"), total=q(59, "| 58 |"))
    report = make_report(**requests(matrix=RequestMatrix(granted=row)))
    found = result(report, "evidence_grounding", GROUNDED_TEXT)
    assert found.fields == ["requests.matrix.granted.total"]


def test_grounding_skips_a_report_without_figures() -> None:
    assert result(make_report(), "evidence_grounding", GROUNDED_TEXT).status == "skipped"


@pytest.mark.parametrize(
    ("evidence", "value", "expected"),
    [
        ("共发布信息4585条", 4585, True),
        ("共发布信息4,585条", 4585, True),
        ("约1.2万人次", 12000, True),
        ("经费1.2万", 12000, True),
        ("十七件", 17, True),
        ("| 74 | 3 |", 3, True),
        ("无任何收费", 0, True),
        ("收费0元", 0, True),
        ("收费400元", 0, False),
        ("无锡市收费400元", 0, False),
        ("共发布信息4585条", 4586, False),
    ],
)
def test_states(evidence: str, value: float, expected: bool) -> None:
    assert states(evidence, value) is expected


def test_a_unit_with_a_multiplier_scales_the_stated_number() -> None:
    assert states("| 行政事业性收费 | 586.42 | | |", 5864200, "万元")
    assert not states("| 行政事业性收费 | 586.42 | | |", 5864200)
    assert not states("| 行政事业性收费 | 586.42 | | |", 5864200, "元")


# ---------------------------------------------------------------- requests_balance


def test_balance_fails_with_both_sides_spelled_out() -> None:
    report = make_report(
        **requests(new=q(236), carried_over=q(7), processed_total=q(227), carried_forward=q(9))
    )
    found = result(report, "requests_balance")
    assert found.status == "fail"
    assert found.message == "新收236 + 结转7 = 243, but 办结227 + 结转下年9 = 236"
    assert found.fields == [
        "requests.new",
        "requests.carried_over",
        "requests.processed_total",
        "requests.carried_forward",
    ]


def test_balance_passes_when_it_balances() -> None:
    report = make_report(
        **requests(new=q(141), carried_over=q(6), processed_total=q(139), carried_forward=q(8))
    )
    found = result(report, "requests_balance")
    assert found.status == "pass"
    assert found.message == "新收141 + 结转6 = 147 = 办结139 + 结转下年8 = 147"


def test_balance_skips_when_a_term_is_missing() -> None:
    found = result(make_report(**requests(new=q(5), processed_total=q(5))), "requests_balance")
    assert found.status == "skipped"
    assert found.message == "not stated: 结转、结转下年"
    assert found.fields == ["requests.carried_over", "requests.carried_forward"]


def test_balance_fails_when_the_stated_part_already_exceeds_the_other_side() -> None:
    report = make_report(**requests(new=q(10), carried_over=q(0), processed_total=q(12)))
    found = result(report, "requests_balance")
    assert found.status == "fail"
    assert "办结12 (+ 结转下年 not stated) ≥ 12" in found.message


def _matrix(rows: dict[str, list[int]]) -> RequestMatrix:
    """A request table from {row: seven cells}, each cell's evidence its printed row."""
    labels = {name: label for name, label, _ in MATRIX_ROWS}
    cells = {}
    for name, values in rows.items():
        line = f"| {labels[name]} | " + " | ".join(map(str, values)) + " |"
        cells[name] = MatrixRow(
            **{column: q(v, line) for column, v in zip(MATRIX_COLUMNS, values, strict=True)}
        )
    return RequestMatrix(**cells)


def _row(*applicants: int) -> list[int]:
    return [*applicants, sum(applicants)]


CONSISTENT_2019 = {
    "new": _row(10, 2, 0, 0, 1, 0),
    "carried_over": _row(1, 0, 0, 0, 0, 0),
    "granted": _row(5, 1, 0, 0, 0, 0),
    "partially_granted": _row(1, 0, 0, 0, 0, 0),
    "denied": _row(1, 0, 0, 0, 0, 0),
    "denied_third_party": _row(1, 0, 0, 0, 0, 0),
    "unable_to_provide": _row(2, 1, 0, 0, 1, 0),
    "unable_not_held": _row(2, 1, 0, 0, 0, 0),
    "unable_unclear": _row(0, 0, 0, 0, 1, 0),
    "not_processed": _row(0, 0, 0, 0, 0, 0),
    "other": _row(1, 0, 0, 0, 0, 0),
    "processed_total": _row(10, 2, 0, 0, 1, 0),
    "carried_forward": _row(1, 0, 0, 0, 0, 0),
}


def test_balance_checks_every_column_of_the_request_table() -> None:
    rows = {**CONSISTENT_2019, "carried_forward": _row(3, 0, 0, 0, 0, 0)}
    found = result(make_report(**requests(matrix=_matrix(rows))), "requests_balance")
    assert found.status == "fail"
    assert found.message.startswith(
        "表三自然人列: 新收10 + 结转1 = 11, but 办结10 + 结转下年3 = 13"
    )
    assert "表三总计列" in found.message
    assert "requests.matrix.carried_forward.natural_person" in found.fields
    assert "requests.matrix.carried_forward.commercial" not in found.fields


# ---------------------------------------------------------------- requests_outcomes_sum

OUTCOMES = {
    "granted": 62,
    "partially_granted": 12,
    "denied": 12,
    "unable_to_provide": 34,
    "not_processed": 10,
    "other": 9,
}


def test_outcomes_pass_when_they_add_up_to_the_processed_total() -> None:
    outcomes = {name: q(v) for name, v in OUTCOMES.items()}
    report = make_report(**requests(outcomes=outcomes, processed_total=q(139)))
    assert result(report, "requests_outcomes_sum").status == "pass"


def test_outcomes_fail_when_they_do_not() -> None:
    outcomes = {name: q(v) for name, v in OUTCOMES.items()}
    report = make_report(**requests(outcomes=outcomes, processed_total=q(140)))
    found = result(report, "requests_outcomes_sum")
    assert found.status == "fail"
    assert found.message == (
        "予以公开62 + 部分公开12 + 不予公开12 + 无法提供34 + 不予处理10 + 其他处理9 = 139, "
        "but 办结总计140"
    )
    assert "requests.outcomes.other" in found.fields


def test_outcomes_stated_in_part_fail_only_when_they_exceed_the_total() -> None:
    over = make_report(
        **requests(outcomes={"granted": q(8), "partially_granted": q(3)}, processed_total=q(10))
    )
    under = make_report(**requests(outcomes={"granted": q(8)}, processed_total=q(10)))
    assert result(over, "requests_outcomes_sum").status == "fail"
    assert result(under, "requests_outcomes_sum").status == "skipped"


def test_a_consistent_2019_request_table_passes() -> None:
    report = make_report(**requests(matrix=_matrix(CONSISTENT_2019)))
    assert result(report, "requests_outcomes_sum").status == "pass"
    assert result(report, "requests_balance").status == "pass"


def test_a_row_whose_columns_miss_its_total_fails() -> None:
    rows = {**CONSISTENT_2019, "granted": [5, 1, 0, 0, 0, 0, 7]}
    found = result(make_report(**requests(matrix=_matrix(rows))), "requests_outcomes_sum")
    assert found.status == "fail"
    assert "表三“予以公开”行: 自然人5 + 商业企业1" in found.message
    assert "requests.matrix.granted.total" in found.fields


def test_sub_rows_must_add_up_to_their_category() -> None:
    rows = {**CONSISTENT_2019, "unable_unclear": _row(1, 0, 0, 0, 1, 0)}
    found = result(make_report(**requests(matrix=_matrix(rows))), "requests_outcomes_sum")
    assert found.status == "fail"
    assert "表三自然人列“无法提供”各小项" in found.message
    assert "requests.matrix.unable_unclear.natural_person" in found.fields


def test_categories_must_add_up_to_the_total_row() -> None:
    rows = {**CONSISTENT_2019, "processed_total": _row(11, 2, 0, 0, 1, 0)}
    found = result(make_report(**requests(matrix=_matrix(rows))), "requests_outcomes_sum")
    assert found.status == "fail"
    assert "表三自然人列办理结果" in found.message


# ---------------------------------------------------------------- proactive_channels_sum

SEED_004_CHANNELS = (36799, 40180, 132, 32500, 10537)


CHANNEL_NAMES = ("网站", "微信", "微博", "报刊", "公示栏")


def _channels(*counts: int, approx: bool = False) -> list[Channel]:
    return [
        Channel(name=name, count=q(n, approx=approx))
        for name, n in zip(CHANNEL_NAMES, counts, strict=False)
    ]


def test_channels_that_make_up_the_total_pass_when_they_add_up() -> None:
    report = make_report(
        proactive={
            "total": q(120148),
            "channels": _channels(*SEED_004_CHANNELS),
            "channels_make_up_total": True,
        }
    )
    found = result(report, "proactive_channels_sum")
    assert found.status == "pass"
    assert found.fields[-1] == "proactive.total"


def test_channels_that_miss_the_total_fail() -> None:
    report = make_report(
        proactive={
            "total": q(457),
            "channels": _channels(289, 100, 30),
            "channels_make_up_total": True,
        }
    )
    found = result(report, "proactive_channels_sum")
    assert found.status == "fail"
    assert found.message == "网站289 + 微信100 + 微博30 = 419, but 主动公开总数457"
    assert found.fields == [
        "proactive.channels[网站].count",
        "proactive.channels[微信].count",
        "proactive.channels[微博].count",
        "proactive.total",
    ]


def test_channels_not_claimed_to_make_up_the_total_are_not_summed() -> None:
    report = make_report(proactive={"total": q(4574), "channels": _channels(4574, 1700)})
    assert result(report, "proactive_channels_sum").status == "skipped"


def test_hedged_channel_counts_are_not_summed() -> None:
    report = make_report(
        proactive={
            "total": q(100, "100余条", approx=True),
            "channels": _channels(50, 40, approx=True),
            "channels_make_up_total": True,
        }
    )
    found = result(report, "proactive_channels_sum")
    assert found.status == "skipped"
    assert found.message.startswith("hedged figures cannot be summed exactly")


# ---------------------------------------------------------------- appeals_sum


def _group(*values: int | None) -> AppealGroup:
    names = ("upheld", "corrected", "other", "pending", "total")
    return AppealGroup(**{n: q(v) for n, v in zip(names, values, strict=True) if v is not None})


def test_appeals_pass_when_every_group_adds_up() -> None:
    report = make_report(
        appeals={
            "reconsideration": _group(2, 1, 0, 1, 4),
            "litigation_direct": _group(1, 0, 1, 1, 3),
            "litigation_after_reconsideration": _group(1, 0, 0, 0, 1),
            "litigation_total": q(4),
        }
    )
    found = result(report, "appeals_sum")
    assert found.status == "pass"
    assert found.message == "4 of 4 sums hold"


def test_appeals_fail_on_a_group_that_does_not_add_up() -> None:
    report = make_report(appeals={"litigation_direct": _group(1, 0, 1, 1, 4)})
    found = result(report, "appeals_sum")
    assert found.status == "fail"
    assert found.message == "未经复议直接起诉: 维持1 + 纠正0 + 其他1 + 尚未审结1 = 3, but 总计4"
    assert found.fields[-1] == "appeals.litigation_direct.total"


def test_appeals_fail_when_litigation_groups_miss_the_litigation_total() -> None:
    report = make_report(
        appeals={
            "litigation_direct": _group(None, None, None, None, 3),
            "litigation_after_reconsideration": _group(None, None, None, None, 1),
            "litigation_total": q(5),
        }
    )
    found = result(report, "appeals_sum")
    assert found.status == "fail"
    assert found.fields == [
        "appeals.litigation_direct.total",
        "appeals.litigation_after_reconsideration.total",
        "appeals.litigation_total",
    ]


def test_appeals_with_totals_only_are_skipped() -> None:
    report = make_report(
        appeals={"reconsideration": _group(None, 0, None, None, 2), "litigation_total": q(3)}
    )
    assert result(report, "appeals_sum").status == "skipped"


# ---------------------------------------------------------------- capacity_staff_sum


@pytest.mark.parametrize(
    ("staff", "full", "part", "status"),
    [
        (4, 2, 2, "pass"),
        (4, 2, 3, "fail"),
        (4, 5, None, "fail"),
        (15, 3, None, "skipped"),
        (None, 2, 2, "skipped"),
    ],
)
def test_staff_split(staff: int | None, full: int | None, part: int | None, status: str) -> None:
    figures = {"staff": staff, "staff_full_time": full, "staff_part_time": part}
    capacity = {name: q(v) for name, v in figures.items() if v is not None}
    found = result(make_report(capacity=capacity), "capacity_staff_sum")
    assert found.status == status


def test_staff_message() -> None:
    capacity = {"staff": q(4), "staff_full_time": q(2), "staff_part_time": q(3)}
    found = result(make_report(capacity=capacity), "capacity_staff_sum")
    assert found.message == "专职2 + 兼职3 = 5, but 工作人员4"


# ---------------------------------------------------------------- year_consistency


class MetaWithIntroYear(Meta):
    """Meta with the proposed ``intro_year`` field, until the schema has it."""

    intro_year: int | None = None


def _years(**meta: Any) -> Check:
    return result(make_report(meta=meta), "year_consistency")


def test_a_report_published_early_next_year_is_consistent() -> None:
    found = _years(
        report_year=2017,
        title_year=2017,
        period_start="2017-01-01",
        period_end="2017-12-31",
        publish_date="2018-03-06",
    )
    assert found.status == "pass"


def test_title_year_other_than_the_body_year_fails() -> None:
    found = _years(report_year=2013, title_year=2012)
    assert found.status == "fail"
    assert found.message == "标题年度2012 ≠ 正文统计年度2013"
    assert found.fields == ["meta.title_year", "meta.report_year"]


def test_introduction_year_other_than_the_body_year_fails() -> None:
    meta = MetaWithIntroYear(report_year=2017, title_year=2017, intro_year=2018)
    found = result(make_report(meta=meta), "year_consistency")
    assert found.status == "fail"
    assert found.message == "引言年度2018 ≠ 正文统计年度2017"
    assert "meta.intro_year" in found.fields


@pytest.mark.parametrize(
    ("meta", "phrase"),
    [
        ({"report_year": 2013, "publish_date": "2013-01-09"}, "is before the end of 2013"),
        (
            {"report_year": 2017, "period_end": "2017-12-29", "publish_date": "2017-12-20"},
            "is before 统计期止2017-12-29",
        ),
        ({"report_year": 2017, "publish_date": "2019-08-01"}, "more than 1.5 years after"),
        ({"report_year": 2017, "period_start": "2016-01-01"}, "outside the report year 2017"),
        (
            {"report_year": 2017, "period_start": "2017-12-31", "period_end": "2017-01-01"},
            "is after 统计期止",
        ),
    ],
)
def test_dates_out_of_place_fail(meta: dict[str, Any], phrase: str) -> None:
    found = _years(**meta)
    assert found.status == "fail"
    assert phrase in found.message


def test_without_a_body_year_the_title_year_is_the_reference() -> None:
    found = _years(title_year=2016, publish_date="2017-03-14")
    assert found.status == "pass"
    assert _years(title_year=2016, publish_date="2016-03-14").status == "fail"


def test_years_skip_when_there_is_nothing_to_compare() -> None:
    assert _years().status == "skipped"
    assert _years(report_year=2022).status == "skipped"


# ---------------------------------------------------------------- table_integrity


@pytest.mark.parametrize("status", ["empty", "flattened", "partial"])
def test_a_table_present_but_unreadable_fails(
    status: Literal["empty", "flattened", "partial"],
) -> None:
    tables = [
        TableInfo(name="proactive", status="parsed", cells_read=30, cells_expected=30),
        TableInfo(name="requests", status=status, cells_read=0, cells_expected=203),
    ]
    found = result(make_report(meta={"template": "2021", "tables": tables}), "table_integrity")
    assert found.status == "fail"
    assert found.message.startswith("表三（依申请）:")
    assert "(0 of 203 cells read)" in found.message
    assert found.fields == ["meta.tables[requests]"]


def test_a_2019_or_2021_report_without_tables_fails() -> None:
    found = result(make_report(meta={"template": "2019"}), "table_integrity")
    assert found.status == "fail"
    assert "2019-template" in found.message


def test_parsed_tables_pass_and_narrative_reports_skip() -> None:
    parsed = [TableInfo(name="requests", status="parsed", cells_read=203, cells_expected=203)]
    assert (
        result(make_report(meta={"template": "2021", "tables": parsed}), "table_integrity").status
        == "pass"
    )
    assert result(make_report(meta={"template": "pre2019"}), "table_integrity").status == "skipped"


# ---------------------------------------------------------------- sections_declared


def _sections(announced: list[str], found: list[str]) -> Check:
    meta = {"sections_announced": announced, "sections_found": found}
    return result(make_report(meta=meta), "sections_declared")


def test_an_announced_section_missing_from_the_body_fails() -> None:
    found = _sections(
        ["概述", "主动公开政府信息情况", "依申请公开政府信息情况", "政府信息公开相关收费情况"],
        ["概述", "主动公开政府信息情况", "政府信息公开收费及减免情况"],
    )
    assert found.status == "fail"
    assert found.message.startswith("announced but not in the body: 依申请公开政府信息情况")
    assert found.fields == ["meta.sections_announced", "meta.sections_found"]


def test_sections_match_by_topic_not_wording() -> None:
    found = _sections(
        ["概述", "行政复议、行政诉讼和举报投诉情况", "政府信息公开会议和培训情况", "附表"],
        ["总体情况", "因政府信息公开申请行政复议、诉讼的情况", "政府信息公开培训情况"],
    )
    assert found.status == "fail"
    assert found.message.startswith("announced but not in the body: 附表 (")


def test_headings_of_no_known_topic_match_by_similarity() -> None:
    assert _sections(["疫情防控信息发布专题"], ["疫情防控信息发布"]).status == "pass"
    assert _sections(["疫情防控信息发布专题"], ["乡村振兴"]).status == "fail"


def test_sections_skip_without_an_announcement_and_fail_without_headings() -> None:
    assert _sections([], ["概述"]).status == "skipped"
    assert _sections(["概述"], []).status == "fail"


# ---------------------------------------------------------------- not_a_report


def test_a_text_of_no_known_template_is_no_report() -> None:
    found = result(make_report(meta={"template": "unknown"}), "not_a_report")
    assert found.status == "fail"
    assert found.fields == ["meta.template"]
    assert result(make_report(meta={"template": "pre2019"}), "not_a_report").status == "pass"


# ---------------------------------------------------------------- no false alarms


@given(
    new=st.integers(0, 5000),
    carried_over=st.integers(0, 50),
    outcomes=st.lists(st.integers(0, 1000), min_size=6, max_size=6),
    full=st.integers(0, 30),
    part=st.integers(0, 300),
    channels=st.lists(st.integers(0, 99999), min_size=1, max_size=5),
)
def test_a_consistent_report_never_fails(
    new: int,
    carried_over: int,
    outcomes: list[int],
    full: int,
    part: int,
    channels: list[int],
) -> None:
    processed = sum(outcomes)
    carried_forward = new + carried_over - processed
    if carried_forward < 0:  # keep the generated year balanced
        new -= carried_forward
        carried_forward = 0
    facts: dict[str, int] = {
        "new": new,
        "carried_over": carried_over,
        "processed_total": processed,
        "carried_forward": carried_forward,
    }
    said = {name: f"{name}为{value}件" for name, value in facts.items()}
    names = (
        "granted",
        "partially_granted",
        "denied",
        "unable_to_provide",
        "not_processed",
        "other",
    )
    outcome_figures = {n: q(v, f"{n}{v}件") for n, v in zip(names, outcomes, strict=True)}
    channel_list = [Channel(name=f"渠道{i}", count=q(n, f"渠道{i}公开{n}条")) for i, n in
                    enumerate(channels)]  # fmt: skip
    report = make_report(
        meta={
            "template": "pre2019",
            "report_year": 2020,
            "title_year": 2020,
            "publish_date": "2021-01-28",
        },
        requests={
            **{name: q(facts[name], said[name]) for name in facts},
            "outcomes": outcome_figures,
        },
        proactive={
            "total": q(sum(channels), f"共公开{sum(channels)}条"),
            "channels": channel_list,
            "channels_make_up_total": True,
        },
        capacity={
            "staff": q(full + part, f"工作人员{full + part}人"),
            "staff_full_time": q(full, f"专职{full}人"),
            "staff_part_time": q(part, f"兼职{part}人"),
        },
    )
    text = "；".join(
        [*said.values()]
        + [f.evidence for f in outcome_figures.values()]
        + [c.count.evidence for c in channel_list if c.count]
        + [f"共公开{sum(channels)}条", f"工作人员{full + part}人", f"专职{full}人", f"兼职{part}人"]
    )
    statuses = {c.id: c.status for c in run_checks(report, text)}
    assert "fail" not in statuses.values(), statuses
    assert statuses["requests_balance"] == "pass"
    assert statuses["evidence_grounding"] == "pass"
