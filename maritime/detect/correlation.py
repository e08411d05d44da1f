"""Correlating non-AIS contacts (radar, satellite detections) with AIS vessels (pure numpy/scipy).

For each contact the question is: which AIS vessel, if any, is this? The model follows GFW's
SAR-AIS matching (Kroodsma et al. 2022, Sci. Rep. 12:21004; Paolo et al. 2024, Nature
625:85): predict every candidate vessel to the contact's time, score the candidates by how
far the contact lies from the prediction against their combined uncertainty and by how well
length, speed and course agree, then pick one-to-one matches per scene.

1. **Candidates from a space-time index, never all pairs.** AIS reports are thinned to one
   entry per (vessel, hour, 0.25-degree cell). Contacts are cut into time slices of
   ``slice_s``; for each slice, the vessels with an entry within ``prediction.max_extrapolate_s``
   of it, in cells within reach (``max_speed_kn`` for that long), are predicted to the slice
   time (:mod:`maritime.detect.prediction`) and put in a :class:`scipy.spatial.cKDTree` on local
   x/y (km); each contact takes the vessels inside its gate radius.
2. **Score.** Every candidate is predicted to the contact's own time. The position residual
   ``r`` (east, north, metres) is compared to ``S = C + sigma_p^2 I`` (the contact's error
   ellipse plus the prediction's isotropic error): ``d2 = r' S^-1 r`` (squared Mahalanobis
   distance, chi-square with 2 degrees of freedom for a true match). A candidate is in the
   gate when ``d2 <= gate_chi2`` (13.82: the 99.9% point of chi-square(2)). The cost adds
   squared, normalised residuals of the attributes both sides know: length
   ``(L_c - L_ais) / (length_sigma_frac * L_ais)``, speed ``(v_c - v_ais) / speed_sigma_kn``,
   and course ``angle(c_c - c_ais) / course_sigma_deg`` (only above
   ``min_speed_for_course_kn``, where course means something). ``score = exp(-cost / 2)``:
   1 is perfect agreement.
3. **Assign one to one, globally.** Within each group (a satellite scene, or a radar's scan
   or sensor), units and vessels are matched by minimum total cost
   (:func:`scipy.optimize.linear_sum_assignment`, the Hungarian method), each unit also
   offered "no match" at ``unmatched_cost``; connected components of the candidate graph are
   solved separately, so the matrices stay small.
4. **Radar tracks are matched as tracks.** All contacts with one track id form one unit;
   its cost with a vessel is the mean of its per-contact costs, a contact where that vessel
   is not in the gate counting ``unmatched_cost``. A track matches one vessel or none.

Output per contact: the matched MMSI (or -1), the score of the match, the runner-up (the best
other candidate) and its score, and the number of gated candidates.

Parameters and sources (:class:`CorrelationConfig`):

* ``gate_chi2`` 13.82: chi-square(2) at 0.999, the standard validation gate of
  track-to-observation association (Bar-Shalom & Li, "Multitarget-multisensor tracking").
* ``length_sigma_frac`` 0.3: GFW's SAR length estimates deviate from AIS lengths by tens of
  percent for small vessels (Paolo et al. 2024, Methods, length regression).
* ``speed_sigma_kn`` 2 kn and ``course_sigma_deg`` 20: IMO MSC.192(79) 5.25.4.7 sets a
  tracked target's motion accuracy only after 1-3 minutes of steady tracking and warns it
  "may be significantly reduced during or shortly after acquisition" or a manoeuvre; these
  are deliberately wider than steady-state figures so that new tracks still match.
* ``unmatched_cost`` 20: a candidate inside the 99.9% position gate stays a match unless its
  attributes disagree by more than about two sigma in total.
* ``max_speed_kn`` 30: faster than nearly every AIS vessel; bounds where a vessel can be.
* ``max_sigma_m`` 20 km: a prediction less certain than this cannot tell contacts apart.
* ``slice_s`` 60 s: a radar scan is 2-5 s and a SAR scene under a minute; one slice holds them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from maritime.decode.radar import Contact
from maritime.detect.prediction import F64, I64, KN_M_S, PredictionConfig, TrackIndex, predict
from maritime.geodesy import KM_PER_DEG, NM_KM

#: Coarse index cell (degrees) and time bucket (seconds) of the thinned AIS entries.
CELL_DEG = 0.25
BUCKET_S = 3600.0


@dataclass(frozen=True, slots=True)
class CorrelationConfig:
    """Parameters of the correlation (module docstring gives the sources)."""

    gate_chi2: float = 13.82
    length_sigma_frac: float = 0.3
    speed_sigma_kn: float = 2.0
    course_sigma_deg: float = 20.0
    min_speed_for_course_kn: float = 2.0
    unmatched_cost: float = 20.0
    max_speed_kn: float = 30.0
    max_sigma_m: float = 20_000.0
    slice_s: float = 60.0
    prediction: PredictionConfig = field(default_factory=PredictionConfig)


@dataclass(frozen=True, slots=True)
class ContactArrays:
    """Contacts as arrays of one length.

    ``t`` seconds UTC; ``lat``/``lon`` degrees; error ellipse 1-sigma ``sigma_major_m`` x
    ``sigma_minor_m`` with the major axis at ``orientation_deg`` (true); ``speed_kn``,
    ``course_deg``, ``length_m`` NaN when unknown; ``group`` the assignment group (scene or
    radar sensor, as a number); ``track`` the radar track number, -1 for a point contact.
    """

    t: F64
    lat: F64
    lon: F64
    sigma_major_m: F64
    sigma_minor_m: F64
    orientation_deg: F64
    speed_kn: F64
    course_deg: F64
    length_m: F64
    group: I64
    track: I64

    @classmethod
    def points(
        cls, t: npt.ArrayLike, lat: npt.ArrayLike, lon: npt.ArrayLike, sigma_m: float, group: npt.ArrayLike
    ) -> ContactArrays:
        """Point contacts with an isotropic error and nothing else known (a simple SAR scene)."""
        tt = np.asarray(t, dtype=np.float64)
        n = tt.size
        nan = np.full(n, np.nan)
        return cls(
            t=tt,
            lat=np.asarray(lat, dtype=np.float64),
            lon=np.asarray(lon, dtype=np.float64),
            sigma_major_m=np.full(n, sigma_m),
            sigma_minor_m=np.full(n, sigma_m),
            orientation_deg=np.zeros(n),
            speed_kn=nan,
            course_deg=nan.copy(),
            length_m=nan.copy(),
            group=np.asarray(group, dtype=np.int64),
            track=np.full(n, -1, dtype=np.int64),
        )

    @classmethod
    def from_contacts(cls, contacts: list[Contact]) -> ContactArrays:
        """Contact records as arrays. Groups: a radar track's sensor (tracks are assigned per
        sensor), else the satellite scene, else the sensor's scan (one sensor, one time)."""
        n = len(contacts)

        def col(name: str) -> F64:
            return np.array([np.nan if getattr(c, name) is None else getattr(c, name) for c in contacts], dtype=float)

        groups = [
            f"sensor:{c.sensor_id}"
            if c.track_id is not None
            else f"scene:{c.scene_id}"
            if c.scene_id is not None
            else f"scan:{c.sensor_id}@{c.ts_us}"
            for c in contacts
        ]
        tracks = [c.track_id or "" for c in contacts]
        _, group = np.unique(np.array(groups, dtype=object), return_inverse=True)
        track_names, track = np.unique(np.array(tracks, dtype=object), return_inverse=True)
        track = track.ravel().astype(np.int64)
        if n and track_names[0] == "":
            track = track - 1  # "" sorts first: no track is -1
        return cls(
            t=np.array([c.ts_us / 1e6 for c in contacts], dtype=float),
            lat=col("lat"),
            lon=col("lon"),
            sigma_major_m=col("sigma_major_m"),
            sigma_minor_m=col("sigma_minor_m"),
            orientation_deg=col("orientation_deg"),
            speed_kn=col("speed_kn"),
            course_deg=col("course_deg"),
            length_m=col("length_m"),
            group=group.ravel().astype(np.int64),
            track=track,
        )


