"""Evaluation runs: gold lookup, the extraction cache, atomic run directories, the CLI."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from diskcache import Cache
from typer.testing import CliRunner

from eval import harness
from eval.harness import gold_cases, load_run, run_cases, run_eval
from eval.metrics import score_report
from extract.cache import open_store
from extract.cli import app
from extract.engines import Document, EngineOptions
from extract.errors import InputError
from extract.numbers import find_quantities
from schemas import EngineInfo, Quantity, Report, Source
from tests.conftest import seed

REPORT_TEXT = "某区2021年政府信息公开工作年度报告\n本年新收政府信息公开申请236件。\n"


class CountingEngine:
    """A stand-in engine: reads the first counted figure as requests.new; counts its calls."""

    name = "counting"

    def __init__(self) -> None:
        self.calls = 0

    def extract(self, doc: Document) -> Report:
        self.calls += 1
        report = Report(source=doc.source)
        found = find_quantities(doc.text.text)
        if found:
            first = found[0]
            report.requests.new = Quantity(
                value=first.value, unit=first.unit, evidence=doc.text.text[first.start : first.end]
            )
        return report


def make_gold(folder: Path, name: str, file: str, new: int | None) -> None:
    gold = Report(source=Source(file=file, sha256="0"))
    if new is not None:
        gold.requests.new = Quantity(value=new, unit="件", evidence=f"申请{new}件")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(gold.model_dump_json(), encoding="utf-8")


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    """A gold folder with two golds and a report folder with their reports."""
    gold_dir, reports = tmp_path / "gold", tmp_path / "reports"
    reports.mkdir()
    (reports / "a.txt").write_text(REPORT_TEXT, encoding="utf-8")
    (reports / "b.txt").write_text(REPORT_TEXT.replace("236", "12"), encoding="utf-8")
    make_gold(gold_dir, "a", "a.txt", 236)
    make_gold(gold_dir, "b", "b.txt", 13)
    return gold_dir, reports


def test_gold_cases_find_the_reports(setup: tuple[Path, Path]) -> None:
    gold_dir, reports = setup
    cases = gold_cases(gold_dir, [Path("/nonexistent"), reports])
    assert [(c.name, c.file) for c in cases] == [("a", reports / "a.txt"), ("b", reports / "b.txt")]


def test_a_missing_report_is_one_clear_error(setup: tuple[Path, Path], tmp_path: Path) -> None:
    gold_dir, _ = setup
    make_gold(gold_dir, "c", "gone.txt", 1)
    with pytest.raises(InputError, match=r"'gone\.txt' named by the gold is not in"):
        gold_cases(gold_dir, [setup[1]])


def test_an_invalid_gold_names_its_file(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"source": {"file": "x"}}', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.json: not a valid gold report \(source\.sha256"):
        gold_cases(tmp_path, [tmp_path])


def test_the_default_report_folders_are_the_repository_fixtures() -> None:
    assert harness.DEFAULT_REPORT_DIRS[0] == seed("000").parent
    assert all(folder.is_dir() for folder in harness.DEFAULT_REPORT_DIRS)


def test_a_rerun_is_served_from_the_cache(setup: tuple[Path, Path], tmp_path: Path) -> None:
    cases = gold_cases(*setup[:1], [setup[1]])
    engine, options = CountingEngine(), EngineOptions()
    with open_store("eval", tmp_path / "cache") as store:
        first = run_cases(cases, engine, options, store)
        assert engine.calls == 2 and not any(r.cached for r in first)
        second = run_cases(cases, engine, options, store)
        assert engine.calls == 2 and all(r.cached for r in second)
        assert [r.report for r in second] == [r.report for r in first]
        assert [r.text for r in second] == [r.text for r in first]
        run_cases(cases, engine, options, store, read_cache=False)
        assert engine.calls == 4


def test_the_cache_key_covers_input_and_settings(setup: tuple[Path, Path], tmp_path: Path) -> None:
    gold_dir, reports = setup
    cases = gold_cases(gold_dir, [reports])
    engine = CountingEngine()
    with open_store("eval", tmp_path / "cache") as store:
        run_cases(cases, engine, EngineOptions(model="m1"), store)
        run_cases(cases, engine, EngineOptions(model="m2"), store)
        assert engine.calls == 4  # another model is another result
        (reports / "a.txt").write_text(REPORT_TEXT + "补充。\n", encoding="utf-8")
        results = run_cases(cases, engine, EngineOptions(model="m2"), store)
        assert engine.calls == 5
        assert [r.cached for r in results] == [False, True]
    key = harness.result_key("0" * 64, harness.engine_settings("llm", EngineOptions(model="m")))
    assert key != harness.result_key("1" * 64, harness.engine_settings("llm", EngineOptions()))
    assert harness.engine_settings("rules", EngineOptions(model="m")) == {"engine": "rules"}


def _store_run(setup: tuple[Path, Path], folder: Path, store: Cache | None = None) -> Path:
    cases = gold_cases(setup[0], [setup[1]])
    outcome = run_eval(cases, CountingEngine(), EngineOptions(), name=folder.name,
                       runs_dir=folder.parent, gold_dir=setup[0], store=store)  # fmt: skip
    return outcome.folder


def test_a_run_directory_round_trips(setup: tuple[Path, Path], tmp_path: Path) -> None:
    folder = _store_run(setup, tmp_path / "runs" / "r1")
    run = load_run(folder)
    assert sorted(p.name for p in folder.iterdir()) == [
        "metrics.json", "metrics.md", "reports", "run.json", "texts",
    ]  # fmt: skip
    assert set(run.reports) == {"a", "b"}
    assert run.reports["b"].requests.new is not None
    assert run.reports["b"].requests.new.value == 12
    assert run.metrics["overall"]["figures"]["tp"] == 1
    assert run.metrics["overall"]["figures"]["fd"] == 1
    for key in ("engine", "model", "base_url_host", "prompt_hash", "schema_hash", "version",
                "started", "wall_s", "llm_calls", "prompt_tokens", "completion_tokens",
                "cache_hits", "served_from_cache", "gold_hash"):  # fmt: skip
        assert key in run.record
    assert harness.resolve_run("r1", tmp_path / "runs") == folder


def test_an_interrupted_write_leaves_no_run_directory(
    setup: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = tmp_path / "runs"
    _store_run(setup, runs / "kept")
    calls = []

    def interrupted(path: Path, data: str | bytes) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(harness, "write_atomic", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _store_run(setup, runs / "new")
    calls.clear()
    with pytest.raises(KeyboardInterrupt):
        _store_run(setup, runs / "kept")
    assert [p.name for p in runs.iterdir()] == ["kept"]
    assert load_run(runs / "kept").metrics["overall"]["reports"] == 2


def test_ctrl_c_during_extraction_writes_nothing(setup: tuple[Path, Path], tmp_path: Path) -> None:
    def interrupt(_: object) -> None:
        raise KeyboardInterrupt

    cases = gold_cases(setup[0], [setup[1]])
    with pytest.raises(KeyboardInterrupt):
        run_eval(cases, CountingEngine(), EngineOptions(), name="r", runs_dir=tmp_path / "runs",
                 gold_dir=setup[0], store=None, on_done=interrupt)  # fmt: skip
    assert not (tmp_path / "runs").exists()


def test_a_rerun_replaces_the_run_of_the_same_name(
    setup: tuple[Path, Path], tmp_path: Path
) -> None:
    folder = _store_run(setup, tmp_path / "runs" / "same")
    (folder / "stale.txt").write_text("old", encoding="utf-8")
    _store_run(setup, folder)
    assert not (folder / "stale.txt").exists()
    assert [p.name for p in folder.parent.iterdir()] == ["same"]


def test_a_crashing_engine_is_recorded_and_scored_empty(setup: tuple[Path, Path]) -> None:
    class Broken(CountingEngine):
        def extract(self, doc: Document) -> Report:
            raise RuntimeError("boom")

    cases = gold_cases(setup[0], [setup[1]])
    results = run_cases(cases, Broken(), EngineOptions(), None)
    assert [r.error for r in results] == ["RuntimeError: boom"] * 2
    assert score_report("a", cases[0].gold, None, results[0].text).figures().fn == 1


def test_default_run_names_are_file_safe() -> None:
    stamp = datetime(2024, 5, 1, 12, 0, 0)
    assert (
        harness.default_run_name("llm", "qwen/2.5:7b", stamp) == "llm-qwen_2.5_7b-20240501-120000"
    )
    assert harness.safe_name("../etc") == "etc"


def test_an_unchanged_rerun_skips_extraction_and_scoring(
    setup: tuple[Path, Path], tmp_path: Path
) -> None:
    class SlowEngine(CountingEngine):
        def extract(self, doc: Document) -> Report:
            time.sleep(0.1)
            return super().extract(doc)

    gold_dir, reports = setup
    engine = SlowEngine()
    runs = tmp_path / "runs"

    def run(name: str, store: Cache) -> dict[str, Any]:
        cases = gold_cases(gold_dir, [reports])
        outcome = run_eval(cases, engine, EngineOptions(), name=name, runs_dir=runs,
                           gold_dir=gold_dir, store=store)  # fmt: skip
        return outcome.record

    with open_store("eval", tmp_path / "cache") as store:
        first, second = run("first", store), run("second", store)
        assert engine.calls == 2
        assert (first["extracted"], first["metrics_from_cache"]) == (2, False)
        assert (second["served_from_cache"], second["metrics_from_cache"]) == (2, True)
        assert second["wall_s"] * 20 < first["wall_s"]
        same = [
            (runs / n / "metrics.json").read_text(encoding="utf-8") for n in ("first", "second")
        ]
        assert same[0] == same[1]
        make_gold(gold_dir, "b", "b.txt", 12)  # the gold changed: rescored, not re-extracted
        third = run("third", store)
        assert engine.calls == 2 and not third["metrics_from_cache"]
        assert load_run(runs / "third").metrics["overall"]["figures"]["tp"] == 2


def test_the_run_record_sums_llm_usage_from_the_reports(
    setup: tuple[Path, Path], tmp_path: Path
) -> None:
    class UsageEngine(CountingEngine):
        name = "llm"

        def extract(self, doc: Document) -> Report:
            report = super().extract(doc)
            report.engine = EngineInfo(
                name="llm", version="0", model="qwen", base_url_host="gpu.local",
                prompt_hash="p1", llm_calls=3, prompt_tokens=1000, completion_tokens=200,
                cache_hits=1,
            )  # fmt: skip
            return report

    gold_dir, reports = setup
    options = EngineOptions(model="qwen", base_url="http://gpu.local:8080/v1")
    with open_store("eval", tmp_path / "cache") as store:
        records = [
            run_eval(gold_cases(gold_dir, [reports]), UsageEngine(), options, name=name,
                     runs_dir=tmp_path / "runs", gold_dir=gold_dir, store=store).record
            for name in ("first", "again")
        ]  # fmt: skip
    for record in records:
        assert (record["engine"], record["model"], record["base_url_host"]) == (
            "llm", "qwen", "gpu.local",
        )  # fmt: skip
        assert record["prompt_hash"] == "p1"
        assert (record["llm_calls"], record["prompt_tokens"], record["completion_tokens"]) == (
            6, 2000, 400,
        )  # fmt: skip
        assert record["cache_hits"] == 2
    assert records[1]["served_from_cache"] == 2


# ---------------------------------------------------------------- the command


def _seed_gold(tmp_path: Path) -> Path:
    """A gold folder with one real seed's gold, from the repository when it has one."""
    bundled = harness.DEFAULT_GOLD_DIR / "004_20fa491b52b245f1.json"
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    if bundled.exists():
        (gold_dir / bundled.name).write_bytes(bundled.read_bytes())
    else:
        make_gold(gold_dir, "004_20fa491b52b245f1", seed("004").name, None)
    return gold_dir


