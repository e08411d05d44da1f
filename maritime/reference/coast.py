"""Worldwide offline land, distance to shore and distance to port.

Everything here works without network access, from data committed with the package:

- ``data/land.npz``: land polygons of the whole Earth (Natural Earth 1:10m countries dissolved,
  plus the small islands Natural Earth lacks taken from the GLOBE 30" land mask; see
  ``data/SOURCES.md``, format :mod:`maritime.reference.landfile`, built by
  ``tools/build_land.py``).
- ``data/shore_grid.npz``: the signed distance to that coastline on a two-level grid
  (:mod:`maritime.reference.shoregrid`, built by ``tools/build_shore_grid.py``).
- ``data/ports.csv`` and ``data/world_port_index.csv``: ports and anchorages
  (:mod:`maritime.reference.ports`).

Units: latitudes and longitudes are WGS84 decimal degrees (any longitude; it is wrapped),
distances are **kilometres** on the sphere of :data:`maritime.geodesy.EARTH_RADIUS_KM`
(great-circle distances; the ellipsoid would differ by < 0.5 %).

Speed: :func:`distance_to_shore_km` and :func:`is_land` are one compiled bilinear lookup per
point, the same cost in every ocean (tens of millions of points per second; see
``benchmarks/bench_coast.py``). The grid is decoded once per machine (a few seconds) and then
memory-mapped from the disk cache (:func:`cache_dir`).

Accuracy against the exact distance to the bundled coastline
(:func:`maritime.reference.exact.distance_to_shore_exact_km`): within :data:`SHORE_ERROR_KM`
(2 km) up to 50 km from the coast at sea (by construction at most 1.4 km: half the diagonal of
a 1 arc-minute cell plus the node error; measured figures in ``data/SOURCES.md``); farther out
at most :data:`FAR_ERROR_KM` (half the diagonal of a 0.25 deg cell). :func:`is_land` can be
wrong only within about a fine cell (1.3 km) of the coast: islands, spits and channels narrower
than about 2 km are smoothed away. The coastline itself is Natural Earth 1:10m (coast positions
good to a few hundred metres, small features generalised) and GLOBE (about 1 km).

:func:`distance_to_port_km` is exact (great-circle distance to the truly nearest port) through
a candidate grid (:mod:`maritime.reference.portgrid`).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from maritime.reference.cache import cache_dir
from maritime.reference.portgrid import nearest_port, port_grid, port_grid_within
from maritime.reference.shoregrid import ShoreGrid, load_grid_cached, signed_distance_km

if TYPE_CHECKING:  # pandas and shapely are imported where used: a detection run needs neither here
    import pandas as pd
    from shapely.geometry import MultiPolygon

#: Error bound (km) of :func:`distance_to_shore_km` within 50 km of the coast, against the exact
#: distance to the bundled coastline.
SHORE_ERROR_KM: float = 2.0
#: Error bound (km) farther than 50 km out to sea (coarse 0.25 deg cells; typically < 1 km).
FAR_ERROR_KM: float = 20.0


def _data_path(name: str) -> Path:
    return Path(str(resources.files("maritime.reference").joinpath("data", name)))


def default_land_path() -> Path:
    """Path of the bundled land layer ``land.npz``."""
    return _data_path("land.npz")


def default_grid_path() -> Path:
    """Path of the bundled distance-to-shore grid ``shore_grid.npz``."""
    return _data_path("shore_grid.npz")


@lru_cache(maxsize=1)
def load_land() -> MultiPolygon:
    """All bundled land as one valid shapely MultiPolygon in (lon, lat) degrees (cached; do not mutate).

    Natural Earth 1:10m land and the GLOBE islands that Natural Earth lacks, for the whole
    Earth; enclosed lakes are land, the Caspian Sea is water. Polygons are cut at the
    antimeridian and Antarctica's edge along the South Pole: those edges are not coastline.
    """
    import shapely
    from shapely.geometry import MultiPolygon

    from maritime.reference.landfile import read_land

    land = MultiPolygon(list(read_land(default_land_path()).polygons))
    shapely.prepare(land)
    return land


def land_extract_box() -> tuple[float, float, float, float]:
    """(lon_min, lat_min, lon_max, lat_max) of the bundled land: the whole Earth."""
    return (-180.0, -90.0, 180.0, 90.0)


@lru_cache(maxsize=1)
def shore_grid() -> ShoreGrid:
    """The bundled distance-to-shore grid, once per process.

    Decoding the compressed file takes a few seconds, so the decoded arrays (75 MB) are kept in
    :func:`cache_dir` and memory-mapped by later processes (a few milliseconds).
    """
    return load_grid_cached(default_grid_path(), cache_dir())


def _flat(lat: npt.ArrayLike, lon: npt.ArrayLike) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    la, lo = np.broadcast_arrays(np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64))
    return la.ravel(), lo.ravel()


def distance_to_shore_km(lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.float32]:
    """Distance (km, float32) from each point to the nearest shore; 0 on land.

    Args:
        lat, lon: degrees, arrays of the same (or broadcastable) shape.

    Returns:
        float32 array of the input shape, within :data:`SHORE_ERROR_KM` of the exact value up to
        50 km from the coast (typically 0.05 km) and :data:`FAR_ERROR_KM` beyond. NaN
        coordinates give NaN.
    """
    shape = np.broadcast_shapes(np.shape(lat), np.shape(lon))
    la, lo = _flat(lat, lon)
    d = signed_distance_km(shore_grid(), la, lo)
    return np.maximum(d, np.float32(0.0)).reshape(shape)


def is_land(lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """True where a point is on land (bool array of the input shape); NaN gives False.

    Wrong only within about 1.3 km of the coast (features narrower than about 2 km are smoothed).
    """
    shape = np.broadcast_shapes(np.shape(lat), np.shape(lon))
    la, lo = _flat(lat, lon)
    result: npt.NDArray[np.bool_] = (signed_distance_km(shore_grid(), la, lo) < 0).reshape(shape)
    return result


def distance_to_port_km(
    lat: npt.ArrayLike, lon: npt.ArrayLike, ports: pd.DataFrame | None = None
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Great-circle distance (km) to the nearest port or anchorage, and which one.

    Args:
        lat, lon: degrees, arrays of the same (or broadcastable) shape.
        ports: a table with ``lat`` and ``lon`` columns (degrees), e.g.
            :func:`maritime.reference.ports.load_ports`; ``None`` uses every bundled port
            (:func:`maritime.reference.ports.load_world_ports`: the hand-placed Eastern Pacific
            ports and anchorages, then the World Port Index).

    Returns:
        ``(km, idx)``: float64 distances and int64 row positions into ``ports`` (``iloc``), both
        of the input shape. Exact (up to float rounding) everywhere on Earth. NaN coordinates
        give NaN and -1. The first call for a ports table builds its candidate grid (under a
        second; cached in memory for up to 8 tables, and on disk for large ones such as the bundled
        ports: :func:`maritime.reference.portgrid.port_grid`).

    Raises:
        ValueError: if ``ports`` is empty.
    """
    key = world_ports_key() if ports is None else _coords_key(ports)
    if len(key) == 0:
        raise ValueError("no ports given")
    shape = np.broadcast_shapes(np.shape(lat), np.shape(lon))
    la, lo = _flat(lat, lon)
    km, idx = nearest_port(port_grid(key), la, lo)
    return km.reshape(shape), idx.reshape(shape)


