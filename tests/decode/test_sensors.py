"""Sensors files and --radar-origin."""

from __future__ import annotations

import pytest

from maritime.decode.sensors import DEFAULT_RANGE_KM, SensorsError, parse_origin, parse_sensors


def test_sensors_file_with_defaults() -> None:
    text = """
[[sensor]]
id = "RADAR-TUMACO"
lat = 1.82
lon = -78.76
range_km = 40.0
min_length_m = 20

[[sensor]]
id = "ship-radar"

[[sensor]]
id = "s1"
kind = "sar"
p_detect = 0.8
"""
    s = parse_sensors(text, "s.toml")
    assert s["RADAR-TUMACO"].position == (1.82, -78.76)
    assert s["RADAR-TUMACO"].range_km == 40.0 and s["RADAR-TUMACO"].min_length_m == 20.0
    assert s["ship-radar"].position is None and s["ship-radar"].range_km == DEFAULT_RANGE_KM
    assert s["s1"].kind == "sar" and s["s1"].p_detect == 0.8


@pytest.mark.parametrize(
    "text, words",
    [
        ("x = 1", "no [[sensor]]"),
        ("[[sensor]]\nkind = 'radar'", "id must be"),
        ("[[sensor]]\nid = 'a'\nkind = 'sonar'", "kind must be"),
        ("[[sensor]]\nid = 'a'\nlat = 1.0", "both lat"),
        ("[[sensor]]\nid = 'a'\np_detect = 2", "between 0 and 1"),
        ("[[sensor]]\nid = 'a'\nrange_km = 'far'", "must be a number"),
        ("[[sensor", "not valid TOML"),
    ],
)
def test_bad_sensors_files_say_what_is_wrong(text: str, words: str) -> None:
    with pytest.raises(SensorsError, match="s.toml") as exc:
        parse_sensors(text, "s.toml")
    assert words in str(exc.value)


def test_origin() -> None:
    assert parse_origin("1.82,-78.76") == (1.82, -78.76)
    for bad in ("1.82", "a,b", "91,0", "0,181", "nan,0"):
        with pytest.raises(SensorsError, match="--radar-origin"):
            parse_origin(bad)
