"""Track preparation: order, impossible jumps, segmentation of shared MMSIs, speeds.

Input: position reports as arrays (any order). Output: :class:`Tracks`, the reports sorted
by segment then time, where a *segment* is a sequence of reports that one transmitter can
have sent: each report is reachable from the previous one at a plausible speed. The
detectors run per segment, never per raw MMSI, so two transmitters sharing an MMSI (a
cloned or mistyped identity, GFW's "spoofing") can never produce a false dark period,
loitering or rendezvous.

Segmentation follows the idea of Global Fishing Watch's ``gpsdio-segment``: a report joins
the open segment it can plausibly follow (implied speed from that segment's last report at
most ``max_speed_kn`` once ``noise_km`` of position noise is allowed for, and less than
``max_gap_hours`` later); if several qualify, the one it follows at the lowest speed; if
none, it starts a new segment. Segments of fewer than ``min_segment_points`` reports are
noise (a glitch, a corrupted position) and are dropped. Two segments of one MMSI reporting
at the same time far apart are an ``identity_conflict`` event.

Cost: every MMSI whose consecutive reports are all plausible (nearly all of them) is one
segment, found with vectorised numpy; an isolated impossible report between two plausible
ones is dropped, also vectorised; only MMSIs still left with impossible jumps (true shared
identities) go through the per-report loop.

Units: times are UTC seconds since the epoch (float64), positions WGS84 degrees, speeds
knots, distances km.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from maritime.detect.config import TracksConfig
from maritime.detect.events import IDENTITY_CONFLICT, Event
from maritime.geodesy import NM_KM, haversine_km, haversine_km_scalar

#: AIS message types sent by Class B transponders (2 W instead of 12.5 W).
CLASS_B_TYPES = (18, 19, 24)
#: An MMSI with at most this many impossible jumps has glitches (dropped one by one); with
#: more it is a shared identity, split by the segmenter.
_MAX_GLITCHES = 4


@dataclass
class Tracks:
    """Reports sorted by segment, then time (all arrays one value per report).

    Attributes:
        mmsi, t, lat, lon: identity, UTC seconds, degrees.
        sog, cog: reported speed (kn) and course (degrees), NaN when not available.
        cls_b: True for Class B reports (types 18, 19).
        station: code of the receiver that heard each report (-1 unknown); ``station_names``.
        seg: segment index of each report, 0..n_segments-1, non-decreasing.
        seg_start, seg_end: first and one-past-last report index of each segment.
        seg_mmsi: MMSI of each segment.
        speed: implied speed (kn) of each report over the speed window (NaN when unknown).
        speed_dt: length (s) of that window.
        now: latest report time (data time, UTC seconds).
        conflicts: identity_conflict events.
        dropped: number of reports dropped (invalid, impossible jumps, noise segments).
        shared_mmsis: MMSIs split into more than one segment by the segmenter.
    """

    mmsi: np.ndarray
    t: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    sog: np.ndarray
    cog: np.ndarray
    cls_b: np.ndarray
    station: np.ndarray
    station_names: list[str]
    seg: np.ndarray
    seg_start: np.ndarray
    seg_end: np.ndarray
    seg_mmsi: np.ndarray
    speed: np.ndarray
    speed_dt: np.ndarray
    now: float
    conflicts: list[Event] = field(default_factory=list)
    dropped: int = 0
    shared_mmsis: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.t)

    @property
    def n_segments(self) -> int:
        return len(self.seg_start)

    def key(self) -> np.ndarray:
        """Monotonic float key ``seg * span + (t - t0)`` for searchsorted within segments."""
        if len(self.t) == 0:
            return np.zeros(0)
        return self.seg.astype(np.float64) * self._span() + (self.t - self._t0())

    def _t0(self) -> float:
        return float(self.t.min()) if len(self.t) else 0.0

    def _span(self) -> float:
        return float(self.t.max() - self.t.min()) + 1.0e6 if len(self.t) else 1.0e6

    def segment_of(self, mmsi: int) -> list[int]:
        """Segment indexes of an MMSI."""
        return [int(s) for s in np.nonzero(self.seg_mmsi == mmsi)[0]]


def empty_tracks(now: float = 0.0) -> Tracks:
    z = np.zeros(0)
    zi = np.zeros(0, dtype=np.int64)
    return Tracks(
        zi,
        z,
        z,
        z,
        z.astype(np.float32),
        z.astype(np.float32),
        np.zeros(0, dtype=bool),
        np.zeros(0, dtype=np.int32),
        [],
        zi,
        zi,
        zi,
        zi,
        z,
        z,
        now,
    )


def _vmax(dt_s, cfg: TracksConfig):
    """Plausible speed limit (kn) for reports ``dt_s`` seconds apart: ``max_speed_kn`` over
    short gaps, ``max_sustained_speed_kn`` over gaps longer than ``sustained_after_hours``
    (no vessel keeps 50 kn for days)."""
    return np.where(np.asarray(dt_s) > cfg.sustained_after_hours * 3600.0, cfg.max_sustained_speed_kn, cfg.max_speed_kn)


def _pair_speed_kn(lat1, lon1, t1, lat2, lon2, t2, noise_km: float, buffer_s: float) -> np.ndarray:
    """Implied speed (kn) between reports, forgiving ``noise_km`` of position noise and
    ``buffer_s`` of time-stamp error (gpsdio-segment's buffer hours)."""
    d = np.maximum(haversine_km(lat1, lon1, lat2, lon2) - noise_km, 0.0)
    dt = np.abs(t2 - t1) + buffer_s
    with np.errstate(divide="ignore", invalid="ignore"):
        v = d / NM_KM / (np.maximum(dt, 1.0) / 3600.0)
    return v


def prepare_tracks(
    mmsi: np.ndarray,
    t: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    sog: np.ndarray | None = None,
    cog: np.ndarray | None = None,
    msg_type: np.ndarray | None = None,
    config: TracksConfig | None = None,
    now: float | None = None,
    station: np.ndarray | None = None,
    station_names: list[str] | None = None,
) -> Tracks:
    """Order, clean and segment position reports; compute implied speeds.

    Args:
        mmsi, t, lat, lon: one value per report (t in UTC seconds since the epoch).
        sog, cog: reported speed (kn) / course (degrees), NaN = not available; optional.
        msg_type: AIS message type of each report (for Class A/B); optional.
        station: integer code of the receiver that heard each report (-1 unknown); optional.
        station_names: the receiver name of each code.
        config: ``[tracks]`` thresholds (defaults when None).
        now: data time "now" (defaults to the latest report time).

    Returns:
        :class:`Tracks`.
    """
    cfg = config or TracksConfig()
    n = len(t)
    mmsi = np.asarray(mmsi, dtype=np.int64)
    t = np.asarray(t, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    sog = np.full(n, np.nan, dtype=np.float32) if sog is None else np.asarray(sog, dtype=np.float32)
    cog = np.full(n, np.nan, dtype=np.float32) if cog is None else np.asarray(cog, dtype=np.float32)
    cls_b = np.zeros(n, dtype=bool) if msg_type is None else np.isin(np.asarray(msg_type), CLASS_B_TYPES)
    station = np.full(n, -1, dtype=np.int32) if station is None else np.asarray(station, dtype=np.int32)
    if now is None:
        now = float(t.max()) if n else 0.0
    if n == 0:
        return empty_tracks(now)
    names = list(station_names or [])

    valid = np.isfinite(t) & np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    # (0, 0) is the classic "no fix" value of broken transponders
    valid &= ~((lat == 0) & (lon == 0))
    dropped = int(n - valid.sum())
    if dropped:
        mmsi, t, lat, lon, sog, cog, cls_b, station = (a[valid] for a in (mmsi, t, lat, lon, sog, cog, cls_b, station))
        n = len(t)
        if n == 0:
            return empty_tracks(now)

    # order by (mmsi, t) unless already so (the runner's SQL sorts)
    if not _is_sorted(mmsi, t):
        order = np.lexsort((t, mmsi))
        mmsi, t, lat, lon, sog, cog, cls_b, station = (a[order] for a in (mmsi, t, lat, lon, sog, cog, cls_b, station))

    max_gap_s = cfg.max_gap_hours * 3600.0
    buf = cfg.time_buffer_minutes * 60.0
    grp_first = np.ones(n, dtype=bool)
    grp_first[1:] = mmsi[1:] != mmsi[:-1]

    # --- 1. consecutive implied speeds; isolated impossible reports are dropped
    keep = np.ones(n, dtype=bool)
    v_all = None
    for it in range(2):
        if it == 0:
            idx = None
            m, tt, la, lo = mmsi, t, lat, lon
        else:
            idx = np.nonzero(keep)[0]
            m, tt, la, lo = mmsi[idx], t[idx], lat[idx], lon[idx]
        first = np.ones(len(tt), dtype=bool)
        first[1:] = m[1:] != m[:-1]
        v = np.zeros(len(tt))
        v[1:] = _pair_speed_kn(la[:-1], lo[:-1], tt[:-1], la[1:], lo[1:], tt[1:], cfg.noise_km, buf)
        if it == 0:
            v_all = v
        dtt = np.zeros(len(tt))
        dtt[1:] = tt[1:] - tt[:-1]
        bad = (v > _vmax(dtt, cfg)) & ~first  # transition (i-1 -> i) impossible
        if not bad.any():
            break
        # only MMSIs with a few impossible jumps have glitches; many (interleaved reports of
        # two transmitters) go to the segmenter
        gid = np.cumsum(first) - 1
        n_bad = np.bincount(gid, weights=bad, minlength=int(gid[-1]) + 1)
        bad &= n_bad[gid] <= _MAX_GLITCHES
        # report i is a glitch if in and out are impossible but skipping it is plausible
        inner = np.zeros(len(tt), dtype=bool)
        inner[1:-1] = bad[1:-1] & bad[2:] & ~first[2:]
        cand = np.nonzero(inner)[0]
        if len(cand) == 0:
            break
        v_skip = _pair_speed_kn(
            la[cand - 1], lo[cand - 1], tt[cand - 1], la[cand + 1], lo[cand + 1], tt[cand + 1], cfg.noise_km, buf
        )
        glitch = cand[v_skip <= _vmax(tt[cand + 1] - tt[cand - 1], cfg)]
        if len(glitch) == 0:
            break
        keep[glitch if idx is None else idx[glitch]] = False
    del m, tt, la, lo, first
    if not keep.all():
        dropped += int((~keep).sum())
        cols = dict(mmsi=mmsi, t=t, lat=lat, lon=lon, sog=sog, cog=cog, cls_b=cls_b, station=station)
        del mmsi, t, lat, lon, sog, cog, cls_b, station
        cols = _filter(cols, keep)
        mmsi, t, lat, lon, sog, cog, cls_b, station = (
            cols.pop(k) for k in ("mmsi", "t", "lat", "lon", "sog", "cog", "cls_b", "station")
        )
        n = len(t)
        grp_first = np.ones(n, dtype=bool)
        grp_first[1:] = mmsi[1:] != mmsi[:-1]
        v = np.zeros(n)
        v[1:] = _pair_speed_kn(lat[:-1], lon[:-1], t[:-1], lat[1:], lon[1:], t[1:], cfg.noise_km, buf)
    else:
        v = v_all
    del v_all
    dt = np.zeros(n)
    dt[1:] = t[1:] - t[:-1]
    bad = (v > _vmax(dt, cfg)) & ~grp_first

    # --- 2. simple MMSIs: one segment, split only at gaps longer than max_gap
    new_seg = grp_first | (dt > max_gap_s)
    label = np.cumsum(new_seg) - 1  # provisional segment labels in report order

    # --- 3. complex MMSIs: the per-report segmenter
    grp_id = np.cumsum(grp_first) - 1
    complex_grps = np.unique(grp_id[bad])
    conflicts: list[Event] = []
    shared: list[int] = []
    order = np.arange(n)
    noise_mask = np.zeros(n, dtype=bool)
    if len(complex_grps):
        grp_starts = np.nonzero(grp_first)[0]
        grp_ends = np.append(grp_starts[1:], n)
        next_label = int(label.max()) + 1 if n else 0
        for g in complex_grps.tolist():
            a, b = int(grp_starts[g]), int(grp_ends[g])
            local = _segment_loop(t[a:b], lat[a:b], lon[a:b], cfg)
            counts = np.bincount(local)
            is_noise = counts[local] < cfg.min_segment_points
            real = np.unique(local[~is_noise])
            if len(real) > 1:
                shared.append(int(mmsi[a]))
                conflicts += _conflicts(int(mmsi[a]), t[a:b], lat[a:b], lon[a:b], local, counts, cfg)
            # labels are numbered in order of each segment's first report: reports by
            # segment, then time
            sub = np.argsort(local, kind="stable")
            order[a:b] = a + sub
            label[a:b] = next_label + local[sub]
            noise_mask[a:b] = is_noise[sub]
            next_label += int(local.max()) + 1
        # reports by segment then time, noise segments dropped (one column at a time)
        dropped += int(noise_mask.sum())
        sel = order[~noise_mask]  # original index of each kept report, in the new order
        cols = dict(mmsi=mmsi, t=t, lat=lat, lon=lon, sog=sog, cog=cog, cls_b=cls_b, station=station)
        del mmsi, t, lat, lon, sog, cog, cls_b, station
        cols = _filter(cols, sel)
        mmsi, t, lat, lon, sog, cog, cls_b, station = (
            cols.pop(k) for k in ("mmsi", "t", "lat", "lon", "sog", "cog", "cls_b", "station")
        )
        label = label[~noise_mask]
        n = len(t)
        if n == 0:
            return empty_tracks(now)
        change = np.ones(n, dtype=bool)
        change[1:] = label[1:] != label[:-1]
        label = np.cumsum(change) - 1
    else:
        label = label.astype(np.int64)

    seg = label.astype(np.int64)
    starts = np.nonzero(np.r_[True, seg[1:] != seg[:-1]])[0]
    ends = np.append(starts[1:], n)
    # tiny segments from gap splits are noise too
    small = (ends - starts) < cfg.min_segment_points
    if small.any():
        keep = ~np.repeat(small, ends - starts)
        dropped += int((~keep).sum())
        cols = dict(mmsi=mmsi, t=t, lat=lat, lon=lon, sog=sog, cog=cog, cls_b=cls_b, station=station, seg=seg)
        del mmsi, t, lat, lon, sog, cog, cls_b, station, seg
        cols = _filter(cols, keep)
        mmsi, t, lat, lon, sog, cog, cls_b, station, seg = (
            cols.pop(k) for k in ("mmsi", "t", "lat", "lon", "sog", "cog", "cls_b", "station", "seg")
        )
        n = len(t)
        if n == 0:
            return empty_tracks(now)
        change = np.ones(n, dtype=bool)
        change[1:] = seg[1:] != seg[:-1]
        seg = np.cumsum(change) - 1
        starts = np.nonzero(change)[0]
        ends = np.append(starts[1:], n)

    tr = Tracks(
        mmsi=mmsi,
        t=t,
        lat=lat,
        lon=lon,
        sog=sog,
        cog=cog,
        cls_b=cls_b,
        station=station,
        station_names=names,
        seg=seg,
        seg_start=starts.astype(np.int64),
        seg_end=ends.astype(np.int64),
        seg_mmsi=mmsi[starts],
        speed=np.zeros(0),
        speed_dt=np.zeros(0),
        now=float(now),
        conflicts=conflicts,
        dropped=dropped,
        shared_mmsis=shared,
    )
    tr.speed, tr.speed_dt = window_speed(tr, cfg.speed_window_minutes * 60.0, cfg.max_speed_window_hours * 3600.0)
    return tr


def _filter(cols: dict[str, np.ndarray], keep: np.ndarray) -> dict[str, np.ndarray]:
    """Each array filtered by ``keep``, one at a time (the old array is released before the
    next copy is made: peak memory one column, not all of them)."""
    for k in list(cols):
        cols[k] = cols[k][keep]
    return cols


def _is_sorted(mmsi: np.ndarray, t: np.ndarray) -> bool:
    if len(t) < 2:
        return True
    dm = np.diff(mmsi)
    if (dm < 0).any():
        return False
    same = dm == 0
    return bool((np.diff(t)[same] >= 0).all())


def window_speed(tr: Tracks, window_s: float, max_window_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Implied speed (kn) of each report over a window of at least ``window_s`` seconds.

    Two windows are measured: forward, to the first later report of the segment at least
    ``window_s`` later, and backward, to the last report at least ``window_s`` earlier; the
    report's speed is the lower of the two that are no longer than ``max_window_s`` (NaN
    when neither is). Where reports are sparse (satellite passes every ~50 min) a window
    reaching into the next pass also measures what the vessel did in between (leaving a
    meeting, say); the lower of the two describes the report's own state.
    """
    n = len(tr.t)
    if n == 0:
        return np.zeros(0), np.zeros(0)
    key = tr.key()
    segi = tr.seg
    j = np.searchsorted(key, key + window_s, side="left")
    fwd = j < tr.seg_end[segi]
    k = np.searchsorted(key, key - window_s, side="right") - 1
    bwd = k >= tr.seg_start[segi]
    j = np.clip(j, 0, n - 1)
    k = np.clip(k, 0, n - 1)
    del key
    out_v = np.full(n, np.nan)
    out_dt = np.full(n, np.nan)
    for other, ok in ((j, fwd), (k, bwd)):
        dt = np.abs(tr.t[other] - tr.t)
        v = haversine_km(tr.lat, tr.lon, tr.lat[other], tr.lon[other])
        with np.errstate(divide="ignore", invalid="ignore"):
            v /= NM_KM * dt / 3600.0
        ok &= (dt > 0) & (dt <= max_window_s)
        ok &= ~(v >= out_v)  # NaN-aware: take v where out_v is NaN or larger
        np.copyto(out_v, v, where=ok)
        np.copyto(out_dt, dt, where=ok)
        del dt, v, ok
    return out_v, out_dt


def _segment_loop(t: np.ndarray, lat: np.ndarray, lon: np.ndarray, cfg: TracksConfig) -> np.ndarray:
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
    open_: list[list] = []
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


def _conflicts(
    mmsi: int,
    t: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    labels: np.ndarray,
    counts: np.ndarray,
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
