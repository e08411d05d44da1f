"""The contact detectors on hand-made arrays: each rule fires on its case and not on its decoys."""

from __future__ import annotations

import numpy as np
import shapely

from maritime.decode.sensors import Sensor
from maritime.detect.config import ContactsConfig
from maritime.detect.contact_events import (
    ContactSet,
    Scene,
    contact_events,
    dark_id,
    detect_dark_rendezvous,
    detect_dark_vessels,
    detect_unconfirmed_radar,
    detect_unconfirmed_scenes,
    radar_scanning,
    units,
)
from maritime.detect.prediction import TrackIndex

T0 = 1_740_787_200.0
ZONE = [("box", shapely.box(-79.5, 1.5, -78.5, 2.2))]
CFG = ContactsConfig()


def contacts(rows: list[dict]) -> ContactSet:
    """Contacts from dicts: t, lat, lon and optional track, scene, detect, score, length, match."""

    def col(k: str, default: object) -> list:
        return [r.get(k, default) for r in rows]

    return ContactSet(
        contact_id=np.arange(len(rows), dtype=np.int64),
        t=np.array(col("t", T0), dtype=float),
        lat=np.array(col("lat", 0.0), dtype=float),
        lon=np.array(col("lon", 0.0), dtype=float),
        source_kind=np.array(col("kind", "radar"), dtype=object),
        sensor_id=np.array(col("sensor", "R"), dtype=object),
        track_id=np.array(col("track", None), dtype=object),
        scene_id=np.array(col("scene", None), dtype=object),
        detect_id=np.array(col("detect", None), dtype=object),
        confidence=np.array(col("score", np.nan), dtype=float),
        length_m=np.array(col("length", np.nan), dtype=float),
        match_mmsi=np.array(col("match", -1), dtype=np.int64),
    )


def track(
    tid: str, n: int, lat: float, lon: float, dlat: float = 0.0, step: float = 30.0, match: int = -1
) -> list[dict]:
    return [{"t": T0 + k * step, "lat": lat + k * dlat, "lon": lon, "track": tid, "match": match} for k in range(n)]


def ais(mmsi: int, lat: float, lon: float, sog: float, n: int = 60, step: float = 60.0, dlat: float = 0.0) -> dict:
    t = T0 + np.arange(n) * step
    return {
        "mmsi": np.full(n, mmsi),
        "t": t,
        "lat": lat + np.arange(n) * dlat,
        "lon": np.full(n, lon),
        "sog": np.full(n, sog),
        "cog": np.zeros(n),
    }


def index(*vessels: dict) -> TrackIndex:
    cat = {k: np.concatenate([v[k] for v in vessels]) for k in vessels[0]}
    return TrackIndex.build(cat["mmsi"], cat["t"], cat["lat"], cat["lon"], cat["sog"], cat["cog"])


def test_dark_vessel_needs_an_unmatched_track_long_enough_inside_a_zone() -> None:
    c = contacts(
        track("R:1", 10, 1.8, -79.0)  # unmatched, inside: flagged
        + track("R:2", 3, 1.8, -79.1)  # three scans: clutter
        + track("R:3", 10, 1.8, -79.2, match=123)  # matched
        + track("R:4", 10, 0.5, -79.0)  # outside the zone
        + [{"t": T0, "lat": 1.9, "lon": -79.0, "kind": "sar", "scene": "S", "detect": "d1", "score": 0.9}]
        + [{"t": T0, "lat": 1.9, "lon": -79.1, "kind": "sar", "scene": "S", "detect": "d2", "score": 0.3}]
    )
    idx = index(ais(123, 1.8, -79.2, 5.0), ais(124, 1.85, -79.0, 5.0), ais(125, 1.75, -79.0, 5.0))
    events = detect_dark_vessels(c, units(c), idx, ZONE, CFG)
    by_unit = {e.details["unit"]: e for e in events}
    assert set(by_unit) == {"track:R:1", "detection:S:d1"}
    e = by_unit["track:R:1"]
    assert e.mmsi == dark_id("track:R:1") < 0 and e.start == T0 and e.end == T0 + 270
    # 124 and 125 were heard within 20 km (123 is 22 km away): coverage 0.5 + 0.5 x 2/3
    assert e.details["ais_vessels_heard_nearby"] == 2
    assert abs(e.details["coverage_factor"] - (0.5 + 0.5 * 2 / 3)) < 1e-9
    assert e.confidence == round(0.5 * (0.5 + 0.5 * 2 / 3), 3)  # 10 contacts of 20 for full strength
    # the same detection with no AIS heard around: the coverage factor halves the confidence
    lone = detect_dark_vessels(c, units(c), index(ais(9, -10.0, 0.0, 5.0)), ZONE, CFG)
    assert {e.details["unit"]: e.confidence for e in lone}["detection:S:d1"] == round(0.9 * 0.5, 3)


