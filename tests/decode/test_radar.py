"""Radar sentences → contacts: real published sentences and lines built here."""

from __future__ import annotations

import calendar
from functools import reduce
from operator import xor
from pathlib import Path

import pytest

from maritime.decode.radar import CONTACT_SCHEMA, Contact, Reject, contacts_table, decode_radar
from maritime.geodesy import NM_KM, bearing_deg, haversine_km

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "radar" / "published_examples.nmea"
DAY = calendar.timegm((2024, 5, 1, 0, 0, 0)) * 1_000_000
STATION = (10.0, -85.0)


def nmea(body: str) -> str:
    """``$body*hh`` with its checksum."""
    return f"${body}*{reduce(xor, body.encode(), 0):02X}"


def test_published_sentences_decode() -> None:
    lines = FIXTURE.read_text().splitlines()
    contacts, rejects = decode_radar(lines, "r1", station=STATION, date_us=DAY)
    # go-nmea's TTM and first TLL carry no UTC field, and no arrival time is given here
    assert [(r.line_no, r.reason) for r in rejects] == [(6, "no_time"), (7, "no_time")]
    by_line = {c.line_no: c for c in contacts}
    # TTM 11: 25.3 nm at 13.7 T from the station, 7 kn on 20 T, acquiring, 17:55:50.24
    ttm = by_line[1]
    assert ttm.track_id == "r1:11" and ttm.name == "NAME" and ttm.status == "Q"
    assert float(haversine_km(STATION[0], STATION[1], ttm.lat, ttm.lon)) == pytest.approx(25.3 * NM_KM, rel=1e-6)
    assert float(bearing_deg(STATION[0], STATION[1], ttm.lat, ttm.lon)) == pytest.approx(13.7, abs=1e-3)
    assert ttm.speed_kn == pytest.approx(7.0) and ttm.course_deg == pytest.approx(20.0)
    assert ttm.ts_us == DAY + (17 * 3600 + 55 * 60 + 50.24) * 1e6
    # TLL 01 at 37 31.51052 N 24 36.0 E
    tll = by_line[2]
    assert tll.lat == pytest.approx(37 + 31.51052 / 60) and tll.lon == pytest.approx(24.6)
    assert tll.track_id == "r1:1" and tll.name == "TEST1"
    # the lost TLL (status L, line 8) is not a new contact; OSD, TLB, RSD update state
    assert sorted(by_line) == [1, 2, 9]
    assert by_line[9].lat == pytest.approx(56 + 3.370 / 60) and by_line[9].name == "ALPHA"


def test_missing_time_is_a_reject_unless_the_arrival_time_is_known() -> None:
    line = "$RATTM,02,1.43,170.5,T,0.16,264.4,T,1.42,36.9,N,,T,,,M*2A"
    _, rejects = decode_radar([line], "r1", station=STATION)
    assert [r.reason for r in rejects] == ["no_time"]
    tag = "c:1714521600"
    tagged = f"\\{tag}*{reduce(xor, tag.encode(), 0):02X}\\{line}"
    contacts, rejects = decode_radar([tagged], "r1", station=STATION)
    assert rejects == [] and contacts[0].ts_us == 1714521600 * 1_000_000


def test_bad_lines_are_returned_with_reasons() -> None:
    good = nmea("RATTM,05,2.0,90.0,T,10.0,180.0,T,,,N,,T,,120000,A")
    lines = [
        good[:-2] + ("00" if good[-2:] != "00" else "01"),  # checksum
        nmea("RATTM,05,abc,90.0,T,10.0,180.0,T,,,N,,T,,120000,A"),  # bad_field
        nmea("RATTM,05,2.0"),  # malformed
        nmea("RATTM,05,2.0,90.0,R,10.0,180.0,T,,,N,,T,,120000,A"),  # relative, no heading
        "!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23",  # AIS: skipped, not rejected
        "garbage",
    ]
    contacts, rejects = decode_radar(lines, "r1", station=STATION, date_us=DAY)
    assert contacts == []
    assert [(r.line_no, r.reason) for r in rejects] == [
        (1, "checksum"),
        (2, "bad_field"),
        (3, "malformed_sentence"),
        (4, "no_heading"),
    ]
    _, rejects = decode_radar([good], "r1", date_us=DAY)
    assert [r.reason for r in rejects] == ["no_position"]


