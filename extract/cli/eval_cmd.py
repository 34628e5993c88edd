"""``govreport eval``, ``compare`` and ``review``: measure engines against gold, compare runs,
and review extractions in a browser. The evaluation modules are imported on use."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from extract.cli.app import app, fail, info, state, stderr
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
from extract.engines import ENGINES, EngineOptions
from extract.output import write_atomic

if TYPE_CHECKING:
    from eval.harness import GoldCase
    from eval.metrics import TextTable
    from eval.review import ReportView
    from schemas import Report

WIDE = 200
"""Table width when stdout is not a terminal (a file or a pipe): no wrapping."""

GOLD_HELP = "Gold folder (default: the bundled eval/gold)."
REPORTS_HELP = (
    "Folder holding the reports the gold names (repeatable; default: tests/fixtures/seeds "
    "and tests/fixtures/reports of the repository)."
)


def _print_tables(tables: Sequence[TextTable]) -> None:
    from rich.console import Console

    from eval.metrics import rich_table

    stdout = Console()
    if not stdout.is_terminal:
        stdout = Console(width=WIDE)
    for table in tables:
        if table.rows:
            stdout.print(rich_table(table))


def _report_dirs(reports: list[Path] | None) -> tuple[Path, ...]:
    from eval.harness import DEFAULT_REPORT_DIRS

    return tuple(reports) if reports else DEFAULT_REPORT_DIRS


def _texts(cases: Sequence[GoldCase]) -> list[tuple[str, Report, str]]:
    from extract.api import read_input
    from extract.normalize import normalize_bytes

    return [(c.name, c.gold, normalize_bytes(read_input(c.file)).text) for c in cases]


def _run_eval(
    cases: Sequence[GoldCase], engine_name: str, options: EngineOptions, gold_dir: Path,
    name: str, runs_dir: Path, cache_dir: Path | None, no_cache: bool,
) -> None:  # fmt: skip
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from eval import harness
    from eval.metrics import metric_tables
    from extract.cache import open_store
    from extract.engines import create_engine

    engine = create_engine(engine_name, options)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[current]}"),
    )
    with (
        open_store("eval", cache_dir) as store,
        Progress(*columns, console=stderr(), transient=True, disable=state.quiet) as bar,
    ):
        task = bar.add_task(f"eval {engine_name}", total=len(cases), current="")
        outcome = harness.run_eval(
            cases,
            engine,
            options,
            name=name,
            runs_dir=runs_dir,
            gold_dir=gold_dir,
            store=store,
            read_cache=not no_cache,
            on_done=lambda r: bar.update(task, advance=1, current=r.name),
        )
    _print_tables(metric_tables(outcome.metrics.metrics, "errors"))
    record = outcome.record
    cached, extracted = record["served_from_cache"], record["extracted"]
    if cached == len(outcome.results):
        info(
            f"all {cached} results served from the eval cache: no extraction work"
            f"{', no scoring' if record['metrics_from_cache'] else ''} "
            "(--no-cache to extract again)"
        )
    else:
        info(f"{extracted} extracted, {cached} served from the eval cache")
    for result in outcome.results:
        if result.error:
            info(
                f"[yellow]warning:[/] {result.name}: extraction failed ({result.error}); "
                "scored as an empty report"
            )
    info(
        f"run {name}: {len(outcome.results)} reports in {record['wall_s']:.3f} s → {outcome.folder}"
    )


@app.command("eval")
def eval_(
    gold: Path | None = typer.Option(None, "--gold", help=GOLD_HELP),
    reports: list[Path] | None = typer.Option(None, "--reports", help=REPORTS_HELP),
    engine: EngineName = "rules",
    name: str | None = typer.Option(None, "--name", help="Run name (default: engine-model-time)."),
    runs_dir: Path | None = typer.Option(None, "--runs-dir", help="Where runs go (eval/runs)."),
    inject: int = typer.Option(0, "--inject", min=0, help="Error-injection study: N per report."),
    seed: int = typer.Option(0, "--seed", help="Random seed of the error-injection study."),
    base_url: BaseUrl = None,
    model: Model = None,
    api_key: ApiKey = None,
    mode: Mode = "json_schema",
    max_retries: MaxRetries = 2,
    concurrency: Concurrency = 4,
    cache_dir: Path | None = typer.Option(None, help="Cache folder (eval and LLM stores)."),
    no_cache: bool = typer.Option(
        False, "--no-cache", help="Extract everything again (bypass the eval and LLM caches)."
    ),
) -> None:
    """Extract every gold-annotated report, score it, and store the run.

    Prints the metrics and writes eval/runs/NAME/ (run.json, metrics.json,
    metrics.md, reports/, texts/). Results are cached: an unchanged re-run
    does no extraction. With --inject N it instead perturbs each gold N times
    and reports which cross-checks notice.

    Examples:

      [bold]govreport eval --name rules-baseline[/]

      [bold]govreport eval --engine llm --model qwen2.5-7b --base-url http://localhost:8080/v1[/]

      [bold]govreport eval --inject 50 --seed 1[/]
    """
    from eval import harness

    if engine not in ENGINES:
        raise fail(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    gold_dir = gold or harness.DEFAULT_GOLD_DIR
    cases = harness.gold_cases(gold_dir, _report_dirs(reports))
    if inject:
        from eval.inject import inject_study, injection_tables

        injections = inject_study(_texts(cases), inject, seed)
        _print_tables(injection_tables(injections))
        info(f"{len(injections)} perturbations of {len(cases)} gold reports (seed {seed})")
        return
    options = engine_options(
        base_url, model, api_key, mode, max_retries, concurrency, cache_dir, no_cache
    )
    run_name = harness.safe_name(name) if name else harness.default_run_name(engine, model)
    _run_eval(
        cases,
        engine,
        options,
        gold_dir,
        run_name,
        runs_dir or harness.DEFAULT_RUNS_DIR,
        cache_dir,
        no_cache,
    )


@app.command()
def compare(
    runs: list[str] = typer.Argument(..., help="Run directories or names (first = baseline)."),
    fmt: str = typer.Option("text", "--format", "-f", help="text or md."),
    fail_on_regression: bool = typer.Option(
        False, "--fail-on-regression", help="Exit 1 if a later run is worse on any metric."
    ),
    gold: Path | None = typer.Option(
        None, "--gold", help="Gold folder (default: the first run's)."
    ),
    runs_dir: Path | None = typer.Option(None, "--runs-dir", help="Where run names are looked up."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write here, not stdout."),
) -> None:
    """Compare runs: metrics side by side with deltas, then every figure where they differ.

    Examples:

      [bold]govreport compare rules-baseline hybrid-qwen[/]

      [bold]govreport compare main pr --format md --fail-on-regression > compare.md[/]
    """
    from eval import harness
    from eval.compare import compare_runs, comparison_markdown, comparison_tables

    if len(runs) < 2:
        raise fail("compare needs at least two runs")
    if fmt not in ("text", "md"):
        raise fail(f"unknown format {fmt!r}: choose text or md")
    folder = runs_dir or harness.DEFAULT_RUNS_DIR
    stored = [harness.load_run(harness.resolve_run(ref, folder)) for ref in runs]
    gold_dir = gold or Path(stored[0].record.get("gold_dir") or harness.DEFAULT_GOLD_DIR)
    result = compare_runs(stored, harness.load_gold_dir(gold_dir))
    for warning in result.warnings:
        info(f"[yellow]warning:[/] {warning}")
    if fmt == "md":
        text = comparison_markdown(result)
        if output:
            write_atomic(output, text)
        else:
            typer.echo(text, nl=False)
    else:
        tables = comparison_tables(result)
        if output:
            from eval.metrics import markdown_table

            write_atomic(output, "\n".join(markdown_table(t) for t in tables))
        else:
            _print_tables(tables)
    for line in result.regressions:
        info(f"[red]regression:[/] {line}")
    if fail_on_regression and result.regressions:
        raise typer.Exit(1)


def _views_of(
    path: Path,
    engine: str,
    options: EngineOptions,
    gold_by_file: dict[str, Report],
    report_dirs: Sequence[Path],
    taken: set[str],
) -> list[ReportView]:
    """Review views of one PATH: a run directory, an extracted-report JSON, or a report file."""
    from pydantic import ValidationError

    from eval import harness
    from eval.review import report_view
    from extract.api import extract_bytes, read_input
    from extract.errors import InputError
    from extract.normalize import normalize_bytes
    from schemas import Report

    if path.is_dir() and (path / "run.json").is_file():
        run = harness.load_run(path)
        gold_dir = Path(run.record.get("gold_dir") or "")
        golds = harness.load_gold_dir(gold_dir) if gold_dir.is_dir() else {}
        return [
            report_view(
                name,
                report,
                run.texts.get(name, ""),
                golds.get(name) or gold_by_file.get(report.source.file),
                taken,
            )
            for name, report in run.reports.items()
        ]
    if path.suffix.lower() == ".json":
        try:
            report = Report.model_validate_json(read_input(path))
        except ValidationError as err:
            raise InputError("unreadable", f"{path}: not an extracted report ({err.error_count()} "
                             "schema errors)") from err  # fmt: skip
        source = harness.locate_report(report.source.file, (path.parent, *report_dirs))
        text = normalize_bytes(read_input(source)).text
    else:
        data = read_input(path)
        text = normalize_bytes(data).text
        report = extract_bytes(data, path.name, engine, options)
    return [report_view(path.stem, report, text, gold_by_file.get(report.source.file), taken)]


@app.command()
def review(
    paths: list[Path] = typer.Argument(
        ..., help="Report files, extracted-report JSON files or run directories."
    ),
    output: Path = typer.Option(..., "-o", "--output", help="The HTML file to write."),
    engine: str = typer.Option("rules", "--engine", "-e", help="Engine for report files."),
    gold: Path | None = typer.Option(None, "--gold", help=GOLD_HELP),
    reports: list[Path] | None = typer.Option(None, "--reports", help=REPORTS_HELP),
    title: str = typer.Option("govreport review", help="Page title."),
) -> None:
    """Write one self-contained HTML page to review extractions beside their text.

    Each figure links to its highlighted evidence; checks are coloured; where
    a gold annotates the report, figures are marked right, wrong, missed or
    invented.

    Examples:

      [bold]govreport review examples/*.txt -o review.html[/]

      [bold]govreport review eval/runs/rules-baseline -o review.html[/]
    """
    from eval import harness
    from eval.review import render_review

    if engine not in ENGINES:
        raise fail(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    gold_dir = gold or harness.DEFAULT_GOLD_DIR
    golds = harness.load_gold_dir(gold_dir) if gold_dir.is_dir() else {}
    gold_by_file = {g.source.file: g for g in golds.values()}
    options = EngineOptions()
    taken: set[str] = set()
    views: list[ReportView] = []
    for path in paths:
        views += _views_of(path, engine, options, gold_by_file, _report_dirs(reports), taken)
    write_atomic(output, render_review(views, title))
    info(f"{len(views)} report{'s' if len(views) != 1 else ''} → {output}")
