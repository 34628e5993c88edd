"""Bytes in, one normalized simplified-Chinese text out, traceable to the original.

Steps, in order: decode (BOM, UTF-8, UTF-16, GB18030, Big5), HTML to text
(paragraphs and table rows with ``|`` cells), line ends, pinyin annotations,
full-width ASCII, artifacts (``?`` lines, U+FFFD, NUL), whitespace, then OpenCC
(``t2s``, or ``tw2sp`` for Taiwan vocabulary) only if the text is traditional.

Every step that changes the text records itself as a rewrite, so any span of
the normalized text maps back to the decoded original
(:meth:`NormalizedText.to_raw`); the map is worked out only when asked for, so
the pipeline pays nothing for it. Normalizing normalized text changes nothing.
"""

from __future__ import annotations

import codecs
import re
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from html.parser import HTMLParser
from typing import Protocol

import opencc

from extract.errors import InputError
from schemas import Script

Offsets = array  # array("i"): for each character of a text, its offset in the original
Edit = tuple[int, int, int]  # (start, end, new length): a replacement in a step's input


class Rewrite(Protocol):
    """One normalization step that changed the text."""

    def back(self, pos: int) -> int:
        """The position in the step's input of the character at ``pos`` of its output."""
        ...


class Edits:
    """A rewrite made of replacements; a replacement's characters are spread over the
    characters they replace. The replacements are listed only when first needed."""

    def __init__(self, edits: Callable[[], Iterable[Edit]]) -> None:
        self._edits = edits

    @cached_property
    def _table(self) -> tuple[list[int], list[tuple[int, int, int, int]]]:
        """Output start of each replacement, and (output start, start, length, new length)."""
        starts: list[int] = []
        spans: list[tuple[int, int, int, int]] = []
        shift = 0
        for start, end, size in self._edits():
            starts.append(start + shift)
            spans.append((start + shift, start, end - start, size))
            shift += size - (end - start)
        return starts, spans

    def back(self, pos: int) -> int:
        starts, spans = self._table
        i = bisect_right(starts, pos) - 1
        if i < 0:
            return pos
        out, start, length, size = spans[i]
        if pos < out + size:
            return start + (pos - out) * length // size
        return start + length + pos - out - size


@dataclass(frozen=True)
class OffsetTable:
    """A rewrite given character by character (HTML to text)."""

    offsets: Offsets

    def back(self, pos: int) -> int:
        return self.offsets[pos] if pos < len(self.offsets) else self.offsets[-1]


@dataclass(frozen=True)
class NormalizedText:
    """The normalized text, the decoded original and the rewrites between them."""

    text: str
    raw: str
    encoding: str
    script: Script
    rewrites: tuple[Rewrite, ...] = ()

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """The span of :attr:`raw` that produced ``text[start:end]``."""
        if not self.text or start >= end:
            return (0, 0)
        first = self._back(start)
        last = self._back(end - 1)
        return first, max(first, last) + 1

    def _back(self, pos: int) -> int:
        for rewrite in reversed(self.rewrites):
            pos = rewrite.back(pos)
        return pos

    def raw_evidence(self, evidence: str) -> str | None:
        """The original wording of an evidence string, or None if it is not in the text."""
        at = self.text.find(evidence)
        if at < 0:
            return None
        start, end = self.to_raw(at, at + len(evidence))
        return self.raw[start:end]


# ---------------------------------------------------------------- decoding

_CANDIDATES = ["gb18030", "big5", "utf_16", "utf_8"]