@dataclass(frozen=True, slots=True)
class Matches:
    """Per contact: matched MMSI (-1 none) and score, runner-up MMSI (-1 none) and score,
    number of vessels inside the gate."""

    mmsi: I64
    score: F64
    runner_up_mmsi: I64
    runner_up_score: F64
    n_candidates: I64


def correlate(
    contacts: ContactArrays,
    index: TrackIndex,
    vessel_length_m: F64 | None = None,
    config: CorrelationConfig | None = None,
) -> Matches:
    """Match contacts to AIS vessels (see the module docstring).

    ``vessel_length_m`` is each indexed vessel's length in metres (aligned with
    ``index.mmsi``; NaN unknown).
    """
    cfg = config or CorrelationConfig()
    n = contacts.t.size
    pc, pv = _candidate_pairs(contacts, index, cfg)
    cost, d2 = _pair_costs(contacts, index, vessel_length_m, pc, pv, cfg)
    gated = d2 <= cfg.gate_chi2
    pc, pv, cost = pc[gated], pv[gated], cost[gated]

    # units: a radar track is one unit, any other contact its own unit
    is_track = contacts.track >= 0
    unit_key = np.where(is_track, contacts.track, -1 - np.arange(n, dtype=np.int64))
    _, unit = np.unique(np.stack([contacts.group, unit_key]), axis=1, return_inverse=True)
    unit = unit.ravel().astype(np.int64)
    n_units = int(unit.max()) + 1 if n else 0
    unit_size = np.bincount(unit, minlength=n_units).astype(np.float64)
    unit_group = np.zeros(n_units, dtype=np.int64)
    unit_group[unit] = contacts.group

    # unit-vessel cost: mean over the unit's contacts, ungated contacts at unmatched_cost
    uv = unit[pc] * np.int64(index.mmsi.size) + pv
    keys, inv = np.unique(uv, return_inverse=True)
    inv = inv.ravel()
    total = np.bincount(inv, weights=cost, minlength=keys.size)
    hits = np.bincount(inv, minlength=keys.size).astype(np.float64)
    eu = keys // index.mmsi.size
    ev = keys % index.mmsi.size
    ecost = (total + (unit_size[eu] - hits) * cfg.unmatched_cost) / unit_size[eu]
    keep = ecost < cfg.unmatched_cost
    eu, ev, ecost = eu[keep], ev[keep], ecost[keep]

    assigned = _assign(eu, ev, ecost, unit_group, n_units, index.mmsi.size, cfg.unmatched_cost)
    best_v = np.full(n_units, -1, dtype=np.int64)
    best_c = np.full(n_units, np.inf)
    best_v[eu[assigned]] = ev[assigned]
    best_c[eu[assigned]] = ecost[assigned]
    # runner-up: the cheapest candidate of each unit other than its match
    other = ~assigned
    ru_v = np.full(n_units, -1, dtype=np.int64)
    ru_c = np.full(n_units, np.inf)
    order = np.lexsort((ecost[other], eu[other]))
    ou, ov, oc = eu[other][order], ev[other][order], ecost[other][order]
    first = np.ones(ou.size, dtype=bool)
    first[1:] = ou[1:] != ou[:-1]
    ru_v[ou[first]] = ov[first]
    ru_c[ou[first]] = oc[first]
    n_cand = np.bincount(eu, minlength=n_units).astype(np.int64)

    mmsi = np.where(best_v >= 0, index.mmsi[np.maximum(best_v, 0)], -1)
    ru_mmsi = np.where(ru_v >= 0, index.mmsi[np.maximum(ru_v, 0)], -1)
    return Matches(
        mmsi=mmsi[unit].astype(np.int64),
        score=np.exp(-best_c / 2.0)[unit],
        runner_up_mmsi=ru_mmsi[unit].astype(np.int64),
        runner_up_score=np.exp(-ru_c / 2.0)[unit],
        n_candidates=n_cand[unit],
    )


