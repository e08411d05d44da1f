"""Dark periods: a silence far longer than the vessel's reporting rate and the local reception explain.

Global Fishing Watch's AIS-disabling events (Welch et al. 2022) are gaps of >= 12 h starting
>= 50 nm from shore; they are long and far offshore because GFW cannot tell a transponder
switched off from a vessel nobody could hear. Skylight's dark-activity events likewise rely
on fixed gap lengths. Here the reception is tested directly, so shorter silences can be
trusted where they are surprising and long ones are not flagged where they are not:

* **Reception model** (:mod:`maritime.detect.reception`): other vessels actually heard near
  the silent one, in space and time (near neighbours, and neighbours of the terrestrial
  receivers that heard it), satellite and terrestrial receivers told apart, and where other
  silences started and ended.
* **Candidate silences.** Consecutive reports of one segment (never of a raw MMSI: a shared
  MMSI cannot fake a silence) at least ``max(min_gap_hours, interval_factor x the vessel's own
  median interval)`` apart (at most ``max_threshold_hours``), or a last report that long
  before the latest data (an open silence, ``end`` NULL until the vessel reappears).
* **Evidence.** For each 10-minute bin of the silence (its first ``evidence_hours``), the
  vessel's expected position (interpolated to where it reappeared, or dead-reckoned from its
  last reported speed and course while still silent) and whether reception there is proven
  by other vessels heard near it ("covered" bin): another vessel of a compatible class heard
  in the 3x3 ``cell_deg`` cells around it (within ~11-22 km), or (Class A) a terrestrial
  receiver that heard the vessel in its last hour hearing others in the 3x3
  ``station_cell_deg`` cells around it (within ~28-55 km). A receiver that is alive but hears
  only ships elsewhere proves nothing, nor does a satellite (its footprint is continental).
  With no neighbour heard, no bin is covered and no dark period is written, however clean
  the vessel's own history.
  From the vessel's own history (``history_hours`` before the silence), over its covered
  bins: ``p`` = how often it was heard, ``q`` = how often an unheard bin was followed by
  another unheard one (reception is bursty). The chance that a transmitting vessel stays
  unheard for all ``n`` covered bins is ``(1 - p) * q^(n - 1)``; below ``max_p_silence`` the
  silence is a dark period, with a confidence growing with that surprise, with the share of
  covered bins and with the length of the history.
  - Shore coverage, neighbours heard throughout, a vessel heard every minute: ``p`` ~ 0.95,
    ``q`` ~ 0.3, two hours give ~1e-7: flagged.
  - Satellite-only areas: bins are covered only during passes, ``p`` is lower and ``q``
    higher, so the ~1.5 h between passes (and a few missed passes) stay far from the
    threshold; many hours of silence while the satellites hear the neighbours at every pass
    are flagged, at lower confidence.
  - A vessel at the edge of a receiver's range drops out now and then: its history has a high
    ``q``, and one more drop-out is not surprising. Class B units need stronger evidence
    (``class_b_max_p_silence``) and a steady history (``class_b_min_heard_fraction``).
  - Receiver outage: when the area around the last position had neighbours heard before the
    silence and lost them during it, or when a silence that would be flagged has at least
    ``together_min_others`` other vessels of the same area (3x3 ``together_cell_deg`` cells)
    falling silent and reappearing within ``together_minutes`` of it, the silence is a
    ``coverage_gap``: written with confidence 0.1 (``details.reason``), or not at all
    (``report_coverage_gaps``).
  - A silence of one transmitter of a shared MMSI while another reports within reach is the
    segmenter's split, not a silence.
* **Ports and shore.** Not flagged within ``min_port_km`` of a port or anchorage (either end)
  or ``min_shore_km`` of shore (last position): vessels switch AIS off in port and at
  landing sites.

Times are UTC seconds, speeds knots, distances km.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from maritime.detect.config import DarkConfig, TracksConfig
from maritime.detect.events import DARK, Event
from maritime.detect.reception import Reception, reception_model, satellite_codes, segment_class_b
from maritime.detect.shore import shore_port_distances
from maritime.detect.tracks import Tracks
from maritime.geodesy import NM_KM, destination, haversine_km, interp_latlon

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
#: ``(mmsi, t_last, reason, details)`` of a silence examined but not flagged.
Diagnostic = tuple[int, float, str, dict[str, Any]]


@dataclass
class Silence:
    """A candidate silence: report ``k`` of segment ``s`` is the last before it."""

    k: int
    is_open: bool
    s: int
    a: int  #: first report of the history window
    median_interval: float  #: s
    threshold: float  #: s
    t_last: float
    t_next: float | None  #: reappearance (None: still silent)
    gap: float  #: s (to "now" while open)


#: Records why a silence is not flagged (for ``diagnostics``).
Reject = Callable[[Silence, str, dict[str, Any] | None], None]
#: Finds the evidence of a silence: ``(tracks, silence, reception, config, class B, satellite
#: receiver codes) -> Evidence`` (None: no bin to judge).
EvidenceFn = Callable[[Tracks, Silence, Reception, DarkConfig, bool, npt.NDArray[np.bool_]], "Evidence | None"]


@dataclass
class Evidence:
    """Reception during a silence and in the vessel's history (see the module docstring)."""

    bins: Ints
    near: Ints  #: near neighbours per bin
    near_ter: Ints  #: of them heard by terrestrial receivers
    serving: Ints  #: terrestrial receivers that heard the vessel in its last hour
    by_serving: Ints  #: neighbours heard by them per bin
    covered: Bools
    heard_own: Bools  #: history bins the vessel was heard in
    hist_cov: Bools  #: covered history bins
    p: float
    q: float
    baseline: float  #: share of history bins with others heard around the last position
    during: float  #: ... and of silence bins
    others_silenced: int  #: other silences starting together with this one
    others_reappeared: int  #: ... and ending together


