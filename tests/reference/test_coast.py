"""Worldwide land, distance to shore and distance to port (maritime.reference.coast).

The fast answers are checked against the exact ones computed from the bundled vector land
(:mod:`maritime.reference.exact`) and against famous distances. Speed is not asserted here
(see benchmarks/bench_coast.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import MultiPolygon

from maritime.geodesy import EARTH_RADIUS_KM, NM_KM, haversine_km
from maritime.reference import coast, exact
from maritime.reference.ports import load_ports, load_world_ports


def km_west(lat: float, lon: float, km: float) -> tuple[float, float]:
    """The point ``km`` due west of (lat, lon) (small-distance approximation)."""
    return lat, lon - np.degrees(km / (EARTH_RADIUS_KM * np.cos(np.radians(lat))))


def random_on_sphere(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return np.degrees(np.arcsin(rng.uniform(-1, 1, n))), rng.uniform(-180, 180, n)


# ---------------------------------------------------------------------------- land data


def test_data_files_are_compact_and_name_their_sources():
    assert coast.default_land_path().stat().st_size < 5_000_000
    assert coast.default_grid_path().stat().st_size < 30_000_000
    assert coast.land_extract_box() == (-180.0, -90.0, 180.0, 90.0)


def test_load_land_is_a_cached_worldwide_multipolygon():
    land = coast.load_land()
    assert isinstance(land, MultiPolygon)
    assert land.is_valid
    assert coast.load_land() is land
    lon0, lat0, lon1, lat1 = land.bounds
    assert lon0 == pytest.approx(-180) and lon1 == pytest.approx(180) and lat0 == pytest.approx(-90) and lat1 > 83


LAND_POINTS = [
    # Eastern Pacific (the old regional layer's points)
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
    # every continent
    ("Paris", 48.8566, 2.3522),
    ("Berlin", 52.52, 13.405),
    ("Nairobi", -1.2921, 36.8219),
    ("Cairo", 30.0444, 31.2357),
    ("Denver", 39.7392, -104.9903),
    ("Manaus", -3.119, -60.0217),
    ("Ulaanbaatar", 47.8864, 106.9057),
    ("Alice Springs", -23.698, 133.8807),
    ("South Pole", -89.9, 0.0),
    ("Greenland ice sheet", 72.58, -38.46),
    ("Chukotka on the antimeridian", 67.0, 180.0),
]


@pytest.mark.parametrize("name,lat,lon", LAND_POINTS)
def test_known_land_points(name, lat, lon):
    assert exact.is_land_exact(lat, lon), name
    assert coast.is_land(np.array([lat]), np.array([lon]))[0], name
    assert coast.distance_to_shore_km(np.array([lat]), np.array([lon]))[0] == 0.0, name


def test_clipperton_atoll_is_in_the_layer():
    assert exact.is_land_exact(10.30, -109.22)
    assert coast.distance_to_shore_km(np.array([10.30]), np.array([-109.22]))[0] < 1.0


# ---------------------------------------------------------------------------- distance to shore


def test_famous_distances():
    # Point Nemo, the oceanic pole of inaccessibility: 2,688 km from Ducie Island, Motu Nui and
    # Maher Island (Lukatela 1992, hydrographer's figure).
    nemo = coast.distance_to_shore_km(np.array([-48.8767]), np.array([-123.3933]))[0]
    assert nemo == pytest.approx(2688, abs=coast.FAR_ERROR_KM)
    # Strait of Dover, 33 km wide between South Foreland and Cap Gris Nez: mid-strait ~16 km.
    dover = coast.distance_to_shore_km(np.array([51.0]), np.array([1.45]))[0]
    assert 14 < dover < 18


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
    ref = exact.distance_to_shore_exact_km(lat, lon)
    assert not coast.is_land(lat, lon).any()
    assert 25 < ref[0] < 50 and 25 < fast[0] < 50
    assert fast[1] > 300 and ref[1] > 300
    assert 2.0 < ref[2] < 4.0 and 1.5 < fast[2] < 4.5
    np.testing.assert_allclose(fast, ref, atol=coast.SHORE_ERROR_KM)


# Sea points off every continent, 2 to 45 km from the coast.
SEA_POINTS = [
    ("North Sea off Rotterdam", 52.0, 3.95),
    ("Skagerrak", 57.9, 9.5),
    ("Baltic, Gulf of Finland", 59.9, 25.5),
    ("Mediterranean off Marseille", 43.1, 5.3),
    ("Strait of Dover", 51.0, 1.45),
    ("off Mombasa", -4.08, 39.72),
    ("off Durban", -29.88, 31.10),
    ("off Dakar", 14.75, -17.6),
    ("New York Bight", 40.45, -73.85),
    ("off Houston (Gulf of Mexico)", 29.2, -94.6),
    ("off Santos", -24.05, -46.30),
    ("Singapore Strait", 1.22, 103.85),
    ("off Shanghai", 30.9, 122.3),
    ("Tokyo Bay", 35.4, 139.8),
    ("off Sydney", -33.85, 151.35),
    ("off Perth", -32.0, 115.6),
    ("McMurdo Sound", -77.5, 165.5),
    ("Norwegian Sea off Bergen", 60.4, 4.7),
    ("Bering Strait", 66.0, -169.2),
    ("Caspian Sea", 42.0, 51.0),
]


@pytest.mark.parametrize("name,lat,lon", SEA_POINTS)
def test_shore_distance_on_every_continent_within_documented_error(name, lat, lon):
    la, lo = np.array([lat]), np.array([lon])
    ref = exact.distance_to_shore_exact_km(la, lo)[0]
    assert ref > 1.5, name  # far enough from the coast for the land test to be sure
    assert not coast.is_land(la, lo)[0], name
    assert abs(coast.distance_to_shore_km(la, lo)[0] - ref) <= coast.SHORE_ERROR_KM, name


def test_gfw_loitering_threshold_far_offshore():
    lat, lon = np.array([-1.0, 5.0, 56.5, 35.0]), np.array([-85.0, -95.0, 3.0, -40.0])
    assert (coast.distance_to_shore_km(lat, lon) >= 20 * NM_KM).all()


def test_grid_matches_exact_near_the_coast_worldwide():
    """Where it matters for suppressing alarms: random sea points within 50 km of shore."""
    lat, lon = random_on_sphere(400_000, 7)
    fast = coast.distance_to_shore_km(lat, lon)
    near = np.flatnonzero((fast > 0) & (fast < 50))[:2000]
    assert near.size == 2000
    ref = exact.distance_to_shore_exact_km(lat[near], lon[near])
    err = np.abs(fast[near] - ref)
    assert err.max() <= coast.SHORE_ERROR_KM, err.max()
    assert np.percentile(err, 95) < 0.5
    assert np.median(err) < 0.1


def test_grid_matches_exact_far_offshore():
    lat, lon = random_on_sphere(3000, 20240601)
    fast = coast.distance_to_shore_km(lat, lon)
    ref = exact.distance_to_shore_exact_km(lat, lon)
    assert fast.dtype == np.float32 and fast.shape == (3000,)
    err = np.abs(fast - ref)
    assert err.max() <= coast.FAR_ERROR_KM, err.max()
    assert np.abs(err[ref < 50]).max(initial=0.0) <= coast.SHORE_ERROR_KM
    assert np.median(err) < 0.5


def test_is_land_agrees_with_polygons_away_from_the_coast():
    lat, lon = random_on_sphere(50_000, 3)
    fast = coast.is_land(lat, lon)
    ref = exact.is_land_exact(lat, lon)
    wrong = np.flatnonzero(fast != ref)
    if wrong.size:
        # Disagreements only within about a fine cell of the coastline.
        d = exact.distance_to_shore_exact_km(lat[wrong], lon[wrong])
        on_land = ref[wrong]
        assert (d[~on_land] < 1.5).all()
        assert (coast.distance_to_shore_km(lat[wrong], lon[wrong])[on_land] < 1.5).all()
    assert wrong.size < 0.002 * lat.size


# Ports on every continent: a point in the approach waters is sea, a point in the city is land.
PORT_SIDES = [
    ("Rotterdam", (52.0, 3.95), (51.92, 4.48)),
    ("Singapore", (1.22, 103.85), (1.35, 103.80)),
    ("Durban", (-29.88, 31.10), (-29.80, 30.90)),
    ("Mombasa", (-4.08, 39.72), (-3.95, 39.50)),
    ("Santos", (-24.05, -46.30), (-23.55, -46.63)),
    ("New York", (40.45, -73.85), (40.78, -73.97)),
    ("Sydney", (-33.85, 151.35), (-33.815, 151.00)),
    ("McMurdo", (-77.5, 165.5), (-77.85, 166.67)),
]


@pytest.mark.parametrize("name,sea,land", PORT_SIDES)
def test_land_and_sea_right_at_ports(name, sea, land):
    lat = np.array([sea[0], land[0]])
    lon = np.array([sea[1], land[1]])
    assert exact.is_land_exact(lat, lon).tolist() == [False, True], name
    assert coast.is_land(lat, lon).tolist() == [False, True], name


def test_shapes_nan_and_wrapped_longitudes():
    lat = np.array([[-12.06, np.nan], [40.0, -1.0]])
    lon = np.array([[-77.20, -80.0], [-130.0, -85.0]])
    d = coast.distance_to_shore_km(lat, lon)
    assert d.shape == (2, 2)
    assert np.isnan(d[0, 1])
    land = coast.is_land(lat, lon)
    assert land.shape == (2, 2) and not land.any()
    assert coast.distance_to_shore_km(np.array([]), np.array([])).shape == (0,)
    # 190 E is 170 W; scalars broadcast.
    assert coast.distance_to_shore_km(10.0, 190.0) == pytest.approx(coast.distance_to_shore_km(10.0, -170.0))


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


@pytest.mark.parametrize(
    "wpi,name",
    [(31140, "Rotterdam"), (50000, "Singapore"), (46850, "Durban"), (7640, "New York City"), (53650, "Sydney")],
)
def test_ports_found_worldwide(wpi, name):
    ports = load_world_ports()
    rows = np.flatnonzero(ports["wpi_number"].to_numpy(dtype=float, na_value=np.nan) == wpi)
    assert rows.size == 1, (wpi, name)
    i = int(rows[0])
    assert name.lower() in ports["name"].iloc[i].lower()
    lat, lon = float(ports["lat"].iloc[i]), float(ports["lon"].iloc[i])
    km, idx = coast.distance_to_port_km(np.array([lat, lat - 0.02]), np.array([lon, lon]))
    assert idx[0] == i and km[0] < 1e-6
    assert km[1] < 2.3  # 0.02 deg south: at most 2.22 km from this port, maybe nearer another


def test_distance_to_port_is_exact_against_brute_force_worldwide():
    ports = load_world_ports()
    plat, plon = ports["lat"].to_numpy(), ports["lon"].to_numpy()
    rng = np.random.default_rng(11)
    # Random points anywhere, and points close to ports (Voronoi edges between neighbouring
    # ports are where a grid would slip).
    j = rng.integers(0, len(plat), 4000)
    glat, glon = random_on_sphere(4000, 12)
    lat = np.concatenate([glat, plat[j] + rng.normal(0, 0.05, 4000)])
    lon = np.concatenate([glon, plon[j] + rng.normal(0, 0.05, 4000)])
    km, idx = coast.distance_to_port_km(lat, lon)
    d = haversine_km(lat[:, None], lon[:, None], plat[None, :], plon[None, :])
    np.testing.assert_allclose(km, d.min(axis=1), atol=1e-6)
    np.testing.assert_allclose(d[np.arange(len(lat)), idx], d.min(axis=1), atol=1e-6)


def test_distance_to_port_custom_table_and_nan():
    ports = pd.DataFrame({"name": ["A", "B"], "lat": [0.0, 0.0], "lon": [-80.0, -90.0]})
    km, idx = coast.distance_to_port_km(np.array([0.0, 0.0, np.nan]), np.array([-81.0, -89.5, 0.0]), ports)
    assert idx.tolist() == [0, 1, -1]
    assert km[0] == pytest.approx(111.195, abs=0.01)
    assert np.isnan(km[2])
    with pytest.raises(ValueError):
        coast.distance_to_port_km(np.array([0.0]), np.array([0.0]), ports.iloc[:0])
