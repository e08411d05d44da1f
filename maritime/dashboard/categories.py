"""Vessel categories of the map legend: ITU-R M.1371 ship types grouped, with their colours and
symbols (one source of truth for the server and the page's map script)."""

from __future__ import annotations

from typing import Any

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
#: Event kinds on the map (a vessel's track): kind → (label, colour, scattergl symbol). Kinds
#: not listed are drawn as a star.
EVENT_SYMBOLS: dict[str, tuple[str, str, str]] = {
    "loitering": ("Loitering", "#ffb74d", "star"),
    "dark_period": ("Dark period", "#ef5350", "star"),
    "rendezvous": ("Rendezvous", "#ba68c8", "star"),
    "identity_conflict": ("Identity conflict", "#4dd0e1", "star"),
    "zone_entry": ("Zone entry", "#66bb6a", "triangle-right"),
    "speed_range": ("Speed range", "#ffee58", "hourglass"),
    "position_anomaly": ("Position anomaly", "#ff7043", "x"),
    "identity_change": ("Identity change", "#26c6da", "hexagram"),
    "fishing": ("Apparent fishing", "#ffcc80", "diamond-open"),
    "dark_vessel": ("Dark vessel", "#ff3b3b", "cross"),
    "dark_rendezvous": ("Dark rendezvous", "#ff7043", "bowtie"),
    "ais_unconfirmed": ("AIS unconfirmed", "#fff176", "square-open"),
}
STALE_COLOR = "#5c6773"
ALERT_NEW = "#ff4d4f"
ALERT_HANDLED = "#ffb020"
#: Contacts layer: key → (label, colour, scatter symbol). Matched contacts are small and grey,
#: joined to their vessel; unmatched ones prominent.
CONTACTS: dict[str, tuple[str, str, str]] = {
    "matched": ("contact matched to AIS", "#8a96a3", "circle"),
    "unmatched_track": ("radar track, no AIS", "#ff3b3b", "x"),
    "unmatched_point": ("detection, no AIS", "#ff9f1a", "x-thin-open"),
    "footprint": ("scene footprint", "#7fd3ff", "line-ew"),
}

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
        "events": {k: {"label": v[0], "color": v[1], "symbol": v[2]} for k, v in EVENT_SYMBOLS.items()},
        "stale": STALE_COLOR,
        "alert_new": ALERT_NEW,
        "alert_handled": ALERT_HANDLED,
        "contacts": {k: {"label": v[0], "color": v[1], "symbol": v[2]} for k, v in CONTACTS.items()},
    }
