"""Detection benchmark: prints figures (not a test).

    python benchmarks/bench_detect.py [--positions 10000000] [--rebuild]

1. Dataset: a month of a regional feed, ~10 million position reports of 1,000 vessels, made
   by the project's scenario generator (realistic tracks, shore stations, satellite passes,
   reception loss, a shared MMSI, injected events) and written straight into DuckDB with
   numpy (no NMEA round trip). Cached in ``benchmarks/out/detect_month.duckdb``; the last
   minute of data is held back in a side table for step 3.
2. Full detection (every detector over every report) in a child process: wall time and peak
   memory (max RSS). Targets: < 60 s, < 4 GB on 2 cores.
3. Incremental detection after one more minute of live data is appended. Target: < 1 s.
4. movingpandas' TrajectoryStopDetector beside our loitering pass on one subset: points/s and
   the ratio.

``--regions`` instead: a day of ~1M positions in the Eastern Pacific and one in northern Europe
(the generator's ``north_sea`` region: WPI ports, anchorages, transits), cached in
``benchmarks/out/detect_region_<name>.duckdb``; a full run of every detector (learned
anchorages included) over each, in a child process: seconds and microseconds per position.
Target: < 5 s each on 2 cores, the same per-position cost. ``MARITIME_CODE=DIR`` runs the
code of another checkout (e.g. main, for a before/after figure) on the same data.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, os.environ.get("MARITIME_CODE", str(ROOT)))
OUT = ROOT / "benchmarks" / "out"
DATA = OUT / "detect_month.duckdb"


def build_dataset(path: Path, target: int, seed: int = 11, vessels: int = 1000) -> None:
    """Generate ~``target`` position reports into ``path`` (positions + held-back last minute)."""
    import duckdb

    from maritime.scenario import ScenarioConfig, build_scenario
    from maritime.scenario.positions import insert_positions, position_tables
    from maritime.store.database import SCHEMA_FILES, sql

    per_day = 362_000 * vessels / 1000  # measured rate of the generator's mix
    hours = max(24.0, round(target / per_day * 24.0))
    t = time.perf_counter()
    sc = build_scenario(ScenarioConfig(seed=seed, hours=hours, n_vessels=vessels))
    print(f"scenario: {vessels} vessels, {hours:.0f} h, built in {time.perf_counter() - t:.0f} s", flush=True)
    tmp = path.with_suffix(".tmp.duckdb")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    for name in SCHEMA_FILES:
        con.execute(sql(name))
    n = 0
    for tbl in position_tables(sc):
        k = insert_positions(con, tbl)
        n += k
        print(f"\r  {n:,} positions", end="", flush=True)
    print()
    # hold back the last two minutes for the incremental step (one to warm up, one timed)
    con.execute(
        "CREATE TABLE held_back AS SELECT * FROM positions WHERE ts > (SELECT max(ts) FROM positions) "
        "- INTERVAL 120 SECOND"
    )
    con.execute("DELETE FROM positions WHERE ts > (SELECT max(ts) FROM positions) - INTERVAL 120 SECOND")
    con.execute("CHECKPOINT")
    con.close()
    tmp.replace(path)
    print(f"dataset: {n:,} positions in {time.perf_counter() - t:.0f} s -> {path}", flush=True)


def full_detection(db: str):
    """Forget stored events, detect over every report as ``maritime detect`` does (its DuckDB
    memory cap); returns (connection, summary, seconds)."""
    import duckdb

    from maritime.detect.cli import DETECT_DUCKDB_MEMORY
    from maritime.detect.runner import run_detection

    con = duckdb.connect(db)
    con.execute(f"SET memory_limit = '{DETECT_DUCKDB_MEMORY}'")
    con.execute("DELETE FROM events")
    con.execute("DELETE FROM detect_runs")
    for table in ("anchorage_refresh", "anchorage_visits", "anchorages", "anchorage_cells"):
        con.execute(f"DROP TABLE IF EXISTS {table}")  # learned from scratch, as in a first run
    t = time.perf_counter()
    s = run_detection(con)
    return con, s, time.perf_counter() - t


def phase_full(db: str) -> None:
    """(child) Full detection over every report."""
    c = time.process_time()
    con, s, dt = full_detection(db)
    cpu = time.process_time() - c
    try:  # the learned-anchorage refresh inside it (absent before that step existed)
        anc = con.execute("SELECT seconds FROM anchorage_refresh").fetchall()[0][0]
    except Exception:
        anc = None
    try:  # a refresh again with no new position: nothing to learn
        from maritime.detect.anchorage_store import refresh_anchorages
        from maritime.detect.config import load_config

        t = time.perf_counter()
        refresh_anchorages(con, load_config())
        anc_again = time.perf_counter() - t
    except Exception:
        anc_again = None
    kinds = {}
    for (k, _), c in s.by_kind_zone.items():
        kinds[k] = kinds.get(k, 0) + c
    print(
        json.dumps(
            {
                "seconds": dt,
                "cpu_seconds": cpu,
                "positions": s.positions,
                "segments": s.segments,
                "events": kinds,
                "anchorages_seconds": anc,
                "anchorages_again_seconds": anc_again,
                "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def phase_incremental(db: str) -> None:
    """(child) One more minute of live data, then incremental detection."""
    import duckdb

    from maritime.detect.runner import run_detection

    con = duckdb.connect(db)
    # a long-running process (`maritime serve`) has its reference rasters loaded: one minute
    # warms up, the next is timed
    t_split = con.execute("SELECT min(ts) + INTERVAL 60 SECOND FROM held_back").fetchall()[0][0]
    con.execute("INSERT INTO positions SELECT * FROM held_back WHERE ts < ?", [t_split])
    t = time.perf_counter()
    run_detection(con)
    warm = time.perf_counter() - t
    n = con.execute("SELECT count(*) FROM held_back WHERE ts >= ?", [t_split]).fetchall()[0][0]
    con.execute("INSERT INTO positions SELECT * FROM held_back WHERE ts >= ?", [t_split])
    t, c = time.perf_counter(), time.process_time()
    s = run_detection(con)
    dt, cpu = time.perf_counter() - t, time.process_time() - c
    t = time.perf_counter()
    s2 = run_detection(con)
    dt2 = time.perf_counter() - t
    print(
        json.dumps(
            {
                "seconds": dt,
                "cpu_seconds": cpu,
                "warm_up_seconds": warm,
                "new_positions": n,
                "positions_read": s.positions,
                "written": s.written,
                "deleted": s.deleted,
                "reason": s.reason,
                "again_seconds": dt2,
                "again_written": s2.written,
            }
        )
    )


def phase_movingpandas(db: str, n_points: int) -> None:
    """(child) movingpandas TrajectoryStopDetector vs our loitering on the same subset."""
    import warnings

    import duckdb
    import geopandas as gpd
    import pandas as pd

    warnings.filterwarnings("ignore")
    import movingpandas as mpd

    from maritime.detect.loitering import detect_loitering
    from maritime.detect.tracks import prepare_tracks

    con = duckdb.connect(db, read_only=True)
    df = con.sql(
        "SELECT mmsi, epoch_us(ts) AS t_us, lat, lon, sog, cog, msg_type FROM positions "
        "WHERE mmsi IN (SELECT mmsi FROM positions GROUP BY mmsi ORDER BY hash(mmsi) LIMIT 400) "
        "ORDER BY mmsi, ts"
    ).df()
    # the first n_points reports of those vessels (whole tracks)
    df = df.iloc[:n_points]
    from maritime.reference import coast

    coast.distance_to_shore_km(np.array([0.0]), np.array([-85.0]))  # load the rasters first (once per process)
    coast.distance_to_port_km(np.array([0.0]), np.array([-85.0]))
    t = time.perf_counter()
    tr = prepare_tracks(
        df.mmsi.values,
        df.t_us.values / 1e6,
        df.lat.values,
        df.lon.values,
        df.sog.values.astype(float),
        df.cog.values.astype(float),
        df.msg_type.values,
    )
    ours_ev = detect_loitering(tr)
    ours = time.perf_counter() - t
    gdf = gpd.GeoDataFrame(
        {"mmsi": df.mmsi.values, "t": pd.to_datetime(df.t_us.values, unit="us")},
        geometry=gpd.points_from_xy(df.lon.values, df.lat.values),
        crs="EPSG:4326",
    )
    t = time.perf_counter()
    tc = mpd.TrajectoryCollection(gdf, "mmsi", t="t")
    stops = mpd.TrajectoryStopDetector(tc).get_stop_segments(min_duration=pd.Timedelta(hours=2), max_diameter=1000)
    mp = time.perf_counter() - t
    print(
        json.dumps({"points": len(df), "ours_s": ours, "ours_events": len(ours_ev), "mp_s": mp, "mp_stops": len(stops)})
    )


def child(phase: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", phase, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    if out.returncode != 0:
        print(out.stderr)
        raise SystemExit(f"phase {phase} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--positions", type=int, default=10_000_000)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--mp-points", type=int, default=20_000)
    ap.add_argument("--regions", action="store_true", help="1M positions in two regions (see above)")
    ap.add_argument("--region-positions", type=int, default=1_000_000)
    ap.add_argument("--phase")
    ap.add_argument("args", nargs="*")
    a = ap.parse_args()
    if a.phase == "full":
        phase_full(*a.args)
        return 0
    if a.phase == "incremental":
        phase_incremental(*a.args)
        return 0
    if a.phase == "movingpandas":
        phase_movingpandas(a.args[0], int(a.args[1]))
        return 0

    OUT.mkdir(parents=True, exist_ok=True)
    if a.regions:
        return regions(a.region_positions, a.rebuild)
    if a.rebuild or not DATA.exists():
        build_dataset(DATA, a.positions)
    work = OUT / "detect_work.duckdb"
    shutil.copy(DATA, work)
    import duckdb

    con = duckdb.connect(str(work), read_only=True)
    n, nv, t0, t1 = con.execute("SELECT count(*), count(DISTINCT mmsi), min(ts), max(ts) FROM positions").fetchall()[0]
    con.close()
    print(f"dataset: {n:,} positions, {nv:,} MMSIs, {t0:%Y-%m-%d} .. {t1:%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores")

    full = child("full", str(work))
    print(
        f"full detection:        {full['seconds']:.1f} s ({full['cpu_seconds']:.1f} s CPU) "
        f"for {full['positions']:,} positions "
        f"({full['positions'] / full['seconds'] / 1e6:.2f} M positions/s), {full['segments']:,} segments, "
        f"peak memory {full['maxrss_mb']:,.0f} MB"
    )
    print(f"  events: {full['events']}")
    inc = child("incremental", str(work))
    print(
        f"incremental (+1 min):  {inc['seconds']:.2f} s ({inc['cpu_seconds']:.2f} s CPU) "
        f"for {inc['new_positions']:,} new positions "
        f"(first minute in a fresh process, loading the coast rasters: {inc['warm_up_seconds']:.2f} s) "
        f"({inc['positions_read']:,} re-read; {inc['written']} events written, {inc['deleted']} removed; "
        f"{inc['reason']}); same data again: {inc['again_seconds']:.2f} s, {inc['again_written']} written"
    )
    mp = child("movingpandas", str(work), str(a.mp_points))
    print(
        f"loitering vs movingpandas on {mp['points']:,} points: ours {mp['ours_s']:.3f} s "
        f"({mp['points'] / mp['ours_s']:,.0f} points/s, tracks + loitering, {mp['ours_events']} events); "
        f"TrajectoryStopDetector {mp['mp_s']:.1f} s ({mp['points'] / mp['mp_s']:,.0f} points/s, "
        f"{mp['mp_stops']} stops); ratio {mp['mp_s'] / mp['ours_s']:.0f}x"
    )
    work.unlink(missing_ok=True)
    return 0


#: Regions of ``--regions``: scenario region and position reports per vessel-day it yields
#: (measured on the generator's mixes: stationary ships report every ~3 min).
REGIONS = {"eastern_pacific": 362.0, "north_sea": 560.0}


def build_region(path: Path, region: str, target: int, seed: int = 11) -> None:
    """A day of ~``target`` positions of ``region`` into ``path``."""
    import duckdb

    from maritime.scenario import ScenarioConfig, build_scenario
    from maritime.scenario.positions import insert_positions, position_tables
    from maritime.store.database import SCHEMA_FILES, sql

    vessels = int(round(target / REGIONS[region]))
    t = time.perf_counter()
    sc = build_scenario(ScenarioConfig(seed=seed, hours=24.0, n_vessels=vessels, region=region))
    tmp = path.with_suffix(".tmp.duckdb")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    for name in SCHEMA_FILES:
        con.execute(sql(name))
    n = sum(insert_positions(con, tbl) for tbl in position_tables(sc))
    con.execute("CHECKPOINT")
    con.close()
    tmp.replace(path)
    print(f"{region}: {vessels} vessels, {n:,} positions, built in {time.perf_counter() - t:.0f} s", flush=True)


def regions(target: int, rebuild: bool) -> int:
    """``--regions``: full detection over a day of ~``target`` positions in each region."""
    import duckdb

    code = os.environ.get("MARITIME_CODE", str(ROOT))
    print(f"code: {code}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
    for region in REGIONS:
        data = OUT / f"detect_region_{region}.duckdb"
        if rebuild or not data.exists():
            build_region(data, region, target)
        work = OUT / f"detect_region_{region}_work.duckdb"
        shutil.copy(data, work)
        con = duckdb.connect(str(work), read_only=True)
        n, nv = con.execute("SELECT count(*), count(DISTINCT mmsi) FROM positions").fetchall()[0]
        con.close()
        full = child("full", str(work))
        load = os.getloadavg()[0]
        print(
            f"{region:<16} {n:>9,} positions, {nv:,} MMSIs: all detectors {full['seconds']:.2f} s "
            f"({full['seconds'] / n * 1e6:.2f} us/position; CPU {full['cpu_seconds']:.2f} s), "
            f"peak memory {full['maxrss_mb']:,.0f} MB, "
            f"events {full['events']}, learned-anchorage refresh {full.get('anchorages_seconds')} s "
            f"(again with nothing new: {full.get('anchorages_again_seconds') or 0:.3f} s), "
            f"load average {load:.2f}",
            flush=True,
        )
        work.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