def detect_dark(
    tr: Tracks,
    config: DarkConfig | None = None,
    tracks_config: TracksConfig | None = None,
    diagnostics: list[Diagnostic] | None = None,
    reception: Reception | None = None,
    since: float | None = None,
    evidence: EvidenceFn | None = None,
) -> list[Event]:
    """Dark-period events (and low-confidence coverage gaps) of all segments of ``tr``.

    ``since`` (UTC s): examine only the silences still open or ending at or after it (a live
    cycle: older ones are settled, see :mod:`maritime.detect.increment`); None: all of them.
    ``evidence``: how the evidence of a silence is found (default :func:`_evidence`; a live
    cycle keeps that of settled open silences, :class:`maritime.detect.increment.EvidenceMemo`).

    ``reception``: the reception model of the whole area, when ``tr`` holds only some of its
    vessels (a cluster partition); by default it is built from ``tr``.

    ``diagnostics``, when a list, receives ``(mmsi, t_last, reason, details)`` for every
    silence long enough to be examined but not flagged (for tests and tuning).
    """

    def reject(c: Silence, why: str, det: dict[str, Any] | None = None) -> None:
        if diagnostics is not None:
            diagnostics.append((int(tr.seg_mmsi[c.s]), c.t_last, why, det or {}))

    cfg = config or DarkConfig()
    tcfg = tracks_config or TracksConfig()
    cands = _candidates(tr, cfg, since)
    if not cands:
        return []
    rec = reception if reception is not None else reception_model(tr, cfg)
    cls_b_seg = segment_class_b(tr)
    sat = satellite_codes(tr.station_names, cfg.satellite_receivers)
    # ports and shore at both ends (one vectorised call)
    ends = [c for c in cands if not c.is_open]
    la = np.array([tr.lat[c.k] for c in cands] + [tr.lat[c.k + 1] for c in ends])
    lo = np.array([tr.lon[c.k] for c in cands] + [tr.lon[c.k + 1] for c in ends])
    shore, port = shore_port_distances(la, lo, tr.anchorages)
    end_port = dict(zip([id(c) for c in ends], port[len(cands) :].tolist()))
    events = []
    E = cfg.evidence_hours * 3600.0
    for i, c in enumerate(cands):
        if port[i] < cfg.min_port_km or shore[i] < cfg.min_shore_km or end_port.get(id(c), math.inf) < cfg.min_port_km:
            reject(c, "near_port_or_shore", {"port_km": float(port[i]), "shore_km": float(shore[i])})
            continue
        # another transmitter of this MMSI reachable from here during the silence: the silence
        # is the segmenter's, not the vessel's
        if _explained_by_sibling(tr, c.s, c.k, c.t_last, c.t_last + min(c.gap, E), tcfg.max_speed_kn):
            reject(c, "shared_mmsi_sibling")
            continue
        cls_b = bool(cls_b_seg[c.s])
        ev = (_evidence if evidence is None else evidence)(tr, c, rec, cfg, cls_b, sat)
        if ev is None:
            continue
        details = _details(tr, c, ev, cls_b, float(shore[i]), float(port[i]))
        event = _decide(tr, c, ev, cfg, cls_b, details, reject)
        if event is not None:
            events.append(event)
    return events


