"""The one composition of the detectors, used by both engines.

A run is two stages: the per-vessel detectors (:func:`vessel_events`: loitering, dark
periods, identity conflicts), which a cluster runs on each vessel partition, and the
events of pairs (rendezvous), found over all vessels; :func:`combine` joins them (a
loitering episode explained by a rendezvous is reported as the rendezvous only).
:func:`detect_all` is both stages over one :class:`Tracks`, as the DuckDB runner does; a live
cycle (:mod:`maritime.detect.increment`) runs the same stages on the vessels with new reports
(:func:`vessel_events` with ``dark_since``, :func:`grid_rendezvous` with ``vessels``).
Pure: tracks in, events out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from maritime.detect.config import DetectConfig
from maritime.detect.dark import EvidenceFn, detect_dark
from maritime.detect.events import Event
from maritime.detect.loitering import detect_loitering, suppress_explained
from maritime.detect.reception import Reception
from maritime.detect.rendezvous import detect_rendezvous, grid_pairs, pair_events, pair_table
from maritime.detect.tracks import Tracks


@dataclass
class VesselEvents:
    """Events each vessel yields on its own (the per-partition part of a run)."""

    loitering: list[Event] = field(default_factory=list)
    dark: list[Event] = field(default_factory=list)
    conflicts: list[Event] = field(default_factory=list)

    def extend(self, other: VesselEvents) -> None:
        """Add another partition's events."""
        self.loitering.extend(other.loitering)
        self.dark.extend(other.dark)
        self.conflicts.extend(other.conflicts)


def vessel_events(
    tr: Tracks,
    config: DetectConfig,
    reception: Reception | None = None,
    dark_tracks: Tracks | None = None,
    dark_since: float | None = None,
    dark_evidence: EvidenceFn | None = None,
    loitering_since: float | npt.NDArray[np.float64] | None = None,
) -> VesselEvents:
    """Loitering, dark periods and identity conflicts of ``tr``'s vessels.

    ``reception``: the reception model of the whole area when ``tr`` holds only some of its
    vessels (a cluster partition); by default it is built from ``tr``.
    ``dark_tracks``, ``dark_since`` (a live cycle, :mod:`maritime.detect.increment`): the dark
    periods are those of ``dark_tracks`` (all vessels) still open or ending at or after
    ``dark_since`` (UTC s), while loitering and conflicts are those of ``tr`` (the vessels
    with new reports); ``dark_evidence`` keeps the evidence of settled open silences across cycles;
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


def combine(vessels: VesselEvents, rendezvous: list[Event], config: DetectConfig, now: float) -> list[Event]:
    """Every event of a run: loitering not explained by a rendezvous, rendezvous, dark
    periods, identity conflicts (``now``: the latest data time, UTC seconds)."""
    loi = suppress_explained(vessels.loitering, rendezvous, config.loitering.suppress_rendezvous_fraction, now)
    return loi + rendezvous + vessels.dark + vessels.conflicts


def detect_all(tr: Tracks, config: DetectConfig) -> list[Event]:
    """Every detector over prepared tracks (pure)."""
    return combine(vessel_events(tr, config), detect_rendezvous(tr, config.rendezvous), config, tr.now)
