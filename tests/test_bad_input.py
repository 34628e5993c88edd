"""Bad and odd input: the right result, or one clear error line and a non-zero exit.

Never a traceback (only with --verbose), never a partial output file.
"""

from __future__ import annotations

import codecs
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from extract.cli import app
from schemas import Report, figure_dict
from tests.conftest import REPORTS, ROOT, seed

runner = CliRunner()
GOVREPORT = [sys.executable, "-c", "from extract.cli import main; main()"]
INTACT_2021 = REPORTS / "t2021_intact.txt"


def extract_json(path: Path, *args: str) -> dict[str, Any]:
    """The one report ``govreport extract PATH`` prints; the command must succeed."""
    result = runner.invoke(app, ["extract", str(path), *args])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def figures(report: dict[str, Any]) -> dict[str, tuple[object, bool] | None]:
    """Every figure's (value, approx) by contract path: what a decoding slip would change."""
    parsed = Report.model_validate(report)
    return {
        path: None if q is None else (q.value, q.approx) for path, q in figure_dict(parsed).items()
    }


def failure(args: list[str], tmp_path: Path) -> tuple[str, Path]:
    """Run a command that must fail on its input: exit 1, one error line, no output file."""
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["extract", *args, "-o", str(out)])
    assert result.exit_code == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.json")] == []
    return lines[0], out


@pytest.fixture(scope="module")
def baseline() -> dict[str, dict[str, Any]]:
    """The UTF-8 extractions the re-encoded variants must match."""
    files = {"002": seed("002"), "004": seed("004"), "000": seed("000"), "2021": INTACT_2021}
    return {key: figures(extract_json(path)) for key, path in files.items()}


# ---------------------------------------------------------------- refused inputs


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b" \r\n\t\n")
    line, _ = failure([str(empty)], tmp_path)
    assert line == f"error: {empty}: the file holds no text"


def test_binary_data(tmp_path: Path) -> None:
    blob = tmp_path / "image.txt"
    blob.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    line, _ = failure([str(blob)], tmp_path)
    assert "binary data, not a text report" in line


