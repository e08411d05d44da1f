"""ChunkDecoder: where a stream is cut into chunks never changes what it decodes.

A resumed ingest restarts at a committed chunk boundary with the decoder state saved as
JSON, so every rule that spans lines (fragment time-to-live, the time an unstamped line
inherits) must give the same answer wherever the cuts fall.
"""

from __future__ import annotations

import json
from itertools import pairwise

import numpy as np
import pytest

from maritime.decode.assembly import flush
from maritime.decode.pipeline import ChunkDecoder, DecodeOptions, DecoderState

from .test_framing import aivdm, checksum, tag
from .test_nmea import DMA_TAG

T0 = 1_700_000_000  # unix seconds
# Real two-part type 5 reports (fixtures/ais/amsa_exact_earth_tagblock_excerpt.nmea) and a
# type 1 (gpsd's sample.aivdm).
TYPE5 = (b"58KvN<42ACikUKW77F1H4hF0<PTp622222222216`0`cF5BF0RT13H0T", b"PFRC88888888880")
OTHER_TYPE5 = (b"54`98002>?A1`<AGD00lEBr0PD5@PE:1<4hiT01CKh`IC4w8NKjCPj1Ck`2k", b"lQ@@0000002")
TYPE1 = b"15RTgt0PAso;90TKcjM8h6g208CQ"
PGHP_T0 = b"PGHP,1,2023,11,14,22,13,20,0,219,,2190047,1,00"  # a Gatehouse time mark at T0
OTHER_TYPE1 = b"15RThh0PAso;90TKcjM8h6g208CQ"  # another MMSI


def stamped(seconds: int, body: bytes, group: bytes = b"") -> bytes:
    return tag(group + b"s:r1,c:%d" % seconds) + body


def type5_parts(seconds: int, group_id: int, seq: str = "3", parts: tuple[bytes, bytes] = TYPE5) -> list[bytes]:
    """Part 1 stamped at ``seconds``; part 2 unstamped, as receivers write them."""
    return [
        stamped(seconds, aivdm(parts[0], nfrag=2, frag=1, seq=seq), b"g:1-2-%d," % group_id),
        tag(b"g:2-2-%d" % group_id) + aivdm(parts[1], fill=2 if parts is TYPE5 else 0, nfrag=2, frag=2, seq=seq),
    ]


def decode(lines: list[bytes], cuts: list[int], dedup_window_us: int = -1) -> dict:
    """Decode ``lines`` in chunks ending before each index in ``cuts``, the decoder state
    saved to JSON and restored between chunks as a resumed ingest does.

    Duplicate receptions are merged within a chunk only (the store merges them across
    batches), so they are left unmerged unless ``dedup_window_us`` is given."""
    state = None
    out = {"positions": [], "identities": [], "rejects": []}
    bounds = [0, *cuts, len(lines)]
    for a, b in pairwise(bounds):
        decoder = ChunkDecoder(DecodeOptions(dedup_window_us=dedup_window_us), state=state)
        result = decoder.decode(b"".join(line + b"\n" for line in lines[a:b]), first_line_no=a + 1)
        state = DecoderState.from_json(json.loads(json.dumps(decoder.state.to_json())))
        out["positions"] += result.positions.select(["mmsi", "ts", "station", "n_stations"]).to_pylist()
        out["identities"] += result.identities.select(["mmsi", "ts", "name", "station", "n_stations"]).to_pylist()
        out["rejects"] += result.rejects.select(["line_no", "reason"]).to_pylist()
    out["rejects"] += [{"line_no": p.line_no, "reason": r} for p, r in flush(state.assembler)]
    return {k: sorted(rows, key=lambda row: tuple(map(str, row.values()))) for k, rows in out.items()}


