"""The hybrid engine: rules first, the LLM for the gaps, a documented merge policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from extract.api import extract_file
from extract.checks import run_checks
from extract.engines import EngineOptions
from extract.engines.hybrid import Merge, groups_to_ask
from extract.engines.llm.groups import GROUP_NAMES
from extract.normalize import normalize_bytes
from schemas import Channel, Check, Quantity, Report, Source
from tests.scripted_server import Reply, ScriptedServer
from tests.test_llm_engine import APPEALS, OVERVIEW, REPORT, fig

TEXT = normalize_bytes(
    "2022年共发布各类信息600条,其中主动公开政府信息520条,通过门户网站公开480条,"
    "通过政务微信公开40条。本年度共收到政府信息公开申请12件,已全部办结。".encode()
).text


def q(value: float, evidence: str) -> Quantity:
    return Quantity(value=value, evidence=evidence)


def blank() -> Report:
    return Report(source=Source(file="x.txt", sha256="0"))


def agreement(merge: Merge, asked: bool = True) -> Check:
    return merge.agreement(asked)


def test_llm_fills_what_the_rules_left_null() -> None:
    rules, llm = blank(), blank()
    llm.requests.new = q(12, "本年度共收到政府信息公开申请12件")
    merge = Merge(rules, llm, TEXT)
    report = merge.run()
    assert report.requests.new == llm.requests.new
    assert agreement(merge).status == "pass"


def test_grounded_beats_ungrounded() -> None:
    rules, llm = blank(), blank()
    rules.requests.new = q(13, "共收到申请13件")  # not in the text
    llm.requests.new = q(12, "本年度共收到政府信息公开申请12件")
    report = Merge(rules, llm, TEXT).run()
    assert report.requests.new is not None and report.requests.new.value == 12


def test_a_none_the_rules_read_is_not_spread_by_the_llm() -> None:
    text = normalize_bytes("本年度未发生行政复议和行政诉讼案件。未收取任何费用。".encode()).text
    none = "本年度未发生行政复议和行政诉讼案件"
    rules, llm = blank(), blank()
    rules.appeals.litigation_total = q(0, none)
    llm.appeals.litigation_total = q(0, none)
    llm.appeals.litigation_direct.total = q(0, none)  # the same "none", spread further
    llm.fees.collected_yuan = q(0, "未收取任何费用")  # a "none" the rules did not read
    report = Merge(rules, llm, text).run()
    assert report.appeals.litigation_direct.total is None
    assert report.fees.collected_yuan is not None


def test_ungrounded_llm_figure_is_ignored() -> None:
    rules, llm = blank(), blank()
    llm.requests.new = q(15, "共收到申请15件")
    merge = Merge(rules, llm, TEXT)
    assert merge.run().requests.new is None
    assert agreement(merge).status == "pass"


def channels_report(total: Quantity) -> Report:
    report = blank()
    report.proactive.total = total
    report.proactive.channels = [
        Channel(name="门户网站", count=q(480, "通过门户网站公开480条")),
        Channel(name="政务微信", count=q(40, "通过政务微信公开40条")),
    ]
    report.proactive.channels_make_up_total = True
    return report


def test_llm_value_that_repairs_a_failing_identity_wins() -> None:
    rules = channels_report(q(600, "2022年共发布各类信息600条"))
    llm = blank()
    llm.proactive.total = q(520, "其中主动公开政府信息520条")
    assert any(c.id == "proactive_channels_sum" and c.status == "fail"
               for c in run_checks(rules, TEXT))  # fmt: skip
    merge = Merge(rules, llm, TEXT)
    report = merge.run()

    assert report.proactive.total == llm.proactive.total
    check = agreement(merge)
    assert check.status == "fail" and check.fields == ["proactive.total"]
    assert "rules 600, llm 520 (kept llm)" in check.message


def test_rules_kept_when_no_check_decides() -> None:
    rules, llm = blank(), blank()
    rules.requests.new = q(12, "本年度共收到政府信息公开申请12件")
    llm.requests.new = q(600, "2022年共发布各类信息600条")
    merge = Merge(rules, llm, TEXT)
    assert merge.run().requests.new == rules.requests.new
    check = agreement(merge)
    assert check.status == "fail" and "rules 12, llm 600 (kept rules)" in check.message


def test_lists_and_meta_only_fill_gaps() -> None:
    rules = channels_report(q(520, "其中主动公开政府信息520条"))
    rules.meta.title = "规则标题"
    llm = blank()
    llm.proactive.channels = [Channel(name="别的", count=None)]
    llm.meta.title = "模型标题"
    llm.meta.issuer = "某局"
    llm.problems = ["问题"]
    report = Merge(rules, llm, TEXT).run()
    assert [c.name for c in report.proactive.channels] == ["门户网站", "政务微信"]
    assert (report.meta.title, report.meta.issuer) == ("规则标题", "某局")
    assert report.problems == ["问题"]


def test_groups_to_ask() -> None:
    report = blank()
    checks: list[Check] = []
    assert groups_to_ask(report, checks, GROUP_NAMES) == list(GROUP_NAMES)
    report.problems = ["x"]
    assert "problems" not in groups_to_ask(report, checks, GROUP_NAMES)
    assert groups_to_ask(report, checks, ["appeals"]) == ["appeals"]


def test_a_failing_check_asks_a_complete_group() -> None:
    report = blank()
    for path in ("upheld", "corrected", "other", "pending", "total"):
        for group in ("reconsideration", "litigation_direct", "litigation_after_reconsideration"):
            setattr(getattr(report.appeals, group), path, q(0, "未发生"))
    report.appeals.litigation_total = q(0, "未发生")
    assert "appeals" not in groups_to_ask(report, [], GROUP_NAMES)
    failing = Check(id="appeals_sum", status="fail", fields=["appeals.litigation_total"])
    assert "appeals" in groups_to_ask(report, [failing], GROUP_NAMES)


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


def hybrid_options(server: ScriptedServer, tmp_path: Path) -> EngineOptions:
    return EngineOptions(
        base_url=server.base_url, model="scripted-model", cache_dir=tmp_path / "cache",
        use_cache=False, extra={"backoff_base_s": "0.01"},
    )  # fmt: skip


def test_hybrid_end_to_end(tmp_path: Path, report_file: Path) -> None:
    requests: dict[str, Any] = {
        "new": fig(12, "本年度共收到政府信息公开申请12件"),
        "processed_total": fig(12, "本年度共收到政府信息公开申请12件,已全部办结"),
    }
    proactive = {"total": fig(480, "通过门户网站公开480条")}  # wrong, but grounded
    script = {
        "ProactiveAnswer": [Reply(proactive)],
        "RequestsAnswer": [Reply(requests)],
        "AppealsAnswer": [Reply(APPEALS)],
        "OverviewAnswer": [Reply(OVERVIEW)],
    }
    with ScriptedServer(script) as server:
        report = extract_file(report_file, "hybrid", hybrid_options(server, tmp_path))
        asked = sorted(r.key for r in server.chat())

    # The rules found the problems list: that group is not asked.
    assert asked == ["AppealsAnswer", "OverviewAnswer", "ProactiveAnswer", "RequestsAnswer"]
    assert report.engine is not None
    assert (report.engine.name, report.engine.llm_calls) == ("hybrid", 4)
    assert report.proactive.total is not None and report.proactive.total.value == 520  # rules
    assert report.requests.processed_total is not None  # the LLM filled the gap
    assert report.requests.processed_total.value == 12
    checks = {c.id: c for c in report.checks}
    assert checks["engine_agreement"].status == "fail"
    assert checks["engine_agreement"].fields == ["proactive.total"]
    assert checks["evidence_grounding"].status == "pass"
    assert report.meta.publish_date == "2023-01-16"
