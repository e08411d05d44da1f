"""identity_change: raised only when unusual (at sea, after a dark period, flip-flopping);
a rename in port, a re-typed name and two transmitters' alternating names are not."""

from __future__ import annotations

import numpy as np

from maritime.detect.config import IdentityChangeConfig
from maritime.detect.identity_change import IdentityChanges, detect_identity_changes, valid_imo
from maritime.detect.tracks import prepare_tracks
from tests.detect.kinds_cases import EVAL_SEEDS, evaluate, table

T0 = 1_736_899_200.0
PAITA = (-5.083, -81.12)


def track(mmsi: int, lat: float, lon: float, times: np.ndarray):
    n = len(times)
    return np.full(n, mmsi), times, np.full(n, lat) + 1e-4 * np.arange(n) / n, np.full(n, lon)


def run(parts, rows, cfg=None):
    m, t, la, lo = (np.concatenate(x) for x in zip(*parts))
    return detect_identity_changes(prepare_tracks(m, t, la, lo), IdentityChanges.from_rows(rows), cfg)


EVERY_MIN = T0 + 60.0 * np.arange(240)


def test_rename_at_sea_is_raised_in_port_is_not():
    parts = [track(735000001, -5.0, -84.0, EVERY_MIN), track(735000002, *PAITA, EVERY_MIN)]
    rows = [(735000001, T0 + 3600, "name", "NEW", "OLD"), (735000002, T0 + 3600, "name", "NEW", "OLD")]
    (e,) = run(parts, rows)
    assert e.mmsi == 735000001 and e.details["reasons"] == ["at_sea"]
    assert e.start == e.end == T0 + 3600


def test_rename_in_port_after_a_dark_period_is_raised():
    times = np.r_[T0 + 60.0 * np.arange(30), T0 + 5 * 3600 + 60.0 * np.arange(30)]
    (e,) = run([track(735000003, *PAITA, times)], [(735000003, T0 + 5 * 3600 + 120, "callsign", "B2", "A1")])
    assert e.details["reasons"] == ["after_dark"] and e.details["silence_before_h"] > 4


def test_retyped_blank_and_alternating_values_are_not_changes():
    parts = [track(735000004, -5.0, -84.0, EVERY_MIN)]
    rows = [
        (735000004, T0 + 600, "name", "SEA STAR@@@", "SEA  STAR"),
        (735000004, T0 + 700, "callsign", "", "ABC"),
    ] + [
        (735000004, T0 + 900 + 1800 * k, "name", "B" if k % 2 == 0 else "A", "A" if k % 2 == 0 else "B")
        for k in range(5)
    ]
    assert run(parts, rows) == []


def test_flag_change_needs_a_valid_imo_and_the_old_mmsi_falling_silent():
    assert valid_imo("9074729") and not valid_imo("9074728") and not valid_imo("1193046")
    old = track(735000005, -5.0, -84.0, T0 + 60.0 * np.arange(60))
    new = track(667000006, -5.0, -84.0, T0 + 3700 + 60.0 * np.arange(60))
    rows = [(735000005, T0 + 60, "imo", "9074729", None), (667000006, T0 + 3800, "imo", "9074729", None)]
    (e,) = run([old, new], rows)
    assert e.mmsi == 667000006 and e.details["field"] == "flag" and e.details["previous_mmsi"] == 735000005
    assert e.details["flag"] == "Sierra Leone" or e.details["flag"]  # the MID's administration
    both_on = track(735000005, -5.0, -84.0, T0 + 60.0 * np.arange(200))
    assert run([both_on, new], rows) == []  # the old MMSI heard on: a copied IMO, not a re-flag


def test_frequent_changes():
    parts = [track(735000007, *PAITA, EVERY_MIN)]
    rows = [(735000007, T0 + 600 * k, "name", f"NAME {k}", f"NAME {k - 1}") for k in range(1, 5)]
    ev = run(parts, rows)
    assert [e.details["reasons"] for e in ev][-2:] == [["frequent"], ["frequent"]]
    assert run(parts, rows, IdentityChangeConfig(frequent_changes=10)) == []


def test_precision_and_recall_on_unseen_seeds():
    res = evaluate(EVAL_SEEDS, ["identity_change"])
    print("\n" + table(res))
    n, good, nt, found = res["identity_change"]
    assert nt >= 8
    assert good / n >= 0.95 and found / nt >= 0.95
