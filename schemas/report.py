"""Pydantic models of one extracted report: the output contract (CONTRACT.md).

Every model here is also a gold-file model and, section by section, an LLM
response model, so field descriptions are written for all three readers.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.quantity import Quantity

Template = Literal["2021", "2019", "pre2019", "unknown"]
Script = Literal["simplified", "traditional", "traditional-tw"]
CheckStatus = Literal["pass", "fail", "skipped"]

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


def fig(zh: str, en: str) -> Any:
    """A contract figure field: a Quantity or null, described in Chinese and English."""
    return Field(default=None, description=f"{zh} / {en}")


class Section(BaseModel):
    """Base of every part of the report: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")


class Source(Section):
    file: str = Field(description="输入文件名 / input file name")
    sha256: str = Field(description="原始字节的 SHA-256 / hash of the raw input bytes")
    encoding: str | None = Field(default=None, description="检测到的编码 / detected encoding")
    size_bytes: int | None = Field(default=None, ge=0, description="bytes read")


class TableInfo(Section):
    """What the segmenter found of one template table."""

    name: Literal["proactive", "requests", "appeals"] = Field(
        description="表二（主动公开）、表三（依申请）、表四（复议诉讼）/ which template table"
    )
    status: Literal["parsed", "partial", "empty", "flattened"] = Field(
        description="parsed: cells read; partial: some cells missing; empty: cells blank; "
        "flattened: separators lost and not recoverable"
    )
    cells_read: int = Field(default=0, ge=0)
    cells_expected: int = Field(default=0, ge=0)


class Meta(Section):
    title: str | None = Field(default=None, description="报告标题（简体）/ report title")
    issuer: str | None = Field(default=None, description="发布机关 / issuing body")
    report_year: int | None = Field(
        default=None, ge=1990, le=2100, description="统计数据所属年度（正文）/ statistics year"
    )
    title_year: int | None = Field(
        default=None, ge=1990, le=2100, description="标题中的年度 / year named in the title"
    )
    intro_year: int | None = Field(
        default=None,
        ge=1990,
        le=2100,
        description="引言所称报告年度（如“特向社会公布2018年度……报告”）/ "
        "the year the introduction says the report covers",
    )
    publish_date: str | None = Field(
        default=None, pattern=DATE_PATTERN, description="发布或成文日期 YYYY-MM-DD"
    )
    period_start: str | None = Field(
        default=None, pattern=DATE_PATTERN, description="统计期起 YYYY-MM-DD"
    )
    period_end: str | None = Field(
        default=None, pattern=DATE_PATTERN, description="统计期止 YYYY-MM-DD"
    )
    template: Template = Field(default="unknown", description="报告模板 / report template")
    script: Script = Field(default="simplified", description="原文字体 / script of the input")
    sections_announced: list[str] = Field(
        default_factory=list, description="引言中宣布的部分 / sections the introduction announces"
    )
    sections_found: list[str] = Field(
        default_factory=list, description="正文中的部分标题 / section headings in the body"
    )
    tables: list[TableInfo] = Field(
        default_factory=list, description="模板表格的解析情况 / template tables found"
    )


class Channel(Section):
    name: str = Field(description="公开渠道名称（政府网站、微信、微博……）/ channel name")
    count: Quantity | None = fig("该渠道公开的信息数", "items disclosed through this channel")


class DocCounts(Section):
    issued: Quantity | None = fig("本年制发（新制作）件数", "issued this year")
    repealed: Quantity | None = fig("本年废止件数", "repealed this year")
    in_force: Quantity | None = fig("现行有效件数", "currently in force")


