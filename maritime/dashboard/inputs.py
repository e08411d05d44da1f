"""What a view may hold and what the page may send: the allowed values, and the checks at the
boundary. A value that no control produces (a crafted request, or a hand-edited link) raises
:class:`BadInput`, which the server answers with HTTP 400 and one line.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from maritime.dashboard import queries as q
from maritime.errors import MaritimeError

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
TABS = ("vessel", "health", "results", "delivery", "hotspots")
#: Bounds of the "stale after" control, in minutes (one minute to one week).
STALE_MIN, STALE_MAX = 1, 7 * 24 * 60
#: Longest zone name or event id read from a URL or the page.
MAX_TEXT = 200
#: Most zones a view can filter by.
MAX_ITEMS = 50


class BadInput(MaritimeError, ValueError):
    """A value from a URL or the page that no control produces; the server answers HTTP 400
    with this one-line message."""


def is_number(v: Any) -> bool:
    """A finite int or float (not a bool)."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def strings(v: Any, name: str, allowed: Iterable[str] | None = None) -> tuple[str, ...]:
    """A list of names from the page (at most MAX_ITEMS of MAX_TEXT characters, from ``allowed``)."""
    if v is None:
        return ()
    if not isinstance(v, (list, tuple)) or len(v) > MAX_ITEMS:
        raise BadInput(f"{name}: expected a list of at most {MAX_ITEMS} names")
    if not all(isinstance(x, str) and len(x) <= MAX_TEXT for x in v):
        raise BadInput(f"{name}: expected names of at most {MAX_TEXT} characters")
    if allowed is not None and not set(v) <= set(allowed):
        raise BadInput(f"{name}: unknown value")
    return tuple(v)


def checked_fields(d: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a view state as the page holds it, type- and range-checked."""
    kw: dict[str, Any] = {}
    for k in ("live", "hide"):
        if k in d:
            if not isinstance(d[k], bool):
                raise BadInput(f"view state: {k} must be true or false")
            kw[k] = d[k]
    if d.get("end") is not None:
        if not is_number(d["end"]):
            raise BadInput("view state: end must be a time in epoch seconds")
        kw["end"] = float(d["end"])
    for k, allowed in (("win", WINDOWS), ("tab", TABS)):
        if k in d:
            if d[k] not in allowed:
                raise BadInput(f"view state: unknown {k}")
            kw[k] = d[k]
    for k, names in (("kinds", q.KINDS), ("statuses", q.STATUSES), ("zones", None)):
        if k in d:
            kw[k] = strings(d[k], f"view state: {k}", names)
    if "conf" in d:
        if not (is_number(d["conf"]) and 0 <= d["conf"] <= 1):
            raise BadInput("view state: conf must be a number from 0 to 1")
        kw["conf"] = float(d["conf"])
    if "stale" in d:
        if not (is_number(d["stale"]) and STALE_MIN <= d["stale"] <= STALE_MAX and d["stale"] == int(d["stale"])):
            raise BadInput(f"view state: stale must be whole minutes from {STALE_MIN} to {STALE_MAX}")
        kw["stale"] = int(d["stale"])
    if d.get("mmsi") is not None:
        kw["mmsi"] = checked_mmsi(d["mmsi"])
    if d.get("event") is not None:
        kw["event"] = checked_text(d["event"], "event", MAX_TEXT)
    if d.get("view") is not None:
        box = d["view"]
        if not (isinstance(box, (list, tuple)) and len(box) == 4 and all(is_number(x) for x in box)):
            raise BadInput("view state: view must be four numbers")
        kw["view"] = tuple(float(x) for x in box)
    return kw


def checked_mmsi(v: Any) -> int:
    """An MMSI from the page: a whole number of at most nine digits."""
    if not (isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 999_999_999):
        raise BadInput("mmsi must be a number of at most nine digits")
    return v


def checked_text(v: Any, name: str, limit: int) -> str:
    """Text typed into the page (or a name it holds): a string of at most ``limit`` characters."""
    if not isinstance(v, str) or len(v) > limit:
        raise BadInput(f"{name} must be text of at most {limit} characters")
    return v


def checked_selection(selection: Any) -> tuple[int | None, str | None]:
    """``(mmsi, event_id)`` of the page's selection store (either may be ``None``)."""
    if selection is None:
        return None, None
    if not isinstance(selection, Mapping):
        raise BadInput("selection must be an object")
    mmsi = selection.get("mmsi")
    event_id = selection.get("event_id")
    return (
        None if mmsi is None else checked_mmsi(mmsi),
        None if event_id is None else checked_text(event_id, "event_id", MAX_TEXT),
    )


def checked_applied(applied: Any) -> dict[str, int] | None:
    """What the page says it applied: ``{"seq": n}`` or nothing."""
    if applied is None:
        return None
    if not isinstance(applied, Mapping):
        raise BadInput("applied must be an object")
    seq = applied.get("seq")
    if seq is not None and not (isinstance(seq, int) and not isinstance(seq, bool)):
        raise BadInput("applied: seq must be a whole number")
    return None if seq is None else {"seq": seq}


def checked_session(session: Any) -> str | None:
    """The page's session id (a hex string the layout gave it), or ``None``."""
    return None if session is None else checked_text(session, "session", 64)


def checked_number(v: Any, name: str) -> float | None:
    """A number the page holds (slider ends and values), or ``None``."""
    if v is None:
        return None
    if not is_number(v):
        raise BadInput(f"{name} must be a number")
    return float(v)
