"""The DuckDB adapter of the partner brief: runs the brief's queries (``analytics/sql/brief_*.sql``
and ``risk_top.sql``) over a period that ends at the latest event (data time), clips the
shipped land layer to the area, and renders :mod:`maritime.analytics.brief_html`."""

from __future__ import annotations

import functools
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import shapely

from maritime.analytics.brief_html import BriefData, Ring, Section, render_brief
from maritime.analytics.hotspots_store import ensure_hotspot_schema, write_forecast
from maritime.analytics.outcomes_store import ensure_outcome_schema
from maritime.analytics.risk_store import sql, update_risk
from maritime.errors import MaritimeError

#: Vessels in the top-risk table and on the track map.
TOP_VESSELS = 10
#: Track points drawn per vessel at most (evenly thinned).
MAX_TRACK_POINTS = 400
#: Forecast cells drawn on the map at most (the highest).
MAX_MAP_CELLS = 400


class BriefError(MaritimeError):
    """Nothing to brief on."""


@functools.cache
def _land_polygons() -> Any:
    from maritime.reference.coast import default_land_path
    from maritime.reference.landfile import read_land

    polys = read_land(default_land_path()).polygons
    return polys, shapely.bounds(polys)


def land_rings(bbox: tuple[float, float, float, float], tolerance: float = 0.01) -> list[Ring]:
    """Rings (lon, lat) of the shipped land layer inside ``bbox``, simplified by ``tolerance`` degrees."""
    polys, b = _land_polygons()
    lon0, lat0, lon1, lat1 = bbox
    hit = (b[:, 0] <= lon1) & (b[:, 2] >= lon0) & (b[:, 1] <= lat1) & (b[:, 3] >= lat0)
    rings: list[Ring] = []
    for g in shapely.clip_by_rect(polys[hit], lon0, lat0, lon1, lat1):
        g = shapely.simplify(g, tolerance)
        for part in getattr(g, "geoms", [g]):
            if part.is_empty or part.geom_type != "Polygon":
                continue
            for r in [part.exterior, *part.interiors]:
                rings.append([(float(x), float(y)) for x, y in r.coords])
    return rings


def _zones(cur: duckdb.DuckDBPyConnection) -> list[tuple[str, list[Ring]]]:
    out = []
    for name, gj in cur.execute("SELECT name, geojson FROM zones ORDER BY name").fetchall():
        geom = shapely.geometry.shape(json.loads(gj))
        rings: list[Ring] = []
        for part in getattr(geom, "geoms", [geom]):
            rings.append([(float(x), float(y)) for x, y in part.exterior.coords])
        out.append((str(name), rings))
    return out


def _section(cur: duckdb.DuckDBPyConnection, title: str, name: str, params: dict[str, Any], note: str = "") -> Section:
    q = sql(name)
    res = cur.execute(q, params)
    cols = [d[0] for d in res.description or []]
    return Section(title, cols, [list(r) for r in res.fetchall()], q, params, note)


def _bbox(lat: np.ndarray, lon: np.ndarray) -> tuple[float, float, float, float]:
    if len(lat) == 0:
        return (-95.0, -20.0, -75.0, 10.0)
    lat0, lat1 = float(np.percentile(lat, 1)) - 1, float(np.percentile(lat, 99)) + 1
    lon0, lon1 = float(np.percentile(lon, 1)) - 1, float(np.percentile(lon, 99)) + 1
    return (max(lon0, -180.0), max(lat0, -85.0), min(lon1, 180.0), min(lat1, 85.0))


def gather(cur: duckdb.DuckDBPyConnection, since: timedelta) -> BriefData:
    """Run the brief's queries for the ``since`` before the latest event (data time)."""
    ensure_hotspot_schema(cur)
    ensure_outcome_schema(cur)
    row = cur.execute("SELECT max(start_time) FROM events").fetchone()
    if row is None or row[0] is None:
        raise BriefError("no events to brief on: run `maritime detect` first")
    end: datetime = row[0]
    start = end - since
    update_risk(cur)
    if cur.execute("SELECT count(*) FROM hotspot_forecast").fetchall()[0][0] == 0:
        write_forecast(cur, "7d")
    p = {"since": start}
    sections = [
        _section(cur, "Events of the period, by kind and zone", "brief_events", p),
        _section(
            cur,
            "Top-risk vessels",
            "risk_top",
            {"n": TOP_VESSELS},
            "Score 0-1 (see the README's vessel risk section); factors: each one's contribution.",
        ),
    ]
    top = sections[1]
    fi = top.columns.index("factors")
    for r in top.rows:
        fs = json.loads(r[fi]) if isinstance(r[fi], str) else r[fi]
        r[fi] = "; ".join(f"{f['factor']} {f['contribution']:.2f}" for f in fs[:4])
    hot = _section(cur, "Forecast hotspots (top cells)", "brief_hotspots", {})
    hot_cells = [(float(r[1]), float(r[2]), float(r[3]), float(r[-1])) for r in hot.rows[:MAX_MAP_CELLS]]
    hot.rows = hot.rows[:15]
    sections += [
        hot,
        _section(cur, "Outcomes of the period's alerts", "brief_outcomes", p),
        _section(cur, "Results by zone", "brief_results", p),
    ]
    points = [(str(k), float(a), float(b)) for k, a, b in cur.execute(sql("brief_event_points"), p).fetchall()]
    mmsis = [int(r[0]) for r in top.rows]
    labels = {int(r[0]): f"{r[0]} {r[1] or ''}".strip() for r in top.rows}
    tr = cur.execute(sql("brief_tracks"), {"since": start, "mmsis": mmsis}).df()
    tracks = []
    for m in mmsis:
        t = tr[tr.mmsi == m]
        step = max(1, len(t) // MAX_TRACK_POINTS)
        tracks.append((labels[m], list(zip(t.lat.to_numpy()[::step].tolist(), t.lon.to_numpy()[::step].tolist()))))
    lat = np.array([a for _, a, _ in points])
    lon = np.array([b for _, _, b in points])
    bbox = _bbox(lat, lon)
    return BriefData(
        title="Eastern Pacific maritime brief",
        period=f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M}",
        generated=f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `maritime brief`",
        bbox=bbox,
        land=land_rings(bbox),
        zones=_zones(cur),
        event_points=points,
        hotspot_cells=hot_cells,
        tracks=tracks,
        sections=sections,
    )


def write_brief(cur: duckdb.DuckDBPyConnection, since: timedelta, out: Path) -> float:
    """Write the brief to ``out`` (HTML); returns the seconds it took."""
    t0 = time.perf_counter()
    html = render_brief(gather(cur, since))
    out.write_text(html, encoding="utf-8")
    return time.perf_counter() - t0
