"""The typer application, global options and the one-line error policy."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import typer

from extract import __version__

if TYPE_CHECKING:
    from rich.console import Console

app = typer.Typer(
    name="govreport",
    help="Turn Chinese government information-disclosure annual reports into checked JSON.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="rich",
)


@cache
def stderr() -> Console:
    """The rich console on stderr, made (and rich loaded) on first use: a quiet run
    that succeeds never needs it."""
    from rich.console import Console

    return Console(stderr=True)


@dataclass
class GlobalState:
    verbose: bool = False
    quiet: bool = False


state = GlobalState()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"govreport {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log details and tracebacks."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only errors on stderr."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """govreport: normalize, extract, check and evaluate disclosure reports."""
    state.verbose, state.quiet = verbose, quiet
    level = logging.DEBUG if verbose else logging.ERROR if quiet else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", force=True)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print one error line on stderr; return the Exit to raise."""
    stderr().print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def info(message: str) -> None:
    """A status line on stderr unless --quiet."""
    if not state.quiet:
        stderr().print(message, highlight=False, soft_wrap=True)


def is_tty() -> bool:
    return sys.stderr.isatty()
