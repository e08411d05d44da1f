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
        row is pending again. An alert of an acknowledged or dismissed event is not queued. The
        batch is one transaction; an alert given twice in it counts once, at its highest severity."""
        batch = list(alerts)
        ranks = [severity_rank(a.severity) for a in batch]
        best: dict[str, int] = {}  # alert id -> index of its highest-severity occurrence
        for i, (alert, rank) in enumerate(zip(batch, ranks)):
            j = best.get(alert.alert_id)
            if j is None or rank > ranks[j]:
                best[alert.alert_id] = i
        stamp = utc(now)
        outcome = ["unchanged"] * len(batch)
        with self._lock:
            self.con.begin()
            try:
                stored = {
                    r[0]: (int(r[1]), int(r[2]))
                    for r in self.con.execute(sql("existing_alerts"), {"ids": list(best)}).fetchall()
                }
                new: list[int] = []
                queued: dict[str, int] = {}  # alert id -> revision to deliver
                for aid, i in best.items():
                    alert = batch[i]
                    if is_closed(alert.event_id):
                        outcome[i] = "closed"
                    elif aid not in stored:
                        new.append(i)
                        queued[aid] = 1
                        outcome[i] = "new"
                    elif ranks[i] > stored[aid][0]:
                        queued[aid] = stored[aid][1] + 1
                        outcome[i] = "raised"
                        self.con.execute(
                            sql("raise_alert"),
                            {"severity": alert.severity, "rank": ranks[i], "revision": queued[aid]}
                            | {"payload": payload_json(alert.payload), "now": stamp, "id": aid}
                            | {"rule_version": alert.rule_version},
                        )
                if new:
                    self.con.execute(
                        sql("insert_alerts"),
                        {
                            "ids": [batch[i].alert_id for i in new],
                            "event_ids": [batch[i].event_id for i in new],
                            "rule_ids": [batch[i].rule_id for i in new],
                            "severities": [batch[i].severity for i in new],
                            "ranks": [ranks[i] for i in new],
                            "payloads": [payload_json(batch[i].payload) for i in new],
                            "created": [_naive_utc(batch[i].created_at) for i in new],
                            "rule_versions": [batch[i].rule_version for i in new],
                            "now": stamp,
                        },
                    )
                if queued and self.sinks:
                    self.con.execute(
                        sql("queue_deliveries"),
                        {
                            "ids": list(queued),
                            "revisions": list(queued.values()),
                            "sinks": list(self.sinks),
                            "now": stamp,
                        },
                    )
                self.con.commit()
            except BaseException:
                self.con.rollback()
                raise
        return [Enqueued(a.alert_id, o) for a, o in zip(batch, outcome)]

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

    def _finish(self, name: str, sink: str, sent: Sequence[Outgoing], params: dict[str, Any]) -> None:
        """Run the set-based update ``sql/<name>.sql`` on the claimed rows of ``sent``."""
        if not sent:
            return
        ids = {"ids": [a.alert_id for a in sent], "revisions": [a.revision for a in sent], "sink": sink}
        with self._lock:
            self.con.execute(sql(name), ids | params)

    def mark_delivered(self, sink: str, sent: Sequence[Outgoing], now: float, digest_id: str | None = None) -> None:
        """The sink acknowledged these alerts (at their revision): commit ``delivered``."""
        self._finish("mark_delivered", sink, sent, {"now": utc(now), "digest_id": digest_id})

    def mark_suppressed(self, sink: str, alerts: Sequence[Outgoing]) -> None:
        """Not to be sent (acknowledged or dismissed since it was queued)."""
        self._finish("mark_suppressed", sink, alerts, {})

    def release(self, sink: str, alerts: Sequence[Outgoing], next_attempt: float) -> None:
        """Give claimed rows back unsent (rate limit), due again at ``next_attempt``; no attempt counted."""
        self._finish("release", sink, alerts, {"next_attempt": utc(next_attempt)})

    def mark_failed(self, sink: str, alert: Outgoing, error: str, next_attempt: float | None) -> None:
        """One failed attempt: pending again at ``next_attempt``, or ``failed`` for good when None."""
        params: dict[str, Any] = {"state": "failed" if next_attempt is None else "pending", "error": error[:500]}
        params |= {"id": alert.alert_id, "revision": alert.revision, "sink": sink}
        with self._lock:
            self.con.execute(
                sql("mark_failed"), params | {"next_attempt": None if next_attempt is None else utc(next_attempt)}
            )

    def resend(self, alert_id: str, sink: str, now: float) -> bool:
        """Queue a delivered, failed or suppressed alert again for one sink (an operator's resend).
        Returns whether the row exists. The receiver sees the same delivery id again."""
        with self._lock:
            row = self.con.execute(sql("resend"), {"now": utc(now), "id": alert_id, "sink": sink}).fetchone()
        return row is not None

    def states(self) -> list[tuple[Any, ...]]:
        """Every (alert, sink) row with its delivery state (see ``sql/delivery_state.sql``)."""
        with self._lock:
            return self.con.execute(sql("delivery_state")).fetchall()

    def counts(self, sink: str | None = None) -> dict[str, int]:
        """How many delivery rows are in each state (of one sink, or all)."""
        with self._lock:
            rows = self.con.execute(sql("count_states"), {"sink": sink}).fetchall()
        return {str(s): int(n) for s, n in rows}
