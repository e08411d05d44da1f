"""The "not available" rules in physical units: :mod:`maritime.decode.unavailable`."""

from __future__ import annotations

import numpy as np
import pytest

from maritime.decode.unavailable import (
    COG_NOT_AVAILABLE_RAW,
    LAT_NOT_AVAILABLE_RAW,
    SOG_NOT_AVAILABLE_KN,
    SOG_NOT_AVAILABLE_RAW,
    available,
    no_position,
    null_unavailable,
)


@pytest.mark.parametrize(
    ("field", "good", "bad"),
    [
        ("sog", [0.0, 0.1, 102.2], [102.3, -0.1, np.nan, 1023.0]),
        ("cog", [0.0, 359.9], [360.0, -1.0, 3600.0, np.nan]),
        ("heading", [0.0, 359.0], [511.0, 360.0, 12.5, -1.0]),
        ("nav_status", [0.0, 15.0], [16.0, -1.0, 1.5]),
        ("ship_type", [1.0, 255.0], [0.0, 256.0]),
        ("imo", [1.0, 9074729.0], [0.0, 1e9]),
        ("length", [1.0, 400.0], [0.0, 32768.0]),
        ("width", [1.0, 60.0], [0.0]),
        ("draught", [0.1, 25.5], [0.0, -1.0]),
    ],
)
def test_available_ranges(field: str, good: list[float], bad: list[float]) -> None:
    assert available(field, np.array(good)).all()
    assert not available(field, np.array(bad)).any()
    nulled = null_unavailable(field, np.array(good + bad))
    assert np.array_equal(nulled[: len(good)], good)
    assert np.isnan(nulled[len(good) :]).all()


def test_physical_and_raw_sentinels_agree() -> None:
    assert SOG_NOT_AVAILABLE_RAW / 10 == SOG_NOT_AVAILABLE_KN
    assert COG_NOT_AVAILABLE_RAW == 3600
    assert LAT_NOT_AVAILABLE_RAW / 600_000 == 91


def test_no_position() -> None:
    lat = np.array([91.0, 10.0, 10.0, 91.0])
    lon = np.array([5.0, 181.0, 5.0, 181.0])
    assert no_position(lat, lon).tolist() == [True, True, False, True]
