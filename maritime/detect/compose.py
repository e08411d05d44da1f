"""The one composition of the detectors, used by both engines.

A run is two stages: the per-vessel detectors (:func:`vessel_events`: loitering, dark
periods, identity conflicts, apparent fishing), which a cluster runs on each vessel partition, and the
events of pairs (rendezvous), found over all vessels; :func:`combine` joins them (a
loitering episode explained by a rendezvous is reported as the rendezvous only).
:func:`detect_all` is both stages over one :class:`Tracks`, as the DuckDB runner does.
Pure: tracks in, events out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from maritime.detect.config import DetectConfig
from maritime.detect.dark import detect_dark
from maritime.detect.events import Event
from maritime.detect.fishing import ShipTypes, detect_fishing
from maritime.detect.loitering import detect_loitering, suppress_explained
from maritime.detect.reception import Reception
from maritime.detect.rendezvous import detect_rendezvous
from maritime.detect.tracks import Tracks


@dataclass
class VesselEvents:
    """Events each vessel yields on its own (the per-partition part of a run)."""

    loitering: list[Event] = field(default_factory=list)
    dark: list[Event] = field(default_factory=list)
    conflicts: list[Event] = field(default_factory=list)
    fishing: list[Event] = field(default_factory=list)

    def extend(self, other: VesselEvents) -> None:
        """Add another partition's events."""
        self.loitering.extend(other.loitering)
        self.dark.extend(other.dark)
        self.conflicts.extend(other.conflicts)
        self.fishing.extend(other.fishing)


def vessel_events(
    tr: Tracks, config: DetectConfig, reception: Reception | None = None, ship_types: ShipTypes | None = None
) -> VesselEvents:
    """Loitering, dark periods, identity conflicts and apparent fishing of ``tr``'s vessels.

    ``reception``: the reception model of the whole area when ``tr`` holds only some of its
    vessels (a cluster partition); by default it is built from ``tr``. ``ship_types``: the
    declared AIS ship type of each MMSI (:func:`maritime.detect.fishing.fold_ship_types`);
    None: every vessel is a fishing candidate.
    """
    return VesselEvents(
        loitering=detect_loitering(tr, config.loitering),
        dark=detect_dark(tr, config.dark, config.tracks, reception=reception),
        conflicts=list(tr.conflicts),
        fishing=detect_fishing(tr, config.fishing, ship_types),
    )


def combine(vessels: VesselEvents, rendezvous: list[Event], config: DetectConfig, now: float) -> list[Event]:
    """Every event of a run: loitering not explained by a rendezvous, rendezvous, dark
    periods, identity conflicts, apparent fishing (``now``: the latest data time, UTC seconds)."""
    loi = suppress_explained(vessels.loitering, rendezvous, config.loitering.suppress_rendezvous_fraction, now)
    return loi + rendezvous + vessels.dark + vessels.conflicts + vessels.fishing


def detect_all(tr: Tracks, config: DetectConfig, ship_types: ShipTypes | None = None) -> list[Event]:
    """Every detector over prepared tracks (pure); ``ship_types`` as :func:`vessel_events`."""
    return combine(
        vessel_events(tr, config, ship_types=ship_types), detect_rendezvous(tr, config.rendezvous), config, tr.now
    )
