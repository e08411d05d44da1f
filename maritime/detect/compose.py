"""The one composition of the detectors, used by both engines.

A run is two stages: the per-vessel detectors (:func:`vessel_events`: loitering, dark
periods, identity conflicts, apparent fishing, zone entries, speed ranges, the per-vessel position anomalies,
and each partition's reports held at one point), which a cluster runs on each vessel
partition, and the events of pairs and of the whole fleet (rendezvous; shared positions over
every partition's held reports; identity changes and claimed size changes from the identity
history, :func:`identity_events`); :func:`combine` joins them (a loitering episode explained
by a rendezvous is reported as the rendezvous only). :func:`detect_all` is both stages over
one :class:`Tracks`, as the DuckDB runner does; a live cycle (:mod:`maritime.detect.increment`)
runs the same stages on the vessels with new reports (:func:`vessel_events` with
``dark_since``, :func:`grid_rendezvous` with ``vessels``). Pure: tracks in, events out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from maritime.detect.config import DetectConfig
from maritime.detect.dark import EvidenceFn, detect_dark
from maritime.detect.events import Event
from maritime.detect.fishing import ShipTypes, detect_fishing
from maritime.detect.identity_change import IdentityChanges, detect_identity_changes
from maritime.detect.loitering import detect_loitering, suppress_explained
from maritime.detect.position_anomaly import (
    concat_inputs,
    detect_position_anomalies,
    detect_shared_positions,
    detect_static_changes,
    one_per_id,
    shared_inputs,
)
from maritime.detect.reception import Reception
from maritime.detect.rendezvous import detect_rendezvous, grid_pairs, pair_events, pair_table
from maritime.detect.speed_range import detect_speed_range
from maritime.detect.tracks import Tracks
from maritime.detect.zone_entry import detect_zone_entries


@dataclass
class VesselEvents:
    """Events each vessel yields on its own (the per-partition part of a run)."""

    loitering: list[Event] = field(default_factory=list)
    dark: list[Event] = field(default_factory=list)
    conflicts: list[Event] = field(default_factory=list)
    fishing: list[Event] = field(default_factory=list)
    zone_entries: list[Event] = field(default_factory=list)
    speed_ranges: list[Event] = field(default_factory=list)
    anomalies: list[Event] = field(default_factory=list)
    #: reports held at one point, per partition (the input of the fleet-wide shared-position check)
    shared: list[dict[str, Any]] = field(default_factory=list)

    def extend(self, other: VesselEvents) -> None:
        """Add another partition's events."""
        self.loitering.extend(other.loitering)
        self.dark.extend(other.dark)
        self.conflicts.extend(other.conflicts)
        self.fishing.extend(other.fishing)
        self.zone_entries.extend(other.zone_entries)
        self.speed_ranges.extend(other.speed_ranges)
        self.anomalies.extend(other.anomalies)
        self.shared.extend(other.shared)


def vessel_events(
    tr: Tracks,
    config: DetectConfig,
    reception: Reception | None = None,
    zones: Sequence[tuple[str, Any]] = (),
    ship_types: ShipTypes | None = None,
    dark_tracks: Tracks | None = None,
    dark_since: float | None = None,
    dark_evidence: EvidenceFn | None = None,
    loitering_since: float | npt.NDArray[np.float64] | None = None,
) -> VesselEvents:
    """Loitering, dark periods, identity conflicts, apparent fishing, zone entries, speed ranges and the
    per-vessel position anomalies of ``tr``'s vessels.

    ``reception``: the reception model of the whole area when ``tr`` holds only some of its
    vessels (a cluster partition); by default it is built from ``tr``. ``zones``: the patrol
    zones ``[(name, polygon), ...]`` (zone entries and speed ranges; none: no such events).
    ``ship_types``: the declared AIS ship type of each MMSI
    (:func:`maritime.detect.fishing.fold_ship_types`); None: every vessel is a fishing candidate.
    ``dark_tracks``, ``dark_since`` (a live cycle, :mod:`maritime.detect.increment`): the dark
    periods are those of ``dark_tracks`` (all vessels) still open or ending at or after
    ``dark_since`` (UTC s), while the other kinds are those of ``tr`` (the vessels with new
    reports); ``dark_evidence`` keeps the evidence of settled open silences across cycles;
    ``loitering_since``: only the loitering runs that can have changed (UTC s, or per segment).
    """
    return VesselEvents(
        loitering=detect_loitering(tr, config.loitering, since=loitering_since),
        dark=detect_dark(
            tr if dark_tracks is None else dark_tracks,
            config.dark,
            config.tracks,
            reception=reception,
            since=dark_since,
            evidence=dark_evidence,
        ),
        conflicts=list(tr.conflicts),
        fishing=detect_fishing(tr, config.fishing, ship_types),
        zone_entries=detect_zone_entries(tr, zones, config.zone_entry),
        speed_ranges=detect_speed_range(tr, zones, config.speed_range),
        anomalies=detect_position_anomalies(tr, config.tracks, config.position_anomaly),
        shared=[shared_inputs(tr, config.position_anomaly)],
    )


