"""Nearest port anywhere on Earth: a candidate grid and its compiled lookup.

The globe is cut into cells of :data:`CELL_DEG` (1 deg). A cell lists every port that can
be the nearest one for *some* point in it: the ports whose distance from the cell's centre is
at most the nearest port's plus twice the cell's circumradius ``R`` (triangle inequality: for a
point ``p`` within ``R`` of the centre, a port farther than that from the centre is farther from
``p`` than the centre's nearest port is). A lookup measures only its cell's candidates (usually
about five), so the result is exact and costs the same in every ocean.

Building the lists is two-level so that it takes well under a second for the 3,900 bundled
ports: 5 deg cells first (all ports measured), then each 1 deg cell measures only the
candidates of its 5 deg parent (a superset of its own). Distances compare unit vectors (dot
products); the reported distance is from the chord, accurate at small distances.

A grid can be *capped* by another (:func:`port_grid_within`): a cell then lists only the ports
that can be nearer than the other grid's nearest port for some point of the cell (the distance
to the nearest port is 1-Lipschitz, so it varies by at most ``R`` over the cell). A lookup in
it gives the exact nearest port wherever that is nearer than the other grid's, and otherwise a
farther port or none (infinity): the minimum of both lookups is then the exact distance to the
nearest port of the union. Learned anchorages (a few hundred points in one region) are looked
up this way beside the bundled ports: uncapped, every cell of the globe far from them would
list most of them.

Grids of at least :data:`DISK_MIN_PORTS` ports (the ~3,900 bundled ones: 0.3 s to build) are
kept on disk in :func:`maritime.reference.cache.cache_dir` and read back by later processes
(a few milliseconds): ``port_grid_v<GRID_VERSION>_<hash>.npz``, the hash (SHA-256) of the
ports' coordinates and of the grid's parameters, so another table or layout never reads it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numba
import numpy as np
import numpy.typing as npt

from maritime.geodesy import EARTH_RADIUS_KM
from maritime.reference.cache import cache_dir

#: Cell size of the candidate grid (degrees).
CELL_DEG = 1.0
_PARENT = 5  # 5 deg parent cells = 5 x 5 cells
#: Grids of at least this many ports are cached on disk.
DISK_MIN_PORTS = 1000
#: Version of the cached grid files (bump when the layout or the candidate rule changes).
GRID_VERSION = 1


@dataclass(frozen=True)
class PortGrid:
    """Candidate ports of every cell in CSR form: cell ``c`` lists ``cand[start[c]:start[c + 1]]``."""

    unit: npt.NDArray[np.float64]  # (n_ports, 3)
    start: npt.NDArray[np.int64]  # (cells + 1,)
    cand: npt.NDArray[np.int32]


@numba.njit(cache=True, inline="always")
def _unit(lat_deg: float, lon_deg: float) -> tuple[float, float, float]:
    la = np.radians(lat_deg)
    lo = np.radians(lon_deg)
    c = np.cos(la)
    return c * np.cos(lo), c * np.sin(lo), np.sin(la)


@numba.njit(cache=True, inline="always")
def _circumradius(lat0: float, size_deg: float) -> float:
    """Angle (rad) from a cell's centre to its farthest corner, rounded up (cell south edge lat0)."""
    eq = min(abs(lat0), abs(lat0 + size_deg))  # the wider edge
    if lat0 < 0.0 < lat0 + size_deg:
        eq = 0.0
    half_h = np.radians(size_deg / 2.0)
    half_w = np.radians(size_deg / 2.0) * np.cos(np.radians(eq))
    return float(np.sqrt(half_h * half_h + half_w * half_w) * 1.01 + 1e-9)


