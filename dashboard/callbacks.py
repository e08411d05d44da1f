"""What the page's callbacks compute, as plain functions of their inputs.

Dash wiring (``dashboard/app.py``) only takes a cursor, calls these and returns their
results. Everything here is testable with a DuckDB cursor and plain values.

Data time only: "now" is the latest report in the database (:func:`resolve_window`); the
wall clock is used for officers' actions and feed health, never for what the map shows.

Live updates send the browser only what changed. The server keeps, per page (``session``),
the last few vessel sets and alert lists it sent, numbered (``seq``); the page reports the
number it applied, and the next update is the difference from that one (or everything, when
the server no longer has it).
"""

from __future__ import annotations

import csv
import io
import json
import math
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode
from xml.sax.saxutils import escape

from dash import dcc, html

from dashboard import queries as q
from dashboard.basemap import PAPER, TEXT

UTC = UTC

# -- vessel categories -------------------------------------------------------------------------

#: Map legend categories: key → (label, colour, scattergl symbol).
CATEGORIES: dict[str, tuple[str, str, str]] = {
    "fish": ("Fishing", "#ffb74d", "diamond"),
    "cargo": ("Cargo", "#4fc3f7", "square"),
    "tanker": ("Tanker", "#ce93d8", "triangle-up"),
    "pass": ("Passenger", "#81c784", "circle"),
    "serv": ("Tug / service", "#90a4ae", "triangle-down"),
    "law": ("Law enf. / SAR", "#ffffff", "star"),
    "leis": ("Sail / pleasure", "#f48fb1", "circle"),
    "other": ("Other / unknown", "#b0bec5", "circle"),
}
STALE_COLOR = "#5c6773"
ALERT_NEW = "#ff4d4f"
ALERT_HANDLED = "#ffb020"

_SHIP_TYPE_NAMES = {
    30: "Fishing",
    31: "Towing",
    32: "Towing (large)",
    33: "Dredging / underwater ops",
    34: "Diving ops",
    35: "Military ops",
    36: "Sailing",
    37: "Pleasure craft",
    50: "Pilot vessel",
    51: "Search and rescue",
    52: "Tug",
    53: "Port tender",
    54: "Anti-pollution",
    55: "Law enforcement",
    58: "Medical transport",
    59: "Non-combatant ship",
}


def category(ship_type: int | None) -> str:
    """Legend category of an ITU-R M.1371 ship type."""
    t = -1 if ship_type is None else int(ship_type)
    if t == 30:
        return "fish"
    if 70 <= t <= 79:
        return "cargo"
    if 80 <= t <= 89:
        return "tanker"
    if 60 <= t <= 69 or 40 <= t <= 49:
        return "pass"
    if t in (31, 32, 33, 34, 50, 52, 53, 54, 58, 59):
        return "serv"
    if t in (35, 51, 55):
        return "law"
    if t in (36, 37):
        return "leis"
    return "other"


def ship_type_name(ship_type: int | None) -> str:
    if ship_type is None:
        return "unknown"
    t = int(ship_type)
    if t in _SHIP_TYPE_NAMES:
        return _SHIP_TYPE_NAMES[t]
    for lo, name in (
        (20, "Wing in ground"),
        (40, "High-speed craft"),
        (60, "Passenger"),
        (70, "Cargo"),
        (80, "Tanker"),
        (90, "Other"),
    ):
        if lo <= t <= lo + 9:
            return name
    return f"type {t}"


def style_spec() -> dict[str, Any]:
    """Colours and symbols for the page's map script (one source of truth)."""
    return {
        "cats": {k: {"label": v[0], "color": v[1], "symbol": v[2]} for k, v in CATEGORIES.items()},
        "stale": STALE_COLOR,
        "alert_new": ALERT_NEW,
        "alert_handled": ALERT_HANDLED,
    }


# -- view state (the URL) ----------------------------------------------------------------------

#: Time windows offered, in seconds.
WINDOWS: dict[str, int] = {
    "1h": 3600,
    "3h": 3 * 3600,
    "6h": 6 * 3600,
    "12h": 12 * 3600,
    "24h": 86400,
    "3d": 3 * 86400,
    "7d": 7 * 86400,
    "30d": 30 * 86400,
}
DEFAULT_STATUSES = ("new", "acknowledged", "assigned")
TABS = ("vessel", "health", "results")


@dataclass(frozen=True)
class ViewState:
    """Everything that defines a view; round-trips through the URL query string."""

    live: bool = True
    end: float | None = None  # review: window end (epoch s, data time)
    win: str = "24h"
    kinds: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()
    statuses: tuple[str, ...] = DEFAULT_STATUSES
    conf: float = 0.0
    stale: int = 60  # minutes without a report before a vessel is greyed
    hide: bool = False  # hide greyed vessels
    mmsi: int | None = None
    event: str | None = None
    view: tuple[float, float, float, float] | None = None  # lon0, lon1, lat0, lat1
    tab: str = "vessel"

    def to_dict(self) -> dict[str, Any]:
        d = self.__dict__.copy()
        for k in ("kinds", "zones", "statuses", "view"):
            d[k] = list(d[k]) if d[k] is not None else None
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> ViewState:
        if not d:
            return cls()
        kw = {k: d[k] for k in cls.__dataclass_fields__ if k in d}
        for k in ("kinds", "zones", "statuses"):
            if k in kw:
                kw[k] = tuple(kw[k] or ())
        if kw.get("view") is not None:
            kw["view"] = tuple(kw["view"])
        return cls(**kw)

    def alert_filter(self, **kw: Any) -> q.AlertFilter:
        return q.AlertFilter(kinds=self.kinds, zones=self.zones, statuses=self.statuses, min_conf=self.conf, **kw)


