"""Feed-silence alerts: the live process opens one when a feed goes silent and closes it when
lines flow again (``maritime/store/sql/raise_feed_alert.sql``, ``resolve_feed_alert.sql``).

The times are wall-clock UTC: a feed's silence is a fact about the receiver, not about the
data, so it is the one place where the wall clock is the right clock. Every value reaches SQL
as a bound parameter.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from maritime.store.database import sql


def raise_feed_alert(
    cur: duckdb.DuckDBPyConnection,
    feed: str,
    silent_since: datetime,
    last_error: str | None,
    raised_at: datetime,
) -> None:
    """Open a feed-silence alert for ``feed`` (silent since ``silent_since``, UTC), unless one
    is already open for it."""
    cur.execute(
        sql("raise_feed_alert"),
        {"feed": feed, "silent_since": silent_since, "raised_at": raised_at, "last_error": last_error},
    )


def resolve_feed_alert(cur: duckdb.DuckDBPyConnection, feed: str, resolved_at: datetime) -> None:
    """Close the open feed-silence alert of ``feed`` (lines flow again), if there is one."""
    cur.execute(sql("resolve_feed_alert"), {"feed": feed, "resolved_at": resolved_at})
