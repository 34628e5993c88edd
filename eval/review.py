"""A self-contained static HTML page to review extractions against their text (and gold).

Per report: the figures in a table beside the normalized text, each figure's
evidence highlighted in the text and linked from its row, the check results,
and, where a gold exists, right / wrong / missed / invented marks. Figures the
run missed have the gold's evidence underlined instead. The page has no
external assets; its small script only adds emphasis to the clicked figure.
"""

from __future__ import annotations

import itertools
import re
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

import jinja2
from markupsafe import Markup, escape
from pydantic import BaseModel

import extract
from eval.metrics import describe, failing_ids, figure_outcome
from extract.checks.grounding import ungrounded_reason
from schemas import Check, Report, figure_dict

TEMPLATE = "review.html.j2"
MARKS = {"TP": "right", "FD": "wrong", "FN": "missed", "FA": "invented", "TN": None}
_KEY_RE = re.compile(r"[^A-Za-z0-9_-]+")
_INDEX_RE = re.compile(r"\[(.*)\]")


@dataclass(frozen=True)
class FigureView:
    """One row of a report's figure table."""

    id: str
    path: str
    label: str
    value: str
    gold: str | None
    mark: str | None
    """right | wrong | missed | invented | None (no gold, or both null)."""
    evidence: str
    found: bool
    """Whether the highlighted evidence (the run's, or the gold's for a missed figure) is in the text."""
    problem: str | None
    """Why the run's figure is not grounded, if it is not."""
    derivation: str | None


@dataclass(frozen=True)
class CheckView:
    id: str
    status: str
    message: str
    expected_fail: bool | None
    """Whether the gold expects this check to fail; None without gold."""


@dataclass(frozen=True)
class ReportView:
    """Everything the template shows of one report."""

    key: str
    name: str
    report: Report
    figures: list[FigureView]
    checks: list[CheckView]
    text_html: Markup
    has_gold: bool

    def count(self, mark: str) -> int:
        return sum(1 for f in self.figures if f.mark == mark)


# ---------------------------------------------------------------- labels


def _model_of(annotation: object) -> type[BaseModel] | None:
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _zh(description: str | None) -> str:
    return (description or "").split(" / ")[0].strip()


def field_label(path: str) -> str:
    """A Chinese label for a figure path, from the schema's field descriptions."""
    model: type[BaseModel] | None = Report
    labels: list[str] = []
    for depth, part in enumerate(path.split(".")):
        index, name = _INDEX_RE.search(part), _INDEX_RE.sub("", part)
        if model is None or name not in model.model_fields:
            return path
        info = model.model_fields[name]
        if depth > 0 or index:
            labels.append(index.group(1) if index else _zh(info.description))
        model = _model_of(info.annotation)
    return " · ".join(label for label in labels[-2:] if label) or path


# ---------------------------------------------------------------- building


def _key(name: str, taken: set[str]) -> str:
    base = _KEY_RE.sub("-", name).strip("-") or "report"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    taken.add(key)
    return key


def highlight(text: str, spans: Sequence[tuple[str, int, int, str]]) -> Markup:
    """``text`` as HTML with each (figure id, start, end, css class) span marked.

    Overlapping spans are split at every boundary; each piece lists all figures
    that cover it in ``data-fig``; an empty anchor ``ev-ID`` opens each span.
    """
    cuts = sorted({0, len(text), *(s for _, s, _, _ in spans), *(e for _, _, e, _ in spans)})
    starts: dict[int, list[str]] = {}
    for fig_id, start, _, _ in spans:
        starts.setdefault(start, []).append(fig_id)
    out: list[str] = []
    for a, b in itertools.pairwise(cuts):
        out += [f'<span class="anchor" id="ev-{fig_id}"></span>' for fig_id in starts.get(a, [])]
        piece = str(escape(text[a:b]))
        covering = [(fig_id, cls) for fig_id, s, e, cls in spans if s <= a and b <= e]
        if covering:
            ids = " ".join(fig_id for fig_id, _ in covering)
            classes = " ".join(sorted({"ev", *(cls for _, cls in covering if cls)}))
            piece = f'<mark class="{classes}" data-fig="{ids}">{piece}</mark>'
        out.append(piece)
    return Markup("".join(out))


def report_view(
    name: str, report: Report, text: str, gold: Report | None, taken: set[str] | None = None
) -> ReportView:
    """The view of one report: its figures (and the gold's where it has none), checks, text."""
    key = _key(name, taken if taken is not None else set())
    run_figures = figure_dict(report)
    gold_figures = figure_dict(gold) if gold is not None else {}
    order = dict.fromkeys([*run_figures, *gold_figures])
    paths = [p for p in order if run_figures.get(p) is not None or gold_figures.get(p) is not None]
    figures: list[FigureView] = []
    spans: list[tuple[str, int, int, str]] = []
    for i, path in enumerate(paths):
        fig_id = f"{key}-f{i}"
        mine, theirs = run_figures.get(path), gold_figures.get(path)
        shown = mine or theirs
        assert shown is not None
        covered = gold is not None and path in gold_figures
        mark = MARKS[figure_outcome(theirs, mine)] if covered else None
        at = text.find(shown.evidence)
        if at >= 0:
            spans.append((fig_id, at, at + len(shown.evidence), "missed" if mine is None else ""))
        figures.append(
            FigureView(
                id=fig_id,
                path=path,
                label=field_label(path),
                value=describe(mine) if mine is not None else "—",
                gold=describe(theirs) if covered else None,
                mark=mark,
                evidence=shown.evidence,
                found=at >= 0,
                problem=ungrounded_reason(mine, text) if mine is not None else None,
                derivation=shown.derivation if shown.derived else None,
            )
        )
    expected = failing_ids(gold) if gold is not None else None
    checks = [_check_view(c, expected) for c in report.checks]
    return ReportView(key, name, report, figures, checks, highlight(text, spans), gold is not None)


def _check_view(check: Check, expected: set[str] | None) -> CheckView:
    return CheckView(
        check.id, check.status, check.message, None if expected is None else check.id in expected
    )


def render_review(views: Sequence[ReportView], title: str = "govreport review") -> str:
    """The review page of ``views`` as one HTML document."""
    source = resources.files("eval").joinpath("templates", TEMPLATE).read_text(encoding="utf-8")
    env = jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    return env.from_string(source).render(
        title=title,
        views=views,
        version=extract.__version__,
        generated=datetime.now().astimezone().isoformat(timespec="seconds"),
    )