def _iso(epoch_s: float | None, seconds: bool = True) -> str:
    if epoch_s is None:
        return ""
    fmt = "%Y-%m-%dT%H:%M:%SZ" if seconds else "%Y-%m-%d %H:%M"
    return datetime.fromtimestamp(epoch_s, UTC).strftime(fmt)


def parse_time(text: str) -> float | None:
    """ISO 8601 (a time without zone is UTC) → epoch seconds; ``None`` if unreadable."""
    try:
        t = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace(" ", "T"))
    except (ValueError, AttributeError):
        return None
    return (t if t.tzinfo else t.replace(tzinfo=UTC)).timestamp()


def _list(text: str | None, allowed: Iterable[str] | None = None, limit: int = 50) -> tuple[str, ...]:
    items = [s.strip() for s in (text or "").split(",") if s.strip()][:limit]
    if allowed is not None:
        allowed = set(allowed)
        items = [s for s in items if s in allowed]
    return tuple(dict.fromkeys(s[:200] for s in items))


def parse_state(query: str | Mapping[str, str] | None) -> ViewState:
    """View state from a URL query string (``?a=b&...`` or a mapping); bad values are ignored."""
    if query is None:
        return ViewState()
    args = dict(parse_qsl(query.lstrip("?"), keep_blank_values=True)) if isinstance(query, str) else dict(query)
    s = ViewState()
    kw: dict[str, Any] = {}
    if "end" in args and args["end"]:
        end = parse_time(args["end"])
        if end is not None:
            kw["end"] = end
            kw["live"] = False
    if args.get("live") in ("1", "true", "yes"):
        kw["live"] = True
    elif args.get("live") in ("0", "false", "no"):
        kw["live"] = False
    if args.get("win") in WINDOWS:
        kw["win"] = args["win"]
    if "kind" in args:
        kw["kinds"] = _list(args["kind"], q.KINDS)
    if "zone" in args:
        kw["zones"] = _list(args["zone"])
    if "status" in args:
        kw["statuses"] = () if args["status"] == "all" else _list(args["status"], q.STATUSES)
    for key, name, lo, hi, typ in (("conf", "conf", 0.0, 1.0, float), ("stale", "stale", 1, 7 * 24 * 60, int)):
        if key in args:
            try:
                v = typ(float(args[key]))
                if lo <= v <= hi:
                    kw[name] = v
            except ValueError:
                pass
    if args.get("hide") in ("1", "0"):
        kw["hide"] = args["hide"] == "1"
    if args.get("mmsi", "").isdigit() and len(args["mmsi"]) <= 9:
        kw["mmsi"] = int(args["mmsi"])
    if args.get("event"):
        kw["event"] = args["event"][:200]
    if "view" in args:
        try:
            v = tuple(float(x) for x in args["view"].split(","))
            if len(v) == 4 and all(math.isfinite(x) for x in v) and v[0] < v[1] and v[2] < v[3]:
                kw["view"] = v
        except ValueError:
            pass
    if args.get("tab") in TABS:
        kw["tab"] = args["tab"]
    return replace(s, **kw)


def state_query(s: ViewState) -> str:
    """The URL query string (with ``?``) that reopens this view."""
    d = ViewState()
    args: list[tuple[str, str]] = []
    if not s.live and s.end is not None:
        args += [("live", "0"), ("end", _iso(s.end))]
    if s.win != d.win:
        args.append(("win", s.win))
    if s.kinds:
        args.append(("kind", ",".join(s.kinds)))
    if s.zones:
        args.append(("zone", ",".join(s.zones)))
    if s.statuses != d.statuses:
        args.append(("status", ",".join(s.statuses) or "all"))
    if s.conf:
        args.append(("conf", f"{s.conf:g}"))
    if s.stale != d.stale:
        args.append(("stale", str(s.stale)))
    if s.hide:
        args.append(("hide", "1"))
    if s.mmsi is not None:
        args.append(("mmsi", str(s.mmsi)))
    if s.event:
        args.append(("event", s.event))
    if s.view:
        args.append(("view", ",".join(f"{v:.3f}" for v in s.view)))
    if s.tab != d.tab:
        args.append(("tab", s.tab))
    return "?" + urlencode(args, safe=",:") if args else ""


