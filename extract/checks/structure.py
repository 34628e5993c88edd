"""Checks of the report's structure: a report at all, tables readable, announced sections present."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from functools import lru_cache

from extract.checks.registry import CheckInput, Verdict, check

TABLE_LABELS = {
    "proactive": "表二（主动公开）",
    "requests": "表三（依申请）",
    "appeals": "表四（复议诉讼）",
}
TABLE_FAULTS = {
    "empty": "cells are empty",
    "flattened": "cells were flattened and cannot be read",
    "partial": "some cells are missing",
}
TABLE_TEMPLATES = ("2019", "2021")

SECTION_TOPICS: dict[str, tuple[str, ...]] = {
    "overview": ("概述", "概况", "总体情况", "基本情况"),
    "proactive": ("主动公开",),
    "requests": ("依申请", "收到和处理", "申请情况", "申请办理"),
    "fees": ("收费", "费用", "减免"),
    "appeals": ("复议", "诉讼", "申诉", "举报投诉"),
    "responses": ("回应", "解读"),
    "capacity": ("机构建设", "经费", "支出", "工作人员"),
    "training": ("培训", "会议"),
    "management": ("信息管理", "平台建设", "监督保障"),
    "problems": ("问题", "改进", "不足", "措施"),
    "other": ("其他需要报告", "其他事项"),
    "appendix": ("附表", "统计表", "附件"),
}
"""Topics of the genre's sections, by the keywords of their headings."""
SIMILAR_HEADING = 0.6
"""difflib ratio above which two headings of no known topic are taken as the same section."""


@check("table_integrity")
def table_integrity(ctx: CheckInput) -> Verdict:
    """A template table is present but its cells are empty, flattened or partly missing."""
    meta = ctx.report.meta
    faults = [table for table in meta.tables if table.status in TABLE_FAULTS]
    if faults:
        message = "; ".join(
            f"{TABLE_LABELS[t.name]}: {TABLE_FAULTS[t.status]} "
            f"({t.cells_read} of {t.cells_expected} cells read)"
            for t in faults
        )
        return Verdict("fail", message, tuple(f"meta.tables[{t.name}]" for t in faults))
    if meta.tables:
        return Verdict("pass", f"{len(meta.tables)} template tables read")
    if meta.template in TABLE_TEMPLATES:
        return Verdict(
            "fail",
            f"a {meta.template}-template report, but none of its tables was found",
            ("meta.template", "meta.tables"),
        )
    return Verdict("skipped", f"template {meta.template}: no tables expected")


@lru_cache(maxsize=4096)
def topics(heading: str) -> frozenset[str]:
    """The section topics a heading speaks of (cached: reports share their headings)."""
    return frozenset(
        topic
        for topic, keywords in SECTION_TOPICS.items()
        if any(keyword in heading for keyword in keywords)
    )


def all_topics(headings: Sequence[str]) -> frozenset[str]:
    """The section topics any of the headings speaks of."""
    return frozenset().union(*map(topics, headings))


def is_present(announced: str, found: Sequence[str], found_topics: frozenset[str]) -> bool:
    """Whether a section the introduction announces is among the body's headings
    (``found``, which speak of ``found_topics``)."""
    wanted = topics(announced)
    if wanted:
        return bool(wanted & found_topics)
    return any(
        announced in heading
        or heading in announced
        or difflib.SequenceMatcher(None, announced, heading).ratio() >= SIMILAR_HEADING
        for heading in found
    )


@check("sections_declared")
def sections_declared(ctx: CheckInput) -> Verdict:
    """Every section the introduction announces has a heading in the body."""
    meta = ctx.report.meta
    if not meta.sections_announced:
        return Verdict("skipped", "the introduction announces no sections")
    fields = ("meta.sections_announced", "meta.sections_found")
    found_topics = all_topics(meta.sections_found)
    missing = [
        s for s in meta.sections_announced if not is_present(s, meta.sections_found, found_topics)
    ]
    if missing:
        found = "、".join(meta.sections_found) or "none"
        message = f"announced but not in the body: {'、'.join(missing)} (headings found: {found})"
        return Verdict("fail", message, fields)
    return Verdict("pass", f"all {len(meta.sections_announced)} announced sections found", fields)


@check("not_a_report")
def not_a_report(ctx: CheckInput) -> Verdict:
    """The text is not a disclosure annual report: the segmenter recognised no template."""
    template = ctx.report.meta.template
    if template != "unknown":
        return Verdict("pass", f"a {template}-template disclosure report", ("meta.template",))
    return Verdict(
        "fail",
        "this text does not look like a government information-disclosure annual report "
        "(no template recognised): its figures, if any, are not to be trusted",
        ("meta.template",),
    )
