"""The Python API: reading inputs safely, one report from a file, bytes or text."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

import extract
from extract.api import (
    extract_bytes,
    extract_file,
    extract_text,
    merge_checks,
    read_input,
    read_stream,
)
from extract.errors import InputError
from schemas import Check, Report, figure_dict
from tests.conftest import REPORTS, seed


def kind_of(path: Path, max_bytes: int = 1000) -> str:
    with pytest.raises(InputError) as err:
        read_input(path, max_bytes)
    return err.value.kind


def test_read_input_refuses_what_it_cannot_use(tmp_path: Path) -> None:
    assert kind_of(tmp_path / "missing.txt") == "missing"
    assert kind_of(tmp_path) == "unreadable"
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 1001)
    assert kind_of(big) == "too_large"
    pdf = tmp_path / "report.txt"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    assert kind_of(pdf) == "pdf"


def test_messages_name_the_file_and_what_to_do(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 3 * 2**20)
    with pytest.raises(InputError, match=r"big\.txt: 3\.0 MiB is over the 1\.0 MiB limit") as err:
        read_input(big, 2**20)
    assert "--max-size" in err.value.message
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    with pytest.raises(InputError, match="PDF is not supported, convert it to text first"):
        read_input(pdf)


def test_permission_denied_is_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("x")

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(InputError, match=r"locked\.txt: permission denied") as err:
        read_input(locked)
    assert err.value.kind == "unreadable"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_a_file_without_read_permission_is_unreadable(tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("x")
    locked.chmod(0)
    assert kind_of(locked) == "unreadable"


def test_streams_and_pipes_are_read_within_the_limit(tmp_path: Path) -> None:
    assert read_stream(io.BytesIO(b"abc"), "-", 3) == b"abc"
    with pytest.raises(InputError, match="more than the"):
        read_stream(io.BytesIO(b"abcd"), "-", 3)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    writer = os.fork()
    if writer == 0:  # the other end of the pipe writes more than the limit
        try:
            with open(fifo, "wb") as end:
                end.write(b"y" * 5000)
        finally:
            os._exit(0)
    try:
        assert kind_of(fifo, 1000) == "too_large"
    finally:
        os.waitpid(writer, 0)


def test_merge_checks_a_failure_wins() -> None:
    computed = [Check(id="a", status="pass"), Check(id="b", status="fail", message="x")]
    engine = [Check(id="a", status="fail", message="y"), Check(id="b", status="fail", message="z")]
    merged = {c.id: c for c in merge_checks(computed, engine)}
    assert merged["a"].status == "fail"
    assert merged["b"].message == "x; z"


# ---------------------------------------------------------------- the pipeline


def test_extract_file_gives_a_checked_report() -> None:
    path = seed("004")
    report = extract_file(path)
    assert isinstance(report, Report)
    assert report.source.file == path.name
    assert report.meta.template != "unknown"
    assert report.checks
    assert {c.id for c in report.checks} >= {"evidence_grounding", "not_a_report"}


def test_bytes_text_and_file_agree() -> None:
    path = seed("002")
    data = path.read_bytes()
    from_file = extract_file(path).model_dump(exclude={"source"})
    assert extract_bytes(data, path.name).model_dump(exclude={"source"}) == from_file
    text = extract_text(data.decode("utf-8"), path.name)
    assert text.model_dump(exclude={"source"}) == from_file


def test_the_package_exposes_the_api_lazily() -> None:
    assert extract.extract_file is extract_file
    assert extract.extract_text is extract_text
    assert issubclass(extract.InputError, Exception)


def test_not_a_report_gets_no_figures_and_a_failed_check() -> None:
    report = extract_file(REPORTS / "not_a_report.txt")
    assert report.meta.template == "unknown"
    assert all(q is None for q in figure_dict(report).values())
    (check,) = [c for c in report.checks if c.id == "not_a_report"]
    assert check.status == "fail"
    assert "does not look like" in check.message
    real = extract_file(seed("003"))
    assert [c.status for c in real.checks if c.id == "not_a_report"] == ["pass"]


def test_api_refuses_pdf_bytes_too() -> None:
    with pytest.raises(InputError) as err:
        extract_bytes(b"%PDF-1.5 ...", "x.pdf")
    assert err.value.kind == "pdf"
