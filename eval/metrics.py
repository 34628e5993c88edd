"""Field-level scoring of extracted reports against gold: TP / FD / FN / FA / TN per figure.

Every figure path the gold covers is one decision:

- TP: both give a value and it is right (numbers equal and ``approx`` agrees);
- FD: both give a value, the run's is wrong;
- FN: gold has a value, the run says null;
- FA: gold is null (the report does not say), the run gives a value: invented;
- TN: both null: a correct "not stated", which counts as right.

A "none" statement is the value 0 with evidence, so 0 and null are different
values. Paths the gold does not yield (a request-table row the annotator left
out, a channel only the run names) are not counted either way.

Rates, with None where the denominator is 0:

- accuracy = (TP + TN) / all
- precision = TP / (TP + FD + FA): of the values the run gave, the share right
- recall = TP / (TP + FD + FN): of the gold values, the share recovered right
- hallucination rate = FA / (FA + TN): of the gold nulls, the share invented
- wrong-value rate = FD / (TP + FD): where both give a value, the share wrong
- approx accuracy / unit accuracy: among figures with equal numbers, the share
  whose hedge / unit (as written, when both gold and run name one) agrees
- grounding rate: of the run's non-null figures, the share whose evidence is
  verbatim in the text and states the number (the ``evidence_grounding`` rule)
- check agreement: per check id, a "fail" verdict is a positive; the gold's
  ``checks`` with status fail are the expected positives.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from extract.checks.grounding import ungrounded_reason
from schemas import Quantity, Report, figure_dict, get_path

Outcome = Literal["TP", "FD", "FN", "FA", "TN"]
OUTCOMES: tuple[Outcome, ...] = ("TP", "FD", "FN", "FA", "TN")

META_FIELDS: tuple[str, ...] = (
    "meta.report_year",
    "meta.title_year",
    "meta.publish_date",
    "meta.period_start",
    "meta.period_end",
    "meta.template",
)
"""Scalar meta fields, scored like figures but kept out of the figure totals."""

_CHANNEL_RE = re.compile(r"\[[^\]]*\]")
SCRIPT_GROUPS = {
    "simplified": "simplified",
    "traditional": "traditional",
    "traditional-tw": "traditional",
}


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


# ---------------------------------------------------------------- counters


@dataclass
class Confusion:
    """Decision counts of one field, section, report or group."""

    tp: int = 0
    fd: int = 0
    fn: int = 0
    fa: int = 0
    tn: int = 0

    def add(self, outcome: Outcome, count: int = 1) -> None:
        setattr(self, outcome.lower(), getattr(self, outcome.lower()) + count)

    def merge(self, other: Confusion) -> None:
        for outcome in OUTCOMES:
            self.add(outcome, other.count(outcome))

    def count(self, outcome: Outcome) -> int:
        return int(getattr(self, outcome.lower()))

    @property
    def n(self) -> int:
        return self.tp + self.fd + self.fn + self.fa + self.tn

    @property
    def accuracy(self) -> float | None:
        return _rate(self.tp + self.tn, self.n)

    @property
    def precision(self) -> float | None:
        return _rate(self.tp, self.tp + self.fd + self.fa)

    @property
    def recall(self) -> float | None:
        return _rate(self.tp, self.tp + self.fd + self.fn)

    @property
    def hallucination_rate(self) -> float | None:
        return _rate(self.fa, self.fa + self.tn)

    @property
    def wrong_value_rate(self) -> float | None:
        return _rate(self.fd, self.tp + self.fd)

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "tp": self.tp,
            "fd": self.fd,
            "fn": self.fn,
            "fa": self.fa,
            "tn": self.tn,
            "accuracy": self.accuracy,
            "precision": self.precision,
            "recall": self.recall,
            "hallucination_rate": self.hallucination_rate,
            "wrong_value_rate": self.wrong_value_rate,
        }


@dataclass
class Ratio:
    """hits out of total (approx flags, units, grounded evidence)."""

    hits: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        self.hits += hit
        self.total += 1

    def merge(self, other: Ratio) -> None:
        self.hits += other.hits
        self.total += other.total

    @property
    def rate(self) -> float | None:
        return _rate(self.hits, self.total)

    def as_dict(self) -> dict[str, Any]:
        return {"hits": self.hits, "total": self.total, "rate": self.rate}


@dataclass
class CheckAgreement:
    """Fail verdicts of one check against the gold's expected failures."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, expected_fail: bool, got_fail: bool) -> None:
        if expected_fail and got_fail:
            self.tp += 1
        elif got_fail:
            self.fp += 1
        elif expected_fail:
            self.fn += 1
        else:
            self.tn += 1

    def merge(self, other: CheckAgreement) -> None:
        self.tp, self.fp = self.tp + other.tp, self.fp + other.fp
        self.fn, self.tn = self.fn + other.fn, self.tn + other.tn

    @property
    def precision(self) -> float | None:
        return _rate(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return _rate(self.tp, self.tp + self.fn)

    @property
    def agreement(self) -> float | None:
        return _rate(self.tp + self.tn, self.tp + self.fp + self.fn + self.tn)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "precision": self.precision,
            "recall": self.recall,
            "agreement": self.agreement,
        }


