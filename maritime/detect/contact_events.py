"""Events from non-AIS contacts: ``dark_vessel``, ``dark_rendezvous``, ``ais_unconfirmed`` (pure).

Inputs are arrays (:class:`ContactSet`: contacts already correlated with AIS, see
:mod:`maritime.detect.correlation`), the AIS reports as a
:class:`~maritime.detect.prediction.TrackIndex`, the scene footprints and the radar stations.
Times are UTC seconds, positions degrees, distances km, speeds knots. Thresholds are in
``[contacts]`` of ``defaults.toml`` (:class:`~maritime.detect.config.ContactsConfig`), with
their sources there.

A *unit* is what a sensor says is one object: a radar track (all contacts with one track id)
or a single satellite detection. A unit is unmatched when correlation found no AIS vessel for
it. An event about a unit that has no MMSI carries a stable negative pseudo-MMSI
(:func:`dark_id`), so the ``events`` table keeps one row per object and its ``event_id`` stays
deterministic; ``details.unit`` names the track or detection.

* ``dark_vessel``: an unmatched unit inside a patrol zone; a radar track needs
  ``min_track_contacts`` contacts (a few scans of clutter are not a vessel), a satellite
  detection a score of at least ``min_detection_score``. Confidence = the detection's own
  strength (the presence score; for a radar track its number of contacts against
  ``full_track_contacts``) times an AIS-coverage factor: AIS vessels heard within
  ``coverage_radius_km`` and ``coverage_window_minutes`` show that an AIS transmitter there
  would have been heard, so the silence means something; with none heard the factor is
  ``min_coverage_factor``.
* ``dark_rendezvous`` (after Skylight's dark rendezvous: an AIS vessel meeting a vessel that
  does not transmit): an AIS vessel at most ``rendezvous_max_speed_kn`` within
  ``rendezvous_max_distance_km`` of an unmatched unit; alongside a radar track for at least
  ``rendezvous_min_minutes``, or, for a satellite snapshot, slow in its own AIS for that long
  around the image time.
* ``ais_unconfirmed``: an AIS vessel predicted inside a scene footprint (``edge_margin_km``
  inside it) or inside a fixed radar's stated range while the radar was scanning, that no
  contact of that scene or radar matched. False alarms are kept down by flagging only
  vessels whose AIS length is known and at least the sensor's ``min_length_m`` (small boats
  are missed in sea clutter and below SAR resolution; a rough sea is handled by raising the
  sensor's ``min_length_m`` or lowering its ``p_detect`` in the sensors file), whose
  prediction is precise (``max_sigma_m``: a recent report), and, for radar, unseen through
  at least ``radar_min_unseen_minutes``. Confidence is the probability the sensor would have
  seen it: ``1 - (1 - p_detect)^looks`` (one look per scene; per minute of radar cover:
  successive scans of one target are not independent).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely

from maritime.decode.sensors import Sensor
from maritime.detect.config import ContactsConfig
from maritime.detect.events import AIS_UNCONFIRMED, DARK_RENDEZVOUS, DARK_VESSEL, Event
from maritime.detect.prediction import F64, I64, TrackIndex, predict
from maritime.geodesy import KM_PER_DEG, haversine_km

CONTACT_KINDS = (DARK_VESSEL, DARK_RENDEZVOUS, AIS_UNCONFIRMED)

Obj = npt.NDArray[np.object_]


@dataclass(frozen=True, slots=True)
class ContactSet:
    """Correlated contacts as arrays of one length: ``contact_id``; ``t`` UTC seconds;
    ``lat``/``lon``; ``source_kind``, ``sensor_id``, ``track_id`` (None: a satellite
    detection), ``scene_id``, ``detect_id`` (objects, None unknown); ``confidence`` and ``length_m`` (NaN unknown);
    ``match_mmsi`` (-1: unmatched)."""

    contact_id: I64
    t: F64
    lat: F64
    lon: F64
    source_kind: Obj
    sensor_id: Obj
    track_id: Obj
    scene_id: Obj
    detect_id: Obj
    confidence: F64
    length_m: F64
    match_mmsi: I64


@dataclass(frozen=True, slots=True)
class Scene:
    """Where a satellite looked: ``footprint`` a shapely polygon (lon/lat), at ``t`` UTC seconds."""

    scene_id: str
    t: float
    sensor_id: str
    footprint: object


@dataclass(frozen=True, slots=True)
class Unit:
    """One object as the sensor sees it: the rows of its contacts, in time order."""

    key: str
    rows: I64
    matched: int  # the AIS MMSI, -1 none


def dark_id(key: str) -> int:
    """A stable negative pseudo-MMSI for an object without one (-1 .. -2^31)."""
    return -1 - (zlib.crc32(key.encode()) & 0x7FFFFFFF)


def units(c: ContactSet) -> list[Unit]:
    """Radar tracks and single detections, each with its matched MMSI (the most common
    match of its contacts; a track is matched as one unit)."""
    keys = np.array(
        [
            f"track:{tr}" if tr is not None else f"detection:{sc}:{det}" if det is not None else f"contact:{sid}:{cid}"
            for tr, sc, det, sid, cid in zip(c.track_id, c.scene_id, c.detect_id, c.sensor_id, c.contact_id)
        ],
        dtype=object,
    )
    out: list[Unit] = []
    if keys.size == 0:
        return out
    names, inv = np.unique(keys, return_inverse=True)
    order = np.lexsort((c.t, inv))
    bounds = np.flatnonzero(np.diff(inv[order])) + 1
    for rows in np.split(order, bounds):
        m = c.match_mmsi[rows]
        m = m[m >= 0]
        matched = -1
        if m.size:
            values, counts = np.unique(m, return_counts=True)
            matched = int(values[counts.argmax()])
        out.append(Unit(str(names[inv[rows[0]]]), rows.astype(np.int64), matched))
    return out


def _strength(c: ContactSet, u: Unit, cfg: ContactsConfig) -> float:
    if c.track_id[u.rows[0]] is not None:
        return min(1.0, u.rows.size / cfg.full_track_contacts)
    score = float(c.confidence[u.rows[0]])
    return score if np.isfinite(score) else cfg.unknown_detection_score


def _by_time(index: TrackIndex) -> I64:
    return np.argsort(index.t, kind="stable").astype(np.int64)


def _near_rows(index: TrackIndex, order: I64, t0: float, t1: float, lat: float, lon: float, km: float) -> I64:
    """AIS rows between t0 and t1 (seconds) within ``km`` of (lat, lon) (a box test)."""
    ts = index.t[order]
    a, b = np.searchsorted(ts, t0, side="left"), np.searchsorted(ts, t1, side="right")
    rows = order[a:b]
    dlat = km / KM_PER_DEG
    dlon = dlat / max(np.cos(np.radians(lat)), 0.05)
    keep = (np.abs(index.lat[rows] - lat) <= dlat) & (np.abs((index.lon[rows] - lon + 540.0) % 360.0 - 180.0) <= dlon)
    out: I64 = rows[keep]
    return out


def detect_dark_vessels(
    c: ContactSet, us: list[Unit], index: TrackIndex, zones: list[tuple[str, object]], cfg: ContactsConfig
) -> list[Event]:
    """``dark_vessel`` events (module docstring)."""
    if not zones:
        return []
    order = _by_time(index)
    geoms = [g for _, g in zones]
    tree = shapely.STRtree(geoms)
    out: list[Event] = []
    for u in us:
        if u.matched >= 0:
            continue
        is_track = c.track_id[u.rows[0]] is not None
        if is_track and u.rows.size < cfg.min_track_contacts:
            continue
        strength = _strength(c, u, cfg)
        if not is_track and strength < cfg.min_detection_score:
            continue
        pts = shapely.points(c.lon[u.rows], c.lat[u.rows])
        hit_pt, _ = tree.query(pts, predicate="covered_by")
        if hit_pt.size == 0:
            continue
        first = int(u.rows[int(hit_pt.min())])
        t0, t1 = float(c.t[u.rows[0]]), float(c.t[u.rows[-1]])
        w = cfg.coverage_window_minutes * 60.0
        near = _near_rows(
            index, order, t0 - w, t1 + w, float(c.lat[first]), float(c.lon[first]), cfg.coverage_radius_km
        )
        near = near[
            haversine_km(index.lat[near], index.lon[near], c.lat[first], c.lon[first]) <= cfg.coverage_radius_km
        ]
        heard = int(np.unique(index.vessel[near]).size)
        coverage = cfg.min_coverage_factor + (1.0 - cfg.min_coverage_factor) * min(1.0, heard / cfg.coverage_vessels)
        out.append(
            Event(
                kind=DARK_VESSEL,
                mmsi=dark_id(u.key),
                other_mmsi=None,
                start=t0,
                end=t1,
                lat=float(c.lat[first]),
                lon=float(c.lon[first]),
                confidence=round(strength * coverage, 3),
                details={
                    "unit": u.key,
                    "source_kind": str(c.source_kind[first]),
                    "sensor_id": str(c.sensor_id[first]),
                    "scene_id": c.scene_id[first],
                    "contacts": int(u.rows.size),
                    "contact_ids": [int(x) for x in c.contact_id[u.rows[:20]]],
                    "detection_strength": strength,
                    "ais_vessels_heard_nearby": heard,
                    "coverage_factor": coverage,
                },
            )
        )
    return out


def detect_dark_rendezvous(c: ContactSet, us: list[Unit], index: TrackIndex, cfg: ContactsConfig) -> list[Event]:
    """``dark_rendezvous`` events (module docstring)."""
    order = _by_time(index)
    out: list[Event] = []
    span = cfg.rendezvous_min_minutes * 60.0
    for u in us:
        if u.matched >= 0:
            continue
        rows = u.rows
        t0, t1 = float(c.t[rows[0]]), float(c.t[rows[-1]])
        lat0, lon0 = float(np.mean(c.lat[rows])), float(np.mean(c.lon[rows]))
        reach = cfg.rendezvous_max_distance_km + float(haversine_km(c.lat[rows], c.lon[rows], lat0, lon0).max()) + 2.0
        near = _near_rows(index, order, t0 - span, t1 + span, lat0, lon0, reach)
        for v in np.unique(index.vessel[near]):
            ev = _alongside(c, u, index, int(v), cfg)
            if ev is not None:
                out.append(ev)
    return out


def _alongside(c: ContactSet, u: Unit, index: TrackIndex, v: int, cfg: ContactsConfig) -> Event | None:
    rows = u.rows
    vv = np.full(rows.size, v, dtype=np.int64)
    pred = predict(index, vv, c.t[rows])
    d = haversine_km(pred.lat, pred.lon, c.lat[rows], c.lon[rows])
    close = (
        pred.valid & (d <= cfg.rendezvous_max_distance_km) & (np.nan_to_num(pred.sog) <= cfg.rendezvous_max_speed_kn)
    )
    if not close.any():
        return None
    is_track = c.track_id[rows[0]] is not None
    lo, hi = index.start[v], index.end[v]
    if is_track:
        tc = c.t[rows][close]
        gaps = np.diff(tc) > cfg.rendezvous_max_gap_minutes * 60.0
        # the longest run of close contacts without a long gap
        starts = np.concatenate([[0], np.flatnonzero(gaps) + 1])
        ends = np.concatenate([np.flatnonzero(gaps), [tc.size - 1]])
        k = int(np.argmax(tc[ends] - tc[starts]))
        start, end = float(tc[starts[k]]), float(tc[ends[k]])
    else:
        tc0 = float(c.t[rows[0]])
        half = cfg.rendezvous_min_minutes * 60.0 / 2.0
        around = (index.t[lo:hi] >= tc0 - half) & (index.t[lo:hi] <= tc0 + half)
        sog = index.sog[lo:hi][around]
        if sog.size < 2 or not np.all(np.nan_to_num(sog, nan=99.0) <= cfg.rendezvous_max_speed_kn):
            return None
        ts = index.t[lo:hi][around]
        start, end = float(ts.min()), float(ts.max())
    if end - start < cfg.rendezvous_min_minutes * 60.0 * (1.0 if is_track else 0.5):
        return None
    i = int(np.flatnonzero(close)[0])
    strength = _strength(c, u, cfg)
    return Event(
        kind=DARK_RENDEZVOUS,
        mmsi=int(index.mmsi[v]),
        other_mmsi=dark_id(u.key),
        start=start,
        end=end,
        lat=float(c.lat[rows[i]]),
        lon=float(c.lon[rows[i]]),
        confidence=round(min(1.0, 0.5 + 0.5 * strength) * (1.0 if is_track else cfg.snapshot_rendezvous_factor), 3),
        details={
            "unit": u.key,
            "source_kind": str(c.source_kind[rows[0]]),
            "sensor_id": str(c.sensor_id[rows[0]]),
            "close_contacts": int(close.sum()),
            "min_distance_km": float(d[close].min()),
            "max_ais_speed_kn": float(np.nan_to_num(pred.sog[close]).max()),
            "minutes": (end - start) / 60.0,
        },
    )


def _length_ok(length: float, sensor_min: float, cfg: ContactsConfig) -> bool:
    return bool(np.isfinite(length)) and length >= max(sensor_min, cfg.min_length_m)


def detect_unconfirmed_scenes(
    c: ContactSet,
    index: TrackIndex,
    lengths: F64,
    scenes: list[Scene],
    sensors: dict[str, Sensor],
    cfg: ContactsConfig,
) -> list[Event]:
    """``ais_unconfirmed`` inside scene footprints (module docstring). ``lengths`` per vessel
    number of ``index`` (metres, NaN unknown)."""
    out: list[Event] = []
    order = _by_time(index)
    for sc in scenes:
        fp = sc.footprint
        inner = shapely.buffer(fp, -cfg.edge_margin_km / KM_PER_DEG)
        if shapely.is_empty(inner):
            continue
        sensor = sensors.get(sc.sensor_id)
        p = sensor.p_detect if sensor is not None else cfg.p_detect
        smin = sensor.min_length_m if sensor is not None else cfg.min_length_m
        w = cfg.max_report_age_minutes * 60.0
        ts = index.t[order]
        rows = order[np.searchsorted(ts, sc.t - w) : np.searchsorted(ts, sc.t + w, side="right")]
        vessels = np.unique(index.vessel[rows])
        if vessels.size == 0:
            continue
        pred = predict(index, vessels, np.full(vessels.size, sc.t))
        ok = pred.valid & (pred.sigma_m <= cfg.max_sigma_m)
        inside = ok & shapely.contains_xy(inner, pred.lon, pred.lat)
        seen = set(int(m) for m in c.match_mmsi[(c.scene_id == sc.scene_id) & (c.match_mmsi >= 0)])
        for k in np.flatnonzero(inside):
            v = int(vessels[k])
            mmsi = int(index.mmsi[v])
            if mmsi in seen or not _length_ok(float(lengths[v]), smin, cfg):
                continue
            out.append(
                Event(
                    kind=AIS_UNCONFIRMED,
                    mmsi=mmsi,
                    other_mmsi=None,
                    start=sc.t,
                    end=sc.t,
                    lat=float(pred.lat[k]),
                    lon=float(pred.lon[k]),
                    confidence=round(p, 3),
                    details={
                        "sensor": "scene",
                        "scene_id": sc.scene_id,
                        "sensor_id": sc.sensor_id,
                        "length_m": float(lengths[v]),
                        "p_detect": p,
                        "prediction_sigma_m": float(pred.sigma_m[k]),
                        "nearest_contact_km": _nearest(c, c.scene_id == sc.scene_id, pred.lat[k], pred.lon[k]),
                    },
                )
            )
    return out


def _nearest(c: ContactSet, mask: npt.NDArray[np.bool_], lat: float, lon: float) -> float | None:
    if not mask.any():
        return None
    return float(haversine_km(c.lat[mask], c.lon[mask], lat, lon).min())


def radar_scanning(t: F64, max_gap_s: float) -> list[tuple[float, float]]:
    """Intervals (UTC seconds) a radar was scanning: its contact times with gaps ≤ ``max_gap_s``."""
    if t.size == 0:
        return []
    ts = np.sort(t)
    cut = np.flatnonzero(np.diff(ts) > max_gap_s)
    starts = np.concatenate([[0], cut + 1])
    ends = np.concatenate([cut, [ts.size - 1]])
    return [(float(ts[a]), float(ts[b])) for a, b in zip(starts, ends)]


def detect_unconfirmed_radar(
    c: ContactSet, index: TrackIndex, lengths: F64, sensors: dict[str, Sensor], cfg: ContactsConfig
) -> list[Event]:
    """``ais_unconfirmed`` inside fixed radars' stated range while they scanned (module docstring)."""
    out: list[Event] = []
    step = cfg.radar_look_minutes * 60.0
    for s in sensors.values():
        if s.kind != "radar" or s.position is None:
            continue
        mine = c.sensor_id == s.sensor_id
        seen = set(int(m) for m in c.match_mmsi[mine & (c.match_mmsi >= 0)])
        lat0, lon0 = s.position
        for a, b in radar_scanning(c.t[mine], cfg.radar_max_scan_gap_s):
            if b - a < cfg.radar_min_unseen_minutes * 60.0:
                continue
            grid = np.arange(a, b + 1e-6, step)
            order = _by_time(index)
            rows = _near_rows(index, order, a - 600.0, b + 600.0, lat0, lon0, s.range_km)
            for v in np.unique(index.vessel[rows]):
                mmsi = int(index.mmsi[v])
                if mmsi in seen or not _length_ok(float(lengths[v]), s.min_length_m, cfg):
                    continue
                pred = predict(index, np.full(grid.size, v, dtype=np.int64), grid)
                rng = haversine_km(pred.lat, pred.lon, lat0, lon0)
                inside = pred.valid & (pred.sigma_m <= cfg.max_sigma_m) & (rng <= s.range_km - cfg.edge_margin_km)
                looks = int(inside.sum())
                if looks * step < cfg.radar_min_unseen_minutes * 60.0:
                    continue
                k = int(np.flatnonzero(inside)[0])
                conf = 1.0 - (1.0 - s.p_detect) ** looks
                near = _nearest(c, mine & (np.abs(c.t - grid[k]) <= step), pred.lat[k], pred.lon[k])
                out.append(
                    Event(
                        kind=AIS_UNCONFIRMED,
                        mmsi=mmsi,
                        other_mmsi=None,
                        start=float(grid[inside][0]),
                        end=float(grid[inside][-1]),
                        lat=float(pred.lat[k]),
                        lon=float(pred.lon[k]),
                        confidence=round(conf, 3),
                        details={
                            "sensor": "radar",
                            "sensor_id": s.sensor_id,
                            "length_m": float(lengths[v]),
                            "p_detect": s.p_detect,
                            "looks": looks,
                            "range_km": float(rng[k]),
                            "nearest_contact_km": near,
                        },
                    )
                )
    return out


def contact_events(
    c: ContactSet,
    index: TrackIndex,
    lengths: F64,
    scenes: list[Scene],
    sensors: dict[str, Sensor],
    zones: list[tuple[str, object]],
    cfg: ContactsConfig,
) -> list[Event]:
    """Every contact event over correlated contacts and the AIS reports of the same window."""
    us = units(c)
    return (
        detect_dark_vessels(c, us, index, zones, cfg)
        + detect_dark_rendezvous(c, us, index, cfg)
        + detect_unconfirmed_scenes(c, index, lengths, scenes, sensors, cfg)
        + detect_unconfirmed_radar(c, index, lengths, sensors, cfg)
    )
