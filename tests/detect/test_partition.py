"""Partitioning for the cluster engine: halo copies, pairs found once, reception models add up."""

from __future__ import annotations

import numpy as np

from maritime.detect.config import RendezvousConfig
from maritime.detect.identity_change import IdentityChanges, detect_identity_changes
from maritime.detect.partition import (
    changes_of,
    grid_groups,
    group_keys,
    identity_groups,
    pairs_by_group,
    vessel_partitions,
)
from maritime.detect.rendezvous import GRID_FIELDS, grid_pairs
from maritime.detect.tracks import prepare_tracks

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


#: IMO numbers with valid check digits (IMO Res. A.1078(28)); 1234568 is not one.
IMO_A, IMO_B = "9074729", "8814005"


def _changes() -> IdentityChanges:
    return IdentityChanges.from_rows(
        [
            (412000100, 0.0, "imo", IMO_A, None),
            (667000222, 9000.0, "imo", IMO_A, None),  # IMO_A moves to another MMSI
            (667000222, 9000.0, "name", "NEW NAME", None),
            (770000001, 100.0, "imo", IMO_B, None),
            (735000300, 200.0, "imo", IMO_B, None),
            (735000300, 300.0, "imo", IMO_A, IMO_B),  # chains both numbers into one group
            (735000400, 0.0, "imo", "1234568", None),  # no valid check digit: links nothing
            (735000500, 0.0, "imo", "1234568", None),
            (735000600, 50.0, "name", "ALONE", None),
        ]
    )


def test_mmsis_sharing_an_imo_number_share_a_partition_key():
    groups = identity_groups(_changes())
    linked = {412000100, 667000222, 770000001, 735000300}
    assert groups == dict.fromkeys(linked, 412000100)
    keys = group_keys(np.array([667000222, 735000600, 770000001, 735000400]), groups)
    assert keys.tolist() == [412000100, 735000600, 412000100, 735000400]
    assert identity_groups(None) == {} and group_keys(np.array([5]), {}).tolist() == [5]


def test_a_partition_gets_the_whole_history_of_its_keys():
    ch = _changes()
    groups = identity_groups(ch)
    part = changes_of(ch, np.array([412000100]), groups)
    assert sorted(set(part.mmsi.tolist())) == [412000100, 667000222, 735000300, 770000001]
    assert part.t.tolist() == sorted(part.t.tolist())
    rest = changes_of(ch, np.array([735000400, 735000500, 735000600]), groups)
    assert len(part) + len(rest) == len(ch)
    assert rest.field == ["imo", "imo", "name"]


def test_a_flag_change_is_found_in_the_partition_of_both_mmsis():
    """The old MMSI (MID 412) falls silent, the IMO number comes back under MID 667 after
    3 h dark: found with both MMSIs' reports; with only the new MMSI's partition (the old
    MMSI's reports and IMO row elsewhere) it is lost."""
    ch = IdentityChanges.from_rows(
        [(412000100, 3600.0, "imo", IMO_A, None), (667000222, 4 * 3600.0 + 60, "imo", IMO_A, None)]
    )
    t = np.r_[np.arange(0.0, 3600.0, 60.0), np.arange(4 * 3600.0, 6 * 3600.0, 60.0)]
    m = np.r_[np.full(60, 412000100), np.full(120, 667000222)]
    lat = np.full(len(t), -3.0)
    lon = np.full(len(t), -85.0)
    groups = identity_groups(ch)
    both = prepare_tracks(m, t, lat, lon)
    found = detect_identity_changes(both, changes_of(ch, np.unique(group_keys(m, groups)), groups))
    assert [(e.mmsi, e.details["field"], e.details["previous_mmsi"]) for e in found] == [(667000222, "flag", 412000100)]
    alone = prepare_tracks(m[60:], t[60:], lat[60:], lon[60:])
    assert detect_identity_changes(alone, changes_of(ch, np.array([667000222]), {})) == []