def controls_to_state(
    previous: Mapping[str, Any] | None,
    *,
    live: Sequence[str] | None,
    win: str | None,
    end_value: float | None,
    end_max: float | None,
    kinds: Sequence[str] | None,
    zones: Sequence[str] | None,
    statuses: Sequence[str] | None,
    conf: float | None,
    stale: int | float | None,
    hide: Sequence[str] | None,
    triggered: str | None,
    selection: Mapping[str, Any] | None = None,
    view: Mapping[str, Any] | None = None,
    tab: str | None = None,
) -> tuple[dict[str, Any], bool]:
    """The view state from the controls. Returns ``(state dict, follow-live checkbox on)``.

    Dragging the end-time slider back from the latest data time leaves live mode; ticking
    "follow live" returns to it.
    """
    prev = ViewState.from_dict(previous)
    is_live = bool(live)
    end = end_value
    if triggered == "end-slider" and end_value is not None and end_max is not None:
        is_live = end_value >= end_max - 1
    if is_live:
        end = None
    sel = selection or {}
    v = None
    if view and all(isinstance(view.get(k), (int, float)) for k in ("x0", "x1", "y0", "y1")):
        v = (float(view["x0"]), float(view["x1"]), float(view["y0"]), float(view["y1"]))
    try:
        stale_min = int(stale) if stale is not None and 1 <= float(stale) <= 7 * 24 * 60 else prev.stale
    except (TypeError, ValueError):
        stale_min = prev.stale
    state = ViewState(
        live=is_live,
        end=None if is_live else end,
        win=win if win in WINDOWS else prev.win,
        kinds=tuple(k for k in (kinds or ()) if k in q.KINDS),
        zones=tuple(zones or ()),
        statuses=tuple(x for x in (statuses or ()) if x in q.STATUSES),
        conf=float(conf or 0.0),
        stale=stale_min,
        hide=bool(hide),
        mmsi=sel.get("mmsi"),
        event=sel.get("event_id"),
        view=v,
        tab=tab if tab in TABS else prev.tab,
    )
    return state.to_dict(), is_live


def resolve_window(clock: q.Clock, state: ViewState, wall_now: datetime | None = None) -> q.Window:
    """The data-time window of a view: ends at the latest report when live."""
    last = clock.last_s if clock.last_s is not None else (wall_now or datetime.now(UTC)).timestamp()
    dur = WINDOWS.get(state.win, WINDOWS["24h"])
    if state.live or state.end is None or state.end >= last:
        end, live = last, True
    else:
        end, live = max(state.end, (clock.first_s or state.end)), False
    return q.Window(q.ts(end - dur), q.ts(end), live)


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
_ALERT_MEMO: OrderedDict = OrderedDict()


def cached_alerts(
    cur,
    version: tuple,
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


def _view(view: Mapping[str, Any] | Sequence[float] | None) -> tuple[float, float, float, float] | None:
    if view is None:
        return None
    if isinstance(view, Mapping):
        try:
            v = tuple(float(view[k]) for k in ("x0", "x1", "y0", "y1"))
        except (KeyError, TypeError, ValueError):
            return None
    else:
        v = tuple(float(x) for x in view)
    if len(v) != 4 or not all(math.isfinite(x) for x in v):
        return None
    x0, x1, y0, y1 = v
    return (min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1))


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
    counts: Counter = Counter()
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
    cur,
    cache: SessionCache,
    session: str | None,
    applied: Mapping[str, Any] | None,
    state: Mapping[str, Any] | ViewState | None,
    view: Mapping[str, Any] | None,
    wall_now: datetime | None = None,
) -> dict[str, Any] | None:
    """The map's vessel data for the page: a difference from what it applied, or ``None``
    when nothing changed.

    Payload: ``seq``, ``base`` (the seq it applies to; ``full`` when it replaces all),
    ``upsert`` rows ``[mmsi, lon, lat, t, sog, cat, name]``, ``remove`` MMSIs, ``alerts``
    (MMSI → new/handled), ``density`` (grid when too many vessels are in view), ``now`` and
    ``start`` (window, epoch s), ``live``, counts.
    """
    s = state if isinstance(state, ViewState) else ViewState.from_dict(state)
    version = q.db_version(cur)
    extent = _view(view)
    key = (version, s.live, s.end, s.win, s.kinds, s.zones, s.statuses, s.conf, s.mmsi, extent)
    base_seq = (applied or {}).get("seq")
    prev = cache.get(session, "vessels", base_seq)
    if prev is not None and prev[2] == key:
        return None  # nothing the map shows has changed
    clock = q.data_clock(cur, wall_now)
    window = resolve_window(clock, s, wall_now)
    rows = q.latest_positions(cur, window)
    marks = alert_marks(cached_alerts(cur, version, window.start, window.end, s.alert_filter(), wall_now))
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


def _track(
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
        "t": [_iso(p["t"], seconds=False) for p in pts],
        "events": [
            {
                "lon": e["lon"],
                "lat": e["lat"],
                "kind": e["kind"],
                "status": e["status"],
                "event_id": e["event_id"],
                "label": f"{e['kind'].replace('_', ' ')} · {_iso(e['start_s'], False)} · {e['status']}",
            }
            for e in evs
        ],
    }