def decode(data: bytes) -> tuple[str, str]:
    """Decode report bytes; returns (text, encoding name). Never raises on bad bytes."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(name, errors="replace"), name
    if _looks_utf16(data):
        name = "utf-16-le" if data[1::2].count(0) > data[0::2].count(0) else "utf-16-be"
        return data.decode(name, errors="replace"), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        # A file cut inside its last multi-byte character is still UTF-8.
        if err.start >= len(data) - 3 and err.reason == "unexpected end of data":
            return data.decode("utf-8", errors="replace"), "utf-8"
    for name in ("utf-16-le", "utf-16-be"):
        if _plausible_text(data, name):
            return data.decode(name), name
    for name in ("gb18030", "big5"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if _reads_as_chinese(text):
            return text, name
    import charset_normalizer  # here: only the rare input that nothing above reads needs it

    best = charset_normalizer.from_bytes(data, cp_isolation=_CANDIDATES).best()
    if best is not None:
        return str(best), best.encoding.replace("_", "-")
    return data.decode("gb18030", errors="replace"), "gb18030"


def _looks_utf16(data: bytes) -> bool:
    sample = data[:4000]
    if len(sample) < 4:
        return False
    zeros_even = sample[0::2].count(0)
    zeros_odd = sample[1::2].count(0)
    half = len(sample) / 2
    # ASCII-heavy UTF-16 has a NUL in every other byte; CJK-heavy UTF-16 rarely
    # decodes as UTF-8 or GB18030 cleanly, so fall back to a decode test.
    return max(zeros_even, zeros_odd) > 0.3 * half and min(zeros_even, zeros_odd) < 0.05 * half


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffd]")
_PLAUSIBLE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\x20-\x7e\s]")


def _plausible_text(data: bytes, encoding: str) -> bool:
    """BOM-less UTF-16: strict decoding gives nearly only CJK, ASCII and punctuation."""
    if len(data) % 2:
        return False
    try:
        sample = data[:4000].decode(encoding)
    except UnicodeDecodeError:
        return False
    return len(_PLAUSIBLE.findall(sample)) > 0.95 * len(sample)


# Among the commonest characters of any report, simplified or traditional.
_COMMON = re.compile("[的一是在年政府信息公工作日月件条中不有和人]")


def _reads_as_chinese(text: str) -> bool:
    """A strict decode as one double-byte encoding of bytes meant as another (Big5 as
    GB18030) gives rare characters: real text has one in ten or more of the commonest."""
    head = text[:4000]
    return _enough_matches(_COMMON, head, lambda found: found >= 0.02 * len(head))


def _enough_matches(char: re.Pattern[str], text: str, enough: Callable[[int], bool]) -> bool:
    """``enough(len(char.findall(text)))`` for a one-character pattern and an ``enough``
    that stays true once true: counts 500 characters at a time and stops when it holds
    (``findall`` makes a string per match, which dominates on a text with many)."""
    found = 0
    for start in range(0, len(text), 500):
        found += len(char.findall(text, start, start + 500))
        if enough(found):
            return True
    return enough(found)


def check_text(text: str) -> None:
    """Refuse input that is not text (binary data decoded by force)."""
    sample = text[:20000]
    if not sample.strip():
        raise InputError("empty", "the file holds no text")
    if len(_CONTROL.findall(sample)) > 0.1 * len(sample):
        raise InputError("binary", "the file is binary data, not a text report")


# ---------------------------------------------------------------- HTML

_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section",
    "article", "header", "footer", "title", "table", "tbody", "thead", "blockquote", "pre", "hr",
}  # fmt: skip
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg"}
_HTML_RE = re.compile(r"<\s*(html|body|p|div|table|br|span|td)\b", re.IGNORECASE)
_PAGE_RE = re.compile(r"<\s*(html|body)\b", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """True for a saved web page (markup in its first kilobytes)."""
    head = text[:5000].lstrip()
    return bool(_HTML_RE.search(head)) if head.startswith("<") else bool(_PAGE_RE.search(head))


class _HtmlToText(HTMLParser):
    """Collects text with offsets; block tags end lines, table cells become ``|`` cells."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.offs = array("i")
        self.skip = 0
        self.in_title = False
        self.row: list[tuple[str, Offsets]] | None = None
        self.cell: list[tuple[str, Offsets]] | None = None
        self._line_starts = [0]
        for line in source.splitlines(keepends=True):
            self._line_starts.append(self._line_starts[-1] + len(line))

    def _pos(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def _emit(self, text: str, offs: Offsets) -> None:
        if self.cell is not None:
            self.cell.append((text, offs))
        else:
            self.parts.append(text)
            self.offs.extend(offs)

    def _newline(self) -> None:
        self._emit("\n", array("i", [self._pos()]))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag == "title":
            self.in_title = True
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag in _BLOCK_TAGS:
            self._newline()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag == "title":
            self.in_title = False
            self._newline()
        elif tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.append(("".join(t for t, _ in self.cell), _join_offs(self.cell)))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self._flush_row()
        elif tag in _BLOCK_TAGS:
            self._newline()

    def _flush_row(self) -> None:
        row, self.row, self.cell = self.row or [], None, None
        pos = self._pos()
        self.parts.append("\n")
        self.offs.append(pos)
        for text, offs in row:
            cell = text.replace("\n", " ").replace("|", " ")
            self.parts.append("| ")
            self.offs.extend([pos, pos])
            self.parts.append(cell)
            self.offs.extend(offs)
            self.parts.append(" ")
            self.offs.append(pos)
        self.parts.append("|\n")
        self.offs.extend([pos, pos])

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        start = self._pos()
        self._emit(data, array("i", range(start, start + len(data))))


def _join_offs(pieces: list[tuple[str, Offsets]]) -> Offsets:
    out = array("i")
    for _, offs in pieces:
        out.extend(offs)
    return out


def html_to_text(source: str) -> tuple[str, Offsets]:
    """Text of an HTML page: paragraphs on their own lines, table rows as ``| a | b |``."""
    parser = _HtmlToText(source)
    parser.feed(source)
    parser.close()
    if parser.row:
        parser._flush_row()
    text = "".join(parser.parts)
    return text, parser.offs


# ---------------------------------------------------------------- recorded substitutions

Rewrites = list[Rewrite]


def _sub(pattern: re.Pattern[str], repl: str, text: str, rewrites: Rewrites) -> str:
    """``pattern.sub(repl, text)``, recording the rewrite in ``rewrites`` if it changed
    anything (``repl`` is literal text)."""
    new = pattern.sub(repl, text)
    if new is not text:
        rewrites.append(_matches(pattern, repl, text))
    return new


def _matches(pattern: re.Pattern[str], repl: str, text: str) -> Edits:
    """The rewrite of ``text`` that replaces every match of ``pattern`` by ``repl``."""
    size = len(repl)
    return Edits(lambda: ((m.start(), m.end(), size) for m in pattern.finditer(text)))


# Pinyin after a CJK character: 號(hào), 區(qū), 務(wù); tone marks required, or a
# toneless syllable once the document has shown several marked ones. The patterns
# start with the literal "(" (the CJK character is a lookbehind after it), so the
# regex engine skips to the next "(" instead of trying a match at every character.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_TONED_SYLLABLE = rf"(?=[a-z{_TONED}]*[{_TONED}])[a-z{_TONED}]{{1,7}}"
_PINYIN_TONED = re.compile(
    rf"\((?<=[\u3400-\u9fff]\(){_TONED_SYLLABLE}\)(?:\({_TONED_SYLLABLE}\))*"
)
_PINYIN_SYLLABLE = (
    r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|uai|ian|iao|uan|ai|ei|ao|ou|an|en|er|in|un|ia|ie|iu|"
    r"ua|uo|ui|ue|a|o|e|i|u|v)(?:ng|n)?"
)
_PINYIN_TONELESS = re.compile(
    rf"\((?<=[\u3400-\u9fff]\(){_PINYIN_SYLLABLE}\)(?:\({_PINYIN_SYLLABLE}\))*"
)
_BROKEN_PINYIN_START = re.compile(rf"\A[a-z{_TONED}]{{0,6}}\)")


def strip_pinyin(text: str, rewrites: Rewrites) -> str:
    """Remove pinyin annotations inserted after characters, keeping real parentheses."""
    stripped, found = _PINYIN_TONED.subn("", text)
    if not found:
        return text
    rewrites.append(_matches(_PINYIN_TONED, "", text))
    text = stripped
    if found >= 3:
        text = _sub(_PINYIN_TONELESS, "", text, rewrites)
        # A scrape cut inside an annotation leaves its tail at the start: "ng)".
        text = _sub(_BROKEN_PINYIN_START, "", text, rewrites)
    return text


_SPACE_CHARS = (
    "\u3000\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"
)
_HALFWIDTH = {
    **{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)},
    **dict.fromkeys(_SPACE_CHARS, " "),
}
_FULLWIDTH = re.compile(f"[\uff01-\uff5e{_SPACE_CHARS}]")


