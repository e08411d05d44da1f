"""Live updates: what the page's map and alert list receive on each refresh.

Live updates send the browser only what changed. The server keeps, per page (``session``),
the last few vessel sets and alert lists it sent, numbered (``seq``); the page reports the
number it applied, and the next update is the difference from that one (or everything, when
the server no longer has it). Alert queries of one data version are shared by the callbacks of
a refresh (:func:`cached_alerts`).
"""

from __future__ import annotations

import json
import math
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from maritime.dashboard import queries as q
from maritime.dashboard.categories import category
from maritime.dashboard.state import Now, ViewState, as_state, iso, view_extent

# -- per-page memory of what was sent ----------------------------------------------------------


class SessionCache:
    """What each page was sent, by sequence number, so the next update is a difference."""

    def __init__(self, max_sessions: int = 32, keep: int = 3) -> None:
        self.max_sessions = max_sessions
        self.keep = keep
        self.lock = threading.Lock()
        self.seq = 0
        self.sessions: OrderedDict[tuple[str, str], OrderedDict[int, Any]] = OrderedDict()

    def get(self, session: str | None, kind: str, seq: int | None) -> Any:
        if not session or seq is None:
            return None
        with self.lock:
            states = self.sessions.get((session, kind))
            return None if states is None else states.get(seq)

    def put(self, session: str | None, kind: str, value: Any) -> int:
        with self.lock:
            self.seq += 1
            if session:
                key = (session, kind)
                states = self.sessions.pop(key, None) or OrderedDict()
                states[self.seq] = value
                while len(states) > self.keep:
                    states.popitem(last=False)
                self.sessions[key] = states
                while len(self.sessions) > self.max_sessions:
                    self.sessions.popitem(last=False)
            return self.seq


# -- shared query results --------------------------------------------------------------------

_MEMO_LOCK = threading.Lock()
_ALERT_MEMO: OrderedDict[tuple[Any, ...], list[dict[str, Any]]] = OrderedDict()


def cached_alerts(
    cur: q.Cursor,
    version: tuple[Any, ...],
    start: datetime | None,
    end: datetime | None,
    flt: q.AlertFilter,
    wall_now: datetime | None = None,
) -> list[dict[str, Any]]:
    """:func:`queries.alerts`, shared by the callbacks of one refresh: the same window and
    filter at the same data version (:func:`queries.db_version`) is queried once."""
    key = (version, start, end, flt)
    with _MEMO_LOCK:
        hit = _ALERT_MEMO.get(key)
        if hit is not None:
            _ALERT_MEMO.move_to_end(key)
            return hit
    rows = q.alerts(cur, start, end, flt, wall_now)
    with _MEMO_LOCK:
        _ALERT_MEMO[key] = rows
        while len(_ALERT_MEMO) > 32:
            _ALERT_MEMO.popitem(last=False)
    return rows


# -- the map -----------------------------------------------------------------------------------

#: Above this many vessels in view the map shows a density grid (plus alerted vessels).
DENSITY_THRESHOLD = 2500
#: Grid cells across the view in density mode.
DENSITY_CELLS = 70


def alert_marks(rows: Iterable[Mapping[str, Any]]) -> dict[int, str]:
    """MMSI → "new" (an alert nobody has handled) or "handled" (acknowledged/assigned)."""
    out: dict[int, str] = {}
    for r in rows:
        if r["status"] == "dismissed" or r["kind"] == "feed_silent":
            continue
        mark = "new" if r["status"] == "new" else "handled"
        for m in (r["mmsi"], r["other_mmsi"]):
            if m is not None and out.get(m) != "new":
                out[int(m)] = mark
    return out


def density_grid(rows: Sequence[Mapping[str, Any]], extent: tuple[float, float, float, float]) -> dict[str, Any]:
    x0, x1, y0, y1 = extent
    raw = max(x1 - x0, y1 - y0) / DENSITY_CELLS
    cell = min((c for c in (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0) if c >= raw), default=5.0)
    counts: Counter[tuple[int, int]] = Counter()
    for r in rows:
        counts[(math.floor(r["lon"] / cell), math.floor(r["lat"] / cell))] += 1
    keys = sorted(counts)
    return {
        "cell": cell,
        "lon": [round((i + 0.5) * cell, 4) for i, _ in keys],
        "lat": [round((j + 0.5) * cell, 4) for _, j in keys],
        "n": [counts[k] for k in keys],
    }


