"""Learned anchorages in DuckDB, the adapter of the pure :mod:`maritime.detect.anchorages`.

:func:`refresh_anchorages` brings the ``anchorage_visits`` sums up to the latest position
(adding only what the positions after the last refresh bring, in SQL:
``detect/sql/anchorage_visits.sql``), learns the anchorages from the visits that count
(numpy), and replaces ``anchorages`` and ``anchorage_cells`` when they changed, in one
transaction. Late data (positions stored at or before the last refresh's data time since) or
other cell thresholds recount the visits from all positions. :func:`stored_points` reads the
points the detectors treat as ports. Both engines use these (the Dask engine with ``--db``).
:func:`replan` widens an incremental run's window to the stored events that newly learned
points can change.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from maritime.detect.anchorages import (
    MIN_COS,
    Anchorage,
    Learned,
    StoredEvents,
    Visits,
    affected_since,
    cell_deg,
    learn_anchorages,
    point_changes,
    points_array,
    points_fingerprint,
)
from maritime.detect.config import AnchorageConfig, DetectConfig
from maritime.detect.planning import Plan, widen

#: (n, 2) lat, lon points (degrees).
Points = np.ndarray[Any, np.dtype[np.float64]]

#: A DuckDB connection or cursor.
Connection = duckdb.DuckDBPyConnection

READ_STATE = "SELECT epoch_us(data_to), positions_upto, params FROM anchorage_refresh LIMIT 1"
COUNT_UPTO = "SELECT count(*) FROM positions WHERE ts <= make_timestamptz(?::BIGINT)"
INSERT_STATE = (
    "INSERT INTO anchorage_refresh (data_to, positions_upto, params, refreshed_at, seconds) "
    "VALUES (make_timestamptz(?::BIGINT), ?, ?, ?, ?)"
)
READ_CELLS = "SELECT lat, lon FROM anchorage_cells"
#: Before any AIS (the start of a recount).
BEFORE_ALL = datetime(1900, 1, 1, tzinfo=UTC)


def _sql(name: str) -> str:
    """The text of ``maritime/detect/sql/<name>.sql``."""
    return resources.files("maritime.detect").joinpath("sql", f"{name}.sql").read_text()


@dataclass
class Refresh:
    """What :func:`refresh_anchorages` did and the points the detectors use."""

    points: np.ndarray[Any, np.dtype[np.float64]]  #: (n, 2) lat, lon of learned anchorage cells in use
    anchorages: int = 0  #: learned anchorages stored
    recounted: bool = False  #: the visits were counted again from all positions
    changed: bool = False  #: the stored anchorages changed
    seconds: float = 0.0

    def fingerprint(self) -> str:
        """A short hash of :attr:`points` ('' when none): part of the detection fingerprint."""
        return points_fingerprint(self.points)


def _params(cfg: AnchorageConfig) -> dict[str, Any]:
    """The thresholds the visits are counted with (``count``: other ones recount them) and
    those the anchorages are learned with (``learn``: other ones learn again)."""
    return {
        "count": {"max_sog_kn": cfg.max_sog_kn, "cell_km": cfg.cell_km, "max_gap_hours": cfg.max_gap_hours},
        "learn": {
            "min_vessel_hours": cfg.min_vessel_hours,
            "min_vessels": cfg.min_vessels,
            "min_span_hours": cfg.min_span_hours,
            "merge_km": cfg.merge_km,
        },
    }


def ensure_schema(con: Connection) -> None:
    """Create the anchorage tables when missing (``store/sql/schema_anchorages.sql``)."""
    from maritime.store.database import sql as store_sql

    con.execute(store_sql("schema_anchorages"))


def refresh_anchorages(con: Connection, config: DetectConfig, now_us: int | None = None) -> Refresh:
    """Bring the learned anchorages of ``con`` up to its latest position (``now_us``: that time
    in UTC microseconds, read when not given) and return the points the detectors treat as
    ports (none when ``[anchorages] enabled = false``). When no stationary report arrived since
    the last refresh (and the thresholds are the same) nothing is learned again: the stored
    cells are the points.

    Raises:
        maritime.store.database.StoreError: the database refuses the read or write (one line).
    """
    from maritime.store.database import StoreError

    t0 = time.perf_counter()
    cfg = config.anchorages
    try:
        ensure_schema(con)
        if now_us is None:
            row = con.execute("SELECT epoch_us(max(ts)) FROM positions").fetchall()[0]
            now_us = None if row[0] is None else int(row[0])
        pts, n, recount, changed = _refresh(con, cfg, now_us, t0)
    except duckdb.Error as exc:
        raise StoreError(f"cannot refresh the learned anchorages: {str(exc).splitlines()[0]}") from None
    return Refresh(pts if cfg.enabled else np.zeros((0, 2)), n, recount, changed, time.perf_counter() - t0)


def _refresh(con: Connection, cfg: AnchorageConfig, now_us: int | None, t0: float) -> tuple[Points, int, bool, bool]:
    """(cell points, anchorages, recounted, changed) after bringing the visits up to ``now_us``."""
    state = con.execute(READ_STATE).fetchall()
    prev_to, prev_upto, prev_params = state[0] if state else (None, None, None)
    prev = json.loads(prev_params) if prev_params else {}
    params = _params(cfg)
    if now_us is None:  # no positions: nothing learned
        recount = prev_to is not None
        prev_to = None
    else:
        recount = prev_to is None or prev.get("count") != params["count"]
        if not recount and int(con.execute(COUNT_UPTO, [prev_to]).fetchall()[0][0]) != prev_upto:
            recount = True  # positions at or before the last refresh arrived since: count again
    con.execute("BEGIN TRANSACTION")
    try:
        if recount:
            con.execute("DELETE FROM anchorage_visits")
        added = 0
        if now_us is not None and (recount or now_us > prev_to):
            added = int(
                con.execute(
                    _sql("anchorage_visits"),
                    {
                        "after": BEFORE_ALL if recount else datetime.fromtimestamp(prev_to / 1e6, UTC),
                        "upto": datetime.fromtimestamp(now_us / 1e6, UTC),
                        "max_sog": cfg.max_sog_kn,
                        "max_gap_s": cfg.max_gap_hours * 3600.0,
                        "dlat": cell_deg(cfg.cell_km),
                        "min_cos": MIN_COS,
                    },
                ).fetchall()[0][0]
            )
        if recount or added or prev.get("learn") != params["learn"]:
            tb = con.execute(_sql("anchorage_candidates"), {"min_s": cfg.min_vessel_hours * 3600.0}).fetchnumpy()
            learned = learn_anchorages(Visits.of(tb), cfg)
            changed = _store(con, learned)
            pts, n = learned.points(), len(learned.anchorages)
        else:  # no stationary report since the last refresh: the stored anchorages stand
            changed = False
            pts = _read_points(con)
            n = int(con.execute("SELECT count(*) FROM anchorages").fetchall()[0][0])
        con.execute("DELETE FROM anchorage_refresh")
        if now_us is not None:
            upto = int(con.execute(COUNT_UPTO, [now_us]).fetchall()[0][0])
            con.execute(
                INSERT_STATE,
                [now_us, upto, json.dumps(params), datetime.now(UTC), round(time.perf_counter() - t0, 3)],
            )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return pts, n, recount, changed


def _rows(learned: Learned) -> list[tuple[Any, ...]]:
    return [
        (a.anchorage_id, a.lat, a.lon, a.radius_km, a.cells, a.vessels, a.hours, a.first_seen, a.last_seen)
        for a in learned.anchorages
    ]


def _same(old: list[tuple[Any, ...]], new: list[tuple[Any, ...]]) -> bool:
    def key(r: tuple[Any, ...]) -> tuple[Any, ...]:
        return (*r[:7], round(float(r[7]), 3), round(float(r[8]), 3))

    return [key(tuple(r)) for r in old] == [key(r) for r in new]


def _store(con: Connection, learned: Learned) -> bool:
    """Replace the stored anchorages and cells with ``learned`` when they differ; True if so.
    An anchorage at the same centroid keeps its stored ``port_km``; only new centroids are
    measured against the bundled ports."""
    new = _rows(learned)
    old = con.execute(
        "SELECT anchorage_id, lat, lon, radius_km, cells, vessels, hours, epoch_us(first_seen) / 1e6, "
        "epoch_us(last_seen) / 1e6, port_km FROM anchorages ORDER BY anchorage_id"
    ).fetchall()
    if _same([r[:9] for r in old], new):
        return False
    known = {(round(float(r[1]), 6), round(float(r[2]), 6)): r[9] for r in old}
    con.execute("DELETE FROM anchorages")
    con.execute("DELETE FROM anchorage_cells")
    if new:
        wall = datetime.now(UTC)
        ports = [known.get((round(float(r[1]), 6), round(float(r[2]), 6))) for r in new]
        missing = [k for k, p in enumerate(ports) if p is None]
        if missing:
            for k, km in zip(missing, _port_km([learned.anchorages[k] for k in missing])):
                ports[k] = km
        ts = pa.timestamp("us", tz="UTC")
        cols = list(zip(*new))
        anc = pa.table(
            {
                "anchorage_id": pa.array(cols[0], pa.string()),
                "lat": pa.array(cols[1], pa.float64()),
                "lon": pa.array(cols[2], pa.float64()),
                "radius_km": pa.array(cols[3], pa.float64()),
                "cells": pa.array(cols[4], pa.int32()),
                "vessels": pa.array(cols[5], pa.int32()),
                "hours": pa.array(cols[6], pa.float64()),
                "first_seen": pa.array([round(v * 1e6) for v in cols[7]], pa.int64()).cast(ts),
                "last_seen": pa.array([round(v * 1e6) for v in cols[8]], pa.int64()).cast(ts),
                "port_km": pa.array(ports, pa.float64()),
                "updated_at": pa.array([wall] * len(new), ts),
            }
        )
        cells = pa.table(
            {
                "ci": pa.array(learned.cell_ci, pa.int64()),
                "cj": pa.array(learned.cell_cj, pa.int64()),
                "anchorage_id": pa.array(learned.cell_anchorage, pa.string()),
                "lat": pa.array(learned.cell_lat, pa.float64()),
                "lon": pa.array(learned.cell_lon, pa.float64()),
            }
        )
        _insert(con, "anchorages", anc)
        _insert(con, "anchorage_cells", cells)
    return True


def _insert(con: Connection, table: str, tb: pa.Table) -> None:
    """Insert the Arrow table ``tb`` into ``table`` (by column name), in one statement."""
    names = ", ".join(tb.column_names)
    con.register("_maritime_rows", tb)
    try:
        con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM _maritime_rows")
    finally:
        con.unregister("_maritime_rows")


def _port_km(anchorages: list[Anchorage]) -> list[float]:
    """Distance (km) from each anchorage to the nearest bundled port or anchorage."""
    from maritime.reference import coast

    km, _ = coast.distance_to_port_km(np.array([a.lat for a in anchorages]), np.array([a.lon for a in anchorages]))
    return [round(float(k), 2) for k in km]


def _read_points(con: Connection) -> Points:
    """The stored anchorage cell points, as :meth:`Learned.points` orders them."""
    rows = con.execute(READ_CELLS).fetchall()
    return points_array([r[0] for r in rows], [r[1] for r in rows])


def stored_points(con: Connection, config: DetectConfig) -> np.ndarray[Any, np.dtype[np.float64]]:
    """The learned anchorage points stored in ``con`` (as the last refresh left them), (n, 2)
    lat, lon; none when ``[anchorages] enabled = false`` or nothing was learned."""
    if not config.anchorages.enabled:
        return np.zeros((0, 2))
    ensure_schema(con)
    return _read_points(con)


def list_anchorages(con: Connection) -> list[dict[str, Any]]:
    """The stored anchorages, busiest first (``detect/sql/list_anchorages.sql``; the tables must
    exist: :func:`ensure_schema`)."""
    cur = con.execute(_sql("list_anchorages"))
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def replan(con: Connection, plan: Plan, before: Points, after: Points, config: DetectConfig, now: float) -> Plan:
    """``plan`` widened so that the stored events the anchorage points learned since the last
    run can change are re-evaluated (:func:`maritime.detect.anchorages.affected_since`); a
    full recompute when points were removed (a recount) or the affected events are older than
    ``[runner] max_window_hours``. ``before``/``after``: the points before and after the
    refresh; ``now``: the latest data time (UTC s)."""
    if plan.full:
        return plan
    added, removed = point_changes(before, after)
    if len(removed):
        return Plan(True, "learned anchorages changed")
    if not len(added):
        return plan
    tb = con.execute(_sql("anchorage_affected")).fetchnumpy()

    def col(name: str) -> Points:
        return np.asarray(np.ma.filled(np.ma.asarray(tb[name], dtype=np.float64), np.nan), dtype=np.float64)

    ev = StoredEvents(
        kind=[str(k) for k in tb["kind"]],
        start=col("start_s"),
        end=col("end_s"),
        lat=col("lat"),
        lon=col("lon"),
        port_km=col("port_km"),
        next_lat=col("next_lat"),
        next_lon=col("next_lon"),
    )
    reach = max(config.loitering.min_port_km, config.rendezvous.min_port_km, config.dark.min_port_km)
    speed = max(config.rendezvous.max_speed_kn, config.rendezvous.max_sog_kn)
    since = affected_since(ev, added, now, reach, speed)
    if since is None:
        return plan
    if since < now - config.runner.max_window_hours * 3600.0:
        return Plan(True, "learned anchorages near events older than the window")
    return replace(widen(plan, since), reason=f"{plan.reason}; anchorages learned near stored events")