def track_payload(
    cur,
    mmsi: int | None,
    state: Mapping[str, Any] | ViewState | None,
    wall_now: datetime | None = None,
    max_points: int = 4000,
) -> dict[str, Any]:
    """The selected vessel's track in the window, with its events marked on it."""
    if mmsi is None:
        return {"mmsi": None}
    s = state if isinstance(state, ViewState) else ViewState.from_dict(state)
    window = resolve_window(q.data_clock(cur, wall_now), s, wall_now)
    events = q.alerts(cur, window.start, window.end, q.AlertFilter(mmsi=int(mmsi), limit=200), wall_now)
    return _track(mmsi, q.track(cur, mmsi, window), events, window, max_points)


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
        "start": _iso(r["start_s"], seconds=False),
        "end": _iso(r["end_s"], seconds=False) if r["end_s"] else "open",
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
    cur,
    cache: SessionCache,
    session: str | None,
    applied: Mapping[str, Any] | None,
    state: Mapping[str, Any] | ViewState | None,
    wall_now: datetime | None = None,
) -> dict[str, Any] | None:
    """The alert list for the page: ``rows`` (full) or ``add``/``update``/``remove``
    (difference from what it applied), with ``summary``; ``None`` when nothing changed."""
    s = state if isinstance(state, ViewState) else ViewState.from_dict(state)
    version = q.db_version(cur)
    key = (version, s.live, s.end, s.win, s.kinds, s.zones, s.statuses, s.conf)
    base_seq = (applied or {}).get("seq")
    prev = cache.get(session, "alerts", base_seq)
    if prev is not None and prev[2] == key:
        return None
    clock = q.data_clock(cur, wall_now)
    window = resolve_window(clock, s, wall_now)
    rows = [
        grid_row(r, window.end_s)
        for r in cached_alerts(cur, version, window.start, window.end, s.alert_filter(), wall_now)
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


def header_summary(summary: Mapping[str, int] | None) -> list:
    """The alert counters of the top bar."""
    s = summary or {}
    chips = [
        html.Span([html.B(str(s.get("new", 0))), " new"], className="chip chip-new" if s.get("new") else "chip"),
        html.Span([html.B(str(s.get("assigned", 0))), " assigned"], className="chip"),
        html.Span([html.B(str(s.get("acknowledged", 0))), " ack"], className="chip"),
        html.Span([html.B(str(s.get("open", 0))), " ongoing"], className="chip"),
    ]
    if s.get("feeds"):
        chips.append(html.Span([html.B(str(s["feeds"])), " feed silent"], className="chip chip-new"))
    return chips


# -- clock and time controls -------------------------------------------------------------------


def clock_view(cur, state: Mapping[str, Any] | ViewState | None, wall_now: datetime | None = None) -> dict[str, Any]:
    """Data clock text, live/review badge and the end-time slider's range."""
    s = state if isinstance(state, ViewState) else ViewState.from_dict(state)
    clock = q.data_clock(cur, wall_now)
    window = resolve_window(clock, s, wall_now)
    first = clock.first_s if clock.first_s is not None else window.start_s
    last = clock.last_s if clock.last_s is not None else window.end_s
    lo, hi = math.floor(first / 600) * 600, math.ceil(last / 600) * 600
    hi = max(hi, lo + 600)
    step_day = 86400 if hi - lo > 2 * 86400 else 6 * 3600

    def mark(t: int) -> str:
        d = datetime.fromtimestamp(t, UTC)
        return d.strftime("%d %b") if (t % 86400 == 0 or step_day >= 86400) else d.strftime("%H:%M")

    marks = {str(t): mark(t) for t in range(math.ceil(lo / step_day) * step_day, hi + 1, step_day)}
    if len(marks) > 10:
        keys = list(marks)[:: math.ceil(len(marks) / 10)]
        marks = {k: marks[k] for k in keys}
    return {
        "text": f"{_iso(window.start_s, False)} → {_iso(window.end_s, False)} UTC",
        "badge": "LIVE" if window.live else "REVIEW",
        "min": lo,
        "max": hi,
        "marks": marks,
        "value": hi if window.live else window.end_s,
        "last_s": last,
    }


# -- vessel card -------------------------------------------------------------------------------


def _age(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
    return f"{seconds // 86400} d {seconds % 86400 // 3600} h"


def _latlon(lat: float | None, lon: float | None) -> str:
    if lat is None or lon is None:
        return "—"
    return f"{abs(lat):.4f}°{'S' if lat < 0 else 'N'} {abs(lon):.4f}°{'W' if lon < 0 else 'E'}"


def silences(times: Sequence[float], gap_s: float, end_s: float | None = None) -> list[tuple[float, float]]:
    """Spans of at least ``gap_s`` with no report (a trailing one up to ``end_s``)."""
    out = [(a, b) for a, b in zip(times, times[1:]) if b - a >= gap_s]
    if end_s is not None and times and end_s - times[-1] >= gap_s:
        out.append((times[-1], end_s))
    return out


def speed_figure(
    points: Sequence[Mapping[str, Any]], events: Sequence[Mapping[str, Any]], window: q.Window, gap_s: float
) -> dict[str, Any]:
    """Speed over ground against time; silences shaded grey, dark periods red."""
    times = [p["t"] for p in points]
    shapes = []
    for a, b in silences(times, gap_s, window.end_s if window.live else None):
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": _iso(a),
                "x1": _iso(b),
                "y0": 0,
                "y1": 1,
                "fillcolor": "rgba(150,160,175,0.22)",
                "line": {"width": 0},
                "layer": "below",
            }
        )
    for e in events:
        if e["kind"] == "dark_period":
            shapes.append(
                {
                    "type": "rect",
                    "xref": "x",
                    "yref": "paper",
                    "x0": _iso(e["start_s"]),
                    "x1": _iso(e["end_s"] or window.end_s),
                    "y0": 0,
                    "y1": 1,
                    "fillcolor": "rgba(255,77,79,0.18)",
                    "line": {"width": 0},
                    "layer": "below",
                }
            )
    return {
        "data": [
            {
                "type": "scatter",
                "x": [_iso(t) for t in times],
                "y": [p["sog"] for p in points],
                "mode": "lines",
                "line": {"color": "#4fc3f7", "width": 1.4},
                "connectgaps": False,
                "name": "SOG",
                "hovertemplate": "%{x}<br>%{y:.1f} kn<extra></extra>",
            }
        ],
        "layout": {
            "height": 150,
            "margin": {"l": 36, "r": 6, "t": 4, "b": 26},
            "paper_bgcolor": PAPER,
            "plot_bgcolor": "#0f1924",
            "font": {"color": TEXT, "size": 10},
            "showlegend": False,
            "xaxis": {
                "range": [_iso(window.start_s), _iso(window.end_s)],
                "gridcolor": "rgba(160,180,200,0.1)",
                "type": "date",
            },
            "yaxis": {"title": {"text": "kn"}, "gridcolor": "rgba(160,180,200,0.1)", "rangemode": "tozero"},
            "shapes": shapes,
        },
    }


