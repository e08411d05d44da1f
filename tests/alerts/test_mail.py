"""E-mail sink against aiosmtpd on 127.0.0.1 with STARTTLS required and AUTH."""

from __future__ import annotations

import ssl
from pathlib import Path

import duckdb
import pytest

from maritime.alerts.delivery import Delivery, SinkPolicy
from maritime.alerts.mail import MailSink, digest_message
from maritime.alerts.outbox import Outbox
from tests.alerts.conftest import T0, FakeClock, assert_exactly_once, make_alerts, replay_with_restarts
from tests.alerts.receivers import SmtpReceiver, free_port


@pytest.fixture
def smtp(certificate: tuple[Path, Path]) -> SmtpReceiver:
    r = SmtpReceiver(*certificate, port=free_port())
    r.start()
    yield r
    if r.controller is not None:
        r.stop()


def _sink(smtp: SmtpReceiver, cert: Path, password: str = SmtpReceiver.PASSWORD) -> MailSink:
    return MailSink(
        name="mail",
        host="127.0.0.1",
        port=smtp.port,
        sender="maritime@example.org",
        recipients=("watch@example.org",),
        username=SmtpReceiver.USER,
        password=password,
        ssl_context=ssl.create_default_context(cafile=str(cert)),
        timeout_seconds=10,
    )


def test_receiver_killed_and_restarted_gets_every_alert_once(
    smtp: SmtpReceiver, certificate: tuple[Path, Path], tmp_path: Path
) -> None:
    expected = replay_with_restarts(smtp, _sink(smtp, certificate[0]), tmp_path / "m.duckdb", n=200)
    assert_exactly_once(smtp.ledger, expected)
    assert smtp.ledger.repeats == 0


def test_bad_password_fails_for_good(smtp: SmtpReceiver, certificate: tuple[Path, Path]) -> None:
    outbox = Outbox(duckdb.connect(), ["mail"])
    outbox.enqueue(make_alerts(1), T0)
    Delivery(outbox, [_sink(smtp, certificate[0], password="wrong")], FakeClock()).drain_once()
    assert outbox.counts() == {"failed": 1} and smtp.ledger.accepted == []


def test_flood_after_an_outage_sends_one_digest_email(smtp: SmtpReceiver, certificate: tuple[Path, Path]) -> None:
    outbox = Outbox(duckdb.connect(), ["mail"])
    clock = FakeClock()
    policy = {"mail": SinkPolicy(digest_threshold=10, digest_window_seconds=600)}
    delivery = Delivery(outbox, [_sink(smtp, certificate[0])], clock, policy)
    outbox.enqueue(make_alerts(3), clock())
    delivery.drain_once()
    assert smtp.ledger.messages == 3
    smtp.stop()  # the receiver goes down while 50 vessels raise alerts
    outbox.enqueue(make_alerts(50, start=3), clock())
    delivery.drain_once()
    smtp.start()
    clock.advance(700)
    delivery.drain_once()
    assert smtp.ledger.messages == 4  # 3 single e-mails, then one digest of 50
    assert len(smtp.ledger.digests) == 1 and len(smtp.ledger.digests[0]) == 50
    assert_exactly_once(smtp.ledger, [f"{a.alert_id}/1" for a in make_alerts(53)])
    assert outbox.counts() == {"delivered": 53}


def test_digest_message_lists_every_alert() -> None:
    outbox = Outbox(duckdb.connect(), ["mail"])
    outbox.enqueue(make_alerts(4), T0)
    alerts = outbox.claim("mail", T0, 30, 10)
    msg = digest_message("dg-1", alerts, "a@example.org", ["b@example.org"])
    assert msg["X-Maritime-Alert-Ids"].split() == [a.delivery_id for a in alerts]
    body = msg.get_content()
    assert all(f"VESSEL {i}" in body for i in range(4))
