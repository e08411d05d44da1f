"""How a cluster splits detection, and how the pieces are made whole again (pure functions).

The single-machine run (``runner``) hands every report to the detectors at once. A cluster
(``cluster``) cannot, so the same detector functions run on pieces chosen so that every
piece sees everything its results depend on:

* **By vessel.** Track preparation, loitering, dark periods, identity conflicts and the
  rendezvous grid (``rendezvous.slow_grid``) depend only on one MMSI's reports (plus "now",
  the receiver list and the reception model, which are computed first over the whole
  area and passed in). Reports are grouped by MMSI into partitions of about
  ``rows_per_partition`` (:func:`vessel_partitions`).
* **Reception.** Each vessel partition builds the reception model of its own vessels on a
  shared key layout; the models add up (``reception.merge_receptions``) because a transmitter
  belongs to one partition only.
* **By time window and space cell, with a halo.** A close pair of grid points is in one
  10-minute bin, so pairs never cross a time window. In space, each grid point belongs to
  one ``cell_deg`` cell ("core") and is copied into every neighbouring cell it is within
  ``halo_km`` of ("halo", :func:`grid_groups`). ``halo_km`` exceeds the rendezvous distance,
  so a point's partner is always in the point's own group, core or halo. A pair is kept only
  in the group where its side ``a`` (the lower MMSI) is core (:func:`pairs_by_group`): found
  once, never lost at a cell's edge.
* **Identity changes** (``identity_change``, and the claimed type and size changes of
  ``position_anomaly``) depend on one MMSI's identity history and reports, except a flag
  change, which compares the MMSIs that reported one IMO number: MMSIs linked by an IMO
  number share a partition key (:func:`identity_groups`, :func:`group_keys`), and each
  partition gets the history of its keys (:func:`changes_of`).
* **By pair.** The pair rows from every group are joined on the client and cut into events
  (``rendezvous.pair_events``), which needs nothing else.

Not valid across the antimeridian (cells do not wrap), like ``maritime.geodesy.local_xy_km``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from maritime.detect.config import RendezvousConfig
from maritime.detect.identity_change import IdentityChanges, norm, valid_imo
from maritime.detect.rendezvous import GRID_FIELDS, grid_pairs, pair_table
from maritime.geodesy import KM_PER_DEG

#: Default cell of the rendezvous groups (degrees) and their time window (hours): a 5° cell
#: of the Eastern Pacific over a day holds a few hundred thousand grid points at most.
CELL_DEG = 5.0
WINDOW_HOURS = 24.0
#: Neighbouring cells receive copies of the points this close to their edge (km): twice
#: the rendezvous distance (500 m), so rounding can never matter.
HALO_KM = 1.0


def vessel_partitions(n_rows: int, rows_per_partition: int) -> int:
    """How many vessel partitions ``n_rows`` reports need (at least 1)."""
    return max(1, math.ceil(n_rows / max(rows_per_partition, 1)))


def grid_groups(
    lat: npt.NDArray[Any],
    lon: npt.NDArray[Any],
    bins: npt.NDArray[Any],
    grid_minutes: float,
    cell_deg: float = CELL_DEG,
    window_hours: float = WINDOW_HOURS,
    halo_km: float = HALO_KM,
) -> tuple[npt.NDArray[Any], npt.NDArray[Any], npt.NDArray[Any]]:
    """Groups of grid points for pair finding: ``(index, group, core)``.

    Each point ``i`` appears once with ``core`` True in its own group (time window x cell)
    and once more, ``core`` False, per neighbouring cell whose edge is within ``halo_km``.
    ``group`` is an int64 key: ``(window * ny + iy) * nx + ix``.
    """
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    n = len(lat)
    nx = int(math.ceil(360.0 / cell_deg))
    ny = int(math.ceil(180.0 / cell_deg)) + 2
    window = np.floor_divide(np.asarray(bins, dtype=np.int64), max(1, int(round(window_hours * 60 / grid_minutes))))
    fy = (lat + 90.0) / cell_deg
    fx = (lon + 180.0) / cell_deg
    iy = np.floor(fy).astype(np.int64)
    ix = np.floor(fx).astype(np.int64)
    # halo widths in cell units: latitude degrees are >= 110.5 km; longitude degrees shrink
    # with the cosine of the latitude (the point's, moved the halo towards the pole)
    hy = halo_km / 110.5 / cell_deg
    cos = np.cos(np.radians(np.minimum(np.abs(lat) + halo_km / 110.5, 89.9)))
    hx = halo_km / (KM_PER_DEG * np.maximum(cos, 1e-3)) / cell_deg
    near_s = fy - iy < hy
    near_n = iy + 1 - fy < hy
    near_w = fx - ix < hx
    near_e = ix + 1 - fx < hx
    idx = [np.arange(n)]
    dys = [np.zeros(n, dtype=np.int64)]
    dxs = [np.zeros(n, dtype=np.int64)]
    for dy, my in ((-1, near_s), (0, np.ones(n, dtype=bool)), (1, near_n)):
        for dx, mx in ((-1, near_w), (0, np.ones(n, dtype=bool)), (1, near_e)):
            if dy == 0 and dx == 0:
                continue
            sel = np.nonzero(my & mx)[0]
            idx.append(sel)
            dys.append(np.full(len(sel), dy, dtype=np.int64))
            dxs.append(np.full(len(sel), dx, dtype=np.int64))
    index = np.concatenate(idx)
    gy = iy[index] + np.concatenate(dys) + 1
    gx = ix[index] + np.concatenate(dxs)
    group = (window[index] * ny + gy) * nx + gx
    core = np.zeros(len(index), dtype=bool)
    core[:n] = True
    return index, group, core


def pairs_by_group(
    grid: dict[str, npt.NDArray[Any]],
    group: npt.NDArray[Any],
    core: npt.NDArray[Any],
    config: RendezvousConfig | None = None,
) -> dict[str, npt.NDArray[Any]]:
    """Pair rows (``rendezvous.pair_table``) of every group of ``grid``, each pair once: kept
    in the group where its side ``a`` is a core point. ``core_b`` says whether the partner
    was core there too (False: it was found through the halo)."""
    order = np.argsort(group, kind="stable")
    g = group[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]]) if len(g) else np.zeros(0, dtype=np.int64)
    ends = np.r_[starts[1:], len(g)]
    parts = []
    for a, b in zip(starts.tolist(), ends.tolist()):
        sel = order[a:b]
        sub = {k: grid[k][sel] for k in GRID_FIELDS}
        pairs = grid_pairs(sub, config)
        own = core[sel][pairs["ia"]]
        pairs = {k: v[own] for k, v in pairs.items()}
        if len(pairs["d"]):
            pt = pair_table(sub, pairs)
            pt["core_b"] = core[sel][pairs["ib"]]
            parts.append(pt)
    if not parts:
        pt = pair_table(
            {k: grid[k][:0] for k in GRID_FIELDS},
            {"ia": np.zeros(0, dtype=np.int64), "ib": np.zeros(0, dtype=np.int64), "d": np.zeros(0)},
        )
        pt["core_b"] = np.zeros(0, dtype=bool)
        return pt
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def identity_groups(changes: IdentityChanges | None) -> dict[int, int]:
    """MMSI → the smallest MMSI that reported one of its IMO numbers, for every MMSI that
    shares an IMO number (with a valid check digit) with another MMSI.

    A flag change (``identity_change``) is an IMO number moving from one MMSI to another, and
    its test reads both MMSIs' reports; the cluster therefore keeps the MMSIs linked by an IMO
    number in one vessel partition (:func:`group_keys`). Linked MMSIs are joined through any
    chain of shared numbers.
    """
    if changes is None:
        return {}
    parent: dict[int, int] = {}

    def root(m: int) -> int:
        while parent[m] != m:
            parent[m] = parent[parent[m]]
            m = parent[m]
        return m

    first: dict[str, int] = {}
    for m, f, v in zip(changes.mmsi.tolist(), changes.field, changes.value):
        if f != "imo" or not valid_imo(v):
            continue
        parent.setdefault(m, m)
        other = first.setdefault(norm(v), m)
        a, b = root(m), root(other)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups = {m: root(m) for m in parent}
    sizes: dict[int, int] = {}
    for r in groups.values():
        sizes[r] = sizes.get(r, 0) + 1
    return {m: r for m, r in groups.items() if sizes[r] > 1}


def group_keys(mmsi: npt.NDArray[Any], groups: dict[int, int]) -> npt.NDArray[np.int64]:
    """The partition key of each MMSI: its group's (:func:`identity_groups`), else itself."""
    keys = np.asarray(mmsi, dtype=np.int64).copy()
    if groups and len(keys):
        linked = np.fromiter(groups.keys(), dtype=np.int64, count=len(groups))
        root = np.fromiter(groups.values(), dtype=np.int64, count=len(groups))
        order = np.argsort(linked)
        linked, root = linked[order], root[order]
        i = np.minimum(np.searchsorted(linked, keys), len(linked) - 1)
        hit = linked[i] == keys
        keys[hit] = root[i[hit]]
    return keys


def changes_of(changes: IdentityChanges, keys: npt.NDArray[Any], groups: dict[int, int]) -> IdentityChanges:
    """The rows of ``changes`` whose MMSI's partition key (:func:`group_keys`) is in ``keys``:
    a vessel partition's identity history, whole for every IMO number its MMSIs reported."""
    sel = np.nonzero(np.isin(group_keys(changes.mmsi, groups), keys))[0]
    pick = sel.tolist()
    return IdentityChanges(
        mmsi=changes.mmsi[sel],
        t=changes.t[sel],
        field=[changes.field[i] for i in pick],
        value=[changes.value[i] for i in pick],
        previous=[changes.previous[i] for i in pick],
    )
