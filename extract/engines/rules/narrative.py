"""Narrative figures: each contract figure read by its cues in the sections of its topic.

Sections are read in the order the segmenter ranks them for a topic (top-level
first), or the overview when the report has no section of that topic; in
each, the strongest cue wins and then the earliest figure. A section
with no figure but a "none" statement gives a stated zero. Proactive channels
are read from the clauses that name a channel (网站, 微信, 公示栏 …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.engines.rules.cues import CHANNEL_WORDS, PROACTIVE_TOTAL, RULES, Cue, Rule
from extract.engines.rules.scan import Hit, Scan
from extract.segment import Segments
from schemas import Channel, Quantity

TEMPLATE_YEARS = frozenset({"2019", "2021"})
"""Templates whose 二、 section is a table, the narrative standing in the overview."""
CORE_TOPICS = ("proactive", "requests", "appeals", "fees", "capacity", "meetings_training")
FALLBACK_TOPICS = ("overview", "other")
"""Where a figure is looked for when the report has no section of its topic."""
_PAGE_NUMBER = re.compile(r"\n[^\S\n]*-[^\S\n]*\d{1,3}[^\S\n]*-[^\S\n]*(?=\n)")
CUE_WINDOW = 48

CHANNEL_RE = re.compile(CHANNEL_WORDS)
CHANNEL_VERB = r"公开|发布|推送|刊登|刊发|播出|播报|报道|更新|上传|编发|公布|推出|转载"
_CHANNEL_VERB_RE = re.compile(CHANNEL_VERB)
_CHANNEL_CUE = re.compile(rf"(?:{CHANNEL_VERB})[^,;。:]{{0,10}}$")
_CHANNEL_VETO = re.compile(
    r"留言|咨询|回复|评论|粉丝|关注|访问|浏览|点击|下载|解读|申请|回应|办结|受理"
)
_CHANNEL_UNITS = frozenset({"条", "篇", "件"})
_COUNT_SPLIT = re.compile(r"\d+")
"""Splits a sentence at its numbers: each part names what the next number counts."""
_WEBSITE = re.compile(r"网站|网页|门户网|政府网|政务网|互联网")
_DOC_KIND = re.compile(
    r"(?:规章|规范性文件|文件|政策解读|解读|批复|公告|通知|办法|意见|决定|预算|决算)"
    r"(?:共计|合计|共|计|达)?$"
)
"""A count of one kind of document (…等平台主动公开规章13件), not of what a channel carried."""
_PREPOSITION = re.compile(r"通过|经由|利用|依托|借助|在")
_NAME_SUFFIX = re.compile(
    r"(?:“[^”]{1,12}”|[^\s,;。:“”通在]{0,3}?)(?:公开平台|平台|专栏|栏目|公众号|客户端|账号|频道)|等"
)
_NAME_LEADING = re.compile(r"^(?:其中|同时|另外|另|并|全年|年内|\d{4}年度?|,|\s)+")
_BREAKDOWN = re.compile(r"其中|分别")
_CASE_RESULT = re.compile(
    r"(?P<upheld>维持(?:原)?(?:答复|决定|行政行为)?)|(?P<corrected>撤销|纠正|责令[^,;。]{0,6}?重新|确认违法)"
)


def clean_context(text: str) -> str:
    """Context text without line breaks and page-number lines (PDF wrapping)."""
    if "\n" not in text:
        return text
    return _PAGE_NUMBER.sub("", text).replace("\n", "")


@dataclass(frozen=True)
class Found:
    """A figure a rule accepted: its Quantity and the hit it came from (None for a zero)."""

    quantity: Quantity
    hit: Hit | None


class Finder:
    """Reads the figures of one report: its scan, its sections and the spans per topic."""

    def __init__(self, scan: Scan, segments: Segments) -> None:
        self.scan = scan
        self.segments = segments
        self._hits: dict[tuple[int, int], list[Hit]] = {}
        self._spans: dict[tuple[str, ...], list[tuple[int, int]]] = {}
        self._windows: dict[tuple[int, int], list[tuple[Hit, str]]] = {}
        self._left: dict[int, str] = {}
        self.unsegmented = not any(segments.topic_sections(t) for t in CORE_TOPICS)

    def spans(self, topics: tuple[str, ...]) -> list[tuple[int, int]]:
        """Spans of the sections about ``topics``, best first, none inside another."""
        if topics not in self._spans:
            self._spans[topics] = self._topic_spans(topics)
        return self._spans[topics]

    def _topic_spans(self, topics: tuple[str, ...]) -> list[tuple[int, int]]:
        """The sections of ``topics``; if the report has none, its overview and untitled ones."""
        if self.unsegmented:
            return [(0, len(self.scan.text))]
        out: list[tuple[int, int]] = []
        for topic in topics:
            for start, end in self.segments.spans(topic):
                if not any(s <= start and end <= e for s, e in out):
                    out.append((start, end))
        if not out and topics != FALLBACK_TOPICS:
            return self.spans(FALLBACK_TOPICS)
        return out

    def hits(self, span: tuple[int, int]) -> list[Hit]:
        if span not in self._hits:
            self._hits[span] = self.scan.hits(*span)
        return self._hits[span]

    def windows(self, span: tuple[int, int]) -> list[tuple[Hit, str]]:
        """The figures of ``span``, each with the end of its clause that cues are read in."""
        if span not in self._windows:
            self._windows[span] = [(hit, self.left(hit)[-CUE_WINDOW:]) for hit in self.hits(span)]
        return self._windows[span]

    def left(self, hit: Hit) -> str:
        """The clause before the figure, PDF line breaks removed."""
        key = hit.q.start
        if key not in self._left:
            self._left[key] = clean_context(self.scan.left(hit))
        return self._left[key]

    def accepts(self, cue: Cue, hit: Hit, m: re.Match[str]) -> int | None:
        """End of the right-hand cue (or the figure's end) if ``cue`` accepts ``hit``, given
        the match ``m`` of its left-hand words in the figure's window."""
        left = self.left(hit)
        if cue.joined and cue.joined.search(m.string, 0, m.start()):
            return None
        if cue.need and not cue.need.search(left):
            return None
        if cue.veto and cue.veto.search(left):
            return None
        if cue.sentence_veto or cue.sentence_need:
            sentence = clean_context(self.scan.text[hit.sentence_start : hit.q.start])
            if cue.sentence_veto and cue.sentence_veto.search(sentence):
                return None
            if cue.sentence_need and not cue.sentence_need.search(sentence):
                return None
        if cue.kinds and self._counts_kinds_apart(cue.kinds, hit):
            return None
        if cue.right is None:
            return hit.q.end
        right = clean_context(self.scan.right(hit))
        tail = cue.right.match(right)
        return hit.q.end + tail.end() if tail else None

    def _counts_kinds_apart(self, kinds: re.Pattern[str], hit: Hit) -> bool:
        """Whether the figure's sentence (to its 。, across ;) counts two kinds of its category
        apart (a kind named before each of two numbers)."""
        text, at = self.scan.text, hit.q.start
        start = max(text.rfind("。", 0, at), text.rfind("\n", 0, at)) + 1
        ends = [e for e in (text.find("。", at), text.find("\n", at)) if e >= 0]
        sentence = text[start : min(ends, default=len(text))]
        counted = [part for part in _COUNT_SPLIT.split(sentence) if kinds.search(part)]
        return len(counted) > 1

    def best_in(self, rule: Rule, span: tuple[int, int]) -> Found | None:
        """The strongest cue's earliest figure in ``span``."""
        windows = self.windows(span)
        for cue in rule.cues:
            units, search = cue.units, cue.left.search
            for hit, window in windows:
                if hit.unit not in units or not (m := search(window)):
                    continue
                end = self.accepts(cue, hit, m)
                if end is not None:
                    return Found(self.scan.quantity(hit, end), hit)
        return None

    def zero_in(self, rule: Rule, span: tuple[int, int]) -> Found | None:
        """A "none" statement for ``rule`` in ``span``, as a stated zero."""
        if rule.zero is None:
            return None
        scan = self.scan
        if rule.zero_word is not None and scan.text.find(rule.zero_word, *span) < 0:
            return None
        for m in rule.zero.finditer(scan.text, *span):
            start = scan.clause_start(m.start())
            end = scan.clause_end(m.end() - 1)
            if rule.zero_veto and rule.zero_veto.search(scan.text, start, end):
                continue
            sentence = (scan.sentence_start(m.start()), scan.sentence_end(m.start()))
            if rule.zero_need and not rule.zero_need.search(scan.text, *sentence):
                continue
            return Found(scan.zero(start, end), None)
        return None

    def find(self, rule: Rule) -> Found | None:
        """The figure of ``rule``: a stated number, else a stated zero, section by section."""
        for span in self.spans(rule.topics):
            found = self.best_in(rule, span) or self.zero_in(rule, span)
            if found is not None:
                return found
        return None

    def find_all(self) -> dict[str, Found]:
        """Every rule's figure that the text states, by contract path."""
        out = {}
        for rule in RULES:
            found = self.find(rule)
            if found is not None:
                out[rule.path] = found
        return out

    def single_case_result(self, total: Found | None) -> tuple[str, Quantity] | None:
        """The result of a lone reconsideration case stated beside it (复议1件,…维持原答复)."""
        if total is None or total.hit is None or total.quantity.value != 1:
            return None
        hit = total.hit
        m = _CASE_RESULT.search(self.scan.text, hit.q.end, self.scan.sentence_end(hit.q.end))
        if m is None:
            return None
        part = "upheld" if m.group("upheld") else "corrected"
        return part, self.scan.quantity(hit, self.scan.clause_end(m.start()))

    # ------------------------------------------------------------ channels

    def channels(self, total: Found | None) -> tuple[list[Channel], bool]:
        """Channels with their counts, and whether the text presents them as the total's parts.

        The outlet the total itself names (通过政府网站主动公开…N条) is a channel only
        beside other channels; alone, the total is the figure.
        """
        total_at = total.hit.q.start if total and total.hit else -1
        for span in self.spans(self._channel_topics()):
            found: list[Channel] = []
            breakdown = False
            for hit in self.hits(span):
                if hit.q.start == total_at or hit.unit not in _CHANNEL_UNITS:
                    continue
                name = self._channel_name(hit)
                if name is None or any(c.name == name for c in found):
                    continue
                found.append(Channel(name=name, count=self.scan.quantity(hit)))
                sentence = clean_context(self.scan.text[hit.sentence_start : hit.q.start])
                breakdown = breakdown or bool(_BREAKDOWN.search(sentence))
            if found and total is not None and total.hit is not None and not breakdown:
                own = self._total_channel(total.hit)
                if own is not None and all(c.name != own for c in found):
                    found.insert(0, Channel(name=own, count=total.quantity))
            if found:
                return found, breakdown and total is not None
        return [], False

    def _channel_topics(self) -> tuple[str, ...]:
        """Where channels are told: the proactive section, and for a template report (its
        二、 a table) the overview too (一、总体情况 … (一)主动公开)."""
        return PROACTIVE_TOTAL if self.segments.template in TEMPLATE_YEARS else ("proactive",)

    def lone_website_total(self) -> Found | None:
        """The year's proactive count of a report that states it only as what its one outlet,
        a website, carried (我局通过管委会网站公开信息20条), no other outlet being counted."""
        for span in self.spans(PROACTIVE_TOTAL):
            counted = [
                (hit, name)
                for hit in self.hits(span)
                if hit.unit in _CHANNEL_UNITS and (name := self._channel_name(hit)) is not None
            ]
            if not counted:
                continue
            if len(counted) > 1 or not _WEBSITE.search(counted[0][1]):
                return None
            hit = counted[0][0]
            return Found(self.scan.quantity(hit), hit)
        return None

    def _channel_name(self, hit: Hit) -> str | None:
        """The channel a figure is counted for, as the report names it; None if none."""
        left = self.left(hit)
        if not _CHANNEL_CUE.search(left) or _CHANNEL_VETO.search(left) or _DOC_KIND.search(left):
            return None
        if CHANNEL_RE.search(left):
            return channel_name(left)
        if hit.clause_start - 1 <= hit.sentence_start:
            return None
        previous_start = self.scan.clause_start(hit.clause_start - 1)
        previous = clean_context(self.scan.text[previous_start : hit.clause_start - 1])
        if CHANNEL_RE.search(previous) and not _CHANNEL_VETO.search(previous):
            return channel_name(previous)
        return None

    def _total_channel(self, hit: Hit) -> str | None:
        """The one channel the total's own clause names after 通过/在 (通过政府网站公开…)."""
        left = self.left(hit)
        found = list(CHANNEL_RE.finditer(left))
        if not found or _PREPOSITION.search(left, 0, found[0].start()) is None:
            return None
        return channel_name(left)


def channel_name(clause: str) -> str | None:
    """The channel phrase of a clause: from after 通过/在 (or the verb) to its last channel word."""
    clause = clause.replace(" ", "")
    words = list(CHANNEL_RE.finditer(clause))
    if not words:
        return None
    first, last = words[0], words[-1]
    start = 0
    for m in _PREPOSITION.finditer(clause, 0, first.start()):
        start = m.end()
    for m in _CHANNEL_VERB_RE.finditer(clause, start, first.start()):
        if not _inside_quotes(clause, m.start()):
            start = m.end()
    end = last.end()
    suffix = _NAME_SUFFIX.match(clause, end)
    if suffix:
        end = suffix.end()
    name = _NAME_LEADING.sub("", clause[start:end]).strip("上")
    return name or None


def _inside_quotes(text: str, at: int) -> bool:
    return text.count("“", 0, at) > text.count("”", 0, at)
