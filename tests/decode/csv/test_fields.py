"""Field conversions: times and numbers (:mod:`maritime.decode.csv.fields`)."""

from __future__ import annotations

import io
import math

import pandas as pd

from maritime.decode.csv.mapping import parse_mapping
from tests.decode.csv.helpers import MC_HEADER, read_all


def test_unix_time_formats() -> None:
    header = "Time,MMSI,Latitude,Longitude\n"
    rows_ms = header + "1452603731218,235070762,50.77,-1.09\n99999999999999999,235070762,50.77,-1.09\n"
    rows_s = header + "1452603731.218,235070762,50.77,-1.09\nsoon,235070762,50.77,-1.09\n"
    spec = "mmsi=MMSI,ts=Time:{},lat=Latitude,lon=Longitude"
    ms = read_all(io.StringIO(rows_ms), mapping=parse_mapping(spec.format("unix_ms")))
    s = read_all(io.StringIO(rows_s), mapping=parse_mapping(spec.format("unix_s")))
    expected = pd.Timestamp("2016-01-12 13:02:11.218", tz="UTC").to_pydatetime()
    assert ms.positions.column("ts").to_pylist() == [expected]
    assert s.positions.column("ts").to_pylist() == [expected]
    assert ms.rejects.to_pylist() == [
        {"line_no": 3, "raw": "99999999999999999,235070762,50.77,-1.09", "reason": "bad_time: '99999999999999999'"}
    ]
    assert s.rejects.column("reason").to_pylist() == ["bad_time: 'soon'"]


def test_iso_times_with_zone_are_converted_to_utc() -> None:
    data = "t,id,y,x\n2023-01-01T01:00:00+01:00,1,0,0\n2023-01-01T00:00:00Z,2,0,0\n2023-01-01T00:00:00.5,3,0,0\n"
    got = read_all(io.StringIO(data), mapping=parse_mapping("mmsi=id,ts=t,lat=y,lon=x"))
    assert got.positions.column("ts").to_pylist() == [
        pd.Timestamp("2023-01-01T00:00:00", tz="UTC").to_pydatetime(),
        pd.Timestamp("2023-01-01T00:00:00", tz="UTC").to_pydatetime(),
        pd.Timestamp("2023-01-01T00:00:00.5", tz="UTC").to_pydatetime(),
    ]


def test_mmsi_bounds() -> None:
    rows = ["0", "1", "999999999", "1000000000", "-5", "3.5", "12abc", "366999999.0"]
    data = "\n".join([MC_HEADER] + [f"{m},2023-01-01T00:00:00,10,10,,,,,,,,,,,,," for m in rows]) + "\n"
    got = read_all(io.StringIO(data))
    assert got.positions.column("mmsi").to_pylist() == [1, 999999999, 366999999]
    assert got.rejects.column("reason").to_pylist() == [
        "bad_mmsi: '0'",
        "bad_mmsi: '1000000000'",
        "bad_mmsi: '-5'",
        "bad_mmsi: '3.5'",
        "bad_mmsi: '12abc'",
    ]
    assert not any(math.isnan(x) for x in got.positions.column("lat").to_pylist())
