"""Splicing arrays sorted by MMSI, the array part of a live cycle (:mod:`maritime.detect.increment`):
replacing or extending the rows of some vessels by block copies of contiguous runs, so that a
cycle never sorts or gathers every row of the window. Pure numpy.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]


def row_ranges(a: Ints, b: Ints) -> Ints:
    """The row indexes ``a[i]:b[i]`` one after the other."""
    n = b - a
    total = int(n.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    return (np.repeat(a - np.cumsum(n) + n, n) + np.arange(total)).astype(np.int64)


#: Contiguous pieces of a splice: (0 for the old array or 1 for the new one, start, end).
Pieces = list[tuple[int, int, int]]


def pieces(cut_from: Ints, cut_to: Ints, new_mmsi: Ints, vessels: Ints, n_old: int) -> Pieces:
    """The pieces of an array sorted by MMSI whose rows ``cut_from[i]:cut_to[i]`` (those of
    ``vessels[i]``, sorted) are replaced by the rows of that vessel in ``new_mmsi`` (sorted; an
    empty cut inserts them there)."""
    n0 = np.searchsorted(new_mmsi, vessels, side="left").tolist()
    n1 = np.searchsorted(new_mmsi, vessels, side="right").tolist()
    out: Pieces = []
    prev = 0
    for c0, c1, s, e in zip(cut_from.tolist(), cut_to.tolist(), n0, n1):
        if c0 > prev:
            out.append((0, prev, c0))
        if e > s:
            out.append((1, s, e))
        prev = c1
    if n_old > prev:
        out.append((0, prev, n_old))
    return out


def join_pieces(pieces: Pieces, old: npt.NDArray[Any], new: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """The array made of ``pieces`` (:func:`pieces`) of ``old`` and ``new``: block copies,
    not a sort and a gather of every row."""
    if not pieces:
        return np.concatenate([old[:0], new[:0]])
    src = (old, new)
    return np.concatenate([src[k][s:e] for k, s, e in pieces])
