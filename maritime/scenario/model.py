"""The built scenario: vessels, injected events and decoys, outages (a developer tool's data model).

Part of the scenario generator. :func:`maritime.scenario.build.build_scenario` produces a
:class:`Scenario`; :mod:`maritime.scenario.receptions` turns it into received messages. Times
are seconds from the scenario start, positions WGS84 degrees, distances metres.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd

from maritime.reference.zones import Zone
from maritime.scenario.config import ScenarioConfig, iso_utc
from maritime.scenario.geography import AtoN, Station
from maritime.scenario.tracks import Track


@dataclass
class Vessel:
    """One AIS transmitter and its behaviour.

    Attributes:
        uid: index in :attr:`Scenario.vessels` (two transmitters may share an MMSI).
        mmsi, name, callsign, imo (0 = none), ship_type (ITU-R M.1371 table 53), flag (ISO 3166
        alpha-2), role (``merchant``, ``fishing``, ``carrier``, ``passenger``, ``tug``,
        ``pleasure``, ``law_enforcement``), ais_class (``"A"`` or ``"B"``).
        to_bow, to_stern, to_port, to_starboard: GNSS antenna position, metres.
        draught: metres. destination: type-5 destination. eta: (month, day, hour, minute) UTC,
        (0, 0, 24, 60) when not available.
        interval_s: received interval underway, seconds. phase_s: schedule offset, seconds.
        heading_ok: has a heading sensor (else heading 511). rot_ok: has a rate-of-turn sensor.
        cog_na_stopped: reports COG 360 (not available) when stopped.
        accuracy: position accuracy flag (DGNSS). raim: RAIM flag.
        type19: a Class B unit that sometimes sends type 19. type27: sends type 27 offshore.
        dark: transmitter-off intervals, seconds from start. gps_outages: intervals without a
        position fix (reports lat 91 / lon 181).
        track: the trajectory.
    """

    uid: int
    mmsi: int
    name: str
    callsign: str
    imo: int
    ship_type: int
    flag: str
    role: str
    ais_class: str
    to_bow: int
    to_stern: int
    to_port: int
    to_starboard: int
    draught: float
    destination: str
    eta: tuple[int, int, int, int]
    interval_s: float
    phase_s: float
    heading_ok: bool
    rot_ok: bool
    cog_na_stopped: bool
    accuracy: bool
    raim: bool
    type19: bool
    type27: bool
    track: Track
    dark: list[tuple[float, float]] = field(default_factory=list)
    gps_outages: list[tuple[float, float]] = field(default_factory=list)
    heading_bias: float = 0.0
    note: str = ""

    @property
    def length(self) -> int:
        """Length overall, metres."""
        return self.to_bow + self.to_stern

    @property
    def width(self) -> int:
        """Beam, metres."""
        return self.to_port + self.to_starboard

    def to_dict(self) -> dict[str, object]:
        """The vessel's entry in the ground truth."""
        return {
            "uid": self.uid,
            "mmsi": self.mmsi,
            "name": self.name,
            "callsign": self.callsign,
            "imo": self.imo or None,
            "ship_type": self.ship_type,
            "length": self.length,
            "width": self.width,
            "flag": self.flag,
            "role": self.role,
            "ais_class": self.ais_class,
        }


@dataclass
class ScenarioEvent:
    """An injected true event or a decoy, as written to the ground truth.

    Attributes:
        kind: ``loitering``, ``dark``, ``rendezvous`` (events) or ``passing``,
            ``port_side_by_side``, ``active_fishing``, ``receiver_outage``, ``shared_mmsi``
            (decoys).
        mmsi, other_mmsi: the actors (``other_mmsi`` for pairs, else None).
        start, end: seconds from the scenario start.
        lat, lon: location (degrees): the loitering / meeting centre, the position where the
            vessel went dark, the closest point of approach, the berth, the outage centre.
        zone: name of the patrol zone containing (lat, lon), else None.
        extra: further kind-specific fields (e.g. ``station``, ``radius_m``, ``lat2``).
    """

    kind: str
    mmsi: int | None
    other_mmsi: int | None
    start: float
    end: float
    lat: float
    lon: float
    zone: str | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def to_dict(self, t0: datetime) -> dict[str, object]:
        """The event's entry in the ground truth (times as UTC ISO strings, position rounded to 1e-5 degree)."""
        d: dict[str, object] = {
            "kind": self.kind,
            "mmsi": self.mmsi,
            "other_mmsi": self.other_mmsi,
            "start": iso_utc(t0 + timedelta(seconds=round(self.start))),
            "end": iso_utc(t0 + timedelta(seconds=round(self.end))),
            "lat": round(self.lat, 5),
            "lon": round(self.lon, 5),
            "zone": self.zone,
        }
        d.update(self.extra)
        return d


@dataclass(frozen=True)
class Outage:
    """A coverage outage: station ``station`` is down (-1: no station down, a gap in coverage
    only), and no receiver hears vessels within ``radius_m`` of (``lat``, ``lon``) between
    ``start`` and ``end`` (seconds from start)."""

    station: int
    start: float
    end: float
    lat: float
    lon: float
    radius_m: float


@dataclass
class Scenario:
    """A built scenario: everything needed to produce the reception stream."""

    config: ScenarioConfig
    stations: list[Station]
    atons: list[AtoN]
    vessels: list[Vessel]
    events: list[ScenarioEvent]
    decoys: list[ScenarioEvent]
    outages: list[Outage]
    ports: pd.DataFrame
    zones: list[Zone]

    @property
    def start_unix(self) -> int:
        """Scenario start, unix seconds."""
        return int(self.config.start_utc().timestamp())

    @property
    def duration_s(self) -> float:
        """Scenario duration, seconds."""
        return float(self.config.hours) * 3600.0

    @property
    def end_unix(self) -> int:
        """Scenario end (exclusive), unix seconds."""
        return self.start_unix + int(math.ceil(self.duration_s))
