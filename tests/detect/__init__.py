"""Helpers shared by the detection tests: positions tables, scenarios, scoring.

The detectors and these tests use the real :mod:`maritime.reference.coast`.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "ais-corpus"
#: The bundled real recording (``sample_db`` in conftest.py is it, ingested).
SAMPLE = REPO / "fixtures" / "ais" / "eastern_pacific_sample.nmea.gz"
#: Every stored event, comparable across databases.
EVENT_ROWS = (
    "SELECT event_id, kind, mmsi, other_mmsi, start_time, end_time, lat, lon, zone, confidence, "
    "CAST(details AS VARCHAR) FROM events ORDER BY event_id"
)


# ---------------------------------------------------------------------------------------------
# positions tables


def write_positions(con: duckdb.DuckDBPyConnection, rows) -> None:
    """Append rows (mmsi, t UTC seconds or datetime, lat, lon[, sog[, cog[, msg_type]]]) to the
    ``positions`` table (created with the project's schema when missing)."""
    from maritime.store.database import SCHEMA_FILES, sql

    for name in SCHEMA_FILES:
        con.execute(sql(name))
    import pandas as pd

    df = pd.DataFrame(rows)
    cols = ["mmsi", "t", "lat", "lon", "sog", "cog", "msg_type"]
    df.columns = cols[: df.shape[1]]
    if "sog" not in df:
        df["sog"] = np.nan
    if "cog" not in df:
        df["cog"] = np.nan
    if "msg_type" not in df:
        df["msg_type"] = 1
    if not pd.api.types.is_numeric_dtype(df["t"]):
        df["t"] = [
            x.timestamp()
            if isinstance(x, datetime)
            else datetime.fromisoformat(str(x).replace("Z", "+00:00")).timestamp()
            for x in df["t"]
        ]
    df["t_us"] = (df["t"].astype(float) * 1e6).round().astype("int64")
    df["payload_hash"] = np.arange(len(df), dtype=np.uint64) + np.uint64(
        con.execute("SELECT count(*) FROM positions").fetchall()[0][0]
    )
    con.register("_rows", df)
    con.execute("""
        INSERT INTO positions (mmsi, ts, lat, lon, sog, cog, msg_type, n_stations, payload_hash, run_id)
        SELECT mmsi::INTEGER, make_timestamptz(t_us), lat, lon, sog::REAL, cog::REAL, msg_type::TINYINT, 1,
               payload_hash::UBIGINT, 0
        FROM _rows""")
    con.unregister("_rows")


def utc_s(text: str) -> float:
    """UTC seconds of an ISO 8601 time."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).timestamp()


# ---------------------------------------------------------------------------------------------
# scenarios and scoring

TRUTH_KIND = {
    "loitering": "loitering",
    "dark": "dark_period",
    "rendezvous": "rendezvous",
    "shared_mmsi": "identity_conflict",
}


def scenario_db(tmp: Path, seed: int, hours: float = 24.0, n_vessels: int = 200) -> tuple[Path, dict]:
    """Generate, write and ingest a scenario; returns (database path, truth)."""
    from maritime.ingest.options import IngestOptions
    from maritime.ingest.recordings import ingest_paths
    from maritime.scenario import ScenarioConfig, write_recording
    from maritime.store.database import Store

    rec = tmp / f"s{seed}_{int(hours)}h.nmea"
    db = tmp / f"s{seed}_{int(hours)}h.duckdb"
    truth = write_recording(rec, ScenarioConfig(seed=seed, hours=hours, n_vessels=n_vessels), compresslevel=1)
    store = Store(db)
    try:
        ingest_paths(store, [str(rec)], IngestOptions(progress=False))
    finally:
        store.close()
    rec.unlink()
    return db, truth


def events_of(con) -> list[dict]:
    rows = con.execute(
        "SELECT kind, mmsi, other_mmsi, epoch(start_time), epoch(end_time), lat, lon, zone, confidence, details "
        "FROM events ORDER BY start_time"
    ).fetchall()
    return [
        dict(
            kind=r[0],
            mmsi=r[1],
            other_mmsi=r[2],
            start=r[3],
            end=r[4],
            lat=r[5],
            lon=r[6],
            zone=r[7],
            confidence=r[8],
            details=json.loads(r[9]) if r[9] else {},
        )
        for r in rows
    ]


def _match(ev: dict, tr: dict, kind: str, now: float) -> bool:
    if ev["kind"] != kind:
        return False
    if kind == "rendezvous":
        if {ev["mmsi"], ev["other_mmsi"]} != {tr["mmsi"], tr["other_mmsi"]}:
            return False
    elif ev["mmsi"] != tr["mmsi"]:
        return False
    t0, t1 = utc_s(tr["start"]), utc_s(tr["end"])
    e1 = ev["end"] if ev["end"] is not None else now
    return ev["start"] <= t1 and e1 >= t0


def score(
    events: list[dict], truths: list[dict], min_confidence: float = 0.5, now: float | None = None
) -> dict[str, dict]:
    """Precision / recall per kind. A detection matches a truth of the same kind, same MMSI (or
    pair), overlapping time; the zone is checked separately (``zone_ok``)."""
    now = now if now is not None else max([e["end"] or e["start"] for e in events] + [0])
    out = {}
    for tkind, kind in TRUTH_KIND.items():
        tr = [t for t in truths if t["kind"] == tkind]
        ev = [e for e in events if e["kind"] == kind and e["confidence"] >= min_confidence]
        found = [any(_match(e, t, kind, now) for e in ev) for t in tr]
        ok_ev = [any(_match(e, t, kind, now) for t in tr) for e in ev]
        zone_ok = [any(_match(e, t, kind, now) and e["zone"] == t["zone"] for e in ev) for t in tr]
        out[kind] = {
            "truth": len(tr),
            "detected": len(ev),
            "true_positive": sum(ok_ev),
            "recall": sum(found) / len(tr) if tr else 1.0,
            "precision": sum(ok_ev) / len(ev) if ev else 1.0,
            "zone_ok": sum(zone_ok) / len(tr) if tr else 1.0,
            "missed": [t for t, f in zip(tr, found) if not f],
            "false": [e for e, o in zip(ev, ok_ev) if not o],
        }
    return out


# ---------------------------------------------------------------------------------------------
# synthetic tracks for unit tests

#: 2025-01-15T00:00:00Z
T0 = 1736899200.0


def straight(
    mmsi: int,
    lat: float,
    lon: float,
    t0: float,
    hours: float,
    interval_s: float,
    speed_kn: float = 0.0,
    course: float = 90.0,
    msg_type: int = 1,
    jitter_m: float = 5.0,
    seed: int = 0,
    sog: float | None = None,
) -> list[tuple]:
    """Reports of a vessel sailing straight (or drifting/stopped with speed 0), with a few
    metres of position noise: rows (mmsi, t, lat, lon, sog, cog, msg_type)."""
    from maritime.geodesy import destination

    rng = np.random.default_rng(seed + mmsi % 1000)
    n = int(hours * 3600 / interval_s) + 1
    t = t0 + np.arange(n) * interval_s
    d = speed_kn * 1.852 * (t - t0) / 3600.0
    la, lo = destination(lat, lon, course, d)
    la = la + rng.normal(0, jitter_m / 111_000, n)
    lo = lo + rng.normal(0, jitter_m / 111_000, n)
    s = speed_kn if sog is None else sog
    return [(mmsi, float(tt), float(a), float(b), float(s), float(course), msg_type) for tt, a, b in zip(t, la, lo)]


def tracks_of(rows, **kw):
    """:class:`Tracks` of rows made by :func:`straight` (station unknown)."""
    from maritime.detect.tracks import prepare_tracks

    a = np.array([r[:4] for r in rows], dtype=float)
    sog = np.array([r[4] for r in rows], dtype=float)
    cog = np.array([r[5] for r in rows], dtype=float)
    mt = np.array([r[6] for r in rows])
    return prepare_tracks(a[:, 0].astype(np.int64), a[:, 1], a[:, 2], a[:, 3], sog, cog, mt, **kw)


def copy_db(src: Path, tmp_path: Path) -> Path:
    """A copy of database ``src`` in ``tmp_path`` (tests write to the copy)."""
    dst = tmp_path / "copy.duckdb"
    shutil.copy(src, dst)
    return dst
