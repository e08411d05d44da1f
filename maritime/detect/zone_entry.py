"""Zone entry: a vessel enters a patrol zone; the event stays open while it is inside.

Definition (defaults in ``[zone_entry]`` of defaults.toml; Skylight's "Entry" event per area
of interest is the reference): per segment and zone, a *visit* is a run of consecutive reports
inside the zone widened by ``hysteresis_km`` that contains at least one report inside the zone
itself. It starts at the first report inside the zone (the entry) and ends at the first report
outside the widened zone (the exit). Two visits of one segment with at most
``reentry_minutes`` between the exit and the next entry are one event. So a vessel that
jitters on the boundary (position noise, a trawler working along the line) is one entry, not
dozens: hysteresis in distance and in time.

An event whose visit reaches the segment's last report is open (``end`` None) when that report
is at most ``open_hours`` old at the latest data; otherwise it ends at that last report
(details ``exit_seen`` false). A vessel whose first report of the data is already inside
entered earlier: details ``entered_before_data`` (the runner's window reaches back to the
stored event, which this one then continues).

Vectorised over the fleet per zone (run-length encoding of the inside flags); only visits go
through Python. Times UTC seconds, distances km, positions degrees.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from maritime.detect.config import ZoneEntryConfig
from maritime.detect.events import ZONE_ENTRY, Event, iso
from maritime.detect.tracks import Tracks
from maritime.detect.zonemask import inside_many, selected, widened

Ints = npt.NDArray[np.int64]


def flag_runs(tr: Tracks, flag: npt.NDArray[np.bool_]) -> tuple[Ints, Ints]:
    """First and last index of each run of consecutive flagged reports within a segment."""
    idx = np.nonzero(flag)[0]
    if len(idx) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    brk = np.ones(len(idx), dtype=bool)
    brk[1:] = (idx[1:] != idx[:-1] + 1) | (tr.seg[idx[1:]] != tr.seg[idx[:-1]])
    starts = np.nonzero(brk)[0]
    ends = np.append(starts[1:], len(idx)) - 1
    return idx[starts].astype(np.int64), idx[ends].astype(np.int64)


def visits(tr: Tracks, core: npt.NDArray[np.bool_], buf: npt.NDArray[np.bool_]) -> list[tuple[int, int, int]]:
    """Visits as (entry index, last index inside the widened zone, exit index or -1)."""
    first, last = flag_runs(tr, buf)
    if len(first) == 0:
        return []
    core_idx = np.nonzero(core)[0]
    if len(core_idx) == 0:
        return []
    k = np.searchsorted(core_idx, first)
    entry = core_idx[np.minimum(k, len(core_idx) - 1)]
    ok = (k < len(core_idx)) & (entry <= last)
    seg_end = tr.seg_end[tr.seg[last]]
    exit_ = np.where(last + 1 < seg_end, last + 1, -1)
    return [(int(e), int(b), int(x)) for e, b, x in zip(entry[ok], last[ok], exit_[ok])]


def detect_zone_entries(
    tr: Tracks, zones: Sequence[tuple[str, Any]], config: ZoneEntryConfig | None = None
) -> list[Event]:
    """Zone entry events of every segment of ``tr`` in the configured zones (see module doc)."""
    cfg = config or ZoneEntryConfig()
    watch = selected(zones, cfg.zones)
    if len(tr) == 0 or not watch:
        return []
    reentry = cfg.reentry_minutes * 60.0
    out: list[Event] = []
    taken: set[tuple[int, int]] = set()
    geoms = [g for _, g in watch]
    masks = inside_many(tr.lat, tr.lon, geoms + [widened(g, cfg.hysteresis_km) for g in geoms])
    for k, (name, _geom) in enumerate(watch):
        core = masks[k]
        if not core.any():
            continue
        buf = masks[len(watch) + k] | core
        vs = visits(tr, core, buf)
        merged: list[list[int]] = []  # [entry, last inside, exit, n visits]
        for e, b, x in vs:
            if merged:
                m = merged[-1]
                same_seg = tr.seg[m[0]] == tr.seg[e]
                if same_seg and m[2] >= 0 and tr.t[e] - tr.t[m[2]] <= reentry:
                    m[1], m[2], m[3] = b, x, m[3] + 1
                    continue
            merged.append([e, b, x, 1])
        for e, b, x, n_vis in merged:
            ev = _event(tr, name, core, e, b, x, n_vis, cfg)
            key = (int(ev.mmsi), int(np.floor(ev.start)))
            if key in taken:  # the same entry second into an overlapping zone: one event (id)
                for o in out:
                    if (int(o.mmsi), int(np.floor(o.start))) == key:
                        o.details.setdefault("also_zones", []).append(name)
                continue
            taken.add(key)
            out.append(ev)
    return out


def _event(
    tr: Tracks,
    name: str,
    core: npt.NDArray[np.bool_],
    e: int,
    b: int,
    x: int,
    n_vis: int,
    cfg: ZoneEntryConfig,
) -> Event:
    s = int(tr.seg[e])
    seg_first = int(tr.seg_start[s])
    before = e == seg_first
    t_in = float(tr.t[e])
    if x >= 0:
        end: float | None = float(tr.t[x])
    elif tr.now - float(tr.t[b]) <= cfg.open_hours * 3600.0:
        end = None
    else:
        end = float(tr.t[b])
    t_out = end if end is not None else tr.now
    a_prev = e - 1 if e > seg_first else -1
    details: dict[str, Any] = {
        "zone": name,
        "entry_time": iso(t_in),
        "entry_position": [round(float(tr.lat[e]), 5), round(float(tr.lon[e]), 5)],
        "last_outside_time": iso(float(tr.t[a_prev])) if a_prev >= 0 else None,
        "exit_time": iso(float(tr.t[x])) if x >= 0 else None,
        "exit_position": [round(float(tr.lat[x]), 5), round(float(tr.lon[x]), 5)] if x >= 0 else None,
        "exit_seen": x >= 0,
        "last_inside_time": iso(float(tr.t[b])),
        "time_inside_h": round((t_out - t_in) / 3600.0, 3),
        "reports_inside": int(core[e : b + 1].sum()),
        "visits_merged": n_vis,
        "entered_before_data": bool(before),
        "hysteresis_km": cfg.hysteresis_km,
        "reentry_minutes": cfg.reentry_minutes,
    }
    return Event(
        kind=ZONE_ENTRY,
        mmsi=int(tr.seg_mmsi[s]),
        other_mmsi=None,
        start=t_in,
        end=end,
        lat=float(tr.lat[e]),
        lon=float(tr.lon[e]),
        confidence=0.6 if before else 0.95,
        details=details,
        zone=name,
    )