def _kv(rows: Sequence[tuple[str, Any]]) -> html.Table:
    return html.Table([html.Tr([html.Th(k), html.Td(v)]) for k, v in rows], className="kv")


def _card(
    v: Mapping[str, Any],
    pos: Mapping[str, Any] | None,
    points: Sequence[Mapping[str, Any]],
    events: Sequence[Mapping[str, Any]],
    history: Sequence[Mapping[str, Any]],
    window: q.Window,
    s: ViewState,
) -> list:
    size = "—"
    if v["length_m"] or v["width_m"]:
        size = f"{v['length_m'] or '?'} × {v['width_m'] or '?'} m"
        if v["draught"]:
            size += f", draught {v['draught']:.1f} m"
    identity = _kv(
        [
            ("MMSI", str(v["mmsi"])),
            ("IMO", str(v["imo"]) if v["imo"] else "—"),
            ("Call sign", v["callsign"] or "—"),
            ("Flag", f"{v['flag'] or 'unknown'}" + (f" (MID {v['mid']})" if v["mid"] else "")),
            (
                "Type",
                f"{ship_type_name(v['ship_type'])}" + (f" ({v['ship_type']})" if v["ship_type"] is not None else ""),
            ),
            ("Size", size),
            ("Destination", v["destination"] or "—"),
        ]
    )
    if pos is not None:
        age = window.end_s - pos["t"]
        stale = age >= s.stale * 60
        last = _kv(
            [
                ("Position", _latlon(pos["lat"], pos["lon"])),
                (
                    "Speed / course",
                    f"{'—' if pos['sog'] is None else format(pos['sog'], '.1f') + ' kn'} / "
                    f"{'—' if pos['cog'] is None else format(pos['cog'], '.0f') + '°'}",
                ),
                (
                    "Last report",
                    html.Span(
                        f"{_iso(pos['t'], False)} UTC · {_age(age)} {'ago' if window.live else 'before window end'}",
                        className="warn" if stale else "",
                    ),
                ),
            ]
        )
    else:
        last = html.Div("No report before the window end.", className="muted")
    hist_rows = [
        html.Tr(
            [
                html.Td(_iso(h["t"], False)),
                html.Td(h["field"]),
                html.Td(h["previous"] or "—"),
                html.Td("→"),
                html.Td(h["value"] or "—"),
            ]
        )
        for h in history
    ]
    hist = (
        html.Table(
            [html.Tr([html.Th("UTC"), html.Th("field"), html.Th("was"), html.Th(""), html.Th("now")]), *hist_rows],
            className="tbl",
        )
        if hist_rows
        else html.Div("No name or call-sign change recorded.", className="muted")
    )
    ev_rows = [
        html.Tr(
            [
                html.Td(e["kind"].replace("_", " ")),
                html.Td(_iso(e["start_s"], False)),
                html.Td(_iso(e["end_s"], False) if e["end_s"] else "open"),
                html.Td(e["zone"] or "—"),
                html.Td(f"{e['confidence']:.2f}"),
                html.Td(e["status"], className=f"st-{e['status']}"),
            ]
        )
        for e in events
    ]
    evs = (
        html.Table(
            [html.Tr([html.Th(h) for h in ("kind", "start", "end", "zone", "conf", "status")]), *ev_rows],
            className="tbl",
        )
        if ev_rows
        else html.Div("No events for this vessel.", className="muted")
    )
    gap = max(30 * 60, min(s.stale * 60, 6 * 3600))
    chart = dcc.Graph(
        id="speed-chart",
        figure=speed_figure(points, events, window, gap),
        config={"displayModeBar": False},
        className="speed-chart",
    )
    title = html.Div(
        [
            html.Span(v["name"] or f"MMSI {v['mmsi']}", className="vname"),
            html.Span(f"{v['flag'] or ''}", className="muted small"),
        ],
        className="card-title",
    )
    return [
        title,
        html.Div(
            [
                html.Div([html.H4("Identity"), identity], className="col"),
                html.Div([html.H4("Last position"), last], className="col"),
            ],
            className="cols",
        ),
        html.H4(f"Speed over ground · silences ≥ {gap // 60} min shaded"),
        chart,
        html.H4("Identity history"),
        hist,
        html.H4("Events"),
        evs,
    ]


