"""The durable alert outbox in DuckDB: enqueue, claim with a lease, mark delivered or failed.

Exactly once, durably: each state change is one committed transaction. ``delivered`` is
written only after the sink acknowledged, so a crash between send and commit leaves the row
``sending``; once its lease runs out it is claimed and sent again, and the receiver drops the
repeat by its ``(alert_id, revision)``. Completions carry the revision they sent, so a late
completion of an older revision never marks a re-sent (higher severity) one delivered.

Times: ``now`` arguments are wall-clock UTC seconds since the epoch (the delivery clock, passed
in so tests are deterministic); an alert's ``created_at`` is its event's data time.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import duckdb

from maritime.alerts.model import Alert, Outgoing, payload_json, severity_rank

#: Whether an event was acknowledged or dismissed (then its alerts are not sent).
IsClosed = Callable[[str], bool]


def sql(name: str) -> str:
    """The text of ``maritime/alerts/sql/<name>.sql``."""
    return resources.files("maritime.alerts").joinpath("sql", f"{name}.sql").read_text()


def utc(now: float) -> datetime:
    """Epoch seconds as a naive UTC timestamp, the form the outbox stores."""
    return datetime.fromtimestamp(now, UTC).replace(tzinfo=None)


def _naive_utc(t: datetime) -> datetime:
    return t if t.tzinfo is None else t.astimezone(UTC).replace(tzinfo=None)


def never_closed(event_id: str) -> bool:
    """The default: no event is acknowledged or dismissed."""
    return False


@dataclass(frozen=True, slots=True)
class Enqueued:
    """What :meth:`Outbox.enqueue` did with one alert: ``new``, ``raised`` (severity rose,
    re-sent), ``unchanged`` or ``closed`` (acknowledged or dismissed: not queued)."""

    alert_id: str
    outcome: str


class Outbox:
    """The outbox tables on one DuckDB connection. Methods are serialised by a lock, so the
    detector thread may enqueue while the delivery thread claims."""

    def __init__(self, con: duckdb.DuckDBPyConnection, sinks: Sequence[str]) -> None:
        self.con = con
        self.sinks = tuple(sinks)
        self._lock = threading.Lock()
        with self._lock:
            con.execute(sql("schema"))

    def enqueue(self, alerts: Iterable[Alert], now: float, is_closed: IsClosed = never_closed) -> list[Enqueued]:
        """Queue each alert for every sink. Re-enqueueing an alert is a no-op unless its severity
        rose: then its payload and severity are replaced, its revision goes up and every sink's
        row is pending again. An alert of an acknowledged or dismissed event is not queued."""
        stamp = utc(now)
        done: list[Enqueued] = []
        with self._lock:
            self.con.begin()
            try:
                for alert in alerts:
                    done.append(self._enqueue_one(alert, stamp, is_closed))
                self.con.commit()
            except BaseException:
                self.con.rollback()
                raise
        return done

    def _enqueue_one(self, alert: Alert, stamp: datetime, is_closed: IsClosed) -> Enqueued:
        aid = alert.alert_id
        rank = severity_rank(alert.severity)
        if is_closed(alert.event_id):
            return Enqueued(aid, "closed")
        row = self.con.execute("SELECT severity_rank, revision FROM alert_outbox WHERE alert_id = ?", [aid]).fetchone()
        if row is not None and rank <= int(row[0]):
            return Enqueued(aid, "unchanged")
        body = payload_json(alert.payload)
        if row is None:
            revision = 1
            self.con.execute(
                "INSERT INTO alert_outbox VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?)",
                [aid, alert.event_id, alert.rule_id, alert.severity, rank, body, _naive_utc(alert.created_at)]
                + [stamp, stamp],
            )
        else:
            revision = int(row[1]) + 1
            self.con.execute(
                "UPDATE alert_outbox SET severity = ?, severity_rank = ?, revision = ?, payload = ?, updated_at = ? "
                "WHERE alert_id = ?",
                [alert.severity, rank, revision, body, stamp, aid],
            )
        for sink in self.sinks:
            self.con.execute(
                "INSERT INTO alert_deliveries VALUES (?, ?, ?, 'pending', 0, ?, NULL, NULL, NULL, NULL) "
                "ON CONFLICT (alert_id, sink) DO UPDATE SET revision = excluded.revision, state = 'pending', "
                "attempts = 0, next_attempt_at = excluded.next_attempt_at, lease_until = NULL, last_error = NULL, "
                "delivered_at = NULL, digest_id = NULL",
                [aid, sink, revision, stamp],
            )
        return Enqueued(aid, "new" if row is None else "raised")

    def claim(self, sink: str, now: float, lease_seconds: float, limit: int) -> list[Outgoing]:
        """Mark up to ``limit`` due rows of ``sink`` ``sending`` until ``now + lease_seconds`` and
        return their alerts, oldest event first."""
        lease_until = utc(now + lease_seconds)
        params: dict[str, Any] = {"sink": sink, "now": utc(now), "lease_until": lease_until, "limit": limit}
        with self._lock:
            self.con.begin()
            try:
                claimed = self.con.execute(sql("claim"), params).fetchall()
                rows = (
                    self.con.execute(sql("claimed_alerts"), {"sink": sink, "lease_until": lease_until}).fetchall()
                    if claimed
                    else []
                )
                self.con.commit()
            except BaseException:
                self.con.rollback()
                raise
        return [
            Outgoing(
                alert_id=r[0],
                event_id=r[1],
                rule_id=r[2],
                severity=r[3],
                revision=int(r[4]),
                payload=json.loads(r[5]),
                created_at=r[6],
                attempts=int(r[7]),
            )
            for r in rows
        ]

    def _finish(self, statement: str, sink: str, sent: Sequence[Outgoing], extra: Sequence[object]) -> None:
        with self._lock:
            self.con.begin()
            try:
                for alert in sent:
                    self.con.execute(
                        statement + " WHERE alert_id = ? AND sink = ? AND revision = ? AND state = 'sending'",
                        [*extra, alert.alert_id, sink, alert.revision],
                    )
                self.con.commit()
            except BaseException:
                self.con.rollback()
                raise

    def mark_delivered(self, sink: str, sent: Sequence[Outgoing], now: float, digest_id: str | None = None) -> None:
        """The sink acknowledged these alerts (at their revision): commit ``delivered``."""
        self._finish(
            "UPDATE alert_deliveries SET state = 'delivered', delivered_at = ?, lease_until = NULL, digest_id = ?",
            sink,
            sent,
            [utc(now), digest_id],
        )

    def mark_suppressed(self, sink: str, alerts: Sequence[Outgoing]) -> None:
        """Not to be sent (acknowledged or dismissed since it was queued)."""
        self._finish("UPDATE alert_deliveries SET state = 'suppressed', lease_until = NULL", sink, alerts, [])

    def release(self, sink: str, alerts: Sequence[Outgoing], next_attempt: float) -> None:
        """Give claimed rows back unsent (rate limit), due again at ``next_attempt``; no attempt counted."""
        self._finish(
            "UPDATE alert_deliveries SET state = 'pending', lease_until = NULL, next_attempt_at = ?",
            sink,
            alerts,
            [utc(next_attempt)],
        )

    def mark_failed(self, sink: str, alert: Outgoing, error: str, next_attempt: float | None) -> None:
        """One failed attempt: pending again at ``next_attempt``, or ``failed`` for good when None."""
        state = "failed" if next_attempt is None else "pending"
        due = utc(next_attempt) if next_attempt is not None else None
        self._finish(
            "UPDATE alert_deliveries SET state = ?, attempts = attempts + 1, last_error = ?, lease_until = NULL, "
            "next_attempt_at = coalesce(?, next_attempt_at)",
            sink,
            [alert],
            [state, error[:500], due],
        )

    def resend(self, alert_id: str, sink: str, now: float) -> bool:
        """Queue a delivered, failed or suppressed alert again for one sink (an operator's resend).
        Returns whether the row exists. The receiver sees the same delivery id again."""
        with self._lock:
            row = self.con.execute(
                "UPDATE alert_deliveries SET state = 'pending', attempts = 0, next_attempt_at = ?, lease_until = NULL "
                "WHERE alert_id = ? AND sink = ? RETURNING alert_id",
                [utc(now), alert_id, sink],
            ).fetchone()
        return row is not None

    def states(self) -> list[tuple[Any, ...]]:
        """Every (alert, sink) row with its delivery state (see ``sql/delivery_state.sql``)."""
        with self._lock:
            return self.con.execute(sql("delivery_state")).fetchall()

    def counts(self, sink: str | None = None) -> dict[str, int]:
        """How many delivery rows are in each state (of one sink, or all)."""
        with self._lock:
            rows = self.con.execute(
                "SELECT state, count(*) FROM alert_deliveries WHERE ? IS NULL OR sink = ? GROUP BY state",
                [sink, sink],
            ).fetchall()
        return {str(s): int(n) for s, n in rows}
