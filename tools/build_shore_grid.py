"""Build ``maritime/reference/data/shore_grid.npz`` from the land layer (developer tool).

**Not part of the package.** Reads ``maritime/reference/data/land.npz`` (``tools/build_land.py``)
and writes the two-level signed distance grid described in :mod:`maritime.reference.shoregrid`.

Node values: the coastline (every polygon edge except the antimeridian and South Pole cuts) is
sampled every ``--spacing-km`` (0.25 km) along each edge; a KD-tree over the samples' unit
vectors (scipy, build time only) gives every node its nearest sample, and the distance is the
smaller of the great-circle distance to that sample and to the exact arc of that sample's edge
(so a node value is at most ~0.1 km above the truth, and never below it). The sign is from an
exact point-in-polygon test (a node on a polygon's edge counts as land).

Fine tiles go to every 0.25 deg cell whose corner values, widened by the cell's half diagonal
(the signed distance is 1-Lipschitz), allow a point within ``--fine-sea-km`` (50) of the coast
at sea or within ``--fine-land-km`` (25) inland.

Finally the tool measures the grid's error against the exact distance at random points (the
figures go into the file's ``meta`` and are printed), e.g.::

    python tools/build_shore_grid.py              # about 3 minutes on 2 cores, 3 GB of memory
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from maritime.geodesy import EARTH_RADIUS_KM, KM_PER_DEG, haversine_km  # noqa: E402
from maritime.reference.exact import coast_segments, point_arc_km, unit_vectors  # noqa: E402
from maritime.reference.landfile import read_land  # noqa: E402
from maritime.reference.shoregrid import (  # noqa: E402
    COARSE_COLS,
    COARSE_DEG,
    COARSE_ROWS,
    COARSE_UNIT_KM,
    FINE_DEG,
    FINE_UNIT_KM,
    TILE_CELLS,
    ShoreGrid,
    signed_distance_km,
    write_grid,
)

DATA = Path(__file__).resolve().parents[1] / "maritime" / "reference" / "data"
F64 = npt.NDArray[np.float64]


class Coast:
    """Exact signed distance to the coast of a land layer (KD-tree over dense coast samples)."""

    def __init__(self, land_path: Path, spacing_km: float) -> None:
        from scipy.spatial import cKDTree  # build time only

        layer = read_land(land_path)
        self.land = shapely.MultiPolygon(list(layer.polygons))
        shapely.prepare(self.land)
        a, b = coast_segments(layer.polygons)
        length = haversine_km(a[:, 1], a[:, 0], b[:, 1], b[:, 0])
        nsub = np.maximum(1, np.ceil(length / spacing_km).astype(np.int64))
        seg = np.repeat(np.arange(len(a)), nsub)
        t = (np.arange(nsub.sum()) - np.repeat(np.cumsum(nsub) - nsub, nsub)) / nsub[seg]
        # Interpolate along the great circle (via unit vectors), not in degrees.
        ua, ub = unit_vectors(a[:, 1], a[:, 0]), unit_vectors(b[:, 1], b[:, 0])
        pts = ua[seg] * (1 - t)[:, None] + ub[seg] * t[:, None]
        pts /= np.linalg.norm(pts, axis=1)[:, None]
        self.ua, self.ub, self.seg = ua, ub, seg
        self.tree = cKDTree(pts)
        print(f"coast: {len(a):,} edges, {length.sum():,.0f} km, {len(pts):,} samples")

    def signed_km(self, lat: F64, lon: F64, chunk: int = 2_000_000) -> F64:
        """Signed distance (km): positive at sea, negative on land."""
        out = np.empty(len(lat))
        for s in range(0, len(lat), chunk):
            la, lo = lat[s : s + chunk], lon[s : s + chunk]
            p = unit_vectors(la, lo)
            chord, k = self.tree.query(p, workers=-1)
            d = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(chord / 2, 1.0))
            e = self.seg[k]
            d = np.minimum(d, point_arc_km(p, self.ua[e], self.ub[e]))
            land = shapely.intersects_xy(self.land, lo, la)
            out[s : s + chunk] = np.where(land, -d, d)
        return out


def _quantize(km: F64, unit: float) -> npt.NDArray[np.int16]:
    """Signed km in storage units; land stays < 0 and sea > 0 after rounding."""
    q = np.rint(km / unit)
    q = np.where(km < 0, np.minimum(q, -1), np.maximum(q, 1))
    lim = np.iinfo(np.int16).max
    return np.clip(q, -lim, lim).astype(np.int16)


def _half_diagonal_km(lat0: F64, size_deg: float) -> F64:
    """Half the diagonal (km) of cells of ``size_deg`` whose south edge is ``lat0`` (wider edge)."""
    eq = np.minimum(np.abs(lat0), np.abs(lat0 + size_deg))
    eq = np.where((lat0 < 0) & (lat0 + size_deg > 0), 0.0, eq)
    h = size_deg * KM_PER_DEG
    w = h * np.cos(np.radians(eq))
    result: F64 = np.sqrt(h * h + w * w) / 2
    return result


def build(land_path: Path, out: Path, spacing_km: float, fine_sea_km: float, fine_land_km: float) -> ShoreGrid:
    t0 = time.perf_counter()
    coast = Coast(land_path, spacing_km)
    print(f"  ({time.perf_counter() - t0:.0f} s)")
    lat_n = -90.0 + np.arange(COARSE_ROWS + 1) * COARSE_DEG
    lon_n = -180.0 + np.arange(COARSE_COLS + 1) * COARSE_DEG
    glat, glon = np.meshgrid(lat_n, lon_n, indexing="ij")
    coarse_km = coast.signed_km(glat.ravel(), glon.ravel()).reshape(glat.shape)
    print(f"coarse nodes done ({time.perf_counter() - t0:.0f} s)")
    corners = np.stack([coarse_km[:-1, :-1], coarse_km[:-1, 1:], coarse_km[1:, :-1], coarse_km[1:, 1:]])
    r = _half_diagonal_km(lat_n[:-1], COARSE_DEG)[:, None]
    fine = (corners.max(axis=0) + r > -fine_land_km) & (corners.min(axis=0) - r < fine_sea_km)
    ti, tj = np.nonzero(fine)
    n_tiles = len(ti)
    print(f"fine tiles: {n_tiles:,} of {fine.size:,} cells")
    tile_index = np.full(fine.shape, -1, dtype=np.int32)
    tile_index[ti, tj] = np.arange(n_tiles, dtype=np.int32)
    # Fine nodes on the global arc-minute lattice; tiles share their edge nodes.
    per = round(COARSE_DEG / FINE_DEG)
    a = np.arange(TILE_CELLS + 1)
    row = (ti[:, None, None] * per + a[None, :, None]) + np.zeros((1, 1, TILE_CELLS + 1), dtype=np.int64)
    col = (tj[:, None, None] * per + a[None, None, :]) + np.zeros((1, TILE_CELLS + 1, 1), dtype=np.int64)
    key = row.astype(np.int64) * (360 * 60 + 1) + col
    uniq, inv = np.unique(key.ravel(), return_inverse=True)
    lat_u = -90.0 + (uniq // (360 * 60 + 1)) * FINE_DEG
    lon_u = -180.0 + (uniq % (360 * 60 + 1)) * FINE_DEG
    print(f"fine nodes: {len(uniq):,}")
    fine_km = coast.signed_km(lat_u, lon_u)
    print(f"fine nodes done ({time.perf_counter() - t0:.0f} s)")
    grid = ShoreGrid(
        coarse=_quantize(coarse_km, COARSE_UNIT_KM),
        tile_index=tile_index,
        tiles=_quantize(fine_km[inv], FINE_UNIT_KM).reshape(n_tiles, TILE_CELLS + 1, TILE_CELLS + 1),
        meta={},
    )
    meta: dict[str, Any] = {
        "built_by": "tools/build_shore_grid.py",
        "land_file": land_path.name,
        "spacing_km": spacing_km,
        "fine_sea_km": fine_sea_km,
        "fine_land_km": fine_land_km,
        "fine_tiles": n_tiles,
        "error_km": measure(grid, coast, fine_sea_km),
    }
    grid = ShoreGrid(coarse=grid.coarse, tile_index=grid.tile_index, tiles=grid.tiles, meta=meta)
    write_grid(out, grid)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB) in {time.perf_counter() - t0:.0f} s")
    return grid


def measure(grid: ShoreGrid, coast: Coast, near_km: float, n: int = 2_000_000, seed: int = 1) -> dict[str, Any]:
    """Error of the grid's distance to shore (land = 0) against the exact one at random points."""
    rng = np.random.default_rng(seed)
    z = rng.uniform(-1, 1, n)  # uniform on the sphere
    lat = np.degrees(np.arcsin(z))
    lon = rng.uniform(-180, 180, n)
    exact = coast.signed_km(lat, lon)
    got = signed_distance_km(grid, lat, lon).astype(np.float64)
    err = np.abs(np.maximum(got, 0) - np.maximum(exact, 0))
    wrong_side = (got < 0) != (exact < 0)
    stats: dict[str, Any] = {"points": n, "seed": seed}
    for name, sel in [
        (f"sea within {near_km:g} km", (exact > 0) & (exact <= near_km)),
        (f"sea beyond {near_km:g} km", exact > near_km),
        ("land", exact <= 0),
    ]:
        e = err[sel]
        stats[name] = {
            "points": int(sel.sum()),
            "median": round(float(np.median(e)), 3),
            "p99": round(float(np.percentile(e, 99)), 3),
            "p99.9": round(float(np.percentile(e, 99.9)), 3),
            "max": round(float(e.max()), 3),
            "wrong_side": int(wrong_side[sel].sum()),
            "wrong_side_max_km_from_coast": round(float(np.abs(exact[sel & wrong_side]).max(initial=0.0)), 3),
        }
        print(f"  {name}: {stats[name]}")
    return stats


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--land", type=Path, default=DATA / "land.npz")
    ap.add_argument("-o", "--out", type=Path, default=DATA / "shore_grid.npz")
    ap.add_argument("--spacing-km", type=float, default=0.25, help="coastline sample spacing (km)")
    ap.add_argument("--fine-sea-km", type=float, default=50.0, help="fine tiles up to this far out to sea (km)")
    ap.add_argument("--fine-land-km", type=float, default=25.0, help="... and this far inland (km)")
    args = ap.parse_args(argv)
    build(args.land, args.out, args.spacing_km, args.fine_sea_km, args.fine_land_km)


if __name__ == "__main__":
    main()
