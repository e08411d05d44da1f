"""AIS position at a time: interpolation, dead reckoning and the growing uncertainty."""

from __future__ import annotations

import numpy as np
import pytest

from maritime.detect.prediction import PredictionConfig, TrackIndex, predict
from maritime.geodesy import NM_KM, destination, haversine_km


def _track() -> TrackIndex:
    # vessel 7: 10 kn due east, reports at 0, 600, 3600 s; vessel 3: one report, no SOG/COG
    lat, lon = destination(10.0, -85.0, 90.0, NM_KM * 10 * np.array([0, 600, 3600]) / 3600.0)
    return TrackIndex.build(
        mmsi=[7, 7, 7, 3],
        t=[3600.0, 0.0, 600.0, 100.0],
        lat=[lat[2], lat[0], lat[1], 5.0],
        lon=[lon[2], lon[0], lon[1], -80.0],
        sog=[10.0, 10.0, 10.0, np.nan],
        cog=[90.0, 90.0, 90.0, np.nan],
    )


def test_index_sorts_by_vessel_and_time_and_brackets() -> None:
    idx = _track()
    assert idx.mmsi.tolist() == [3, 7]
    assert idx.t.tolist() == [100.0, 0.0, 600.0, 3600.0]
    v7 = np.array([1, 1, 1, 1, 1])
    before, after = idx.bracket(v7, np.array([-5.0, 0.0, 300.0, 3600.0, 9000.0]))
    assert before.tolist() == [-1, 1, 1, 3, 3]
    assert after.tolist() == [1, 2, 2, -1, -1]


def test_interpolation_is_on_the_line_and_uncertainty_peaks_mid_gap() -> None:
    idx = _track()
    times = np.array([0.0, 300.0, 1200.0, 2100.0, 3000.0, 3600.0])
    p = predict(idx, np.ones(times.size, dtype=np.int64), times)
    truth_lat, truth_lon = destination(10.0, -85.0, 90.0, NM_KM * 10 * times / 3600.0)
    err_m = haversine_km(p.lat, p.lon, truth_lat, truth_lon) * 1000.0
    assert np.all(err_m < 5.0)
    assert p.valid.all()
    assert p.sigma_m[0] == pytest.approx(10.0) and p.sigma_m[-1] == pytest.approx(10.0)
    # in the long gap 600-3600 s the error is largest at its middle (2100 s)
    assert p.sigma_m[3] > p.sigma_m[2] and p.sigma_m[3] > p.sigma_m[4]
    assert p.sog == pytest.approx(np.full(times.size, 10.0))


def test_dead_reckoning_forward_and_its_limit() -> None:
    idx = _track()
    cfg = PredictionConfig(max_extrapolate_s=3600.0)
    times = np.array([3600.0 + 1800.0, 3600.0 + 3600.0, 3600.0 + 3601.0])
    p = predict(idx, np.ones(3, dtype=np.int64), times, cfg)
    truth_lat, truth_lon = destination(10.0, -85.0, 90.0, NM_KM * 10 * times / 3600.0)
    assert float(haversine_km(p.lat[0], p.lon[0], truth_lat[0], truth_lon[0])) < 0.01
    assert p.valid.tolist() == [True, True, False]
    # sigma = hypot(10 m, (0.5 + 0.1 x 10 kn) x dt)
    expected = np.hypot(10.0, 1.5 * 1852 / 3600 * 1800)
    assert p.sigma_m[0] == pytest.approx(expected, rel=1e-6)
    assert p.sigma_m[1] > p.sigma_m[0]


def test_backward_reckoning_and_a_vessel_without_speed() -> None:
    idx = _track()
    p = predict(idx, np.array([1, 0]), np.array([-600.0, 700.0]))
    lat, lon = destination(10.0, -85.0, 270.0, NM_KM * 10 * 600 / 3600.0)
    assert float(haversine_km(p.lat[0], p.lon[0], lat, lon)) < 0.01
    # one report, no SOG/COG: held in place, valid within the extrapolation limit
    assert p.valid[1] and p.lat[1] == pytest.approx(5.0) and p.lon[1] == pytest.approx(-80.0)
