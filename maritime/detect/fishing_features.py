"""The per-report work of the apparent-fishing detector, kept cheap.

:mod:`maritime.detect.fishing` describes the features (steps 1 and 2 of its docstring). Its
cost is per report, so this module keeps the reports that reach the features few and the
pass over them short:

* :func:`may_work`: a pass over speeds only tells the windows that may be working (mean speed
  below the working speed, or a fast and a slow report near enough for a purse-seine circle);
  :func:`needed_reports`: those windows' reports and the few around them their features read.
  The other windows (a steaming vessel's, most of a merchant fleet's) never reach the rest.
* :func:`report_features` and :func:`night`: the per-report features and the night test in
  one loop compiled by numba instead of some forty numpy passes. The arithmetic is that of
  the numpy expressions, in the same order, so the values are the same, except that on some
  CPUs numba's arctan2 rounds differently from numpy's in the last bits (1e-13 degrees of a
  turn on an AVX-512 AMD EPYC; ``tests/detect/test_fishing_features.py`` compares them).

Units: times UTC seconds, speeds knots, distances km, angles degrees.
"""

from __future__ import annotations

import math
from typing import Any

import numba
import numpy as np
import numpy.typing as npt

from maritime.detect.config import FishingConfig
from maritime.detect.tracks import Tracks

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

#: Mean Earth radius (km) of the chord lengths (IUGG), as in the numpy version.
EARTH_KM = 6371.0088
_MAX = np.finfo(np.float64).max


@numba.njit(cache=True)
def _kernel(  # noqa: PLR0913 - the thresholds are scalars of one config
    t: Any,
    lat: Any,
    lon: Any,
    v: Any,
    cog: Any,
    cont: Any,
    key: Any,
    piece_end: Any,
    min_step_km: float,
    max_step_s: float,
    circle_s: float,
    circle_min_speed_kn: float,
    circle_min_turn_deg: float,
    circle_min_sailed_km: float,
    slow_speed_kn: float,
) -> Any:
    n = len(t)
    ds = np.zeros(n)
    turn = np.zeros(n)
    has_turn = np.zeros(n, dtype=np.bool_)
    w = np.zeros(n)
    cum = np.zeros(n)
    cum_sailed = np.zeros(n)
    maybe = np.zeros(n, dtype=np.bool_)
    jj = np.zeros(n, dtype=np.int64)
    brg_prev = 0.0
    chord_prev = False
    course_prev = 0.0
    v0_prev = 0.0
    c_turn = 0.0
    c_sailed = 0.0
    half_prev = 0.0
    for i in range(n):
        vi = v[i]
        v0 = 0.0 if math.isnan(vi) else (_MAX if vi == math.inf else (-_MAX if vi == -math.inf else vi))
        brg = 0.0
        dt = 0.0
        same = cont[i]
        chord = False
        if i > 0:
            la0 = math.radians(lat[i - 1])
            la1 = math.radians(lat[i])
            dlat = la1 - la0
            dlon = math.radians((lon[i] - lon[i - 1] + 540.0) % 360.0 - 180.0) * math.cos((la1 + la0) / 2.0)
            d = math.hypot(dlat, dlon) * EARTH_KM
            brg = math.degrees(math.atan2(dlon, dlat)) % 360.0
            dt = t[i] - t[i - 1]
            if same:
                ds[i] = d
                chord = (d >= min_step_km) and (dt <= max_step_s)
        if i > 1 and chord and chord_prev and cont[i - 1]:
            has_turn[i] = True
            turn[i] = (brg - brg_prev + 540.0) % 360.0 - 180.0
        c = cog[i]
        course = c if (math.isfinite(c) and c < 360.0) else brg
        if i > 0:
            moving = same and (v0 >= circle_min_speed_kn) and (v0_prev >= circle_min_speed_kn) and (dt <= max_step_s)
            if moving:
                c_turn += (course - course_prev + 540.0) % 360.0 - 180.0
                c_sailed += (v0 + v0_prev) / 2.0 * dt * (1.852 / 3600.0)
            else:
                c_turn += 0.0
                c_sailed += 0.0
        else:
            c_turn = 0.0
            c_sailed = 0.0
        cum[i] = c_turn
        cum_sailed[i] = c_sailed
        half = min(dt / 2.0, max_step_s) if same else 0.0
        w[i] = half
        if i > 0:
            w[i - 1] = half_prev + half
        half_prev = half
        brg_prev = brg
        chord_prev = chord
        course_prev = course
        v0_prev = v0
    # circle ends: the last report within circle_s (same piece), by a moving pointer
    j = 0
    for i in range(n):
        if j < i:
            j = i
        lim = key[i] + circle_s
        while j + 1 < n and key[j + 1] <= lim:
            j += 1
        jj[i] = min(j, piece_end[i])
    for i in range(n):
        k = jj[i]
        vk = v[k]
        slow_end = (not math.isnan(vk)) and vk < slow_speed_kn
        if slow_end and (
            abs(cum[k] - cum[i]) >= circle_min_turn_deg or (cum_sailed[k] - cum_sailed[i]) >= circle_min_sailed_km
        ):
            maybe[i] = True
    return ds, turn, has_turn, w, maybe, jj


