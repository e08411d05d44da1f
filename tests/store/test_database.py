"""Store.append: duplicates across batches, stations heard, and the per-vessel tables.

Batches are built by hand (record tables as the decoder or the CSV reader gives them), so
each case states exactly which rows a batch holds.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from maritime.records import IDENTITY_SCHEMA, POSITION_SCHEMA, REJECT_SCHEMA
from maritime.store.database import Store

T0 = 1_700_000_000_000_000  # µs


def positions(rows: list[dict]) -> pa.Table:
    """A position batch; each row gives mmsi, ts (µs), payload_hash and station."""
    data = {f.name: [r.get(f.name) for r in rows] for f in POSITION_SCHEMA}
    n = len(rows)
    data.update(
        lat=[r.get("lat", 1.0) for r in rows],
        lon=[r.get("lon", 2.0) for r in rows],
        msg_type=[1] * n,
        n_stations=[1] * n,
    )
    return pa.table(
        {
            f.name: pa.array(data[f.name], f.type if f.name != "ts" else pa.int64()).cast(f.type)
            for f in POSITION_SCHEMA
        },
        schema=POSITION_SCHEMA,
    )


def append(store: Store, run_id: int, batch: pa.Table):
    return store.append(run_id, "test", batch, IDENTITY_SCHEMA.empty_table(), REJECT_SCHEMA.empty_table())


def n_stations(store: Store) -> list[tuple[int, int, int]]:
    return store.con.execute(
        "SELECT mmsi, epoch_us(ts) - ?, n_stations FROM positions ORDER BY mmsi, ts", [T0]
    ).fetchall()


def test_a_transmission_heard_again_in_a_later_batch_counts_its_station(tmp_path: Path) -> None:
    store = Store(tmp_path / "t.duckdb")
    run = store.begin_run("test", "file")
    append(store, run, positions([{"mmsi": 1, "ts": T0, "payload_hash": 10, "station": "a"}]))
    stored = append(
        store,
        run,
        positions(
            [
                {"mmsi": 1, "ts": T0 + 30_000_000, "payload_hash": 10, "station": "b"},  # heard again by b
                {"mmsi": 1, "ts": T0 + 40_000_000, "payload_hash": 10, "station": "a"},  # and again by a
                {"mmsi": 3, "ts": T0 + 50_000_000, "payload_hash": 30, "station": "a"},
            ]
        ),
    )
    assert (stored.positions, stored.duplicate_positions) == (1, 2)
    assert n_stations(store) == [(1, 0, 2), (3, 50_000_000, 1)]
    store.close()


def test_a_batch_that_repeats_a_transmission_is_paired_as_before(tmp_path: Path) -> None:
    """A CSV batch is not merged: the same MMSI and payload twice within the window, from
    two stations, are both stored, and when the batch also holds a duplicate of a stored
    row the station count pairs them with each other too (the behaviour is kept as is)."""
    store = Store(tmp_path / "t.duckdb")
    run = store.begin_run("test", "file")
    append(store, run, positions([{"mmsi": 1, "ts": T0, "payload_hash": 10, "station": "a"}]))
    hour = 3_600_000_000
    append(
        store,
        run,
        positions(
            [
                {"mmsi": 1, "ts": T0 + 30_000_000, "payload_hash": 10, "station": "b"},
                {"mmsi": 2, "ts": T0 + hour, "payload_hash": 20, "station": "a"},
                {"mmsi": 2, "ts": T0 + hour + 10_000_000, "payload_hash": 20, "station": "b"},
            ]
        ),
    )
    assert n_stations(store) == [(1, 0, 2), (2, hour, 2), (2, hour + 10_000_000, 2)]
    store.close()


def test_vessels_take_the_latest_report_and_the_last_of_equal_times(tmp_path: Path) -> None:
    store = Store(tmp_path / "t.duckdb")
    run = store.begin_run("test", "file")
    append(
        store,
        run,
        positions(
            [
                {"mmsi": 5, "ts": T0, "payload_hash": 1, "lat": 1.0, "sog": 3.0},
                {"mmsi": 5, "ts": T0 + 9, "payload_hash": 2, "lat": 2.0, "sog": 4.0},
                {"mmsi": 5, "ts": T0 + 9, "payload_hash": 3, "lat": 3.0, "sog": None},
            ]
        ),
    )
    row = store.con.execute(
        "SELECT last_lat, last_sog, epoch_us(first_seen) - ?, epoch_us(last_seen) - ? FROM vessels WHERE mmsi = 5",
        [T0, T0],
    ).fetchone()
    assert row == (3.0, 4.0, 0, 9)
    # a later batch with a report of the same time wins the tie, as within a batch
    append(store, run, positions([{"mmsi": 5, "ts": T0 + 9, "payload_hash": 4, "lat": 4.0, "sog": 5.0}]))
    assert store.con.execute("SELECT last_lat, last_sog FROM vessels WHERE mmsi = 5").fetchone() == (4.0, 5.0)
    store.close()
