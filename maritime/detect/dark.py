"""Dark periods: a silence far longer than the vessel's reporting rate and the local reception explain.

Global Fishing Watch's AIS-disabling events (Welch et al. 2022) are gaps of >= 12 h starting
>= 50 nm from shore; they are long and far offshore because GFW cannot tell a transponder
switched off from a vessel nobody could hear. Skylight's dark-activity events likewise rely
on fixed gap lengths. Here the reception is tested directly, so shorter silences can be
trusted where they are surprising and long ones are not flagged where they are not:

* **Reception model.** From all reports: for each 0.1° cell and 10-minute bin, the number of
  distinct transmitters heard, for all classes and for Class B alone (2 W Class B units are
  heard at about half the range of 12.5 W Class A ones, so only Class B receptions are
  evidence that a Class B vessel could have been heard).
* **Candidate silences.** Consecutive reports of one segment (never of a raw MMSI: a shared
  MMSI cannot fake a silence) at least ``max(min_gap_hours, interval_factor x the vessel's own
  median interval)`` apart (at most ``max_threshold_hours``), or a last report that long
  before the latest data (an open silence, ``end`` NULL until the vessel reappears).
* **Evidence.** For each 10-minute bin of the silence (its first ``evidence_hours``), the
  vessel's expected position (interpolated to where it reappeared, or dead-reckoned from its
  last reported speed and course while still silent) and whether reception there is proven:
  another vessel of a compatible class was heard in the 3x3 cells around it, or (Class A) a
  receiver that heard the vessel in its last hour kept hearing others while the expected
  position stayed within ``station_reach_km`` of where it was last heard ("covered" bin).
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
  - Receiver outage: when the area around the last position had reception before the
    silence and lost it during (every vessel there goes silent at once, the serving receiver
    hears nothing), the silence is a ``coverage_gap``: written with confidence 0.1
    (``details.reason``), or not at all (``report_coverage_gaps``).
  - A silence of one transmitter of a shared MMSI while another reports within reach is the
    segmenter's split, not a silence.
* **Ports and shore.** Not flagged within ``min_port_km`` of a port or anchorage (either end)
  or ``min_shore_km`` of shore (last position): vessels switch AIS off in port and at
  landing sites.

Times are UTC seconds, speeds knots, distances km.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from maritime.detect.config import DarkConfig, TracksConfig
from maritime.detect.events import DARK, Event
from maritime.detect.shore import shore_port_distances
from maritime.detect.tracks import Tracks
from maritime.geodesy import NM_KM, destination, haversine_km, interp_latlon


@dataclass
class Reception:
    """Sparse reception grid: sorted keys (cell x bin) and distinct transmitters heard.

    ``key = (iy * nx + ix) * nb + (bin - b0)`` with ``iy = floor((lat + 90) / cell_deg)``,
    ``ix = floor((lon + 180) / cell_deg)``, ``bin = floor(t / bin_s)``.
    """

    keys: np.ndarray
    n_all: np.ndarray
    n_b: np.ndarray
    st_keys: np.ndarray
    st_n: np.ndarray
    cell_deg: float
    bin_s: float
    nx: int
    b0: int
    nb: int

    def cells(self, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        iy = np.floor((np.asarray(lat) + 90.0) / self.cell_deg).astype(np.int64)
        ix = np.floor((np.asarray(lon) + 180.0) / self.cell_deg).astype(np.int64) % self.nx
        return iy, ix

    def station_heard(self, stations: np.ndarray, bins: np.ndarray) -> np.ndarray:
        """Transmitters heard by any of ``stations`` (receiver codes) during each bin."""
        out = np.zeros(len(bins), dtype=np.int64)
        if len(self.st_keys) == 0 or len(bins) == 0:
            return out
        rel = bins - self.b0
        inside = (rel >= 0) & (rel < self.nb)
        for st in np.asarray(stations).tolist():
            k = int(st) * self.nb + rel
            pos = np.clip(np.searchsorted(self.st_keys, k), 0, len(self.st_keys) - 1)
            hit = inside & (self.st_keys[pos] == k)
            out += np.where(hit, self.st_n[pos], 0)
        return out

    def heard(self, iy: np.ndarray, ix: np.ndarray, bins: np.ndarray, class_b: np.ndarray) -> np.ndarray:
        """Transmitters heard in the 3x3 cells around (iy, ix) during each bin (class-aware)."""
        out = np.zeros(len(bins), dtype=np.int64)
        if len(self.keys) == 0 or len(bins) == 0:
            return out
        rel = bins - self.b0
        inside = (rel >= 0) & (rel < self.nb)
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                k = ((iy + dy) * self.nx + (ix + dx) % self.nx) * self.nb + rel
                pos = np.clip(np.searchsorted(self.keys, k), 0, len(self.keys) - 1)
                hit = inside & (self.keys[pos] == k)
                out += np.where(hit, np.where(class_b, self.n_b[pos], self.n_all[pos]), 0)
        return out


def segment_class_b(tr: Tracks) -> np.ndarray:
    """True for each segment whose reports are mostly Class B."""
    if tr.n_segments == 0:
        return np.zeros(0, dtype=bool)
    return np.add.reduceat(tr.cls_b.astype(np.int64), tr.seg_start) * 2 > (tr.seg_end - tr.seg_start)


def bin_range(t_min: float, t_max: float, bin_s: float) -> tuple[int, int]:
    """``(b0, nb)`` of a :class:`Reception` covering UTC seconds ``t_min`` to ``t_max``."""
    b0 = int(math.floor(t_min / bin_s)) - 1
    return b0, int(math.floor(t_max / bin_s)) - b0 + 2


def reception_model(
    tr: Tracks, seg_class_b: np.ndarray, cell_deg: float, bin_s: float, bins: tuple[int, int] | None = None
) -> Reception:
    """Distinct transmitters (segments) heard per cell and bin, all classes and Class B.

    ``bins`` (``(b0, nb)`` from :func:`bin_range`) fixes the key layout, so that models of
    disjoint sets of vessels can be added with :func:`merge_receptions`; by default it
    covers ``tr``'s own time span.
    """
    nx = int(round(360.0 / cell_deg))
    if len(tr) == 0:
        z = np.zeros(0, dtype=np.int64)
        b0, nb = bins or (0, 1)
        return Reception(z, z, z, z, z, cell_deg, bin_s, nx, b0, nb)
    iy = np.floor((tr.lat + 90.0) / cell_deg).astype(np.int64)
    ix = np.floor((tr.lon + 180.0) / cell_deg).astype(np.int64) % nx
    b = np.floor(tr.t / bin_s).astype(np.int64)
    b0, nb = bins or bin_range(float(tr.t.min()), float(tr.t.max()), bin_s)
    key = (iy * nx + ix) * nb + (b - b0)
    del iy, ix
    seg = tr.seg
    ns = max(tr.n_segments, 1)
    # per receiver and bin: distinct transmitters heard (receiver liveness)
    known = tr.station >= 0
    if known.any():
        sk = np.where(known, tr.station.astype(np.int64) * nb + (b - b0), -1)
        # reports are sorted by segment then time: repeats of (segment, key) come in a row
        rep = np.ones(len(sk), dtype=bool)
        rep[1:] = (sk[1:] != sk[:-1]) | (seg[1:] != seg[:-1])
        rep &= known
        spair = _sorted_unique(sk[rep] * ns + seg[rep])
        st_keys, st_n = _run_counts(spair // ns)
    else:
        st_keys = st_n = np.zeros(0, dtype=np.int64)
    keep = np.ones(len(key), dtype=bool)
    keep[1:] = (key[1:] != key[:-1]) | (seg[1:] != seg[:-1])
    key, seg = key[keep], seg[keep]
    pair = _sorted_unique(key * ns + seg)
    del key, seg
    pkey = pair // ns
    pseg = pair % ns
    keys, n_all = _run_counts(pkey)
    first = np.concatenate([[0], np.cumsum(n_all)[:-1]]).astype(np.int64)
    n_b = np.add.reduceat(seg_class_b[pseg].astype(np.int64), first) if len(first) else np.zeros(0, np.int64)
    return Reception(keys, n_all.astype(np.int64), n_b, st_keys, st_n.astype(np.int64), cell_deg, bin_s, nx, b0, nb)


def merge_receptions(parts: list[Reception]) -> Reception:
    """The reception model of the union of disjoint sets of vessels (counts add up).

    Every part must share ``cell_deg``, ``bin_s`` and ``(b0, nb)``; each transmitter
    (segment) must belong to one part only, as when parts are built per group of MMSIs.
    """
    if not parts:
        raise ValueError("no reception models to merge")
    p0 = parts[0]
    for p in parts[1:]:
        if (p.cell_deg, p.bin_s, p.nx, p.b0, p.nb) != (p0.cell_deg, p0.bin_s, p0.nx, p0.b0, p0.nb):
            raise ValueError("reception models with different layouts cannot be merged")

    def add(keys: list[np.ndarray], *counts: list[np.ndarray]) -> tuple[np.ndarray, ...]:
        k = np.concatenate(keys)
        order = np.argsort(k, kind="stable")
        k = k[order]
        if len(k) == 0:
            return (k,) + tuple(np.zeros(0, dtype=np.int64) for _ in counts)
        first = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
        return (k[first],) + tuple(np.add.reduceat(np.concatenate(c)[order], first).astype(np.int64) for c in counts)

    keys, n_all, n_b = add([p.keys for p in parts], [p.n_all for p in parts], [p.n_b for p in parts])
    st_keys, st_n = add([p.st_keys for p in parts], [p.st_n for p in parts])
    return Reception(keys, n_all, n_b, st_keys, st_n, p0.cell_deg, p0.bin_s, p0.nx, p0.b0, p0.nb)


def _sorted_unique(x: np.ndarray) -> np.ndarray:
    """Sorted distinct values (sort + diff: faster than np.unique's hashing on millions)."""
    x = np.sort(x)
    if len(x) < 2:
        return x
    keep = np.ones(len(x), dtype=bool)
    keep[1:] = x[1:] != x[:-1]
    return x[keep]


def _run_counts(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of the sorted ``x`` and how many times each occurs."""
    if len(x) == 0:
        return x, np.zeros(0, dtype=np.int64)
    start = np.ones(len(x), dtype=bool)
    start[1:] = x[1:] != x[:-1]
    idx = np.nonzero(start)[0]
    return x[idx], np.diff(np.append(idx, len(x))).astype(np.int64)


def detect_dark(
    tr: Tracks,
    config: DarkConfig | None = None,
    tracks_config: TracksConfig | None = None,
    diagnostics: list | None = None,
    reception: Reception | None = None,
) -> list[Event]:
    """Dark-period events (and low-confidence coverage gaps) of all segments of ``tr``.

    ``reception``: the reception model of the whole area, when ``tr`` holds only some of its
    vessels (a cluster partition); by default it is built from ``tr``.

    ``diagnostics``, when a list, receives ``(mmsi, t_last, reason, details)`` for every
    silence long enough to be examined but not flagged (for tests and tuning).
    """

    def reject(s_: int, t_: float, why: str, det: dict | None = None) -> None:
        if diagnostics is not None:
            diagnostics.append((int(tr.seg_mmsi[s_]), t_, why, det or {}))

    cfg = config or DarkConfig()
    tcfg = tracks_config or TracksConfig()
    n = len(tr)
    if n < 2:
        return []
    bin_s = cfg.bin_minutes * 60.0
    min_gap = cfg.min_gap_hours * 3600.0
    # candidate silences: consecutive reports of a segment, and open silences at the end
    same = tr.seg[1:] == tr.seg[:-1]
    dt = tr.t[1:] - tr.t[:-1]
    k_closed = np.nonzero(same & (dt >= min_gap))[0]
    last_idx = tr.seg_end - 1
    k_open = last_idx[(tr.now - tr.t[last_idx]) >= min_gap]
    if len(k_closed) == 0 and len(k_open) == 0:
        return []
    cls_b_seg = segment_class_b(tr)
    rec = reception if reception is not None else reception_model(tr, cls_b_seg, cfg.cell_deg, bin_s)
    key = tr.key()
    span, t0 = tr._span(), tr._t0()
    H = cfg.history_hours * 3600.0
    E = cfg.evidence_hours * 3600.0
    cands = [(int(k), False) for k in k_closed] + [(int(k), True) for k in k_open]
    prelim = []
    for k, is_open in cands:
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
        gap = (tr.now if is_open else t_next) - t_last
        if gap < thr:
            continue
        prelim.append((k, is_open, s, a, med, thr, t_last, t_next, gap))
    if not prelim:
        return []
    # ports and shore at both ends (one vectorised call)
    la = np.array([tr.lat[p[0]] for p in prelim] + [tr.lat[p[0] + 1] for p in prelim if not p[1]])
    lo = np.array([tr.lon[p[0]] for p in prelim] + [tr.lon[p[0] + 1] for p in prelim if not p[1]])
    shore, port = shore_port_distances(la, lo)
    m = len(prelim)
    end_port = {}
    j = m
    for i, p in enumerate(prelim):
        if not p[1]:
            end_port[i] = port[j]
            j += 1
    events = []
    tmax = tcfg.max_speed_kn
    for i, (k, is_open, s, a, med, thr, t_last, t_next, gap) in enumerate(prelim):
        if port[i] < cfg.min_port_km or shore[i] < cfg.min_shore_km or end_port.get(i, math.inf) < cfg.min_port_km:
            reject(s, t_last, "near_port_or_shore", {"port_km": float(port[i]), "shore_km": float(shore[i])})
            continue
        lat0, lon0 = float(tr.lat[k]), float(tr.lon[k])
        cls_b = bool(cls_b_seg[s])
        # another transmitter of this MMSI reachable from here during the silence: the silence
        # is the segmenter's, not the vessel's
        if _explained_by_sibling(tr, s, k, t_last, t_last + min(gap, E), tmax):
            reject(s, t_last, "shared_mmsi_sibling")
            continue
        # --- evidence during the silence
        b_first = int(math.floor(t_last / bin_s)) + 1
        t_ev_end = t_last + min(gap, E)
        b_last = int(math.floor(t_ev_end / bin_s)) - 1
        if b_last < b_first:
            continue
        gb = np.arange(b_first, b_last + 1)
        tc = (gb + 0.5) * bin_s
        if is_open:
            sog = float(tr.sog[k]) if np.isfinite(tr.sog[k]) and tr.sog[k] < 30 else 0.0
            cog = float(tr.cog[k]) if np.isfinite(tr.cog[k]) else 0.0
            dist = sog * NM_KM * (tc - t_last) / 3600.0
            plat, plon = (
                destination(lat0, lon0, cog, dist) if sog > 0 else (np.full(len(tc), lat0), np.full(len(tc), lon0))
            )
        else:
            f = (tc - t_last) / (t_next - t_last)
            plat, plon = interp_latlon(f, lat0, lon0, tr.lat[k + 1], tr.lon[k + 1])
        iy, ix = rec.cells(plat, plon)
        cb = np.full(len(gb), cls_b)
        nb_gap = rec.heard(iy, ix, gb, cb)
        # the receivers that heard the vessel in its last hour, still hearing others while the
        # vessel's expected position stays within their reach
        w0 = int(np.searchsorted(key, s * span + (t_last - cfg.station_window_minutes * 60.0 - t0), side="left"))
        serving = np.unique(tr.station[max(w0, a) : k + 1])
        serving = serving[serving >= 0]
        st_gap = rec.station_heard(serving, gb)
        # Class B units (2 W) are heard at about half the range of Class A ones: a receiver
        # that still hears others says nothing about whether it could hear this Class B unit
        reach = (haversine_km(lat0, lon0, plat, plon) <= cfg.station_reach_km) & (not cls_b)
        covered = (nb_gap > 0) | ((st_gap > 0) & reach)
        n_cov = int(covered.sum())
        # --- the vessel's own history: how often it was heard when its area had reception,
        # and how bursty its silences were (a two-state Markov chain over covered bins)
        ht = tr.t[a : k + 1]
        hb = np.floor(ht / bin_s).astype(np.int64)
        hb_all = np.arange(int(hb[0]), int(hb[-1]) + 1)
        heard_own = np.isin(hb_all, hb)
        pos = np.clip(np.searchsorted(hb, hb_all, side="right") - 1, 0, len(hb) - 1) + a
        hy, hx = rec.cells(tr.lat[pos], tr.lon[pos])
        nb_hist = rec.heard(hy, hx, hb_all, np.full(len(hb_all), cls_b))
        st_hist = rec.station_heard(serving, hb_all) * (not cls_b)
        hist_cov = heard_own | (nb_hist > 0) | (st_hist > 0)
        p, q = _heard_model(heard_own[hist_cov], cfg)
        # --- receiver outage: reception around the last position, before vs during
        ly, lx = rec.cells(np.array([lat0]), np.array([lon0]))
        own_cells = _own_counts(tr, a, k, rec, hb_all, ly[0], lx[0])
        base = (
            rec.heard(np.full(len(hb_all), ly[0]), np.full(len(hb_all), lx[0]), hb_all, np.full(len(hb_all), cls_b))
            - own_cells
        )
        own_st = _own_station_counts(tr, a, k, serving, hb_all, bin_s)
        baseline = float(np.mean((base > 0) | (st_hist - own_st > 0))) if len(base) else 0.0
        same_area = rec.heard(np.full(len(gb), ly[0]), np.full(len(gb), lx[0]), gb, cb)
        during = float(np.mean((same_area > 0) | ((st_gap > 0) & (not cls_b))))
        p_sil = (1.0 - p) * q ** (n_cov - 1) if n_cov > 0 else 1.0
        gap_km = None if is_open else float(haversine_km(lat0, lon0, tr.lat[k + 1], tr.lon[k + 1]))
        details = {
            "last_seen": {"time": t_last, "lat": round(lat0, 6), "lon": round(lon0, 6)},
            "reappeared": None
            if is_open
            else {"time": t_next, "lat": round(float(tr.lat[k + 1]), 6), "lon": round(float(tr.lon[k + 1]), 6)},
            "gap_h": round(gap / 3600.0, 3),
            "gap_distance_km": None if gap_km is None else round(gap_km, 3),
            "implied_speed_kn": None if gap_km is None else round(gap_km / NM_KM / (gap / 3600.0), 3),
            "reports_before": int(k + 1 - a),
            "median_interval_s": round(med, 1),
            "threshold_h": round(thr / 3600.0, 3),
            "class": "B" if cls_b else "A",
            "distance_to_shore_km": round(float(shore[i]), 2),
            "distance_to_port_km": round(float(port[i]), 2),
            "reception": {
                "bins": int(len(gb)),
                "covered_bins": n_cov,
                "coverage": round(n_cov / len(gb), 3),
                "mean_neighbours": round(float(nb_gap.mean()), 2),
                "receivers": [tr.station_names[c] if c < len(tr.station_names) else str(c) for c in serving.tolist()],
                "receiver_alive_bins": int((st_gap > 0).sum()),
                "min_neighbours": int(nb_gap.min()),
                "max_neighbours": int(nb_gap.max()),
                "history_bins": int(len(hb_all)),
                "history_heard_bins": int(heard_own.sum()),
                "history_covered_bins": int(hist_cov.sum()),
                "history_coverage": round(float(hist_cov.mean()), 3),
                "p_heard": round(float(p), 4),
                "p_stay_unheard": round(float(q), 4),
                "p_silence": float(f"{p_sil:.3g}"),
                "area_coverage_before": round(baseline, 3),
                "area_coverage_during": round(during, 3),
            },
        }
        outage = baseline >= cfg.outage_min_baseline and during < cfg.outage_ratio * baseline
        if outage:
            if cfg.report_coverage_gaps and p >= 0.5:
                details["reason"] = "coverage_gap"
                events.append(
                    Event(
                        DARK,
                        int(tr.seg_mmsi[s]),
                        None,
                        t_last,
                        t_next,
                        lat0,
                        lon0,
                        cfg.coverage_gap_confidence,
                        details,
                    )
                )
            else:
                reject(s, t_last, "coverage_gap", details)
            continue
        max_p = cfg.class_b_max_p_silence if cls_b else cfg.max_p_silence
        if n_cov < cfg.min_covered_bins or p_sil > max_p:
            reject(s, t_last, "explained_by_reception", details)
            continue
        # intermittent reception (satellite passes) or Class B: receptions come in bursts
        # hours apart, and among thousands of such silences some are long by chance
        intermittent = float(hist_cov.mean()) < cfg.intermittent_coverage
        if (intermittent or cls_b) and gap < cfg.intermittent_min_gap_hours * 3600.0:
            reject(s, t_last, "intermittent_reception", details)
            continue
        if cls_b and heard_own.mean() < cfg.class_b_min_heard_fraction:
            reject(s, t_last, "class_b_intermittent", details)
            continue
        surprise = min(-math.log10(max(p_sil, 1e-300)), 300.0)
        floor_ = -math.log10(max_p)
        conf = 0.5 + 0.49 * min(1.0, (surprise - floor_) / 8.0)
        conf *= 0.7 + 0.3 * min(1.0, (n_cov / len(gb)) / 0.8)
        conf *= 0.8 + 0.2 * min(1.0, (k + 1 - a) / 30.0)
        details["reason"] = "ais_silence"
        events.append(Event(DARK, int(tr.seg_mmsi[s]), None, t_last, t_next, lat0, lon0, min(conf, 0.99), details))
    return events


def _heard_model(heard: np.ndarray, cfg: DarkConfig) -> tuple[float, float]:
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


def _own_station_counts(tr: Tracks, a: int, k: int, serving: np.ndarray, bins: np.ndarray, bin_s: float) -> np.ndarray:
    """How many of the ``serving`` receivers heard the vessel itself, per bin."""
    if len(serving) == 0:
        return np.zeros(len(bins), dtype=np.int64)
    st = tr.station[a : k + 1].astype(np.int64)
    b = np.floor(tr.t[a : k + 1] / bin_s).astype(np.int64)
    sel = np.isin(st, serving)
    u = np.unique(b[sel] * 100_000 + st[sel])
    ub = u // 100_000
    return np.searchsorted(ub, bins, side="right") - np.searchsorted(ub, bins, side="left")


def _own_counts(tr: Tracks, a: int, k: int, rec: Reception, bins: np.ndarray, cy: int, cx: int) -> np.ndarray:
    """How many of the 3x3 cells around (cy, cx) the vessel itself was heard in, per bin."""
    iy, ix = rec.cells(tr.lat[a : k + 1], tr.lon[a : k + 1])
    b = np.floor(tr.t[a : k + 1] / rec.bin_s).astype(np.int64)
    near = (np.abs(iy - cy) <= 1) & (np.abs(ix - cx) <= 1)
    if not near.any():
        return np.zeros(len(bins), dtype=np.int64)
    u = np.unique(b[near] * 4_000_000 + iy[near] * 2000 + ix[near] % 2000)
    ub = u // 4_000_000
    return np.searchsorted(ub, bins, side="right") - np.searchsorted(ub, bins, side="left")


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