STREAMS = {
    # time goes back 100 s before the group: the later line before it must not age it
    "time steps back before a group": [
        stamped(T0 + 100, aivdm(TYPE1)),
        *type5_parts(T0, 7),
        stamped(T0 + 1, aivdm(TYPE1, channel="B")),
    ],
    # a line 100 s later comes between the parts: the group is stale wherever the cuts are
    "a later line between the parts": [
        type5_parts(T0, 8)[0],
        stamped(T0 + 100, aivdm(TYPE1)),
        type5_parts(T0, 8)[1],
    ],
    # two groups interleaved, the second stamped a little earlier
    "interleaved groups": [
        type5_parts(T0 + 5, 9, seq="1")[0],
        type5_parts(T0, 10, seq="2", parts=OTHER_TYPE5)[0],
        type5_parts(T0 + 5, 9, seq="1")[1],
        type5_parts(T0, 10, seq="2", parts=OTHER_TYPE5)[1],
        stamped(T0 + 60, aivdm(TYPE1)),
    ],
    # DMA: a source tag alone before each sentence; one transmission heard by three sources,
    # a two-part message whose parts carry no station of their own
    "standalone tag blocks": [
        b"$PGHP,1,2023,11,14,22,13,20,0,219,,2190047,1,00*"
        + checksum(b"PGHP,1,2023,11,14,22,13,20,0,219,,2190047,1,00"),
        DMA_TAG,
        aivdm(TYPE1),
        tag(b"si:IALA"),
        aivdm(TYPE1, channel="B"),
        tag(b"si:MSSIS,c:%d" % (T0 + 2)),
        aivdm(TYPE1),
        tag(b"si:AISSAT"),
        aivdm(TYPE5[0], nfrag=2, frag=1, seq="4"),
        aivdm(TYPE5[1], fill=2, nfrag=2, frag=2, seq="4"),
        DMA_TAG,
        aivdm(TYPE5[0], nfrag=2, frag=1, seq="4"),
        aivdm(TYPE5[1], fill=2, nfrag=2, frag=2, seq="4"),
        aivdm(OTHER_TYPE1, channel="B"),
    ],
}


@pytest.mark.parametrize("name", list(STREAMS))
def test_every_cut_decodes_like_one_chunk(name: str) -> None:
    lines = STREAMS[name]
    whole = decode(lines, [])
    for cut in range(1, len(lines)):
        assert decode(lines, [cut]) == whole, f"cut before line {cut + 1}"
    assert decode(lines, list(range(1, len(lines)))) == whole, "one line per chunk"


def test_expected_outcomes() -> None:
    back = decode(STREAMS["time steps back before a group"], [])
    assert back["rejects"] == []
    # the unstamped part 2 takes the last time in stream order (its part 1's), not the latest
    assert [(r["mmsi"], r["ts"].timestamp()) for r in back["identities"]] == [(566206000, T0)]

    stale = decode(STREAMS["a later line between the parts"], [])
    assert back["identities"] and stale["identities"] == []
    assert sorted(r["reason"] for r in stale["rejects"]) == ["orphan_fragment", "stale_fragment"]

    both = decode(STREAMS["interleaved groups"], [])
    assert both["rejects"] == [] and len(both["identities"]) == 2


def test_standalone_tag_blocks_name_the_station_of_the_next_message() -> None:
    got = decode(STREAMS["standalone tag blocks"], [], dedup_window_us=60_000_000)
    assert got["rejects"] == []
    # the type 1 heard by AISD, IALA and MSSIS is one transmission; the last line has no tag
    positions = [(r["station"], r["n_stations"]) for r in got["positions"]]
    assert sorted(positions, key=str) == [("AISD", 3), (None, 1)]
    # both parts of each type 5 take the tag before part 1: AISSAT's and AISD's copies, at
    # the same time, so the row names the station that sorts first (not the first in the file)
    assert [(r["station"], r["n_stations"]) for r in got["identities"]] == [("AISD", 2)]


def test_live_group_part_takes_its_groups_data_time_across_flushes() -> None:
    """#10: the feed's c: times lag the wall clock by more than the fragment TTL; part 2
    (no c:) arrives in the next 0.5 s flush. It must take its group's data time."""
    lag_s = 60
    part1, part2 = type5_parts(T0, 11)
    for flushes in ([[part1, part2]], [[part1], [part2]]):
        decoder = ChunkDecoder(DecodeOptions(dedup_window_us=-1))
        identities, rejects = [], []
        for k, chunk in enumerate(flushes):
            arrival = np.full(len(chunk), (T0 + lag_s) * 1_000_000 + k * 500_000, dtype=np.int64)
            result = decoder.decode(b"".join(x + b"\n" for x in chunk), arrival_us=arrival)
            identities += result.identities.select(["mmsi", "ts"]).to_pylist()
            rejects += result.rejects.to_pylist()
        rejects += [{"reason": r} for _, r in flush(decoder.state.assembler)]
        assert rejects == [], flushes
        assert [(r["mmsi"], r["ts"].timestamp()) for r in identities] == [(566206000, T0)]
