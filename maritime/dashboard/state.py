"""The view state: what defines a view of the page, its URL, and its data-time window.

Data time only: "now" is the latest report in the database (:func:`resolve_window`); the wall
clock is used for officers' actions and feed health, never for what the map shows. A refresh
reads the database's clock and data version once (:func:`read_now`) and hands that
:class:`Now` to everything it computes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from maritime.dashboard import queries as q
from maritime.dashboard.inputs import (
    DEFAULT_STATUSES,
    MAX_TEXT,
    STALE_MAX,
    STALE_MIN,
    TABS,
    WINDOWS,
    BadInput,
    checked_fields,
    checked_number,
    is_number,
    strings,
)

# -- view state (the URL) ----------------------------------------------------------------------


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
        """The state the page holds (:meth:`to_dict`); a value no control produces raises
        :class:`BadInput`."""
        if not d:
            return cls()
        if not isinstance(d, Mapping):
            raise BadInput("view state must be an object")
        return cls(**checked_fields(d))

    def alert_filter(self, **kw: Any) -> q.AlertFilter:
        return q.AlertFilter(kinds=self.kinds, zones=self.zones, statuses=self.statuses, min_conf=self.conf, **kw)


def iso(epoch_s: float | None, seconds: bool = True) -> str:
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


def _url_number(text: str, lo: float, hi: float) -> float | None:
    """A finite number within ``[lo, hi]`` from a URL, ``None`` if it is not one."""
    try:
        v = float(text)
    except ValueError:
        return None
    return v if math.isfinite(v) and lo <= v <= hi else None


def _url_view(text: str) -> tuple[float, float, float, float] | None:
    try:
        box = tuple(float(x) for x in text.split(","))
    except ValueError:
        return None
    if len(box) == 4 and all(math.isfinite(x) for x in box) and box[0] < box[1] and box[2] < box[3]:
        return (box[0], box[1], box[2], box[3])
    return None


def parse_state(query: str | Mapping[str, str] | None, *, strict: bool = False) -> ViewState:
    """View state from a URL query string (``?a=b&...`` or a mapping). Bad values are ignored,
    or with ``strict`` (a link or an export URL) refused with :class:`BadInput`, which names
    them. Unknown parameters are ignored either way."""
    if query is None:
        return ViewState()
    args = dict(parse_qsl(query.lstrip("?"), keep_blank_values=True)) if isinstance(query, str) else dict(query)
    kw: dict[str, Any] = {}
    bad: list[str] = []
    if args.get("end"):
        end = parse_time(args["end"])
        if end is None or not math.isfinite(end):
            bad.append("end")
        else:
            kw["end"] = end
            kw["live"] = False
    if "live" in args:
        if args["live"] in ("1", "true", "yes"):
            kw["live"] = True
        elif args["live"] in ("0", "false", "no"):
            kw["live"] = False
        else:
            bad.append("live")
    for key, name, allowed in (("win", "win", WINDOWS), ("tab", "tab", TABS)):
        if key in args:
            if args[key] in allowed:
                kw[name] = args[key]
            else:
                bad.append(key)
    for key, name, names in (("kind", "kinds", q.KINDS), ("zone", "zones", None), ("status", "statuses", q.STATUSES)):
        if key in args:
            if key == "status" and args[key] == "all":
                kw[name] = ()
                continue
            kw[name] = _list(args[key], names)
            if len(kw[name]) != len(_list(args[key])):
                bad.append(key)
    if "conf" in args:
        conf = _url_number(args["conf"], 0.0, 1.0)
        bad += ["conf"] if conf is None else []
        kw.update({} if conf is None else {"conf": conf})
    if "stale" in args:
        stale = _url_number(args["stale"], STALE_MIN, STALE_MAX)
        bad += ["stale"] if stale is None else []
        kw.update({} if stale is None else {"stale": int(stale)})
    if "hide" in args:
        if args["hide"] in ("1", "0"):
            kw["hide"] = args["hide"] == "1"
        else:
            bad.append("hide")
    if "mmsi" in args:
        if args["mmsi"].isdigit() and len(args["mmsi"]) <= 9:
            kw["mmsi"] = int(args["mmsi"])
        else:
            bad.append("mmsi")
    if args.get("event"):
        kw["event"] = args["event"][:MAX_TEXT]
    if "view" in args:
        view = _url_view(args["view"])
        bad += ["view"] if view is None else []
        kw.update({} if view is None else {"view": view})
    if strict and bad:
        raise BadInput(f"unreadable value of {', '.join(bad)} in the link")
    return replace(ViewState(), **kw)


def state_query(s: ViewState) -> str:
    """The URL query string (with ``?``) that reopens this view."""
    d = ViewState()
    args: list[tuple[str, str]] = []
    if not s.live and s.end is not None:
        args += [("live", "0"), ("end", iso(s.end))]
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
    end_value = checked_number(end_value, "end-slider value")
    end_max = checked_number(end_max, "end-slider max")
    if conf is not None and not (is_number(conf) and 0 <= conf <= 1):
        raise BadInput("min-conf must be a number from 0 to 1")
    if win is not None and not isinstance(win, str):
        raise BadInput("window must be a name")
    kinds, zones, statuses = strings(kinds, "kinds"), strings(zones, "zones"), strings(statuses, "statuses")
    for name, ticked in (("live", live), ("hide-stale", hide)):
        if ticked is not None and not isinstance(ticked, (list, tuple)):
            raise BadInput(f"{name} must be a list")
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
    return q.Window(datetime.fromtimestamp(end - dur, UTC), datetime.fromtimestamp(end, UTC), live)


# -- the clock of one refresh ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Now:
    """What one refresh reads once: the data clock, the data version and the wall time (UTC)."""

    clock: q.Clock
    version: tuple[Any, ...]
    wall: datetime

    def window(self, state: ViewState) -> q.Window:
        """The data-time window of ``state`` at this refresh."""
        return resolve_window(self.clock, state, self.wall)


def read_now(cur: q.Cursor, wall: datetime | None = None) -> Now:
    """Read the data clock and version once; ``wall`` (default: the wall clock) only bounds
    reports from the future (:data:`queries.FUTURE_SLACK`)."""
    wall = wall or datetime.now(UTC)
    return Now(q.data_clock(cur, wall), q.db_version(cur), wall)


def as_state(state: Mapping[str, Any] | ViewState | None) -> ViewState:
    """A view state from what a callback holds (the ``state`` store's dict, or a state)."""
    return state if isinstance(state, ViewState) else ViewState.from_dict(state)


# -- the map view ------------------------------------------------------------------------------


def view_extent(view: Mapping[str, Any] | Sequence[float] | None) -> tuple[float, float, float, float] | None:
    """The map extent ``(lon0, lon1, lat0, lat1)`` of a page's view (degrees), ``None`` if unreadable."""
    if view is None:
        return None
    if isinstance(view, Mapping):
        try:
            v = tuple(float(view[k]) for k in ("x0", "x1", "y0", "y1"))
        except (KeyError, TypeError, ValueError):
            return None
    else:
        try:
            v = tuple(float(x) for x in view)
        except (TypeError, ValueError):
            return None
    if len(v) != 4 or not all(math.isfinite(x) for x in v):
        return None
    x0, x1, y0, y1 = v
    return (min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1))