def test_dark_rendezvous_alongside_a_slow_ais_vessel_long_enough() -> None:
    # a dark track 200 m north of a drifting AIS vessel for 40 minutes
    c = contacts(track("R:7", 80, 1.8018, -79.0, step=30.0))
    slow = ais(555, 1.8, -79.0, 0.5)
    fast = ais(556, 1.8, -79.0 + 0.002, 12.0, dlat=12 * 1.852 / 111.2 / 60)  # passes by at 12 kn
    events = detect_dark_rendezvous(c, units(c), index(slow, fast), CFG)
    assert [(e.mmsi, e.other_mmsi) for e in events] == [(555, dark_id("track:R:7"))]
    assert events[0].details["minutes"] >= 39.0 and events[0].details["min_distance_km"] < 0.25
    # the same track for 20 minutes only: not long enough
    short = contacts(track("R:7", 40, 1.8018, -79.0, step=30.0))
    assert detect_dark_rendezvous(short, units(short), index(slow), CFG) == []


def test_ais_unconfirmed_in_a_scene_only_for_vessels_long_enough_and_not_detected() -> None:
    scene = Scene("S", T0 + 1800, "sar", shapely.box(-79.5, 1.5, -78.5, 2.2))
    big_seen = ais(1, 1.8, -79.0, 0.0)
    big_unseen = ais(2, 1.9, -79.2, 0.0)
    small_unseen = ais(3, 1.7, -79.2, 0.0)
    unknown_len = ais(4, 1.7, -78.8, 0.0)
    outside = ais(5, 1.0, -79.0, 0.0)
    idx = index(big_seen, big_unseen, small_unseen, unknown_len, outside)
    lengths = np.array([100.0, 80.0, 9.0, np.nan, 120.0])
    c = contacts([{"t": T0 + 1800, "lat": 1.8, "lon": -79.0, "kind": "sar", "scene": "S", "detect": "x", "match": 1}])
    events = detect_unconfirmed_scenes(c, idx, lengths, [scene], {"sar": Sensor("sar", "sar", p_detect=0.8)}, CFG)
    assert [(e.mmsi, e.confidence) for e in events] == [(2, 0.8)]
    assert events[0].details["nearest_contact_km"] > 20


def test_ais_unconfirmed_by_radar_needs_minutes_unseen_in_range_while_scanning() -> None:
    radar = {"R": Sensor("R", "radar", 1.8, -79.0, range_km=20.0, min_length_m=15.0, p_detect=0.5)}
    scanning = track("R:1", 40, 1.75, -79.05, step=30.0, match=10)  # 20 minutes of scans, a matched vessel
    c = contacts(scanning)
    idx = index(ais(10, 1.75, -79.05, 0.0), ais(11, 1.85, -79.0, 0.0), ais(12, 2.3, -79.0, 0.0))
    events = detect_unconfirmed_radar(c, idx, np.array([50.0, 50.0, 50.0]), radar, CFG)
    assert [e.mmsi for e in events] == [11]  # 10 was seen; 12 is out of range
    assert events[0].details["looks"] >= 10 and events[0].confidence > 0.99
    assert radar_scanning(np.array([0.0, 30.0, 60.0, 500.0, 530.0]), 60.0) == [(0.0, 60.0), (500.0, 530.0)]


def test_contact_events_runs_every_rule() -> None:
    c = contacts(track("R:1", 10, 1.8, -79.0))
    idx = index(ais(1, 1.0, -79.0, 5.0))
    events = contact_events(c, idx, np.array([50.0]), [], {}, ZONE, CFG)
    assert [e.kind for e in events] == ["dark_vessel"]
