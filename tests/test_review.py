"""The HTML review page: highlighting, marks, self-containment, and a real headless browser."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval.review import field_label, highlight, render_review, report_view
from extract.cli import app
from schemas import Channel, Check, Quantity, Report, Source
from tests.conftest import ROOT

TEXT = (
    "某区2021年政府信息公开工作年度报告\n"
    "本年新收申请236件，上年结转7件，已办结227件。\n"
    "通过微信公开<信息>52条。未收取任何费用。"
)
ARTIFACTS = ROOT / "test-artifacts"


def q(value: float, evidence: str, unit: str = "件") -> Quantity:
    return Quantity(value=value, unit=unit, evidence=evidence)


def gold_and_run() -> tuple[Report, Report]:
    """A gold and a run with one figure of each kind: right, wrong, missed, invented."""
    gold = Report(source=Source(file="r.txt", sha256="0"))
    gold.meta.template = "2021"
    gold.requests.new = q(236, "本年新收申请236件")
    gold.requests.carried_over = q(7, "上年结转7件")
    gold.requests.processed_total = q(227, "已办结227件")
    gold.checks = [Check(id="requests_balance", status="fail")]
    run = gold.model_copy(deep=True)
    run.checks = [Check(id="requests_balance", status="pass"),
                  Check(id="evidence_grounding", status="fail", message="1 of 4 not grounded")]  # fmt: skip
    run.requests.carried_over = q(8, "上年结转7件")  # wrong, and not grounded
    run.requests.processed_total = None  # missed
    run.proactive.channels = [Channel(name="微信", count=q(52, "通过微信公开<信息>52条", "条"))]
    run.fees.collected_yuan = q(0, "未收取任何费用", "元")  # invented: the gold says nothing
    return gold, run


def test_field_labels_come_from_the_schema() -> None:
    assert field_label("requests.new") == "本年新收政府信息公开申请数"
    assert field_label("appeals.reconsideration.upheld") == "行政复议 · 结果维持"
    assert field_label("proactive.channels[微信].count") == "微信 · 该渠道公开的信息数"
    assert field_label("requests.matrix.granted.natural_person") == "（一）予以公开 · 自然人"


def test_highlight_splits_overlaps_and_escapes() -> None:
    html = str(highlight("ab<c>de", [("f1", 1, 5, ""), ("f2", 3, 7, "missed")]))
    assert html == (
        'a<span class="anchor" id="ev-f1"></span><mark class="ev" data-fig="f1">b&lt;</mark>'
        '<span class="anchor" id="ev-f2"></span>'
        '<mark class="ev missed" data-fig="f1 f2">c&gt;</mark>'
        '<mark class="ev missed" data-fig="f2">de</mark>'
    )


def test_report_view_marks_figures_against_gold() -> None:
    gold, run = gold_and_run()
    view = report_view("r", run, TEXT, gold)
    marks = {f.path: f.mark for f in view.figures}
    assert marks == {
        "requests.new": "right",
        "requests.carried_over": "wrong",
        "proactive.channels[微信].count": None,  # the gold does not cover this channel
        "fees.collected_yuan": "invented",
        "requests.processed_total": "missed",
    }
    by_path = {f.path: f for f in view.figures}
    assert by_path["requests.carried_over"].problem is not None
    assert by_path["requests.new"].problem is None
    assert by_path["requests.processed_total"].value == "—"
    assert all(f.found for f in view.figures)
    assert [(c.id, c.expected_fail) for c in view.checks] == [
        ("requests_balance", True), ("evidence_grounding", False),
    ]  # fmt: skip
    html = str(view.text_html)
    assert 'class="ev missed"' in html  # the gold's evidence of the missed figure
    assert "&lt;信息&gt;" in html


def test_report_view_without_gold_has_no_marks() -> None:
    _, run = gold_and_run()
    run.requests.new = q(236, "不在文中的证据236件")
    view = report_view("r", run, TEXT, None)
    assert {f.mark for f in view.figures} == {None}
    assert not view.has_gold
    assert not next(f for f in view.figures if f.path == "requests.new").found


def test_the_page_is_self_contained() -> None:
    gold, run = gold_and_run()
    page = render_review([report_view("r", run, TEXT, gold)], "审阅")
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<link" not in page
    assert page.count('<tr id="fig-') == 5
    assert "✗ wrong" in page and "＋ invented" in page and "○ missed" in page


def test_keys_stay_unique_across_reports() -> None:
    _, run = gold_and_run()
    taken: set[str] = set()
    views = [report_view("same name", run, TEXT, None, taken) for _ in range(2)]
    assert [v.key for v in views] == ["same-name", "same-name-2"]
    assert views[0].figures[0].id != views[1].figures[0].id


# ---------------------------------------------------------------- the command


def test_review_command_reads_a_run_and_a_report_json(tmp_path: Path) -> None:
    gold, run = gold_and_run()
    folder = tmp_path / "runs" / "r1"
    (folder / "reports").mkdir(parents=True)
    (folder / "texts").mkdir()
    (folder / "reports" / "r.json").write_text(run.model_dump_json(), encoding="utf-8")
    (folder / "texts" / "r.txt").write_text(TEXT, encoding="utf-8")
    (folder / "metrics.json").write_text("{}", encoding="utf-8")
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "r.json").write_text(gold.model_dump_json(), encoding="utf-8")
    (folder / "run.json").write_text(f'{{"name": "r1", "gold_dir": "{gold_dir}"}}', "utf-8")
    (tmp_path / "r.txt").write_text(TEXT, encoding="utf-8")
    extracted = tmp_path / "extracted.json"
    extracted.write_text(run.model_dump_json(), encoding="utf-8")
    out = tmp_path / "review.html"
    result = CliRunner().invoke(
        app, ["review", str(folder), str(extracted), "-o", str(out), "--gold", str(gold_dir)]
    )
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.count('<section class="report"') == 2
    assert page.count("✗ wrong") == 2  # the gold is found by name and by source file


# ---------------------------------------------------------------- a real browser

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--virtual-time-budget=3000",
]  # fmt: skip


def _install_chromium() -> str | None:
    """Install Debian's chromium when running as root with apt; else the reason it cannot.

    CJK fonts (fonts-noto-cjk) come along when available, for a legible screenshot.
    """
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("apt-get"):
        return "chromium is not installed and this is not root with apt-get"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}

    def apt(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["apt-get", *args], env=env, capture_output=True, text=True,
                              timeout=900)  # fmt: skip

    apt("update")
    done = apt("install", "-y", "--no-install-recommends", "chromium")
    if done.returncode != 0:
        return f"installing chromium failed: {done.stderr.strip()[-300:]}"
    apt("install", "-y", "--no-install-recommends", "fonts-noto-cjk")
    return None


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        reason = _install_chromium()
        found = shutil.which("chromium")
        if found is None:
            pytest.skip(reason or "chromium could not be installed")
    return found


def _browse(chromium: str, profile: Path, *args: str) -> str:
    done = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_page_renders_in_headless_chromium(chromium: str, tmp_path: Path) -> None:
    gold, run = gold_and_run()
    view = report_view("r", run, TEXT, gold)
    ARTIFACTS.mkdir(exist_ok=True)
    page = ARTIFACTS / "review.html"
    page.write_text(render_review([view], "govreport review test"), encoding="utf-8")
    wrong = next(f for f in view.figures if f.mark == "wrong")
    dom = _browse(chromium, tmp_path / "profile", "--dump-dom", f"{page.as_uri()}#fig-{wrong.id}")
    assert 'data-ready="1"' in dom  # the page's script ran
    assert 'data-highlights="5"' in dom  # one highlight per figure, counted in the browser
    assert re.search(
        rf'<tr id="fig-{wrong.id}" data-fig="{wrong.id}" class="row-wrong active">', dom
    )
    active = re.findall(r'<mark class="([^"]*)" data-fig="([^"]*)">([^<]*)</mark>', dom)
    assert [(text) for cls, ids, text in active if "active" in cls.split()] == ["上年结转7件"]
    assert "8 件" in dom and "7 件" in dom
    shot = ARTIFACTS / "review.png"
    shot.unlink(missing_ok=True)
    _browse(chromium, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1400,800",
            page.as_uri())  # fmt: skip
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000
