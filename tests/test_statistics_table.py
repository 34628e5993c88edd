"""The pre-2019 statistics table (统计表): rows, digit runs split by this year ≤ cumulative."""

from __future__ import annotations

from extract.normalize import normalize_text
from extract.tables.statistics import parse_statistics_table, read_rows

FLATTENED = (
    "七、某区政府信息公开情况统计表 指标名称计量单位2016年度历年累计主动公开文件数条346085376"
    "其中:1、政府网站公开数条3460853762、政府公报公开数条00受理依申请公开信息总数条2121"
    "其中:1、当面申请数条18182、网上申请数条33对申请的答复总数条2121其中:1、同意公开答复数条1717"
    "2、同意部分公开答复数条223、不予公开答复数条22政府信息公开专项经费万元1.53"
    "接受行政诉讼、举报数件00行政复议数件00行政诉讼数件07"
)
SPACED = (
    "某区政府信息公开情况统计表\n| 指标名称 | 计量单位 | 2013年度 | 历年累计 |\n"
    "| 主动公开信息数 | 条 | 4970 | 76424 |\n| 其中:1、网站公开 | 条 | 4970 | 76424 |\n"
    "| 2、政府公报公开 | 条 | 0 | |\n| 行政复议数 | 件 | 1 | |\n"
)


def parse(raw: str, **known: float):
    text = normalize_text(raw).text
    table = parse_statistics_table(
        text, known={k.replace("_", ".", 1): v for k, v in known.items()}
    )
    assert table is not None
    for figure in [*table.figures.values(), *(q for _, q in table.channels)]:
        assert figure.evidence in text
        assert figure.derived == (figure.derivation is not None)
    return table


def test_rows_with_glued_row_numbers() -> None:
    text = normalize_text(FLATTENED).text
    start = text.index("主动公开文件数")
    rows = read_rows(text, start, len(text))
    assert [(r.label, r.item, r.tokens) for r in rows[:3]] == [
        ("主动公开文件数", None, ("346085376",)),
        ("政府网站公开数", 1, ("346085376",)),
        ("政府公报公开数", 2, ("00",)),
    ]
    assert text[rows[1].start : rows[1].end].endswith("条346085376")
    assert text[rows[2].start : rows[2].end].startswith("2、政府公报")


def test_only_certain_splits_are_read() -> None:
    table = parse(FLATTENED)
    figures = {path: q.value for path, q in table.figures.items()}
    assert figures == {
        "requests.outcomes.partially_granted": 2,  # 22: 2 and 2
        "requests.outcomes.denied": 2,
        "appeals.reconsideration.total": 0,  # 00
        "appeals.litigation_total": 0,  # 07: 0 this year, 7 in all
    }  # 346085376, 2121, 1717 have several splits; 接受行政诉讼、举报数 is no field
    denied = table.figures["requests.outcomes.denied"]
    assert denied.derived and "本年度2、历年累计2" in (denied.derivation or "")
    assert [name for name, _ in table.channels] == ["政府公报"]


def test_the_narrative_and_the_parent_row_settle_a_split() -> None:
    table = parse(FLATTENED, proactive_total=3460, requests_new=21)
    assert table.figures["proactive.total"].value == 3460
    assert "正文" in (table.figures["proactive.total"].derivation or "")
    website = dict(table.channels)["政府网站"]
    assert website.value == 3460  # a sub-row never exceeds its parent: 34/6085376 is out
    assert table.channels_make_up_total
    assert table.figures["requests.new"].value == 21


def test_a_money_row_in_wan_yuan_and_spaced_cells_as_printed() -> None:
    money = parse(FLATTENED.replace("万元1.53", "万元1.5 3"))
    budget = money.figures["capacity.budget_yuan"]
    assert (budget.value, budget.unit, budget.derived) == (15000, "万元", False)
    table = parse(SPACED)
    assert table.figures["proactive.total"].value == 4970
    assert not table.figures["proactive.total"].derived
    assert table.figures["appeals.reconsideration.total"].value == 1
    assert dict(table.channels)["政府公报"].value == 0
    assert table.channels_make_up_total


def test_no_header_no_table() -> None:
    text = "主动公开文件数条346085376,行政复议数件00"
    assert parse_statistics_table(text) is None


NATIONAL = (
    "附表:政府信息公开情况统计表\n| 统计指标 | 单位 | 统计数 |\n"
    "| 一、主动公开情况 | — | — |\n"
    "| (一)主动公开政府信息数(不同渠道和方式公开相同信息计1条) | 条 | 1250 |\n"
    "| 其中:主动公开规范性文件数 | 条 | 12 |\n| 制发规范性文件总数 | 件 | 15 |\n"
    "| (二)通过不同渠道和方式公开政府信息的情况 | — | — |\n"
    "| 1.政府公报公开政府信息数 | 条 | 30 |\n| 2.政府网站公开政府信息数 | 条 | 1100 |\n"
    "| 3.政务微博公开政府信息数 | 条 | 120 |\n"
    "| 三、依申请公开情况 | — | — |\n| (一)收到申请数 | 件 | 9 |\n| 1.当面申请数 | 件 | 4 |\n"
    "| (三)申请答复数 | 件 | 9 |\n| 2.同意公开答复数 | 件 | 6 |\n| 4.不同意公开答复数 | 件 | 1 |\n"
    "| 四、行政复议数量 | 件 | 0 |\n| 七、依申请公开信息收取的费用 | 万元 | 0 |\n"
    "| (三)从事政府信息公开工作人员数 | 人 | 5 |\n| 1.专职人员数(不包括政府公报及政府网站工作人员数) | 人 | 2 |\n"
    "| (一)召开政府信息公开工作会议或专题会议数 | 次 | 3 |\n| (三)接受培训人员数 | 人次 | 150 |\n"
)


def test_the_national_one_column_table_piped_and_flattened() -> None:
    expected = {
        "proactive.total": 1250,
        "proactive.normative_docs.issued": 15,
        "requests.new": 9,
        "requests.processed_total": 9,
        "requests.outcomes.granted": 6,
        "requests.outcomes.denied": 1,
        "appeals.reconsideration.total": 0,
        "fees.collected_yuan": 0,
        "capacity.staff": 5,
        "capacity.staff_full_time": 2,
        "capacity.meetings": 3,
        "capacity.trainees": 150,
    }
    for raw in (NATIONAL, NATIONAL.replace(" | ", "").replace("|", "").replace("\n", "")):
        table = parse(raw)
        assert {path: q.value for path, q in table.figures.items()} == expected
        assert [(name, q.value) for name, q in table.channels] == [
            ("政府公报", 30), ("政府网站", 1100), ("政务微博", 120),
        ]  # fmt: skip
        assert table.channels_make_up_total  # 30 + 1100 + 120 = 1250
        assert not any(q.derived for q in table.figures.values())
        assert table.figures["proactive.total"].evidence.startswith("(一)主动公开政府信息数")


def test_pdf_text_one_cell_per_line() -> None:
    raw = (
        "政府信息公开情况统计表\n指标名称\n计量单位\n2015年度\n历年累计\n主动公开信息数\n条\n"
        "1200\n8600\n其中:1、网站公开\n条\n1200\n8600\n2、政府公报公开\n条\n0\n0\n行政复议数\n件\n1\n3\n"
    )
    table = parse(raw)
    assert table.figures["proactive.total"].value == 1200
    assert table.figures["appeals.reconsideration.total"].value == 1
    assert dict(table.channels)["政府公报"].value == 0
