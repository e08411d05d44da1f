"""Rendezvous (encounters): two vessels close together, both slow, for hours, away from port.

Definition (``[rendezvous]`` of defaults.toml), after Global Fishing Watch's encounter events
(Miller et al. 2018) and Skylight's rendezvous: two vessels within 500 m of each other, both
slower than 2 kn, for at least 2 h, at least 10 km from any port or anchorage.

Method, in continuous time (GFW processes one UTC day at a time and misses short encounters
around midnight; nothing here depends on the calendar):

1. Each segment is resampled to a regular grid of 10-minute bins aligned to the epoch, but
   only between consecutive reports that are both slow (implied speed and reported SOG),
   across gaps of at most ``max_interp_gap_minutes``, or of up to ``max_slow_gap_hours``
   when the vessel is also slow across the gap (satellite-only areas). Fast vessels
   produce no grid points at all, so passing ships can never pair.
2. Grid points within ``min_port_km`` of a port or anchorage are dropped.
3. Grid points are bucketed per bin into cells of ``cell_km`` (local equirectangular km);
   candidate pairs are only looked for in the 3x3 cells around each point (five forward
   offsets, so each pair once), with sorted keys and binary search: the cost grows with the
   number of nearby pairs, not with the square of the fleet.
4. Close pairs (< 500 m, different MMSIs) are grouped per pair of segments; runs of
   consecutive bins separated by at most ``merge_gap_minutes`` are one event, kept when it
   spans at least 2 h, the pair was close in at least half of its bins and both median speeds
   are below 2 kn.

Times are UTC seconds, speeds knots, distances km.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from maritime.detect.config import RendezvousConfig
from maritime.detect.events import RENDEZVOUS, Event
from maritime.detect.loitering import slow_flags
from maritime.detect.shore import shore_port_distances
from maritime.detect.tracks import Tracks
from maritime.geodesy import NM_KM, haversine_km, interp_latlon, local_xy_km


def resample_slow(tr: Tracks, cfg: RendezvousConfig) -> dict[str, npt.NDArray[Any]]:
    """Grid points (seg, bin, lat, lon, speed, interpolated-long-gap flag) of slow stretches."""
    g = cfg.grid_minutes * 60.0
    n = len(tr)
    empty = {k: np.zeros(0) for k in ("seg", "bin", "lat", "lon", "speed", "long")}
    if n < 2:
        return empty
    slow = slow_flags(tr, cfg.max_speed_kn, cfg.max_sog_kn)
    k = np.arange(n - 1)
    same = tr.seg[1:] == tr.seg[:-1]
    dt = tr.t[1:] - tr.t[:-1]
    ok = same & slow[:-1] & slow[1:] & (dt > 0)
    k = k[ok]
    dt = dt[ok]
    d = haversine_km(tr.lat[k], tr.lon[k], tr.lat[k + 1], tr.lon[k + 1])
    v = d / NM_KM / (dt / 3600.0)
    short = dt <= cfg.max_interp_gap_minutes * 60.0
    long_ = ~short & (dt <= cfg.max_slow_gap_hours * 3600.0) & (v < cfg.max_speed_kn)
    use = short | long_
    k, dt, v, long_ = k[use], dt[use], v[use], long_[use]
    # intervals [ta, tb) between reports ka and kb (position interpolated) ...
    ka, kb, ta, tb = k, k + 1, tr.t[k], tr.t[k + 1]
    isl = long_
    # ... plus the edges of each slow stretch, held at the edge report for half the time to
    # the neighbouring report (at most edge_minutes): between two reports the vessel's state
    # is unknown, and satellite passes ~50 min apart would otherwise shorten every meeting
    edge = cfg.edge_minutes * 60.0
    if edge > 0:
        in_run = np.zeros(n, dtype=bool)
        in_run[k] = True
        in_run[k + 1] = True
        idx = np.nonzero(in_run)[0]
        prev_in = np.zeros(n, dtype=bool)
        prev_in[k + 1] = True
        next_in = np.zeros(n, dtype=bool)
        next_in[k] = True
        starts = idx[~prev_in[idx]]
        ends = idx[~next_in[idx]]
        has_prev = starts > 0
        has_prev[has_prev] = tr.seg[starts[has_prev] - 1] == tr.seg[starts[has_prev]]
        gp = np.where(has_prev, tr.t[starts] - tr.t[np.maximum(starts - 1, 0)], 0.0)
        hs = np.minimum(gp / 2.0, edge)
        has_next = ends < n - 1
        has_next[has_next] = tr.seg[np.minimum(ends[has_next] + 1, n - 1)] == tr.seg[ends[has_next]]
        gn = np.where(has_next, tr.t[np.minimum(ends + 1, n - 1)] - tr.t[ends], 0.0)
        he = np.minimum(gn / 2.0, edge)
        ka = np.concatenate([ka, starts, ends])
        kb = np.concatenate([kb, starts, ends])
        ta = np.concatenate([ta, tr.t[starts] - hs, tr.t[ends]])
        tb = np.concatenate([tb, tr.t[starts], tr.t[ends] + he + 1e-6])
        isl = np.concatenate([isl, np.zeros(len(starts) + len(ends), dtype=bool)])
        v = np.concatenate([v, tr.speed[starts], tr.speed[ends]])
    b0 = np.ceil(ta / g).astype(np.int64)
    b1 = np.ceil(tb / g).astype(np.int64)  # exclusive
    cnt = np.maximum(b1 - b0, 0)
    total = int(cnt.sum())
    if total == 0:
        return empty
    rep = np.repeat(np.arange(len(ka)), cnt)
    off = np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    bins = b0[rep] + off
    kk, kn = ka[rep], kb[rep]
    span = tr.t[kn] - tr.t[kk]
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(span > 0, (bins * g - tr.t[kk]) / span, 0.0)
    f = np.clip(f, 0.0, 1.0)
    lat, lon = interp_latlon(f, tr.lat[kk], tr.lon[kk], tr.lat[kn], tr.lon[kn])
    # the vessel's speed at the bin: the larger of the windowed speeds at both ends (or the
    # speed across a long gap)
    sp = np.fmax(tr.speed[kk], tr.speed[kn])
    sp = np.where(isl[rep], v[rep], sp)
    seg = tr.seg[kk]
    # a bin may be produced twice (an edge next to an interval): keep one per segment and bin
    order = np.lexsort((bins, seg))
    seg, bins, lat, lon, sp, lg = seg[order], bins[order], lat[order], lon[order], sp[order], isl[rep][order]
    first = np.ones(len(seg), dtype=bool)
    first[1:] = (seg[1:] != seg[:-1]) | (bins[1:] != bins[:-1])
    return {
        "seg": seg[first],
        "bin": bins[first],
        "lat": lat[first],
        "lon": lon[first],
        "speed": sp[first],
        "long": lg[first],
    }


def close_pairs(
    bins: npt.NDArray[Any], lat: npt.NDArray[Any], lon: npt.NDArray[Any], cell_km: float, max_km: float
) -> tuple[npt.NDArray[Any], npt.NDArray[Any], npt.NDArray[Any]]:
    """Index pairs (i, j), i != j, of points in the same bin within ``max_km``, each pair once.

    Points are bucketed into ``cell_km`` cells (``cell_km >= max_km``); only the 3x3
    neighbourhood is searched, through binary search on sorted cell keys.
    """
    n = len(bins)
    if n < 2:
        z = np.zeros(0, dtype=np.int64)
        return z, z, np.zeros(0)
    x, y = local_xy_km(lat, lon)
    cx = np.floor(x / cell_km).astype(np.int64)
    cy = np.floor(y / cell_km).astype(np.int64)
    cx -= cx.min() - 1
    cy -= cy.min() - 1
    nx = int(cx.max()) + 2
    ny = int(cy.max()) + 2
    b = bins - bins.min()
    key = (b * ny + cy) * nx + cx
    order = np.argsort(key, kind="stable")
    ks = key[order]
    out_i, out_j = [], []
    ar = np.arange(n)
    for dy, dx in ((0, 0), (0, 1), (1, -1), (1, 0), (1, 1)):
        target = ks + dy * nx + dx
        lo = np.searchsorted(ks, target, side="left")
        hi = np.searchsorted(ks, target, side="right")
        if dy == 0 and dx == 0:
            lo = np.maximum(lo, ar + 1)
        cnt = np.maximum(hi - lo, 0)
        total = int(cnt.sum())
        if total == 0:
            continue
        i = np.repeat(ar, cnt)
        j = np.repeat(lo, cnt) + (np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt))
        out_i.append(order[i])
        out_j.append(order[j])
    if not out_i:
        z = np.zeros(0, dtype=np.int64)
        return z, z, np.zeros(0)
    i = np.concatenate(out_i)
    j = np.concatenate(out_j)
    d = haversine_km(lat[i], lon[i], lat[j], lon[j])
    keep = d <= max_km
    return i[keep], j[keep], d[keep]


#: Fields of each grid point (see :func:`slow_grid`): everything the pairing and the event
#: need, so that pairs can be found far from the vessel's track (in another partition).
GRID_FIELDS = ("mmsi", "segk", "bin", "lat", "lon", "speed", "long", "port_km", "n_lt", "n_le", "last_t")


def slow_grid(tr: Tracks, config: RendezvousConfig | None = None) -> dict[str, npt.NDArray[Any]]:
    """Per-vessel step: the slow grid points away from port, self-contained.

    Each point (sorted by segment, then bin) carries :data:`GRID_FIELDS`: the MMSI and the
    segment's ordinal within its MMSI (``segk``), the bin, position (degrees), speed (kn),
    whether it was interpolated across a long gap, distance to the nearest port (km), how
    many reports of its segment come before the bin's start (``n_lt``: ``t < bin * grid``)
    and at or before it (``n_le``), and the segment's last report time (UTC s).
    """
    cfg = config or RendezvousConfig()
    grid = resample_slow(tr, cfg)
    if len(grid["bin"]) == 0:
        return {
            k: np.zeros(0, dtype=np.float64 if k in ("lat", "lon", "speed", "port_km", "last_t") else np.int64)
            for k in GRID_FIELDS
        }
    shore, port = (
        shore_port_distances(grid["lat"], grid["lon"], tr.anchorages)
        if cfg.min_shore_km > 0
        else (None, _port(grid["lat"], grid["lon"], tr.anchorages))
    )
    far = port >= cfg.min_port_km
    if shore is not None:
        far &= shore >= cfg.min_shore_km
    grid = {k: v[far] for k, v in grid.items()}
    seg = grid["seg"].astype(np.int64)
    g = cfg.grid_minutes * 60.0
    n_lt, n_le = _report_counts(tr, seg, grid["bin"] * g)
    return {
        "mmsi": tr.seg_mmsi[seg].astype(np.int64),
        "segk": _segment_ordinal(tr)[seg],
        "bin": grid["bin"].astype(np.int64),
        "lat": grid["lat"],
        "lon": grid["lon"],
        "speed": grid["speed"],
        "long": grid["long"].astype(bool),
        "port_km": port[far],
        "n_lt": n_lt,
        "n_le": n_le,
        "last_t": tr.t[tr.seg_end[seg] - 1],
    }


def _segment_ordinal(tr: Tracks) -> npt.NDArray[Any]:
    """Ordinal of each segment among its MMSI's segments (0, 1, ...), in segment order."""
    m = tr.seg_mmsi
    order = np.argsort(m, kind="stable")
    ms = m[order]
    first = np.ones(len(ms), dtype=bool)
    first[1:] = ms[1:] != ms[:-1]
    start = np.maximum.accumulate(np.where(first, np.arange(len(ms)), 0))
    out = np.empty(len(m), dtype=np.int64)
    out[order] = np.arange(len(ms)) - start
    return out


