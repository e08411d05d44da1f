"""Routing the lines of a mixed NMEA stream to the AIS and radar decoders."""

from __future__ import annotations

from pathlib import Path

from maritime.decode.routing import AIS, OWN_SHIP, RADAR, route, split_lines, tag_of

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "radar" / "published_examples.nmea"


def test_every_published_radar_sentence_routes_to_radar() -> None:
    lines = [ln for ln in FIXTURE.read_bytes().splitlines() if ln]
    assert len(lines) == 9
    assert all(route(ln) == RADAR for ln in lines)


def test_routing_is_by_sentence_not_talker() -> None:
    assert route(b"$IITTM,01,1.0,10.0,T,1.0,1.0,T,,,N,,T,,,A*00") == RADAR
    assert route(b"\\s:RADAR-1,c:1736899200*1D\\$RATLL,01,0130.000,N,07848.000,W,,,T,*00") == RADAR
    assert route(b"!AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0*26") == AIS
    assert route(b"!BSVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0*26") == AIS
    assert route(b"$GPRMC,225446,A,4916.45,N,12311.12,W,000.5,054.7,191194,020.3,E*68") == OWN_SHIP
    assert route(b"$HEHDT,120.5,T*00") == OWN_SHIP
    assert route(b"$GPGSV,3,1,11,03,03,111,00*74") == AIS  # other NMEA: the AIS decoder skips and counts it
    assert route(b"garbage") == AIS
    assert route(b"") == AIS


def test_tag_block_station_and_time() -> None:
    tag = tag_of(b"\\s:RADAR-1,c:1736899200*1D\\$RATTM,...")
    assert tag.station == "RADAR-1" and tag.time_us == 1_736_899_200_000_000
    assert tag_of(b"\\c:1736899200123*00\\!AIVDM").time_us == 1_736_899_200_123_000
    assert tag_of(b"$RATTM,1").station is None


def test_split_lines_counts_like_the_decoder() -> None:
    assert split_lines(b"a\r\nb\rc\n") == [b"a", b"b", b"c"]
    assert split_lines(b"a\n\nb") == [b"a", b"", b"b"]