def vessel_panel(
    cur,
    mmsi: int | None,
    event_id: str | None,
    state: Mapping[str, Any] | ViewState | None,
    wall_now: datetime | None = None,
) -> dict[str, Any]:
    """Everything about the selection, from one read of the vessel's reports and events:
    ``card`` (vessel card), ``box`` (the selected alert and its log), ``track`` (map)."""
    s = state if isinstance(state, ViewState) else ViewState.from_dict(state)
    version = q.db_version(cur)
    window = resolve_window(q.data_clock(cur, wall_now), s, wall_now)
    events: list[dict[str, Any]] = []
    if mmsi is None:
        card = [html.Div("Select a vessel on the map or an alert in the list.", className="muted pad")]
        track: dict[str, Any] = {"mmsi": None}
    else:
        v = q.vessel(cur, mmsi)
        if v is None:
            card = [html.Div(f"MMSI {mmsi}: no such vessel in the database.", className="muted pad")]
            track = {"mmsi": None}
        else:
            points = q.track(cur, mmsi, window)
            events = cached_alerts(cur, version, None, window.end, q.AlertFilter(mmsi=int(mmsi), limit=200), wall_now)
            pos = points[-1] if points else q.position_asof(cur, mmsi, window.end)
            card = _card(v, pos, points, events, q.identity_changes(cur, mmsi, window.end), window, s)
            track = _track(mmsi, points, events, window)
    alert_row = None
    if event_id:
        alert_row = next((e for e in events if e["event_id"] == event_id), None) or q.alert(cur, event_id)
    return {"card": card, "box": _alert_box(cur, event_id, alert_row), "track": track}


def vessel_card(
    cur, mmsi: int | None, state: Mapping[str, Any] | ViewState | None, wall_now: datetime | None = None
) -> tuple[list, float | None]:
    """The vessel card (identity, history, last position, speed chart, events) and the time
    of the last report it shows."""
    panel = vessel_panel(cur, mmsi, None, state, wall_now)
    s = state if isinstance(state, ViewState) else ViewState.from_dict(state)
    last = None
    if mmsi is not None:
        pos = q.position_asof(cur, mmsi, resolve_window(q.data_clock(cur, wall_now), s, wall_now).end)
        last = pos["t"] if pos else None
    return panel["card"], last


def _alert_box(cur, event_id: str | None, a: Mapping[str, Any] | None) -> list:
    if not event_id:
        return [html.Div("No alert selected: click one in the list.", className="muted")]
    if a is None:
        return [html.Div(f"Alert {event_id} is no longer in the database.", className="muted")]
    log_rows = q.action_log(cur, a)
    head = html.Div(
        [
            html.Span(a["kind"].replace("_", " ").upper(), className="kind"),
            html.Span(a["status"], className=f"status st-{a['status']}", id="alert-status"),
            html.Span(
                f"{_iso(a['start_s'], False)} → {_iso(a['end_s'], False) if a['end_s'] else 'open'}"
                f" · {a['zone'] or 'outside zones'} · conf {a['confidence']:.2f}",
                className="muted small",
            ),
        ],
        className="alert-head",
    )
    entries = [
        html.Li(
            f"{_iso(r['acted_s'], False)} {r['actor']}: {r['action']}"
            + (f" → {r['unit']}" if r["unit"] else "")
            + (f" — {r['reason']}" if r["reason"] else "")
        )
        for r in log_rows
    ]
    return [head, html.Ul(entries, className="log")] if entries else [head]


def alert_box(cur, event_id: str | None, wall_now: datetime | None = None) -> list:
    """The selected alert and its action log, above the action buttons."""
    return _alert_box(cur, event_id, q.alert(cur, event_id) if event_id else None)


def selection_stamp(cur, mmsi: int | None, event_id: str | None) -> dict[str, Any]:
    """Cheap: what the vessel panel depends on (to skip an unchanged refresh)."""
    v = q.db_version(cur)
    return {
        "mmsi": mmsi,
        "event": event_id,
        "last_s": q.vessel_last_seen(cur, mmsi) if mmsi is not None else None,
        "events": list(v[2:]),
    }


def act(
    cur,
    event_id: str | None,
    action: str,
    actor: str | None,
    unit: str | None,
    reason: str | None,
    wall_now: datetime | None = None,
) -> tuple[bool, str]:
    """Take an officer's action; ``(ok, message for the page)``."""
    if not event_id:
        return False, "Select an alert first."
    try:
        q.record_action(cur, event_id, action, actor or "", unit, reason, wall_now)
    except q.ActionError as exc:
        return False, str(exc)
    verb = {
        "acknowledge": "Acknowledged",
        "assign": f"Assigned to {unit}",
        "dismiss": "Dismissed",
        "reopen": "Reopened",
    }[action]
    return True, f"{verb} by {actor.strip()} at {(wall_now or datetime.now(UTC)).strftime('%H:%M:%S')} UTC"


# -- ingest health -----------------------------------------------------------------------------


