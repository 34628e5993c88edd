"""Extraction engines behind one interface; heavy ones are imported only when asked for."""

from __future__ import annotations

from extract.engines.base import Document, Engine, EngineOptions

ENGINES = ("rules", "llm", "hybrid")


def create_engine(name: str, options: EngineOptions | None = None) -> Engine:
    """The engine called ``name`` (rules, llm or hybrid)."""
    options = options or EngineOptions()
    if name == "rules":
        from extract.engines.rules import RulesEngine

        return RulesEngine()
    if name == "llm":
        from extract.engines.llm import LLMEngine

        return LLMEngine(options)
    if name == "hybrid":
        from extract.engines.hybrid import HybridEngine

        return HybridEngine(options)
    raise ValueError(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")


__all__ = ["ENGINES", "Document", "Engine", "EngineOptions", "create_engine"]
