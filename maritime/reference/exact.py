"""Exact (slow) land test and distance to shore against the bundled land polygons.

The reference that the fast grid (:mod:`maritime.reference.shoregrid`) is built from and
checked against: ``tools/build_shore_grid.py`` and ``tests/reference`` use it; the detectors
never do (they call :func:`maritime.reference.coast.distance_to_shore_km`).

Coastline segments are great-circle arcs between the vertices of :func:`coast.load_land`,
without the edges where Natural Earth cuts polygons (the antimeridian, the South Pole).
Distances are great-circle kilometres on the sphere of :data:`maritime.geodesy.EARTH_RADIUS_KM`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import Polygon

from maritime.geodesy import EARTH_RADIUS_KM
from maritime.reference.coast import load_land

FloatArray = npt.NDArray[np.float64]

#: Edges lying on these lines are polygon cuts, not coastline (degrees, within 1e-7).
_CUT_LON = 180.0
_CUT_LAT = -90.0


def coast_segments(polygons: Iterable[Polygon]) -> tuple[FloatArray, FloatArray]:
    """Coastline segments ``(a, b)`` of the polygons, each ``(n, 2)`` lon/lat, cut edges left out."""
    a_list, b_list = [], []
    for poly in polygons:
        for ring in [poly.exterior, *poly.interiors]:
            c = shapely.get_coordinates(ring)
            a_list.append(c[:-1])
            b_list.append(c[1:])
    a = np.concatenate(a_list)
    b = np.concatenate(b_list)
    eps = 1e-7
    on_meridian = (np.abs(np.abs(a[:, 0]) - _CUT_LON) < eps) & (np.abs(b[:, 0] - a[:, 0]) < eps)
    on_pole = (np.abs(a[:, 1] - _CUT_LAT) < eps) & (np.abs(b[:, 1] - _CUT_LAT) < eps)
    keep = ~(on_meridian | on_pole)
    return a[keep], b[keep]


def unit_vectors(lat: npt.ArrayLike, lon: npt.ArrayLike) -> FloatArray:
    """Unit vectors ``(..., 3)`` of points given in degrees (broadcasting)."""
    la, lo = np.broadcast_arrays(np.radians(lat), np.radians(lon))
    cl = np.cos(la)
    result: FloatArray = np.stack([cl * np.cos(lo), cl * np.sin(lo), np.sin(la)], axis=-1)
    return result


def point_arc_km(p: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
    """Great-circle distance (km) from unit vectors ``p`` to the arcs ``a``-``b`` (row-wise)."""

    def angle(u: FloatArray, v: FloatArray) -> FloatArray:
        result: FloatArray = np.arctan2(np.linalg.norm(np.cross(u, v), axis=-1), np.einsum("ij,ij->i", u, v))
        return result

    n = np.cross(a, b)
    nn = np.linalg.norm(n, axis=-1)
    ends = np.minimum(angle(p, a), angle(p, b))
    ok = nn > 1e-15
    nu = np.where(ok[:, None], n / np.where(ok, nn, 1.0)[:, None], 0.0)
    sin_off = np.einsum("ij,ij->i", p, nu)
    c = p - sin_off[:, None] * nu  # projection of p on the arc's great circle
    inside = ok & (np.einsum("ij,ij->i", np.cross(a, c), n) >= 0) & (np.einsum("ij,ij->i", np.cross(c, b), n) >= 0)
    mid = np.arcsin(np.clip(np.abs(sin_off), 0.0, 1.0))
    result: FloatArray = EARTH_RADIUS_KM * np.where(inside, mid, ends)
    return result


@lru_cache(maxsize=1)
def _coast_tree() -> tuple[shapely.STRtree, FloatArray, FloatArray]:
    a, b = coast_segments(shapely.get_parts(load_land()))
    tree = shapely.STRtree(shapely.linestrings(np.stack([a, b], axis=1)))
    return tree, unit_vectors(a[:, 1], a[:, 0]), unit_vectors(b[:, 1], b[:, 0])


def _as_arrays(lat: npt.ArrayLike, lon: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    la, lo = np.broadcast_arrays(np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64))
    return la, lo


def is_land_exact(lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Point-in-polygon test against :func:`coast.load_land` (exact; about 3 million points/s)."""
    la, lo = _as_arrays(lat, lon)
    result: npt.NDArray[np.bool_] = shapely.contains_xy(load_land(), lo, la)
    return result


def distance_to_shore_exact_km(lat: npt.ArrayLike, lon: npt.ArrayLike, chunk: int = 512) -> FloatArray:
    """Exact great-circle distance (km) from each point to the bundled coastline; 0 on land.

    Slow (about 10^3 - 10^4 points/s; fastest near the coast). NaN coordinates give NaN.
    The nearest segment in plain degrees gives an upper bound of the true distance; every
    segment in a lat/lon box of that radius is then measured on the sphere.
    """
    la, lo = _as_arrays(lat, lon)
    shape_ = la.shape
    la, lo = la.ravel(), lo.ravel()
    out = np.full(la.shape, np.nan)
    finite = np.isfinite(la) & np.isfinite(lo)
    land = np.zeros(la.shape, dtype=bool)
    land[finite] = is_land_exact(la[finite], lo[finite])
    out[land] = 0.0
    todo = np.flatnonzero(finite & ~land)
    tree, ua, ub = _coast_tree()
    for s in range(0, len(todo), chunk):
        idx = todo[s : s + chunk]
        p = unit_vectors(la[idx], lo[idx])
        near = tree.query_nearest(shapely.points(lo[idx], la[idx]), all_matches=False)[1]
        bound = point_arc_km(p, ua[near], ub[near])
        dlat = np.degrees(bound / EARTH_RADIUS_KM) * 1.0001 + 1e-6
        far_lat = np.minimum(np.abs(la[idx]) + dlat, 89.9)
        dlon = np.minimum(dlat / np.cos(np.radians(far_lat)), 360.0)
        boxes = _boxes(lo[idx], la[idx], dlon, dlat)
        qi, si = tree.query(boxes)
        best = bound.copy()
        for t in range(0, len(qi), 2_000_000):
            q, sg = qi[t : t + 2_000_000], si[t : t + 2_000_000]
            np.minimum.at(best, q, point_arc_km(p[q], ua[sg], ub[sg]))
        out[idx] = best
    return out.reshape(shape_)


def _boxes(lon: FloatArray, lat: FloatArray, dlon: FloatArray, dlat: FloatArray) -> npt.NDArray[np.object_]:
    """Search boxes around points, as (Multi)Polygons that wrap across the antimeridian."""
    boxes: npt.NDArray[np.object_] = shapely.box(lon - dlon, lat - dlat, lon + dlon, lat + dlat)
    wrap = np.flatnonzero((lon - dlon < -180.0) | (lon + dlon > 180.0))
    for k in wrap:
        shift = 360.0 if lon[k] < 0 else -360.0
        lo0, lo1 = lon[k] - dlon[k], lon[k] + dlon[k]
        if dlon[k] >= 180.0:
            boxes[k] = shapely.box(-180.0, lat[k] - dlat[k], 180.0, lat[k] + dlat[k])
        else:
            other = shapely.box(lo0 + shift, lat[k] - dlat[k], lo1 + shift, lat[k] + dlat[k])
            boxes[k] = shapely.union(boxes[k], other)
    return boxes
