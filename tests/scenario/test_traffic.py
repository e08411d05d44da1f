"""Ordinary traffic (maritime.scenario.traffic): tracks stay at sea."""

from __future__ import annotations

import numpy as np
import pytest

from maritime.reference.ports import load_ports
from maritime.scenario.geography import distance_m


def test_tracks_stay_at_sea(scenario) -> None:
    """Needs the optional ``global-land-mask`` package (a 1 km land mask): a generous check that
    tracks do not run over land away from harbours, whose channels the mask does not resolve
    (nor the ~1 km wide Estero Salado up to Guayaquil, excluded here)."""
    globe = pytest.importorskip("global_land_mask.globe")
    ports = load_ports()
    ts = np.arange(0.0, scenario.duration_s, 240.0)
    for v in scenario.vessels:
        la, lo, *_ = v.track.sample(ts)
        far = distance_m(la[:, None], lo[:, None], ports.lat.values[None, :], ports.lon.values[None, :]).min(1) > 5000
        estero = (la > -2.75) & (la < -2.25) & (lo > -80.15) & (lo < -79.85)
        land = globe.is_land(la, lo) & far & ~estero
        assert land.mean() < 0.03, (v.uid, v.role, la[land][:3], lo[land][:3])
