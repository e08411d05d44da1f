"""Vectorised geodesy (pure numpy): the one place for distances, bearings and destinations.

Units: latitude/longitude in WGS84 degrees, distances in kilometres, times in seconds,
speeds in knots. The sphere has the IUGG mean Earth radius; over the distances the detectors
compare (metres to a few hundred km) the spherical error (< 0.5 %) is far below AIS noise.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

#: A float64 array (the type every function here returns).
Floats = npt.NDArray[np.float64]

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088
#: One nautical mile in km.
NM_KM = 1.852
#: Kilometres per degree of latitude (spherical).
KM_PER_DEG = math.pi * EARTH_RADIUS_KM / 180.0


#: Arrays longer than this are processed in chunks (bounded temporaries: ~10 x 8 bytes x chunk).
CHUNK = 1 << 20


def haversine_km(lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike) -> Floats:
    """Great-circle distance (km) between points given in degrees; broadcasts.

    Long 1-D inputs are processed in chunks of :data:`CHUNK` so that the temporaries stay
    small (10 million points would otherwise need ~1 GB of scratch arrays).
    """
    args = [np.asarray(a, dtype=np.float64) for a in (lat1, lon1, lat2, lon2)]
    n = max(a.size for a in args)
    if n > 2 * CHUNK and all(a.ndim <= 1 and a.size in (1, n) for a in args):
        out = np.empty(n)
        for a in range(0, n, CHUNK):
            sl = slice(a, min(a + CHUNK, n))
            out[sl] = _haversine(*[x[sl] if x.size == n else x for x in args])
        return out
    return _haversine(*args)


def _haversine(lat1: Floats, lon1: Floats, lat2: Floats, lon2: Floats) -> Floats:
    p1 = np.radians(lat1)
    p2 = np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2, dtype=np.float64) - lon1)
    a = np.sin(dp * 0.5) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl * 0.5) ** 2
    out: Floats = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return out


def haversine_pre_km(rad1: Floats, cos1: Floats, lon1: Floats, rad2: Floats, cos2: Floats, lon2: Floats) -> Floats:
    """:func:`haversine_km` (the same operations, the same result to the last bit) from each
    point's latitude in radians and its cosine computed beforehand (``np.radians(lat)``,
    ``np.cos`` of that) and its longitude in degrees: for many pairs among the same points."""
    dp = rad2 - rad1
    dl = np.radians(lon2 - lon1)
    a = np.sin(dp * 0.5) ** 2 + cos1 * cos2 * np.sin(dl * 0.5) ** 2
    out: Floats = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return out


def haversine_km_scalar(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (km) between two points in degrees, with Python floats: the
    same formula as :func:`haversine_km` for per-report loops, where numpy's per-call cost
    would dominate."""
    rad = math.pi / 180.0
    p1, p2 = lat1 * rad, lat2 * rad
    h = math.sin((p2 - p1) * 0.5) ** 2 + math.cos(p1) * math.cos(p2) * math.sin((lon2 - lon1) * rad * 0.5) ** 2
    return 2.0 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def speed_kn(dist_km: npt.ArrayLike, dt_s: npt.ArrayLike) -> Floats:
    """Speed in knots of ``dist_km`` covered in ``dt_s`` seconds (inf for dt <= 0 and dist > 0)."""
    d = np.asarray(dist_km, dtype=np.float64)
    dt = np.asarray(dt_s, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = d / NM_KM / (dt / 3600.0)
    out: Floats = np.where(dt > 0, v, np.where(d > 0, np.inf, 0.0))
    return out


def local_xy_km(lat: npt.ArrayLike, lon: npt.ArrayLike) -> tuple[Floats, Floats]:
    """Equirectangular coordinates (km) of each point, scaled by the cosine of its own latitude.

    ``x = lon · cos(lat) · km/deg``, ``y = lat · km/deg``. Two points close to each other (a
    few km) have nearly the same scale, so distances between neighbours are exact to
    better than 0.1 %; used to bucket positions into ~1 km cells. Not valid across the
    antimeridian (the Eastern Pacific never crosses it).
    """
    la = np.asarray(lat, dtype=np.float64)
    lo = np.asarray(lon, dtype=np.float64)
    return lo * np.cos(np.radians(la)) * KM_PER_DEG, la * KM_PER_DEG


def destination(
    lat: npt.ArrayLike, lon: npt.ArrayLike, bearing_deg: npt.ArrayLike, dist_km: npt.ArrayLike
) -> tuple[Floats, Floats]:
    """Point reached from (lat, lon) after ``dist_km`` on the initial bearing (degrees true)."""
    p1 = np.radians(lat)
    l1 = np.radians(lon)
    b = np.radians(bearing_deg)
    d = np.asarray(dist_km, dtype=np.float64) / EARTH_RADIUS_KM
    p2 = np.arcsin(np.clip(np.sin(p1) * np.cos(d) + np.cos(p1) * np.sin(d) * np.cos(b), -1, 1))
    l2 = l1 + np.arctan2(np.sin(b) * np.sin(d) * np.cos(p1), np.cos(d) - np.sin(p1) * np.sin(p2))
    return np.degrees(p2), (np.degrees(l2) + 540.0) % 360.0 - 180.0


def bearing_deg(lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike) -> Floats:
    """Initial bearing (degrees true, 0-360) from point 1 to point 2."""
    p1 = np.radians(lat1)
    p2 = np.radians(lat2)
    dl = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    y = np.sin(dl) * np.cos(p2)
    x = np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl)
    out: Floats = (np.degrees(np.arctan2(y, x)) + 360.0) % 360.0
    return out


def interp_latlon(
    f: npt.ArrayLike, lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> tuple[Floats, Floats]:
    """Linear interpolation in degrees at fraction ``f`` (0..1) from point 1 to point 2.

    Longitudes are unwrapped across the antimeridian. Linear in degrees is within metres of
    the great circle over the short gaps (< 12 h of a slow vessel) it is used for.
    """
    fr = np.asarray(f, dtype=np.float64)
    la1 = np.asarray(lat1, dtype=np.float64)
    lo1 = np.asarray(lon1, dtype=np.float64)
    dlon = (np.asarray(lon2, dtype=np.float64) - lo1 + 540.0) % 360.0 - 180.0
    lon = lo1 + fr * dlon
    return la1 + fr * (np.asarray(lat2, dtype=np.float64) - la1), (lon + 540.0) % 360.0 - 180.0
