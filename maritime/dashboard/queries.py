"""Every database access of the dashboard.

The SQL lives in ``maritime/dashboard/sql/<name>.sql``. Anything typed into the page reaches SQL only
as a bound parameter (``$name``); no SQL text is ever built from user input. Times go in as
timezone-aware :class:`datetime` and come out as epoch seconds (``epoch(ts)``), so that no
session time zone can shift them. All times are data time unless a name says ``wall``.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

import duckdb

from maritime.errors import MaritimeError

#: A DuckDB cursor (one per thread; see :class:`CursorPool`).
Cursor = duckdb.DuckDBPyConnection
#: Statuses of an alert in the workflow.
STATUSES = ("new", "acknowledged", "assigned", "dismissed")
#: Alert kinds: detection's and the server's own.
KINDS = (
    "loitering",
    "dark_period",
    "rendezvous",
    "identity_conflict",
    "feed_silent",
    "dark_vessel",
    "dark_rendezvous",
    "ais_unconfirmed",
    "zone_entry",
    "speed_range",
    "position_anomaly",
    "identity_change",
    "fishing",
)
#: Actions an officer can take, and the status each one gives.
ACTIONS = {"acknowledge": "acknowledged", "assign": "assigned", "dismiss": "dismissed", "reopen": "new"}
#: Reports with a time further ahead of the wall clock than this are ignored for "now".
FUTURE_SLACK = timedelta(minutes=10)


@cache
def sql(name: str) -> str:
    """The text of ``maritime/dashboard/sql/<name>.sql``."""
    return resources.files("maritime.dashboard").joinpath("sql", f"{name}.sql").read_text()


def _bind(text: str, params: dict[str, Any]) -> dict[str, Any]:
    """Only the parameters the statement uses (DuckDB refuses unused ones)."""
    return {k: v for k, v in params.items() if f"${k}" in text}


def run(cur: duckdb.DuckDBPyConnection, query_name: str, /, **params: Any) -> list[dict[str, Any]]:
    """Run ``sql/<query_name>.sql`` with bound parameters; rows as dicts."""
    text = sql(query_name)
    result = cur.execute(text, _bind(text, params))
    if result.description is None:
        return []
    cols = [d[0] for d in result.description]
    return [dict(zip(cols, row)) for row in result.fetchall()]


def ts(epoch_s: float | None) -> datetime | None:
    """Epoch seconds → aware UTC datetime."""
    return None if epoch_s is None else datetime.fromtimestamp(epoch_s, UTC)


# -- cursors -------------------------------------------------------------------------------


class PoolClosed(MaritimeError):
    """The server is stopping: no more database work for requests."""


class CursorPool:
    """Cursors of the one DuckDB connection, lent to request threads one at a time.

    ``factory`` makes a new cursor (``Store.cursor``). A cursor is used by one thread at a
    time; at most ``size`` are kept idle for reuse. :meth:`close` interrupts the queries of
    the cursors lent out and waits for them, so that the connection can be closed safely.
    """

    def __init__(self, factory: Callable[[], duckdb.DuckDBPyConnection], size: int = 8) -> None:
        self.factory = factory
        self.idle: queue.LifoQueue[duckdb.DuckDBPyConnection] = queue.LifoQueue(maxsize=size)
        self.lock = threading.Lock()
        self.lent: set[duckdb.DuckDBPyConnection] = set()
        self.closed = False

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.lock:
            if self.closed:
                raise PoolClosed("the server is stopping")
            try:
                cur = self.idle.get_nowait()
            except queue.Empty:
                cur = self.factory()
            self.lent.add(cur)
        try:
            yield cur
        except duckdb.Error:
            try:
                cur.execute("ROLLBACK")
            except duckdb.Error:
                pass
            raise
        finally:
            with self.lock:
                self.lent.discard(cur)
                keep = not self.closed
            try:
                if not keep:
                    raise queue.Full
                self.idle.put_nowait(cur)
            except queue.Full:
                cur.close()

    def close(self, deadline: float) -> bool:
        """Lend no more cursors, interrupt the queries of those lent out, wait for them until
        ``deadline`` (``time.monotonic()``) and close the idle ones; ``True`` when none is left
        in use."""
        with self.lock:
            self.closed = True
        while True:
            with self.lock:
                lent = list(self.lent)
            if not lent or time.monotonic() >= deadline:
                break
            for cur in lent:
                try:
                    cur.interrupt()
                except duckdb.Error:
                    pass
            time.sleep(0.02)
        while True:
            try:
                self.idle.get_nowait().close()
            except queue.Empty:
                break
        return not lent


# -- time ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Clock:
    """The database's data-time span (epoch seconds; ``None`` when it holds no report)."""

    first_s: float | None
    last_s: float | None
    vessels: int


def data_clock(cur: duckdb.DuckDBPyConnection, wall_now: datetime | None = None) -> Clock:
    """First and latest report time of the database, ignoring reports from the future."""
    limit = (wall_now or datetime.now(UTC)) + FUTURE_SLACK
    row = run(cur, "data_clock", limit=limit)[0]
    return Clock(row["first_s"], row["last_s"], int(row["vessels"] or 0))


@dataclass(frozen=True, slots=True)
class Window:
    """A data-time window ``[start, end]``; ``live`` when ``end`` is the latest data time."""

    start: datetime
    end: datetime
    live: bool

    @property
    def start_s(self) -> float:
        return self.start.timestamp()

    @property
    def end_s(self) -> float:
        return self.end.timestamp()


