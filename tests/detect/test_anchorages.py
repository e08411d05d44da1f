"""Anchorages learned from stationary vessels (maritime.detect.anchorages): the cell grid, the
core rule (5 vessels stationary >= 2 h within 3 km, over >= 12 h) and the merge into anchorages."""

from __future__ import annotations

import numpy as np
import pytest

from maritime.detect.anchorages import (
    StoredEvents,
    Visits,
    affected_since,
    cell_centre,
    cell_index,
    learn_anchorages,
    point_changes,
    points_fingerprint,
)
from maritime.detect.config import AnchorageConfig
from maritime.geodesy import haversine_km

CFG = AnchorageConfig()
H = 3600.0


def visits(rows: list[tuple[float, float, int, float, float, float]]) -> Visits:
    """Visits from (lat, lon, mmsi, hours, first_h, last_h) rows."""
    lat = np.array([r[0] for r in rows])
    lon = np.array([r[1] for r in rows])
    ci, cj = cell_index(lat, lon, CFG.cell_km)
    return Visits.of(
        {
            "ci": ci,
            "cj": cj,
            "mmsi": [r[2] for r in rows],
            "seconds": [r[3] * H for r in rows],
            "first": [r[4] * H for r in rows],
            "last": [r[5] * H for r in rows],
        }
    )


def ring(lat: float, lon: float, n: int, radius_km: float, first_mmsi: int, hours: float = 4.0, span=(0.0, 20.0)):
    """``n`` vessels on a circle of ``radius_km`` around (lat, lon)."""
    out = []
    for k in range(n):
        a = 2 * np.pi * k / n
        dlat = radius_km * np.cos(a) / 111.2
        dlon = radius_km * np.sin(a) / (111.2 * np.cos(np.radians(lat)))
        out.append((lat + dlat, lon + dlon, first_mmsi + k, hours, span[0], span[1]))
    return out


@pytest.mark.parametrize("lat", [-60.0, -5.0, 0.0, 52.0, 78.0])
def test_cells_are_about_half_a_kilometre_and_centres_fall_in_their_cell(lat: float) -> None:
    rng = np.random.default_rng(1)
    la = lat + rng.uniform(-0.5, 0.5, 2000)
    lo = rng.uniform(-180, 180, 2000)
    ci, cj = cell_index(la, lo, 0.5)
    clat, clon = cell_centre(ci, cj, 0.5)
    # every position is within half a cell diagonal of its cell's centre
    assert haversine_km(la, lo, clat, clon).max() <= 0.5 * np.sqrt(0.5) * 1.01
    ci2, cj2 = cell_index(clat, clon, 0.5)
    assert (ci2 == ci).all() and (cj2 == cj).all()


def test_five_vessels_over_twelve_hours_make_one_anchorage() -> None:
    learned = learn_anchorages(visits(ring(52.03, 3.62, 6, 1.0, 100)), CFG)
    assert len(learned.anchorages) == 1
    a = learned.anchorages[0]
    assert a.vessels == 6 and a.cells == 6
    assert haversine_km(a.lat, a.lon, 52.03, 3.62) < 0.3
    assert 1.0 <= a.radius_km <= 1.6
    assert a.hours == pytest.approx(24.0)
    assert (a.first_seen, a.last_seen) == (0.0, 20 * H)
    assert learned.points().shape == (6, 2)
    assert set(learned.cell_anchorage) == {a.anchorage_id}


def test_four_vessels_are_not_enough() -> None:
    assert learn_anchorages(visits(ring(52.03, 3.62, 4, 1.0, 100)), CFG).anchorages == []


def test_short_stays_do_not_count() -> None:
    """Vessels stationary under 2 h in a cell are no evidence."""
    rows = ring(52.03, 3.62, 6, 1.0, 100, hours=1.9)
    assert learn_anchorages(visits(rows), CFG).anchorages == []


def test_one_meeting_is_not_an_anchorage() -> None:
    """Six vessels stationary together for 5 h once: the evidence spans < 12 h."""
    rows = ring(-5.0, -85.0, 6, 0.4, 100, hours=4.0, span=(10.0, 15.0))
    assert learn_anchorages(visits(rows), CFG).anchorages == []


def test_vessels_are_counted_once_and_far_places_stay_apart() -> None:
    # two places 20 km apart, each with 5 vessels; at b one vessel stays in two cells
    a = ring(54.35, 18.66, 5, 1.0, 100)
    b = ring(54.35, 18.97, 5, 1.0, 200)
    b[0] = (b[0][0], b[0][1], 201, 4.0, 0.0, 20.0)
    learned = learn_anchorages(visits(a + b), CFG)
    assert len(learned.anchorages) == 1  # b has only 4 distinct vessels
    assert learned.anchorages[0].vessels == 5
    learned = learn_anchorages(visits(a + ring(54.35, 18.97, 5, 1.0, 300)), CFG)
    assert len(learned.anchorages) == 2
    assert {x.vessels for x in learned.anchorages} == {5}


