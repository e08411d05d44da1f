"""Apparent fishing: speed and course patterns of trawling, longlining, purse seining and squid jigging.

Global Fishing Watch's fishing-effort work (Kroodsma et al. 2018, Science 359:904) is the
anchor: a vessel's track is cut into windows of time, each window is described by features of
speed, course and time of day, windows are classified as fishing or not, and fishing is
counted only for fishing vessels. GFW classifies with a neural network trained on labelled
tracks; with no labelled training set at hand, this module uses transparent rules on the same
kind of features, with the per-gear speed ranges of the FAO gear fact sheets and de Souza et
al. (2016). Every threshold is in ``[fishing]`` of defaults.toml, with its source.

Steps (all vectorised over the fleet; only candidate runs, a few per vessel-day, reach Python):

1. Per report: speed (reported SOG, else the implied speed), the chord to the previous report
   (length, bearing), the signed course change between consecutive chords of at least
   ``min_step_km``, and night (the sun below the horizon).
2. Purse-seine circles: the reports from which, within ``circle_minutes``, a vessel moving at
   >= ``circle_min_speed_kn`` turns one way by >= ``circle_min_turn_deg`` (course changes
   between consecutive reports) or sails >= ``circle_min_sailed_km`` (by its reported speed),
   and yet is back within ``circle_max_close_km`` of where it began (circle closing), and
   slow (pursing) at the end.
3. Windows of ``window_minutes`` aligned to UTC, per segment: report count, speed mean and
   standard deviation, path length, course change (mean absolute, per chord), night reports,
   slow time, circles. A window is *working* when its mean speed is below
   ``max_working_speed_kn`` or it holds a circle.
4. Runs of consecutive working windows (no fast window between, gaps <= ``max_gap_hours``):
   run features (duration, mean speed, speed coefficient of variation, straightness = net
   displacement / path, course irregularity, night fraction, slow minutes, circles) and a
   gear by rules, in this order: squid jigging (night, drifting), purse seine (a circle,
   then slow), transit (straight and regular: never fishing), trawl (steady 1.8-5.5 kn, not
   straight), longline hauling (0.5-4.5 kn, stop-start or irregular course).
5. Runs of one segment with the same gear at most ``merge_gap_hours`` apart are merged; events
   shorter than ``min_duration_hours`` or within ``min_port_km`` of a port are dropped.

Only vessels whose declared AIS ship type is fishing (30), not available, "other", or
unknown (no static report) are candidates (``ship_types``); see defaults.toml.

Units: times UTC seconds, speeds knots, distances km, angles degrees.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from maritime.detect.config import FishingConfig
from maritime.detect.events import FISHING, Event
from maritime.detect.fishing_features import (
    may_work,
    needed_reports,
    night,
    range_medians,
    report_features,
    report_speed,
    track_key,
)
from maritime.detect.shore import port_distance
from maritime.detect.tracks import Tracks
from maritime.geodesy import haversine_km

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

#: Gear types reported in ``details.gear``.
TRAWL = "trawl"
LONGLINE = "longline"
PURSE_SEINE = "purse_seine"
SQUID_JIGGING = "squid_jigging"
GEARS = (TRAWL, LONGLINE, PURSE_SEINE, SQUID_JIGGING)
_TRANSIT = "transit"
_NONE = ""
#: Declared AIS ship type (ITU-R M.1371-5 table 53) of each MMSI; absent or None: unknown.
ShipTypes = Mapping[int, int | None]


def fold_ship_types(
    mmsi: npt.ArrayLike, ship_type: npt.ArrayLike, config: FishingConfig | None = None
) -> dict[int, int]:
    """One declared ship type per MMSI from rows (mmsi, ship_type) that may repeat an MMSI (the
    archive holds one vessels file per origin): a type that makes the vessel a fishing
    candidate wins over any other, so that a conflicting declaration never hides a fishing
    vessel; else the highest type. Missing types (NULL, negative) are skipped. Both engines
    build their mapping here."""
    cfg = config or FishingConfig()
    ok = set(cfg.fishing_ship_types) | set(cfg.unknown_ship_types)
    out: dict[int, int] = {}
    for m, t in zip(np.asarray(mmsi).tolist(), np.asarray(ship_type).tolist()):
        if t is None or t != t or int(t) < 0:
            continue
        m, t = int(m), int(t)
        cur = out.get(m)
        if cur is None or (t in ok and cur not in ok) or ((t in ok) == (cur in ok) and t > cur):
            out[m] = t
    return out


def sun_elevation_deg(t: npt.ArrayLike, lat: npt.ArrayLike, lon: npt.ArrayLike) -> Floats:
    """Solar elevation (degrees) at UTC seconds ``t`` and WGS84 position.

    Declination from the day of the year (Cooper 1969) and the hour angle from the mean solar
    time (the equation of time, +-16 min, is ignored): accurate to about a degree, enough to
    tell night from day.
    """
    tt = np.asarray(t, dtype=np.float64)
    doy = (tt / 86400.0) % 365.2422
    decl = np.radians(-23.44) * np.cos(2.0 * np.pi * (doy + 10.0) / 365.2422)
    solar_h = ((tt % 86400.0) / 3600.0 + np.asarray(lon, dtype=np.float64) / 15.0) % 24.0
    ha = np.radians(15.0 * (solar_h - 12.0))
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    s = np.sin(phi) * np.sin(decl) + np.cos(phi) * np.cos(decl) * np.cos(ha)
    out: Floats = np.degrees(np.arcsin(np.clip(s, -1.0, 1.0)))
    return out


def candidate_mask(tr: Tracks, cfg: FishingConfig, ship_types: ShipTypes | None) -> Bools:
    """Reports of vessels that may fish: declared type fishing, not available, "other", or unknown."""
    if not ship_types:
        return np.ones(len(tr), dtype=bool)
    ok_types = set(cfg.fishing_ship_types) | set(cfg.unknown_ship_types)
    seg_ok = np.array(
        [(ship_types.get(int(m)) is None) or (int(ship_types[int(m)] or 0) in ok_types) for m in tr.seg_mmsi.tolist()],
        dtype=bool,
    )
    return seg_ok[tr.seg] if len(tr) else np.zeros(0, dtype=bool)


def _features(
    tr: Tracks, idx: Ints, v: Floats, key: Floats, cont: Bools, piece_end: Ints, cfg: FishingConfig
) -> dict[str, Any]:
    """Per-report features of the reports ``idx`` (in track order; ``v`` their speeds, ``key``
    their :meth:`Tracks.key`): steps 1 and 2 of the module docstring, aligned with ``idx``
    (:func:`maritime.detect.fishing_features.report_features`). ``cont[k]``: ``idx[k]`` is the
    report right after ``idx[k - 1]`` in one segment; ``piece_end[k]``: position in ``idx`` of
    the last report of the contiguous piece holding ``k`` (a circle looks no further)."""
    lat, lon = tr.lat[idx], tr.lon[idx]
    ds, turn, has_turn, w, maybe, jm = report_features(
        tr.t[idx],
        lat,
        lon,
        v,
        tr.cog[idx].astype(np.float64),
        cont,
        key,
        piece_end,
        cfg.min_step_km,
        cfg.max_step_minutes,
        cfg.circle_minutes,
        cfg.circle_min_speed_kn,
        cfg.circle_min_turn_deg,
        cfg.circle_min_sailed_km,
        cfg.slow_speed_kn,
    )
    # circle closing: back within circle_max_close_km
    circle = np.zeros(len(idx), dtype=bool)
    close = haversine_km(lat[maybe], lon[maybe], lat[jm], lon[jm])
    circle[maybe[close <= cfg.circle_max_close_km]] = True
    # one circle counts once: only the first report of a run of circle starts
    circle[1:] &= ~circle[:-1] | ~cont[1:]
    return {"v": v, "ds": ds, "turn": turn, "has_turn": has_turn, "circle": circle, "w": w}


def _windows(tr: Tracks, idx: Ints, gwin: Ints, f: dict[str, Any], cfg: FishingConfig) -> dict[str, Any]:
    """Per-window sums over the reports ``idx`` (step 3); ``gwin``: the window number of each
    report among all the candidates' windows (adjacent windows differ by one)."""
    seg = tr.seg[idx]
    brk = np.ones(len(idx), dtype=bool)
    brk[1:] = gwin[1:] != gwin[:-1]
    starts = np.nonzero(brk)[0]

    def tot(x: npt.NDArray[Any]) -> Floats:
        return np.add.reduceat(np.asarray(x, dtype=np.float64), starts) if len(starts) else np.zeros(0)

    v = f["v"]
    vk = np.isfinite(v)
    v0 = np.where(vk, v, 0.0)
    w = f["w"]
    slow = vk & (v < cfg.slow_speed_kn)
    ends = np.append(starts[1:], len(idx)) - 1
    return {
        "start_pos": starts,
        "end_pos": ends,
        "first": idx[starts],
        "last": idx[ends],
        "seg": seg[starts],
        "gwin": gwin[starts],
        "n": tot(np.ones(len(idx))),
        "nv": tot(vk),
        "sv": tot(v0),
        "sv2": tot(v0 * v0),
        "path": tot(f["ds"]),
        "nturn": tot(f["has_turn"]),
        "aturn": tot(np.abs(f["turn"])),
        "w": tot(w),
        "slow_w": tot(slow * w),
        "circles": tot(f["circle"]),
    }


