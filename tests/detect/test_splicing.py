"""Splicing arrays sorted by MMSI (maritime.detect.splicing): block copies equal removing the
vessels' rows, adding the new ones and sorting by MMSI."""

from __future__ import annotations

import numpy as np

from maritime.detect.splicing import join_pieces, pieces, row_ranges


def test_row_ranges():
    assert row_ranges(np.array([2, 7, 9]), np.array([4, 7, 12])).tolist() == [2, 3, 9, 10, 11]
    assert len(row_ranges(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))) == 0


def test_replace_and_insert_equal_a_sort():
    rng = np.random.default_rng(5)
    old_mmsi = np.sort(rng.integers(0, 40, 500))
    old_val = np.arange(len(old_mmsi)) * 1.0
    vessels = np.unique(rng.integers(0, 45, 12))  # some absent from old, some with no new rows
    new_mmsi = np.sort(rng.choice(vessels[:-2], 60))
    new_val = -1.0 - np.arange(len(new_mmsi))
    # replace the vessels' rows
    a, b = np.searchsorted(old_mmsi, vessels, "left"), np.searchsorted(old_mmsi, vessels, "right")
    runs = pieces(a, b, new_mmsi, vessels, len(old_mmsi))
    keep = ~np.isin(old_mmsi, vessels)
    mm = np.concatenate([old_mmsi[keep], new_mmsi])
    order = np.argsort(mm, kind="stable")
    assert np.array_equal(join_pieces(runs, old_mmsi, new_mmsi), mm[order])
    assert np.array_equal(join_pieces(runs, old_val, new_val), np.concatenate([old_val[keep], new_val])[order])
    # append after the vessels' rows
    runs = pieces(b, b, new_mmsi, vessels, len(old_mmsi))
    mm = np.concatenate([old_mmsi, new_mmsi])
    order = np.argsort(mm, kind="stable")
    assert np.array_equal(join_pieces(runs, old_val, new_val), np.concatenate([old_val, new_val])[order])
    # nothing at all
    empty = np.zeros(0, dtype=np.int64)
    assert len(join_pieces(pieces(empty, empty, empty, empty, 0), empty, empty)) == 0