# ---------------------------------------------------------------- one field


def values_equal(a: float, b: float) -> bool:
    """Numbers equal (ints and floats alike)."""
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _norm_unit(unit: str | None) -> str | None:
    return unit.strip() or None if unit else None


def figure_outcome(gold: Quantity | None, run: Quantity | None) -> Outcome:
    """The decision for one figure (see the module docstring)."""
    if gold is None:
        return "TN" if run is None else "FA"
    if run is None:
        return "FN"
    right = values_equal(gold.value, run.value) and gold.approx == run.approx
    return "TP" if right else "FD"


def scalar_outcome(gold: object, run: object) -> Outcome:
    """The decision for one meta field (a year, a date, a template name)."""
    if gold is None:
        return "TN" if run is None else "FA"
    if run is None:
        return "FN"
    return "TP" if gold == run else "FD"


def describe(figure: Quantity | None) -> str:
    """A figure for people: "100~ 条" (~ marks approx), "50000 (万元)" (the value is in base
    units, the unit as written), "null"."""
    if figure is None:
        return "null"
    value = str(int(figure.value)) if float(figure.value).is_integer() else f"{figure.value:g}"
    value += "~" if figure.approx else ""
    if not figure.unit:
        return value
    return f"{value} ({figure.unit})" if figure.unit[0] in "千万亿" else f"{value} {figure.unit}"


@dataclass(frozen=True)
class FieldScore:
    """One scored path of one report."""

    path: str
    outcome: Outcome
    gold: str
    run: str
    approx_ok: bool | None = None
    """Whether the hedge agrees, when both numbers are equal; else None."""
    unit_ok: bool | None = None
    """Whether the unit agrees, when both numbers are equal and both name a unit (a bare
    table cell has none written, while a sentence stating the same figure has one)."""
    is_meta: bool = False


def score_figure(path: str, gold: Quantity | None, run: Quantity | None) -> FieldScore:
    approx_ok = unit_ok = None
    if gold is not None and run is not None and values_equal(gold.value, run.value):
        approx_ok = gold.approx == run.approx
        if _norm_unit(gold.unit) is not None and _norm_unit(run.unit) is not None:
            unit_ok = _norm_unit(gold.unit) == _norm_unit(run.unit)
    return FieldScore(
        path, figure_outcome(gold, run), describe(gold), describe(run), approx_ok, unit_ok
    )


def _meta_value(report: Report, path: str) -> object:
    value = get_path(report, path)
    return None if value == "unknown" else value