def test_units_relative_bearing_own_position_and_labels() -> None:
    lines = [
        nmea("GPRMC,115959,A,1000.000,N,08500.000,W,5.0,0.0,010524,,,A"),  # own ship, date
        nmea("RAOSD,45.0,A,0.0,P,5.0,P,,,N"),  # heading 45, own course 0 at 5 kn
        nmea("RATLB,7,GOFAST"),
        nmea("RATTM,07,3.0,45.0,R,20.0,90.0,T,,,K,,T,,120000,A"),  # km, relative bearing
        nmea("RATTM,08,3.0,0.0,T,10.0,90.0,R,,,N,,T,,120001,A"),  # relative course
    ]
    contacts, rejects = decode_radar(lines, "ship")
    assert rejects == []
    a, b = contacts
    assert a.name == "GOFAST" and a.ts_us == DAY + 12 * 3600 * 10**6
    assert float(haversine_km(10.0, -85.0, a.lat, a.lon)) == pytest.approx(3.0, rel=1e-6)
    assert float(bearing_deg(10.0, -85.0, a.lat, a.lon)) == pytest.approx(90.0, abs=1e-3)
    assert a.speed_kn == pytest.approx(20.0 / NM_KM)
    # true motion = relative (10 kn east) + own (5 kn north)
    assert b.speed_kn == pytest.approx((10**2 + 5**2) ** 0.5)
    assert b.course_deg == pytest.approx(63.435, abs=1e-2)


def test_uncertainty_follows_msc192_tracking_accuracy() -> None:
    near = nmea("RATTM,01,0.5,0.0,T,,,T,,,N,,T,,120000,A")
    far = nmea("RATTM,02,10.0,0.0,T,,,T,,,N,,T,,120000,A")
    rsd = nmea("RARSD,,,,,,,,,,,96,N,N")  # a valid RSD is state, not a contact
    (c_near, c_far), rejects = decode_radar([rsd, near, far], "r1", station=STATION, date_us=DAY, own_sigma_m=0.0)
    assert rejects == []
    # near: the 50 m floor / 2 along the range; cross-range 1 deg x 926 m = 16 m
    assert c_near.sigma_major_m == pytest.approx(25.0) and c_near.orientation_deg == pytest.approx(0.0)
    assert c_near.sigma_minor_m == pytest.approx(926 * 0.01745329, rel=1e-4)
    # far: cross-range 1 deg x 18.52 km = 323 m dominates, across the bearing; range 1% / 2
    assert c_far.sigma_major_m == pytest.approx(18520 * 0.01745329, rel=1e-4)
    assert c_far.sigma_minor_m == pytest.approx(0.01 * 18520 / 2)
    assert c_far.orientation_deg == pytest.approx(90.0)
    # the own position's error adds in quadrature
    (c,), _ = decode_radar([near], "r1", station=STATION, date_us=DAY, own_sigma_m=10.0)
    assert c.sigma_major_m == pytest.approx((25.0**2 + 10.0**2) ** 0.5)


def test_contacts_table_has_the_schema() -> None:
    c = Contact(DAY, 1.0, 2.0, "radar", "r1", 10.0, 5.0, 0.0, track_id="r1:1")
    table = contacts_table([c])
    assert table.schema == CONTACT_SCHEMA and table.num_rows == 1
    assert table.column("ts")[0].value == DAY
    assert isinstance(Reject(1, "x", "checksum"), Reject)
