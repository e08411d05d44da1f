"""The worldwide signed distance-to-shore grid (``data/shore_grid.npz``): format and lookup.

The grid holds the **signed** great-circle distance (km) from a node to the nearest coastline of
the bundled land layer (:mod:`maritime.reference.land`): positive at sea, negative on land.
Points between nodes are bilinearly interpolated; the sign of the result says land or sea.

Two levels, one lookup cost everywhere on Earth:

- **Coarse**: nodes every :data:`COARSE_DEG` (0.25 deg) over the whole globe (721 x 1441),
  in units of :data:`COARSE_UNIT_KM` (0.1 km).
- **Fine**: nodes every :data:`FINE_DEG` (1 arc-minute, 1.85 km north-south) inside every
  0.25 deg cell that can hold a point less than ``fine_sea_km`` (50 km) out to sea or
  ``fine_land_km`` (25 km) inland from the coast: a 16 x 16 tile per such cell (its edges shared
  with the neighbours, so a lookup never reads two tiles), in units of :data:`FINE_UNIT_KM`
  (0.1 km). ``tile_index[i, j]`` is the tile of coarse cell ``(i, j)`` or -1.

Why the error is bounded: the signed distance is 1-Lipschitz (it changes by at most 1 km per km
moved), so a bilinear blend of exact corner values is off by at most the mean distance from the
point to the cell's corners, which is at most half the cell's diagonal: 1.31 km in a fine cell
at the equator (less towards the poles), 19.7 km in a coarse one. The node values themselves are
exact to about 0.1 km (see ``tools/build_shore_grid.py``). Coarse cells are used only where every
point is more than 50 km out to sea or 25 km inland, so they never flip land and sea.
The measured errors are in the file's ``meta`` and in ``data/SOURCES.md``.

The arrays are stored as residuals of a plane predictor (``v[i,j] - v[i-1,j] - v[i,j-1] +
v[i-1,j-1]``: nearly all zero for a distance field), which zlib compresses to a few MB;
:func:`read_grid` undoes it with two cumulative sums.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numba
import numpy as np
import numpy.typing as npt

#: Spacing of the coarse nodes (degrees); also the size of a fine tile.
COARSE_DEG = 0.25
#: Spacing of the fine nodes (degrees): one arc-minute.
FINE_DEG = 1.0 / 60.0
#: Fine cells along a tile's side (0.25 deg / 1 arc-minute).
TILE_CELLS = 15
#: Storage units (km) of the coarse and the fine values (int16).
COARSE_UNIT_KM = 0.1
FINE_UNIT_KM = 0.1

COARSE_ROWS = round(180 / COARSE_DEG)  # cells; nodes are one more
COARSE_COLS = round(360 / COARSE_DEG)


@dataclass(frozen=True)
class ShoreGrid:
    """The decoded grid: signed distances in storage units (see the module docstring)."""

    #: (COARSE_ROWS + 1, COARSE_COLS + 1): node (i, j) at lat -90 + i/4, lon -180 + j/4
    coarse: npt.NDArray[np.int16]
    #: (COARSE_ROWS, COARSE_COLS): the tile of each coarse cell, -1 where none
    tile_index: npt.NDArray[np.int32]
    #: (n_tiles, TILE_CELLS + 1, TILE_CELLS + 1): node (a, b) at the cell's south-west corner + (a, b) arc-minutes
    tiles: npt.NDArray[np.int16]
    meta: dict[str, Any]


def _residuals(v: npt.NDArray[np.int32]) -> npt.NDArray[np.int16]:
    """Plane-predictor residuals over the last two axes (exact inverse: :func:`_integrate`)."""
    r = v.copy()
    r[..., 1:, :] -= v[..., :-1, :]
    r2 = r.copy()
    r2[..., :, 1:] -= r[..., :, :-1]
    if np.abs(r2).max(initial=0) > np.iinfo(np.int16).max:
        raise ValueError("residual does not fit int16")
    return r2.astype(np.int16)


def _integrate(r: npt.NDArray[np.int16]) -> npt.NDArray[np.int16]:
    v = np.cumsum(np.cumsum(r, axis=-1, dtype=np.int32), axis=-2, dtype=np.int32)
    return v.astype(np.int16)


def write_grid(path: Path, grid: ShoreGrid) -> None:
    """Write ``grid`` (values in storage units) to ``path`` (compressed ``.npz``)."""
    np.savez_compressed(
        path,
        coarse=_residuals(grid.coarse.astype(np.int32)),
        tile_index=grid.tile_index,
        tiles=_residuals(grid.tiles.astype(np.int32)),
        meta=np.asarray(json.dumps(grid.meta, sort_keys=True)),
    )


def read_grid(path: Path) -> ShoreGrid:
    """Read and decode a grid written by :func:`write_grid` (about 0.5 s)."""
    with np.load(path, allow_pickle=False) as z:
        coarse = _integrate(z["coarse"])
        tile_index = np.ascontiguousarray(z["tile_index"], dtype=np.int32)
        tiles = _integrate(z["tiles"])
        meta = json.loads(str(z["meta"]))
    if coarse.shape != (COARSE_ROWS + 1, COARSE_COLS + 1) or tile_index.shape != (COARSE_ROWS, COARSE_COLS):
        raise ValueError(f"{path}: unexpected grid shape")
    return ShoreGrid(coarse=coarse, tile_index=tile_index, tiles=np.ascontiguousarray(tiles), meta=meta)


def load_grid_cached(path: Path, cache: Path | None) -> ShoreGrid:
    """:func:`read_grid`, through a cache of the decoded arrays under ``cache`` (memory-mapped).

    The cache entry is named by the SHA-256 of the grid file, so a new grid never reads an old
    entry; entries of other grids (and the regional rasters of earlier versions) are removed
    when a new entry is written. Any failure to use the cache falls back to decoding in memory.
    """
    if cache is None:
        return read_grid(path)
    key = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    entry = cache / f"shore_grid_{key}"
    names = ("coarse", "tile_index", "tiles")
    try:
        arrays = [np.load(entry / f"{n}.npy", mmap_mode="r", allow_pickle=False) for n in names]
        meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
        return ShoreGrid(coarse=arrays[0], tile_index=arrays[1], tiles=arrays[2], meta=meta)
    except (OSError, ValueError):
        pass
    grid = read_grid(path)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=cache, prefix=".shore_grid_"))
        for n in names:
            np.save(tmp / f"{n}.npy", getattr(grid, n), allow_pickle=False)
        (tmp / "meta.json").write_text(json.dumps(grid.meta), encoding="utf-8")
        for stale in cache.glob("shore_grid_*"):
            shutil.rmtree(stale, ignore_errors=True)
        for legacy in cache.glob("shore_*.npy"):  # the regional raster of earlier versions (99 MB)
            legacy.unlink(missing_ok=True)
        os.replace(tmp, entry)
    except OSError:
        pass
    return grid


@numba.njit(cache=True, nogil=True)
def _signed_km(
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    coarse: npt.NDArray[np.int16],
    tile_index: npt.NDArray[np.int32],
    tiles: npt.NDArray[np.int16],
    out: npt.NDArray[np.float32],
) -> None:
    """Bilinear signed distance (km) of each point into ``out``; NaN coordinates give NaN."""
    n_rows, n_cols = tile_index.shape
    per_deg = 1.0 / COARSE_DEG
    last = TILE_CELLS - 1
    for k in range(lat.shape[0]):
        la = lat[k]
        lo = lon[k]
        if not (np.isfinite(la) and np.isfinite(lo)):
            out[k] = np.nan
            continue
        la = min(max(la, -90.0), 90.0)
        if lo < -180.0 or lo >= 180.0:  # any longitude: wrapped to -180 .. 180
            lo = (lo + 180.0) % 360.0 - 180.0
        y = (la + 90.0) * per_deg
        x = (lo + 180.0) * per_deg
        i = min(int(y), n_rows - 1)
        j = min(int(x), n_cols - 1)
        fy = y - i
        fx = x - j
        t = tile_index[i, j]
        if t >= 0:
            gy = fy * TILE_CELLS
            gx = fx * TILE_CELLS
            a = min(int(gy), last)
            b = min(int(gx), last)
            wy = gy - a
            wx = gx - b
            tile = tiles[t]
            v0 = tile[a, b] * (1.0 - wx) + tile[a, b + 1] * wx
            v1 = tile[a + 1, b] * (1.0 - wx) + tile[a + 1, b + 1] * wx
            out[k] = (v0 * (1.0 - wy) + v1 * wy) * FINE_UNIT_KM
        else:
            v0 = coarse[i, j] * (1.0 - fx) + coarse[i, j + 1] * fx
            v1 = coarse[i + 1, j] * (1.0 - fx) + coarse[i + 1, j + 1] * fx
            out[k] = (v0 * (1.0 - fy) + v1 * fy) * COARSE_UNIT_KM


def signed_distance_km(
    grid: ShoreGrid, lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
) -> npt.NDArray[np.float32]:
    """Signed distance to shore (km, float32: > 0 at sea, < 0 on land) of 1-D ``lat``/``lon`` (degrees)."""
    out = np.empty(lat.shape[0], dtype=np.float32)
    _signed_km(
        np.ascontiguousarray(lat, dtype=np.float64),
        np.ascontiguousarray(lon, dtype=np.float64),
        grid.coarse,
        grid.tile_index,
        grid.tiles,
        out,
    )
    return out
