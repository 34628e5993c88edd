"""The figures of one text with their clause context, found once and looked up by span.

A *clause* ends at ``,`` ``:`` ``;`` ``。`` and the like; a *sentence* at ``。``
``;`` ``!`` ``?``, and both at the start and the end of a heading (one-line text runs
headings into their body). A line break counts as a boundary unless it only wraps a
paragraph (PDF text: a long line that ends in a character, not punctuation).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable
from typing import NamedTuple

from extract.numbers import Parsed, find_quantities
from schemas import Quantity

_CLAUSE_CHARS = ",:;。!?、"
_SENTENCE_CHARS = ";。!?"
_BREAK_CHARS = ",:;。!?"
"""Clause ends (with the line break); a 、 joins items within a clause."""
_NUMBER_COMMA = re.compile(r",(?<=\d,)(?=\d{3}(?!\d))")
"""A comma inside a number (1,862): no clause end."""
_PAGE_NUMBER_LINE = re.compile(r"^[^\S\n]*-[^\S\n]*\d{1,3}[^\S\n]*-[^\S\n]*$", re.MULTILINE)
_MARK = r"[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|\d+[.、]|[一二三四五六七八九十]是|\|"
_LINE_START_MARK = re.compile(rf"[^\S\n]*(?:{_MARK})")
WRAP_MIN_LINE = 24
"""A line at least this long that ends in a character is taken to be wrapped (PDF text)."""
WRAPPED_SHARE = 0.3
"""Share of long lines ending in a character above which a text is taken as wrapped."""
_NO_WRAP_END = set(_CLAUSE_CHARS + ")》”")
MAX_HEADING_LINE = 40
"""A numbered line shorter than this is a heading, never wrapped into the next line."""

MAX_EVIDENCE = 80


def is_wrapped(lines: list[str]) -> bool:
    """Whether paragraphs are broken into lines (PDF extraction): many long lines end mid-sentence."""
    long_lines = [line.rstrip() for line in lines if len(line) >= WRAP_MIN_LINE]
    open_ended = sum(1 for line in long_lines if line and line[-1] not in _NO_WRAP_END)
    return len(long_lines) >= 4 and open_ended > WRAPPED_SHARE * len(long_lines)


def wrap_spans(text: str) -> list[tuple[int, int]]:
    """Spans between a wrapped line and its continuation: the break, blank and page-number lines."""
    lines = text.split("\n")
    if not is_wrapped(lines):
        return []
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    content = [
        i for i, line in enumerate(lines) if line.strip() and not _PAGE_NUMBER_LINE.match(line)
    ]
    out = []
    for a, b in itertools.pairwise(content):
        line = lines[a].rstrip()
        if len(line) < WRAP_MIN_LINE or line[-1] in _NO_WRAP_END:
            continue
        if _LINE_START_MARK.match(lines[b]) or (
            _LINE_START_MARK.match(line) and len(line) < MAX_HEADING_LINE
        ):
            continue
        out.append((starts[a + 1] - 1, starts[b]))
    return out


def soft_breaks(text: str, spans: list[tuple[int, int]] | None = None) -> set[int]:
    """Positions of the line breaks that only wrap a paragraph."""
    spans = wrap_spans(text) if spans is None else spans
    return {i for start, end in spans for i in range(start, end) if text[i] == "\n"}


def join_wrapped(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    """``text[start:end]`` with the wrap spans inside it removed (PDF paragraphs joined)."""
    parts = []
    at = start
    for s, e in spans:
        if e <= at or s >= end:
            continue
        parts.append(text[at:s])
        at = max(at, e)
    parts.append(text[at:end])
    return "".join(parts)


def _boundaries(text: str, chars: str) -> str:
    """``text`` with each of ``chars`` replaced by a line break (one C-speed pass each)."""
    for char in chars:
        text = text.replace(char, "\n")
    return text


def _marked(text: str, positions: list[int], char: str) -> str:
    """``text`` with the character at each of the sorted ``positions`` replaced by ``char``."""
    if not positions:
        return text
    parts = [text[: positions[0]]]
    parts.extend(text[a + 1 : b] for a, b in itertools.pairwise(positions))
    parts.append(text[positions[-1] + 1 :])
    return char.join(parts)


def base_unit(unit: str) -> str:
    """A unit without its multiplier: 万元 → 元, 千条 → 条."""
    return unit.lstrip("千万亿") or unit


class Hit(NamedTuple):
    """A figure and where its clause and sentence start."""

    q: Parsed
    clause_start: int
    sentence_start: int
    unit: str
    """The unit without its multiplier (万元 → 元)."""


class Scan:
    """All figures of a text with clause and sentence boundaries, computed once.

    Boundaries are kept as copies of the text in which each boundary character is a line
    break (and a soft line break is not), so ``str.find`` and ``str.rfind`` look them up.
    """

    def __init__(self, text: str, breaks: Iterable[int] = ()) -> None:
        """``breaks``: more positions where a sentence starts (headings run into one-line text)."""
        self.text = text
        self.quantities = find_quantities(text)
        self._starts = [q.start for q in self.quantities]
        self.wrap_spans = wrap_spans(text)
        soft = sorted(soft_breaks(text, self.wrap_spans)) if self.wrap_spans else []
        extra = sorted({at - 1 for at in breaks if 0 < at <= len(text)})
        commas = [m.start() for m in _NUMBER_COMMA.finditer(text)]
        clauses = _marked(_boundaries(text, _BREAK_CHARS), commas, ",")
        self._clauses = _marked(_marked(clauses, soft, " "), extra, "\n")
        sentences = _boundaries(text, _SENTENCE_CHARS)
        self._sentences = _marked(_marked(sentences, soft, " "), extra, "\n")
        self._hits = [
            Hit(q, self.clause_start(q.start), self.sentence_start(q.start), base_unit(q.unit))
            for q in self.quantities
        ]

    def hits(self, start: int, end: int) -> list[Hit]:
        """The figures inside ``[start, end)`` with their clause and sentence starts."""
        lo = bisect.bisect_left(self._starts, start)
        hi = bisect.bisect_left(self._starts, end)
        return [hit for hit in self._hits[lo:hi] if hit.q.end <= end]

    def clause_start(self, pos: int) -> int:
        """Where the clause of ``text[pos]`` starts (after the last boundary before ``pos``)."""
        return self._clauses.rfind("\n", 0, pos) + 1

    def sentence_start(self, pos: int) -> int:
        return self._sentences.rfind("\n", 0, pos) + 1

    def sentence_end(self, pos: int) -> int:
        """The first sentence boundary after ``pos`` (or the text's end)."""
        end = self._sentences.find("\n", pos + 1)
        return end if end >= 0 else len(self.text)

    def clause_end(self, pos: int) -> int:
        end = self._clauses.find("\n", pos + 1)
        return end if end >= 0 else len(self.text)

    def left(self, hit: Hit) -> str:
        """The clause text before the figure."""
        return self.text[hit.clause_start : hit.q.start]

    def right(self, hit: Hit, limit: int = 24) -> str:
        """The clause text after the figure (at most ``limit`` characters)."""
        end = min(self.clause_end(hit.q.end), hit.q.end + limit)
        return self.text[hit.q.end : end]

    def evidence(self, start: int, end: int) -> str:
        """``text[start:end]`` trimmed of outer whitespace and cut to a readable length."""
        text = self.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end - start > MAX_EVIDENCE:
            start = end - MAX_EVIDENCE
            while start < end and text[start].isspace():
                start += 1
        return text[start:end]

    def quantity(self, hit: Hit, right_end: int | None = None) -> Quantity:
        """The Quantity of a figure, its evidence the clause up to the figure (or ``right_end``)."""
        end = min(max(hit.q.end, right_end or 0), hit.q.start + MAX_EVIDENCE)
        start = hit.clause_start
        if end - start > MAX_EVIDENCE:
            start = max(start, hit.q.start - (MAX_EVIDENCE - (end - hit.q.start)))
        return Quantity(
            value=hit.q.value,
            approx=hit.q.approx,
            unit=hit.q.unit,
            evidence=self.evidence(start, end),
        )

    def zero(self, start: int, end: int) -> Quantity:
        """A stated zero ("未收到…", "无…"), its evidence the statement."""
        return Quantity(value=0, approx=False, evidence=self.evidence(start, end))
