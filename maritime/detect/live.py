"""Live detection, the DuckDB adapter of ``maritime serve``'s cycles: each cycle reads only the
reports stored since the last one and writes only the events that changed.

What a cycle recomputes is decided by the pure :mod:`maritime.detect.increment`; the window it
starts from, the reconciliation with the stored events and the bookkeeping row are those of
:mod:`maritime.detect.runner`, so the events are those :func:`~maritime.detect.runner.run_detection`
would write and a later ``maritime detect`` continues from the live cycles. New reports are
found by row id (the order of ingest), not by time, so late data is never missed. Data time
only: "now" is the latest position time, never the wall clock.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from maritime.detect.anchorage_store import refresh_anchorages, replan, stored_points
from maritime.detect.compose import identity_events
from maritime.detect.config import DetectConfig
from maritime.detect.contact_runner import contact_events_since, correlate_pending
from maritime.detect.events import Event, assign_zones, details_json, utc
from maritime.detect.increment import LiveState
from maritime.detect.inputs import Columns, position_columns, zones_rows
from maritime.detect.planning import NormRow, Plan, history_since, norm_row, reconcile
from maritime.detect.runner import (
    EPOCH0,
    Connection,
    DetectSummary,
    RunRecord,
    _fingerprint,
    _plan,
    _write,
    read_identity_changes,
    read_ship_types,
    sql,
    use_settings,
)

# live detection (maritime serve): cycles that follow new data (the pure part is maritime.detect.increment)

#: Rows stored (count, last row id, latest data time in µs): one snapshot.
STORED = "SELECT count(*), max(rowid), epoch_us(max(ts)) FROM positions"
#: Kinds whose details JSON a live cycle reuses for the events it keeps (:meth:`LiveDetection._details_texts`).
MEMO_KINDS = frozenset({"loitering", "dark_period", "rendezvous", "identity_conflict", "fishing", "speed_range"})
#: A live window is re-read from the database after this many hours of data time (bounds its memory).
LIVE_REBASE_HOURS = 6.0


@dataclass
class LiveSummary(DetectSummary):
    """What one live cycle did (:class:`DetectSummary` and the cycle's own figures)."""

    new_positions: int = 0  #: reports stored since the last cycle
    vessels: int = 0  #: vessels with new reports
    affected: int = 0  #: vessels whose loitering, conflicts and rendezvous were recomputed


#: Value types :func:`same_flat` compares (``bool`` is told apart from ``int`` by type).
_FLAT = (str, int, float, bool, type(None))


def same_flat(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether details ``a`` and ``b`` give the same :func:`details_json`, for flat details
    (string, number, boolean or null values): the same keys, and values of the same type that
    are equal (and of the same sign, for zeros). False when unsure (nested values)."""
    if len(a) != len(b):
        return False
    for k, x in a.items():
        if k not in b:
            return False
        y = b[k]
        if type(x) is not type(y) or type(x) not in _FLAT or x != y:
            return False
        if type(x) is float and x == 0.0 and math.copysign(1.0, x) != math.copysign(1.0, y):
            return False
    return True


def _copy(e: Event) -> Event:
    """A shallow copy of ``e`` (its details dict shared: nothing after detection changes it)."""
    c = object.__new__(Event)
    c.__dict__.update(e.__dict__)
    return c


class RowMemo:
    """The ``events`` rows (:meth:`Event.row`) and their comparable forms
    (:func:`~maritime.detect.planning.norm_row`) of the last cycle, reused for events and stored
    rows that come again with the same values (most of them: what did not change)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self.norms: dict[tuple[Any, ...], NormRow] = {}
        self._rows: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self._norms: dict[tuple[Any, ...], NormRow] = {}

    def row(self, e: Event, details: str) -> tuple[Any, ...]:
        """``e.row(details)``."""
        key = (e.kind, e.mmsi, e.other_mmsi, e.start, e.end, e.lat, e.lon, e.zone, e.confidence, details)
        r = self.rows.get(key)
        if r is None:
            r = e.row(details)
        self._rows[key] = r
        return r

    def norm(self, row: Sequence[Any]) -> NormRow:
        """``norm_row(row)``."""
        key = tuple(row)
        n = self.norms.get(key)
        if n is None:
            n = norm_row(row)
        self._norms[key] = n
        return n

    def roll(self) -> None:
        """Keep only what this cycle used."""
        self.rows, self.norms, self._rows, self._norms = self._rows, self._norms, {}, {}


class LiveDetection:
    """Incremental detection for a live process: each :meth:`cycle` reads only the reports
    stored since the last one (by row id, the order of ingest, not by time), updates the
    :class:`~maritime.detect.increment.LiveState` kept in memory and writes only the events
    that changed. It reads the window again (as :func:`run_detection` plans it) on the first
    cycle, when the zones or thresholds change, when rows were deleted, when late data falls
    before the window or a new receiver appears, and every :data:`LIVE_REBASE_HOURS` of data.
    The events are those :func:`run_detection` would write."""

    def __init__(self, con: Connection, rebase_hours: float = LIVE_REBASE_HOURS) -> None:
        self.con = con
        self.rebase_hours = rebase_hours
        self.state: LiveState | None = None
        self.fingerprint = ""
        self.plan = Plan(True, "first run")
        self.count = 0  #: rows stored at the last cycle
        self.rowid = -1  #: last row id read
        self.hourly: dict[int, int] = {}
        self.base_now = 0.0  #: data time of the last full read
        #: details JSON of the last cycle's events, by the identity of their details dict
        self.details_memo: dict[int, tuple[dict[str, Any], str]] = {}
        #: details JSON of the last cycle's events, by (kind, MMSI, other MMSI, start)
        self.details_by_key: dict[tuple[Any, ...], tuple[dict[str, Any], str]] = {}
        self.rows = RowMemo()  #: events rows and their comparable forms of the last cycle

    def cycle(self) -> LiveSummary:
        """One cycle with the zones and thresholds stored in the database (:func:`use_settings`).
        A cycle that fails (or is interrupted) leaves the next one to read the window again."""
        try:
            return self._cycle()
        except BaseException:
            self.state = None
            raise

    def _cycle(self) -> LiveSummary:
        from maritime.store.database import StoreError
        from maritime.store.database import sql as store_sql

        t_start = time.perf_counter()
        con = self.con
        settings = use_settings(con)
        cfg = settings.config
        zone_list, zone_rows = zones_rows(settings.zones)
        fp = _fingerprint(cfg, zone_rows)
        try:
            con.execute(store_sql("schema_events"))
            count, upto, now_us = con.execute(STORED).fetchall()[0]
        except duckdb.CatalogException:
            raise StoreError("the database has no positions table: run `maritime ingest` first") from None
        summary = LiveSummary()
        if not count:
            return summary
        now = now_us / 1e6
        before = stored_points(con, cfg)
        learned = refresh_anchorages(con, cfg, int(now_us)).points  # incremental, as run_detection
        new, why = None, "first cycle" if self.state is None else ""
        if self.state is not None and fp != self.fingerprint:
            why = "zones or thresholds changed"
        elif self.state is not None and not np.array_equal(learned, self.state.anchorages):
            why = "learned anchorages changed"
        elif self.state is not None and now - self.base_now >= self.rebase_hours * 3600.0:
            why = f"{self.rebase_hours:g} h of data since the window was read"
        elif self.state is not None:
            new, names = self._read(-1e18, self.rowid, upto)
            if count != self.count + len(new["t"]):
                why = "rows deleted"
            elif names:
                why = f"new receiver {names[0]}"
            elif len(new["t"]) and new["t"].min() < self.state.start:
                why = "late data older than the window"
        if why:
            summary.full = self._rebase(cfg, fp, now, upto, zone_list, before, learned)
            assert self.state is not None
            summary.reason = f"window read again ({why}): {self.plan.reason}"
        else:
            assert self.state is not None and new is not None
            self.state.ship_types = read_ship_types(con, cfg)
            if len(new["t"]):
                self.state.update(new, now)
            for h, n in zip(*np.unique((new["t"] // 3600).astype(np.int64), return_counts=True)):
                self.hourly[int(h)] = self.hourly.get(int(h), 0) + int(n)
        self.count, self.rowid = int(count), int(upto)
        since_dt = utc(max(self.plan.read_since(cfg.runner.context_hours * 3600.0), 0.0))
        fleet = identity_events(self.state.tracks, read_identity_changes(con, since_dt), cfg)
        found = self.state.events(fleet)
        correlate_pending(con, cfg)
        found += contact_events_since(con, self.state.tracks, since_dt, zone_list, cfg)
        texts = self._details_texts(found)
        found = [_copy(e) for e in found]  # reconcile may move starts, assign_zones sets zones
        text_of = {id(c.details): t for c, t in zip(found, texts)}
        assign_zones(found, zone_list)
        plan = self.plan
        stored = con.execute(
            sql("events_in_window"),
            {
                "from": EPOCH0 if plan.full else utc(max(plan.window_from, 0.0)),
                "recompute": EPOCH0 if plan.full else utc(max(plan.recompute, 0.0)),
            },
        ).fetchall()
        rows = self.rows
        rec = reconcile(found, stored, plan, row=lambda e: rows.row(e, text_of[id(e.details)]), norm=rows.norm)
        rows.roll()
        since = history_since(now, cfg.runner)
        hourly = {h: n for h, n in self.hourly.items() if h * 3600 >= since - 3600}
        data_from = None if plan.full else utc(max(plan.window_from, 0.0))
        st = self.state.stats
        record = RunRecord(cfg, fp, t_start, data_from, utc(now), st.new_reports, hourly, self.count)
        summary.written = _write(con, rec, zone_rows, record)
        summary.deleted, summary.unchanged = rec.deleted, rec.unchanged
        summary.data_from, summary.data_to, summary.positions = data_from, utc(now), len(self.state.tracks)
        summary.reason = summary.reason or "live cycle"
        summary.new_positions, summary.vessels, summary.affected = st.new_reports, st.vessels, st.affected
        summary.seconds = time.perf_counter() - t_start
        return summary

    def _details_texts(self, found: list[Event]) -> list[str]:
        """The details JSON of each event, reused for the events of :data:`MEMO_KINDS` kept from
        the last cycle (the same objects: those detectors never change an event's details once
        made; position anomalies and identity changes merge others into theirs) and for those
        found again with the same flat details (:func:`same_flat`; most events of the vessels
        with new reports)."""
        memo: dict[int, tuple[dict[str, Any], str]] = {}
        by_key: dict[tuple[Any, ...], tuple[dict[str, Any], str]] = {}
        out = []
        for e in found:
            if e.kind not in MEMO_KINDS:
                out.append(details_json(e.details))
                continue
            key = (e.kind, e.mmsi, e.other_mmsi, e.start)
            hit = self.details_memo.get(id(e.details))
            if hit is None or hit[0] is not e.details:
                hit = self.details_by_key.get(key)
                if hit is None or not same_flat(hit[0], e.details):
                    hit = (e.details, details_json(e.details))
                else:
                    hit = (e.details, hit[1])
            memo[id(e.details)] = hit
            by_key[key] = hit
            out.append(hit[1])
        self.details_memo = memo  # only this cycle's events (they hold their dicts alive)
        self.details_by_key = by_key
        return out

    def _rebase(
        self,
        cfg: DetectConfig,
        fp: str,
        now: float,
        upto: int,
        zone_list: list[tuple[str, Any]],
        before: npt.NDArray[np.float64],
        anchorages: npt.NDArray[np.float64],
    ) -> bool:
        """Read the window again (planned as :func:`run_detection` plans it); True when it is
        everything."""
        plan, self.hourly = _plan(self.con, now, fp, cfg.runner)
        plan = replan(self.con, plan, before, anchorages, cfg, now)  # events the learned anchorages change
        cols, names = self._read(plan.read_since(cfg.runner.context_hours * 3600.0), -1, upto, all_names=True)
        self.state = LiveState(
            cols, names, cfg, now, zones=zone_list, anchorages=anchorages, ship_types=read_ship_types(self.con, cfg)
        )
        self.plan, self.fingerprint, self.base_now = plan, fp, now
        return plan.full

    def _read(self, since: float, after: int, upto: int, all_names: bool = False) -> tuple[Columns, list[str]]:
        """Reports with ``since <= t`` and a row id in (after, upto] (:data:`COLUMNS`) and the
        receiver names: all of them (``all_names``, numbered in name order as
        ``read_positions.sql`` does), else those the window does not know yet."""
        tb = self.con.sql(
            sql("live_positions"), params={"since": utc(max(since, 0.0)), "after": after, "upto": upto}
        ).to_arrow_table()
        st = tb.column("station")
        known = [] if all_names or self.state is None else self.state.station_names
        seen = sorted({s for s in pc.unique(st).to_pylist() if s is not None})
        names = seen if all_names else [s for s in seen if s not in set(known)]
        codes = pc.index_in(st, value_set=pa.array(seen if all_names else known, pa.string()))
        tb = tb.append_column("station_code", codes.cast(pa.int32()))
        cols = position_columns(tb)
        cols["hash"] = tb.column("payload_hash").to_numpy().astype(np.uint64)
        return cols, names