class Proactive(Section):
    total: Quantity | None = fig("本年主动公开政府信息总条数", "items proactively disclosed")
    channels: list[Channel] = Field(
        default_factory=list, description="各公开渠道及条数 / channels and their counts"
    )
    channels_make_up_total: bool = Field(
        default=False,
        description="报告称各渠道数之和即总数 / the channels claim to add up to the total",
    )
    normative_docs: DocCounts = Field(
        default_factory=DocCounts, description="行政规范性文件 / normative documents"
    )
    rules: DocCounts = Field(default_factory=DocCounts, description="规章 / rules")
    licensing: Quantity | None = fig("行政许可本年处理决定数量", "licensing decisions")
    punishment: Quantity | None = fig("行政处罚本年处理决定数量", "punishment decisions")
    coercion: Quantity | None = fig("行政强制本年处理决定数量", "coercion decisions")
    admin_fees_yuan: Quantity | None = fig(
        "行政事业性收费本年收费金额（元）", "administrative fees collected, in yuan"
    )


class Applicants(Section):
    """The six applicant columns of the 2019/2021 request table."""

    natural_person: Quantity | None = fig("自然人", "natural persons")
    commercial: Quantity | None = fig("商业企业", "commercial enterprises")
    research: Quantity | None = fig("科研机构", "research institutions")
    public_interest: Quantity | None = fig("社会公益组织", "public-interest organizations")
    legal_service: Quantity | None = fig("法律服务机构", "legal service institutions")
    other_org: Quantity | None = fig("其他（法人或其他组织）", "other organizations")


class MatrixRow(Applicants):
    """One row of the request table: six applicant columns and the 总计 column."""

    total: Quantity | None = fig("总计", "row total")


APPLICANT_COLUMNS: tuple[str, ...] = tuple(Applicants.model_fields)
MATRIX_COLUMNS: tuple[str, ...] = (*APPLICANT_COLUMNS, "total")

# Rows of the 2019/2021 request table, in table order: (field name, label, parent category).
MATRIX_ROWS: tuple[tuple[str, str, str | None], ...] = (
    ("new", "本年新收政府信息公开申请数量", None),
    ("carried_over", "上年结转政府信息公开申请数量", None),
    ("granted", "予以公开", None),
    ("partially_granted", "部分公开", None),
    ("denied", "不予公开", None),
    ("denied_state_secret", "属于国家秘密", "denied"),
    ("denied_law_prohibited", "其他法律行政法规禁止公开", "denied"),
    ("denied_three_safety", "危及“三安全一稳定”", "denied"),
    ("denied_third_party", "保护第三方合法权益", "denied"),
    ("denied_internal_affairs", "属于三类内部事务信息", "denied"),
    ("denied_process_info", "属于四类过程性信息", "denied"),
    ("denied_enforcement_file", "属于行政执法案卷", "denied"),
    ("denied_admin_query", "属于行政查询事项", "denied"),
    ("unable_to_provide", "无法提供", None),
    ("unable_not_held", "本机关不掌握相关政府信息", "unable_to_provide"),
    ("unable_needs_creation", "没有现成信息需要另行制作", "unable_to_provide"),
    ("unable_unclear", "补正后申请内容仍不明确", "unable_to_provide"),
    ("not_processed", "不予处理", None),
    ("not_processed_petition", "信访举报投诉类申请", "not_processed"),
    ("not_processed_repeat", "重复申请", "not_processed"),
    ("not_processed_publication", "要求提供公开出版物", "not_processed"),
    ("not_processed_excessive", "无正当理由大量反复申请", "not_processed"),
    ("not_processed_confirmation", "要求行政机关确认或重新出具已获取信息", "not_processed"),
    ("other", "其他处理", None),
    (
        "other_no_correction",
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "other",
    ),
    (
        "other_no_fee",
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "other",
    ),
    ("other_misc", "其他", "other"),
    ("processed_total", "总计", None),
    ("carried_forward", "结转下年度继续办理", None),
)

OUTCOME_ROWS: tuple[str, ...] = (
    "granted",
    "partially_granted",
    "denied",
    "unable_to_provide",
    "not_processed",
    "other",
)


def _row(name: str, label: str) -> Any:
    return Field(default=None, description=f"{label} / request-table row {name}")


