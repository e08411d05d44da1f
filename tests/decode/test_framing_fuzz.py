"""Fuzzed lines through both framing paths and the whole decoder (seeded, a few seconds).

Random lines and mutations of real line shapes (bytes replaced, inserted, deleted; digit
runs of every width; fields repeated or cut), most with their checksums recomputed so the
mutations reach the checks after them. For every batch:

* nothing raises;
* the fast framer and the reference parser agree on every line (:func:`assert_paths_agree`);
* every line is counted once (:func:`assert_accounted`);
* every stored value is in its range;
* cutting the stream into chunks, the state saved as JSON between them, changes nothing.
"""

from __future__ import annotations

import json
import random

import pyarrow as pa
import pytest

from maritime.decode.nmea import MAX_PLAUSIBLE_S, MIN_PLAUSIBLE_S
from maritime.decode.pipeline import ChunkDecoder, DecodeOptions, DecoderState

from .conftest import START_US, decode_all
from .test_framing import _fix_checksums, aivdm, assert_paths_agree, checksum, sentence, tag
from .test_malformed_corpus import assert_accounted

#: Real payloads: type 1 (gpsd), the two parts of a type 5 (AMSA), type 18 and 24 A/B
#: (gpsd ais-18-27.log), type 27 (gpsd), type 4 (gpsd sample.aivdm).
PAYLOADS = [
    b"15RTgt0PAso;90TKcjM8h6g208CQ",
    b"58KvN<42ACikUKW77F1H4hF0<PTp622222222216`0`cF5BF0RT13H0T",
    b"PFRC88888888880",
    b"B52K>;h00Fc>jpUlNV@ikwpUoP06",
    b"H52KMeDU653hhhi0000000000000",
    b"H52KMeTT>0<4000000000000000",
    b"K815>P8=5EikdUet",
    b"403OviQuMGCqWrRO9>E6fE700@GO",
]


#: Digit runs at the edges: time bounds (1990, 2100) in seconds and milliseconds, and values
#: whose product by 1000 or 1,000,000 overflows 64 bits into a plausible time.
EDGE_DIGITS = [
    b"631152000",
    b"0631151999",
    b"4102444800",
    b"4102444800001",
    b"18448480972916552",
    b"18446744073709",
    b"18446744073710551616",
    b"999999999999999999",
]


def _digits(rng: random.Random) -> bytes:
    if rng.random() < 0.3:
        return rng.choice(EDGE_DIGITS)
    return b"".join(rng.choice(b"0123456789").to_bytes(1, "big") for _ in range(rng.randint(1, 20)))


def _pghp(rng: random.Random) -> bytes:
    body = b"PGHP,1,%d,%d,%d,%d,%d,%d,%d,219,,2190047,1,00" % (
        rng.choice([1989, 2012, 2024, 2101]),
        rng.randint(0, 13),
        rng.randint(0, 32),
        rng.randint(0, 24),
        rng.randint(0, 60),
        rng.randint(0, 61),
        rng.randint(0, 1000),
    )
    return b"$" + body + b"*" + checksum(body)


def _base(rng: random.Random) -> bytes:
    """One line of a shape real recordings hold."""
    payload = rng.choice(PAYLOADS)
    fill = 2 if payload == b"PFRC88888888880" else rng.choice([0, 0, 2, 4])
    nfrag, frag = rng.choice([(1, 1), (1, 1), (2, 1), (2, 2), (3, 2)])
    body = aivdm(
        payload,
        fill=fill,
        nfrag=nfrag,
        frag=frag,
        seq=rng.choice(["", "3", "9"]),
        channel=rng.choice(["A", "B", "1", ""]),
        talker=rng.choice([b"AIVDM", b"BSVDO", b"ABVDM", b"=IVDM"]),
    )
    shape = rng.randrange(9)
    digits = _digits(rng)
    if shape == 0:
        return tag(b"s:rEV02,c:%d" % rng.choice([1334337317, 1599239526500])) + body
    if shape == 1:
        return tag(b"g:%d-%d-%d,s:r1,c:1334337317" % (frag, nfrag, rng.randint(0, 99999))) + body
    if shape == 2:
        return body + b",s36310,d-081,T59.01777335,r08TPHI1," + digits
    if shape == 3:
        return tag(b"c:" + digits) + body
    if shape == 4:
        return _pghp(rng)
    if shape == 5:
        return tag(rng.choice([b"si:AISD", b"s:rS1,c:1700000000", b"si:IALA,sb:2190048,sc:SWE", b"i:x"]))
    if shape == 6:
        return sentence(b"GPRMC,114710.00,A,5540.1,N,01232.2,E,0.0,0.0,030516,,,A")
    return body


