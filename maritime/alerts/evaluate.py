"""Events + vessel identities + rules + watch lists → alerts (pure).

:func:`evaluate` applies every rule to every event: a rule raises an alert when the event's
kind is one of its kinds, its zone one of its zones (if it names zones), its confidence at
least ``min_confidence`` and the vessel (``events.mmsi``; for a two-vessel event either
vessel) passes every vessel selector. The alert's id is stable per (rule, event)
(:func:`maritime.alerts.model.alert_id_for`), so a re-detected or extended event maps to the
same alert and the outbox re-sends it only when its severity rises.

:func:`watchlist_events` turns each watch-listed vessel into a ``watchlist_hit`` event, one per
(list entry, MMSI), starting at the MMSI's first report in the data (data time): a listed hull
seen under a new MMSI is a new hit. Those events go through the rules like any other (a file
with no rule for ``watchlist_hit`` gets :data:`~maritime.alerts.rules.DEFAULT_WATCHLIST_RULE`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from maritime.alerts.model import SEVERITIES, Alert
from maritime.alerts.rules import WATCHLIST_KIND, Rule, RuleSet
from maritime.alerts.watchlist import Hit, VesselIdentity, WatchList, matches


@dataclass(frozen=True, slots=True)
class EventRow:
    """An ``events`` row (times UTC, data time; lat/lon degrees; confidence 0-1)."""

    event_id: str
    kind: str
    mmsi: int
    start_time: datetime
    end_time: datetime | None = None
    other_mmsi: int | None = None
    lat: float | None = None
    lon: float | None = None
    zone: str | None = None
    confidence: float = 1.0
    details: dict[str, Any] = field(default_factory=dict)


def vessel_matches(rule: Rule, v: VesselIdentity | None, listed: Mapping[str, list[Hit]]) -> bool:
    """Whether vessel ``v`` (None: nothing known but its MMSI) passes the rule's selectors;
    ``listed``: the watch lists ``v`` is on, by list name."""
    if rule.ship_types and (
        v is None or v.ship_type is None or not any(a <= v.ship_type <= b for a, b in rule.ship_types)
    ):
        return False
    flag = (v.flag or "").upper() if v is not None else ""
    mid = v.mid if v is not None else None
    if rule.flags and flag not in rule.flags:
        return False
    if rule.mids and mid not in rule.mids:
        return False
    if rule.exclude_flags and (not flag or flag in rule.exclude_flags):
        return False
    if rule.exclude_mids and (mid is None or mid in rule.exclude_mids):
        return False
    length = v.length_m if v is not None else None
    if rule.length_min_m is not None and (length is None or length < rule.length_min_m):
        return False
    if rule.length_max_m is not None and (length is None or length > rule.length_max_m):
        return False
    if rule.classes and (v is None or v.vessel_class not in rule.classes):
        return False
    return not rule.watchlists or any(listed.get(w) for w in rule.watchlists)


def event_matches(rule: Rule, e: EventRow) -> bool:
    """The event-level conditions: kind, zone, confidence."""
    if not rule.covers_kind(e.kind) or e.confidence < rule.min_confidence:
        return False
    if not rule.zones:
        return True
    if rule.zones == ("*",):
        return e.zone is not None
    return e.zone in rule.zones


def severity_for(rule: Rule, e: EventRow) -> str:
    """The rule's severity, raised by every escalation step the event meets (a longer or more
    confident event can raise its alert's severity; the outbox then re-sends it)."""
    best = rule.severity
    hours = (e.end_time - e.start_time).total_seconds() / 3600.0 if e.end_time is not None else None
    for step in rule.escalate:
        if step.min_confidence is not None and e.confidence < step.min_confidence:
            continue
        if step.min_hours is not None and (hours is None or hours < step.min_hours):
            continue
        if SEVERITIES.index(step.severity) > SEVERITIES.index(best):
            best = step.severity
    return best


def _by_list(hits: Iterable[Hit]) -> dict[str, list[Hit]]:
    out: dict[str, list[Hit]] = {}
    for h in hits:
        out.setdefault(h.watchlist, []).append(h)
    return out


