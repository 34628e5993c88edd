"""``--engine llm``: one schema-constrained call per section group, grounded and cached."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from extract import __version__
from extract.engines.base import Document, EngineOptions
from extract.engines.llm.answer_cache import AnswerCache, Entry, request_key
from extract.engines.llm.client import LLMClient, NoAnswer, Reply
from extract.engines.llm.config import LLMConfig, resolve_config
from extract.engines.llm.groups import GROUP_NAMES, GROUPS, Group, passages
from extract.engines.llm.models import SOURCES
from extract.engines.llm.prompting import build_messages
from extract.engines.llm.usage import CallRecord, Ledger, Totals
from extract.errors import InputError
from prompts import PromptSet, load_prompts
from schemas import Check, EngineInfo, Meta, Report

log = logging.getLogger(__name__)

MAX_LISTED = 8
"""Dropped figures spelled out in a check message before the rest are counted."""


@dataclass(frozen=True)
class GroupResult:
    """The outcome of one group's call: a reply, or why there is none."""

    group: Group
    reply: Reply | None
    record: CallRecord
    failure: str | None = None


class LLMEngine:
    """Figures from an OpenAI-compatible model, every one grounded in the text or null."""

    name = "llm"

    def __init__(self, options: EngineOptions | None = None, prompts: PromptSet | None = None):
        self.config: LLMConfig = resolve_config(options)
        unknown = set(self.config.groups or ()) - set(GROUP_NAMES)
        if unknown:
            raise InputError("config", f"unknown section groups {sorted(unknown)}: {GROUP_NAMES}")
        try:
            self.prompts = prompts or load_prompts(self.config.prompts_dir)
        except (OSError, ValueError, KeyError) as err:
            raise InputError("config", f"cannot read the prompts: {err}") from err
        self.client = LLMClient(self.config)
        self.cache = AnswerCache(self.config.cache_dir) if self.config.use_cache else None
        self.ledger = Ledger()

    def extract(self, doc: Document) -> Report:
        """A report whose figures come from the model's grounded answers."""
        report = Report(source=doc.source, meta=base_meta(doc))
        results = self.answer(doc)
        for result in results:
            if result.reply is not None:
                result.group.apply(report, result.reply.data)
        report.checks = result_checks(results)
        report.engine = self.engine_info(Totals.of(r.record for r in results))
        return report

    def answer(self, doc: Document, groups: Sequence[str] | None = None) -> list[GroupResult]:
        """The answers of ``groups`` (default: all configured) that the report has sections for.

        Calls run concurrently (``concurrency``); results keep the groups' order.
        """
        wanted = groups if groups is not None else (self.config.groups or GROUP_NAMES)
        jobs = [(g, p) for g in GROUPS if g.name in wanted if (p := passages(g, doc))]
        if not jobs:
            return []
        workers = min(self.config.concurrency, len(jobs))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="llm") as pool:
            results = list(pool.map(lambda job: self._call(*job), jobs))
        for result in results:
            self.ledger.add(result.record)
        return results

    def _call(self, group: Group, texts: list[str]) -> GroupResult:
        """One group: from the cache if there, else from the endpoint (and then cached)."""
        started = time.monotonic()
        messages = build_messages(self.prompts, group.name, group.model, texts)
        key = request_key(
            messages=messages, model=self.config.model, response_model=group.model,
            mode=self.config.mode, sampling=self.client.sampling, base_url=self.config.base_url,
            prompt_hash=self.prompts.hash, passages=texts, max_retries=self.config.max_retries,
        )  # fmt: skip
        cached = self._cached(key, group, texts)
        if cached is not None:
            record = CallRecord(group.name, cached.attempts, True, time.monotonic() - started)
            return GroupResult(group, cached, record)
        try:
            reply = self.client.ask(messages, group.model, texts, group.prefix)
        except NoAnswer as err:
            log.warning("%s: %s", group.name, err.reason)
            elapsed = time.monotonic() - started
            record = CallRecord(group.name, err.attempts, False, elapsed, ok=False)
            return GroupResult(group, None, record, err.reason)
        if self.cache is not None:
            self.cache.put(key, Entry(reply.data, reply.dropped, reply.attempts,
                                      self.config.base_url, self.config.model))  # fmt: skip
        record = CallRecord(group.name, reply.attempts, False, time.monotonic() - started)
        return GroupResult(group, reply, record)

    def _cached(self, key: str, group: Group, texts: list[str]) -> Reply | None:
        """The cached reply for ``key``, checked again against the passages."""
        entry = self.cache.get(key) if self.cache is not None else None
        if entry is None:
            return None
        try:
            answer = group.model.model_validate(entry.answer, context={SOURCES: texts})
        except ValueError:
            log.warning("%s: cached answer no longer validates; asking again", group.name)
            return None
        return Reply(answer.model_dump(mode="json"), entry.dropped, entry.attempts)

    def usage_line(self) -> str:
        """Calls, attempts, tokens, cache hits and cost of every report extracted so far."""
        return self.ledger.totals().line(self.config.price())

    def engine_info(self, totals: Totals) -> EngineInfo:
        """Provenance and usage of one report."""
        return EngineInfo(
            name=self.name,
            version=__version__,
            model=self.config.model,
            base_url_host=self.config.host,
            prompt_hash=self.prompts.hash,
            llm_calls=totals.calls,
            prompt_tokens=totals.prompt_tokens,
            completion_tokens=totals.completion_tokens,
            cache_hits=totals.cache_hits,
        )


def base_meta(doc: Document) -> Meta:
    """What the pipeline knows of a report before any call: template, script, sections."""
    return Meta(
        template=doc.segments.template,
        script=doc.text.script,
        sections_announced=list(doc.segments.announced),
        sections_found=list(doc.segments.found),
    )


def result_checks(
    results: Sequence[GroupResult], keep: Callable[[str], bool] = lambda path: True
) -> list[Check]:
    """The engine's own checks: answers dropped after the last re-ask (those at paths
    ``keep`` accepts), and groups left without an answer."""
    checks: list[Check] = []
    dropped = [d for r in results if r.reply is not None for d in r.reply.dropped if keep(d.path)]
    if dropped:
        listed = "; ".join(f"{d.path}: {d.reason}" for d in dropped[:MAX_LISTED])
        if len(dropped) > MAX_LISTED:
            listed += f"; and {len(dropped) - MAX_LISTED} more"
        checks.append(
            Check(
                id="evidence_grounding",
                status="fail",
                message=f"{len(dropped)} answers set to null after the last re-ask: {listed}",
                fields=[d.path for d in dropped],
            )
        )
    failed = [r for r in results if r.failure is not None]
    if failed:
        checks.append(
            Check(
                id="llm_answers",
                status="fail",
                message="; ".join(f"{r.group.name}: {r.failure}" for r in failed),
                fields=[r.group.root or r.group.name for r in failed],
            )
        )
    return checks
