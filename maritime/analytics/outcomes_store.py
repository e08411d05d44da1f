"""The DuckDB adapter of patrol outcomes: appends to ``alert_outcomes`` and reads the Results
metrics (SQL in ``analytics/sql/schema_outcomes.sql``, ``outcome_*.sql``, ``results_*.sql``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import duckdb
import pandas as pd

from maritime.analytics.outcomes import OutcomeError, check_outcome, confirmation_rates, results_table
from maritime.analytics.risk_store import sql


def ensure_outcome_schema(cur: duckdb.DuckDBPyConnection) -> None:
    """Create ``alert_outcomes`` (idempotent)."""
    cur.execute(sql("schema_outcomes"))


def _has_table(cur: duckdb.DuckDBPyConnection, name: str) -> bool:
    q = "SELECT count(*) FROM information_schema.tables WHERE table_name = ? AND table_schema = 'main'"
    row = cur.execute(q, [name]).fetchone()
    return bool(row and row[0])


def record_outcome(
    cur: duckdb.DuckDBPyConnection,
    alert_or_event: str,
    result: str,
    unit: str,
    report: str = "",
    at: datetime | None = None,
    actor: str | None = None,
) -> int:
    """Append an outcome for an event (by ``events.event_id``) or an alert of the outbox (by
    ``alert_outbox.alert_id``); ``at`` defaults to now (UTC). Returns its ``outcome_id``."""
    ensure_outcome_schema(cur)
    result, unit, report = check_outcome(result, unit, report)
    alert_id = None
    row = cur.execute(sql("outcome_target"), {"id": alert_or_event}).fetchone()
    if row is None and _has_table(cur, "alert_outbox"):
        ev = cur.execute(sql("outcome_alert"), {"id": alert_or_event}).fetchone()
        if ev is not None:
            alert_id = alert_or_event
            row = cur.execute(sql("outcome_target"), {"id": ev[0]}).fetchone()
    if row is None:
        raise OutcomeError(f"no event or alert {alert_or_event!r}: see `maritime events` for event ids")
    now = datetime.now(UTC)
    out = cur.execute(
        "INSERT INTO alert_outcomes (event_id, alert_id, result, unit, outcome_at, report, actor, recorded_at, "
        "kind, mmsi, zone) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING outcome_id",
        [row[0], alert_id, result, unit, at or now, report, actor, now, row[1], row[2], row[3]],
    ).fetchone()
    assert out is not None
    return int(out[0])


def record_outcomes(cur: duckdb.DuckDBPyConnection, rows: Sequence[tuple[str, str, str, float, str]]) -> int:
    """Append many outcomes (event_id, result, unit, time UTC s, report) at once (the scenario's)."""
    ensure_outcome_schema(cur)
    now = datetime.now(UTC)
    df = pd.DataFrame(rows, columns=["event_id", "result", "unit", "t", "report"])
    df["outcome_at"] = pd.to_datetime(df.t, unit="s", utc=True)
    df["recorded_at"] = pd.Timestamp(now)
    cur.register("_outcomes", df)
    cur.execute(
        "INSERT INTO alert_outcomes (event_id, result, unit, outcome_at, report, recorded_at, kind, mmsi, zone) "
        "SELECT o.event_id, o.result, o.unit, o.outcome_at, o.report, o.recorded_at, e.kind, e.mmsi, e.zone "
        "FROM _outcomes o JOIN events e USING (event_id)"
    )
    cur.unregister("_outcomes")
    return len(df)


def results(cur: duckdb.DuckDBPyConnection, since: datetime | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Results metrics since ``since`` (event start, UTC): per zone, unit and week, and the
    confirmation rate by kind and by rule (see :mod:`maritime.analytics.outcomes`)."""
    ensure_outcome_schema(cur)
    alerts = cur.execute(sql("results_alerts"), {"since": since}).df()
    outcomes = cur.execute(sql("results_outcomes")).df()
    rules = cur.execute(sql("results_rules")).df() if _has_table(cur, "alert_outbox") else None
    return results_table(alerts, outcomes), confirmation_rates(alerts, outcomes, rules)
