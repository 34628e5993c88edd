"""The LLM engine against a scripted OpenAI-compatible server on 127.0.0.1.

Every test runs real HTTP through the real openai + instructor + tenacity stack and
asserts on the requests the server saw and on the extracted report.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from extract.api import extract_file
from extract.cli import app
from extract.engines import EngineOptions
from extract.engines.base import Document
from extract.engines.llm import LLMEngine, resolve_config
from extract.engines.llm.grounding import (
    cue_for,
    ground_date,
    ground_figure,
    ground_period,
    ground_title,
)
from extract.engines.llm.groups import GROUPS, MAX_PASSAGE_CHARS, passages
from extract.engines.llm.models import SOURCES
from extract.errors import InputError
from extract.local_llm import free_port
from extract.normalize import normalize_bytes
from extract.segment import segment
from prompts import load_prompts
from schemas import Report, Source, iter_figures
from tests.conftest import REPORTS, SEED_FILES
from tests.scripted_server import Delay, Reply, ScriptedServer, Status

REPORT = """青石县水利局2022年政府信息公开工作年度报告
发布日期:2023-01-16
一、概述
2022年,本局认真贯彻落实《中华人民共和国政府信息公开条例》,扎实推进政府信息公开工作。
二、主动公开政府信息情况
2022年,本局共主动公开政府信息520条,其中通过门户网站公开480条,通过政务微信公开40条。
三、依申请公开政府信息情况
本年度共收到政府信息公开申请12件,已全部办结,其中予以公开10件,不予公开2件。
四、因政府信息公开申请行政复议、提起行政诉讼的情况
本年度未发生政府信息公开行政复议和行政诉讼案件。
五、政府信息公开的收费及减免情况
本年度未收取任何费用。
六、存在的主要问题及改进措施
一是公开内容不够丰富;二是加强业务培训。
"""


def fig(value: float, evidence: str) -> dict[str, Any]:
    return {"value": value, "evidence": evidence}


TOTAL = fig(520, "本局共主动公开政府信息520条")
PROACTIVE = {
    "total": TOTAL,
    "channels": [
        {"name": "门户网站", "count": fig(480, "通过门户网站公开480条")},
        {"name": "政务微信", "count": fig(40, "通过政务微信公开40条")},
    ],
    "channels_make_up_total": True,
}
REQUESTS = {
    "new": fig(12, "本年度共收到政府信息公开申请12件"),
    "outcomes": {"granted": fig(10, "其中予以公开10件"), "denied": fig(2, "不予公开2件")},
}
APPEALS = {"litigation_total": fig(0, "本年度未发生政府信息公开行政复议和行政诉讼案件")}
OVERVIEW = {
    "meta": {"title": "青石县水利局2022年政府信息公开工作年度报告", "publish_date": "2023-01-16"},
    "fees": {"collected_yuan": fig(0, "本年度未收取任何费用")},
}
PROBLEMS = {"problems": ["公开内容不够丰富"], "improvements": ["加强业务培训"]}


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


def options(server: ScriptedServer, tmp_path: Path, **extra: str) -> EngineOptions:
    """Fast, isolated settings: no cache unless asked, quick backoff, one group by default."""
    settings = {"backoff_base_s": "0.01", "groups": "proactive", **extra}
    return EngineOptions(
        base_url=server.base_url,
        model="scripted-model",
        cache_dir=tmp_path / "cache",
        use_cache=False,
        timeout_s=5,
        extra=settings,
    )


def run(report_file: Path, opts: EngineOptions, engine: str = "llm") -> Report:
    return extract_file(report_file, engine, opts)


def last_user(request: Any) -> str:
    return str(request.messages[-1]["content"])


def check(report: Report, check_id: str) -> Any:
    return next((c for c in report.checks if c.id == check_id), None)


# ------------------------------------------------------------------ answers


def test_valid_answer(server: ScriptedServer, report_file: Path, tmp_path: Path) -> None:
    server.add("ProactiveAnswer", Reply(PROACTIVE, prompt_tokens=321, completion_tokens=45))
    report = run(report_file, options(server, tmp_path))

    (request,) = server.chat()
    body = request.body or {}
    assert body["model"] == "scripted-model"
    assert body["temperature"] == 0 and body["max_tokens"] > 0
    schema = body["response_format"]["json_schema"]
    assert body["response_format"]["type"] == "json_schema"
    assert schema["name"] == "ProactiveAnswer"
    assert "Figure" in schema["schema"]["$defs"] and "total" in schema["schema"]["properties"]
    roles = [m["role"] for m in request.messages]
    assert roles == ["system", "user", "assistant", "user"]  # one worked example
    assert "本局共主动公开政府信息520条" in last_user(request)
    assert "total: 本年主动公开政府信息总条数" in last_user(request)  # fields rendered
    assert "依申请" not in last_user(request)  # only the proactive section is sent

    total = report.proactive.total
    assert total is not None and (total.value, total.unit, total.approx) == (520, "条", False)
    assert [c.name for c in report.proactive.channels] == ["门户网站", "政务微信"]
    assert report.proactive.channels_make_up_total
    assert check(report, "evidence_grounding").status == "pass"
    assert report.engine is not None
    assert (report.engine.name, report.engine.llm_calls) == ("llm", 1)
    assert (report.engine.prompt_tokens, report.engine.completion_tokens) == (321, 45)
    assert report.meta.template == "pre2019"


def test_schema_invalid_then_valid(server: ScriptedServer, report_file: Path, tmp_path: Path):
    server.add("ProactiveAnswer", Reply({"total": {"value": "很多", "evidence": "x"}}))
    server.add("ProactiveAnswer", Reply(PROACTIVE))
    report = run(report_file, options(server, tmp_path))

    first, second = server.chat()
    assert len(second.messages) == len(first.messages) + 2  # the answer, then the error
    assert second.messages[-2]["role"] == "assistant" and "很多" in second.messages[-2]["content"]
    assert "total.value" in last_user(second) and "valid number" in last_user(second)
    assert report.proactive.total is not None and report.proactive.total.value == 520


def test_ungrounded_then_grounded(server: ScriptedServer, report_file: Path, tmp_path: Path):
    paraphrase = {**PROACTIVE, "total": fig(520, "本局全年公开了520条信息")}
    server.add("ProactiveAnswer", Reply(paraphrase), Reply(PROACTIVE))
    report = run(report_file, options(server, tmp_path))

    assert len(server.chat()) == 2
    assert "本局全年公开了520条信息" in last_user(server.chat()[1])
    assert "not a verbatim quote" in last_user(server.chat()[1])
    total = report.proactive.total
    assert total is not None and total.evidence == "本局共主动公开政府信息520条"
    assert check(report, "evidence_grounding").status == "pass"


def test_ungrounded_twice_is_nulled(server: ScriptedServer, report_file: Path, tmp_path: Path):
    wrong = {**PROACTIVE, "total": fig(530, "本局共主动公开政府信息520条")}
    server.add("ProactiveAnswer", Reply(wrong), Reply(wrong))
    report = run(report_file, options(server, tmp_path, max_retries="1"))

    assert len(server.chat()) == 2
    assert "does not contain the number 530" in last_user(server.chat()[1])
    assert report.proactive.total is None  # nulled, never invented
    assert [c.count.value for c in report.proactive.channels if c.count] == [480, 40]  # kept
    grounding = check(report, "evidence_grounding")
    assert grounding.status == "fail" and grounding.fields == ["proactive.total"]
    assert "530" in grounding.message


def test_best_of_attempts_keeps_earlier_grounded_figures(
    server: ScriptedServer, report_file: Path, tmp_path: Path
) -> None:
    first = {"total": TOTAL, "channels": [{"name": "门户网站", "count": fig(480, "门户网站")}]}
    second = {"total": fig(520, "共520条"), "channels": PROACTIVE["channels"]}
    server.add("ProactiveAnswer", Reply(first), Reply(second))
    report = run(report_file, options(server, tmp_path, max_retries="1"))

    assert report.proactive.total is not None and report.proactive.total.value == 520
    assert len(report.proactive.channels) == 2
    assert check(report, "evidence_grounding").status == "pass"


def test_wrong_subject_is_refused(server: ScriptedServer, report_file: Path, tmp_path: Path):
    """A number copied from a sentence about another thing fails its cue words."""
    borrowed = {**PROACTIVE, "licensing": fig(480, "通过门户网站公开480条")}
    server.add("ProactiveAnswer", Reply(borrowed), Reply(borrowed))
    report = run(report_file, options(server, tmp_path, max_retries="1"))

    assert "does not say what the number counts" in last_user(server.chat()[1])
    assert report.proactive.licensing is None
    assert check(report, "evidence_grounding").fields == ["proactive.licensing"]


def test_malformed_json_is_reasked(server: ScriptedServer, report_file: Path, tmp_path: Path):
    server.add("ProactiveAnswer", Reply('{"total": {"value": 520, "evid'), Reply(PROACTIVE))
    report = run(report_file, options(server, tmp_path))

    assert len(server.chat()) == 2
    assert "Invalid JSON" in last_user(server.chat()[1]) or "EOF" in last_user(server.chat()[1])
    assert report.proactive.total is not None


def test_think_preamble_is_stripped(server: ScriptedServer, report_file: Path, tmp_path: Path):
    thinking = "<think>\n先找总数:520条。{not json}\n</think>\n" + json.dumps(PROACTIVE)
    server.add("ProactiveAnswer", Reply(thinking))
    report = run(report_file, options(server, tmp_path))

    assert len(server.chat()) == 1
    assert report.proactive.total is not None and report.proactive.total.value == 520


def test_no_valid_answer_leaves_the_group_empty(
    server: ScriptedServer, report_file: Path, tmp_path: Path
) -> None:
    server.add("ProactiveAnswer", Reply("not json at all"), Reply("still not json"))
    report = run(report_file, options(server, tmp_path, max_retries="1"))

    assert len(server.chat()) == 2
    assert all(q is None for path, q in iter_figures(report) if path.startswith("proactive."))
    failed = check(report, "llm_answers")
    assert failed.status == "fail" and "proactive" in failed.message


def test_cut_off_answer_is_not_reasked(server: ScriptedServer, report_file: Path, tmp_path: Path):
    server.add("ProactiveAnswer", Reply('{"total": {"val', finish_reason="length"))
    report = run(report_file, options(server, tmp_path))

    assert len(server.chat()) == 1
    assert "max_tokens" in check(report, "llm_answers").message


def test_cut_off_reask_keeps_the_first_answer(
    server: ScriptedServer, report_file: Path, tmp_path: Path
) -> None:
    first = {"total": TOTAL, "licensing": fig(480, "通过门户网站公开480条")}
    server.add("ProactiveAnswer", Reply(first), Reply('{"total": {"val', finish_reason="length"))
    report = run(report_file, options(server, tmp_path))

    assert len(server.chat()) == 2
    assert report.proactive.total is not None and report.proactive.licensing is None
    assert check(report, "evidence_grounding").fields == ["proactive.licensing"]


# ------------------------------------------------------------------ transport


def _same_request(a: Any, b: Any) -> bool:
    return bool(a.body == b.body)


def test_429_honours_retry_after(server: ScriptedServer, report_file: Path, tmp_path: Path):
    limited = Status(429, {"error": {"message": "rate limited"}}, {"Retry-After": "1"})
    server.add("ProactiveAnswer", limited, Reply(PROACTIVE))
    report = run(report_file, options(server, tmp_path))

    first, second = server.chat()
    assert second.at - first.at >= 0.95  # waited as told, not the 0.01 s backoff
    assert _same_request(first, second)  # the same request again: no re-ask
    assert "rate limited" not in json.dumps(second.body, ensure_ascii=False)
    assert report.proactive.total is not None


def test_500_is_retried_not_reasked(server: ScriptedServer, report_file: Path, tmp_path: Path):
    server.add("ProactiveAnswer", Status(500, {"error": {"message": "boom"}}), Reply(PROACTIVE))
    report = run(report_file, options(server, tmp_path))

    first, second = server.chat()
    assert _same_request(first, second)
    assert "boom" not in json.dumps(second.body, ensure_ascii=False)
    assert report.proactive.total is not None


def test_timeout_is_retried(server: ScriptedServer, report_file: Path, tmp_path: Path) -> None:
    server.add("ProactiveAnswer", Delay(3.0, Reply(PROACTIVE)), Reply(PROACTIVE))
    opts = replace(options(server, tmp_path), timeout_s=0.5)
    report = run(report_file, opts)

    first, second = server.chat()
    assert _same_request(first, second)
    assert report.proactive.total is not None


def test_transport_retries_are_bounded(server: ScriptedServer, report_file: Path, tmp_path: Path):
    server.add("ProactiveAnswer", *[Status(503)] * 10)
    with pytest.raises(InputError) as caught:
        run(report_file, options(server, tmp_path, transport_attempts="3"))
    assert caught.value.kind == "endpoint" and "503" in caught.value.message
    assert len(server.chat()) == 3


def test_server_down(report_file: Path, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    opts = EngineOptions(base_url=url, model="m", use_cache=False,
                         extra={"backoff_base_s": "0.01", "groups": "proactive"})  # fmt: skip
    with pytest.raises(InputError) as caught:
        run(report_file, opts)
    assert caught.value.kind == "endpoint"
    assert url in caught.value.message and "unreachable" in caught.value.message


def test_bad_request_is_a_clear_error(server: ScriptedServer, report_file: Path, tmp_path: Path):
    server.add(
        "ProactiveAnswer", Status(400, {"error": {"message": "response_format unsupported"}})
    )
    with pytest.raises(InputError, match="rejected the request") as caught:
        run(report_file, options(server, tmp_path))
    assert len(server.chat()) == 1  # a 400 is not retried
    assert "--mode" in caught.value.message


# ------------------------------------------------------------------ modes, groups, order


def test_tools_mode(server: ScriptedServer, report_file: Path, tmp_path: Path) -> None:
    server.add("ProactiveAnswer", Reply(PROACTIVE))
    report = run(report_file, replace(options(server, tmp_path), mode="tools"))

    body = server.chat()[0].body or {}
    assert body["tools"][0]["function"]["name"] == "ProactiveAnswer"
    assert body["tool_choice"]["function"]["name"] == "ProactiveAnswer"
    assert "response_format" not in body
    assert report.proactive.total is not None


@pytest.mark.parametrize("mode", ["json", "md_json"])
def test_json_modes(server: ScriptedServer, report_file: Path, tmp_path: Path, mode: str):
    answer = json.dumps(PROACTIVE, ensure_ascii=False)
    server.add("*", Reply(f"```json\n{answer}\n```" if mode == "md_json" else answer))
    report = run(report_file, replace(options(server, tmp_path), mode=mode))

    (request,) = server.chat()
    assert '"ProactiveAnswer"' in request.messages[0]["content"]  # schema in the system message
    assert report.proactive.total is not None


def test_all_groups_concurrently_in_order(
    server: ScriptedServer, report_file: Path, tmp_path: Path
) -> None:
    server.add("ProactiveAnswer", Delay(0.5, Reply(PROACTIVE)))  # finishes last
    server.add("RequestsAnswer", Reply(REQUESTS))
    server.add("AppealsAnswer", Reply(APPEALS))
    server.add("OverviewAnswer", Reply(OVERVIEW))
    server.add("ProblemsAnswer", Reply(PROBLEMS))
    opts = options(server, tmp_path, groups="proactive,requests,appeals,overview,problems")
    engine = LLMEngine(replace(opts, concurrency=5))
    report = run(report_file, opts, engine)  # type: ignore[arg-type]

    assert sorted(r.key for r in server.chat()) == sorted(
        ["ProactiveAnswer", "RequestsAnswer", "AppealsAnswer", "OverviewAnswer", "ProblemsAnswer"]
    )
    assert [r.group for r in engine.ledger.records] == [
        "proactive", "requests", "appeals", "overview", "problems",
    ]  # fmt: skip
    assert report.proactive.total is not None and report.requests.new is not None
    assert report.requests.outcomes.denied is not None
    assert report.appeals.litigation_total is not None
    assert report.appeals.litigation_total.value == 0
    assert report.fees.collected_yuan is not None and report.fees.collected_yuan.value == 0
    assert report.meta.title == "青石县水利局2022年政府信息公开工作年度报告"
    assert report.meta.publish_date == "2023-01-16" and report.meta.template == "pre2019"
    assert report.problems == ["公开内容不够丰富"] and report.improvements == ["加强业务培训"]
    overview = server.chat("OverviewAnswer")[0]
    assert "发布日期:2023-01-16" in last_user(overview) and "未收取任何费用" in last_user(overview)
    assert engine.ledger.totals().calls == 5


def test_no_call_for_missing_sections(server: ScriptedServer, tmp_path: Path) -> None:
    path = tmp_path / "news.txt"
    path.write_text("今天天气很好,县里召开了农业会议,共有120人参加。\n", encoding="utf-8")
    report = run(path, options(server, tmp_path, groups="proactive,requests,appeals,overview"))
    assert server.chat() == []
    assert report.engine is not None and report.engine.llm_calls == 0


def test_report_text_reaches_the_model_verbatim(server: ScriptedServer, tmp_path: Path):
    """Instructor renders messages as Jinja templates: report text must pass untouched."""
    odd = "本年度未收取任何费用{{ x }}{% endraw %}{#"
    path = tmp_path / "braces.txt"
    path.write_text(REPORT.replace("本年度未收取任何费用", odd), encoding="utf-8")
    server.add("OverviewAnswer", Reply(OVERVIEW))
    run(path, options(server, tmp_path, groups="overview"))
    assert odd in last_user(server.chat()[0])


# ------------------------------------------------------------------ configuration


def test_config_precedence(tmp_path: Path) -> None:
    (tmp_path / "govreport.toml").write_text(
        '[llm]\nbase_url = "http://file.example/v1"\nmodel = "file-model"\napi_key = "k1"\n'
        'max_tokens = 999\n[llm.prices."env-model"]\nprompt = 1.0\ncompletion = 2.0\n',
        encoding="utf-8",
    )
    env = {"GOVREPORT_MODEL": "env-model"}
    config = resolve_config(EngineOptions(), env=env, folder=tmp_path)
    assert (config.base_url, config.model, config.max_tokens) == (
        "http://file.example/v1", "env-model", 999,
    )  # fmt: skip
    assert config.price() is not None and config.price().completion == 2.0  # type: ignore[union-attr]
    flagged = resolve_config(EngineOptions(model="flag-model", max_retries=5), env, tmp_path)
    assert (flagged.model, flagged.max_retries) == ("flag-model", 5)


def test_config_from_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.govreport.llm]\nbase_url = "http://127.0.0.1:9/v1"\nmodel = "py-model"\n',
        encoding="utf-8",
    )
    config = resolve_config(EngineOptions(), env={}, folder=tmp_path)
    assert (config.model, config.api_key) == ("py-model", "no-key-needed")  # loopback: no key


def test_missing_key_and_model_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no API key") as caught:
        resolve_config(EngineOptions(model="gpt-4o-mini"), env={}, folder=tmp_path)
    assert caught.value.kind == "config"
    with pytest.raises(InputError, match="no LLM model"):
        resolve_config(EngineOptions(base_url="http://127.0.0.1:1/v1"), env={}, folder=tmp_path)
    with pytest.raises(InputError, match="unknown --mode"):
        resolve_config(EngineOptions(model="m", api_key="k", mode="xml"), env={}, folder=tmp_path)


def test_usage_line_and_cost(
    server: ScriptedServer, report_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "govreport.toml").write_text(
        '[llm.prices."scripted-model"]\nprompt = 1.0\ncompletion = 10.0\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    server.add(
        "ProactiveAnswer", Reply({"total": {"value": 1}}, 600, 50), Reply(PROACTIVE, 400, 50)
    )
    engine = LLMEngine(options(server, tmp_path))
    extract_file(report_file, engine)
    assert engine.usage_line() == (
        "1 LLM calls (2 attempts), 1000 prompt + 100 completion tokens, 0 from cache, $0.0020"
    )


def test_api_key_reaches_the_server(server: ScriptedServer, report_file: Path, tmp_path: Path):
    server.add("ProactiveAnswer", Reply(PROACTIVE))
    run(report_file, replace(options(server, tmp_path), api_key="sk-test-123"))
    assert server.chat()[0].headers.get("authorization") == "Bearer sk-test-123"


# ------------------------------------------------------------------ command line


runner = CliRunner()


def govreport(*args: str, env: dict[str, str | None] | None = None) -> Result:
    return runner.invoke(app, list(args), env=env)


def test_cli_extract_with_llm(
    server: ScriptedServer, report_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.add("ProactiveAnswer", Reply(PROACTIVE))
    out = tmp_path / "out.json"
    (tmp_path / "govreport.toml").write_text(
        '[llm]\ngroups = "proactive"\nbackoff_base_s = 0.01\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    done = govreport(
        "extract", "--engine", "llm", "--base-url", server.base_url, "--model", "m",
        "--no-cache", str(report_file), "-o", str(out),
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["proactive"]["total"]["value"] == 520
    assert data["engine"]["llm_calls"] == 1


def test_cli_unreachable_endpoint(
    report_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.json"
    (tmp_path / "govreport.toml").write_text("[llm]\nbackoff_base_s = 0.01\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    url = f"http://127.0.0.1:{free_port()}/v1"
    done = govreport(
        "extract", "--engine", "llm", "--base-url", url, "--model", "m", "--no-cache",
        str(report_file), "-o", str(out),
    )  # fmt: skip
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and url in lines[0] and "unreachable" in lines[0]
    assert done.exit_code == 2
    assert not out.exists()


def test_cli_missing_key(report_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    no_env: dict[str, str | None] = dict.fromkeys(("OPENAI_API_KEY", "OPENAI_BASE_URL"))
    done = govreport("extract", "--engine", "llm", "--model", "gpt-4o-mini", str(report_file),
                     env=no_env)  # fmt: skip
    assert done.exit_code == 2
    assert "no API key" in done.stderr and done.stdout == ""


# ------------------------------------------------------------------ grounding rules and prompts


PASSAGES = [
    "全年收取信息处理费5万元。",
    "共主动公开信息100余条。",
    "2021年办理申请3件。",
    "每日查看依申请公开受理平台,全面公开依申请公开相关内容。窗口共受理行政许可、非许可审批事项152件。",
    "全年经费用支出4000元。",
]


def test_grounding_reads_the_figure_back_from_the_evidence() -> None:
    amount = ground_figure(5, False, "万元", "收取信息处理费5万元", PASSAGES)
    assert (amount.value, amount.unit) == (50000, "万元")  # value as written -> base units
    hedged = ground_figure(100, False, None, "“共主动公开信息100余条”", PASSAGES)
    assert (hedged.approx, hedged.evidence) == (True, "共主动公开信息100余条")  # quotes trimmed


@pytest.mark.parametrize(
    ("value", "evidence", "cue", "message"),
    [
        (3, "办理申请三件", None, "not a verbatim quote"),
        (4, "2021年办理申请3件", None, "does not contain the number 4"),
        (2021, "2021年办理申请3件", None, "year, date or ordinal"),
        (3, "2021年办理申请3件", cue_for("proactive.licensing"), "许可"),
        # The traps of CONTRACT.md: licensing applications are no disclosure requests,
        # the budget spent is no fee collected.
        (152, PASSAGES[3].rstrip("。"), cue_for("requests.new"), "does not say what"),
        (4000, "全年经费用支出4000元", cue_for("fees.collected_yuan"), "does not say what"),
    ],
)
def test_grounding_refuses(value: int, evidence: str, cue: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ground_figure(value, False, None, evidence, PASSAGES, cue)


def test_cues_follow_the_longest_path() -> None:
    staff, full_time = cue_for("capacity.staff"), cue_for("capacity.staff_full_time")
    assert staff is not None and full_time is not None and full_time.pattern == "专职"
    assert cue_for("proactive.channels[网站].count") is None


@pytest.mark.parametrize("group", GROUPS, ids=lambda g: g.name)
def test_worked_examples_are_grounded_answers(group: Any) -> None:
    """Each example must pass the very rules the model is held to."""
    examples = load_prompts().examples[group.name]
    assert examples
    for example in examples:
        assert normalize_bytes(example.text.encode()).text == example.text
        group.model.model_validate(example.answer, context={SOURCES: [example.text]})


def test_worked_examples_are_not_taken_from_the_reports() -> None:
    reports = [normalize_bytes(p.read_bytes()).text for p in (*SEED_FILES, *REPORTS.glob("*.*"))]
    for examples in load_prompts().examples.values():
        for example in examples:
            for sentence in re.split(r"[。\n]", example.text):
                if len(sentence) >= 12 and re.search(r"\d", sentence):
                    assert not any(sentence in text for text in reports), sentence


def _document(text: str) -> Document:
    normalized = normalize_bytes(text.encode())
    return Document(Source(file="x.txt", sha256="0"), normalized, segment(normalized))


def test_long_sections_send_only_the_lines_with_figures() -> None:
    filler = "本局坚持以人民为中心,持续深化政务公开工作。\n" * 300
    text = REPORT.replace("二、主动公开政府信息情况\n", "二、主动公开政府信息情况\n" + filler)
    proactive = next(g for g in GROUPS if g.name == "proactive")
    sent = passages(proactive, _document(text))
    assert sum(map(len, sent)) <= MAX_PASSAGE_CHARS
    assert any("520条" in p for p in sent) and not any("持续深化" in p for p in sent)
    assert all(p in normalize_bytes(text.encode()).text for p in sent)  # verbatim slices


def test_meta_grounding() -> None:
    head = [
        "索引号: 1133/2013-127792\n成文日期: 2013-01-09",
        "统计期限为2023年1月1日至2023年12月31日。",
    ]
    assert ground_date("2013-01-09", head) == "2013-01-09"
    assert ground_period("2023-12-31", head) == "2023-12-31"
    with pytest.raises(ValueError, match="statistics period"):
        ground_period("2013-01-09", head)  # a publish date is no period bound
    with pytest.raises(ValueError, match="not the report's title"):
        ground_title("索引号: 1133/2013-127792", head)
    with pytest.raises(ValueError, match="not written"):
        ground_date("2013-01-10", head)
