"""The cache of validated LLM answers, built on instructor's cache.

Instructor's ``DiskCache`` (diskcache) is the store, under ``cache_root()/llm`` (the
``llm`` store of :mod:`extract.cache`), and instructor's ``make_cache_key`` is the
core of the key: model, messages (system prompt, examples, the section's text),
mode, sampling parameters and the full JSON schema of the response model. This
module adds what that key and entry lack:

* the endpoint, the engine version, the prompt hash, the contract schema hash,
  the hash of the passages sent and the re-ask budget, in the key;
* the token usage of every attempt and the parts dropped after the last re-ask,
  in the entry (instructor keeps only the answer and the last raw response);
* the rule that only validated answers are stored: a call that failed is never
  written, so the next run asks again.

The lookup happens before any request, so a cached re-run makes no HTTP request.
Instructor's own ``cache=`` hook is not used: it stores only answers that passed on
some attempt, so a section whose last answer kept most of its figures would be
asked again on every run, and it keeps no per-attempt usage.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from instructor.cache import DiskCache, make_cache_key
from pydantic import BaseModel

from extract import __version__
from extract.cache import cache_key, cache_root
from extract.engines.llm.salvage import Dropped
from extract.engines.llm.usage import Tokens
from schemas import schema_hash

log = logging.getLogger(__name__)

ENGINE_REVISION = 1
"""Bump when the engine's handling of answers changes without a package release."""
ENGINE_VERSION = f"{__version__}+llm{ENGINE_REVISION}"
STORE = "llm"


@dataclass(frozen=True)
class Entry:
    """A stored answer: validated data, what was dropped, the usage it cost, provenance."""

    answer: dict[str, Any]
    dropped: tuple[Dropped, ...]
    attempts: tuple[Tokens, ...]
    endpoint: str
    model: str
    engine: str = ENGINE_VERSION
    created: str = ""

    def dumps(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def loads(cls, text: str) -> Entry:
        data = json.loads(text)
        return cls(
            answer=data["answer"],
            dropped=tuple(Dropped(**d) for d in data["dropped"]),
            attempts=tuple(Tokens(**a) for a in data["attempts"]),
            endpoint=data["endpoint"],
            model=data["model"],
            engine=data["engine"],
            created=data["created"],
        )


def passages_hash(passages: Sequence[str]) -> str:
    """Hash of the report passages sent in one call."""
    return hashlib.sha256("\0".join(passages).encode()).hexdigest()


def request_key(
    *, messages: list[dict[str, Any]], model: str, response_model: type[BaseModel], mode: str,
    sampling: dict[str, Any], base_url: str, prompt_hash: str, passages: Sequence[str],
    max_retries: int,
) -> str:  # fmt: skip
    """The cache key of one call: instructor's request key plus what it leaves out."""
    instructor_key = make_cache_key(
        messages=messages, model=model, response_model=response_model, mode=mode,
        request_kwargs=sampling,
    )  # fmt: skip
    return cache_key(
        instructor_key, base_url.rstrip("/"), ENGINE_VERSION, prompt_hash, schema_hash(),
        passages_hash(passages), max_retries,
    )  # fmt: skip


class AnswerCache:
    """Validated answers by request key, in the ``llm`` store of the cache folder."""

    def __init__(self, root: Path | None = None) -> None:
        self.directory = cache_root(root) / STORE
        self._store = DiskCache(directory=str(self.directory))

    def get(self, key: str) -> Entry | None:
        text = self._store.get(key)
        if text is None:
            return None
        try:
            return Entry.loads(text)
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring a damaged cache entry %s", key[:12])
            return None

    def put(self, key: str, entry: Entry) -> None:
        created = datetime.now(UTC).isoformat(timespec="seconds")
        self._store.set(key, replace(entry, created=created).dumps())
