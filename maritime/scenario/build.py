"""Build a scenario: injected events and decoys, then the ordinary traffic (a developer tool).

Part of the scenario generator; :func:`build_scenario` is its entry point.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

import maritime.scenario.events as events
import maritime.scenario.fishing as fishing
import maritime.scenario.gaps as gaps
import maritime.scenario.north_sea as north_sea
import maritime.scenario.traffic as traffic
from maritime.reference.ports import load_ports
from maritime.reference.zones import Zone, load_zones
from maritime.scenario.config import RANGE_A_M, REGIONS, ScenarioConfig
from maritime.scenario.fleet import FleetBuilder
from maritime.scenario.geography import distance1_m, load_atons
from maritime.scenario.model import Scenario

#: Shares of the ordinary traffic (after the event actors), in the order they are added;
#: merchant transits take the rest.
TRAFFIC_SHARES: tuple[tuple[str, float], ...] = (
    ("in_port", 0.15),
    ("squid_west", 0.13),
    ("squid_corridor", 0.03),
    ("carrier", 0.015),
    ("seiner", 0.04),
    ("artisanal", 0.16),
    ("coastal_seiner", 0.04),
    ("passenger", 0.04),
    ("tug", 0.035),
    ("pleasure", 0.04),
    ("law_enforcement", 0.03),
)

#: How each kind of traffic adds its ``k``-th vessel.
_ADD: dict[str, Callable[[FleetBuilder, int], object]] = {
    "transit": lambda b, k: traffic.add_transit(b),
    "in_port": lambda b, k: traffic.add_in_port(b),
    "squid_west": lambda b, k: traffic.add_squid(b, "west"),
    "squid_corridor": lambda b, k: traffic.add_squid(b, "corridor"),
    "carrier": lambda b, k: traffic.add_carrier(b),
    "seiner": lambda b, k: traffic.add_seiner(b),
    "artisanal": lambda b, k: traffic.add_artisanal(b),
    "coastal_seiner": lambda b, k: traffic.add_coastal_seiner(b),
    "passenger": lambda b, k: traffic.add_passenger(b),
    "tug": lambda b, k: traffic.add_tug(b),
    "pleasure": lambda b, k: traffic.add_pleasure(b),
    "law_enforcement": traffic.add_law_enforcement,
}


def build_scenario(
    config: ScenarioConfig | None = None, *, ports: pd.DataFrame | None = None, zones: list[Zone] | None = None
) -> Scenario:
    """Build the vessels, tracks, events and decoys of a scenario.

    Args:
        config: parameters (defaults: seed 7, 24 h from 2025-01-15T00:00Z, 200 vessels, events on).
        ports: ports table (:func:`maritime.reference.ports.load_ports`); bundled table if None.
            The North Sea region always uses its own ports (:mod:`maritime.scenario.north_sea`).
        zones: patrol zones (:func:`maritime.reference.zones.load_zones`); bundled zones if None.

    Returns:
        The scenario. Deterministic: the same arguments give the same scenario.
    """
    cfg = config or ScenarioConfig()
    if cfg.hours <= 0:
        raise ValueError("hours must be positive")
    if cfg.n_vessels < 1:
        raise ValueError("n_vessels must be at least 1")
    if cfg.region not in REGIONS:
        raise ValueError(f"unknown region {cfg.region!r} (expected one of {', '.join(REGIONS)})")
    zones = zones if zones is not None else load_zones()
    if cfg.region == "north_sea":
        if cfg.area_outage or cfg.lone_silences or cfg.fishing:
            raise ValueError("area_outage, lone_silences and fishing are placed in the Eastern Pacific region only")
        b = north_sea.builder(cfg, zones)
        north_sea.populate(b)
        atons = []
    else:
        b = FleetBuilder(cfg, ports if ports is not None else load_ports(), zones)
        if cfg.events:
            _inject_events(b)
        if cfg.area_outage:
            gaps.inject_area_outage(b)
        if cfg.lone_silences:
            gaps.inject_lone_silences(b)
        if cfg.fishing:
            fishing.inject_fishing(b)
        _add_traffic(b, max(0, cfg.n_vessels - len(b.vessels)))
        atons = list(load_atons())
    gaps.label_neighbours(b)
    _equipment_quirks(b)
    return Scenario(
        config=cfg,
        stations=b.stations,
        atons=atons,
        vessels=b.vessels,
        events=b.events,
        decoys=b.decoys,
        outages=b.outages,
        ports=b.ports,
        zones=b.zones,
    )


def _inject_events(b: FleetBuilder) -> None:
    """The true events (in patrol zones) and the decoys of the Eastern Pacific scenario."""
    events.inject_loitering(b, (7.95, -79.25), 200.0, "general", "PA", "merchant", (2.5, 8.0))
    events.inject_loitering(b, (5.15, -86.75), 150.0, "seiner", "EC", "fishing", (2.5, 8.0))
    events.inject_loitering(b, (2.88, -78.30), 250.0, "general", "PA", "merchant", (2.5, 8.0))
    events.inject_dark(b, (-1.25, -89.90), "EC", "seiner", (3.5, 12.0))
    events.inject_dark(b, (1.65, -79.20), "CO", "coastal_seiner", (3.5, 12.0))
    events.inject_dark(b, (-4.90, -81.60), "PE", "coastal_seiner", (3.5, 12.0))
    events.inject_rendezvous(
        b, (-1.50, -85.20), ("squid", "CN", "fishing", 270.0), ("reefer", "PA", "carrier", 90.0), (2.5, 6.0)
    )
    events.inject_rendezvous(
        b, (1.30, -79.95), ("coastal_seiner", "CO", "fishing", 300.0), ("general", "PA", "merchant", 0.0), (2.5, 6.0)
    )
    events.inject_rendezvous(
        b, (4.35, -81.25), ("seiner", "EC", "fishing", 0.0), ("supply", "PA", "carrier", 120.0), (2.5, 6.0)
    )
    events.decoy_passing(b)
    events.decoy_side_by_side(b)
    events.decoy_pair_fishing(b)
    events.decoy_outage(b)
    events.decoy_shared_mmsi(b)


def _add_traffic(b: FleetBuilder, n_pop: int) -> None:
    """``n_pop`` ordinary vessels in the shares of :data:`TRAFFIC_SHARES`."""
    counts = {k: int(math.floor(s * n_pop)) for k, s in TRAFFIC_SHARES}
    counts["transit"] = n_pop - sum(counts.values())
    for kind in ["transit", *[k for k, _ in TRAFFIC_SHARES]]:
        for k in range(counts[kind]):
            _ADD[kind](b, k)


def _equipment_quirks(b: FleetBuilder) -> None:
    """Type 19 from two Class B units; GNSS outages (lat 91 / lon 181) for a few Class A units."""
    vessels = b.vessels
    # at least two Class B units also send type 19 now and then
    cls_b = [v for v in vessels if v.ais_class == "B" and v.note == ""]
    for v in cls_b[:2]:
        v.type19 = True

    # a few Class A units lose their GNSS fix for a while (reports with lat 91 / lon 181)
    grng = np.random.default_rng(np.random.SeedSequence([b.cfg.seed, 0x6E55]))
    actors = {e.mmsi for e in b.events} | {e.other_mmsi for e in b.events}
    cands = [v for v in vessels if v.ais_class == "A" and v.mmsi not in actors and v.role in ("merchant", "fishing")]
    shore = [s for s in b.stations if not s.satellite]
    n_gps = max(2, len(vessels) // 50)
    for k in grng.permutation(len(cands)):
        if n_gps == 0:
            break
        t0 = float(grng.uniform(0.05, 0.9)) * b.D
        la, lo, *_ = cands[int(k)].track.sample(np.array([t0]))
        # only where a shore station hears it, so that the no-position reports show up
        if min(distance1_m(float(la[0]), float(lo[0]), s.lat, s.lon) for s in shore) < 0.8 * RANGE_A_M:
            cands[int(k)].gps_outages.append((t0, t0 + float(grng.uniform(15, 60)) * 60.0))
            n_gps -= 1
