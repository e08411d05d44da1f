"""Per-batch summaries the store folds into its per-vessel tables (pure, compiled).

A batch of records (the tables of :mod:`maritime.records`) updates two small tables besides
being appended: ``vessels`` (one row per MMSI) and ``identity_history``. Both need, per
vessel, only a handful of rows of the batch. Picking those rows here, in one compiled pass,
leaves the database a few thousand rows to join instead of the whole batch.

The latest value of a column is that of the row of greatest ``ts`` where it is not NULL
(as ``arg_max(x, ts)`` in SQL); among rows of equal ``ts`` the last one in batch order, the
one received last. That is also how the store folds a batch into what is stored (a batch
wins a tie against the stored value), so the result does not depend on where the stream
is cut into batches.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]
Mask = npt.NDArray[np.bool_]


@numba.njit(cache=True)
def _table_bits(n: int) -> int:
    """log2 of the size of an open-addressing table for ``n`` keys (at most half full)."""
    bits = 4
    while (1 << bits) < 2 * n + 2:
        bits += 1
    return bits


@numba.njit(cache=True)
def _latest_kernel(mmsi: I64, ts: I64, valid: Mask, group_row: I64, first_ts: I64, last_ts: I64, best: I64) -> int:
    """Per MMSI (in order of first appearance): its first row, min and max ``ts``, and
    for each column ``f`` the last row of maximal ``ts`` among rows with ``valid[:, f]``
    (-1 when there is none). Returns the number of MMSIs."""
    n = len(mmsi)
    bits = _table_bits(n)
    size = 1 << bits
    shift = np.uint64(64 - bits)
    slot_group = np.full(size, -1, dtype=np.int64)
    best_ts = np.empty((n, valid.shape[1]), dtype=np.int64)
    groups = 0
    for r in range(n):
        m = mmsi[r]
        t = ts[r]
        slot = np.int64((np.uint64(m) * np.uint64(0x9E3779B97F4A7C15)) >> shift)
        while True:
            g = slot_group[slot]
            if g < 0 or mmsi[group_row[g]] == m:
                break
            slot = (slot + 1) & (size - 1)
        if g < 0:
            g = groups
            groups += 1
            slot_group[slot] = g
            group_row[g] = r
            first_ts[g] = t
            last_ts[g] = t
            for f in range(valid.shape[1]):
                best[g, f] = -1
        else:
            first_ts[g] = min(first_ts[g], t)
            last_ts[g] = max(last_ts[g], t)
        for f in range(valid.shape[1]):
            if valid[r, f] and (best[g, f] < 0 or t >= best_ts[g, f]):
                best[g, f] = r
                best_ts[g, f] = t
    return groups


def _valid(column: pa.ChunkedArray | pa.Array) -> Mask:
    return np.asarray(pc.is_valid(column).to_numpy(zero_copy_only=False), dtype=np.bool_)


def _latest(table: pa.Table, columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(first row, min ts, max ts, best rows by column) per MMSI of ``table``."""
    n = table.num_rows
    mmsi = table.column("mmsi").to_numpy().astype(np.int64, copy=False)
    ts = table.column("ts").cast(pa.int64()).to_numpy()
    valid = np.ascontiguousarray(np.column_stack(columns)) if columns else np.ones((n, 0), dtype=bool)
    group_row = np.empty(n, dtype=np.int64)
    first_ts = np.empty(n, dtype=np.int64)
    last_ts = np.empty(n, dtype=np.int64)
    best = np.empty((n, valid.shape[1]), dtype=np.int64)
    g = _latest_kernel(mmsi, ts, valid, group_row, first_ts, last_ts, best) if n else 0
    return group_row[:g], first_ts[:g], last_ts[:g], best[:g]


def _take(column: pa.ChunkedArray, rows: np.ndarray) -> pa.Array:
    """``column[rows]``, NULL where ``rows`` is -1."""
    return column.take(pa.array(rows, pa.int64(), mask=rows < 0)).combine_chunks()


def _times(values: np.ndarray, like: pa.ChunkedArray) -> pa.Array:
    return pa.array(values, pa.int64()).cast(like.type)


def latest_positions(positions: pa.Table) -> pa.Table:
    """One row per MMSI of a position batch: ``mmsi, first_seen, last_seen, last_lat,
    last_lon, last_sog`` (the latest report's position and its latest known speed)."""
    ts = positions.column("ts")
    sog_valid = _valid(positions.column("sog"))
    always = np.ones(positions.num_rows, dtype=bool)
    rows, first, last, best = _latest(positions, [always, sog_valid])
    return pa.table(
        {
            "mmsi": _take(positions.column("mmsi"), rows),
            "first_seen": _times(first, ts),
            "last_seen": _times(last, ts),
            "last_lat": _take(positions.column("lat"), best[:, 0]),
            "last_lon": _take(positions.column("lon"), best[:, 0]),
            "last_sog": _take(positions.column("sog"), best[:, 1]),
        }
    )


