"""The fishing detector's cheap per-report work (``maritime.detect.fishing_features``): the
compiled features equal the numpy expressions they replace, the night test equals the sun
elevation, the window pre-filter never drops a working window, the range medians are
``np.median``'s. On the scenario generator's labelled fishing tracks (every gear, and transits)."""

from __future__ import annotations

import numpy as np
import pytest

from maritime.detect.config import FishingConfig
from maritime.detect.fishing import sun_elevation_deg
from maritime.detect.fishing_features import (
    may_work,
    needed_reports,
    night,
    range_medians,
    report_features,
    report_speed,
)
from maritime.detect.tracks import prepare_tracks
from maritime.geodesy import haversine_km
from maritime.scenario.fishing import fishing_positions


@pytest.fixture(scope="module")
def tracks():
    cols, _, _ = fishing_positions(3, hours=48.0, per_gear=3, transits=6)
    return prepare_tracks(cols["mmsi"], cols["t"], cols["lat"], cols["lon"], cols["sog"], cols["cog"], cols["msg_type"])


def _numpy_features(tr, cfg: FishingConfig):
    """The per-report features as numpy expressions (the detector's former implementation)."""
    n = len(tr)
    t, lat, lon, seg = tr.t, tr.lat, tr.lon, tr.seg
    v = report_speed(tr, np.arange(n))
    same = np.zeros(n, dtype=bool)
    same[1:] = seg[1:] == seg[:-1]
    la = np.radians(lat)
    dlon = np.radians((np.diff(lon) + 540.0) % 360.0 - 180.0) * np.cos((la[1:] + la[:-1]) / 2.0)
    ds, brg, dt = np.zeros(n), np.zeros(n), np.zeros(n)
    ds[1:] = np.hypot(np.diff(la), dlon) * 6371.0088
    brg[1:] = np.degrees(np.arctan2(dlon, np.diff(la))) % 360.0
    dt[1:] = np.diff(t)
    ds = np.where(same, ds, 0.0)
    chord = same & (ds >= cfg.min_step_km) & (dt <= cfg.max_step_minutes * 60.0)
    has_turn = np.zeros(n, dtype=bool)
    has_turn[2:] = chord[2:] & chord[1:-1] & same[1:-1]
    turn = np.zeros(n)
    turn[2:] = (brg[2:] - brg[1:-1] + 540.0) % 360.0 - 180.0
    turn = np.where(has_turn, turn, 0.0)
    cog = tr.cog.astype(np.float64)
    course = np.where(np.isfinite(cog) & (cog < 360.0), cog, brg)
    fast = np.nan_to_num(v, nan=0.0) >= cfg.circle_min_speed_kn
    moving, dcourse, sailed = np.zeros(n, dtype=bool), np.zeros(n), np.zeros(n)
    moving[1:] = same[1:] & fast[1:] & fast[:-1] & (dt[1:] <= cfg.max_step_minutes * 60.0)
    dcourse[1:] = (course[1:] - course[:-1] + 540.0) % 360.0 - 180.0
    sailed[1:] = (np.nan_to_num(v[1:]) + np.nan_to_num(v[:-1])) / 2.0 * dt[1:] * (1.852 / 3600.0)
    cum = np.cumsum(np.where(moving, dcourse, 0.0))
    cum_sailed = np.cumsum(np.where(moving, sailed, 0.0))
    key = tr.key()
    j = np.searchsorted(key, key + cfg.circle_minutes * 60.0, side="right") - 1
    j = np.minimum(j, np.searchsorted(seg, seg, side="right") - 1)
    turned = (np.abs(cum[j] - cum) >= cfg.circle_min_turn_deg) | (
        (cum_sailed[j] - cum_sailed) >= cfg.circle_min_sailed_km
    )
    maybe = np.nonzero(turned & (np.nan_to_num(v[j], nan=np.inf) < cfg.slow_speed_kn))[0]
    half = np.where(same, np.minimum(dt / 2.0, cfg.max_step_minutes * 60.0), 0.0)
    w = half.copy()
    w[:-1] += half[1:]
    return v, same, key, ds, turn, has_turn, w, maybe, j[maybe]


def test_compiled_features_equal_the_numpy_expressions(tracks):
    cfg = FishingConfig()
    v, same, key, *expected = _numpy_features(tracks, cfg)
    piece_end = tracks.seg_end[tracks.seg] - 1
    got = report_features(
        tracks.t, tracks.lat, tracks.lon, v, tracks.cog.astype(np.float64), same, key, piece_end,
        cfg.min_step_km, cfg.max_step_minutes, cfg.circle_minutes, cfg.circle_min_speed_kn,
        cfg.circle_min_turn_deg, cfg.circle_min_sailed_km, cfg.slow_speed_kn,
    )  # fmt: skip
    names = ("ds", "turn", "has_turn", "w", "circle starts", "circle ends")
    for name, a, b in zip(names, got, expected):
        if name == "turn":
            # arctan2 compiled by numba may round differently from numpy's in the last bits on
            # some CPUs (seen on an AVX-512 AMD EPYC: 1e-13 degrees); every other feature is exact
            assert np.allclose(a, b, rtol=0.0, atol=1e-9), name
        else:
            assert np.array_equal(a, b), name
    assert len(got[4]) > 0  # the seine sets give circle starts
    # some of them close (the detector's next test): the purse seines are there
    assert (haversine_km(tracks.lat[got[4]], tracks.lon[got[4]], tracks.lat[got[5]], tracks.lon[got[5]]) <= 1.0).any()


def test_night_equals_the_sun_elevation_test():
    rng = np.random.default_rng(5)
    t = rng.uniform(1.6e9, 1.8e9, 200_000)
    lat, lon = rng.uniform(-80.0, 80.0, len(t)), rng.uniform(-180.0, 180.0, len(t))
    for depression in (0.0, 6.0):
        expected = sun_elevation_deg(t, lat, lon) < -depression
        assert np.array_equal(night(t, lat, lon, depression), expected)
        assert 0.3 < expected.mean() < 0.6


def test_prefilter_keeps_every_working_window(tracks):
    cfg = FishingConfig()
    idx = np.arange(len(tracks))
    v = report_speed(tracks, idx)
    gwin, possible = may_work(tracks, idx, v, cfg)
    assert 0 < possible.sum() < len(possible)  # the transits' fast windows are dropped
    # every window with a slow mean speed, or with a circle start, is kept
    _, same, key, *_rest, maybe, _ = _numpy_features(tracks, cfg)
    starts = np.nonzero(np.r_[True, gwin[1:] != gwin[:-1]])[0]
    n = np.diff(np.append(starts, len(idx)))
    vk = np.isfinite(v)
    mean = np.add.reduceat(np.where(vk, v, 0.0), starts) / np.maximum(np.add.reduceat(vk * 1.0, starts), 1.0)
    slow = (n >= cfg.min_window_reports) & (mean < cfg.max_working_speed_kn)
    assert possible[slow].all()
    assert possible[gwin[maybe]].all()
    need = needed_reports(key, gwin, possible, cfg)
    assert need[possible[gwin]].all() and need.sum() < len(need)


def test_range_medians_are_numpy_medians():
    rng = np.random.default_rng(7)
    x = rng.normal(size=5_000)
    i0 = np.sort(rng.integers(0, 4_000, 300))
    i1 = i0 + rng.integers(0, 900, 300)
    expected = [np.median(x[a : b + 1]) for a, b in zip(i0, i1)]
    assert np.array_equal(range_medians(x, i0, i1), np.array(expected))
