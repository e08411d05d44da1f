"""Injected events (loitering, dark periods, rendezvous) and decoys, labelled in the ground truth.

Part of the scenario generator (a developer tool). Each function adds its actors to a
:class:`~maritime.scenario.fleet.FleetBuilder` and appends a
:class:`~maritime.scenario.model.ScenarioEvent` to its ``events`` (true events) or ``decoys``
(situations a detector must *not* flag). Times in seconds from the scenario start, distances in
metres, speeds in knots.
"""

from __future__ import annotations

import numpy as np

from maritime.scenario.config import KN, RANGE_A_M
from maritime.scenario.fleet import FleetBuilder
from maritime.scenario.geography import distance1_m, locodes, offset, sea_nodes
from maritime.scenario.model import Outage, ScenarioEvent
from maritime.scenario.tracks import Track, TrackBuilder
from maritime.scenario.traffic import add_artisanal


def window(fb: FleetBuilder, rng: np.random.Generator, dur_h: tuple[float, float]) -> tuple[float, float] | None:
    """A random event window ``(t0, t1)`` (s from start) of ``dur_h`` hours, 2 h clear of both ends of the scenario;
    shortened to fit a short scenario, None if even ``dur_h[0]`` does not fit."""
    dur = float(rng.uniform(*dur_h)) * 3600.0
    lo, hi = 2.0 * 3600.0, fb.D - 2.0 * 3600.0 - dur
    if hi < lo:
        dur = fb.D - 4.5 * 3600.0
        if dur < dur_h[0] * 3600.0:
            return None
        hi = lo
    t0 = round(float(rng.uniform(lo, hi)))
    return float(t0), float(t0 + round(dur))


def approach_event(
    fb: FleetBuilder,
    rng: np.random.Generator,
    E: tuple[float, float],
    t0: float,
    t1: float,
    w_bearing: float,
    w_speed: tuple[float, float],
    w_status: int,
    drift_knots: list[tuple[float, float, float]],
    status: int,
) -> Track:
    """Wander around a point 15 km from ``E``, come in, follow ``drift_knots`` (t, lat, lon)
    from ``t0`` to ``t1``, then leave to another point 15 km away and wander again."""
    W1 = offset(*E, w_bearing, 15000.0)
    W2 = offset(*E, (w_bearing + rng.uniform(60, 120)) % 360, 15000.0)
    tb = TrackBuilder(fb.T0 - 1, *W1, w_status)
    tb.wander(t0 - 3600.0, W1, 6000.0, w_speed, (2000.0, 6000.0), w_status, rng)
    t_first, la, lo = drift_knots[0]
    tb.goto_at(la, lo, t_first, w_status)
    for t, la, lo in drift_knots[1:]:
        tb.add(t, la, lo, status)
    d = distance1_m(*tb.pos, *W2)
    tb.goto_at(*W2, t1 + d / (8.0 * KN), w_status)
    tb.wander(fb.T1, W2, 6000.0, w_speed, (2000.0, 6000.0), w_status, rng)
    return tb.build(fb.T1)


def drift_knots(
    fb: FleetBuilder, rng: np.random.Generator, E: tuple[float, float], t0: float, t1: float, radius_m: float
) -> list[tuple[float, float, float]]:
    """Knots ``(t, lat, lon)`` of a slow drift (0.3-1.4 kn) within ``radius_m`` of ``E`` from ``t0`` to ``t1``."""
    tb = TrackBuilder(t0, *E, 0)
    tb.drift(t1, 0, rng, radius_m=radius_m, center=E)
    return list(zip(tb.t, tb.lat, tb.lon))


