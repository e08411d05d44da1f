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


# ---------------------------------------------------------------------------------------------
# receiver trouble (issue 10): reception evidence comes only from vessels heard near the silent one

FAR = 1.35  # degrees of latitude: ~150 km, far outside any neighbourhood
SILENT = (12.0, 22.0)  # hours after T0


def _with_stations(rows: list[tuple], station: int) -> list[tuple]:
    return [(*r, station) for r in rows]


def _tracks(rows: list[tuple], names: list[str]):
    from maritime.detect.tracks import prepare_tracks

    rows = sorted(rows, key=lambda r: (r[0], r[1]))
    a = np.array([r[:4] for r in rows], dtype=float)
    return prepare_tracks(
        a[:, 0].astype(np.int64),
        a[:, 1],
        a[:, 2],
        a[:, 3],
        np.array([r[4] for r in rows]),
        np.array([r[5] for r in rows]),
        np.array([r[6] for r in rows]),
        station=np.array([r[7] for r in rows]),
        station_names=names,
    )


def _far_ships(station: int, hours: float = 24.0) -> list[tuple]:
    """Three ships ~150 km away, heard by ``station`` all day: the receiver is alive."""
    rows: list[tuple] = []
    for k in range(3):
        rows += straight(770000000 + k, SEA[0] + FAR + 0.05 * k, SEA[1], T0, hours, 60.0, speed_kn=8, seed=k)
    return _with_stations(rows, station)


def _fleet_silenced_together(n: int = 5) -> list[tuple]:
    """``n`` vessels fishing within 30 km of each other, ~400 km offshore, silent in the same
    minute for 10 hours, then heard again together."""
    rows: list[tuple] = []
    a, b = T0 + SILENT[0] * 3600, T0 + SILENT[1] * 3600
    for k in range(n):
        lat, lon = SEA[0] + 0.09 * (k % 3 - 1), SEA[1] + 0.12 * (k // 3)
        part = straight(735100000 + k, lat, lon, T0 + 11 * k, 24.0, 60.0, speed_kn=0.4, course=50 * k, seed=k)
        rows += [r for r in part if not a + 20 * k <= r[1] < b + 30 * k]
    return _with_stations(rows, 0)


def test_vessels_silenced_together_are_a_coverage_gap_not_dark_periods():
    """The issue's case: five vessels go quiet in the same minute and come back together; the
    station that heard them keeps hearing ships 150 km away; nobody else is heard nearby."""
    tr = _tracks(_fleet_silenced_together() + _far_ships(0), ["rEC-Shore"])
    diag: list = []
    ev = detect_dark(tr, diagnostics=diag)
    assert _high(ev) == []
    gaps = [e for e in ev if e.details["reason"] == "coverage_gap"]
    assert len(gaps) + len([d for d in diag if d[2] == "coverage_gap"]) == 5
    for e in gaps:
        assert e.confidence < 0.5
        assert e.details["reception"]["others_silenced_together"] >= 2
        assert e.details["reception"]["area_coverage_during"] < 0.1  # the others fell silent within minutes


def test_two_vessels_silent_together_are_still_examined_one_by_one():
    """Two is not 'several': a pair switching off together is judged on its evidence (here,
    neighbours heard throughout make it a dark period)."""
    rows = _fleet_silenced_together(2) + _with_stations(_neighbours(hours=24.0), 0) + _far_ships(0)
    ev = _high(detect_dark(_tracks(rows, ["rEC-Shore"])))
    assert sorted(e.mmsi for e in ev) == [735100000, 735100001]
    assert all(e.details["reception"]["others_silenced_together"] == 1 for e in ev)


def test_silence_with_no_neighbours_at_all_stays_low_however_clean_the_history():
    """A vessel heard every minute for 12 h by a live station, alone in its area, falls silent
    (one reappears after 10 h, one never does): no neighbour was heard, so no confident dark
    period, whatever the station hears elsewhere."""
    a, b = T0 + SILENT[0] * 3600, T0 + SILENT[1] * 3600
    back = [r for r in straight(V, *SEA, T0, 24.0, 60.0, speed_kn=0.5) if not a <= r[1] < b]
    gone = [r for r in straight(V + 1, SEA[0] - 0.6, SEA[1], T0, 24.0, 60.0, speed_kn=0.5) if r[1] < a]
    rows = _with_stations(back + gone, 0) + _far_ships(0)
    diag: list = []
    ev = detect_dark(_tracks(rows, ["rEC-Shore"]), diagnostics=diag)
    assert _high(ev) == []
    examined = {d[0]: d for d in diag}
    assert examined[V][2] == "explained_by_reception"
    assert examined[V][3]["reception"]["covered_bins"] == 0
    assert examined[V][3]["reception"]["receiver_neighbour_bins"] == 0


def test_satellite_hearing_ships_elsewhere_is_no_evidence():
    """A satellite receiver that heard the vessel and keeps hearing ships 150 km away is not a
    serving receiver: its footprint is continental."""
    a, b = T0 + 6 * 3600, T0 + 10 * 3600
    rows = [r for r in straight(V, *SEA, T0, 14.0, 60.0, speed_kn=0.5) if not a <= r[1] < b]
    far = [r for r in _far_ships(0, 14.0) if abs(r[2] - SEA[0]) < 2]
    # and one ship ~24 km away (no near neighbour within ~15 km)
    near_ish = straight(771000000, SEA[0] + 0.22, SEA[1], T0, 14.0, 60.0, speed_kn=0.3)
    rows = _with_stations(rows, 0) + far + _with_stations(near_ish, 0)
    assert _high(detect_dark(_tracks(rows, ["rSAT-1"]))) == []
    # the same receptions by a shore station: the neighbour ~24 km away is evidence
    ev = _high(detect_dark(_tracks(rows, ["rEC-Shore"])))
    assert [e.mmsi for e in ev] == [V]
    assert ev[0].details["reception"]["receiver_neighbour_bins"] >= 20
    assert ev[0].details["reception"]["receivers"] == ["rEC-Shore"]