def vessel_update(
    cur: q.Cursor,
    cache: SessionCache,
    session: str | None,
    applied: Mapping[str, Any] | None,
    state: Mapping[str, Any] | ViewState | None,
    view: Mapping[str, Any] | None,
    now: Now,
) -> dict[str, Any] | None:
    """The map's vessel data for the page: a difference from what it applied, or ``None``
    when nothing changed.

    Payload: ``seq``, ``base`` (the seq it applies to; ``full`` when it replaces all),
    ``upsert`` rows ``[mmsi, lon, lat, t, sog, cat, name]``, ``remove`` MMSIs, ``alerts``
    (MMSI → new/handled), ``density`` (grid when too many vessels are in view), ``now`` and
    ``start`` (window, epoch s), ``live``, counts.
    """
    s = as_state(state)
    version = now.version
    extent = view_extent(view)
    key = (version, s.live, s.end, s.win, s.kinds, s.zones, s.statuses, s.conf, s.mmsi, extent)
    base_seq = (applied or {}).get("seq")
    prev = cache.get(session, "vessels", base_seq)
    if prev is not None and prev[2] == key:
        return None  # nothing the map shows has changed
    window = now.window(s)
    rows = q.latest_positions(cur, window)
    marks = alert_marks(cached_alerts(cur, version, window.start, window.end, s.alert_filter(), now.wall))
    if extent is None:
        in_view = rows
    else:
        x0, x1, y0, y1 = extent
        in_view = [r for r in rows if x0 <= r["lon"] <= x1 and y0 <= r["lat"] <= y1]
    density = None
    if len(in_view) > DENSITY_THRESHOLD:
        ext = extent or (
            min(r["lon"] for r in rows),
            max(r["lon"] for r in rows),
            min(r["lat"] for r in rows),
            max(r["lat"] for r in rows),
        )
        density = density_grid(in_view, ext)
        points = [r for r in in_view if r["mmsi"] in marks or r["mmsi"] == s.mmsi]
    elif extent is not None:
        x0, x1, y0, y1 = extent
        mx, my = (x1 - x0) * 0.5, (y1 - y0) * 0.5
        points = [r for r in rows if x0 - mx <= r["lon"] <= x1 + mx and y0 - my <= r["lat"] <= y1 + my]
    else:
        points = rows
    current = {
        int(r["mmsi"]): (
            round(r["lon"], 5),
            round(r["lat"], 5),
            int(r["t"]),
            None if r["sog"] is None else round(float(r["sog"]), 1),
            category(r["ship_type"]),
            r["name"] or "",
        )
        for r in points
    }
    alerts_json = {str(k): v for k, v in sorted(marks.items())}
    meta = {
        "now": window.end_s,
        "start": window.start_s,
        "live": window.live,
        "alerts": alerts_json,
        "density": density,
        "total": len(rows),
        "in_view": len(in_view),
    }
    if prev is not None:
        prev_rows, prev_meta, _ = prev
        upsert = [[m, *v] for m, v in current.items() if prev_rows.get(m) != v]
        remove = [m for m in prev_rows if m not in current]
        if not upsert and not remove and prev_meta == meta:
            return None
        payload = {"full": False, "base": base_seq, "upsert": upsert, "remove": remove}
    else:
        payload = {"full": True, "base": None, "upsert": [[m, *v] for m, v in current.items()], "remove": []}
    seq = cache.put(session, "vessels", (current, meta, key))
    payload.update(seq=seq, **meta)
    return payload


def track_data(
    mmsi: int,
    points: Sequence[Mapping[str, Any]],
    events: Sequence[Mapping[str, Any]],
    window: q.Window,
    max_points: int = 4000,
) -> dict[str, Any]:
    pts = list(points)
    if len(pts) > max_points:  # keep every k-th report, and the last one
        k = math.ceil(len(pts) / max_points)
        pts = pts[::k] + ([pts[-1]] if (len(pts) - 1) % k else [])
    evs = [
        e
        for e in events
        if e["lon"] is not None
        and (e["end_s"] is None or e["end_s"] >= window.start_s)
        and e["start_s"] <= window.end_s
    ]
    return {
        "mmsi": int(mmsi),
        "lon": [round(p["lon"], 5) for p in pts],
        "lat": [round(p["lat"], 5) for p in pts],
        "t": [iso(p["t"], seconds=False) for p in pts],
        "events": [
            {
                "lon": e["lon"],
                "lat": e["lat"],
                "kind": e["kind"],
                "status": e["status"],
                "event_id": e["event_id"],
                "label": f"{e['kind'].replace('_', ' ')} · {iso(e['start_s'], False)} · {e['status']}",
            }
            for e in evs
        ],
    }


def track_payload(
    cur: q.Cursor,
    mmsi: int | None,
    state: Mapping[str, Any] | ViewState | None,
    now: Now,
    max_points: int = 4000,
) -> dict[str, Any]:
    """The selected vessel's track in the window, with its events marked on it."""
    if mmsi is None:
        return {"mmsi": None}
    window = now.window(as_state(state))
    events = q.alerts(cur, window.start, window.end, q.AlertFilter(mmsi=int(mmsi), limit=200), now.wall)
    return track_data(mmsi, q.track(cur, mmsi, window), events, window, max_points)


