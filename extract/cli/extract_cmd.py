"""``govreport extract``: reports in, checked JSON out."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from extract.api import extract_file
from extract.cli.app import app, fail
from extract.engines import ENGINES, EngineOptions
from extract.output import write_atomic
from schemas import Report


def engine_options(
    base_url: str | None, model: str | None, api_key: str | None, mode: str,
    max_retries: int, concurrency: int, cache_dir: Path | None, no_cache: bool,
) -> EngineOptions:  # fmt: skip
    """EngineOptions from the command-line flags (LLM engines only)."""
    return EngineOptions(
        base_url=base_url,
        model=model,
        api_key=api_key,
        mode=mode,
        max_retries=max_retries,
        concurrency=concurrency,
        cache_dir=cache_dir,
        use_cache=not no_cache,
    )


def report_json(report: Report, indent: int | None = 2) -> str:
    """A report as contract JSON."""
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=indent)


@app.command()
def extract(
    paths: list[Path] = typer.Argument(..., help="Report files (.txt, .html)."),
    engine: str = typer.Option("rules", "--engine", "-e", help=f"One of {', '.join(ENGINES)}."),
    fmt: str = typer.Option("json", "--format", "-f", help="json or jsonl."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write here, not stdout."),
    base_url: str | None = typer.Option(None, help="LLM endpoint (OpenAI-compatible)."),
    model: str | None = typer.Option(None, help="LLM model name."),
    api_key: str | None = typer.Option(None, help="LLM API key (or OPENAI_API_KEY)."),
    mode: str = typer.Option("json_schema", help="json_schema, tools, json or md_json."),
    max_retries: int = typer.Option(2, help="Validation re-asks per LLM call."),
    concurrency: int = typer.Option(4, help="Concurrent LLM calls."),
    cache_dir: Path | None = typer.Option(None, help="LLM cache folder."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the cache."),
) -> None:
    """Extract the figures of each report as JSON (CONTRACT.md).

    Examples:

      [bold]govreport extract examples/004_20fa491b52b245f1.txt[/]

      [bold]govreport extract examples/*.txt --format jsonl -o out.jsonl[/]
    """
    if engine not in ENGINES:
        raise fail(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    if fmt not in ("json", "jsonl"):
        raise fail(f"unknown format {fmt!r}: choose json or jsonl")
    options = engine_options(
        base_url, model, api_key, mode, max_retries, concurrency, cache_dir, no_cache
    )
    reports = [extract_file(path, engine, options) for path in paths]
    if fmt == "jsonl":
        text = "".join(report_json(r, None) + "\n" for r in reports)
    elif len(reports) == 1:
        text = report_json(reports[0]) + "\n"
    else:
        text = "[\n" + ",\n".join(report_json(r) for r in reports) + "\n]\n"
    if output:
        write_atomic(output, text)
    else:
        typer.echo(text, nl=False)
