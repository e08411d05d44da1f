"""Nearest-port candidate grid (maritime.reference.portgrid)."""

from __future__ import annotations

import numpy as np

from maritime.geodesy import haversine_km
from maritime.reference.portgrid import GRID_VERSION, _cached, nearest_port, port_grid, port_grid_within


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


def test_large_grids_are_cached_on_disk_and_read_back_identical(tmp_path):
    rng = np.random.default_rng(3)
    key = np.column_stack([rng.uniform(-80, 80, 1200), rng.uniform(-180, 180, 1200)]).tobytes()
    built = _cached(key, tmp_path)
    (entry,) = tmp_path.glob(f"port_grid_v{GRID_VERSION}_*.npz")
    again = _cached(key, tmp_path)  # read from the file
    for name in ("unit", "start", "cand"):
        assert np.array_equal(getattr(again, name), getattr(built, name))
    assert np.array_equal(port_grid(key).cand, built.cand)  # port_grid: the same grid
    other = _cached(key[:-16], tmp_path)  # another table: another entry
    assert len(list(tmp_path.glob("port_grid_*.npz"))) == 2 and len(other.unit) == 1199
    entry.write_bytes(b"not a grid")  # a damaged entry is rebuilt
    assert np.array_equal(_cached(key, tmp_path).cand, built.cand)


def test_bundled_port_coordinates_are_cached_without_parsing_the_tables(tmp_path, monkeypatch):
    from maritime.reference import coast
    from maritime.reference.ports import load_world_ports

    ports = load_world_ports()
    expected = np.column_stack([ports["lat"].to_numpy(float), ports["lon"].to_numpy(float)]).tobytes()
    monkeypatch.setenv("MARITIME_CACHE_DIR", str(tmp_path))
    coast.world_ports_key.cache_clear()
    try:
        assert coast.world_ports_key() == expected  # parsed, then written
        assert len(list(tmp_path.glob("ports_*.npy"))) == 1
        coast.world_ports_key.cache_clear()
        monkeypatch.setattr(coast, "_world_ports_coords", lambda: b"")  # must not be needed now
        assert coast.world_ports_key() == expected
    finally:
        coast.world_ports_key.cache_clear()
