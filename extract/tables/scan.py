"""Reading one table's section into rows: labels found by pattern, cells by position.

Whatever the layout — ``|``-separated rows, PDF text with labels broken over
lines and numbers one per line, a whole table on one line — a section becomes a
list of :class:`Unit`: a row label the table knows (or none, where the label was
lost) and the cells that follow it. Narrative sentences, page numbers and
explanatory parentheses inside the section are left out.

Row labels are found by :class:`Label` patterns; of all their matches, the
longest chain in table order is kept (so a label word in a header or a stray
match elsewhere does not steal a row).
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import NamedTuple

NUMBERING_RE = re.compile(
    r"(?:\(\s*[一二三四五六七八九十]{1,2}\s*\)|[一二三四五六七八九十]{1,2}\s*[、.]|[1-9]\s*[.、])\s*$"
)
"""A row number right before a label: (三), 三、, 1. or 1、 (searched in the few characters before)."""
NUMBERING_REACH = 12

HEADING_RE = re.compile(r"[ \t]*[一二三四五六七八九十]{1,2}[、.]")
"""A top-level heading (三、…) at the start of a line."""
SAME_LABEL_RE = re.compile(r"[\u4e00-\u9fff“”\"'、 ]*")
SAME_LABEL_GAP = 12
"""Two words of one label are at most this far apart, with only words between them."""
PAGE_NUMBER_RE = re.compile(
    r"[ \t]*(?:[-—–－~]+[ \t]*\d{1,3}[ \t]*[-—–－~]+|第[ \t]*\d{1,3}[ \t]*页"
    r"(?:[ \t]*[,/]?[ \t]*共[ \t]*\d{1,3}[ \t]*页)?|\d{1,3}[ \t]*/[ \t]*\d{1,3})[ \t]*"
)
LABEL_NOTE_RE = re.compile(r"\(\s*(?:区\s*分\s*处\s*理|本\s*[列栏]\s*数\s*据)[^()]{0,80}\)")
"""Explanatory notes of the request table, possibly broken over lines."""
SHORT_PAREN_RE = re.compile(r"\([^()\n]{0,30}\)")
PROSE_RE = re.compile(r"[。;!?,:](?<!\d[,:](?=\d))")
"""Sentence punctuation (a comma or colon between digits is none: 2,361, 10:30): a chunk
holding it is narrative, not a table row."""
PIPE_CHUNK_RE = re.compile(r"[^|]+")
CELL_LINE_GAP = re.compile(r"[ \t]*\|[ \t]*\n[ \t]*")
"""Between two cells that a page printed one per line (``0 |`` newline ``4 |``)."""
DIGITS_BEFORE_WORDS_RE = re.compile(
    r"\d\d{2,}(?![个件条项人次元万亿千篇家份批起宗例名场期届岁天页户倍])(?=[\u4e00-\u9fff])"
)
r"""Three or more digits that words (not a counting unit) follow: in one-line text a flattened
row's digits end where the next sentence starts, and only that part is prose. (``\d\d{2,}``,
not ``\d{3,}``: a pattern that starts with a character class is searched fast.)"""
UNITS = (
    "年|月|日|号|时|个|件|条|项|人|次|元|万|亿|千|篇|家|份|批|起|宗|例|名|场|期|届|岁|天|页"
    "|微克|平方|公里|米|吨|户|倍|%"
)
NUMBER_RE = re.compile(
    r"(?P<dash>(?<!\S)(?:—{1,2}|－|-{1,2}|/)(?!\S))"
    r"|(?<![\d.,/\-+A-Za-z第])[-+]?\d+(?:,\d{3})*(?:\.\d+)?"
    rf"(?![\d.,%‰/\-A-Za-z)、]|\s*(?:{UNITS}))"
    r"|(?<![\d.,/\-+A-Za-z第])\d+(?=(?:19|20)\d\d年)"
)
"""A bare number in running table text (not a year, a count with a unit, a row number),
or a dash standing for a blank cell. Digits glued to a year that starts the next
paragraph (``…100012023年,…`` in one-line text) are the number without the year."""
NUMBER_START_RE = re.compile(r"[\d+\-—－/]")
"""What a NUMBER_RE match starts with: searched first, it skips text without numbers fast."""
NUMBERS_ONLY_RE = re.compile(r"[\d.,+\-\s—－/]*")
"""A ``|`` piece holding several numbers and nothing else (a row whose inner separators were lost)."""
CELL_RE = re.compile(r"([-+]?\d+(?:,\d{3})*(?:\.\d+)?)\s*(万元|元|件|条|项|个|人次|次|人)?")
BLANK_CELLS = frozenset({"", "/", "-", "--", "—", "——", "－", "\\", "×", "空"})
NONE_CELLS = frozenset({"无", "零"})
"""Cells that state zero in words."""


@dataclass(frozen=True)
class Label:
    """A row of a table and the pattern of its label."""

    row: str
    pattern: re.Pattern[str]
    starts: str | None = None
    """What every match starts with, if known (see :func:`first_chars`)."""

    def finditer(self, text: str, start: int, end: int) -> Iterator[re.Match[str]]:
        return finditer_at(self.pattern, self.starts, text, start, end)


def label(row: str, *words: str, guard: str = "") -> Label:
    """A :class:`Label` matching any of ``words``, broken anywhere by spaces.

    A word may hold ``[..]`` character classes and ``?`` after a character.
    """
    body = "|".join(spaced(word) for word in words)
    return Label(row, re.compile(f"(?:{body}){guard}"), first_chars(words))


def first_chars(words: Iterable[str]) -> str | None:
    """The characters that the matches of ``words`` (as :func:`spaced` writes them) start
    with, when they are several: a regex search cannot skip ahead to them then (it tries
    every position), ``str.find`` can. None for one, or if a word starts with a character
    class or an optional character."""
    firsts = dict.fromkeys(None if w[0] == "[" or w[1:2] == "?" else w[0] for w in words)
    return None if len(firsts) < 2 or None in firsts else "".join(filter(None, firsts))


def finditer_at(
    pattern: re.Pattern[str], starts: str | None, text: str, start: int, end: int
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text, start, end)``, trying the pattern only where one of ``starts``
    stands (every match starts with one of them); everywhere if ``starts`` is None."""
    if starts is None:
        yield from pattern.finditer(text, start, end)
        return
    after = start
    for pos in _positions(text, starts, start, end):
        if pos >= after and (m := pattern.match(text, pos, end)) is not None:
            yield m
            after = m.end()


