"""Batch extraction: input discovery, order, error records, resume, summary, exit codes."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from extract.batch import (
    BatchSettings,
    Record,
    Summary,
    discover,
    finished_reports,
    plan_resume,
    run_batch,
)
from extract.cli import app
from extract.errors import InputError
from tests.conftest import REPORTS, SEED_FILES

runner = CliRunner()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Seeds and crafted reports in nested folders, with files that are not reports."""
    root = tmp_path / "corpus"
    (root / "b" / "deep").mkdir(parents=True)
    (root / "a").mkdir()
    (root / ".hidden").mkdir()
    for i, seed in enumerate(SEED_FILES[:3]):
        shutil.copy(seed, root / "a" / f"{i}.txt")
    shutil.copy(SEED_FILES[3], root / "b" / "deep" / "report.TXT")
    shutil.copy(REPORTS / "page_2021.html", root / "b" / "page.htm")
    (root / "b" / "notes.md").write_text("# not a report")
    (root / "b" / ".out.jsonl.x.tmp").write_text("{}")
    shutil.copy(SEED_FILES[4], root / ".hidden" / "skip.txt")
    return root


# ---------------------------------------------------------------- discovery


def test_folders_are_searched_recursively_in_sorted_order(corpus: Path) -> None:
    jobs = discover([str(corpus)])
    found = [Path(job.name).relative_to(corpus).as_posix() for job in jobs]
    assert found == ["a/0.txt", "a/1.txt", "a/2.txt", "b/page.htm", "b/deep/report.TXT"]
    assert [job.index for job in jobs] == list(range(5))
    assert all(job.error is None for job in jobs)


def test_arguments_keep_their_order_and_a_file_runs_once(corpus: Path) -> None:
    single = corpus / "b" / "page.htm"
    jobs = discover([str(single), str(corpus / "a"), str(corpus / "a" / "1.txt")])
    assert [Path(job.name).name for job in jobs] == ["page.htm", "0.txt", "1.txt", "2.txt"]


def test_a_file_named_on_its_own_is_tried_whatever_its_suffix(tmp_path: Path) -> None:
    odd = tmp_path / "report.dat"
    odd.write_text("x")
    job, missing = discover([str(odd), str(tmp_path / "missing.txt")])
    assert job.path == odd
    assert missing.error is None  # the worker reports it, in its place


