"""Detection run: read positions from DuckDB, run the pure detectors, write events back.

:func:`run_detection` is the only function that touches the database. It is incremental and
idempotent, in data time only ("now" is the latest position time, never the wall clock):

* The last run's watermark (``detect_runs.data_to``: the latest data time it saw) bounds
  what can still change. A run recomputes the window ``[watermark - lookback, now]``
  (``[runner] lookback_hours``, longer than the longest time an event takes to form), pulled
  back to the start of every stored event still open or ending inside it (at most
  ``max_window_hours`` before now; older open events are continued, keeping their start and
  id). The detectors read ``context_hours`` more before the window (the vessels' history).
* Late data (an hour already processed whose report count changed) pulls the window back to
  that hour; other thresholds or other zones recompute everything.
* Stored events starting in the window are replaced by what the detectors find now, in ONE
  transaction, with deterministic ids (kind, MMSI(s), start second). Rows that come out
  identical are left untouched, so a second run on the same data changes nothing, and
  detecting after each hour of a day ends with the same events as detecting once.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from maritime.detect.config import DetectConfig, load_config
from maritime.detect.dark import detect_dark
from maritime.detect.events import Event, assign_zones, details_json, utc
from maritime.detect.loitering import detect_loitering, suppress_explained
from maritime.detect.rendezvous import detect_rendezvous
from maritime.detect.tracks import Tracks, prepare_tracks

#: Data time before any AIS (used as "from the beginning").
EPOCH0 = datetime(1970, 1, 1, tzinfo=UTC)

INSERT_EVENT = (
    "INSERT INTO events (event_id, kind, mmsi, other_mmsi, start_time, end_time, lat, lon, zone, confidence, "
    "details, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_RUN = (
    "INSERT INTO detect_runs (run_at, data_from, data_to, positions, events_written, seconds, config) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
LAST_RUN = "SELECT epoch(data_to), CAST(config AS VARCHAR) FROM detect_runs ORDER BY run_at DESC LIMIT 1"


def sql(name: str) -> str:
    """The text of ``maritime/detect/sql/<name>.sql``."""
    return resources.files("maritime.detect").joinpath("sql", f"{name}.sql").read_text()


@dataclass
class DetectSummary:
    """What one run did."""

    data_from: datetime | None = None  #: start of the recomputed window (None: everything)
    data_to: datetime | None = None  #: latest data time
    positions: int = 0  #: reports read
    segments: int = 0  #: track segments
    written: int = 0  #: event rows inserted or replaced
    deleted: int = 0  #: event rows removed (no longer found)
    unchanged: int = 0  #: event rows found again identical
    full: bool = False  #: everything recomputed
    reason: str = ""  #: why the window is what it is
    seconds: float = 0.0
    by_kind_zone: dict[tuple[str, str | None], int] = field(default_factory=dict)  #: all stored events

    def lines(self) -> list[str]:
        """The summary for people."""
        out = []
        if self.data_to is None:
            return ["no positions in the database: nothing to detect (run `maritime ingest` first)"]
        window = "all data" if self.data_from is None else f"from {self.data_from:%Y-%m-%d %H:%M:%S}Z"
        out.append(f"data up to {self.data_to:%Y-%m-%d %H:%M:%S}Z; recomputed {window} ({self.reason})")
        out.append(
            f"positions read {self.positions:,} in {self.segments:,} track segments; "
            f"events written {self.written:,}, removed {self.deleted:,}, unchanged {self.unchanged:,}"
        )
        kinds: dict[str, int] = {}
        for (k, _), n in self.by_kind_zone.items():
            kinds[k] = kinds.get(k, 0) + n
        out.append("events by kind and zone:")
        if not kinds:
            out.append("  (none)")
        for k in sorted(kinds):
            out.append(f"  {k:<18} {kinds[k]:>6,}")
            zones = sorted(((z or "(outside zones)"), n) for (kk, z), n in self.by_kind_zone.items() if kk == k)
            for z, n in zones:
                out.append(f"      {n:>6,}  {z}")
        out.append(f"time {self.seconds:.2f} s")
        return out


# ---------------------------------------------------------------------------------------------
# zones


def zones_rows(zones: Any) -> tuple[list[tuple[str, Any]], list[tuple[str, str | None, str]]]:
    """(zones for assignment, rows name/description/geojson) from a path, None or a list."""
    from shapely import to_geojson

    from maritime.reference.zones import default_zones_path, load_zones

    if zones is None or isinstance(zones, (str, Path)):
        path = Path(zones) if zones is not None else default_zones_path()
        zl = load_zones(path)
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            feats = doc.get("features", [doc]) if isinstance(doc, dict) else []
            desc = {f.get("properties", {}).get("name"): f.get("properties", {}).get("description") for f in feats}
        except (OSError, ValueError, AttributeError):
            desc = {}
    else:
        zl = list(zones)
        desc = {}
    rows = []
    seen = set()
    for name, geom in zl:
        if name in seen:
            continue
        seen.add(name)
        d = desc.get(name)
        rows.append((name, d if isinstance(d, str) else None, to_geojson(geom)))
    return zl, rows


# ---------------------------------------------------------------------------------------------
# reading


def read_tracks(con, since: datetime, config: DetectConfig, now: float) -> Tracks:
    """Positions at or after ``since`` as :class:`Tracks` (segmented, with speeds)."""
    tb = con.sql(sql("read_positions"), params={"since": since}).to_arrow_table()
    if tb.num_rows == 0:
        return prepare_tracks(np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0), now=now)
    names = [r[0] for r in con.execute(sql("station_names"), {"since": since}).fetchall()]
    cols = position_columns(tb)
    del tb  # the numpy columns are copies: free the Arrow table before segmentation
    return tracks_from_columns(cols, names, config, now)


def position_columns(tb) -> dict[str, np.ndarray]:
    """Numpy copies of the columns of ``read_positions.sql`` (mmsi, t_us, lat, lon, sog, cog,
    msg_type, station_code) of an Arrow table; t in UTC seconds, NULL as NaN or -1."""

    def col(name: str, dtype) -> np.ndarray:
        c = tb.column(name)
        if c.null_count:
            c = c.fill_null(np.nan if np.dtype(dtype).kind == "f" else -1)
        return np.asarray(c.to_numpy(), dtype=dtype)

    return {
        "mmsi": col("mmsi", np.int64),
        "t": col("t_us", np.int64) / 1e6,
        "lat": col("lat", np.float64),
        "lon": col("lon", np.float64),
        "sog": col("sog", np.float32),
        "cog": col("cog", np.float32),
        "msg_type": col("msg_type", np.int16),
        "station": col("station_code", np.int32),
    }


def tracks_from_columns(
    cols: dict[str, np.ndarray], station_names: list[str], config: DetectConfig, now: float
) -> Tracks:
    """:class:`Tracks` from :func:`position_columns` (rows sorted by mmsi, time, payload
    hash); the dict is emptied as the arrays are handed over. Both engines build their
    tracks here, so they see the same numbers."""
    return prepare_tracks(
        cols.pop("mmsi"),
        cols.pop("t"),
        cols.pop("lat"),
        cols.pop("lon"),
        cols.pop("sog"),
        cols.pop("cog"),
        cols.pop("msg_type"),
        config.tracks,
        now=now,
        station=cols.pop("station"),
        station_names=station_names,
    )


def detect_all(tr: Tracks, config: DetectConfig) -> list[Event]:
    """Every detector over prepared tracks (pure)."""
    rdv = detect_rendezvous(tr, config.rendezvous)
    loi = detect_loitering(tr, config.loitering)
    loi = suppress_explained(loi, rdv, config.loitering.suppress_rendezvous_fraction, tr.now)
    dark = detect_dark(tr, config.dark, config.tracks)
    return loi + rdv + dark + list(tr.conflicts)


# ---------------------------------------------------------------------------------------------
# the run


def _norm_row(row: Sequence) -> tuple:
    """Comparable form of an events row: (id, kind, mmsi, other, start_s, end_s, lat, lon,
    zone, confidence, details JSON)."""
    eid, kind, mmsi, other, start, end, lat, lon, zone, conf, details = row
    start_s = start.timestamp() if isinstance(start, datetime) else (None if start is None else float(start))
    end_s = end.timestamp() if isinstance(end, datetime) else (None if end is None else float(end))
    return (
        eid,
        kind,
        int(mmsi),
        None if other is None else int(other),
        None if start_s is None else int(math.floor(start_s)),
        None if end_s is None else int(math.floor(end_s)),
        None if lat is None else round(float(lat), 6),
        None if lon is None else round(float(lon), 6),
        zone,
        round(float(conf), 3),
        details if isinstance(details, str) else details_json(details or {}),
    )


def _fingerprint(config: DetectConfig, zone_rows: list) -> str:
    z = hashlib.sha1(json.dumps(zone_rows, sort_keys=True).encode()).hexdigest()[:16]
    return f"{config.fingerprint()}-{z}"


def run_detection(con, zones: Any = None, config: DetectConfig | None = None) -> DetectSummary:
    """Detect events over the positions in ``con`` (a DuckDB connection or cursor).

    Args:
        con: DuckDB connection with the maritime schema (``maritime serve`` passes a cursor).
        zones: patrol zones: None (bundled), a GeoJSON path, or ``[(name, polygon), ...]``.
        config: thresholds (None: the bundled defaults).

    Returns:
        :class:`DetectSummary`.

    Raises:
        maritime.store.database.StoreError: no positions table, or the database refuses the write.
    """
    import duckdb

    from maritime.store.database import StoreError
    from maritime.store.database import sql as store_sql

    t_start = time.perf_counter()
    cfg = config or load_config()
    zone_list, zone_rows = zones_rows(zones)
    try:
        con.execute(store_sql("schema_events"))
        now_row = con.execute("SELECT epoch_us(max(ts)) FROM positions").fetchall()[0]
    except duckdb.CatalogException:
        raise StoreError("the database has no positions table: run `maritime ingest` first") from None
    except duckdb.Error as exc:
        raise StoreError(f"cannot read positions: {str(exc).splitlines()[0]}") from None
    summary = DetectSummary()
    fp = _fingerprint(cfg, zone_rows)
    if now_row is None or now_row[0] is None:
        _write(con, [], [], zone_rows, None, None, 0, cfg, fp, {}, 0, t_start)
        summary.seconds = time.perf_counter() - t_start
        return summary
    now = now_row[0] / 1e6
    rc = cfg.runner
    L, C = rc.lookback_hours * 3600.0, rc.context_hours * 3600.0

    # --- the window to recompute
    prev = (con.execute(LAST_RUN).fetchall() or [None])[0]
    prev_to, prev_cfg = (prev[0], json.loads(prev[1]) if prev[1] else {}) if prev else (None, {})
    full = prev_to is None or prev_cfg.get("fingerprint") != fp
    reason = "first run" if prev_to is None else ("thresholds or zones changed" if full else "incremental")
    hist_since = utc(max(now - rc.max_window_hours * 3600.0 - 2 * L, 0.0))
    hourly = {int(h): int(n) for h, n in con.execute(sql("hourly_counts"), {"since": hist_since}).fetchall()}
    if not full:
        upto = con.execute(
            "SELECT count(*) FROM positions WHERE ts <= ?", [utc(prev_to) if prev_to else EPOCH0]
        ).fetchall()[0][0]
        if upto != prev_cfg.get("positions_upto"):
            old = {int(k): v for k, v in prev_cfg.get("hourly", {}).items()}
            changed = [h for h in set(old) | set(hourly) if h * 3600 <= prev_to and old.get(h) != hourly.get(h)]
            if not changed or min(changed) * 3600 < hist_since.timestamp() or min(old or [0]) > min(changed):
                full, reason = True, "late data older than the recent history"
            else:
                prev_to = min(prev_to, min(changed) * 3600.0)
                reason = "late data"
    if full:
        recompute = -math.inf
        window_from = -math.inf
    else:
        recompute = prev_to - L
        window_from = recompute
        row = con.execute(
            "SELECT min(epoch(start_time)) FROM events WHERE start_time < ? AND (end_time IS NULL OR end_time >= ?) "
            "AND start_time >= ?",
            [utc(recompute), utc(recompute), utc(now - rc.max_window_hours * 3600.0)],
        ).fetchall()[0]
        if row and row[0] is not None:
            window_from = min(window_from, float(row[0]))
    since = EPOCH0 if full else utc(max(window_from - C, 0.0))

    # --- detect
    tr = read_tracks(con, since, cfg, now)
    found = detect_all(tr, cfg)
    assign_zones(found, zone_list)

    # --- what to keep: everything starting in the window; older starts only when still
    # open or ending inside it (a continuation keeps the stored start and id)
    stored = con.execute(
        sql("events_in_window"),
        {
            "from": utc(max(window_from, 0.0)) if not full else EPOCH0,
            "recompute": utc(max(recompute, 0.0)) if not full else EPOCH0,
        },
    ).fetchall()
    stored_n = {r[0]: _norm_row(r) for r in stored}
    by_key: dict[tuple, list[tuple]] = {}
    for r in stored:
        by_key.setdefault((r[1], int(r[2]), r[3]), []).append(r)
    keep: list[Event] = []
    for e in found:
        if full or e.start >= window_from:
            keep.append(e)
            continue
        end = e.end if e.end is not None else math.inf
        if end < recompute:
            continue  # final: already stored as it was
        for r in by_key.get((e.kind, int(e.mmsi), e.other_mmsi), []):
            r_end = r[5] if r[5] is not None else math.inf
            if r[4] <= end and r_end >= e.start - 3600.0 and r[4] < e.start:
                e.start = float(r[4])  # continuation of a stored event
                break
        keep.append(e)
    # events that start before the window and are not continued stay as stored
    new_rows = {}
    for e in keep:
        row = e.row()
        new_rows[row[0]] = row
    new_n = {k: _norm_row(v) for k, v in new_rows.items()}
    # stored rows in the window that were not found again (or differ) are deleted
    deletable = {k for k, r in stored_n.items() if full or r[4] >= window_from or k in new_n}
    to_delete = [k for k in deletable if new_n.get(k) != stored_n[k]]
    to_insert = [new_rows[k] for k in new_n if stored_n.get(k) != new_n[k]]
    if full:
        # rows outside the read window (never, with a full read) or stale rows of other runs
        all_ids = [r[0] for r in con.execute("SELECT event_id FROM events").fetchall()]
        to_delete = sorted(set(to_delete) | {k for k in all_ids if k not in new_n})
    summary.unchanged = sum(1 for k in new_n if stored_n.get(k) == new_n[k])
    n_written = _write(
        con,
        to_delete,
        to_insert,
        zone_rows,
        None if full else utc(max(window_from, 0.0)),
        utc(now),
        tr.__len__(),
        cfg,
        fp,
        hourly,
        _count_upto(con, now),
        t_start,
    )
    summary.written = n_written
    summary.deleted = len([k for k in to_delete if k not in new_n])
    summary.data_from = None if full else utc(max(window_from, 0.0))
    summary.data_to = utc(now)
    summary.positions = len(tr)
    summary.segments = tr.n_segments
    summary.full = full
    summary.reason = reason
    summary.by_kind_zone = {
        (k, z): n for k, z, n in con.execute("SELECT kind, zone, count(*) FROM events GROUP BY ALL").fetchall()
    }
    summary.seconds = time.perf_counter() - t_start
    return summary


def _count_upto(con, now: float) -> int:
    return int(con.execute("SELECT count(*) FROM positions WHERE ts <= ?", [utc(now)]).fetchall()[0][0])


def _write(
    con,
    to_delete: list[str],
    to_insert: list[tuple],
    zone_rows: list,
    data_from,
    data_to,
    positions: int,
    cfg: DetectConfig,
    fp: str,
    hourly: dict,
    upto: int,
    t_start: float,
) -> int:
    """All writes of a run, in one transaction."""
    import duckdb

    from maritime.store.database import StoreError

    wall = datetime.now(UTC)
    run_cfg = {
        "fingerprint": fp,
        "positions_upto": upto,
        "hourly": {str(k): v for k, v in hourly.items()},
        "thresholds": cfg.to_dict(),
    }
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            existing = con.execute("SELECT name, description, geojson FROM zones ORDER BY name").fetchall()
            if sorted(existing) != sorted(zone_rows):
                con.execute("DELETE FROM zones")
                if zone_rows:
                    con.executemany("INSERT INTO zones (name, description, geojson) VALUES (?, ?, ?)", zone_rows)
            if to_delete:
                con.executemany("DELETE FROM events WHERE event_id = ?", [[k] for k in to_delete])
            if to_insert:
                con.executemany(INSERT_EVENT, [list(r) + [wall] for r in to_insert])
            con.execute(
                INSERT_RUN,
                [
                    wall,
                    data_from,
                    data_to,
                    positions,
                    len(to_insert),
                    round(time.perf_counter() - t_start, 3),
                    json.dumps(run_cfg),
                ],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    except duckdb.Error as exc:
        raise StoreError(f"cannot write events: {str(exc).splitlines()[0]}") from None
    return len(to_insert)


def store_events(
    con,
    events: list[Event],
    zones: Any = None,
    config: DetectConfig | None = None,
    now: float | None = None,
    positions: int = 0,
) -> int:
    """Replace every stored event of ``con`` with ``events`` (a cluster run's), in one
    transaction, for the dashboard. The run is recorded with a fingerprint no single-machine
    run has, so the next ``maritime detect`` on this database recomputes everything."""
    from maritime.store.database import sql as store_sql

    t_start = time.perf_counter()
    cfg = config or load_config()
    _, zone_rows = zones_rows(zones)
    con.execute(store_sql("schema_events"))
    existing = [r[0] for r in con.execute("SELECT event_id FROM events").fetchall()]
    rows = [e.row() for e in events]
    return _write(
        con,
        existing,
        rows,
        zone_rows,
        None,
        None if now is None else utc(now),
        positions,
        cfg,
        "cluster-" + _fingerprint(cfg, zone_rows),
        {},
        0,
        t_start,
    )
