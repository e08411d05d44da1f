"""Live detection cycle benchmark: prints figures (not a test).

    python benchmarks/bench_cycle.py [--minutes 5] [--vessels 2760] [--rebuild]

1. Dataset: one day of a regional feed, ~1 million position reports (``--vessels`` 2,760 at the
   generator's ~362 reports per vessel and day), made by the project's scenario generator and
   written straight into DuckDB with numpy (as ``bench_detect.py`` does). Cached in
   ``benchmarks/out/cycle_day.duckdb``; the last ``--minutes`` + 1 minutes are held back in a
   side table.
2. Full detection over every stored report (``run_detection`` from nothing): its time.
3. The live loop of ``maritime serve``: :class:`maritime.detect.live.LiveDetection` starts on
   the stored day (one full cycle, not timed), then one minute of held-back data is appended
   at a time and one cycle is timed after each (the first minute warms up). Prints the median
   and 95th percentile cycle time. Target: < 1 s.
4. Checks that the events after the cycles equal one full run over the same data.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "out"
DATA = OUT / "cycle_day.duckdb"
#: Minutes held back from the generated day (the cycles append them one at a time).
HELD_MINUTES = 16

EVENTS = (
    "SELECT event_id, kind, mmsi, other_mmsi, epoch(start_time), epoch(end_time), round(lat, 6), round(lon, 6), "
    "zone, round(confidence, 3), CAST(details AS VARCHAR) FROM events ORDER BY event_id"
)


def build_dataset(path: Path, vessels: int, seed: int = 23) -> None:
    """Generate one day of ``vessels`` vessels into ``path`` (positions + held-back minutes)."""
    import duckdb

    from maritime.scenario import ScenarioConfig, build_scenario
    from maritime.scenario.positions import insert_positions, position_tables
    from maritime.store.database import SCHEMA_FILES, sql

    t = time.perf_counter()
    sc = build_scenario(ScenarioConfig(seed=seed, hours=24.0, n_vessels=vessels))
    print(f"scenario: {vessels} vessels, 24 h, built in {time.perf_counter() - t:.0f} s", flush=True)
    tmp = path.with_suffix(".tmp.duckdb")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    for name in SCHEMA_FILES:
        con.execute(sql(name))
    n = 0
    for tbl in position_tables(sc):
        n += insert_positions(con, tbl)
    con.execute(
        f"CREATE TABLE held_back AS SELECT * FROM positions WHERE ts > (SELECT max(ts) FROM positions) "
        f"- INTERVAL {HELD_MINUTES * 60} SECOND"
    )
    con.execute(
        f"DELETE FROM positions WHERE ts > (SELECT max(ts) FROM positions) - INTERVAL {HELD_MINUTES * 60} SECOND"
    )
    con.execute("CHECKPOINT")
    con.close()
    tmp.replace(path)
    print(f"dataset: {n:,} positions in {time.perf_counter() - t:.0f} s -> {path}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=int, default=5)
    ap.add_argument("--vessels", type=int, default=2760)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--build-only", action="store_true")
    a = ap.parse_args()
    if a.minutes + 1 > HELD_MINUTES:
        raise SystemExit(f"--minutes at most {HELD_MINUTES - 1}")
    OUT.mkdir(parents=True, exist_ok=True)
    if a.rebuild or not DATA.exists():
        build_dataset(DATA, a.vessels)
    if a.build_only:
        return 0
    return run(a.minutes)


def run(minutes: int) -> int:
    import duckdb

    from maritime.detect.live import LiveDetection
    from maritime.detect.runner import run_detection

    work = OUT / "cycle_work.duckdb"
    shutil.copy(DATA, work)
    con = duckdb.connect(str(work))
    n, nv = con.execute("SELECT count(*), count(DISTINCT mmsi) FROM positions").fetchall()[0]
    print(f"stored: {n:,} positions of {nv:,} MMSIs; {os.cpu_count()} cores; load {os.getloadavg()[0]:.2f}")
    t0 = con.execute("SELECT min(ts) FROM held_back").fetchall()[0][0]

    live = LiveDetection(con)
    t = time.perf_counter()
    live.cycle()
    print(f"first cycle (full run, loads the state): {time.perf_counter() - t:.2f} s")
    times: list[float] = []
    cpu: list[float] = []
    new_rows: list[int] = []
    for i in range(minutes + 1):
        k = con.execute(
            "INSERT INTO positions SELECT * FROM held_back WHERE ts >= ? + to_seconds(?) AND ts < ? + to_seconds(?)",
            [t0, 60 * i, t0, 60 * (i + 1)],
        ).fetchall()[0][0]
        t, c = time.perf_counter(), time.process_time()
        s = live.cycle()
        dt, dc = time.perf_counter() - t, time.process_time() - c
        print(
            f"  minute {i + 1}: {k:,} new positions, {s.vessels:,} vessels touched, {s.affected:,} re-detected, "
            f"{s.written} written, {s.deleted} removed: {dt:.3f} s ({dc:.3f} s CPU)"
            f"{' (warm-up)' if i == 0 else ''}"
        )
        if i:
            times.append(dt)
            cpu.append(dc)
            new_rows.append(k)
    live_events = con.execute(EVENTS).fetchall()
    con.execute("DELETE FROM events")
    con.execute("DELETE FROM detect_runs")
    t, c = time.perf_counter(), time.process_time()
    run_detection(con)
    full_s, full_cpu = time.perf_counter() - t, time.process_time() - c
    full_events = con.execute(EVENTS).fetchall()
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(
        f"cycle after one more minute ({statistics.median(new_rows):,.0f} new positions): median "
        f"{statistics.median(times):.3f} s, p95 {p95:.3f} s over {len(times)} cycles (median CPU "
        f"{statistics.median(cpu):.3f} s); full run {full_s:.2f} s ({full_cpu:.2f} s CPU); "
        f"load {os.getloadavg()[0]:.2f}"
    )
    same = live_events == full_events
    print(f"events after the cycles equal a full run: {same} ({len(live_events):,} vs {len(full_events):,})")
    if not same:
        a, b = set(live_events), set(full_events)
        for r in sorted(a - b)[:5]:
            print("  live only:", r)
        for r in sorted(b - a)[:5]:
            print("  full only:", r)
    con.close()
    work.unlink(missing_ok=True)
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
