"""retry: which errors are retried, the backoff, the budget."""

import requests
from google.api_core import exceptions as api

import pytest

from publisher.destinations import RetryBudgetExceeded, RetryPolicy, call_with_retries, is_retryable


@pytest.mark.parametrize("error", [
    api.TooManyRequests("slow down"), api.InternalServerError("x"), api.BadGateway("x"),
    api.ServiceUnavailable("x"), api.GatewayTimeout("x"), api.from_http_status(408, "timeout"),
    requests.ConnectionError("reset"), requests.Timeout("read timed out"), ConnectionResetError(),
    TimeoutError(), requests.exceptions.ChunkedEncodingError("eof"),
])
def test_retryable(error):
    assert is_retryable(error)


@pytest.mark.parametrize("error", [
    api.PreconditionFailed("412"), api.NotFound("404"), api.Forbidden("403"), api.BadRequest("400"),
    ValueError("bug"), KeyError("bug"),
])
def test_not_retryable(error):
    assert not is_retryable(error)


def test_backoff_doubles_up_to_the_cap_with_bounded_jitter(monkeypatch):
    policy = RetryPolicy(attempts=8, initial=0.5, multiplier=2, maximum=4, jitter=0.25)
    monkeypatch.setattr("random.random", lambda: 0.5)
    assert [policy.delay(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 4.0, 4.0]
    monkeypatch.setattr("random.random", lambda: 0.0)
    assert policy.delay(1) == 0.375
    monkeypatch.setattr("random.random", lambda: 1.0)
    assert policy.delay(1) == 0.625


@pytest.fixture
def waits(monkeypatch):
    """The waits of google-api-core's retry loop, recorded instead of slept."""
    found = []
    monkeypatch.setattr("google.api_core.retry.retry_unary.time.sleep", found.append)
    return found


def test_succeeds_after_retryable_failures(waits, capsys):
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise api.ServiceUnavailable("503")
        return "done"

    policy = RetryPolicy(attempts=3, initial=1, jitter=0)
    assert call_with_retries(flaky, policy, "upload of x") == "done"
    assert waits == [1, 2] and len(calls) == 3
    assert capsys.readouterr().err.splitlines()[0] == "  retry 1/2 of upload of x in 1.00s: ServiceUnavailable: 503 503"


def test_budget_exceeded_and_non_retryable_errors(waits):
    def always():
        raise api.TooManyRequests("429")

    with pytest.raises(RetryBudgetExceeded, match="upload of x: gave up after 4 attempts: TooManyRequests"):
        call_with_retries(always, RetryPolicy(attempts=4, initial=0.1, jitter=0), "upload of x")
    assert len(waits) == 3

    def precondition():
        raise api.PreconditionFailed("412")

    with pytest.raises(api.PreconditionFailed):
        call_with_retries(precondition, RetryPolicy(), "upload of x")
    assert len(waits) == 3  # no wait: not retried


def test_a_retryable_cause_is_retried():
    wrapped = RuntimeError("upload failed")
    wrapped.__cause__ = requests.ConnectionError("reset")
    assert is_retryable(wrapped) and not is_retryable(RuntimeError("bug"))
