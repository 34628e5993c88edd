"""Compare stored runs: headline metrics side by side with deltas, and every differing figure.

The first run is the baseline. A later run *regresses* when any headline
metric it shares with the baseline is worse (lower, or higher for the
hallucination and wrong-value rates); ``govreport compare --fail-on-regression``
turns that into a non-zero exit for CI.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from eval.harness import StoredRun
from eval.metrics import (
    META_FIELDS,
    TextTable,
    failing_ids,
    figure_outcome,
    markdown_table,
    pct,
    scalar_outcome,
    values_equal,
)
from eval.metrics import describe as describe_figure
from schemas import Quantity, Report, figure_dict, get_path

EPSILON = 1e-9

# (name in the table, where in a summary, higher is better)
SUMMARY_METRICS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("accuracy", ("figures", "accuracy"), True),
    ("precision", ("figures", "precision"), True),
    ("recall", ("figures", "recall"), True),
    ("hallucination rate", ("figures", "hallucination_rate"), False),
    ("wrong-value rate", ("figures", "wrong_value_rate"), False),
    ("approx accuracy", ("approx_accuracy", "rate"), True),
    ("unit accuracy", ("unit_accuracy", "rate"), True),
    ("grounding rate", ("grounding", "rate"), True),
    ("meta accuracy", ("meta", "accuracy"), True),
    ("check fail precision", ("checks_total", "precision"), True),
    ("check fail recall", ("checks_total", "recall"), True),
)
COST_FIELDS = ("wall_s", "llm_calls", "prompt_tokens", "completion_tokens", "cache_hits")


@dataclass(frozen=True)
class Metric:
    """One headline metric of one group (``overall``, ``template 2021``, ``script traditional``)."""

    group: str
    name: str
    higher_is_better: bool

    @property
    def label(self) -> str:
        return self.name if self.group == "overall" else f"{self.group}: {self.name}"


def _dig(data: Mapping[str, Any], keys: Sequence[str]) -> float | None:
    value: Any = data
    for key in keys:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return None if value is None else float(value)


def _groups(metrics: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    groups = {"overall": metrics["overall"]}
    groups.update({f"template {k}": v for k, v in metrics.get("by_template", {}).items()})
    groups.update({f"script {k}": v for k, v in metrics.get("by_script", {}).items()})
    return groups


def headline(metrics: Mapping[str, Any]) -> dict[Metric, float | None]:
    """The headline metrics of a metrics document, per group."""
    values: dict[Metric, float | None] = {}
    for group, summary in _groups(metrics).items():
        for name, keys, higher in SUMMARY_METRICS:
            values[Metric(group, name, higher)] = _dig(summary, keys)
    return values


def is_worse(metric: Metric, base: float | None, other: float | None) -> bool:
    if base is None or other is None:
        return False
    delta = other - base
    return delta < -EPSILON if metric.higher_is_better else delta > EPSILON


@dataclass(frozen=True)
class FigureDiff:
    """A figure on which the runs disagree."""

    report: str
    path: str
    gold: str
    values: tuple[str, ...]
    right: tuple[bool | None, ...]
    """Per run: right against gold, or None where the gold does not cover the path."""


@dataclass
class Comparison:
    runs: list[str]
    metrics: list[tuple[Metric, list[float | None]]]
    costs: list[tuple[str, list[Any]]]
    diffs: list[FigureDiff]
    regressions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _same(a: Quantity | None, b: Quantity | None) -> bool:
    if a is None or b is None:
        return a is b
    return values_equal(a.value, b.value) and a.approx == b.approx


def _figure_diffs(name: str, gold: Report | None, reports: list[Report | None]) -> list[FigureDiff]:
    gold_figures = figure_dict(gold) if gold is not None else {}
    run_figures = [figure_dict(r) if r is not None else {} for r in reports]
    paths = list(gold_figures)
    paths += sorted({p for figs in run_figures for p in figs} - set(gold_figures))
    diffs = []
    for path in paths:
        values = [figs.get(path) for figs in run_figures]
        if all(_same(values[0], v) for v in values[1:]):
            continue
        covered = path in gold_figures
        g = gold_figures.get(path)
        right = tuple(figure_outcome(g, v) in ("TP", "TN") if covered else None for v in values)
        shown = tuple(describe_figure(v) for v in values)
        diffs.append(
            FigureDiff(name, path, describe_figure(g) if covered else "not covered", shown, right)
        )
    diffs += _check_diffs(name, gold, reports)
    for path in META_FIELDS:
        meta = [get_path(r, path) if r is not None else None for r in reports]
        meta = [None if m == "unknown" else m for m in meta]
        if len(set(meta)) <= 1:
            continue
        g = get_path(gold, path) if gold is not None else None
        g = None if g == "unknown" else g
        right = tuple(
            scalar_outcome(g, m) in ("TP", "TN") if gold is not None else None for m in meta
        )
        shown = tuple("null" if m is None else str(m) for m in meta)
        diffs.append(FigureDiff(name, path, "null" if g is None else str(g), shown, right))
    return diffs


def _check_diffs(name: str, gold: Report | None, reports: list[Report | None]) -> list[FigureDiff]:
    """Check verdicts that differ between runs; right = agrees with the gold's expected failure."""
    statuses = [{c.id: c.status for c in r.checks} if r is not None else {} for r in reports]
    expected = failing_ids(gold) if gold is not None else None
    diffs = []
    for check_id in dict.fromkeys(i for s in statuses for i in s):
        verdicts = [s.get(check_id) for s in statuses]
        if len({v == "fail" for v in verdicts}) <= 1:
            continue
        right = tuple(
            None if expected is None else (v == "fail") == (check_id in expected) for v in verdicts
        )
        wanted = "—" if expected is None else "fail" if check_id in expected else "not fail"
        shown = tuple(v or "—" for v in verdicts)
        diffs.append(FigureDiff(name, f"check {check_id}", wanted, shown, right))
    return diffs