def _payload(
    e: EventRow, v: VesselIdentity | None, rule: Rule, version: int | None, hits: Sequence[Hit]
) -> dict[str, Any]:
    name = v.name if v is not None else None
    where = f" in {e.zone}" if e.zone else ""
    on_list = f" (watch list {hits[0].watchlist}: {hits[0].entry.reason or 'listed'})" if hits else ""
    p: dict[str, Any] = {
        "kind": e.kind,
        "mmsi": e.mmsi,
        "other_mmsi": e.other_mmsi,
        "name": name,
        "imo": v.imo if v is not None else None,
        "flag": v.flag if v is not None else None,
        "lat": e.lat,
        "lon": e.lon,
        "zone": e.zone,
        "confidence": e.confidence,
        "start_time": e.start_time.isoformat(),
        "end_time": e.end_time.isoformat() if e.end_time else None,
        "rule_version": version,
        "rule_hash": rule.digest,
        "summary": f"{e.kind} {name or ''} MMSI {e.mmsi}{where}{on_list}".replace("  ", " "),
    }
    if v is not None and v.last_sog is not None:
        p["speed"] = v.last_sog
    if hits:
        p["watchlist"] = [
            {"list": h.watchlist, "reason": h.entry.reason, "source": h.entry.source, "matched_on": list(h.matched_on)}
            for h in hits
        ]
    if e.kind == WATCHLIST_KIND:
        p["details"] = e.details
    return p


def evaluate(
    events: Iterable[EventRow],
    vessels: Mapping[int, VesselIdentity],
    rules: RuleSet,
    lists: Sequence[WatchList] = (),
    versions: Mapping[str, int] | None = None,
) -> list[Alert]:
    """The alerts ``rules`` raise on ``events``. ``vessels``: identities by MMSI (a missing one
    passes no selector that needs a value); ``versions``: the stored version of each rule id."""
    versions = versions or {}
    listed: dict[int, dict[str, list[Hit]]] = {}

    def on_lists(mmsi: int | None) -> dict[str, list[Hit]]:
        if mmsi is None:
            return {}
        if mmsi not in listed:
            v = vessels.get(mmsi)
            listed[mmsi] = _by_list(matches(v, lists)) if v is not None and lists else {}
        return listed[mmsi]

    alerts: list[Alert] = []
    for e in events:
        for rule in rules.rules:
            if not event_matches(rule, e):
                continue
            for mmsi in (e.mmsi, e.other_mmsi):
                if mmsi is None:
                    continue
                hits = on_lists(mmsi)
                v = vessels.get(mmsi)
                if vessel_matches(rule, v, hits):
                    flat = [h for w in sorted(hits) for h in hits[w]]
                    payload = _payload(e, vessels.get(e.mmsi), rule, versions.get(rule.id), flat)
                    alerts.append(
                        Alert(e.event_id, rule.id, severity_for(rule, e), e.start_time, payload, versions.get(rule.id))
                    )
                    break
    return alerts


def watchlist_event_id(watchlist: str, entry_key: str, mmsi: int) -> str:
    """``wl-`` and 24 hex digits of SHA-256 over the list, the entry and the MMSI."""
    return "wl-" + hashlib.sha256(f"{watchlist}\x1f{entry_key}\x1f{mmsi}".encode()).hexdigest()[:24]


def watchlist_events(vessels: Iterable[VesselIdentity], lists: Sequence[WatchList]) -> list[EventRow]:
    """One ``watchlist_hit`` event per (entry, MMSI) matched, at the MMSI's first report, placed
    at its last known position. ``details`` say which list, why, and on which identifiers."""
    out: list[EventRow] = []
    for v in vessels:
        if v.first_seen is None:
            continue
        for h in matches(v, lists):
            out.append(
                EventRow(
                    event_id=watchlist_event_id(h.watchlist, h.entry.key, v.mmsi),
                    kind=WATCHLIST_KIND,
                    mmsi=v.mmsi,
                    start_time=v.first_seen,
                    lat=v.last_lat,
                    lon=v.last_lon,
                    confidence=0.5 if h.matched_on == ("name",) else 1.0,
                    details={
                        "watchlist": h.watchlist,
                        "reason": h.entry.reason,
                        "source": h.entry.source,
                        "matched_on": list(h.matched_on),
                        "listed": {"mmsi": h.entry.mmsi, "imo": h.entry.imo, "callsign": h.entry.callsign}
                        | {"name": h.entry.name, "line": h.entry.line},
                    },
                )
            )
    return out
