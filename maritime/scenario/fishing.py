"""Labelled fishing of each gear type, and transits at fishing speeds (issue 13): a developer tool.

Part of the scenario generator. Each fishing vessel works a ground ~30-55 km off a South
American shore receiver (so that it is heard by a shore station, as most coastal fishing is),
and its track follows the gear's published pattern (FAO gear fact sheets; de Souza et al.
2016, PLoS ONE 11(7):e0158248):

- ``trawl``: steams in at 9-11 kn, then tows of 1.5-3 h at 2.8-4.5 kn, turning back
  (150-210 degrees) between tows, sometimes slowing to haul; steams out.
- ``longline``: sets the line straight at 7-9.5 kn for 3-5 h, soaks it (drifts 1.5-3 h),
  then hauls it for 6-10 h back along the line, stop-start at 0.2-3.8 kn on a wandering course.
- ``purse_seine``: searches at 9-12 kn, then sets: a closed circle of 180-280 m radius at
  9-11 kn, then 1.5-2.5 h almost still while the net is pursed and hauled; 2-4 sets.
- ``squid_jigging``: drifts at 0.2-1 kn from dusk to dawn (local solar time), and steams at
  6-10 kn by day to another spot on the ground.

Transits at fishing speeds (labelled ``fishing_speed_transit`` decoys) are fishing vessels and
vessels of unknown type going straight at 2-5 kn (a slow tow, economy steaming) or 6-9.5 kn
(as fast as a longline set), and a vessel drifting day and night; none of them fishes.

:func:`inject_fishing` adds all of these to a :class:`~maritime.scenario.fleet.FleetBuilder`
(``ScenarioConfig.fishing``, ``--fishing``): the fishing operations go to the truth's
``events`` (kind ``fishing`` with ``gear``), the transits to its ``decoys``.
:func:`fishing_positions` gives the same kinds of tracks directly as position columns (reports
every 60-180 s with dropped reports and GNSS noise), for fast precision/recall tests and
benchmarks. Times in seconds from the start, distances metres, speeds knots.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from maritime.scenario.config import KN
from maritime.scenario.fleet import FleetBuilder
from maritime.scenario.geography import LatLon, offset
from maritime.scenario.model import ScenarioEvent
from maritime.scenario.tracks import Track, TrackBuilder

#: Gear types, as the detector reports them.
GEARS = ("trawl", "longline", "purse_seine", "squid_jigging")
#: Shore receivers (from data/stations.csv) off which the grounds lie: the coast runs roughly
#: north-south there and the sea is to the west.
GROUND_BASES: tuple[LatLon, ...] = (
    (-0.935, -80.72),
    (-2.215, -80.91),
    (-5.083, -81.11),
    (-9.075, -78.6),
    (-12.05, -77.15),
    (-13.8, -76.29),
    (-20.205, -70.15),
    (-23.65, -70.41),
    (-29.95, -71.34),
)
#: AIS navigational status "engaged in fishing" and "under way using engine".
FISHING_STATUS = 7
UNDERWAY = 0


@dataclass
class FishingTrack:
    """A generated track with its labels (times in seconds from the start)."""

    kind: str  #: a gear of :data:`GEARS`, or ``transit``
    track: Track
    ship_type: int  #: declared AIS ship type
    labels: list[tuple[float, float]] = field(default_factory=list)  #: fishing operations (start, end)
    note: str = ""


def _ground(rng: np.random.Generator) -> LatLon:
    base = GROUND_BASES[int(rng.integers(len(GROUND_BASES)))]
    return offset(*base, float(rng.uniform(250.0, 290.0)), float(rng.uniform(30_000.0, 55_000.0)))


def _leg(tb: TrackBuilder, heading: float, speed_kn: float, seconds: float, status: int) -> None:
    la, lo = offset(*tb.pos, heading, max(speed_kn, 0.0) * KN * seconds)
    tb.add(tb.now + seconds, la, lo, status)


def _steam(tb: TrackBuilder, to: LatLon, rng: np.random.Generator, until: float) -> None:
    """Steam to ``to`` at 9-11 kn (stopping at ``until``)."""
    tb.route([to], float(rng.uniform(9.0, 11.0)), UNDERWAY, until)


def _trawl(rng: np.random.Generator, end: float) -> FishingTrack:
    g = _ground(rng)
    tb = TrackBuilder(0.0, *offset(*g, float(rng.uniform(0, 360)), 25_000.0), UNDERWAY)
    _steam(tb, g, rng, end)
    t0, stop = tb.now, tb.now + float(rng.uniform(8.0, 14.0)) * 3600.0
    h = float(rng.uniform(0, 360))
    while tb.now < min(stop, end - 3 * 3600.0):
        speed, tow_end = float(rng.uniform(2.8, 4.5)), tb.now + float(rng.uniform(1.5, 3.0)) * 3600.0
        while tb.now < tow_end:
            h += float(rng.normal(0, 4))
            _leg(tb, h, speed + float(rng.normal(0, 0.2)), 600.0, FISHING_STATUS)
        turn = float(rng.uniform(150.0, 210.0)) * (1 if rng.random() < 0.5 else -1)
        for _ in range(3):  # the turn: 15 min at ~3 kn
            h += turn / 3
            _leg(tb, h, float(rng.uniform(2.5, 3.5)), 300.0, FISHING_STATUS)
        if rng.random() < 0.5:  # hauling the net: slow for 20-40 min
            _leg(tb, h, float(rng.uniform(0.8, 1.8)), float(rng.uniform(1200.0, 2400.0)), FISHING_STATUS)
    t1 = tb.now
    _leg(tb, float(rng.uniform(0, 360)), 10.0, max(end - tb.now, 1.0), UNDERWAY)
    return FishingTrack("trawl", tb.build(end + 1), 30, [(t0, t1)])


def _longline(rng: np.random.Generator, end: float) -> FishingTrack:
    g = _ground(rng)
    tb = TrackBuilder(0.0, *offset(*g, float(rng.uniform(0, 360)), 20_000.0), UNDERWAY)
    _steam(tb, g, rng, end)
    t0 = tb.now
    h = float(rng.uniform(0, 360))
    _leg(tb, h, float(rng.uniform(7.0, 9.5)), float(rng.uniform(3.0, 5.0)) * 3600.0, FISHING_STATUS)  # set
    soak_end = tb.now + float(rng.uniform(1.5, 3.0)) * 3600.0
    drift = float(rng.uniform(0, 360))
    while tb.now < soak_end:
        _leg(tb, drift + float(rng.normal(0, 20)), float(rng.uniform(0.3, 0.8)), 900.0, FISHING_STATUS)
    haul_end = min(tb.now + float(rng.uniform(6.0, 10.0)) * 3600.0, end - 1800.0)
    while tb.now < haul_end:  # haul back along the line, stop-start
        _leg(tb, h + 180.0 + float(rng.normal(0, 25)), float(rng.uniform(0.2, 3.8)), float(rng.uniform(300, 480)), 7)
    t1 = tb.now
    _leg(tb, float(rng.uniform(0, 360)), 10.0, max(end - tb.now, 1.0), UNDERWAY)
    return FishingTrack("longline", tb.build(end + 1), 30, [(t0, t1)])


def _purse_seine(rng: np.random.Generator, end: float) -> FishingTrack:
    g = _ground(rng)
    tb = TrackBuilder(0.0, *offset(*g, float(rng.uniform(0, 360)), 20_000.0), UNDERWAY)
    _steam(tb, g, rng, end)
    labels = []
    for _ in range(int(rng.integers(2, 5))):
        search_end = tb.now + float(rng.uniform(0.7, 2.0)) * 3600.0
        while tb.now < search_end:  # search, keeping near the ground
            h = math.degrees(math.atan2(g[1] - tb.pos[1], g[0] - tb.pos[0])) + float(rng.normal(0, 60))
            _leg(tb, h, float(rng.uniform(9.0, 12.0)), float(rng.uniform(1200.0, 2400.0)), UNDERWAY)
        if tb.now > end - 4 * 3600.0:
            break
        t0 = tb.now
        r, v = float(rng.uniform(200.0, 320.0)), float(rng.uniform(8.0, 11.0))
        h0, side = float(rng.uniform(0, 360)), (1 if rng.random() < 0.5 else -1)
        cen = offset(*tb.pos, h0 + 90.0 * side, r)
        a0 = (h0 - 90.0 * side) % 360.0  # bearing from the centre to the vessel
        step = 2 * math.pi * r / 14 / (v * KN)
        for k in range(1, 15):  # the circle, closed
            la, lo = offset(*cen, a0 + side * 360.0 * k / 14, r)
            tb.add(tb.now + step, la, lo, FISHING_STATUS)
        purse_end = tb.now + float(rng.uniform(1.5, 2.5)) * 3600.0
        while tb.now < purse_end:  # pursing and hauling: almost still
            _leg(tb, float(rng.uniform(0, 360)), float(rng.uniform(0.0, 0.7)), 600.0, FISHING_STATUS)
        labels.append((t0, tb.now))
    _leg(tb, float(rng.uniform(0, 360)), 10.0, max(end - tb.now, 1.0), UNDERWAY)
    return FishingTrack("purse_seine", tb.build(end + 1), 30, labels)


def _squid(rng: np.random.Generator, end: float, start_unix: float) -> FishingTrack:
    g = _ground(rng)
    tb = TrackBuilder(0.0, *offset(*g, float(rng.uniform(0, 360)), 10_000.0), UNDERWAY)
    labels = []

    def solar_h(t: float) -> float:  # local mean solar time (hours)
        return ((start_unix + t) % 86400.0 / 3600.0 + tb.pos[1] / 15.0) % 24.0

    while tb.now < end - 3600.0:
        sh = solar_h(tb.now)
        if 18.5 <= sh or sh < 5.5:  # night: drift under lights until ~dawn
            left = ((5.5 - sh) % 24.0) * 3600.0 - float(rng.uniform(0.0, 1800.0))
            t0, stop = tb.now, min(tb.now + left, end)
            drift = float(rng.uniform(0, 360))
            while tb.now < stop:
                _leg(tb, drift + float(rng.normal(0, 15)), float(rng.uniform(0.2, 1.0)), 900.0, FISHING_STATUS)
            if tb.now - t0 >= 3 * 3600.0:
                labels.append((t0, tb.now))
        else:  # day: steam to another spot, then wait for dusk at 1.5-3 kn... or steam on
            left = ((18.5 - sh) % 24.0) * 3600.0 + float(rng.uniform(0.0, 1800.0))
            stop = min(tb.now + left, end)
            while tb.now < stop:
                h = math.degrees(math.atan2(g[1] - tb.pos[1], g[0] - tb.pos[0])) + float(rng.normal(0, 70))
                _leg(tb, h, float(rng.uniform(6.0, 10.0)), min(float(rng.uniform(1800, 5400)), stop - tb.now + 1), 0)
    return FishingTrack("squid_jigging", tb.build(end + 1), 30, labels)


def _transit(rng: np.random.Generator, end: float, k: int) -> FishingTrack:
    """Straight at fishing speeds, or drifting day and night (never fishing)."""
    g = _ground(rng)
    tb = TrackBuilder(0.0, *offset(*g, float(rng.uniform(0, 360)), 15_000.0), UNDERWAY)
    mode = ("slow", "trawl_speed", "set_speed", "drift")[k % 4]
    speed = {"slow": (2.0, 3.2), "trawl_speed": (3.2, 5.0), "set_speed": (6.0, 9.5), "drift": (0.3, 0.9)}[mode]
    h = float(rng.uniform(0, 360))
    v = float(rng.uniform(*speed))
    while tb.now < end:
        if mode == "drift":
            _leg(tb, float(rng.uniform(0, 360)), float(rng.uniform(*speed)), 900.0, UNDERWAY)
        else:
            _leg(tb, h + float(rng.normal(0, 2)), v + float(rng.normal(0, 0.15)), 1800.0, UNDERWAY)
    ship_type = 30 if k % 2 == 0 else 0
    return FishingTrack("transit", tb.build(end + 1), ship_type, [], note=mode)


def fishing_tracks(
    rng: np.random.Generator, hours: float, start_unix: float, per_gear: int = 3, transits: int = 8
) -> list[FishingTrack]:
    """``per_gear`` vessels of each gear and ``transits`` transits at fishing speeds over ``hours``."""
    end = hours * 3600.0
    makers: list[Callable[[], FishingTrack]] = [
        lambda: _trawl(rng, end),
        lambda: _longline(rng, end),
        lambda: _purse_seine(rng, end),
        lambda: _squid(rng, end, start_unix),
    ]
    out = [make() for make in makers for _ in range(per_gear)]
    out += [_transit(rng, end, k) for k in range(transits)]
    for ft in out:  # the last leg may overrun the end: label what the recording holds
        ft.labels = [(a, min(b, end)) for a, b in ft.labels if a < end]
    return out


def fishing_positions(
    seed: int, hours: float = 36.0, start_unix: float = 1736899200.0, per_gear: int = 3, transits: int = 8
) -> tuple[dict[str, npt.NDArray[Any]], dict[int, int], list[dict[str, Any]]]:
    """Position columns (``mmsi, t, lat, lon, sog, cog, msg_type``; t in UTC seconds), the
    declared ship type of each MMSI, and the labels: one dict per fishing operation (``mmsi``,
    ``gear``, ``start``, ``end`` in UTC seconds) and per transit (``gear`` None, ``note``).

    Reports come every 60-120 s (Class A: purse seiners and two other vessels in three) or
    90-180 s (Class B), 10 % of
    them are lost, positions carry ~8 m of GNSS noise, SOG 0.1 kn and COG 2 degrees.
    """
    rng = np.random.default_rng(seed)
    tracks = fishing_tracks(rng, hours, start_unix, per_gear, transits)
    cols: dict[str, list[npt.NDArray[Any]]] = {k: [] for k in ("mmsi", "t", "lat", "lon", "sog", "cog", "msg_type")}
    types: dict[int, int] = {}
    labels: list[dict[str, Any]] = []
    for i, ft in enumerate(tracks):
        mmsi = 760_100_000 + seed * 1000 + i
        types[mmsi] = ft.ship_type
        # tuna purse seiners are large (SOLAS) vessels with Class A transponders
        class_b = ft.kind != "purse_seine" and rng.random() < 1 / 3
        lo, hi = (90.0, 180.0) if class_b else (60.0, 120.0)
        ts = np.cumsum(rng.uniform(lo, hi, size=int(hours * 3600 / lo) + 2))
        ts = ts[(ts < hours * 3600.0) & (rng.random(len(ts)) > 0.1)]
        la, lon, sog, cog, _ = ft.track.sample(ts)
        m = len(ts)
        noise = rng.normal(0, 8.0, size=(2, m))
        cols["mmsi"].append(np.full(m, mmsi, dtype=np.int64))
        cols["t"].append(start_unix + ts)
        cols["lat"].append(la + noise[0] / 111_320.0)
        cols["lon"].append(lon + noise[1] / (111_320.0 * np.cos(np.radians(la))))
        cols["sog"].append(np.maximum(sog + rng.normal(0, 0.1, m), 0.0).astype(np.float32))
        cols["cog"].append(((cog + rng.normal(0, 2.0, m)) % 360.0).astype(np.float32))
        cols["msg_type"].append(np.full(m, 18 if class_b else 1, dtype=np.int16))
        for a, b in ft.labels:
            labels.append({"mmsi": mmsi, "gear": ft.kind, "start": start_unix + a, "end": start_unix + b})
        if ft.kind == "transit":
            labels.append({"mmsi": mmsi, "gear": None, "note": ft.note})
    out = {k: np.concatenate(v) for k, v in cols.items()}
    order = np.lexsort((out["t"], out["mmsi"]))
    return {k: v[order] for k, v in out.items()}, types, labels


#: Scenario profile (dimensions, for the made-up identity) of each kind of track.
_PROFILE = {
    "trawl": "coastal_seiner",
    "longline": "coastal_seiner",
    "purse_seine": "seiner",
    "squid_jigging": "squid",
    "transit": "coastal_seiner",
}
#: Definitions written to the truth file when the scenario has fishing (``--fishing``).
FISHING_DEFINITIONS: dict[str, str] = {
    "events.fishing": "a fishing operation (extra field gear: trawl, longline, purse_seine or squid_jigging) of "
    "the vessel between start and end; lat/lon: the ground it works (see maritime.scenario.fishing)",
    "decoys.fishing_speed_transit": "a vessel (ship_type 30 fishing or 0 not available) going straight at 2-9.5 kn "
    "(mode slow, trawl_speed, set_speed) or drifting day and night (mode drift) for the whole scenario: "
    "no fishing event is expected",
}


def inject_fishing(fb: FleetBuilder, per_gear: int = 2, transits: int = 4) -> None:
    """Add ``per_gear`` vessels of each gear (their operations labelled ``fishing`` events with
    ``gear``) and ``transits`` transits at fishing speeds (``fishing_speed_transit`` decoys)."""
    rng = fb.vrng(60)
    start_unix = fb.cfg.start_utc().timestamp()
    for ft in fishing_tracks(rng, fb.D / 3600.0, start_unix, per_gear, transits):
        vr = fb.vrng(61)
        ais_class = "B" if ft.kind not in ("purse_seine", "squid_jigging") and vr.random() < 0.3 else "A"
        v = fb.new_vessel(
            _PROFILE[ft.kind], "PE", "fishing", ft.track, vr, ais_class=ais_class, name_style="cn", note=ft.kind
        )
        v.ship_type = ft.ship_type
        la, lo, *_ = ft.track.sample(np.array([fb.D / 2.0]))
        for a, b in ft.labels:
            la, lo, *_ = ft.track.sample(np.array([(a + b) / 2.0]))
            fb.events.append(
                ScenarioEvent(
                    "fishing", v.mmsi, None, a, b, float(la[0]), float(lo[0]), fb.zone(la[0], lo[0]), {"gear": ft.kind}
                )
            )
        if ft.kind == "transit":
            fb.decoys.append(
                ScenarioEvent(
                    "fishing_speed_transit",
                    v.mmsi,
                    None,
                    0.0,
                    fb.D,
                    float(la[0]),
                    float(lo[0]),
                    fb.zone(float(la[0]), float(lo[0])),
                    {"mode": ft.note, "ship_type": ft.ship_type},
                )
            )
