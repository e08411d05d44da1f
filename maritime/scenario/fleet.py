"""Made-up vessel identities and the builder that adds vessels to a scenario (a developer tool).

Part of the scenario generator. MMSIs use the flag's Maritime Identification Digits (ITU MID
table) and call signs its ITU call-sign series (``data/flags.json``); names come from the word
lists of ``data/names.json`` and dimensions from the ship profiles of ``data/profiles.json``.
Any resemblance to a real vessel is coincidental.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd

from maritime.reference.zones import Zone, zone_of
from maritime.scenario.config import KN, ScenarioConfig
from maritime.scenario.geography import (
    Lanes,
    LatLon,
    Station,
    data_json,
    distance1_m,
    distance_m,
    load_stations,
    offset,
)
from maritime.scenario.model import Outage, ScenarioEvent, Vessel
from maritime.scenario.tracks import Track, TrackBuilder


@dataclass(frozen=True)
class Profile:
    """A class of ship: AIS ship types (ITU-R M.1371 table 53; repeats weight the draw), length
    range (m), beam/length ratio, draught range (m) and service speed range (kn)."""

    ship_types: tuple[int, ...]
    length_m: tuple[float, float]
    beam_ratio: float
    draught_m: tuple[float, float]
    speed_kn: tuple[float, float]


def _load_profiles() -> dict[str, Profile]:
    out = {}
    for k, p in data_json("profiles.json")["profiles"].items():
        out[k] = Profile(
            tuple(p["ship_types"]), tuple(p["length_m"]), p["beam_ratio"], tuple(p["draught_m"]), tuple(p["speed_kn"])
        )
    return out


#: Ship profiles by name (``data/profiles.json``).
PROFILES: dict[str, Profile] = _load_profiles()
#: Flag (ISO 3166 alpha-2) → (MIDs, call-sign prefixes) (``data/flags.json``).
FLAGS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    k: (tuple(v["mids"]), tuple(v["callsign_prefixes"])) for k, v in data_json("flags.json")["flags"].items()
}
#: Word lists of vessel names (``data/names.json``).
NAMES: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in data_json("names.json").items() if k != "_comment"}


def imo_number(rng: np.random.Generator) -> int:
    """A random 7-digit IMO number with a valid check digit."""
    d = [int(x) for x in str(int(rng.integers(910000, 990000)))]
    check = sum(x * w for x, w in zip(d, (7, 6, 5, 4, 3, 2))) % 10
    return int("".join(map(str, d)) + str(check))


class Registry:
    """Allocates unique MMSIs, names and call signs."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.mmsis: set[int] = set()
        self.names: set[str] = set()
        self.callsigns: set[str] = set()

    def mmsi(self, flag: str) -> int:
        """A new MMSI with one of ``flag``'s MIDs."""
        mids = FLAGS[flag][0]
        while True:
            m = int(mids[int(self.rng.integers(len(mids)))]) * 1_000_000 + int(self.rng.integers(100_000, 1_000_000))
            if m not in self.mmsis:
                self.mmsis.add(m)
                return m

    def callsign(self, flag: str) -> str:
        """A new call sign in one of ``flag``'s ITU series (≤ 7 characters)."""
        prefixes = FLAGS[flag][1]
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        while True:
            p = prefixes[int(self.rng.integers(len(prefixes)))]
            tail = "".join(letters[int(self.rng.integers(26))] for _ in range(2)) + str(int(self.rng.integers(2, 10)))
            if self.rng.random() < 0.5:
                tail = letters[int(self.rng.integers(26))] + tail
            cs = (p + tail)[:7]
            if cs not in self.callsigns:
                self.callsigns.add(cs)
                return cs

    def name(self, style: str) -> str:
        """A new vessel name of ``style`` (merchant, cn, latin, yacht, tug or le), ≤ 20 characters."""
        r = self.rng
        ma, mb, cn = NAMES["merchant_first"], NAMES["merchant_second"], NAMES["chinese_fleets"]
        lf, ls, ya, tugs = NAMES["latin_first"], NAMES["latin_second"], NAMES["yachts"], NAMES["tug_companies"]
        for _ in range(1000):
            if style == "merchant":
                n = f"{ma[int(r.integers(len(ma)))]} {mb[int(r.integers(len(mb)))]}"
                if r.random() < 0.3:
                    n += f" {int(r.integers(1, 12))}"
            elif style == "cn":
                n = f"{cn[int(r.integers(len(cn)))]} {int(r.integers(1, 999))}"
            elif style == "latin":
                first = lf[int(r.integers(len(lf)))]
                n = f"{first} {ls[int(r.integers(len(ls)))]}"
                if r.random() < 0.4:
                    n += f" {['I', 'II', 'III', 'IV', 'V'][int(r.integers(5))]}"
            elif style == "yacht":
                n = ya[int(r.integers(len(ya)))] + ("" if r.random() < 0.5 else f" {int(r.integers(2, 9))}")
            elif style == "tug":
                company = tugs[int(r.integers(len(tugs)))]
                n = f"{company} {ls[int(r.integers(len(ls)))]}"
            elif style == "le":
                n = f"GUARDACOSTAS {int(r.integers(10, 99))}"
            else:
                raise ValueError(style)
            n = n[:20].rstrip()
            if n not in self.names:
                self.names.add(n)
                return n
        raise RuntimeError("name space exhausted")


