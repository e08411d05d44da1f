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


def test_a_batch_not_merged_on_decoding_is_merged_in_the_store(tmp_path: Path) -> None:
    """A CSV batch is not merged by the decoder: the same MMSI and payload twice within the
    window, from two stations, is one transmission, and so is its copy of a stored row."""
    store = Store(tmp_path / "t.duckdb")
    run = store.begin_run("test", "file")
    append(store, run, positions([{"mmsi": 1, "ts": T0, "payload_hash": 10, "station": "a"}]))
    hour = 3_600_000_000
    stored = append(
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
    assert n_stations(store) == [(1, 0, 2), (2, hour, 2)]
    assert (stored.positions, stored.duplicate_positions) == (1, 2)
    store.close()


def rows(store: Store) -> list[tuple[int, int, str | None, int]]:
    return store.con.execute(
        "SELECT mmsi, epoch_us(ts) - ?, station, n_stations FROM positions ORDER BY mmsi, ts", [T0]
    ).fetchall()


def test_a_later_batch_with_an_earlier_copy_moves_the_row_to_it(tmp_path: Path) -> None:
    store = Store(tmp_path / "t.duckdb")
    run = store.begin_run("test", "file")
    append(store, run, positions([{"mmsi": 1, "ts": T0 + 20_000_000, "payload_hash": 10, "station": "b"}]))
    stored = append(store, run, positions([{"mmsi": 1, "ts": T0, "payload_hash": 10, "station": "c"}]))
    assert rows(store) == [(1, 0, "c", 2)]
    assert (stored.positions, stored.duplicate_positions) == (0, 1)
    # a copy at the same time from a station whose name sorts first takes the row
    append(store, run, positions([{"mmsi": 1, "ts": T0, "payload_hash": 10, "station": "a"}]))
    assert rows(store) == [(1, 0, "a", 3)]
    # the same station again, in another batch, is not another station
    append(store, run, positions([{"mmsi": 1, "ts": T0 + 5_000_000, "payload_hash": 10, "station": "b"}]))
    assert rows(store) == [(1, 0, "a", 3)]
    assert store.con.execute("SELECT count(*) FROM receptions").fetchone()[0] == 4
    store.close()


def test_a_copy_between_two_stored_transmissions_joins_them(tmp_path: Path) -> None:
    """Copies are chained: one within the window of each of two stored rows makes them one
    transmission, stored at the earlier, with the stations of both."""
    store = Store(tmp_path / "t.duckdb")
    run = store.begin_run("test", "file")
    append(
        store,
        run,
        positions(
            [
                {"mmsi": 1, "ts": T0, "payload_hash": 10, "station": "a"},
                {"mmsi": 1, "ts": T0 + 100_000_000, "payload_hash": 10, "station": "b"},
            ]
        ),
    )
    assert rows(store) == [(1, 0, "a", 1), (1, 100_000_000, "b", 1)]
    stored = append(store, run, positions([{"mmsi": 1, "ts": T0 + 50_000_000, "payload_hash": 10, "station": "c"}]))
    assert rows(store) == [(1, 0, "a", 3)]
    assert (stored.positions, stored.duplicate_positions) == (-1, 2)
    store.close()


def test_a_database_made_before_the_receptions_table_gets_its_rows_as_receptions(tmp_path: Path) -> None:
    store = Store(tmp_path / "t.duckdb")
    run = store.begin_run("test", "file")
    append(store, run, positions([{"mmsi": 1, "ts": T0, "payload_hash": 10, "station": "a"}]))
    store.con.execute("DROP TABLE receptions")
    store.close()
    store = Store(tmp_path / "t.duckdb")
    assert store.con.execute("SELECT mmsi, station FROM receptions").fetchall() == [(1, "a")]
    append(store, run, positions([{"mmsi": 1, "ts": T0 + 10_000_000, "payload_hash": 10, "station": "b"}]))
    assert rows(store) == [(1, 0, "a", 2)]
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