def _positions(text: str, chars: str, start: int, end: int) -> list[int]:
    """Where each of ``chars`` stands in ``text[start:end]``, in order."""
    found = []
    for char in chars:
        pos = text.find(char, start, end)
        while pos >= 0:
            found.append(pos)
            pos = text.find(char, pos + 1, end)
    found.sort()
    return found


def spaced(word: str) -> str:
    atoms: list[str] = []
    i = 0
    while i < len(word):
        if word[i] == "[":
            close = word.index("]", i)
            atom, i = word[i : close + 1], close + 1
        else:
            atom, i = re.escape(word[i]), i + 1
        if i < len(word) and word[i] == "?":
            atom, i = f"(?:{atom})?", i + 1
        atoms.append(atom)
    return r"\s*".join(atoms)


class Cell(NamedTuple):
    """One cell as written: a number, a zero in words, or a blank (empty, or a dash)."""

    text: str
    start: int
    end: int
    value: int | float | None = None
    unit: str | None = None

    @property
    def blank(self) -> bool:
        return self.value is None


_new_cell: Callable[[tuple[str, int, int, int | float | None, str | None]], Cell] = partial(
    tuple.__new__, Cell
)
"""A :class:`Cell` from all five fields, for the cells a table has by the hundred (blank and
digit pieces, bare numbers): half the cost of ``Cell(...)``, whose ``__new__`` is a Python
function."""


