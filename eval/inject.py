"""Error injection: perturb gold reports and measure which cross-checks notice.

Each perturbation is one error an extractor could make, applied to a copy of a
gold report (evidence left as the gold has it, as when an extractor quotes the
right sentence but reads the wrong number):

- ``digit``: one digit of one figure changed;
- ``swap``: two figures of a section with different values trade places
  (evidence travels with the value);
- ``drop``: one figure, or one row of the request table, set to null;
- ``year``: the report year, title year or publish date shifted by a year.

A check *flags* a perturbation when it fails on the perturbed report and either
did not fail on the gold or fails with a different message. The rate per check
is the share of perturbations it flags; it measures the checks, not an engine.
Random choices come from ``random.Random(f"{seed}:{report}")``, so a study is
reproducible and each report's perturbations do not depend on the others.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from eval.metrics import TextTable, describe, pct, section_of
from extract.checks import registered_ids, run_checks
from schemas import Quantity, Report, figure_dict, set_path

KINDS = ("digit", "swap", "drop", "year")
QUANTITY_ATTRS = ("value", "approx", "unit", "evidence", "derived", "derivation")


@dataclass(frozen=True)
class Injection:
    """One perturbation of one gold report and the checks that flagged it."""

    report: str
    kind: str
    description: str
    flagged_by: tuple[str, ...]


Perturb = Callable[[Report, random.Random], str | None]
"""Applies one perturbation in place; returns its description, or None if it cannot apply."""


def _int_figures(report: Report) -> list[tuple[str, Quantity]]:
    return [
        (path, q)
        for path, q in figure_dict(report).items()
        if q is not None and float(q.value).is_integer()
    ]


def change_digit(report: Report, rng: random.Random) -> str | None:
    """Change one digit of one whole-number figure."""
    figures = _int_figures(report)
    if not figures:
        return None
    path, figure = rng.choice(figures)
    digits = list(str(int(figure.value)))
    at = rng.randrange(len(digits))
    lowest = "1" if at == 0 and len(digits) > 1 else "0"
    digits[at] = rng.choice([d for d in "0123456789" if d >= lowest and d != digits[at]])
    before = describe(figure)
    figure.value = int("".join(digits))
    return f"{path}: {before} → {describe(figure)}"


def swap_fields(report: Report, rng: random.Random) -> str | None:
    """Swap two figures of one section that have different values."""
    by_section: dict[str, list[tuple[str, Quantity]]] = defaultdict(list)
    for path, q in figure_dict(report).items():
        if q is not None:
            by_section[section_of(path)].append((path, q))
    pairs = [
        (a, b)
        for figures in by_section.values()
        for i, a in enumerate(figures)
        for b in figures[i + 1 :]
        if a[1].value != b[1].value
    ]
    if not pairs:
        return None
    (path_a, a), (path_b, b) = rng.choice(pairs)
    for attr in QUANTITY_ATTRS:
        first, second = getattr(a, attr), getattr(b, attr)
        setattr(a, attr, second)
        setattr(b, attr, first)
    return f"{path_a} ({describe(b)}) ⇄ {path_b} ({describe(a)})"


def drop_row(report: Report, rng: random.Random) -> str | None:
    """Set one figure, or one request-table row, to null."""
    candidates = [p for p, q in figure_dict(report).items() if q is not None and "[" not in p]
    matrix = report.requests.matrix
    if matrix is not None:
        rows = [f"requests.matrix.{name}" for name in type(matrix).model_fields]
        candidates = [p for p in candidates if not p.startswith("requests.matrix.")]
        candidates += [row for row in rows if getattr(matrix, row.rsplit(".", 1)[1]) is not None]
    channels = [c for c in report.proactive.channels if c.count is not None]
    if not candidates and not channels:
        return None
    pick = rng.randrange(len(candidates) + len(channels))
    if pick >= len(candidates):
        channel = channels[pick - len(candidates)]
        report.proactive.channels.remove(channel)
        return f"proactive.channels[{channel.name}] dropped"
    set_path(report, candidates[pick], None)
    return f"{candidates[pick]} dropped"


def shift_year(report: Report, rng: random.Random) -> str | None:
    """Shift the report year, the title year or the publish date by one year."""
    meta = report.meta
    options = [name for name in ("report_year", "title_year") if getattr(meta, name) is not None]
    if meta.publish_date is not None:
        options.append("publish_date")
    if not options:
        return None
    name, step = rng.choice(options), rng.choice((-1, 1))
    if name == "publish_date":
        before = meta.publish_date or ""
        after = f"{int(before[:4]) + step}{before[4:]}"
        if after[5:] == "02-29":
            after = after[:8] + "28"
        meta.publish_date = after
        return f"meta.publish_date: {before} → {after}"
    before_year = getattr(meta, name)
    setattr(meta, name, before_year + step)
    return f"meta.{name}: {before_year} → {before_year + step}"


PERTURBATIONS: dict[str, Perturb] = {
    "digit": change_digit,
    "swap": swap_fields,
    "drop": drop_row,
    "year": shift_year,
}


def _failures(report: Report, text: str) -> dict[str, str]:
    return {c.id: c.message for c in run_checks(report, text) if c.status == "fail"}


def perturb_report(name: str, gold: Report, text: str, count: int, seed: int) -> list[Injection]:
    """``count`` perturbations of one gold report, each checked against its text."""
    rng = random.Random(f"{seed}:{name}")
    baseline = _failures(gold, text)
    injections: list[Injection] = []
    kinds = list(KINDS)
    while len(injections) < count and kinds:
        kind = rng.choice(kinds)
        copy = gold.model_copy(deep=True)
        description = PERTURBATIONS[kind](copy, rng)
        if description is None:
            kinds.remove(kind)
            continue
        failures = _failures(copy, text)
        flagged = tuple(
            check_id for check_id, message in failures.items() if baseline.get(check_id) != message
        )
        injections.append(Injection(name, kind, description, flagged))
    return injections


def inject_study(
    cases: Sequence[tuple[str, Report, str]], count: int, seed: int = 0
) -> list[Injection]:
    """Perturb each (name, gold, normalized text) ``count`` times."""
    return [
        injection
        for name, gold, text in cases
        for injection in perturb_report(name, gold, text, count, seed)
    ]


def injection_tables(injections: Sequence[Injection]) -> list[TextTable]:
    """Share of perturbations flagged, per check (rows) and per kind of error (columns)."""
    kinds = [k for k in KINDS if any(i.kind == k for i in injections)]
    groups = {kind: [i for i in injections if i.kind == kind] for kind in kinds}
    groups["all"] = list(injections)
    check_ids = list(
        dict.fromkeys([*registered_ids(), *(c for i in injections for c in i.flagged_by)])
    )

    def cell(members: list[Injection], check_id: str | None) -> str:
        flagged = sum(check_id in i.flagged_by if check_id else bool(i.flagged_by) for i in members)
        return f"{pct(flagged / len(members) if members else None)} ({flagged}/{len(members)})"

    rows = [(c, *(cell(m, c) for m in groups.values())) for c in check_ids]
    rows.append(("any check", *(cell(m, None) for m in groups.values())))
    return [TextTable("Perturbations flagged by each check", ("check", *groups), rows)]