def latest_identities(identities: pa.Table) -> pa.Table:
    """One row per MMSI of an identity batch: the latest non-NULL value of each field
    (``name, callsign, imo, ship_type, length_m, width_m, draught, destination``), and
    ``first_seen``/``last_seen`` (min and max ``ts``)."""
    col = identities.column
    ts = col("ts")
    length = pc.add(col("to_bow"), col("to_stern"))
    width = pc.add(col("to_port"), col("to_starboard"))
    fields = {
        "name": col("name"),
        "callsign": col("callsign"),
        "imo": col("imo"),
        "ship_type": col("ship_type"),
        "length_m": length,
        "width_m": width,
        "draught": col("draught"),
        "destination": col("destination"),
    }
    rows, first, last, best = _latest(identities, [_valid(v) for v in fields.values()])
    out = {"mmsi": _take(col("mmsi"), rows)}
    for k, (name, values) in enumerate(fields.items()):
        out[name] = _take(values, best[:, k])
    out["first_seen"] = _times(first, ts)
    out["last_seen"] = _times(last, ts)
    return pa.table(out)


@numba.njit(cache=True)
def _changes_kernel(order: I64, mmsi: I64, msg_type: I64, part: I64, payload_hash: U64, changed: Mask) -> None:
    """Visit rows in ``order``; mark a row whose payload differs from the previous row of
    the same (MMSI, message type, part)."""
    n = len(order)
    bits = _table_bits(n)
    size = 1 << bits
    shift = np.uint64(64 - bits)
    slot_row = np.full(size, -1, dtype=np.int64)  # latest row of the slot's key
    for i in range(n):
        r = order[i]
        key = (np.uint64(mmsi[r]) * np.uint64(0x9E3779B97F4A7C15)) ^ np.uint64(msg_type[r] * 8 + part[r])
        slot = np.int64((key * np.uint64(0xC4CEB9FE1A85EC53)) >> shift)
        while True:
            q = slot_row[slot]
            if q < 0 or (mmsi[q] == mmsi[r] and msg_type[q] == msg_type[r] and part[q] == part[r]):
                break
            slot = (slot + 1) & (size - 1)
        changed[r] = q < 0 or payload_hash[q] != payload_hash[r]
        slot_row[slot] = r


def identity_changes(identities: pa.Table) -> pa.Table:
    """The reports of an identity batch that differ from the previous report of the same
    kind (MMSI, message type, part) in time order, ties in batch order.

    A vessel repeats identical static data every few minutes; only a report whose payload
    changed can change a name, call sign, type, destination or IMO.
    """
    n = identities.num_rows
    if n == 0:
        return identities
    ts = identities.column("ts").cast(pa.int64()).to_numpy()
    order = np.arange(n) if bool(np.all(ts[1:] >= ts[:-1])) else np.argsort(ts, kind="stable")
    col = identities.column
    part_code = pc.fill_null(col("part"), -1).to_numpy().astype(np.int64) + 1  # NULL, 0, 1, ... as 0, 1, 2, ...
    changed = np.empty(n, dtype=bool)
    _changes_kernel(
        order,
        col("mmsi").to_numpy().astype(np.int64),
        col("msg_type").to_numpy().astype(np.int64),
        part_code,
        col("payload_hash").to_numpy(),
        changed,
    )
    return identities.filter(pa.array(changed))


@numba.njit(cache=True)
def _repeats_kernel(order: I64, mmsi: I64, payload_hash: U64, ts: I64, window_us: int, pair_a: I64, pair_b: I64) -> int:
    """Rows visited in ``order`` (time order): write each row that follows a row of the same
    MMSI and payload within ``window_us`` as a pair (previous, row). Returns the number of
    pairs, or -1 when there are more than ``pair_a`` holds."""
    n = len(order)
    bits = _table_bits(n)
    size = 1 << bits
    shift = np.uint64(64 - bits)
    slot_row = np.full(size, -1, dtype=np.int64)  # latest row of the slot's key
    count = 0
    for i in range(n):
        r = order[i]
        slot = np.int64(((payload_hash[r] ^ np.uint64(mmsi[r])) * np.uint64(0x9E3779B97F4A7C15)) >> shift)
        while slot_row[slot] >= 0:
            q = slot_row[slot]
            if mmsi[q] == mmsi[r] and payload_hash[q] == payload_hash[r]:
                if abs(ts[r] - ts[q]) <= window_us:
                    if count == len(pair_a):
                        return -1
                    pair_a[count] = q
                    pair_b[count] = r
                    count += 1
                break
            slot = (slot + 1) & (size - 1)
        slot_row[slot] = r
    return count


def heard_twice_within(records: pa.Table, window_us: int) -> bool:
    """Whether a batch holds the same MMSI and payload twice within ``window_us``, heard by
    two different stations (NULL being a station of its own).

    A decoded NMEA batch never does (such receptions are merged before storage); a CSV
    batch may. Such rows would count each other's station when the batch is stored.
    """
    n = records.num_rows
    if n < 2 or window_us < 0:
        return False
    ts = records.column("ts").cast(pa.int64()).to_numpy()
    order = np.arange(n) if bool(np.all(ts[1:] >= ts[:-1])) else np.argsort(ts, kind="stable")
    pair_a = np.empty(1024, dtype=np.int64)
    pair_b = np.empty(1024, dtype=np.int64)
    count = _repeats_kernel(
        order,
        records.column("mmsi").to_numpy().astype(np.int64),
        records.column("payload_hash").to_numpy(),
        ts,
        window_us,
        pair_a,
        pair_b,
    )
    if count < 0:
        return True
    # Consecutive receptions suffice: two of a chain heard by different stations imply two
    # consecutive ones that were.
    station = records.column("station")
    first = station.take(pa.array(pair_a[:count])).to_pylist()
    second = station.take(pa.array(pair_b[:count])).to_pylist()
    return any(x != y for x, y in zip(first, second))
