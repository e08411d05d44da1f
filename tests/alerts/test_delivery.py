"""The delivery loop with an in-memory sink: suppression, rate limits, digests, retries."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from maritime.alerts.delivery import Delivery, DeliverySettings, SinkPolicy
from maritime.alerts.model import Outgoing
from maritime.alerts.outbox import Outbox
from maritime.alerts.retry import RetrySchedule
from maritime.alerts.sinks import SinkError
from tests.alerts.conftest import FakeClock, make_alerts


class MemorySink:
    """Records what it is sent; ``down`` makes every send fail."""

    def __init__(self, name: str = "mem") -> None:
        self.name = name
        self.sent: list[str] = []
        self.digests: list[list[str]] = []
        self.down = False

    def send(self, alert: Outgoing) -> None:
        if self.down:
            raise SinkError("down")
        self.sent.append(alert.delivery_id)

    def send_digest(self, digest_id: str, alerts: Sequence[Outgoing]) -> None:
        if self.down:
            raise SinkError("down")
        self.digests.append([a.delivery_id for a in alerts])


def test_event_acknowledged_after_queueing_is_suppressed() -> None:
    closed: set[str] = set()
    sink, clock = MemorySink(), FakeClock()
    outbox = Outbox(duckdb.connect(), [sink.name])
    outbox.enqueue(make_alerts(3), clock())
    closed.add("ev-2")  # the officer dismisses it on the dashboard before it goes out
    Delivery(outbox, [sink], clock, is_closed=lambda e: e in closed).drain_once()
    assert len(sink.sent) == 2 and outbox.counts() == {"delivered": 2, "suppressed": 1}


def test_rate_limit_holds_back_the_rest() -> None:
    sink, clock = MemorySink(), FakeClock()
    outbox = Outbox(duckdb.connect(), [sink.name])
    delivery = Delivery(outbox, [sink], clock, {sink.name: SinkPolicy(rate_per_second=1.0, burst=2)})
    outbox.enqueue(make_alerts(5), clock())
    assert delivery.drain_once() == 2
    assert outbox.counts() == {"delivered": 2, "pending": 3}
    assert delivery.drain_once() == 0  # no token yet
    clock.advance(1.0)
    assert delivery.drain_once() == 1
    clock.advance(10.0)
    assert delivery.drain_once() == 2
    assert len(sink.sent) == len(set(sink.sent)) == 5


def test_flood_becomes_one_digest_and_every_alert_counts_once() -> None:
    sink, clock = MemorySink(), FakeClock()
    outbox = Outbox(duckdb.connect(), [sink.name])
    delivery = Delivery(outbox, [sink], clock, {sink.name: SinkPolicy(digest_threshold=5, digest_window_seconds=60)})
    outbox.enqueue(make_alerts(4), clock())
    delivery.drain_once()
    assert len(sink.sent) == 4 and sink.digests == []
    clock.advance(10)
    outbox.enqueue(make_alerts(3, start=4), clock())  # 4 sent in the window + 3 due > 5
    delivery.drain_once()
    assert len(sink.digests) == 1 and len(sink.digests[0]) == 3
    clock.advance(120)  # the window has passed: single messages again
    outbox.enqueue(make_alerts(2, start=7), clock())
    delivery.drain_once()
    assert len(sink.sent) == 6 and len(sink.digests) == 1
    assert outbox.counts() == {"delivered": 9}


def test_sink_down_for_an_hour_then_back_delivers_each_once() -> None:
    sink, clock = MemorySink(), FakeClock()
    outbox = Outbox(duckdb.connect(), [sink.name])
    delivery = Delivery(outbox, [sink], clock, uniform=lambda: 0.5)
    sink.down = True
    outbox.enqueue(make_alerts(20), clock())
    for _ in range(3600 // 30):
        delivery.drain_once()
        clock.advance(30)
    [row] = {(r[7], r[8]) for r in outbox.states()}
    assert row[0] == "pending" and 10 <= row[1] <= 20  # ~20 attempts with a 300 s cap
    sink.down = False
    clock.advance(300)
    delivery.drain_once()
    assert outbox.counts() == {"delivered": 20} and len(set(sink.sent)) == len(sink.sent) == 20


def test_gives_up_after_max_attempts() -> None:
    sink, clock = MemorySink(), FakeClock()
    sink.down = True
    outbox = Outbox(duckdb.connect(), [sink.name])
    settings = DeliverySettings(retry=RetrySchedule(base_seconds=1, cap_seconds=1, jitter=0, max_attempts=3))
    delivery = Delivery(outbox, [sink], clock, settings=settings)
    outbox.enqueue(make_alerts(1), clock())
    for _ in range(5):
        delivery.drain_once()
        clock.advance(1)
    assert outbox.counts() == {"failed": 1}