def _assign(
    eu: I64, ev: I64, ecost: F64, unit_group: I64, n_units: int, n_vessels: int, unmatched_cost: float
) -> npt.NDArray[np.bool_]:
    """One-to-one assignment per group minimising the total cost, each unit free to stay
    unmatched at ``unmatched_cost``: which candidate edges are chosen."""
    chosen = np.zeros(eu.size, dtype=bool)
    if eu.size == 0:
        return chosen
    # a vessel node per (group, vessel): a vessel may match once in each scene or sensor
    gv = unit_group[eu] * np.int64(n_vessels) + ev
    vkeys, vnode = np.unique(gv, return_inverse=True)
    vnode = vnode.ravel()
    n_nodes = n_units + vkeys.size
    graph = coo_matrix((np.ones(eu.size), (eu, n_units + vnode)), shape=(n_nodes, n_nodes))
    _, comp = connected_components(graph, directed=False)
    edge_comp = comp[eu]
    order = np.argsort(edge_comp, kind="stable")
    bounds = np.flatnonzero(np.diff(edge_comp[order])) + 1
    for edges in np.split(order, bounds):
        if edges.size == 1:
            chosen[edges] = True  # one unit, one vessel, cheaper than unmatched
            continue
        u_ids, u_loc = np.unique(eu[edges], return_inverse=True)
        v_ids, v_loc = np.unique(vnode[edges], return_inverse=True)
        nu, nv = u_ids.size, v_ids.size
        big = 1e9
        mat = np.full((nu, nv + nu), big)
        mat[u_loc.ravel(), v_loc.ravel()] = ecost[edges]
        # "no match" for each unit, at the unmatched cost (kept edges are below it)
        mat[np.arange(nu), nv + np.arange(nu)] = unmatched_cost
        rows, cols = linear_sum_assignment(mat)
        hit = cols < nv
        pick = {(int(r), int(c)) for r, c in zip(rows[hit], cols[hit])}
        for k, e in enumerate(edges):
            if (int(u_loc.ravel()[k]), int(v_loc.ravel()[k])) in pick:
                chosen[e] = True
    return chosen


