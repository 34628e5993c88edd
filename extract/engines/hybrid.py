"""``--engine hybrid``: the rules engine first, then the LLM where the rules left gaps.

The LLM is asked only for the section groups where the rules engine left a
contract figure null or where a check of the rules report failed. Then, figure by
figure (contract paths), the final value is chosen by this policy:

1. A figure only one engine states, grounded, is taken from that engine; except an
   LLM zero whose "none" sentence the rules engine already read as a zero of other
   figures (the model spread one "未发生…" to sub-fields the rules left null).
2. Grounded beats ungrounded: a figure whose evidence is not in the text, or does
   not state its number, loses to a grounded one.
3. Both grounded and different: the LLM's value wins when putting it in makes a
   failing check of the report pass (alone, or together with the LLM's other
   differing values in that check); otherwise the rules value stays.

Channels are taken as a list: the LLM's only when the rules found none. Meta
fields: the rules' value, the LLM's where the rules have none. The check
``engine_agreement`` lists every figure both engines stated with different values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from extract.checks import CheckInput, run_check, run_checks
from extract.checks.grounding import ungrounded_reason
from extract.engines.base import Document, Engine, EngineOptions
from extract.engines.llm import LLMEngine
from extract.engines.llm.engine import result_checks
from extract.engines.llm.groups import GROUPS
from extract.engines.llm.models import META_FIELDS
from extract.engines.llm.usage import Totals
from schemas import Check, Quantity, Report, get_path, iter_figures, set_path

NOT_FIGURE_CHECKS = frozenset({"evidence_grounding", "engine_agreement"})
"""Checks whose failure no single figure value can repair."""
MAX_LISTED = 8


def _figures(report: Report) -> dict[str, Quantity | None]:
    """Figures by contract path, channels left out (they are merged as a list)."""
    return {path: q for path, q in iter_figures(report) if "[" not in path}


def _number(figure: Quantity) -> str:
    value = figure.value
    text = str(int(value)) if float(value).is_integer() else f"{value:g}"
    return f"~{text}" if figure.approx else text


def _same(a: Quantity, b: Quantity) -> bool:
    return float(a.value) == float(b.value) and a.approx == b.approx


def groups_to_ask(report: Report, checks: Sequence[Check], allowed: Iterable[str]) -> list[str]:
    """Groups where ``report`` leaves a figure null, or a failing check names a field."""
    failing = [path for c in checks if c.status == "fail" for path in c.fields]
    figures = _figures(report)
    wanted = []
    for group in GROUPS:
        if group.name not in allowed:
            continue
        if group.name == "problems":
            gap = not report.problems and not report.improvements
        else:
            gap = any(q is None and group.owns(path) for path, q in figures.items())
        if gap or any(group.owns(path) for path in failing):
            wanted.append(group.name)
    return wanted


class Merge:
    """The figure-by-figure choice between a rules report and an LLM report of one text."""

    def __init__(self, rules: Report, llm: Report, text: str) -> None:
        self.rules, self.llm, self.text = rules, llm, text
        self.report = rules.model_copy(deep=True)
        self.disagreements: list[tuple[str, Quantity, Quantity]] = []

    def grounded(self, figure: Quantity | None) -> bool:
        return figure is not None and ungrounded_reason(figure, self.text) is None

    def run(self) -> Report:
        """The merged report (checks not yet attached)."""
        mine, theirs = _figures(self.rules), _figures(self.llm)
        rules_nones = {q.evidence for q in mine.values() if q is not None and q.value == 0}
        for path, llm_figure in theirs.items():
            rules_figure = mine.get(path)
            if llm_figure is None or not self.grounded(llm_figure):
                continue
            if (
                rules_figure is None
                and llm_figure.value == 0
                and llm_figure.evidence in rules_nones
            ):
                continue
            if rules_figure is None or not self.grounded(rules_figure):
                set_path(self.report, path, llm_figure)
            elif not _same(rules_figure, llm_figure):
                self.disagreements.append((path, rules_figure, llm_figure))
        self._repair_identities()
        self._merge_lists_and_meta()
        return self.report

    def _repair_identities(self) -> None:
        """Rule 3: an LLM value that makes a failing check pass wins."""
        differing = {path: llm for path, _, llm in self.disagreements}
        for check in run_checks(self.report, self.text):
            if check.status != "fail" or check.id in NOT_FIGURE_CHECKS:
                continue
            paths = [path for path in check.fields if path in differing]
            for attempt in [[path] for path in paths] + ([paths] if len(paths) > 1 else []):
                candidate = self.report.model_copy(deep=True)
                for path in attempt:
                    set_path(candidate, path, differing[path])
                if run_check(check.id, CheckInput(candidate, self.text)).status == "pass":
                    self.report = candidate
                    break

    def _merge_lists_and_meta(self) -> None:
        if not self.report.proactive.channels and self.llm.proactive.channels:
            self.report.proactive.channels = self.llm.proactive.channels
            self.report.proactive.channels_make_up_total = self.llm.proactive.channels_make_up_total
        if not self.report.problems and not self.report.improvements:
            self.report.problems = self.llm.problems
            self.report.improvements = self.llm.improvements
        for name in META_FIELDS:
            if getattr(self.report.meta, name) is None:
                setattr(self.report.meta, name, getattr(self.llm.meta, name))

    def agreement(self, asked: bool) -> Check:
        """engine_agreement: the figures both engines stated, with different values."""
        fields = []
        lines = []
        for path, rules, llm in self.disagreements:
            chosen = get_path(self.report, path)
            won = "llm" if chosen is not None and chosen == llm else "rules"
            fields.append(path)
            lines.append(f"{path}: rules {_number(rules)}, llm {_number(llm)} (kept {won})")
        if lines:
            listed = "; ".join(lines[:MAX_LISTED])
            if len(lines) > MAX_LISTED:
                listed += f"; and {len(lines) - MAX_LISTED} more"
            return Check(id="engine_agreement", status="fail", message=listed, fields=fields)
        if not asked:
            return Check(id="engine_agreement", status="skipped", message="the LLM was not asked")
        return Check(
            id="engine_agreement", status="pass", message="no figure stated by both engines differs"
        )


class HybridEngine:
    """Rules first; the LLM for the groups the rules left open; a documented merge."""

    name = "hybrid"

    def __init__(
        self, options: EngineOptions | None = None, rules: Engine | None = None,
        llm: LLMEngine | None = None,
    ) -> None:  # fmt: skip
        if rules is None:
            from extract.engines.rules import RulesEngine

            rules = RulesEngine()
        self.rules = rules
        self.llm = llm or LLMEngine(options)

    def usage_line(self) -> str:
        """The LLM usage of every report extracted so far (see LLMEngine.usage_line)."""
        return self.llm.usage_line()

    def extract(self, doc: Document) -> Report:
        text = doc.text.text
        by_rules = self.rules.extract(doc)
        allowed = self.llm.config.groups or [g.name for g in GROUPS]
        asked = groups_to_ask(by_rules, run_checks(by_rules, text), allowed)
        results = self.llm.answer(doc, asked)
        by_llm = Report(source=doc.source, meta=by_rules.meta.model_copy())
        for result in results:
            if result.reply is not None:
                result.group.apply(by_llm, result.reply.data)
        merge = Merge(by_rules, by_llm, text)
        report = merge.run()
        report.checks = [
            *by_rules.checks,
            *result_checks(results, keep=lambda path: _null(report, path)),
            merge.agreement(bool(results)),
        ]
        info = self.llm.engine_info(Totals.of(r.record for r in results))
        report.engine = info.model_copy(update={"name": self.name})
        return report


def _null(report: Report, path: str) -> bool:
    """Whether the final report lacks the figure at ``path`` (a dropped LLM answer matters)."""
    if "[" in path:
        return True
    try:
        return get_path(report, path) is None
    except AttributeError:
        return True