def report_features(
    t: Floats,
    lat: Floats,
    lon: Floats,
    v: Floats,
    cog: Floats,
    cont: Bools,
    key: Floats,
    piece_end: Ints,
    min_step_km: float,
    max_step_minutes: float,
    circle_minutes: float,
    circle_min_speed_kn: float,
    circle_min_turn_deg: float,
    circle_min_sailed_km: float,
    slow_speed_kn: float,
) -> tuple[Floats, Floats, Bools, Floats, Ints, Ints]:
    """Per-report features of reports in track order (see :mod:`maritime.detect.fishing`).

    Args:
        t, lat, lon: UTC seconds and degrees of each report.
        v: speed (kn; NaN unknown); cog: reported course (degrees; NaN or >= 360 unknown).
        cont: True where a report follows the previous one in the same segment.
        key: increasing time key (UTC seconds plus a per-segment offset); piece_end: index of
            the last report of the contiguous piece holding each report.

    Returns:
        ds (km: chord from the previous report, 0 at a piece start), turn (degrees: signed
        course change between chords of at least ``min_step_km``), has_turn, w (seconds the
        report stands for: half the interval to each neighbour, at most ``max_step_minutes``
        each side), and the possible circle starts with their ends (indices: the reports from
        which, within ``circle_minutes``, the course turns ``circle_min_turn_deg`` or the
        vessel sails ``circle_min_sailed_km`` at ``circle_min_speed_kn`` and is then slower
        than ``slow_speed_kn``; the caller checks that the circle closes).
    """
    n = len(t)
    if n == 0:
        z = np.zeros(0)
        e = np.zeros(0, dtype=np.int64)
        return z, z, np.zeros(0, dtype=bool), z, e, e
    ds, turn, has_turn, w, maybe, jj = _kernel(
        np.ascontiguousarray(t, dtype=np.float64),
        np.ascontiguousarray(lat, dtype=np.float64),
        np.ascontiguousarray(lon, dtype=np.float64),
        np.ascontiguousarray(v, dtype=np.float64),
        np.ascontiguousarray(cog, dtype=np.float64),
        np.ascontiguousarray(cont, dtype=np.bool_),
        np.ascontiguousarray(key, dtype=np.float64),
        np.ascontiguousarray(piece_end, dtype=np.int64),
        float(min_step_km),
        float(max_step_minutes) * 60.0,
        float(circle_minutes) * 60.0,
        float(circle_min_speed_kn),
        float(circle_min_turn_deg),
        float(circle_min_sailed_km),
        float(slow_speed_kn),
    )
    starts = np.nonzero(maybe)[0]
    return ds, turn, has_turn, w, starts, jj[starts]


@numba.njit(cache=True)
def _night_kernel(t: Any, lat: Any, lon: Any, depression_deg: float) -> Any:
    n = len(t)
    out = np.zeros(n, dtype=np.bool_)
    decl_amp = math.radians(-23.44)
    two_pi = 2.0 * math.pi
    for i in range(n):
        doy = (t[i] / 86400.0) % 365.2422
        decl = decl_amp * math.cos(two_pi * (doy + 10.0) / 365.2422)
        solar_h = ((t[i] % 86400.0) / 3600.0 + lon[i] / 15.0) % 24.0
        ha = math.radians(15.0 * (solar_h - 12.0))
        phi = math.radians(lat[i])
        s = math.sin(phi) * math.sin(decl) + math.cos(phi) * math.cos(decl) * math.cos(ha)
        s = min(max(s, -1.0), 1.0)
        out[i] = math.degrees(math.asin(s)) < -depression_deg
    return out


def night(t: Floats, lat: Floats, lon: Floats, depression_deg: float) -> Bools:
    """True where the sun is more than ``depression_deg`` below the horizon: the test
    ``sun_elevation_deg(t, lat, lon) < -depression_deg`` of :mod:`maritime.detect.fishing`,
    in one compiled pass (the same arithmetic)."""
    if len(t) == 0:
        return np.zeros(0, dtype=bool)
    out: Bools = _night_kernel(
        np.ascontiguousarray(t, dtype=np.float64),
        np.ascontiguousarray(lat, dtype=np.float64),
        np.ascontiguousarray(lon, dtype=np.float64),
        float(depression_deg),
    )
    return out


def report_speed(tr: Tracks, idx: Ints) -> Floats:
    """Speed (kn) of the reports ``idx``: reported SOG, else the implied speed (NaN: neither)."""
    sog = tr.sog[idx].astype(np.float64)
    out: Floats = np.where(np.isfinite(sog) & (sog < 102.2), sog, tr.speed[idx])
    return out


def track_key(tr: Tracks, idx: Ints) -> Floats:
    """:meth:`Tracks.key` of the reports ``idx`` only (the same values)."""
    out: Floats = tr.seg[idx].astype(np.float64) * tr._span() + (tr.t[idx] - tr._t0())
    return out


