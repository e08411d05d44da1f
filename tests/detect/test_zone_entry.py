"""zone_entry: entries with entry/exit times, hysteresis against boundary jitter, and
precision/recall on the labelled scenario (seeds not tuned on)."""

from __future__ import annotations

import dataclasses

import numpy as np
from shapely.geometry import box

from maritime.detect.config import ZoneEntryConfig
from maritime.detect.tracks import prepare_tracks
from maritime.detect.zone_entry import detect_zone_entries
from tests.detect.kinds_cases import EVAL_SEEDS, evaluate, table

#: every zone watched (none is by default)
EVERY = ZoneEntryConfig(zones=("*",))

ZONE = [("Box", box(-86.0, -3.0, -85.0, -2.0))]
T0 = 1_736_899_200.0


def crossing(lons: np.ndarray, step_s: float = 60.0, mmsi: int = 735000001):
    t = T0 + step_s * np.arange(len(lons))
    return prepare_tracks(np.full(len(t), mmsi), t, np.full(len(t), -2.5), lons)


def test_entry_then_exit_gives_times_and_time_inside():
    lons = np.r_[np.linspace(-86.1, -85.5, 60), np.linspace(-85.5, -86.1, 60)]  # in, then out
    tr = crossing(lons)
    (e,) = detect_zone_entries(tr, ZONE, EVERY)
    inside = np.nonzero(lons >= -86.0)[0]
    assert e.start == T0 + 60.0 * inside[0]
    assert e.end is not None and e.end > T0 + 60.0 * inside[-1]  # first report >= 1 km out
    assert e.zone == "Box" and e.details["exit_seen"] and not e.details["entered_before_data"]
    assert abs(e.details["time_inside_h"] - (e.end - e.start) / 3600.0) < 1e-3


def test_still_inside_is_open():
    tr = crossing(np.linspace(-86.1, -85.5, 60))
    (e,) = detect_zone_entries(tr, ZONE, EVERY)
    assert e.end is None and e.details["exit_time"] is None


def test_boundary_jitter_is_one_entry_and_refires_without_hysteresis():
    k = np.arange(240)
    lons = -86.0 + 0.004 * np.sin(2 * np.pi * k / 20.0)  # +-0.45 km across the line, 4 h
    tr = crossing(np.r_[np.linspace(-86.05, -86.0, 10), lons])
    assert len(detect_zone_entries(tr, ZONE, EVERY)) == 1
    none = ZoneEntryConfig(zones=("*",), hysteresis_km=0.0, reentry_minutes=0.0)
    assert len(detect_zone_entries(tr, ZONE, none)) > 5  # what the hysteresis prevents


def test_time_hysteresis_merges_a_quick_reentry():
    lons = np.r_[np.linspace(-86.1, -85.9, 20), np.full(10, -86.05), np.linspace(-85.99, -85.8, 20)]
    tr = crossing(lons)
    assert len(detect_zone_entries(tr, ZONE, EVERY)) == 1  # out 1 km+ for 10 min: same visit
    assert len(detect_zone_entries(tr, ZONE, ZoneEntryConfig(zones=("*",), reentry_minutes=5.0))) == 2


def test_only_the_configured_zones():
    tr = crossing(np.linspace(-86.1, -85.5, 60))
    other = [("Other", box(-80, -3, -79, -2))] + ZONE
    assert detect_zone_entries(tr, other, ZoneEntryConfig(zones=("Other",))) == []
    assert len(detect_zone_entries(tr, other, dataclasses.replace(ZoneEntryConfig(), zones=("Box",)))) == 1


def test_precision_and_recall_on_unseen_seeds():
    res = evaluate(EVAL_SEEDS, ["zone_entry"])
    print("\n" + table(res))
    n, good, nt, found = res["zone_entry"]
    assert nt >= 20
    assert good / n >= 0.95 and found / nt >= 0.95
