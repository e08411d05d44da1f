"""Cost of issue 13's detectors (zone_entry, speed_range, fishing, position_anomaly,
identity_change): prints figures (not a test).

    python benchmarks/bench_kinds.py --positions 10000000   # the issue-13 figure
    python benchmarks/bench_kinds.py [--sizes 1000000,2000000,4000000] [--vessels 500]

``--positions N`` (the issue-13 figure, "all new detectors over 10M positions add under 20 s
to a full detection run"): a month of a regional feed made as ``bench_detect.py`` makes it
(the scenario generator, seed 11, 1,000 vessels of its Eastern Pacific mix — fishing boats,
cargo, tankers, tugs, passenger ships... — with shore stations, satellite passes and
reception loss, for as many hours as give ~N reports), generated once in a child process and
cached in ``benchmarks/out/kinds_month_<N>[_<H>h].npz``. Then, in one process, the tracks are
prepared once and every stage of a full detection run (:func:`maritime.detect.compose.detect_all`:
loitering, dark periods, rendezvous, identity conflicts, and the new kinds) is timed apart,
wall and CPU (``time.process_time``), so the run's time with and without the new detectors is
their sum with and without the new stages. Two fleets: *declared types* (each vessel's AIS
ship type from the scenario: fishing, not-available and "other" vessels are the fishing
candidates) and *worst case* (no static report at all: every vessel is a candidate, as in a
database with positions only). Zone entries and speed ranges watch EVERY bundled zone (the
worst case; by default none is watched). ``--new-only`` skips the existing detectors (the new
stage over the same tracks). Peak memory (max RSS) of the measuring process is printed.
``--hours H`` generates at most H hours and tiles them to N (each copy other MMSIs of the
same MIDs, positions moved ~11 m), for a busy machine: ``--hours 168`` (a week, 2.5 M
reports) generates in about a quarter of the time of the whole month (~2 min on a quiet
2-core machine), which is what the README's figure uses.

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
import subprocess
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


def renamed(mid: Any, i: int, rank: Any) -> Any:
    """MMSIs of copy ``i`` (same MID, distinct across copies for up to 20,000 vessels)."""
    return mid * 1_000_000 + 100_000 + i * 20_000 + rank


def tiled(day: dict[str, Any], n: int) -> dict[str, Any]:
    """``day`` repeated until ``n`` reports: copy i renames every MMSI (same MID) and moves
    every position i * 1e-4 degrees north-east."""
    k = int(np.ceil(n / len(day["t"])))
    _, rank = np.unique(day["mmsi"], return_inverse=True)
    mid = day["mmsi"] // 1_000_000
    out: dict[str, list[Any]] = {c: [] for c in day}
    for i in range(k):
        mm = day["mmsi"] if i == 0 else renamed(mid, i, rank)
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


def month(target: int, out: Path, max_hours: float, seed: int = 11, vessels: int = 1000) -> None:
    """(child) ~``target`` reports of ``vessels`` vessels, as ``bench_detect.build_dataset``
    makes them, saved to ``out`` (npz: columns, station names, ship types, now)."""

    from maritime.scenario import ScenarioConfig, build_scenario
    from maritime.scenario.positions import position_tables

    per_day = 362_000 * vessels / 1000  # bench_detect's measured rate of the generator's mix
    hours = min(max(24.0, round(target / per_day * 24.0)), max_hours)
    t0 = time.perf_counter()
    sc = build_scenario(ScenarioConfig(seed=seed, hours=hours, n_vessels=vessels))
    cols: dict[str, list[Any]] = {c: [] for c in ("mmsi", "t", "lat", "lon", "sog", "cog", "msg_type", "station")}
    names: dict[str, int] = {}
    for tb in position_tables(sc):
        st = tb.column("station").to_pylist()
        cols["station"].append(np.array([names.setdefault(x, len(names)) for x in st], dtype=np.int32))
        cols["mmsi"].append(tb.column("mmsi").to_numpy().astype(np.int64))
        cols["t"].append(tb.column("t_us").to_numpy() / 1e6)
        for c in ("lat", "lon", "sog", "cog", "msg_type"):
            cols[c].append(tb.column(c).to_numpy(zero_copy_only=False))
    arrays = {c: np.concatenate(v) for c, v in cols.items()}
    types = np.array([(v.mmsi, v.ship_type) for v in sc.vessels], dtype=np.int64)
    k = int(np.ceil(target / len(arrays["t"])))
    if k > 1:  # --hours: the generated days tiled to the target, each copy other vessels
        order = np.lexsort((arrays["t"], arrays["mmsi"]))
        day = {c: a[order] for c, a in arrays.items()}
        tl = tiled({c: day[c] for c in ("mmsi", "t", "lat", "lon", "sog")}, target)
        per = len(day["t"])
        for c in ("cog", "msg_type", "station"):
            tl[c] = np.concatenate([day[c]] * k)[:target]
        arrays = tl
        um = np.unique(day["mmsi"])
        types = types[np.isin(types[:, 0], um)]
        rank = np.searchsorted(um, types[:, 0])
        copies = [types]
        for i in range(1, k):
            copies.append(np.column_stack([renamed(types[:, 0] // 1_000_000, i, rank), types[:, 1]]))
        types = np.concatenate(copies)
        print(f"tiled {k} copies of {per:,} reports ({len(um):,} MMSIs each)", flush=True)
    np.savez(out, **arrays, station_names=np.array(list(names)), ship_types=types)
    print(
        f"month: {vessels} vessels, {hours:.0f} h, {len(arrays['t']):,} reports, "
        f"generated in {time.perf_counter() - t0:.0f} s -> {out}",
        flush=True,
    )


def full_run(path: Path, new_only: bool) -> None:
    """Every stage of a full detection run over the month in ``path``, timed apart."""
    import resource

    from maritime.detect.compose import combine, identity_events
    from maritime.detect.config import load_config
    from maritime.detect.dark import detect_dark
    from maritime.detect.fishing import detect_fishing, fold_ship_types
    from maritime.detect.identity_change import IdentityChanges
    from maritime.detect.inputs import zones_rows
    from maritime.detect.loitering import detect_loitering
    from maritime.detect.position_anomaly import detect_position_anomalies, shared_inputs
    from maritime.detect.rendezvous import detect_rendezvous
    from maritime.detect.speed_range import detect_speed_range
    from maritime.detect.tracks import prepare_tracks
    from maritime.detect.zone_entry import detect_zone_entries
    from maritime.reference import coast

    cfg = load_config()
    every = ("*",)
    cfg = dataclasses.replace(
        cfg,
        speed_range=dataclasses.replace(cfg.speed_range, zones=every),
        zone_entry=dataclasses.replace(cfg.zone_entry, zones=every),
    )
    zones, _ = zones_rows(None)
    z = np.load(path)
    types = fold_ship_types(z["ship_types"][:, 0], z["ship_types"][:, 1], cfg.fishing)
    n_cand = sum(
        1 for t in types.values() if t in set(cfg.fishing.fishing_ship_types) | set(cfg.fishing.unknown_ship_types)
    )
    # one-time loads any run pays once per process (coast and port rasters): not counted
    coast.distance_to_shore_km(np.array([0.0]), np.array([-85.0]))
    coast.distance_to_port_km(np.array([0.0]), np.array([-85.0]))
    t0, c0 = time.perf_counter(), time.process_time()
    tr = prepare_tracks(
        z["mmsi"], z["t"], z["lat"], z["lon"], z["sog"], z["cog"], z["msg_type"],
        config=cfg.tracks, station=z["station"], station_names=[str(x) for x in z["station_names"]],
    )  # fmt: skip
    prep = (time.perf_counter() - t0, time.process_time() - c0)
    del z
    changes = IdentityChanges.from_rows(identity_rows(tr.mmsi, tr.t))
    print(
        f"{len(tr):,} positions, {tr.n_segments:,} segments, {len(types):,} vessels with a declared type "
        f"({n_cand:,} fishing candidates); {len(changes):,} identity rows; track preparation "
        f"{prep[0]:.1f} s (CPU {prep[1]:.1f} s, shared by every detector)",
        flush=True,
    )
    wall: dict[str, float] = {}
    cpu: dict[str, float] = {}
    res: dict[str, Any] = {}

    def timed(name: str, fn: Any) -> Any:
        t, c = time.perf_counter(), time.process_time()
        r = fn()
        wall[name] = time.perf_counter() - t
        cpu[name] = time.process_time() - c
        res[name] = r
        print(
            f"  {name:<34} {wall[name]:7.2f} s  CPU {cpu[name]:7.2f} s  ({len(r) if isinstance(r, list) else '-'})",
            flush=True,
        )
        return r

    old = ["loitering", "dark_period", "rendezvous"]
    new = ["fishing", "zone_entry", "speed_range", "position_anomaly", "shared-position inputs", "identity_change"]
    if not new_only:
        timed("loitering", lambda: detect_loitering(tr, cfg.loitering))
        timed("dark_period", lambda: detect_dark(tr, cfg.dark, cfg.tracks))
        timed("rendezvous", lambda: detect_rendezvous(tr, cfg.rendezvous))
    timed("fishing", lambda: detect_fishing(tr, cfg.fishing, types))
    timed("zone_entry", lambda: detect_zone_entries(tr, zones, cfg.zone_entry))
    timed("speed_range", lambda: detect_speed_range(tr, zones, cfg.speed_range))
    timed("position_anomaly", lambda: detect_position_anomalies(tr, cfg.tracks, cfg.position_anomaly))
    timed("shared-position inputs", lambda: shared_inputs(tr, cfg.position_anomaly))
    timed("identity_change", lambda: identity_events(tr, changes, cfg))
    from maritime.detect.compose import VesselEvents

    ve = VesselEvents(
        loitering=res.get("loitering", []),
        dark=res.get("dark_period", []),
        conflicts=list(tr.conflicts),
        fishing=res["fishing"],
        zone_entries=res["zone_entry"],
        speed_ranges=res["speed_range"],
        anomalies=res["position_anomaly"],
        shared=[res["shared-position inputs"]],
    )
    timed(
        "combine (shared positions, merge)",
        lambda: combine(ve, res.get("rendezvous", []), cfg, tr.now, res["identity_change"]),
    )
    new.append("combine (shared positions, merge)")  # its cost is the new shared-position check
    timed("fishing, worst case (all candidates)", lambda: detect_fishing(tr, cfg.fishing, None))
    new_w, new_c = sum(wall[k] for k in new), sum(cpu[k] for k in new)
    worst_w = new_w - wall["fishing"] + wall["fishing, worst case (all candidates)"]
    worst_c = new_c - cpu["fishing"] + cpu["fishing, worst case (all candidates)"]
    n = f"{len(tr):,}"
    if not new_only:
        old_w, old_c = prep[0] + sum(wall[k] for k in old), prep[1] + sum(cpu[k] for k in old)
        print(
            f"full detection run (track preparation + every detector): without the new detectors {old_w:.1f} s "
            f"(CPU {old_c:.1f} s), with them {old_w + new_w:.1f} s (CPU {old_c + new_c:.1f} s)"
        )
    print(f"new detectors add {new_w:.1f} s (CPU {new_c:.1f} s) to a full detection run over {n} positions")
    print(
        f"new detectors add {worst_w:.1f} s (CPU {worst_c:.1f} s) to a full detection run over {n} positions "
        "when every vessel is a fishing candidate (worst case)"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS) {rss:,.0f} MB; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000000,2000000,4000000")
    ap.add_argument("--vessels", type=int, default=500)
    ap.add_argument("--positions", type=int, help="the issue-13 figure over a month of ~N positions")
    ap.add_argument("--new-only", action="store_true", help="with --positions: only the new detectors")
    ap.add_argument("--rebuild", action="store_true", help="with --positions: generate the month again")
    ap.add_argument(
        "--hours",
        type=float,
        default=1e9,
        help="with --positions: generate at most this many hours and tile them to N (each copy other MMSIs)",
    )
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase == "month":
        month(args.positions, Path(args.sizes), args.hours)
        return
    if args.positions:
        tiled_tag = f"_{args.hours:g}h" if args.hours < 1e9 else ""
        out = ROOT / "benchmarks" / "out" / f"kinds_month_{args.positions}{tiled_tag}.npz"
        out.parent.mkdir(parents=True, exist_ok=True)
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} cores")
        if args.rebuild or not out.exists():
            cmd = [
                sys.executable,
                __file__,
                "--phase",
                "month",
                "--positions",
                str(args.positions),
                "--sizes",
                str(out),
                "--hours",
                str(args.hours),
            ]
            subprocess.run(cmd, check=True)
        full_run(out, args.new_only)
        return
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