def inject_loitering(
    fb: FleetBuilder,
    E: tuple[float, float],
    w_bearing: float,
    profile: str,
    flag: str,
    role: str,
    dur_h: tuple[float, float],
) -> None:
    """A vessel that drifts below 2 kn within ~1 km of ``E`` for ``dur_h`` hours, approaching from ``w_bearing``: a
    ``loitering`` event."""
    rng = fb.vrng(20)
    win = window(fb, rng, dur_h)
    if win is None:
        return
    t0, t1 = win
    knots = drift_knots(fb, rng, E, t0, t1, radius_m=float(rng.uniform(300, 900)))
    w_speed = (3.0, 5.0) if role == "fishing" else (6.0, 9.0)
    w_status = 7 if role == "fishing" else 0
    track = approach_event(fb, rng, E, t0, t1, w_bearing, w_speed, w_status, knots, 0)
    v = fb.new_vessel(
        profile,
        flag,
        role,
        track,
        rng,
        name_style="latin" if role == "fishing" else "merchant",
        note="loitering actor",
    )
    fb.events.append(
        ScenarioEvent(
            "loitering", v.mmsi, None, t0, t1, E[0], E[1], fb.zone(*E), {"duration_h": round((t1 - t0) / 3600, 2)}
        )
    )


def inject_dark(
    fb: FleetBuilder, E: tuple[float, float], flag: str, profile: str, dur_h: tuple[float, float], ais_class: str = "A"
) -> None:
    """A fishing vessel working around ``E`` whose transmitter is off for ``dur_h`` hours while its neighbours keep
    reporting: a ``dark`` event at the position where it went silent."""
    rng = fb.vrng(21)
    win = window(fb, rng, dur_h)
    if win is None:
        return
    t0, t1 = win
    tb = TrackBuilder(fb.T0 - 1, *E, 7)
    tb.wander(fb.T1, E, 7000.0, (3.0, 5.0), (1000.0, 3500.0), 7, rng)
    track = tb.build(fb.T1)
    v = fb.new_vessel(profile, flag, "fishing", track, rng, ais_class=ais_class, name_style="latin", note="dark actor")
    v.dark.append((t0, t1))
    la, lo, *_ = track.sample(np.array([t0]))
    fb.events.append(
        ScenarioEvent(
            "dark",
            v.mmsi,
            None,
            t0,
            t1,
            float(la[0]),
            float(lo[0]),
            fb.zone(float(la[0]), float(lo[0])),
            {"duration_h": round((t1 - t0) / 3600, 2)},
        )
    )


def inject_rendezvous(
    fb: FleetBuilder,
    E: tuple[float, float],
    a: tuple[str, str, str, float],
    b: tuple[str, str, str, float],
    dur_h: tuple[float, float],
) -> None:
    """Two vessels (``a``, ``b``: profile, flag, role, approach bearing) drifting 60-250 m apart below 2 kn near
    ``E`` for ``dur_h`` hours: a ``rendezvous`` event."""
    rng = fb.vrng(22)
    win = window(fb, rng, dur_h)
    if win is None:
        return
    t0, t1 = win
    knots = drift_knots(fb, rng, E, t0, t1, radius_m=400.0)
    sep, sep_b = float(rng.uniform(60, 250)), float(rng.uniform(0, 360))
    knots_b = [(t, *offset(la, lo, sep_b, sep)) for t, la, lo in knots]
    ids = []
    for (profile, flag, role, w_bearing), kn in ((a, knots), (b, knots_b)):
        w_speed = (3.0, 5.0) if role == "fishing" else (6.0, 9.0)
        w_status = 7 if role == "fishing" else 0
        track = approach_event(fb, rng, E, t0, t1, w_bearing, w_speed, w_status, kn, 0)
        style = "cn" if flag == "CN" else ("latin" if role == "fishing" else "merchant")
        ids.append(fb.new_vessel(profile, flag, role, track, rng, name_style=style, note="rendezvous actor").mmsi)
    fb.events.append(
        ScenarioEvent(
            "rendezvous",
            ids[0],
            ids[1],
            t0,
            t1,
            E[0],
            E[1],
            fb.zone(*E),
            {"duration_h": round((t1 - t0) / 3600, 2), "separation_m": round(sep)},
        )
    )


