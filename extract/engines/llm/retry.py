"""Transport retries (tenacity): connection errors, timeouts, 429 and 5xx, nothing else.

These are the network's faults, not the model's: they are retried with the same
request, a bounded number of times, with exponential backoff and jitter (or the
server's ``Retry-After``), and never shown to the model. The openai client's own
retries are off so that the two never multiply.
"""

from __future__ import annotations

import email.utils
import logging
import time

import openai
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

log = logging.getLogger(__name__)

RETRIED_STATUS = frozenset({408, 409, 429})
MAX_RETRY_AFTER_S = 60.0
"""A server asking for a longer pause gets this one; the attempt budget still bounds the wait."""


def is_transient(error: BaseException) -> bool:
    """Whether ``error`` is a transport fault worth the same request again."""
    if isinstance(error, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(error, openai.APIStatusError):
        return error.status_code in RETRIED_STATUS or error.status_code >= 500
    return False


def retry_after(error: BaseException | None) -> float | None:
    """Seconds the server asked to wait (``retry-after-ms``, ``Retry-After``), if any."""
    if not isinstance(error, openai.APIStatusError):
        return None
    headers = error.response.headers
    try:
        if headers.get("retry-after-ms"):
            return max(0.0, float(headers["retry-after-ms"]) / 1000)
        value = headers.get("retry-after")
        if not value:
            return None
        if value.strip().replace(".", "", 1).isdigit():
            return float(value)
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return None


class BackoffOrRetryAfter:
    """Tenacity wait: the server's Retry-After when it gives one, else backoff with jitter."""

    def __init__(self, base_s: float, max_s: float) -> None:
        self._backoff = wait_exponential_jitter(multiplier=base_s, max=max_s, jitter=base_s)

    def __call__(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        asked = retry_after(error)
        if asked is not None:
            return min(asked, MAX_RETRY_AFTER_S)
        return float(self._backoff(state))


def _log_retry(state: RetryCallState) -> None:
    error = state.outcome.exception() if state.outcome else None
    wait = state.next_action.sleep if state.next_action else 0.0
    log.info("transport error (try %d): %s; retrying in %.2fs", state.attempt_number, error, wait)


def transport_retrying(attempts: int, base_s: float, max_s: float) -> Retrying:
    """The retry policy of one request: ``attempts`` tries in all."""
    return Retrying(
        retry=retry_if_exception(is_transient),
        stop=stop_after_attempt(attempts),
        wait=BackoffOrRetryAfter(base_s, max_s),
        before_sleep=_log_retry,
        reraise=True,
    )