def score_fields(gold: Report, run: Report) -> list[FieldScore]:
    """Every figure path the gold covers, then the meta fields."""
    run_figures = figure_dict(run)
    scores = [
        score_figure(path, gold_figure, run_figures.get(path))
        for path, gold_figure in figure_dict(gold).items()
    ]
    for path in META_FIELDS:
        g, r = _meta_value(gold, path), _meta_value(run, path)
        shown = ("null" if g is None else str(g), "null" if r is None else str(r))
        scores.append(FieldScore(path, scalar_outcome(g, r), *shown, is_meta=True))
    return scores


def section_of(path: str) -> str:
    """The section a figure path is reported under (``requests.matrix``, ``appeals``)."""
    parts = path.split(".")
    if parts[0] == "requests" and len(parts) > 2:
        return f"requests.{parts[1]}"
    return parts[0]


def field_key(path: str) -> str:
    """The per-field key of a path: channels, named differently by each report, are pooled."""
    return _CHANNEL_RE.sub("[*]", path)


def failing_ids(report: Report) -> set[str]:
    return {check.id for check in report.checks if check.status == "fail"}


# ---------------------------------------------------------------- one report


@dataclass
class ReportScore:
    """Everything scored for one report."""

    name: str
    template: str
    script: str
    fields: list[FieldScore]
    grounding: Ratio
    checks: dict[str, tuple[bool, bool]]
    """Check id → (expected to fail, failed)."""
    uncovered: int = 0
    """Non-null run figures at paths the gold does not cover (not counted)."""
    error: str | None = None
    """Why the run has no report for this gold (scored as an empty report)."""

    def figures(self) -> Confusion:
        confusion = Confusion()
        for score in self.fields:
            if not score.is_meta:
                confusion.add(score.outcome)
        return confusion

    def as_dict(self) -> dict[str, Any]:
        c = self.figures()
        return {
            "template": self.template,
            "script": self.script,
            "right": c.tp,
            "wrong": c.fd,
            "missed": c.fn,
            "invented": c.fa,
            "nulls_right": c.tn,
            "accuracy": c.accuracy,
            "grounding": self.grounding.as_dict(),
            "uncovered": self.uncovered,
            "checks_failed": sorted(i for i, (_, got) in self.checks.items() if got),
            "checks_expected": sorted(i for i, (exp, _) in self.checks.items() if exp),
            "error": self.error,
        }


def grounding_of(run: Report, text: str) -> Ratio:
    """The run's non-null figures whose evidence is verbatim in ``text`` and states the number."""
    ratio = Ratio()
    for _, figure in figure_dict(run).items():
        if figure is not None:
            ratio.add(ungrounded_reason(figure, text) is None)
    return ratio


def score_report(
    name: str, gold: Report, run: Report | None, text: str, error: str | None = None,
    grounding: Ratio | None = None,
) -> ReportScore:  # fmt: skip
    """Score one run report (None: the run failed on it, scored as empty) against its gold.

    ``grounding`` is the run's :func:`grounding_of` when already known (cached runs).
    """
    run = run or Report(source=gold.source)
    gold_paths = figure_dict(gold)
    uncovered = sum(1 for p, q in figure_dict(run).items() if q is not None and p not in gold_paths)
    expected, got = failing_ids(gold), failing_ids(run)
    ids = sorted(expected | got | {check.id for check in run.checks})
    return ReportScore(
        name=name,
        template=gold.meta.template,
        script=SCRIPT_GROUPS.get(gold.meta.script, gold.meta.script),
        fields=score_fields(gold, run),
        grounding=grounding if grounding is not None else grounding_of(run, text),
        checks={i: (i in expected, i in got) for i in ids},
        uncovered=uncovered,
        error=error,
    )


# ---------------------------------------------------------------- summaries


