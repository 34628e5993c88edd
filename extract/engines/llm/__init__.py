"""``--engine llm``: schema-constrained extraction through instructor + openai.

One call per section group (:mod:`.groups`), prompts from the ``prompts`` package
(:mod:`.prompting`), answers held to the grounding rules (:mod:`.grounding`,
:mod:`.models`) with instructor's re-asks, transport retries by tenacity
(:mod:`.retry`), validated answers cached (:mod:`.answer_cache`), settings from
flags, environment and ``govreport.toml`` (:mod:`.config`).
"""

from extract.engines.llm.config import LLMConfig, resolve_config
from extract.engines.llm.engine import GroupResult, LLMEngine

__all__ = ["GroupResult", "LLMConfig", "LLMEngine", "resolve_config"]
