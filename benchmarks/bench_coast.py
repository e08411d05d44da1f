"""Distance-to-shore / land / distance-to-port throughput on 10 million positions.

    python benchmarks/bench_coast.py [--points 10000000] [--seed 1]

Points are uniform over the fast region (lon -120..-65, lat -57..+33). The first line reports
how the distance-to-shore raster was obtained (built, ~10-20 s, or read from the disk cache
under ~/.cache/maritime) and the ports candidate grid build; then each function's time and
points per second over all points (one call each, as a detector would make).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from maritime.reference import coast  # noqa: E402
from maritime.reference.ports import load_ports  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--points", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    t = time.perf_counter()
    r = coast.shore_raster()
    print(
        f"shore raster ready in {time.perf_counter() - t:.2f} s "
        f"({r.data.nbytes / 1e6:.0f} MB, cache {coast.cache_dir()})"
    )
    ports = load_ports()
    t = time.perf_counter()
    coast.distance_to_port_km(np.array([0.0]), np.array([-80.0]), ports)
    print(f"ports candidate grid ({len(ports)} ports) ready in {time.perf_counter() - t:.2f} s")

    rng = np.random.default_rng(args.seed)
    lon0, lat0, lon1, lat1 = coast.REGION
    lat = rng.uniform(lat0, lat1, args.points)
    lon = rng.uniform(lon0, lon1, args.points)
    n = args.points
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
        print(f"{name:22s} {n:,} points in {dt:6.2f} s = {n / dt / 1e6:6.1f} M points/s")
    print(f"all three on {n:,} points: {total:.2f} s")


if __name__ == "__main__":
    main()
