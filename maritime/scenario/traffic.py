"""Ordinary traffic of the scenario: merchant transits, ships in port, fishing fleets, tugs, yachts, patrols.

Part of the scenario generator (a developer tool). Each ``add_*`` function adds one vessel to a
:class:`~maritime.scenario.fleet.FleetBuilder`. Times in seconds from the scenario start,
distances in metres, speeds in knots, positions WGS84 degrees; AIS navigational status codes
(0 under way, 1 at anchor, 3 restricted, 5 moored, 7 fishing, 8 sailing) per ITU-R M.1371.
"""

from __future__ import annotations

import math

import numpy as np

from maritime.scenario.fleet import FleetBuilder
from maritime.scenario.geography import distance1_m, locodes, offset, sea_nodes, trades
from maritime.scenario.model import Vessel
from maritime.scenario.tracks import Track, TrackBuilder


def add_transit(fb: FleetBuilder) -> None:
    """A merchant ship on a weighted trade between two ports, anywhere along its lane route."""
    rng = fb.vrng(1)
    w = np.array([t[2] for t in trades()])
    a, b, _ = trades()[int(rng.choice(len(trades()), p=w / w.sum()))]
    if rng.random() < 0.5:
        a, b = b, a
    profile = str(rng.choice(["container", "bulk", "general", "tanker", "reefer"], p=[0.3, 0.2, 0.25, 0.2, 0.05]))
    if "Balao" in a + b:
        profile = "tanker"
    pts, s0 = fb.place_on_route(a, b, rng)
    spd = fb.speed(profile, rng)
    track, arrival = fb.transit_track(pts, spd, s0, rng)
    flag = str(rng.choice(["PA", "LR", "MH", "SG", "HK", "MT", "BS", "GR", "PA", "LR", "CL", "PE", "EC", "CO", "MX"]))
    fb.new_vessel(profile, flag, "merchant", track, rng, destination=locodes().get(b, ""), eta_s=arrival)


def add_in_port(fb: FleetBuilder) -> None:
    """A merchant ship moored at a berth (within ~900 m of the port) or at anchor (within 3.5 km of the anchorage)
    all day."""
    rng = fb.vrng(2)
    places = [
        ("Panama Canal Pacific anchorage|PA", 1, 5.0),
        ("Balboa|PA", 5, 2.0),
        ("Callao anchorage|PE", 1, 2.0),
        ("Callao|PE", 5, 2.0),
        ("Buenaventura anchorage|CO", 1, 1.5),
        ("Buenaventura|CO", 5, 1.0),
        ("Guayaquil|EC", 5, 1.5),
        ("Posorja|EC", 5, 0.7),
        ("Manta anchorage|EC", 1, 0.7),
        ("Valparaíso anchorage|CL", 1, 1.0),
        ("San Antonio|CL", 5, 1.0),
        ("Manzanillo anchorage|MX", 1, 1.0),
        ("Chancay|PE", 5, 0.7),
        ("Paita|PE", 5, 0.5),
        ("Esmeraldas|EC", 5, 0.4),
        ("Antofagasta|CL", 5, 0.4),
        ("Lázaro Cárdenas|MX", 5, 0.6),
        ("Puerto Quetzal|GT", 5, 0.4),
        ("Caldera|CR", 5, 0.4),
    ]
    w = np.array([p[2] for p in places])
    key, status, _ = places[int(rng.choice(len(places), p=w / w.sum()))]
    la, lo = fb.port(key)
    # anchorages spread ships over a few km, berths over ~1 km
    spread = 3500.0 if status == 1 else 900.0
    la, lo = offset(la, lo, rng.uniform(0, 360), spread * math.sqrt(rng.random()))
    la, lo = fb.free_spot(la, lo, key, status, rng)
    tb = TrackBuilder(fb.T0 - 1, la, lo, status)
    profile = str(rng.choice(["container", "bulk", "general", "tanker"]))
    dest = locodes().get(key.replace(" anchorage", ""), "")
    tb.hold(fb.T1, status, rng, radius_m=40.0 if status == 1 else 10.0)
    flag = str(rng.choice(["PA", "LR", "MH", "SG", "MT", "GR", "PA", "CL", "PE"]))
    fb.new_vessel(profile, flag, "merchant", tb.build(fb.T1), rng, destination=dest)


