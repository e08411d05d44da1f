"""Vectorised geodesy (pure numpy): the one place for distances, bearings and destinations.

Units: latitude/longitude in WGS84 degrees, distances in kilometres, times in seconds,
speeds in knots. The sphere has the IUGG mean Earth radius; over the distances the detectors
compare (metres to a few hundred km) the spherical error (< 0.5 %) is far below AIS noise.
"""

from __future__ import annotations

import numpy as np

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088
#: One nautical mile in km.
NM_KM = 1.852
#: Kilometres per degree of latitude (spherical).
KM_PER_DEG = np.pi * EARTH_RADIUS_KM / 180.0


#: Arrays longer than this are processed in chunks (bounded temporaries: ~10 x 8 bytes x chunk).
CHUNK = 1 << 20


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
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


def _haversine(lat1, lon1, lat2, lon2) -> np.ndarray:
    p1 = np.radians(lat1)
    p2 = np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2, dtype=np.float64) - lon1)
    a = np.sin(dp * 0.5) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl * 0.5) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def speed_kn(dist_km, dt_s) -> np.ndarray:
    """Speed in knots of ``dist_km`` covered in ``dt_s`` seconds (inf for dt <= 0 and dist > 0)."""
    dist_km = np.asarray(dist_km, dtype=np.float64)
    dt_s = np.asarray(dt_s, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = dist_km / NM_KM / (dt_s / 3600.0)
    return np.where(dt_s > 0, v, np.where(dist_km > 0, np.inf, 0.0))


def local_xy_km(lat, lon) -> tuple[np.ndarray, np.ndarray]:
    """Equirectangular coordinates (km) of each point, scaled by the cosine of its own latitude.

    ``x = lon · cos(lat) · km/deg``, ``y = lat · km/deg``. Two points close to each other (a
    few km) have nearly the same scale, so distances between neighbours are exact to
    better than 0.1 %; used to bucket positions into ~1 km cells. Not valid across the
    antimeridian (the Eastern Pacific never crosses it).
    """
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    return lon * np.cos(np.radians(lat)) * KM_PER_DEG, lat * KM_PER_DEG


def destination(lat, lon, bearing_deg, dist_km) -> tuple[np.ndarray, np.ndarray]:
    """Point reached from (lat, lon) after ``dist_km`` on the initial bearing (degrees true)."""
    p1 = np.radians(lat)
    l1 = np.radians(lon)
    b = np.radians(bearing_deg)
    d = np.asarray(dist_km, dtype=np.float64) / EARTH_RADIUS_KM
    p2 = np.arcsin(np.clip(np.sin(p1) * np.cos(d) + np.cos(p1) * np.sin(d) * np.cos(b), -1, 1))
    l2 = l1 + np.arctan2(np.sin(b) * np.sin(d) * np.cos(p1), np.cos(d) - np.sin(p1) * np.sin(p2))
    return np.degrees(p2), (np.degrees(l2) + 540.0) % 360.0 - 180.0


def bearing_deg(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Initial bearing (degrees true, 0-360) from point 1 to point 2."""
    p1 = np.radians(lat1)
    p2 = np.radians(lat2)
    dl = np.radians(np.asarray(lon2, dtype=np.float64) - lon1)
    y = np.sin(dl) * np.cos(p2)
    x = np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl)
    return (np.degrees(np.arctan2(y, x)) + 360.0) % 360.0


def interp_latlon(f, lat1, lon1, lat2, lon2) -> tuple[np.ndarray, np.ndarray]:
    """Linear interpolation in degrees at fraction ``f`` (0..1) from point 1 to point 2.

    Longitudes are unwrapped across the antimeridian. Linear in degrees is within metres of
    the great circle over the short gaps (< 12 h of a slow vessel) it is used for.
    """
    dlon = (np.asarray(lon2, dtype=np.float64) - lon1 + 540.0) % 360.0 - 180.0
    lon = np.asarray(lon1, dtype=np.float64) + f * dlon
    return lat1 + f * (np.asarray(lat2, dtype=np.float64) - lat1), (lon + 540.0) % 360.0 - 180.0
