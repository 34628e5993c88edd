"""The 2019/2021 template tables: every layout scraped reports come in, read to the same figures."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from extract.normalize import normalize_bytes, normalize_text
from extract.tables import parse_appeals_table, parse_proactive_table, parse_request_table
from extract.tables.digits import split_runs
from extract.tables.fit import EQUAL_PARTS, SPLIT, fit_cells
from extract.tables.grid import Grid, Identity
from extract.tables.scan import Cell
from schemas import MATRIX_COLUMNS, MATRIX_ROWS, Quantity, RequestMatrix, figure_dict

ROOT = Path(__file__).resolve().parent
TABLES = ROOT / "fixtures" / "tables"
REPORTS = ROOT / "fixtures" / "reports"
SEEDS = ROOT / "fixtures" / "seeds"

# The request matrix of every requests_2021_*.txt fixture (row: six applicant columns + 总计).
MATRIX_2021: dict[str, list[int]] = {
    "new": [42, 5, 1, 0, 2, 1, 51],
    "carried_over": [3, 1, 0, 0, 0, 0, 4],
    "granted": [18, 2, 1, 0, 1, 0, 22],
    "partially_granted": [4, 1, 0, 0, 0, 0, 5],
    "denied": [5, 1, 0, 0, 0, 0, 6],
    "denied_state_secret": [0, 0, 0, 0, 0, 0, 0],
    "denied_law_prohibited": [1, 0, 0, 0, 0, 0, 1],
    "denied_three_safety": [0, 0, 0, 0, 0, 0, 0],
    "denied_third_party": [2, 1, 0, 0, 0, 0, 3],
    "denied_internal_affairs": [0, 0, 0, 0, 0, 0, 0],
    "denied_process_info": [1, 0, 0, 0, 0, 0, 1],
    "denied_enforcement_file": [0, 0, 0, 0, 0, 0, 0],
    "denied_admin_query": [1, 0, 0, 0, 0, 0, 1],
    "unable_to_provide": [11, 1, 0, 0, 1, 0, 13],
    "unable_not_held": [9, 1, 0, 0, 1, 0, 11],
    "unable_needs_creation": [1, 0, 0, 0, 0, 0, 1],
    "unable_unclear": [1, 0, 0, 0, 0, 0, 1],
    "not_processed": [3, 0, 0, 0, 0, 1, 4],
    "not_processed_petition": [2, 0, 0, 0, 0, 0, 2],
    "not_processed_repeat": [1, 0, 0, 0, 0, 1, 2],
    "not_processed_publication": [0, 0, 0, 0, 0, 0, 0],
    "not_processed_excessive": [0, 0, 0, 0, 0, 0, 0],
    "not_processed_confirmation": [0, 0, 0, 0, 0, 0, 0],
    "other": [2, 1, 0, 0, 0, 0, 3],
    "other_no_correction": [1, 0, 0, 0, 0, 0, 1],
    "other_no_fee": [0, 0, 0, 0, 0, 0, 0],
    "other_misc": [1, 1, 0, 0, 0, 0, 2],
    "processed_total": [43, 6, 1, 0, 2, 1, 53],
    "carried_forward": [2, 0, 0, 0, 0, 0, 2],
}
CATEGORIES_2021 = ("denied", "unable_to_provide", "not_processed", "other")


def load(name: str) -> str:
    return normalize_text((TABLES / name).read_text(encoding="utf-8")).text


def whole(text: str) -> tuple[str, int, int]:
    return text, 0, len(text)


def values(matrix: RequestMatrix) -> dict[str, list[float | None]]:
    """Row name → the seven cell values (None for null cells); rows that are null left out."""
    found = {}
    for name, _, _ in MATRIX_ROWS:
        row = getattr(matrix, name)
        if row is not None:
            found[name] = [
                None if (q := getattr(row, c)) is None else q.value for c in MATRIX_COLUMNS
            ]
    return found


def cell(matrix: RequestMatrix | None, row: str, column: str) -> Quantity:
    """A stated (or derived) cell of the matrix; fails the test if it is null."""
    assert matrix is not None
    found = getattr(matrix, row)
    assert found is not None, row
    figure = getattr(found, column)
    assert isinstance(figure, Quantity), (row, column)
    return figure


def value(figure: Quantity | None) -> float:
    """The value of a figure that must be there."""
    assert figure is not None
    return figure.value


def written(value: float, unit: str | None) -> set[str]:
    """Ways a stated table figure can be written in its evidence ("1,204.6" for 12046000 元)."""
    shown = value / 10_000 if unit == "万元" else value
    ways = {f"{shown:g}", f"{shown:,}"}
    if float(shown).is_integer():
        ways |= {str(int(shown)), f"{int(shown):,}"}
    return ways


def assert_grounded(model: object, text: str) -> None:
    """Every figure's evidence is verbatim text; a read figure's evidence states its number."""
    assert model is not None
    for path, figure in figure_dict(model).items():  # type: ignore[arg-type]
        if figure is None:
            continue
        assert figure.evidence in text, path
        if figure.derived:
            assert figure.derivation, path
        else:
            assert any(w in figure.evidence for w in written(figure.value, figure.unit)), path


# ---------------------------------------------------------------- digit runs


def test_split_runs_unique_row():
    assert split_runs(["713000074"], 7, (7,)) == [(71, 3, 0, 0, 0, 0, 74)]


def test_split_runs_reports_every_reading_of_an_ambiguous_row():
    assert sorted(split_runs(["282000030"], 7, (7,), limit=5) or []) == [
        (2, 8, 20, 0, 0, 0, 30),
        (28, 2, 0, 0, 0, 0, 30),
    ]


def test_split_runs_never_starts_a_cell_with_zero():
    assert split_runs(["1010"], 3) == [(1, 0, 10), (10, 1, 0)]


def test_split_runs_appeals_groups():
    assert split_runs(["100010000000000"], 15, (5, 5, 5)) == [(1, 0, 0, 0, 1) + (0,) * 10]


def test_split_runs_keeps_token_boundaries():
    assert split_runs(["71", "3000074"], 7, (7,)) == [(71, 3, 0, 0, 0, 0, 74)]
    assert split_runs(["7", "13000074"], 7, (7,)) == []


def test_split_runs_is_bounded():
    started = time.perf_counter()
    assert split_runs(["12345678901234567890123456789012345"], 7, (7,)) is None
    assert time.perf_counter() - started < 0.5


def test_split_runs_refuses_non_digit_tokens():
    assert split_runs(["1,204.6"], 2) is None


# ---------------------------------------------------------------- fitting cells to columns


def cells(*tokens: str, blank: bool = False) -> list[Cell]:
    return [
        Cell(t, i, i + 1, None if blank and not t else (int(t) if t else None))
        for i, t in enumerate(tokens)
    ]


def test_fit_drops_blank_cells_outside_the_row():
    fit = fit_cells(cells("", "71", "3", "0", "0", "0", "0", "74", ""), True, 7, (7,))
    assert fit.values == (71, 3, 0, 0, 0, 0, 74)


def test_fit_keeps_a_blank_cell_in_place():
    fit = fit_cells(cells("71", "", "0", "0", "0", "0", "74"), True, 7, (7,))
    assert fit.values == (71, None, 0, 0, 0, 0, 74)


def test_fit_drops_a_stray_number_only_when_the_row_then_adds_up():
    assert fit_cells(cells(*"1000001", "5"), False, 7, (7,)).values == (1, 0, 0, 0, 0, 0, 1)
    assert fit_cells(cells(*"0000000", "0"), False, 7, (7,)).values is None


def test_fit_splits_a_run_or_says_it_ran_together():
    assert fit_cells(cells("713000074"), False, 7, (7,)).split
    ambiguous = fit_cells(cells("282000030"), False, 7, (7,))
    assert ambiguous.values is None and ambiguous.ran_together and len(ambiguous.candidates) == 2
    missing = fit_cells(cells("1", "2", "3"), False, 7, (7,))
    assert missing.values is None and not missing.ran_together


# ---------------------------------------------------------------- 表三, every shape


@pytest.mark.parametrize(
    "name",
    [
        "requests_2021_pipes.txt",
        "requests_2021_pdf.txt",
        "requests_2021_oneline.txt",
        "requests_2021_digits.txt",
        "requests_2021_columns.txt",
        "requests_2021_lost_labels.txt",
    ],
)
def test_request_matrix_shapes_read_the_same_table(name):
    text = load(name)
    matrix, info = parse_request_table(*whole(text), "2021")
    assert matrix is not None
    assert values(matrix) == MATRIX_2021
    assert info.status == "parsed"
    assert info.cells_expected == 175
    assert_grounded(matrix, text)


def one_cell_per_line(text: str) -> str:
    """A ``|`` table as some pages print it: every non-empty cell on a line of its own."""
    lines = []
    for line in text.split("\n"):
        if not line.startswith("|"):
            lines.append(line)
            continue
        lines.extend(f"{c.strip()} |" for c in line.strip("|").split("|") if c.strip())
    return "\n".join(lines)


def test_a_table_printed_one_cell_per_line_is_read_by_rows():
    text = one_cell_per_line(load("requests_2021_pipes.txt").replace("| 0 | | 0", "| 0 | 0 | 0"))
    matrix, info = parse_request_table(*whole(text), "2021")
    assert matrix is not None and info.status == "parsed"
    assert values(matrix) == MATRIX_2021
    assert cell(matrix, "granted", "total").evidence.endswith("0 |\n22")
    assert_grounded(matrix, text)
    found, _ = proactive(one_cell_per_line(PROACTIVE_2021))
    assert [found.normative_docs.issued.value, found.normative_docs.in_force.value] == [7, 46]


def test_a_subtotal_column_of_the_organisations_is_dropped_where_it_adds_up():
    row = "| 一、本年新收政府信息公开申请数量 | 42 | 5 | 1 | 0 | 2 | 1 | 9 | 51 |"
    cells = [Cell(t, 0, 0, int(t)) for t in row.strip("| ").split(" | ")[1:]]
    assert fit_cells(cells, True, 7, (7,)).values == (42, 5, 1, 0, 2, 1, 51)
    wrong = [*cells[:6], Cell("8", 0, 0, 8), cells[7]]
    assert fit_cells(wrong, True, 7, (7,)).values is None
    assert fit_cells(cells, True, 7, None).values is None


def test_category_rows_are_derived_from_their_sub_rows():
    text = load("requests_2021_pipes.txt")
    matrix, _ = parse_request_table(*whole(text), "2021")
    assert matrix is not None
    for name in CATEGORIES_2021:
        total = cell(matrix, name, "total")
        assert total.derived and "小项之和" in (total.derivation or "")
    denied = cell(matrix, "denied", "total")
    assert denied.evidence.startswith("(三)不予公开") and "8.属于行政查询事项" in denied.evidence


def test_a_blank_or_dashed_cell_is_recovered_from_the_row_sum():
    text = load("requests_2021_pipes.txt")
    matrix, info = parse_request_table(*whole(text), "2021")
    assert matrix is not None
    blank = cell(matrix, "denied_third_party", "public_interest")
    dash = cell(matrix, "not_processed_publication", "other_org")
    for recovered in (blank, dash):
        assert recovered.value == 0 and recovered.derived
        assert (recovered.derivation or "").startswith("总计 =")
    assert not cell(matrix, "denied_third_party", "natural_person").derived
    assert info.cells_read == 174  # the dash is a stated cell, the empty one is not


def test_a_dash_between_bare_numbers_is_a_blank_cell_in_place():
    text = load("requests_2021_pdf.txt").replace("合法权益 2 1 0 0 0 0 3", "合法权益 2 1 0 — 0 0 3")
    matrix, info = parse_request_table(*whole(text), "2021")
    assert matrix is not None and info.cells_read == 175
    recovered = cell(matrix, "denied_third_party", "public_interest")
    assert recovered.value == 0 and recovered.derived
    assert values(matrix) == MATRIX_2021


def test_narrative_and_notes_in_the_section_are_not_cells():
    text = load("requests_2021_pipes.txt")
    matrix, _ = parse_request_table(*whole(text), "2021")
    assert matrix is not None
    assert cell(matrix, "new", "total").evidence.startswith("一、本年新收")


def test_digit_runs_are_split_and_marked():
    text = load("requests_2021_digits.txt")
    matrix, _ = parse_request_table(*whole(text), "2021")
    assert matrix is not None
    granted = cell(matrix, "granted", "natural_person")  # 182101022 has three readings of its own
    assert granted.value == 18 and granted.derived and granted.derivation == SPLIT
    assert "182101022" in granted.evidence


def test_digit_runs_of_a_whole_table_on_one_line():
    text = load("requests_2021_digits.txt").replace("\n", "")
    matrix, info = parse_request_table(*whole(text), "2021")
    assert matrix is not None and info.status == "parsed"
    assert values(matrix) == MATRIX_2021


def test_a_section_running_into_the_next_table_keeps_its_last_row():
    raw = (TABLES / "requests_2021_pdf.txt").read_text(encoding="utf-8")
    raw += "四、政府信息公开行政复议、行政诉讼情况\n行政复议\n行政诉讼\n1 0 0 0 1 0 0 0 0 0 0 0 0 0 0\n"
    text = normalize_text(raw).text
    matrix, _ = parse_request_table(*whole(text), "2021")
    assert matrix is not None
    assert values(matrix) == MATRIX_2021


def test_a_label_split_across_cells_is_placed_by_position():
    text = load("requests_2021_pipes.txt").replace(
        "| 1.本机关不掌握相关政府信息 |", "| 1.本机关不 | 掌握相关政府信息 |"
    )
    matrix, _ = parse_request_table(*whole(text), "2021")
    assert matrix is not None
    assert values(matrix)["unable_not_held"] == MATRIX_2021["unable_not_held"]


def test_unresolvable_digit_runs_leave_the_row_null_and_the_table_flattened():
    text = load("requests_2021_digits.txt").replace("(七)总计436102153", "(七)总计")
    matrix, info = parse_request_table(*whole(text), "2021")
    assert matrix is not None
    assert info.status == "flattened"
    assert matrix.granted is None  # three readings, and no (七)总计 row to decide
    assert values(matrix)["new"] == MATRIX_2021["new"]


def test_a_table_that_does_not_add_up_is_read_as_printed():
    text = load("requests_2019_unbalanced.txt")
    matrix, info = parse_request_table(*whole(text), "2019")
    assert matrix is not None and info.status == "parsed"
    assert info.cells_expected == 23 * 7
    found = values(matrix)
    assert found["granted"] == [18, 2, 1, 0, 1, 0, 23]  # printed total, not 22
    assert found["carried_forward"] == [3, 0, 0, 0, 0, 0, 2]  # balance broken, kept
    assert not cell(matrix, "granted", "total").derived
    assert found["other"] == [2, 1, 0, 0, 0, 0, 3]  # the 2019 (六) row is printed
    assert not cell(matrix, "other", "total").derived
    assert matrix.other_misc is None and matrix.other_no_correction is None
    assert_grounded(matrix, text)


def test_category_total_left_null_when_its_two_sums_disagree():
    text = load("requests_2021_pipes.txt").replace(
        "1.本机关不掌握相关政府信息 | 9 | 1 | 0 | 0 | 1 | 0 | 11",
        "1.本机关不掌握相关政府信息 | 9 | 1 | 0 | 0 | 1 | 0 | 12",
    )
    matrix, _ = parse_request_table(*whole(text), "2021")
    assert matrix is not None
    assert cell(matrix, "unable_not_held", "total").value == 12
    assert cell(matrix, "unable_to_provide", "natural_person").value == 11
    assert matrix.unable_to_provide is not None
    assert matrix.unable_to_provide.total is None  # 12+1+1 = 14 by column, 13 by row


def test_a_page_number_inside_a_row_is_dropped():
    text = load("requests_2021_pdf.txt").replace("\n- 4 -\n", "\n4\n")
    matrix, _ = parse_request_table(*whole(text), "2021")
    assert matrix is not None
    assert values(matrix) == MATRIX_2021


def test_labels_in_traditional_script_with_variants():
    raw = (
        "三、收到和處理政府資訊公開申請情況\n"
        "| 一、本年新收政府資訊公開申請數量 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |\n"
        "| 二、上年結轉政府資訊公開申請數量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
        "| 三、本年度辦理結果 | （一）予以公開 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |\n"
        "| （三）不予公開 | 1、屬於國家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
        '| 3．危及"三安全一穩定" | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n'
        "| （七） 總 計 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |\n"
        "| 四、結轉下年度繼續辦理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
    )
    text = normalize_text(raw).text
    matrix, info = parse_request_table(*whole(text), "2021")
    assert matrix is not None and info.status == "partial"
    found = values(matrix)
    assert found["granted"] == [2, 0, 0, 0, 0, 0, 2]
    assert found["denied_state_secret"] == [0] * 7
    assert found["denied_three_safety"] == [1, 0, 0, 0, 0, 0, 1]
    assert found["processed_total"] == [3, 0, 0, 0, 0, 0, 3]
    assert "denied" not in found  # six of its eight sub-rows are missing
    assert_grounded(matrix, text)


def test_seed_003_empty_cells_give_no_values():
    text = normalize_bytes((SEEDS / "003_fc9aab34a1e880b5.txt").read_bytes()).text
    start = text.index("三、收到和处理政府信息公开申请情况")
    end = text.index("四、政府信息公开行政复议")
    matrix, info = parse_request_table(text, start, end, "2021")
    assert matrix is None
    assert info.status == "empty" and info.cells_read == 0 and info.cells_expected == 175
    appeals, appeals_info = parse_appeals_table(text, end, text.index("五、"), "2021")
    assert appeals is None and appeals_info.status == "empty"


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_narrative_reports_give_no_table_figures(path):
    text = normalize_bytes(path.read_bytes()).text
    found, _ = parse_proactive_table(*whole(text), "2021")
    assert all(q is None for q in figure_dict(found).values())
    assert parse_request_table(*whole(text), "2021")[0] is None
    assert parse_appeals_table(*whole(text), "2021")[0] is None


def test_no_table_no_matrix():
    text = "三、收到和处理政府信息公开申请情况\n本年度共收到申请12件,均已按时答复。\n"
    matrix, info = parse_request_table(*whole(text), "2021")
    assert matrix is None and info.status == "empty"


# ---------------------------------------------------------------- 表二


PROACTIVE_2021 = """二、主动公开政府信息情况
全年主动公开政府信息3486条，其中政府网站2915条。
| 第二十条第（一）项 | | | |
| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
| 规章 | 0 | 0 | 0 |
| 行政规范性文件 | 7 | 3 | 46 |
| 第二十条第（五）项 | | | |
| 信息内容 | 本年处理决定数量 | | |
| 行政许可 | 12658 | | |
| 第二十条第（六）项 | | | |
| 信息内容 | 本年处理决定数量 | | |
| 行政处罚 | 1347 | | |
| 行政强制 | 29 | | |
| 第二十条第（八）项 | | | |
| 信息内容 | 本年收费金额（单位：万元） | | |
| 行政事业性收费 | 586.42 | | |
"""


def proactive(raw: str, template: str = "2021"):
    text = normalize_text(raw).text
    found, info = parse_proactive_table(*whole(text), template)
    assert_grounded(found, text)
    return found, info


def test_proactive_2021_pipes():
    found, info = proactive(PROACTIVE_2021)
    assert (info.status, info.cells_read, info.cells_expected) == ("parsed", 10, 10)
    assert [found.normative_docs.issued.value, found.normative_docs.repealed.value,
            found.normative_docs.in_force.value] == [7, 3, 46]  # fmt: skip
    assert found.rules.issued.value == 0
    assert (found.licensing.value, found.punishment.value, found.coercion.value) == (
        12658,
        1347,
        29,
    )
    fees = found.admin_fees_yuan
    assert (fees.value, fees.unit) == (5864200, "万元")
    assert "单位:万元" in fees.evidence and "586.42" in fees.evidence
    assert found.total is None and found.channels == []


def test_proactive_narrative_before_the_table_names_no_columns():
    raw = PROACTIVE_2021.replace(
        "全年主动公开政府信息3486条，其中政府网站2915条。",
        "全年制发行政规范性文件7件，废止3件，现行有效46件\n本年度行政许可、行政处罚信息均按时公开",
    )
    found, info = proactive(raw)
    assert info.status == "parsed"
    assert found.normative_docs.issued.evidence == "行政规范性文件 | 7 | 3 | 46"
    assert found.licensing.evidence == "行政许可 | 12658"


def test_proactive_colspan_copies_and_thousands_separators():
    raw = (
        "二、主动公开政府信息情况\n"
        "第二十条第（五）项 | 第二十条第（五）项 | 第二十条第（五）项 |\n"
        "信息内容 | 本年处理决定数量 | 本年处理决定数量 | 本年处理决定数量 |\n"
        "行政许可 | 2,361 | 2,361 | 2,361 |\n"
        "信息内容 | 本年收费金额（单位：万元） | 本年收费金额（单位：万元） | 本年收费金额（单位：万元） |\n"
        "行政事业性收费 | 1,204.6 | 1,204.6 | 1,204.6 |\n"
    )
    found, _ = proactive(raw)
    assert found.licensing.value == 2361
    assert found.admin_fees_yuan.value == 12046000


def test_proactive_fee_unit_written_in_the_cell_or_header():
    in_cell = PROACTIVE_2021.replace("| 586.42 |", "| 12.5万元 |")
    assert proactive(in_cell)[0].admin_fees_yuan == Quantity(
        value=125000, unit="万元", evidence="收费金额(单位:万元) | | |\n| 行政事业性收费 | 12.5万元"
    )
    in_yuan = PROACTIVE_2021.replace("（单位：万元）", "（单位：元）").replace("586.42", "3200")
    fees = proactive(in_yuan)[0].admin_fees_yuan
    assert fees is not None and (fees.value, fees.unit) == (3200, "元")


def test_proactive_2019_columns():
    raw = (
        "二、主动公开政府信息情况\n"
        "第二十条第(一)项 | |||\n"
        "信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |\n"
        "规章 | 0 | 0 | 0 |\n"
        "规范性文件 | 9 | 9 | 63 |\n"
        "信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |\n"
        "行政许可 | 312 | -14 | 8916 |\n"
        "其他对外管理服务事项 | 46 | +2 | 1203 |\n"
        "信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |\n"
        "行政处罚 | 2108 | +35 | 972 |\n"
        "行政强制 | 41 | 0 | 18 |\n"
        "信息内容 | 上一年项目数量 | 本年增/减 | |\n"
        "行政事业性收费 | 17 | -3 | |\n"
        "信息内容 | 采购项目数量 | 采购总金额 | |\n"
        "政府集中采购 | 86 | 3462.5 | |\n"
    )
    found, info = proactive(raw, "2019")
    assert (info.status, info.cells_read, info.cells_expected) == ("parsed", 22, 22)
    docs = found.normative_docs
    # 对外公开总数量 (63) is a cumulative published count, not the number in force
    assert (docs.issued.value, docs.repealed, docs.in_force) == (9, None, None)
    assert (found.licensing.value, found.punishment.value, found.coercion.value) == (8916, 972, 18)
    assert found.admin_fees_yuan is None  # the 2019 table gives item counts, no amount


def test_proactive_pdf_text_with_broken_header():
    raw = (
        "二、主动公开政府信息情况\n\n- 2 -\n\n第二十条第（一）项\n信息内容\n本年制\n发件数\n本年废\n止件数\n"
        "现行有\n效件数\n规章\n0\n0\n0\n行政规范性文件\n2 1 17\n第二十条第（五）项\n信息内容\n"
        "本年处理决定数量\n行政许可\n312\n第二十条第（六）项\n信息内容\n本年处理决定数量\n行政处罚\n187\n"
        "行政强制\n23\n第二十条第（八）项\n信息内容\n本年收费金额（单位：万元）\n行政事业性收费\n0\n\n- 3 -\n"
    )
    found, info = proactive(raw)
    assert info.status == "parsed"
    docs = found.normative_docs
    assert (docs.issued.value, docs.repealed.value, docs.in_force.value) == (2, 1, 17)
    assert (found.licensing.value, found.punishment.value, found.coercion.value) == (312, 187, 23)
    assert found.admin_fees_yuan.value == 0


def test_proactive_run_together_on_one_line():
    raw = (
        "二、主动公开政府信息情况\n第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000"
        "行政规范性文件2114第二十条第（五）项信息内容本年处理决定数量行政许可183第二十条第（六）项"
        "信息内容本年处理决定数量行政处罚42行政强制0第二十条第（八）项信息内容本年收费金额（单位：万元）"
        "行政事业性收费0\n"
    )
    found, info = proactive(raw)
    assert info.status == "flattened"  # 2114 is 2|1|14, 2|11|4 or 21|1|4
    assert found.normative_docs.issued is None
    assert found.rules.in_force.value == 0 and found.rules.in_force.derived
    assert (found.licensing.value, found.punishment.value, found.coercion.value) == (183, 42, 0)


def test_proactive_slash_cells_are_stated_as_not_applicable():
    found, info = proactive(PROACTIVE_2021.replace("| 规章 | 0 | 0 | 0 |", "| 规章 | / | / | / |"))
    assert found.rules.issued is None and found.rules.in_force is None
    assert (info.status, info.cells_read) == ("parsed", 10)
    found, info = proactive(PROACTIVE_2021.replace("| 规章 | 0 | 0 | 0 |", "| 规章 | | | |"))
    assert (info.status, info.cells_read) == ("partial", 7)


# ---------------------------------------------------------------- 表四


APPEALS_HEADER = (
    "四、政府信息公开行政复议、行政诉讼情况\n"
    "| 行政复议 | | | | | 行政诉讼 | | | | | | | | | |\n"
    "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | | | | | 复议后起诉 | | | | |\n"
    "| | | | | | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n"
)


def appeals(raw: str):
    text = normalize_text(raw).text
    found, info = parse_appeals_table(*whole(text), "2021")
    if found is not None:
        assert_grounded(found, text)
    return found, info


def groups(found) -> list[list[float | None]]:
    return [
        [None if (q := getattr(getattr(found, g), c)) is None else q.value
         for c in ("upheld", "corrected", "other", "pending", "total")]
        for g in ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
    ]  # fmt: skip


def test_appeals_pipes():
    found, info = appeals(
        APPEALS_HEADER + "| 2 | 1 | 0 | 1 | 4 | 1 | 0 | 1 | 1 | 3 | 1 | 0 | 0 | 0 | 1 |\n"
    )
    assert info.status == "parsed" and info.cells_read == 15
    assert groups(found) == [[2, 1, 0, 1, 4], [1, 0, 1, 1, 3], [1, 0, 0, 0, 1]]
    assert found.litigation_total.value == 4 and found.litigation_total.derived


def test_appeals_pdf_one_number_per_line_with_narrative_after():
    raw = (
        "四、政府信息公开行政复议、行政诉讼情况\n行政复议\n行政诉讼\n结果\n维持\n结果\n纠正\n总计\n"
        + "\n".join(["1", "0", "0", "0", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"])
        + "\n\n- 5 -\n\n  2024 年，本局被申请行政复议 1 件，复议机关维持原\n答复；未被提起行政诉讼。\n"
    )
    found, info = appeals(raw)
    assert info.status == "parsed"
    assert groups(found) == [[1, 0, 0, 0, 1], [0] * 5, [0] * 5]


def test_appeals_one_row_per_group():
    raw = (
        "四、政府信息公开行政复议、行政诉讼情况\n| | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n"
        "| 行政复议 | 3 | 0 | 1 | 1 | 5 |\n| 未经复议直接起诉 | 2 | 1 | 0 | 2 | 5 |\n"
        "| 复议后起诉 | 0 | 0 | 0 | 1 | 1 |\n"
    )
    found, _ = appeals(raw)
    assert groups(found) == [[3, 0, 1, 1, 5], [2, 1, 0, 2, 5], [0, 0, 0, 1, 1]]
    assert found.litigation_total.value == 6


def test_appeals_digit_run_split_by_group_sums():
    raw = (
        "四、政府信息公开行政复议、行政诉讼情况\n行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
        "未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
        "12001130000010001\n"
    )
    found, info = appeals(raw)
    assert info.status == "parsed"
    assert groups(found) == [[12, 0, 0, 1, 13], [0, 0, 0, 0, 0], [1, 0, 0, 0, 1]]
    assert found.reconsideration.upheld.derivation == SPLIT


def test_appeals_ambiguous_digit_run_is_flattened():
    found, info = appeals(APPEALS_HEADER.replace("|", " ") + "11000110000000000\n")
    assert found is None and info.status == "flattened"  # 1|10|0|0|11 or 11|0|0|0|11


def test_appeals_single_blank_cell_recovered():
    found, info = appeals(
        APPEALS_HEADER + "| 2 | 1 | 0 | 1 | | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
    )
    assert info.status == "parsed" and info.cells_read == 14  # every cell known, one derived
    total = found.reconsideration.total
    assert total.value == 4 and total.derived and "行政复议总计" in (total.derivation or "")


def test_appeals_blank_table_and_narrative_only():
    found, info = appeals(APPEALS_HEADER + "| | | | | | | | | | | | | | | |\n")
    assert found is None and info.status == "empty"
    found, info = appeals(
        "四、政府信息公开行政复议、行政诉讼情况\n全年被申请行政复议25件,提起行政诉讼5件。\n"
    )
    assert found is None and info.status == "empty"


# ---------------------------------------------------------------- the crafted report fixtures


def sections(text: str) -> dict[str, tuple[int, int]]:
    """Sections of a template report by their top-level headings (a stand-in for the segmenter)."""
    heads = {"proactive": "二、主动公开政府信息情况", "requests": "三、收到和处理政府信息公开申请情况",
             "appeals": "四、政府信息公开行政复议"}  # fmt: skip
    starts = {name: text.index(head) for name, head in heads.items()}
    ends = {"proactive": starts["requests"], "requests": starts["appeals"],
            "appeals": text.index("五、", starts["appeals"])}  # fmt: skip
    return {name: (starts[name], ends[name]) for name in heads}


REPORT_FIGURES = {
    # file: (template, new, processed_total, licensing, fees in yuan, reconsideration total)
    "t2021_intact.txt": ("2021", 141, 139, 12658, 5864200, 4),
    "t2021_unbalanced.txt": ("2021", 214, 209, 2361, 12046000, 5),
    "t2021_pdf.txt": ("2021", 43, 43, 312, 0, 1),
    "t2021_traditional_tw.txt": ("2021", 113, 112, 6734, 2138000, 4),
    "t2021_flattened_digits.txt": ("2021", 74, 73, 183, 0, 1),
    "t2019_intact.txt": ("2019", 350, 348, 8916, None, 9),
    "page_2021.html": ("2021", 26, 26, 1427, 0, 1),
}


@pytest.mark.parametrize("name", sorted(REPORT_FIGURES))
def test_crafted_reports(name):
    path = REPORTS / name
    if not path.exists():
        pytest.skip(f"{name} not in the fixtures")
    template, new, processed, licensing, fees, reconsideration = REPORT_FIGURES[name]
    text = normalize_bytes(path.read_bytes()).text
    spans = sections(text)
    matrix, info = parse_request_table(text, *spans["requests"], template)
    assert matrix is not None and info.status == "parsed"
    assert cell(matrix, "new", "total").value == new
    assert cell(matrix, "processed_total", "total").value == processed
    assert_grounded(matrix, text)
    found, _ = parse_proactive_table(text, *spans["proactive"], template)
    assert value(found.licensing) == licensing
    assert (found.admin_fees_yuan.value if found.admin_fees_yuan else None) == fees
    assert_grounded(found, text)
    appeal, appeal_info = parse_appeals_table(text, *spans["appeals"], template)
    assert appeal is not None and appeal_info.status == "parsed"
    assert value(appeal.reconsideration.total) == reconsideration
    assert_grounded(appeal, text)


@pytest.mark.parametrize("name", sorted(REPORT_FIGURES))
def test_crafted_reports_with_the_whole_text_as_span(name):
    """A segmenter that found no section passes the whole text: the tables are still found."""
    path = REPORTS / name
    if not path.exists():
        pytest.skip(f"{name} not in the fixtures")
    template, new, processed, licensing, _, reconsideration = REPORT_FIGURES[name]
    text = normalize_bytes(path.read_bytes()).text
    matrix, _ = parse_request_table(*whole(text), template)
    assert matrix is not None and cell(matrix, "new", "total").value == new
    assert cell(matrix, "processed_total", "total").value == processed
    found, _ = parse_proactive_table(*whole(text), template)
    assert value(found.licensing) == licensing
    appeal, _ = parse_appeals_table(*whole(text), template)
    assert appeal is not None and value(appeal.reconsideration.total) == reconsideration


# ---------------------------------------------------------------- speed


def test_an_intact_table_parses_in_milliseconds():
    text = load("requests_2021_pipes.txt")
    parse_request_table(*whole(text), "2021")
    rounds = 20
    started = time.perf_counter()
    for _ in range(rounds):
        parse_request_table(*whole(text), "2021")
    assert (time.perf_counter() - started) / rounds < 0.05


def test_a_long_flattened_table_stays_bounded():
    rows = "\n".join(f"{label}{'9' * 30}" for _, label, _ in MATRIX_ROWS)
    text = "三、收到和处理政府信息公开申请情况\n" + rows
    started = time.perf_counter()
    matrix, info = parse_request_table(*whole(text), "2021")
    assert matrix is None and info.status == "flattened"
    assert time.perf_counter() - started < 2.0


# ---------------------------------------------------------------- blanks, repeats, one-line text


def test_blank_cells_are_zero_only_where_an_identity_forces_it():
    grid = Grid("| 二、上年结转 | 18 | | | | | | 18 |\n| 三 | 5 | | 7 |")
    grid.spans = {"a": (0, 31), "b": (32, 43)}
    for key, v in ((("a", "x"), 18), (("a", "t"), 18), (("b", "x"), 5), (("b", "t"), 7)):
        grid.read(key, v)
    rows = [
        Identity((("a", "x"), ("a", "y"), ("a", "z")), (("a", "t"),), "a 总计"),
        Identity((("b", "x"), ("b", "y"), ("b", "z")), (("b", "t"),), "b 总计"),
    ]
    grid.derive(rows, lambda key: True)
    for key in (("a", "y"), ("a", "z")):
        zero = grid.quantity(key)
        assert zero is not None and (zero.value, zero.derived) == (0, True)
        assert (zero.derivation or "").startswith("a 总计") and "0" in (zero.derivation or "")
    assert grid.quantity(("b", "y")) is None  # 5 + ? + ? = 7: two unknowns, no single answer


def test_forced_zeros_yield_to_a_contradicting_identity():
    grid = Grid("row a 1 1\nrow b 1")
    grid.spans = {"a": (0, 9), "b": (10, 17)}
    grid.read(("a", "x"), 1)
    grid.read(("a", "t"), 1)
    grid.read(("b", "t"), 1)
    identities = [
        Identity((("a", "x"), ("a", "y"), ("a", "z")), (("a", "t"),), "a"),
        Identity((("a", "y"),), (("b", "t"),), "y = b"),  # says a.y is 1
    ]
    grid.derive(identities, lambda key: True)
    assert grid.quantity(("a", "y")) is None
    assert value(grid.quantity(("a", "z"))) == 0


def test_a_2019_table_with_blank_cells_is_read_whole():
    report = normalize_bytes((REPORTS / "real_shanghai_gov_office_2019.html").read_bytes()).text
    start = report.index("三、收到和处理")
    matrix, info = parse_request_table(
        report, start, report.index("四、政府信息公开行政复议"), "2019"
    )
    assert matrix is not None and info.status == "parsed" and info.cells_read == 35
    assert values(matrix)["granted"] == [258, 12, 0, 0, 1, 1, 272]
    assert values(matrix)["unable_not_held"] == [252, 12, 0, 0, 1, 0, 265]
    assert values(matrix)["other"] == [0, 0, 0, 0, 0, 0, 0]
    assert_grounded(matrix, report)


def test_a_run_that_repeats_one_number_per_column():
    fit = fit_cells([Cell("898989", 0, 6, 898989)], False, 3, None)
    assert fit.values == (89, 89, 89) and fit.derivation == EQUAL_PARTS
    assert fit_cells([Cell("3960181", 0, 7, 3960181)], False, 3, None).values is None
    assert fit_cells([Cell("969696", 0, 6, 969696)], False, 1, None).values == (969696,)


def test_one_line_rows_end_where_the_next_sentence_starts():
    raw = (
        "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
        "未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
        "2101410113100012023年,本局被申请行政复议4件。"
    )
    found, info = appeals(raw)
    assert info.status == "parsed"
    assert [value(getattr(found.reconsideration, c)) for c in ("upheld", "corrected", "total")] == [
        2, 1, 4,
    ]  # fmt: skip
    assert value(found.litigation_after_reconsideration.total) == 1
