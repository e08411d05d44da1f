"""Position anomalies: reports a real ship cannot make (``details.reason`` says which).

Thresholds in ``[position_anomaly]`` of defaults.toml (sources there: ITU-R M.585, Danish
Maritime Authority's AisAbnormal, Windward):

- ``teleport``: two consecutive segments of one MMSI that do not overlap in time, joined by
  a jump faster than the ``[tracks]`` speed limit and at least ``teleport_min_km`` long. Two
  segments reporting at the same time are two transmitters (the segmenter's
  ``identity_conflict``): a jump within ``conflict_window_minutes`` of such a conflict is
  explained and not reported again.
- ``on_land``: at least ``land_min_reports`` consecutive reports of a segment at least
  ``land_min_inland_km`` inland and ``land_min_port_km`` from every port (river ports).
- ``invalid_mmsi``: an MMSI that is not a ship-station form of ITU-R M.585 (or a placeholder
  such as 123456789), or whose MID is not allocated by the ITU (see
  :mod:`maritime.reference.mid`). One event per MMSI, open while it is heard.
- ``shared_position``: at least ``shared_min_mmsis`` MMSIs held at exactly the same position
  (two consecutive reports there) within ``shared_window_minutes`` (GNSS spoofing), away from
  ports. Needs every vessel at once: each partition gives its :func:`shared_inputs`, and
  :func:`detect_shared_positions` runs over all of them (the fleet stage of a run).
- ``type_changed`` / ``dimensions_changed``: the claimed ship type category or length/beam
  changing while the vessel is at sea (``voyage_min_port_km`` from every port):
  :func:`detect_static_changes`, from :class:`~maritime.detect.identity_change.IdentityChanges`.

Times UTC seconds, distances km, speeds knots, positions degrees.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from maritime.detect.config import PositionAnomalyConfig, TracksConfig
from maritime.detect.events import POSITION_ANOMALY, Event, iso
from maritime.detect.identity_change import Context, IdentityChanges
from maritime.detect.shore import port_distance, signed_shore_distance
from maritime.detect.tracks import Tracks
from maritime.geodesy import NM_KM, haversine_km
from maritime.reference.mid import mmsi_problem

Ints = npt.NDArray[np.int64]


def _event(
    mmsi: int, start: float, end: float | None, lat: float, lon: float, conf: float, details: dict[str, Any]
) -> Event:
    return Event(POSITION_ANOMALY, int(mmsi), None, float(start), end, float(lat), float(lon), conf, details)


def detect_teleports(tr: Tracks, tracks_cfg: TracksConfig, cfg: PositionAnomalyConfig) -> list[Event]:
    """``teleport`` anomalies (see the module docstring)."""
    ns = tr.n_segments
    if ns < 2:
        return []
    s_mmsi = tr.seg_mmsi
    multi = np.nonzero(np.bincount(np.unique(s_mmsi, return_inverse=True)[1]) > 1)[0]
    if len(multi) == 0:
        return []
    keep = np.isin(s_mmsi, np.unique(s_mmsi)[multi])
    segs = np.nonzero(keep)[0]
    t0 = tr.t[tr.seg_start[segs]]
    t1 = tr.t[tr.seg_end[segs] - 1]
    order = np.lexsort((t0, s_mmsi[segs]))
    segs, t0, t1 = segs[order], t0[order], t1[order]
    m = s_mmsi[segs]
    same = m[1:] == m[:-1]
    # latest end of the earlier segments of the MMSI: no overlap means one transmitter at a time
    grp = np.cumsum(np.r_[True, ~same]) - 1
    cummax = t1.copy()
    # running max within each MMSI group (groups are small: a few segments)
    for i in range(1, len(t1)):
        if grp[i] == grp[i - 1]:
            cummax[i] = max(cummax[i], cummax[i - 1])
    prev_end = cummax[:-1]
    a_last = tr.seg_end[segs[:-1]] - 1
    b_first = tr.seg_start[segs[1:]]
    ok = same & (prev_end <= t0[1:])
    dt = tr.t[b_first] - tr.t[a_last]
    ok &= (dt >= 0) & (dt <= cfg.teleport_max_gap_hours * 3600.0)
    d = haversine_km(tr.lat[a_last], tr.lon[a_last], tr.lat[b_first], tr.lon[b_first])
    buf = tracks_cfg.time_buffer_minutes * 60.0
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.maximum(d - tracks_cfg.noise_km, 0.0) / NM_KM / (np.maximum(dt + buf, 1.0) / 3600.0)
    vmax = np.where(
        dt > tracks_cfg.sustained_after_hours * 3600.0, tracks_cfg.max_sustained_speed_kn, tracks_cfg.max_speed_kn
    )
    ok &= (v > vmax) & (d >= cfg.teleport_min_km)
    if not ok.any():
        return []
    conflicts: dict[int, list[tuple[float, float]]] = {}
    for c in tr.conflicts:
        conflicts.setdefault(int(c.mmsi), []).append((c.start, c.end if c.end is not None else tr.now))
    win = tracks_cfg.conflict_window_minutes * 60.0
    out = []
    for k in np.nonzero(ok)[0].tolist():
        mm = int(m[k + 1])
        ta, tb = float(tr.t[a_last[k]]), float(tr.t[b_first[k]])
        if any(s - win <= tb and ta <= e + win for s, e in conflicts.get(mm, [])):
            continue  # explained as two transmitters
        ia, ib = int(a_last[k]), int(b_first[k])
        out.append(
            _event(
                mm,
                tb,
                tb,
                tr.lat[ib],
                tr.lon[ib],
                min(0.99, 0.6 + 0.1 * float(v[k]) / float(vmax[k])),
                {
                    "reason": "teleport",
                    "from_position": [round(float(tr.lat[ia]), 5), round(float(tr.lon[ia]), 5)],
                    "to_position": [round(float(tr.lat[ib]), 5), round(float(tr.lon[ib]), 5)],
                    "from_time": iso(ta),
                    "to_time": iso(tb),
                    "distance_km": round(float(d[k]), 2),
                    "gap_h": round(float(dt[k]) / 3600.0, 3),
                    "implied_speed_kn": round(float(v[k]), 1),
                    "limit_kn": float(vmax[k]),
                },
            )
        )
    return out


def detect_on_land(tr: Tracks, cfg: PositionAnomalyConfig) -> list[Event]:
    """``on_land`` anomalies (see the module docstring)."""
    if len(tr) == 0:
        return []
    # a run of k >= land_min_reports consecutive inland reports holds a report of every
    # k-th index: look up every k-th report, then the neighbours of the hits only
    k = max(int(cfg.land_min_reports), 1)
    probe = np.arange(0, len(tr), k)
    hit = probe[signed_shore_distance(tr.lat[probe], tr.lon[probe]) <= -cfg.land_min_inland_km]
    if len(hit) == 0:
        return []
    near = np.unique((hit[:, None] + np.arange(-k + 1, k)[None, :]).ravel())
    near = near[(near >= 0) & (near < len(tr))]
    inland = np.zeros(len(tr), dtype=bool)
    inland[near] = signed_shore_distance(tr.lat[near], tr.lon[near]) <= -cfg.land_min_inland_km
    idx = np.nonzero(inland)[0]
    if len(idx) == 0:
        return []
    brk = np.ones(len(idx), dtype=bool)
    brk[1:] = (idx[1:] != idx[:-1] + 1) | (tr.seg[idx[1:]] != tr.seg[idx[:-1]])
    starts = np.nonzero(brk)[0]
    ends = np.append(starts[1:], len(idx)) - 1
    first, last = idx[starts], idx[ends]
    long_ = (last - first + 1) >= cfg.land_min_reports
    first, last = first[long_], last[long_]
    if len(first) == 0:
        return []
    mid = (first + last) // 2
    d_port = port_distance(tr.lat[mid], tr.lon[mid])
    out: list[Event] = []
    merge = cfg.merge_hours * 3600.0
    for a, b, j, dp in zip(first.tolist(), last.tolist(), mid.tolist(), d_port.tolist()):
        if dp < cfg.land_min_port_km:
            continue
        mm = int(tr.mmsi[a])
        if out and out[-1].mmsi == mm and tr.seg[a] == tr.seg[int(out[-1].details["_last"])]:
            prev = out[-1]
            if float(tr.t[a]) - float(tr.t[int(prev.details["_last"])]) <= merge:
                prev.end = float(tr.t[b])
                prev.details["_last"] = b
                prev.details["reports"] += b - a + 1
                continue
        out.append(
            _event(
                mm,
                float(tr.t[a]),
                float(tr.t[b]),
                tr.lat[j],
                tr.lon[j],
                0.8,
                {
                    "reason": "on_land",
                    "reports": b - a + 1,
                    "distance_to_port_km": round(float(dp), 2),
                    "min_inland_km": cfg.land_min_inland_km,
                    "_last": b,
                },
            )
        )
    for e in out:
        last_i = int(e.details.pop("_last"))
        e.details["last_time"] = iso(float(tr.t[last_i]))
    return out


def detect_invalid_mmsi(tr: Tracks, cfg: PositionAnomalyConfig) -> list[Event]:
    """``invalid_mmsi`` anomalies: one per MMSI of ``tr`` (see the module docstring)."""
    if not cfg.check_mmsi or len(tr) == 0:
        return []
    um, first_seg = np.unique(tr.seg_mmsi, return_index=True)
    out = []
    for mm, s in zip(um.tolist(), first_seg.tolist()):
        why = mmsi_problem(mm)
        if why is None:
            continue
        segs = np.nonzero(tr.seg_mmsi == mm)[0]
        t_first = float(tr.t[tr.seg_start[segs]].min())
        lasts = tr.seg_end[segs] - 1
        j = int(lasts[np.argmax(tr.t[lasts])])
        t_last = float(tr.t[j])
        i0 = int(tr.seg_start[s])
        open_ = tr.now - t_last <= cfg.open_hours * 3600.0
        out.append(
            _event(
                mm,
                t_first,
                None if open_ else t_last,
                tr.lat[i0],
                tr.lon[i0],
                0.95 if why == "placeholder_digits" else 0.85,
                {
                    "reason": "invalid_mmsi",
                    "problem": why,
                    "last_seen": iso(t_last),
                    "reports": int((tr.mmsi == mm).sum()),
                },
            )
        )
    return out


def shared_position_keys(lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], resolution_deg: float) -> Ints:
    """An integer key per position rounded to ``resolution_deg`` (equal keys: same point)."""
    ilat = np.round((lat + 90.0) / resolution_deg).astype(np.int64)
    ilon = np.round((lon + 180.0) / resolution_deg).astype(np.int64)
    width = int(round(360.0 / resolution_deg)) + 2
    key: Ints = ilat * width + ilon
    return key


def shared_inputs(tr: Tracks, cfg: PositionAnomalyConfig) -> dict[str, npt.NDArray[Any]]:
    """The reports that can take part in a shared position: those whose rounded position
    equals that of the previous or next report of their segment (a vessel *held* at the
    point, as a spoofed position is). Per vessel, so a cluster partition computes its own;
    :func:`detect_shared_positions` then runs over all of them together."""
    n = len(tr)
    if n < 2:
        z = np.zeros(0)
        return {"mmsi": z.astype(np.int64), "t": z, "lat": z, "lon": z}
    key = shared_position_keys(tr.lat, tr.lon, cfg.shared_resolution_deg)
    same = (key[1:] == key[:-1]) & (tr.seg[1:] == tr.seg[:-1])
    held = np.zeros(n, dtype=bool)
    held[1:] |= same
    held[:-1] |= same
    idx = np.nonzero(held)[0]
    return {"mmsi": tr.mmsi[idx], "t": tr.t[idx], "lat": tr.lat[idx], "lon": tr.lon[idx]}


def concat_inputs(parts: list[dict[str, npt.NDArray[Any]]]) -> dict[str, npt.NDArray[Any]]:
    """The :func:`shared_inputs` of several partitions as one set of arrays."""
    names = ("mmsi", "t", "lat", "lon")
    if not parts:
        return {k: np.zeros(0, dtype=np.int64 if k == "mmsi" else np.float64) for k in names}
    return {k: np.concatenate([p[k] for p in parts]) for k in names}


def shared_candidates(mmsi: Ints, key: Ints) -> npt.NDArray[np.bool_]:
    """Reports whose position key is reported by at least two MMSIs (cheap pre-filter)."""
    if len(key) == 0:
        return np.zeros(0, dtype=bool)
    order = np.argsort(key, kind="stable")
    ks, ms = key[order], mmsi[order]
    starts = np.nonzero(np.r_[True, ks[1:] != ks[:-1]])[0]
    lo = np.minimum.reduceat(ms, starts)
    hi = np.maximum.reduceat(ms, starts)
    many = np.repeat(lo != hi, np.diff(np.append(starts, len(ks))))
    out = np.zeros(len(key), dtype=bool)
    out[order] = many
    return out


def detect_shared_positions(inputs: dict[str, npt.NDArray[Any]], cfg: PositionAnomalyConfig) -> list[Event]:
    """``shared_position`` anomalies over the :func:`shared_inputs` of every vessel (in any
    order): at least ``shared_min_mmsis`` MMSIs held at exactly one point, their reports there
    no more than ``shared_window_minutes`` apart; one event per group, on the lowest MMSI,
    the others in details."""
    mmsi, t, lat, lon = inputs["mmsi"], inputs["t"], inputs["lat"], inputs["lon"]
    if len(t) == 0:
        return []
    key = shared_position_keys(lat, lon, cfg.shared_resolution_deg)
    cand = np.nonzero(shared_candidates(mmsi, key))[0]
    if len(cand) == 0:
        return []
    k, m, tt = key[cand], mmsi[cand], t[cand]
    order = np.lexsort((lon[cand], lat[cand], m, tt, k))
    k, m, tt, cand = k[order], m[order], tt[order], cand[order]
    win = cfg.shared_window_minutes * 60.0
    groups: list[tuple[list[int], list[float], int]] = []
    starts = np.nonzero(np.r_[True, k[1:] != k[:-1]])[0].tolist() + [len(k)]
    for a, b in zip(starts[:-1], starts[1:]):
        # clusters of reports of one point with no gap longer than the window
        i = a
        while i < b:
            j = i + 1
            while j < b and tt[j] - tt[j - 1] <= win:
                j += 1
            ms = sorted(set(m[i:j].tolist()))
            if len(ms) >= cfg.shared_min_mmsis:
                groups.append((ms, [float(tt[i]), float(tt[j - 1])], int(cand[i])))
            i = j
    if not groups:
        return []
    d_port = port_distance(np.array([lat[g[2]] for g in groups]), np.array([lon[g[2]] for g in groups]))
    out = []
    for (ms, (t0, t1), i0), dp in zip(groups, d_port.tolist()):
        if dp < cfg.shared_min_port_km:
            continue
        out.append(
            _event(
                ms[0],
                t0,
                t1,
                lat[i0],
                lon[i0],
                min(0.99, 0.6 + 0.1 * len(ms)),
                {
                    "reason": "shared_position",
                    "mmsis": ms,
                    "position": [round(float(lat[i0]), 5), round(float(lon[i0]), 5)],
                    "first_time": iso(t0),
                    "last_time": iso(t1),
                    "distance_to_port_km": round(float(dp), 2),
                },
            )
        )
    return out


def _type_category(code: str | None) -> str | None:
    """ITU-R M.1371 table 53 category: the first digit, the code itself for 30-39 and 50-59
    (fishing, towing, military, pleasure ...; pilot, SAR, tug, law enforcement ...), None for
    0 / not available / reserved."""
    try:
        c = int(str(code))
    except (TypeError, ValueError):
        return None
    if c < 20 or c > 99:
        return None
    return str(c) if c // 10 in (3, 5) else str(c // 10)


def detect_static_changes(tr: Tracks, changes: IdentityChanges, cfg: PositionAnomalyConfig) -> list[Event]:
    """``type_changed`` and ``dimensions_changed`` anomalies (see the module docstring)."""
    if len(changes) == 0:
        return []
    cands = []
    for m, t, f, v, p in zip(changes.mmsi.tolist(), changes.t.tolist(), changes.field, changes.value, changes.previous):
        if p is None or v is None:
            continue
        if f == "ship_type":
            a, b = _type_category(p), _type_category(v)
            if a is not None and b is not None and a != b:
                cands.append((int(m), float(t), "type_changed", f, v, p))
        elif f in ("length", "width"):
            try:
                dv = abs(float(v) - float(p))
            except ValueError:
                continue
            if float(v) > 0 and float(p) > 0 and dv >= cfg.dimension_change_m:
                cands.append((int(m), float(t), "dimensions_changed", f, v, p))
    if not cands:
        return []
    ctx = Context(tr, [c[0] for c in cands])
    pos = [ctx.nearest(c[0], c[1], 3600.0) for c in cands]
    known = [i for i, p in enumerate(pos) if p is not None]
    if not known:
        return []
    d_port = port_distance([pos[i][0] for i in known], [pos[i][1] for i in known])  # type: ignore[index]
    out: dict[tuple[int, int], Event] = {}
    for i, dp in zip(known, d_port.tolist()):
        if dp < cfg.voyage_min_port_km:
            continue
        m, t, reason, f, v, p = cands[i]
        key = (m, int(np.floor(t)))
        if key in out:
            out[key].details.setdefault("also", []).append({"field": f, "value": v, "previous": p})
            continue
        lat, lon = pos[i]  # type: ignore[misc]
        out[key] = _event(
            m,
            t,
            t,
            lat,
            lon,
            0.7,
            {"reason": reason, "field": f, "value": v, "previous": p, "distance_to_port_km": round(float(dp), 2)},
        )
    return list(out.values())


def detect_position_anomalies(
    tr: Tracks, tracks_cfg: TracksConfig, cfg: PositionAnomalyConfig | None = None
) -> list[Event]:
    """The per-vessel position anomalies of ``tr``: teleports, on land, invalid MMSIs."""
    c = cfg or PositionAnomalyConfig()
    return one_per_id(detect_teleports(tr, tracks_cfg, c) + detect_on_land(tr, c) + detect_invalid_mmsi(tr, c))


def one_per_id(events: list[Event]) -> list[Event]:
    """Anomalies of one MMSI starting in the same second share an event id: keep the first,
    the others' details under ``also``."""
    out: dict[str, Event] = {}
    for e in events:
        k = e.event_id
        if k in out:
            out[k].details.setdefault("also", []).append(e.details)
            continue
        out[k] = e
    return list(out.values())
