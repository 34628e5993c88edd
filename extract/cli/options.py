"""Command-line options shared by the commands that run an engine (extract, eval, review)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from extract.engines import ENGINES, EngineOptions

EngineName = Annotated[str, typer.Option("--engine", "-e", help=f"One of {', '.join(ENGINES)}.")]
BaseUrl = Annotated[str | None, typer.Option(help="LLM endpoint (OpenAI-compatible).")]
Model = Annotated[str | None, typer.Option(help="LLM model name.")]
ApiKey = Annotated[str | None, typer.Option(help="LLM API key (or OPENAI_API_KEY).")]
Mode = Annotated[str, typer.Option(help="json_schema, tools, json or md_json.")]
MaxRetries = Annotated[int, typer.Option(help="Validation re-asks per LLM call.")]
Concurrency = Annotated[int, typer.Option(help="Concurrent LLM calls.")]


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