@numba.njit(cache=True)
def _candidates(
    unit: npt.NDArray[np.float64],
    cell_deg: float,
    rows: int,
    cols: int,
    parent: int,
    p_start: npt.NDArray[np.int64],
    p_cand: npt.NDArray[np.int32],
    cap: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int32]]:
    """Candidate lists (CSR) of a rows x cols grid of ``cell_deg`` cells.

    With ``parent == 0`` every port is measured; otherwise cell ``(i, j)`` measures only the
    candidates of parent cell ``(i // parent, j // parent)`` of the CSR ``p_start``/``p_cand``
    (a grid of ``cols // parent`` columns), which include all of its own. ``cap[i * cols + j]``
    (radians; infinite: no cap) bounds the distance from the cell's centre to another set's
    nearest port: a port farther than ``cap + 2R`` is nearer than that set's for no point of the
    cell and is left out.
    """
    n = unit.shape[0]
    p_cols = cols // parent if parent > 0 else 1
    counts = np.zeros(rows * cols + 1, dtype=np.int64)
    out = np.empty(rows * cols * 2 + 16, dtype=np.int32)
    used = 0
    for i in range(rows):
        lat0 = -90.0 + i * cell_deg
        r = _circumradius(lat0, cell_deg)
        for j in range(cols):
            cx, cy, cz = _unit(lat0 + cell_deg / 2.0, -180.0 + (j + 0.5) * cell_deg)
            if parent > 0:
                pc = (i // parent) * p_cols + j // parent
                q0, q1 = p_start[pc], p_start[pc + 1]
            else:
                q0, q1 = 0, n
            best = -2.0
            for q in range(q0, q1):
                p = p_cand[q] if parent > 0 else q
                d = unit[p, 0] * cx + unit[p, 1] * cy + unit[p, 2] * cz
                if d > best:
                    best = d
            reach = min(np.arccos(min(max(best, -1.0), 1.0)), cap[i * cols + j])
            thr = np.cos(min(reach + 2.0 * r, np.pi)) - 1e-12
            for q in range(q0, q1):
                p = p_cand[q] if parent > 0 else q
                if unit[p, 0] * cx + unit[p, 1] * cy + unit[p, 2] * cz >= thr:
                    if used == out.shape[0]:
                        grown = np.empty(out.shape[0] * 2, dtype=np.int32)
                        grown[:used] = out[:used]
                        out = grown
                    out[used] = p
                    used += 1
                    counts[i * cols + j + 1] += 1
    return np.cumsum(counts), out[:used].copy()


@lru_cache(maxsize=8)
def port_grid(key: bytes) -> PortGrid:
    """The candidate grid of the ports whose (lat, lon) degrees, as float64 pairs, are ``key``."""
    if len(key) // 16 < DISK_MIN_PORTS:
        return _build(_units(key), None)
    return _cached(key, cache_dir())


def _cached(key: bytes, cache: Path | None) -> PortGrid:
    """:func:`_build` of ``key`` through the disk cache ``cache`` (None: no cache); any failure
    to read or write the cache falls back to building in memory."""
    if cache is None:
        return _build(_units(key), None)
    params = f"v{GRID_VERSION};cell={CELL_DEG!r};parent={_PARENT}".encode()
    path = cache / f"port_grid_v{GRID_VERSION}_{hashlib.sha256(params + key).hexdigest()[:20]}.npz"
    try:
        with np.load(path, allow_pickle=False) as z:
            grid = PortGrid(unit=z["unit"], start=z["start"], cand=z["cand"])
        cells = round(180 / CELL_DEG) * round(360 / CELL_DEG)
        if (
            grid.unit.shape == (len(key) // 16, 3)
            and grid.start.shape == (cells + 1,)
            and grid.start[-1] == len(grid.cand)
        ):
            return grid
    except (OSError, ValueError, KeyError):
        pass
    grid = _build(_units(key), None)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache, prefix=".port_grid_", suffix=".npz")
        with os.fdopen(fd, "wb") as f:
            np.savez(f, unit=grid.unit, start=grid.start, cand=grid.cand)
        os.replace(tmp, path)
    except OSError:
        pass
    return grid


@lru_cache(maxsize=8)
def port_grid_within(key: bytes, base_key: bytes) -> PortGrid:
    """The candidate grid of the ports ``key`` (as in :func:`port_grid`) capped by the grid of
    the ports ``base_key``: a cell lists only the ports that can be nearer than every port of
    ``base_key`` for some point of the cell. :func:`nearest_port` in it is exact wherever the
    nearest port of ``key`` is nearer than that of ``base_key``; elsewhere it gives a farther
    port or none (``inf`` km, row -1)."""
    unit = _units(key)
    return _build(unit, port_grid(base_key))


def _units(key: bytes) -> npt.NDArray[np.float64]:
    coords = np.frombuffer(key, dtype=np.float64).reshape(-1, 2)
    lat, lon = np.radians(coords[:, 0]), np.radians(coords[:, 1])
    return np.ascontiguousarray(np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)]))


