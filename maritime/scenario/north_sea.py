"""A day in another ocean: the North Sea and western Baltic (``ScenarioConfig.region = "north_sea"``).

Part of the scenario generator (a developer tool), for issue 10's "outside the Eastern Pacific"
cases. Geography (bundled in ``data/``):

- ``north_sea_ports.csv``: eight real ports copied from the World Port Index (NGA Pub. 150,
  public domain; WPI numbers kept) and five anchorages placed by hand within 10 km of them;
- ``north_sea_stations.csv``: 18 shore receivers at real coastal sites (made-up equipment);
- ``north_sea_lanes.json``: waypoints, lanes and trades between the ports.

Traffic: ships berthed (status 5) at the ports, ships at anchor (status 1) at the listed
anchorages, merchant transits between the ports, and :data:`UNLISTED_ANCHORAGE`, an anchorage in
open water 35 km from the nearest WPI port that is in no port list (only learnable from the data),
with a bunker tanker moored alongside one of its ships (``bunkering`` in its label).
Labels in the truth's ``decoys``: one ``port_stay`` per port or anchorage with the vessels staying
there, and one ``unlisted_anchorage``; none of them should give a loitering or rendezvous event.
No true events are injected in this region. Times in seconds, distances in metres.
"""

from __future__ import annotations

import math
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from maritime.reference.ports import load_ports
from maritime.reference.zones import Zone
from maritime.scenario.config import ScenarioConfig
from maritime.scenario.fleet import FleetBuilder
from maritime.scenario.geography import Lanes, LatLon, data_json, distance1_m, load_stations, offset
from maritime.scenario.model import ScenarioEvent
from maritime.scenario.tracks import TrackBuilder

#: The anchorage that is in no list: open water west of the Maas approaches, 35 km from Europoort
#: (the nearest World Port Index port), > 25 km from the coast. Position synthetic.
UNLISTED_ANCHORAGE: LatLon = (52.03, 3.62)
#: Ships at the unlisted anchorage, and the radius they anchor within (m).
UNLISTED_SHIPS = 8
UNLISTED_RADIUS_M = 3000.0
#: Distance (m) of the bunker tanker from the ship it serves at the unlisted anchorage.
BUNKER_OFFSET_M = 150.0
#: Shares of the rest of the fleet: berthed, at a listed anchorage; merchant transits take the rest.
SHARE_BERTHED = 0.35
SHARE_ANCHORED = 0.20
#: Where ships berth and anchor, with relative weights.
BERTHS: tuple[tuple[str, float], ...] = (
    ("Europoort|NL", 3.0),
    ("Felixstowe|GB", 2.0),
    ("Göteborg|SE", 1.5),
    ("Gdańsk|PL", 1.5),
    ("Cuxhaven|DE", 1.0),
    ("Esbjerg|DK", 1.0),
    ("Frederikshavn|DK", 0.7),
    ("Kiel|DE", 1.0),
)
ANCHORAGES: tuple[tuple[str, float], ...] = (
    ("Europoort anchorage|NL", 3.0),
    ("Felixstowe anchorage|GB", 1.5),
    ("Cuxhaven anchorage|DE", 1.0),
    ("Frederikshavn anchorage|DK", 1.0),
    ("Gdańsk anchorage|PL", 1.5),
)
#: UN/LOCODEs of the ports (World Port Index), broadcast as type 5 destinations.
LOCODES: dict[str, str] = {
    "Europoort|NL": "NL EUR",
    "Felixstowe|GB": "GB FXT",
    "Cuxhaven|DE": "DE CUX",
    "Esbjerg|DK": "DK EBJ",
    "Frederikshavn|DK": "DK FDH",
    "Göteborg|SE": "SE GOT",
    "Kiel|DE": "DE KEL",
    "Gdańsk|PL": "PL GDN",
}
_FLAGS = ("NL", "DE", "DK", "GB", "SE", "NO", "PL", "PA", "LR", "MH", "MT", "BS")
_PROFILES = ("container", "bulk", "general", "tanker")


def ports_path() -> Path:
    """Path of the bundled ``north_sea_ports.csv`` (the :func:`maritime.reference.ports.load_ports` format)."""
    return Path(str(resources.files("maritime.scenario").joinpath("data", "north_sea_ports.csv")))


