"""maritime.geodesy: distances, bearings, destinations against known values."""

from __future__ import annotations

import numpy as np
import pytest

from maritime.geodesy import (
    KM_PER_DEG,
    NM_KM,
    bearing_deg,
    destination,
    haversine_km,
    haversine_km_scalar,
    interp_latlon,
    local_xy_km,
    speed_kn,
)


def test_one_degree_of_latitude() -> None:
    assert float(haversine_km(0.0, 0.0, 1.0, 0.0)) == pytest.approx(KM_PER_DEG, rel=1e-12)
    assert KM_PER_DEG == pytest.approx(111.195, abs=1e-3)


def test_scalar_equals_vector() -> None:
    rng = np.random.default_rng(3)
    la1, lo1, la2, lo2 = (
        rng.uniform(-80, 80, 4),
        rng.uniform(-180, 180, 4),
        rng.uniform(-80, 80, 4),
        rng.uniform(-180, 180, 4),
    )
    vec = haversine_km(la1, lo1, la2, lo2)
    for i in range(4):
        assert haversine_km_scalar(float(la1[i]), float(lo1[i]), float(la2[i]), float(lo2[i])) == pytest.approx(
            float(vec[i]), rel=1e-12
        )


def test_long_inputs_are_chunked_identically() -> None:
    n = 2 * (1 << 20) + 5
    lat = np.linspace(-60, 60, n)
    d = haversine_km(lat, 10.0, lat + 0.01, 10.0)
    assert d.shape == (n,)
    assert np.allclose(d, 0.01 * KM_PER_DEG)


def test_destination_round_trip_and_bearing() -> None:
    lat, lon = destination(5.0, -80.0, 45.0, 100.0)
    assert float(haversine_km(5.0, -80.0, lat, lon)) == pytest.approx(100.0, rel=1e-9)
    assert float(bearing_deg(5.0, -80.0, lat, lon)) == pytest.approx(45.0, abs=1e-6)
    # across the antimeridian the longitude wraps into -180..180
    _, lon2 = destination(0.0, 179.9, 90.0, 50.0)
    assert -180.0 <= float(lon2) < -179.0


def test_speed_interp_local_xy() -> None:
    assert float(speed_kn(NM_KM, 3600.0)) == pytest.approx(1.0)
    assert float(speed_kn(1.0, 0.0)) == np.inf
    assert float(speed_kn(0.0, 0.0)) == 0.0
    la, lo = interp_latlon(0.5, 0.0, 179.0, 2.0, -179.0)
    assert float(la) == pytest.approx(1.0)
    assert abs(float(lo)) == pytest.approx(180.0)
    x, y = local_xy_km(60.0, 1.0)
    assert float(y) == pytest.approx(60.0 * KM_PER_DEG)
    assert float(x) == pytest.approx(0.5 * KM_PER_DEG, rel=1e-12)


def test_haversine_pre_is_haversine_to_the_last_bit():
    from maritime.geodesy import haversine_km, haversine_pre_km

    rng = np.random.default_rng(4)
    lat, lon = rng.uniform(-90, 90, 5000), rng.uniform(-180, 180, 5000)
    j = rng.integers(0, 5000, 5000)
    rad = np.radians(lat)
    cos = np.cos(rad)
    pre = haversine_pre_km(rad, cos, lon, rad[j], cos[j], lon[j])
    assert np.array_equal(pre, haversine_km(lat, lon, lat[j], lon[j]))
