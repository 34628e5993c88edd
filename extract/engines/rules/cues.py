"""Cues: what must stand right before (or after) a figure for it to be a given contract figure.

A cue's ``left`` pattern is matched at the end of the figure's clause, followed
only by filler words (共, 共计, 达, 为, 数量 …), so "主动公开政府信息457条" is a
proactive total and "主动公开规范性文件5件" is not. A :class:`Rule` lists the
cues of one contract path, the section topics to read, and the "none"
statement that gives a stated zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FILLER = (
    r"(?:共计|合计|总计|累计|共有|共|计|总数|总量|数量|件数|人数|次数|数|达到|达|均为|为|是|有|了|的|"
    r"各|:|\s)*"
)


@dataclass(frozen=True)
class Cue:
    """The words that make a figure a given figure, and the words that rule it out."""

    left: re.Pattern[str]
    units: frozenset[str]
    right: re.Pattern[str] | None = None
    need: re.Pattern[str] | None = None
    veto: re.Pattern[str] | None = None
    sentence_veto: re.Pattern[str] | None = None
    sentence_need: re.Pattern[str] | None = None
    joined: re.Pattern[str] | None = None
    """Another category joined to the cue's words (予以公开及部分公开258件): a count of both."""
    kinds: re.Pattern[str] | None = None
    """Kinds of one category: a sentence that counts two of them apart (信息不存在的900件，
    非本机关信息的1100件) gives no single count of the category."""


def cue(
    left: str,
    units: str,
    *,
    right: str | None = None,
    need: str | None = None,
    veto: str | None = None,
    sentence_veto: str | None = None,
    sentence_need: str | None = None,
    joined: str | None = None,
    kinds: str | None = None,
) -> Cue:
    """A cue from pattern strings; ``left`` gets the filler and the end anchor appended."""

    def opt(pattern: str | None) -> re.Pattern[str] | None:
        return re.compile(pattern) if pattern else None

    return Cue(
        left=re.compile(f"(?:{left}){FILLER}$"),
        units=frozenset(units.split("|")),
        right=re.compile(right) if right else None,
        need=opt(need),
        veto=opt(veto),
        sentence_veto=opt(sentence_veto),
        sentence_need=opt(sentence_need),
        joined=re.compile(rf"(?:{joined})(?:的)?(?:及|和|与|以及|、|或)$") if joined else None,
        kinds=opt(kinds),
    )


@dataclass(frozen=True)
class Rule:
    """How to find one contract figure: topics to read, cues in order of strength, zero words."""

    path: str
    topics: tuple[str, ...]
    cues: tuple[Cue, ...]
    zero: re.Pattern[str] | None = None
    zero_veto: re.Pattern[str] | None = None
    zero_need: re.Pattern[str] | None = None
    zero_word: str | None = None
    """A word that every match of ``zero`` holds: a section without it is not searched
    (``str.find`` costs a fraction of a regex scan)."""
    units: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        units = frozenset().union(*(c.units for c in self.cues))
        object.__setattr__(self, "units", units)


# ------------------------------------------------------------------ vocabulary

ITEM_UNITS = "条|件|篇|项"
CASE_UNITS = "件|条|个|宗|份|次|人次|项|起|例"
APPEAL_UNITS = "件|起|宗|个|次|例|项"
PEOPLE_UNITS = "人|名"
TRAINEE_UNITS = "人|人次|名"
EVENT_UNITS = "次|场|场次|期|批次|个"
STAFFING = r"(?:安排|配备|配置|确定|明确|设置|设有|共有|现有|配有|指定|有)(?:了)?"
"""Verbs before a head count (配备2名工作人员)."""
FULL_TIME = r"(?:专职|全职)"
YUAN = "元"

