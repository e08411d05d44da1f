"""The reception model: counts of distinct transmitters, receivers told apart, additive parts."""

from __future__ import annotations

import numpy as np

from maritime.detect.config import DarkConfig
from maritime.detect.reception import bin_range, merge_receptions, reception_model, satellite_codes
from maritime.detect.tracks import prepare_tracks
from tests.detect import T0, straight

SEA = (-1.45, -85.15)  # mid-cell of both grids: each transmitter falls in one cell


def _tracks(rows: list[tuple], station: list[int], names: list[str]):
    a = np.array([r[:4] for r in rows], dtype=float)
    return prepare_tracks(
        a[:, 0].astype(np.int64),
        a[:, 1],
        a[:, 2],
        a[:, 3],
        msg_type=np.array([r[6] for r in rows]),
        station=np.array(station),
        station_names=names,
        now=T0 + 6 * 3600,
    )


def _rows() -> tuple[list[tuple], list[int]]:
    rows: list[tuple] = []
    st: list[int] = []
    for k in range(4):
        part = straight(760000000 + k, SEA[0] + 0.01 * k, SEA[1], T0, 4.0, 60.0, msg_type=18 if k == 3 else 1, seed=k)
        rows += part
        st += [k % 2] * len(part)  # vessels 0 and 2 heard by the shore station, 1 and 3 by satellite
    return rows, st


def test_satellite_receivers_by_name() -> None:
    names = ["rEC-Manta", "rSAT-1", "exactEarth", "SPIRE-12", "2573105"]
    assert satellite_codes(names, DarkConfig().satellite_receivers).tolist() == [False, True, True, True, False]


def test_counts_distinct_transmitters_by_class_and_receiver_kind() -> None:
    rows, st = _rows()
    rec = reception_model(_tracks(rows, st, ["rEC-Shore", "rSAT-1"]), DarkConfig())
    bins = np.arange(int(T0 // 600) + 1, int(T0 // 600) + 5, dtype=np.int64)
    lat = np.full(len(bins), SEA[0])
    lon = np.full(len(bins), SEA[1])
    n, ter = rec.near(lat, lon, bins, class_b=False)
    assert n.tolist() == [4, 4, 4, 4]
    assert ter.tolist() == [2, 2, 2, 2]
    n_b, _ = rec.near(lat, lon, bins, class_b=True)
    assert n_b.tolist() == [1, 1, 1, 1]
    # the shore receiver (code 0) heard two vessels around here; the satellite is never a serving receiver
    assert rec.by_stations(np.array([0]), lat, lon, bins).tolist() == [2, 2, 2, 2]
    assert rec.by_stations(np.array([1]), lat, lon, bins).tolist() == [0, 0, 0, 0]
    # ~150 km away nobody is heard
    assert rec.near(lat + 1.35, lon, bins, class_b=False)[0].tolist() == [0, 0, 0, 0]
    assert rec.by_stations(np.array([0]), lat + 1.35, lon, bins).tolist() == [0, 0, 0, 0]


def test_silences_are_counted_where_they_start_and_end() -> None:
    rows, st = _rows()
    cut = (T0 + 3600, T0 + 4 * 3600)
    keep = [i for i, r in enumerate(rows) if not cut[0] <= r[1] < cut[1] or r[0] == 760000003]
    rows = [rows[i] for i in keep]
    st = [st[i] for i in keep]
    rec = reception_model(_tracks(rows, st, ["rEC-Shore", "rSAT-1"]), DarkConfig(min_gap_hours=2.0))
    b_start = int((cut[0] - 60) // 600)
    assert rec.silences_around(False, SEA[0], SEA[1], b_start, 1) == 3
    assert rec.silences_around(True, SEA[0], SEA[1], int(cut[1] // 600), 1) == 3
    assert rec.silences_around(False, SEA[0] + 2.0, SEA[1], b_start, 1) == 0


def test_models_of_disjoint_vessels_add_up() -> None:
    rows, st = _rows()
    names = ["rEC-Shore", "rSAT-1"]
    cfg = DarkConfig()
    whole_tr = _tracks(rows, st, names)
    bins = bin_range(float(whole_tr.t.min()), whole_tr.now, cfg.bin_minutes * 60.0)
    whole = reception_model(whole_tr, cfg, bins)
    parts = []
    for group in ((760000000, 760000003), (760000001, 760000002)):
        idx = [i for i, r in enumerate(rows) if r[0] in group]
        parts.append(reception_model(_tracks([rows[i] for i in idx], [st[i] for i in idx], names), cfg, bins))
    merged = merge_receptions(parts)
    for name in whole.array_fields():
        assert np.array_equal(getattr(whole, name), getattr(merged, name)), name


def test_reception_models_of_vessel_groups_add_up() -> None:
    """(Moved from test_partition.py.) Random reports of 60 MMSIs in three groups."""
    rng = np.random.default_rng(8)
    n = 20_000
    mmsi = rng.integers(100, 160, n)
    t = np.sort(rng.uniform(0, 6 * 3600, n)) + 1.7e9
    lat = rng.uniform(-6, -4, n)
    lon = rng.uniform(-86, -84, n)
    station = rng.integers(-1, 4, n)
    msg = rng.choice([1, 18], n)
    cfg = DarkConfig()
    bin_s = cfg.bin_minutes * 60.0
    whole = prepare_tracks(mmsi, t, lat, lon, msg_type=msg, station=station, station_names=list("abcd"))
    bins = bin_range(float(t.min()), float(t.max()), bin_s)
    ref = reception_model(whole, cfg, bins)
    parts = []
    for grp in (mmsi % 3 == 0, mmsi % 3 == 1, mmsi % 3 == 2):
        tr = prepare_tracks(
            mmsi[grp],
            t[grp],
            lat[grp],
            lon[grp],
            msg_type=msg[grp],
            station=station[grp],
            station_names=list("abcd"),
            now=whole.now,
        )
        parts.append(reception_model(tr, cfg, bins))
    merged = merge_receptions(parts)
    assert (merged.b0, merged.nb) == (ref.b0, ref.nb)
    for k in ref.array_fields():
        assert np.array_equal(getattr(merged, k), getattr(ref, k)), k