def _coords_key(ports: pd.DataFrame) -> bytes:
    coords = np.ascontiguousarray(np.column_stack([ports["lat"].to_numpy(float), ports["lon"].to_numpy(float)]))
    return coords.tobytes()


@lru_cache(maxsize=1)
def world_ports_key() -> bytes:
    """The (lat, lon) degrees of every bundled port (:func:`~maritime.reference.ports.load_world_ports`),
    as float64 pairs: the key of their candidate grid (:func:`maritime.reference.portgrid.port_grid`).

    Kept in :func:`cache_dir` as ``ports_<hash>.npy`` (the SHA-256 of the two bundled CSV files):
    later processes read the coordinates back without parsing the tables (nor importing pandas).
    """
    cache = cache_dir()
    if cache is None:
        return _world_ports_coords()
    digest = hashlib.sha256()
    for src in (_data_path("ports.csv"), _data_path("world_port_index.csv")):  # what load_world_ports reads
        digest.update(src.read_bytes())
    path = cache / f"ports_{digest.hexdigest()[:20]}.npy"
    try:
        coords = np.load(path, allow_pickle=False)
        if coords.dtype == np.float64 and coords.ndim == 2 and coords.shape[1] == 2:
            return np.ascontiguousarray(coords).tobytes()
    except (OSError, ValueError):
        pass
    key = _world_ports_coords()
    try:
        cache.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache, prefix=".ports_", suffix=".npy")
        with os.fdopen(fd, "wb") as f:
            np.save(f, np.frombuffer(key, dtype=np.float64).reshape(-1, 2), allow_pickle=False)
        os.replace(tmp, path)
    except OSError:
        pass
    return key


def _world_ports_coords() -> bytes:
    from maritime.reference.ports import load_world_ports

    return _coords_key(load_world_ports())


def distance_to_port_or_points_km(
    lat: npt.ArrayLike, lon: npt.ArrayLike, points: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Great-circle distance (km) to the nearest bundled port or anchorage or any of ``points``
    ((n, 2) lat, lon degrees; e.g. learned anchorages), of the input shape: exactly
    ``min(distance_to_port_km(lat, lon)[0], distance to the nearest of points)``, with the
    points' grid capped by the bundled ports' (:func:`maritime.reference.portgrid.port_grid_within`:
    cheap to build and to look up however clustered the points are)."""
    km, _ = distance_to_port_km(lat, lon)
    pts = np.ascontiguousarray(points, dtype=np.float64).reshape(-1, 2)
    if len(pts) == 0:
        return km
    shape = km.shape
    la, lo = _flat(lat, lon)
    near, _ = nearest_port(port_grid_within(pts.tobytes(), world_ports_key()), la, lo)
    return np.fmin(km, near.reshape(shape))
