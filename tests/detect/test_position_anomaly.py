"""position_anomaly: teleports not explained as two transmitters, positions on land,
invalid MMSIs, many MMSIs on one point, claimed size changing at sea; rare on real traffic."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from maritime.detect.compose import detect_all
from maritime.detect.config import PositionAnomalyConfig, TracksConfig, load_config
from maritime.detect.identity_change import IdentityChanges
from maritime.detect.position_anomaly import (
    detect_invalid_mmsi,
    detect_on_land,
    detect_shared_positions,
    detect_static_changes,
    detect_teleports,
    shared_inputs,
)
from maritime.detect.tracks import prepare_tracks
from tests.detect.kinds_cases import EVAL_SEEDS, evaluate, table

T0 = 1_736_899_200.0
CFG = PositionAnomalyConfig()
SOLENT = Path("/work/shared/ais-corpus/stonesoup/docs/demos/SolentAIS_20160112_130211.csv")


def line(mmsi: int, t0: float, lat0: float, lon0: float, n: int = 60, dlat: float = 0.003):
    t = t0 + 60.0 * np.arange(n)
    return np.full(n, mmsi), t, lat0 + dlat * np.arange(n) / 10.0, np.full(n, lon0)


def tracks(*parts):
    m, t, la, lo = (np.concatenate(x) for x in zip(*parts))
    return prepare_tracks(m, t, la, lo)


def test_teleport_after_a_silence_but_not_a_plausible_voyage():
    a = line(760000001, T0, -6.0, -84.0)
    b = line(760000001, T0 + 3600 + 2 * 3600, -9.0, -84.0)  # 330 km in 2 h: 90 kn
    (e,) = detect_teleports(tracks(a, b), TracksConfig(), CFG)
    assert e.details["reason"] == "teleport" and e.details["implied_speed_kn"] > 50
    c = line(760000001, T0 + 3600 + 2 * 3600, -6.3, -84.0)  # 30 km in 2 h: plausible
    assert detect_teleports(tracks(a, c), TracksConfig(), CFG) == []


def test_teleport_explained_by_two_transmitters_is_not_reported():
    a = line(760000002, T0, -6.0, -84.0, n=180)
    b = line(760000002, T0 + 30, -9.0, -84.0, n=180)  # interleaved, far apart: two transmitters
    tr = tracks(a, b)
    assert tr.conflicts, "the segmenter reports an identity conflict"
    assert detect_teleports(tr, TracksConfig(), CFG) == []


def test_on_land_far_from_ports_only():
    inland = line(735000003, T0, -1.2, -78.5)  # Ecuadorian Andes
    at_sea = line(735000004, T0, -3.5, -84.0)
    ev = detect_on_land(tracks(inland, at_sea), CFG)
    assert [e.mmsi for e in ev] == [735000003] and ev[0].details["distance_to_port_km"] > 25


def test_invalid_mmsi_forms_and_mids():
    parts = [line(m, T0, -5.0, -84.0 + 0.1 * k) for k, m in enumerate((123456789, 2900123, 290123456, 735000001))]
    ev = {e.mmsi: e.details["problem"] for e in detect_invalid_mmsi(tracks(*parts), CFG)}
    assert ev == {123456789: "placeholder_digits", 2900123: "not_nine_digits", 290123456: "unallocated_mid"}


def test_shared_position_needs_several_mmsis_held_at_one_point():
    held = [
        (np.full(20, m), T0 + 180.0 * np.arange(20) + 7 * k, np.full(20, -5.12345), np.full(20, -84.54321))
        for k, m in enumerate((735000001, 760000002, 412000003))
    ]
    tr = tracks(*held)
    (e,) = detect_shared_positions(shared_inputs(tr, CFG), CFG)
    assert e.mmsi == 412000003 and e.details["mmsis"] == [412000003, 735000001, 760000002]
    two = tracks(*held[:2])
    assert detect_shared_positions(shared_inputs(two, CFG), CFG) == []


def test_length_change_at_sea_not_in_port():
    at_sea = line(760000005, T0, -5.0, -84.0)
    in_port = line(760000006, T0, -5.083, -81.12, dlat=0.0)  # Paita
    tr = tracks(at_sea, in_port)
    rows = [
        (760000005, T0 + 1800, "length", "180", "60"),
        (760000006, T0 + 1800, "length", "180", "60"),
        (760000005, T0 + 1900, "ship_type", "70", "30"),
    ]
    ev = detect_static_changes(tr, IdentityChanges.from_rows(rows), CFG)
    got = sorted((e.mmsi, e.details["reason"]) for e in ev)
    assert got == [(760000005, "dimensions_changed"), (760000005, "type_changed")]


@pytest.mark.skipif(not SOLENT.exists(), reason="shared corpus not available")
def test_rare_on_real_traffic():
    """The Solent recording (Stone Soup demo data: 18,623 real reports of 91 MMSIs around
    Portsmouth, ports, the Isle of Wight and Southampton Water) raises no position anomaly."""
    df = pd.read_csv(SOLENT)
    t = pd.to_datetime(df["Time"], utc=True).astype("int64").to_numpy() / 1e9
    tr = prepare_tracks(df["MMSI"], t, df["Latitude_degrees"], df["Longitude_degrees"], sog=df["SOG_knots"])
    ev = detect_all(tr, load_config())
    assert len(tr) > 18_000
    assert [e for e in ev if e.kind == "position_anomaly"] == []


def test_precision_and_recall_on_unseen_seeds():
    res = evaluate(EVAL_SEEDS, ["position_anomaly"])
    print("\n" + table(res))
    n, good, nt, found = res["position_anomaly"]
    assert nt >= 25
    assert good / n >= 0.95 and found / nt >= 0.95
