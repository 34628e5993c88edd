"""The check registry: each check is one pure function registered under its stable id.

Adding a check is adding one function::

    @check("capacity_staff_sum")
    def staff_adds_up(ctx: CheckInput) -> Verdict:
        ...

``run_checks`` runs every registered check in registration order and turns each
:class:`Verdict` into a :class:`schemas.Check` carrying the id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

from pydantic import TypeAdapter

from schemas import Check, CheckStatus, Report


@dataclass(frozen=True)
class CheckInput:
    """What a check may read: the report, its normalized text, and other engines' reports."""

    report: Report
    text: str = ""
    others: Mapping[str, Report] = field(default_factory=lambda: MappingProxyType({}))
    """Reports of the same text by other engines, by engine name (for engine_agreement)."""


class Verdict(NamedTuple):
    """A check's result without its id: status, a message a person can act on, field paths."""

    status: CheckStatus
    message: str
    fields: tuple[str, ...] = ()


CheckFn = Callable[[CheckInput], Verdict]

_REGISTRY: dict[str, CheckFn] = {}
_CHECKS = TypeAdapter(list[Check])
"""Validates a report's checks at once: quicker than making them one by one."""


def check(check_id: str) -> Callable[[CheckFn], CheckFn]:
    """Register the decorated function as the check ``check_id`` (ids are unique)."""

    def register(fn: CheckFn) -> CheckFn:
        if check_id in _REGISTRY:
            raise ValueError(f"check {check_id!r} is already registered")
        _REGISTRY[check_id] = fn
        return fn

    return register


def registered_ids() -> tuple[str, ...]:
    """The ids of all registered checks, in the order they run."""
    return tuple(_REGISTRY)


def run_check(check_id: str, ctx: CheckInput) -> Check:
    """Run one registered check."""
    return Check.model_validate(_check_data(check_id, _REGISTRY[check_id](ctx)))


def _check_data(check_id: str, verdict: Verdict) -> dict[str, Any]:
    """The fields of the :class:`schemas.Check` of a verdict."""
    return {
        "id": check_id,
        "status": verdict.status,
        "message": verdict.message,
        "fields": list(verdict.fields),
    }


def run_checks(
    report: Report, text: str, *, others: Mapping[str, Report] | None = None
) -> list[Check]:
    """Every registered check of ``report`` against its normalized ``text``."""
    ctx = CheckInput(report=report, text=text, others=MappingProxyType(dict(others or {})))
    return _CHECKS.validate_python([_check_data(id_, run(ctx)) for id_, run in _REGISTRY.items()])
