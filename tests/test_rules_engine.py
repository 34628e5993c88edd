"""Tests for the rules engine: each cue on crafted snippets, meta, lists, seeds and fixtures."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.api import extract_file
from extract.checks.grounding import ungrounded_reason
from extract.engines.base import Document
from extract.engines.rules import RulesEngine
from extract.engines.rules.cues import RULES, Rule
from extract.engines.rules.narrative import Finder
from extract.engines.rules.scan import Scan
from extract.normalize import NormalizedText, normalize_bytes
from extract.segment import segment
from schemas import Quantity, Report, Source, get_path, iter_figures
from tests.conftest import REPORTS, SEED_FILES, seed

ENGINE = RulesEngine()


def run_text(text: str) -> tuple[Report, NormalizedText]:
    data = text.encode("utf-8")
    nt = normalize_bytes(data)
    source = Source(file="snippet.txt", sha256=hashlib.sha256(data).hexdigest())
    return ENGINE.extract(Document(source=source, text=nt, segments=segment(nt))), nt


def run(text: str) -> Report:
    report, nt = run_text(text)
    assert_grounded(report, nt)
    return report


def run_file(path: Path) -> tuple[Report, NormalizedText]:
    return run_text(path.read_bytes().decode("utf-8"))


def assert_grounded(report: Report, nt: NormalizedText) -> None:
    for path, figure in iter_figures(report):
        if figure is not None:
            assert ungrounded_reason(figure, nt.text) is None, path


def value(report: Report, path: str) -> Any:
    figure = get_path(report, path)
    return None if figure is None else figure.value


def figure(report: Report, path: str) -> Quantity:
    found = get_path(report, path)
    assert isinstance(found, Quantity), path
    return found


def doc(**sections: str) -> str:
    """A pre-2019 report with the given sections (keyword = heading), numbered in order."""
    numerals = "一二三四五六七八九"
    body = "\n".join(
        f"{numerals[i]}、{heading}\n{text}" for i, (heading, text) in enumerate(sections.items())
    )
    return f"某县人民政府2016年政府信息公开工作年度报告\n{body}\n"


def proactive(text: str) -> Report:
    return run(doc(概述="2016年，我县认真落实《条例》。", 主动公开政府信息情况=text))


def requests(text: str) -> Report:
    return run(doc(主动公开政府信息情况="略。", 依申请公开政府信息情况=text))


# ---------------------------------------------------------------- proactive


@pytest.mark.parametrize(
    ("text", "total", "approx"),
    [
        ("全年主动公开政府信息3486条。", 3486, False),
        ("全年共主动公开政府信息一千二百条。", 1200, False),
        ("共计主动公开各类信息100余条。", 100, True),
        ("主动公开政府信息数量为 5500 余条。", 5500, True),
        ("我中心主动在政府网站上公开信息共120148条。", 120148, False),
        ("全年主动公开政府信息1,862条，其中网站1,527条。", 1862, False),
        ("本年度累计发布政务信息约2000条。", 2000, True),
    ],
)
def test_proactive_total(text: str, total: int, approx: bool) -> None:
    report = proactive(text)
    assert value(report, "proactive.total") == total
    assert figure(report, "proactive.total").approx is approx


@pytest.mark.parametrize(
    "text",
    [
        "主动公开规范性文件5件。",
        "公开重大建设项目批准和实施信息217条。",
        "主动公开重点领域信息共212条。",
        "依申请公开信息5条。",
        "发布政策解读材料58篇。",
        "全年召开新闻发布会12场，较上年增长17.5%，联系电话0736-7521016。",
    ],
)
def test_proactive_distractors_are_not_the_total(text: str) -> None:
    assert proactive(text).proactive.total is None


def test_the_year_s_figure_beats_a_cumulative_one_and_a_named_part_counts() -> None:
    cumulative = proactive(
        "本区到年底累计主动公开政府信息5928条，全文电子化率达90.3%，其中，本年度新增主动公开政府信息2110条。"
    )
    assert value(cumulative, "proactive.total") == 2110
    part = proactive("2018年，共制作政府信息3021条，其中主动公开信息1027条，依申请公开信息459条。")
    assert value(part, "proactive.total") == 1027


def test_channels_that_make_up_the_total() -> None:
    report = proactive(
        "全年主动公开政府信息3486条，其中县政府门户网站发布2915条，"
        "“青溪发布”微信公众号发布436条，“青溪发布”政务微博发布135条。"
    )
    assert value(report, "proactive.total") == 3486
    channels = {c.name: c.count.value for c in report.proactive.channels if c.count}
    assert channels == {
        "县政府门户网站": 2915,
        "“青溪发布”微信公众号": 436,
        "“青溪发布”政务微博": 135,
    }
    assert report.proactive.channels_make_up_total


def test_channels_named_in_a_clause_of_their_own_and_hedged() -> None:
    report = proactive(
        "全年共主动公开政府信息一千二百条。主要公开渠道为:县政府门户网站,全年发布近千条,"
        "涵盖政府文件等内容;“河阳发布”政务微博,全年发布100余条;同时通过公报(全年编印6期)发布信息。"
    )
    channels = {c.name: c.count for c in report.proactive.channels if c.count}
    assert channels["县政府门户网站"].value == 1000 and channels["县政府门户网站"].approx
    assert channels["“河阳发布”政务微博"].value == 100
    assert len(channels) == 2  # 6期 are issues of the gazette, not items
    assert not report.proactive.channels_make_up_total


def test_channel_count_is_not_the_total_and_the_lone_outlet_is_no_channel() -> None:
    alone = proactive("区政府门户网站通过政务公开栏目共发布各类信息4585条。")
    assert value(alone, "proactive.total") == 4585
    assert alone.proactive.channels == []
    beside = proactive("2022年通过政府网站主动公开各类政务信息4574条；“硚口发布”共推送微信1700条。")
    names = [c.name for c in beside.proactive.channels]
    assert names == ["政府网站", "微信"]
    assert value(beside, "proactive.total") == 4574


@pytest.mark.parametrize(
    "text",
    [
        "通过政府网站发布信息1000条，通过政务微博发布信息200条。",
        "本年度通过政府网站公开信息1000条,通过政务微博发布信息200条。",
    ],
)
def test_a_channel_without_a_stated_total_is_not_the_total(text: str) -> None:
    report = proactive(text)
    assert report.proactive.total is None
    assert [c.name for c in report.proactive.channels] == ["政府网站", "政务微博"]


def test_a_lone_website_count_is_the_total_but_not_another_outlets() -> None:
    website = proactive("2022年，我局通过管委会网站审计信息栏目公开信息20条。")
    assert value(website, "proactive.total") == 20
    assert website.proactive.channels == []
    wechat = proactive("2022年，我局通过微信公众号发布信息88条。")
    assert wechat.proactive.total is None
    twice = proactive("我局通过管委会网站公开信息20条。全年通过局网站专栏公开信息16条。")
    assert twice.proactive.total is None


def test_channels_told_in_the_overview_of_a_template_report() -> None:
    overview = "2020年，我局通过县政府门户网站主动公开政府信息215条，通过微信公众号发布信息88条。"
    template = run(
        "某县水务局2020年政府信息公开工作年度报告\n一、总体情况\n" + overview + "\n"
        "二、主动公开政府信息情况\n| 规章 | 0 | 0 | 0 |\n三、收到和处理政府信息公开申请情况\n略。\n"
        "四、政府信息公开行政复议、行政诉讼情况\n略。\n"
    )
    assert [(c.name, c.count.value) for c in template.proactive.channels if c.count] == [
        ("县政府门户网站", 215),
        ("微信公众号", 88),
    ]
    old = run(doc(概述=overview, 主动公开政府信息情况="全年主动公开政府信息300条。"))
    assert old.proactive.channels == []  # an old report tells its channels in section 二


def test_normative_documents_issued_repealed_in_force() -> None:
    report = run(
        doc(
            总体情况="全年制发行政规范性文件7件，废止3件，截至年底现行有效的行政规范性文件46件。",
            主动公开政府信息情况="全年主动公开政府信息30条，其中制发规范性文件二十三件。",
        )
    )
    assert value(report, "proactive.normative_docs.issued") == 23
    assert value(report, "proactive.normative_docs.repealed") == 3
    assert value(report, "proactive.normative_docs.in_force") == 46
    assert report.proactive.rules.issued is None
    both = proactive(
        "主动公开市政府规章13件(含新制定5件,修改4件,废止4件),主动公开行政规范性文件42件。"
    )
    assert value(both, "proactive.rules.issued") == 5
    assert value(both, "proactive.rules.repealed") == 4
    assert both.proactive.normative_docs.repealed is None
    zero = proactive("年内制发行政规范性文件1件，无废止文件，现行有效6件。")
    assert value(zero, "proactive.normative_docs.repealed") == 0
    assert zero.proactive.rules.repealed is None


# ---------------------------------------------------------------- requests


def test_request_flow_from_the_narrative() -> None:
    report = requests(
        "2022年度全区共收到依申请公开政府信息236件，上年结转申请7件；已办结227件，"
        "结转下年度继续办理9件。其中予以公开120件，部分公开30件，不予公开10件，"
        "无法提供50件，不予处理7件，其他处理10件。自然人申请200件。"
    )
    assert [
        value(report, f"requests.{name}")
        for name in ("new", "carried_over", "processed_total", "carried_forward")
    ] == [236, 7, 227, 9]
    outcomes = report.requests.outcomes
    assert [q.value if q else None for q in outcomes.__dict__.values()] == [120, 30, 10, 50, 7, 10]
    assert value(report, "requests.by_applicant.natural_person") == 200


def test_request_outcomes_with_other_wording_and_chinese_numerals() -> None:
    report = requests(
        "全县共受理政府信息公开申请十七件，无上年结转申请。截至12月31日，已办结十七件，"
        "无结转下年度办理的申请。其中，同意公开11件，同意部分公开2件，不同意公开1件，"
        "信息不存在或不属于本机关公开范围的3件。"
    )
    assert value(report, "requests.new") == 17
    assert value(report, "requests.carried_over") == 0
    assert value(report, "requests.carried_forward") == 0
    assert value(report, "requests.processed_total") == 17
    assert value(report, "requests.outcomes.granted") == 11
    assert value(report, "requests.outcomes.partially_granted") == 2
    assert value(report, "requests.outcomes.denied") == 1
    assert value(report, "requests.outcomes.unable_to_provide") == 3


def test_licensing_applications_are_not_disclosure_requests() -> None:
    report = requests(
        "截止2017年12月25日，窗口共受理行政许可、非许可审批事项152件，办结152件，"
        "按时办结率100%。全年依申请公开内容已全部答复、办结。"
    )
    assert report.requests.new is None
    assert report.requests.processed_total is None


@pytest.mark.parametrize(
    "text",
    [
        "2016年，高新区未收到要求公开信息的申请。",
        "本报告年度未收到依申请公开政府信息情况。",
        "全年没有收到政府信息公开申请。",
    ],
)
def test_no_requests_is_a_stated_zero(text: str) -> None:
    report = requests(text)
    new = figure(report, "requests.new")
    assert new.value == 0
    assert new.evidence in text


def test_figures_of_a_topic_without_its_own_section_are_read_in_the_overview() -> None:
    report = run(
        doc(
            概述="2016年，全县共受理政府信息公开申请8件，均已办结。",
            主动公开政府信息情况="全年主动公开政府信息300条。",
            存在的主要问题及改进措施="一是重视不够。二是更新不及时。",
        )
    )
    assert value(report, "requests.new") == 8
    scoped = run(
        doc(
            概述="2016年，全县共受理政府信息公开申请8件。",
            依申请公开情况="全年共受理政府信息公开申请9件。",
        )
    )
    assert value(scoped, "requests.new") == 9


def test_denial_zero_and_carry_over_zero_are_not_new_requests() -> None:
    report = requests("本年度无上年结转申请。我中心无不予公开的政府信息。")
    assert report.requests.new is None
    assert value(report, "requests.carried_over") == 0
    assert value(report, "requests.outcomes.denied") == 0


# ---------------------------------------------------------------- appeals, fees


def test_appeals_narrative_counts() -> None:
    report = run(
        doc(
            政府信息公开行政复议行政诉讼情况="全区因政府信息公开工作被申请行政复议25件，提起行政诉讼5件。"
        )
    )
    assert value(report, "appeals.reconsideration.total") == 25
    assert value(report, "appeals.litigation_total") == 5


def test_appeals_zero_statements() -> None:
    both = run(
        doc(复议诉讼情况="2013年，未发生对本中心有关政府信息公开事务的行政复议案、行政诉讼案。")
    )
    assert value(both, "appeals.reconsideration.total") == 0
    assert value(both, "appeals.litigation_total") == 0
    one = run(doc(复议诉讼情况="未收到关于政务信息公开提起行政复议的申请。"))
    assert value(one, "appeals.reconsideration.total") == 0
    assert one.appeals.litigation_total is None
    stated = run(doc(复议诉讼情况="本年度行政复议、行政诉讼均为0件。"))
    assert value(stated, "appeals.litigation_total") == 0


def test_appeal_results_are_not_totals_and_a_lone_case_keeps_its_result() -> None:
    report = run(
        doc(复议诉讼情况="全年共计发生行政复议2起，行政诉讼3起，均未发生复议变更、撤消，诉讼败诉。")
    )
    assert value(report, "appeals.reconsideration.total") == 2
    assert value(report, "appeals.reconsideration.corrected") == 0
    assert report.appeals.reconsideration.upheld is None
    lone = run(doc(复议诉讼情况="被申请行政复议1件，经市人民政府复议，维持原答复。"))
    assert value(lone, "appeals.reconsideration.upheld") == 1


def test_table_headers_are_no_zero_statement() -> None:
    report = run(doc(复议诉讼情况="行政复议 行政诉讼 未经复议直接起诉 复议后起诉"))
    assert report.appeals.litigation_total is None


@pytest.mark.parametrize(
    ("text", "fee"),
    [
        ("全区共收取政府信息处理费400元。", 400),
        ("本年度收取信息处理费0.5万元。", 5000),
        ("区本级未收取任何依申请公开费用。", 0),
        ("本中心无任何收费情况。", 0),
        ("亦未收取与政务信息公开相关的信息复制、邮寄等费用。", 0),
    ],
)
def test_fees(text: str, fee: int) -> None:
    report = run(doc(政府信息公开收费及减免情况=text))
    assert value(report, "fees.collected_yuan") == fee


def test_fee_zero_from_the_requests_section_and_no_fee_from_budget() -> None:
    report = requests("未收到申请，亦未收取任何费用。")
    assert value(report, "fees.collected_yuan") == 0
    budget = run(doc(政府信息公开收费及减免情况="安排工作经费5万元。"))
    assert budget.fees.collected_yuan is None


# ---------------------------------------------------------------- capacity


def test_staff_budget_meetings_trainings() -> None:
    report = run(
        doc(
            机构建设和保障经费情况="具体承担政务信息公开工作人员4人，其中专职人员2人，兼职人员2人，"
            "政务信息公开专项经费5万元。门户网站改版项目投资32万元。",
            会议和培训情况="召开政府信息公开会议3次，举办2次培训班学习，接受培训人数9人。"
            "另组织参加市级专题培训1次。",
        )
    )
    assert [
        value(report, f"capacity.{name}")
        for name in (
            "staff", "staff_full_time", "staff_part_time", "budget_yuan",
            "meetings", "trainings", "trainees",
        )
    ] == [4, 2, 2, 50000, 3, 2, 9]  # fmt: skip
    assert figure(report, "capacity.budget_yuan").unit == "万元"


def test_staff_with_numbers_before_the_noun_and_chinese_numerals() -> None:
    report = run(
        doc(
            机构建设情况="安排了2名工作人员。全年经费用支出4000元。",
            培训情况="全年召开政府信息公开工作会议三次，培训各乡镇、县直单位工作人员一百二十余人次。",
        )
    )
    assert value(report, "capacity.staff") == 2
    assert value(report, "capacity.budget_yuan") == 4000
    assert value(report, "capacity.meetings") == 3
    trainees = figure(report, "capacity.trainees")
    assert (trainees.value, trainees.approx, trainees.unit) == (120, True, "人次")
    assert report.capacity.staff_full_time is None


def test_press_conferences_and_attended_trainings_are_not_held_meetings() -> None:
    report = run(doc(会议和培训情况="全年召开新闻发布会12场。组织干部参加市级培训1次。"))
    assert report.capacity.meetings is None
    assert report.capacity.trainings is None


# ---------------------------------------------------------------- lists


def test_problems_and_measures_by_enumeration() -> None:
    report = run(
        doc(
            主动公开情况="略。",
            存在的主要问题及改进措施="存在的问题:一是信息公开不及时。二是监督力度不足。"
            "\n下一步措施:一是完善公开内容。二是加大培训力度。三是完善长效机制。",
        )
    )
    assert report.problems == ["信息公开不及时", "监督力度不足"]
    assert report.improvements == ["完善公开内容", "加大培训力度", "完善长效机制"]


def test_problems_listed_with_semicolons_and_measures_after_a_lead() -> None:
    report = run(
        doc(
            主动公开情况="略。",
            存在的主要问题及改进情况="但也存在一些不足，突出表现在主动性有待增强;广度仍需提高;"
            "力度需加大等。下一步，我局将丰富解读形式;加强业务学习;落实更新责任。",
        )
    )
    assert report.problems == ["主动性有待增强", "广度仍需提高", "力度需加大"]
    assert report.improvements == ["丰富解读形式", "加强业务学习", "落实更新责任"]


def test_last_year_s_problems_are_not_this_year_s() -> None:
    report, _ = run_file(REPORTS / "t2021_intact.txt")
    assert len(report.problems) == 3
    assert not any("主动公开不及时" in p for p in report.problems)


# ---------------------------------------------------------------- meta


def test_meta_from_header_fields_and_intro() -> None:
    text = (
        "龙山县人民政府-龙山县政府信息公开工作2017年度报告\n\n"
        "龙山县政府信息公开工作2017年度报告\n\n"
        "来源:龙山县城市管理行政执法局 作者: 发布时间:2018-03-05 11:48:33\n\n"
        "特向社会公布2018年度龙山县信息公开工作年度报告。本报告中所列数据的统计期限自2017年1月1日起"
        "至2017年12月29日止。\n一、概述\n2017年，我局认真落实。\n二、主动公开情况\n发布信息30条。\n"
    )
    meta = run(text).meta
    assert meta.title == "龙山县政府信息公开工作2017年度报告"
    assert meta.issuer == "龙山县城市管理行政执法局"
    assert (meta.title_year, meta.report_year, meta.intro_year) == (2017, 2017, 2018)
    assert meta.publish_date == "2018-03-05"
    assert (meta.period_start, meta.period_end) == ("2017-01-01", "2017-12-29")


def test_meta_compiler_signature_and_body_year() -> None:
    text = (
        "2017年，本年度报告由鹤城区人民政府政务服务中心编制。本报告的统计数据时限为2017年1月1日至12月31日。\n"
        "一、概述\n2017年，我区推进公开。\n二、主动公开政府信息情况\n共发布信息45条。\n"
        "三、依申请公开情况\n未收到申请。\n鹤城区政务服务中心\n2018年3月6日\n"
    )
    meta = run(text).meta
    assert meta.title is None
    assert meta.issuer == "鹤城区人民政府政务服务中心"
    assert meta.publish_date == "2018-03-06"
    assert meta.period_end == "2017-12-31"
    signed = run(text.replace("本年度报告由鹤城区人民政府政务服务中心编制。", "")).meta
    assert signed.issuer == "鹤城区政务服务中心"


def test_meta_title_body_beats_page_field_and_opening_subject_is_last() -> None:
    text = (
        "发文机关: 市营商办 成文日期: 2013-01-09 19:46:30\n"
        "江山市行政服务中心管理办公室2012年政府信息公开工作年度报告\n"
        "发布日期:2013-01-10\n一、 政府信息公开概况\n2013年，我中心推进公开。2013年度成效明显。\n"
        "二、政府信息主动公开情况\n公开信息30条。\n"
    )
    meta = run(text).meta
    assert meta.issuer == "江山市行政服务中心管理办公室"
    assert (meta.title_year, meta.report_year) == (2012, 2013)
    assert meta.publish_date == "2013-01-10"
    opening = run(
        "一、总体情况\n2022年硚口区人民政府坚持以人民为中心。\n二、主动公开政府信息情况\n略。\n"
        "三、收到和处理政府信息公开申请情况\n略。\n"
    ).meta
    assert opening.issuer == "硚口区人民政府"


def test_meta_issuer_named_by_the_introduction_when_nothing_else_does() -> None:
    body = (
        "一、总体情况 根据《条例》要求，特向社会公布2020年某市林业局政府信息公开工作年度报告。"
        "本报告中所列数据的统计期限自2020年1月1日起至2020年12月31日止。\n"
        "二、主动公开政府信息情况\n略。\n三、收到和处理政府信息公开申请情况\n略。\n"
    )
    assert run(body).meta.issuer == "某市林业局"
    before = body.replace("特向社会公布2020年某市林业局", "现公开某市人民政府办公室2020年")
    assert run(before).meta.issuer == "某市人民政府办公室"
    ours = body.replace("特向社会公布2020年某市林业局", "现公布我局2020年")
    assert run(ours).meta.issuer is None


def test_markdown_marks_are_no_part_of_the_title() -> None:
    for head in (
        "# 某区人民政府2023年政府信息公开工作年度报告",
        "**某区人民政府2023年政府信息公开工作年度报告**",
    ):
        meta = run(f"{head}\n\n## 一、总体情况\n\n全年主动公开政府信息30条。\n").meta
        assert meta.title == "某区人民政府2023年政府信息公开工作年度报告"
        assert meta.issuer == "某区人民政府"


def test_titles_on_two_lines() -> None:
    report, _ = run_file(REPORTS / "t2021_pdf.txt")
    assert report.meta.title == "金沙市生态环境局2024年政府信息公开工作年度报告"
    assert report.meta.publish_date == "2025-01-22"
    text = (
        "宿州市人民政府2016年\n政府信息公开工作年度报告\n宿州市人民政府办公室\n2017年3月\n"
        "一、概述\n2016年，我市推进公开。\n二、主动公开情况\n全年主动公开信息300条。\n"
        "三、依申请公开情况\n未收到申请。\n"
    )
    meta = run(text).meta
    assert meta.title == "宿州市人民政府2016年政府信息公开工作年度报告"
    assert meta.title_year == 2016


# ---------------------------------------------------------------- scripts, layout, unknown


def test_traditional_wording_is_read_after_conversion() -> None:
    simplified = doc(
        主动公开政府信息情况="全年主动公开政府信息3486条，其中区政府门户网站发布2915条，微信公众号推送571条。",
        依申请公开政府信息情况="全年新收政府信息公开申请113件，上年结转5件，办结112件，结转下年度继续办理6件。",
    )
    traditional = opencc.OpenCC("s2twp").convert(simplified)
    assert traditional != simplified
    report, nt = run_text(traditional)
    assert nt.script in ("traditional", "traditional-tw")
    assert value(report, "proactive.total") == 3486
    assert value(report, "requests.new") == 113
    assert value(report, "requests.carried_forward") == 6
    assert_grounded(report, nt)


def test_pdf_wrapping_and_page_numbers_inside_a_sentence() -> None:
    report, nt = run_file(REPORTS / "t2021_pdf.txt")
    narrative = Finder(Scan(nt.text), segment(nt)).find_all()
    forward = narrative["requests.carried_forward"].quantity
    assert forward.value == 2 and "- 1 -" in forward.evidence
    assert report.problems[0].startswith("部分专业性较强的环境信息公开后解读不够")
    assert_grounded(report, nt)


def test_unknown_text_gets_no_figures() -> None:
    report, _ = run_file(REPORTS / "not_a_report.txt")
    assert report.meta.template == "unknown"
    assert all(q is None for _, q in iter_figures(report))
    assert report.problems == [] and report.meta.issuer is None


# ---------------------------------------------------------------- seeds end to end

SEED_FIGURES: dict[str, dict[str, int | float]] = {
    "000": {"proactive.total": 4585, "fees.collected_yuan": 0},
    "001": {
        "proactive.total": 457,
        "proactive.channels[政府网站].count": 289,
        "proactive.channels[政务微信].count": 138,
        "proactive.channels[报刊、广播、电视等其他方式].count": 30,
        "proactive.normative_docs.issued": 5,
        "requests.new": 0,
        "appeals.reconsideration.total": 0,
        "fees.collected_yuan": 0,
        "capacity.staff": 4,
        "capacity.staff_full_time": 2,
        "capacity.staff_part_time": 2,
        "capacity.budget_yuan": 50000,
        "capacity.meetings": 3,
        "capacity.trainings": 2,
        "capacity.trainees": 9,
    },
    "002": {
        "proactive.total": 100,
        "proactive.channels[政府网站].count": 50,
        "proactive.channels[其他方式].count": 50,
        "appeals.reconsideration.total": 2,
        "appeals.reconsideration.corrected": 0,
        "appeals.litigation_total": 3,
        "capacity.staff": 2,
        "capacity.budget_yuan": 4000,
    },
    "003": {
        "proactive.total": 4574,
        "proactive.channels[政府网站].count": 4574,
        "proactive.channels[微信].count": 1700,
        "requests.new": 236,
        "requests.carried_over": 7,
        "requests.processed_total": 227,
        "requests.carried_forward": 9,
        "appeals.reconsideration.total": 25,
        "appeals.litigation_total": 5,
        "fees.collected_yuan": 400,
    },
    "004": {
        "proactive.total": 120148,
        "proactive.channels[江山市政府网站公开平台].count": 36799,
        "proactive.channels[本单位网站].count": 40180,
        "proactive.channels[报刊、广播、电视、网络、手机等市内外各类媒体].count": 132,
        "proactive.channels[本单位外宣刊物、手册、宣传单等].count": 32500,
        "proactive.channels[本单位信息公示栏、宣传窗].count": 10537,
        "requests.new": 0,
        "requests.outcomes.denied": 0,
        "appeals.reconsideration.total": 0,
        "appeals.litigation_total": 0,
        "fees.collected_yuan": 0,
    },
}
SEED_LISTS = {"000": (3, 5), "001": (4, 3), "002": (3, 3), "003": (3, 3), "004": (3, 4)}


@pytest.mark.parametrize("prefix", sorted(SEED_FIGURES))
def test_seed_figures_end_to_end(prefix: str) -> None:
    report, nt = run_file(seed(prefix))
    found = {path: q.value for path, q in iter_figures(report) if q is not None}
    assert found == SEED_FIGURES[prefix]
    assert (len(report.problems), len(report.improvements)) == SEED_LISTS[prefix]
    assert_grounded(report, nt)


def test_seed_approx_and_traps() -> None:
    two, _ = run_file(seed("002"))
    assert figure(two, "proactive.total").approx
    assert two.proactive.channels_make_up_total
    one, _ = run_file(seed("001"))
    assert one.proactive.channels_make_up_total  # 289 + 138 + 30, not the 100余条 remark
    three, _ = run_file(seed("003"))
    assert not three.proactive.channels_make_up_total
    assert [t.name for t in three.meta.tables] == ["requests"]


def test_seed_meta() -> None:
    metas = {p.name[:3]: run_file(p)[0].meta for p in SEED_FILES}
    assert metas["000"].issuer == "鹤城区人民政府政务服务中心"
    assert metas["001"].title == "咸宁高新区2016年政务公开年度报告"
    assert metas["002"].period_end == "2017-12-29"
    assert metas["003"].template == "2021" and metas["003"].report_year == 2022
    assert metas["004"].title_year == 2012 and metas["004"].report_year == 2013
    assert metas["000"].sections_announced[2] == "依申请公开政府信息情况"


# ---------------------------------------------------------------- fixtures with tables


def test_template_tables_fill_the_request_matrix_and_the_narrative_the_rest() -> None:
    report, nt = run_file(REPORTS / "t2021_intact.txt")
    assert value(report, "requests.new") == 141
    assert value(report, "requests.by_applicant.natural_person") == 118
    assert value(report, "requests.outcomes.unable_to_provide") == 34
    assert value(report, "proactive.admin_fees_yuan") == 5864200
    assert value(report, "appeals.litigation_total") == 4
    assert value(report, "proactive.total") == 3486  # narrative
    assert value(report, "capacity.trainees") == 260  # narrative
    assert report.requests.matrix is not None
    assert {t.name for t in report.meta.tables} == {"proactive", "requests", "appeals"}
    assert_grounded(report, nt)


def test_a_stated_category_beats_a_derived_table_cell() -> None:
    report, _ = run_file(REPORTS / "t2021_unbalanced.txt")
    unable = figure(report, "requests.outcomes.unable_to_provide")
    assert (unable.value, unable.derived) == (59, False)


def test_litigation_total_is_derived_from_the_table_when_not_stated() -> None:
    report, _ = run_file(REPORTS / "t2019_intact.txt")
    total = figure(report, "appeals.litigation_total")
    assert (total.value, total.derived) == (8, True)
    assert total.derivation


@pytest.mark.parametrize(
    "path", sorted(p for p in REPORTS.iterdir() if p.suffix in (".txt", ".html")), ids=str
)
def test_every_fixture_figure_is_grounded(path: Path) -> None:
    report, nt = run_file(path)
    assert_grounded(report, nt)


# ---------------------------------------------------------------- older wording, one-line text


def test_proactive_total_published_in_the_overview_when_section_two_is_a_table() -> None:
    report = run(
        "某区2019年政府信息公开工作年度报告\n一、总体情况\n(一)基本情况\n"
        "今年,我区政府信息公开单位共公布政府信息2599条。\n"
        "予以公开及部分公开258件。\n"
        "二、主动公开政府信息情况\n| 第二十条第(一)项 |\n| 规章 | 0 | 0 | 0 |\n"
    )
    assert value(report, "proactive.total") == 2599


def test_pre2019_outcome_wording() -> None:
    report = requests(
        "全县共收到政府信息公开申请21条;对依申请公开的答复总数21条,其中同意公开答复数17条,"
        "其它公开答复数2条,免于公开答复数2条。"
    )
    assert value(report, "requests.processed_total") == 21
    assert value(report, "requests.outcomes.granted") == 17
    assert value(report, "requests.outcomes.denied") == 2
    assert report.requests.outcomes.partially_granted is None
    refused = requests("办结申请5件,其中同意部分公开答复数1条,否决公开答复数3条。")
    assert value(refused, "requests.outcomes.partially_granted") == 1
    assert value(refused, "requests.outcomes.denied") == 3
    assert value(refused, "requests.processed_total") == 5


def test_a_count_of_two_categories_fills_neither() -> None:
    report = requests(
        "答复申请805件。予以公开及部分公开258件,不予公开35件;自然人和商业企业共12件。"
    )
    outcomes = report.requests.outcomes
    assert outcomes.granted is None and outcomes.partially_granted is None
    assert value(report, "requests.outcomes.denied") == 35
    assert report.requests.by_applicant.commercial is None
    same = requests("信息不存在或不属于本机关公开范围的3件。")
    assert value(same, "requests.outcomes.unable_to_provide") == 3


def test_quoted_outcomes_and_kinds_of_one_category_counted_apart() -> None:
    report = requests(
        "在已答复的832件申请中，“同意公开”的450件，占54.1%；“同意部分公开”的62件，占7.5%；"
        "“非本机关政府信息”的110件，占13.2%；“信息不存在”的90件，占10.8%；“不予公开”的31件。"
    )
    assert value(report, "requests.outcomes.granted") == 450
    assert value(report, "requests.outcomes.partially_granted") == 62
    assert value(report, "requests.outcomes.denied") == 31
    assert report.requests.outcomes.unable_to_provide is None  # 110 and 90 are two of its kinds
    one = requests("在已答复的832件申请中，“非本机关政府信息”的110件。")
    assert value(one, "requests.outcomes.unable_to_provide") == 110


def test_requests_told_in_the_overview_when_their_section_is_the_table() -> None:
    report = run(
        doc(
            总体情况="四是做好依申请公开。市政府办公室全年办理政府信息依申请公开13件，均按时答复。",
            主动公开政府信息情况="略。",
            收到和处理政府信息公开申请情况="| 一、本年新收政府信息公开申请数量 | | | | | | | |",
        )
    )
    assert value(report, "requests.processed_total") == 13
    assert report.requests.new is None
    received = run(
        doc(
            总体情况="三是依法办理依申请公开。全年受理政府信息公开申请62件，均答复办结。",
            收到和处理政府信息公开申请情况="略。",
        )
    )
    assert value(received, "requests.new") == 62
    licences = requests("全年办理行政许可申请300件。")
    assert licences.requests.processed_total is None


def test_old_none_statements_and_budget_words() -> None:
    report = run(
        doc(
            主动公开政府信息情况="略。",
            依申请公开政府信息情况="因未发生政府信息公开申请,故不存在政府信息答复处理情况。",
            政府信息公开的收费及减免情况="我区依申请提供政府信息暂不收费。",
            工作人员及信息公开事务支出情况=(
                "我局没有从事政府信息公开工作的全职人员,兼职人员1人。"
                "用于税收宣传等产生的政府信息公开费用1万元。"
            ),
        )
    )
    assert value(report, "requests.processed_total") == 0
    assert value(report, "fees.collected_yuan") == 0
    assert value(report, "capacity.staff_full_time") == 0
    assert value(report, "capacity.staff_part_time") == 1
    assert value(report, "capacity.budget_yuan") == 10000
    assert report.capacity.staff is None
    full = run(doc(机构建设情况="配备全职人员2名,兼职人员3名。"))
    assert value(full, "capacity.staff_full_time") == 2


def test_a_count_of_one_document_kind_is_no_channel() -> None:
    report = proactive("通过门户网站、政府公报等平台主动公开规章13件,行政规范性文件60件。")
    assert report.proactive.channels == []
    issued = proactive("清理并集中发布现行有效行政规范性文件393件。")
    assert issued.proactive.normative_docs.issued is None
    assert value(issued, "proactive.normative_docs.in_force") == 393


def test_meta_page_time_and_a_title_that_starts_with_its_year() -> None:
    report = run(
        "2019年某市人民政府办公厅政府信息公开工作年度报告\n来源:某市人民政府办公厅\n"
        "时间:2020-01-31 15:34\n一、总体情况\n全年主动公开政府信息30条。\n"
        "二、主动公开政府信息情况\n好。\n"
    )
    assert report.meta.publish_date == "2020-01-31"
    assert report.meta.issuer == "某市人民政府办公厅"


def test_a_heading_glued_to_the_body_is_not_part_of_its_first_clause() -> None:
    text = doc(概述="好。", 政府信息公开会议和培训情况="略。").replace(
        "培训情况\n略。", "培训情况全年召开政府信息公开工作会议三次,举办培训班2期。"
    )
    report = run(text.replace("\n", ""))
    assert value(report, "capacity.meetings") == 3
    assert value(report, "capacity.trainings") == 2


ONE_LINE_REPORTS = {
    "real_pingtan_2024.txt": {
        "proactive.total": 10407,
        "requests.new": 218,
        "requests.processed_total": 218,
        "requests.outcomes.unable_to_provide": 75,
        "appeals.litigation_after_reconsideration.total": 19,
        "fees.collected_yuan": 0,
    },
    "real_pingtan_2019.txt": {
        "proactive.total": 2599,
        "proactive.normative_docs.issued": 89,
        "requests.new": 23,
        "requests.outcomes.unable_to_provide": 12,
        "appeals.litigation_total": 0,
    },
    "real_pingtan_2016.txt": {
        "proactive.total": 3460,
        "proactive.channels[政府网站].count": 3460,
        "requests.outcomes.granted": 0,
        "fees.collected_yuan": 0,
    },
    "real_pingtan_county_2012.txt": {
        "requests.outcomes.granted": 17,
        "requests.outcomes.partially_granted": 2,
        "requests.outcomes.denied": 2,
        "appeals.litigation_total": 0,
        "proactive.channels[政府公报].count": 0,
    },
}


@pytest.mark.parametrize("name", sorted(ONE_LINE_REPORTS))
def test_crawled_one_line_reports(name: str) -> None:
    report, nt = run_file(REPORTS / name)
    found = {path: q.value for path, q in iter_figures(report) if q is not None}
    assert {path: found.get(path) for path in ONE_LINE_REPORTS[name]} == ONE_LINE_REPORTS[name]
    assert_grounded(report, nt)


def test_statistics_table_fills_what_the_narrative_leaves_open() -> None:
    report, _ = run_file(REPORTS / "real_pingtan_2016.txt")
    channel = report.proactive.channels[0]
    assert channel.count is not None
    assert (channel.name, channel.count.derived) == ("政府网站", True)
    assert "3460" in (channel.count.derivation or "")
    assert report.proactive.channels_make_up_total  # 3460 + 0 = the total
    total = figure(report, "proactive.total")
    assert not total.derived  # the narrative's, not the table's
    county, _ = run_file(REPORTS / "real_pingtan_county_2012.txt")
    names = [c.name for c in county.proactive.channels]
    assert "互联网" in names and "网站" not in names  # the table's 网站公开 1795 is the same outlet
    assert not county.proactive.channels_make_up_total  # 1795 + 0 ≠ 2026


def test_blank_cells_forced_to_zero_and_narrative_category_totals() -> None:
    report, _ = run_file(REPORTS / "real_shanghai_gov_office_2019.html")
    matrix = report.requests.matrix
    assert matrix is not None and matrix.carried_over is not None
    zero = matrix.carried_over.commercial
    assert zero is not None and (zero.value, zero.derived) == (0, True)
    unable = matrix.unable_to_provide
    assert unable is not None and unable.total is not None
    assert (unable.total.value, unable.total.derived) == (265, False)  # the narrative's
    assert [t.status for t in report.meta.tables] == ["parsed", "parsed", "partial"]
    checked = extract_file(REPORTS / "real_shanghai_gov_office_2019.html")
    failing = {c.id for c in checked.checks if c.status == "fail"}
    assert failing == {"requests_outcomes_sum", "table_integrity"}  # 265 < 337; 表四 blanks


def test_standard_chinese_numerals_read_as_cn2an_reads_them() -> None:
    """to_number's fast path for standard numerals reads every numeral below 10000 and
    agrees with cn2an on every token of up to three numeral characters it reads."""
    import itertools

    import cn2an

    from extract.numbers import _simple_numeral

    def by_cn2an(token: str) -> float | None:
        try:
            return float(cn2an.cn2an(token.replace("两", "二"), "smart"))
        except (ValueError, KeyError):
            return None

    for i in range(1, 10000):
        written = cn2an.an2cn(i)  # 十五: to_number reads it as 一十五
        assert _simple_numeral("一" + written if written[0] == "十" else written) == i
    alphabet = "零〇一二两三四五六七八九十百千万亿"
    for size in (1, 2, 3):
        for chars in itertools.product(alphabet, repeat=size):
            token = "".join(chars)
            value = _simple_numeral(token)
            if value is not None:
                assert by_cn2an(token) == value, token


@pytest.mark.parametrize(
    ("text", "start", "found"),
    [
        ("共发布信息约2000条", 0, [(2000, True, "条", "约2000条")]),
        (
            "超过100件，将近3万人次",
            0,
            [(100, True, "件", "超过100件"), (30000, True, "万人次", "将近3万人次")],
        ),
        ("大约100余条", 0, [(100, True, "条", "大约100余条")]),
        ("2021年收到申请12件", 0, [(12, False, "件", "12件")]),
        ("统一发布一件", 0, [(1, False, "件", "一件")]),
        ("第三件", 0, []),
        ("依据〔2016〕3件", 0, []),
        ("约5条", 1, [(5, False, "条", "5条")]),  # the hedge lies before the searched span
        ("1,862条和12,34条", 0, [(1862, False, "条", "1,862条"), (34, False, "条", "34条")]),
    ],
)
def test_find_quantities(text: str, start: int, found: list[tuple[object, ...]]) -> None:
    """Figures with their hedge, unit and span; numbers without a unit, ordinals and
    document numbers are none."""
    from extract.numbers import find_quantities

    parsed = find_quantities(text, start)
    assert [(p.value, p.approx, p.unit, p.text) for p in parsed] == found
    assert all(text[p.start : p.end] == p.text for p in parsed)


@pytest.mark.parametrize("rule", [r for r in RULES if r.zero_word], ids=lambda r: r.path)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_none_statement_holds_the_rules_zero_word(rule: Rule, data: st.DataObject) -> None:
    """zero_word lets a section without it skip the zero pattern: it must stand in every
    statement the pattern matches."""
    assert rule.zero is not None and rule.zero_word is not None
    statement = data.draw(st.from_regex(rule.zero, fullmatch=True))
    assert rule.zero_word in statement
