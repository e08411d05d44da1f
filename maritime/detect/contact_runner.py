"""Contacts in detection, the DuckDB adapter: correlate new contacts, find the contact events.

* :func:`correlate_pending` matches the contacts not yet correlated (and the recent contacts
  of their radar tracks, so that a track is matched as one unit) against the AIS reports
  around them (:mod:`maritime.detect.correlation`) and writes match, score, runner-up and
  its score into ``contacts``. ``maritime detect`` runs it first; ``maritime serve`` also
  runs it every second in its own thread, so a live radar contact is matched within about
  a second of being stored.
* :func:`contact_events_since` reads the correlated contacts, scenes and sensors of a
  detection window and returns the events of :mod:`maritime.detect.contact_events`.

SQL in ``detect/sql/`` (``contacts_to_correlate``, ``ais_near_contacts``, ``store_matches``,
``contacts_since``).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import shapely

from maritime.decode.sensors import Sensor
from maritime.detect.config import ContactsConfig, DetectConfig
from maritime.detect.contact_events import ContactSet, Scene, contact_events
from maritime.detect.correlation import ContactArrays, correlate
from maritime.detect.events import Event
from maritime.detect.prediction import F64, TrackIndex
from maritime.detect.tracks import Tracks
from maritime.geodesy import KM_PER_DEG, NM_KM

Connection = duckdb.DuckDBPyConnection
#: Contacts correlated per call at most (a backlog is worked off over several calls).
BATCH = 200_000
#: Fastest vessel the AIS search box allows for (knots), as the correlation's ``max_speed_kn``.
MAX_SPEED_KN = 30.0
#: One correlation at a time in a process (serve's correlation thread and its detection runs
#: would otherwise update the same rows from two cursors).
_LOCK = threading.Lock()


def _sql(name: str) -> str:
    return resources.files("maritime.detect").joinpath("sql", f"{name}.sql").read_text()


def _utc_us(us: float) -> datetime:
    return datetime.fromtimestamp(us / 1e6, tz=UTC)


def contact_arrays(cols: dict[str, Any]) -> ContactArrays:
    """Columns of ``contacts_to_correlate.sql`` → :class:`ContactArrays` (groups: a radar
    track's sensor, else the satellite scene, else one sensor's scan at one time)."""
    n = len(cols["t_us"])
    track = [t or "" for t in cols["track_id"]]
    groups = [
        f"sensor:{s}" if tr else f"scene:{sc}" if sc is not None else f"scan:{s}@{t}"
        for s, tr, sc, t in zip(cols["sensor_id"], track, cols["scene_id"], cols["t_us"])
    ]
    _, group = np.unique(np.array(groups, dtype=object), return_inverse=True)
    names, tix = np.unique(np.array(track, dtype=object), return_inverse=True)
    tix = tix.ravel().astype(np.int64)
    if n and names[0] == "":
        tix = tix - 1

    def f(name: str) -> F64:
        return np.array([np.nan if v is None else v for v in cols[name]], dtype=np.float64)

    return ContactArrays(
        t=np.asarray(cols["t_us"], dtype=np.float64) / 1e6,
        lat=f("lat"),
        lon=f("lon"),
        sigma_major_m=f("sigma_major_m"),
        sigma_minor_m=f("sigma_minor_m"),
        orientation_deg=f("orientation_deg"),
        speed_kn=f("speed_kn"),
        course_deg=f("course_deg"),
        length_m=f("length_m"),
        group=group.ravel().astype(np.int64),
        track=tix,
    )


def _ais_around(con: Connection, t: F64, lat: F64, lon: F64, minutes: float) -> tuple[TrackIndex, F64]:
    """AIS reports within ``minutes`` and reach of the contacts, as an index, and the length
    (m, NaN unknown) of each indexed vessel."""
    reach_deg = MAX_SPEED_KN * NM_KM * minutes / 60.0 / KM_PER_DEG
    coslat = max(float(np.cos(np.radians(min(89.0, float(np.max(np.abs(lat))) + reach_deg)))), 0.05)
    params = {
        "t0": _utc_us((float(t.min()) - minutes * 60.0) * 1e6),
        "t1": _utc_us((float(t.max()) + minutes * 60.0) * 1e6),
        "lat0": float(lat.min()) - reach_deg,
        "lat1": float(lat.max()) + reach_deg,
        "lon0": float(lon.min()) - reach_deg / coslat,
        "lon1": float(lon.max()) + reach_deg / coslat,
    }
    tb = con.sql(_sql("ais_near_contacts"), params=params).to_arrow_table()
    cols = {name: tb.column(name).to_numpy(zero_copy_only=False) for name in tb.column_names}
    index = TrackIndex.build(
        cols["mmsi"],
        cols["t_us"].astype(np.float64) / 1e6,
        cols["lat"],
        cols["lon"],
        np.asarray(cols["sog"], dtype=np.float64),
        np.asarray(cols["cog"], dtype=np.float64),
    )
    lengths = np.full(index.mmsi.size, np.nan)
    if tb.num_rows:
        length = np.asarray(cols["length_m"], dtype=np.float64)
        _, first = np.unique(np.asarray(cols["mmsi"], dtype=np.int64), return_index=True)
        lengths = length[first]  # np.unique sorts like TrackIndex.mmsi
    return index, lengths


def correlate_pending(con: Connection, config: DetectConfig | None = None, limit: int = BATCH) -> int:
    """Correlate the contacts not yet correlated; returns how many rows were written."""
    with _LOCK:
        return _correlate_pending(con, (config or DetectConfig()).contacts, limit)


def _correlate_pending(con: Connection, cfg: ContactsConfig, limit: int) -> int:
    try:
        first = con.execute("SELECT min(ts) FROM contacts WHERE correlated_at IS NULL").fetchall()[0]
    except duckdb.CatalogException:
        return 0
    if first[0] is None:
        return 0
    since = first[0].timestamp() - cfg.track_context_minutes * 60.0
    tb = con.sql(_sql("contacts_to_correlate"), params={"limit": limit, "since": _utc_us(since * 1e6)})
    table = tb.to_arrow_table()
    cols = {name: table.column(name).to_pylist() for name in table.column_names}
    arrays = contact_arrays(cols)
    index, lengths = _ais_around(con, arrays.t, arrays.lat, arrays.lon, cfg.correlation_context_minutes)
    m = correlate(arrays, index, lengths)
    batch = pa.table(
        {
            "contact_id": pa.array(cols["contact_id"], pa.int64()),
            "mmsi": m.mmsi,
            "score": np.where(m.mmsi >= 0, m.score, np.nan),
            "runner_up_mmsi": m.runner_up_mmsi,
            "runner_up_score": np.where(m.runner_up_mmsi >= 0, m.runner_up_score, np.nan),
            "n_candidates": m.n_candidates.astype(np.int32),
        }
    )
    con.register("match_batch", batch)
    try:
        con.execute(_sql("store_matches"), {"now": datetime.now(UTC)})
    finally:
        con.unregister("match_batch")
    return int(table.num_rows)


def _contact_set(con: Connection, since: datetime) -> ContactSet:
    tb = con.sql(_sql("contacts_since"), params={"since": since}).to_arrow_table()
    c = {name: tb.column(name) for name in tb.column_names}

    def num(name: str) -> F64:
        return np.asarray(c[name].to_numpy(zero_copy_only=False), dtype=np.float64)

    def obj(name: str) -> np.ndarray[Any, np.dtype[np.object_]]:
        return np.array(c[name].to_pylist(), dtype=object)

    return ContactSet(
        contact_id=np.asarray(c["contact_id"].to_numpy(), dtype=np.int64),
        t=num("t_us") / 1e6,
        lat=num("lat"),
        lon=num("lon"),
        source_kind=obj("source_kind"),
        sensor_id=obj("sensor_id"),
        track_id=obj("track_id"),
        scene_id=obj("scene_id"),
        detect_id=obj("detect_id"),
        confidence=num("confidence"),
        length_m=num("length_m"),
        match_mmsi=np.asarray(c["match_mmsi"].to_numpy(), dtype=np.int64),
    )


def read_sensors(con: Connection) -> dict[str, Sensor]:
    """The ``sensors`` table by id."""
    rows = con.execute(
        "SELECT sensor_id, kind, lat, lon, range_km, min_length_m, p_detect, description FROM sensors"
    ).fetchall()
    return {r[0]: Sensor(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]) for r in rows}


def contact_events_since(
    con: Connection, tr: Tracks, since: datetime, zones: list[tuple[str, Any]], config: DetectConfig
) -> list[Event]:
    """The contact events of the window from ``since``, over the prepared AIS tracks ``tr``."""
    try:
        c = _contact_set(con, since)
    except duckdb.CatalogException:
        return []
    scenes = [
        Scene(r[0], r[1] / 1e6, r[2], shapely.from_wkt(r[3]))
        for r in con.execute(
            "SELECT scene_id, epoch_us(ts), sensor_id, footprint_wkt FROM scenes WHERE ts >= ?", [since]
        ).fetchall()
    ]
    if c.t.size == 0 and not scenes:
        return []
    index = TrackIndex.build(tr.mmsi, tr.t, tr.lat, tr.lon, tr.sog.astype(np.float64), tr.cog.astype(np.float64))
    lengths = np.full(index.mmsi.size, np.nan)
    if index.mmsi.size:
        con.register("want_lengths", pa.table({"mmsi": index.mmsi}))
        try:
            got = dict(
                con.execute(
                    "SELECT w.mmsi, v.length_m FROM want_lengths w JOIN vessels v USING (mmsi) WHERE v.length_m > 0"
                ).fetchall()
            )
        finally:
            con.unregister("want_lengths")
        lengths = np.array([got.get(int(m), np.nan) for m in index.mmsi], dtype=np.float64)
    return contact_events(c, index, lengths, scenes, read_sensors(con), zones, _cfg(config))


def _cfg(config: DetectConfig) -> ContactsConfig:
    return config.contacts
