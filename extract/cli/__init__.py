"""``govreport`` command line: each command lives in its own module."""

from __future__ import annotations

import logging
import sys

from extract.cli import cache_cmd, eval_cmd, export_cmd, extract_cmd, normalize_cmd, schema_cmd
from extract.cli.app import app, state
from extract.errors import InputError

__all__ = [
    "app",
    "cache_cmd",
    "eval_cmd",
    "export_cmd",
    "extract_cmd",
    "main",
    "normalize_cmd",
    "schema_cmd",
]


def main() -> None:
    """Console entry point: one error line and a non-zero exit instead of a traceback."""
    try:
        app()
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as err:  # the last line of defence: no traceback without --verbose
        if state.verbose:
            logging.exception("unexpected error")
        print(f"error: {type(err).__name__}: {err} (run with -v for details)", file=sys.stderr)
        sys.exit(1)