NEG = r"(?:未|没有|无|并未|均未|未曾|从未)"
ALL_NONE = r"[^,;。:\n]{0,12}?(?:均|皆|都)?(?:为|是)(?:零|0)(?![\d.])"
"""…均为零 / …为0: a stated zero after the thing named."""
NOT_REQUESTS = (
    r"复议|诉讼|许可|审批|信访|投诉|举报|咨询|来电|热线|提案|议案|建议|办件|留言|申诉|诉求"
)
NOT_PROCESSING = r"许可|审批|信访|热线|来电|提案|议案|建议|留言|诉求|办件|复议|诉讼|投诉|举报"
ONE_OUTCOME = r"同意|部分公开|不予|免[于予]公开|否决"
"""Words of one outcome: its count (同意公开答复数17条) is not the processed total."""
APPEAL_RESULTS = r"维持|纠正|变更|撤销|撤消|驳回|败诉|胜诉|终止|审结|确认违法|结果|咨询"
TOTAL_MARK = r"共|各类|各项|累计|合计|总|全部"
"""Words of a total; a clause that names a channel counts as the total only with one."""
YEAR_MARK = r"全年|本年|年度|年内|新增"
"""Words of the year's count, which a channel's count may carry too."""
GAP8 = r"[^,;。:]{0,8}?"
ISSUING = r"制发|制定|出台|印发|发布|新制作|新制定|制作发布|制作|新发布"
NORMATIVE = r"(?:行政)?规范性文件"
IN_FORCE = r"现行有效|清理"
"""Documents in force or reviewed (集中发布现行有效规范性文件393件), not issued this year."""
RULES_DOC = r"规章(?!制度)"

INFO_WORDS = r"(?:各类|各项|各种|相关|政府|政务|工作|类|的)*(?:信息)?"
PROACTIVE_TOTAL_LEFT = rf"(?:主动公开|公开发布|发布|公开|公布){INFO_WORDS}"
PROACTIVE_NAMED = rf"主动公开{INFO_WORDS}"
NOT_THE_YEAR_S = r"到年底|年底累计|历年|至今|(?:截至|截止)[^,;。:]{0,10}累计"
"""A cumulative count (本区到年底累计主动公开…), not the year's."""
NOT_A_TOTAL = rf"申请|予以公开|部分公开|不予公开|重点领域|专题|解读|回应|留言|咨询|{NOT_THE_YEAR_S}"
PART_OF = r"其中|分别"

CHANNEL_WORDS = (
    r"门户网站|政府网站|门户网|政府网|政务网|网站|网页|互联网|微信|公众号|微博|新媒体|客户端|APP|抖音|头条号|"
    r"视频号|报刊|报纸|广播|电视|媒体|刊物|手册|宣传单|宣传册|宣传资料|公示栏|公开栏|公告栏|宣传栏|"
    r"宣传窗|橱窗|电子屏|显示屏|LED屏|发布会|公报|查阅点|查阅中心|档案馆|图书馆|"
    r"其他方式|其他形式|其他渠道|其他途径"
)
"""Words that name an outlet of proactive disclosure (网站, 微信, 公示栏 …)."""

PROACTIVE = ("proactive",)
PROACTIVE_TOTAL = ("proactive", "overview")
"""The year's total is often stated in the overview (一、总体情况) when 二、 is the table."""
PROACTIVE_DOCS = ("proactive", "overview")
REQUESTS = ("requests", "overview")
APPEALS = ("appeals", "requests")
FEES = ("fees", "requests", "other")
CAPACITY = ("capacity", "overview", "meetings_training")
MEETINGS = ("meetings_training", "capacity", "overview")


def _no_staff(kind: str) -> re.Pattern[str]:
    """A statement that there is no staff of ``kind`` (我局没有从事…工作的全职人员)."""
    return re.compile(rf"(?:没有|无|未(?:配备|设置?))[^,;。:\n]{{0,20}}?{kind}(?:工作)?人员")


def _doc_rules(prefix: str, noun: str, other: str) -> tuple[Rule, ...]:
    """Issued / repealed / in force of one kind of document (规范性文件 or 规章).

    A bare "废止3件" counts for the kind the sentence last named before it.
    """
    units = "件|个|份|部|项|篇"
    last_named = rf"{noun}(?!.*{other})"
    return (
        Rule(
            f"{prefix}.issued",
            PROACTIVE_DOCS,
            (
                cue(rf"(?:{ISSUING}){GAP8}{noun}", units, veto=IN_FORCE),
                cue(
                    r"(?:制发|制定|出台|印发|新制作|新制定)",
                    units,
                    sentence_need=last_named,
                    veto=IN_FORCE,
                ),
            ),
        ),
        Rule(
            f"{prefix}.repealed",
            PROACTIVE_DOCS,
            (
                cue(rf"(?:废止|废除|宣布失效){GAP8}{noun}", units),
                cue(r"(?:废止|废除|宣布失效)", units, sentence_need=last_named),
            ),
            zero=re.compile(rf"(?:无|没有|未)(?:废止|废除)(?:的)?(?:文件|{noun})?"),
            zero_need=re.compile(noun),
            zero_word="废",
        ),
        Rule(
            f"{prefix}.in_force",
            PROACTIVE_DOCS,
            (
                cue(rf"现行有效(?:的)?{GAP8}{noun}", units),
                cue(r"现行有效", units, sentence_need=last_named),
            ),
        ),
    )


