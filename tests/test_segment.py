"""Tests for extract.segment: headings, topics, template detection, announced sections."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.normalize import normalize_bytes, normalize_text
from extract.segment import (
    Segments,
    announced_sections,
    classify_heading,
    dominant_year,
    ordinal,
    segment,
    standard_title,
)
from tests.conftest import REPORTS, seed


def seg_text(text: str) -> Segments:
    return segment(normalize_text(text))


def seg_file(path: Path) -> Segments:
    return segment(normalize_bytes(path.read_bytes()))


def top_headings(s: Segments) -> list[str]:
    return [sec.heading for sec in s.sections if sec.level == 1]


PRE2019 = """\
某县人民政府2016年政府信息公开工作年度报告
本报告由概述、主动公开政府信息情况、依申请公开政府信息情况、政府信息公开的收费及减免情况、存在的主要问题及改进措施等五部分组成。
一、概述
2016年，我县认真贯彻《条例》。
(一)强化组织领导。成立领导小组。
(二)完善制度建设。修订制度8项。
二、主动公开政府信息情况
全年主动公开政府信息1200条。
三、依申请公开政府信息情况
全年受理申请17件。
四、政府信息公开的收费及减免情况
未收取任何费用。
五、存在的主要问题及改进措施
一是重视不够;二是更新不及时。
"""


# ---------------------------------------------------------------- headings and topics


def test_pre2019_sections_topics_and_spans() -> None:
    s = seg_text(PRE2019)
    assert s.template == "pre2019"
    assert top_headings(s) == [
        "概述",
        "主动公开政府信息情况",
        "依申请公开政府信息情况",
        "政府信息公开的收费及减免情况",
        "存在的主要问题及改进措施",
    ]
    assert [sec.topic for sec in s.sections if sec.level == 1] == [
        "overview", "proactive", "requests", "fees", "problems",
    ]  # fmt: skip
    subs = [sec for sec in s.sections if sec.level == 2]
    assert [sec.heading for sec in subs] == ["强化组织领导", "完善制度建设"]
    assert all(sec.parent == 0 for sec in subs)
    proactive = s.section("proactive")
    assert proactive is not None
    text = normalize_text(PRE2019).text
    body = text[proactive.start : proactive.end]
    assert body.startswith("二、主动公开政府信息情况") and "1200条" in body
    assert "依申请" not in body
    assert s.spans("requests") == [(s.sections[-3].start, s.sections[-3].end)]
    assert s.found == tuple(top_headings(s))


def test_sub_sections_get_their_own_topic_or_their_parent_s() -> None:
    s = seg_file(seed("001"))
    by_heading = {sec.heading: sec for sec in s.sections}
    assert by_heading["高新区政务信息公开情况"].topics == ()
    assert by_heading["主动公开信息数"].topic == "proactive"
    assert by_heading["因政务信息公开申请行政复议、诉讼和申诉的情况"].topic == "appeals"
    assert by_heading["政务信息公开会议和培训情况"].topic == "meetings_training"
    # a sub-section is listed under its topic when its parent is about something else
    assert s.section("proactive") is by_heading["主动公开信息数"]


def test_headings_with_spaces_odd_whitespace_and_inside_lines() -> None:
    text = (
        "某局2013年政府信息公开工作年度报告\n"
        "一、 政府信息公开概况\n工作有序。\n"
        "\u2002\u2002二、主动公开情况\n全年主动公开信息20条。三、依申请公开情况 全年收到申请3件。\n"
        "四 、存在的问题\n一是不够。二是不足。\n"
    )
    s = seg_text(text)
    assert top_headings(s) == ["政府信息公开概况", "主动公开情况", "依申请公开情况", "存在的问题"]
    requests = s.section("requests")
    assert requests is not None
    assert normalize_text(text).text[requests.start :].startswith("三、依申请公开情况")


def test_numbers_out_of_order_and_table_rows_are_not_headings() -> None:
    text = (
        "某区2022年政府信息公开工作年度报告\n一、总体情况\n好。\n"
        "二、主动公开政府信息情况\n好。\n"
        "三、收到和处理政府信息公开申请情况\n"
        "一、本年新收政府信息公开申请数量 36 5 0 0 2 0 43\n"
        "三、本\n年度办理结果\n"
        "(一)予以公开 14 2 0 0 1 0 17\n"
        "四、结转下年度继续办理 2 0 0 0 0 0 2\n"
        "| 四、结转下年度继续办理 | 2 |\n"
        "四、政府信息公开行政复议、行政诉讼情况\n无。\n"
    )
    s = seg_text(text)
    assert top_headings(s) == [
        "总体情况",
        "主动公开政府信息情况",
        "收到和处理政府信息公开申请情况",
        "政府信息公开行政复议、行政诉讼情况",
    ]
    assert [sec for sec in s.sections if sec.level == 2] == []


def test_a_numbered_list_in_the_introduction_is_no_heading() -> None:
    text = (
        "某局2016年政府信息公开工作年度报告\n本报告包括:一、概述;二、主动公开情况;三、依申请公开情况。\n"
        "一、概述\n好。\n二、主动公开情况\n发布30条。\n三、依申请公开情况\n无申请。\n"
    )
    s = seg_text(text)
    assert top_headings(s) == ["概述", "主动公开情况", "依申请公开情况"]
    assert s.announced == ("概述", "主动公开情况", "依申请公开情况")


def test_parenthesised_headings_move_up_when_there_is_no_top_level() -> None:
    text = (
        "某局2015年信息公开年度报告\n(一)主动公开情况\n发布30条。\n(二)依申请公开情况\n无申请。\n"
    )
    s = seg_text(text)
    assert [(sec.level, sec.topic) for sec in s.sections] == [(1, "proactive"), (1, "requests")]


def test_arabic_sub_headings_of_an_overview() -> None:
    s = seg_file(REPORTS / "t2021_unbalanced.txt")
    overview = [sec for sec in s.sections if sec.parent == 0]
    assert [sec.heading for sec in overview][:2] == ["主动公开情况", "依申请公开情况"]
    assert overview[0].topic == "proactive"


def test_numbered_items_of_a_problems_section_stay_items() -> None:
    text = (
        "某局2016年政府信息公开工作年度报告\n一、主动公开情况\n发布30条。\n"
        "二、存在的问题和改进措施\n1.加强培训工作。\n2.完善公开制度。\n"
    )
    s = seg_text(text)
    assert [sec.level for sec in s.sections] == [1, 1]


@pytest.mark.parametrize(
    ("heading", "topics"),
    [
        ("概述", ("overview",)),
        ("政府信息公开收费及减免情况", ("fees",)),
        ("因政府信息公开申请行政复议、提起行政诉讼的情况", ("appeals",)),
        ("依申请公开和复议诉讼情况", ("requests", "appeals")),
        ("政府信息公开机构建设和保障经费情况", ("capacity",)),
        ("政府支出和收费", ("fees", "capacity")),
        ("存在的主要问题及改进措施", ("problems",)),
        ("下一步工作打算", ("improvements",)),
        ("其他需要报告的事项", ()),
        ("回应解读情况", ("responses",)),
    ],
)
def test_classify_heading(heading: str, topics: tuple[str, ...]) -> None:
    assert classify_heading(heading) == topics


def test_ordinal() -> None:
    assert [ordinal(t) for t in ("一", "十", "十二", "二十", "九十九", "7", "百")] == [
        1, 10, 12, 20, 99, 7, None,
    ]  # fmt: skip


# ---------------------------------------------------------------- templates


@pytest.mark.parametrize(
    ("name", "template"),
    [
        ("t2021_intact.txt", "2021"),
        ("t2021_pdf.txt", "2021"),
        ("t2021_flattened_digits.txt", "2021"),
        ("t2021_traditional_tw.txt", "2021"),
        ("page_2021.html", "2021"),
        ("t2019_intact.txt", "2019"),
        ("pre2019_narrative.txt", "pre2019"),
        ("not_a_report.txt", "unknown"),
    ],
)
def test_template_of_each_fixture(name: str, template: str) -> None:
    assert seg_file(REPORTS / name).template == template


@pytest.mark.parametrize(("prefix", "template"), [("000", "pre2019"), ("003", "2021")])
def test_template_of_seeds(prefix: str, template: str) -> None:
    assert seg_file(seed(prefix)).template == template


def test_shared_template_wording_is_told_apart_by_the_year() -> None:
    body = (
        "{y}年政府信息公开工作年度报告\n一、总体情况\n{y}年，我局认真落实。\n"
        "二、主动公开政府信息情况\n好。\n三、收到和处理政府信息公开申请情况\n好。\n"
        "四、政府信息公开行政复议、行政诉讼情况\n好。\n"
    )
    assert seg_text(body.format(y=2020)).template == "2019"
    assert seg_text(body.format(y=2022)).template == "2021"
    assert seg_text(body.replace("收到和处理", "依申请").format(y=2016)).template == "pre2019"


def test_table_headers_of_one_template_tell_it_without_a_year() -> None:
    page_2021 = "信息内容 本年处理决定数量\n行政处罚 120\n信息内容 本年收费金额(单位:万元)\n"
    assert seg_text(page_2021).template == "2021"
    page_2019 = "信息内容 上一年项目数量 本年增/减 处理决定数量\n行政许可 12 0 45\n"
    assert seg_text(page_2019).template == "2019"


def test_a_text_cut_before_its_first_heading_is_numbered_from_a_standard_title() -> None:
    page = (
        "- 4 -\n行政强制 88\n三、收到和处理政府信息公开申请情况\n"
        "一、本年新收政府信息公开申请数量 3 1 0 0 0 0 4\n"
        "四、政府信息公开行政复议、行政诉讼情况\n1 0 0 0 1\n"
    )
    assert top_headings(seg_text(page)) == [
        "收到和处理政府信息公开申请情况",
        "政府信息公开行政复议、行政诉讼情况",
    ]
    loose = "县里开会。\n三、其他方面的事情\n全年办结12件。\n"
    assert top_headings(seg_text(loose)) == []


def test_news_article_is_unknown_but_an_unsectioned_report_is_not() -> None:
    news = "县政府召开政务公开工作会议\n会议要求各单位做好信息公开工作，全年发布信息300条。"
    assert seg_text(news).template == "unknown"
    short = "某局2016年政府信息公开工作年度报告\n全年主动公开信息30条，未收到申请。"
    assert seg_text(short).template == "pre2019"


def test_pdf_layout_segments() -> None:
    s = seg_file(REPORTS / "t2021_pdf.txt")
    assert top_headings(s) == [
        "总体情况",
        "主动公开政府信息情况",
        "收到和处理政府信息公开申请情况",
        "政府信息公开行政复议、行政诉讼情况",
        "存在的主要问题及改进情况",
        "其他需要报告的事项",
    ]


# ---------------------------------------------------------------- announced sections


def test_announced_sections_of_seed_000_and_the_missing_one() -> None:
    s = seg_file(seed("000"))
    assert s.announced == (
        "概述",
        "主动公开政府信息情况",
        "依申请公开政府信息情况",
        "政府信息公开相关收费情况",
        "存在的主要问题及改进措施",
    )
    assert "依申请公开政府信息情况" not in s.found
    assert s.section("requests") is None


def test_announced_items_keep_inner_lists_and_split_off_the_appendix() -> None:
    s = seg_file(seed("002"))
    assert len(s.announced) == 9
    assert "行政复议、行政诉讼和举报投诉情况" in s.announced
    assert s.announced[-2:] == ("工作存在的主要问题及改进情况", "附表")


def test_announced_without_a_part_count_and_not_from_other_sentences() -> None:
    text = "内容包括总体情况、主动公开政府信息情况、存在的主要问题及改进情况。"
    assert announced_sections(text, len(text)) == (
        "总体情况", "主动公开政府信息情况", "存在的主要问题及改进情况",
    )  # fmt: skip
    assert announced_sections("主要内容包括财政预算、决算、三公经费。", 100) == ()


def test_dominant_year_skips_book_titles_and_document_numbers() -> None:
    text = "2017年全年。2017年度。《2018年工作方案》《2018年要点》(〔2018〕3号) 2018年初"
    assert dominant_year(text) == 2017
    assert dominant_year("2024 年 1 月，2024 年底，2025 年") == 2024
    assert dominant_year("no year") is None


# ---------------------------------------------------------------- one-line text (crawler output)

ONE_LINE = (
    "某区2024年度政府信息公开工作年度报告 本报告共分6个部分:总体情况、主动公开政府信息情况、"
    "收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、"
    "其他需要报告的事项。一、总体情况 2024年,我区持续深化政务公开。(一)主动公开方面。"
    "全年主动公开政府信息10407条。(二)依申请公开方面。全年办理申请218件。(三)平台建设方面。好。"
    "二、主动公开政府信息情况第二十条第(一)项信息内容本年制发件数本年废止件数现行有效件数规章000"
    "行政事业性收费18651.06三、收到和处理政府信息公开申请情况(本列数据的勾稽关系为:第一项加第二项之和,"
    "等于第三项加第四项之和)申请人情况自然人一、本年新收政府信息公开申请数量21710000218"
    "四、结转下年度继续办理0000000四、政府信息公开行政复议、行政诉讼情况行政复议结果维持总计"
    "21317000001324019五、存在的主要问题及改进情况2024年,工作仍有不足。"
    "六、其他需要报告的事项2024年,无收取信息处理费情况。"
)


def test_one_line_text_headings_after_digits_end_at_their_title() -> None:
    s = seg_text(ONE_LINE)
    assert top_headings(s) == [
        "总体情况",
        "主动公开政府信息情况",
        "收到和处理政府信息公开申请情况",
        "政府信息公开行政复议、行政诉讼情况",
        "存在的主要问题及改进情况",
        "其他需要报告的事项",
    ]
    text = normalize_text(ONE_LINE).text
    requests = s.section("requests")
    assert requests is not None and text[requests.body_start :].startswith("(本列数据")
    assert "0000000" in text[requests.start : requests.end]  # 四、结转… is a row, not a heading
    assert s.announced[-1] == "其他需要报告的事项"


def test_inline_sub_headings_that_name_a_topic() -> None:
    s = seg_text(ONE_LINE)
    subs = [(sec.heading, sec.topic) for sec in s.sections if sec.level == 2]
    assert subs == [("主动公开方面", "proactive"), ("依申请公开方面", "requests")]
    proactive = s.topic_sections("proactive")
    text = normalize_text(ONE_LINE).text
    assert any("10407条" in text[sec.start : sec.end] for sec in proactive)


def test_headings_that_run_into_body_text_are_cut() -> None:
    text = (
        "某区2016年度政府信息公开工作年度报告 本报告由概述等部分组成。一、 概述2016年,好。"
        "二、主动公开政府信息情况(一)主动公开政府信息的数量2016年全区主动公开政府信息3460条。"
        "(二)主动公开政府信息的主要形式1.门户网站。"
        "三、政府信息公开的收费及减免情况2016年我区依申请提供政府信息暂不收费。"
        "四、主要问题和改进措施2016年,仍有不足。"
    )
    s = seg_text(text)
    assert top_headings(s) == [
        "概述", "主动公开政府信息情况", "政府信息公开的收费及减免情况", "主要问题和改进措施",
    ]  # fmt: skip
    assert [sec.heading for sec in s.sections if sec.level == 2] == [
        "主动公开政府信息的数量", "主动公开政府信息的主要形式",
    ]  # fmt: skip
    assert s.section("fees") is not None and s.section("requests") is None


def test_inline_numbers_of_a_list_or_an_ordinal_are_no_headings() -> None:
    text = (
        "某局2016年政府信息公开工作年度报告 本报告包括:一、概述;二、主动公开情况;三、依申请公开情况。"
        "第一、二季度主动公开情况良好。一、概述 好。二、主动公开情况 发布30条。三、依申请公开情况 无申请。"
    )
    s = seg_text(text)
    assert top_headings(s) == ["概述", "主动公开情况", "依申请公开情况"]
    body = normalize_text(text).text
    assert body[s.sections[0].start :].startswith("一、概述 好")


def test_appendix_tables_are_sections() -> None:
    text = (
        "某县2012年政府信息公开工作年度报告\n一、概述\n好。\n二、主动公开政府信息情况\n发布30条。\n"
        "三、存在的主要问题及改进情况\n不足。\n某县人民政府 2013年1月16日 "
        "附件1:某县2012年政府信息公开情况统计表 指标名称计量单位2012年度历年累计主动公开信息数条3030\n"
    )
    s = seg_text(text)
    assert s.found[-1] == "附件1:某县2012年政府信息公开情况统计表"
    assert s.section("tables") is s.sections[-1]
    problems = s.section("problems")
    assert (
        problems is not None
        and "指标名称" not in normalize_text(text).text[problems.start : problems.end]
    )
    bare = text.replace("附件1:", "")
    assert seg_text(bare).found[-1] == "某县2012年政府信息公开情况统计表"
    mention = text.replace(" 附件1:", "详见附件1:").replace("统计表 指标", "统计表。指标")
    assert len(seg_text(mention).found) == 3


def test_announced_titles_joined_by_and_are_two_parts() -> None:
    text = (
        "全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
        "政府信息公开工作存在的主要问题及改进情况及其他需要报告的事项。"
    )
    assert announced_sections(text, len(text))[-2:] == (
        "政府信息公开工作存在的主要问题及改进情况", "其他需要报告的事项",
    )  # fmt: skip
    listing = "本报告由概述、主动公开情况、审批事项及处理情况、主要问题和改进措施和政府信息公开情况统计表共五个部分组成。"
    assert announced_sections(listing, len(listing)) == (
        "概述", "主动公开情况", "审批事项及处理情况", "主要问题和改进措施", "政府信息公开情况统计表",
    )  # fmt: skip


def test_standard_title() -> None:
    assert standard_title("主动公开政府信息情况第二十条第(一)项") == "主动公开政府信息情况"
    assert standard_title("存在的主要问题及改进情况2024年") == "存在的主要问题及改进情况"
    assert standard_title("平潭县政府信息公开情况统计表 指标") == "平潭县政府信息公开情况统计表"
    assert standard_title("加强组织领导") is None
