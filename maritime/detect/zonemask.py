"""Which reports lie inside a zone, optionally widened by a distance: the geometry shared by
the zone detectors (:mod:`~maritime.detect.zone_entry`, :mod:`~maritime.detect.speed_range`).

Pure: arrays of degrees and shapely polygons in, boolean arrays out. Only reports inside the
zone's bounding box are tested against the polygon (``shapely.contains_xy`` on a prepared
geometry), so the cost grows with the traffic near the zone, not with the whole fleet.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely

#: Kilometres in a degree of latitude (mean Earth radius 6371 km).
KM_PER_DEG = 111.195

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


def inside(lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], geom: Any) -> Bools:
    """True for each point covered by ``geom`` (boundary included)."""
    out = np.zeros(len(lat), dtype=bool)
    if len(lat) == 0:
        return out
    x0, y0, x1, y1 = geom.bounds
    box = np.nonzero((lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1))[0]
    if len(box) == 0:
        return out
    shapely.prepare(geom)
    hit = shapely.contains_xy(geom, lon[box], lat[box]) | shapely.intersects_xy(geom, lon[box], lat[box])
    out[box] = hit
    return out