def add_squid(fb: FleetBuilder, ground: str) -> None:
    """A Chinese squid jigger working at 3-5 kn on the ``west`` grounds (off the Galápagos EEZ) or in the high-seas
    ``corridor``."""
    rng = fb.vrng(3)
    if ground == "west":
        c = (float(rng.uniform(-4.0, -0.5)), float(rng.uniform(-98.5, -96.2)))
    else:  # the high-seas corridor
        c = (float(rng.uniform(-2.5, 0.5)), float(rng.uniform(-85.9, -84.9)))
    tb = TrackBuilder(fb.T0 - 1, *offset(*c, rng.uniform(0, 360), rng.uniform(0, 8000)), 7)
    status = int(rng.choice([7, 7, 0, 15]))
    if rng.random() < 0.15:  # steaming between grounds part of the day
        t_sw = float(rng.uniform(0.2, 0.7)) * fb.D
        tb.wander(t_sw, c, 12000.0, (3.0, 5.0), (1500.0, 5000.0), status, rng)
        c2 = offset(*c, rng.uniform(0, 360), rng.uniform(40000, 90000))
        tb.goto(*c2, fb.speed("squid", rng), 0)
        c = c2
    tb.wander(fb.T1, c, 12000.0, (3.0, 5.0), (1500.0, 5000.0), status, rng)
    fb.new_vessel("squid", "CN", "fishing", tb.build(fb.T1), rng, name_style="cn", destination="FISHING")


def add_carrier(fb: FleetBuilder) -> None:
    """A reefer carrier cruising at 9-12 kn near the western squid grounds."""
    rng = fb.vrng(4)
    c = (float(rng.uniform(-3.5, -1.0)), float(rng.uniform(-98.0, -96.5)))
    tb = TrackBuilder(fb.T0 - 1, *c, 0)
    tb.wander(fb.T1, c, 60000.0, (9.0, 12.0), (15000.0, 40000.0), 0, rng)
    flag = str(rng.choice(["PA", "VU", "CN", "LR"]))
    fb.new_vessel("reefer", flag, "carrier", tb.build(fb.T1), rng, destination="CALLAO")


def add_seiner(fb: FleetBuilder) -> None:
    """An Ecuadorian tuna purse seiner alternating search (9-12 kn) and set/haul (3-5 kn)."""
    rng = fb.vrng(5)
    # tuna purse seiners out of Manta working east of the Galápagos Marine Reserve
    c = (float(rng.uniform(-1.5, 1.5)), float(rng.uniform(-87.5, -84.5)))
    tb = TrackBuilder(fb.T0 - 1, *c, 7)
    while tb.now < fb.T1:
        # search at speed, then set and haul slowly (3-5 kn)
        tb.wander(min(tb.now + rng.uniform(2, 4) * 3600, fb.T1), c, 40000.0, (9.0, 12.0), (10000.0, 25000.0), 0, rng)
        tb.wander(min(tb.now + rng.uniform(1.5, 3) * 3600, fb.T1), tb.pos, 3000.0, (3.0, 5.0), (800.0, 2500.0), 7, rng)
    fb.new_vessel("seiner", "EC", "fishing", tb.build(fb.T1), rng, name_style="latin", destination="PESCA")


# (port key, seaward bearing range, distance range m, weight); bearings and distances are
# taken from the harbour exit in _HARBOUR_EXITS when the port has one
ARTISANAL_PORTS: tuple[tuple[str, tuple[float, float], tuple[float, float], float], ...] = (
    ("Manta|EC", (300.0, 355.0), (12000.0, 35000.0), 3.0),
    ("Jaramijó|EC", (320.0, 20.0), (10000.0, 30000.0), 2.0),
    ("Puerto López|EC", (250.0, 290.0), (10000.0, 30000.0), 1.5),
    ("Esmeraldas|EC", (320.0, 20.0), (10000.0, 30000.0), 1.5),
    ("Tumaco anchorage|CO", (280.0, 330.0), (10000.0, 30000.0), 1.5),
    ("Paita|PE", (270.0, 310.0), (12000.0, 35000.0), 2.0),
    ("Talara|PE", (250.0, 290.0), (10000.0, 30000.0), 1.0),
    ("Chimbote|PE", (235.0, 265.0), (15000.0, 35000.0), 1.0),
    ("Bahía Solano|CO", (280.0, 320.0), (8000.0, 25000.0), 0.5),
    ("La Libertad|EC", (300.0, 340.0), (10000.0, 25000.0), 1.0),
)
#: a point at sea off harbours whose direct line to the sea crosses a headland
HARBOUR_EXITS: dict[str, tuple[float, float]] = {
    "Chimbote|PE": (-9.14, -78.63),
    "Bahía Solano|CO": (6.30, -77.45),
    "Puerto López|EC": (-1.55, -80.84),
    "Paita|PE": (-5.05, -81.12),
}