def _candidate_pairs(contacts: ContactArrays, index: TrackIndex, cfg: CorrelationConfig) -> tuple[I64, I64]:
    """(contact, vessel) pairs within reach, from the thinned AIS index and a k-d tree per slice."""
    n = contacts.t.size
    if n == 0 or index.t.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    window = cfg.prediction.max_extrapolate_s
    # thinned AIS: unique (bucket, cell_lat, cell_lon, vessel)
    bucket = np.floor(index.t / BUCKET_S).astype(np.int64)
    ci = np.floor((index.lat + 90.0) / CELL_DEG).astype(np.int64)
    cj = np.floor((index.lon + 180.0) / CELL_DEG).astype(np.int64)
    n_cj = int(round(360.0 / CELL_DEG)) + 1
    n_ci = int(round(180.0 / CELL_DEG)) + 1
    cell_key = (bucket * n_ci + ci) * n_cj + cj
    thin = np.unique(cell_key * np.int64(index.mmsi.size) + index.vessel)
    thin_cell = thin // index.mmsi.size
    thin_vessel = thin % index.mmsi.size

    reach_km = cfg.max_speed_kn * NM_KM * window / 3600.0
    slice_key = np.floor(contacts.t / cfg.slice_s).astype(np.int64)
    order = np.argsort(slice_key, kind="stable")
    bounds = np.flatnonzero(np.diff(slice_key[order])) + 1
    out_c: list[I64] = []
    out_v: list[I64] = []
    for members in np.split(order, bounds):
        t0 = float(np.median(contacts.t[members]))
        lat_lo, lat_hi = float(contacts.lat[members].min()), float(contacts.lat[members].max())
        lon_lo, lon_hi = float(contacts.lon[members].min()), float(contacts.lon[members].max())
        dlat = reach_km / KM_PER_DEG
        coslat = max(np.cos(np.radians(max(abs(lat_lo), abs(lat_hi)) + dlat)), 0.05)
        dlon = dlat / coslat
        i0, i1 = int((lat_lo - dlat + 90.0) // CELL_DEG), int((lat_hi + dlat + 90.0) // CELL_DEG)
        j0, j1 = int((lon_lo - dlon + 180.0) // CELL_DEG), int((lon_hi + dlon + 180.0) // CELL_DEG)
        b0, b1 = int((t0 - window) // BUCKET_S), int((t0 + window) // BUCKET_S)
        found: list[I64] = []
        for b in range(b0, b1 + 1):
            for i in range(i0, i1 + 1):
                lo_key = (b * n_ci + i) * n_cj + j0
                hi_key = (b * n_ci + i) * n_cj + j1
                a = np.searchsorted(thin_cell, lo_key, side="left")
                z = np.searchsorted(thin_cell, hi_key, side="right")
                if z > a:
                    found.append(thin_vessel[a:z])
        if not found:
            continue
        vessels = np.unique(np.concatenate(found))
        pred = predict(index, vessels, np.full(vessels.size, t0), cfg.prediction)
        ok = pred.valid & (pred.sigma_m <= cfg.max_sigma_m)
        if not ok.any():
            continue
        vessels = vessels[ok]
        lat0 = float(np.mean(contacts.lat[members]))
        lon0 = float(np.mean(contacts.lon[members]))
        pxy = _xy_km(pred.lat[ok], pred.lon[ok], lat0, lon0)
        cxy = _xy_km(contacts.lat[members], contacts.lon[members], lat0, lon0)
        # gate radius: the largest combined sigma in the slice, plus the motion within it
        spread = float(np.max(np.abs(contacts.t[members] - t0)))
        motion_km = cfg.max_speed_kn * KN_M_S * spread / 1000.0
        sig_km = np.hypot(contacts.sigma_major_m[members], float(pred.sigma_m[ok].max())) / 1000.0
        radius = np.sqrt(cfg.gate_chi2) * sig_km + motion_km
        tree = cKDTree(pxy)
        hits = tree.query_ball_point(cxy, radius)
        counts = np.fromiter((len(h) for h in hits), dtype=np.int64, count=len(hits))
        if counts.sum() == 0:
            continue
        out_c.append(np.repeat(members, counts))
        out_v.append(vessels[np.fromiter((j for h in hits for j in h), dtype=np.int64, count=int(counts.sum()))])
    if not out_c:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(out_c), np.concatenate(out_v)


def _xy_km(lat: F64, lon: F64, lat0: float, lon0: float) -> F64:
    """Local east/north (km) around (lat0, lon0), as an (n, 2) array."""
    dlon = (lon - lon0 + 540.0) % 360.0 - 180.0
    x = dlon * np.cos(np.radians(lat0)) * KM_PER_DEG
    y = (lat - lat0) * KM_PER_DEG
    return np.column_stack([x, y])


def _pair_costs(
    c: ContactArrays,
    index: TrackIndex,
    vessel_length_m: F64 | None,
    pc: I64,
    pv: I64,
    cfg: CorrelationConfig,
) -> tuple[F64, F64]:
    """(cost, d2) of each (contact, vessel) pair, with the vessel predicted to the contact time."""
    if pc.size == 0:
        return np.zeros(0), np.zeros(0)
    pred = predict(index, pv, c.t[pc], cfg.prediction)
    lat_c, lon_c = c.lat[pc], c.lon[pc]
    mid = np.radians((lat_c + pred.lat) / 2.0)
    e = ((lon_c - pred.lon + 540.0) % 360.0 - 180.0) * np.cos(mid) * KM_PER_DEG * 1000.0
    nn = (lat_c - pred.lat) * KM_PER_DEG * 1000.0
    th = np.radians(c.orientation_deg[pc])
    ux, uy = np.sin(th), np.cos(th)  # major axis (east, north)
    a2, b2, p2 = c.sigma_major_m[pc] ** 2, c.sigma_minor_m[pc] ** 2, pred.sigma_m**2
    s_ee = a2 * ux * ux + b2 * uy * uy + p2
    s_nn = a2 * uy * uy + b2 * ux * ux + p2
    s_en = (a2 - b2) * ux * uy
    det = s_ee * s_nn - s_en * s_en
    d2 = (s_nn * e * e - 2.0 * s_en * e * nn + s_ee * nn * nn) / det
    d2 = np.where(pred.valid, d2, np.inf)
    cost = d2.copy()
    if vessel_length_m is not None:
        lv = np.asarray(vessel_length_m, dtype=np.float64)[pv]
        lc = c.length_m[pc]
        known = np.isfinite(lv) & np.isfinite(lc) & (lv > 0)
        r = np.where(known, (lc - lv) / (cfg.length_sigma_frac * np.where(known, lv, 1.0)), 0.0)
        cost += r * r
    vc = c.speed_kn[pc]
    known = np.isfinite(vc) & np.isfinite(pred.sog)
    r = np.where(known, (vc - np.nan_to_num(pred.sog)) / cfg.speed_sigma_kn, 0.0)
    cost += r * r
    cc = c.course_deg[pc]
    known = (
        np.isfinite(cc)
        & np.isfinite(pred.cog)
        & (np.nan_to_num(pred.sog) >= cfg.min_speed_for_course_kn)
        & (np.nan_to_num(vc, nan=cfg.min_speed_for_course_kn) >= cfg.min_speed_for_course_kn)
    )
    diff = (np.nan_to_num(cc) - np.nan_to_num(pred.cog) + 540.0) % 360.0 - 180.0
    r = np.where(known, diff / cfg.course_sigma_deg, 0.0)
    cost += r * r
    return cost, d2
