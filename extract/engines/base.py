"""The engine interface: one segmented report in, one :class:`schemas.Report` out."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from schemas import Report, Source

if TYPE_CHECKING:
    from extract.normalize import NormalizedText
    from extract.segment import Segments


@dataclass(frozen=True)
class Document:
    """Everything an engine may read about one report."""

    source: Source
    text: NormalizedText
    segments: Segments


@dataclass(frozen=True)
class EngineOptions:
    """Settings of the LLM-backed engines; the rules engine ignores them."""

    base_url: str | None = None
    model: str | None = None
    api_key: str | None = None
    mode: str = "json_schema"
    max_retries: int = 2
    concurrency: int = 4
    temperature: float = 0.0
    timeout_s: float = 120.0
    cache_dir: Path | None = None
    use_cache: bool = True
    extra: dict[str, str] = field(default_factory=dict)


class Engine(Protocol):
    """An extraction engine. ``extract`` fills every figure it can ground, nothing else."""

    name: str

    def extract(self, doc: Document) -> Report: ...
