"""The deterministic cross-checks: pure functions of a Report (and its text) with stable ids.

``run_checks(report, text)`` runs them all, in the order of CONTRACT.md's table.
A new check is one function decorated with ``@check("its_id")`` in a module
imported here (see :mod:`extract.checks.registry`).
"""

from extract.checks import grounding, requests, totals, years, structure  # noqa: I001  (run order)
from extract.checks.registry import (
    CheckFn,
    CheckInput,
    Verdict,
    check,
    registered_ids,
    run_check,
    run_checks,
)

__all__ = [
    "CheckFn",
    "CheckInput",
    "Verdict",
    "check",
    "grounding",
    "registered_ids",
    "requests",
    "run_check",
    "run_checks",
    "structure",
    "totals",
    "years",
]
