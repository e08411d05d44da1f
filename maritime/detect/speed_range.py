"""Speed range: inside a watched zone, speed within [min_kn, max_kn] for long enough.

Definition (defaults in ``[speed_range]`` of defaults.toml; Skylight's "Speed Range" event is
the reference): in each zone named in ``zones`` (none by default: an analyst chooses the
areas, as Skylight's events are configured per area of interest), a run of consecutive
reports of one segment, each inside the zone with its speed in ``[min_kn, max_kn]``
(inclusive) and no two more than ``max_gap_minutes`` apart, lasting at least
``min_duration_minutes`` or (when ``min_distance_km`` > 0) covering at least that distance.
The speed is the reported SOG, or the implied speed of the report when SOG is missing.

An event reaching the segment's last report, heard within ``max_gap_minutes`` of the latest
data, is open. Times UTC seconds, speeds knots, distances km.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from maritime.detect.config import SpeedRangeConfig
from maritime.detect.events import SPEED_RANGE, Event, iso
from maritime.detect.tracks import Tracks
from maritime.detect.zonemask import inside, selected
from maritime.geodesy import haversine_km


def report_speed(tr: Tracks) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Speed (kn) of each report: reported SOG, else the implied speed (NaN if neither)."""
    sog = tr.sog.astype(np.float64)
    return np.where(np.isfinite(sog), sog, tr.speed)


def detect_speed_range(
    tr: Tracks, zones: Sequence[tuple[str, Any]], config: SpeedRangeConfig | None = None
) -> list[Event]:
    """Speed range events of every segment of ``tr`` in the configured zones (see module doc)."""
    cfg = config or SpeedRangeConfig()
    watch = selected(zones, cfg.zones)
    if len(tr) == 0 or not watch:
        return []
    speed = report_speed(tr)
    with np.errstate(invalid="ignore"):
        in_range = (speed >= cfg.min_kn) & (speed <= cfg.max_kn)
    gap = cfg.max_gap_minutes * 60.0
    out: list[Event] = []
    taken: set[tuple[int, int]] = set()
    for name, geom in watch:
        flag = in_range & inside(tr.lat, tr.lon, geom)
        idx = np.nonzero(flag)[0]
        if len(idx) == 0:
            continue
        brk = np.ones(len(idx), dtype=bool)
        brk[1:] = (
            (idx[1:] != idx[:-1] + 1) | (tr.seg[idx[1:]] != tr.seg[idx[:-1]]) | (tr.t[idx[1:]] - tr.t[idx[:-1]] > gap)
        )
        starts = np.nonzero(brk)[0]
        ends = np.append(starts[1:], len(idx)) - 1
        first, last = idx[starts], idx[ends]
        dur = tr.t[last] - tr.t[first]
        long_enough = dur >= cfg.min_duration_minutes * 60.0
        for a, b, ok in zip(first.tolist(), last.tolist(), long_enough.tolist()):
            if not ok and cfg.min_distance_km <= 0:
                continue
            dist = float(haversine_km(tr.lat[a:b], tr.lon[a:b], tr.lat[a + 1 : b + 1], tr.lon[a + 1 : b + 1]).sum())
            if not ok and not (cfg.min_distance_km > 0 and dist >= cfg.min_distance_km):
                continue
            s = int(tr.seg[a])
            seg_last = int(tr.seg_end[s]) - 1
            open_ = b == seg_last and tr.now - float(tr.t[b]) <= gap
            key = (int(tr.seg_mmsi[s]), int(np.floor(tr.t[a])))
            if key in taken:
                continue
            taken.add(key)
            sp = speed[a : b + 1]
            hours = float(tr.t[b] - tr.t[a]) / 3600.0
            out.append(
                Event(
                    kind=SPEED_RANGE,
                    mmsi=key[0],
                    other_mmsi=None,
                    start=float(tr.t[a]),
                    end=None if open_ else float(tr.t[b]),
                    lat=float(tr.lat[a]),
                    lon=float(tr.lon[a]),
                    confidence=0.9 if b - a + 1 >= 5 else 0.7,
                    details={
                        "zone": name,
                        "range_kn": [cfg.min_kn, cfg.max_kn],
                        "duration_h": round(hours, 3),
                        "distance_km": round(dist, 3),
                        "mean_speed_kn": round(float(np.nanmean(sp)), 2),
                        "min_speed_kn": round(float(np.nanmin(sp)), 2),
                        "max_speed_kn": round(float(np.nanmax(sp)), 2),
                        "reports": int(b - a + 1),
                        "last_seen": iso(float(tr.t[b])),
                        "definition": (
                            f"speed in [{cfg.min_kn:g}, {cfg.max_kn:g}] kn inside {name} for >= "
                            f"{cfg.min_duration_minutes:g} min"
                            + (f" or >= {cfg.min_distance_km:g} km" if cfg.min_distance_km > 0 else "")
                        ),
                    },
                    zone=name,
                )
            )
    return out
