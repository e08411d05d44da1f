"""Track preparation: ordering, impossible jumps, segmentation of shared MMSIs, speeds."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from maritime.detect.config import TracksConfig
from maritime.detect.events import IDENTITY_CONFLICT
from maritime.detect.tracks import prepare_tracks
from tests.detect import CORPUS, T0, straight, tracks_of

SEG = CORPUS / "gfw-gpsdio-segment" / "tests" / "data"


def test_reports_are_ordered_per_vessel_in_data_time():
    rows = straight(111, -1.5, -85.2, T0, 2, 60, speed_kn=10) + straight(222, -2.0, -86.0, T0, 2, 60, speed_kn=5)
    shuffled = [rows[i] for i in np.random.default_rng(1).permutation(len(rows))]
    tr = tracks_of(shuffled)
    assert tr.n_segments == 2
    for s in range(tr.n_segments):
        t = tr.t[tr.seg_start[s] : tr.seg_end[s]]
        assert (np.diff(t) >= 0).all()
    # implied speed over the 10-minute window recovers the sailed speed
    assert np.nanmedian(tr.speed[tr.mmsi == 111]) == pytest.approx(10, abs=0.3)
    assert np.nanmedian(tr.speed[tr.mmsi == 222]) == pytest.approx(5, abs=0.3)


def test_isolated_impossible_jump_is_dropped():
    rows = straight(111, -1.5, -85.2, T0, 2, 60, speed_kn=10)
    k = 50
    m, t, la, lo, *rest = rows[k]
    rows[k] = (m, t, la + 2.0, lo, *rest)  # 220 km off for one report
    tr = tracks_of(rows)
    assert tr.n_segments == 1
    assert tr.dropped == 1
    assert len(tr) == len(rows) - 1
    assert tr.conflicts == []


def test_invalid_positions_are_dropped():
    rows = straight(111, -1.5, -85.2, T0, 1, 60, speed_kn=10)
    m, t, *_ = rows[3]
    rows[3] = (m, t, 0.0, 0.0, 0.0, 0.0, 1)
    rows[4] = (m, rows[4][1], float("nan"), -85.0, 0.0, 0.0, 1)
    tr = tracks_of(rows)
    assert len(tr) == len(rows) - 2


def test_two_transmitters_sharing_an_mmsi_are_two_segments_and_a_conflict():
    a = straight(735000001, -0.9, -80.9, T0, 6, 60, speed_kn=8, course=300)
    b = straight(735000001, -5.1, -81.3, T0 + 20, 6, 90, speed_kn=8, course=260)
    tr = tracks_of(a + b)
    assert tr.n_segments == 2
    sizes = sorted((tr.seg_end - tr.seg_start).tolist())
    assert sizes == sorted([len(a), len(b)])
    assert tr.shared_mmsis == [735000001]
    assert len(tr.conflicts) == 1
    c = tr.conflicts[0]
    assert c.kind == IDENTITY_CONFLICT and c.mmsi == 735000001
    assert c.details["distance_km"] > 400
    assert c.start == pytest.approx(T0, abs=120) and c.end == pytest.approx(T0 + 6 * 3600, abs=200)


def test_segments_never_mix_far_apart_transmitters():
    a = straight(9, 10.0, -90.0, T0, 3, 30)
    b = straight(9, -10.0, -90.0, T0 + 7, 3, 45)
    tr = tracks_of(a + b)
    for s in range(tr.n_segments):
        la = tr.lat[tr.seg_start[s] : tr.seg_end[s]]
        assert la.max() - la.min() < 1.0


def test_time_stamp_jitter_between_receivers_does_not_split_a_track():
    """Two receivers stamping the same track a few minutes apart (GFW's buffer hours)."""
    rows = straight(111, -9.6, -161.6, T0, 6, 60, speed_kn=11)
    shifted = [(m, t + 420.0, *rest) for (m, t, *rest) in rows[::7]]  # a second source 7 min late
    tr = tracks_of(rows + shifted)
    assert tr.n_segments == 1
    assert tr.conflicts == []


def _gfw(name: str) -> pd.DataFrame:
    rows = [json.loads(line) for line in (SEG / name).read_text().splitlines() if line.strip()]
    df = pd.DataFrame(rows)
    df = df[df.lat.notna() & df.lon.notna()].copy()
    ts = pd.to_datetime(df.timestamp.str.replace("Z", ""), utc=True)
    df["t"] = (ts - pd.Timestamp("1970-01-01", tz="UTC")).dt.total_seconds()
    return df


@pytest.fixture(scope="module")
def gfw_data():
    if not SEG.is_dir():
        pytest.skip(f"real AIS corpus not found at {SEG}")
    return SEG


def _segment(df: pd.DataFrame):
    return prepare_tracks(
        df.ssvid.values,
        df.t.values,
        df.lat.values,
        df.lon.values,
        df.speed.values.astype(float),
        df.course.values.astype(float),
    )


def test_gfw_338013000_main_segment_matches_gpsdio_segment(gfw_data):
    """GFW's expected segmentation puts 1223 of 1253 reports (nulls included) in one segment;
    the rest are single outliers. Ours: one segment holding >= 97 % of GFW's main segment."""
    df = _gfw("338013000.json")
    tr = _segment(df)
    sizes = tr.seg_end - tr.seg_start
    main = int(np.argmax(sizes))
    a, b = tr.seg_start[main], tr.seg_end[main]
    ours = set(zip(tr.t[a:b].round(3), tr.lat[a:b].round(7)))
    gmain = df[df.expected == df.expected.value_counts().index[0]]
    theirs = set(zip(gmain.t.round(3), gmain.lat.round(7)))
    assert len(ours & theirs) >= 0.97 * len(theirs)
    assert tr.n_segments == 1
    assert tr.conflicts == []


def test_gfw_263576000_is_one_segment(gfw_data):
    tr = _segment(_gfw("263576000.json"))
    assert tr.n_segments == 1  # GFW: one Segment (plus info / bad single messages)


def test_gfw_416000000_shared_placeholder_mmsi(gfw_data):
    """MMSI 416000000 (Taiwan's placeholder) is used by many transmitters, most in Taiwanese
    ports and a few in the Indian Ocean: GFW splits it into 29 segments. Ours must never put
    Taiwan and Indian Ocean reports in one segment, and must flag the conflict."""
    df = _gfw("416000000.json")
    tr = _segment(df)
    assert tr.n_segments >= 2
    for s in range(tr.n_segments):
        lo = tr.lon[tr.seg_start[s] : tr.seg_end[s]]
        assert lo.max() - lo.min() < 30  # never Taiwan (120E) with the Indian Ocean (60E)
    assert tr.conflicts and all(c.mmsi == 416000000 for c in tr.conflicts)
    assert max(c.details["distance_km"] for c in tr.conflicts) > 1000


def test_config_limits_are_used():
    rows = straight(5, -1.0, -85.0, T0, 1, 60, speed_kn=40)
    assert tracks_of(rows).n_segments == 1
    slow_limit = tracks_of(rows, config=TracksConfig(max_speed_kn=20.0, time_buffer_minutes=0.0))
    assert slow_limit.n_segments != 1 or len(slow_limit) < len(rows)