# -- decoys ------------------------------------------------------------------------------
def decoy_passing(fb: FleetBuilder) -> None:
    """Two merchant ships passing 250 m apart at speed in the Gulf of Panama: a ``passing`` decoy."""
    rng = fb.vrng(30)
    pts = fb.route("Balboa|PA", "Callao|PE")
    total = float(sum(distance1_m(*p, *q) for p, q in zip(pts, pts[1:])))
    # crossing point on the Gulf of Panama leg PA1 → PA2
    cum = np.concatenate([[0.0], np.cumsum([distance1_m(*p, *q) for p, q in zip(pts, pts[1:])])])
    i = pts.index(sea_nodes()["PA1"])
    s_p = float(cum[i] + rng.uniform(0.3, 0.7) * (cum[i + 1] - cum[i]))
    tc = float(round(rng.uniform(0.3, 0.7) * fb.D))
    va, vb = fb.speed("container", rng), fb.speed("bulk", rng)
    ta, _ = fb.transit_track(pts, va, s_p, rng, t_ref=tc)
    rev = list(reversed(pts))
    tb_, arr = fb.transit_track(rev, vb, total - s_p, rng, t_ref=tc)
    la, lo, _, cog, _ = ta.sample(np.array([tc]))
    off = 250.0
    dlat, dlon = np.subtract(
        offset(float(la[0]), float(lo[0]), float(cog[0]) + 90.0, off), (float(la[0]), float(lo[0]))
    )
    tb_ = Track(tb_.t, tb_.lat + dlat, tb_.lon + dlon, tb_.status)
    a = fb.new_vessel("container", "PA", "merchant", ta, rng, destination=locodes()["Callao|PE"], note="passing decoy")
    b = fb.new_vessel(
        "bulk", "LR", "merchant", tb_, rng, destination=locodes()["Balboa|PA"], eta_s=arr, note="passing decoy"
    )
    fb.decoys.append(
        ScenarioEvent(
            "passing",
            a.mmsi,
            b.mmsi,
            tc - 300,
            tc + 300,
            float(la[0]),
            float(lo[0]),
            fb.zone(float(la[0]), float(lo[0])),
            {"min_distance_m": off},
        )
    )


def decoy_side_by_side(fb: FleetBuilder) -> None:
    """Two ships moored 45 m apart at Callao, and a bunker tanker alongside a ship at the Panama anchorage for 3-5
    h: ``port_side_by_side`` decoys."""
    rng = fb.vrng(31)
    la, lo = offset(*fb.port("Callao|PE"), 200.0, 500.0)
    ids = []
    for k in range(2):
        p = offset(la, lo, 135.0, 45.0 * k)
        tb = TrackBuilder(fb.T0 - 1, *p, 5)
        tb.hold(fb.T1, 5, rng, radius_m=6.0)
        ids.append(
            fb.new_vessel(
                "general" if k == 0 else "tanker",
                "PE" if k else "PA",
                "merchant",
                tb.build(fb.T1),
                rng,
                note="side-by-side decoy",
            ).mmsi
        )
    fb.decoys.append(
        ScenarioEvent(
            "port_side_by_side",
            ids[0],
            ids[1],
            0.0,
            fb.D,
            la,
            lo,
            fb.zone(la, lo),
            {"port": "Callao", "separation_m": 45},
        )
    )
    # bunkering alongside at the Panama anchorage
    win = window(fb, rng, (3.0, 5.0))
    if win is None:
        return
    t0, t1 = win
    A = offset(*fb.port("Panama Canal Pacific anchorage|PA"), 60.0, 2500.0)
    tb = TrackBuilder(fb.T0 - 1, *A, 1)
    tb.hold(fb.T1, 1, rng, radius_m=40.0, step_s=600.0)
    ship = tb.build(fb.T1)
    berth = offset(*fb.port("Balboa|PA"), 180.0, 800.0)
    bb = TrackBuilder(fb.T0 - 1, *berth, 5)
    bb.hold(t0 - 2400.0, 5, rng, radius_m=8.0)
    sel = (ship.t >= t0) & (ship.t <= t1)
    kt, kla, klo = ship.t[sel], ship.lat[sel], ship.lon[sel]
    first = offset(float(kla[0]), float(klo[0]), 240.0, 60.0)
    lane = fb.route("Balboa|PA", "Panama Canal Pacific anchorage|PA")[1:-1]
    bb.route(lane, 7.0, 0)
    bb.goto_at(*first, float(kt[0]), 0)
    for t, a_, o_ in zip(kt[1:], kla[1:], klo[1:]):
        bb.add(float(t), *offset(float(a_), float(o_), 240.0, 60.0), 0)
    bb.route([*reversed(lane), berth], 7.0, 0)
    bb.hold(fb.T1, 5, rng, radius_m=8.0)
    s = fb.new_vessel("bulk", "MT", "merchant", ship, rng, note="bunkering decoy (receiving ship)")
    b = fb.new_vessel("tanker", "PA", "merchant", bb.build(fb.T1), rng, note="bunkering decoy (bunker tanker)")
    fb.decoys.append(
        ScenarioEvent(
            "port_side_by_side",
            s.mmsi,
            b.mmsi,
            float(kt[0]),
            float(kt[-1]),
            A[0],
            A[1],
            fb.zone(*A),
            {"port": "Panama Canal Pacific anchorage", "separation_m": 60, "activity": "bunkering at anchor"},
        )
    )


