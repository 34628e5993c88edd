"""``govreport normalize``: print a report's normalized text."""

from __future__ import annotations

from pathlib import Path

import typer

from extract.api import read_input
from extract.cli.app import app, info
from extract.normalize import normalize_bytes
from extract.output import write_atomic


@app.command()
def normalize(
    file: Path = typer.Argument(..., help="Report file (.txt or .html, any encoding)."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write here, not stdout."),
) -> None:
    """Print the normalized simplified-Chinese text of FILE.

    Decodes (UTF-8/UTF-16/GB18030/Big5), strips HTML, pinyin and artifacts,
    converts traditional script with OpenCC.

    Example: [bold]govreport normalize examples/001_aeba626d8392bbb0.txt[/]
    """
    text = normalize_bytes(read_input(file))
    info(f"{file}: encoding {text.encoding}, script {text.script}, {len(text.text)} characters")
    if output:
        write_atomic(output, text.text + "\n")
    else:
        typer.echo(text.text)
