"""Problems and improvements: one item per 一是/二是…, (一)(二)…, 1. 2. … or ``;`` clause.

The problems section is read region by region (its sub-sections, or itself);
a sub-section about last year's problems (上年度…) is skipped. In a region that
holds both, each enumerated run is a list of problems or of measures according
to the words just before it (存在…问题/表现在 vs 将/下一步/改进措施).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.engines.rules.scan import join_wrapped, soft_breaks
from extract.segment import Section, Segments, ordinal

MARKER_STYLES: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?P<n>[一二三四五六七八九十]{1,2})是"),
    re.compile(r"第(?P<n>[一二三四五六七八九十]{1,2})[,、:]"),
    re.compile(r"(?:^|(?<=[。;:]))[^\S\n]*\((?P<n>[一二三四五六七八九十]{1,2})\)", re.MULTILINE),
    re.compile(r"(?:^|(?<=[。;:]))[^\S\n]*(?P<n>\d{1,2})[.、](?!\d)", re.MULTILINE),
    re.compile(r"(?:^|(?<=[。;:]))[^\S\n]*\((?P<n>\d{1,2})\)", re.MULTILINE),
)
PROBLEM_WORDS = re.compile(r"问题|不足|差距|短板|薄弱|表现在|表现为|主要是|有待")
MEASURE_WORDS = re.compile(
    r"改进|措施|下一步|今后|将(?:从|重点|继续|进一步|着力|以|在|围绕|做好|加强)|计划|打算|举措|努力|"
    r"下年度|来年|新的一年|拟"
)
PROBLEM_LEAD = re.compile(r"(?:表现在|表现为|主要是|主要有|体现在|(?<=[,:])如)[:]?")
MEASURE_LEAD = re.compile(
    r"(?:下一步|今后|下年度|来年|新的一年|\d{4}\s*年)[,\s]*[^\s,。;:]{0,8}?(?:将|要|拟|计划)"
    r"(?:[^。;:\n]{0,16}?:)?"
)
REGION_COLON = re.compile(r"\s*:")
"""A problems heading that ends in a colon (存在的主要问题:A;B;C。): the items follow."""
LAST_YEAR = re.compile(r"上(?:一)?年度?|去年|以往")
_ITEM_END = re.compile(r"[。;!?\n]")
_SENTENCE_END = re.compile(r"[。!?\n]")
_NEWLINE = re.compile(r"\n")
_TRIM = " ,、:;。等\n"
_SUMMARY_TAIL = re.compile(r"等(?:等)?(?:方面)?(?:的)?(?:问题|不足|情况)$")
"""The words that close a listing (…与社会公众互动交流不足等问题)."""
MAX_ITEM = 200


@dataclass(frozen=True)
class Item:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Run:
    """One enumerated list: its items and where it starts."""

    start: int
    items: tuple[Item, ...]


@dataclass(frozen=True)
class _Text:
    """The text with its PDF wrapping, so that items are cut at real line ends only."""

    text: str
    spans: list[tuple[int, int]]
    soft: set[int]

    def end_of(self, pattern: re.Pattern[str], start: int, stop: int) -> int:
        """The first end mark in ``[start, stop)`` that is not a wrapping line break."""
        for m in pattern.finditer(self.text, start, stop):
            if m.start() not in self.soft:
                return m.start()
        return stop

    def joined(self, start: int, end: int) -> str:
        return join_wrapped(self.text, start, end, self.spans)


def read_lists(
    text: str, segments: Segments, spans: list[tuple[int, int]]
) -> tuple[list[str], list[str]]:
    """The problems and the improvements the report names, one string each.

    ``spans`` are the text's wrap spans (:func:`~extract.engines.rules.scan.wrap_spans`).
    """
    doc = _Text(text, spans, soft_breaks(text, spans))
    problems: list[str] = []
    measures: list[str] = []
    for start, end, kind in _regions(segments):
        found_problems, found_measures = _read_region(doc, start, end, kind)
        problems.extend(p for p in found_problems if p not in problems)
        measures.extend(m for m in found_measures if m not in measures)
    return problems, measures


def _kind(heading: str) -> str:
    has_problem = bool(PROBLEM_WORDS.search(heading))
    has_measure = bool(MEASURE_WORDS.search(heading))
    if has_problem and not has_measure:
        return "problems"
    if has_measure and not has_problem:
        return "improvements"
    return "mixed"


def _regions(segments: Segments) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every problems/improvements region, last year's left out."""
    sections = segments.sections
    out: list[tuple[int, int, str]] = []
    seen: set[int] = set()
    for topic in ("problems", "improvements"):
        for section in segments.topic_sections(topic):
            if id(section) in seen:
                continue
            seen.add(id(section))
            children = [
                s for s in sections if s.parent is not None and sections[s.parent] is section
            ]
            topical = [c for c in children if {"problems", "improvements"} & set(c.topics)]
            if topical:
                head_end = topical[0].start
                if head_end > section.body_start:
                    out.append((section.body_start, head_end, _kind(section.heading)))
                out.extend(_child_regions(topical))
            elif not LAST_YEAR.search(section.heading):
                out.append((section.body_start, section.end, _kind(section.heading)))
    return out


