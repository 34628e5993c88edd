"""``govreport extract``: reports in (files, folders, stdin), checked JSON or a table out.

Exit codes: 0 every input extracted, 1 some failed (each has an error record
and an error line), 2 usage error or an engine that cannot work (the batch
stops), 130 interrupted.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import typer

from extract.api import DEFAULT_MAX_BYTES
from extract.batch import (
    BatchSettings,
    Job,
    Record,
    ResumePlan,
    Summary,
    WorkerPool,
    default_jobs,
    discover,
    engine_for,
    plan_resume,
)
from extract.cli.app import app, fail, info, is_tty, state, stderr
from extract.cli.options import (
    ApiKey,
    BaseUrl,
    Concurrency,
    EngineName,
    MaxRetries,
    Mode,
    Model,
    engine_options,
)
from extract.engines import ENGINES
from extract.errors import InputError
from extract.export import FORMATS, TABLE_FORMATS, TableLayout, open_writer
from extract.output import atomic_writer

PROGRESS_MIN_INPUTS = 6
"""A progress bar from this many inputs on (on a terminal, without -q)."""
_SIZE_RE = re.compile(r"(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}


def parse_size(text: str) -> int:
    """Bytes from a size such as ``20MB``, ``500k``, ``1.5G`` or ``1000`` (powers of 1024)."""
    match = _SIZE_RE.fullmatch(text.strip())
    if not match:
        raise ValueError(f"not a size: {text!r} (try 20MB, 500KB, 1GB)")
    return int(float(match.group(1)) * _SIZE_UNITS[match.group(2).lower()])


@dataclass(frozen=True)
class OutputPlan:
    """Where records go and in which shape."""

    fmt: str
    path: Path | None
    layout: TableLayout
    resume: bool


def output_plan(
    fmt: str, output: Path | None, jsonl: Path | None, resume: bool, approx: bool, evidence: bool
) -> OutputPlan:
    """The output the flags ask for; usage errors (exit 2) for combinations that make no sense."""
    if fmt not in FORMATS:
        raise fail(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if jsonl is not None:
        if output is not None:
            raise fail("give --jsonl OUT or -o OUT, not both")
        if fmt not in ("json", "jsonl"):
            raise fail(f"--jsonl writes JSONL: it cannot be combined with --format {fmt}")
        fmt, output = "jsonl", jsonl
    if (approx or evidence) and fmt not in TABLE_FORMATS:
        raise fail("--approx and --evidence add table columns: use them with --format csv or xlsx")
    if fmt == "xlsx" and output is None:
        raise fail("--format xlsx needs an output file: -o OUT.xlsx")
    if resume and (fmt != "jsonl" or output is None):
        raise fail("--resume needs a JSONL output file to resume: --jsonl OUT")
    if output is not None and output.is_dir():
        raise fail(f"{output}: is a directory, give an output file")
    return OutputPlan(fmt, output, TableLayout(approx, evidence), resume)


@app.command()
def extract(
    paths: list[str] = typer.Argument(
        ..., help="Report files (.txt, .html), folders (searched recursively) or - for stdin."
    ),
    engine: EngineName = "rules",
    fmt: str = typer.Option("json", "--format", "-f", help="json, jsonl, csv or xlsx."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write here, not stdout."),
    jsonl: Path | None = typer.Option(
        None, "--jsonl", help="Write JSONL here (same as --format jsonl -o OUT)."
    ),
    jobs: int | None = typer.Option(
        None, "--jobs", "-j", min=1, help="Worker processes (default: the number of cores)."
    ),
    max_size: str = typer.Option(
        f"{DEFAULT_MAX_BYTES // 2**20}MB",
        "--max-size",
        help="Refuse larger inputs (e.g. 50MB; K, M, G are powers of 1024).",
    ),
    resume: bool = typer.Option(
        False, "--resume", help="Keep reports the JSONL output already holds (by input hash)."
    ),
    approx: bool = typer.Option(False, "--approx", help="Table: add a _approx column per figure."),
    evidence: bool = typer.Option(
        False, "--evidence", help="Table: add an _evidence column per figure."
    ),
    base_url: BaseUrl = None,
    model: Model = None,
    api_key: ApiKey = None,
    mode: Mode = "json_schema",
    max_retries: MaxRetries = 2,
    concurrency: Concurrency = 4,
    cache_dir: Path | None = typer.Option(None, help="LLM cache folder."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the cache."),
) -> None:
    """Extract the figures of each report as JSON (CONTRACT.md), or as a table.

    Folders are searched for *.txt, *.html and *.htm; - reads stdin. One bad
    input never stops the batch: it gets an error record and an error line.
    Outputs keep the input order and are written atomically.

    Exit codes: 0 all extracted, 1 some failed, 2 usage or engine error, 130 interrupted.

    Examples:

      [bold]govreport extract tests/fixtures/seeds/004_20fa491b52b245f1.txt[/]

      [bold]govreport extract corpus/ --jsonl run.jsonl --jobs 4 --resume[/]

      [bold]govreport extract corpus/ --format csv -o run.csv[/]
    """
    if engine not in ENGINES:
        raise fail(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    if paths.count("-") > 1:
        raise fail("stdin (-) can be read only once")
    try:
        max_bytes = parse_size(max_size)
    except ValueError as err:
        raise fail(f"--max-size: {err}") from err
    plan = output_plan(fmt, output, jsonl, resume, approx, evidence)
    options = engine_options(
        base_url, model, api_key, mode, max_retries, concurrency, cache_dir, no_cache
    )
    settings = BatchSettings(engine, options, jobs or default_jobs(), max_bytes, state.verbose)
    try:
        engine_for(settings)  # a bad engine configuration is one error, not one per input
    except InputError as err:
        raise fail(str(err)) from err
    inputs = discover(paths, max_bytes=max_bytes, exclude=plan.path)
    if not inputs:
        raise fail("nothing to extract: the only input named is the output file")
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        summary = run(inputs, settings, plan)
    except KeyboardInterrupt:
        left = f": {plan.path} left as it was" if plan.path else ""
        stderr().print(f"interrupted{left}", highlight=False)
        raise typer.Exit(130) from None
    except InputError as err:  # the engine cannot work: the batch stopped
        raise fail(str(err)) from err
    finally:
        signal.signal(signal.SIGTERM, previous)
    if len(inputs) > 1:
        info(summary.line())
    raise typer.Exit(summary.exit_code())


def run(inputs: list[Job], settings: BatchSettings, plan: OutputPlan) -> Summary:
    """Extract ``inputs`` into the planned output; the summary of what happened.

    Ctrl-C, or an engine that cannot work (an endpoint down), stops the run and
    drops the output (it is written atomically), except under --resume, where
    the finished records are kept so that the next --resume run goes on.
    """
    summary = Summary()
    single = plan.fmt == "json" and len(inputs) == 1
    stopped: KeyboardInterrupt | InputError | None = None
    with ExitStack() as stack:
        resumed = resume_plan(stack, inputs, settings, plan)
        handle = open_output(stack, plan.path)
        writer = open_writer(plan.fmt, handle, plan.layout, single)
        to_run = inputs if resumed is None else resumed.to_run
        last, kept = -1, 0
        try:
            with WorkerPool(settings, len(to_run)) as pool, progress(len(inputs)) as advance:
                computed = pool.map(to_run)
                records = computed if resumed is None else resumed.records(inputs, computed)
                for record in records:
                    writer.write(record.line)
                    last = record.index
                    if resumed is not None:
                        kept = handle.tell()
                    summary.add(record)
                    announce(record)
                    advance()
        except (KeyboardInterrupt, InputError) as stop:
            if resumed is None:
                raise
            stopped = stop
            handle.seek(kept)  # a record cut by Ctrl-C is dropped, whole ones stay
            handle.truncate()
            for record in resumed.reused_after(last):
                writer.write(record.line)
                summary.add(record)
        except BrokenPipeError:  # stdout closed early (| head): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(1) from None
        if resumed is not None:
            for line in resumed.leftover_lines():
                writer.write(line)
        if single and summary.failed:
            raise typer.Exit(1)  # nothing to write: the atomic output is dropped
        writer.close()
    if stopped is not None:
        kept_note = f"{plan.path} keeps {summary.ok} finished reports; run again to go on"
        if isinstance(stopped, InputError):
            raise fail(f"{stopped}; {kept_note}")
        stderr().print(f"interrupted: {kept_note}", highlight=False)
        raise typer.Exit(130)
    return summary


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops a run like Ctrl-C: workers end, no partial output is left."""
    raise KeyboardInterrupt


