"""Partitioning for the cluster engine: halo copies, pairs found once, reception models add up."""

from __future__ import annotations

import numpy as np

from maritime.detect.config import RendezvousConfig
from maritime.detect.partition import grid_groups, pairs_by_group, vessel_partitions
from maritime.detect.rendezvous import GRID_FIELDS, grid_pairs

KM_LAT = 111.19  # km per degree of latitude on the 6371 km sphere


def test_vessel_partitions():
    assert vessel_partitions(0, 1000) == 1
    assert vessel_partitions(1000, 1000) == 1
    assert vessel_partitions(1001, 1000) == 2


def test_halo_copies_only_near_edges():
    # centre of a 1° cell; 0.3 km north of 5°S (a south edge); 0.3 km from the 85°W/5°S corner
    lat = np.array([-5.5, -5.0 + 0.3 / KM_LAT, -5.0 + 0.3 / KM_LAT])
    lon = np.array([-85.5, -85.5, -85.0 + 0.3 / KM_LAT])
    idx, group, core = grid_groups(lat, lon, np.zeros(3, dtype=np.int64), 10.0, cell_deg=1.0)
    assert core.sum() == 3
    assert np.bincount(idx, minlength=3).tolist() == [1, 2, 4]
    # the copies are in other groups than the point's own
    for i in (1, 2):
        own = group[(idx == i) & core][0]
        assert own not in group[(idx == i) & ~core]


def test_time_windows_separate_groups():
    lat, lon = np.array([-5.5, -5.5]), np.array([-85.5, -85.5])
    _, group, _ = grid_groups(lat, lon, np.array([0, 6]), 10.0, cell_deg=1.0, window_hours=1.0)
    assert group[0] != group[1]


def _random_grid(rng, n):
    """Grid points crowded around the 85°W / 5°S cell corner, a few bins."""
    lat = -5.0 + rng.normal(0, 0.01, n)
    lon = -85.0 + rng.normal(0, 0.01, n)
    g = {k: np.zeros(n) for k in GRID_FIELDS}
    g.update(
        mmsi=rng.integers(1, 60, n).astype(np.int64),
        segk=np.zeros(n, dtype=np.int64),
        bin=rng.integers(0, 4, n).astype(np.int64),
        lat=lat,
        lon=lon,
        long=np.zeros(n, dtype=bool),
    )
    return g


def test_pairs_by_group_finds_every_pair_once():
    rng = np.random.default_rng(3)
    cfg = RendezvousConfig()
    for _ in range(5):
        grid = _random_grid(rng, 800)
        whole = grid_pairs(grid, cfg)
        want = sorted(
            zip(
                grid["mmsi"][whole["ia"]].tolist(),
                grid["mmsi"][whole["ib"]].tolist(),
                grid["bin"][whole["ia"]].tolist(),
                np.round(whole["d"], 12).tolist(),
            )
        )
        idx, group, core = grid_groups(
            grid["lat"], grid["lon"], grid["bin"], cfg.grid_minutes, cell_deg=0.01, window_hours=0.2
        )
        expanded = {k: v[idx] for k, v in grid.items()}
        pt = pairs_by_group(expanded, group, core, cfg)
        got = sorted(
            zip(pt["mmsi_a"].tolist(), pt["mmsi_b"].tolist(), pt["bin"].tolist(), np.round(pt["d"], 12).tolist())
        )
        assert len(want) > 100
        assert got == want
        assert (~pt["core_b"]).sum() > 0
