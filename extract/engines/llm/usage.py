"""Token accounting: per attempt, per call, per report and per run; optional cost."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from extract.engines.llm.config import Price


@dataclass(frozen=True)
class Tokens:
    """The usage of one HTTP attempt, as the server reported it."""

    prompt: int = 0
    completion: int = 0

    @classmethod
    def of(cls, response: Any) -> Tokens:
        """Usage of a chat completion (zeros if the server reported none)."""
        usage = getattr(response, "usage", None)
        return cls(
            prompt=int(getattr(usage, "prompt_tokens", 0) or 0),
            completion=int(getattr(usage, "completion_tokens", 0) or 0),
        )


@dataclass(frozen=True)
class CallRecord:
    """One section-group call: its attempts, whether the cache answered, its wall time."""

    group: str
    attempts: tuple[Tokens, ...]
    cached: bool
    wall_s: float
    ok: bool = True

    @property
    def prompt_tokens(self) -> int:
        return sum(a.prompt for a in self.attempts)

    @property
    def completion_tokens(self) -> int:
        return sum(a.completion for a in self.attempts)


@dataclass(frozen=True)
class Totals:
    """Sums over calls. Cached calls count as cache hits; their stored tokens as saved."""

    calls: int = 0
    attempts: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    saved_tokens: int = 0
    wall_s: float = 0.0

    @classmethod
    def of(cls, records: Iterable[CallRecord]) -> Totals:
        records = list(records)
        live = [r for r in records if not r.cached]
        cached = [r for r in records if r.cached]
        return cls(
            calls=len(live),
            attempts=sum(len(r.attempts) for r in live),
            cache_hits=len(cached),
            prompt_tokens=sum(r.prompt_tokens for r in live),
            completion_tokens=sum(r.completion_tokens for r in live),
            saved_tokens=sum(r.prompt_tokens + r.completion_tokens for r in cached),
            wall_s=sum(r.wall_s for r in records),
        )

    def cost(self, price: Price | None) -> float | None:
        """USD spent on the live calls, when a price is known."""
        if price is None:
            return None
        return (self.prompt_tokens * price.prompt + self.completion_tokens * price.completion) / 1e6

    def line(self, price: Price | None = None) -> str:
        """One summary line: calls, attempts, tokens, cache hits, cost."""
        text = (
            f"{self.calls} LLM calls ({self.attempts} attempts), {self.prompt_tokens} prompt + "
            f"{self.completion_tokens} completion tokens, {self.cache_hits} from cache"
        )
        cost = self.cost(price)
        return text if cost is None else f"{text}, ${cost:.4f}"


@dataclass
class Ledger:
    """Every call of a run (all reports an engine extracted), thread-safe."""

    records: list[CallRecord] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, record: CallRecord) -> None:
        with self._lock:
            self.records.append(record)

    def totals(self) -> Totals:
        with self._lock:
            return Totals.of(self.records)
