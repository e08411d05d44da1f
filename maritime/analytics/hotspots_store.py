"""The DuckDB adapter of hotspots: reads event points, writes forecasts and backtests (SQL in
``analytics/sql/schema_hotspots.sql`` and ``hotspot_*.sql``)."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import numpy as np
import numpy.typing as npt
import pandas as pd

from maritime.analytics.hotspots import DAY, WEEK, Events, Grid, Score, Slice, backtest, forecast_slices
from maritime.analytics.risk_store import sql
from maritime.errors import MaritimeError

#: Horizons: name → days.
HORIZONS = {"24h": 1, "7d": 7}


class HotspotError(MaritimeError):
    """Too little data for a forecast or a backtest."""


def ensure_hotspot_schema(cur: duckdb.DuckDBPyConnection) -> None:
    """Create the hotspot tables and the activity view (idempotent)."""
    cur.execute(sql("schema_hotspots"))


@functools.cache
def sea_mask(grid: Grid) -> npt.NDArray[np.bool_]:
    """Cells whose centre is at sea (the bundled land layer), the area that counts."""
    from maritime.reference.coast import is_land

    lat, lon = grid.corners()
    return np.asarray(~is_land(lat + grid.res / 2, lon + grid.res / 2), dtype=bool)


def load_events(cur: duckdb.DuckDBPyConnection, kind: str | None = None, zone: str | None = None) -> Events:
    """Event points (UTC s, lat, lon) of a kind and zone, or all."""
    df = cur.execute(sql("hotspot_events"), {"kind": kind, "zone": zone}).df()
    return Events(df.t.to_numpy(np.float64), df.lat.to_numpy(np.float64), df.lon.to_numpy(np.float64))


@dataclass
class ForecastRun:
    """A stored forecast: issue time (UTC s), horizon, slices, seconds."""

    issued: float
    horizon: str
    slices: list[Slice]
    seconds: float

    def line(self) -> str:
        top = self.slices[0]
        captured = float(top.share.sum())
        issued = datetime.fromtimestamp(self.issued, UTC)
        return (
            f"hotspots: {self.horizon} forecast issued at {issued:%Y-%m-%d %H:%M} UTC, "
            f"{len(self.slices)} day slice(s); the top 10 % of the sea area holds {captured:.0%} of the first "
            f"day's predicted events ({self.seconds:.1f} s)"
        )


def write_forecast(
    cur: duckdb.DuckDBPyConnection, horizon: str = "24h", kind: str | None = None, grid: Grid | None = None
) -> ForecastRun:
    """Forecast from the stored events, issued at the next UTC midnight after the latest event
    (data time), and append it to ``hotspot_forecast``."""
    t0 = time.perf_counter()
    ensure_hotspot_schema(cur)
    grid = grid or Grid()
    ev = load_events(cur, kind)
    if len(ev.t) == 0:
        raise HotspotError("no events to forecast from: run `maritime detect` first")
    issue = (np.floor(float(ev.t.max()) / DAY) + 1) * DAY
    slices = forecast_slices(ev, grid, issue, HORIZONS[horizon], sea=sea_mask(grid))
    lat, lon = grid.corners()
    now = datetime.now(UTC)
    frames = [
        pd.DataFrame(
            {
                "valid_from": pd.Timestamp(sl.valid_from, unit="s", tz="UTC"),
                "valid_to": pd.Timestamp(sl.valid_to, unit="s", tz="UTC"),
                "cell_lat": np.round(lat[sl.cells], 6),
                "cell_lon": np.round(lon[sl.cells], 6),
                "expected": sl.expected,
                "share": sl.share,
                "area_rank": sl.area_rank,
            }
        )
        for sl in slices
    ]
    df = pd.concat(frames, ignore_index=True)
    cur.register("_hs_rows", df)
    cur.execute(
        "INSERT INTO hotspot_forecast SELECT ?, ?, 'forecast', ?, valid_from, valid_to, cell_lat, cell_lon, ?, "
        "expected, share, area_rank, ? FROM _hs_rows",
        [datetime.fromtimestamp(issue, UTC), horizon, kind, grid.res, now],
    )
    cur.unregister("_hs_rows")
    return ForecastRun(issue, horizon, slices, time.perf_counter() - t0)


def run_backtest(
    cur: duckdb.DuckDBPyConnection,
    horizon: str = "24h",
    kind: str | None = None,
    grid: Grid | None = None,
    min_train_weeks: int = 4,
) -> list[Score]:
    """Rolling weekly backtest over the stored events (weeks start on the Monday, 00:00 UTC, on
    or before the first event; the last, partial week is left out), stored in
    ``hotspot_backtest``."""
    ensure_hotspot_schema(cur)
    grid = grid or Grid()
    ev = load_events(cur, kind)
    if len(ev.t) == 0:
        raise HotspotError("no events to backtest: run `maritime detect` first")
    first_day = np.floor(float(ev.t.min()) / DAY) * DAY
    start = first_day - ((int(first_day // DAY) + 3) % 7) * DAY  # 1970-01-01 was a Thursday
    weeks = int((float(ev.t.max()) - start) // WEEK)
    if weeks <= min_train_weeks:
        raise HotspotError(
            f"a backtest needs more than {min_train_weeks} full weeks of events; the database holds {max(weeks, 0)}"
        )
    scores = backtest(ev, grid, start, weeks, horizon, min_train_weeks, sea=sea_mask(grid))
    now = datetime.now(UTC)
    cur.executemany(
        "INSERT INTO hotspot_backtest VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (now, s.horizon, s.model, s.share, weeks - min_train_weeks, s.forecasts, s.events, s.captured,
             s.hit_rate, s.pai)
            for s in scores
        ],
    )  # fmt: skip
    return scores
