"""The one place that talks to the endpoint: openai + instructor + tenacity.

One :meth:`LLMClient.ask` is one section-group call. Two retry loops nest and
never mix:

* instructor's re-asks (``max_retries``) for answers that fail validation (schema
  or grounding): the error message goes back to the model;
* tenacity around each HTTP request (:mod:`extract.engines.llm.retry`) for the
  network's faults: the same request again, never shown to the model.

After the last re-ask the last parseable answer is salvaged: its failing parts are
dropped (figures to null) and reported, the rest kept.
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
from pydantic import BaseModel, ValidationError

from extract.engines.llm.config import LLMConfig
from extract.engines.llm.models import SOURCES
from extract.engines.llm.retry import transport_retrying
from extract.engines.llm.salvage import Dropped, salvage
from extract.engines.llm.usage import Tokens
from extract.errors import InputError

MODES = {
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
}
THINK_RE = re.compile(r"<think>.*?</think>\s*", re.DOTALL)

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


def literal(message: dict[str, Any]) -> dict[str, Any]:
    """``message`` protected from instructor's Jinja pass.

    Instructor renders every message as a Jinja template whenever a validation
    context is given; report text must reach the model as written.
    """
    return {**message, "content": "{% raw %}" + message["content"] + "{% endraw %}"}


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
        params: dict[str, Any] = {
            "temperature": self.config.temperature,
            "max_tokens": self.config.max_tokens,
        }
        if self.config.seed is not None:
            params["seed"] = self.config.seed
        return params

    def ask(
        self, messages: list[dict[str, Any]], model: type[BaseModel], passages: Sequence[str],
        prefix: str = "",
    ) -> Reply:  # fmt: skip
        """One validated answer of ``model``; NoAnswer, or InputError for endpoint faults."""
        attempts: list[Tokens] = []

        def send(*args: Any, **kwargs: Any) -> Any:
            response = self._retrying.copy()(self._openai.chat.completions.create, *args, **kwargs)
            attempts.append(Tokens.of(response))
            strip_think(response)
            return response

        create = instructor.patch(create=send, mode=MODES[self.config.mode])
        context = {SOURCES: list(passages)}
        try:
            answer = create(
                response_model=model,
                messages=[literal(message) for message in messages],
                context=context,
                max_retries=self.config.max_retries,
                strict=False,
                model=self.config.model,
                **self.sampling,
            )
        except InstructorRetryException as err:
            if isinstance(err.__cause__, openai.APIError):
                raise self.endpoint_error(err.__cause__) from err
            return self._salvage(err, model, context, prefix, tuple(attempts))
        except IncompleteOutputException as err:
            reason = f"the answer was cut off at max_tokens={self.config.max_tokens}"
            raise NoAnswer(reason, tuple(attempts)) from err
        return Reply(answer.model_dump(mode="json"), (), tuple(attempts))

    def _salvage(
        self, err: InstructorRetryException, model: type[BaseModel], context: dict[str, Any],
        prefix: str, attempts: tuple[Tokens, ...],
    ) -> Reply:  # fmt: skip
        """The last parseable answer with its failing parts dropped."""
        for failed in reversed(err.failed_attempts or []):
            try:
                data = json.loads(answer_text(failed.completion, self.config.mode))
                answer, dropped = salvage(model, data, context, prefix)
            except (ValueError, ValidationError, AttributeError, IndexError, TypeError):
                continue
            return Reply(answer.model_dump(mode="json"), tuple(dropped), attempts)
        tries = len(err.failed_attempts or []) or err.n_attempts
        raise NoAnswer(f"no valid answer after {tries} attempts: {_first_line(err)}", attempts)

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
