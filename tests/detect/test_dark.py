"""Dark periods: silences that neither the vessel's reporting rate nor the reception explain."""

from __future__ import annotations

import numpy as np
import pytest

from maritime.detect.dark import detect_dark
from maritime.detect.events import DARK
from tests.detect import T0, straight, tracks_of

SEA = (-1.5, -85.2)
V = 735000777


def _neighbours(t0=T0, hours=14.0, interval=60.0, n=4, center=SEA, keep=None):
    rows = []
    for k in range(n):
        lat = center[0] + 0.03 * np.cos(k * 1.7)
        lon = center[1] + 0.03 * np.sin(k * 1.7)
        part = straight(760000000 + k, lat, lon, t0 + 7 * k, hours, interval, speed_kn=0.3, course=40 * k, seed=k)
        rows += [r for r in part if keep is None or keep(r[1])]
    return rows


def _vessel(silence=(6.0, 10.0), hours=14.0, interval=60.0, center=SEA, keep=None, mmsi=V):
    rows = straight(mmsi, center[0], center[1], T0, hours, interval, speed_kn=0.5, course=90)
    a, b = T0 + silence[0] * 3600, T0 + silence[1] * 3600
    return [r for r in rows if not a <= r[1] < b and (keep is None or keep(r[1]))]


def _high(events):
    return [e for e in events if e.confidence >= 0.5]


def test_silence_while_neighbours_are_heard_is_a_dark_period():
    tr = tracks_of(_vessel() + _neighbours())
    ev = detect_dark(tr)
    assert len(ev) == 1
    e = ev[0]
    assert e.kind == DARK and e.mmsi == V and e.other_mmsi is None
    assert e.start == pytest.approx(T0 + 6 * 3600, abs=90)
    assert e.end == pytest.approx(T0 + 10 * 3600, abs=90)
    assert e.confidence >= 0.8
    d = e.details
    assert d["reason"] == "ais_silence"
    assert d["gap_h"] == pytest.approx(4.0, abs=0.05)
    assert d["last_seen"]["time"] == e.start and d["reappeared"]["time"] == e.end
    assert d["gap_distance_km"] < 5 and d["implied_speed_kn"] < 2
    assert d["reports_before"] >= 300 and d["median_interval_s"] == pytest.approx(60, abs=1)
    assert d["reception"]["coverage"] > 0.9 and d["reception"]["mean_neighbours"] >= 3
    assert d["reception"]["p_silence"] < 1e-10


def test_receiver_outage_is_not_a_dark_period():
    """Every vessel of the area goes silent at once: a coverage gap, low confidence at most."""
    out = (T0 + 6 * 3600, T0 + 10 * 3600)
    rows = _vessel() + _neighbours(keep=lambda t: not out[0] <= t < out[1])
    ev = detect_dark(tr := tracks_of(rows))
    assert _high(ev) == []
    for e in ev:
        assert e.confidence <= 0.2 and e.details["reason"] == "coverage_gap"
    assert tr.now > 0


def _pass(t, period=2940.0, length=720.0):
    return ((t - T0) % period) < length


def test_satellite_only_gaps_are_not_flagged():
    """Reports only during 12-minute satellite passes every 49 min, a third of them received;
    the vessel misses two passes more (a 2.5 h silence), as happens every day from space."""
    rng = np.random.default_rng(5)
    heard = {}

    def keep(t):
        return _pass(t) and heard.setdefault(round(t), rng.random() < 0.35)

    miss = (T0 + 6 * 3600 + 1000, T0 + 6 * 3600 + 1000 + 2.2 * 3600)
    rows = _vessel(silence=(0, 0), keep=lambda t: keep(t) and not miss[0] <= t < miss[1]) + _neighbours(n=6, keep=keep)
    ev = detect_dark(tracks_of(rows))
    assert _high(ev) == []


def test_long_silence_under_satellite_coverage_is_flagged():
    """Neighbours heard at every pass for 8 h while the vessel stays silent."""
    rng = np.random.default_rng(6)
    heard = {}

    def keep(t):
        return _pass(t) and heard.setdefault(round(t), rng.random() < 0.5)

    rows = _vessel(silence=(4.0, 12.0), hours=16, keep=keep) + _neighbours(n=6, hours=16, keep=keep)
    ev = _high(detect_dark(tracks_of(rows)))
    assert len(ev) == 1 and ev[0].mmsi == V
    assert ev[0].confidence < 0.95  # satellite evidence is weaker than shore evidence


def test_still_silent_at_the_latest_data_is_an_open_event():
    rows = _vessel(silence=(6.0, 99.0), hours=10) + _neighbours(hours=10)
    ev = detect_dark(tracks_of(rows))
    assert len(ev) == 1 and ev[0].end is None and ev[0].details["reappeared"] is None


def test_vessel_sailing_out_of_coverage_is_not_flagged_while_silent():
    """Last heard steaming away at 12 kn: its dead-reckoned position leaves the area heard."""
    v = straight(V, SEA[0], SEA[1], T0, 5, 60, speed_kn=12, course=270)
    rows = v + _neighbours(hours=10, center=(SEA[0], SEA[1] - 0.5 * 12 * 1.852 / 111 * 5 / 0.5 / 10))
    ev = detect_dark(tracks_of(rows))
    assert _high(ev) == []


def test_silence_in_port_is_not_flagged():
    callao = (-12.052, -77.155)
    rows = _vessel(center=callao) + _neighbours(center=callao)
    assert detect_dark(tracks_of(rows)) == []


def test_shared_mmsi_never_produces_a_dark_period():
    """Two transmitters with one MMSI, 470 km apart, both reporting: per-MMSI gaps would be
    nonsense; per segment there is no silence."""
    a = straight(V, -0.9, -81.5, T0, 12, 60, speed_kn=6, course=300)
    b = straight(V, -5.1, -81.9, T0 + 30, 12, 150, speed_kn=6, course=260)
    rows = a + b + _neighbours(center=(-0.9, -81.5)) + _neighbours(center=(-5.1, -81.9))
    tr = tracks_of(rows)
    assert tr.n_segments == 2 + 8
    assert detect_dark(tr) == []


def test_short_silence_is_not_flagged():
    rows = _vessel(silence=(6.0, 7.5)) + _neighbours()
    assert detect_dark(tracks_of(rows)) == []