def _candidates(tr: Tracks, cfg: DarkConfig, since: float | None = None) -> list[Silence]:
    """Silences longer than both ``min_gap_hours`` and the vessel's own threshold
    (``interval_factor`` x its median interval, at most ``max_threshold_hours``), with at
    least ``min_history_reports`` reports in the ``history_hours`` before them."""
    if len(tr) < 2:
        return []
    min_gap = cfg.min_gap_hours * 3600.0
    same = tr.seg[1:] == tr.seg[:-1]
    dt = tr.t[1:] - tr.t[:-1]
    k_closed = np.nonzero(same & (dt >= min_gap))[0]
    if since is not None:
        k_closed = k_closed[tr.t[k_closed + 1] >= since]
    last_idx = tr.seg_end - 1
    k_open = last_idx[(tr.now - tr.t[last_idx]) >= min_gap]
    if len(k_closed) == 0 and len(k_open) == 0:
        return []
    key = tr.key()
    span, t0 = tr._span(), tr._t0()
    H = cfg.history_hours * 3600.0
    out = []
    for k, is_open in [(int(k), False) for k in k_closed] + [(int(k), True) for k in k_open]:
        s = int(tr.seg[k])
        a = int(np.searchsorted(key, s * span + (tr.t[k] - H - t0), side="left"))
        a = max(a, int(tr.seg_start[s]))
        hist_t = tr.t[a : k + 1]
        if len(hist_t) < cfg.min_history_reports:
            continue
        d = np.diff(hist_t)
        d = d[d > 0]
        med = float(np.median(d)) if len(d) else math.inf
        thr = min(max(min_gap, cfg.interval_factor * med), cfg.max_threshold_hours * 3600.0)
        t_last = float(tr.t[k])
        t_next = None if is_open else float(tr.t[k + 1])
        gap = (tr.now if t_next is None else t_next) - t_last
        if gap >= thr:
            out.append(Silence(k, is_open, s, a, med, thr, t_last, t_next, gap))
    return out


def _expected_positions(tr: Tracks, c: Silence, tc: Floats) -> tuple[Floats, Floats]:
    """Where the vessel should be at times ``tc``: interpolated to where it reappeared, or
    dead-reckoned from its last reported speed and course while still silent."""
    k = c.k
    lat0, lon0 = float(tr.lat[k]), float(tr.lon[k])
    if c.t_next is None:
        sog = float(tr.sog[k]) if np.isfinite(tr.sog[k]) and tr.sog[k] < 30 else 0.0
        cog = float(tr.cog[k]) if np.isfinite(tr.cog[k]) else 0.0
        if sog <= 0:
            return np.full(len(tc), lat0), np.full(len(tc), lon0)
        return destination(lat0, lon0, cog, sog * NM_KM * (tc - c.t_last) / 3600.0)
    f = (tc - c.t_last) / (c.t_next - c.t_last)
    return interp_latlon(f, lat0, lon0, tr.lat[k + 1], tr.lon[k + 1])


