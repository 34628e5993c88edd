"""The LLM answer cache: a re-run makes no request; what changes the answer changes the key."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pydantic import Field, create_model
from typer.testing import CliRunner

from extract.api import extract_file
from extract.cache import open_store
from extract.cli import app
from extract.engines import EngineOptions
from extract.engines.llm.answer_cache import request_key
from extract.engines.llm.groups import GROUPS
from extract.errors import InputError
from prompts import load_prompts
from schemas import Report
from tests.scripted_server import Reply, ScriptedServer, Status
from tests.test_llm_engine import PROACTIVE, REPORT

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


def cached_options(server: ScriptedServer, tmp_path: Path, **extra: str) -> EngineOptions:
    return EngineOptions(
        base_url=server.base_url,
        model="scripted-model",
        cache_dir=tmp_path / "cache",
        extra={"backoff_base_s": "0.01", "groups": "proactive", **extra},
    )


def extract(path: Path, opts: EngineOptions) -> Report:
    return extract_file(path, "llm", opts)


def figures_json(report: Report) -> dict[str, Any]:
    return report.model_dump(mode="json", include={"proactive", "requests", "appeals"})


def test_second_run_makes_no_request(server: ScriptedServer, report_file: Path, tmp_path: Path):
    server.add("ProactiveAnswer", Reply(PROACTIVE, prompt_tokens=900, completion_tokens=80))
    opts = cached_options(server, tmp_path)
    first = extract(report_file, opts)
    second = extract(report_file, opts)  # a new engine, the same cache folder

    assert len(server.chat()) == 1
    assert figures_json(second) == figures_json(first)
    assert first.engine is not None and second.engine is not None
    assert (first.engine.llm_calls, first.engine.cache_hits) == (1, 0)
    assert (second.engine.llm_calls, second.engine.cache_hits) == (0, 1)
    assert second.engine.prompt_tokens == 0  # nothing spent again


def test_dropped_figures_come_back_from_the_cache(
    server: ScriptedServer, report_file: Path, tmp_path: Path
) -> None:
    wrong = {**PROACTIVE, "total": {"value": 999, "evidence": "本局共主动公开政府信息520条"}}
    server.add("ProactiveAnswer", Reply(wrong), Reply(wrong))
    opts = cached_options(server, tmp_path, max_retries="1")
    first = extract(report_file, opts)
    second = extract(report_file, opts)

    assert len(server.chat()) == 2  # both attempts of the first run, none after
    for report in (first, second):
        grounding = next(c for c in report.checks if c.id == "evidence_grounding")
        assert grounding.status == "fail" and grounding.fields == ["proactive.total"]


def test_failures_are_never_cached(server: ScriptedServer, report_file: Path, tmp_path: Path):
    server.add("ProactiveAnswer", Reply("no json"), Reply("no json"), Reply(PROACTIVE))
    opts = cached_options(server, tmp_path, max_retries="1")
    failed = extract(report_file, opts)
    assert any(c.id == "llm_answers" and c.status == "fail" for c in failed.checks)
    with open_store("llm", tmp_path / "cache") as store:
        assert len(store) == 0
    again = extract(report_file, opts)  # asked again: the failure was not stored
    assert len(server.chat()) == 3
    assert again.proactive.total is not None


def test_transport_failures_are_never_cached(
    server: ScriptedServer, report_file: Path, tmp_path: Path
) -> None:
    server.add("ProactiveAnswer", Status(503), Status(503), Reply(PROACTIVE))
    opts = cached_options(server, tmp_path, transport_attempts="2")
    with pytest.raises(InputError):
        extract(report_file, opts)
    assert extract(report_file, opts).proactive.total is not None
    assert len(server.chat()) == 3


def test_no_cache_reads_and_writes_nothing(server: ScriptedServer, report_file: Path, tmp_path):
    server.add("ProactiveAnswer", Reply(PROACTIVE), Reply(PROACTIVE))
    opts = replace(cached_options(server, tmp_path), use_cache=False)
    extract(report_file, opts)
    extract(report_file, opts)
    assert len(server.chat()) == 2
    assert not (tmp_path / "cache").exists()


def test_model_endpoint_and_prompt_change_the_key(
    server: ScriptedServer, report_file: Path, tmp_path: Path
) -> None:
    server.add("ProactiveAnswer", *[Reply(PROACTIVE)] * 4)
    opts = cached_options(server, tmp_path)
    extract(report_file, opts)
    extract(report_file, replace(opts, model="another-model"))
    assert len(server.chat()) == 2

    prompts = tmp_path / "prompts"
    shutil.copytree(ROOT / "prompts", prompts, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    extract(report_file, replace(opts, extra={**opts.extra, "prompts_dir": str(prompts)}))
    assert len(server.chat()) == 2  # same files, same hash: still cached
    system = prompts / "system.md"
    system.write_text(system.read_text(encoding="utf-8") + "\n8. 保持简洁。\n", encoding="utf-8")
    extract(report_file, replace(opts, extra={**opts.extra, "prompts_dir": str(prompts)}))
    assert len(server.chat()) == 3
    assert "8. 保持简洁。" in server.chat()[-1].messages[0]["content"]

    with ScriptedServer({"ProactiveAnswer": [Reply(PROACTIVE)]}) as other:
        extract(report_file, replace(opts, base_url=other.base_url))  # same model, new endpoint
        assert len(other.chat()) == 1


def key_for(**changes: Any) -> str:
    group = GROUPS[0]
    settings: dict[str, Any] = {
        "messages": [{"role": "user", "content": "片段"}],
        "model": "m",
        "response_model": group.model,
        "mode": "json_schema",
        "sampling": {"temperature": 0.0, "max_tokens": 2048},
        "base_url": "http://127.0.0.1:1/v1",
        "prompt_hash": load_prompts().hash,
        "passages": ["片段"],
        "max_retries": 2,
    }
    return request_key(**{**settings, **changes})


def test_every_part_of_the_request_is_in_the_key() -> None:
    base = key_for()
    changed_schema = create_model(
        "ProactiveAnswer", __base__=GROUPS[0].model, licensing=(Any, Field(None, description="改"))
    )
    variants = [
        key_for(model="m2"),
        key_for(response_model=changed_schema),
        key_for(mode="tools"),
        key_for(sampling={"temperature": 0.5, "max_tokens": 2048}),
        key_for(base_url="http://127.0.0.1:2/v1"),
        key_for(prompt_hash="0" * 12),
        key_for(passages=["另一个片段"]),
        key_for(messages=[{"role": "user", "content": "另一个"}]),
        key_for(max_retries=0),
    ]
    assert base == key_for()
    assert len({base, *variants}) == len(variants) + 1


def test_cache_cli_stats_and_clear(
    server: ScriptedServer, report_file: Path, tmp_path: Path
) -> None:
    server.add("ProactiveAnswer", Reply(PROACTIVE, prompt_tokens=900, completion_tokens=80))
    extract(report_file, cached_options(server, tmp_path))
    runner = CliRunner()
    cache = str(tmp_path / "cache")

    stats = runner.invoke(app, ["cache", "stats", "--cache-dir", cache, "--json"])
    assert stats.exit_code == 0, stats.output
    llm = next(s for s in json.loads(stats.stdout)["stores"] if s["store"] == "llm")
    assert llm["entries"] == 1 and llm["by_model"] == {"scripted-model": 1}
    assert (llm["prompt_tokens"], llm["completion_tokens"]) == (900, 80)  # usage kept

    text = runner.invoke(app, ["cache", "stats", "--cache-dir", cache])
    assert "llm: 1 entries" in text.stdout and "900 prompt" in text.stdout

    cleared = runner.invoke(app, ["cache", "clear", "--cache-dir", cache, "--store", "llm"])
    assert cleared.exit_code == 0 and "llm: removed 1" in cleared.stdout
    server.add("ProactiveAnswer", Reply(PROACTIVE))
    extract(report_file, cached_options(server, tmp_path))
    assert len(server.chat()) == 2  # asked again after the clear

    bad = runner.invoke(app, ["cache", "clear", "--cache-dir", cache, "--store", "nope"])
    assert bad.exit_code == 2