OUTCOME_KINDS = {
    "unable_to_provide": (
        r"信息不存在|非本(?:机关|单位|部门)|不掌握|不属于本|没有现成|另行制作|仍不明确"
    ),
}
"""Kinds of an outcome category that old reports count one by one (see Cue.kinds)."""
OUTCOME_ZERO_WORDS = {
    "granted": "公开",
    "partially_granted": "部分",
    "denied": "公开",
    "not_processed": "处理",
    "other": "其他处理",
}
"""A word of each outcome's every name (see Rule.zero_word); unable_to_provide has none."""
OUTCOME_WORDS = {
    "granted": r"(?<![部分不])予以公开|(?<!不)同意公开|全部公开|准予公开",
    "partially_granted": r"部分(?:予以)?公开|同意部分公开",
    "denied": r"不予(?:以)?公开|不同意公开|免[于予]公开|否决公开",
    "unable_to_provide": (
        r"无法提供|信息不存在|非本(?:机关|单位|部门)(?:所)?掌握|不掌握|"
        r"非本(?:机关|单位|部门)(?:的)?(?:政府)?信息|"
        r"不属于本(?:机关|单位|部门)?(?:公开)?(?:范围|职责|掌握)"
    ),
    "not_processed": r"不予(?:以)?处理",
    "other": r"其他处理",
}
APPLICANT_WORDS = {
    "natural_person": r"自然人|公民",
    "commercial": r"商业企业",
    "research": r"科研机构",
    "public_interest": r"社会公益组织",
    "legal_service": r"法律服务机构",
}


CLOSE_QUOTE = r"[”’\"'」』]?"
"""The quote an outcome may stand in (“同意公开”的4500件)."""


def _others(words: dict[str, str], name: str) -> str:
    return "|".join(w for other, w in words.items() if other != name)


def _outcome(name: str) -> Rule:
    left = OUTCOME_WORDS[name]
    return Rule(
        f"requests.outcomes.{name}",
        REQUESTS,
        (
            cue(
                f"(?:{left}){CLOSE_QUOTE}(?:的)?(?:申请|政府信息|信息)?(?:答复|决定)?",
                CASE_UNITS,
                veto=NOT_PROCESSING,
                sentence_veto=NOT_PROCESSING,
                joined=_others(OUTCOME_WORDS, name),
                kinds=OUTCOME_KINDS.get(name),
            ),
        ),
        zero=re.compile(rf"(?:无|没有|未有)[^,;。:\n]{{0,4}}?(?:{left})"),
        zero_word=OUTCOME_ZERO_WORDS.get(name),
    )


def _applicant(name: str) -> Rule:
    return Rule(
        f"requests.by_applicant.{name}",
        REQUESTS,
        (
            cue(
                f"(?:{APPLICANT_WORDS[name]})(?:提出|提交)?(?:的)?(?:申请)?",
                CASE_UNITS,
                veto=NOT_REQUESTS,
                joined=_others(APPLICANT_WORDS, name),
            ),
        ),
    )