def _evidence(tr: Tracks, c: Silence, rec: Reception, cfg: DarkConfig, cls_b: bool, sat: Bools) -> Evidence | None:
    """Reception during the silence (its first ``evidence_hours``) and in the history."""
    bin_s = cfg.bin_minutes * 60.0
    k, a = c.k, c.a
    b_first = int(math.floor(c.t_last / bin_s)) + 1
    b_last = int(math.floor((c.t_last + min(c.gap, cfg.evidence_hours * 3600.0)) / bin_s)) - 1
    if b_last < b_first:
        return None
    gb = np.arange(b_first, b_last + 1, dtype=np.int64)
    plat, plon = _expected_positions(tr, c, (gb.astype(np.float64) + 0.5) * bin_s)
    near, near_ter = rec.near(plat, plon, gb, cls_b)
    # the terrestrial receivers that heard the vessel in its last hour, hearing others near
    # where it should be (Class B units, 2 W, are heard at about half the range: a receiver
    # hearing Class A ships 40 km away says nothing about them)
    w0 = int(np.searchsorted(tr.t[a : k + 1], c.t_last - cfg.station_window_minutes * 60.0, side="left")) + a
    st = np.unique(tr.station[w0 : k + 1]).astype(np.int64)
    st = st[st >= 0]
    serving = st[~sat[np.minimum(st, len(sat) - 1)]] if len(sat) and len(st) else st
    none = np.zeros(len(gb), dtype=np.int64)
    by_serving = none if cls_b else rec.by_stations(serving, plat, plon, gb)
    covered = (near > 0) | (by_serving > 0)
    # the vessel's own history: how often it was heard when others were heard around it, and
    # how bursty its silences were (a two-state Markov chain over covered bins)
    hb = np.floor(tr.t[a : k + 1] / bin_s).astype(np.int64)
    hb_all = np.arange(int(hb[0]), int(hb[-1]) + 1, dtype=np.int64)
    heard_own = np.isin(hb_all, hb)
    pos = np.clip(np.searchsorted(hb, hb_all, side="right") - 1, 0, len(hb) - 1) + a
    h_near, _ = rec.near(tr.lat[pos], tr.lon[pos], hb_all, cls_b)
    h_st = (
        np.zeros(len(hb_all), dtype=np.int64) if cls_b else rec.by_stations(serving, tr.lat[pos], tr.lon[pos], hb_all)
    )
    hist_cov = heard_own | (h_near > 0) | (h_st > 0)
    p, q = _heard_model(heard_own[hist_cov], cfg)
    # receiver outage: others heard around the last position, before vs during
    lat0, lon0 = float(tr.lat[k]), float(tr.lon[k])
    at_last = (np.full(len(hb_all), lat0), np.full(len(hb_all), lon0))
    b_near = rec.near(*at_last, hb_all, cls_b)[0] - _own_cells(tr, a, k, hb_all, rec.cell_deg, lat0, lon0, None, bin_s)
    b_st = np.zeros(len(hb_all), dtype=np.int64)
    if not cls_b:
        b_st = rec.by_stations(serving, *at_last, hb_all)
        b_st -= _own_cells(tr, a, k, hb_all, rec.station_cell_deg, lat0, lon0, serving, bin_s)
    baseline = float(np.mean((b_near > 0) | (b_st > 0))) if len(hb_all) else 0.0
    d_near = rec.near(np.full(len(gb), lat0), np.full(len(gb), lon0), gb, cls_b)[0]
    d_st = none if cls_b else rec.by_stations(serving, np.full(len(gb), lat0), np.full(len(gb), lon0), gb)
    during = float(np.mean((d_near > 0) | (d_st > 0)))
    # other vessels of the area falling silent and reappearing together with this one
    win = int(math.ceil(cfg.together_minutes / cfg.bin_minutes))
    started = rec.silences_around(False, lat0, lon0, int(math.floor(c.t_last / bin_s)), win) - 1
    if c.t_next is None:
        e_lat, e_lon, e_t = lat0, lon0, tr.now
    else:
        e_lat, e_lon, e_t = float(tr.lat[k + 1]), float(tr.lon[k + 1]), c.t_next
    ended = rec.silences_around(True, e_lat, e_lon, int(math.floor(e_t / bin_s)), win) - 1
    return Evidence(
        gb, near, near_ter, serving, by_serving, covered, heard_own, hist_cov, p, q, baseline, during, started, ended
    )


