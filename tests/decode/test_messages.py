"""Payload decoding (:mod:`maritime.decode.messages`): sizes accepted and rejected.

Payload hashes and MMSIs from the compiled kernels equal those of :class:`Bits` over a
payload matrix of the layout's width, so a transmission stored by an earlier version is
still recognised as a duplicate.

Sizes follow gpsd: a payload longer than its type's standard size is decoded from its first
bits, the rest ignored, whatever the type; only a payload too short to hold the stored
fields (more than the five fill bits short of the standard size) is ``bad_length``.
"""

from __future__ import annotations

import numpy as np
import pytest

from maritime.decode.messages import (
    POSITION_WIDTH,
    STANDARD_BITS,
    TYPE5_WIDTH,
    TYPE19_WIDTH,
    TYPE24_WIDTH,
    decode_payloads,
)
from maritime.decode.sixbit import Bits, payload_matrix, unarmour, words_hash

from .conftest import decode_all

#: AISHub, type 1 of 186 bits: pyais reads MMSI 353923000 at -36.323067, 174.96555.
LONG_TYPE1 = b"!AIVDM,1,1,,A,15AQgf002h<PsL5c=kl>1P2`0L03eV?vvgt=,0*06"


def _decode(payload: bytes, fill: int = 0):
    values = unarmour(np.frombuffer(payload, dtype=np.uint8))
    return decode_payloads(values, np.array([0]), np.array([len(values)]), np.array([fill]))


def test_the_aishub_over_long_type1_is_stored() -> None:
    got = decode_all(LONG_TYPE1)
    assert got.rejects == []
    rows = got.positions.to_pylist()
    assert [(r["mmsi"], round(r["lat"], 6), round(r["lon"], 6)) for r in rows] == [(353923000, -36.323067, 174.96555)]


@pytest.mark.parametrize("msg_type", sorted(STANDARD_BITS))
@pytest.mark.parametrize("extra_chars", [7, 20, 60])
def test_longer_payloads_are_decoded_from_their_first_bits(msg_type: int, extra_chars: int) -> None:
    """Every stored type, well past the old 36-bit cap (a type 5 of 462 bits included)."""
    rng = np.random.default_rng(msg_type * 100 + extra_chars)
    nchars = -(-STANDARD_BITS[msg_type] // 6)
    body = rng.integers(0, 64, size=nchars + extra_chars).astype(np.uint8)
    body[0] = msg_type
    standard = body[:nchars]
    lengths = np.array([nchars, len(body)])
    values = np.concatenate((standard, body))
    got = decode_payloads(values, np.array([0, nchars]), np.cumsum(lengths), np.zeros(2, np.int16))
    assert not any(reason == "bad_length" for _, reason in got.rejects)
    assert got.mmsi[0] == got.mmsi[1]
    for cols in (got.positions, got.identities):
        rows = cols.msg.tolist()
        assert rows.count(0) == rows.count(1)


def test_type5_of_462_bits() -> None:
    payload = b"5" + b"0" * 76  # 77 characters = 462 bits
    assert not _decode(payload).rejects


@pytest.mark.parametrize("msg_type", sorted(STANDARD_BITS))
def test_too_short_is_bad_length(msg_type: int) -> None:
    """Six bits short of the standard size: more than the fill bits can explain."""
    bits = STANDARD_BITS[msg_type] - 6
    nchars = -(-bits // 6)
    body = "".join(chr(48 + v) for v in [msg_type] + [0] * (nchars - 1)).encode()
    assert [r for _, r in _decode(body, nchars * 6 - bits).rejects] == ["bad_length"]
    bits += 1  # five bits short: the fill bits of the last character
    nchars = -(-bits // 6)
    assert _decode(body[:nchars] + b"0" * (nchars - len(body)), nchars * 6 - bits).rejects == []


# -- the compiled kernels against Bits --------------------------------------------------------

WIDTH = {
    1: POSITION_WIDTH,
    2: POSITION_WIDTH,
    3: POSITION_WIDTH,
    18: POSITION_WIDTH,
    27: POSITION_WIDTH,
    19: TYPE19_WIDTH,
    5: TYPE5_WIDTH,
    24: TYPE24_WIDTH,
}
#: Payload sizes in characters that pass the size check, by type.
SIZES = {1: (28, 34), 2: (28, 33), 3: (28, 29), 18: (28, 30), 27: (16, 28), 19: (52, 58), 5: (71, 77), 24: (27, 34)}


def _payloads(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Random six-bit payloads of the stored types, with valid sizes (fill 0)."""
    types = rng.choice(list(SIZES), size=n)
    parts, starts, ends = [], [], []
    pos = 0
    for t in types.tolist():
        lo, hi = SIZES[t]
        length = int(rng.integers(lo, hi + 1))
        if t == 24:
            length = 27 if length < 28 else 28  # part A: 160 bits, part B: 168 bits
        body = rng.integers(0, 64, size=length).astype(np.uint8)
        body[0] = t
        if t == 24:  # part number (bits 38-39) consistent with the size: A 27 chars, B 28
            body[6] = (body[6] & 0b110011) | ((0 if length == 27 else 1) << 2)
        parts.append(body)
        starts.append(pos)
        pos += length
        ends.append(pos)
    return np.concatenate(parts), np.array(starts), np.array(ends), types


def test_payload_hashes_match_words_hash() -> None:
    rng = np.random.default_rng(7)
    values, starts, ends, types = _payloads(rng, 3000)
    decoded = decode_payloads(values, starts, ends, np.zeros(len(starts), np.int16))
    rejected = set()
    for idx, _ in decoded.rejects:
        rejected.update(idx.tolist())
    for t, width in WIDTH.items():
        idx = np.array([i for i in np.flatnonzero(types == t) if i not in rejected])
        assert len(idx), t
        expected = words_hash(Bits(payload_matrix(values, starts[idx], ends[idx], width)), (ends - starts)[idx])
        assert np.array_equal(decoded.msg_hash[idx], expected), f"type {t}"


def test_header_mmsi_matches_bits() -> None:
    rng = np.random.default_rng(8)
    values, starts, ends, _ = _payloads(rng, 500)
    ends = ends.copy()
    ends[::7] = starts[::7] + 5  # too short to hold an MMSI
    decoded = decode_payloads(values, starts, ends, np.zeros(len(starts), np.int16))
    head = Bits(payload_matrix(values, starts, np.minimum(ends, starts + 7), 7)).uint(8, 30)
    assert np.array_equal(decoded.mmsi, np.where(ends - starts >= 7, head, -1))
