"""Offline land layer, distance to shore and distance to port (maritime.reference.coast).

The fast raster is built once per machine (10-20 s) and then read from the disk cache; speed is
not asserted here (see benchmarks/bench_coast.py).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from shapely.geometry import MultiPolygon

from maritime.reference import coast
from maritime.reference.ports import load_ports

NM_KM = 1.852


def km_west(lat: float, lon: float, km: float) -> tuple[float, float]:
    """The point ``km`` due west of (lat, lon) (small-distance approximation)."""
    return lat, lon - np.degrees(km / (coast.EARTH_RADIUS_KM * np.cos(np.radians(lat))))


# ---------------------------------------------------------------------------- land data


def test_land_file_is_small_geojson_with_provenance():
    path = coast.default_land_path()
    assert path.stat().st_size < 3_000_000
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert doc["bbox"] == [-122.0, -59.0, -63.0, 35.0]
    assert "Natural Earth" in doc["features"][0]["properties"]["source"]


def test_load_land_is_a_cached_multipolygon():
    land = coast.load_land()
    assert isinstance(land, MultiPolygon)
    assert land.is_valid
    assert coast.load_land() is land
    lon0, lat0, lon1, lat1 = land.bounds
    assert lon0 >= -122 and lon1 <= -63 and lat0 >= -59 and lat1 <= 35


@pytest.mark.parametrize(
    "name,lat,lon",
    [
        ("Quito", -0.1807, -78.4678),
        ("Lima", -12.0464, -77.0428),
        ("Bogotá", 4.7110, -74.0721),
        ("Panama City", 8.98, -79.52),
        ("Isabela (Galápagos)", -0.45, -91.10),
        ("Santa Cruz (Galápagos)", -0.62, -90.36),
        ("San Cristóbal (Galápagos)", -0.83, -89.43),
        ("Fernandina (Galápagos)", -0.37, -91.55),
        ("Genovesa (Galápagos, from GLOBE)", 0.32, -89.96),
        ("Malpelo", 3.975, -81.60),
        ("Isla del Coco", 5.535, -87.09),
        ("Gorgona", 2.97, -78.19),
    ],
)
def test_known_land_points(name, lat, lon):
    assert coast.is_land_exact(lat, lon), name
    assert coast.is_land(np.array([lat]), np.array([lon]))[0], name
    assert coast.distance_to_shore_km(np.array([lat]), np.array([lon]))[0] == 0.0, name


def test_clipperton_atoll_is_in_the_layer():
    assert coast.is_land_exact(10.30, -109.22)
    assert coast.distance_to_shore_km(np.array([10.30]), np.array([-109.22]))[0] < 1.0


# ---------------------------------------------------------------------------- distance to shore


def test_sea_points_and_their_distance_from_shore():
    # 50 km due west of Manta: Cabo San Lorenzo and Isla de la Plata jut out, so ~31 km.
    m_lat, m_lon = km_west(-0.935, -80.720, 50.0)
    # Middle of the high-seas corridor between the Galápagos and the mainland.
    c_lat, c_lon = -1.0, -85.0
    # About 3 km off Callao (west of La Punta, north of Isla San Lorenzo).
    k_lat, k_lon = -12.06, -77.20
    lat = np.array([m_lat, c_lat, k_lat])
    lon = np.array([m_lon, c_lon, k_lon])
    fast = coast.distance_to_shore_km(lat, lon)
    exact = coast.distance_to_shore_exact_km(lat, lon)
    assert not coast.is_land(lat, lon).any()
    assert 25 < exact[0] < 50 and 25 < fast[0] < 50
    assert fast[1] > 300 and exact[1] > 300
    assert 2.0 < exact[2] < 4.0 and 1.5 < fast[2] < 4.5
    np.testing.assert_allclose(fast, exact, atol=coast.SHORE_ERROR_KM)


def test_gfw_loitering_threshold_far_offshore():
    lat, lon = np.array([-1.0, 5.0]), np.array([-85.0, -95.0])
    assert (coast.distance_to_shore_km(lat, lon) >= 20 * NM_KM).all()


def test_raster_matches_exact_on_random_points():
    rng = np.random.default_rng(20240601)
    lon0, lat0, lon1, lat1 = coast.REGION
    lat = rng.uniform(lat0, lat1, 2000)
    lon = rng.uniform(lon0, lon1, 2000)
    fast = coast.distance_to_shore_km(lat, lon)
    exact = coast.distance_to_shore_exact_km(lat, lon)
    err = fast - exact
    assert fast.dtype == np.float32 and fast.shape == (2000,)
    assert np.abs(err).max() <= coast.SHORE_ERROR_KM, np.abs(err).max()
    assert np.median(np.abs(err)) < 0.5


def test_raster_matches_exact_near_the_coast():
    """Where it matters for suppressing alarms: random sea points within 60 km of shore."""
    rng = np.random.default_rng(7)
    lon0, lat0, lon1, lat1 = coast.REGION
    lat = rng.uniform(lat0, lat1, 300_000)
    lon = rng.uniform(lon0, lon1, 300_000)
    fast = coast.distance_to_shore_km(lat, lon)
    near = np.flatnonzero((fast > 0) & (fast < 60))[:3000]
    assert near.size == 3000
    exact = coast.distance_to_shore_exact_km(lat[near], lon[near])
    err = fast[near] - exact
    assert np.abs(err).max() <= coast.SHORE_ERROR_KM, np.abs(err).max()
    assert np.percentile(np.abs(err), 95) < 1.0


def test_is_land_agrees_with_polygons_away_from_the_coast():
    rng = np.random.default_rng(3)
    lon0, lat0, lon1, lat1 = coast.REGION
    lat = rng.uniform(lat0, lat1, 20_000)
    lon = rng.uniform(lon0, lon1, 20_000)
    fast = coast.is_land(lat, lon)
    exact = coast.is_land_exact(lat, lon)
    wrong = np.flatnonzero(fast != exact)
    if wrong.size:
        # Disagreements only within about a pixel of the coastline.
        d = coast.distance_to_shore_exact_km(lat[wrong], lon[wrong])
        on_land = exact[wrong]
        assert (d[~on_land] < 1.2).all()
        fd = coast.distance_to_shore_km(lat[wrong], lon[wrong])
        assert (fd[on_land] < 1.2).all()
    assert wrong.size < 0.005 * lat.size


def test_shapes_nan_and_outside_region():
    lat = np.array([[-12.06, np.nan], [40.0, -1.0]])
    lon = np.array([[-77.20, -80.0], [-130.0, -85.0]])
    d = coast.distance_to_shore_km(lat, lon)
    assert d.shape == (2, 2)
    assert np.isnan(d[0, 1])
    # Outside REGION: the exact slow path (nearest bundled land: Baja California / USA).
    assert d[1, 0] == pytest.approx(coast.distance_to_shore_exact_km(40.0, -130.0), abs=1e-3)
    land = coast.is_land(lat, lon)
    assert land.shape == (2, 2) and not land.any()
    assert coast.distance_to_shore_km(np.array([]), np.array([])).shape == (0,)


# ---------------------------------------------------------------------------- distance to port


def _port(name: str) -> tuple[int, float, float]:
    ports = load_ports()
    i = int(np.flatnonzero(ports["name"].to_numpy() == name)[0])
    return i, float(ports["lat"].iloc[i]), float(ports["lon"].iloc[i])


@pytest.mark.parametrize("name", ["Balboa", "Callao", "Guayaquil"])
def test_distance_to_port_near_known_ports(name):
    i, lat, lon = _port(name)
    km, idx = coast.distance_to_port_km(np.array([lat, lat + 0.01]), np.array([lon, lon]))
    assert idx[0] == i and km[0] == pytest.approx(0.0, abs=1e-6)
    # 0.01 deg north = 1.112 km, still nearest to the same port.
    assert idx[1] == i and km[1] == pytest.approx(1.112, abs=0.002)
    assert km[1] < 10.0  # GFW's encounter rule: within 10 km of a port


def test_distance_to_port_picks_anchorage_or_port_correctly_near_callao():
    i_port, _, _ = _port("Callao")
    i_anch, _, _ = _port("Callao anchorage")
    _, idx = coast.distance_to_port_km(np.array([-12.05, -12.02]), np.array([-77.16, -77.21]))
    assert idx.tolist() == [i_port, i_anch]


def test_distance_to_port_is_exact_against_brute_force():
    ports = load_ports()
    plat, plon = ports["lat"].to_numpy(), ports["lon"].to_numpy()
    rng = np.random.default_rng(11)
    # Random points over and around REGION, and points close to ports (Voronoi edges between
    # a port and its anchorage are where a grid would slip).
    j = rng.integers(0, len(plat), 5000)
    lat = np.concatenate([rng.uniform(-60, 36, 5000), plat[j] + rng.normal(0, 0.05, 5000)])
    lon = np.concatenate([rng.uniform(-124, -61, 5000), plon[j] + rng.normal(0, 0.05, 5000)])
    km, idx = coast.distance_to_port_km(lat, lon)
    d = coast.haversine_km(lat[:, None], lon[:, None], plat[None, :], plon[None, :])
    np.testing.assert_allclose(km, d.min(axis=1), atol=1e-6)
    np.testing.assert_allclose(d[np.arange(len(lat)), idx], d.min(axis=1), atol=1e-6)


def test_distance_to_port_custom_table_and_nan():
    import pandas as pd

    ports = pd.DataFrame({"name": ["A", "B"], "lat": [0.0, 0.0], "lon": [-80.0, -90.0]})
    km, idx = coast.distance_to_port_km(np.array([0.0, 0.0, np.nan]), np.array([-81.0, -89.5, 0.0]), ports)
    assert idx.tolist() == [0, 1, -1]
    assert km[0] == pytest.approx(111.195, abs=0.01)
    assert np.isnan(km[2])


def test_haversine_known_value():
    # One degree of latitude on the mean sphere.
    assert coast.haversine_km(0.0, 0.0, 1.0, 0.0) == pytest.approx(111.195, abs=1e-3)