def health_panel(
    cur,
    snapshot: Mapping[str, Any] | None,
    state: Mapping[str, Any] | ViewState | None,
    wall_now: datetime | None = None,
) -> list:
    """Feeds, message rate, stations, rejected lines and detection status."""
    s = state if isinstance(state, ViewState) else ViewState.from_dict(state)
    wall = (wall_now or datetime.now(UTC)).timestamp()
    snap = snapshot or {}
    clock = q.data_clock(cur, wall_now)
    window = resolve_window(clock, s, wall_now)
    feeds = snap.get("feeds") or []
    feed_rows = []
    for f in feeds:
        age = None if f.get("last_line_at") is None else wall - f["last_line_at"]
        st = f.get("state", "connected" if f.get("connected") else "down")
        feed_rows.append(
            html.Tr(
                [
                    html.Td(f["url"]),
                    html.Td(st, className=f"fs-{st}"),
                    html.Td(f"{f.get('rate', 0):.1f}"),
                    html.Td(f"{f.get('lines', 0):,}"),
                    html.Td("—" if age is None else _age(age)),
                    html.Td(str(f.get("reconnects", 0))),
                    html.Td(f.get("last_error") or ""),
                ]
            )
        )
    feeds_el = (
        html.Table(
            [
                html.Tr(
                    [html.Th(h) for h in ("feed", "state", "msg/s", "lines", "last line", "reconnects", "last error")]
                ),
                *feed_rows,
            ],
            className="tbl",
        )
        if feed_rows
        else html.Div("No live feed in this process (review of the database).", className="muted")
    )
    counts = snap.get("counts") or {}
    session_rej = sorted(
        ((k[9:], v) for k, v in counts.items() if k.startswith("rejected_") and v), key=lambda kv: -kv[1]
    )
    db_rej = q.rejects(cur)
    stations_rows = q.stations(cur, window.end - timedelta(hours=24), window.end)
    st_rows = []
    for r in stations_rows[:60]:
        age = window.end_s - r["last_s"]
        st_rows.append(
            html.Tr(
                [
                    html.Td(r["station"]),
                    html.Td(_iso(r["last_s"], False)),
                    html.Td(_age(age), className="warn" if age > 1800 else ""),
                    html.Td(f"{r['reports']:,}"),
                ]
            )
        )
    det = snap.get("detection") or {}
    if not det:
        det_text = "Detection is not run by this process."
    elif not det.get("available", True):
        det_text = f"Detection unavailable: {det.get('error') or 'maritime.detect is not installed'}"
    elif det.get("last_run") is None:
        det_text = "Detection: first run pending."
    else:
        det_text = (
            f"Detection: last run {_age(wall - det['last_run'])} ago, {det.get('seconds', 0):.2f} s, "
            f"{det.get('events', 0)} events written" + (f" · last error: {det['error']}" if det.get("error") else "")
        )
    return [
        html.Div(
            [
                html.Div(
                    [html.Div(f"{snap.get('rate', 0.0):.1f}", className="big"), html.Div("messages/s (1 min)")],
                    className="stat",
                ),
                html.Div(
                    [
                        html.Div(f"{counts.get('positions_stored', 0):,}", className="big"),
                        html.Div("positions stored (this run)"),
                    ],
                    className="stat",
                ),
                html.Div(
                    [
                        html.Div(f"{counts.get('rejected', 0):,}", className="big"),
                        html.Div("lines rejected (this run)"),
                    ],
                    className="stat",
                ),
                html.Div(
                    [html.Div(f"{clock.vessels:,}", className="big"), html.Div("vessels in database")], className="stat"
                ),
            ],
            className="stats",
        ),
        html.H4("Feeds"),
        feeds_el,
        html.Div(det_text, className="muted small pad-top"),
        html.H4("Rejected lines by reason"),
        html.Div(
            [
                html.Table(
                    [
                        html.Tr([html.Th("this run"), html.Th("")]),
                        *[html.Tr([html.Td(k), html.Td(f"{v:,}")]) for k, v in session_rej],
                    ],
                    className="tbl",
                )
                if session_rej
                else html.Div("None this run.", className="muted"),
                html.Table(
                    [
                        html.Tr([html.Th("latest ingest runs"), html.Th("")]),
                        *[html.Tr([html.Td(r["reason"]), html.Td(f"{r['lines']:,}")]) for r in db_rej],
                    ],
                    className="tbl",
                )
                if db_rej
                else html.Div("None stored.", className="muted"),
            ],
            className="cols",
        ),
        html.H4("Stations (last message, data time, 24 h before window end)"),
        html.Table(
            [html.Tr([html.Th(h) for h in ("station", "last report UTC", "age", "reports")]), *st_rows], className="tbl"
        )
        if st_rows
        else html.Div("No station heard.", className="muted"),
    ]


# -- results -----------------------------------------------------------------------------------

_KIND_COLORS = {
    "loitering": "#ffb74d",
    "dark_period": "#ef5350",
    "rendezvous": "#ba68c8",
    "identity_conflict": "#4dd0e1",
    "feed_silent": "#90a4ae",
}


def _bar_layout(height: int, **kw: Any) -> dict[str, Any]:
    return {
        "height": height,
        "barmode": "stack",
        "paper_bgcolor": PAPER,
        "plot_bgcolor": "#0f1924",
        "font": {"color": TEXT, "size": 10},
        "margin": {"l": 8, "r": 8, "t": 24, "b": 30},
        "legend": {"orientation": "h", "y": -0.2},
        **kw,
    }