def test_close_cores_merge_and_a_lone_stay_nearby_joins() -> None:
    rows = ring(52.03, 3.62, 6, 1.0, 100) + ring(52.03, 3.66, 6, 1.0, 200)  # centres 2.7 km apart
    rows.append((52.03 + 2.5 / 111.2, 3.62, 999, 3.0, 1.0, 2.0))  # 2.5 km north: joins
    learned = learn_anchorages(visits(rows), CFG)
    assert len(learned.anchorages) == 1
    assert learned.anchorages[0].vessels == 13 and learned.anchorages[0].cells == 13


def test_thresholds_come_from_the_config() -> None:
    rows = ring(52.03, 3.62, 4, 1.0, 100)
    assert learn_anchorages(visits(rows), AnchorageConfig(min_vessels=4)).anchorages
    rows = ring(52.03, 3.62, 6, 4.0, 100)  # 8 km across: neighbours 4 km apart, the farthest 8 km
    assert not learn_anchorages(visits(rows), CFG).anchorages
    assert learn_anchorages(visits(rows), AnchorageConfig(merge_km=8.5)).anchorages


def test_fingerprint_follows_the_points() -> None:
    one = learn_anchorages(visits(ring(52.03, 3.62, 6, 1.0, 100)), CFG).points()
    two = learn_anchorages(visits(ring(52.03, 3.62, 6, 1.2, 100)), CFG).points()
    assert points_fingerprint(one) == points_fingerprint(one.copy())
    assert points_fingerprint(one) != points_fingerprint(two)
    assert points_fingerprint(np.zeros((0, 2))) == ""


def stored(rows: list[tuple]) -> StoredEvents:
    """StoredEvents from (kind, start_h, end_h or None, lat, lon, port_km or None, next or None)."""
    nan = float("nan")
    return StoredEvents(
        kind=[r[0] for r in rows],
        start=np.array([r[1] * H for r in rows]),
        end=np.array([nan if r[2] is None else r[2] * H for r in rows]),
        lat=np.array([r[3] for r in rows]),
        lon=np.array([r[4] for r in rows]),
        port_km=np.array([nan if r[5] is None else r[5] for r in rows]),
        next_lat=np.array([nan if r[6] is None else r[6][0] for r in rows]),
        next_lon=np.array([nan if r[6] is None else r[6][1] for r in rows]),
    )


def test_point_changes() -> None:
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    b = np.array([[3.0, 4.0], [5.0, 6.0]])
    added, removed = point_changes(a, b)
    assert added.tolist() == [[5.0, 6.0]] and removed.tolist() == [[1.0, 2.0]]
    assert [len(x) for x in point_changes(a, a)] == [0, 0]


def test_new_points_affect_the_events_near_them_only() -> None:
    new = np.array([[52.03, 3.62]])
    ev = stored(
        [
            ("loitering", 5.0, 9.0, 52.05, 3.62, 35.0, None),  # 2.2 km from the new point: suppressed
            ("loitering", 2.0, 6.0, 54.0, 6.0, 40.0, None),  # 230 km away, its port 40 km: unchanged
            ("dark_period", 1.0, 4.0, 53.5, 3.0, 60.0, (52.04, 3.60)),  # reappeared next to it
            ("identity_conflict", 0.5, 1.0, 52.03, 3.62, None, None),  # never depends on ports
        ]
    )
    assert affected_since(ev, new, 10 * H, 10.0, 2.5) == 1.0 * H
    assert affected_since(ev, np.zeros((0, 2)), 10 * H, 10.0, 2.5) is None
    far = np.array([[-5.0, -85.0]])
    assert affected_since(ev, far, 10 * H, 10.0, 2.5) is None
    # a point nearer than the port an event recorded changes its evidence, however far
    ocean = stored([("dark_period", 3.0, None, -5.5, -85.0, 300.0, None)])
    assert affected_since(ocean, far, 10 * H, 10.0, 2.5) == 3.0 * H
    # a rendezvous is judged wherever its vessels could drift: 8 h at 2.5 kn is 37 km
    meet = stored([("rendezvous", 2.0, 10.0, 52.03, 3.62 + 45 / 68.6, 30.0, None)])
    assert affected_since(meet, new, 10 * H, 10.0, 2.5) == 2.0 * H
    assert affected_since(meet, new, 10 * H, 10.0, 0.5) is None
