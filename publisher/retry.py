"""Retries with exponential backoff for storage calls: 408, 429, 5xx, timeouts, dropped connections.

The google-cloud-storage client's own retries are switched off where this is used,
so the budget (``attempts``) is exact and every retry is logged.
"""

from __future__ import annotations

import http.client
import random
import socket
import time
from dataclasses import dataclass
from typing import Callable, TypeVar

T = TypeVar("T")
RETRYABLE_CODES = frozenset({408, 429, 500, 502, 503, 504})


class RetryBudgetExceeded(RuntimeError):
    """Every attempt failed with a retryable error; the last one is the cause."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6  # total tries, the first included
    initial: float = 0.5  # seconds before the first retry
    multiplier: float = 2.0
    maximum: float = 20.0  # cap of one wait
    jitter: float = 0.25  # each wait is scaled by a random factor in [1 - jitter, 1 + jitter]

    def delay(self, retry: int, rand: Callable[[], float] = random.random) -> float:
        """Wait before retry number ``retry`` (1-based)."""
        base = min(self.maximum, self.initial * self.multiplier ** (retry - 1))
        return base * (1 - self.jitter + 2 * self.jitter * rand())


def status_code(error: BaseException) -> int | None:
    """The HTTP status of an API error (google.api_core or a requests response), if any."""
    code = getattr(error, "code", None)
    if isinstance(code, int):
        return code
    response = getattr(error, "response", None)
    code = getattr(response, "status_code", None)
    return code if isinstance(code, int) else None


def is_retryable(error: BaseException) -> bool:
    """429, 408 and 5xx responses, timeouts and broken connections; never 4xx like 412 or 404."""
    code = status_code(error)
    if code is not None:
        return code in RETRYABLE_CODES or 500 <= code < 600
    if isinstance(error, (ConnectionError, TimeoutError, socket.timeout, http.client.HTTPException)):
        return True
    try:
        import requests
        import urllib3

        if isinstance(error, (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError,
                              urllib3.exceptions.HTTPError)):
            return True
        from google.auth.exceptions import TransportError

        if isinstance(error, TransportError):
            return True
    except ImportError:  # pragma: no cover - both ship with google-cloud-storage
        pass
    cause = error.__cause__
    return cause is not None and cause is not error and is_retryable(cause)


def call_with_retries(fn: Callable[[], T], policy: RetryPolicy, what: str,
                      log: Callable[[str], None] = lambda message: None,
                      sleep: Callable[[float], None] = time.sleep) -> T:
    """``fn()``, retried on retryable errors up to ``policy.attempts`` tries in all."""
    for attempt in range(1, policy.attempts + 1):
        try:
            return fn()
        except Exception as error:  # noqa: BLE001 - filtered by is_retryable
            if not is_retryable(error):
                raise
            if attempt == policy.attempts:
                raise RetryBudgetExceeded(f"{what}: gave up after {attempt} attempts: {describe(error)}") from error
            wait = policy.delay(attempt)
            log(f"  retry {attempt}/{policy.attempts - 1} of {what} in {wait:.2f}s: {describe(error)}")
            sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:160] if text else ''}"
