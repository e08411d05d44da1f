"""Fixtures of the alert tests: a manual clock, alerts, and the replay with receiver restarts."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

import duckdb
import pytest

from maritime.alerts.delivery import Delivery, DeliverySettings, SinkPolicy
from maritime.alerts.model import Alert
from maritime.alerts.outbox import Outbox
from maritime.alerts.retry import RetrySchedule
from maritime.alerts.sinks import Sink
from tests.alerts.receivers import Ledger, make_certificate

T0 = 1_700_000_000.0


class FakeClock:
    """Wall-clock seconds that move only when the test says so."""

    def __init__(self, t: float = T0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def make_alerts(n: int, start: int = 0, severity: str = "low", rule: str = "rule-a") -> list[Alert]:
    """``n`` alerts on events ``ev-<start>``…, one minute apart in data time."""
    base = datetime(2024, 5, 1, 12, 0)
    return [
        Alert(
            event_id=f"ev-{i}",
            rule_id=rule,
            severity=severity,
            created_at=base + timedelta(minutes=i),
            payload={"kind": "loitering", "mmsi": 224000000 + i, "name": f"VESSEL {i}", "lat": 36.5, "lon": -4.5}
            | {"course": 90.0, "speed": 3.5},
        )
        for i in range(start, start + n)
    ]


class Restartable(Protocol):
    ledger: Ledger

    def start(self) -> None: ...

    def stop(self) -> None: ...


FAST_RETRY = DeliverySettings(lease_seconds=30.0, batch=20, retry=RetrySchedule(1.0, 8.0, 0.2))


def replay_with_restarts(receiver: Restartable, sink: Sink, db: Path, n: int = 200) -> list[str]:
    """Enqueue ``n`` alerts 10 at a time, draining after each batch, with the receiver killed
    after 30% and restarted after 65%; then drain until all are delivered. Returns the
    expected delivery ids."""
    clock = FakeClock()
    con = duckdb.connect(str(db))
    outbox = Outbox(con, [sink.name])
    delivery = Delivery(outbox, [sink], clock, {sink.name: SinkPolicy()}, FAST_RETRY)
    alerts = make_alerts(n)
    for i in range(0, n, 10):
        if i == int(n * 0.3):
            receiver.stop()
        if i == int(n * 0.65):
            receiver.start()
        outbox.enqueue(alerts[i : i + 10], clock())
        delivery.drain_once()
        clock.advance(1.0)
    for _ in range(200):
        if outbox.counts(sink.name).get("delivered", 0) == n:
            break
        delivery.drain_once()
        clock.advance(2.0)
    assert outbox.counts(sink.name) == {"delivered": n}
    con.close()
    return [f"{a.alert_id}/1" for a in alerts]


def assert_exactly_once(ledger: Ledger, expected: list[str]) -> None:
    assert sorted(ledger.accepted) == sorted(expected)
    assert len(ledger.accepted) == len(set(ledger.accepted))


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))