def grid_rendezvous(
    grid: dict[str, npt.NDArray[Any]], config: DetectConfig, now: float, vessels: npt.NDArray[np.int64] | None = None
) -> list[Event]:
    """Rendezvous from the slow grid points (:func:`~maritime.detect.rendezvous.slow_grid`) of
    all vessels; with ``vessels`` (MMSIs), only the pairs with at least one of them (a live
    cycle: the other pairs have not changed). ``now``: the latest data time, UTC s."""
    if vessels is not None:
        # every pair involving them lies in the bins where they have points
        mine = np.isin(grid["mmsi"], vessels)
        grid = {k: v[np.isin(grid["bin"], np.unique(grid["bin"][mine]))] for k, v in grid.items()}
    pt = pair_table(grid, grid_pairs(grid, config.rendezvous))
    if vessels is not None:
        keep = np.isin(pt["mmsi_a"], vessels) | np.isin(pt["mmsi_b"], vessels)
        pt = {k: v[keep] for k, v in pt.items()}
    return pair_events(pt, now, config.rendezvous)


def identity_events(tr: Tracks, changes: IdentityChanges | None, config: DetectConfig) -> list[Event]:
    """Unusual identity changes and claimed type/size changes at sea (``changes``: the
    identity history of the run's window; None: no identity data, no such events)."""
    if changes is None or len(changes) == 0:
        return []
    return detect_identity_changes(tr, changes, config.identity_change) + detect_static_changes(
        tr, changes, config.position_anomaly
    )


def combine(
    vessels: VesselEvents,
    rendezvous: list[Event],
    config: DetectConfig,
    now: float,
    fleet: Sequence[Event] = (),
) -> list[Event]:
    """Every event of a run: loitering not explained by a rendezvous, rendezvous, dark
    periods, identity conflicts, apparent fishing, zone entries, speed ranges, position anomalies (with the
    ``fleet`` ones: shared positions, type/size changes) and identity changes (``now``: the
    latest data time, UTC seconds)."""
    loi = suppress_explained(vessels.loitering, rendezvous, config.loitering.suppress_rendezvous_fraction, now)
    shared = detect_shared_positions(concat_inputs(vessels.shared), config.position_anomaly)
    anomalies = one_per_id(vessels.anomalies + shared + [e for e in fleet if e.kind == "position_anomaly"])
    others = [e for e in fleet if e.kind != "position_anomaly"]
    return (
        loi
        + rendezvous
        + vessels.dark
        + vessels.conflicts
        + vessels.fishing
        + vessels.zone_entries
        + vessels.speed_ranges
        + anomalies
        + others
    )


def detect_all(
    tr: Tracks,
    config: DetectConfig,
    zones: Sequence[tuple[str, Any]] = (),
    changes: IdentityChanges | None = None,
    ship_types: ShipTypes | None = None,
) -> list[Event]:
    """Every detector over prepared tracks (pure); ``zones``, ``ship_types`` and ``changes``
    as in :func:`vessel_events` and :func:`identity_events`."""
    return combine(
        vessel_events(tr, config, zones=zones, ship_types=ship_types),
        detect_rendezvous(tr, config.rendezvous),
        config,
        tr.now,
        identity_events(tr, changes, config),
    )
