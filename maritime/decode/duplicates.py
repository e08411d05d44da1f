"""Duplicate receptions: one AIS transmission heard by several stations counts once.

The same MMSI and payload hash within a window of data time are one transmission (the
window and its rationale: :data:`maritime.decode.pipeline.DEFAULT_DEDUP_WINDOW_US`). The
grouping is a compiled (numba) pass with open addressing on the (MMSI, payload) key.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt


def merge_duplicates(
    mmsi: npt.NDArray[np.int64],
    payload_hash: npt.NDArray[np.uint64],
    ts: npt.NDArray[np.int64],
    station: npt.NDArray[np.int32],
    window_us: int,
    rank: npt.NDArray[np.int64] | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int16]]:
    """Receptions of one transmission: the same MMSI and payload within ``window_us``.

    Receptions are chained in time: each copy within the window (microseconds) of the
    previous copy belongs to the same transmission. Returns the index of the first
    reception of each transmission, in time order, and the number of distinct stations
    that heard it. Among copies received at the same time the first is the one of lowest
    ``rank`` (the rank of its station's name, so that the choice does not depend on the
    order of the input), then the first in the stream.
    """
    n = len(ts)
    ts = ts.astype(np.int64, copy=False)
    order = np.arange(n) if n < 2 or bool(np.all(ts[1:] >= ts[:-1])) else np.argsort(ts, kind="stable")
    first = np.empty(n, dtype=np.int64)
    n_stations = np.empty(n, dtype=np.int16)
    groups = _merge_kernel(
        order,
        mmsi.astype(np.int64, copy=False),
        payload_hash.astype(np.uint64, copy=False),
        ts,
        station.astype(np.int64, copy=False),
        np.zeros(n, dtype=np.int64) if rank is None else rank.astype(np.int64, copy=False),
        window_us,
        first,
        n_stations,
    )
    return first[:groups], n_stations[:groups]


def station_rank(names: list[str]) -> npt.NDArray[np.int64]:
    """Rank of each station code's name in name order, indexed by code (the ``rank`` of
    :func:`merge_duplicates`); code -1 (no station) is the last element, after every name."""
    rank = np.empty(len(names) + 1, dtype=np.int64)
    rank[np.array(sorted(range(len(names)), key=names.__getitem__), dtype=np.int64)] = np.arange(len(names))
    rank[-1] = len(names)
    return rank


@numba.njit(cache=True)
def _merge_kernel(
    order: npt.NDArray[np.int64],
    mmsi: npt.NDArray[np.int64],
    payload_hash: npt.NDArray[np.uint64],
    ts: npt.NDArray[np.int64],
    station: npt.NDArray[np.int64],
    rank: npt.NDArray[np.int64],
    window_us: int,
    first: npt.NDArray[np.int64],
    n_stations: npt.NDArray[np.int16],
) -> int:
    """Group receptions visited in ``order`` (time order) by (MMSI, payload) chains.

    A copy received at the same time as its group's first reception, with a lower ``rank``,
    becomes the first.

    Open addressing on the (MMSI, payload hash) key gives each key its current group; a
    reception more than ``window_us`` after the key's previous one starts a new group.
    Distinct stations per group are counted in a bit set per group for station codes below
    63 (the usual case), else in a table of (group, station) pairs. Writes each group's
    first reception and station count; returns the number of groups.
    """
    n = len(order)
    bits = 4
    while (1 << bits) < (3 * n) // 2 + 2:  # at most two thirds full
        bits += 1
    size = 1 << bits
    shift = np.uint64(64 - bits)
    mask = size - 1
    mult = np.uint64(0x9E3779B97F4A7C15)
    slot_group = np.full(size, -1, dtype=np.int32)  # key table: the key's current group
    last_ts = np.empty(n, dtype=np.int64)  # per group: time of its latest reception
    station_bits = np.empty(n, dtype=np.uint64)  # per group: stations -1..62 heard, as bits
    pair_group = np.empty(0, dtype=np.int64)  # (group, station) pairs for codes of 63 and up
    pair_station = np.empty(0, dtype=np.int64)
    groups = 0
    for i in range(n):
        r = order[i]
        m = mmsi[r]
        h = payload_hash[r]
        t = ts[r]
        st = station[r]
        slot = np.int64(((h ^ (np.uint64(m) * mult)) * mult) >> shift)
        while True:
            g = slot_group[slot]
            if g < 0 or (payload_hash[first[g]] == h and mmsi[first[g]] == m):
                break
            slot = (slot + 1) & mask
        if g < 0 or t - last_ts[g] > window_us:
            g = groups
            groups += 1
            slot_group[slot] = g
            first[g] = r
            station_bits[g] = 0
            n_stations[g] = 0
        elif t == ts[first[g]] and rank[r] < rank[first[g]]:
            first[g] = r
        last_ts[g] = t
        if st < 63:
            bit = np.uint64(1) << np.uint64(st + 1)
            if not station_bits[g] & bit:
                station_bits[g] |= bit
                n_stations[g] += 1
        else:
            if len(pair_group) == 0:
                pair_group = np.full(2 * size, -1, dtype=np.int64)
                pair_station = np.empty(2 * size, dtype=np.int64)
            if _add_pair(pair_group, pair_station, g, st, shift - np.uint64(1), 2 * size - 1):
                n_stations[g] += 1
    return groups


@numba.njit(cache=True, inline="always")
def _add_pair(
    pair_group: npt.NDArray[np.int64],
    pair_station: npt.NDArray[np.int64],
    g: int,
    st: int,
    shift: np.uint64,
    mask: int,
) -> bool:
    """Insert (group, station) in the pair set; True when it was not there yet."""
    key = (np.uint64(g) << np.uint64(32)) | np.uint64(st + 1)
    slot = np.int64((key * np.uint64(0x9E3779B97F4A7C15)) >> shift)
    while pair_group[slot] >= 0:
        if pair_group[slot] == g and pair_station[slot] == st:
            return False
        slot = (slot + 1) & mask
    pair_group[slot] = g
    pair_station[slot] = st
    return True
