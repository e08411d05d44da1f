"""Speed range: inside a watched zone, speed within [min_kn, max_kn] for long enough.

Definition (defaults in ``[speed_range]`` of defaults.toml; Skylight's "Speed Range" event is
the reference): in each zone named in ``zones`` (none by default: an analyst chooses the
areas, as Skylight's events are configured per area of interest), a run of consecutive
reports of one segment, each inside the zone with its speed in ``[min_kn, max_kn]``
(inclusive) and no two more than ``max_gap_minutes`` apart, lasting at least
``min_duration_minutes`` or (when ``min_distance_km`` > 0) covering at least that distance.
The speed is the reported SOG, or the implied speed of the report when SOG is missing.
Each ``[[speed_range.watch]]`` table watches one more range in its own zones, with its own
thresholds (:meth:`SpeedRangeConfig.watches`). Runs of one vessel starting at the same report
are one event (the first watch's), as event ids are (kind, MMSI, start).

An event reaching the segment's last report, heard within ``max_gap_minutes`` of the latest
data, is open. Times UTC seconds, speeds knots, distances km.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from maritime.detect.config import SpeedRangeConfig, SpeedRangeWatch
from maritime.detect.events import SPEED_RANGE, Event, iso
from maritime.detect.tracks import Tracks
from maritime.detect.zonemask import inside_many, selected
from maritime.geodesy import haversine_km


def report_speed(tr: Tracks) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Speed (kn) of each report: reported SOG, else the implied speed (NaN if neither)."""
    sog = tr.sog.astype(np.float64)
    return np.where(np.isfinite(sog), sog, tr.speed)


def run_distances(tr: Tracks, first: npt.NDArray[np.int64], last: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Distance (km) along each run of reports ``first[k]..last[k]`` (only their steps are
    computed)."""
    lengths = last - first
    out = np.zeros(len(first))
    if lengths.sum() == 0:
        return out
    idx = np.repeat(first, lengths) + (np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths))
    steps = haversine_km(tr.lat[idx], tr.lon[idx], tr.lat[idx + 1], tr.lon[idx + 1])
    has = lengths > 0
    out[has] = np.add.reduceat(steps, (np.cumsum(lengths) - lengths)[has])
    return out


def detect_speed_range(
    tr: Tracks, zones: Sequence[tuple[str, Any]], config: SpeedRangeConfig | None = None
) -> list[Event]:
    """Speed range events of every segment of ``tr`` for every watched range (see module doc)."""
    cfg = config or SpeedRangeConfig()
    out: list[Event] = []
    if len(tr) == 0:
        return out
    speed = report_speed(tr)
    taken: set[tuple[int, int]] = set()
    stats = _RunStats(speed)
    for w in cfg.watches():
        out.extend(_watch_events(tr, zones, w, speed, stats, taken))
    return out


class _RunStats:
    """Cumulative sums and padded extremes of the report speeds, for the mean, min and max of
    any run of reports (built on first use, shared by every watch)."""

    def __init__(self, speed: npt.NDArray[np.float64]) -> None:
        self.speed = speed
        self._ready = False

    def of(
        self, first: npt.NDArray[np.int64], last: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """(mean, min, max) speed of each run ``first[k]..last[k]`` (NaN speeds left out)."""
        if not self._ready:
            known = np.isfinite(self.speed)
            self.csum = np.r_[0.0, np.cumsum(np.where(known, self.speed, 0.0))]
            self.ccount = np.r_[0.0, np.cumsum(known)]
            self.lo = np.r_[np.where(known, self.speed, np.inf), np.inf]
            self.hi = np.r_[np.where(known, self.speed, -np.inf), -np.inf]
            self._ready = True
        mean = (self.csum[last + 1] - self.csum[first]) / np.maximum(self.ccount[last + 1] - self.ccount[first], 1.0)
        pairs = np.ravel(np.column_stack([first, last + 1]))
        return mean, np.minimum.reduceat(self.lo, pairs)[::2], np.maximum.reduceat(self.hi, pairs)[::2]


def _watch_events(
    tr: Tracks,
    zones: Sequence[tuple[str, Any]],
    w: SpeedRangeWatch,
    speed: npt.NDArray[np.float64],
    stats: _RunStats,
    taken: set[tuple[int, int]],
) -> list[Event]:
    """The events of one watched range; runs already in ``taken`` (mmsi, start) are skipped."""
    watch = selected(zones, w.zones)
    if not watch:
        return []
    with np.errstate(invalid="ignore"):
        in_range = (speed >= w.min_kn) & (speed <= w.max_kn)
    gap = w.max_gap_minutes * 60.0
    out: list[Event] = []
    definition_tail = f" or >= {w.min_distance_km:g} km" if w.min_distance_km > 0 else ""
    # only the reports in the speed range are placed in the zones (the others never count)
    sel = np.nonzero(in_range)[0]
    masks = inside_many(tr.lat[sel], tr.lon[sel], [g for _, g in watch])
    for (name, _geom), in_sel in zip(watch, masks):
        in_zone = np.zeros(len(tr), dtype=bool)
        in_zone[sel] = in_sel
        definition = (
            f"speed in [{w.min_kn:g}, {w.max_kn:g}] kn inside {name} for >= {w.min_duration_minutes:g} min"
            + definition_tail
        )
        flag = in_range & in_zone
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
        long_enough = tr.t[last] - tr.t[first] >= w.min_duration_minutes * 60.0
        if w.min_distance_km <= 0:
            first, last, long_enough = first[long_enough], last[long_enough], long_enough[long_enough]
        if len(first) == 0:
            continue
        dists = run_distances(tr, first, last)
        keep = long_enough | ((w.min_distance_km > 0) & (dists >= w.min_distance_km))
        first, last, dists = first[keep], last[keep], dists[keep]
        if len(first) == 0:
            continue
        mean, mins, maxs = stats.of(first, last)
        for k, (a, b) in enumerate(zip(first.tolist(), last.tolist())):
            s = int(tr.seg[a])
            seg_last = int(tr.seg_end[s]) - 1
            open_ = b == seg_last and tr.now - float(tr.t[b]) <= gap
            key = (int(tr.seg_mmsi[s]), int(np.floor(tr.t[a])))
            if key in taken:
                continue
            taken.add(key)
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
                        "range_kn": [w.min_kn, w.max_kn],
                        "duration_h": round(hours, 3),
                        "distance_km": round(float(dists[k]), 3),
                        "mean_speed_kn": round(float(mean[k]), 2),
                        "min_speed_kn": round(float(mins[k]), 2),
                        "max_speed_kn": round(float(maxs[k]), 2),
                        "reports": int(b - a + 1),
                        "last_seen": iso(float(tr.t[b])),
                        "definition": definition,
                    },
                    zone=name,
                )
            )
    return out
