"""Apparent-fishing benchmark: prints figures (not a test).

    python benchmarks/bench_fishing.py [--positions 2000000] [--db FILE] [--repeat 3]

1. A fleet where every vessel is a fishing candidate and most of them fish (the worst case
   for the detector: every report reaches the window features and most windows reach the
   run rules): the scenario generator's labelled fishing tracks of each gear and transits at
   fishing speeds (``maritime.scenario.fishing.fishing_positions``), 72 h per vessel, as many
   vessels as give ``--positions`` reports. Tracks are prepared once (shared by every
   detector in a run and not counted); ``detect_fishing`` is timed ``--repeat`` times.
2. With ``--db FILE``: the positions of a maritime DuckDB database (e.g. the 10 M month of
   ``benchmarks/out/detect_month.duckdb`` that ``bench_detect.py`` builds), read and prepared
   as the runner does, then ``detect_fishing`` timed over them with the stored ship types.

The issue's target is that all new detectors together add < 20 s to a full detection run
over 10 M positions on 2 cores. Note the load average printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def _time_detector(tr, types, repeat: int) -> tuple[float, float, list]:  # type: ignore[no-untyped-def]
    """Best wall time and best CPU time (this process, all threads) of ``repeat`` runs. On a
    shared machine the CPU time is the figure to compare: the wall time grows with the load."""
    from maritime.detect.fishing import detect_fishing

    best, cpu, events = float("inf"), float("inf"), []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        events = detect_fishing(tr, ship_types=types)
        best = min(best, time.perf_counter() - t)
        cpu = min(cpu, time.process_time() - c)
    return best, cpu, events


def synthetic(positions: int, repeat: int) -> None:
    from maritime.detect.tracks import prepare_tracks
    from maritime.scenario.fishing import fishing_positions

    t = time.perf_counter()
    parts, types, n, seed = [], {}, 0, 100
    while n < positions:
        cols, ty, _ = fishing_positions(seed, hours=72.0, per_gear=20, transits=40)
        parts.append(cols)
        types.update(ty)
        n += len(cols["t"])
        seed += 1
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    gen = time.perf_counter() - t
    t = time.perf_counter()
    tr = prepare_tracks(cols["mmsi"], cols["t"], cols["lat"], cols["lon"], cols["sog"], cols["cog"], cols["msg_type"])
    prep = time.perf_counter() - t
    best, cpu, events = _time_detector(tr, types, repeat)
    gears: dict[str, int] = {}
    for e in events:
        gears[e.details["gear"]] = gears.get(e.details["gear"], 0) + 1
    print(f"synthetic fishing fleet: {len(tr):,} positions, {tr.n_segments:,} vessels (generated in {gen:.1f} s)")
    print(f"  track preparation (shared, not counted): {prep:.2f} s")
    print(
        f"  detect_fishing: wall {best:.2f} s, CPU {cpu:.2f} s (best of {repeat}) = "
        f"{len(tr) / cpu / 1e6:.2f} M positions per CPU-second; {len(events):,} events {gears}"
    )
    print(f"  10 M positions at that rate: {10e6 / (len(tr) / cpu):.1f} CPU-s; {_load()}")


def database(path: str, repeat: int) -> None:
    import duckdb

    from maritime.detect.config import load_config
    from maritime.detect.events import utc
    from maritime.detect.runner import read_ship_types, read_tracks

    cfg = load_config()
    con = duckdb.connect(path, read_only=True)
    now = con.execute("SELECT epoch_us(max(ts)) FROM positions").fetchall()[0][0] / 1e6
    t = time.perf_counter()
    tr = read_tracks(con, utc(0.0), cfg, now)
    types = read_ship_types(con, cfg)
    prep = time.perf_counter() - t
    con.close()
    best, cpu, events = _time_detector(tr, types, repeat)
    print(f"database {path}: {len(tr):,} positions, {tr.n_segments:,} segments, {len(types):,} declared types")
    print(f"  read + track preparation (shared, not counted): {prep:.1f} s")
    print(f"  detect_fishing: wall {best:.2f} s, CPU {cpu:.2f} s (best of {repeat}); {len(events):,} events; {_load()}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--positions", type=int, default=2_000_000, help="synthetic positions (default 2,000,000)")
    ap.add_argument("--db", help="also time over the positions of this maritime DuckDB database")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-synthetic", action="store_true", help="only the --db figure")
    a = ap.parse_args()
    print(_load())
    if not a.no_synthetic:
        synthetic(a.positions, a.repeat)
    if a.db:
        database(a.db, a.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
