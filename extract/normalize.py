"""Bytes in, one normalized simplified-Chinese text out, traceable to the original.

Steps, in order: decode (BOM, UTF-8, UTF-16, GB18030, Big5), HTML to text
(paragraphs and table rows with ``|`` cells), line ends, pinyin annotations,
full-width ASCII, artifacts (``?`` lines, U+FFFD, NUL), whitespace, then OpenCC
(``t2s``, or ``tw2sp`` for Taiwan vocabulary) only if the text is traditional.

Every step keeps, for each output character, the offset of the input character
it came from, so any span of the normalized text maps back to the decoded
original (:meth:`NormalizedText.to_raw`). Normalizing normalized text changes
nothing.
"""

from __future__ import annotations

import codecs
import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser

import charset_normalizer
import opencc

from extract.errors import InputError
from schemas import Script

Offsets = array  # array("i"): for each character of a text, its offset in the original


@dataclass(frozen=True)
class NormalizedText:
    """The normalized text, the decoded original and the map between them."""

    text: str
    raw: str
    encoding: str
    script: Script
    offsets: Offsets

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """The span of :attr:`raw` that produced ``text[start:end]``."""
        if not self.offsets or start >= end:
            return (0, 0)
        first = self.offsets[start]
        last = self.offsets[end - 1]
        return first, max(first, last) + 1

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


# ---------------------------------------------------------------- mapped substitutions


def _sub(
    pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str], text: str, offs: Offsets
) -> tuple[str, Offsets]:
    """``pattern.sub`` that carries the offsets along; a replacement maps to its match."""
    parts: list[str] = []
    out = array("i")
    last = 0
    for m in pattern.finditer(text):
        new = repl(m)
        if new == m.group(0):
            continue
        parts.append(text[last : m.start()])
        out.extend(offs[last : m.start()])
        parts.append(new)
        if len(new) == m.end() - m.start():
            out.extend(offs[m.start() : m.end()])
        else:
            anchor = offs[m.start()] if m.start() < len(offs) else (offs[-1] if offs else 0)
            out.extend([anchor] * len(new))
        last = m.end()
    if not parts:
        return text, offs
    parts.append(text[last:])
    out.extend(offs[last:])
    return "".join(parts), out


# Pinyin after a CJK character: 號(hào), 區(qū), 務(wù); tone marks required, or a
# toneless syllable once the document has shown several marked ones.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_PINYIN_TONED = re.compile(
    rf"(?<=[\u3400-\u9fff])(?:\((?=[a-z{_TONED}]*[{_TONED}])[a-z{_TONED}]{{1,7}}\))+"
)
_PINYIN_SYLLABLE = (
    r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|uai|ian|iao|uan|ai|ei|ao|ou|an|en|er|in|un|ia|ie|iu|"
    r"ua|uo|ui|ue|a|o|e|i|u|v)(?:ng|n)?"
)
_PINYIN_TONELESS = re.compile(rf"(?<=[\u3400-\u9fff])(?:\({_PINYIN_SYLLABLE}\))+")
_TONE_MARK = re.compile(f"[{_TONED}]")
_BROKEN_PINYIN_START = re.compile(rf"\A[a-z{_TONED}]{{0,6}}\)")


def strip_pinyin(text: str, offs: Offsets) -> tuple[str, Offsets]:
    """Remove pinyin annotations inserted after characters, keeping real parentheses."""
    if not _TONE_MARK.search(text):
        return text, offs
    found = len(_PINYIN_TONED.findall(text))
    text, offs = _sub(_PINYIN_TONED, lambda m: "", text, offs)
    if found >= 3:
        text, offs = _sub(_PINYIN_TONELESS, lambda m: "", text, offs)
        # A scrape cut inside an annotation leaves its tail at the start: "ng)".
        text, offs = _sub(_BROKEN_PINYIN_START, lambda m: "", text, offs)
    return text, offs


_SPACE_CHARS = (
    "\u3000\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"
)
_HALFWIDTH = str.maketrans(
    {**{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}, **dict.fromkeys(_SPACE_CHARS, " ")}
)


def to_halfwidth(text: str, offs: Offsets) -> tuple[str, Offsets]:
    """Full-width ASCII (digits, letters, parentheses, commas) to half-width; odd spaces to
    spaces. Character for character, so the offsets do not change."""
    return text.translate(_HALFWIDTH), offs


_ARTIFACTS = re.compile(r"[\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\u200b-\u200f\ufeff]")
_QMARK_LINE = re.compile(r"^[ \t]*\?+[ \t]*(?:\n|\Z)", re.MULTILINE)
_SPACES = re.compile(r"[ \t]{2,}|\t")
_EDGE_SPACES = re.compile(r"^[ \t]+|[ \t]+$", re.MULTILINE)
_BLANK_RUNS = re.compile(r"\n{3,}")
_LINE_ENDS = re.compile(r"\r\n?")


