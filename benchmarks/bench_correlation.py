"""Correlation benchmark: 100k contacts against 10M AIS positions, generated in memory.

20,000 AIS vessels on straight legs over one day in a 10 x 10 degree sea (500 reports
each, every ~3 minutes: 10M positions); 500 satellite scenes at random times, each a
1.5 x 1.5 degree footprint whose vessels are seen with 60 m error, plus dark vessels and
false alarms, 200 contacts a scene (100k contacts). Prints the time of each stage, the peak
memory (RSS) and the precision and recall of the matches.

    python benchmarks/bench_correlation.py [--vessels N] [--reports N] [--scenes N]
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from maritime.detect.correlation import ContactArrays, correlate
from maritime.detect.prediction import TrackIndex
from maritime.geodesy import NM_KM, destination

DAY_S = 86_400.0
T0 = 1_714_521_600.0  # 2024-05-01 UTC


def make_ais(rng: np.random.Generator, n_vessels: int, n_reports: int) -> dict[str, np.ndarray]:
    lat0 = rng.uniform(0.0, 10.0, n_vessels)
    lon0 = rng.uniform(-95.0, -85.0, n_vessels)
    speed = rng.uniform(0.0, 20.0, n_vessels)
    course = rng.uniform(0.0, 360.0, n_vessels)
    dt = rng.uniform(60.0, 300.0, (n_vessels, n_reports))
    t = T0 + np.cumsum(dt, axis=1) * (DAY_S / dt.sum(axis=1, keepdims=True))
    mmsi = np.repeat(np.arange(n_vessels, dtype=np.int64) + 300_000_000, n_reports)
    dist = np.repeat(speed, n_reports) * NM_KM * (t.ravel() - T0) / 3600.0
    lat, lon = destination(np.repeat(lat0, n_reports), np.repeat(lon0, n_reports), np.repeat(course, n_reports), dist)
    return {
        "mmsi": mmsi,
        "t": t.ravel(),
        "lat": np.asarray(lat),
        "lon": np.asarray(lon),
        "sog": np.repeat(speed, n_reports),
        "cog": np.repeat(course, n_reports),
        "lat0": lat0,
        "lon0": lon0,
        "speed": speed,
        "course": course,
    }


def make_contacts(
    rng: np.random.Generator, ais: dict[str, np.ndarray], n_scenes: int, per_scene: int
) -> tuple[ContactArrays, np.ndarray]:
    ts, lats, lons, groups, truth = [], [], [], [], []
    n_v = ais["lat0"].size
    for s in range(n_scenes):
        t = T0 + rng.uniform(3600.0, DAY_S - 3600.0)
        dist = ais["speed"] * NM_KM * (t - T0) / 3600.0
        vlat, vlon = destination(ais["lat0"], ais["lon0"], ais["course"], dist)
        clat, clon = rng.uniform(1.0, 8.5), rng.uniform(-94.0, -86.5)
        inside = np.flatnonzero((vlat >= clat) & (vlat < clat + 1.5) & (vlon >= clon) & (vlon < clon + 1.5))
        seen = inside[rng.random(inside.size) < 0.9][: int(per_scene * 0.9)]
        n_other = per_scene - seen.size
        olat = clat + rng.uniform(0, 1.5, n_other)
        olon = clon + rng.uniform(0, 1.5, n_other)
        lat = np.concatenate([vlat[seen], olat])
        lon = np.concatenate([vlon[seen], olon])
        lat, lon = destination(lat, lon, rng.uniform(0, 360, per_scene), np.abs(rng.normal(0, 0.06, per_scene)))
        ts.append(np.full(per_scene, t))
        lats.append(lat)
        lons.append(lon)
        groups.append(np.full(per_scene, s))
        truth.append(np.concatenate([seen + 300_000_000, np.full(n_other, -1)]))
    del n_v
    contacts = ContactArrays.points(
        np.concatenate(ts), np.concatenate(lats), np.concatenate(lons), 60.0, np.concatenate(groups)
    )
    return contacts, np.concatenate(truth)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vessels", type=int, default=20_000)
    ap.add_argument("--reports", type=int, default=500)
    ap.add_argument("--scenes", type=int, default=500)
    ap.add_argument("--per-scene", type=int, default=200)
    args = ap.parse_args()
    rng = np.random.default_rng(2024)
    t0 = time.perf_counter()
    ais = make_ais(rng, args.vessels, args.reports)
    contacts, truth = make_contacts(rng, ais, args.scenes, args.per_scene)
    t1 = time.perf_counter()
    index = TrackIndex.build(ais["mmsi"], ais["t"], ais["lat"], ais["lon"], ais["sog"], ais["cog"])
    t2 = time.perf_counter()
    m = correlate(contacts, index)
    t3 = time.perf_counter()
    declared = m.mmsi >= 0
    correct = declared & (m.mmsi == truth)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"AIS positions {ais['t'].size:,}, contacts {contacts.t.size:,} in {args.scenes} scenes")
    print(f"generate {t1 - t0:.1f} s; index {t2 - t1:.1f} s; correlate {t3 - t2:.1f} s; total {t3 - t1:.1f} s")
    print(f"peak RSS {rss_mb:,.0f} MB")
    print(
        f"precision {correct.sum() / max(declared.sum(), 1):.3f} "
        f"recall {correct.sum() / max((truth >= 0).sum(), 1):.3f} "
        f"mean candidates {m.n_candidates.mean():.1f}"
    )


if __name__ == "__main__":
    main()