@dataclass
class Unit:
    """A row of the table as found: its label's row (None if lost) and its cells."""

    row: str | None
    start: int
    end: int
    cells: list[Cell] = field(default_factory=list)
    piped: bool = True
    """Cells kept their separators, so a blank is a cell; False for runs of bare numbers."""

    def add(self, cell: Cell, piped: bool) -> None:
        self.cells.append(cell)
        if cell.end > self.end:
            self.end = cell.end
        if not piped:
            self.piped = False


class Anchor(NamedTuple):
    """A row label found in the text: its row, its place in the table's order, its span."""

    row: str
    order: int
    start: int
    end: int


def number_value(token: str) -> int | float:
    """The value of a NUMBER_RE / CELL_RE token ("2,361", "-14", "586.42")."""
    value = float(token.replace(",", ""))
    return int(value) if value.is_integer() and "." not in token else value


def _cell(piece: str, start: int, end: int) -> Cell | None:
    """A cell from a ``|`` piece: blank, number or words for zero; None for label text."""
    stripped = piece.strip()
    if stripped in BLANK_CELLS:  # empty, or a dash that says "not applicable"
        return _new_cell((stripped, start, end, None, None))
    offset = start + piece.find(stripped)
    if stripped.isdigit() and stripped.isascii():
        return _new_cell((stripped, offset, offset + len(stripped), int(stripped), None))
    if stripped in NONE_CELLS:
        return Cell(stripped, offset, offset + len(stripped), 0)
    m = CELL_RE.fullmatch(stripped)
    if m is None:
        return None
    return Cell(stripped, offset, offset + len(stripped), number_value(m.group(1)), m.group(2))


class _Section:
    """The masks of one section: narrative chunks, page numbers and notes left out."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.start = start
        self.end = end
        region = text[start:end]
        region = LABEL_NOTE_RE.sub(lambda m: " " * len(m.group()), region)
        self.masked = SHORT_PAREN_RE.sub(lambda m: " " * len(m.group()), region)
        self.lines = self._lines()
        self.excluded: list[tuple[int, int]] = []
        for line_start, line_end in self.lines:
            self.excluded += self._left_out(line_start, line_end)
        self.excluded_starts = [s for s, _ in self.excluded]

    def _lines(self) -> list[tuple[int, int]]:
        lines = []
        pos = self.start
        while pos < self.end:
            stop = self.text.find("\n", pos, self.end)
            stop = self.end if stop < 0 else stop
            lines.append((pos, stop))
            pos = stop + 1
        return lines

    def masked_slice(self, start: int, end: int) -> str:
        return self.masked[start - self.start : end - self.start]

    def _left_out(self, line_start: int, line_end: int) -> list[tuple[int, int]]:
        """The whole line if it is a page number, else its narrative chunks."""
        line = self.masked_slice(line_start, line_end)
        if PAGE_NUMBER_RE.fullmatch(line):
            return [(line_start, line_end)]
        if not PROSE_RE.search(line):
            return []
        return [
            (line_start + start, line_start + end)
            for start, end in _chunks(line)
            if PROSE_RE.search(line[start:end])
        ]

    def gaps(self, start: int, end: int) -> list[tuple[int, int]]:
        """The parts of ``[start, end)`` outside narrative chunks and page numbers, in order."""
        excluded = self.excluded
        i = bisect_right(self.excluded_starts, start) - 1
        if i >= 0:
            start = max(start, excluded[i][1])  # past the span that holds it, if one does
        gaps = []
        for s, e in itertools.islice(excluded, i + 1, None):
            if s >= end:
                break
            if start < s:
                gaps.append((start, s))
            start = e
        if start < end:
            gaps.append((start, end))
        return gaps

    def left_out(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` overlaps a narrative chunk or a page number."""
        i = bisect_right(self.excluded_starts, end - 1) - 1
        while i >= 0:
            s, e = self.excluded[i]
            if e > start:
                return True
            if s < start:
                break
            i -= 1
        return False