@dataclass
class Summary:
    """The metrics of a set of reports."""

    reports: int = 0
    figures: Confusion = field(default_factory=Confusion)
    meta: Confusion = field(default_factory=Confusion)
    sections: dict[str, Confusion] = field(default_factory=lambda: defaultdict(Confusion))
    fields: dict[str, Confusion] = field(default_factory=lambda: defaultdict(Confusion))
    approx: Ratio = field(default_factory=Ratio)
    unit: Ratio = field(default_factory=Ratio)
    grounding: Ratio = field(default_factory=Ratio)
    checks: dict[str, CheckAgreement] = field(default_factory=lambda: defaultdict(CheckAgreement))

    def add(self, score: ReportScore) -> None:
        self.reports += 1
        for f in score.fields:
            self.fields[field_key(f.path)].add(f.outcome)
            if f.is_meta:
                self.meta.add(f.outcome)
                continue
            self.figures.add(f.outcome)
            self.sections[section_of(f.path)].add(f.outcome)
            if f.approx_ok is not None:
                self.approx.add(f.approx_ok)
            if f.unit_ok is not None:
                self.unit.add(f.unit_ok)
        self.grounding.merge(score.grounding)
        for check_id, (expected, got) in score.checks.items():
            self.checks[check_id].add(expected, got)

    def checks_total(self) -> CheckAgreement:
        total = CheckAgreement()
        for agreement in self.checks.values():
            total.merge(agreement)
        return total

    def as_dict(self, all_fields: bool = True) -> dict[str, Any]:
        """Everything as plain data; ``all_fields=False`` leaves out fields null on both sides
        in every report of the set."""
        fields = {k: v for k, v in sorted(self.fields.items()) if all_fields or v.n != v.tn}
        return {
            "reports": self.reports,
            "figures": self.figures.as_dict(),
            "approx_accuracy": self.approx.as_dict(),
            "unit_accuracy": self.unit.as_dict(),
            "grounding": self.grounding.as_dict(),
            "meta": self.meta.as_dict(),
            "sections": {k: v.as_dict() for k, v in sorted(self.sections.items())},
            "checks": {k: v.as_dict() for k, v in sorted(self.checks.items())},
            "checks_total": self.checks_total().as_dict(),
            "fields": {k: v.as_dict() for k, v in fields.items()},
        }


def summarize(scores: Iterable[ReportScore]) -> Summary:
    summary = Summary()
    for score in scores:
        summary.add(score)
    return summary


def _grouped(scores: list[ReportScore], key: str) -> dict[str, Summary]:
    groups: dict[str, list[ReportScore]] = defaultdict(list)
    for score in scores:
        groups[getattr(score, key)].append(score)
    return {name: summarize(group) for name, group in sorted(groups.items())}


def evaluate(scores: list[ReportScore]) -> dict[str, Any]:
    """The metrics document (``metrics.json``): overall, per template, per script, per report.

    Groups list only the fields stated on some side in one of their reports.
    """
    return {
        "overall": summarize(scores).as_dict(),
        "by_template": {k: v.as_dict(False) for k, v in _grouped(scores, "template").items()},
        "by_script": {k: v.as_dict(False) for k, v in _grouped(scores, "script").items()},
        "reports": {score.name: score.as_dict() for score in scores},
    }


# ---------------------------------------------------------------- rendering


@dataclass(frozen=True)
class TextTable:
    """A table of strings, rendered to the terminal (rich) or to Markdown."""

    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]


def pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


FIGURE_COLUMNS = ("N", "TP", "FD", "FN", "FA", "TN", "acc", "prec", "recall", "halluc", "wrong")


def confusion_cells(c: Mapping[str, Any]) -> tuple[str, ...]:
    counts = tuple(str(c[k]) for k in ("n", "tp", "fd", "fn", "fa", "tn"))
    rates = ("accuracy", "precision", "recall", "hallucination_rate", "wrong_value_rate")
    return counts + tuple(pct(c[k]) for k in rates)