@cache
def _lane_data() -> tuple[dict[str, LatLon], tuple[tuple[str, ...], ...], tuple[tuple[str, str, float], ...]]:
    d = data_json("north_sea_lanes.json")
    nodes = {k: (float(v[0]), float(v[1])) for k, v in d["nodes"].items()}
    lanes = tuple(tuple(lane) for lane in d["lanes"])
    trades = tuple((str(a), str(b), float(w)) for a, b, w in d["trades"])
    return nodes, lanes, trades


def builder(cfg: ScenarioConfig, zones: list[Zone]) -> FleetBuilder:
    """A :class:`FleetBuilder` on the North Sea geography (ports, receivers, lanes)."""
    ports = load_ports(ports_path())
    nodes, lanes, _ = _lane_data()
    return FleetBuilder(
        cfg, ports, zones, stations=load_stations("north_sea_stations.csv"), lanes=Lanes(ports, lanes, nodes)
    )


def populate(fb: FleetBuilder) -> None:
    """The unlisted anchorage, then berthed, anchored and transiting ships up to ``n_vessels``,
    then the ``port_stay`` and ``unlisted_anchorage`` labels."""
    add_unlisted_anchorage(fb)
    add_unlisted_bunkering(fb)
    n_pop = max(0, fb.cfg.n_vessels - len(fb.vessels))
    n_berth = int(math.floor(SHARE_BERTHED * n_pop))
    n_anch = int(math.floor(SHARE_ANCHORED * n_pop))
    for _ in range(n_berth):
        add_stay(fb, BERTHS, 5)
    for _ in range(n_anch):
        add_stay(fb, ANCHORAGES, 1)
    for _ in range(n_pop - n_berth - n_anch):
        add_transit(fb)
    label_port_stays(fb)


def _pick(rng: np.random.Generator, table: tuple[tuple[str, float], ...]) -> str:
    w = np.array([x[1] for x in table])
    return table[int(rng.choice(len(table), p=w / w.sum()))][0]


def add_stay(fb: FleetBuilder, places: tuple[tuple[str, float], ...], status: int) -> None:
    """A ship berthed (``status`` 5, within ~900 m of the port) or at anchor (1, within 2.5 km of
    the anchorage) for the whole day, kept ≥ 600 m from the other stationary ships."""
    rng = fb.vrng(50)
    key = _pick(rng, places)
    spread = 2500.0 if status == 1 else 900.0
    la, lo = offset(*fb.port(key), rng.uniform(0, 360), spread * math.sqrt(rng.random()))
    la, lo = fb.free_spot(la, lo, key, status, rng)
    tb = TrackBuilder(fb.T0 - 1, la, lo, status)
    tb.hold(fb.T1, status, rng, radius_m=40.0 if status == 1 else 10.0)
    port = key.replace(" anchorage", "")
    fb.new_vessel(
        str(rng.choice(_PROFILES)),
        str(rng.choice(_FLAGS)),
        "merchant",
        tb.build(fb.T1),
        rng,
        destination=LOCODES[port],
        note=f"{'berthed' if status == 5 else 'at anchor'}: {key}",
    )


def add_transit(fb: FleetBuilder) -> None:
    """A merchant ship on one of the trades of ``north_sea_lanes.json``, anywhere along its route."""
    rng = fb.vrng(51)
    _, _, trades = _lane_data()
    w = np.array([t[2] for t in trades])
    a, b, _ = trades[int(rng.choice(len(trades), p=w / w.sum()))]
    if rng.random() < 0.5:
        a, b = b, a
    profile = str(rng.choice(_PROFILES))
    pts, s0 = fb.place_on_route(a, b, rng)
    track, arrival = fb.transit_track(pts, fb.speed(profile, rng), s0, rng)
    fb.new_vessel(profile, str(rng.choice(_FLAGS)), "merchant", track, rng, destination=LOCODES[b], eta_s=arrival)


