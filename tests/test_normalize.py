"""Normalization rules on the seeds and on crafted strings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.errors import InputError
from extract.normalize import (
    _changed_chunks,
    _count_cjk,
    converter,
    decode,
    detect_script,
    normalize_bytes,
    normalize_text,
)
from tests.conftest import seed

CJK = re.compile(r"[\u4e00-\u9fff]")


def norm(text: str) -> str:
    return normalize_text(text).text


# ------------------------------------------------------------------ seeds


def test_seed_normalization_is_idempotent(seed_file: Path) -> None:
    once = normalize_bytes(seed_file.read_bytes())
    assert norm(once.text) == once.text


@pytest.mark.parametrize("prefix", ["002", "004"])
def test_simplified_seeds_pass_through_unchanged(prefix: str) -> None:
    raw = seed(prefix).read_text(encoding="utf-8")
    result = normalize_bytes(raw.encode())
    assert result.script == "simplified"
    assert CJK.findall(result.text) == CJK.findall(raw)


def test_taiwan_vocabulary_fixed_on_seed_003() -> None:
    result = normalize_bytes(seed("003").read_bytes())
    assert result.script == "traditional-tw"
    for simplified in ("门户网站", "政策类文件", "优化", "程序", "窗口", "数据库", "设置", "链接"):
        assert simplified in result.text, simplified
    for taiwan in ("入口网站", "档案", "最佳化", "程式", "视窗", "资料库", "设定", "连结"):
        assert taiwan not in result.text, taiwan
    assert "套用" in result.text  # also a real simplified word: left alone
    assert "依申请公开政府信息236件" in result.text


def test_mainland_traditional_seeds_use_plain_t2s() -> None:
    """001 writes 檔案 for mainland 档案 (archives): tw2sp would wrongly make it 文件."""
    result = normalize_bytes(seed("001").read_bytes())
    assert result.script == "traditional"
    assert "档案管理" in result.text
    assert normalize_bytes(seed("000").read_bytes()).script == "traditional"


def test_pinyin_removed_on_seed_001() -> None:
    text = normalize_bytes(seed("001").read_bytes()).text
    assert "索引号 : 文 号 : 无" in text
    assert "咸宁高新区2016年政务公开年度报告" in text
    assert "(咸政办发〔2016〕42号)" in text
    assert not re.search(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)", text)
    assert "\n?" not in text and not text.startswith("?")


def test_evidence_maps_back_to_the_original() -> None:
    result = normalize_bytes(seed("003").read_bytes())
    at = result.text.index("门户网站")
    start, end = result.to_raw(at, at + 4)
    assert result.raw[start:end] == "入口網站"
    assert result.raw_evidence("共收取政府信息处理费400元") == "共收取政府信息處理費400元"
    pinyin = normalize_bytes(seed("001").read_bytes())
    original = pinyin.raw_evidence("咸宁高新区2016年政务公开年度报告")
    assert original is not None and original.startswith("咸寧高新區(qū)2016年政務(wù)公開")


# ------------------------------------------------------------------ crafted strings


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("號(hào)", "号"),
        ("區(qū)", "区"),
        ("發(fā)佈", "发布"),
        ("關(guān)於", "关于"),
        ("(一)概述", "(一)概述"),
        ("(2016)42号", "(2016)42号"),
        ("(咸政办发〔2016〕42号)", "(咸政办发〔2016〕42号)"),
        ("网站(www)栏目", "网站(www)栏目"),
    ],
)
def test_pinyin_rules(raw: str, expected: str) -> None:
    assert norm(raw) == expected


def test_fullwidth_digits_and_punctuation() -> None:
    assert norm("共公开信息１２３条（含微信）：ＡＢ") == "共公开信息123条(含微信):AB"


def test_artifact_lines_and_whitespace() -> None:
    raw = "第一行\r\n?\r\n  第二行\t\t有  空格\ufffd\n\n\n\n第三行\u3000\u3000结束"
    assert norm(raw) == "第一行\n第二行 有 空格\n\n第三行 结束"


def test_changed_chunks_pair_up_or_are_converted_again() -> None:
    """A line whose length conversion changed: the chunks between punctuation whose length
    changed are recorded; a converted line whose punctuation moved is converted again."""
    conv = converter("tw2sp")
    line = "最佳化網站,入口網站。"
    new = conv.convert(line)
    assert new == "优化网站,门户网站。"
    edits: list[tuple[int, int, int]] = []
    assert _changed_chunks(conv, line, new, 10, edits) == new
    assert edits == [(10, 15, 4)]  # 最佳化網站 → 优化网站, at 10 in the text
    again: list[tuple[int, int, int]] = []
    assert _changed_chunks(conv, line, new.replace(",", ""), 10, again) == new
    assert again == edits


def test_script_detection() -> None:
    assert detect_script("政府信息公开工作年度报告") == "simplified"
    assert detect_script("政府資訊公開工作年度報告，通過門戶網站發佈") == "traditional"
    assert detect_script("通過入口網站發佈，最佳化資料庫與連結設定") == "traditional-tw"


@pytest.mark.parametrize(
    ("words", "script"),
    [
        ("網際網路", "traditional-tw"),  # holds 網路 too: two markers
        ("預設定", "traditional-tw"),  # 預設 and 設定 overlap
        ("網路，網路", "traditional"),  # one marker twice
        ("", "traditional"),
    ],
)
def test_taiwan_markers_are_distinct_words_found_anywhere(words: str, script: str) -> None:
    assert detect_script("這是國家機關的門戶網站。" * 400 + words) == script


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"])))
def test_count_cjk_counts_u4e00_to_u9fff(text: str) -> None:
    assert _count_cjk(text) == len(CJK.findall(text))


def test_count_cjk_edges() -> None:
    assert _count_cjk("政府\u4dff\u4e00\u9fff\ua000\u3400\U00020000a，１") == 4
    assert _count_cjk("政\ud800府") == 2  # a lone surrogate does not raise


def test_simplified_text_never_converted() -> None:
    """tw2sp corrupts simplified text (文件→文档, 建立→创建); t2s once turned 坏 into 坯."""
    text = "建立文件制度、坏账核销、干部队伍建设、发布信息100条"
    assert norm(text) == text


# ------------------------------------------------------------------ encodings and HTML

SAMPLE = (
    "一、概述\n本年度共主动公开政府信息4585条，其中門戶網站发布3000条。\n| 予以公开 | 71 | 3 | 74 |"
)


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "gb18030", "gbk"]
)
def test_encodings_give_the_same_text(encoding: str) -> None:
    expected = norm(SAMPLE)
    assert normalize_bytes(SAMPLE.encode(encoding)).text == expected


def test_big5_gives_the_same_text_as_utf8() -> None:
    traditional = seed("000").read_text(encoding="utf-8")
    big5 = traditional.encode("big5", errors="ignore")
    assert normalize_bytes(big5).text == normalize_bytes(big5.decode("big5").encode()).text
    assert decode(big5)[1] == "big5"


def test_gbk_seed_matches_utf8() -> None:
    raw = seed("002").read_text(encoding="utf-8")
    assert normalize_bytes(raw.encode("gb18030")).text == normalize_bytes(raw.encode()).text


def test_truncated_utf8_and_nul_bytes_do_not_crash() -> None:
    data = "政府信息公开工作年度报告，主动公开".encode()
    assert normalize_bytes(data[:-1]).text.startswith("政府信息公开工作年度报告")
    assert normalize_bytes(b"\x00" + data).text.startswith("政府信息公开")


def test_empty_and_binary_input_refused() -> None:
    with pytest.raises(InputError) as empty:
        normalize_bytes(b"  \n ")
    assert empty.value.kind == "empty"
    with pytest.raises(InputError) as binary:
        normalize_bytes(bytes(range(256)) * 40)
    assert binary.value.kind == "binary"


HTML = """<!DOCTYPE html><html><head><title>某县2021年政府信息公开工作年度报告</title>
<script>var x = "<p>不是正文</p>";</script><style>p { color: red }</style></head>
<body><div class="nav">首页</div>
<p>一、概述</p><p>本年度共主动公开政府信息4585条，其中門戶網站发布3000条。</p>
<table><tr><td>予以公开</td><td>71</td><td>3</td><td>74</td></tr></table>
</body></html>"""


def test_html_to_text() -> None:
    result = normalize_text(HTML)
    lines = result.text.splitlines()
    assert "某县2021年政府信息公开工作年度报告" in lines
    assert "一、概述" in lines
    assert "| 予以公开 | 71 | 3 | 74 |" in lines
    assert "不是正文" not in result.text and "color" not in result.text
    at = result.text.index("4585条")
    start, end = result.to_raw(at, at + 5)
    assert result.raw[start:end] == "4585条"


def test_html_body_matches_plain_text() -> None:
    text = normalize_text(HTML).text
    for line in norm(SAMPLE).splitlines():
        assert line in text


# ------------------------------------------------------------------ properties

_PIECES = [
    *"政府信息公开年度报告條號區發關門戶網站最佳化程式設定（）()，,。、：:0123456789０１２ \n\t?|",
    "(hào)", "(qū)", "\r\n", "\u3000", "〔2016〕", "入口網站", "\ufffd",
]  # fmt: skip
report_like = st.lists(st.sampled_from(_PIECES), max_size=80).map("".join)


@settings(max_examples=300, deadline=None)
@given(report_like)
def test_normalization_is_idempotent(text: str) -> None:
    once = norm(text)
    assert norm(once) == once


@settings(max_examples=200, deadline=None)
@given(report_like)
def test_every_character_maps_back_in_order(text: str) -> None:
    result = normalize_text(text)
    starts = [result.to_raw(p, p + 1)[0] for p in range(len(result.text))]
    assert all(0 <= start < len(text) for start in starts)
    assert starts == sorted(starts)
    for p, start in enumerate(starts):  # a character kept as it was maps to itself
        if result.text[p] in "0123456789政府信息":
            assert text[start] in result.text[p] + "０１２"
