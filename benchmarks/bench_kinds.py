"""Cost of issue 13's detectors (zone_entry, speed_range, position_anomaly, identity_change):
prints figures (not a test).

    python benchmarks/bench_kinds.py [--sizes 1000000,2000000,4000000] [--vessels 500]

Data: one day of the project's scenario generator (``--vessels`` vessels in the Eastern
Pacific, realistic tracks and reception), tiled in place to each size: copy ``i`` is the same
day with every MMSI renamed (same MID, so a valid MMSI) and positions moved ~11 m per copy,
so every copy is new vessels (no duplicate positions, no teleports between copies). Identity
history: one first-seen name per vessel, and a name change for one vessel in twenty.

Timed (wall clock, one process): the new detectors only, on tracks already prepared (the
segmentation is shared with the existing detectors and not counted): zone entries in every
bundled zone, speed ranges watched in EVERY zone (the worst case; by default none), the
per-vessel position anomalies (teleports, on land, MMSIs), the shared-position inputs and
check, identity changes and claimed size changes. One-time costs (the shore-distance kernel's
compilation, which a full run pays anyway in loitering, and the zone rasters) are paid in a
warm-up first and printed apart. The 10M figure is extrapolated from the
largest size measured (the passes are linear or n log n). Wall and CPU time are both printed:
the detectors are single-threaded, so on a machine shared with other work the process's CPU
time is the wall time an idle core would take. Target: < 20 s at 10M on 2 cores.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def one_day(vessels: int, seed: int = 11) -> dict[str, Any]:
    """Position columns (numpy) of one scenario day."""
    import pyarrow as pa

    from maritime.scenario import ScenarioConfig, build_scenario
    from maritime.scenario.positions import position_tables

    sc = build_scenario(ScenarioConfig(seed=seed, hours=24, n_vessels=vessels))
    tb = pa.concat_tables(list(position_tables(sc)))
    return {
        "mmsi": tb.column("mmsi").to_numpy().astype(np.int64),
        "t": tb.column("t_us").to_numpy() / 1e6,
        "lat": tb.column("lat").to_numpy(),
        "lon": tb.column("lon").to_numpy(),
        "sog": tb.column("sog").to_numpy(zero_copy_only=False).astype(np.float32),
    }


def tiled(day: dict[str, Any], n: int) -> dict[str, Any]:
    """``day`` repeated until ``n`` reports: copy i renames every MMSI (same MID) and moves
    every position i * 1e-4 degrees north-east."""
    k = int(np.ceil(n / len(day["t"])))
    _, rank = np.unique(day["mmsi"], return_inverse=True)
    mid = day["mmsi"] // 1_000_000
    out: dict[str, list[Any]] = {c: [] for c in day}
    for i in range(k):
        mm = day["mmsi"] if i == 0 else mid * 1_000_000 + 100_000 + i * 1000 + rank
        out["mmsi"].append(mm)
        out["t"].append(day["t"])
        out["lat"].append(day["lat"] + i * 1e-4)
        out["lon"].append(day["lon"] + i * 1e-4)
        out["sog"].append(day["sog"])
    return {c: np.concatenate(v)[:n] for c, v in out.items()}


def identity_rows(mmsi: Any, t: Any) -> list[tuple[int, float, str, str, str | None]]:
    um, first = np.unique(mmsi, return_index=True)
    rows: list[tuple[int, float, str, str, str | None]] = []
    for k, (m, i) in enumerate(zip(um.tolist(), first.tolist())):
        rows.append((m, float(t[i]), "name", f"VESSEL {m}", None))
        if k % 20 == 0:
            rows.append((m, float(t[i]) + 3600.0, "name", f"RENAMED {m}", f"VESSEL {m}"))
    return rows


def measure(cols: dict[str, Any]) -> dict[str, float]:
    from maritime.detect.compose import identity_events
    from maritime.detect.config import load_config
    from maritime.detect.identity_change import IdentityChanges
    from maritime.detect.inputs import zones_rows
    from maritime.detect.position_anomaly import (
        detect_position_anomalies,
        detect_shared_positions,
        shared_inputs,
    )
    from maritime.detect.speed_range import detect_speed_range
    from maritime.detect.tracks import prepare_tracks
    from maritime.detect.zone_entry import detect_zone_entries

    cfg = load_config()
    cfg = dataclasses.replace(cfg, speed_range=dataclasses.replace(cfg.speed_range, zones=("*",)))
    zones, _ = zones_rows(None)
    tr = prepare_tracks(cols["mmsi"], cols["t"], cols["lat"], cols["lon"], sog=cols["sog"], config=cfg.tracks)
    changes = IdentityChanges.from_rows(identity_rows(cols["mmsi"], cols["t"]))
    out: dict[str, float] = {}
    cpu: dict[str, float] = {}
    counts: dict[str, int] = {}

    def timed(name: str, fn: Any) -> Any:
        t0, c0 = time.perf_counter(), time.process_time()
        r = fn()
        out[name] = time.perf_counter() - t0
        cpu[name] = time.process_time() - c0
        if isinstance(r, list):
            counts[name] = len(r)
        return r

    timed("zone_entry", lambda: detect_zone_entries(tr, zones, cfg.zone_entry))
    timed("speed_range (all zones)", lambda: detect_speed_range(tr, zones, cfg.speed_range))
    timed("position_anomaly per vessel", lambda: detect_position_anomalies(tr, cfg.tracks, cfg.position_anomaly))
    inputs = timed("shared-position inputs", lambda: shared_inputs(tr, cfg.position_anomaly))
    timed("shared-position check", lambda: detect_shared_positions(inputs, cfg.position_anomaly))
    timed("identity changes", lambda: identity_events(tr, changes, cfg))
    out["TOTAL"] = sum(out.values())
    cpu["TOTAL"] = sum(cpu.values())
    for k, v in cpu.items():
        out["_cpu " + k] = v
    out["_positions"] = float(len(tr))
    out["_held"] = float(len(inputs["t"]))
    print("  events: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()), flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000000,2000000,4000000")
    ap.add_argument("--vessels", type=int, default=500)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    t0 = time.perf_counter()
    day = one_day(args.vessels)
    print(f"one scenario day: {len(day['t']):,} reports of {args.vessels} vessels in {time.perf_counter() - t0:.0f} s")
    t0 = time.perf_counter()
    measure(tiled(day, 20_000))
    print(
        f"warm-up on 20,000 reports (shore-grid kernel compiled, zone rasters built): {time.perf_counter() - t0:.1f} s"
    )
    results = []
    for n in sizes:
        cols = tiled(day, n)
        print(f"\n{n:,} positions ({len(np.unique(cols['mmsi'])):,} MMSIs):", flush=True)
        r = measure(cols)
        print(f"  {'':<30} {'wall':>9} {'CPU':>9}")
        for k, v in r.items():
            if not k.startswith("_"):
                print(f"  {k:<30} {v:7.2f} s {r['_cpu ' + k]:7.2f} s")
        print(f"  (reports held at one point, the shared-position input: {int(r['_held']):,})")
        print(f"  load average: {os.getloadavg()[0]:.2f}")
        results.append((n, r["TOTAL"], r["_cpu TOTAL"]))
    n_max, t_max, c_max = results[-1]
    print(
        "\nscaling (wall / CPU s per million positions): "
        + ", ".join(f"{n / 1e6:g}M {t / (n / 1e6):.2f} / {c / (n / 1e6):.2f}" for n, t, c in results)
    )
    print(
        f"extrapolated to 10M positions: wall {t_max * 1e7 / n_max:.1f} s, CPU {c_max * 1e7 / n_max:.1f} s "
        "(target < 20 s on 2 cores; on a busy machine the CPU time is what an idle core would take)"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
