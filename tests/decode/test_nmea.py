"""The reference line parser (:mod:`maritime.decode.nmea`): talkers, tag-block lines, time marks."""

from __future__ import annotations

from maritime.decode.nmea import parse_line

from .conftest import decode_all
from .test_framing import aivdm

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