def _details(tr: Tracks, c: Silence, ev: Evidence, cls_b: bool, shore_km: float, port_km: float) -> dict[str, Any]:
    """The evidence of a silence, for people (``events.details``)."""
    k = c.k
    lat0, lon0 = float(tr.lat[k]), float(tr.lon[k])
    n_cov = int(ev.covered.sum())
    p_sil = _p_silence(ev)
    gap_km = None if c.t_next is None else float(haversine_km(lat0, lon0, tr.lat[k + 1], tr.lon[k + 1]))
    names = tr.station_names
    return {
        "last_seen": {"time": c.t_last, "lat": round(lat0, 6), "lon": round(lon0, 6)},
        "reappeared": None
        if c.t_next is None
        else {"time": c.t_next, "lat": round(float(tr.lat[k + 1]), 6), "lon": round(float(tr.lon[k + 1]), 6)},
        "gap_h": round(c.gap / 3600.0, 3),
        "gap_distance_km": None if gap_km is None else round(gap_km, 3),
        "implied_speed_kn": None if gap_km is None else round(gap_km / NM_KM / (c.gap / 3600.0), 3),
        "reports_before": int(k + 1 - c.a),
        "median_interval_s": round(c.median_interval, 1),
        "threshold_h": round(c.threshold / 3600.0, 3),
        "class": "B" if cls_b else "A",
        "distance_to_shore_km": round(shore_km, 2),
        "distance_to_port_km": round(port_km, 2),
        "reception": {
            "bins": int(len(ev.bins)),
            "covered_bins": n_cov,
            "coverage": round(n_cov / len(ev.bins), 3),
            "mean_neighbours": round(float(ev.near.mean()), 2),
            "min_neighbours": int(ev.near.min()),
            "max_neighbours": int(ev.near.max()),
            "terrestrial_neighbour_bins": int((ev.near_ter > 0).sum()),
            "satellite_only_neighbour_bins": int(((ev.near > 0) & (ev.near_ter == 0)).sum()),
            "receivers": [names[x] if x < len(names) else str(x) for x in ev.serving.tolist()],
            "receiver_neighbour_bins": int((ev.by_serving > 0).sum()),
            "history_bins": int(len(ev.heard_own)),
            "history_heard_bins": int(ev.heard_own.sum()),
            "history_covered_bins": int(ev.hist_cov.sum()),
            "history_coverage": round(float(ev.hist_cov.mean()), 3),
            "p_heard": round(float(ev.p), 4),
            "p_stay_unheard": round(float(ev.q), 4),
            "p_silence": float(f"{p_sil:.3g}"),
            "area_coverage_before": round(ev.baseline, 3),
            "area_coverage_during": round(ev.during, 3),
            "others_silenced_together": max(ev.others_silenced, 0),
            "others_reappeared_together": max(ev.others_reappeared, 0),
        },
    }


def _p_silence(ev: Evidence) -> float:
    n_cov = int(ev.covered.sum())
    return (1.0 - ev.p) * ev.q ** (n_cov - 1) if n_cov > 0 else 1.0


def _decide(
    tr: Tracks,
    c: Silence,
    ev: Evidence,
    cfg: DarkConfig,
    cls_b: bool,
    details: dict[str, Any],
    reject: Reject,
) -> Event | None:
    """The event of a silence (a dark period, or a coverage gap at low confidence), or None."""
    mmsi = int(tr.seg_mmsi[c.s])
    lat0, lon0 = float(tr.lat[c.k]), float(tr.lon[c.k])
    outage = ev.baseline >= cfg.outage_min_baseline and ev.during < cfg.outage_ratio * ev.baseline
    if outage:
        return _coverage_gap(mmsi, c, ev, cfg, lat0, lon0, details, reject)
    n_cov = int(ev.covered.sum())
    p_sil = _p_silence(ev)
    max_p = cfg.class_b_max_p_silence if cls_b else cfg.max_p_silence
    if n_cov < cfg.min_covered_bins or p_sil > max_p:
        reject(c, "explained_by_reception", details)
        return None
    # intermittent reception (satellite passes) or Class B: receptions come in bursts
    # hours apart, and among thousands of such silences some are long by chance
    intermittent = float(ev.hist_cov.mean()) < cfg.intermittent_coverage
    if (intermittent or cls_b) and c.gap < cfg.intermittent_min_gap_hours * 3600.0:
        reject(c, "intermittent_reception", details)
        return None
    if cls_b and ev.heard_own.mean() < cfg.class_b_min_heard_fraction:
        reject(c, "class_b_intermittent", details)
        return None
    # several vessels of the area fell silent and reappeared with this one: their receiver
    # (or its link) failed, whatever else was heard
    if min(ev.others_silenced, ev.others_reappeared) >= cfg.together_min_others:
        return _coverage_gap(mmsi, c, ev, cfg, lat0, lon0, details, reject)
    surprise = min(-math.log10(max(p_sil, 1e-300)), 300.0)
    floor_ = -math.log10(max_p)
    conf = 0.5 + 0.49 * min(1.0, (surprise - floor_) / 8.0)
    conf *= 0.7 + 0.3 * min(1.0, (n_cov / len(ev.bins)) / 0.8)
    conf *= 0.8 + 0.2 * min(1.0, (c.k + 1 - c.a) / 30.0)
    details["reason"] = "ais_silence"
    return Event(DARK, mmsi, None, c.t_last, c.t_next, lat0, lon0, min(conf, 0.99), details)


