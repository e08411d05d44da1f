"""Labelled fishing and transits at fishing speeds (maritime.scenario.fishing, issue 13)."""

from __future__ import annotations

import numpy as np
import pytest

from maritime.reference import coast
from maritime.scenario import ScenarioConfig, build_scenario
from maritime.scenario.__main__ import main
from maritime.scenario.fishing import GEARS, fishing_positions
from maritime.scenario.truth import Truth


@pytest.fixture(scope="module")
def scenario():
    return build_scenario(ScenarioConfig(seed=4, hours=30.0, n_vessels=40, fishing=True))


def test_every_gear_is_labelled_at_sea_and_transits_are_decoys(scenario):
    fishing = [e for e in scenario.events if e.kind == "fishing"]
    assert {e.extra["gear"] for e in fishing} == set(GEARS)
    assert all(0 <= e.start < e.end <= scenario.duration_s for e in fishing)
    lat = np.array([e.lat for e in fishing])
    lon = np.array([e.lon for e in fishing])
    assert (np.asarray(coast.distance_to_shore_km(lat, lon)) > 5.0).all()
    transits = [d for d in scenario.decoys if d.kind == "fishing_speed_transit"]
    assert {d.extra["mode"] for d in transits} == {"slow", "trawl_speed", "set_speed", "drift"}
    by_mmsi = {v.mmsi: v for v in scenario.vessels}
    assert {by_mmsi[d.mmsi].ship_type for d in transits} == {0, 30}
    assert all(by_mmsi[e.mmsi].ship_type == 30 for e in fishing)


def test_truth_defines_the_new_labels_and_the_default_is_unchanged(scenario):
    truth = Truth().to_dict(scenario)
    assert "events.fishing" in truth["definitions"] and "decoys.fishing_speed_transit" in truth["definitions"]
    assert truth["parameters"]["fishing"] is True
    assert "fishing" not in ScenarioConfig().to_dict()
    plain = build_scenario(ScenarioConfig(seed=4, hours=30.0, n_vessels=40))
    assert not [e for e in plain.events if e.kind == "fishing"]


def test_gear_patterns_in_the_positions():
    cols, types, labels = fishing_positions(3, hours=36.0, per_gear=2, transits=4)
    sog = cols["sog"].astype(float)
    for lab in labels:
        if not lab["gear"]:
            continue
        sel = (cols["mmsi"] == lab["mmsi"]) & (cols["t"] >= lab["start"]) & (cols["t"] <= lab["end"])
        med = float(np.median(sog[sel]))
        lo, hi = {"trawl": (2.5, 5.0), "longline": (0.5, 9.5), "purse_seine": (0.0, 1.5), "squid_jigging": (0.1, 1.1)}[
            lab["gear"]
        ]
        assert lo <= med <= hi, (lab["gear"], med)
    assert set(types.values()) == {0, 30}


def test_cli_option_and_region_check(tmp_path, capsys):
    assert main(["--region", "north_sea", "--fishing", "--out", str(tmp_path / "x.nmea")]) == 2
    assert "--fishing" in capsys.readouterr().err
