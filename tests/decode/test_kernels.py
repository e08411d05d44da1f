"""The compiled decode and batch kernels against plain reference implementations.

* payload hashes: the position and identity kernels hash a payload exactly as
  :func:`words_hash` over a :class:`Bits` matrix of the layout's width, so a transmission
  stored by an earlier version is still recognised as a duplicate;
* :func:`merge_duplicates` against a sort-based reference (chains within the window,
  distinct stations, time order);
* :mod:`maritime.decode.summary` (per-vessel latest values, identity changes, transmissions
  heard twice in a batch) against plain Python loops;
* :func:`find_adjacent_pairs` markers: pruning the markers that can find nothing pending
  gives the same assembly as feeding every pair as a marker.
"""

from __future__ import annotations

import random

import numpy as np
import pyarrow as pa
import pytest

from maritime.decode import assembly
from maritime.decode.messages import (
    POSITION_WIDTH,
    TYPE5_WIDTH,
    TYPE19_WIDTH,
    TYPE24_WIDTH,
    decode_payloads,
)
from maritime.decode.pipeline import merge_duplicates
from maritime.decode.sixbit import Bits, payload_matrix, words_hash
from maritime.decode.summary import (
    heard_twice_within,
    identity_changes,
    latest_identities,
    latest_positions,
)
from maritime.records import IDENTITY_SCHEMA

WIDTH = {
    1: POSITION_WIDTH,
    2: POSITION_WIDTH,
    3: POSITION_WIDTH,
    18: POSITION_WIDTH,
    27: POSITION_WIDTH,
    19: TYPE19_WIDTH,
    5: TYPE5_WIDTH,
    24: TYPE24_WIDTH,
}
#: Payload sizes in characters that pass the size check, by type.
SIZES = {1: (28, 34), 2: (28, 33), 3: (28, 29), 18: (28, 30), 27: (16, 28), 19: (52, 58), 5: (71, 77), 24: (27, 34)}