def to_halfwidth(text: str) -> str:
    """Full-width ASCII (digits, letters, parentheses, commas) to half-width; odd spaces to
    spaces. Character for character, so positions do not change. (A regex with a lookup
    beats ``str.translate``, which is slow on CJK text.)"""
    return _FULLWIDTH.sub(lambda m: _HALFWIDTH[m.group()], text)


_ARTIFACTS = re.compile(r"[\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\u200b-\u200f\ufeff]")
_QMARK_LINE = re.compile(r"^[ \t]*\?+[ \t]*(?:\n|\Z)", re.MULTILINE)
_SPACES = re.compile(r"[ \t]{2,}|\t")
_SPACE_RUNS = re.compile("  +")  # the same as _SPACES in a text without tabs, and faster
_EDGE_SPACES = re.compile(r"^[ \t]+|[ \t]+$", re.MULTILINE)
_BLANK_RUNS = re.compile(r"\n\n\n+")
_LINE_ENDS = re.compile(r"\r\n?")


def clean(text: str, rewrites: Rewrites) -> str:
    """``?`` lines and whitespace runs (line ends are already ``\n``)."""
    if "?" in text:
        text = _sub(_QMARK_LINE, "", text, rewrites)
    text = _sub(_SPACES if "\t" in text else _SPACE_RUNS, " ", text, rewrites)
    stripped = "\n".join(line.strip(" \t") for line in text.split("\n"))  # _EDGE_SPACES
    if stripped != text:
        rewrites.append(_matches(_EDGE_SPACES, "", text))
        text = stripped
    text = _sub(_BLANK_RUNS, "\n\n", text, rewrites)
    start = len(text) - len(text.lstrip("\n"))
    if start:
        rewrites.append(Edits(lambda: [(0, start, 0)]))
    return text[start : len(text.rstrip("\n"))]


