"""The analysts' table and the JSON writers, from hand-made reports and error records."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extract.cli import app
from extract.errors import InputError
from extract.export import (
    FIGURE_PATHS,
    CsvWriter,
    JsonWriter,
    TableLayout,
    export_records,
    open_writer,
    read_records,
)
from schemas import Channel, Check, Quantity, Report, Source

TITLE = "清河县2021年政府信息公开工作年度报告"
ERROR_LINE = json.dumps(
    {"source": {"file": "bad.txt", "sha256": None}, "error": {"kind": "binary", "message": "x"}}
)


def make_report(name: str = "a.txt") -> Report:
    report = Report(source=Source(file=name, sha256="ab" * 32))
    report.meta.title = TITLE
    report.meta.report_year = 2021
    report.meta.template = "2021"
    report.proactive.total = Quantity(value=4585, unit="条", evidence="共发布各类信息4585条")
    report.proactive.channels = [
        Channel(name="政府网站", count=Quantity(value=3000, unit="条", evidence="网站发布3000条")),
        Channel(name="微信", count=None),
    ]
    report.requests.new = Quantity(value=100, approx=True, unit="件", evidence="=收到申请100余件")
    report.fees.collected_yuan = Quantity(value=0, evidence="未收取任何费用")
    report.checks = [
        Check(id="requests_balance", status="fail", message="新收100 ≠ 办结90"),
        Check(id="appeals_sum", status="pass"),
        Check(id="year_consistency", status="fail", message="2020 ≠ 2021"),
    ]
    return report


def lines(*reports: Report) -> list[str]:
    return [r.model_dump_json() for r in reports]


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_figure_columns_follow_the_contract() -> None:
    for path in (
        "proactive.total",
        "requests.new",
        "requests.outcomes.granted",
        "requests.by_applicant.natural_person",
        "appeals.reconsideration.total",
        "appeals.litigation_total",
        "fees.collected_yuan",
        "capacity.staff",
        "proactive.normative_docs.in_force",
    ):
        assert path in FIGURE_PATHS
    assert not [path for path in FIGURE_PATHS if "matrix" in path or "channels" in path]


def test_csv_has_a_bom_and_one_row_per_record() -> None:
    out = io.BytesIO()
    export_records(iter([*lines(make_report()), ERROR_LINE]), CsvWriter(out, TableLayout()))
    data = out.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    report_row, error_row = csv_rows(data)
    assert report_row["file"] == "a.txt"
    assert report_row["title"] == TITLE
    assert report_row["proactive.total"] == "4585"
    assert report_row["fees.collected_yuan"] == "0"
    assert report_row["requests.outcomes.granted"] == ""
    assert report_row["failed_checks"] == "requests_balance year_consistency"
    assert report_row["proactive.channels"] == "政府网站=3000; 微信="
    assert report_row["error_kind"] == ""
    assert error_row["file"] == "bad.txt"
    assert error_row["error_kind"] == "binary"
    assert error_row["proactive.total"] == ""


def test_approx_and_evidence_columns_only_on_request() -> None:
    plain = TableLayout().header()
    assert "requests.new_approx" not in plain
    assert "requests.new_evidence" not in plain
    out = io.BytesIO()
    export_records(iter(lines(make_report())), CsvWriter(out, TableLayout(True, True)))
    (row,) = csv_rows(out.getvalue())
    assert row["requests.new"] == "100"
    assert row["requests.new_approx"] == "TRUE"
    assert row["proactive.total_approx"] == "FALSE"
    assert row["requests.new_evidence"] == "=收到申请100余件"
    assert row["capacity.staff_approx"] == ""


def test_json_writer_gives_an_object_for_one_report_and_an_array_for_several() -> None:
    out = io.BytesIO()
    export_records(iter(lines(make_report())), JsonWriter(out, single=True))
    assert json.loads(out.getvalue())["meta"]["title"] == TITLE
    out = io.BytesIO()
    export_records(iter([*lines(make_report()), ERROR_LINE]), JsonWriter(out))
    records = json.loads(out.getvalue())
    assert [r["source"]["file"] for r in records] == ["a.txt", "bad.txt"]
    out = io.BytesIO()
    export_records(iter([ERROR_LINE]), JsonWriter(out, single=True))
    assert out.getvalue() == b""


def test_read_records_takes_jsonl_arrays_and_single_objects(tmp_path: Path) -> None:
    report = make_report().model_dump(mode="json")
    jsonl = tmp_path / "run.jsonl"
    jsonl.write_text(json.dumps(report) + "\n\n" + ERROR_LINE + "\n", encoding="utf-8")
    assert len(list(read_records(jsonl))) == 2
    array = tmp_path / "run.json"
    array.write_text(json.dumps([report, report], indent=2), encoding="utf-8")
    assert len(list(read_records(array))) == 2
    single = tmp_path / "one.json"
    single.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    (line,) = read_records(single)
    assert json.loads(line)["meta"]["title"] == TITLE


def test_read_records_names_the_bad_line(tmp_path: Path) -> None:
    bad = tmp_path / "run.jsonl"
    bad.write_text(ERROR_LINE + "\n" + ERROR_LINE[:30] + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"run\.jsonl:2: not JSON"):
        list(read_records(bad))
    with pytest.raises(InputError) as missing:
        list(read_records(tmp_path / "nope.jsonl"))
    assert missing.value.kind == "missing"


def test_xlsx_round_trip(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = io.BytesIO()
    writer = open_writer("xlsx", out, TableLayout(evidence=True))
    export_records(iter([*lines(make_report(), make_report("b.txt")), ERROR_LINE]), writer)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert len(rows) == 4
    assert rows[1][header.index("title")] == TITLE
    assert rows[1][header.index("proactive.total")] == 4585
    assert rows[2][header.index("file")] == "b.txt"
    assert (
        rows[1][header.index("requests.new_evidence")] == "=收到申请100余件"
    )  # text, not a formula
    assert rows[3][header.index("error_kind")] == "binary"


def test_xlsx_without_openpyxl_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(InputError, match=r"govreport\[export\]") as err:
        open_writer("xlsx", io.BytesIO())
    assert err.value.kind == "config"


runner = CliRunner()


def write_run(path: Path, *extra: str) -> Path:
    path.write_text("\n".join([*lines(make_report(), make_report("b.txt")), *extra]) + "\n")
    return path


def test_export_command_writes_csv_beside_the_run(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run.jsonl", ERROR_LINE)
    result = runner.invoke(app, ["export", str(run)])
    assert result.exit_code == 0, result.output
    rows = csv_rows((tmp_path / "run.csv").read_bytes())
    assert [row["file"] for row in rows] == ["a.txt", "b.txt", "bad.txt"]


def test_export_to_stdout(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run.jsonl")
    result = runner.invoke(app, ["export", str(run), "-o", "-", "--approx"])
    assert result.exit_code == 0
    assert [row["requests.new_approx"] for row in csv_rows(result.stdout_bytes)] == ["TRUE"] * 2


def test_failed_export_leaves_the_old_output_untouched(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run.jsonl", "{not json")
    old = tmp_path / "run.csv"
    old.write_bytes(b"old")
    result = runner.invoke(app, ["export", str(run)])
    assert result.exit_code == 2
    assert "run.jsonl:3: not JSON" in result.stderr
    assert old.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.csv", "run.jsonl"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "ods"], "unknown table format"),
        (["--format", "xlsx", "-o", "-"], "xlsx is a binary file"),
        (["-o", "RUN"], "would overwrite its input"),
    ],
)
def test_export_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    run = write_run(tmp_path / "run.jsonl")
    args = [str(run) if a == "RUN" else a for a in args]
    result = runner.invoke(app, ["export", str(run), *args])
    assert result.exit_code == 2
    assert message in result.stderr