# -- clock and time controls -------------------------------------------------------------------


def clock_view(state: Mapping[str, Any] | ViewState | None, now: Now) -> dict[str, Any]:
    """Data clock text, live/review badge and the end-time slider's range."""
    s = as_state(state)
    clock = now.clock
    window = now.window(s)
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
        "text": f"{iso(window.start_s, False)} → {iso(window.end_s, False)} UTC",
        "badge": "LIVE" if window.live else "REVIEW",
        "min": lo,
        "max": hi,
        "marks": marks,
        "value": hi if window.live else window.end_s,
        "last_s": last,
    }


def url_outputs(
    state: Mapping[str, Any] | None, selection: Mapping[str, Any] | None, view: Any, tab: str | None
) -> tuple[str, str, str, str, str]:
    """The page's query string, share link and export links (CSV, GeoJSON, KML) of a view."""
    s = ViewState.from_dict(state)
    sel = selection or {}
    v = view_extent(view)
    full = replace(s, mmsi=sel.get("mmsi"), event=sel.get("event_id"), view=v, tab=tab if tab in TABS else s.tab)
    search = state_query(full)
    filters = state_query(replace(s, mmsi=None, event=None, view=None, tab="vessel"))
    return (
        search,
        "/" + search,
        "/export/events.csv" + filters,
        "/export/events.geojson" + filters,
        "/export/events.kml" + filters,
    )