def artisanal_track(
    fb: FleetBuilder,
    rng: np.random.Generator,
    key: str,
    brg: tuple[float, float],
    dist: tuple[float, float],
    speed: float,
) -> tuple[Track, tuple[float, float]]:
    """Leave the berth at ``key``, fish 4-10 h at 3-5 kn 8-35 km out on bearing ``brg``, come back; returns the
    track and the fishing spot."""
    home = fb.port(key)
    exit_ = HARBOUR_EXITS.get(key)
    b = rng.uniform(brg[0], brg[1] + (360.0 if brg[1] < brg[0] else 0.0)) % 360.0
    spot = offset(*(exit_ or home), b, rng.uniform(*dist))
    berth = offset(*home, rng.uniform(0, 360), rng.uniform(50, 600))
    tb = TrackBuilder(fb.T0 - 1, *berth, 5)
    t_leave = float(rng.uniform(-4, 8)) * 3600.0
    fish_h = float(rng.uniform(4, 10))
    if t_leave > tb.now:
        tb.hold(t_leave, 5, rng, radius_m=8.0)
    if exit_:
        tb.goto(*exit_, speed, 0)
    tb.goto(*spot, speed, 0)
    tb.wander(tb.now + fish_h * 3600, spot, 5000.0, (3.0, 5.0), (800.0, 3000.0), 7, rng)
    if exit_:
        tb.goto(*exit_, speed, 0)
    tb.goto(*berth, speed, 0)
    if tb.now < fb.T1:
        tb.hold(fb.T1, 5, rng, radius_m=8.0)
    return tb.build(fb.T1), spot


def add_artisanal(
    fb: FleetBuilder, key_index: int | None = None, *, mmsi: int | None = None, name: str | None = None, note: str = ""
) -> Vessel:
    """An artisanal Class B boat from one of :data:`ARTISANAL_PORTS` (weighted, or ``key_index``)."""
    rng = fb.vrng(6)
    ports = ARTISANAL_PORTS
    if key_index is None:
        w = np.array([p[3] for p in ports])
        key_index = int(rng.choice(len(ports), p=w / w.sum()))
    key, brg, dist, _ = ports[key_index]
    track, _ = artisanal_track(fb, rng, key, brg, dist, fb.speed("artisanal", rng))
    flag = key.split("|")[1]
    return fb.new_vessel(
        "artisanal", flag, "fishing", track, rng, ais_class="B", name_style="latin", mmsi=mmsi, name=name, note=note
    )


def add_coastal_seiner(fb: FleetBuilder) -> None:
    """A Peruvian coastal seiner on a day trip from Chimbote, Paita, Callao or Salaverry."""
    rng = fb.vrng(7)
    key, brg, dist = [
        ("Chimbote|PE", (235.0, 265.0), (20000.0, 50000.0)),
        ("Paita|PE", (240.0, 290.0), (20000.0, 45000.0)),
        ("Callao anchorage|PE", (230.0, 280.0), (20000.0, 45000.0)),
        ("Salaverry|PE", (220.0, 260.0), (20000.0, 45000.0)),
    ][int(rng.integers(4))]
    track, _ = artisanal_track(fb, rng, key, brg, dist, fb.speed("coastal_seiner", rng))
    fb.new_vessel("coastal_seiner", "PE", "fishing", track, rng, name_style="latin", destination="PESCA")


GALAPAGOS = ("Puerto Ayora|EC", "Puerto Baquerizo Moreno|EC", "Puerto Villamil|EC", "Puerto Velasco Ibarra|EC")


def add_passenger(fb: FleetBuilder) -> None:
    """A tour boat or ferry hopping between the Galápagos ports or Balboa and Taboga."""
    rng = fb.vrng(8)
    if rng.random() < 0.75:
        stops = list(GALAPAGOS)
        flag, style = "EC", "latin"
    else:
        stops = ["Balboa|PA", "Taboga|PA"]
        flag, style = "PA", "latin"
    cur = stops[int(rng.integers(len(stops)))]
    la, lo = fb.free_spot(*offset(*fb.port(cur), rng.uniform(0, 360), 300.0), cur, 5, rng)
    tb = TrackBuilder(fb.T0 - 1, la, lo, 5)
    spd = fb.speed("passenger", rng)
    while tb.now < fb.T1:
        tb.hold(min(tb.now + rng.uniform(1.0, 5.0) * 3600, fb.T1), 5, rng, radius_m=10.0)
        if tb.now >= fb.T1:
            break
        nxt = stops[int(rng.integers(len(stops)))]
        while nxt == cur:
            nxt = stops[int(rng.integers(len(stops)))]
        pts = fb.route(cur, nxt)[1:]
        pts[-1] = offset(*pts[-1], rng.uniform(0, 360), 250.0)
        tb.route(pts, spd, 0, until=fb.T1)
        cur = nxt
    fb.new_vessel(
        "passenger",
        flag,
        "passenger",
        tb.build(fb.T1),
        rng,
        name_style=style,
        destination="GALAPAGOS" if flag == "EC" else "TABOGA",
    )