def _night_weight(tr: Tracks, idx: Ints, w: Floats, p0: Ints, p1: Ints, cfg: FishingConfig) -> Floats:
    """Time (s) at night of each run (candidate positions ``p0``..``p1`` of ``idx``): the sun
    is computed only for reports inside runs."""
    mark = np.zeros(len(idx) + 1, dtype=np.int64)
    np.add.at(mark, p0, 1)
    np.add.at(mark, p1 + 1, -1)
    inside = np.nonzero(np.cumsum(mark[:-1]) > 0)[0]
    r = idx[inside]
    dark = night(tr.t[r], tr.lat[r], tr.lon[r], cfg.night_sun_depression_deg)
    nw = np.zeros(len(idx))
    nw[inside] = dark * w[inside]
    c = np.cumsum(np.append(0.0, nw))
    out: Floats = c[p1 + 1] - c[p0]
    return out


def _classify(
    dur_h: Floats,
    mean_v: Floats,
    cv: Floats,
    straight: Floats,
    irregular: Floats,
    night: Floats,
    slow_min: Floats,
    circles: Floats,
    cfg: FishingConfig,
) -> tuple[npt.NDArray[Any], Floats]:
    """Gear of each run and the confidence of that call (step 4); ``""`` when not fishing.

    Confidence [ours]: a base per gear (0.5-0.65: a closed circle followed by pursing is the
    most specific pattern, stop-start hauling the least), plus up to 0.1-0.2 for each feature
    by how far it lies past its threshold, plus up to 0.1 for duration (4 h beyond the
    minimum); events are capped at 0.95.
    """
    seine = (circles >= 1) & (slow_min >= cfg.seine_min_slow_minutes)
    squid = (
        (night >= cfg.squid_min_night_fraction)
        & (mean_v >= cfg.squid_min_speed_kn)
        & (mean_v < cfg.squid_max_speed_kn)
        & (dur_h >= cfg.squid_min_duration_hours)
    )
    transit = (straight >= cfg.transit_min_straightness) & (irregular < cfg.transit_max_irregularity_deg)
    trawl = (
        (mean_v >= cfg.trawl_min_speed_kn)
        & (mean_v < cfg.max_working_speed_kn)
        & (cv <= cfg.trawl_max_speed_cv)
        & (straight <= cfg.trawl_max_straightness)
    )
    longline = (
        (mean_v >= cfg.longline_min_speed_kn)
        & (mean_v < cfg.longline_max_speed_kn)
        & (cv >= cfg.longline_min_speed_cv)
        & (irregular >= cfg.longline_min_irregularity_deg)
    )
    gear = np.select(
        [squid, seine, transit, trawl, longline],
        [SQUID_JIGGING, PURSE_SEINE, _TRANSIT, TRAWL, LONGLINE],
        default=_NONE,
    )

    def margin(x: Floats, lo: float, hi: float) -> Floats:
        return np.clip((x - lo) / max(hi - lo, 1e-9), 0.0, 1.0)

    longer = margin(dur_h, cfg.min_duration_hours, cfg.min_duration_hours + 4.0)
    conf = np.select(
        [gear == PURSE_SEINE, gear == SQUID_JIGGING, gear == TRAWL, gear == LONGLINE],
        [
            0.65 + 0.1 * np.minimum(circles - 1, 2) / 2 + 0.1 * margin(slow_min, cfg.seine_min_slow_minutes, 90.0),
            0.55 + 0.2 * margin(night, cfg.squid_min_night_fraction, 1.0) + 0.1 * longer,
            0.55
            + 0.15 * margin(cfg.trawl_max_straightness - straight, 0.0, cfg.trawl_max_straightness)
            + 0.1 * margin(cfg.trawl_max_speed_cv - cv, 0.0, cfg.trawl_max_speed_cv),
            0.5
            + 0.1 * margin(cv, cfg.longline_min_speed_cv, 1.0)
            + 0.1 * margin(irregular, cfg.longline_min_irregularity_deg, 40.0),
        ],
        default=0.0,
    )
    return gear, conf + 0.1 * longer


