"""The rules engine: deterministic, offline extraction by patterns, tables and lists.

One report's way through: meta from the head and the close of the text; the
narrative figures by cues in the section of their topic (:mod:`.narrative`,
:mod:`.cues`); for 2019/2021 reports the template tables laid over them
(:mod:`.template_tables`), for older reports their statistics table (统计表);
problems and improvements as lists (:mod:`.lists`).
A text that is no disclosure report (template ``unknown``) gets no figures and no meta
beyond its template and script.
"""

from __future__ import annotations

from extract import __version__
from extract.engines.base import Document
from extract.engines.rules.lists import read_lists
from extract.engines.rules.meta import read_meta
from extract.engines.rules.narrative import Finder
from extract.engines.rules.scan import Scan
from extract.engines.rules.template_tables import (
    TABLE_TEMPLATES,
    apply_statistics_table,
    apply_tables,
    read_tables,
)
from schemas import EngineInfo, Meta, Report, set_path

__all__ = ["RulesEngine"]


class RulesEngine:
    """Extracts every figure the text states, by rule; never guesses."""

    name = "rules"

    def extract(self, doc: Document) -> Report:
        text = doc.text.text
        segments = doc.segments
        meta = Meta(
            template=segments.template,
            script=doc.text.script,
            sections_announced=list(segments.announced),
            sections_found=list(segments.found),
        )
        report = Report(
            source=doc.source, meta=meta, engine=EngineInfo(name=self.name, version=__version__)
        )
        if not segments.is_report:
            return report
        report.meta = meta.model_copy(update=vars(read_meta(text, segments)))
        scan = Scan(text, (at for s in segments.sections for at in (s.start, s.body_start)))
        finder = Finder(scan, segments)
        found = finder.find_all()
        if "proactive.total" not in found:
            lone = finder.lone_website_total()
            if lone is not None:
                found["proactive.total"] = lone
        for path, hit in found.items():
            set_path(report, path, hit.quantity)
        lone_case = finder.single_case_result(found.get("appeals.reconsideration.total"))
        if lone_case is not None:
            part, result = lone_case
            setattr(report.appeals.reconsideration, part, result)
        channels, make_up = finder.channels(found.get("proactive.total"))
        report.proactive.channels = channels
        report.proactive.channels_make_up_total = make_up
        apply_tables(report, read_tables(text, segments))
        if segments.template not in TABLE_TEMPLATES:
            apply_statistics_table(report, text)
        report.problems, report.improvements = read_lists(text, segments, scan.wrap_spans)
        return report