def _chunks(line: str) -> list[tuple[int, int]]:
    """The spans of a line's pieces between ``|``, or of its sentences if it has no ``|``."""
    if "|" in line:
        return [m.span() for m in PIPE_CHUNK_RE.finditer(line)]
    return _sentences(line)


def _sentences(line: str) -> list[tuple[int, int]]:
    """The spans of the sentences of ``line``: each ends after a 。 or with digits that
    words follow (:data:`DIGITS_BEFORE_WORDS_RE`)."""
    cuts = {m.end() for m in DIGITS_BEFORE_WORDS_RE.finditer(line)}
    stop = line.find("。")
    while stop >= 0:
        cuts.add(stop + 1)
        stop = line.find("。", stop + 1)
    cuts.add(len(line))
    spans = []
    start = 0
    for cut in sorted(cuts):
        if cut > start:
            spans.append((start, cut))
            start = cut
    return spans


def in_narrative(text: str, pos: int) -> bool:
    """Whether ``text[pos]`` lies in a narrative sentence rather than in a table row."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line_end = len(text) if line_end < 0 else line_end
    stops = "|" if text.find("|", line_start, line_end) >= 0 else "。"
    chunk_start = max(line_start, text.rfind(stops, line_start, pos) + 1)
    chunk_end = text.find(stops, pos, line_end)
    chunk_end = line_end if chunk_end < 0 else chunk_end + 1
    chunk = SHORT_PAREN_RE.sub(" ", LABEL_NOTE_RE.sub(" ", text[chunk_start:chunk_end]))
    return PAGE_NUMBER_RE.fullmatch(chunk) is not None or PROSE_RE.search(chunk) is not None


def _numbered_from(section: _Section, start: int) -> int:
    """Where the label starting at ``start`` begins, its row number included."""
    reach = max(section.start, start - NUMBERING_REACH)
    m = NUMBERING_RE.search(section.text, reach, start)
    return m.start() if m else start


def find_anchors(section: _Section, labels: Sequence[Label]) -> list[Anchor]:
    """The row labels of the section: the longest chain of matches in table order."""
    found: list[Anchor] = []
    text = section.text
    for order, lab in enumerate(labels):
        last_end = -1
        for m in lab.finditer(text, section.start, section.end):
            if section.left_out(m.start(), m.end()):
                continue
            if 0 <= m.start() - last_end <= SAME_LABEL_GAP and SAME_LABEL_RE.fullmatch(
                text, last_end, m.start()
            ):  # a second word of the same label ("没有现成信息需要另行制作")
                continue
            found.append(Anchor(lab.row, order, _numbered_from(section, m.start()), m.end()))
            last_end = m.end()
    found.sort(key=lambda a: (a.start, a.order))
    return _longest_chain(found)


def _longest_chain(found: list[Anchor]) -> list[Anchor]:
    """The longest chain of anchors that follow one another in text and in table order.

    Each anchor extends the longest chain it can (the latest such, on a tie); of the
    longest chains, the one that ends first is kept.
    """
    best: list[int] = []
    back: list[int] = []
    for i, anchor in enumerate(found):
        score, prev = 0, -1
        for j in range(i - 1, -1, -1):
            if j + 1 <= score:  # a chain up to ``j`` holds at most j + 1 anchors
                break
            other = found[j]
            if best[j] > score and other.end <= anchor.start and other.order < anchor.order:
                score, prev = best[j], j
        best.append(score + 1)
        back.append(prev)
    if not found:
        return []
    i = max(range(len(found)), key=lambda k: (best[k], -k))
    chain = []
    while i >= 0:
        chain.append(found[i])
        i = back[i]
    return chain[::-1]


def _numbers(section: _Section, start: int, end: int) -> list[Cell]:
    """Bare numbers in ``[start, end)`` (no label inside), outside narrative and page numbers."""
    first = NUMBER_START_RE.search(section.text, start, end)
    if first is None:
        return []
    text = section.text
    masked = section.masked_slice(start, end)
    cells = []
    # A number never runs across the edge of a narrative chunk (a 。, a |, a line break, or
    # digits that words follow): only the gaps between them are searched, and in them only
    # where a number can start (as finditer would, but without trying every position).
    for gap_start, gap_end in section.gaps(first.start(), end):
        pos = gap_start
        while (candidate := NUMBER_START_RE.search(text, pos, gap_end)) is not None:
            s = candidate.start()
            m = NUMBER_RE.match(text, s, end)
            if m is None:
                pos = s + 1
                continue
            pos = m.end()
            if masked[s - start] == " ":  # blanked: inside a parenthesis, (1), (单位:万元)
                continue
            token = m.group()
            value = None if m.group("dash") else number_value(token)
            cells.append(_new_cell((token, s, pos, value, None)))
    return cells


class _Builder:
    def __init__(
        self, section: _Section, anchors: list[Anchor], label_only: frozenset[str], width: int
    ):
        self.section = section
        self.anchors = anchors
        self.anchor_starts = [a.start for a in anchors]
        self.label_only = label_only
        self.width = width
        self.units: list[Unit] = []
        self.current: Unit | None = None

    def open(self, anchor: Anchor) -> Unit:
        unit = Unit(anchor.row, anchor.start, anchor.end)
        self.units.append(unit)
        self.current = unit
        return unit

    def line(self, start: int, end: int) -> None:
        first = bisect_left(self.anchor_starts, start)
        on_line = self.anchors[first : bisect_left(self.anchor_starts, end, first)]
        # anchors follow one another: only the one before the line can reach into it
        before = self.anchors[first - 1].end if first else -1
        reach = before if before > start else None
        if reach is None and HEADING_RE.match(self.section.text, start, end):
            self.current = None  # a heading that is no row of the table ends the row before it
        if self.section.text.find("|", start, end) >= 0:
            self._piped_line(start, end, on_line, reach)
        else:
            self._plain_line(start, end, on_line, reach)

    def _plain_line(self, start: int, end: int, on_line: list[Anchor], reach: int | None):
        """``reach``: the end of a label that starts on a line before."""
        gap_start = start if reach is None else reach
        for anchor in [*on_line, None]:
            gap_end = end if anchor is None else anchor.start
            for cell in _numbers(self.section, gap_start, gap_end):
                current = self.current
                if current is None or (
                    len(current.cells) >= self.width and current.cells[-1].end < start
                ):  # a full row does not take numbers from later lines
                    current = self.current = Unit(None, cell.start, cell.end, piped=False)
                    self.units.append(current)
                current.add(cell, piped=False)
            if anchor is not None:
                self.open(anchor)
                gap_start = anchor.end

    def _piped_line(self, start: int, end: int, on_line: list[Anchor], reach: int | None):
        section = self.section
        unit = self.current if reach is not None else None
        loose: list[Cell] = []  # the cells of the line outside a row, after its words
        one_each = True  # each piece gave ``loose`` one cell
        checked = section.left_out(start, end)
        pieces = section.text[start:end].split("|")
        last = len(pieces) - 1
        p_end = start - 1
        waiting = iter(on_line)  # anchors of this line not yet opened
        anchor = next(waiting, None)
        for k, piece in enumerate(pieces):
            p_start = p_end + 1
            p_end = p_start + len(piece)
            if checked and section.left_out(p_start, p_end):
                continue
            tail = reach if reach is not None and p_start < reach <= p_end else -1
            while anchor is not None and anchor.start < p_end:
                loose, one_each = [], True  # cells before a label are label cells
                unit = self.open(anchor)
                tail = max(tail, anchor.end)
                anchor = next(waiting, None)
            if tail >= 0:  # the rest of a label cell: only numbers glued to the label count
                for glued in _numbers(section, min(tail, p_end), p_end):
                    if unit is not None:
                        unit.add(glued, piped=False)
                continue
            cell = _cell(piece, p_start, p_end)
            if cell is not None:
                if 0 < k < last or cell.text:  # blank ends of the line are no cells
                    if unit is None:
                        loose.append(cell)
                    else:
                        unit.add(cell, piped=True)
                continue
            cells = self._numbers_only(piece, p_start, p_end)
            if unit is not None and cells is None and unit.row in self.label_only:
                unit = None  # words after a category label: a sub-row whose label was lost
            if unit is None:
                if cells is None:
                    loose, one_each = [], True  # cells before words are no cells of a row
                else:
                    loose.extend(cells)
                    one_each = one_each and len(cells) == 1
            elif cells is not None:
                for number in cells:
                    unit.add(number, piped=len(cells) == 1)
        if loose:
            self._loose_line(loose, one_each)

    def _numbers_only(self, piece: str, start: int, end: int) -> list[Cell] | None:
        """The numbers of a ``|`` piece that holds space-separated numbers and nothing else."""
        if not NUMBERS_ONLY_RE.fullmatch(piece):
            return None
        return _numbers(self.section, start, end) or None

    def _next_cell_line(self, current: Unit, cells: list[Cell]) -> bool:
        """One cell on a line right after the current row's last cell (``规章 |`` ``0 |``
        ``4 |``: a page whose table cells became one line each): the row's next cell."""
        if len(cells) != 1 or not current.cells or len(current.cells) >= self.width:
            return False
        last = current.cells[-1]
        gap = self.section.text[last.end : cells[0].start]
        return bool(CELL_LINE_GAP.fullmatch(gap))

    def _loose_line(self, cells: list[Cell], piped: bool) -> None:
        """The cells of a ``|`` line without a known label (those after its last words);
        ``piped``: each came from a piece of its own."""
        current = self.current
        if current is not None and self._next_cell_line(current, cells):
            current.add(cells[0], piped)
            return
        if len(cells) < 2 and all(c.blank for c in cells):
            return
        if (
            current is not None
            and not current.cells
            and current.row not in self.label_only
            and not any(c.blank for c in cells)
        ):
            for cell in cells:
                current.add(cell, piped)
            return
        self.units.append(Unit(None, cells[0].start, cells[-1].end, cells, piped))
        self.current = None


def scan(
    text: str,
    start: int,
    end: int,
    labels: Sequence[Label],
    label_only: Iterable[str] = (),
    width: int = 1_000,
    labeled: bool = False,
) -> list[Unit]:
    """The rows of the table in ``text[start:end]``, in order.

    ``label_only`` names rows that print a label but no cells (category rows):
    an unlabeled ``|`` row after one of them is a row of its own, not its cells.
    ``width`` is the most cells a row has: a row that has them all takes no
    numbers from the lines after it (they start a row whose label was lost).
    ``labeled``: the caller reads only rows whose label was found, so a section
    where no label matches at all is not read (no rows).
    """
    if labeled and not any(next(lab.finditer(text, start, end), None) for lab in labels):
        return []
    section = _Section(text, start, end)
    anchors = find_anchors(section, labels)
    builder = _Builder(section, anchors, frozenset(label_only), width)
    for line_start, line_end in section.lines:
        builder.line(line_start, line_end)
    return builder.units


def evidence(text: str, start: int, end: int, limit: int = 2000) -> str | None:
    """The verbatim text of ``[start, end)``, trimmed of spaces and ``|``; None if too long."""
    span = text[start:end].strip(" |\n\t")
    return span if 0 < len(span) <= limit else None
