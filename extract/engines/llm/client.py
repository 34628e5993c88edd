"""The one place that talks to the endpoint: openai + instructor + tenacity.

One :meth:`LLMClient.ask` is one section-group call. Two retry loops nest and
never mix:

* instructor's re-asks (``max_retries``) for answers that fail validation (schema
  or grounding): the error message goes back to the model;
* tenacity around each HTTP request (:mod:`extract.engines.llm.retry`) for the
  network's faults: the same request again, never shown to the model.

When the last re-ask still fails (or an answer is cut off at ``max_tokens``), the
attempts' answers are salvaged (:func:`extract.engines.llm.salvage.best_of`): each
figure is kept from the latest attempt that grounded it, the rest set to null and
reported.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import instructor
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from instructor.v2.core.json import extract_json_from_codeblock
from pydantic import BaseModel

from extract.engines.llm.config import LLMConfig
from extract.engines.llm.models import SOURCES
from extract.engines.llm.retry import transport_retrying
from extract.engines.llm.salvage import Dropped, best_of
from extract.engines.llm.usage import Tokens
from extract.errors import InputError

MODES = {
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
}
THINK_RE = re.compile(r"<think>.*?</think>\s*", re.DOTALL)

log = logging.getLogger(__name__)
_instructor_log = logging.getLogger("instructor")
if _instructor_log.level == logging.NOTSET:
    # Instructor logs every exhausted re-ask and transport fault at ERROR; the engine
    # reports them itself (a check, one warning), so its lines would only repeat them.
    _instructor_log.setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class Reply:
    """A validated answer (as JSON-able data), what was dropped from it, what it cost."""

    data: dict[str, Any]
    dropped: tuple[Dropped, ...]
    attempts: tuple[Tokens, ...]


class NoAnswer(Exception):
    """The model gave no usable answer for a group, after every re-ask."""

    def __init__(self, reason: str, attempts: tuple[Tokens, ...]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.attempts = attempts


def strip_think(response: Any) -> None:
    """Remove the ``<think>…</think>`` blocks of reasoning models from a completion, in place."""
    for choice in getattr(response, "choices", None) or ():
        content = choice.message.content
        if isinstance(content, str) and "<think>" in content:
            choice.message.content = THINK_RE.sub("", content).strip()


def as_template(messages: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Messages whose contents are Jinja variables, and the variables' values.

    Instructor renders every message as a Jinja template (then dedents it) whenever
    a validation context is given; as variables, report text reaches the model as
    written, braces and all.
    """
    templated, variables = [], {}
    for index, message in enumerate(messages):
        name = f"message_{index}"
        templated.append({**message, "content": "{{ " + name + " }}"})
        variables[name] = message["content"]
    return templated, variables


def answer_text(completion: Any, mode: str) -> str:
    """The JSON text of a completion's answer in ``mode``."""
    message = completion.choices[0].message
    if mode == "tools":
        return str(message.tool_calls[0].function.arguments)
    content = message.content or ""
    return extract_json_from_codeblock(content) if mode == "md_json" else content


class LLMClient:
    """An OpenAI-compatible endpoint, asked for one response model at a time."""

    def __init__(self, config: LLMConfig) -> None:
        self.config = config
        self._openai = openai.OpenAI(
            base_url=config.base_url,
            api_key=config.api_key,
            timeout=config.timeout_s,
            max_retries=0,  # tenacity retries transport faults, once
        )
        self._retrying = transport_retrying(
            config.transport_attempts, config.backoff_base_s, config.backoff_max_s
        )

    @property
    def sampling(self) -> dict[str, Any]:
        """The sampling parameters of every request (part of the cache key)."""
        params: dict[str, Any] = {"temperature": self.config.temperature}
        if self.config.max_tokens:  # 0: not sent (reasoning models refuse max_tokens)
            params["max_tokens"] = self.config.max_tokens
        if self.config.seed is not None:
            params["seed"] = self.config.seed
        return params

    def ask(
        self, messages: list[dict[str, Any]], model: type[BaseModel], passages: Sequence[str],
        prefix: str = "",
    ) -> Reply:  # fmt: skip
        """One validated answer of ``model``; NoAnswer, or InputError for endpoint faults."""
        responses: list[Any] = []
        attempts: list[Tokens] = []  # read at once: instructor later sums usage into responses

        def send(*args: Any, **kwargs: Any) -> Any:
            response = self._retrying.copy()(self._openai.chat.completions.create, *args, **kwargs)
            attempts.append(Tokens.of(response))
            strip_think(response)
            responses.append(response)
            if log.isEnabledFor(logging.DEBUG):
                message = response.choices[0].message if response.choices else None
                log.debug("%s attempt %d: %s", model.__name__, len(responses), message)
            return response

        create = instructor.patch(create=send, mode=MODES[self.config.mode])
        templated, variables = as_template(messages)
        context: dict[str, Any] = {**variables, SOURCES: list(passages)}
        try:
            answer = create(
                response_model=model,
                messages=templated,
                context=context,
                max_retries=self.config.max_retries,
                strict=False,
                model=self.config.model,
                **self.sampling,
            )
        except InstructorRetryException as err:
            if isinstance(err.__cause__, openai.APIError):
                raise self.endpoint_error(err.__cause__) from err
            return self._salvage(responses, attempts, model, context, prefix, _first_line(err))
        except IncompleteOutputException:
            cut = f"the answer was cut off at max_tokens={self.config.max_tokens}"
            return self._salvage(responses, attempts, model, context, prefix, cut)
        return Reply(answer.model_dump(mode="json"), (), tuple(attempts))

    def _salvage(
        self, responses: list[Any], attempts: list[Tokens], model: type[BaseModel],
        context: dict[str, Any], prefix: str, last_error: str,
    ) -> Reply:  # fmt: skip
        """The answers of every attempt, salvaged and combined (:func:`best_of`)."""
        answers = []
        for response in responses:
            try:
                answers.append(json.loads(answer_text(response, self.config.mode)))
            except (ValueError, AttributeError, IndexError, TypeError):
                continue
        try:
            answer, dropped = best_of(model, answers, context, prefix)
        except ValueError as err:  # ValidationError too: nothing could be kept
            reason = f"no valid answer after {len(responses)} attempts: {last_error}"
            raise NoAnswer(reason, tuple(attempts)) from err
        return Reply(answer.model_dump(mode="json"), tuple(dropped), tuple(attempts))

    def endpoint_error(self, error: openai.APIError) -> InputError:
        """The one-line error for a fault of the endpoint (after the transport retries)."""
        url, tries = self.config.base_url, self.config.transport_attempts
        if isinstance(error, openai.APIConnectionError):
            what = "timed out" if isinstance(error, openai.APITimeoutError) else "is unreachable"
            return InputError("endpoint", f"LLM endpoint {url} {what} ({tries} tries)")
        status = getattr(error, "status_code", None)
        if status in (401, 403):
            return InputError("config", f"LLM endpoint {url} refused the API key ({status})")
        if status == 404:
            return InputError(
                "config",
                f"LLM endpoint {url} answered 404 for model {self.config.model!r}: check --model, "
                "and --base-url (it usually ends in /v1)",
            )
        if status == 429 or (status is not None and status >= 500):
            return InputError(
                "endpoint", f"LLM endpoint {url} kept answering {status} ({tries} tries)"
            )
        return InputError(
            "endpoint",
            f"LLM endpoint {url} rejected the request ({status}: {_first_line(error)}); "
            f"it may not support --mode {self.config.mode}",
        )


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__