class RequestMatrix(Section):
    """The 2019/2021 request table (表三): one MatrixRow per row of the template."""

    new: MatrixRow | None = _row("new", "一、本年新收政府信息公开申请数量")
    carried_over: MatrixRow | None = _row("carried_over", "二、上年结转政府信息公开申请数量")
    granted: MatrixRow | None = _row("granted", "（一）予以公开")
    partially_granted: MatrixRow | None = _row("partially_granted", "（二）部分公开")
    denied: MatrixRow | None = _row("denied", "（三）不予公开（各小项之和）")
    denied_state_secret: MatrixRow | None = _row("denied_state_secret", "1.属于国家秘密")
    denied_law_prohibited: MatrixRow | None = _row(
        "denied_law_prohibited", "2.其他法律行政法规禁止公开"
    )
    denied_three_safety: MatrixRow | None = _row("denied_three_safety", "3.危及“三安全一稳定”")
    denied_third_party: MatrixRow | None = _row("denied_third_party", "4.保护第三方合法权益")
    denied_internal_affairs: MatrixRow | None = _row(
        "denied_internal_affairs", "5.属于三类内部事务信息"
    )
    denied_process_info: MatrixRow | None = _row("denied_process_info", "6.属于四类过程性信息")
    denied_enforcement_file: MatrixRow | None = _row(
        "denied_enforcement_file", "7.属于行政执法案卷"
    )
    denied_admin_query: MatrixRow | None = _row("denied_admin_query", "8.属于行政查询事项")
    unable_to_provide: MatrixRow | None = _row("unable_to_provide", "（四）无法提供（各小项之和）")
    unable_not_held: MatrixRow | None = _row("unable_not_held", "1.本机关不掌握相关政府信息")
    unable_needs_creation: MatrixRow | None = _row(
        "unable_needs_creation", "2.没有现成信息需要另行制作"
    )
    unable_unclear: MatrixRow | None = _row("unable_unclear", "3.补正后申请内容仍不明确")
    not_processed: MatrixRow | None = _row("not_processed", "（五）不予处理（各小项之和）")
    not_processed_petition: MatrixRow | None = _row(
        "not_processed_petition", "1.信访举报投诉类申请"
    )
    not_processed_repeat: MatrixRow | None = _row("not_processed_repeat", "2.重复申请")
    not_processed_publication: MatrixRow | None = _row(
        "not_processed_publication", "3.要求提供公开出版物"
    )
    not_processed_excessive: MatrixRow | None = _row(
        "not_processed_excessive", "4.无正当理由大量反复申请"
    )
    not_processed_confirmation: MatrixRow | None = _row(
        "not_processed_confirmation", "5.要求行政机关确认或重新出具已获取信息"
    )
    other: MatrixRow | None = _row(
        "other", "（六）其他处理（2019模板为单行，2021模板为各小项之和）"
    )
    other_no_correction: MatrixRow | None = _row(
        "other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    )
    other_no_fee: MatrixRow | None = _row(
        "other_no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
    )
    other_misc: MatrixRow | None = _row("other_misc", "3.其他")
    processed_total: MatrixRow | None = _row("processed_total", "（七）总计")
    carried_forward: MatrixRow | None = _row("carried_forward", "四、结转下年度继续办理")


class Outcomes(Section):
    granted: Quantity | None = fig("予以公开", "granted")
    partially_granted: Quantity | None = fig("部分公开", "partially granted")
    denied: Quantity | None = fig("不予公开", "denied")
    unable_to_provide: Quantity | None = fig("无法提供", "unable to provide")
    not_processed: Quantity | None = fig("不予处理", "not processed")
    other: Quantity | None = fig("其他处理", "other handling")


class Requests(Section):
    new: Quantity | None = fig("本年新收政府信息公开申请数", "new disclosure requests this year")
    carried_over: Quantity | None = fig("上年结转申请数", "requests carried over from last year")
    processed_total: Quantity | None = fig("本年办理结果总计 / 已办结", "requests processed")
    carried_forward: Quantity | None = fig("结转下年度继续办理", "carried forward to next year")
    outcomes: Outcomes = Field(default_factory=Outcomes, description="办理结果 / outcomes")
    by_applicant: Applicants = Field(
        default_factory=Applicants, description="本年新收申请按申请人分 / new requests by applicant"
    )
    matrix: RequestMatrix | None = Field(
        default=None, description="2019/2021 模板表三全表 / the full request table"
    )


class AppealGroup(Section):
    upheld: Quantity | None = fig("结果维持", "upheld")
    corrected: Quantity | None = fig("结果纠正", "corrected")
    other: Quantity | None = fig("其他结果", "other result")
    pending: Quantity | None = fig("尚未审结", "pending")
    total: Quantity | None = fig("总计", "total")


APPEAL_PARTS: tuple[str, ...] = ("upheld", "corrected", "other", "pending")


class Appeals(Section):
    reconsideration: AppealGroup = Field(
        default_factory=AppealGroup, description="行政复议 / administrative reconsideration"
    )
    litigation_direct: AppealGroup = Field(
        default_factory=AppealGroup,
        description="未经复议直接起诉 / litigation without reconsideration",
    )
    litigation_after_reconsideration: AppealGroup = Field(
        default_factory=AppealGroup, description="复议后起诉 / litigation after reconsideration"
    )
    litigation_total: Quantity | None = fig("行政诉讼总数", "administrative litigation, all")


class Fees(Section):
    collected_yuan: Quantity | None = fig(
        "依申请公开收取的信息处理费（元）", "fees collected for disclosure requests, in yuan"
    )


class Capacity(Section):
    staff: Quantity | None = fig("政府信息公开工作人员总数", "disclosure staff")
    staff_full_time: Quantity | None = fig("专职人员", "full-time staff")
    staff_part_time: Quantity | None = fig("兼职人员", "part-time staff")
    budget_yuan: Quantity | None = fig("政府信息公开工作经费（元）", "budget spent, in yuan")
    meetings: Quantity | None = fig("召开政府信息公开会议次数", "disclosure meetings held")
    trainings: Quantity | None = fig("举办培训班次数", "training sessions held")
    trainees: Quantity | None = fig("接受培训人数（人次）", "people trained")


class Check(Section):
    id: str = Field(description="检查编号（见 CONTRACT.md）/ stable check id")
    status: CheckStatus
    message: str = Field(default="", description="可操作的说明 / what a person should look at")
    fields: list[str] = Field(default_factory=list, description="涉及的字段路径 / field paths")


class EngineInfo(Section):
    """How the figures were produced: engine, model and LLM usage."""

    name: str = Field(description="rules | llm | hybrid")
    version: str = Field(description="govreport version")
    model: str | None = None
    base_url_host: str | None = None
    prompt_hash: str | None = None
    llm_calls: int = Field(default=0, ge=0)
    prompt_tokens: int = Field(default=0, ge=0)
    completion_tokens: int = Field(default=0, ge=0)
    cache_hits: int = Field(default=0, ge=0)


class Report(Section):
    """One extracted report, as printed by `govreport extract` and stored in gold files."""

    source: Source
    meta: Meta = Field(default_factory=Meta)
    proactive: Proactive = Field(default_factory=Proactive)
    requests: Requests = Field(default_factory=Requests)
    appeals: Appeals = Field(default_factory=Appeals)
    fees: Fees = Field(default_factory=Fees)
    capacity: Capacity = Field(default_factory=Capacity)
    problems: list[str] = Field(
        default_factory=list, description="报告列出的问题，每条一项 / problems the report names"
    )
    improvements: list[str] = Field(
        default_factory=list, description="改进措施，每条一项 / measures it announces"
    )
    checks: list[Check] = Field(
        default_factory=list, description="确定性交叉检查结果 / deterministic cross-checks"
    )
    engine: EngineInfo | None = Field(default=None, description="extraction provenance")
