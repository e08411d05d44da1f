"""The event record, its deterministic id, zones and JSON details.

Every detector returns :class:`Event` objects. Times are UTC seconds since the epoch
(float), positions WGS84 degrees, confidence 0..1, ``details`` a JSON-serialisable dict of
the evidence. :func:`event_id` depends only on the kind, the MMSI(s) and the start second,
so detecting the same data again gives the same ids.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from shapely import STRtree, points

#: Event kinds written to the ``events`` table.
LOITERING = "loitering"
DARK = "dark_period"
RENDEZVOUS = "rendezvous"
IDENTITY_CONFLICT = "identity_conflict"
DARK_VESSEL = "dark_vessel"
DARK_RENDEZVOUS = "dark_rendezvous"
AIS_UNCONFIRMED = "ais_unconfirmed"
ZONE_ENTRY = "zone_entry"
SPEED_RANGE = "speed_range"
POSITION_ANOMALY = "position_anomaly"
IDENTITY_CHANGE = "identity_change"
FISHING = "fishing"
KINDS = (
    LOITERING,
    DARK,
    RENDEZVOUS,
    IDENTITY_CONFLICT,
    ZONE_ENTRY,
    SPEED_RANGE,
    POSITION_ANOMALY,
    IDENTITY_CHANGE,
    DARK_VESSEL,
    DARK_RENDEZVOUS,
    AIS_UNCONFIRMED,
    FISHING,
)
#: Kinds whose detector sets the zone itself (the zone entered / watched), kept by
#: :func:`assign_zones`.
ZONE_KINDS = (ZONE_ENTRY, SPEED_RANGE)

#: The columns of the ``events`` table, in order (``maritime/store/sql/schema_events.sql`` is
#: the source of truth; ``tests/detect/test_events.py`` checks that they agree). The first
#: eleven are :meth:`Event.row`; ``updated_at`` is the wall clock of the run that wrote the row.
EVENT_COLUMNS = (
    "event_id",
    "kind",
    "mmsi",
    "other_mmsi",
    "start_time",
    "end_time",
    "lat",
    "lon",
    "zone",
    "confidence",
    "details",
    "updated_at",
)
#: The columns of :meth:`Event.row` (every column but ``updated_at``).
ROW_COLUMNS = EVENT_COLUMNS[:-1]


@dataclass
class Event:
    """One detected event.

    Attributes:
        kind: one of :data:`KINDS`.
        mmsi: the vessel (for a rendezvous the lower MMSI of the pair).
        other_mmsi: the partner of a rendezvous, else None.
        start: start, UTC seconds since the epoch.
        end: end, UTC seconds; None while the event is still open at the latest data.
        lat, lon: where it happened (degrees).
        confidence: 0..1.
        details: evidence (JSON-serialisable).
        zone: patrol zone containing (lat, lon), filled by :func:`assign_zones`.
    """

    kind: str
    mmsi: int
    other_mmsi: int | None
    start: float
    end: float | None
    lat: float
    lon: float
    confidence: float
    details: dict[str, Any] = field(default_factory=dict)
    zone: str | None = None

    @property
    def event_id(self) -> str:
        return event_id(self.kind, self.mmsi, self.other_mmsi, self.start)

    @property
    def is_open(self) -> bool:
        return self.end is None

    def duration_hours(self, now: float | None = None) -> float:
        end = self.end if self.end is not None else (now if now is not None else self.start)
        return (end - self.start) / 3600.0

    def row(self, details: str | None = None) -> tuple[Any, ...]:
        """The values of an ``events`` row, rounded so that equal evidence gives equal rows
        (``details``: :func:`details_json` of :attr:`details` when already known)."""
        return (
            self.event_id,
            self.kind,
            int(self.mmsi),
            None if self.other_mmsi is None else int(self.other_mmsi),
            utc(self.start),
            None if self.end is None else utc(self.end),
            round(float(self.lat), 6),
            round(float(self.lon), 6),
            self.zone,
            round(float(self.confidence), 3),
            details_json(self.details) if details is None else details,
        )


def event_id(kind: str, mmsi: int, other_mmsi: int | None, start: float) -> str:
    """sha1 of ``kind|mmsi|other|start second`` (hex, 20 characters)."""
    key = f"{kind}|{int(mmsi)}|{'' if other_mmsi is None else int(other_mmsi)}|{int(math.floor(start))}"
    return hashlib.sha1(key.encode()).hexdigest()[:20]


def utc(t: float) -> datetime:
    """UTC datetime of epoch seconds, truncated to the second (AIS time precision)."""
    return datetime.fromtimestamp(math.floor(t), tz=UTC)


def iso(t: float | None) -> str | None:
    """ISO 8601 UTC text of epoch seconds (``2025-01-15T06:27:44Z``)."""
    if t is None or (isinstance(t, float) and math.isnan(t)):
        return None
    return utc(t).strftime("%Y-%m-%dT%H:%M:%SZ")


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalar
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return round(value, 6 if abs(value) < 1000 else 3)
    return value


def details_json(details: dict[str, Any]) -> str:
    """Canonical JSON (sorted keys, rounded floats, NaN → null) of the details."""
    return json.dumps(_clean(details), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def assign_zones(events: Sequence[Event], zones: Sequence[tuple[str, Any]]) -> None:
    """Set ``zone`` of each event to the first zone (in file order) covering its position.

    Events are found everywhere; the zone is None outside every patrol zone. Events of
    :data:`ZONE_KINDS` keep the zone their detector set.
    """
    if not events:
        return
    if not zones:
        for e in events:
            if e.kind not in ZONE_KINDS:
                e.zone = None
        return
    geoms = [g for _, g in zones]
    tree = STRtree(geoms)
    pts = points([[e.lon, e.lat] for e in events])
    hits = tree.query(pts, predicate="covered_by")
    best: dict[int, int] = {}
    for i_pt, i_zone in zip(hits[0].tolist(), hits[1].tolist()):
        if i_pt not in best or i_zone < best[i_pt]:
            best[i_pt] = i_zone
    for i, e in enumerate(events):
        if e.kind in ZONE_KINDS and e.zone is not None:
            continue
        e.zone = zones[best[i]][0] if i in best else None
