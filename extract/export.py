"""Records out: JSON, JSONL, and the analysts' table (CSV with BOM, XLSX).

A record is one JSON object: a report (CONTRACT.md) or an error record
``{"source": {...}, "error": {"kind", "message"}}``. The table has one row per
record: the input and its meta, the ids of the failed checks, one column per
contract figure (its value; ``_approx`` and ``_evidence`` columns on request),
the channels, and the error of a failed input. Writers stream: one record in,
one row out, so a table of any size needs little memory.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from extract.errors import InputError
from schemas import Report, Source, iter_figures

FORMATS = ("json", "jsonl", "csv", "xlsx")
TABLE_FORMATS = ("csv", "xlsx")

META_COLUMNS: tuple[tuple[str, str], ...] = (
    ("file", "source.file"),
    ("sha256", "source.sha256"),
    ("title", "meta.title"),
    ("issuer", "meta.issuer"),
    ("report_year", "meta.report_year"),
    ("title_year", "meta.title_year"),
    ("publish_date", "meta.publish_date"),
    ("template", "meta.template"),
    ("script", "meta.script"),
    ("engine", "engine.name"),
)
"""(column, record path) of the identity and meta columns, first in every row."""
FIGURE_PATHS: tuple[str, ...] = tuple(
    path for path, _ in iter_figures(Report(source=Source(file="", sha256="")))
)
"""Every fixed contract figure (channels and the full request matrix excluded)."""

Cell = str | int | float | bool | None


def dig(record: dict[str, Any], path: str) -> Any:
    """The value at a dotted path of a JSON record, None where any part is missing."""
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


@dataclass(frozen=True)
class TableLayout:
    """The table's columns: figure values, optionally with their approx flag and evidence."""

    approx: bool = False
    evidence: bool = False

    def header(self) -> list[str]:
        columns = [name for name, _ in META_COLUMNS]
        columns += ["failed_checks", "error_kind", "error_message"]
        for path in FIGURE_PATHS:
            columns.append(path)
            if self.approx:
                columns.append(f"{path}_approx")
            if self.evidence:
                columns.append(f"{path}_evidence")
        columns.append("proactive.channels")
        return columns

    def row(self, record: dict[str, Any]) -> list[Cell]:
        cells: list[Cell] = [dig(record, path) for _, path in META_COLUMNS]
        failed = [c.get("id") for c in record.get("checks") or [] if c.get("status") == "fail"]
        cells += [" ".join(str(i) for i in failed), dig(record, "error.kind")]
        cells.append(dig(record, "error.message"))
        for path in FIGURE_PATHS:
            figure = dig(record, path)
            has = isinstance(figure, dict)
            cells.append(figure.get("value") if has else None)
            if self.approx:
                cells.append(bool(figure.get("approx")) if has else None)
            if self.evidence:
                cells.append(figure.get("evidence") if has else None)
        cells.append(channels_cell(record))
        return cells


def channels_cell(record: dict[str, Any]) -> str:
    """The channels as ``name=count`` pairs ("政府网站=3000; 微信=214")."""
    pairs = []
    for channel in dig(record, "proactive.channels") or []:
        count = (channel.get("count") or {}).get("value")
        pairs.append(f"{channel.get('name')}={'' if count is None else count}")
    return "; ".join(pairs)


# ---------------------------------------------------------------- writers


class RecordWriter(Protocol):
    """Takes records as JSON lines, one at a time; ``close`` finishes the document."""

    def write(self, line: str) -> None: ...

    def close(self) -> None: ...