def test_a_folder_without_reports_is_an_error_record(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("# nothing")
    (job,) = discover([str(tmp_path)])
    assert job.error is not None
    assert job.error[0] == "no_reports"


def test_the_output_file_is_never_an_input(corpus: Path) -> None:
    out = corpus / "a" / "0.txt"
    assert "0.txt" not in [Path(j.name).name for j in discover([str(corpus)], exclude=out)]


def test_stdin_is_read_once_within_the_size_limit() -> None:
    (job,) = discover(["-"], stdin=io.BytesIO(b"abc"))
    assert (job.name, job.data) == ("<stdin>", b"abc")
    (big,) = discover(["-"], stdin=io.BytesIO(b"x" * 101), max_bytes=100)
    assert big.error is not None and big.error[0] == "too_large"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder")
def test_an_unreadable_folder_is_an_error_record(corpus: Path) -> None:
    locked = corpus / "b"
    locked.chmod(0)
    try:
        jobs = discover([str(corpus)])
    finally:
        locked.chmod(0o755)
    assert [j.error[0] for j in jobs if j.error] == ["unreadable"]
    assert len([j for j in jobs if not j.error]) == 3


# ---------------------------------------------------------------- summary


def record(kind: str | None = None, template: str | None = "2021", reused: bool = False) -> Record:
    return Record(0, "x", "{}", error_kind=kind, template=template, reused=reused)


def test_summary_counts_failures_by_kind() -> None:
    summary = Summary()
    for rec in (
        record(),
        record(reused=True),
        record(template="unknown"),
        record("binary"),
        record("missing"),
        record("binary"),
    ):
        summary.add(rec)
    assert summary.exit_code() == 1
    assert summary.line() == (
        "6 inputs: 3 ok (1 kept from the earlier output), 3 failed (binary 2, missing 1); "
        "1 not a disclosure report"
    )
    clean = Summary()
    clean.add(record())
    assert (clean.exit_code(), clean.line()) == (0, "1 inputs: 1 ok")


def test_summary_adds_up_llm_usage() -> None:
    summary = Summary()
    for usage in ((5, 1000, 200, 0), (0, 0, 0, 5)):
        summary.add(Record(0, "x", "{}", template="2021", usage=usage))
    assert summary.line() == (
        "2 inputs: 2 ok; LLM: 5 calls, 1000 prompt + 200 completion tokens, 5 from cache"
    )


# ---------------------------------------------------------------- resume


def earlier_output(*records: dict) -> io.BytesIO:
    return io.BytesIO(b"".join(json.dumps(r).encode() + b"\n" for r in records) + b'{"torn')


def report_record(file: str, sha256: str) -> dict:
    return {"source": {"file": file, "sha256": sha256}, "meta": {"template": "2021"}}


def test_finished_reports_skip_error_records_and_torn_lines() -> None:
    earlier = earlier_output(
        report_record("a.txt", "aa"),
        {"source": {"file": "b.txt", "sha256": "bb"}, "error": {"kind": "binary"}},
        report_record("c.txt", "cc"),
    )
    assert set(finished_reports(earlier)) == {"aa", "cc"}


def test_plan_resume_reuses_by_input_hash(tmp_path: Path) -> None:
    import hashlib

    files = []
    for name, text in (("a.txt", "甲"), ("b.txt", "乙"), ("c.txt", "丙")):
        (tmp_path / name).write_text(text, encoding="utf-8")
        files.append(str(tmp_path / name))
    sha = {Path(f).name: hashlib.sha256(Path(f).read_bytes()).hexdigest() for f in files}
    earlier = earlier_output(
        report_record("old-name-of-c.txt", sha["c.txt"]),
        report_record("gone.txt", "ff" * 32),
        report_record("a.txt", sha["a.txt"]),
    )
    jobs = discover(files)
    plan = plan_resume(jobs, earlier, 1000)
    assert [Path(job.name).name for job in plan.to_run] == ["b.txt"]
    assert sorted(plan.reused) == [0, 2]
    renamed = json.loads(plan.reused_record(2).line)
    assert renamed["source"]["file"] == files[2]  # this run's name of the same bytes
    assert [json.loads(line)["source"]["file"] for line in plan.leftover_lines()] == ["gone.txt"]
    fake = iter([Record(1, "b", '{"b": 1}')])
    assert [r.index for r in plan.records(jobs, fake)] == [0, 1, 2]
    assert [r.index for r in plan.reused_after(0)] == [2]


# ---------------------------------------------------------------- the pipeline over many inputs


def test_run_batch_keeps_input_order_with_two_workers(corpus: Path) -> None:
    (corpus / "a" / "3.txt").write_bytes(b"")
    jobs = discover([str(corpus / "a"), str(corpus / "missing.txt"), str(corpus / "b")])
    records = list(run_batch(jobs, BatchSettings(jobs=2)))
    assert [r.index for r in records] == list(range(len(jobs)))
    assert [r.name for r in records] == [job.name for job in jobs]
    kinds = [r.error_kind for r in records]
    assert kinds == [None, None, None, "empty", "missing", None, None]
    error = json.loads(records[3].line)
    assert error["error"]["kind"] == "empty"
    assert error["source"]["sha256"] == records[3].sha256 is not None
    report = json.loads(records[0].line)
    assert report["source"]["file"] == jobs[0].name


def test_one_worker_gives_the_same_records_as_two(corpus: Path) -> None:
    jobs = discover([str(corpus)])
    one = [r.line for r in run_batch(jobs, BatchSettings(jobs=1))]
    two = [r.line for r in run_batch(jobs, BatchSettings(jobs=2))]
    assert one == two


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_cli_batch_writes_jsonl_in_input_order_and_exits_1_on_failures(corpus: Path) -> None:
    (corpus / "a" / "zz.txt").write_bytes(b"\x00\x01\x02" * 1000)
    out = corpus.parent / "run.jsonl"
    result = runner.invoke(
        app, ["extract", str(corpus), str(corpus / "nope.txt"), "--jsonl", str(out), "-j", "2"]
    )
    assert result.exit_code == 1
    records = jsonl(out)
    assert len(records) == 7
    assert [r["error"]["kind"] for r in records if "error" in r] == ["binary", "missing"]
    assert records[3]["source"]["file"].endswith("zz.txt")
    assert f"error: {corpus / 'nope.txt'}: no such file" in result.stderr
    assert "7 inputs: 5 ok, 2 failed (binary 1, missing 1)" in result.stderr


def test_cli_exit_0_when_all_succeed_and_json_array_for_several(corpus: Path) -> None:
    result = runner.invoke(app, ["-q", "extract", str(corpus / "a")])
    assert result.exit_code == 0, result.stderr
    reports = json.loads(result.stdout)
    assert [Path(r["source"]["file"]).name for r in reports] == ["0.txt", "1.txt", "2.txt"]
    assert result.stderr == ""


def test_cli_resume_skips_inputs_already_done(corpus: Path) -> None:
    out = corpus.parent / "run.jsonl"
    first = runner.invoke(app, ["extract", str(corpus / "a"), "--jsonl", str(out)])
    assert first.exit_code == 0
    before = jsonl(out)
    bad = corpus / "b" / "empty.txt"
    bad.write_bytes(b"")
    args = ["extract", str(corpus / "a"), str(corpus / "b"), "--jsonl", str(out), "--resume"]
    second = runner.invoke(app, args)
    assert second.exit_code == 1
    assert "3 of 6 inputs already done" in second.stderr
    after = jsonl(out)
    assert after[:3] == before
    assert len(after) == 6 and after[3]["error"]["kind"] == "empty"
    bad.unlink()
    third = runner.invoke(app, args)
    assert third.exit_code == 0
    assert "5 of 5 inputs already done" in third.stderr
    assert "5 inputs: 5 ok (5 kept from the earlier output)" in third.stderr
    assert jsonl(out) == [r for r in after if "error" not in r]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--resume"], "--resume needs a JSONL output file"),
        (["--format", "yaml"], "unknown format"),
        (["--engine", "magic"], "unknown engine"),
        (["--jsonl", "a.jsonl", "-o", "b.jsonl"], "not both"),
        (["--jsonl", "a.jsonl", "--format", "csv"], "cannot be combined"),
        (["--format", "xlsx"], "needs an output file"),
        (["--evidence"], "--approx and --evidence"),
        (["--max-size", "lots"], "--max-size: not a size"),
        (["-", "-"], "stdin (-) can be read only once"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["extract", str(SEED_FILES[0]), *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_jobs_below_one_is_a_usage_error() -> None:
    result = runner.invoke(app, ["extract", str(SEED_FILES[0]), "--jobs", "0"])
    assert result.exit_code == 2


def test_the_output_alone_is_nothing_to_extract(tmp_path: Path) -> None:
    out = tmp_path / "run.txt"
    out.write_text("earlier")
    result = runner.invoke(app, ["extract", str(out), "-f", "jsonl", "-o", str(out)])
    assert result.exit_code == 2
    assert "nothing to extract" in result.stderr
    assert out.read_text() == "earlier"


@pytest.fixture
def endpoint_down_at_2(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine's endpoint goes down when it reaches the input named 2.txt."""
    import extract.engines.rules as rules

    extract = rules.RulesEngine.extract

    def flaky(self: rules.RulesEngine, doc: Any) -> Any:
        if doc.source.file.endswith("2.txt"):
            raise InputError("endpoint", "LLM endpoint http://127.0.0.1:9/v1 unreachable")
        return extract(self, doc)

    monkeypatch.setattr(rules.RulesEngine, "extract", flaky)


@pytest.mark.usefixtures("endpoint_down_at_2")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_engine_error_stops_the_batch_with_exit_2(corpus: Path, jobs: str) -> None:
    out = corpus.parent / "run.jsonl"
    result = runner.invoke(app, ["extract", str(corpus), "--jsonl", str(out), "-j", jobs])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: LLM endpoint http://127.0.0.1:9/v1 unreachable"
    ]
    assert not out.exists()


@pytest.mark.usefixtures("endpoint_down_at_2")
def test_under_resume_an_engine_error_keeps_the_finished_reports(corpus: Path) -> None:
    out = corpus.parent / "run.jsonl"
    args = ["extract", str(corpus / "a"), "--jsonl", str(out), "--resume", "-j", "1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "unreachable" in result.stderr and "keeps 2 finished reports" in result.stderr
    kept = jsonl(out)
    assert [Path(r["source"]["file"]).name for r in kept] == ["0.txt", "1.txt"]
