"""The pure parts: retry schedule, token bucket, flood gate, digest id."""

from __future__ import annotations

import duckdb
import pytest

from maritime.alerts.outbox import Outbox
from maritime.alerts.ratelimit import FloodGate, TokenBucket
from maritime.alerts.retry import RetrySchedule
from maritime.alerts.sinks import digest_id_for
from tests.alerts.conftest import T0, make_alerts


def test_backoff_doubles_up_to_the_cap_with_bounded_jitter() -> None:
    s = RetrySchedule(base_seconds=2, cap_seconds=300, jitter=0.2)
    assert [s.delay(n, 0.5) for n in range(1, 11)] == [2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
    assert s.delay(3, 0.0) == pytest.approx(6.4) and s.delay(3, 0.999999) == pytest.approx(9.6, abs=1e-4)
    assert s.delay(10_000, 0.5) == 300
    assert not s.gives_up(1000) and RetrySchedule(max_attempts=3).gives_up(3)


def test_token_bucket() -> None:
    b = TokenBucket(rate=0.5, burst=2)
    assert b.take(0.0) and b.take(0.0) and not b.take(0.0)
    assert b.wait(0.0) == pytest.approx(2.0)
    assert not b.take(1.0) and b.take(2.0)
    assert TokenBucket(rate=0, burst=0).take(0.0)  # no limit


def test_flood_gate_counts_the_window() -> None:
    g = FloodGate(threshold=5, window_seconds=60)
    assert not g.is_flood(0, 5)
    assert g.is_flood(0, 6)
    g.record(0, 4)
    assert g.is_flood(10, 2) and not g.is_flood(10, 1)
    assert not g.is_flood(61, 5)  # the four sends left the window
    assert not FloodGate(threshold=0, window_seconds=60).is_flood(0, 1000)


def test_digest_id_is_stable_whatever_the_order() -> None:
    outbox = Outbox(duckdb.connect(), ["a"])
    outbox.enqueue(make_alerts(4), T0)
    alerts = outbox.claim("a", T0, 30, 10)
    assert digest_id_for(alerts) == digest_id_for(list(reversed(alerts))) != digest_id_for(alerts[:3])
