"""Which reports lie inside a zone, optionally widened by a distance: the geometry shared by
the zone detectors (:mod:`~maritime.detect.zone_entry`, :mod:`~maritime.detect.speed_range`).

Pure: arrays of degrees and shapely polygons in, boolean arrays out. Each zone is rasterised
once (:func:`raster`, cells of :data:`CELL_DEG`): a cell that no edge of the polygon crosses is
wholly inside or wholly outside, so a report there is classified by an array lookup; only the
reports in cells the boundary crosses (a few percent) are tested against the polygon
(``shapely.contains_xy``). The result is exact, and the cost is a few array operations per
report in the zone's bounding box.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely

#: Kilometres in a degree of latitude (mean Earth radius 6371 km).
KM_PER_DEG = 111.195
#: Raster cell (degrees) of :func:`raster`.
CELL_DEG = 0.02
#: Cell states of a :class:`Raster`.
OUTSIDE, INSIDE, EDGE = 0, 1, 2

Bools = npt.NDArray[np.bool_]


def selected(zones: Sequence[tuple[str, Any]], names: Sequence[str]) -> list[tuple[str, Any]]:
    """The zones named in ``names`` ("*" = every zone), in file order, each name once."""
    want = set(names)
    out: list[tuple[str, Any]] = []
    seen: set[str] = set()
    for name, geom in zones:
        if name in seen or not ("*" in want or name in want):
            continue
        seen.add(name)
        out.append((name, geom))
    return out


def widened(geom: Any, km: float) -> Any:
    """``geom`` grown by at least ``km`` kilometres in every direction (a buffer in degrees
    computed at the zone's highest latitude, where a degree of longitude is shortest)."""
    if km <= 0:
        return geom
    _, lat0, _, lat1 = geom.bounds
    coslat = max(math.cos(math.radians(min(max(abs(lat0), abs(lat1)), 89.0))), 0.01)
    return geom.buffer(km / (KM_PER_DEG * coslat))


@dataclass(frozen=True)
class Raster:
    """A zone's cells: ``state[row, col]`` is OUTSIDE, INSIDE or EDGE (the boundary crosses
    the cell or a neighbour); row 0 starts at ``lat0``, column 0 at ``lon0``."""

    lat0: float
    lon0: float
    cell: float
    state: npt.NDArray[np.uint8]


_RASTERS: dict[bytes, Raster] = {}


def _classify(geom: Any, y0: float, x0: float, ny: int, nx: int, cell: float) -> npt.NDArray[np.uint8]:
    """OUTSIDE / INSIDE / EDGE of each cell of the grid (origin ``y0``, ``x0``; ``ny`` x
    ``nx`` cells of ``cell`` degrees) for ``geom``; only the cells over its bounding box are
    tested."""
    state = np.zeros((ny, nx), dtype=np.uint8)
    bx0, by0, bx1, by1 = geom.bounds
    r0 = max(int(math.floor((by0 - y0) / cell)) - 1, 0)
    c0 = max(int(math.floor((bx0 - x0) / cell)) - 1, 0)
    r1 = min(int(math.floor((by1 - y0) / cell)) + 2, ny)
    c1 = min(int(math.floor((bx1 - x0) / cell)) + 2, nx)
    if r1 <= r0 or c1 <= c0:
        return state
    cy = y0 + (np.arange(r0, r1) + 0.5) * cell
    cx = x0 + (np.arange(c0, c1) + 0.5) * cell
    gx, gy = np.meshgrid(cx, cy)
    shapely.prepare(geom)
    state[r0:r1, c0:c1] = shapely.contains_xy(geom, gx.ravel(), gy.ravel()).reshape(r1 - r0, c1 - c0)
    # every cell the boundary passes through: sample each ring at a quarter cell, mark the 3x3
    # cells around each sample (two consecutive samples are less than a cell apart, so the
    # boundary between them lies in the cells around them)
    edge = np.zeros((ny, nx), dtype=bool)
    for ring in shapely.get_rings(geom):
        xy = shapely.get_coordinates(shapely.segmentize(ring, cell / 4.0))
        r = np.floor((xy[:, 1] - y0) / cell).astype(np.int64)
        c = np.floor((xy[:, 0] - x0) / cell).astype(np.int64)
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                rr, cc = r + dr, c + dc
                ok = (rr >= 0) & (rr < ny) & (cc >= 0) & (cc < nx)
                edge[rr[ok], cc[ok]] = True
    state[edge] = EDGE
    return state


def raster(geom: Any, cell: float = CELL_DEG) -> Raster:
    """The :class:`Raster` of a polygon (cached by its WKB: built once per zone and process)."""
    key = shapely.to_wkb(geom) + str(cell).encode()
    hit = _RASTERS.get(key)
    if hit is not None:
        return hit
    x0, y0, x1, y1 = geom.bounds
    ny, nx = int(math.floor((y1 - y0) / cell)) + 1, int(math.floor((x1 - x0) / cell)) + 1
    out = Raster(float(y0), float(x0), cell, _classify(geom, y0, x0, ny, nx, cell))
    _RASTERS[key] = out
    return out


@dataclass(frozen=True)
class MultiRaster:
    """Several polygons on one grid: bit k of ``inside_bits`` / ``edge_bits`` is polygon k."""

    lat0: float
    lon0: float
    cell: float
    inside_bits: npt.NDArray[np.uint64]
    edge_bits: npt.NDArray[np.uint64]


_MULTI: dict[bytes, MultiRaster] = {}


def multi_raster(geoms: Sequence[Any], cell: float = CELL_DEG) -> MultiRaster:
    """The :class:`MultiRaster` of up to 64 polygons (cached)."""
    key = b"|".join(shapely.to_wkb(g) for g in geoms) + str(cell).encode()
    hit = _MULTI.get(key)
    if hit is not None:
        return hit
    bounds = np.array([g.bounds for g in geoms])
    x0, y0 = float(bounds[:, 0].min()), float(bounds[:, 1].min())
    x1, y1 = float(bounds[:, 2].max()), float(bounds[:, 3].max())
    ny, nx = int(math.floor((y1 - y0) / cell)) + 1, int(math.floor((x1 - x0) / cell)) + 1
    ins = np.zeros((ny, nx), dtype=np.uint64)
    edg = np.zeros((ny, nx), dtype=np.uint64)
    for k, g in enumerate(geoms):
        st = _classify(g, y0, x0, ny, nx, cell)
        bit = np.uint64(1) << np.uint64(k)
        ins[st == INSIDE] |= bit
        edg[st == EDGE] |= bit
    out = MultiRaster(y0, x0, cell, ins, edg)
    _MULTI[key] = out
    return out


def inside_many(lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], geoms: Sequence[Any]) -> list[Bools]:
    """:func:`inside` for several polygons in one lookup per report (a bit per polygon on one
    grid); only reports in a cell a polygon's boundary crosses go to that polygon's exact
    test. Exact, as :func:`inside`."""
    if len(geoms) == 0:
        return []
    if len(geoms) > 64 or len(lat) == 0:
        return [inside(lat, lon, g) for g in geoms]
    mr = multi_raster(geoms)
    ny, nx = mr.inside_bits.shape
    r = np.floor((lat - mr.lat0) / mr.cell)
    c = np.floor((lon - mr.lon0) / mr.cell)
    ok = np.nonzero((r >= 0) & (r < ny) & (c >= 0) & (c < nx))[0]
    ri, ci = r[ok].astype(np.int64), c[ok].astype(np.int64)
    ib, eb = mr.inside_bits[ri, ci], mr.edge_bits[ri, ci]
    hot = np.nonzero(ib | eb)[0]  # reports near or in some polygon
    ok, ib, eb = ok[hot], ib[hot], eb[hot]
    out = []
    for k, g in enumerate(geoms):
        bit = np.uint64(1) << np.uint64(k)
        m = np.zeros(len(lat), dtype=bool)
        m[ok[(ib & bit) != 0]] = True
        e = ok[(eb & bit) != 0]
        if len(e):
            shapely.prepare(g)
            m[e] = shapely.contains_xy(g, lon[e], lat[e])
        out.append(m)
    return out


def inside(lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], geom: Any) -> Bools:
    """True for each point inside ``geom`` (exact; see the module docstring)."""
    out = np.zeros(len(lat), dtype=bool)
    if len(lat) == 0:
        return out
    x0, y0, x1, y1 = geom.bounds
    box = np.nonzero((lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1))[0]
    if len(box) == 0:
        return out
    rs = raster(geom)
    ny, nx = rs.state.shape
    r = np.minimum(((lat[box] - rs.lat0) / rs.cell).astype(np.int64), ny - 1)
    c = np.minimum(((lon[box] - rs.lon0) / rs.cell).astype(np.int64), nx - 1)
    st = rs.state[r, c]
    out[box[st == INSIDE]] = True
    edge = box[st == EDGE]
    if len(edge):
        shapely.prepare(geom)
        out[edge] = shapely.contains_xy(geom, lon[edge], lat[edge])
    return out