def _runs(tr: Tracks, wd: dict[str, Any], cfg: FishingConfig, possible: Bools) -> tuple[Ints, Ints]:
    """First and last window of each run of working windows (step 4); ``possible``: windows
    that may work (the others hold only some of their reports)."""
    mean_v = wd["sv"] / np.maximum(wd["nv"], 1.0)
    working = (wd["n"] >= cfg.min_window_reports) & (wd["nv"] > 0) & (mean_v < cfg.max_working_speed_kn)
    working |= wd["circles"] > 0
    working &= possible
    wk = np.nonzero(working)[0]
    if len(wk) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    brk = np.ones(len(wk), dtype=bool)
    t_first = tr.t[wd["first"][wk]]
    t_last = tr.t[wd["last"][wk]]
    gw = wd["gwin"][wk]
    brk[1:] = (
        (wd["seg"][wk[1:]] != wd["seg"][wk[:-1]])
        | (gw[1:] != gw[:-1] + 1)
        | (t_first[1:] - t_last[:-1] > cfg.max_gap_hours * 3600.0)
    )
    s = np.nonzero(brk)[0]
    e = np.append(s[1:], len(wk)) - 1
    return wk[s], wk[e]


def detect_fishing(tr: Tracks, config: FishingConfig | None = None, ship_types: ShipTypes | None = None) -> list[Event]:
    """Apparent fishing events of ``tr`` (see the module docstring).

    Args:
        tr: prepared tracks.
        config: ``[fishing]`` thresholds (None: the defaults).
        ship_types: declared AIS ship type of each MMSI (``None``/absent: unknown). Vessels
            declaring a type other than fishing, not available or "other" are not candidates.

    Returns:
        One ``fishing`` event per fishing operation, with ``details.gear`` (trawl, longline,
        purse_seine, squid_jigging), the features that decided it, and a confidence (0..1).
        An event whose last report is its segment's last, heard within ``max_gap_hours`` of
        ``tr.now``, is open (``end`` None).

    Cost: only the candidates' windows that may be working
    (:func:`~maritime.detect.fishing_features.may_work`) and the reports around them reach the
    per-report features; the events are built with array operations.
    """
    cfg = config or FishingConfig()
    if len(tr) < 3:
        return []
    cand = np.nonzero(candidate_mask(tr, cfg, ship_types))[0]
    if len(cand) < 3:
        return []
    v_all = report_speed(tr, cand)
    gwin_all, possible = may_work(tr, cand, v_all, cfg)
    if not possible.any():
        return []
    key_all = tr.key()[cand] if len(cand) == len(tr) else track_key(tr, cand)
    need = np.nonzero(needed_reports(key_all, gwin_all, possible, cfg))[0]
    idx = cand[need]
    gwin = gwin_all[need]
    # contiguous pieces: a report follows the previous one of the subset in its segment
    cont = np.zeros(len(idx), dtype=bool)
    cont[1:] = (need[1:] == need[:-1] + 1) & (tr.seg[idx[1:]] == tr.seg[idx[:-1]])
    piece_start = np.nonzero(~cont)[0]
    piece_end = np.repeat(np.append(piece_start[1:], len(idx)) - 1, np.diff(np.append(piece_start, len(idx))))
    f = _features(tr, idx, v_all[need], key_all[need], cont, piece_end, cfg)
    wd = _windows(tr, idx, gwin, f, cfg)
    w0, w1 = _runs(tr, wd, cfg, possible[wd["gwin"]])
    if len(w0) == 0:
        return []

    def run_sum(name: str) -> Floats:
        c = np.cumsum(np.append(0.0, wd[name]))
        out: Floats = c[w1 + 1] - c[w0]
        return out

    a = wd["first"][w0]
    b = wd["last"][w1]
    dur_h = (tr.t[b] - tr.t[a]) / 3600.0
    nv = np.maximum(run_sum("nv"), 1.0)
    mean_v = run_sum("sv") / nv
    var = np.maximum(run_sum("sv2") / nv - mean_v**2, 0.0)
    cv = np.sqrt(var) / np.maximum(mean_v, 0.1)
    path = run_sum("path")
    net = haversine_km(tr.lat[a], tr.lon[a], tr.lat[b], tr.lon[b])
    straight = np.where(path > 0, np.minimum(net / np.maximum(path, 1e-9), 1.0), 0.0)
    irregular = run_sum("aturn") / np.maximum(run_sum("nturn"), 1.0)
    wsum = np.maximum(run_sum("w"), 1.0)
    night = _night_weight(tr, idx, f["w"], wd["start_pos"][w0], wd["end_pos"][w1], cfg) / wsum
    slow_min = run_sum("slow_w") / 60.0
    circles = run_sum("circles")
    gear, conf = _classify(dur_h, mean_v, cv, straight, irregular, night, slow_min, circles, cfg)
    keep = np.nonzero(np.isin(gear, GEARS))[0]
    if len(keep) == 0:
        return []
    feats = {
        "mean_speed_kn": mean_v,
        "speed_cv": cv,
        "straightness": straight,
        "course_change_deg": irregular,
        "night_fraction": night,
        "slow_minutes": slow_min,
        "circles": circles,
        "path_km": path,
    }
    return _events(tr, cfg, a[keep], b[keep], gear[keep], conf[keep], {k: x[keep] for k, x in feats.items()})