def _child_regions(children: list[Section]) -> list[tuple[int, int, str]]:
    return [
        (c.body_start, c.end, _kind(c.heading)) for c in children if not LAST_YEAR.search(c.heading)
    ]


def _runs(doc: _Text, start: int, end: int) -> list[Run]:
    """Enumerated runs (1, 2, 3 … in order) of the first marker style that has any."""
    for style in MARKER_STYLES:
        runs: list[list[tuple[int, int]]] = []
        for m in style.finditer(doc.text, start, end):
            n = ordinal(m.group("n"))
            if n is None:
                continue
            if n == 1:
                runs.append([(m.start(), m.end())])
            elif runs and n == len(runs[-1]) + 1:
                runs[-1].append((m.start(), m.end()))
        found = [r for r in runs if len(r) >= 2]
        if found:
            return [_items(doc, r, end) for r in found]
    return []


def _items(doc: _Text, markers: list[tuple[int, int]], end: int) -> Run:
    items = []
    for i, (_, body) in enumerate(markers):
        last = i + 1 == len(markers)
        stop = doc.end_of(_NEWLINE, body, end) if last else markers[i + 1][0]
        items.append(_item(doc, body, stop))
    return Run(markers[0][0], tuple(i for i in items if i.text))


def _item(doc: _Text, start: int, stop: int) -> Item:
    """An item's first sentence, trimmed of enumeration punctuation."""
    end = doc.end_of(_ITEM_END, start, stop)
    value = doc.joined(start, end).strip(_TRIM)
    return Item(start, end, value[:MAX_ITEM])


def _run_kind(lead: str) -> str | None:
    """problems or improvements by the last telling word before a run; None if none."""
    last_problem = max((m.end() for m in PROBLEM_WORDS.finditer(lead)), default=-1)
    last_measure = max((m.end() for m in MEASURE_WORDS.finditer(lead)), default=-1)
    if last_problem < 0 and last_measure < 0:
        return None
    return "problems" if last_problem > last_measure else "improvements"


def _read_region(doc: _Text, start: int, end: int, kind: str) -> tuple[list[str], list[str]]:
    runs = _runs(doc, start, end)
    problems: list[str] = []
    measures: list[str] = []
    previous_end = start
    for index, run in enumerate(runs):
        if kind == "mixed":
            lead = doc.text[previous_end : run.start]
            run_kind = _run_kind(lead) or ("problems" if index == 0 else "improvements")
        else:
            run_kind = kind
        target = problems if run_kind == "problems" else measures
        target.extend(item.text for item in run.items)
        previous_end = run.items[-1].end if run.items else run.start
    if not problems and kind != "improvements":
        first_run = runs[0].start if runs else end
        problems = _listed_after(doc, PROBLEM_LEAD, start, first_run, minimum=2, commas=True)
        if not problems and kind == "problems":
            problems = _listed_after(doc, REGION_COLON, start, first_run, minimum=2, at_start=True)
    if not measures and kind == "mixed" and runs:
        measures = [item.text for run in _runs(doc, previous_end, end) for item in run.items]
    if not measures and kind != "problems":
        measures = _listed_after(doc, MEASURE_LEAD, previous_end, end, minimum=1)
    return problems, measures


def _listed_after(
    doc: _Text,
    lead: re.Pattern[str],
    start: int,
    end: int,
    minimum: int,
    at_start: bool = False,
    commas: bool = False,
) -> list[str]:
    """Items listed with ``;`` after a lead (…表现在A;B;C等。 / 下一步,将A;B;C。), which
    must stand right at ``start`` if ``at_start``; with ``commas``, items listed with
    ``,`` where no ``;`` parts them (主要是A,B,C等问题)."""
    m = (lead.match if at_start else lead.search)(doc.text, start, end)
    if m is None:
        return []
    stop = doc.end_of(_SENTENCE_END, m.end(), end)
    listing = _SUMMARY_TAIL.sub("", doc.joined(m.end(), stop).rstrip(_TRIM))
    pieces = listing.split(";")
    if len(pieces) < minimum and commas:
        pieces = listing.split(",")
    parts = [p.strip(_TRIM)[:MAX_ITEM] for p in pieces if p.strip(_TRIM)]
    return parts if len(parts) >= minimum else []