def _report_counts(tr: Tracks, seg: npt.NDArray[Any], x: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """Reports of segment ``seg[i]`` with ``t < x[i]`` and with ``t <= x[i]`` (``seg`` sorted)."""
    n_lt = np.zeros(len(seg), dtype=np.int64)
    n_le = np.zeros(len(seg), dtype=np.int64)
    if len(seg) == 0:
        return n_lt, n_le
    starts = np.flatnonzero(np.r_[True, seg[1:] != seg[:-1]])
    ends = np.r_[starts[1:], len(seg)]
    for a, b in zip(starts.tolist(), ends.tolist()):
        s = int(seg[a])
        tt = tr.t[tr.seg_start[s] : tr.seg_end[s]]
        n_lt[a:b] = np.searchsorted(tt, x[a:b], side="left")
        n_le[a:b] = np.searchsorted(tt, x[a:b], side="right")
    return n_lt, n_le


def grid_pairs(
    grid: dict[str, npt.NDArray[Any]], config: RendezvousConfig | None = None
) -> dict[str, npt.NDArray[Any]]:
    """Close pairs of grid points of different MMSIs in the same bin, each pair once.

    Returns, per pair, ``ia``/``ib`` (indexes into ``grid``: side a is the lower MMSI), ``d``
    (km) and the bin. Depends only on the points of each bin, so it can run on any
    partition of the grid by bin and space (with a halo: see ``maritime.detect.partition``).
    """
    cfg = config or RendezvousConfig()
    empty = {"ia": np.zeros(0, dtype=np.int64), "ib": np.zeros(0, dtype=np.int64), "d": np.zeros(0)}
    if len(grid["bin"]) < 2:
        return empty
    i, j, d = close_pairs(
        grid["bin"], grid["lat"], grid["lon"], max(cfg.cell_km, cfg.max_distance_km), cfg.max_distance_km
    )
    ma, mb = grid["mmsi"][i], grid["mmsi"][j]
    diff = ma != mb
    i, j, d, ma, mb = i[diff], j[diff], d[diff], ma[diff], mb[diff]
    swap = ma > mb
    return {"ia": np.where(swap, j, i), "ib": np.where(swap, i, j), "d": d}


def pair_table(grid: dict[str, npt.NDArray[Any]], pairs: dict[str, npt.NDArray[Any]]) -> dict[str, npt.NDArray[Any]]:
    """One row per close pair: ``d``, ``bin`` and every grid field of both sides (``<field>_a``,
    ``<field>_b``), ready to be concatenated across partitions."""
    ia, ib = pairs["ia"], pairs["ib"]
    out = {"d": pairs["d"], "bin": grid["bin"][ia]}
    for k in GRID_FIELDS:
        if k != "bin":
            out[k + "_a"] = grid[k][ia]
            out[k + "_b"] = grid[k][ib]
    return out


def pair_events(pt: dict[str, npt.NDArray[Any]], now: float, config: RendezvousConfig | None = None) -> list[Event]:
    """Rendezvous events from close pairs (:func:`pair_table` rows, in any order).

    Rows of one pair of segments, in bin order, are cut where more than
    ``merge_gap_minutes`` pass without them; a run is an event when it spans at least
    ``min_duration_hours``, the pair was close in at least half of its bins and both median
    speeds are below ``max_speed_kn``. ``now`` is the latest data time (UTC s).
    """
    cfg = config or RendezvousConfig()
    if len(pt["d"]) == 0:
        return []
    g = cfg.grid_minutes * 60.0
    order = np.lexsort((pt["bin"], pt["segk_b"], pt["mmsi_b"], pt["segk_a"], pt["mmsi_a"]))
    pt = {k: np.asarray(v)[order] for k, v in pt.items()}
    bins = pt["bin"]
    same = np.ones(len(bins), dtype=bool)
    for k in ("mmsi_a", "segk_a", "mmsi_b", "segk_b"):
        same[1:] &= pt[k][1:] == pt[k][:-1]
    same[0] = False
    merge_bins = max(1, int(round(cfg.merge_gap_minutes * 60.0 / g)))
    brk = ~same
    brk[1:] |= bins[1:] - bins[:-1] > merge_bins
    starts = np.nonzero(brk)[0]
    ends = np.append(starts[1:], len(bins))
    span = bins[ends - 1] - bins[starts]
    cand = np.nonzero(span * g >= cfg.min_duration_hours * 3600.0)[0]
    events = []
    for c in cand.tolist():
        a, b = int(starts[c]), int(ends[c])
        n_close = b - a
        n_span = int(span[c]) + 1
        if n_close < 0.5 * n_span:
            continue
        spd_a = float(np.median(pt["speed_a"][a:b]))
        spd_b = float(np.median(pt["speed_b"][a:b]))
        if not (spd_a < cfg.max_speed_kn and spd_b < cfg.max_speed_kn):
            continue
        start = float(bins[a] * g)
        end = float(bins[b - 1] * g)
        lat = float(np.mean(np.r_[pt["lat_a"][a:b], pt["lat_b"][a:b]]))
        lon = float(np.mean(np.r_[pt["lon_a"][a:b], pt["lon_b"][a:b]]))
        # real reports of each vessel during the event
        reports = [int(pt["n_le_a"][b - 1] - pt["n_lt_a"][a]), int(pt["n_le_b"][b - 1] - pt["n_lt_b"][a])]
        interp_long = float(np.mean(pt["long_a"][a:b] | pt["long_b"][a:b]))
        # still open: the meeting reaches the latest data and neither vessel was seen since
        last = max(float(pt["last_t_a"][a]), float(pt["last_t_b"][a]))
        open_ = (now - end <= cfg.merge_gap_minutes * 60.0) and last < end + g
        hours = (end - start) / 3600.0
        per_hour = min(reports) / max(hours, 1e-6)
        conf = (
            0.6
            + 0.15 * min(1.0, (hours - cfg.min_duration_hours) / 4.0)
            + 0.15 * min(1.0, per_hour / 4.0)
            + 0.1 * (n_close / n_span)
        )
        conf *= 1.0 - 0.4 * interp_long
        d = pt["d"][a:b]
        events.append(
            Event(
                kind=RENDEZVOUS,
                mmsi=int(pt["mmsi_a"][a]),
                other_mmsi=int(pt["mmsi_b"][a]),
                start=start,
                end=None if open_ else end,
                lat=lat,
                lon=lon,
                confidence=min(conf, 0.99),
                details={
                    "duration_h": round(hours, 3),
                    "median_distance_m": round(float(np.median(d)) * 1000.0, 1),
                    "min_distance_m": round(float(np.min(d)) * 1000.0, 1),
                    "median_speed_kn": [round(spd_a, 3), round(spd_b, 3)],
                    "close_bins": int(n_close),
                    "span_bins": int(n_span),
                    "reports": reports,
                    "interpolated_long_gap_fraction": round(interp_long, 3),
                    "distance_to_port_km": round(float(min(pt["port_km_a"][a:b].min(), pt["port_km_b"][a:b].min())), 2),
                    "grid_minutes": cfg.grid_minutes,
                    "definition": (
                        f"within {cfg.max_distance_km * 1000:g} m, both < {cfg.max_speed_kn:g} kn, "
                        f">= {cfg.min_duration_hours:g} h, >= {cfg.min_port_km:g} km from port"
                    ),
                },
            )
        )
    return events


def detect_rendezvous(tr: Tracks, config: RendezvousConfig | None = None) -> list[Event]:
    """Rendezvous events between segments of ``tr`` (see the module docstring).

    The three steps are separate functions so that a cluster can run them on different
    partitions (``maritime.detect.partition``): :func:`slow_grid` per vessel,
    :func:`grid_pairs` per bin and area, :func:`pair_events` per pair of vessels.
    """
    cfg = config or RendezvousConfig()
    grid = slow_grid(tr, cfg)
    return pair_events(pair_table(grid, grid_pairs(grid, cfg)), tr.now, cfg)


def _port(lat: npt.NDArray[Any], lon: npt.NDArray[Any], anchorages: npt.NDArray[Any]) -> npt.NDArray[Any]:
    from maritime.detect.shore import port_distance

    return port_distance(lat, lon, anchorages)
