"""Retries of storage calls: google-api-core's ``retry_target`` loop and its ``if_transient_error`` /
``if_exception_type`` predicates. Kept here because api-core has no such option: a budget counted in attempts,
not seconds (``--retries N`` means N retries), each retry logged with its wait, and ``RetryBudgetExceeded``
naming the call once the budget is spent. The storage client's own retries are off where this is used."""

from __future__ import annotations

import http.client
import itertools
import random
from dataclasses import dataclass
from typing import Callable, Iterator, TypeVar

import requests
import urllib3
from google.api_core import exceptions
from google.api_core.retry import if_exception_type, if_transient_error, retry_target

T = TypeVar("T")
# What if_transient_error does not cover: 502 / 504, timeouts and broken HTTP exchanges (and 408,
# which api-core has no exception class for: by its code, below).
if_also_transient = if_exception_type(
    exceptions.BadGateway, exceptions.GatewayTimeout, ConnectionError, TimeoutError,
    http.client.HTTPException, requests.Timeout, urllib3.exceptions.HTTPError)


class RetryBudgetExceeded(RuntimeError):
    """Every attempt failed with a retryable error; the last one is the cause."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6  # total tries, the first included
    initial: float = 0.5  # seconds before the first retry
    multiplier: float = 2.0
    maximum: float = 20.0  # cap of one wait
    jitter: float = 0.25  # each wait is scaled by a random factor in [1 - jitter, 1 + jitter]

    def delay(self, retry: int) -> float:
        """Wait before retry number ``retry`` (1-based)."""
        base = min(self.maximum, self.initial * self.multiplier ** (retry - 1))
        return base * (1 - self.jitter + 2 * self.jitter * random.random())


def is_retryable(error: BaseException) -> bool:
    """Transient errors (api-core's predicates), also when wrapped as the cause of another error."""
    if isinstance(error, Exception) and (if_transient_error(error) or if_also_transient(error)
                                         or getattr(error, "code", None) == 408):
        return True
    cause = error.__cause__
    return cause is not None and cause is not error and is_retryable(cause)


def call_with_retries(fn: Callable[[], T], policy: RetryPolicy, what: str,
                      log: Callable[[str], None] = lambda message: None) -> T:
    """``fn()``, retried on retryable errors up to ``policy.attempts`` tries in all."""
    errors: list[Exception] = []

    def retry_allowed(error: Exception) -> bool:
        errors.append(error)
        return is_retryable(error) and len(errors) < policy.attempts

    def waits() -> Iterator[float]:
        for retry in itertools.count(1):
            wait = policy.delay(retry)
            log(f"  retry {retry}/{policy.attempts - 1} of {what} in {wait:.2f}s: {describe(errors[-1])}")
            yield wait

    def final_error(found: list[Exception], reason: object, timeout: object) -> tuple[Exception, Exception | None]:
        last = found[-1]
        if is_retryable(last):
            return RetryBudgetExceeded(f"{what}: gave up after {len(errors)} attempts: {describe(last)}"), last
        return last, last.__cause__ if isinstance(last.__cause__, Exception) else None

    return retry_target(fn, retry_allowed, waits(), timeout=None, exception_factory=final_error)


def describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:160] if text else ''}"
