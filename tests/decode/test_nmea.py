"""The reference line parser (:mod:`maritime.decode.nmea`): talkers, tag-block lines, time marks."""

from __future__ import annotations

from maritime.decode.nmea import TagLine, parse_line

from .conftest import decode_all
from .test_framing import aivdm, tag

#: AMSA, a valid checksum on a talker that is not two letters.
AMSA_ODD_TALKER = b"!=IVDM,1,1,,A,18JSmJ001D8FqSClKd51JAD20D0W,0*2E"


def test_a_non_alphabetic_talker_is_accepted_when_its_checksum_is_valid() -> None:
    res = parse_line(AMSA_ODD_TALKER)
    assert res.reject is None and res.odd_talkers == 1
    assert [(s.talker, s.payload) for s in res.sentences] == [("=I", b"18JSmJ001D8FqSClKd51JAD20D0W")]
    assert parse_line(AMSA_ODD_TALKER[:-1] + b"F").reject == "checksum"
    assert parse_line(aivdm()).odd_talkers == 0


def test_odd_talkers_are_counted_and_decoded() -> None:
    data = AMSA_ODD_TALKER + b"\n" + aivdm(talker=b"=IVDO") + b"\n" + aivdm() + b"\n"
    got = decode_all(data)
    assert got.rejects == []
    assert got.counts["nonalphabetic_talkers_accepted"] == 2
    assert got.positions.num_rows == 3


# -- a tag block alone on its line ----------------------------------------------------------

#: DMA's AisLib source tag, alone on the line before each sentence (valid checksum).
DMA_TAG = b"\\si:AISD*3F\\"


def test_a_standalone_tag_block_is_parsed_not_rejected() -> None:
    res = parse_line(DMA_TAG)
    assert res.reject is None and res.skip == "tagblock_line"
    assert res.tag_line is not None and (res.tag_line.station, res.tag_line.time_us) == ("AISD", None)
    res = parse_line(tag(b"s:rS1,c:1700000000,i:text"))
    assert res.tag_line is not None and (res.tag_line.station, res.tag_line.time_us) == ("rS1", 1_700_000_000_000_000)
    assert parse_line(tag(b"i:IALA")).tag_line == TagLine("IALA", None)
    assert parse_line(DMA_TAG.replace(b"3F", b"3E")).reject == "tagblock_checksum"
    assert parse_line(tag(b"si:AISD,c:123")).reject == "bad_time"
