"""``govreport export``: a JSONL run as the analysts' table (CSV or XLSX)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from extract.cli.app import app, fail, info
from extract.errors import InputError
from extract.export import TABLE_FORMATS, TableLayout, export_records, open_writer, read_records
from extract.output import atomic_writer


@app.command()
def export(
    run: Path = typer.Argument(..., help="JSONL (or JSON) output of `govreport extract`."),
    fmt: str = typer.Option("csv", "--format", "-f", help="csv or xlsx."),
    output: Path | None = typer.Option(
        None,
        "-o",
        "--output",
        help="Write here (default: RUN with the format's suffix); - for stdout.",
    ),
    approx: bool = typer.Option(False, "--approx", help="Add a _approx column per figure."),
    evidence: bool = typer.Option(False, "--evidence", help="Add an _evidence column per figure."),
) -> None:
    """One row per report, one column per contract figure, plus the failed check ids.

    CSV is UTF-8 with a byte-order mark, so spreadsheet software shows Chinese
    right; XLSX needs the export extra (openpyxl). Failed inputs keep their
    row, with error_kind and error_message.

    Examples:

      [bold]govreport export run.jsonl[/]  (writes run.csv)

      [bold]govreport export run.jsonl --format xlsx --evidence -o run.xlsx[/]
    """
    if fmt not in TABLE_FORMATS:
        raise fail(f"unknown table format {fmt!r}: choose csv or xlsx")
    target = output or run.with_suffix(f".{fmt}")
    if target.resolve() == run.resolve():
        raise fail(f"{target}: the output would overwrite its input")
    if str(target) == "-" and fmt == "xlsx":
        raise fail("xlsx is a binary file: give -o OUT.xlsx")
    layout = TableLayout(approx, evidence)
    records = read_records(run)
    try:
        if str(target) == "-":
            count = export_records(records, open_writer(fmt, sys.stdout.buffer, layout))
        else:
            with atomic_writer(target, "wb") as handle:
                count = export_records(records, open_writer(fmt, handle, layout))
    except InputError as err:
        raise fail(str(err)) from err
    if str(target) != "-":
        info(f"{target}: {count} rows")
