"""Section groups: which part of the schema one call fills, from which report passages.

One call per group, never per document: the group's passages are the sections the
segmenter found for its topics (verbatim slices of the normalized text), so a call
stays small and the model reads only what speaks of its fields. A group whose
sections the report lacks makes no call.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from extract.engines.base import Document
from extract.engines.llm.models import answer_model
from schemas import Appeals, Proactive, Report, Requests

MAX_PASSAGE_CHARS = 6000
"""Above this many characters, a group sends only the lines that may state figures."""
HEAD_CHARS = 400
"""The title, issuer and dates of the overview group are read from the report's head..."""
TAIL_CHARS = 160
"""...and its last lines (signature and date)."""
CAPACITY_LINE_RE = re.compile(r"人员|专职|兼职|经费|培训|会议|收费|处理费")
"""Lines of an overview section that speak of capacity or fees, when no section does."""
DATE_RE = re.compile(r"(?:19|20)\d\d\s?(?:年\s?\d{1,2}\s?月|-\d{1,2}-\d{1,2})")
"""A signature date in the report's last lines."""
FIGURE_LINE_RE = re.compile(
    r"\d|[一二三四五六七八九十百千万两零〇]+[条件人次项个名期万元]|未|无|没有|\|"
)
"""A line that may state a figure: digits, a counted Chinese numeral, a "none", a table row."""


@dataclass(frozen=True)
class Group:
    """One part of the schema and the topics of the sections that state it."""

    name: str
    topics: tuple[str, ...]
    model: type[BaseModel]
    root: str
    """Where the answer goes in the Report ("proactive"), or "" when it holds Report fields."""

    @property
    def prefix(self) -> str:
        """Contract-path prefix of the answer's fields."""
        return f"{self.root}." if self.root else ""

    def owns(self, path: str) -> bool:
        """Whether the contract path ``path`` is a field this group fills."""
        parts = path.split(".")
        if self.root:
            if parts[0] != self.root or len(parts) < 2:
                return False
            parts = parts[1:]
        return parts[0].split("[")[0] in self.model.model_fields

    def apply(self, report: Report, data: dict[str, Any]) -> None:
        """Write a validated answer's data into ``report`` (other fields untouched)."""
        parts = {self.root: data} if self.root else data
        for name, value in parts.items():
            current = getattr(report, name)
            if isinstance(current, BaseModel):
                merged = {**current.model_dump(), **value}
                setattr(report, name, type(current).model_validate(merged))
            else:
                setattr(report, name, value)


GROUPS: tuple[Group, ...] = (
    Group("proactive", ("proactive",), answer_model(Proactive, path="proactive"), "proactive"),
    Group(
        "requests",
        ("requests",),
        answer_model(Requests, exclude=("matrix",), path="requests"),
        "requests",
    ),
    Group("appeals", ("appeals",), answer_model(Appeals, path="appeals"), "appeals"),
    Group(
        "overview",
        ("fees", "capacity", "meetings_training"),
        answer_model(Report, "OverviewAnswer", ("meta", "fees", "capacity")),
        "",
    ),
    Group(
        "problems",
        ("problems", "improvements"),
        answer_model(Report, "ProblemsAnswer", ("problems", "improvements")),
        "",
    ),
)
GROUP_NAMES = tuple(group.name for group in GROUPS)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans sorted, overlapping ones joined."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _lines(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Spans of the non-blank lines of ``text[start:end]``."""
    for match in re.finditer(r"[^\n]+", text[start:end]):
        if match.group().strip():
            yield start + match.start(), start + match.end()


def _focused(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Only the lines that may state figures, when the spans are too long to send whole."""
    if sum(end - start for start, end in spans) <= MAX_PASSAGE_CHARS:
        return spans
    kept = [
        line
        for start, end in spans
        for line in _lines(text, start, end)
        if FIGURE_LINE_RE.search(text, line[0], line[1])
    ]
    total, out = 0, []
    for start, end in kept:
        if total + end - start > MAX_PASSAGE_CHARS:
            break
        out.append((start, end))
        total += end - start
    return out


def _overview_spans(doc: Document, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The head and tail of the report, plus capacity lines of the overview when needed."""
    text = doc.text.text
    segments = doc.segments
    head_end = min(max(segments.preamble_end, 0), HEAD_CHARS) or min(len(text), HEAD_CHARS)
    extra = [(0, head_end)]
    tail = max(0, len(text) - TAIL_CHARS)
    if DATE_RE.search(text, tail):
        extra.append((tail, len(text)))
    if not any(doc.segments.topic_sections(topic) for topic in ("capacity", "meetings_training")):
        extra += [
            line
            for start, end in segments.spans("overview")
            for line in _lines(text, start, end)
            if CAPACITY_LINE_RE.search(text, line[0], line[1])
        ]
    return spans + extra


def passages(group: Group, doc: Document) -> list[str]:
    """The verbatim passages a group's call is shown; empty when the report lacks them."""
    spans = [span for topic in group.topics for span in doc.segments.spans(topic)]
    if group.name == "overview" and doc.segments.is_report:
        spans = _overview_spans(doc, spans)
    text = doc.text.text
    found = (text[start:end].strip() for start, end in _focused(text, _merged(spans)))
    return [passage for passage in found if passage]