def _events(
    tr: Tracks,
    cfg: FishingConfig,
    a: Ints,
    b: Ints,
    gear: npt.NDArray[Any],
    conf: Floats,
    feats: dict[str, Floats],
) -> list[Event]:
    """Merge runs of one segment and gear (step 5) and build the events."""
    new = np.ones(len(a), dtype=bool)
    new[1:] = (
        (tr.seg[a[1:]] != tr.seg[a[:-1]])
        | (gear[1:] != gear[:-1])
        | ~(tr.t[a[1:]] - tr.t[b[:-1]] <= cfg.merge_gap_hours * 3600.0)
    )
    g0 = np.nonzero(new)[0]
    g1 = np.append(g0[1:], len(a)) - 1
    i0, i1 = a[g0], b[g1]
    hours = (tr.t[i1] - tr.t[i0]) / 3600.0
    ok = ~(hours < cfg.min_duration_hours)
    g0, g1, i0, i1, hours = g0[ok], g1[ok], i0[ok], i1[ok], hours[ok]
    if len(g0) == 0:
        return []
    mid_lat = range_medians(tr.lat, i0, i1)
    mid_lon = range_medians(tr.lon, i0, i1)
    d_port = port_distance(mid_lat, mid_lon)
    far = np.nonzero(~(d_port < cfg.min_port_km))[0]
    g0, g1, i0, i1, hours = g0[far], g1[far], i0[far], i1[far], hours[far]
    mid_lat, mid_lon, d_port = mid_lat[far], mid_lon[far], d_port[far]
    s = tr.seg[i0]
    seg_last = tr.seg_end[s] - 1
    open_ = (i1 == seg_last) & (tr.now - tr.t[seg_last] <= cfg.max_gap_hours * 3600.0)
    # features of one run as they are (weighted mean of one value: x * w / w, as np.average);
    # of several merged runs, their weighted mean or sum
    wts = tr.t[b] - tr.t[a] + 1.0
    summed = ("circles", "path_km", "slow_minutes")

    def row_sums(v: Floats) -> Floats:  # the rows of v (< 8 columns) added in order, as np.sum does
        out = v[:, 0].copy()
        for j in range(1, v.shape[1]):
            out += v[:, j]
        return out

    cols: dict[str, Floats] = {}
    for k, x in feats.items():
        cols[k] = x[g0] if k in summed else x[g0] * wts[g0] / wts[g0]
    best = np.maximum.reduceat(np.append(conf, -np.inf), np.ravel(np.column_stack([g0, g1 + 1])))[::2]
    multi = np.nonzero(g1 > g0)[0]
    size = g1[multi] - g0[multi] + 1
    for n in np.unique(size).tolist():
        ms = multi[size == n]
        if n >= 8:  # rare: numpy sums 8 or more values pairwise, so keep its order
            for m in ms.tolist():
                g = np.arange(g0[m], g1[m] + 1)
                for k, x in feats.items():
                    cols[k][m] = float(np.sum(x[g])) if k in summed else float(np.average(x[g], weights=wts[g]))
            continue
        # n < 8 values: np.sum / np.average add them in order; the same sums for all such groups at once
        g = g0[ms][:, None] + np.arange(n)
        w = wts[g]
        for k, x in feats.items():
            v = x[g] if k in summed else x[g] * w
            cols[k][ms] = row_sums(v) if k in summed else row_sums(v) / row_sums(w)
    runs = (g1 - g0 + 1).tolist()
    values = {k: c.tolist() for k, c in cols.items()}
    events = []
    rows = zip(
        s.tolist(), i0.tolist(), i1.tolist(), hours.tolist(), mid_lat.tolist(), mid_lon.tolist(), d_port.tolist()
    )
    for r, (sg, j0, j1, h, la, lo, dp) in enumerate(rows):
        details: dict[str, Any] = {
            "gear": str(gear[g0[r]]),
            "duration_h": round(h, 3),
            "reports": j1 - j0 + 1,
            "runs": runs[r],
            "distance_to_port_km": round(dp, 2),
            "last_seen": float(tr.t[j1]),
        }
        for k in feats:
            details[k] = round(values[k][r], 3)
        events.append(
            Event(
                kind=FISHING,
                mmsi=int(tr.seg_mmsi[sg]),
                other_mmsi=None,
                start=float(tr.t[j0]),
                end=None if open_[r] else float(tr.t[j1]),
                lat=la,
                lon=lo,
                confidence=round(float(min(best[r], 0.95)), 3),
                details=details,
            )
        )
    return events