# -- the alert list ----------------------------------------------------------------------------

_PRIO = {"new": 0, "assigned": 1, "acknowledged": 2, "dismissed": 3}


def _duration(start_s: float | None, end_s: float | None, now_s: float) -> str:
    if start_s is None:
        return ""
    mins = int(((end_s if end_s is not None else now_s) - start_s) // 60)
    return f"{mins // 60}h{mins % 60:02d}" if mins >= 60 else f"{max(mins, 0)}m"


def grid_row(r: Mapping[str, Any], now_s: float) -> dict[str, Any]:
    """One alert as a row of the list."""
    if r["kind"] == "feed_silent":
        details = json.loads(r["details"] or "{}")
        vessel = details.get("feed", "")
    else:
        vessel = r["name"] or str(r["mmsi"])
        if r["other_mmsi"] is not None:
            vessel += f" ↔ {r['other_name'] or r['other_mmsi']}"
    return {
        "event_id": r["event_id"],
        "kind": r["kind"],
        "mmsi": r["mmsi"],
        "other_mmsi": r["other_mmsi"],
        "vessel": vessel,
        "flag": r["flag"] or "",
        "zone": r["zone"] or "",
        "start": iso(r["start_s"], seconds=False),
        "end": iso(r["end_s"], seconds=False) if r["end_s"] else "open",
        "dur": _duration(r["start_s"], r["end_s"], now_s) if r["end_s"] is not None else "",
        "end_s": r["end_s"],
        "conf": round(float(r["confidence"]), 2),
        "status": r["status"],
        "unit": r["unit"] or "",
        "actor": r["actor"] or "",
        "lat": r["lat"],
        "lon": r["lon"],
        "prio": _PRIO.get(r["status"], 9),
        "start_s": r["start_s"],
    }


def alert_summary(rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    c = Counter(r["status"] for r in rows)
    return {
        "new": c["new"],
        "acknowledged": c["acknowledged"],
        "assigned": c["assigned"],
        "dismissed": c["dismissed"],
        "open": sum(1 for r in rows if r["end"] == "open"),
        "feeds": sum(1 for r in rows if r["kind"] == "feed_silent" and r["end"] == "open"),
        "total": len(rows),
    }


def alerts_update(
    cur: q.Cursor,
    cache: SessionCache,
    session: str | None,
    applied: Mapping[str, Any] | None,
    state: Mapping[str, Any] | ViewState | None,
    now: Now,
) -> dict[str, Any] | None:
    """The alert list for the page: ``rows`` (full) or ``add``/``update``/``remove``
    (difference from what it applied), with ``summary``; ``None`` when nothing changed."""
    s = as_state(state)
    version = now.version
    key = (version, s.live, s.end, s.win, s.kinds, s.zones, s.statuses, s.conf)
    base_seq = (applied or {}).get("seq")
    prev = cache.get(session, "alerts", base_seq)
    if prev is not None and prev[2] == key:
        return None
    window = now.window(s)
    rows = [
        grid_row(r, window.end_s)
        for r in cached_alerts(cur, version, window.start, window.end, s.alert_filter(), now.wall)
    ]
    current = {r["event_id"]: r for r in rows}
    summary = alert_summary(rows)
    meta = {"summary": summary}
    if prev is not None:
        prev_rows, prev_meta, _ = prev
        add = [r for k, r in current.items() if k not in prev_rows]
        update = [r for k, r in current.items() if k in prev_rows and prev_rows[k] != r]
        remove = [{"event_id": k} for k in prev_rows if k not in current]
        if not add and not update and not remove and prev_meta == meta:
            return None
        payload: dict[str, Any] = {
            "full": False,
            "base": base_seq,
            "add": add,
            "update": update,
            "remove": remove,
            "summary_changed": prev_meta["summary"] != summary,
        }
    else:
        payload = {"full": True, "base": None, "rows": rows, "summary_changed": True}
    payload.update(seq=cache.put(session, "alerts", (current, meta, key)), now=window.end_s, **meta)
    return payload


def selection_stamp(cur: q.Cursor, mmsi: int | None, event_id: str | None, now: Now) -> dict[str, Any]:
    """Cheap: what the vessel panel depends on (to skip an unchanged refresh)."""
    v = now.version
    return {
        "mmsi": mmsi,
        "event": event_id,
        "last_s": q.vessel_last_seen(cur, mmsi) if mmsi is not None else None,
        "events": list(v[2:]),
    }
