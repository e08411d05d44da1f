"""The reception model behind dark periods: who was heard where and when, by which kind of receiver.

A silence is only evidence of a transponder switched off when the vessel *could* have been
heard. That is judged from other vessels actually heard near it, never from a receiver being
alive somewhere (a shore station keeps hearing ships 100 km away while the area of the
silent vessel is out of its reach; a satellite hears ships across a 5,000 km footprint). All
counts are of distinct transmitters (track segments), so a busy vessel counts once:

* **Near neighbours** (``keys``): per ``cell_deg`` cell (0.1°, ~11 km; queried 3x3) and ``bin_minutes``
  bin, the transmitters heard, all classes (``n_all``), Class B (``n_b``: 2 W units are heard
  at about half the range of 12.5 W Class A ones, so only they prove a Class B vessel could
  be heard) and those heard by terrestrial receivers (``n_ter``; the rest only by satellite).
* **Neighbours of a serving receiver** (``sc_keys``): per terrestrial receiver,
  ``station_cell_deg`` cell (0.25°) and bin, the transmitters it heard. A receiver that heard
  the silent vessel and still hears others within ~28-55 km of where the vessel should be
  was able to hear it (the typical VHF range of a shore station is 20-40 nm).
* **Silences** (``ss_keys``, ``se_keys``): per ``together_cell_deg`` cell (0.5°) and bin,
  how many silences of at least ``min_gap_hours`` started (at the last report) and ended (at
  the reappearance, or "now" for open ones). Several vessels of one area falling silent and
  reappearing together is a coverage gap, not a dark period.

Satellite receivers are told apart by name (``satellite_receivers``: tag-block sources of
satellite providers contain "sat", "s-ais", "exactEarth" or "Spire"); receptions of unknown
origin count as terrestrial.

Models of disjoint sets of vessels add up (:func:`merge_receptions`), so the Dask engine
builds one per vessel partition and sums them; the result equals the single-machine model.
Times UTC seconds, positions degrees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import numpy as np
import numpy.typing as npt

from maritime.detect.config import DarkConfig
from maritime.detect.tracks import Tracks

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]


@dataclass
class Reception:
    """Sparse reception grids (sorted keys, counts); see the module docstring.

    Key layouts, with ``rel = bin - b0`` and ``cells(lat, lon, deg) = (iy, ix)``,
    ``iy = floor((lat + 90) / deg)``, ``ix = floor((lon + 180) / deg)``:

    * ``keys``: ``(iy * nx + ix) * nb + rel`` on the ``cell_deg`` grid;
    * ``sc_keys``: ``((station * ny_s + iy) * nx_s + ix) * nb + rel`` on the ``station_cell_deg`` grid;
    * ``ss_keys`` / ``se_keys``: ``(iy * nx_t + ix) * nb + rel`` on the ``together_cell_deg`` grid.
    """

    keys: Ints
    n_all: Ints
    n_b: Ints
    n_ter: Ints
    sc_keys: Ints
    sc_n: Ints
    ss_keys: Ints
    ss_n: Ints
    se_keys: Ints
    se_n: Ints
    cell_deg: float
    station_cell_deg: float
    together_cell_deg: float
    bin_s: float
    b0: int
    nb: int

    @staticmethod
    def array_fields() -> tuple[str, ...]:
        """Names of the array attributes."""
        return tuple(f.name for f in fields(Reception) if f.name.endswith(("keys", "_n")) or f.name.startswith("n_"))

    def layout(self) -> tuple[float, float, float, float, int, int]:
        return (self.cell_deg, self.station_cell_deg, self.together_cell_deg, self.bin_s, self.b0, self.nb)

    def near(self, lat: Floats, lon: Floats, bins: Ints, class_b: bool) -> tuple[Ints, Ints]:
        """(transmitters, of them heard by terrestrial receivers) in the 3x3 cells around each
        position during each bin (Class B vessels: Class B transmitters only, all of them
        counted as terrestrial-or-satellite alike)."""
        iy, ix, nx = _cells(lat, lon, self.cell_deg)
        k = ((iy + _DY) * nx + (ix + _DX) % nx) * self.nb + (bins - self.b0)  # (9, n): the 3x3 cells
        pos, hit = self._find(self.keys, k, bins)
        n = np.where(hit, (self.n_b if class_b else self.n_all)[pos], 0).sum(axis=0)
        ter = np.where(hit, self.n_ter[pos], 0).sum(axis=0)
        return n, np.minimum(ter, n)

    def by_stations(self, stations: Ints, lat: Floats, lon: Floats, bins: Ints) -> Ints:
        """Transmitters heard by any of the terrestrial ``stations`` in the 3x3
        ``station_cell_deg`` cells around each position during each bin."""
        if len(stations) == 0 or len(bins) == 0:
            return np.zeros(len(bins), dtype=np.int64)
        iy, ix, nx = _cells(lat, lon, self.station_cell_deg)
        ny = int(round(180.0 / self.station_cell_deg)) + 1
        st = np.asarray(stations, dtype=np.int64).reshape(-1, 1, 1)
        # (stations, 9, n): every receiver and cell
        k = ((st * ny + iy + _DY) * nx + (ix + _DX) % nx) * self.nb + (bins - self.b0)
        pos, hit = self._find(self.sc_keys, k, bins)
        out: Ints = np.where(hit, self.sc_n[pos], 0).sum(axis=(0, 1)).astype(np.int64)
        return out

    def silences_around(self, ends: bool, lat: float, lon: float, b: int, window: int) -> int:
        """Silences that started (``ends`` False) or ended (True) in the 3x3
        ``together_cell_deg`` cells around (lat, lon) within ``window`` bins of bin ``b``."""
        keys, counts = (self.se_keys, self.se_n) if ends else (self.ss_keys, self.ss_n)
        iy, ix, nx = _cells(np.array([lat]), np.array([lon]), self.together_cell_deg)
        bins = np.arange(b - window, b + window + 1, dtype=np.int64)
        k = ((iy[0] + _DY) * nx + (ix[0] + _DX) % nx) * self.nb + (bins - self.b0)
        pos, hit = self._find(keys, k, bins)
        return int(np.where(hit, counts[pos], 0).sum())

    def _find(self, keys: Ints, k: Ints, bins: Ints) -> tuple[Ints, Bools]:
        """Where each key of ``k`` (any shape, its last axis the bins ``bins``) is in ``keys``,
        and whether it is there (and its bin inside the model)."""
        if len(keys) == 0:
            return np.zeros(k.shape, dtype=np.int64), np.zeros(k.shape, dtype=bool)
        rel = bins - self.b0
        pos = np.searchsorted(keys, k)
        np.minimum(pos, len(keys) - 1, out=pos)
        return pos, (rel >= 0) & (rel < self.nb) & (keys[pos] == k)


#: Row and column offsets of the 3x3 cells around a cell, shaped to broadcast over (9, n).
_DY = np.repeat(np.arange(-1, 2, dtype=np.int64), 3).reshape(9, 1)
_DX = np.tile(np.arange(-1, 2, dtype=np.int64), 3).reshape(9, 1)


def _cells(lat: Floats, lon: Floats, deg: float) -> tuple[Ints, Ints, int]:
    nx = int(round(360.0 / deg))
    iy = np.floor((np.asarray(lat, dtype=np.float64) + 90.0) / deg).astype(np.int64)
    ix = np.floor((np.asarray(lon, dtype=np.float64) + 180.0) / deg).astype(np.int64) % nx
    return iy, ix, nx


def segment_class_b(tr: Tracks) -> Bools:
    """True for each segment whose reports are mostly Class B."""
    if tr.n_segments == 0:
        return np.zeros(0, dtype=bool)
    out: Bools = np.add.reduceat(tr.cls_b.astype(np.int64), tr.seg_start) * 2 > (tr.seg_end - tr.seg_start)
    return out


def satellite_codes(station_names: list[str], patterns: tuple[str, ...]) -> Bools:
    """True for each receiver code whose name contains one of ``patterns`` (case-insensitive)."""
    pats = [p.lower() for p in patterns]
    return np.array([any(p in name.lower() for p in pats) for name in station_names], dtype=bool)


def bin_range(t_min: float, t_max: float, bin_s: float) -> tuple[int, int]:
    """``(b0, nb)`` of a :class:`Reception` covering UTC seconds ``t_min`` to ``t_max``."""
    b0 = int(math.floor(t_min / bin_s)) - 1
    return b0, int(math.floor(t_max / bin_s)) - b0 + 2


def reception_model(tr: Tracks, config: DarkConfig, bins: tuple[int, int] | None = None) -> Reception:
    """The reception model of ``tr``'s vessels.

    ``bins`` (``(b0, nb)`` from :func:`bin_range`) fixes the key layout, so that models of
    disjoint sets of vessels can be added with :func:`merge_receptions`; by default it
    covers ``tr``'s own time span (and its "now").
    """
    bin_s = config.bin_minutes * 60.0
    z = np.zeros(0, dtype=np.int64)
    if len(tr) == 0:
        b0, nb = bins or (0, 1)
        return Reception(z, z, z, z, z, z, z, z, z, z, *_degs(config), bin_s, b0, nb)
    b = np.floor(tr.t / bin_s).astype(np.int64)
    b0, nb = bins or bin_range(float(tr.t.min()), max(float(tr.t.max()), tr.now), bin_s)
    rel = b - b0
    del b
    seg = tr.seg
    sat = satellite_codes(tr.station_names, config.satellite_receivers)
    known = tr.station >= 0
    on_sat = np.zeros(len(tr), dtype=bool)
    if len(sat):
        on_sat[known] = sat[np.minimum(tr.station[known], len(sat) - 1)]
    # near neighbours
    iy, ix, nx = _cells(tr.lat, tr.lon, config.cell_deg)
    key = (iy * nx + ix) * nb + rel
    del iy, ix
    keys, n_all, first_seg = _distinct(key, seg)
    cls_b = segment_class_b(tr)
    n_b = _sum_at(cls_b[first_seg[0]].astype(np.int64), first_seg[1])
    keys_t, n_t, _ = _distinct(key[~on_sat], seg[~on_sat])
    n_ter = np.zeros(len(keys), dtype=np.int64)
    if len(keys_t):
        n_ter[np.searchsorted(keys, keys_t)] = n_t
    del key
    # neighbours of each terrestrial receiver
    ter = known & ~on_sat
    sy, sx, snx = _cells(tr.lat[ter], tr.lon[ter], config.station_cell_deg)
    sny = int(round(180.0 / config.station_cell_deg)) + 1
    skey = ((tr.station[ter].astype(np.int64) * sny + sy) * snx + sx) * nb + rel[ter]
    sc_keys, sc_n, _ = _distinct(skey, seg[ter])
    del sy, sx, skey
    ss_keys, ss_n, se_keys, se_n = _silence_grids(tr, config, b0, nb)
    return Reception(
        keys, n_all, n_b, n_ter, sc_keys, sc_n, ss_keys, ss_n, se_keys, se_n, *_degs(config), bin_s, b0, nb
    )


def _degs(config: DarkConfig) -> tuple[float, float, float]:
    return config.cell_deg, config.station_cell_deg, config.together_cell_deg


def _silence_grids(tr: Tracks, config: DarkConfig, b0: int, nb: int) -> tuple[Ints, Ints, Ints, Ints]:
    """Counts of silences of at least ``min_gap_hours`` starting and ending per cell and bin."""
    bin_s = config.bin_minutes * 60.0
    min_gap = config.min_gap_hours * 3600.0
    same = tr.seg[1:] == tr.seg[:-1]
    k = np.nonzero(same & ((tr.t[1:] - tr.t[:-1]) >= min_gap))[0]
    last = tr.seg_end - 1
    k_open = last[(tr.now - tr.t[last]) >= min_gap]
    s_idx = np.concatenate([k, k_open])
    e_lat = np.concatenate([tr.lat[k + 1], tr.lat[k_open]])
    e_lon = np.concatenate([tr.lon[k + 1], tr.lon[k_open]])
    e_t = np.concatenate([tr.t[k + 1], np.full(len(k_open), tr.now)])
    out: list[Ints] = []
    for la, lo, t in ((tr.lat[s_idx], tr.lon[s_idx], tr.t[s_idx]), (e_lat, e_lon, e_t)):
        iy, ix, nx = _cells(la, lo, config.together_cell_deg)
        rel = np.clip(np.floor(t / bin_s).astype(np.int64) - b0, 0, nb - 1)
        keys, counts = _run_counts(np.sort((iy * nx + ix) * nb + rel))
        out += [keys, counts]
    return out[0], out[1], out[2], out[3]


def merge_receptions(parts: list[Reception]) -> Reception:
    """The reception model of the union of disjoint sets of vessels (counts add up).

    Every part must share the layout (cell sizes, bins); each transmitter (segment) must
    belong to one part only, as when parts are built per group of MMSIs.
    """
    if not parts:
        raise ValueError("no reception models to merge")
    p0 = parts[0]
    if any(p.layout() != p0.layout() for p in parts[1:]):
        raise ValueError("reception models with different layouts cannot be merged")

    def add(keys: list[Ints], *counts: list[Ints]) -> list[Ints]:
        k = np.concatenate(keys)
        order = np.argsort(k, kind="stable")
        k = k[order]
        if len(k) == 0:
            return [k] + [np.zeros(0, dtype=np.int64) for _ in counts]
        first = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
        return [k[first]] + [np.add.reduceat(np.concatenate(c)[order], first).astype(np.int64) for c in counts]

    keys, n_all, n_b, n_ter = add(
        [p.keys for p in parts], [p.n_all for p in parts], [p.n_b for p in parts], [p.n_ter for p in parts]
    )
    sc_keys, sc_n = add([p.sc_keys for p in parts], [p.sc_n for p in parts])
    ss_keys, ss_n = add([p.ss_keys for p in parts], [p.ss_n for p in parts])
    se_keys, se_n = add([p.se_keys for p in parts], [p.se_n for p in parts])
    return Reception(keys, n_all, n_b, n_ter, sc_keys, sc_n, ss_keys, ss_n, se_keys, se_n, *p0.layout())


def _distinct(key: Ints, seg: Ints) -> tuple[Ints, Ints, tuple[Ints, Ints]]:
    """Distinct keys, the number of distinct segments in each, and (one segment per distinct
    (key, segment) pair, index of each key's first pair) for per-segment sums.

    Reports come sorted by segment then time, so repeats of (segment, key) are consecutive and
    are dropped before sorting."""
    if len(key) == 0:
        z = np.zeros(0, dtype=np.int64)
        return z, z, (z, z)
    keep = np.ones(len(key), dtype=bool)
    keep[1:] = (key[1:] != key[:-1]) | (seg[1:] != seg[:-1])
    k, s = key[keep], seg[keep]
    order = np.lexsort((s, k))
    k, s = k[order], s[order]
    new = np.ones(len(k), dtype=bool)
    new[1:] = (k[1:] != k[:-1]) | (s[1:] != s[:-1])
    k, s = k[new], s[new]
    keys, counts = _run_counts(k)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    return keys, counts, (s, first)


def _sum_at(values: Ints, first: Ints) -> Ints:
    if len(first) == 0:
        return np.zeros(0, dtype=np.int64)
    out: Ints = np.add.reduceat(values, first).astype(np.int64)
    return out


def _run_counts(x: Ints) -> tuple[Ints, Ints]:
    """Distinct values of the sorted ``x`` and how many times each occurs."""
    if len(x) == 0:
        return x, np.zeros(0, dtype=np.int64)
    start = np.ones(len(x), dtype=bool)
    start[1:] = x[1:] != x[:-1]
    idx = np.nonzero(start)[0]
    return x[idx], np.diff(np.append(idx, len(x))).astype(np.int64)


def rekeyed(rec: Reception, nb: int) -> Reception:
    """``rec`` with its keys laid out for ``nb`` bins from the same ``b0`` (a window that grew
    as data time advanced); ``nb`` must be at least ``rec.nb``."""
    if nb == rec.nb:
        return rec

    def key(k: Ints) -> Ints:
        q, r = np.divmod(k, rec.nb)
        out: Ints = q * nb + r
        return out

    return replace(
        rec,
        keys=key(rec.keys),
        sc_keys=key(rec.sc_keys),
        ss_keys=key(rec.ss_keys),
        se_keys=key(rec.se_keys),
        nb=nb,
    )


def updated_reception(
    rec: Reception, removed: Reception, added: Reception, tr: Tracks, config: DarkConfig
) -> Reception:
    """The reception model of ``tr`` from ``rec`` (that of the window before), less ``removed``
    (the old tracks of some vessels) plus ``added`` (their new tracks), all of one layout: the
    near-neighbour and receiver grids add up per vessel (as in :func:`merge_receptions`); the
    silence grids depend on "now" for every vessel and are counted again from ``tr``."""
    neg = replace(removed, **{f: -getattr(removed, f) for f in ("n_all", "n_b", "n_ter", "sc_n", "ss_n", "se_n")})
    m = merge_receptions([rec, neg, added])
    keep = m.n_all != 0
    sc = m.sc_n != 0
    ss_keys, ss_n, se_keys, se_n = _silence_grids(tr, config, m.b0, m.nb)
    return replace(
        m,
        keys=m.keys[keep],
        n_all=m.n_all[keep],
        n_b=m.n_b[keep],
        n_ter=m.n_ter[keep],
        sc_keys=m.sc_keys[sc],
        sc_n=m.sc_n[sc],
        ss_keys=ss_keys,
        ss_n=ss_n,
        se_keys=se_keys,
        se_n=se_n,
    )