class JsonlWriter:
    """One record per line."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle

    def write(self, line: str) -> None:
        self.handle.write(line.encode("utf-8") + b"\n")

    def close(self) -> None:
        self.handle.flush()


class JsonWriter:
    """An indented JSON array, or with ``single`` the one report as an object.

    A single input that failed writes nothing: its error line says it all.
    """

    def __init__(self, handle: IO[bytes], single: bool = False) -> None:
        self.handle = handle
        self.single = single
        self.count = 0

    def write(self, line: str) -> None:
        record = json.loads(line)
        if self.single and "error" in record:
            return
        text = json.dumps(record, ensure_ascii=False, indent=2)
        if not self.single:
            text = ("[\n" if self.count == 0 else ",\n") + text
        self.handle.write(text.encode("utf-8"))
        self.count += 1

    def close(self) -> None:
        if self.single:
            self.handle.write(b"\n" if self.count else b"")
        else:
            self.handle.write(b"\n]\n" if self.count else b"[]\n")
        self.handle.flush()


class CsvWriter:
    """UTF-8 CSV with a byte-order mark, so spreadsheet software reads Chinese right."""

    def __init__(self, handle: IO[bytes], layout: TableLayout) -> None:
        self.text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        self.layout = layout
        self.csv = csv.writer(self.text)
        self.csv.writerow(layout.header())

    def write(self, line: str) -> None:
        self.csv.writerow([_csv_cell(cell) for cell in self.layout.row(json.loads(line))])

    def close(self) -> None:
        self.text.flush()
        self.text.detach()


def _csv_cell(cell: Cell) -> Cell:
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    return cell


class XlsxWriter:
    """One sheet ``reports`` written row by row (openpyxl's write-only mode)."""

    SHEET = "reports"
    MAX_TEXT = 32767

    def __init__(self, handle: IO[bytes], layout: TableLayout) -> None:
        openpyxl = require_openpyxl()
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell

        self.handle = handle
        self.layout = layout
        self.book = openpyxl.Workbook(write_only=True)
        self.sheet = self.book.create_sheet(self.SHEET)
        self.sheet.freeze_panes = "B2"
        self.illegal = ILLEGAL_CHARACTERS_RE
        self.cell_type = WriteOnlyCell
        self.sheet.append(layout.header())

    def write(self, line: str) -> None:
        self.sheet.append([self._cell(cell) for cell in self.layout.row(json.loads(line))])

    def _cell(self, value: Cell) -> Any:
        if not isinstance(value, str):
            return value
        cell = self.cell_type(self.sheet, self.illegal.sub("", value)[: self.MAX_TEXT])
        cell.data_type = "s"  # text stays text: "=..." is not a formula
        return cell

    def close(self) -> None:
        self.book.save(self.handle)
        self.handle.flush()


def require_openpyxl() -> Any:
    """The openpyxl module, or a clear error naming the extra that installs it."""
    try:
        import openpyxl
    except ImportError as err:
        raise InputError(
            "config", "xlsx output needs openpyxl: pip install 'govreport[export]'"
        ) from err
    return openpyxl


def open_writer(
    fmt: str, handle: IO[bytes], layout: TableLayout | None = None, single: bool = False
) -> RecordWriter:
    """A writer of ``fmt`` (json, jsonl, csv or xlsx) onto a binary handle."""
    layout = layout or TableLayout()
    if fmt == "jsonl":
        return JsonlWriter(handle)
    if fmt == "json":
        return JsonWriter(handle, single)
    if fmt == "csv":
        return CsvWriter(handle, layout)
    if fmt == "xlsx":
        return XlsxWriter(handle, layout)
    raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")


# ---------------------------------------------------------------- reading records


def read_records(path: Path) -> Iterator[str]:
    """The records of a JSONL output (or of a JSON array or object), each as one JSON line.

    Anything else is an :class:`InputError` naming the line that is not a record.
    """
    try:
        handle = path.open(encoding="utf-8-sig")
    except FileNotFoundError as err:
        raise InputError("missing", f"{path}: no such file") from err
    except OSError as err:
        raise InputError("unreadable", f"{path}: {err.strerror or err}") from err
    try:
        with handle:
            first = handle.readline()
            handle.seek(0)
            if first.strip() and not _is_object(first):
                yield from _document_records(path, handle)
                return
            for number, line in enumerate(handle, 1):
                if line.strip():
                    yield _record_line(path, number, line)
    except UnicodeDecodeError as err:
        raise InputError("unreadable", f"{path}: not UTF-8 text ({err.reason})") from err


def _is_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except json.JSONDecodeError:
        return False


def _record_line(path: Path, number: int, line: str) -> str:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise InputError("unreadable", f"{path}:{number}: not JSON ({err.msg})") from err
    if not isinstance(record, dict):
        raise InputError("unreadable", f"{path}:{number}: not a JSON object")
    return line.rstrip("\n")


def _document_records(path: Path, handle: IO[str]) -> Iterator[str]:
    """The records of a whole-file JSON document: an array of records, or one record."""
    try:
        document = json.load(handle)
    except json.JSONDecodeError as err:
        raise InputError("unreadable", f"{path}: neither JSONL nor JSON ({err.msg})") from err
    records = document if isinstance(document, list) else [document]
    for number, record in enumerate(records, 1):
        if not isinstance(record, dict):
            raise InputError("unreadable", f"{path}: item {number} is not a JSON object")
        yield json.dumps(record, ensure_ascii=False)


def export_records(records: Iterator[str], writer: RecordWriter) -> int:
    """Write every record; returns how many."""
    count = 0
    for line in records:
        writer.write(line)
        count += 1
    writer.close()
    return count