def _mutate(rng: random.Random, line: bytes) -> bytes:
    out = bytearray(line)
    alphabet = b"0123456789ABCDEFabcdefgirs:c,*\\!$-@wW`_ =\r\t\x00\xff"
    for _ in range(rng.randint(0, 4)):
        if not out:
            break
        op, at = rng.random(), rng.randrange(len(out))
        if op < 0.35:
            out[at] = rng.choice(alphabet)
        elif op < 0.55:
            del out[at]
        elif op < 0.75:
            out.insert(at, rng.choice(alphabet))
        elif op < 0.85:  # a run of digits of any width
            out[at:at] = _digits(rng)
        elif op < 0.93:  # a field repeated
            end = out.find(b",", at)
            if end > at:
                out[end:end] = out[at:end]
        else:
            del out[at:]
    text = bytes(out).replace(b"\n", b"").replace(b"\r", b"")
    return _fix_checksums(text) if rng.random() < 0.75 else text


def _random_line(rng: random.Random) -> bytes:
    alphabet = b"!$\\*,:0123456789AIVDMOcsgir-=@`w \t"
    return bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 90)))


def fuzz_lines(seed: int, count: int) -> list[bytes]:
    rng = random.Random(seed)
    lines = []
    for _ in range(count):
        r = rng.random()
        if r < 0.1:
            lines.append(_random_line(rng))
        elif r < 0.4:
            lines.append(_base(rng))
        else:
            lines.append(_mutate(rng, _base(rng)))
    return lines


def assert_in_range(positions: pa.Table, identities: pa.Table) -> None:
    lo, hi = MIN_PLAUSIBLE_S * 1_000_000, MAX_PLAUSIBLE_S * 1_000_000
    for table in (positions, identities):
        for row in table.to_pylist():
            assert 0 <= row["mmsi"] < 1 << 30, row
            assert lo <= row["ts"].timestamp() * 1_000_000 <= hi, row
            assert row["n_stations"] >= 1, row
    for row in positions.to_pylist():
        assert -90 <= row["lat"] <= 90 and -180 <= row["lon"] <= 180, row
        assert row["sog"] is None or 0 <= row["sog"] <= 102.2, row
        assert row["cog"] is None or 0 <= row["cog"] < 360, row
        assert row["heading"] is None or 0 <= row["heading"] < 360, row
        assert row["second"] is None or 0 <= row["second"] < 60, row
        assert row["nav_status"] is None or 0 <= row["nav_status"] <= 15, row
        assert row["rot"] is None or -720 <= row["rot"] <= 720, row
    for row in identities.to_pylist():
        for key in ("to_bow", "to_stern", "to_port", "to_starboard", "draught", "ship_type", "imo"):
            assert row[key] is None or row[key] >= 0, (key, row)


def _chunked(lines: list[bytes], cuts: list[int]) -> dict[str, list[str]]:
    """Positions, identities and rejects decoded in chunks, as sorted reprs."""
    state = None
    out: dict[str, list[str]] = {"positions": [], "identities": [], "rejects": []}
    bounds = [0, *cuts, len(lines)]
    decoder = None
    for a, b in zip(bounds, bounds[1:], strict=False):
        decoder = ChunkDecoder(DecodeOptions(dedup_window_us=-1, start_time_us=START_US), state=state)
        res = decoder.decode(b"".join(x + b"\n" for x in lines[a:b]), first_line_no=a + 1)
        state = DecoderState.from_json(json.loads(json.dumps(decoder.state.to_json())))
        for key, table in (("positions", res.positions), ("identities", res.identities), ("rejects", res.rejects)):
            out[key] += [repr(sorted(r.items())) for r in table.to_pylist()]
    assert decoder is not None
    final = ChunkDecoder(DecodeOptions(dedup_window_us=-1, start_time_us=START_US), state=state).finish()
    out["rejects"] += [repr(sorted(r.items())) for r in final.rejects.to_pylist()]
    return {k: sorted(v) for k, v in out.items()}


@pytest.mark.parametrize("seed", range(6))
def test_fuzzed_lines(seed: int) -> None:
    lines = fuzz_lines(seed, 800)
    data = b"\n".join(lines) + b"\n"
    for accept_dummy in (False, True):
        assert_paths_agree(data, accept_dummy)
    got = decode_all(data)
    assert_accounted(data, got)
    assert_in_range(got.positions, got.identities)
    assert got.positions.num_rows + got.identities.num_rows > 0  # the fuzz reaches the decoder
    rng = random.Random(seed)
    whole = _chunked(lines, [])
    cuts = sorted(rng.sample(range(1, len(lines)), 5))
    assert _chunked(lines, cuts) == whole, f"cuts {cuts}"
