"""Loitering: a vessel slow for a long time in a small area, away from ports and shore.

Definition (defaults in ``[loitering]`` of defaults.toml): the implied speed of each report
over a >= 10-minute window is below 2 kn (and its reported SOG, when present, below 2.5 kn)
for at least 2 h, with reports no more than 3 h apart, the event's reports within 15 km of
their median position, the median position >= 10 km from any port or anchorage and >= 5 km
from shore. Global Fishing Watch's loitering events use average speed < 2 kn and >= 20 nm
from shore (carriers on the high seas); see defaults.toml for why the shore distance is
smaller here.

The pass is vectorised over the whole fleet: per-report slow flags, then run-length
encoding of consecutive slow reports within each segment (runs broken by gaps longer than
``max_gap_hours``), then merging of runs of one segment separated by at most
``merge_gap_minutes``. Only the candidate runs (a few per thousand reports) reach the
per-event arithmetic. Times are UTC seconds, speeds knots, distances km.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from maritime.detect.config import LoiteringConfig
from maritime.detect.events import LOITERING, Event
from maritime.detect.shore import shore_port_distances
from maritime.detect.tracks import Tracks
from maritime.geodesy import haversine_km


def slow_flags(tr: Tracks, max_speed_kn: float, max_sog_kn: float) -> npt.NDArray[Any]:
    """Reports that are slow: implied speed below ``max_speed_kn`` and the reported SOG, when
    present, below ``max_sog_kn``. Reports of unknown implied speed are not slow."""
    with np.errstate(invalid="ignore"):
        slow = tr.speed < max_speed_kn
        sog = tr.sog.astype(np.float64)
        slow &= ~(sog >= max_sog_kn)
    return slow


def runs(
    tr: Tracks, flag: npt.NDArray[Any], max_gap_s: float, merge_gap_s: float
) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """First and last report index of each run of flagged reports within a segment.

    A run breaks at a segment boundary or where two consecutive flagged reports are more
    than ``max_gap_s`` apart; two runs of one segment whose gap (last report of one to the
    first of the next) is at most ``merge_gap_s`` are merged.
    """
    idx = np.nonzero(flag)[0]
    if len(idx) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    seg = tr.seg[idx]
    t = tr.t[idx]
    brk = np.ones(len(idx), dtype=bool)
    brk[1:] = (
        (seg[1:] != seg[:-1])
        | ((idx[1:] != idx[:-1] + 1) & (t[1:] - t[:-1] > merge_gap_s))
        | (t[1:] - t[:-1] > max_gap_s)
    )
    starts = np.nonzero(brk)[0]
    ends = np.append(starts[1:], len(idx)) - 1
    return idx[starts], idx[ends]


def run_key(tr: Tracks, last: npt.NDArray[Any], cfg: LoiteringConfig) -> npt.NDArray[Any]:
    """The latest report time a run ending at report ``last`` depends on (UTC s): the report
    after it and ``merge_gap_minutes`` after its end (what could extend it); +inf when it ends
    its segment (it may still be open or extended)."""
    last = np.asarray(last, dtype=np.int64)
    if len(last) == 0:
        return np.zeros(0)
    seg_last = tr.seg_end[tr.seg[last]] - 1
    key = np.maximum(tr.t[np.minimum(last + 1, len(tr) - 1)], tr.t[last] + cfg.merge_gap_minutes * 60.0)
    return np.where(last >= seg_last, np.inf, key)


def detect_loitering(
    tr: Tracks, config: LoiteringConfig | None = None, since: float | npt.NDArray[Any] | None = None
) -> list[Event]:
    """Loitering events of all segments of ``tr`` (see the module docstring).

    An event whose last report is the segment's last report and whose segment was heard
    within ``max_gap_hours`` of ``tr.now`` is still open (``end`` None). ``since`` (UTC s, or
    one value per segment; a live cycle, :mod:`maritime.detect.increment`): only the runs
    whose :func:`run_key` is at or after it (the others depend on reports that have not changed).
    """
    cfg = config or LoiteringConfig()
    if len(tr) == 0:
        return []
    slow = slow_flags(tr, cfg.max_speed_kn, cfg.max_sog_kn)
    first, last = runs(tr, slow, cfg.max_gap_hours * 3600.0, cfg.merge_gap_minutes * 60.0)
    if len(first) == 0:
        return []
    # each run extends at both ends by half the time to the neighbouring report, at most
    # edge_minutes (the vessel's state between two reports is unknown; see defaults.toml)
    edge = cfg.edge_minutes * 60.0
    n = len(tr)
    prev_ok = first > tr.seg_start[tr.seg[first]]
    gp = np.where(prev_ok, tr.t[first] - tr.t[np.maximum(first - 1, 0)], 0.0)
    next_ok = last < tr.seg_end[tr.seg[last]] - 1
    gn = np.where(next_ok, tr.t[np.minimum(last + 1, n - 1)] - tr.t[last], 0.0)
    t0 = tr.t[first] - np.minimum(gp / 2.0, edge)
    t1 = tr.t[last] + np.minimum(gn / 2.0, edge)
    dur = t1 - t0
    cand = np.nonzero(dur >= cfg.min_duration_hours * 3600.0)[0]
    if since is not None:
        lim = since if np.ndim(since) == 0 else np.asarray(since)[tr.seg[last[cand]]]
        cand = cand[run_key(tr, last[cand], cfg) >= lim]
    if len(cand) == 0:
        return []

    # median position and radius of every candidate's slow reports at once (the same values
    # as per run), then ports and shore: most candidates are ships berthed in port
    mlat_a, mlon_a, radius_a = _medians_radius(tr, slow, first[cand], last[cand])
    shore_a, port_a = shore_port_distances(mlat_a, mlon_a, tr.anchorages)
    ok = (radius_a <= cfg.max_radius_km) & ~(port_a < cfg.min_port_km) & ~(shore_a < cfg.min_shore_km)
    events = []
    for i in np.flatnonzero(ok).tolist():
        c = int(cand[i])
        a, b = int(first[c]), int(last[c]) + 1
        mlat, mlon, radius = float(mlat_a[i]), float(mlon_a[i]), float(radius_a[i])
        d_shore, d_port = shore_a[i], port_a[i]
        # average speed over the event (short faster interruptions included): time-weighted
        # mean of the windowed speeds
        tt = tr.t[a:b]
        sp = tr.speed[a:b]
        known = np.isfinite(sp)
        w = np.diff(np.append(tt, t1[c]))[known]
        avg = float(np.average(sp[known], weights=np.maximum(w, 1.0)))
        if avg >= cfg.max_speed_kn:
            continue
        s = int(tr.seg[a])
        seg_last = int(tr.seg_end[s]) - 1
        open_ = (b - 1 == seg_last) and (tr.now - tr.t[seg_last] <= cfg.max_gap_hours * 3600.0)
        start, end = float(t0[c]), float(t1[c])
        hours = (end - start) / 3600.0
        n = b - a
        # confidence: duration beyond the minimum, data density (reports per hour, satellite-only
        # tracks are sparser) and how far below the speed limit the vessel stayed
        dens = n / max(hours, 1e-6)
        conf = (
            0.55
            + 0.2 * min(1.0, (hours - cfg.min_duration_hours) / 4.0)
            + 0.15 * min(1.0, dens / 6.0)
            + 0.1 * min(1.0, (cfg.max_speed_kn - avg) / cfg.max_speed_kn)
        )
        sog = tr.sog[a:b].astype(np.float64)
        events.append(
            Event(
                kind=LOITERING,
                mmsi=int(tr.seg_mmsi[s]),
                other_mmsi=None,
                start=start,
                end=None if open_ else end,
                lat=mlat,
                lon=mlon,
                confidence=min(conf, 0.99),
                details={
                    "duration_h": round(hours, 3),
                    "avg_speed_kn": round(avg, 3),
                    "median_sog_kn": None if np.isnan(sog).all() else round(float(np.nanmedian(sog)), 2),
                    "radius_km": round(radius, 3),
                    "reports": int(n),
                    "reports_per_hour": round(dens, 2),
                    "distance_to_shore_km": round(float(d_shore), 2),
                    "distance_to_port_km": round(float(d_port), 2),
                    "last_seen": float(tr.t[b - 1]),
                    "definition": (
                        f"implied speed < {cfg.max_speed_kn:g} kn for >= {cfg.min_duration_hours:g} h, "
                        f">= {cfg.min_port_km:g} km from port, >= {cfg.min_shore_km:g} km from shore"
                    ),
                },
            )
        )
    return events


def _medians_radius(
    tr: Tracks, slow: npt.NDArray[np.bool_], first: npt.NDArray[np.int64], last: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Median latitude and longitude of the slow reports of each run ``first..last`` (as
    ``np.median``: the middle value, or the mean of the two middle ones) and the largest
    distance (km) from that median to them."""
    n = last - first + 1
    rows = np.repeat(first - (np.cumsum(n) - n), n) + np.arange(int(n.sum()))
    run = np.repeat(np.arange(len(first)), n)
    keep = slow[rows]
    rows, run = rows[keep], run[keep]
    m = np.bincount(run, minlength=len(first))
    at = np.cumsum(m) - m
    lo, hi = at + (m - 1) // 2, at + m // 2
    med = []
    for v in (tr.lat[rows], tr.lon[rows]):
        srt = v[np.lexsort((v, run))]
        med.append(np.where(lo == hi, srt[lo], (srt[lo] + srt[hi]) / 2.0))
    d = haversine_km(med[0][run], med[1][run], tr.lat[rows], tr.lon[rows])
    return med[0], med[1], np.maximum.reduceat(d, at)


def suppress_explained(loiter: list[Event], rendezvous: list[Event], fraction: float, now: float) -> list[Event]:
    """Drop loitering episodes that are at least ``fraction`` covered by a rendezvous of the same
    vessel: the rendezvous is the more specific event and names the partner."""
    if not loiter or not rendezvous or fraction <= 0:
        return loiter
    by_mmsi: dict[int, list[tuple[float, float]]] = {}
    for r in rendezvous:
        end = r.end if r.end is not None else now
        for m in (r.mmsi, r.other_mmsi):
            if m is None:
                continue
            by_mmsi.setdefault(int(m), []).append((r.start, end))
    out = []
    for e in loiter:
        end = e.end if e.end is not None else now
        span = max(end - e.start, 1.0)
        covered = 0.0
        for a, b in by_mmsi.get(int(e.mmsi), []):
            covered += max(0.0, min(b, end) - max(a, e.start))
        if covered / span < fraction:
            out.append(e)
    return out