def clean(text: str, offs: Offsets) -> tuple[str, Offsets]:
    """``?`` lines and whitespace runs (line ends are already ``\n``)."""
    text, offs = _sub(_QMARK_LINE, lambda m: "", text, offs)
    text, offs = _sub(_SPACES, lambda m: " ", text, offs)
    text, offs = _sub(_EDGE_SPACES, lambda m: "", text, offs)
    text, offs = _sub(_BLANK_RUNS, lambda m: "\n\n", text, offs)
    start = len(text) - len(text.lstrip("\n"))
    end = len(text.rstrip("\n"))
    return text[start:end], offs[start:end]


# ---------------------------------------------------------------- script

# Words that only Taiwan-vocabulary conversion produces; 檔案 alone is not
# enough (mainland 档案 "archives" is written 檔案 in any traditional text).
TW_MARKERS = (
    "入口網站", "最佳化", "網際網路", "資料庫", "軟體", "硬體", "視窗", "伺服器",
    "網路", "程式", "設定", "連結", "資訊", "介面", "預設", "套用", "影音", "列印",
)  # fmt: skip


_NON_CJK = re.compile(r"[^\u4e00-\u9fff]+")


@cache
def converter(config: str) -> opencc.OpenCC:
    """One OpenCC converter per configuration and process."""
    return opencc.OpenCC(config)


def detect_script(text: str) -> Script:
    """simplified, traditional, or traditional-tw (traditional with Taiwan vocabulary)."""
    sample = _NON_CJK.sub("", text[:4000])
    if not sample:
        return "simplified"
    converted = converter("t2s").convert(sample)
    changed = sum(map(str.__ne__, sample, converted))
    ratio = changed / len(sample)
    if ratio < 0.2 and (changed < 3 or ratio < 0.02):
        return "simplified"
    markers = sum(1 for word in TW_MARKERS if word in text)
    return "traditional-tw" if markers >= 2 else "traditional"


_CHUNKS = re.compile(r"[^,，。;；:：、!?！？|()（）\s]+|.", re.DOTALL)


def to_simplified(text: str, offs: Offsets, script: Script) -> tuple[str, Offsets]:
    """OpenCC conversion line by line; a line whose length changes is converted by
    punctuation-delimited chunks, so offsets stay exact outside the changed chunks."""
    if script == "simplified":
        return text, offs
    conv = converter("tw2sp" if script == "traditional-tw" else "t2s")
    whole = conv.convert(text)
    if len(whole) == len(text):  # character for character: the offsets stay as they are
        return whole, offs
    parts: list[str] = []
    out = array("i")
    pos = 0
    for line in text.split("\n"):
        new = conv.convert(line)
        if len(new) == len(line):
            parts.append(new)
            out.extend(offs[pos : pos + len(line)])
        else:
            for m in _CHUNKS.finditer(line):
                chunk = conv.convert(m.group(0))
                parts.append(chunk)
                start, end = pos + m.start(), pos + m.end()
                if len(chunk) == end - start:
                    out.extend(offs[start:end])
                else:  # spread the chunk's original offsets over its conversion
                    span = end - start
                    out.extend(offs[start + k * span // len(chunk)] for k in range(len(chunk)))
        pos += len(line) + 1
        if pos <= len(text):
            parts.append("\n")
            out.append(offs[pos - 1])
    return "".join(parts), out


# ---------------------------------------------------------------- entry points


def normalize_text(raw: str, encoding: str = "utf-8") -> NormalizedText:
    """Normalize an already decoded report (plain text or HTML)."""
    if looks_like_html(raw):
        text, offs = html_to_text(raw)
    else:
        text, offs = raw, array("i", range(len(raw)))
    text, offs = _sub(_LINE_ENDS, lambda m: "\n", text, offs)
    text, offs = _sub(_ARTIFACTS, lambda m: "", text, offs)  # before pinyin: 號\ufffd(hào)
    text, offs = strip_pinyin(text, offs)
    text, offs = to_halfwidth(text, offs)
    text, offs = clean(text, offs)
    script = detect_script(text)
    text, offs = to_simplified(text, offs, script)
    return NormalizedText(text=text, raw=raw, encoding=encoding, script=script, offsets=offs)


def normalize_bytes(data: bytes) -> NormalizedText:
    """Decode and normalize report bytes; :class:`InputError` for empty or binary input."""
    raw, encoding = decode(data)
    check_text(raw)
    return normalize_text(raw, encoding)
