"""The rate limits: moving windows in memory, and in Redis shared by every process."""

from __future__ import annotations

import os
import time
import uuid

import pytest

from worldcafe.rate_limits import MemoryWindows, NoteRateLimiter, RateLimited, RateLimits

REDIS_URL = os.environ.get("WORLDCAFE_TEST_REDIS_URL")


def test_a_limit_refuses_past_its_count_with_a_retry_after_and_counts_nothing_more() -> None:
    limits = RateLimits(overrides={"join": "3/minute"})
    for _ in range(3):
        limits.hit("join", "browser-1")
    with pytest.raises(RateLimited) as refused:
        limits.hit("join", "browser-1")
    assert 1 <= refused.value.retry_after <= 60
    assert refused.value.status == 429
    limits.hit("join", "browser-2")  # another browser has its own count


def test_failures_are_counted_without_refusing_and_checked_separately() -> None:
    limits = RateLimits()
    for _ in range(10):
        limits.check("sign_in", "org@example.org")
        limits.count("sign_in", "org@example.org")
    with pytest.raises(RateLimited) as refused:
        limits.check("sign_in", "org@example.org")
    assert refused.value.retry_after > 60  # a quarter of an hour window


def test_a_window_in_memory_lets_through_again_once_passed_and_forgets_idle_keys() -> None:
    windows = MemoryWindows(sweep_seconds=0)
    assert windows.acquire_entry("phone", 2, 1) and windows.acquire_entry("phone", 2, 1)
    assert not windows.acquire_entry("phone", 2, 1)
    for _ in range(50):
        windows.acquire_entry("busy", 3, 60)
    assert len(windows.events["busy"]) == 3  # a key holds no more than its limit
    time.sleep(1.05)
    assert windows.acquire_entry("busy", 3, 60) is False  # a minute's window: still full
    assert "phone" not in windows.events  # its second passed: swept while counting "busy"
    assert windows.acquire_entry("phone", 2, 1)


@pytest.mark.skipif(not REDIS_URL, reason="WORLDCAFE_TEST_REDIS_URL is not set")
def test_with_redis_two_processes_share_one_count() -> None:
    assert REDIS_URL is not None
    secret = str(uuid.uuid4())  # this test's own keys
    first = RateLimits(REDIS_URL, namespace=secret, overrides={"event": "4/minute"})
    second = RateLimits(REDIS_URL, namespace=secret, overrides={"event": "4/minute"})
    for limiter in (first, second, first, second):
        limiter.hit("event", "note:edit", "participant:7")
    with pytest.raises(RateLimited):
        second.hit("event", "note:edit", "participant:7")
    other = RateLimits(REDIS_URL, namespace=str(uuid.uuid4()), overrides={"event": "4/minute"})
    other.hit("event", "note:edit", "participant:7")  # another deployment's keys


def test_the_note_limiter_counts_per_participant() -> None:
    limiter = NoteRateLimiter(per_minute=2)
    limiter.check(1)
    limiter.check(1)
    with pytest.raises(RateLimited):
        limiter.check(1)
    limiter.check(2)
