"""Nearest-port candidate grid (maritime.reference.portgrid)."""

from __future__ import annotations

import numpy as np

from maritime.geodesy import haversine_km
from maritime.reference.portgrid import nearest_port, port_grid, port_grid_within


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


def test_capped_grid_gives_the_exact_nearest_of_the_union():
    rng = np.random.default_rng(8)
    base = np.column_stack([rng.uniform(-70, 70, 400), rng.uniform(-180, 180, 400)])
    # a tight cluster (learned anchorages) and a few points across the antimeridian
    extra = np.vstack(
        [
            np.column_stack([rng.uniform(53, 56, 300), rng.uniform(3, 9, 300)]),
            np.array([[10.0, 179.99], [-20.0, -179.99], [89.5, 30.0]]),
        ]
    )
    capped = port_grid_within(extra.tobytes(), base.tobytes())
    full = port_grid(extra.tobytes())
    assert len(capped.cand) < len(full.cand) / 5  # far cells list none of the cluster
    lat = np.r_[rng.uniform(-90, 90, 30_000), rng.uniform(50, 60, 20_000)]
    lon = np.r_[rng.uniform(-180, 180, 30_000), rng.uniform(0, 12, 20_000)]
    kb, _ = nearest_port(port_grid(base.tobytes()), lat, lon)
    kf, _ = nearest_port(full, lat, lon)
    kc, ic = nearest_port(capped, lat, lon)
    assert np.array_equal(np.fmin(kb, kc), np.fmin(kb, kf))  # bit for bit
    assert (kc >= kf).all() and (np.isinf(kc) == (ic < 0)).all() and np.isinf(kc).any()
    both = np.vstack([base, extra])
    d = haversine_km(lat[:, None], lon[:, None], both[None, :, 0], both[None, :, 1])
    np.testing.assert_allclose(np.fmin(kb, kc), d.min(axis=1), atol=1e-6)