def add_tug(fb: FleetBuilder) -> None:
    """A harbour tug running jobs between its berth and the port's anchorage."""
    rng = fb.vrng(9)
    home, anch = [
        ("Balboa|PA", "Panama Canal Pacific anchorage|PA"),
        ("Callao|PE", "Callao anchorage|PE"),
        ("Buenaventura|CO", "Buenaventura anchorage|CO"),
        ("Manzanillo|MX", "Manzanillo anchorage|MX"),
        ("Valparaíso|CL", "Valparaíso anchorage|CL"),
        ("Manta|EC", "Manta anchorage|EC"),
    ][int(rng.integers(6))]
    berth = offset(*fb.port(home), rng.uniform(0, 360), rng.uniform(100, 700))
    tb = TrackBuilder(fb.T0 - 1, *berth, 5)
    spd = fb.speed("tug", rng)
    while tb.now < fb.T1:
        tb.hold(min(tb.now + rng.uniform(1.0, 4.0) * 3600, fb.T1), 5, rng, radius_m=8.0)
        if tb.now >= fb.T1:
            break
        job = offset(*fb.port(anch), rng.uniform(0, 360), rng.uniform(300, 3000))
        lane = fb.route(home, anch)[1:-1]
        tb.route([*lane, job], spd, 0)
        tb.wander(tb.now + rng.uniform(0.3, 1.0) * 3600, job, 800.0, (3.0, 6.0), (200.0, 600.0), 3, rng)
        tb.route([*reversed(lane), berth], spd, 0)
    flag = home.split("|")[1]
    fb.new_vessel("tug", flag, "tug", tb.build(fb.T1), rng, name_style="tug")


def add_pleasure(fb: FleetBuilder) -> None:
    """A yacht crossing from Panama to the Galápagos, or cruising the Gulf of Panama or the Galápagos."""
    rng = fb.vrng(10)
    r = rng.random()
    if r < 0.4:  # crossing from Panama to the Galápagos (via the Gulf of Panama and Malpelo's west)
        pts = [
            fb.port("Panama Canal Pacific anchorage|PA"),
            sea_nodes()["PA1"],
            sea_nodes()["PA2"],
            sea_nodes()["PA3"],
            (3.0, -84.0),
            (-0.9, -88.8),
            sea_nodes()["GA0"],
            sea_nodes()["GA1"],
            fb.port("Puerto Baquerizo Moreno|EC"),
        ]
        spd = fb.speed("pleasure", rng)
        total = float(sum(distance1_m(*p, *q) for p, q in zip(pts, pts[1:])))
        track, _ = fb.transit_track(pts, spd, float(rng.uniform(0.05, 0.9)) * total, rng)
    elif r < 0.7:  # cruising the Gulf of Panama / Las Perlas
        c = (8.6, -79.4)
        tb = TrackBuilder(fb.T0 - 1, *c, 8)
        tb.wander(fb.T1, c, 12000.0, (5.0, 7.5), (3000.0, 9000.0), 8, rng)
        track = tb.build(fb.T1)
    else:  # Galápagos inter-island south of Santa Cruz
        c = (-1.05, -90.1)
        tb = TrackBuilder(fb.T0 - 1, *c, 8)
        tb.wander(fb.T1, c, 12000.0, (5.0, 7.5), (3000.0, 9000.0), 8, rng)
        track = tb.build(fb.T1)
    flag = str(rng.choice(["US", "FR", "PA", "EC", "CR"]))
    fb.new_vessel("pleasure", flag, "pleasure", track, rng, ais_class="B", name_style="yacht")


PATROLS: tuple[tuple[str, tuple[float, float], float], ...] = (
    ("EC", (-1.45, -90.95), 25000.0),  # Galápagos Marine Reserve, south of Isabela
    ("EC", (-1.15, -89.10), 20000.0),  # Galápagos, south-east of San Cristóbal
    ("CO", (1.9, -79.25), 25000.0),  # Tumaco approaches
    ("PE", (-4.6, -81.75), 30000.0),  # off Talara
    ("PA", (8.0, -79.35), 25000.0),  # Gulf of Panama
    ("CR", (5.1, -86.8), 30000.0),  # Cocos Island
    ("CO", (4.0, -81.1), 40000.0),  # Malpelo
)


def add_law_enforcement(fb: FleetBuilder, k: int) -> None:
    """A coast-guard patrol at 9-15 kn in the ``k``-th patrol area of :data:`PATROLS`."""
    rng = fb.vrng(11)
    flag, c, r = PATROLS[k % len(PATROLS)]
    tb = TrackBuilder(fb.T0 - 1, *c, 0)
    tb.wander(fb.T1, c, r, (9.0, 15.0), (8000.0, 25000.0), 0, rng)
    fb.new_vessel("le", flag, "law_enforcement", tb.build(fb.T1), rng, name_style="le", destination="PATROL")
