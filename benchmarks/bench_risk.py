"""Analytics benchmark: prints figures (not a test).

    python benchmarks/bench_risk.py [--positions 10000000] [--vessels 5000] [--rebuild]

1. Dataset: the months-long scenario (``maritime.scenario.months``) straight into DuckDB:
   5,000 vessels, 13 weeks, 10 million positions and their events. Cached in
   ``benchmarks/out/risk_months.duckdb``.
2. Risk for every vessel (a full update) and a 7-day forecast over the Eastern Pacific at 0.1°,
   in a fresh process. Target: < 30 s together on 2 cores.
3. Incremental risk update after one detection cycle (20 events rewritten), and a cycle with
   nothing new. Target: < 1 s.
4. The partner brief over the last 7 days, in a fresh process (land layer read included).
   Target: < 10 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "out"
DATA = OUT / "risk_months.duckdb"


def build(path: Path, positions: int, vessels: int) -> None:
    from maritime.analytics.outcomes_store import record_outcomes
    from maritime.scenario.months import MonthsConfig, write_months
    from maritime.store.database import Store

    t = time.perf_counter()
    tmp = path.with_suffix(".tmp.duckdb")
    tmp.unlink(missing_ok=True)
    store = Store(tmp)
    cfg = MonthsConfig(
        seed=11, weeks=13, n_vessels=vessels, n_sites=300, background_per_day=150.0,
        fleet_rendezvous_per_day=20.0, positions=positions,
    )  # fmt: skip
    truth = write_months(store.con, cfg)
    record_outcomes(store.con, truth.outcomes)
    store.con.execute("CHECKPOINT")
    n = store.con.execute("SELECT (SELECT count(*) FROM positions), (SELECT count(*) FROM events)").fetchall()[0]
    store.close()
    tmp.replace(path)
    print(f"dataset: {n[0]:,} positions, {n[1]:,} events, {vessels:,} vessels in {time.perf_counter() - t:.0f} s")


def phase_full(db: str) -> None:
    from maritime.analytics.hotspots_store import write_forecast
    from maritime.analytics.risk_store import update_risk
    from maritime.store.database import Store

    store = Store(db)
    store.con.execute("DELETE FROM vessel_risk") if _has(store, "vessel_risk") else None
    t = time.perf_counter()
    u = update_risk(store.con, full=True)
    risk_s = time.perf_counter() - t
    t = time.perf_counter()
    run = write_forecast(store.con, "7d")
    fc_s = time.perf_counter() - t
    print(
        json.dumps(
            {
                "risk_s": risk_s,
                "vessels": u.recomputed,
                "forecast_s": fc_s,
                "cells": sum(len(s.cells) for s in run.slices),
            }
        )
    )


def _has(store, table: str) -> bool:
    q = "SELECT count(*) FROM information_schema.tables WHERE table_name = ?"
    return bool(store.con.execute(q, [table]).fetchall()[0][0])


def phase_incremental(db: str) -> None:
    from datetime import UTC, datetime

    from maritime.analytics.risk_store import update_risk
    from maritime.store.database import Store

    store = Store(db)
    con = store.con
    update_risk(con)  # warm (the first call of a process reads the schema)
    t = time.perf_counter()
    update_risk(con)
    idle_s = time.perf_counter() - t
    # a detection cycle rewrites the 20 latest events (extends them), as detect does
    con.execute(
        "UPDATE events SET end_time = end_time + INTERVAL 1 MINUTE, updated_at = ? WHERE event_id IN "
        "(SELECT event_id FROM events ORDER BY start_time DESC LIMIT 20)",
        [datetime.now(UTC)],
    )
    t = time.perf_counter()
    u = update_risk(con)
    dt = time.perf_counter() - t
    print(json.dumps({"cycle_s": dt, "recomputed": u.recomputed, "written": u.written, "idle_s": idle_s}))


def phase_brief(db: str) -> None:
    from datetime import timedelta

    from maritime.analytics.brief_store import write_brief
    from maritime.store.database import Store

    store = Store(db)
    out = OUT / "brief.html"
    t = time.perf_counter()
    write_brief(store.con, timedelta(days=7), out)
    print(json.dumps({"brief_s": time.perf_counter() - t, "bytes": out.stat().st_size}))


def child(phase: str, db: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--db", db], capture_output=True, text=True, env=env
    )
    if r.returncode:
        sys.exit(r.stderr)
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--positions", type=int, default=10_000_000)
    ap.add_argument("--vessels", type=int, default=5000)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--phase")
    ap.add_argument("--db")
    a = ap.parse_args()
    if a.phase:
        {"full": phase_full, "incremental": phase_incremental, "brief": phase_brief}[a.phase](a.db)
        return
    OUT.mkdir(parents=True, exist_ok=True)
    if a.rebuild or not DATA.exists():
        build(DATA, a.positions, a.vessels)
    work = OUT / "risk_work.duckdb"
    shutil.copy(DATA, work)
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")
    f = child("full", str(work))
    print(f"risk, full ({f['vessels']:,} vessels): {f['risk_s']:.2f} s; 7-day forecast at 0.1° "
          f"({f['cells']:,} cells kept): {f['forecast_s']:.2f} s; together {f['risk_s'] + f['forecast_s']:.2f} s "
          "(target < 30 s)")  # fmt: skip
    i = child("incremental", str(work))
    print(f"risk, one detection cycle (20 events rewritten): {i['cycle_s']:.2f} s, {i['recomputed']} vessels "
          f"recomputed, {i['written']} scores changed; a cycle with nothing new: {i['idle_s']:.2f} s "
          "(target < 1 s)")  # fmt: skip
    b = child("brief", str(work))
    print(f"brief, last 7 days: {b['brief_s']:.2f} s, {b['bytes'] / 1e6:.2f} MB (target < 10 s)")
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")
    work.unlink()


if __name__ == "__main__":
    main()
