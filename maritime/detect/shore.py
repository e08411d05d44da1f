"""Distances to the shore and to ports for the detectors, as arrays.

The geography itself is :mod:`maritime.reference.coast`; it is imported inside each call so
that the detectors stay pure functions of arrays and tests can substitute the module.
Distances in kilometres; positions in WGS84 degrees.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]


def shore_port_distances(
    lat: npt.ArrayLike, lon: npt.ArrayLike, anchorages: Floats | None = None
) -> tuple[Floats, Floats]:
    """Distances (km) to the shore (0 on land) and to the nearest port or anchorage.

    Uses :mod:`maritime.reference.coast` (vectorised, ≥ 5 M points/s); imported here so the
    detectors stay pure functions of arrays and tests can substitute the module.
    ``anchorages``: learned anchorage points, an (n, 2) array of (lat, lon) degrees
    (:mod:`maritime.detect.anchorages`), counted as ports.
    """
    from maritime.reference import coast

    la = np.ascontiguousarray(lat, dtype=np.float64)
    lo = np.ascontiguousarray(lon, dtype=np.float64)
    if la.size == 0:
        return np.zeros(0), np.zeros(0)
    shore = np.asarray(coast.distance_to_shore_km(la, lo), dtype=np.float64)
    return shore, port_distance(la, lo, anchorages)


def port_distance(lat: npt.ArrayLike, lon: npt.ArrayLike, anchorages: Floats | None = None) -> Floats:
    """Distance (km) to the nearest port or anchorage, listed or learned (see
    :func:`shore_port_distances`)."""
    from maritime.reference import coast

    la = np.ascontiguousarray(lat, dtype=np.float64)
    lo = np.ascontiguousarray(lon, dtype=np.float64)
    if la.size == 0:
        return np.zeros(0)
    if anchorages is not None and len(anchorages):
        return np.asarray(coast.distance_to_port_or_points_km(la, lo, anchorages), dtype=np.float64)
    port, _ = coast.distance_to_port_km(la, lo)
    return np.asarray(port, dtype=np.float64)


def signed_shore_distance(lat: npt.ArrayLike, lon: npt.ArrayLike) -> Floats:
    """Signed distance (km) to the shore: positive at sea, negative on land (how far inland)."""
    from maritime.reference import coast
    from maritime.reference.shoregrid import signed_distance_km

    la = np.ascontiguousarray(lat, dtype=np.float64)
    lo = np.ascontiguousarray(lon, dtype=np.float64)
    if la.size == 0:
        return np.zeros(0)
    return np.asarray(signed_distance_km(coast.shore_grid(), la, lo), dtype=np.float64)
