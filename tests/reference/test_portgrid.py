"""Nearest-port candidate grid (maritime.reference.portgrid)."""

from __future__ import annotations

import numpy as np

from maritime.geodesy import haversine_km
from maritime.reference.portgrid import nearest_port, port_grid


def test_exact_across_the_antimeridian_and_at_the_poles():
    coords = np.array([[0.0, 179.9], [0.0, -179.0], [89.9, 0.0], [-60.0, 10.0]])
    g = port_grid(coords.tobytes())
    lat = np.array([0.0, 0.0, 90.0, -90.0, 45.0])
    lon = np.array([-179.95, 179.5, 123.0, 0.0, 540.0 + 179.95])
    km, idx = nearest_port(g, lat, lon)
    d = haversine_km(lat[:, None], lon[:, None], coords[None, :, 0], coords[None, :, 1])
    assert idx.tolist() == d.argmin(axis=1).tolist()
    np.testing.assert_allclose(km, d.min(axis=1), atol=1e-6)
    assert idx[0] == 0  # 0.05 deg across the antimeridian, not 0.95 deg to the other side


def test_every_cell_lists_the_nearest_port_of_its_points():
    rng = np.random.default_rng(5)
    coords = np.column_stack([rng.uniform(40, 60, 300), rng.uniform(-10, 30, 300)])
    g = port_grid(coords.tobytes())
    lat, lon = rng.uniform(35, 65, 20_000), rng.uniform(-15, 35, 20_000)
    km, idx = nearest_port(g, lat, lon)
    d = haversine_km(lat[:, None], lon[:, None], coords[None, :, 0], coords[None, :, 1])
    np.testing.assert_allclose(km, d.min(axis=1), atol=1e-6)
    assert (np.diff(g.start) >= 1).all()
