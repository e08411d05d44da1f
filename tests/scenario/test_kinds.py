"""The labelled cases of issue 13's kinds: reproducible per seed, every case present, and the
detectors' precision and recall per kind on seeds they were not tuned on (run with -s)."""

from __future__ import annotations

import numpy as np

from maritime.scenario.kinds import KINDS_ZONE, build_kinds, imo_number
from tests.detect.kinds_cases import EVAL_SEEDS, NEW_KINDS, evaluate, table


def test_same_seed_same_scenario_other_seed_other():
    a, b, c = build_kinds(3), build_kinds(3), build_kinds(4)
    assert a.truth == b.truth and a.identity == b.identity
    assert np.array_equal(a.arrays()["lat"], b.arrays()["lat"])
    assert a.truth != c.truth


def test_every_case_is_labelled():
    sc = build_kinds(101)
    kinds = {t.kind for t in sc.truth}
    assert kinds == set(NEW_KINDS)
    reasons = {t.reason for t in sc.truth if t.kind == "position_anomaly"}
    assert reasons == {"teleport", "on_land", "shared_position", "invalid_mmsi", "dimensions_changed"}
    assert {"flag", "name", "callsign"} <= {t.reason for t in sc.truth if t.kind == "identity_change"}
    assert {"ordinary", "passing_outside", "short_slow", "rename_in_port", "reflag_in_port"} <= set(sc.negatives)
    # the jittering vessels do cross the zone boundary many times
    a = sc.arrays()
    import shapely

    inside = shapely.contains_xy(KINDS_ZONE, a["lon"], a["lat"])
    flips = int(np.sum(inside[1:] != inside[:-1]))
    assert flips > 30


def test_imo_numbers_have_check_digits():
    rng = np.random.default_rng(1)
    from maritime.detect.identity_change import valid_imo

    assert all(valid_imo(imo_number(rng)) for _ in range(50))


def test_precision_and_recall_per_kind():
    res = evaluate(EVAL_SEEDS)
    print("\n" + table(res))
    for kind, (n, good, nt, found) in res.items():
        assert nt > 0 and n > 0, kind
        assert good / n >= 0.95, f"{kind} precision {good}/{n}"
        assert found / nt >= 0.95, f"{kind} recall {found}/{nt}"
