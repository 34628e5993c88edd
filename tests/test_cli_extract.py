"""``govreport extract``: outputs, formats, stdin, atomic writes, Ctrl-C, progress."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import rich.progress
from typer.testing import CliRunner

from extract.cli import app, extract_cmd
from extract.cli.app import state
from tests.conftest import REPORTS, ROOT, SEED_FILES, seed

runner = CliRunner()


def invoke(*args: str, **kwargs: Any) -> Any:
    return runner.invoke(app, list(args), **kwargs)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in [*SEED_FILES, REPORTS / "t2021_intact.txt", REPORTS / "not_a_report.txt"]:
        shutil.copy(path, folder / path.name)
    return folder


def test_one_report_is_one_json_object_named_as_given() -> None:
    result = invoke("extract", str(seed("004")))
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["source"]["file"] == str(seed("004"))
    assert report["meta"]["template"] == "pre2019"
    assert result.stderr == ""


def test_output_file_and_jsonl_shortcut(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "one.json"
    assert invoke("extract", str(seed("004")), "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["source"]["file"] == str(seed("004"))
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert invoke("extract", str(seed("003")), str(seed("004")), "--jsonl", str(a)).exit_code == 0
    args = ("extract", str(seed("003")), str(seed("004")), "-f", "jsonl", "-o", str(b))
    assert invoke(*args).exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    assert len(a.read_bytes().splitlines()) == 2


def test_stdin(tmp_path: Path) -> None:
    result = invoke("extract", "-", input=seed("004").read_bytes())
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["source"]["file"] == "<stdin>"
    assert (
        report["source"]["sha256"]
        == json.loads(invoke("extract", str(seed("004"))).stdout)["source"]["sha256"]
    )


def test_stdin_among_files_keeps_its_place() -> None:
    result = invoke(
        "extract",
        str(seed("000")),
        "-",
        str(seed("001")),
        "-f",
        "jsonl",
        input=seed("004").read_bytes(),
    )
    files = [json.loads(line)["source"]["file"] for line in result.stdout.splitlines()]
    assert files == [str(seed("000")), "<stdin>", str(seed("001"))]


def test_csv_from_extract_has_a_bom_and_a_row_per_input(corpus: Path, tmp_path: Path) -> None:
    (corpus / "empty.txt").write_bytes(b"")
    out = tmp_path / "run.csv"
    result = invoke("extract", str(corpus), "--format", "csv", "-o", str(out), "--evidence")
    assert result.exit_code == 1
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 8
    by_name = {Path(row["file"]).name: row for row in rows}
    assert by_name["empty.txt"]["error_kind"] == "empty"
    assert "not_a_report" in by_name["not_a_report.txt"]["failed_checks"].split()
    intact = by_name["t2021_intact.txt"]
    assert intact["template"] == "2021"
    assert intact["requests.new"] and intact["requests.new"] in intact["requests.new_evidence"]


def test_xlsx_from_extract(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "run.xlsx"
    assert (
        invoke(
            "extract", str(seed("004")), str(seed("003")), "-f", "xlsx", "-o", str(out)
        ).exit_code
        == 0
    )
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert len(rows) == 3


def test_a_failed_run_leaves_the_earlier_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    out.write_text("earlier")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = invoke("extract", str(empty), "-o", str(out))
    assert result.exit_code == 1
    assert out.read_text() == "earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.txt", "report.json"]


def test_output_that_cannot_be_written_is_a_usage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    result = invoke("extract", str(seed("004")), "-o", str(blocker / "out.json"))
    assert result.exit_code == 2
    assert f"cannot write {blocker / 'out.json'}" in result.stderr
    result = invoke("extract", str(seed("004")), "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "is a directory" in result.stderr


def test_warnings_and_summary_go_quiet_with_q(corpus: Path) -> None:
    loud = invoke("extract", str(corpus), "-f", "jsonl")
    assert loud.exit_code == 0
    assert "not_a_report.txt: does not look like" in loud.stderr
    assert "7 inputs: 7 ok; 1 not a disclosure report" in loud.stderr
    (corpus / "bad.txt").write_bytes(bytes(range(256)) * 8)
    quiet = invoke("-q", "extract", str(corpus), "-f", "jsonl")
    assert quiet.exit_code == 1
    assert quiet.stderr.strip().splitlines() == [
        f"error: {corpus / 'bad.txt'}: the file is binary data, not a text report"
    ]


def test_no_progress_bar_off_a_terminal(corpus: Path) -> None:
    result = invoke("extract", str(corpus), "-f", "jsonl", "-j", "2")
    assert "extracting" not in result.stderr
    assert "━" not in result.stderr


def test_progress_bar_only_for_many_inputs_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[int] = []

    class FakeProgress:
        def __init__(self, *columns: object, **kwargs: object) -> None:
            pass

        def __enter__(self) -> FakeProgress:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        def add_task(self, name: str, total: int) -> int:
            started.append(total)
            return 0

        def advance(self, task: int) -> None:
            pass

    monkeypatch.setattr(rich.progress, "Progress", FakeProgress)
    monkeypatch.setattr(extract_cmd, "is_tty", lambda: True)
    monkeypatch.setattr(state, "quiet", False)
    for total in (3, 10):
        with extract_cmd.progress(total) as advance:
            advance()
    monkeypatch.setattr(state, "quiet", True)
    with extract_cmd.progress(50):
        pass
    assert started == [10]


def test_broken_pipe_ends_quietly(corpus: Path) -> None:
    command = [
        sys.executable,
        "-c",
        "from extract.cli import main; main()",
        "-q",
        "extract",
        str(corpus),
        "-f",
        "jsonl",
        "-j",
        "1",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.wait(timeout=60)
    assert "Traceback" not in stderr
    assert "BrokenPipe" not in stderr


# ---------------------------------------------------------------- Ctrl-C

SLOW = (
    # Ctrl-C must reach Python even where the tests run in the background (bash then starts
    # them with SIGINT ignored, and a child keeps that)
    "import signal\nsignal.signal(signal.SIGINT, signal.default_int_handler)\n"
    "import time, extract.engines.rules as rules\n"
    "extract = rules.RulesEngine.extract\n"
    "def slow(self, doc):\n    time.sleep(0.15)\n    return extract(self, doc)\n"
    "rules.RulesEngine.extract = slow\n"
    "from extract.cli import main\nmain()\n"
)


def interrupted_run(folder: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Start a slowed-down batch, press Ctrl-C (SIGINT to the process group) mid-way."""
    command = [
        sys.executable,
        "-c",
        SLOW,
        "extract",
        str(folder),
        "--jsonl",
        str(out),
        "-j",
        "2",
        *extra,
    ]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until some records are written
        temps = list(out.parent.glob(f".{out.name}.*.tmp"))
        if (temps and temps[0].stat().st_size > 0) or process.poll() is not None:
            break
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


@pytest.fixture
def many(tmp_path: Path) -> Path:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(40):
        (folder / f"{i:02d}.txt").write_bytes(SEED_FILES[i % 5].read_bytes() + f"\n{i}".encode())
    return folder


def test_ctrl_c_stops_cleanly_without_partial_output(many: Path, tmp_path: Path) -> None:
    out = tmp_path / "run.jsonl"
    done = interrupted_run(many, out)
    assert done.returncode == 130, done.stderr
    assert "interrupted" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()
    assert not list(tmp_path.glob(".run.jsonl.*"))


def test_ctrl_c_under_resume_keeps_finished_records_and_resume_finishes(
    many: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run.jsonl"
    done = interrupted_run(many, out, "--resume")
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr
    kept = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert 0 < len(kept) < 40
    assert all("error" not in record for record in kept)
    again = invoke("extract", str(many), "--jsonl", str(out), "--resume")
    assert again.exit_code == 0
    assert f"{len(kept)} of 40 inputs already done" in again.stderr
    final = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [Path(r["source"]["file"]).name for r in final] == [f"{i:02d}.txt" for i in range(40)]