def test_eval_command_runs_then_serves_from_cache(tmp_path: Path) -> None:
    gold_dir = _seed_gold(tmp_path)
    args = ["eval", "--gold", str(gold_dir), "--runs-dir", str(tmp_path / "runs"),
            "--cache-dir", str(tmp_path / "cache")]  # fmt: skip
    runner = CliRunner()
    started = time.perf_counter()
    first = runner.invoke(app, [*args, "--name", "one"])
    first_s = time.perf_counter() - started
    assert first.exit_code == 0, first.output
    assert "Figures by group" in first.stdout
    assert "1 extracted, 0 served from the eval cache" in first.output
    started = time.perf_counter()
    second = runner.invoke(app, [*args, "--name", "two"])
    second_s = time.perf_counter() - started
    assert second.exit_code == 0, second.output
    assert "served from the eval cache: no extraction work" in second.output
    one = json.loads((tmp_path / "runs" / "one" / "metrics.json").read_text(encoding="utf-8"))
    two = json.loads((tmp_path / "runs" / "two" / "metrics.json").read_text(encoding="utf-8"))
    assert one == two
    record = json.loads((tmp_path / "runs" / "two" / "run.json").read_text(encoding="utf-8"))
    assert record["served_from_cache"] == 1 and record["extracted"] == 0
    assert second_s < first_s
    forced = runner.invoke(app, [*args, "--name", "three", "--no-cache"])
    assert "1 extracted" in forced.output


def test_eval_command_reports_a_missing_report_in_one_line(tmp_path: Path) -> None:
    gold_dir = tmp_path / "gold"
    make_gold(gold_dir, "x", "nowhere.txt", 1)
    result = CliRunner().invoke(app, ["eval", "--gold", str(gold_dir)])
    assert result.exit_code != 0
    assert isinstance(result.exception, InputError)
    assert "'nowhere.txt' named by the gold" in str(result.exception)
