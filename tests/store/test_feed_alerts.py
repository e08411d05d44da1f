"""Feed-silence alerts in the store: one open alert per feed, closed when lines flow again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from maritime.store.database import Store
from maritime.store.feed_alerts import raise_feed_alert, resolve_feed_alert

T = datetime(2026, 1, 1, tzinfo=UTC)


def test_one_open_alert_per_feed_until_resolved(tmp_path):
    store = Store(tmp_path / "f.duckdb")
    try:
        cur = store.cursor()
        raise_feed_alert(cur, "tcp://10.0.0.5:5631", T - timedelta(minutes=5), "timed out", T)
        raise_feed_alert(cur, "tcp://10.0.0.5:5631", T - timedelta(minutes=4), None, T)  # already open
        raise_feed_alert(cur, "udp://0.0.0.0:10110", T, "x'); DROP TABLE feed_alerts; --", T)
        rows = cur.execute("SELECT feed, last_error, resolved_at FROM feed_alerts ORDER BY feed").fetchall()
        assert rows == [
            ("tcp://10.0.0.5:5631", "timed out", None),
            ("udp://0.0.0.0:10110", "x'); DROP TABLE feed_alerts; --", None),
        ]
        resolve_feed_alert(cur, "tcp://10.0.0.5:5631", T + timedelta(minutes=1))
        raise_feed_alert(cur, "tcp://10.0.0.5:5631", T + timedelta(minutes=9), None, T + timedelta(minutes=10))
        feeds = cur.execute("SELECT feed, resolved_at IS NULL FROM feed_alerts ORDER BY raised_at, feed").fetchall()
        assert feeds == [("tcp://10.0.0.5:5631", False), ("udp://0.0.0.0:10110", True), ("tcp://10.0.0.5:5631", True)]
    finally:
        store.close()
