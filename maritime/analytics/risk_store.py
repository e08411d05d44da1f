"""The DuckDB adapter of vessel risk: reads events, identity changes, flags and watch lists,
scores with :mod:`maritime.analytics.risk` and appends changed scores to ``vessel_risk``.

:func:`update_risk` is incremental: it recomputes the vessels whose events (by
``events.updated_at``, the wall clock of the detection run that wrote them) or identity
changes are new since the last update, re-propagates association over the whole encounter
network (cheap: one row per rendezvous), and appends a row only for vessels whose score or
factors changed. A vessel whose score rests on an event that detection has since deleted, or
that was scored as watch-listed, is scored again too (``risk_changed.sql``), so a score never
keeps evidence that is gone. ``full=True`` (``maritime risk --full``) scores every vessel.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from maritime.analytics.risk import (
    EVENT_FACTORS,
    EventRow,
    FactorScore,
    VesselFacts,
    VesselRisk,
    is_reserve,
    propagate,
    score_vessels,
    vessel_base,
)


def sql(name: str) -> str:
    """The text of ``maritime/analytics/sql/<name>.sql``."""
    return resources.files("maritime.analytics").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def ensure_risk_schema(cur: duckdb.DuckDBPyConnection) -> None:
    """Create the risk tables and views (idempotent)."""
    if not _rows(cur, "SELECT 1 FROM information_schema.tables WHERE table_name = 'vessel_risk_factors'"):
        cur.execute(sql("schema_risk"))


@dataclass
class RiskUpdate:
    """What an update did: vessels recomputed, rows appended, seconds."""

    recomputed: int
    written: int
    seconds: float

    def line(self) -> str:
        return f"risk: {self.recomputed} vessels recomputed, {self.written} scores changed in {self.seconds:.2f} s"


def _rows(cur: duckdb.DuckDBPyConnection, query: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    return cur.execute(query, params or {}).fetchall()


def _events(rows: list[tuple[Any, ...]]) -> list[EventRow]:
    return [
        EventRow(
            str(r[0]),
            str(r[1]),
            int(r[2]),
            None if r[3] is None else int(r[3]),
            float(r[4]),
            None if r[5] is None else float(r[5]),
            r[6],
            float(r[7]),
        )  # fmt: skip
        for r in rows
    ]


def watch_tables(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """Tables that hold watch lists: a name containing ``watch`` and an ``mmsi`` column (the
    watch-list feature names its table; risk reads any such table)."""
    rows = _rows(
        cur,
        "SELECT DISTINCT table_name FROM information_schema.columns "
        "WHERE column_name = 'mmsi' AND table_name ILIKE '%watch%' AND table_schema = 'main' ORDER BY 1",
    )
    return [str(r[0]) for r in rows]


def _watched(cur: duckdb.DuckDBPyConnection) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for t in watch_tables(cur):
        for (m,) in _rows(cur, f'SELECT DISTINCT mmsi FROM "{t}" WHERE mmsi IS NOT NULL'):
            out.setdefault(int(m), []).append(f"watch:{t}")
    return out


def _latest(cur: duckdb.DuckDBPyConnection) -> dict[int, tuple[float, float]]:
    """mmsi → (score, base) of the current scores."""
    df = cur.execute("SELECT mmsi, score, base FROM vessel_risk_latest").df()
    return dict(zip(df.mmsi.tolist(), zip(df.score.tolist(), df.base.tolist())))


def _factors_of(cur: duckdb.DuckDBPyConnection, mmsis: list[int]) -> dict[int, str]:
    """mmsi → factors JSON of the current scores of ``mmsis``."""
    q = "SELECT mmsi, factors FROM vessel_risk_latest WHERE list_contains($m, mmsi)"
    return {int(m): str(f) for m, f in _rows(cur, q, {"m": mmsis})}


def _rebuild(mmsi: int, base: float, factors: str) -> VesselRisk:
    """A stored score without its association factor (to re-propagate)."""
    fs = [
        FactorScore(f["factor"], f["evidence"], f["strength"], f["contribution"], list(f["refs"]))
        for f in json.loads(factors)
        if f["factor"] != "association"
    ]
    return VesselRisk(mmsi, base, 0.0, base, fs)


def update_risk(cur: duckdb.DuckDBPyConnection, full: bool = False) -> RiskUpdate:
    """Bring ``vessel_risk`` up to date with the stored events (see the module doc)."""
    t0 = time.perf_counter()
    ensure_risk_schema(cur)
    state = _rows(cur, "SELECT events_updated_at, identity_ts FROM risk_state")
    ev_since, id_since = (None, None) if full or not state else state[0]
    marks = _rows(cur, "SELECT (SELECT max(updated_at) FROM events), (SELECT max(ts) FROM identity_history)")[0]
    as_of_row = _rows(cur, "SELECT max(coalesce(end_time, start_time)) FROM events")[0][0]
    as_of = as_of_row.timestamp() if as_of_row is not None else 0.0
    watched = _watched(cur)
    changed = {
        int(r[0])
        for r in _rows(
            cur,
            sql("risk_changed"),
            {"events_since": ev_since, "identity_since": id_since, "event_factors": list(EVENT_FACTORS)},
        )
    }
    changed |= set(watched)
    latest = _latest(cur)
    if full:
        changed |= set(latest) | {int(r[0]) for r in _rows(cur, "SELECT mmsi FROM vessels")}
    targets = pd.DataFrame({"mmsi": np.array(sorted(changed), dtype=np.int32)})
    cur.register("_risk_targets", targets)
    cur.execute("CREATE OR REPLACE TEMP TABLE risk_targets AS SELECT mmsi FROM _risk_targets")
    cur.unregister("_risk_targets")
    events = _events(_rows(cur, sql("risk_events")))
    by_vessel: dict[int, list[EventRow]] = {m: [] for m in changed}
    for e in events:
        for m in {e.mmsi, e.other_mmsi}:
            if m in by_vessel:
                by_vessel[m].append(e)
    changes: dict[int, list[str]] = {}
    for m, fld, ts in _rows(cur, sql("risk_identity_changes")):
        changes.setdefault(int(m), []).append(f"identity_history:{fld}:{ts}")
    flags = {int(m): c for m, c in _rows(cur, sql("risk_flags"))}
    mids = {int(m): str(c) for m, c in _rows(cur, "SELECT mid, country FROM mid_flags")}
    reserves = frozenset(str(n) for n, d in _rows(cur, "SELECT name, description FROM zones") if is_reserve(n, d))
    bases: dict[int, VesselRisk] = {}
    for m in changed:
        facts = VesselFacts(changes.get(m, ()), flags.get(m), watched.get(m, ()))
        bases[m] = vessel_base(m, by_vessel[m], facts, mids, reserves, as_of)
    edges = {(int(a), int(b)): (float(n), list(ids)) for a, b, n, ids in _rows(cur, sql("risk_edges"))}
    base_of = {m: b for m, (_, b) in latest.items()} | {m: v.base for m, v in bases.items()}
    assoc = propagate(base_of, edges)
    moved = [
        m for m, (score, _, _) in assoc.items() if m not in bases and m in latest and abs(latest[m][0] - score) > 1e-9
    ]
    old_factors = _factors_of(cur, sorted(set(moved) | set(bases)))
    for m in moved:  # unchanged vessels whose partners' risk moved
        bases[m] = _rebuild(m, latest[m][1], old_factors[m])
    scored = score_vessels(bases, edges, assoc)
    now = datetime.now(UTC)
    as_of_ts = datetime.fromtimestamp(as_of, UTC) if as_of_row is not None else None
    out = []
    for m, v in scored.items():
        factors = json.dumps([f.as_dict() for f in v.factors], ensure_ascii=False)
        old = latest.get(m)
        if old is None or abs(old[0] - v.score) > 1e-9 or json.loads(old_factors.get(m, "null")) != json.loads(factors):
            out.append((m, as_of_ts, now, v.score, v.base, v.association, factors))
    cur.execute("BEGIN")
    try:
        if out:
            cols = ["mmsi", "as_of", "computed_at", "score", "base", "association", "factors"]
            frame = pd.DataFrame(out, columns=cols).astype({"mmsi": "int32"})
            cur.register("_risk_rows", frame)
            cur.execute(f"INSERT INTO vessel_risk ({', '.join(cols)}) SELECT {', '.join(cols)} FROM _risk_rows")
            cur.execute("DELETE FROM vessel_risk_latest WHERE mmsi IN (SELECT mmsi FROM _risk_rows)")
            cur.execute(f"INSERT INTO vessel_risk_latest ({', '.join(cols)}) SELECT {', '.join(cols)} FROM _risk_rows")
            cur.unregister("_risk_rows")
        cur.execute("DELETE FROM risk_state")
        cur.execute("INSERT INTO risk_state VALUES (?, ?)", [marks[0], marks[1]])
        cur.execute("COMMIT")
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    return RiskUpdate(len(changed), len(out), time.perf_counter() - t0)


def top_risk(cur: duckdb.DuckDBPyConnection, n: int = 20) -> list[dict[str, Any]]:
    """The ``n`` highest current scores: mmsi, name, flag, score, base, association, as_of, factors."""
    ensure_risk_schema(cur)
    cols = ("mmsi", "name", "flag", "score", "base", "association", "as_of", "factors")
    return [{**dict(zip(cols, r)), "factors": json.loads(r[7])} for r in _rows(cur, sql("risk_top"), {"n": n})]


def vessel_risk(cur: duckdb.DuckDBPyConnection, mmsi: int) -> dict[str, Any] | None:
    """A vessel's current score (score, base, association, as_of, factors), or None when it
    has none (or risk was never computed in this database). Reads only: safe on any cursor."""
    if not _rows(cur, "SELECT 1 FROM information_schema.tables WHERE table_name = 'vessel_risk_latest'"):
        return None
    row = cur.execute(sql("risk_vessel"), {"mmsi": mmsi}).fetchone()
    if row is None:
        return None
    return {"score": row[0], "base": row[1], "association": row[2], "as_of": row[3], "factors": json.loads(row[4])}