def _payloads(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Random six-bit payloads of the stored types, with valid sizes (fill 0)."""
    types = rng.choice(list(SIZES), size=n)
    parts, starts, ends = [], [], []
    pos = 0
    for t in types.tolist():
        lo, hi = SIZES[t]
        length = int(rng.integers(lo, hi + 1))
        if t == 24:
            length = 27 if length < 28 else 28  # part A: 160 bits, part B: 168 bits
        body = rng.integers(0, 64, size=length).astype(np.uint8)
        body[0] = t
        if t == 24:  # part number (bits 38-39) consistent with the size: A 27 chars, B 28
            body[6] = (body[6] & 0b110011) | ((0 if length == 27 else 1) << 2)
        parts.append(body)
        starts.append(pos)
        pos += length
        ends.append(pos)
    return np.concatenate(parts), np.array(starts), np.array(ends), types


def test_payload_hashes_match_words_hash() -> None:
    rng = np.random.default_rng(7)
    values, starts, ends, types = _payloads(rng, 3000)
    decoded = decode_payloads(values, starts, ends, np.zeros(len(starts), np.int16))
    rejected = set()
    for idx, _ in decoded.rejects:
        rejected.update(idx.tolist())
    for t, width in WIDTH.items():
        idx = np.array([i for i in np.flatnonzero(types == t) if i not in rejected])
        assert len(idx), t
        expected = words_hash(Bits(payload_matrix(values, starts[idx], ends[idx], width)), (ends - starts)[idx])
        assert np.array_equal(decoded.msg_hash[idx], expected), f"type {t}"


def test_header_mmsi_matches_bits() -> None:
    rng = np.random.default_rng(8)
    values, starts, ends, _ = _payloads(rng, 500)
    ends = ends.copy()
    ends[::7] = starts[::7] + 5  # too short to hold an MMSI
    decoded = decode_payloads(values, starts, ends, np.zeros(len(starts), np.int16))
    head = Bits(payload_matrix(values, starts, np.minimum(ends, starts + 7), 7)).uint(8, 30)
    assert np.array_equal(decoded.mmsi, np.where(ends - starts >= 7, head, -1))


def _merge_reference(mmsi, payload_hash, ts, station, window_us):
    """Chains of receptions per (MMSI, payload), by sorting; first receptions in time order."""
    order = sorted(range(len(ts)), key=lambda i: (int(mmsi[i]), int(payload_hash[i]), int(ts[i]), i))
    groups: list[list[int]] = []
    for i in order:
        g = groups[-1] if groups else None
        if g and mmsi[g[-1]] == mmsi[i] and payload_hash[g[-1]] == payload_hash[i] and ts[i] - ts[g[-1]] <= window_us:
            g.append(i)
        else:
            groups.append([i])
    groups.sort(key=lambda g: (int(ts[g[0]]), g[0]))
    return [g[0] for g in groups], [len({int(station[i]) for i in g}) for g in groups]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("window_us", [-1, 0, 5, 60])
def test_merge_duplicates_matches_reference(seed: int, window_us: int) -> None:
    rng = np.random.default_rng(seed)
    n = 2000
    mmsi = rng.integers(1, 6, n)
    payload_hash = rng.integers(0, 4, n).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    ts = rng.integers(0, 400, n)
    if seed % 2:
        ts = np.sort(ts)  # the common, time-ordered case
    station = rng.integers(-1, 4, n).astype(np.int32)
    first, n_stations = merge_duplicates(mmsi, payload_hash, ts, station, window_us)
    ref_first, ref_stations = _merge_reference(mmsi, payload_hash, ts, station, window_us)
    assert first.tolist() == ref_first
    assert n_stations.tolist() == ref_stations


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


def _assemble(keys, nfrag, frag, time_us, pending_keys, prune: bool):
    """Assembly of a stream of fragments through find_adjacent_pairs (markers pruned or all)."""
    firsts, rest, markers = assembly.find_adjacent_pairs(keys, nfrag, frag, time_us, 10, set(pending_keys))
    if not prune:
        markers = np.arange(len(firsts))
    state = assembly.AssemblerState({k: [assembly.Part(-1, b"", 1, 2, 0, 0, b"p", 0)] for k in pending_keys})
    items = [(int(j), None, int(keys[j])) for j in firsts[markers].tolist()]
    items += [
        (int(j), assembly.Part(int(j), b"", int(frag[j]), int(nfrag[j]), int(time_us[j]), 0, b"x", 0), int(keys[j]))
        for j in np.flatnonzero(rest).tolist()
    ]
    items.sort(key=lambda item: item[0])
    done, rejected = assembly.assemble_sequential([(p, k) for _, p, k in items], state, 10)
    return (
        [[p.line_no for p in d.parts] for d in done],
        [(p.line_no, r) for p, r in rejected],
        {k: [p.line_no for p in v] for k, v in state.pending.items()},
        firsts.tolist(),
    )


@pytest.mark.parametrize("seed", range(20))
def test_pruned_markers_assemble_alike(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 300
    keys = rng.integers(0, 5, n)
    nfrag = rng.choice([2, 2, 2, 3], n)
    frag = np.minimum(rng.integers(1, 4, n), nfrag)
    time_us = np.sort(rng.integers(0, 200, n))
    pending = rng.choice(5, size=int(rng.integers(0, 3)), replace=False).tolist()
    assert _assemble(keys, nfrag, frag, time_us, pending, True) == _assemble(keys, nfrag, frag, time_us, pending, False)


def test_reference_helpers_agree_on_a_small_case() -> None:
    first, n_stations = _merge_reference(
        np.array([1, 1, 1]), np.array([9, 9, 9], np.uint64), np.array([0, 30, 100]), np.array([0, 1, 1]), 60
    )
    assert first == [0, 2] and n_stations == [2, 1]
