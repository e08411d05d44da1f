"""Detection run, the DuckDB adapter: read positions, run the pure detectors, write events back.

:func:`run_detection` (incremental), :func:`store_events` (a cluster run's events) and
:func:`use_settings` (the zones and thresholds kept in ``detection_settings``, chosen by the
pure :mod:`maritime.detect.settings`) are the functions here that touch the database; what a
run recomputes and how its events replace the stored ones is decided by the pure
:mod:`maritime.detect.planning`, in data time only ("now" is the latest position time, never
the wall clock). Stored events are replaced in ONE
transaction, with deterministic ids (kind, MMSI(s), start second); rows that come out
identical are left untouched, so a second run on the same data changes nothing, and
detecting after each hour of a day ends with the same events as detecting once.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from maritime.detect.anchorage_store import refresh_anchorages, replan, stored_points
from maritime.detect.compose import detect_all
from maritime.detect.config import ConfigError, DetectConfig, RunnerConfig, load_config, load_config_text
from maritime.detect.contact_runner import contact_events_since, correlate_pending
from maritime.detect.events import EVENT_COLUMNS, Event, assign_zones, utc
from maritime.detect.identity_change import IdentityChanges
from maritime.detect.inputs import (
    ZoneRow,
    ZonesArg,
    ZoneSet,
    position_columns,
    tracks_from_columns,
    zones_from_geojson,
    zones_rows,
)
from maritime.detect.planning import Plan, Reconciliation, history_since, plan_window, reconcile, widen
from maritime.detect.settings import Choice, Setting, Stored, choose, closest_zones, unknown_zones
from maritime.detect.tracks import Tracks, prepare_tracks

#: A DuckDB connection or cursor.
Connection = duckdb.DuckDBPyConnection
#: Data time before any AIS (used as "from the beginning").
EPOCH0 = datetime(1970, 1, 1, tzinfo=UTC)

INSERT_EVENT = f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' for _ in EVENT_COLUMNS)})"
INSERT_RUN = (
    "INSERT INTO detect_runs (run_at, data_from, data_to, positions, events_written, seconds, config) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
#: Deletes the events whose ids are the list parameter (one statement, not one per row).
DELETE_EVENTS = "DELETE FROM events WHERE event_id IN (SELECT unnest(?::VARCHAR[]))"
#: Arrow types of the ``events`` columns (:data:`EVENT_COLUMNS`), for one bulk insert.
EVENT_ARROW_TYPES = (
    pa.string(),
    pa.string(),
    pa.int64(),
    pa.int64(),
    pa.timestamp("us", tz="UTC"),
    pa.timestamp("us", tz="UTC"),
    pa.float64(),
    pa.float64(),
    pa.string(),
    pa.float64(),
    pa.string(),
    pa.timestamp("us", tz="UTC"),
)
LAST_RUN = "SELECT epoch(data_to), CAST(config AS VARCHAR) FROM detect_runs ORDER BY run_at DESC LIMIT 1"
COUNT_UPTO = "SELECT count(*) FROM positions WHERE ts <= ?"
#: The oldest start of the stored events that pull the window back: starting before
#: $recompute and still open or ending at or after it, starting after the oldest allowed.
OLDEST_OPEN_EVENT = (
    "SELECT min(epoch(start_time)) FROM events WHERE start_time < ? AND (end_time IS NULL OR end_time >= ?) "
    "AND start_time >= ?"
)


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
# settings (zones and thresholds kept in the database; the rule is in maritime.detect.settings)


@dataclass
class RunSettings:
    """What a run uses: the choice (for the summary) and the zones and thresholds it loads to."""

    choice: Choice
    zones: ZoneSet | None  #: None: the bundled zones
    config: DetectConfig

    def lines(self) -> list[str]:
        """What the run uses, for people."""
        return self.choice.lines()


def read_settings(con: Connection) -> Stored:
    """The ``detection_settings`` row of ``con`` (empty when nothing was chosen yet)."""
    con.execute(sql("schema_settings"))
    rows = con.execute(sql("read_settings")).fetchall()
    if not rows:
        return Stored()
    zt, zs, ct, cs, at = rows[0]
    return Stored(
        zones=None if zt is None else Setting(zt, zs or "(stored zones)"),
        config=None if ct is None else Setting(ct, cs or "(stored thresholds)"),
        chosen_at=at,
    )


def use_settings(con: Connection, zones: Setting | None = None, config: Setting | None = None) -> RunSettings:
    """The zones and thresholds of a run on ``con``: ``zones``/``config`` when given (stored in
    ``detection_settings`` for later runs), else the stored ones, else the bundled defaults.

    Raises:
        maritime.detect.config.ConfigError: the stored or given thresholds no longer load
            (e.g. a key this version does not know), or the given thresholds or zones leave
            a zone detector watching a zone name the zones do not have.
        maritime.store.database.StoreError: the stored zones no longer load, or the database
            refuses the read or write (one line).
    """
    from maritime.store.database import StoreError

    try:
        choice = choose(zones, config, read_settings(con))
    except duckdb.Error as exc:
        raise StoreError(f"cannot read the detection settings: {str(exc).splitlines()[0]}") from None
    try:
        zone_set = None if choice.zones is None else zones_from_geojson(choice.zones.text, choice.zones.source)
    except ValueError as exc:
        raise StoreError(f"the zones stored in the database do not load ({exc}): give --zones FILE") from None
    cfg = load_config() if choice.config is None else load_config_text(choice.config.text, choice.config.source)
    if choice.store:  # what is stored was checked when it was given
        _check_zone_names(cfg, zone_set, choice)
        _store_settings(con, choice)
    return RunSettings(choice, zone_set, cfg)


def _check_zone_names(cfg: DetectConfig, zone_set: ZoneSet | None, choice: Choice) -> None:
    """Raise :class:`ConfigError` (one line) when the thresholds name a zone the zones lack."""
    names = [z[0] for z in (zone_set.zones if zone_set is not None else zones_rows(None)[0])]
    missing = unknown_zones(cfg, names)
    if missing:
        where, name = missing[0]
        config = choice.config.source if choice.config is not None else "the bundled thresholds"
        zones = choice.zones.source if choice.zones is not None else "the bundled patrol zones"
        close = closest_zones(name, names)
        hint = f"closest: {', '.join(close)}" if close else f"{len(set(names))} zones, none close"
        raise ConfigError(
            f"{config}: [{where}] names zone {name!r}, which {zones} do not have ({hint}); "
            'fix the name, use "*" for every zone, or give --zones'
        )


def _store_settings(con: Connection, choice: Choice) -> None:
    from maritime.store.database import StoreError

    z, c = choice.zones, choice.config
    params = {
        "zones_geojson": None if z is None else z.text,
        "zones_source": None if z is None else z.source,
        "config_toml": None if c is None else c.text,
        "config_source": None if c is None else c.source,
        "chosen_at": datetime.now(UTC),
    }
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("DELETE FROM detection_settings")
            con.execute(sql("write_settings"), params)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    except duckdb.Error as exc:
        raise StoreError(f"cannot store the detection settings: {str(exc).splitlines()[0]}") from None


# ---------------------------------------------------------------------------------------------
# reading


def read_tracks(con: Connection, since: datetime, config: DetectConfig, now: float) -> Tracks:
    """Positions at or after ``since`` as :class:`Tracks` (segmented, with speeds)."""
    tb = con.sql(sql("read_positions"), params={"since": since}).to_arrow_table()
    if tb.num_rows == 0:
        return prepare_tracks(np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0), now=now)
    names = [r[0] for r in con.execute(sql("station_names"), {"since": since}).fetchall()]
    cols = position_columns(tb)
    del tb  # the numpy columns are copies: free the Arrow table before segmentation
    return tracks_from_columns(cols, names, config, now)


def read_identity_changes(con: Connection, since: datetime) -> IdentityChanges | None:
    """The identity changes of ``sql/read_identity_changes.sql`` from ``since`` (None when the
    database has no identity tables)."""
    try:
        rows = con.execute(sql("read_identity_changes"), {"since": since}).fetchall()
    except duckdb.CatalogException:
        return None
    return IdentityChanges.from_rows([(m, t_us / 1e6, f, v, p) for m, t_us, f, v, p in rows])


def read_ship_types(con: Connection, config: DetectConfig) -> dict[int, int]:
    """Declared ship type per MMSI from ``vessels`` (``sql/ship_types.sql``), folded by
    :func:`~maritime.detect.fishing.fold_ship_types`; empty without a vessels table."""
    from maritime.detect.fishing import fold_ship_types

    try:
        tb = con.sql(sql("ship_types")).to_arrow_table()
    except duckdb.CatalogException:
        return {}
    return fold_ship_types(tb.column("mmsi").to_numpy(), tb.column("ship_type").to_numpy(), config.fishing)


def _fingerprint(config: DetectConfig, zone_rows: list[ZoneRow]) -> str:
    z = hashlib.sha1(json.dumps(zone_rows, sort_keys=True).encode()).hexdigest()[:16]
    return f"{config.fingerprint()}-{z}"


# ---------------------------------------------------------------------------------------------
# the run


def _plan(con: Connection, now: float, fp: str, rc: RunnerConfig) -> tuple[Plan, dict[int, int]]:
    """The window to recompute (see :mod:`maritime.detect.planning`) and the hourly counts."""
    rows = con.execute(LAST_RUN).fetchall()
    prev = rows[0] if rows else None
    prev_to, prev_cfg = (prev[0], json.loads(prev[1]) if prev[1] else {}) if prev else (None, {})
    hist_since = utc(history_since(now, rc))
    hourly = {int(h): int(n) for h, n in con.execute(sql("hourly_counts"), {"since": hist_since}).fetchall()}
    upto = None
    if prev_to is not None:
        upto = con.execute(COUNT_UPTO, [utc(prev_to) if prev_to else EPOCH0]).fetchall()[0][0]
    plan = plan_window(now, prev_to, prev_cfg, fp, hourly, upto, rc)
    if not plan.full:
        row = con.execute(
            OLDEST_OPEN_EVENT,
            [utc(plan.recompute), utc(plan.recompute), utc(now - rc.max_window_hours * 3600.0)],
        ).fetchall()[0]
        plan = widen(plan, None if not row or row[0] is None else float(row[0]))
    return plan, hourly


def run_detection(con: Connection, zones: ZonesArg = None, config: DetectConfig | None = None) -> DetectSummary:
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
        _write(con, Reconciliation(), zone_rows, RunRecord(cfg, fp, t_start))
        summary.seconds = time.perf_counter() - t_start
        return summary
    now = now_row[0] / 1e6
    before = stored_points(con, cfg)
    anchorages = refresh_anchorages(con, cfg, int(now_row[0]))  # learned from the data (incremental)
    plan, hourly = _plan(con, now, fp, cfg.runner)
    plan = replan(con, plan, before, anchorages.points, cfg, now)  # events new anchorages can change

    # --- detect
    correlate_pending(con, cfg)
    since = utc(plan.read_since(cfg.runner.context_hours * 3600.0))
    tr = read_tracks(con, since, cfg, now)
    tr.anchorages = anchorages.points
    found = detect_all(tr, cfg, zone_list, read_identity_changes(con, since), read_ship_types(con, cfg))
    found += contact_events_since(con, tr, since, zone_list, cfg)
    assign_zones(found, zone_list)

    # --- replace the stored events of the window
    stored = con.execute(
        sql("events_in_window"),
        {
            "from": EPOCH0 if plan.full else utc(max(plan.window_from, 0.0)),
            "recompute": EPOCH0 if plan.full else utc(max(plan.recompute, 0.0)),
        },
    ).fetchall()
    rec = reconcile(found, stored, plan)
    data_from = None if plan.full else utc(max(plan.window_from, 0.0))
    record = RunRecord(cfg, fp, t_start, data_from, utc(now), len(tr), hourly, _count_upto(con, now))
    summary.written = _write(con, rec, zone_rows, record)
    summary.deleted = rec.deleted
    summary.unchanged = rec.unchanged
    summary.data_from = data_from
    summary.data_to = utc(now)
    summary.positions = len(tr)
    summary.segments = tr.n_segments
    summary.full = plan.full
    summary.reason = plan.reason
    summary.by_kind_zone = {
        (k, z): n for k, z, n in con.execute("SELECT kind, zone, count(*) FROM events GROUP BY ALL").fetchall()
    }
    summary.seconds = time.perf_counter() - t_start
    return summary


def _count_upto(con: Connection, now: float) -> int:
    return int(con.execute(COUNT_UPTO, [utc(now)]).fetchall()[0][0])


@dataclass
class RunRecord:
    """The bookkeeping row of a run (``detect_runs``): what the next run plans from."""

    config: DetectConfig
    fingerprint: str
    t_start: float  #: perf_counter at the start of the run
    data_from: datetime | None = None  #: start of the recomputed window (None: everything)
    data_to: datetime | None = None  #: latest data time
    positions: int = 0  #: reports read
    hourly: dict[int, int] = field(default_factory=dict)  #: reports per UTC hour (late-data check)
    positions_upto: int = 0  #: reports stored at or before data_to

    def config_json(self) -> str:
        return json.dumps(
            {
                "fingerprint": self.fingerprint,
                "positions_upto": self.positions_upto,
                "hourly": {str(k): v for k, v in self.hourly.items()},
                "thresholds": self.config.to_dict(),
            }
        )


def _write(con: Connection, rec: Reconciliation, zone_rows: list[ZoneRow], run: RunRecord) -> int:
    """All writes of a run, in one transaction; returns the number of event rows inserted."""
    from maritime.store.database import StoreError

    wall = datetime.now(UTC)
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            existing = con.execute("SELECT name, description, geojson FROM zones ORDER BY name").fetchall()
            if sorted(existing) != sorted(zone_rows):
                con.execute("DELETE FROM zones")
                if zone_rows:
                    con.executemany("INSERT INTO zones (name, description, geojson) VALUES (?, ?, ?)", zone_rows)
            if rec.to_delete:
                con.execute(DELETE_EVENTS, [rec.to_delete])
            if rec.to_insert:
                _insert_events(con, rec.to_insert, wall)
            con.execute(
                INSERT_RUN,
                [
                    wall,
                    run.data_from,
                    run.data_to,
                    run.positions,
                    len(rec.to_insert),
                    round(time.perf_counter() - run.t_start, 3),
                    run.config_json(),
                ],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    except duckdb.Error as exc:
        raise StoreError(f"cannot write events: {str(exc).splitlines()[0]}") from None
    return len(rec.to_insert)


def _insert_events(con: Connection, rows: list[tuple[Any, ...]], wall: datetime) -> None:
    """Insert event ``rows`` (:meth:`Event.row` values) stamped ``wall``, as one Arrow table in
    one statement (DuckDB's ``executemany`` costs ~5 ms a row)."""
    cols = list(zip(*rows)) + [[wall] * len(rows)]
    tb = pa.table({n: pa.array(c, type=ty) for n, c, ty in zip(EVENT_COLUMNS, cols, EVENT_ARROW_TYPES)})
    names = ", ".join(EVENT_COLUMNS)
    con.register("_maritime_new_events", tb)
    try:
        con.execute(f"INSERT INTO events ({names}) SELECT {names} FROM _maritime_new_events")
    finally:
        con.unregister("_maritime_new_events")


def store_events(
    con: Connection,
    events: list[Event],
    zones: ZonesArg = None,
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
    rec = Reconciliation(to_delete=existing, to_insert=[e.row() for e in events])
    fp = "cluster-" + _fingerprint(cfg, zone_rows)
    return _write(con, rec, zone_rows, RunRecord(cfg, fp, t_start, None, None if now is None else utc(now), positions))