def _change(before: float | None, after: float | None) -> str:
    """ "99.9% → 99.8%", with as many decimals as it takes to show the change (up to 3)."""
    if before is None or after is None:
        return f"{pct(before)} → {pct(after)}"
    for decimals in (1, 2, 3):
        a, b = f"{100 * before:.{decimals}f}%", f"{100 * after:.{decimals}f}%"
        if a != b:
            break
    return f"{a} → {b}"


def compare_runs(runs: Sequence[StoredRun], gold: Mapping[str, Report]) -> Comparison:
    """Compare ``runs`` (the first is the baseline) against ``gold`` (by gold name)."""
    names = [run.name for run in runs]
    heads = [headline(run.metrics) for run in runs]
    order: dict[Metric, None] = {}
    for head in heads:
        order.update(dict.fromkeys(head))
    metrics = [(metric, [head.get(metric) for head in heads]) for metric in order]
    regressions = [
        f"{names[i]}: {metric.label} {_change(values[0], values[i])}"
        for metric, values in metrics
        for i in range(1, len(runs))
        if is_worse(metric, values[0], values[i])
    ]
    costs = [(key, [run.record.get(key) for run in runs]) for key in COST_FIELDS]
    reports = sorted({name for run in runs for name in run.reports} | set(gold))
    diffs = [
        diff
        for name in reports
        for diff in _figure_diffs(name, gold.get(name), [run.reports.get(name) for run in runs])
    ]
    warnings = []
    hashes = {run.record.get("gold_hash") for run in runs}
    if len(hashes) > 1:
        warnings.append("the runs were scored against different gold files: metrics may differ")
    for run in runs:
        missing = sorted(set(gold) - set(run.reports))
        if missing:
            warnings.append(f"{run.name} has no report for {', '.join(missing)}")
    return Comparison(names, metrics, costs, diffs, regressions, warnings)


# ---------------------------------------------------------------- rendering


def _delta(base: float | None, other: float | None) -> str:
    if base is None or other is None:
        return "—"
    return f"{100 * (other - base):+.1f}"


def _mark(metric: Metric, base: float | None, other: float | None) -> str:
    if is_worse(metric, base, other):
        return " ▼"
    if is_worse(metric, other, base):
        return " ▲"
    return ""


def _changed(values: list[float | None]) -> bool:
    base = values[0]
    return any(
        (v is None) != (base is None)
        or (v is not None and base is not None and abs(v - base) > EPSILON)
        for v in values[1:]
    )


def comparison_tables(result: Comparison) -> list[TextTable]:
    """The metrics side by side (deltas in points against the first run), costs, differences."""
    others = result.runs[1:]
    columns = ("metric", *result.runs, *(f"Δ {name}" for name in others))
    shown = [
        (metric, values)
        for metric, values in result.metrics
        if any(v is not None for v in values) and (metric.group == "overall" or _changed(values))
    ]
    rows = [
        (
            metric.label,
            *(pct(v) for v in values),
            *(_delta(values[0], v) + _mark(metric, values[0], v) for v in values[1:]),
        )
        for metric, values in shown
    ]
    title = "Metrics (Δ in points against the first run; unchanged group metrics left out)"
    tables = [TextTable(title, columns, rows)]
    cost_rows = [
        (key, *("—" if v is None else str(v) for v in values)) for key, values in result.costs
    ]
    tables.append(TextTable("Cost", ("", *result.runs), cost_rows))

    def verdict(right: bool | None) -> str:
        return "?" if right is None else "✓" if right else "✗"

    diff_rows = [
        (
            d.report,
            d.path,
            d.gold,
            *(f"{v} {verdict(r)}" for v, r in zip(d.values, d.right, strict=True)),
        )
        for d in result.diffs
    ]
    tables.append(
        TextTable(
            f"Figures and check verdicts that differ ({len(result.diffs)})",
            ("report", "field", "gold", *result.runs),
            diff_rows,
        )
    )
    return tables


def comparison_markdown(result: Comparison) -> str:
    """The comparison as Markdown, for a pull request."""
    parts = [f"## Comparison: {' vs '.join(result.runs)}\n"]
    if result.regressions:
        parts.append("**Regressions against the first run:**\n")
        parts.append("\n".join(f"- {line}" for line in result.regressions) + "\n")
    else:
        parts.append("No regressions against the first run.\n")
    parts += [f"> {warning}\n" for warning in result.warnings]
    parts += [markdown_table(table) for table in comparison_tables(result)]
    return "\n".join(parts)
