"""speed_range: only in the zones configured for it; speed within [a, b] for a duration or
distance (Skylight's Speed Range); precision/recall on the labelled scenario."""

from __future__ import annotations

import numpy as np
from shapely.geometry import box

from maritime.detect.config import SpeedRangeConfig, SpeedRangeWatch
from maritime.detect.speed_range import detect_speed_range
from maritime.detect.tracks import prepare_tracks
from tests.detect.kinds_cases import EVAL_SEEDS, evaluate, table

ZONE = [("Box", box(-86.0, -3.0, -85.0, -2.0))]
T0 = 1_736_899_200.0


def slow_inside(minutes: int, kn: float = 3.0):
    t = T0 + 60.0 * np.arange(minutes)
    lon = -85.5 + np.cumsum(np.full(minutes, kn * 1.852 / 60.0 / 111.0))
    return prepare_tracks(np.full(minutes, 735000001), t, np.full(minutes, -2.5), lon, sog=np.full(minutes, kn))


def test_nothing_unless_a_zone_is_configured():
    assert detect_speed_range(slow_inside(120), ZONE) == []  # the default watches no zone


def test_in_range_for_the_duration():
    (e,) = detect_speed_range(slow_inside(120), ZONE, SpeedRangeConfig(zones=("Box",)))
    assert e.zone == "Box" and e.details["range_kn"] == [0.0, 4.0]
    assert 1.9 < e.details["duration_h"] < 2.1 and e.details["reports"] == 120


def test_too_short_or_out_of_range():
    cfg = SpeedRangeConfig(zones=("*",))
    assert detect_speed_range(slow_inside(40), ZONE, cfg) == []
    assert detect_speed_range(slow_inside(120, kn=8.0), ZONE, cfg) == []
    # ... unless the distance criterion is met
    far = SpeedRangeConfig(zones=("*",), min_kn=6.0, max_kn=9.0, min_duration_minutes=600.0, min_distance_km=5.0)
    assert len(detect_speed_range(slow_inside(40, kn=8.0), ZONE, far)) == 1


def test_precision_and_recall_on_unseen_seeds():
    res = evaluate(EVAL_SEEDS, ["speed_range"])
    print("\n" + table(res))
    n, good, nt, found = res["speed_range"]
    assert nt >= 8
    assert good / n >= 0.95 and found / nt >= 0.95


def test_each_watch_has_its_own_zones_and_range():
    """[[speed_range.watch]]: slow inside one zone, fast inside another, each with its own
    thresholds; a run is one event even when two watches see it."""
    zones = [("Slow", box(-86.0, -3.0, -85.0, -2.0)), ("Fast", box(-86.0, -3.0, -85.0, -2.0))]
    slow = SpeedRangeWatch(("Slow",), 0.0, 4.0, 60.0, 0.0, 60.0)
    fast = SpeedRangeWatch(("Fast",), 10.0, 40.0, 30.0, 0.0, 60.0)
    cfg = SpeedRangeConfig(watch=(slow, fast))
    (e,) = detect_speed_range(slow_inside(120), zones, cfg)
    assert e.zone == "Slow" and e.details["range_kn"] == [0.0, 4.0]
    (e,) = detect_speed_range(slow_inside(40, kn=12.0), zones, cfg)  # 40 min at 12 kn: only "Fast"
    assert e.zone == "Fast" and e.details["range_kn"] == [10.0, 40.0] and "12" in str(e.details["mean_speed_kn"])
    assert detect_speed_range(slow_inside(40, kn=6.0), zones, cfg) == []  # in neither range
    both = SpeedRangeConfig(watch=(slow, SpeedRangeWatch(("Fast",), 0.0, 5.0, 60.0, 0.0, 60.0)))
    assert [e.zone for e in detect_speed_range(slow_inside(120), zones, both)] == ["Slow"]
