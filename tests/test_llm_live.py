"""The LLM engine against a real local model: llama.cpp's server with Qwen2.5-Coder-0.5B.

One server for the session: the one ``scripts/local-llm.sh`` started (``LOCAL_LLM_URL``),
else a :class:`extract.local_llm.LocalServer`; skipped with the reason when neither
``xllamacpp`` nor the assembled model is available. The server has one slot, so
the calls are few (two section groups of one simplified seed) and serial.

A 0.5B model gets many figures wrong: what matters here is that none of them ends in
the document ungrounded, and that a second run is served entirely from the cache.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from extract.api import extract_file
from extract.checks.grounding import ungrounded_reason
from extract.engines import EngineOptions
from extract.normalize import normalize_bytes
from schemas import Report, iter_figures
from tests.conftest import seed
from tests.scripted_server import CountingProxy

pytestmark = pytest.mark.live_llm

GROUPS = "proactive,appeals"


@pytest.fixture(scope="session")
def llm_root_url() -> Iterator[str]:
    """Root URL (no /v1) of a running local model server."""
    if os.environ.get("LOCAL_LLM_URL"):
        yield os.environ["LOCAL_LLM_URL"].rstrip("/")
        return
    from extract import local_llm

    if not local_llm.xllamacpp_available():
        pytest.skip("xllamacpp is not installed (pip install -e '.[local-llm]')")
    try:
        model = local_llm.assemble_model(allow_download=False)
    except local_llm.ModelMismatchError:
        raise
    except local_llm.ModelAssemblyError as err:
        pytest.skip(f"local model unavailable: {err}")
    with local_llm.LocalServer(model_file=model, n_ctx=8192) as server:
        yield server.root_url


@pytest.fixture
def proxy(llm_root_url: str) -> Iterator[CountingProxy]:
    with CountingProxy(llm_root_url) as counting:
        yield counting


def live_options(proxy: CountingProxy, cache: Path) -> EngineOptions:
    return EngineOptions(
        base_url=proxy.base_url,
        model=os.environ.get("LOCAL_LLM_MODEL", "qwen2.5-coder-0.5b-instruct"),
        max_retries=1,
        concurrency=1,  # one slot: a group's re-ask reuses the server's prompt cache
        timeout_s=300,
        cache_dir=cache,
        extra={"groups": GROUPS},
    )


def test_live_extraction_is_grounded_and_cached(proxy: CountingProxy, tmp_path: Path) -> None:
    path = seed("004")
    text = normalize_bytes(path.read_bytes()).text
    options = live_options(proxy, tmp_path / "cache")

    started = time.monotonic()
    first = extract_file(path, "llm", options)
    first_wall = time.monotonic() - started
    requests = len(proxy.requests)
    started = time.monotonic()
    second = extract_file(path, "llm", options)
    second_wall = time.monotonic() - started

    # Schema-valid, every figure grounded in the text (or null, with the check saying so).
    Report.model_validate(first.model_dump(mode="json"))
    stated = [(p, f) for p, f in iter_figures(first) if f is not None]
    assert all(ungrounded_reason(f, text) is None for _, f in stated), stated
    assert first.engine is not None and first.engine.llm_calls == len(GROUPS.split(","))
    assert requests >= first.engine.llm_calls

    # The second run is served from the cache: not one request.
    assert len(proxy.requests) == requests
    assert second.engine is not None
    assert (second.engine.llm_calls, second.engine.cache_hits) == (0, first.engine.llm_calls)
    assert second.model_dump(exclude={"engine"}) == first.model_dump(exclude={"engine"})

    print(
        f"\nlive 004 [{GROUPS}]: {first.engine.llm_calls} calls, {requests} requests, "
        f"{first.engine.prompt_tokens} prompt + {first.engine.completion_tokens} completion "
        f"tokens, {first_wall:.1f}s; cached re-run {second_wall:.2f}s "
        f"({first_wall / max(second_wall, 1e-6):.0f}x); {len(stated)} figures stated"
    )