# ---------------------------------------------------------------- script

# Words that only Taiwan-vocabulary conversion produces; 檔案 alone is not
# enough (mainland 档案 "archives" is written 檔案 in any traditional text).
TW_MARKERS = (
    "入口網站", "最佳化", "網際網路", "資料庫", "軟體", "硬體", "視窗", "伺服器",
    "網路", "程式", "設定", "連結", "資訊", "介面", "預設", "套用", "影音", "列印",
)  # fmt: skip


_TW_MARKER = re.compile("|".join(TW_MARKERS))
_NOT_CJK_HIGH_BYTE = bytes(b for b in range(256) if not 0x4E <= b <= 0x9F)


@cache
def converter(config: str) -> opencc.OpenCC:
    """One OpenCC converter per configuration and process."""
    return opencc.OpenCC(config)


@cache
def _traditional_char() -> re.Pattern[str]:
    """A character that OpenCC t2s changes on its own (built once per process)."""
    chars = [chr(c) for c in range(0x4E00, 0xA000)]
    converted = converter("t2s").convert("\n".join(chars)).split("\n")
    return re.compile(
        "[" + "".join(c for c, s in zip(chars, converted, strict=True) if c != s) + "]"
    )


@cache
def _other_tw_marker(word: str) -> re.Pattern[str]:
    """Any of :data:`TW_MARKERS` but ``word``."""
    return re.compile("|".join(other for other in TW_MARKERS if other != word))


