"""The outbox: stable ids, no-op re-enqueue, severity rises, acknowledged events, leases, restarts."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from maritime.alerts.model import Alert, AlertError, alert_id_for
from maritime.alerts.outbox import Outbox
from tests.alerts.conftest import T0, make_alerts


def test_alert_id_is_stable_per_event_and_rule() -> None:
    a = Alert("ev-1", "rule-a", "low", datetime(2024, 1, 1))
    extended = Alert("ev-1", "rule-a", "low", datetime(2024, 1, 2), {"end": "later"})
    assert a.alert_id == extended.alert_id == alert_id_for("ev-1", "rule-a")
    assert a.alert_id != alert_id_for("ev-1", "rule-b") != alert_id_for("ev-2", "rule-a")


def test_reenqueue_is_a_noop_unless_severity_rises() -> None:
    outbox = Outbox(duckdb.connect(), ["a", "b"])
    [alert] = make_alerts(1, severity="medium")
    assert [e.outcome for e in outbox.enqueue([alert], T0)] == ["new"]
    assert outbox.counts() == {"pending": 2}
    delivered = outbox.claim("a", T0, 30, 10)
    outbox.mark_delivered("a", delivered, T0 + 1)
    lower = Alert(alert.event_id, alert.rule_id, "low", alert.created_at)
    assert [e.outcome for e in outbox.enqueue([alert, lower], T0 + 2)] == ["unchanged", "unchanged"]
    assert outbox.counts() == {"pending": 1, "delivered": 1}
    higher = Alert(alert.event_id, alert.rule_id, "high", alert.created_at, {"why": "now inside the reserve"})
    assert [e.outcome for e in outbox.enqueue([higher], T0 + 3)] == ["raised"]
    assert outbox.counts() == {"pending": 2}
    [again] = outbox.claim("a", T0 + 3, 30, 10)
    assert (again.severity, again.revision, again.payload) == ("high", 2, {"why": "now inside the reserve"})
    assert again.delivery_id == f"{alert.alert_id}/2"


def test_late_completion_of_an_older_revision_does_not_mark_the_new_one() -> None:
    outbox = Outbox(duckdb.connect(), ["a"])
    [alert] = make_alerts(1)
    outbox.enqueue([alert], T0)
    [old] = outbox.claim("a", T0, 30, 10)
    outbox.enqueue([Alert(alert.event_id, alert.rule_id, "critical", alert.created_at)], T0 + 1)
    outbox.mark_delivered("a", [old], T0 + 2)  # the send of revision 1 finishes after the rise
    assert outbox.counts() == {"pending": 1}


def test_acknowledged_event_is_not_queued() -> None:
    outbox = Outbox(duckdb.connect(), ["a"])
    outcomes = outbox.enqueue(make_alerts(3), T0, is_closed=lambda event_id: event_id == "ev-1")
    assert [e.outcome for e in outcomes] == ["new", "closed", "new"]
    assert outbox.counts() == {"pending": 2}


def test_lease_expiry_makes_a_crashed_claim_claimable_again() -> None:
    outbox = Outbox(duckdb.connect(), ["a"])
    outbox.enqueue(make_alerts(2), T0)
    assert len(outbox.claim("a", T0, 30, 10)) == 2
    assert outbox.claim("a", T0 + 29, 30, 10) == []
    assert len(outbox.claim("a", T0 + 30, 30, 10)) == 2


def test_failed_attempt_waits_for_its_retry_time() -> None:
    outbox = Outbox(duckdb.connect(), ["a"])
    outbox.enqueue(make_alerts(1), T0)
    [alert] = outbox.claim("a", T0, 30, 10)
    outbox.mark_failed("a", alert, "connection refused", T0 + 8)
    assert outbox.claim("a", T0 + 7, 30, 10) == []
    [again] = outbox.claim("a", T0 + 8, 30, 10)
    assert again.attempts == 1
    outbox.mark_failed("a", again, "HTTP 400", None)
    assert outbox.counts() == {"failed": 1}
    assert outbox.resend(alert.alert_id, "a", T0 + 9)
    assert outbox.counts() == {"pending": 1}


def test_state_survives_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "o.duckdb")
    con = duckdb.connect(db)
    outbox = Outbox(con, ["a"])
    outbox.enqueue(make_alerts(5), T0)
    outbox.mark_delivered("a", outbox.claim("a", T0, 30, 2), T0)
    con.close()
    reopened = Outbox(duckdb.connect(db), ["a"])  # the schema is created idempotently
    assert reopened.counts() == {"delivered": 2, "pending": 3}
    assert [e.outcome for e in reopened.enqueue(make_alerts(5), T0 + 1)] == ["unchanged"] * 5


def test_unknown_severity_is_a_user_error() -> None:
    with pytest.raises(AlertError, match="unknown severity 'urgent'"):
        Outbox(duckdb.connect(), ["a"]).enqueue(make_alerts(1, severity="urgent"), T0)
