"""Duplicate merging (:mod:`maritime.decode.duplicates`) against a sort-based reference:
chains within the window, distinct stations, time order."""

from __future__ import annotations

import numpy as np
import pytest

from maritime.decode.duplicates import merge_duplicates


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


def test_reference_helpers_agree_on_a_small_case() -> None:
    first, n_stations = _merge_reference(
        np.array([1, 1, 1]), np.array([9, 9, 9], np.uint64), np.array([0, 30, 100]), np.array([0, 1, 1]), 60
    )
    assert first == [0, 2] and n_stations == [2, 1]


def test_copies_at_the_same_time_keep_the_lowest_rank_whatever_their_order() -> None:
    """Three copies received in the same second: the row is the copy of lowest rank (the
    station name that sorts first), in every order of the input."""
    ts = np.array([5, 5, 5, 30])
    rank = np.array([2, 0, 1, 2])
    for order in ([0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]):
        idx = np.array(order)
        first, n_stations = merge_duplicates(
            np.ones(4, np.int64)[idx],
            np.full(4, 7, np.uint64)[idx],
            ts[idx],
            np.array([2, 0, 1, 2])[idx],
            60,
            rank[idx],
        )
        assert idx[first].tolist() == [1] and n_stations.tolist() == [3]
