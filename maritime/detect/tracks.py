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

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from maritime.detect.config import TracksConfig
from maritime.detect.events import Event
from maritime.detect.segmenter import identity_conflicts, segment_loop
from maritime.geodesy import NM_KM, haversine_km, haversine_pre_km

#: AIS message types sent by Class B transponders (2 W instead of 12.5 W).
CLASS_B_TYPES = (18, 19, 24)
#: An MMSI with at most this many impossible jumps has glitches (dropped one by one); with
#: more it is a shared identity, split by the segmenter.
_MAX_GLITCHES = 4

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
#: Report columns while tracks are prepared (mmsi, t, lat, lon, sog, cog, cls_b, station).
Columns = dict[str, npt.NDArray[Any]]


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
        anchorages: learned anchorage points, (n, 2) (lat, lon) degrees, that the detectors
            count as ports (:mod:`maritime.detect.anchorages`; set by the engines).
    """

    mmsi: Ints
    t: Floats
    lat: Floats
    lon: Floats
    sog: npt.NDArray[np.float32]
    cog: npt.NDArray[np.float32]
    cls_b: Bools
    station: npt.NDArray[np.int32]
    station_names: list[str]
    seg: Ints
    seg_start: Ints
    seg_end: Ints
    seg_mmsi: Ints
    speed: Floats
    speed_dt: Floats
    now: float
    conflicts: list[Event] = field(default_factory=list)
    dropped: int = 0
    shared_mmsis: list[int] = field(default_factory=list)
    anchorages: Floats = field(default_factory=lambda: np.zeros((0, 2)))

    def __len__(self) -> int:
        return len(self.t)

    @property
    def n_segments(self) -> int:
        return len(self.seg_start)

    def key(self) -> Floats:
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


def _vmax(dt_s: npt.ArrayLike, cfg: TracksConfig) -> Floats:
    """Plausible speed limit (kn) for reports ``dt_s`` seconds apart: ``max_speed_kn`` over
    short gaps, ``max_sustained_speed_kn`` over gaps longer than ``sustained_after_hours``
    (no vessel keeps 50 kn for days)."""
    out: Floats = np.where(
        np.asarray(dt_s) > cfg.sustained_after_hours * 3600.0, cfg.max_sustained_speed_kn, cfg.max_speed_kn
    )
    return out


def _pair_speed_kn(
    lat1: Floats, lon1: Floats, t1: Floats, lat2: Floats, lon2: Floats, t2: Floats, noise_km: float, buffer_s: float
) -> Floats:
    """Implied speed (kn) between reports, forgiving ``noise_km`` of position noise and
    ``buffer_s`` of time-stamp error (gpsdio-segment's buffer hours)."""
    d = np.maximum(haversine_km(lat1, lon1, lat2, lon2) - noise_km, 0.0)
    dt = np.abs(t2 - t1) + buffer_s
    with np.errstate(divide="ignore", invalid="ignore"):
        v: Floats = d / NM_KM / (np.maximum(dt, 1.0) / 3600.0)
    return v


def prepare_tracks(
    mmsi: npt.ArrayLike,
    t: npt.ArrayLike,
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    sog: npt.ArrayLike | None = None,
    cog: npt.ArrayLike | None = None,
    msg_type: npt.ArrayLike | None = None,
    config: TracksConfig | None = None,
    now: float | None = None,
    station: npt.ArrayLike | None = None,
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
    t_ = np.asarray(t, dtype=np.float64)
    n = len(t_)
    cols: Columns = {
        "mmsi": np.asarray(mmsi, dtype=np.int64),
        "t": t_,
        "lat": np.asarray(lat, dtype=np.float64),
        "lon": np.asarray(lon, dtype=np.float64),
        "sog": np.full(n, np.nan, dtype=np.float32) if sog is None else np.asarray(sog, dtype=np.float32),
        "cog": np.full(n, np.nan, dtype=np.float32) if cog is None else np.asarray(cog, dtype=np.float32),
        "cls_b": np.zeros(n, dtype=bool) if msg_type is None else np.isin(np.asarray(msg_type), CLASS_B_TYPES),
        "station": np.full(n, -1, dtype=np.int32) if station is None else np.asarray(station, dtype=np.int32),
    }
    del mmsi, t, t_, lat, lon, sog, cog, msg_type, station
    if now is None:
        now = float(cols["t"].max()) if n else 0.0
    if n == 0:
        return empty_tracks(now)
    names = list(station_names or [])

    dropped = _drop_invalid(cols)
    if len(cols["t"]) == 0:
        return empty_tracks(now)
    # order by (mmsi, t) unless already so (the runner's SQL sorts)
    if not _is_sorted(cols["mmsi"], cols["t"]):
        order = np.lexsort((cols["t"], cols["mmsi"]))
        _filter(cols, order)
    # --- 1. consecutive implied speeds; isolated impossible reports are dropped
    more, v_kept = _drop_glitches(cols, cfg)
    dropped += more
    # --- 2. simple MMSIs: one segment, split only at gaps longer than max_gap
    mm, tt = cols["mmsi"], cols["t"]
    n = len(tt)
    grp_first = np.ones(n, dtype=bool)
    grp_first[1:] = mm[1:] != mm[:-1]
    dt = np.zeros(n)
    dt[1:] = tt[1:] - tt[:-1]
    if v_kept is not None:  # the last pass measured exactly these reports
        v = v_kept
    else:
        v = np.zeros(n)
        v[1:] = _pair_speed_kn(
            cols["lat"][:-1],
            cols["lon"][:-1],
            tt[:-1],
            cols["lat"][1:],
            cols["lon"][1:],
            tt[1:],
            cfg.noise_km,
            cfg.time_buffer_minutes * 60.0,
        )
    del v_kept
    bad = (v > _vmax(dt, cfg)) & ~grp_first
    del v, mm, tt
    label: Ints = np.cumsum(grp_first | (dt > cfg.max_gap_hours * 3600.0)) - 1  # provisional, in report order
    del dt
    # --- 3. complex MMSIs: the per-report segmenter
    conflicts: list[Event] = []
    shared: list[int] = []
    grp_id = np.cumsum(grp_first) - 1
    complex_grps = np.unique(grp_id[bad])
    del bad, grp_id
    if len(complex_grps):
        label, more = _segment_complex(cols, label, grp_first, complex_grps, cfg, conflicts, shared)
        dropped += more
        if len(cols["t"]) == 0:
            return empty_tracks(now)
    del grp_first
    seg, more = _drop_small_segments(cols, label.astype(np.int64), cfg)
    dropped += more
    if len(cols["t"]) == 0:
        return empty_tracks(now)
    n = len(seg)
    starts = np.nonzero(np.r_[True, seg[1:] != seg[:-1]])[0]
    ends = np.append(starts[1:], n)
    tr = Tracks(
        mmsi=cols["mmsi"],
        t=cols["t"],
        lat=cols["lat"],
        lon=cols["lon"],
        sog=cols["sog"],
        cog=cols["cog"],
        cls_b=cols["cls_b"],
        station=cols["station"],
        station_names=names,
        seg=seg,
        seg_start=starts.astype(np.int64),
        seg_end=ends.astype(np.int64),
        seg_mmsi=cols["mmsi"][starts],
        speed=np.zeros(0),
        speed_dt=np.zeros(0),
        now=float(now),
        conflicts=conflicts,
        dropped=dropped,
        shared_mmsis=shared,
    )
    tr.speed, tr.speed_dt = window_speed(tr, cfg.speed_window_minutes * 60.0, cfg.max_speed_window_hours * 3600.0)
    return tr


def _drop_invalid(cols: Columns) -> int:
    """Drop reports without a valid time and position; returns how many."""
    t, lat, lon = cols["t"], cols["lat"], cols["lon"]
    valid = np.isfinite(t) & np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    # (0, 0) is the classic "no fix" value of broken transponders
    valid &= ~((lat == 0) & (lon == 0))
    del t, lat, lon
    dropped = int(len(valid) - valid.sum())
    if dropped:
        _filter(cols, valid)
    return dropped


def _drop_glitches(cols: Columns, cfg: TracksConfig) -> tuple[int, Floats | None]:
    """Drop isolated impossible reports: a report whose in and out transitions are both
    impossible while skipping it is plausible, in MMSIs with at most ``_MAX_GLITCHES``
    impossible jumps (two passes); returns how many, and the consecutive implied speeds
    (``_pair_speed_kn``, 0 at the first report) of the reports kept when the last pass
    measured exactly those (None otherwise)."""
    buf = cfg.time_buffer_minutes * 60.0
    mmsi, t, lat, lon = cols["mmsi"], cols["t"], cols["lat"], cols["lon"]
    keep = np.ones(len(t), dtype=bool)
    v_kept: Floats | None = None
    for it in range(2):
        v_kept = None
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
        dtt = np.zeros(len(tt))
        dtt[1:] = tt[1:] - tt[:-1]
        bad = (v > _vmax(dtt, cfg)) & ~first  # transition (i-1 -> i) impossible
        v_kept = v  # valid while nothing more is dropped
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
        v_kept = None
    del mmsi, t, lat, lon, m, tt, la, lo
    if keep.all():
        return 0, v_kept
    _filter(cols, keep)
    return int((~keep).sum()), v_kept


def _segment_complex(
    cols: Columns,
    label: Ints,
    grp_first: npt.NDArray[np.bool_],
    complex_grps: Ints,
    cfg: TracksConfig,
    conflicts: list[Event],
    shared: list[int],
) -> tuple[Ints, int]:
    """Run the per-report segmenter on the MMSIs with impossible jumps; reorders ``cols``
    by segment then time and drops noise segments. Returns the new labels (consecutive) and
    the number of reports dropped; appends identity conflicts and shared MMSIs."""
    mmsi, t, lat, lon = cols["mmsi"], cols["t"], cols["lat"], cols["lon"]
    n = len(t)
    order = np.arange(n)
    noise_mask = np.zeros(n, dtype=bool)
    grp_starts = np.nonzero(grp_first)[0]
    grp_ends = np.append(grp_starts[1:], n)
    next_label = int(label.max()) + 1 if n else 0
    for g in complex_grps.tolist():
        a, b = int(grp_starts[g]), int(grp_ends[g])
        local = segment_loop(t[a:b], lat[a:b], lon[a:b], cfg)
        counts = np.bincount(local)
        is_noise = counts[local] < cfg.min_segment_points
        real = np.unique(local[~is_noise])
        if len(real) > 1:
            shared.append(int(mmsi[a]))
            conflicts += identity_conflicts(int(mmsi[a]), t[a:b], lat[a:b], lon[a:b], local, counts, cfg)
        # labels are numbered in order of each segment's first report: reports by
        # segment, then time
        sub = np.argsort(local, kind="stable")
        order[a:b] = a + sub
        label[a:b] = next_label + local[sub]
        noise_mask[a:b] = is_noise[sub]
        next_label += int(local.max()) + 1
    del mmsi, t, lat, lon
    # reports by segment then time, noise segments dropped (one column at a time)
    _filter(cols, order[~noise_mask])
    label = label[~noise_mask]
    if len(label) == 0:
        return label, int(noise_mask.sum())
    change = np.ones(len(label), dtype=bool)
    change[1:] = label[1:] != label[:-1]
    return np.cumsum(change) - 1, int(noise_mask.sum())


def _drop_small_segments(cols: Columns, seg: Ints, cfg: TracksConfig) -> tuple[Ints, int]:
    """Drop segments of fewer than ``min_segment_points`` reports (tiny segments from gap
    splits are noise too); returns the renumbered segment labels and how many reports went."""
    n = len(seg)
    starts = np.nonzero(np.r_[True, seg[1:] != seg[:-1]])[0]
    ends = np.append(starts[1:], n)
    small = (ends - starts) < cfg.min_segment_points
    if not small.any():
        return seg, 0
    keep = ~np.repeat(small, ends - starts)
    cols["seg"] = seg
    del seg
    _filter(cols, keep)
    seg = cols.pop("seg")
    change = np.ones(len(seg), dtype=bool)
    change[1:] = seg[1:] != seg[:-1]
    return np.cumsum(change) - 1, int((~keep).sum())


def _filter(cols: Columns, keep: npt.NDArray[Any]) -> None:
    """Each array filtered (or reordered) by ``keep``, in place, one at a time (the old array
    is released before the next copy is made: peak memory one column, not all of them)."""
    for k in list(cols):
        cols[k] = cols[k][keep]


def _is_sorted(mmsi: Ints, t: Floats) -> bool:
    if len(t) < 2:
        return True
    dm = np.diff(mmsi)
    if (dm < 0).any():
        return False
    same = dm == 0
    return bool((np.diff(t)[same] >= 0).all())


def window_speed(tr: Tracks, window_s: float, max_window_s: float) -> tuple[Floats, Floats]:
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
    rad = np.radians(tr.lat)  # once for both windows
    cos = np.cos(rad)
    for other, ok in ((j, fwd), (k, bwd)):
        dt = np.abs(tr.t[other] - tr.t)
        v = haversine_pre_km(rad, cos, tr.lon, rad[other], cos[other], tr.lon[other])
        with np.errstate(divide="ignore", invalid="ignore"):
            v /= NM_KM * dt / 3600.0
        ok &= (dt > 0) & (dt <= max_window_s)
        ok &= ~(v >= out_v)  # NaN-aware: take v where out_v is NaN or larger
        np.copyto(out_v, v, where=ok)
        np.copyto(out_dt, dt, where=ok)
        del dt, v, ok
    return out_v, out_dt