RULES: tuple[Rule, ...] = (
    Rule(
        "proactive.total",
        PROACTIVE_TOTAL,
        (
            cue(PROACTIVE_TOTAL_LEFT, ITEM_UNITS, need=TOTAL_MARK, veto=f"{NOT_A_TOTAL}|{PART_OF}"),
            cue(PROACTIVE_NAMED, ITEM_UNITS, need=YEAR_MARK, veto=f"{NOT_A_TOTAL}|{PART_OF}"),
            cue(
                PROACTIVE_TOTAL_LEFT,
                ITEM_UNITS,
                need=YEAR_MARK,
                veto=f"{NOT_A_TOTAL}|{PART_OF}|{CHANNEL_WORDS}",
            ),
            # 制作政府信息3021条，其中主动公开信息1027条: the proactive part is the figure
            cue(PROACTIVE_NAMED, ITEM_UNITS, veto=f"{NOT_A_TOTAL}|{CHANNEL_WORDS}"),
            cue(PROACTIVE_TOTAL_LEFT, ITEM_UNITS, veto=f"{NOT_A_TOTAL}|{PART_OF}|{CHANNEL_WORDS}"),
        ),
    ),
    *_doc_rules("proactive.normative_docs", NORMATIVE, RULES_DOC),
    *_doc_rules("proactive.rules", RULES_DOC, NORMATIVE),
    Rule(
        "requests.new",
        REQUESTS,
        (
            cue(
                r"(?:新收到?|收到|受理|接到|接收|收悉|共收)[^,;。:]{0,16}?申请(?:公开)?"
                r"(?:政府信息|政务信息|信息)?",
                CASE_UNITS,
                veto=NOT_REQUESTS,
            ),
            cue(
                r"(?:政府信息公开|信息公开|政务公开|依申请公开)(?:的)?申请",
                CASE_UNITS,
                veto=NOT_REQUESTS + r"|结转|办结|答复",
            ),
            cue(
                r"依申请公开(?:的)?(?:申请|政府信息|信息)?(?:数量|件数)",
                CASE_UNITS,
                veto=NOT_REQUESTS + r"|结转|办结|答复|办理|处理",
            ),
        ),
        zero=re.compile(
            rf"{NEG}(?:收到|受理|接到|发生|有)[^,;。:\n]{{0,20}}?申请|无(?:依申请|申请)"
        ),
        zero_veto=re.compile(NOT_REQUESTS + r"|结转"),
        zero_word="申请",
    ),
    Rule(
        "requests.carried_over",
        REQUESTS,
        (cue(r"上(?:一)?年(?:度)?结转(?:的)?(?:政府信息公开|依申请公开)?(?:申请)?", CASE_UNITS),),
        zero=re.compile(r"(?:无|没有)上(?:一)?年(?:度)?结转"),
        zero_word="结转",
    ),
    Rule(
        "requests.carried_forward",
        REQUESTS,
        (
            cue(
                r"(?:结转|转入|结转至|结转到)下(?:一)?年(?:度)?(?:继续)?(?:办理)?(?:的)?(?:申请)?",
                CASE_UNITS,
            ),
        ),
        zero=re.compile(r"(?:无|没有)[^,;。:\n]{0,4}?(?:结转|转入)下(?:一)?年"),
        zero_word="转",
    ),
    Rule(
        "requests.processed_total",
        REQUESTS,
        (
            cue(
                r"(?:已办结|办结|已答复|答复|办理完毕|已处理|处理完毕|全部办结)"
                r"(?:[^,;。:]{0,6}?申请)?",
                CASE_UNITS,
                veto=rf"{NOT_PROCESSING}|{ONE_OUTCOME}",
                sentence_veto=NOT_PROCESSING,
            ),
            # 全年办理政府信息依申请公开13件: what was handled, not what came in
            cue(
                r"办理[^,;。:]{0,8}?申请(?:公开)?(?:的)?(?:政府信息|信息|事项)?",
                CASE_UNITS,
                veto=rf"{NOT_PROCESSING}|{ONE_OUTCOME}",
                sentence_veto=NOT_PROCESSING,
            ),
        ),
        zero=re.compile(
            r"(?:不存在|没有|无)(?:任何)?(?:政府信息|信息公开|依申请公开)?(?:的)?(?:申请)?"
            r"(?:答复|办结|办理|处理){1,2}(?:情况|事项)"
        ),
    ),
    *(_outcome(name) for name in OUTCOME_WORDS),
    *(_applicant(name) for name in APPLICANT_WORDS),
    Rule(
        "appeals.reconsideration.total",
        APPEALS,
        (cue(r"(?:行政复议|复议)(?:申请|案件|案)?", APPEAL_UNITS, veto=APPEAL_RESULTS),),
        zero=re.compile(rf"{NEG}[^,;。:\n]{{0,30}}?复议|复议{ALL_NONE}"),
        zero_veto=re.compile(APPEAL_RESULTS + r"|尚未|未经"),
        zero_word="复议",
    ),
    Rule(
        "appeals.reconsideration.corrected",
        APPEALS,
        (),
        zero=re.compile(rf"{NEG}[^,;。:\n]{{0,8}}?复议(?:决定)?(?:变更|撤销|撤消|纠正)"),
        zero_word="复议",
    ),
    Rule(
        "appeals.litigation_total",
        APPEALS,
        (cue(r"(?:行政诉讼|诉讼|起诉)(?:案件|案)?", APPEAL_UNITS, veto=APPEAL_RESULTS),),
        zero=re.compile(rf"{NEG}[^,;。:\n]{{0,30}}?(?:诉讼|起诉)|诉讼{ALL_NONE}"),
        zero_veto=re.compile(APPEAL_RESULTS + r"|尚未|未经"),
        zero_word="诉",
    ),
    Rule(
        "fees.collected_yuan",
        FEES,
        (
            cue(
                r"(?:收取|收|缴纳)[^,;。:]{0,14}?(?:费|费用|处理费)",
                YUAN,
                veto=r"经费|支出|资金|预算|税|行政事业性|罚没|罚款",
            ),
            cue(r"(?:信息处理费|收费金额|收费总额|收费)", YUAN, veto=r"行政事业性|经费"),
        ),
        zero=re.compile(
            r"(?:未|没有|无|均未|从未|并未|暂不|均不|不)(?:向[^,;。:\n]{0,10}?)?(?:收取|收)(?:过|任何)?"
            r"[^,;。:\n]{0,24}?费|无(?:任何)?收费|免费提供|免收[^,;。:\n]{0,6}?费|(?:收费|处理费|费用)[^,;。:\n]{0,6}?(?:为|是)(?:零|0)(?![\d.])"
        ),
        zero_veto=re.compile(r"经费|行政事业性"),
        zero_word="费",
    ),
    Rule(
        "capacity.staff",
        CAPACITY,
        (
            cue(
                r"(?<!职)(?:工作人员|人员)|专兼职(?:工作)?人员",
                PEOPLE_UNITS,
                veto=r"培训|参训|会议|参会|出席|参加|学习|窗口|接待|服务|群众|代表|委员",
            ),
            cue(
                STAFFING,
                PEOPLE_UNITS,
                right=r"^[^,;。:]{0,4}?(?:专兼职)?(?:工作人员|人员)",
            ),
        ),
    ),
    Rule(
        "capacity.staff_full_time",
        CAPACITY,
        (
            cue(rf"(?<!兼){FULL_TIME}(?:工作)?(?:人员)?", PEOPLE_UNITS),
            cue(
                STAFFING,
                PEOPLE_UNITS,
                right=rf"^{FULL_TIME}",
            ),
        ),
        zero=_no_staff(FULL_TIME),
        zero_word="人员",
    ),
    Rule(
        "capacity.staff_part_time",
        CAPACITY,
        (
            cue(r"(?<!专)兼职(?:工作)?(?:人员|信息员|联络员)?", PEOPLE_UNITS),
            cue(
                STAFFING,
                PEOPLE_UNITS,
                right=r"^兼职",
            ),
        ),
        zero=_no_staff("兼职"),
        zero_word="兼职",
    ),
    Rule(
        "capacity.budget_yuan",
        CAPACITY,
        (
            cue(
                r"(?:经费|经费支出|支出)(?:[^,;。:]{0,4}?)",
                YUAN,
                veto=r"收取|收费|处理费|税|项目|行政事业性",
            ),
            cue(
                r"(?:信息公开|政务公开)(?:工作)?(?:的)?(?:费用|开支)",
                YUAN,
                veto=r"收取|收费|处理费|减免|行政事业性",
            ),
        ),
    ),
    Rule(
        "capacity.meetings",
        MEETINGS,
        (
            cue(
                r"(?:召开|举行|举办)[^,;。:]{0,16}?(?:会议|工作会|专题会|推进会|座谈会|例会|调度会|"
                r"部署会|联席会)",
                EVENT_UNITS,
                veto=r"培训|新闻发布|发布会|常务会|党组",
            ),
            cue(
                r"(?:召开|举行)(?:了)?",
                EVENT_UNITS,
                right=r"^[^,;。:]{0,16}?(?:会议|工作会|"
                r"专题会|推进会|座谈会|例会|调度会|部署会)",
                veto=r"培训|发布会",
            ),
        ),
    ),
    Rule(
        "capacity.trainings",
        MEETINGS,
        (
            cue(
                r"(?:举办|组织|开展|举行|召开)[^,;。:]{0,16}?(?:培训班|培训会|培训|讲座)(?:班)?",
                EVENT_UNITS,
                veto=r"参加|参训|接受",
            ),
            cue(
                r"(?:举办|组织|开展|举行|组织开展)(?:了)?",
                EVENT_UNITS,
                right=r"^[^,;。:]{0,12}?(?:培训|讲座)",
                veto=r"参加|参训|接受",
            ),
        ),
    ),
    Rule(
        "capacity.trainees",
        MEETINGS,
        (
            cue(r"(?:培训|参训|受训)[^,;。:]{0,20}?(?:人员|人数|干部|人)?", TRAINEE_UNITS),
            cue(r"(?:参加|参与)(?:人员|人数)", TRAINEE_UNITS, sentence_need=r"培训|讲座"),
        ),
    ),
)
"""Every narrative figure the rules engine looks for, in contract order."""