def may_work(tr: Tracks, idx: Ints, v: Floats, cfg: FishingConfig) -> tuple[Ints, Bools]:
    """Window number of each candidate report (UTC-aligned windows per segment, numbered in
    order) and which windows may be working (a cheap pass over speeds only): a window is
    working when its mean speed is below ``max_working_speed_kn`` (exactly as in step 3) or it
    holds a circle, and a circle needs, within ``circle_minutes`` of its first report, a report
    moving at ``circle_min_speed_kn`` and a slow one, so a window without both in it or in the
    next window of its segment holds none; and a chain of windows that are all idle (anchored,
    moored) holds no gear's run. The other windows never reach the costly features (most of a
    merchant, steaming or anchored vessel's track)."""
    t = tr.t[idx]
    seg = tr.seg[idx]
    win = np.floor(t / (cfg.window_minutes * 60.0)).astype(np.int64)
    brk = np.ones(len(idx), dtype=bool)
    brk[1:] = (seg[1:] != seg[:-1]) | (win[1:] != win[:-1])
    gwin = np.cumsum(brk) - 1
    starts = np.nonzero(brk)[0]
    vk = np.isfinite(v)
    n = np.diff(np.append(starts, len(idx)))
    nv = np.add.reduceat(vk.astype(np.int64), starts)
    sv = np.add.reduceat(np.where(vk, v, 0.0), starts)
    mean_v = sv / np.maximum(nv, 1.0)
    possible = (n >= cfg.min_window_reports) & (nv > 0) & (mean_v < cfg.max_working_speed_kn)
    if cfg.circle_minutes > cfg.window_minutes or cfg.circle_min_turn_deg <= 0 or cfg.circle_min_sailed_km <= 0:
        return gwin, np.ones(len(starts), dtype=bool)  # no cheap bound on circles: every window
    # as the features: an unknown speed counts as 0 kn for "fast" and as not slow
    fast_r = (v >= cfg.circle_min_speed_kn) | (~vk & (cfg.circle_min_speed_kn <= 0))
    fast = np.add.reduceat(fast_r.astype(np.int64), starts) > 0
    slow = np.add.reduceat((v < cfg.slow_speed_kn).astype(np.int64), starts) > 0
    wseg = seg[starts]
    nxt_same = np.append(wseg[1:] == wseg[:-1], False)
    fast2 = fast | (np.append(fast[1:], False) & nxt_same)
    slow2 = slow | (np.append(slow[1:], False) & nxt_same)
    possible |= fast2 & slow2
    # a chain of possible windows that are all idle (mean speed under half the slowest gear's
    # minimum, and no fast report: no circle) only holds runs slower than every gear (their
    # mean is a weighted mean of the windows'): an anchored or moored vessel's
    min_gear = min(cfg.squid_min_speed_kn, cfg.trawl_min_speed_kn, cfg.longline_min_speed_kn)
    idle = ~fast2 & (mean_v < 0.5 * min_gear)
    pw = np.nonzero(possible)[0]
    if len(pw):
        first = np.ones(len(pw), dtype=bool)
        first[1:] = (pw[1:] != pw[:-1] + 1) | (wseg[pw[1:]] != wseg[pw[:-1]])
        cs = np.nonzero(first)[0]
        all_idle = np.minimum.reduceat(idle[pw].astype(np.int64), cs) == 1
        possible[pw[np.repeat(all_idle, np.diff(np.append(cs, len(pw))))]] = False
    return gwin, possible


def needed_reports(key: Floats, gwin: Ints, possible: Bools, cfg: FishingConfig) -> Bools:
    """Candidate reports whose features a possible window needs: its own reports, the three
    before it (chords, course changes and the circle flag of the report before), and those
    within ``circle_minutes`` after it plus one (a circle's end, the time of the last report)."""
    n = len(key)
    starts = np.nonzero(np.r_[True, gwin[1:] != gwin[:-1]])[0]
    ends = np.append(starts[1:], n) - 1
    pw = np.nonzero(possible)[0]
    if len(pw) == n and len(pw) == len(starts):
        return np.ones(n, dtype=bool)
    last = np.searchsorted(key, key[ends[pw]] + cfg.circle_minutes * 60.0, side="right")  # one past
    lo = np.maximum(starts[pw] - 3, 0)
    hi = np.minimum(last + 1, n)  # exclusive
    mark = np.zeros(n + 1, dtype=np.int64)
    np.add.at(mark, lo, 1)
    np.add.at(mark, hi, -1)
    out: Bools = np.cumsum(mark[:-1]) > 0
    return out


def range_medians(x: Floats, i0: Ints, i1: Ints) -> Floats:
    """``np.median(x[i0[k] : i1[k] + 1])`` for every k, with one sort (the same values: the
    middle element, or the mean of the two middle ones)."""
    lens = i1 - i0 + 1
    offs = np.cumsum(lens) - lens
    pos = np.repeat(i0 - offs, lens) + np.arange(int(lens.sum()))
    grp = np.repeat(np.arange(len(i0)), lens)
    srt = x[pos][np.lexsort((x[pos], grp))]
    hi = srt[offs + lens // 2]
    lo = srt[offs + (lens - 1) // 2]
    out: Floats = np.where(lens % 2 == 1, hi, (lo + hi) / 2.0)
    return out
