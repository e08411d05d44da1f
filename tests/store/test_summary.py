"""The store's per-vessel summaries (:mod:`maritime.store.summary`) against plain Python.

Per-vessel latest values, identity changes and transmissions heard twice in a batch.
"""

from __future__ import annotations

import random

import pyarrow as pa

from maritime.records import IDENTITY_SCHEMA
from maritime.store.summary import (
    heard_twice_within,
    identity_changes,
    latest_identities,
    latest_positions,
)


def _ts(values: list[int]) -> pa.Array:
    return pa.array(values, pa.timestamp("us", tz="UTC"))


def test_latest_positions_takes_the_last_report_of_the_latest_time() -> None:
    table = pa.table(
        {
            "mmsi": pa.array([7, 9, 7, 7, 9, 7], pa.int32()),
            "ts": _ts([10, 5, 30, 30, 4, 20]),
            "lat": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            "lon": [-1.0, -2.0, -3.0, -4.0, -5.0, -6.0],
            "sog": pa.array([0.5, 1.5, 2.5, None, 4.5, 5.5], pa.float32()),
        }
    )
    out = latest_positions(table).to_pylist()
    assert len(out) == 2
    v7, v9 = out
    assert v7["mmsi"] == 7 and v7["last_lat"] == 4.0 and v7["last_lon"] == -4.0  # tie at 30: the later row
    assert v7["last_sog"] == 2.5  # the latest known speed
    assert v7["first_seen"].timestamp() * 1e6 == 10 and v7["last_seen"].timestamp() * 1e6 == 30
    assert v9["last_lat"] == 2.0 and v9["last_sog"] == 1.5 and v9["first_seen"].timestamp() * 1e6 == 4


def _identity_table(rows: list[dict]) -> pa.Table:
    columns = {f.name: [r.get(f.name) for r in rows] for f in IDENTITY_SCHEMA}
    columns["ts"] = [r["ts"] for r in rows]
    columns["n_stations"] = [1] * len(rows)
    return pa.table(
        {f.name: pa.array(columns[f.name], f.type) if f.name != "ts" else _ts(columns["ts"]) for f in IDENTITY_SCHEMA},
        schema=IDENTITY_SCHEMA,
    )


def test_latest_identities_takes_the_latest_non_null_value_of_each_field() -> None:
    table = _identity_table(
        [
            {"mmsi": 5, "ts": 1, "msg_type": 24, "part": 0, "name": "OLD", "payload_hash": 1},
            {
                "mmsi": 5,
                "ts": 2,
                "msg_type": 24,
                "part": 1,
                "callsign": "CALL",
                "ship_type": 30,
                "to_bow": 10,
                "to_stern": 5,
                "payload_hash": 2,
            },
            {"mmsi": 5, "ts": 3, "msg_type": 24, "part": 0, "name": "NEW", "payload_hash": 3},
            {"mmsi": 5, "ts": 3, "msg_type": 24, "part": 0, "name": "NEWER", "payload_hash": 4},
            {
                "mmsi": 6,
                "ts": 9,
                "msg_type": 5,
                "imo": 1234567,
                "destination": "PORT",
                "draught": 2.5,
                "to_port": 3,
                "to_starboard": 4,
                "payload_hash": 5,
            },
        ]
    )
    out = {r["mmsi"]: r for r in latest_identities(table).to_pylist()}
    assert out[5]["name"] == "NEWER" and out[5]["callsign"] == "CALL" and out[5]["ship_type"] == 30
    assert out[5]["length_m"] == 15 and out[5]["width_m"] is None and out[5]["imo"] is None
    assert out[6]["imo"] == 1234567 and out[6]["destination"] == "PORT" and out[6]["width_m"] == 7
    assert out[6]["draught"] == 2.5


def test_identity_changes_keeps_each_change_of_payload_per_kind() -> None:
    rng = random.Random(3)
    rows = []
    for k in range(400):
        rows.append(
            {
                "mmsi": rng.randint(1, 4),
                "ts": rng.randint(0, 50),
                "msg_type": rng.choice([5, 19, 24]),
                "part": rng.choice([None, 0, 1]),
                "payload_hash": rng.randint(1, 3),
                "name": f"N{k}",
            }
        )
    table = _identity_table(rows)
    last: dict = {}
    expected = []
    for i in sorted(range(len(rows)), key=lambda i: (rows[i]["ts"], i)):
        r = rows[i]
        key = (r["mmsi"], r["msg_type"], r["part"])
        if last.get(key) != r["payload_hash"]:
            expected.append(r["name"])
        last[key] = r["payload_hash"]
    got = identity_changes(table).column("name").to_pylist()
    assert sorted(got) == sorted(expected)


def test_heard_twice_within() -> None:
    def table(rows: list[tuple[int, int, int, str | None]]) -> pa.Table:
        mmsi, payload_hash, ts, station = zip(*rows) if rows else ((), (), (), ())
        return pa.table(
            {
                "mmsi": pa.array(mmsi, pa.int32()),
                "payload_hash": pa.array(payload_hash, pa.uint64()),
                "ts": _ts(list(ts)),
                "station": pa.array(station, pa.string()),
            }
        )

    window = 60
    assert not heard_twice_within(table([(1, 5, 0, "a"), (1, 6, 1, "b"), (2, 5, 2, "b")]), window)
    assert heard_twice_within(table([(1, 5, 0, "a"), (2, 6, 1, "b"), (1, 5, 60, "b")]), window)
    assert not heard_twice_within(table([(1, 5, 0, "a"), (1, 5, 61, "b")]), window)  # too far apart
    assert not heard_twice_within(table([(1, 5, 0, "a"), (1, 5, 30, "a")]), window)  # same station
    assert heard_twice_within(table([(1, 5, 0, None), (1, 5, 30, "a")]), window)  # NULL is a station
    assert not heard_twice_within(table([(1, 5, 0, None), (1, 5, 30, None)]), window)
    # a chain: a, a, b within the window of each other, listed out of time order
    assert heard_twice_within(table([(1, 5, 80, "b"), (1, 5, 0, "a"), (1, 5, 40, "a")]), window)
    assert not heard_twice_within(table([]), window)
    assert not heard_twice_within(table([(1, 5, 0, "a"), (1, 5, 0, "b")]), -1)  # nothing is merged