def decoy_pair_fishing(fb: FleetBuilder) -> None:
    """Two pair trawlers 200-400 m apart fishing at 3.5-4.5 kn all day off northern Peru: an ``active_fishing``
    decoy."""
    rng = fb.vrng(32)
    c = (-4.15, -81.75)
    tb = TrackBuilder(fb.T0 - 1, *c, 7)
    tb.wander(fb.T1, c, 8000.0, (3.5, 4.5), (2000.0, 5000.0), 7, rng)
    lead = tb.build(fb.T1)
    brg, sep = float(rng.uniform(0, 360)), float(rng.uniform(200, 400))
    dlat, dlon = np.subtract(offset(*c, brg, sep), c)
    follow = Track(lead.t.copy(), lead.lat + dlat, lead.lon + dlon, lead.status.copy())
    a = fb.new_vessel("coastal_seiner", "PE", "fishing", lead, rng, name_style="latin", note="pair-trawl decoy")
    b = fb.new_vessel("coastal_seiner", "PE", "fishing", follow, rng, name_style="latin", note="pair-trawl decoy")
    fb.decoys.append(
        ScenarioEvent(
            "active_fishing",
            a.mmsi,
            b.mmsi,
            0.0,
            fb.D,
            c[0],
            c[1],
            fb.zone(*c),
            {"separation_m": round(sep), "speed_kn": [3.5, 4.5]},
        )
    )


def decoy_shared_mmsi(fb: FleetBuilder) -> None:
    """Two artisanal boats far apart transmitting the same MMSI: a ``shared_mmsi`` decoy."""
    a = add_artisanal(fb, 0, note="shared-MMSI decoy")
    b = add_artisanal(fb, 5, mmsi=a.mmsi, name=(a.name[:18].rstrip() + " B"), note="shared-MMSI decoy")
    la, lo, *_ = a.track.sample(np.array([fb.D / 2]))
    lb, ob, *_ = b.track.sample(np.array([fb.D / 2]))
    fb.decoys.append(
        ScenarioEvent(
            "shared_mmsi",
            a.mmsi,
            None,
            0.0,
            fb.D,
            float(la[0]),
            float(lo[0]),
            fb.zone(float(la[0]), float(lo[0])),
            {"lat2": round(float(lb[0]), 5), "lon2": round(float(ob[0]), 5), "uids": [a.uid, b.uid]},
        )
    )


def decoy_outage(fb: FleetBuilder) -> None:
    """The rEC-Manta receiver down for 3-6 h, nothing heard within its 74 km range: a ``receiver_outage`` decoy."""
    rng = fb.vrng(33)
    win = window(fb, rng, (3.0, 6.0))
    if win is None:
        return
    t0, t1 = win
    si = next(i for i, s in enumerate(fb.stations) if s.name == "rEC-Manta")
    st = fb.stations[si]
    fb.outages.append(Outage(si, t0, t1, st.lat, st.lon, RANGE_A_M))
    fb.decoys.append(
        ScenarioEvent(
            "receiver_outage",
            None,
            None,
            t0,
            t1,
            st.lat,
            st.lon,
            fb.zone(st.lat, st.lon),
            {"station": st.name, "radius_m": RANGE_A_M},
        )
    )
