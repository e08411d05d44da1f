"""Webhook sink against a real HTTP receiver on 127.0.0.1 that checks the HMAC signature."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from maritime.alerts.delivery import Delivery, DeliverySettings
from maritime.alerts.model import Alert
from maritime.alerts.outbox import Outbox
from maritime.alerts.sinks import SinkError
from maritime.alerts.webhook import WebhookSink, sign, verify
from tests.alerts.conftest import FAST_RETRY, T0, FakeClock, assert_exactly_once, make_alerts, replay_with_restarts
from tests.alerts.receivers import HttpReceiver, free_port

SECRET = b"shared-secret"


def test_signature_is_hmac_sha256_of_the_body() -> None:
    # RFC 4231 test case 2
    assert sign(b"what do ya want for nothing?", b"Jefe") == (
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )
    assert verify(b"body", SECRET, sign(b"body", SECRET))
    assert not verify(b"body!", SECRET, sign(b"body", SECRET))


@pytest.fixture
def receiver() -> HttpReceiver:
    r = HttpReceiver(SECRET)
    r.start()
    yield r
    if r.server is not None:
        r.stop()


def test_wrong_secret_is_refused_for_good(receiver: HttpReceiver) -> None:
    sink = WebhookSink("hook", receiver.url, b"other", timeout_seconds=5)
    outbox = Outbox(duckdb.connect(), ["hook"])
    outbox.enqueue(make_alerts(1), T0)
    Delivery(outbox, [sink], FakeClock()).drain_once()
    assert receiver.ledger.bad_signatures == 1 and receiver.ledger.accepted == []
    assert outbox.counts() == {"failed": 1}
    assert "HTTP 401" in outbox.states()[0][10]


def test_down_receiver_is_a_retryable_error() -> None:
    outbox = Outbox(duckdb.connect(), ["hook"])
    outbox.enqueue(make_alerts(1), T0)
    alert = outbox.claim("hook", T0, 30, 1)[0]
    with pytest.raises(SinkError) as e:
        WebhookSink("hook", f"http://127.0.0.1:{free_port()}/x", SECRET, timeout_seconds=2).send(alert)
    assert not e.value.permanent


def test_receiver_killed_and_restarted_gets_every_alert_once(receiver: HttpReceiver, tmp_path: Path) -> None:
    sink = WebhookSink("hook", receiver.url, SECRET, timeout_seconds=5)
    expected = replay_with_restarts(receiver, sink, tmp_path / "a.duckdb", n=200)
    assert_exactly_once(receiver.ledger, expected)
    assert receiver.ledger.repeats == 0 and receiver.ledger.bad_signatures == 0


CRASHING_SENDER = textwrap.dedent(
    """
    import os, sys, duckdb
    from maritime.alerts.delivery import Delivery
    from maritime.alerts.outbox import Outbox
    from maritime.alerts.webhook import WebhookSink
    db, url, now = sys.argv[1], sys.argv[2], float(sys.argv[3])
    outbox = Outbox(duckdb.connect(db), ["hook"])
    sink = WebhookSink("hook", url, b"shared-secret")
    # the process dies between the receiver's acknowledgement and the commit of 'delivered'
    Delivery(outbox, [sink], lambda: now, after_send=lambda sent: os._exit(9)).drain_once()
    """
)


def test_crash_between_send_and_commit_still_delivers_once(receiver: HttpReceiver, tmp_path: Path) -> None:
    db = tmp_path / "crash.duckdb"
    con = duckdb.connect(str(db))
    outbox = Outbox(con, ["hook"])
    alerts = make_alerts(3)
    outbox.enqueue(alerts, T0)
    con.close()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run(
        [sys.executable, "-c", CRASHING_SENDER, str(db), receiver.url, str(T0)], env=env, timeout=60, check=False
    )
    assert done.returncode == 9
    assert receiver.ledger.messages == 1  # the first alert reached the receiver; nothing was committed

    con = duckdb.connect(str(db))
    outbox = Outbox(con, ["hook"])
    assert outbox.counts() == {"sending": 3}  # the pass claimed all three before dying
    clock = FakeClock(T0 + 5)
    delivery = Delivery(outbox, [WebhookSink("hook", receiver.url, SECRET)], clock, settings=FAST_RETRY)
    delivery.drain_once()
    assert outbox.counts() == {"sending": 3}  # the lease still holds the crashed pass's rows
    clock.advance(DeliverySettings().lease_seconds)  # the crashed process used the default lease
    delivery.drain_once()
    assert outbox.counts() == {"delivered": 3}
    assert receiver.ledger.messages == 4 and receiver.ledger.repeats == 1
    assert_exactly_once(receiver.ledger, [f"{a.alert_id}/1" for a in alerts])


def test_severity_rise_resends_and_acknowledged_is_not_sent(receiver: HttpReceiver) -> None:
    acknowledged: set[str] = set()
    outbox = Outbox(duckdb.connect(), ["hook"])
    clock = FakeClock()
    delivery = Delivery(outbox, [WebhookSink("hook", receiver.url, SECRET)], clock, is_closed=acknowledged.__contains__)
    first, second = make_alerts(2, severity="medium")
    outbox.enqueue([first, second], clock(), is_closed=acknowledged.__contains__)
    delivery.drain_once()
    # the event goes on (re-detected, extended): same severity, nothing new; then it becomes critical
    outbox.enqueue([first], clock(), is_closed=acknowledged.__contains__)
    delivery.drain_once()
    assert receiver.ledger.messages == 2
    acknowledged.add(second.event_id)  # the officer acknowledged the second one
    raised = [Alert(a.event_id, a.rule_id, "critical", a.created_at, a.payload) for a in (first, second)]
    outbox.enqueue(raised, clock(), is_closed=acknowledged.__contains__)
    delivery.drain_once()
    assert receiver.ledger.accepted == [f"{first.alert_id}/1", f"{second.alert_id}/1", f"{first.alert_id}/2"]
    assert receiver.ledger.docs[f"{first.alert_id}/2"]["severity"] == "critical"