def test_pdf_is_refused_with_advice(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    line, _ = failure([str(pdf)], tmp_path)
    assert line.endswith("PDF is not supported, convert it to text first")


def test_missing_path(tmp_path: Path) -> None:
    line, _ = failure([str(tmp_path / "nowhere.txt")], tmp_path)
    assert line == f"error: {tmp_path / 'nowhere.txt'}: no such file"


def test_directory_without_reports(tmp_path: Path) -> None:
    folder = tmp_path / "scraped"
    folder.mkdir()
    (folder / "index.json").write_text("{}")
    line, _ = failure([str(folder)], tmp_path)
    assert line.startswith(f"error: {folder}: no report files (.htm, .html, .txt)")


def test_path_without_read_permission(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("x")
    real_open = Path.open

    def guarded(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", guarded)
    line, _ = failure([str(locked)], tmp_path)
    assert line == f"error: {locked}: permission denied"


def test_30_mb_file_is_refused_by_default(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(30 * 10**6)  # sparse: the size is checked before any byte is read
    line, _ = failure([str(big)], tmp_path)
    assert "28.6 MiB is over the 20.0 MiB limit (raise it with --max-size)" in line


def test_a_smaller_limit_is_configurable(tmp_path: Path) -> None:
    line, _ = failure([str(seed("004")), "--max-size", "4k"], tmp_path)
    assert line.endswith("10.8 KiB is over the 4.0 KiB limit (raise it with --max-size)")


# ---------------------------------------------------------------- odd input, right result


def test_nul_bytes_are_dropped(baseline: dict[str, Any], tmp_path: Path) -> None:
    text = seed("004").read_bytes()
    nul = tmp_path / "nul.txt"
    nul.write_bytes(b"\x00\x00" + text.replace(b"\n", b"\x00\n"))
    assert figures(extract_json(nul)) == baseline["004"]


def test_truncated_utf8(tmp_path: Path) -> None:
    text = INTACT_2021.read_text(encoding="utf-8")
    cut = tmp_path / "cut.txt"
    cut.write_bytes((text + "完").encode("utf-8")[:-1])  # cut inside the last character
    report = extract_json(cut)
    assert report["meta"]["template"] == "2021"
    assert report["source"]["encoding"] == "utf-8"
    assert figures(report)["requests.new"] == figures(extract_json(INTACT_2021))["requests.new"]


@pytest.mark.parametrize(("key", "encoding"), [("004", "gbk"), ("002", "gb18030"), ("000", "big5")])
def test_chinese_legacy_encodings(
    baseline: dict[str, Any], tmp_path: Path, key: str, encoding: str
) -> None:
    source = seed(key).read_text(encoding="utf-8")
    path = tmp_path / f"{key}.txt"
    path.write_bytes(source.encode(encoding))
    assert figures(extract_json(path)) == baseline[key]


UTF16 = [
    ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE),
    ("utf-16-le", b""),
    ("utf-16-be", b""),
]


@pytest.mark.parametrize(("codec", "bom"), UTF16)
def test_utf16_with_and_without_bom(
    baseline: dict[str, Any], tmp_path: Path, codec: str, bom: bytes
) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes(bom + INTACT_2021.read_text(encoding="utf-8").encode(codec))
    report = extract_json(path)
    assert report["source"]["encoding"].startswith("utf-16")
    assert figures(report) == baseline["2021"]


def test_crlf_line_ends(baseline: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    text = INTACT_2021.read_text(encoding="utf-8")
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    report = extract_json(path)
    assert figures(report) == baseline["2021"]
    assert not [
        q
        for q in figure_dict(Report.model_validate(report)).values()
        if q is not None and "\r" in q.evidence
    ]


def test_html_page_ignores_scripts_and_styles(tmp_path: Path) -> None:
    report = extract_json(REPORTS / "page_2021.html")
    assert report["meta"]["template"] == "2021"
    found = figure_dict(Report.model_validate(report))
    assert found["proactive.total"] is not None and found["proactive.total"].value == 1236
    assert found["requests.new"] is not None and found["requests.new"].value == 26
    for quantity in found.values():
        if quantity is not None:
            assert "document." not in quantity.evidence and "{" not in quantity.evidence


def test_numbers_inside_scripts_are_never_figures(tmp_path: Path) -> None:
    body = INTACT_2021.read_text(encoding="utf-8").replace("\n", "</p>\n<p>")
    lure = "本年度主动公开政府信息987654条"
    page = (
        f"<html><head><style>p {{ margin: 0 }} /* {lure} */</style>"
        f"<script>var note = '{lure}';</script></head>"
        f"<body><p>{body}</p><script>document.title = '{lure}';</script></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    report = extract_json(path)
    total = report["proactive"]["total"]
    assert total is not None and total["value"] != 987654
    assert "987654" not in json.dumps(report, ensure_ascii=False)


def test_text_that_is_not_a_report_gets_no_figures_and_a_warning() -> None:
    result = runner.invoke(app, ["extract", str(REPORTS / "not_a_report.txt")])
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["meta"]["template"] == "unknown"
    assert all(value is None for value in figures(report).values())
    assert [c["status"] for c in report["checks"] if c["id"] == "not_a_report"] == ["fail"]
    assert "warning:" in result.stderr and "does not look like" in result.stderr


# ---------------------------------------------------------------- the real command


def run_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*GOVREPORT, *args], capture_output=True, text=True, cwd=ROOT)


def test_the_command_prints_one_line_and_no_traceback(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    done = run_command("extract", str(empty))
    assert done.returncode == 1
    assert done.stderr == f"error: {empty}: the file holds no text\n"
    assert done.stdout == ""


def test_an_internal_error_costs_one_record_and_shows_its_traceback_only_with_verbose(
    tmp_path: Path,
) -> None:
    boom = (
        "import extract.engines.rules as rules\n"
        "def boom(self, doc): raise ZeroDivisionError('a bug')\n"
        "rules.RulesEngine.extract = boom\n"
        "from extract.cli import main\nmain()\n"
    )
    args = [sys.executable, "-c", boom, "extract", str(seed("004")), "--jsonl", str(tmp_path / "o")]
    quiet = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    assert quiet.returncode == 1
    assert quiet.stderr.strip() == f"error: {seed('004')}: ZeroDivisionError: a bug"
    (record,) = [json.loads(line) for line in (tmp_path / "o").read_text().splitlines()]
    assert record["error"] == {"kind": "internal", "message": "ZeroDivisionError: a bug"}
    verbose = subprocess.run([*args[:3], "-v", *args[3:]], capture_output=True, text=True, cwd=ROOT)
    assert "Traceback" in verbose.stderr and "ZeroDivisionError" in verbose.stderr


def test_a_30_mb_report_finishes_with_bounded_memory_under_a_raised_limit(tmp_path: Path) -> None:
    unit = seed("004").read_bytes() + b"\n"
    big = tmp_path / "big.txt"
    big.write_bytes(unit * (30 * 10**6 // len(unit) + 1))
    out = tmp_path / "big.json"
    script = (
        "import resource, sys\nfrom extract.cli import main\n"
        "try:\n    main()\nfinally:\n"
        "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            "-q",
            "extract",
            str(big),
            "--max-size",
            "40MB",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    peak_mib = int(done.stderr.split()[-1]) / 1024
    assert peak_mib < 400, f"peak RSS {peak_mib:.0f} MiB"
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["source"]["size_bytes"] == big.stat().st_size