def results_figures(rows: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Events by zone and kind, by day and kind; alert outcomes."""
    kinds = sorted({r["kind"] for r in rows})
    zones = sorted({r["zone"] or "outside zones" for r in rows})
    days = sorted({r["start"][:10] for r in rows if r["start"]})
    by_zone = Counter((r["zone"] or "outside zones", r["kind"]) for r in rows)
    by_day = Counter((r["start"][:10], r["kind"]) for r in rows if r["start"])
    zone_fig = {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": k,
                "y": zones,
                "x": [by_zone[(z, k)] for z in zones],
                "marker": {"color": _KIND_COLORS.get(k, "#aaa")},
            }
            for k in kinds
        ],
        "layout": _bar_layout(
            max(180, 26 * len(zones) + 70),
            title={"text": "Events by zone", "x": 0.01},
            yaxis={"automargin": True},
            xaxis={"gridcolor": "rgba(160,180,200,0.1)"},
        ),
    }
    day_fig = {
        "data": [
            {
                "type": "bar",
                "name": k,
                "x": days,
                "y": [by_day[(d, k)] for d in days],
                "marker": {"color": _KIND_COLORS.get(k, "#aaa")},
            }
            for k in kinds
        ],
        "layout": _bar_layout(
            200,
            title={"text": "Events by day", "x": 0.01},
            xaxis={"type": "category"},
            yaxis={"gridcolor": "rgba(160,180,200,0.1)"},
        ),
    }
    outcomes = Counter(r["status"] for r in rows)
    labels = ["new", "acknowledged", "assigned", "dismissed"]
    out_fig = {
        "data": [
            {
                "type": "bar",
                "x": ["unhandled", "acknowledged", "dispatched", "dismissed"],
                "y": [outcomes[s] for s in labels],
                "marker": {"color": ["#ff4d4f", "#ffb020", "#4fc3f7", "#7f8c99"]},
            }
        ],
        "layout": _bar_layout(
            200,
            title={"text": "Alert outcomes", "x": 0.01},
            showlegend=False,
            yaxis={"gridcolor": "rgba(160,180,200,0.1)"},
        ),
    }
    return {"zone": zone_fig, "day": day_fig, "outcomes": out_fig}


def results_panel(cur, state: Mapping[str, Any] | ViewState | None, wall_now: datetime | None = None) -> list:
    s = state if isinstance(state, ViewState) else ViewState.from_dict(state)
    window = resolve_window(q.data_clock(cur, wall_now), s, wall_now)
    flt = replace(s.alert_filter(limit=100_000), statuses=())  # outcomes need every status
    rows = [grid_row(r, window.end_s) for r in q.alerts(cur, window.start, window.end, flt, wall_now)]
    figs = results_figures(rows)
    cfg = {"displayModeBar": False}
    return [
        html.Div(
            f"{len(rows)} alerts from {_iso(window.start_s, False)} to {_iso(window.end_s, False)} UTC "
            "(current filters, every status)",
            className="muted small",
        ),
        dcc.Graph(figure=figs["outcomes"], config=cfg),
        dcc.Graph(figure=figs["zone"], config=cfg),
        dcc.Graph(figure=figs["day"], config=cfg),
    ]


# -- export ------------------------------------------------------------------------------------

EXPORT_FIELDS = (
    "event_id",
    "kind",
    "mmsi",
    "name",
    "flag",
    "other_mmsi",
    "other_name",
    "start_utc",
    "end_utc",
    "lat",
    "lon",
    "zone",
    "confidence",
    "status",
    "unit",
    "actor",
    "reason",
    "details",
)


def _csv_safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula (AIS names can start with = + - @) is
    quoted with a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_rows(cur, state: ViewState, wall_now: datetime | None = None) -> list[dict[str, Any]]:
    window = resolve_window(q.data_clock(cur, wall_now), state, wall_now)
    out = []
    for r in q.alerts(cur, window.start, window.end, state.alert_filter(limit=1_000_000), wall_now):
        if r["kind"] == "feed_silent":
            continue  # our own receivers' health is not for partner agencies
        out.append({**r, "start_utc": _iso(r["start_s"]), "end_utc": _iso(r["end_s"])})
    return out


def export_events(cur, state: ViewState, fmt: str, wall_now: datetime | None = None) -> tuple[bytes, str, str]:
    """The filtered events as ``(content, mimetype, filename)``; fmt csv, geojson or kml."""
    rows = export_rows(cur, state, wall_now)
    stamp = (wall_now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=EXPORT_FIELDS, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: _csv_safe(v) for k, v in r.items()})
        return buf.getvalue().encode("utf-8"), "text/csv; charset=utf-8", f"events-{stamp}.csv"
    if fmt == "geojson":
        feats = []
        for r in rows:
            props = {k: r.get(k) for k in EXPORT_FIELDS if k not in ("lat", "lon", "details")}
            props["details"] = json.loads(r["details"]) if r.get("details") else None
            geom = {"type": "Point", "coordinates": [r["lon"], r["lat"]]} if r["lon"] is not None else None
            feats.append({"type": "Feature", "id": r["event_id"], "geometry": geom, "properties": props})
        doc = {"type": "FeatureCollection", "features": feats}
        return (
            json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8"),
            "application/geo+json",
            f"events-{stamp}.geojson",
        )
    if fmt == "kml":
        marks = []
        for r in rows:
            if r["lon"] is None:
                continue
            desc = "\n".join(
                f"{k}: {r.get(k)}" for k in EXPORT_FIELDS if k not in ("details",) and r.get(k) is not None
            )
            span = f"<begin>{r['start_utc']}</begin>" + (f"<end>{r['end_utc']}</end>" if r["end_utc"] else "")
            pid = escape(r["event_id"], {'"': "&quot;"})
            marks.append(
                f'  <Placemark id="{pid}">\n'
                f"    <name>{escape(r['kind'])} {r['mmsi']} {escape(r['name'] or '')}</name>\n"
                f"    <description>{escape(desc)}</description>\n"
                f"    <TimeSpan>{span}</TimeSpan>\n"
                f"    <Point><coordinates>{r['lon']:.6f},{r['lat']:.6f},0</coordinates></Point>\n"
                f"  </Placemark>"
            )
        doc = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">\n'
            "<Document>\n  <name>maritime events</name>\n" + "\n".join(marks) + "\n</Document>\n</kml>\n"
        )
        return doc.encode("utf-8"), "application/vnd.google-earth.kml+xml", f"events-{stamp}.kml"
    raise ValueError(f"unknown export format {fmt!r}: csv, geojson or kml")
