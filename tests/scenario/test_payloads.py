"""The numpy six-bit packer (maritime.scenario.payloads) against pyais' decoder."""

from __future__ import annotations

import numpy as np
from pyais import decode

from maritime.scenario.payloads import pack_sixbit, text_codes
from tests.scenario.nmea_reading import xor


def test_sixbit_packer_matches_pyais() -> None:
    rng = np.random.default_rng(0)
    n = 200
    mmsi = rng.integers(200_000_000, 800_000_000, n)
    lat = rng.uniform(-89, 89, n)
    lon = rng.uniform(-179, 179, n)
    lat_i, lon_i = np.round(lat * 600000).astype(np.int64), np.round(lon * 600000).astype(np.int64)
    sog = rng.integers(0, 1023, n)
    cog = rng.integers(0, 3600, n)
    hdg = rng.integers(0, 360, n)
    sec = rng.integers(0, 60, n)
    rot = rng.integers(-127, 128, n)
    chars, fill = pack_sixbit(
        [
            (1, 6),
            (0, 2),
            (mmsi, 30),
            (5, 4),
            (rot, 8),
            (sog, 10),
            (1, 1),
            (lon_i, 28),
            (lat_i, 27),
            (cog, 12),
            (hdg, 9),
            (sec, 6),
            (0, 2),
            (0, 3),
            (0, 1),
            (12345, 19),
        ],
        n,
    )
    assert fill == 0 and chars.shape == (n, 28)
    for r in range(n):
        p = bytes(chars[r]).decode()
        body = f"AIVDM,1,1,,A,{p},0"
        d = decode(f"!{body}*{xor(body):02X}").asdict()
        assert d["mmsi"] == mmsi[r] and d["status"] == 5 and d["heading"] == hdg[r] and d["second"] == sec[r]
        assert abs(d["lat"] - lat_i[r] / 600000) < 1e-6 and abs(d["lon"] - lon_i[r] / 600000) < 1e-6
        assert abs(d["speed"] - sog[r] / 10) < 1e-6 and abs(d["course"] - cog[r] / 10) < 1e-6
        assert d["radio"] == 12345
    name = np.array([text_codes("SAN PEDRO II", 20)])
    chars, fill = pack_sixbit([(24, 6), (0, 2), (735123456, 30), (0, 2), (name, 6), (0, 8)], 1)
    body = f"AIVDM,1,1,,B,{bytes(chars[0]).decode()},{fill}"
    d = decode(f"!{body}*{xor(body):02X}").asdict()
    assert d["shipname"] == "SAN PEDRO II" and d["mmsi"] == 735123456
