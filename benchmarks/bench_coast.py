"""Distance-to-shore / land / distance-to-port throughput, in two regions of the world.

    python benchmarks/bench_coast.py [--points 10000000] [--seed 1]

Points are uniform over the North Sea and Baltic (lon -5..30, lat 50..66) and over the Eastern
Pacific (lon -120..-65, lat -57..+33); each function runs once over all points of a region (as
a detector would call it). The first lines report how long loading the shore grid took (decoded
once per machine, then memory-mapped from the disk cache under ~/.cache/maritime) and the build
of the ports candidate grid. The lookups cost the same everywhere on Earth: there is no slow path.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from maritime.reference import coast  # noqa: E402
from maritime.reference.ports import load_world_ports  # noqa: E402

REGIONS = {
    "North Sea/Baltic": (-5.0, 50.0, 30.0, 66.0),
    "Eastern Pacific": (-120.0, -57.0, -65.0, 33.0),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--points", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    t = time.perf_counter()
    g = coast.shore_grid()
    coast.distance_to_shore_km(np.array([0.0]), np.array([0.0]))  # compiled kernel loaded
    print(
        f"shore grid ready in {time.perf_counter() - t:.2f} s "
        f"({g.tiles.shape[0]:,} fine tiles, {(g.tiles.nbytes + g.coarse.nbytes) / 1e6:.0f} MB, "
        f"cache {coast.cache_dir()})"
    )
    ports = load_world_ports()
    t = time.perf_counter()
    coast.distance_to_port_km(np.array([0.0]), np.array([-80.0]), ports)
    print(f"ports candidate grid ({len(ports):,} ports) ready in {time.perf_counter() - t:.2f} s")

    rng = np.random.default_rng(args.seed)
    n = args.points
    for region, (lon0, lat0, lon1, lat1) in REGIONS.items():
        lat = rng.uniform(lat0, lat1, n)
        lon = rng.uniform(lon0, lon1, n)
        total = 0.0
        for name, fn in [
            ("distance_to_shore_km", lambda: coast.distance_to_shore_km(lat, lon)),
            ("is_land", lambda: coast.is_land(lat, lon)),
            ("distance_to_port_km", lambda: coast.distance_to_port_km(lat, lon, ports)),
        ]:
            t = time.perf_counter()
            fn()
            dt = time.perf_counter() - t
            total += dt
            print(f"{region:17s} {name:22s} {n:,} points in {dt:6.2f} s = {n / dt / 1e6:6.1f} M points/s")
        print(f"{region:17s} all three on {n:,} points: {total:.2f} s")


if __name__ == "__main__":
    main()
