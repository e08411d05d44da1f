"""Injected events and decoys (maritime.scenario.events): labels in the truth, geometry, and what the receivers
hear during them."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np

from maritime.reference.ports import load_ports
from maritime.reference.zones import load_zones, zone_of
from maritime.scenario import ScenarioConfig, build_scenario
from maritime.scenario.geography import distance_m
from tests.scenario.conftest import SMALL
from tests.scenario.nmea_reading import Parsed


def test_events_are_present_in_zones_with_durations(recording: tuple[Path, dict, list[str]]) -> None:
    t = recording[1]
    kinds = Counter(e["kind"] for e in t["events"])
    assert kinds == {"loitering": 3, "dark": 3, "rendezvous": 3}
    limits = {"loitering": (2, 8), "dark": (3, 12), "rendezvous": (2, 6)}
    zones = load_zones()
    for e in t["events"]:
        assert e["zone"] is not None and e["zone"] == zone_of(e["lat"], e["lon"], zones)
        lo, hi = limits[e["kind"]]
        assert lo <= e["duration_h"] <= hi
        assert (e["other_mmsi"] is not None) == (e["kind"] == "rendezvous")
    assert {d["kind"] for d in t["decoys"]} == {
        "passing",
        "port_side_by_side",
        "active_fishing",
        "receiver_outage",
        "shared_mmsi",
    }


def _samples(sc, step: float = 300.0):
    ts = np.arange(0.0, sc.duration_s, step)
    s = [v.track.sample(ts) for v in sc.vessels]
    return ts, np.array([x[0] for x in s]), np.array([x[1] for x in s]), np.array([x[2] for x in s])


def test_event_geometry_and_no_undeclared_slow_vessels(scenario) -> None:
    sc = scenario
    ports = load_ports()
    ts, lat, lon, sog = _samples(sc)
    dport = distance_m(
        lat[:, :, None], lon[:, :, None], ports.lat.values[None, None, :], ports.lon.values[None, None, :]
    ).min(axis=2)
    idx = {v.mmsi: v.uid for v in sc.vessels if "shared" not in v.note}
    for e in sc.events:
        i = idx[e.mmsi]
        m = (ts > e.start + 60) & (ts < e.end - 60)
        assert m.sum() >= 20
        if e.kind == "loitering":
            assert sog[i, m].max() < 2.0
            assert distance_m(lat[i, m], lon[i, m], e.lat, e.lon).max() < 1500
            assert dport[i, m].min() > 10_000
        if e.kind == "rendezvous":
            k = idx[e.other_mmsi]
            assert max(sog[i, m].max(), sog[k, m].max()) < 2.0
            assert distance_m(lat[i, m], lon[i, m], lat[k, m], lon[k, m]).max() < 500
            assert min(dport[i, m].min(), dport[k, m].min()) > 10_000
            assert e.end - e.start >= 2 * 3600
    actors = {e.mmsi for e in sc.events if e.kind != "dark"} | {e.other_mmsi for e in sc.events}
    slow = (sog < 2.0) & (dport > 10_000)
    for v in sc.vessels:
        run = best = 0
        for x in slow[v.uid]:
            run = run + 1 if x else 0
            best = max(best, run)
        if v.mmsi not in actors:
            assert best * 300 < 2 * 3600, (v.uid, v.role, v.note)
    # decoys: the passing ships are fast at their closest point, the pair trawlers fish at 3-5 kn
    for d in sc.decoys:
        if d.kind == "passing":
            i, k = idx[d.mmsi], idx[d.other_mmsi]
            tt = np.array([(d.start + d.end) / 2])
            a, b = sc.vessels[i].track.sample(tt), sc.vessels[k].track.sample(tt)
            assert a[2][0] > 8 and b[2][0] > 8
            assert float(distance_m(a[0][0], a[1][0], b[0][0], b[1][0])) < 500
        if d.kind == "active_fishing":
            i, k = idx[d.mmsi], idx[d.other_mmsi]
            sel = sog[i] > 0
            assert 3.0 <= np.median(sog[i, sel]) <= 5.0
            assert distance_m(lat[i], lon[i], lat[k], lon[k]).max() < 500


def test_dark_vessels_are_silent_while_neighbours_report(parsed: Parsed, scenario) -> None:
    start = int(SMALL.start_utc().timestamp())
    for e in scenario.events:
        if e.kind != "dark":
            continue
        t0, t1 = start + e.start, start + e.end
        own = [m.c for m in parsed.messages if m.decoded["mmsi"] == e.mmsi]
        assert own and not [c for c in own if t0 <= c < t1]
        assert min(own) < t0 and max(own) >= t1
        neighbours = set()
        for m in parsed.messages:
            d = m.decoded
            if t0 <= m.c < t1 and d["mmsi"] != e.mmsi and d["msg_type"] in (1, 2, 3, 18):
                if float(distance_m(d["lat"], d["lon"], e.lat, e.lon)) < 100_000:
                    neighbours.add(d["mmsi"])
        assert len(neighbours) >= 2, (e.zone, neighbours)


def test_receiver_outage_silences_its_area(parsed: Parsed, scenario) -> None:
    start = int(SMALL.start_utc().timestamp())
    (o,) = scenario.outages
    name = scenario.stations[o.station].name
    t0, t1 = start + o.start, start + o.end
    assert not [m for m in parsed.messages if m.station == name and t0 <= m.c < t1]
    for m in parsed.messages:
        d = m.decoded
        if t0 <= m.c < t1 and d["msg_type"] in (1, 2, 3, 18, 19) and d["lat"] != 91:
            assert float(distance_m(d["lat"], d["lon"], o.lat, o.lon)) > o.radius_m - 2000


def test_shared_mmsi_transmitters_are_far_apart(scenario) -> None:
    (d,) = [d for d in scenario.decoys if d.kind == "shared_mmsi"]
    pair = [v for v in scenario.vessels if v.mmsi == d.mmsi]
    assert len(pair) == 2 and pair[0].name != pair[1].name
    assert float(distance_m(d.lat, d.lon, d.extra["lat2"], d.extra["lon2"])) > 200_000


def test_events_can_be_disabled() -> None:
    sc = build_scenario(ScenarioConfig(seed=1, hours=2.0, n_vessels=30, events=False))
    assert sc.events == [] and sc.decoys == [] and sc.outages == [] and len(sc.vessels) == 30
