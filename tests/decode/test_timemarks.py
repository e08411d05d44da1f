"""Time marks against the base-station clock (:mod:`maritime.decode.timemarks`)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pyais
import pytest

from maritime.decode.sixbit import unarmour
from maritime.decode.timemarks import TOLERANCE_US, ClockState, base_station_clock, check_marks

from .conftest import decode_all
from .test_framing import aivdm, checksum
from .test_pipeline import TYPE1, decode

BASE_MMSI = 2_503_100


def type4(when: datetime, mmsi: int = BASE_MMSI) -> bytes:
    """A type 4 base-station report payload (168 bits) whose UTC is ``when``."""
    fields = [(4, 6), (0, 2), (mmsi, 30), (when.year, 14), (when.month, 4), (when.day, 5)]
    fields += [(when.hour, 5), (when.minute, 6), (when.second, 6), (0, 90)]
    bits = "".join(format(value, f"0{width}b") for value, width in fields)
    values = [int(bits[i : i + 6], 2) for i in range(0, len(bits), 6)]
    return bytes(v + 48 if v < 40 else v + 56 for v in values)


def pghp(when: datetime) -> bytes:
    """A Gatehouse time mark for ``when``."""
    body = b"PGHP,1,%d,%d,%d,%d,%d,%d,0,219,,2190047,1,00" % (
        when.year,
        when.month,
        when.day,
        when.hour,
        when.minute,
        when.second,
    )
    return b"$" + body + b"*" + checksum(body)


def at(hh: int, mm: int, ss: int = 0) -> datetime:
    return datetime(2016, 5, 3, hh, mm, ss, tzinfo=UTC)


def test_type4_payload_helper_agrees_with_pyais() -> None:
    msg = pyais.decode(aivdm(type4(at(11, 47, 5))))
    assert (msg.msg_type, msg.mmsi, msg.year, msg.month, msg.day, msg.hour, msg.minute, msg.second) == (
        4,
        BASE_MMSI,
        2016,
        5,
        3,
        11,
        47,
        5,
    )


def test_base_station_clock_reads_valid_type4_times_only() -> None:
    too_short = type4(at(11, 47, 5))[:12]
    payloads = [type4(at(11, 47, 5)), TYPE1, too_short, type4(at(23, 59, 59))]
    invalid = bytearray(type4(at(11, 47)))
    invalid[8:10] = b"00"  # month 0 (not available)
    payloads.append(bytes(invalid))
    values = unarmour(np.frombuffer(b"".join(payloads), dtype=np.uint8))
    lengths = np.array([len(p) for p in payloads])
    end = np.cumsum(lengths)
    idx, utc = base_station_clock(values, end - lengths, end, np.ones(len(payloads), dtype=np.int16))
    assert idx.tolist() == [0, 3]
    assert utc.tolist() == [int(at(11, 47, 5).timestamp()) * 10**6, int(at(23, 59, 59).timestamp()) * 10**6]


def _ts(got) -> list[float]:
    return sorted(r["ts"].timestamp() for r in got.positions.to_pylist())


#: AMSA's case: a mark 1 h 45 min behind, while the base stations around it say 11:47.
AMSA_MARK = [
    pghp(at(11, 47, 0)),
    aivdm(type4(at(11, 47, 1))),
    aivdm(TYPE1),
    pghp(at(10, 2, 0)),
    aivdm(type4(at(11, 47, 2))),
    aivdm(TYPE1, channel="B"),
    pghp(at(11, 47, 3)),
    aivdm(TYPE1),
]


def test_a_mark_the_base_station_clock_contradicts_stamps_nothing() -> None:
    got = decode_all(b"\n".join(AMSA_MARK) + b"\n")
    assert got.counts["time_marks_ignored"] == 1
    assert _ts(got) == [at(11, 47, 0).timestamp()] * 2 + [at(11, 47, 3).timestamp()]


def test_the_rule_gives_the_same_times_wherever_the_stream_is_cut() -> None:
    whole = decode(AMSA_MARK, [])
    for cut in range(1, len(AMSA_MARK)):
        assert decode(AMSA_MARK, [cut]) == whole, f"cut before line {cut + 1}"


def test_a_later_mark_is_applied_after_a_pause_without_readings() -> None:
    got = decode_all(b"\n".join([pghp(at(10, 0)), aivdm(TYPE1), pghp(at(14, 0)), aivdm(TYPE1, channel="B")]))
    assert "time_marks_ignored" not in got.counts
    assert _ts(got) == [at(10, 0).timestamp(), at(14, 0).timestamp()]


def test_two_agreeing_marks_restart_the_clock() -> None:
    """Recordings joined out of order: the first earlier mark is doubted, the next is not."""
    lines = [pghp(at(11, 47)), aivdm(TYPE1), pghp(at(9, 0)), aivdm(TYPE1, channel="B"), pghp(at(9, 1)), aivdm(TYPE1)]
    got = decode_all(b"\n".join(lines))
    assert got.counts["time_marks_ignored"] == 1
    assert _ts(got) == [at(9, 1).timestamp()] + [at(11, 47).timestamp()] * 2


@pytest.mark.parametrize("offset_us", [-TOLERANCE_US, TOLERANCE_US, -TOLERANCE_US - 1, TOLERANCE_US + 1])
def test_tolerance_bounds_against_a_reading(offset_us: int) -> None:
    state = ClockState(applied_us=0, reading_us=-1)
    reading = 5_000_000_000
    applied = check_marks(state, [3], [reading + offset_us], np.array([1]), np.array([reading]))
    assert applied == [abs(offset_us) <= TOLERANCE_US]
