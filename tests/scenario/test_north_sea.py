"""A day in the North Sea and western Baltic (maritime.scenario.north_sea, issue 10): real World Port Index
ports, ships berthed and at anchor there, transits, and one anchorage in no list, all labelled."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import numpy as np
import pytest

from maritime.reference.ports import load_ports
from maritime.scenario import ScenarioConfig, build_scenario, write_recording
from maritime.scenario.geography import distance_m
from maritime.scenario.north_sea import UNLISTED_ANCHORAGE, ports_path
from tests.scenario.nmea_reading import parse

NORTH_SEA = ScenarioConfig(seed=8, hours=12.0, n_vessels=90, region="north_sea")
WPI = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "wpi" / "world_port_index.csv"


@pytest.fixture(scope="module")
def north_sea():
    return build_scenario(NORTH_SEA)


def test_ports_are_world_port_index_rows() -> None:
    """Every port row is a WPI row: same number, position and country (UN/LOCODE prefix)."""
    ports = load_ports(ports_path())
    listed = ports[ports["kind"] == "port"]
    assert len(listed) >= 5 and listed["wpi_number"].notna().all()
    assert ((ports["lon"] > -5) & (ports["lon"] < 20) & (ports["lat"] > 50) & (ports["lat"] < 60)).all()
    if not WPI.exists():
        pytest.skip(f"World Port Index not found at {WPI}")
    rows = {int(r["wpi_number"]): r for r in csv.DictReader(WPI.open(encoding="utf-8"))}
    for p in listed.itertuples(index=False):
        r = rows[int(p.wpi_number)]
        assert (float(r["lat"]), float(r["lon"])) == pytest.approx((p.lat, p.lon), abs=1e-6)
        assert r["unlocode"][:2] == p.country
    # the listed anchorages lie within the 10 km the detectors treat as port
    for a in ports[ports["kind"] == "anchorage"].itertuples(index=False):
        d = distance_m(a.lat, a.lon, listed["lat"].to_numpy(), listed["lon"].to_numpy()).min()
        assert 3_000 < d < 10_000, a.name


def test_region_geography_and_labels(north_sea) -> None:
    sc = north_sea
    assert sc.events == [] and sc.atons == []
    assert {s.name[:3] for s in sc.stations if not s.satellite} == {"rNL", "rGB", "rDE", "rDK", "rSE", "rPL"}
    ts = np.arange(0.0, sc.duration_s, 600.0)
    for v in sc.vessels:
        la, lo, *_ = v.track.sample(ts)
        assert ((la > 51) & (la < 58.5) & (lo > 0.5) & (lo < 19.5)).all(), (v.note, la.min(), lo.min())
    kinds = {d.kind for d in sc.decoys}
    assert kinds == {"port_stay", "unlisted_anchorage"}
    stays = [d for d in sc.decoys if d.kind == "port_stay"]
    assert {d.extra["port_kind"] for d in stays} == {"port", "anchorage"}
    assert all(d.extra["wpi_number"] for d in stays if d.extra["port_kind"] == "port")
    labelled = {m for d in sc.decoys for m in d.extra["mmsis"]}
    stationary = {v.mmsi for v in sc.vessels if v.note.startswith(("berthed", "at anchor"))}
    assert labelled == stationary and len(stationary) > 30


def test_ships_stay_where_their_label_says(north_sea) -> None:
    sc = north_sea
    ts = np.arange(0.0, sc.duration_s, 600.0)
    by_mmsi = {v.mmsi: v for v in sc.vessels}
    ports = sc.ports
    for d in sc.decoys:
        for m in d.extra["mmsis"]:
            la, lo, sog, _, status = by_mmsi[m].track.sample(ts)
            assert sog.max() < 0.5 and set(status.tolist()) <= {1, 5}
            r = distance_m(la, lo, d.lat, d.lon).max()
            if d.kind == "port_stay":
                assert r < (4_000 if d.extra["port_kind"] == "anchorage" else 2_000)
            else:
                assert r < d.extra["radius_m"] + 100
                # the unlisted anchorage is far from every listed port and anchorage
                assert distance_m(la[0], lo[0], ports["lat"].to_numpy(), ports["lon"].to_numpy()).min() > 25_000
    (u,) = [d for d in sc.decoys if d.kind == "unlisted_anchorage"]
    assert (u.lat, u.lon) == UNLISTED_ANCHORAGE and len(u.extra["mmsis"]) == 8
    assert u.extra["in_port_lists"] is False and u.extra["nearest_wpi_port_km"] > 30
    assert u.extra["loitering_expected"] is False and u.extra["rendezvous_expected"] is False


def test_recording_is_heard_by_the_region_receivers(tmp_path: Path) -> None:
    cfg = ScenarioConfig(seed=2, hours=3.0, n_vessels=40, region="north_sea")
    truth = write_recording(tmp_path / "ns.nmea.gz", cfg)
    with gzip.open(tmp_path / "ns.nmea.gz", "rt", encoding="ascii") as f:
        parsed = parse(f.read().split("\n")[:-1])
    assert truth["parameters"]["region"] == "north_sea"
    stations = {m.station for m in parsed.messages}
    assert {"rNL-HoekVanHolland", "rGB-Felixstowe"} <= stations
    (u,) = [d for d in truth["decoys"] if d["kind"] == "unlisted_anchorage"]
    heard = {m.decoded["mmsi"] for m in parsed.messages if m.decoded["msg_type"] in (1, 2, 3)}
    assert set(u["mmsis"]) <= heard  # the unlisted anchorage is in shore range: learnable from the data
    assert "decoys.unlisted_anchorage" in truth["definitions"]
    base = {s.mmsi for s in build_scenario(cfg).stations if not s.satellite}
    assert {m.decoded["mmsi"] for m in parsed.messages if m.decoded["msg_type"] == 4} == base


def test_same_seed_same_north_sea_recording_and_positions_tables() -> None:
    from maritime.scenario import generate_lines
    from maritime.scenario.positions import position_tables

    cfg = ScenarioConfig(seed=6, hours=2.0, n_vessels=30, region="north_sea")
    assert list(generate_lines(cfg)) == list(generate_lines(cfg))
    rows = sum(t.num_rows for t in position_tables(build_scenario(cfg)))
    assert rows > 500