class FleetBuilder:
    """The scenario under construction: its vessels, events, decoys and outages.

    Attributes:
        cfg: the configuration. D: duration (s). T0, T1: tracks start 30 min before the
            scenario and end 30 min after it (seconds from start).
        lanes: ports and lane routing. stations: the receivers.
    """

    def __init__(
        self,
        cfg: ScenarioConfig,
        ports: pd.DataFrame,
        zones: list[Zone],
        stations: list[Station] | None = None,
        lanes: Lanes | None = None,
    ) -> None:
        self.cfg = cfg
        self.ports = ports
        self.zones = zones
        self.D = cfg.hours * 3600.0
        self.T0 = -1800.0
        self.T1 = self.D + 1800.0
        self.reg = Registry(np.random.default_rng(np.random.SeedSequence([cfg.seed, 0x4E4D45])))
        self.vessels: list[Vessel] = []
        self.events: list[ScenarioEvent] = []
        self.decoys: list[ScenarioEvent] = []
        self.outages: list[Outage] = []
        self.stations = load_stations() if stations is None else stations
        self.lanes = Lanes(ports) if lanes is None else lanes

    def port(self, key: str) -> LatLon:
        """Position of port ``"name|country"``."""
        return self.lanes.port(key)

    def route(self, a: str, b: str) -> list[LatLon]:
        """Waypoints of the shortest lane route from port ``a`` to port ``b``."""
        return self.lanes.route(a, b)

    def zone(self, lat: float, lon: float) -> str | None:
        """Name of the patrol zone containing the point, else None."""
        return zone_of(lat, lon, self.zones)

    def vrng(self, salt: int) -> np.random.Generator:
        """The random generator of the next vessel, for behaviour ``salt``."""
        return np.random.default_rng(np.random.SeedSequence([self.cfg.seed, 0x7E55E1, len(self.vessels), salt]))

    def new_vessel(
        self,
        profile: str,
        flag: str,
        role: str,
        track: Track,
        rng: np.random.Generator,
        *,
        ais_class: str = "A",
        name_style: str = "merchant",
        destination: str = "",
        eta_s: float | None = None,
        mmsi: int | None = None,
        name: str | None = None,
        note: str = "",
    ) -> Vessel:
        """Give ``track`` a made-up identity and equipment and add it to the fleet."""
        pr = PROFILES[profile]
        types, (lmin, lmax), beam, (dmin, dmax) = pr.ship_types, pr.length_m, pr.beam_ratio, pr.draught_m
        length = float(rng.uniform(lmin, lmax))
        width = max(2.0, length * beam * rng.uniform(0.9, 1.1))
        to_bow = int(round(length * rng.uniform(0.55, 0.85)))
        to_stern = max(1, int(round(length)) - to_bow)
        to_port = int(round(width / 2))
        to_star = max(1, int(round(width)) - to_port)
        big = ais_class == "A" and profile not in ("artisanal", "pleasure")
        imo = (
            imo_number(rng)
            if big
            and role in ("merchant", "carrier", "passenger")
            or (big and role == "fishing" and rng.random() < 0.6)
            else 0
        )
        lo_i, hi_i = self.cfg.class_a_interval_s if ais_class == "A" else self.cfg.class_b_interval_s
        interval = float(rng.uniform(lo_i, hi_i))
        if eta_s is not None:
            eta_dt = self.cfg.start_utc() + timedelta(seconds=eta_s)
            eta = (eta_dt.month, eta_dt.day, eta_dt.hour, eta_dt.minute)
        else:
            eta = (0, 0, 24, 60)
        v = Vessel(
            uid=len(self.vessels),
            mmsi=mmsi if mmsi is not None else self.reg.mmsi(flag),
            name=name if name is not None else self.reg.name(name_style),
            callsign=self.reg.callsign(flag),
            imo=imo,
            ship_type=int(types[int(rng.integers(len(types)))]),
            flag=flag,
            role=role,
            ais_class=ais_class,
            to_bow=to_bow,
            to_stern=to_stern,
            to_port=to_port,
            to_starboard=to_star,
            draught=round(float(rng.uniform(dmin, dmax)), 1),
            destination=destination,
            eta=eta,
            interval_s=interval,
            phase_s=float(rng.uniform(0, interval)),
            heading_ok=ais_class == "A" and (role != "fishing" or rng.random() < 0.7),
            rot_ok=ais_class == "A" and role in ("merchant", "passenger", "law_enforcement") and rng.random() < 0.6,
            cog_na_stopped=rng.random() < 0.3,
            accuracy=bool(rng.random() < (0.7 if big else 0.2)),
            raim=bool(rng.random() < 0.3),
            type19=ais_class == "B" and rng.random() < 0.1,
            type27=ais_class == "A" and rng.random() < 0.5,
            track=track,
            heading_bias=float(rng.normal(0, 2.5)),
            note=note,
        )
        self.vessels.append(v)
        return v

    def speed(self, profile: str, rng: np.random.Generator) -> float:
        """A service speed (kn) of ``profile``."""
        lo, hi = PROFILES[profile].speed_kn
        return float(rng.uniform(lo, hi))

    def transit_track(
        self,
        pts: list[tuple[float, float]],
        speed: float,
        s0: float,
        rng: np.random.Generator,
        t_ref: float = 0.0,
        end_status: int = 5,
    ) -> tuple[Track, float]:
        """Sail along ``pts`` at ``speed`` being at distance ``s0`` (m) from the start at ``t_ref``.
        Before the route start the ship waits at anchor; after the end it anchors. Returns
        (track, time of arrival at the route end)."""
        cum = np.concatenate([[0.0], np.cumsum([distance1_m(*a, *b) for a, b in zip(pts, pts[1:])])])
        v = speed * KN
        t_start = t_ref - s0 / v  # time at distance 0
        times = t_start + cum / v
        tb = TrackBuilder(min(self.T0, times[0]) - 1.0, *pts[0], 1)
        if times[0] > tb.now + 1:
            tb.hold(times[0], 1, rng)
            tb.lat[-1], tb.lon[-1] = pts[0]
        for (la, lo), t in zip(pts[1:], times[1:]):
            tb.add(t, la, lo, 0)
            if t > self.T1:
                break
        arrival = float(times[-1])
        if tb.now < self.T1:
            tb.hold(self.T1, end_status, rng, radius_m=10.0 if end_status == 5 else 40.0)
        return tb.build(self.T1), arrival

    def place_on_route(
        self, a: str, b: str, rng: np.random.Generator, frac: tuple[float, float] = (0.0, 1.0)
    ) -> tuple[list[tuple[float, float]], float]:
        """The route from ``a`` to ``b`` and a random distance along it (m), within ``frac``."""
        pts = self.route(a, b)
        total = float(sum(distance1_m(*p, *q) for p, q in zip(pts, pts[1:])))
        return pts, float(rng.uniform(*frac)) * total

    def free_spot(self, la: float, lo: float, key: str, status: int, rng: np.random.Generator) -> tuple[float, float]:
        """Keep stationary ships ≥ 600 m apart (side-by-side pairs are explicit decoys)."""
        base = self.port(key)
        still = [v for v in self.vessels if v.track.status[0] in (1, 5)]
        s_lat = np.array([float(v.track.lat[0]) for v in still])
        s_lon = np.array([float(v.track.lon[0]) for v in still])
        for _ in range(50):
            if bool((distance_m(la, lo, s_lat, s_lon) > 600.0).all()):
                break
            spread = 3500.0 if status == 1 else 1500.0
            la, lo = offset(*base, rng.uniform(0, 360), spread * math.sqrt(rng.random()))
        return la, lo