def resume_plan(
    stack: ExitStack, inputs: list[Job], settings: BatchSettings, plan: OutputPlan
) -> ResumePlan | None:
    """Under --resume: what the earlier output holds, and what still has to run."""
    if not plan.resume or plan.path is None:
        return None
    if not plan.path.exists():
        info(f"{plan.path}: no earlier output, extracting every input")
        return ResumePlan(to_run=list(inputs))
    try:
        earlier = stack.enter_context(plan.path.open("rb"))
    except OSError as err:
        raise fail(f"cannot read {plan.path} to resume: {err.strerror or err}") from err
    resumed = plan_resume(inputs, earlier, settings.max_bytes)
    info(f"{plan.path}: {len(resumed.reused)} of {len(inputs)} inputs already done")
    return resumed


def open_output(stack: ExitStack, path: Path | None) -> IO[bytes]:
    """stdout, or a temp file that replaces ``path`` only when the run completes."""
    if path is None:
        return sys.stdout.buffer
    try:
        return stack.enter_context(atomic_writer(path, "wb"))
    except OSError as err:
        raise fail(f"cannot write {path}: {err.strerror or err}") from err


def announce(record: Record) -> None:
    """One stderr line for a failed input, a warning for a text that is not a report."""
    if record.ok and record.template != "unknown":
        return
    from rich.markup import escape  # loaded only when there is something to say

    if not record.ok:
        stderr().print(
            f"[bold red]error:[/] {escape(record.name)}: {escape(record.error_message or '')}",
            highlight=False,
            soft_wrap=True,
        )
    elif record.template == "unknown":
        info(
            f"[yellow]warning:[/] {escape(record.name)}: does not look like a "
            "government information-disclosure annual report (no template recognised)"
        )


@contextlib.contextmanager
def progress(total: int) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr for more than a handful of inputs, on a terminal, without -q."""
    if total < PROGRESS_MIN_INPUTS or state.quiet or not is_tty():
        yield lambda: None
        return
    from rich.progress import (  # here: a batch without a bar need not load it
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("extracting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=stderr(), transient=True) as bar:
        task = bar.add_task("extract", total=total)
        yield lambda: bar.advance(task)