def db_version(cur: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    """A fingerprint that changes whenever vessels, events, actions or feed alerts do."""
    return tuple(run(cur, "db_version")[0].values())


def vessel_last_seen(cur: duckdb.DuckDBPyConnection, mmsi: int) -> float | None:
    rows = run(cur, "vessel_last_seen", mmsi=int(mmsi))
    return rows[0]["last_s"] if rows else None


# -- vessels -------------------------------------------------------------------------------


def latest_positions(cur: duckdb.DuckDBPyConnection, window: Window) -> list[dict[str, Any]]:
    """Each vessel heard in the window at its latest position in it."""
    name = "vessels_latest" if window.live else "vessels_asof"
    return run(cur, name, start=window.start, end=window.end)


def track(cur: duckdb.DuckDBPyConnection, mmsi: int, window: Window) -> list[dict[str, Any]]:
    return run(cur, "track", mmsi=int(mmsi), start=window.start, end=window.end)


def vessel(cur: duckdb.DuckDBPyConnection, mmsi: int) -> dict[str, Any] | None:
    rows = run(cur, "vessel", mmsi=int(mmsi))
    return rows[0] if rows else None


def position_asof(cur: duckdb.DuckDBPyConnection, mmsi: int, end: datetime) -> dict[str, Any] | None:
    rows = run(cur, "vessel_position_asof", mmsi=int(mmsi), end=end)
    return rows[0] if rows else None


def identity_changes(cur: duckdb.DuckDBPyConnection, mmsi: int, end: datetime) -> list[dict[str, Any]]:
    return run(cur, "identity_history", mmsi=int(mmsi), end=end)


# -- alerts --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AlertFilter:
    """What the officer filters the alert list by (empty tuple = all)."""

    kinds: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    min_conf: float = 0.0
    mmsi: int | None = None
    limit: int = 2000


def alerts(
    cur: duckdb.DuckDBPyConnection,
    start: datetime | None,
    end: datetime | None,
    flt: AlertFilter = AlertFilter(),
    wall_now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Alerts overlapping ``[start, end]`` with their status (see ``sql/alerts.sql``).

    Feed-silence alerts are included while open and for a day of wall time after.
    """
    wall = wall_now or datetime.now(UTC)
    return run(
        cur,
        "alerts",
        start=start,
        end=end,
        kinds=list(flt.kinds),
        zones=list(flt.zones),
        statuses=list(flt.statuses),
        min_conf=float(flt.min_conf),
        mmsi=None if flt.mmsi is None else int(flt.mmsi),
        feed_since=wall - timedelta(days=1),
        limit=int(flt.limit),
    )


def alert(cur: duckdb.DuckDBPyConnection, event_id: str) -> dict[str, Any] | None:
    """One alert with its status, whatever its time."""
    if event_id.startswith("feed:"):
        candidates = alerts(
            cur,
            None,
            None,
            AlertFilter(kinds=("feed_silent",), limit=100_000),
            wall_now=datetime(1970, 1, 2, tzinfo=UTC),
        )
    else:
        row = cur.execute("SELECT mmsi FROM events WHERE event_id = ?", [event_id]).fetchone()
        if row is None:
            return None
        candidates = alerts(cur, None, None, AlertFilter(mmsi=int(row[0]), limit=100_000))
    return next((r for r in candidates if r["event_id"] == event_id), None)


class ActionError(MaritimeError, ValueError):
    """An action the officer cannot take as asked; the message says why."""


def record_action(
    cur: duckdb.DuckDBPyConnection,
    event_id: str,
    action: str,
    actor: str,
    unit: str | None = None,
    reason: str | None = None,
    wall_now: datetime | None = None,
) -> int:
    """Store an officer's action on an alert; returns its ``action_id``."""
    if action not in ACTIONS:
        raise ActionError(f"unknown action {action!r}")
    actor = (actor or "").strip()
    if not actor:
        raise ActionError("enter your name as operator before acting on an alert")
    unit = (unit or "").strip() or None
    reason = (reason or "").strip() or None
    if action == "assign" and not unit:
        raise ActionError("name the patrol unit to assign")
    if action == "dismiss" and not reason:
        raise ActionError("give the reason for dismissing this alert as a false alarm")
    if len(actor) > 100 or len(unit or "") > 100 or len(reason or "") > 1000:
        raise ActionError("operator, unit or reason is too long")
    if not run(cur, "alert_exists", event_id=event_id)[0]["present"]:
        raise ActionError(f"alert {event_id} no longer exists")
    wall = wall_now or datetime.now(UTC)
    if unit:
        run(cur, "add_unit", name=unit, added_at=wall)
    row = run(
        cur, "insert_action", event_id=event_id, action=action, actor=actor, acted_at=wall, unit=unit, reason=reason
    )
    return int(row[0]["action_id"])


def action_log(cur: duckdb.DuckDBPyConnection, alert_row: Mapping[str, Any]) -> list[dict[str, Any]]:
    return run(
        cur,
        "action_log",
        event_id=alert_row["event_id"],
        kind=alert_row["kind"],
        mmsi=alert_row["mmsi"],
        other_mmsi=alert_row["other_mmsi"],
        start=ts(alert_row["start_s"]),
    )


def units(cur: duckdb.DuckDBPyConnection) -> list[str]:
    return [r["name"] for r in run(cur, "units")]


# -- health and reference ------------------------------------------------------------------


def stations(cur: duckdb.DuckDBPyConnection, since: datetime, end: datetime) -> list[dict[str, Any]]:
    return run(cur, "stations", since=since, end=end)


def rejects(cur: duckdb.DuckDBPyConnection, runs: int = 50) -> list[dict[str, Any]]:
    return run(cur, "rejects", runs=int(runs))


def zones_in_db(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return run(cur, "zones")