def _group_rows(metrics: Mapping[str, Any]) -> list[tuple[str, ...]]:
    def row(label: str, s: Mapping[str, Any]) -> tuple[str, ...]:
        extra = (
            pct(s["approx_accuracy"]["rate"]),
            pct(s["unit_accuracy"]["rate"]),
            pct(s["grounding"]["rate"]),
        )
        return (label, str(s["reports"]), *confusion_cells(s["figures"]), *extra)

    rows = [row("overall", metrics["overall"])]
    rows += [row(f"template {k}", v) for k, v in metrics["by_template"].items()]
    rows += [row(f"script {k}", v) for k, v in metrics["by_script"].items()]
    return rows


FieldRows = Literal["errors", "stated", "all"]


def _keep_field(c: Mapping[str, Any], rows: FieldRows) -> bool:
    if rows == "errors":
        return bool(c["fd"] or c["fn"] or c["fa"])
    return rows == "all" or c["n"] != c["tn"]


def metric_tables(metrics: Mapping[str, Any], fields: FieldRows = "stated") -> list[TextTable]:
    """The tables of a metrics document: groups, sections, fields, checks, reports.

    ``fields`` picks the per-field rows: fields with an error somewhere, fields
    with a value on either side somewhere, or all.
    """
    overall = metrics["overall"]
    tables = [
        TextTable(
            "Figures by group",
            ("group", "reports", *FIGURE_COLUMNS, "approx", "unit", "grounded"),
            _group_rows(metrics),
        ),
        TextTable(
            "Figures by section",
            ("section", *FIGURE_COLUMNS),
            [(k, *confusion_cells(v)) for k, v in overall["sections"].items()]
            + [("meta (not in totals)", *confusion_cells(overall["meta"]))],
        ),
    ]
    title = "Fields with errors" if fields == "errors" else "Figures by field"
    rows = [
        (k, *confusion_cells(v)) for k, v in overall["fields"].items() if _keep_field(v, fields)
    ]
    tables.append(TextTable(title, ("field", *FIGURE_COLUMNS), rows))
    checks = [
        (
            k,
            str(v["tp"]),
            str(v["fp"]),
            str(v["fn"]),
            str(v["tn"]),
            pct(v["precision"]),
            pct(v["recall"]),
        )
        for k, v in overall["checks"].items()
    ]
    tables.append(
        TextTable(
            "Check verdicts vs expected failures",
            ("check", "TP", "FP", "FN", "TN", "prec", "recall"),
            checks,
        )
    )
    reports = [
        (
            name,
            r["template"],
            r["script"],
            str(r["right"]),
            str(r["wrong"]),
            str(r["missed"]),
            str(r["invented"]),
            str(r["nulls_right"]),
            pct(r["grounding"]["rate"]),
            ", ".join(r["checks_failed"]) or "—",
            r["error"] or "",
        )
        for name, r in metrics["reports"].items()
    ]
    tables.append(
        TextTable(
            "Reports",
            (
                "report",
                "template",
                "script",
                "right",
                "wrong",
                "missed",
                "invented",
                "nulls right",
                "grounded",
                "checks failed",
                "error",
            ),
            reports,
        )
    )
    return tables


def _md_cell(cell: str) -> str:
    return cell.replace("|", "\\|").replace("\n", " ")


def markdown_table(table: TextTable) -> str:
    lines = [f"### {table.title}", "", "| " + " | ".join(table.columns) + " |"]
    lines.append("|" + "|".join("---" for _ in table.columns) + "|")
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows]
    return "\n".join(lines) + "\n"


def rich_table(table: TextTable) -> Any:
    """The table as a compact :class:`rich.table.Table`."""
    from rich import box
    from rich.table import Table

    rendered = Table(
        title=table.title,
        title_justify="left",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        pad_edge=False,
    )
    for i, column in enumerate(table.columns):
        rendered.add_column(column, justify="right" if i else "left", overflow="fold")
    for row in table.rows:
        rendered.add_row(*row)
    return rendered


def metrics_markdown(metrics: Mapping[str, Any]) -> str:
    """The metrics document as Markdown tables (the body of ``metrics.md``)."""
    return "\n".join(markdown_table(t) for t in metric_tables(metrics, "stated"))