def add_unlisted_anchorage(fb: FleetBuilder) -> None:
    """:data:`UNLISTED_SHIPS` ships at anchor at :data:`UNLISTED_ANCHORAGE` all day (status 1),
    ≥ 600 m apart, and its ``unlisted_anchorage`` label."""
    mmsis: list[int] = []
    spots: list[LatLon] = []
    for _ in range(UNLISTED_SHIPS):
        rng = fb.vrng(52)
        for _ in range(50):
            p = offset(*UNLISTED_ANCHORAGE, rng.uniform(0, 360), UNLISTED_RADIUS_M * math.sqrt(rng.random()))
            if all(distance1_m(*p, *q) > 600.0 for q in spots):
                break
        spots.append(p)
        tb = TrackBuilder(fb.T0 - 1, *p, 1)
        tb.hold(fb.T1, 1, rng, radius_m=40.0)
        v = fb.new_vessel(
            str(rng.choice(["bulk", "tanker"])),
            str(rng.choice(_FLAGS)),
            "merchant",
            tb.build(fb.T1),
            rng,
            destination=LOCODES["Europoort|NL"],
            note="at anchor: unlisted anchorage",
        )
        mmsis.append(v.mmsi)
    nearest = min(distance1_m(*UNLISTED_ANCHORAGE, *fb.port(k)) for k in fb.lanes.port_xy)
    wpi = fb.ports[fb.ports["wpi_number"].notna()]
    nearest_wpi = min(distance1_m(*UNLISTED_ANCHORAGE, float(a), float(o)) for a, o in zip(wpi["lat"], wpi["lon"]))
    fb.decoys.append(
        ScenarioEvent(
            "unlisted_anchorage",
            None,
            None,
            0.0,
            fb.D,
            UNLISTED_ANCHORAGE[0],
            UNLISTED_ANCHORAGE[1],
            fb.zone(*UNLISTED_ANCHORAGE),
            {
                "mmsis": mmsis,
                "radius_m": UNLISTED_RADIUS_M,
                "in_port_lists": False,
                "nearest_listed_port_km": round(nearest / 1000.0, 1),
                "nearest_wpi_port_km": round(nearest_wpi / 1000.0, 1),
                "loitering_expected": False,
                "rendezvous_expected": False,
            },
        )
    )


def add_unlisted_bunkering(fb: FleetBuilder) -> None:
    """A bunker tanker moored alongside the first ship at the unlisted anchorage all day, about
    :data:`BUNKER_OFFSET_M` away: a rendezvous by every distance and speed rule, at a place only
    the data can tell is an anchorage. Recorded as ``bunkering`` (the two MMSIs) in the
    ``unlisted_anchorage`` label (no rendezvous is expected)."""
    (label,) = [d for d in fb.decoys if d.kind == "unlisted_anchorage"]
    mmsis = label.extra["mmsis"]
    assert isinstance(mmsis, list)
    ship = int(mmsis[0])
    (host,) = [v for v in fb.vessels if v.mmsi == ship]
    rng = fb.vrng(53)
    la0, lo0 = float(host.track.lat[0]), float(host.track.lon[0])
    la, lo = offset(la0, lo0, rng.uniform(0, 360), BUNKER_OFFSET_M)
    tb = TrackBuilder(fb.T0 - 1, la, lo, 1)
    tb.hold(fb.T1, 1, rng, radius_m=20.0)
    v = fb.new_vessel(
        "tanker",
        str(rng.choice(_FLAGS)),
        "merchant",
        tb.build(fb.T1),
        rng,
        destination=LOCODES["Europoort|NL"],
        note="bunkering alongside: unlisted anchorage",
    )
    label.extra["bunkering"] = [ship, v.mmsi]


def label_port_stays(fb: FleetBuilder) -> None:
    """One ``port_stay`` decoy per port or anchorage where ships stay all day: the WPI number
    (ports), the kind, and the MMSIs; no loitering or rendezvous is expected there."""
    by_place: dict[str, list[int]] = {}
    for v in fb.vessels:
        for prefix in ("berthed: ", "at anchor: "):
            if v.note.startswith(prefix) and "unlisted" not in v.note:
                by_place.setdefault(v.note[len(prefix) :], []).append(v.mmsi)
    table = fb.ports.assign(key=fb.ports["name"] + "|" + fb.ports["country"]).set_index("key")
    for key, mmsis in sorted(by_place.items()):
        row = table.loc[key]
        la, lo = fb.port(key)
        wpi = row["wpi_number"]
        fb.decoys.append(
            ScenarioEvent(
                "port_stay",
                None,
                None,
                0.0,
                fb.D,
                la,
                lo,
                fb.zone(la, lo),
                {
                    "port": key.split("|")[0],
                    "port_kind": str(row["kind"]),
                    "wpi_number": None if pd.isna(wpi) else int(wpi),
                    "mmsis": sorted(mmsis),
                    "loitering_expected": False,
                    "rendezvous_expected": False,
                },
            )
        )
