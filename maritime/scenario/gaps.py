"""Reception gaps that are not dark periods (issue 10), labelled as decoys in the ground truth.

Part of the scenario generator (a developer tool). Both cases leave the vessels' transmitters on:
nothing receives their area for a while (an :class:`~maritime.scenario.model.Outage` with no
station down, ``station = -1``), so a detector sees them fall silent and reappear. Neither should
give a confident dark period, because no other vessel is heard near them while they are silent.

- :func:`inject_area_outage` (``ScenarioConfig.area_outage``): five vessels fishing within ~30 km
  of each other ~500 km offshore all fall silent at once for 6-10 h and reappear together; the
  satellites keep hearing ships elsewhere. This is the receiver-outage case of issue 10.
- :func:`inject_lone_silences` (``ScenarioConfig.lone_silences``): two lone vessels far offshore,
  hundreds of km from any other vessel, each unheard for 3-8 h.

:func:`label_neighbours` adds to each label the distance of the nearest other vessel during the
silence, once the whole fleet is built. Times in seconds from the scenario start, distances in
metres unless the key says km.
"""

from __future__ import annotations

from typing import cast

import numpy as np

from maritime.scenario.events import window
from maritime.scenario.fleet import FleetBuilder
from maritime.scenario.geography import LatLon, distance_m, offset
from maritime.scenario.model import Outage, ScenarioEvent
from maritime.scenario.tracks import TrackBuilder

#: Centre of the area outage: ~550 km off northern Peru, away from lanes and fishing grounds.
AREA_OUTAGE_CENTRE: LatLon = (-7.5, -84.5)
#: Radius of the area nobody hears during the outage (m): "nobody else heard within 55 km".
AREA_OUTAGE_RADIUS_M = 55_000.0
#: Vessels of the fishing group, and how far they work from the centre (m).
AREA_OUTAGE_VESSELS = 5
AREA_GROUP_RADIUS_M = 9_000.0
#: Positions of the lone vessels (Eastern Pacific high seas, far from lanes and fleets).
LONE_POSITIONS: tuple[LatLon, ...] = ((-12.0, -97.0), (7.5, -97.5))
#: Radius nobody hears around a lone vessel during its silence (m); it works within 15 km.
LONE_RADIUS_M = 40_000.0
#: Label fields common to both decoys.
_GAP_LABEL = {"cause": "coverage gap: no receiver hears the area (transmitters stay on)", "dark_expected": False}


def inject_area_outage(fb: FleetBuilder) -> None:
    """Five vessels fishing together, all unheard at once for 6-10 h (an ``area_outage`` decoy)."""
    rng = fb.vrng(40)
    win = window(fb, rng, (6.0, 10.0))
    if win is None:
        return
    t0, t1 = win
    c = AREA_OUTAGE_CENTRE
    mmsis = []
    for _ in range(AREA_OUTAGE_VESSELS):
        vr = fb.vrng(41)
        home = offset(*c, vr.uniform(0, 360), vr.uniform(0, 5000.0))
        tb = TrackBuilder(fb.T0 - 1, *offset(*home, vr.uniform(0, 360), vr.uniform(0, 3000.0)), 7)
        tb.wander(fb.T1, home, AREA_GROUP_RADIUS_M - 5000.0, (2.5, 4.0), (1500.0, 4000.0), 7, vr)
        v = fb.new_vessel(
            "squid", "CN", "fishing", tb.build(fb.T1), vr, name_style="cn", destination="FISHING", note="area outage"
        )
        mmsis.append(v.mmsi)
    fb.outages.append(Outage(-1, t0, t1, c[0], c[1], AREA_OUTAGE_RADIUS_M))
    fb.decoys.append(
        ScenarioEvent(
            "area_outage",
            None,
            None,
            t0,
            t1,
            c[0],
            c[1],
            fb.zone(*c),
            {"mmsis": mmsis, "radius_m": AREA_OUTAGE_RADIUS_M, **_GAP_LABEL},
        )
    )


def inject_lone_silences(fb: FleetBuilder) -> None:
    """Two lone vessels far offshore, each unheard for 3-8 h (``lone_silence`` decoys)."""
    for k, pos in enumerate(LONE_POSITIONS):
        rng = fb.vrng(42)
        win = window(fb, rng, (3.0, 8.0))
        if win is None:
            return
        t0, t1 = win
        tb = TrackBuilder(fb.T0 - 1, *pos, 7)
        tb.wander(fb.T1, pos, 15_000.0, (3.0, 6.0), (3000.0, 8000.0), 7, rng)
        track = tb.build(fb.T1)
        flag = ("TW", "CN")[k % 2]
        v = fb.new_vessel("seiner", flag, "fishing", track, rng, name_style="cn", note="lone silence")
        la, lo, *_ = track.sample(np.array([t0]))
        fb.outages.append(Outage(-1, t0, t1, pos[0], pos[1], LONE_RADIUS_M))
        fb.decoys.append(
            ScenarioEvent(
                "lone_silence",
                v.mmsi,
                None,
                t0,
                t1,
                float(la[0]),
                float(lo[0]),
                fb.zone(float(la[0]), float(lo[0])),
                {"radius_m": LONE_RADIUS_M, **_GAP_LABEL},
            )
        )


def label_neighbours(fb: FleetBuilder, step_s: float = 300.0) -> None:
    """Add ``nearest_other_km`` to the gap decoys: the closest approach (km, sampled every
    ``step_s``) of any vessel outside the silent group to the silent area's centre during the
    silence. Call once every vessel is built."""
    for d in fb.decoys:
        if d.kind not in ("area_outage", "lone_silence"):
            continue
        members = set(cast(list[int], d.extra["mmsis"])) if "mmsis" in d.extra else {d.mmsi}
        ts = np.arange(d.start, d.end, step_s)
        centre = (d.lat, d.lon) if d.kind == "lone_silence" else AREA_OUTAGE_CENTRE
        best = np.inf
        for v in fb.vessels:
            if v.mmsi in members:
                continue
            la, lo, *_ = v.track.sample(ts)
            best = min(best, float(distance_m(la, lo, centre[0], centre[1]).min()))
        d.extra["nearest_other_km"] = round(best / 1000.0, 1)