def detect_script(text: str) -> Script:
    """simplified, traditional, or traditional-tw (traditional with Taiwan vocabulary),
    by the share of Chinese characters that OpenCC t2s changes on their own."""
    head = text[:4000]
    if not _traditional_char().search(head):
        return "simplified"
    cjk = _count_cjk(head)
    if not _enough_matches(_traditional_char(), head, lambda changed: _traditional(changed, cjk)):
        return "simplified"
    # Two different markers: any marker, then any other one (one regex scan each).
    first = _TW_MARKER.search(text)
    if first is not None and _other_tw_marker(first.group()).search(text):
        return "traditional-tw"
    return "traditional"


def _traditional(changed: int, cjk: int) -> bool:
    """Whether ``changed`` of ``cjk`` Chinese characters changed by t2s make a traditional
    text (true for any larger ``changed`` once true)."""
    ratio = changed / cjk
    return not (ratio < 0.2 and (changed < 3 or ratio < 0.02))


def _count_cjk(text: str) -> int:
    """The number of characters U+4E00-U+9FFF. In UTF-16-LE each is one code unit whose
    high (odd) byte is 0x4E-0x9F; every other character's units have other high bytes
    (surrogates D8-DF), so this counts high bytes, at C speed instead of regex speed."""
    high = text.encode("utf-16-le", "surrogatepass")[1::2]
    return len(high.translate(None, _NOT_CJK_HIGH_BYTE))


_PUNCTUATION = re.compile(r"([,，。;；:：、!?！？|()（）\s])")
"""What chunks of a line end at; conversion leaves it as it is. Splitting at it keeps it."""


def to_simplified(text: str, script: Script, rewrites: Rewrites) -> str:
    """OpenCC conversion; in a line whose length changes, each punctuation-delimited chunk
    whose length changes is recorded, so positions stay exact outside those chunks."""
    if script == "simplified":
        return text
    conv = converter("tw2sp" if script == "traditional-tw" else "t2s")
    whole = conv.convert(text)
    if len(whole) == len(text):  # character for character: positions do not change
        return whole
    edits: list[Edit] = []
    lines, converted = text.split("\n"), whole.split("\n")
    start = 0
    for i, (line, new) in enumerate(zip(lines, converted, strict=True)):
        if len(new) != len(line):
            converted[i] = _changed_chunks(conv, line, new, start, edits)
        start += len(line) + 1
    rewrites.append(Edits(lambda: edits))
    return "\n".join(converted)


def _changed_chunks(conv: opencc.OpenCC, line: str, new: str, start: int, edits: list[Edit]) -> str:
    """``new`` (``line`` at ``start``, converted), recording in ``edits`` each chunk between
    punctuation whose length changed. Chunks pair up when the punctuation came through
    unchanged; otherwise the line is converted again chunk by chunk."""
    parts, out = _PUNCTUATION.split(line), _PUNCTUATION.split(new)
    if len(parts) != len(out) or parts[1::2] != out[1::2]:
        out = conv.convert("\n".join(parts)).split("\n")
    pos = start
    for old, converted in zip(parts, out, strict=True):
        if len(converted) != len(old):
            edits.append((pos, pos + len(old), len(converted)))
        pos += len(old)
    return "".join(out)


# ---------------------------------------------------------------- entry points


def normalize_text(raw: str, encoding: str = "utf-8") -> NormalizedText:
    """Normalize an already decoded report (plain text or HTML)."""
    rewrites: Rewrites = []
    text = raw
    if looks_like_html(raw):
        text, offsets = html_to_text(raw)
        rewrites.append(OffsetTable(offsets))
    if "\r" in text:
        text = _sub(_LINE_ENDS, "\n", text, rewrites)
    text = _sub(_ARTIFACTS, "", text, rewrites)  # before pinyin: 號\ufffd(hào)
    text = strip_pinyin(text, rewrites)
    text = to_halfwidth(text)
    text = clean(text, rewrites)
    script = detect_script(text)
    text = to_simplified(text, script, rewrites)
    return NormalizedText(
        text=text, raw=raw, encoding=encoding, script=script, rewrites=tuple(rewrites)
    )


def normalize_bytes(data: bytes) -> NormalizedText:
    """Decode and normalize report bytes; :class:`InputError` for empty or binary input."""
    raw, encoding = decode(data)
    check_text(raw)
    return normalize_text(raw, encoding)
