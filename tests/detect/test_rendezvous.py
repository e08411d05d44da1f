"""Rendezvous: two vessels within 500 m, both slow, for at least 2 h, away from port."""

from __future__ import annotations

import numpy as np
import pytest

from maritime.detect.config import RendezvousConfig
from maritime.detect.events import RENDEZVOUS
from maritime.detect.rendezvous import close_pairs, detect_rendezvous
from maritime.geodesy import haversine_km
from tests.detect import T0, straight, tracks_of

SEA = (-1.5, -85.2)


def _meeting(t0, hours, a=730000001, b=354000002, sep_deg=0.0015, interval=60.0, lat=SEA[0], lon=SEA[1]):
    """Two vessels come in at 10 kn, drift side by side (~170 m apart) for `hours`, leave."""
    rows = []
    for k, (m, course_in, course_out) in enumerate(((a, 180, 270), (b, 0, 90))):
        la0 = lat + (0.15 if k == 0 else -0.15) + k * sep_deg
        inn = straight(m, la0, lon, t0 - 3600, 1, interval, speed_kn=9.0, course=course_in, seed=k)
        drift = straight(m, lat + k * sep_deg, lon, t0, hours, interval, speed_kn=0.4, course=30, seed=k)
        out = straight(
            m, drift[-1][2], drift[-1][3], drift[-1][1] + interval, 1, interval, speed_kn=10, course=course_out, seed=k
        )
        rows += inn + drift + out
    return rows


def test_two_vessels_drifting_together_are_a_rendezvous():
    ev = detect_rendezvous(tracks_of(_meeting(T0 + 5 * 3600, 3.0)))
    assert len(ev) == 1
    e = ev[0]
    assert e.kind == RENDEZVOUS
    assert (e.mmsi, e.other_mmsi) == (354000002, 730000001)  # lower MMSI first
    assert e.start == pytest.approx(T0 + 5 * 3600, abs=20 * 60)
    assert e.end == pytest.approx(T0 + 8 * 3600, abs=20 * 60)
    assert e.details["median_distance_m"] < 300
    assert max(e.details["median_speed_kn"]) < 2
    assert e.confidence >= 0.6


def test_a_meeting_across_midnight_utc_is_one_event():
    """GFW processes one UTC day at a time; here 23:00-01:30 is one 2.5 h meeting."""
    start = T0 + 23 * 3600
    ev = detect_rendezvous(tracks_of(_meeting(start, 2.5)))
    assert len(ev) == 1
    assert ev[0].start < T0 + 24 * 3600 < ev[0].end


def test_a_short_meeting_is_not_a_rendezvous():
    assert detect_rendezvous(tracks_of(_meeting(T0 + 3600, 1.5))) == []


def test_fast_ships_passing_close_are_not_a_rendezvous():
    a = straight(1, SEA[0] - 0.3, SEA[1], T0, 2, 30, speed_kn=15, course=0)
    b = straight(2, SEA[0] + 0.3, SEA[1] + 0.002, T0, 2, 30, speed_kn=15, course=180)
    assert detect_rendezvous(tracks_of(a + b)) == []


def test_side_by_side_in_port_is_not_a_rendezvous():
    callao = (-12.052, -77.155)
    a = straight(1, *callao, T0, 12, 180)
    b = straight(2, callao[0] + 0.0004, callao[1], T0, 12, 180)
    assert detect_rendezvous(tracks_of(a + b)) == []


def test_pieces_separated_by_a_brief_gap_are_one_event():
    rows = _meeting(T0 + 3600, 4.0)
    # both transponders unheard for 40 minutes in the middle
    gap0, gap1 = T0 + 3 * 3600, T0 + 3 * 3600 + 2400
    rows = [r for r in rows if not gap0 <= r[1] < gap1]
    ev = detect_rendezvous(tracks_of(rows))
    assert len(ev) == 1
    assert ev[0].duration_hours() > 3.5


def test_vessels_apart_more_than_500_m_are_not_a_rendezvous():
    rows = _meeting(T0 + 3600, 3.0, sep_deg=0.01)  # 1.1 km
    assert detect_rendezvous(tracks_of(rows)) == []


def test_same_mmsi_never_meets_itself():
    rows = _meeting(T0 + 3600, 3.0, a=5, b=5)
    assert detect_rendezvous(tracks_of(rows)) == []


def test_close_pairs_matches_brute_force():
    rng = np.random.default_rng(3)
    n = 3000
    bins = rng.integers(0, 4, n)
    lat = -1.5 + rng.uniform(0, 0.05, n)
    lon = -85.2 + rng.uniform(0, 0.05, n)
    i, j, d = close_pairs(bins, lat, lon, 1.0, 0.5)
    got = {(min(a, b), max(a, b)) for a, b in zip(i.tolist(), j.tolist())}
    assert len(got) == len(i)  # each pair once
    want = set()
    for b in range(4):
        idx = np.nonzero(bins == b)[0]
        dd = haversine_km(lat[idx, None], lon[idx, None], lat[None, idx], lon[None, idx])
        x, y = np.nonzero(np.triu(dd <= 0.5, 1))
        want |= {(int(idx[p]), int(idx[q])) for p, q in zip(x, y)}
    assert got == want


def test_thresholds_come_from_the_config():
    rows = _meeting(T0 + 3600, 3.0)
    assert detect_rendezvous(tracks_of(rows), RendezvousConfig(max_distance_km=0.1)) == []
