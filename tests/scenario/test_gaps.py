"""Reception gaps labelled as decoys (maritime.scenario.gaps, issue 10): an area outage that silences a
fishing group at once, and lone vessels far offshore unheard for hours. Checked on the recording."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from maritime.scenario import ScenarioConfig, build_scenario, write_recording
from maritime.scenario.geography import distance_m
from tests.scenario.nmea_reading import Parsed, parse

GAPS = ScenarioConfig(seed=3, hours=24.0, n_vessels=80, area_outage=True, lone_silences=True)
POS_TYPES = (1, 2, 3, 18, 19, 27)


@pytest.fixture(scope="module")
def gaps_recording(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Parsed]:
    out = tmp_path_factory.mktemp("gaps") / "gaps.nmea.gz"
    truth = write_recording(out, GAPS)
    with gzip.open(out, "rt", encoding="ascii") as f:
        return truth, parse(f.read().split("\n")[:-1])


def _window(d: dict) -> tuple[int, int]:
    from datetime import datetime

    return tuple(int(datetime.fromisoformat(d[k].replace("Z", "+00:00")).timestamp()) for k in ("start", "end"))


def test_gap_options_are_labelled_and_leave_the_default_unchanged(gaps_recording: tuple[dict, Parsed]) -> None:
    truth, _ = gaps_recording
    p = truth["parameters"]
    assert p["area_outage"] is True and p["lone_silences"] is True
    assert "area_outage" not in ScenarioConfig().to_dict() and "region" not in ScenarioConfig().to_dict()
    (area,) = [d for d in truth["decoys"] if d["kind"] == "area_outage"]
    lone = [d for d in truth["decoys"] if d["kind"] == "lone_silence"]
    assert len(area["mmsis"]) == 5 and len(lone) == 2
    for d in [area, *lone]:
        assert d["dark_expected"] is False and "coverage gap" in d["cause"]
        t0, t1 = _window(d)
        assert t1 - t0 >= (6 if d is area else 3) * 3600
    assert area["nearest_other_km"] > area["radius_m"] / 1000.0
    assert all(d["nearest_other_km"] > 100 for d in lone)
    assert "decoys.area_outage" in truth["definitions"] and "decoys.lone_silence" in truth["definitions"]
    # the events of the default scenario are still there
    assert {e["kind"] for e in truth["events"]} == {"loitering", "dark", "rendezvous"}


def test_area_outage_silences_the_whole_group_at_once(gaps_recording: tuple[dict, Parsed]) -> None:
    truth, parsed = gaps_recording
    (area,) = [d for d in truth["decoys"] if d["kind"] == "area_outage"]
    t0, t1 = _window(area)
    members = set(area["mmsis"])
    heard = {m: [x.c for x in parsed.messages if x.decoded["mmsi"] == m] for m in members}
    for m, cs in heard.items():
        assert not [c for c in cs if t0 <= c < t1], m
        assert min(cs) < t0 and max(cs) >= t1, m  # heard before and after: they reappear
    # the group goes quiet together: each member's last report before the gap is within one
    # satellite period (98 min) of the gap start, and the first after within one period of its end
    assert max(t0 - max(c for c in cs if c < t0) for cs in heard.values()) < 5880
    assert max(min(c for c in cs if c >= t1) - t1 for cs in heard.values()) < 5880
    # the satellites keep hearing other ships elsewhere during the outage
    others = {
        x.decoded["mmsi"]
        for x in parsed.messages
        if t0 <= x.c < t1 and x.station.startswith("rSAT") and x.decoded["mmsi"] not in members
    }
    assert len(others) >= 5
    # and nobody is heard within the outage radius meanwhile
    for x in parsed.messages:
        d = x.decoded
        if t0 <= x.c < t1 and d["msg_type"] in POS_TYPES and d["lat"] != 91:
            assert float(distance_m(d["lat"], d["lon"], area["lat"], area["lon"])) > area["radius_m"] - 1000


def test_area_outage_group_fishes_within_30_km() -> None:
    sc = build_scenario(GAPS)
    (area,) = [d for d in sc.decoys if d.kind == "area_outage"]
    group = [v for v in sc.vessels if v.mmsi in area.extra["mmsis"]]
    ts = np.arange(area.start, area.end, 600.0)
    pos = [v.track.sample(ts) for v in group]
    for i in range(len(group)):
        assert np.median(pos[i][2]) > 2.0  # working, not stopped
        for k in range(i + 1, len(group)):
            assert distance_m(pos[i][0], pos[i][1], pos[k][0], pos[k][1]).max() < 30_000


def test_lone_vessels_are_unheard_during_their_silence(gaps_recording: tuple[dict, Parsed]) -> None:
    truth, parsed = gaps_recording
    for d in [d for d in truth["decoys"] if d["kind"] == "lone_silence"]:
        t0, t1 = _window(d)
        cs = [x.c for x in parsed.messages if x.decoded["mmsi"] == d["mmsi"]]
        assert cs and not [c for c in cs if t0 <= c < t1]
        assert min(cs) < t0 and max(cs) >= t1
        # no other vessel is heard within 100 km of it during the silence
        for x in parsed.messages:
            v = x.decoded
            if t0 <= x.c < t1 and v["mmsi"] != d["mmsi"] and v["msg_type"] in POS_TYPES and v["lat"] != 91:
                assert float(distance_m(v["lat"], v["lon"], d["lat"], d["lon"])) > 100_000


def test_gaps_need_the_eastern_pacific() -> None:
    with pytest.raises(ValueError, match="Eastern Pacific"):
        build_scenario(ScenarioConfig(hours=2.0, n_vessels=10, region="north_sea", area_outage=True))
    with pytest.raises(ValueError, match="unknown region"):
        build_scenario(ScenarioConfig(hours=2.0, n_vessels=10, region="atlantis"))


def test_cli_writes_gap_labels(tmp_path: Path) -> None:
    from maritime.scenario.__main__ import main

    out = tmp_path / "g.nmea"
    assert (
        main(["--seed", "4", "--hours", "16", "--vessels", "30", "--no-events", "--area-outage", "--out", str(out)])
        == 0
    )
    text = Path(str(out) + ".truth.json").read_text()
    assert '"area_outage"' in text and '"lone_silence"' not in text
    assert main(["--region", "north_sea", "--lone-silences", "--out", str(tmp_path / "x.nmea")]) == 2
