"""Learned anchorages in DuckDB (maritime.detect.anchorage_store) on a day in the North Sea
(issue 10): the anchorage in no port list is learned from the data and stops the loitering it
gave; the incremental refresh equals one refresh over everything; late data is recounted; and
detecting every few hours ends with the events of one run at the end."""

from __future__ import annotations

import dataclasses

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from maritime.detect.anchorage_store import refresh_anchorages, stored_points
from maritime.detect.config import load_config
from maritime.detect.runner import run_detection
from maritime.geodesy import haversine_km
from maritime.scenario import ScenarioConfig, build_scenario
from maritime.scenario.north_sea import UNLISTED_ANCHORAGE
from maritime.scenario.positions import insert_positions, position_tables
from maritime.store.database import Store

CFG = load_config()
OFF = dataclasses.replace(CFG, anchorages=dataclasses.replace(CFG.anchorages, enabled=False))
VISITS = (
    "SELECT ci, cj, mmsi, round(stationary_s, 3), reports, first_seen, last_seen FROM anchorage_visits ORDER BY ALL"
)
ANCHORAGES = "SELECT * EXCLUDE (updated_at) FROM anchorages ORDER BY anchorage_id"
EVENTS = "SELECT event_id, kind, mmsi, other_mmsi, start_time, end_time, lat, lon, confidence FROM events ORDER BY ALL"


@pytest.fixture(scope="module")
def tables() -> list[pa.Table]:
    """A day of the North Sea scenario in 3-hour tables, in time order (the unlisted anchorage:
    8 ships at anchor and a bunker tanker alongside one of them, 35 km from any listed port)."""
    sc = build_scenario(ScenarioConfig(seed=8, hours=24.0, n_vessels=40, region="north_sea"))
    return list(position_tables(sc, chunk_s=3 * 3600.0))


def database(path, tables: list[pa.Table]) -> Store:
    store = Store(path)
    for tb in tables:
        insert_positions(store.con, tb)
    return store


def near_unlisted(con: duckdb.DuckDBPyConnection, kinds: tuple[str, ...], km: float) -> list[tuple]:
    rows = con.execute("SELECT kind, mmsi, lat, lon FROM events WHERE kind IN ?", [list(kinds)]).fetchall()
    return [r for r in rows if haversine_km(r[2], r[3], *UNLISTED_ANCHORAGE) < km]


def test_the_unlisted_anchorage_is_learned_and_stops_its_false_events(tables, tmp_path) -> None:
    off = database(tmp_path / "off.duckdb", tables)
    on = database(tmp_path / "on.duckdb", tables)
    try:
        run_detection(off.con, config=OFF)
        run_detection(on.con, config=CFG)
        # without the learned step, the ships at anchor there loiter, and the bunker tanker
        # alongside one of them meets it
        assert len(near_unlisted(off.con, ("loitering",), 10.0)) >= 3
        assert len(near_unlisted(off.con, ("rendezvous",), 10.0)) == 1
        # with it: none there, and no loitering or rendezvous anywhere (the other stays are in ports)
        assert on.con.execute("SELECT count(*) FROM events WHERE kind IN ('loitering', 'rendezvous')").fetchall() == [
            (0,)
        ]
        learned = on.con.execute("SELECT lat, lon, vessels, port_km, first_seen, last_seen FROM anchorages").fetchall()
        (unlisted,) = [a for a in learned if haversine_km(a[0], a[1], *UNLISTED_ANCHORAGE) < 3.0]
        assert unlisted[2] >= 5 and unlisted[3] > 30.0  # only the data knows it: > 30 km from any listed port
        assert (unlisted[5] - unlisted[4]).total_seconds() >= 12 * 3600
        # the others sit at listed ports and anchorages
        assert all(a[3] < 10.0 for a in learned if a is not unlisted)
        assert (
            len(stored_points(on.con, CFG)) == on.con.execute("SELECT count(*) FROM anchorage_cells").fetchall()[0][0]
        )
        assert len(stored_points(on.con, OFF)) == 0
    finally:
        off.close()
        on.close()


def test_incremental_refresh_equals_one_refresh(tables, tmp_path) -> None:
    once = database(tmp_path / "once.duckdb", tables)
    step = database(tmp_path / "step.duckdb", [])
    try:
        r = refresh_anchorages(once.con, CFG)
        assert r.recounted and r.anchorages >= 2
        recounted = []
        for tb in tables:
            insert_positions(step.con, tb)
            recounted.append(refresh_anchorages(step.con, CFG).recounted)
        assert recounted == [True] + [False] * (len(tables) - 1)  # the first only: from new positions after
        assert step.con.execute(VISITS).fetchall() == once.con.execute(VISITS).fetchall()
        assert step.con.execute(ANCHORAGES).fetchall() == once.con.execute(ANCHORAGES).fetchall()
        again = refresh_anchorages(step.con, CFG)  # nothing new: nothing changes
        assert not again.recounted and not again.changed
        assert np.array_equal(again.points, stored_points(once.con, CFG))
    finally:
        once.close()
        step.close()


def test_late_data_is_recounted(tables, tmp_path) -> None:
    once = database(tmp_path / "once.duckdb", tables)
    late = database(tmp_path / "late.duckdb", tables[:2] + tables[3:])
    try:
        refresh_anchorages(once.con, CFG)
        refresh_anchorages(late.con, CFG)
        insert_positions(late.con, tables[2])  # three hours stored after later ones
        assert refresh_anchorages(late.con, CFG).recounted
        assert late.con.execute(VISITS).fetchall() == once.con.execute(VISITS).fetchall()
        # other cell thresholds count again too
        other = dataclasses.replace(CFG, anchorages=dataclasses.replace(CFG.anchorages, max_sog_kn=0.3))
        assert refresh_anchorages(late.con, other).recounted
    finally:
        once.close()
        late.close()


def test_detecting_every_three_hours_ends_with_the_events_of_one_run(tables, tmp_path) -> None:
    once = database(tmp_path / "once.duckdb", tables)
    step = database(tmp_path / "step.duckdb", [])
    try:
        run_detection(once.con)
        flagged_early = False
        for k, tb in enumerate(tables):
            insert_positions(step.con, tb)
            run_detection(step.con)
            if k == 3:  # 12 h: the anchorage is not known yet, its ships loiter
                flagged_early = bool(near_unlisted(step.con, ("loitering",), 10.0))
        assert flagged_early
        assert step.con.execute(EVENTS).fetchall() == once.con.execute(EVENTS).fetchall()
        assert not near_unlisted(step.con, ("loitering", "rendezvous"), 10.0)
    finally:
        once.close()
        step.close()
