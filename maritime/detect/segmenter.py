"""The per-report segmenter of shared MMSIs, and the identity conflicts it reveals.

Only MMSIs whose consecutive reports include impossible jumps (two transmitters interleaved)
come here from :func:`maritime.detect.tracks.prepare_tracks`; see that module for the idea
(Global Fishing Watch's ``gpsdio-segment``). Times UTC seconds, positions degrees, speeds
knots, distances km.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from maritime.detect.config import TracksConfig
from maritime.detect.events import IDENTITY_CONFLICT, Event
from maritime.geodesy import NM_KM, haversine_km, haversine_km_scalar

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


def segment_loop(t: Floats, lat: Floats, lon: Floats, cfg: TracksConfig) -> Ints:
    """Segment labels (0..) of one MMSI's time-sorted reports (the gpsdio-segment idea).

    Each open segment remembers its last few reports. A report joins the segment it can
    follow at the lowest cost (implied speed, penalised for short segments); when it cannot
    follow a segment's last report but can follow an earlier one (``lookback``), the
    reports in between were outliers (a time-stamp glitch, a bad fix): they are dropped
    (given labels of their own, which are noise) and the report joins, at a slightly higher
    cost, as gpsdio-segment does.
    """
    n = len(t)
    labels = np.empty(n, dtype=np.int64)
    max_gap = cfg.max_gap_hours * 3600.0
    vmax = cfg.max_speed_kn
    vsus = cfg.max_sustained_speed_kn
    sus_s = cfg.sustained_after_hours * 3600.0
    noise = cfg.noise_km
    buf = cfg.time_buffer_minutes * 60.0
    lookback = 5
    # open segments: [label, history [(index, t, lat, lon), ...] (oldest first), n_reports]
    open_: list[list[Any]] = []
    n_labels = 0
    tl, la, lo = t.tolist(), lat.tolist(), lon.tolist()

    def speed(pt: tuple[int, float, float, float], ti: float, ai: float, oi: float) -> float:
        d = max(haversine_km_scalar(pt[2], pt[3], ai, oi) - noise, 0.0)
        return d / NM_KM / (max(abs(ti - pt[1]) + buf, 1.0) / 3600.0)

    for i in range(n):
        ti, ai, oi = tl[i], la[i], lo[i]
        best = None
        best_cost = math.inf
        best_back = 0
        alive = []
        for s in open_:
            hist = s[1]
            if ti - hist[-1][1] > max_gap:
                continue  # closed for good
            alive.append(s)
            # a short segment (a glitch, a few reports of another transmitter) is a worse match
            # than an established one at the same speed (gpsdio-segment's short-segment weight)
            weight = 1.0 + 9.0 * max(0.0, 1.0 - s[2] / 10.0)
            for back in range(min(lookback, len(hist))):
                pt = hist[-1 - back]
                if ti - pt[1] > max_gap:
                    break
                v = speed(pt, ti, ai, oi)
                if v <= (vsus if ti - pt[1] > sus_s else vmax):
                    cost = (v + 0.1) * weight * (1.1**back)
                    if cost < best_cost or (cost == best_cost and best is not None and pt[1] > best[1][-1][1]):
                        best_cost, best, best_back = cost, s, back
                    break
        open_ = alive
        if best is None:
            if len(open_) >= 20:  # at most 20 open segments (gpsdio-segment's MAX_OPEN_SEGMENTS)
                open_.remove(min(open_, key=lambda q: q[1][-1][1]))
            open_.append([n_labels, [(i, ti, ai, oi)], 1])
            labels[i] = n_labels
            n_labels += 1
        else:
            hist = best[1]
            for _ in range(best_back):  # outliers skipped by the lookback
                j = hist.pop()[0]
                labels[j] = n_labels
                n_labels += 1
                best[2] -= 1
            hist.append((i, ti, ai, oi))
            if len(hist) > lookback:
                del hist[0]
            best[2] += 1
            labels[i] = best[0]
    return labels


def identity_conflicts(
    mmsi: int,
    t: Floats,
    lat: Floats,
    lon: Floats,
    labels: Ints,
    counts: Ints,
    cfg: TracksConfig,
) -> list[Event]:
    """identity_conflict events: two real segments of one MMSI reporting at once far apart."""
    real = [s for s in range(len(counts)) if counts[s] >= max(cfg.conflict_min_points, cfg.min_segment_points)]
    if len(real) < 2:
        return []
    win = cfg.conflict_window_minutes * 60.0
    samples = []  # (time, lat_a, lon_a, lat_b, lon_b, dist, seg_a, seg_b)
    for ia, sa in enumerate(real):
        ma = labels == sa
        ta, la_, oa = t[ma], lat[ma], lon[ma]
        for sb in real[ia + 1 :]:
            mb = labels == sb
            tb, lb, ob = t[mb], lat[mb], lon[mb]
            j = np.clip(np.searchsorted(tb, ta), 1, len(tb)) - 1
            j2 = np.clip(j + 1, 0, len(tb) - 1)
            near = np.where(np.abs(tb[j2] - ta) < np.abs(tb[j] - ta), j2, j)
            close = np.abs(tb[near] - ta) <= win
            if not close.any():
                continue
            d = haversine_km(la_[close], oa[close], lb[near[close]], ob[near[close]])
            far = d >= cfg.conflict_min_km
            for k in np.nonzero(far)[0]:
                i_a = np.nonzero(close)[0][k]
                samples.append(
                    (
                        float(ta[i_a]),
                        float(la_[i_a]),
                        float(oa[i_a]),
                        float(lb[near[i_a]]),
                        float(ob[near[i_a]]),
                        float(d[k]),
                        int(counts[sa]),
                        int(counts[sb]),
                    )
                )
    if not samples:
        return []
    samples.sort()
    events = []
    merge = cfg.conflict_merge_hours * 3600.0
    group = [samples[0]]
    for s in samples[1:] + [None]:
        if s is not None and s[0] - group[-1][0] <= merge:
            group.append(s)
            continue
        first = group[0]
        dists = [g[5] for g in group]
        # the first sample's position of the segment with more reports is the event's place
        a_major = first[6] >= first[7]
        lat0, lon0 = (first[1], first[2]) if a_major else (first[3], first[4])
        conf = min(0.99, 0.5 + 0.1 * len(group))
        events.append(
            Event(
                kind=IDENTITY_CONFLICT,
                mmsi=mmsi,
                other_mmsi=None,
                start=first[0],
                end=group[-1][0],
                lat=lat0,
                lon=lon0,
                confidence=conf,
                details={
                    "reason": "simultaneous_positions_far_apart",
                    "position_a": [round(first[1], 5), round(first[2], 5)],
                    "position_b": [round(first[3], 5), round(first[4], 5)],
                    "distance_km": round(float(np.median(dists)), 2),
                    "max_distance_km": round(float(max(dists)), 2),
                    "samples": len(group),
                    "segments": len([c for c in counts if c >= cfg.min_segment_points]),
                },
            )
        )
        if s is not None:
            group = [s]
    return events
