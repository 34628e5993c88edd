"""``govreport cache stats|clear``: look into or empty the cache folder."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import typer

from extract.cache import STORES, cache_root, open_store
from extract.cli.app import app, fail

cache_app = typer.Typer(
    help="Inspect or clear the cache (LLM answers, eval runs).", no_args_is_help=True
)
app.add_typer(cache_app, name="cache")

CACHE_DIR = typer.Option(
    None, "--cache-dir", help="Cache folder (default: GOVREPORT_CACHE_DIR or the user cache)."
)


def llm_usage(values: list[Any]) -> dict[str, Any]:
    """Entries by model and the tokens they cost when first asked (the tokens a re-run saves)."""
    models: Counter[str] = Counter()
    prompt = completion = 0
    for value in values:
        try:
            entry = json.loads(value)
            models[entry["model"]] += 1
            prompt += sum(a["prompt"] for a in entry["attempts"])
            completion += sum(a["completion"] for a in entry["attempts"])
        except (TypeError, ValueError, KeyError):
            continue
    return {"by_model": dict(models), "prompt_tokens": prompt, "completion_tokens": completion}


def store_stats(store: str, root: Path | None) -> dict[str, Any]:
    """Folder, entry count and size of one store (and LLM usage for ``llm``)."""
    with open_store(store, root) as cache:
        stats: dict[str, Any] = {
            "store": store,
            "folder": str(cache.directory),
            "entries": len(cache),
            "bytes": cache.volume(),
        }
        if store == "llm":
            stats.update(llm_usage([cache.get(key) for key in cache.iterkeys()]))
    return stats


@cache_app.command("stats")
def stats(
    cache_dir: Path | None = CACHE_DIR,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """How many entries each store holds, their size, and the LLM tokens they stand for."""
    found = [store_stats(store, cache_dir) for store in STORES]
    if as_json:
        typer.echo(json.dumps({"root": str(cache_root(cache_dir)), "stores": found}, indent=2))
        return
    typer.echo(f"cache folder: {cache_root(cache_dir)}")
    for item in found:
        line = f"{item['store']:>4}: {item['entries']} entries, {item['bytes'] / 1024:.0f} KiB"
        if item["store"] == "llm" and item["entries"]:
            models = ", ".join(f"{m} {n}" for m, n in sorted(item["by_model"].items()))
            line += (
                f" ({models}); {item['prompt_tokens']} prompt + "
                f"{item['completion_tokens']} completion tokens not spent again on re-runs"
            )
        typer.echo(line)


@cache_app.command("clear")
def clear(
    cache_dir: Path | None = CACHE_DIR,
    store: str = typer.Option("all", "--store", help=f"One of {', '.join(STORES)}, or all."),
) -> None:
    """Remove every entry of one store, or of all."""
    if store != "all" and store not in STORES:
        raise fail(f"unknown store {store!r}: choose {', '.join(STORES)} or all")
    for name in STORES if store == "all" else (store,):
        with open_store(name, cache_dir) as cache:
            removed = cache.clear()
        typer.echo(f"{name}: removed {removed} entries")