def _coverage_gap(
    mmsi: int,
    c: Silence,
    ev: Evidence,
    cfg: DarkConfig,
    lat0: float,
    lon0: float,
    details: dict[str, Any],
    reject: Reject,
) -> Event | None:
    """A silence explained by the receivers: written at ``coverage_gap_confidence`` (for a
    vessel normally heard, ``p`` >= 0.5) or not at all (``report_coverage_gaps`` false)."""
    if cfg.report_coverage_gaps and ev.p >= 0.5:
        details["reason"] = "coverage_gap"
        return Event(DARK, mmsi, None, c.t_last, c.t_next, lat0, lon0, cfg.coverage_gap_confidence, details)
    reject(c, "coverage_gap", details)
    return None


def _own_cells(
    tr: Tracks,
    a: int,
    k: int,
    bins: Ints,
    deg: float,
    lat0: float,
    lon0: float,
    stations: Ints | None,
    bin_s: float,
) -> Ints:
    """The vessel's own contribution, per bin, to the counts of the 3x3 ``deg`` cells around
    (lat0, lon0): the distinct cells (and receivers, when ``stations`` is given) it was heard
    in; subtracted so that the area's baseline counts only the others."""
    nx = int(round(360.0 / deg))
    iy = np.floor((tr.lat[a : k + 1] + 90.0) / deg).astype(np.int64)
    ix = np.floor((tr.lon[a : k + 1] + 180.0) / deg).astype(np.int64) % nx
    cy = int(math.floor((lat0 + 90.0) / deg))
    cx = int(math.floor((lon0 + 180.0) / deg)) % nx
    dx = np.abs(ix - cx)
    near = (np.abs(iy - cy) <= 1) & (np.minimum(dx, nx - dx) <= 1)
    st = tr.station[a : k + 1].astype(np.int64)
    if stations is not None:
        near &= np.isin(st, stations)
    if not near.any():
        return np.zeros(len(bins), dtype=np.int64)
    b = np.floor(tr.t[a : k + 1] / bin_s).astype(np.int64)
    ident = (iy * nx + ix) * 100_000 + (st + 1 if stations is not None else 0)
    u = np.unique(np.stack([b[near], ident[near]]), axis=1)[0]
    out: Ints = np.searchsorted(u, bins, side="right") - np.searchsorted(u, bins, side="left")
    return out


def _heard_model(heard: Bools, cfg: DarkConfig) -> tuple[float, float]:
    """(p, q) from the vessel's covered history bins in time order: p = P(heard) and
    q = P(unheard | unheard in the previous covered bin), each with a weak prior
    (``prior_p_heard``, ``prior_p_stay_unheard``, weight ``prior_weight`` bins).

    Reception is bursty (a vessel at the edge of a station's range drops out for a while),
    so a silence of n covered bins has probability ``(1 - p) * q^(n - 1)``, not
    ``(1 - p)^n``: a vessel whose history shows long drop-outs is not flagged for one more.
    """
    w = cfg.prior_weight
    n = len(heard)
    p = (float(heard.sum()) + w * cfg.prior_p_heard) / (n + w)
    p = min(p, cfg.max_p_heard)
    if n > 1:
        prev_u = ~heard[:-1]
        n_u = int(prev_u.sum())
        n_uu = int((prev_u & ~heard[1:]).sum())
    else:
        n_u = n_uu = 0
    q = (n_uu + w * cfg.prior_p_stay_unheard) / (n_u + w)
    return p, q


def _explained_by_sibling(tr: Tracks, s: int, k: int, t_a: float, t_b: float, max_speed_kn: float) -> bool:
    """True when another segment of the same MMSI reports during (t_a, t_b] within reach of
    report ``k`` (the silence belongs to a segmentation split, not to the vessel)."""
    mmsi = tr.seg_mmsi[s]
    sibs = np.nonzero(tr.seg_mmsi == mmsi)[0]
    if len(sibs) < 2:
        return False
    for o in sibs:
        if o == s:
            continue
        a, b = int(tr.seg_start[o]), int(tr.seg_end[o])
        tt = tr.t[a:b]
        sel = (tt > t_a) & (tt <= t_b)
        if not sel.any():
            continue
        d = haversine_km(tr.lat[k], tr.lon[k], tr.lat[a:b][sel], tr.lon[a:b][sel])
        v = d / NM_KM / (np.maximum(tt[sel] - t_a, 1.0) / 3600.0)
        if (v <= max_speed_kn).any():
            return True
    return False
