"""The scenario's bundled geography (maritime.scenario.geography and data/): tables consistent with each other
and with the reference ports, routes along the lanes, metre-based geodesy helpers."""

from __future__ import annotations

import math

import pytest

from maritime.reference.ports import load_ports
from maritime.scenario.geography import (
    Lanes,
    distance1_m,
    lanes,
    load_atons,
    load_stations,
    locodes,
    offset,
    sea_nodes,
    trades,
)


@pytest.fixture(scope="module")
def graph() -> Lanes:
    return Lanes(load_ports())


def test_stations_table() -> None:
    st = load_stations()
    shore = [s for s in st if not s.satellite]
    assert len(shore) == 37 and [s.name for s in st if s.satellite] == ["rSAT-1", "rSAT-2"]
    assert len({s.name for s in st}) == len(st) and len({s.mmsi for s in shore}) == len(shore)
    assert {s.talker for s in shore} == {"AI", "BS", "AB"}
    assert all(-45 < s.lat < 20 and -105 < s.lon < -70 for s in shore)
    assert sum(s.gps_nmea for s in shore) == 8
    assert all(math.isnan(s.lat) for s in st if s.satellite)


def test_atons_table() -> None:
    at = load_atons()
    assert len(at) == 11 and all(len(a.name) <= 20 and a.mmsi // 10_000_000 == 99 for a in at)
    assert [a.name for a in at if a.virtual] == ["MANTA WRECK VAIS"]


def test_every_lane_point_is_a_port_or_a_sea_node(graph: Lanes) -> None:
    nodes = sea_nodes()
    for lane in lanes():
        assert len(lane) >= 2
        for key in lane:
            assert (key in graph.port_xy) if "|" in key else (key in nodes), key


def test_every_trade_has_a_route_and_a_destination(graph: Lanes) -> None:
    for a, b, w in trades():
        assert w > 0
        pts = graph.route(a, b)
        assert pts[0] == graph.port(a) and pts[-1] == graph.port(b)
        # a lane route is never absurdly longer than the great circle (it goes round the coast)
        length = sum(distance1_m(*p, *q) for p, q in zip(pts, pts[1:]))
        assert distance1_m(*pts[0], *pts[-1]) <= length < 2.5 * distance1_m(*pts[0], *pts[-1]) + 50_000
        for port in (a, b):
            assert port in locodes() or port.startswith("Balao"), port


def test_unknown_port_and_unroutable_pair(graph: Lanes) -> None:
    with pytest.raises(ValueError, match="not in the ports table"):
        graph.port("Atlantis|XX")
    with pytest.raises(ValueError, match="no lane route"):
        graph.route("Balboa|PA", "Puerto Montt|CL")


def test_offset_and_distance_are_consistent() -> None:
    la, lo = offset(-0.95, -80.72, 45.0, 10_000.0)
    assert distance1_m(-0.95, -80.72, la, lo) == pytest.approx(10_000.0, abs=0.01)
    assert la > -0.95 and lo > -80.72
