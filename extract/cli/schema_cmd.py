"""``govreport schema``: the JSON Schema of the output, generated from the models."""

from __future__ import annotations

import typer

from extract.cli.app import app, fail
from schemas.jsonschema import committed_schema, render_schema


@app.command()
def schema(
    check: bool = typer.Option(
        False, "--check", help="Exit 1 if the committed schemas/report.schema.json is stale."
    ),
) -> None:
    """Print the JSON Schema of the extraction output (CONTRACT.md).

    Example: [bold]govreport schema > report.schema.json[/]
    """
    rendered = render_schema()
    if check:
        if committed_schema() != rendered:
            raise fail("schemas/report.schema.json is stale: regenerate with `govreport schema`", 1)
        return
    typer.echo(rendered, nl=False)