def _centre_caps(base: PortGrid, cell_deg: float) -> npt.NDArray[np.float64]:
    """Angle (rad) from each cell centre of a ``cell_deg`` grid to the nearest port of ``base``,
    rounded up (row-major, as :func:`_candidates` numbers cells)."""
    rows, cols = round(180 / cell_deg), round(360 / cell_deg)
    lat = np.repeat(-90.0 + (np.arange(rows) + 0.5) * cell_deg, cols)
    lon = np.tile(-180.0 + (np.arange(cols) + 0.5) * cell_deg, rows)
    km, _ = nearest_port(base, lat, lon)
    return km / EARTH_RADIUS_KM * (1.0 + 1e-9) + 1e-9


def _build(unit: npt.NDArray[np.float64], base: PortGrid | None) -> PortGrid:
    rows, cols = round(180 / CELL_DEG), round(360 / CELL_DEG)
    none_i, none_c = np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32)
    p_rows, p_cols = rows // _PARENT, cols // _PARENT
    if base is None:
        p_cap, cap = np.full(p_rows * p_cols, np.inf), np.full(rows * cols, np.inf)
    else:
        p_cap, cap = _centre_caps(base, CELL_DEG * _PARENT), _centre_caps(base, CELL_DEG)
    p_start, p_cand = _candidates(unit, CELL_DEG * _PARENT, p_rows, p_cols, 0, none_i, none_c, p_cap)
    start, cand = _candidates(unit, CELL_DEG, rows, cols, _PARENT, p_start, p_cand, cap)
    return PortGrid(unit=unit, start=start, cand=cand)


@numba.njit(cache=True, nogil=True)
def _nearest(
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    unit: npt.NDArray[np.float64],
    start: npt.NDArray[np.int64],
    cand: npt.NDArray[np.int32],
    cell_deg: float,
    km: npt.NDArray[np.float64],
    idx: npt.NDArray[np.int64],
) -> None:
    rows = round(180.0 / cell_deg)
    cols = round(360.0 / cell_deg)
    for k in range(lat.shape[0]):
        la = lat[k]
        lo = lon[k]
        if not (np.isfinite(la) and np.isfinite(lo)):
            km[k] = np.nan
            idx[k] = -1
            continue
        la = min(max(la, -90.0), 90.0)
        if lo < -180.0 or lo >= 180.0:
            lo = (lo + 180.0) % 360.0 - 180.0
        i = min(int((la + 90.0) / cell_deg), rows - 1)
        j = min(int((lo + 180.0) / cell_deg), cols - 1)
        c = i * cols + j
        x, y, z = _unit(la, lo)
        best = -1
        best_dot = -3.0
        for q in range(start[c], start[c + 1]):
            p = cand[q]
            d = unit[p, 0] * x + unit[p, 1] * y + unit[p, 2] * z
            if d > best_dot:
                best_dot = d
                best = p
        if best < 0:  # a capped grid's cell without candidates
            km[k] = np.inf
            idx[k] = -1
            continue
        dx = x - unit[best, 0]
        dy = y - unit[best, 1]
        dz = z - unit[best, 2]
        chord = np.sqrt(dx * dx + dy * dy + dz * dz)
        km[k] = 2.0 * EARTH_RADIUS_KM * np.arcsin(min(chord * 0.5, 1.0))
        idx[k] = best


def nearest_port(
    grid: PortGrid, lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Great-circle distance (km) to the nearest port and its row, for 1-D ``lat``/``lon`` (degrees)
    (``inf`` and -1 where a capped grid, :func:`port_grid_within`, lists no port)."""
    km = np.empty(lat.shape[0], dtype=np.float64)
    idx = np.empty(lat.shape[0], dtype=np.int64)
    _nearest(
        np.ascontiguousarray(lat, dtype=np.float64),
        np.ascontiguousarray(lon, dtype=np.float64),
        grid.unit,
        grid.start,
        grid.cand,
        CELL_DEG,
        km,
        idx,
    )
    return km, idx
