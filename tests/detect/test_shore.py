"""Distances to shore and port for the detectors (maritime.detect.shore): learned anchorage
points count as ports."""

from __future__ import annotations

import numpy as np
import pytest

from maritime.detect.shore import port_distance, shore_port_distances
from maritime.geodesy import haversine_km


def test_learned_anchorages_count_as_ports() -> None:
    lat = np.array([52.03, 52.10, -5.0])
    lon = np.array([3.62, 3.62, -85.0])
    listed = port_distance(lat, lon)
    assert (listed > 20.0).all()  # open water, far from every bundled port
    pts = np.array([[52.031, 3.625]])
    learned = port_distance(lat, lon, pts)
    assert learned[0] == pytest.approx(haversine_km(52.03, 3.62, 52.031, 3.625), abs=0.01)
    assert learned[1] == pytest.approx(haversine_km(52.10, 3.62, 52.031, 3.625), abs=0.01)
    assert learned[2] == listed[2]  # the nearest is still a listed port
    shore, port = shore_port_distances(lat, lon, pts)
    assert np.array_equal(port, learned) and (shore > 5.0).all()
    assert np.array_equal(port_distance(lat, lon, np.zeros((0, 2))), listed)
