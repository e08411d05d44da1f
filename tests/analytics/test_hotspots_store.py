"""Hotspots in DuckDB: the activity view, stored forecasts and backtests."""

from __future__ import annotations

import pytest

from maritime.analytics.hotspots_store import HotspotError, run_backtest, write_forecast


def test_activity_view_counts_every_located_event(months_copy) -> None:
    store, _ = months_copy
    con = store.con
    write_forecast(con, "24h")  # creates the view
    total = con.execute("SELECT count(*) FROM events WHERE lat IS NOT NULL").fetchall()[0][0]
    assert con.execute("SELECT sum(events) FROM hotspot_activity").fetchall()[0][0] == total
    by_dow = dict(con.execute("SELECT day_of_week, sum(events) FROM hotspot_activity GROUP BY 1").fetchall())
    assert set(by_dow) == set(range(1, 8))
    kinds = {r[0] for r in con.execute("SELECT DISTINCT kind FROM hotspot_activity").fetchall()}
    assert {"fishing", "zone_entry", "rendezvous"} <= kinds  # every kind, read generically


def test_forecast_is_stored_per_slice(months_copy) -> None:
    store, truth = months_copy
    con = store.con
    run = write_forecast(con, "7d")
    assert run.issued >= truth.end - 86_400 and run.issued % 86_400 == 0
    rows = con.execute(
        "SELECT valid_from, count(*), sum(share), max(area_rank) FROM hotspot_forecast "
        "WHERE horizon = '7d' GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert len(rows) == 7
    assert all(n > 100 and 0.3 < s <= 1.0 + 1e-9 and r <= 0.1001 for _, n, s, r in rows)
    kind_run = write_forecast(con, "24h", kind="fishing")
    assert kind_run.slices[0].cells.size > 0


def test_backtest_is_stored_and_needs_enough_weeks(months_copy) -> None:
    store, _ = months_copy
    con = store.con
    scores = run_backtest(con, "7d")
    assert len(scores) == 9
    n = con.execute("SELECT count(*), min(weeks_tested) FROM hotspot_backtest WHERE horizon = '7d'").fetchall()[0]
    assert n == (9, 5)
    con.execute("DELETE FROM events WHERE start_time > (SELECT min(start_time) FROM events) + INTERVAL 20 DAY")
    with pytest.raises(HotspotError, match="full weeks"):
        run_backtest(con, "24h")
