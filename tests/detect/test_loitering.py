"""Loitering: slow for hours in a small area, away from ports and shore."""

from __future__ import annotations

import pytest

from maritime.detect.config import LoiteringConfig
from maritime.detect.events import LOITERING
from maritime.detect.loitering import detect_loitering, suppress_explained
from maritime.detect.rendezvous import detect_rendezvous
from tests.detect import T0, straight, tracks_of

SEA = (-1.5, -85.2)  # high-seas corridor between the Galápagos and the mainland: far from everything


def _approach_drift_leave(mmsi, drift_h, interval=60.0, drift_kn=0.6, t0=T0, lat=SEA[0], lon=SEA[1], sog=True):
    """Sail in at 10 kn for 1 h, drift for drift_h hours, sail away for 1 h."""
    a = straight(mmsi, lat + 0.15, lon, t0, 1, interval, speed_kn=10, course=180)
    la, lo = a[-1][2], a[-1][3]
    b = straight(
        mmsi,
        la,
        lo,
        t0 + 3600 + interval,
        drift_h,
        interval,
        speed_kn=drift_kn,
        course=45,
        sog=drift_kn if sog else float("nan"),
    )
    la, lo = b[-1][2], b[-1][3]
    c = straight(mmsi, la, lo, b[-1][1] + interval, 1, interval, speed_kn=10, course=270)
    return a + b + c


def test_slow_drift_offshore_is_loitering():
    rows = _approach_drift_leave(111000111, 3.0)
    ev = detect_loitering(tracks_of(rows))
    assert len(ev) == 1
    e = ev[0]
    assert e.kind == LOITERING and e.mmsi == 111000111
    assert e.start == pytest.approx(T0 + 3600, abs=15 * 60)
    assert e.end == pytest.approx(T0 + 4 * 3600, abs=15 * 60)
    assert e.details["avg_speed_kn"] < 2 and e.details["radius_km"] < 5
    assert 0.5 <= e.confidence <= 1


def test_short_stop_is_not_loitering():
    assert detect_loitering(tracks_of(_approach_drift_leave(111000111, 1.5))) == []


def test_fast_transit_is_not_loitering():
    rows = straight(222, SEA[0], SEA[1], T0, 8, 60, speed_kn=12)
    assert detect_loitering(tracks_of(rows)) == []


def test_fishing_on_a_winding_course_is_not_loitering():
    """Active fishing at 3-5 kn turning often: small displacements, but SOG says it is moving."""
    rows = []
    t = T0
    lat, lon = SEA
    for leg in range(40):  # 6-minute legs back and forth
        course = 0 if leg % 2 == 0 else 180
        part = straight(333, lat, lon, t, 0.1, 60, speed_kn=4, course=course)
        rows += part
        lat, lon, t = part[-1][2], part[-1][3], part[-1][1] + 60
    assert detect_loitering(tracks_of(rows)) == []


def test_sparse_satellite_reports_still_show_loitering():
    """Only a few reports per ~50-minute satellite pass."""
    rows = [r for r in _approach_drift_leave(444, 3.0, interval=60.0) if ((r[1] - T0) % 2940) < 600]
    ev = detect_loitering(tracks_of(rows))
    assert len(ev) == 1 and ev[0].mmsi == 444


def test_loitering_near_port_or_shore_is_not_reported():
    callao_anchorage = (-12.02, -77.20)
    rows = _approach_drift_leave(555, 4.0, lat=callao_anchorage[0], lon=callao_anchorage[1])
    assert detect_loitering(tracks_of(rows)) == []


def test_still_loitering_at_the_latest_data_is_open():
    rows = _approach_drift_leave(666, 3.0)
    rows = rows[:-90]  # data ends during the drift
    ev = detect_loitering(tracks_of(rows))
    assert len(ev) == 1 and ev[0].end is None


def test_loitering_explained_by_a_rendezvous_is_reported_as_the_rendezvous():
    a = _approach_drift_leave(777000001, 3.0)
    b = [(777000002, t + 20, la + 0.001, lo, *rest) for (_, t, la, lo, *rest) in a]
    tr = tracks_of(a + b)
    loi = detect_loitering(tr)
    rdv = detect_rendezvous(tr)
    assert len(loi) == 2 and len(rdv) == 1
    assert suppress_explained(loi, rdv, 0.5, tr.now) == []


def test_thresholds_come_from_the_config():
    rows = _approach_drift_leave(888, 3.0)
    assert detect_loitering(tracks_of(rows), LoiteringConfig(min_duration_hours=4.0)) == []
