"""Multi-sentence assembly through :class:`ChunkDecoder`: interleaving, 3 parts, lost parts,
reused sequence ids, the time-to-live in data time, chunk boundaries, ``finish()`` and
resuming from a serialised :class:`DecoderState`.

Messages are real type 5 payloads from gpsd's ``test/sample.aivdm`` (BSD-2-Clause), cut
into as many sentences as a case needs; every assembled identity is checked against
pyais's decode of the same sentences, so a wrongly glued message cannot pass.
"""

from __future__ import annotations

import itertools
import json
from functools import reduce
from operator import xor

import numpy as np
import pyais
import pytest

from maritime.decode import assembly
from maritime.decode.assembly import DEFAULT_TTL_US, fragment_keys
from maritime.decode.pipeline import ChunkDecoder, DecodeOptions, DecoderState

START_US = 1_600_000_000_000_000
T0 = 1_700_000_000  # a tag-block time (seconds) for the timed cases

# gpsd test/sample.aivdm, line 124 (MMSI 351759000, EVER DIADEM) and line 1011 (MMSI
# 271010059, HEALTH CONTROL 13); both 71 characters with 2 fill bits = 424 bits.
DIADEM = b"55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp888888888880"
HEALTH = b"542M92h00001@<7;?G0PD4i@R0<tqA8tj37>220o0h:2240Ht5000000000000000000000"
POSITION = b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"  # type 1, MMSI 371798000

# gpsd test/sample.aivdm lines 1011-1014: "simultaneous use of buffers of channels A & B"
GPSD_INTERLEAVED = [
    b"!AIVDM,2,1,6,B,542M92h00001@<7;?G0PD4i@R0<tqA8tj37>220o0h:2240Ht50000000000,0*3B",
    b"!AIVDM,2,1,2,A,542M92h00001@<7;?G0PD4i@R0<tqA8tj37>220o0h:2240Ht500000000000000,0*3C",
    b"!AIVDM,2,2,2,A,0000002,2*24",
    b"!AIVDM,2,2,6,B,00000000000,2*21",
]


def _cs(body: bytes) -> bytes:
    return b"%02X" % reduce(xor, body, 0)


def sentence(
    payload: bytes,
    nfrag: int,
    frag: int,
    seq: str,
    channel: str,
    fill: int,
    time_s: int | None = None,
    station: str | None = None,
    group: str | None = None,
) -> bytes:
    body = b"AIVDM,%d,%d,%s,%s,%s,%d" % (nfrag, frag, seq.encode(), channel.encode(), payload, fill)
    line = b"!" + body + b"*" + _cs(body)
    fields = []
    if group is not None:
        fields.append(b"g:" + group.encode())
    if station is not None:
        fields.append(b"s:" + station.encode())
    if time_s is not None:
        fields.append(b"c:%d" % time_s)
    if fields:
        tag = b",".join(fields)
        line = b"\\" + tag + b"*" + _cs(tag) + b"\\" + line
    return line


def parts(payload: bytes, n: int, seq: str, channel: str = "A", fill: int = 2, times=None, **kw) -> list[bytes]:
    """``payload`` cut into ``n`` sentences (fill bits on the last one)."""
    size = -(-len(payload) // n)
    pieces = [payload[i * size : (i + 1) * size] for i in range(n)]
    times = times or [None] * n
    return [
        sentence(p, n, k + 1, seq, channel, fill if k == n - 1 else 0, time_s=times[k], **kw)
        for k, p in enumerate(pieces)
    ]


def data(lines: list[bytes]) -> bytes:
    return b"\n".join(lines) + b"\n"


def decoder(**options) -> ChunkDecoder:
    options.setdefault("start_time_us", START_US)
    options.setdefault("dedup_window_us", -1)
    return ChunkDecoder(DecodeOptions(**options))


def run(lines: list[bytes], **options):
    """Decode in one chunk and finish; returns (identities, rejects as (line_no, reason))."""
    dec = decoder(**options)
    res = dec.decode(data(lines))
    fin = dec.finish()
    rejects = sorted((r["line_no"], r["reason"]) for r in res.rejects.to_pylist() + fin.rejects.to_pylist())
    return res.identities.to_pylist(), rejects, res


def expected_identity(sentences: list[bytes]) -> dict:
    """pyais's decode of a type 5, in the store's terms (the fields this file checks)."""
    msg = pyais.decode(*sentences)
    return {
        "mmsi": msg.mmsi,
        "name": msg.shipname or None,
        "callsign": msg.callsign or None,
        "destination": msg.destination or None,
        "imo": msg.imo or None,
    }


def summary(row: dict) -> dict:
    return {k: row[k] for k in ("mmsi", "name", "callsign", "destination", "imo")}


DIADEM_ID = {"mmsi": 351759000, "name": "EVER DIADEM", "callsign": "3FOF8", "destination": "NEW YORK", "imo": 9134270}
HEALTH_ID = {"mmsi": 271010059, "name": "HEALTH CONTROL 13", "callsign": "TCA2350", "destination": None, "imo": None}


def test_reference_payloads() -> None:
    assert expected_identity(parts(DIADEM, 2, "1")) == DIADEM_ID
    assert expected_identity(parts(HEALTH, 2, "1")) == HEALTH_ID


# -- interleaving and order ------------------------------------------------------------------


def test_gpsd_channel_interleaving() -> None:
    """Two 2-part messages on channels A and B, interleaved (gpsd's multiplexing test)."""
    ids, rejects, res = run(GPSD_INTERLEAVED)
    assert rejects == []
    assert [summary(r) for r in ids] == [HEALTH_ID, HEALTH_ID]
    assert res.counts["messages"] == 2 and res.counts["decoded"] == 2
    # the A message is 2 characters longer than the B one: both glued from their own parts
    assert len({r["payload_hash"] for r in ids}) == 2


@pytest.mark.parametrize("order", ["a1 b1 a2 b2", "a1 b1 b2 a2", "b1 a1 a2 b2", "a1 p b1 p a2 p b2"])
def test_interleaved_messages_with_other_traffic(order: str) -> None:
    a = parts(DIADEM, 2, "3", "A")
    b = parts(HEALTH, 2, "3", "B")
    pick = {"a1": a[0], "a2": a[1], "b1": b[0], "b2": b[1], "p": POSITION}
    ids, rejects, res = run([pick[k] for k in order.split()])
    assert rejects == []
    assert sorted((summary(r) for r in ids), key=lambda r: r["mmsi"]) == [HEALTH_ID, DIADEM_ID]
    assert res.positions.num_rows == order.split().count("p")


def test_same_channel_different_sequence_ids() -> None:
    a = parts(DIADEM, 2, "1", "A")
    b = parts(HEALTH, 2, "2", "A")
    ids, rejects, _ = run([a[0], b[0], b[1], a[1]])
    assert rejects == []
    assert sorted(summary(r)["mmsi"] for r in ids) == [271010059, 351759000]


def test_part_two_before_part_one_is_not_assembled() -> None:
    """Out of order within one message: part 2 has nothing to continue, part 1 never ends."""
    a = parts(DIADEM, 2, "4")
    ids, rejects, _ = run([a[1], a[0]])
    assert ids == []
    assert rejects == [(1, "orphan_fragment"), (2, "orphan_fragment")]


def test_tag_block_groups_key_the_parts() -> None:
    """Tag-block ``g:`` ids keep apart messages that share channel and sequence id."""
    tagged_a = [
        sentence(DIADEM[:40], 2, 1, "5", "A", 0, time_s=T0, group="1-2-101"),
        sentence(DIADEM[40:], 2, 2, "5", "A", 2, time_s=T0, group="2-2-101"),
    ]
    tagged_b = [
        sentence(HEALTH[:40], 2, 1, "5", "A", 0, time_s=T0, group="1-2-102"),
        sentence(HEALTH[40:], 2, 2, "5", "A", 2, time_s=T0, group="2-2-102"),
    ]
    ids, rejects, _ = run([tagged_a[0], tagged_b[0], tagged_a[1], tagged_b[1]])
    assert rejects == []
    assert sorted((summary(r) for r in ids), key=lambda r: r["mmsi"]) == [HEALTH_ID, DIADEM_ID]
    # (without the groups this interleaving, one receiver repeating a sequence id on one
    # channel within a second, could not be told apart by any assembler)


def test_stations_key_the_parts() -> None:
    """The same channel and sequence id heard by two stations: never glued across stations."""
    a = parts(DIADEM, 2, "6", "A", times=[T0, T0], station="north")
    b = parts(HEALTH, 2, "6", "A", times=[T0, T0], station="south")
    ids, rejects, _ = run([a[0], b[0], b[1], a[1]])
    assert rejects == []
    by_mmsi = {r["mmsi"]: r for r in ids}
    assert summary(by_mmsi[351759000]) == DIADEM_ID and by_mmsi[351759000]["station"] == "north"
    assert summary(by_mmsi[271010059]) == HEALTH_ID and by_mmsi[271010059]["station"] == "south"


def test_fragment_keys_are_distinct_for_distinct_sources() -> None:
    """Every (station or group, channel, sequence id, fragment count) has its own key: a key
    shared by two stations would glue their fragments together."""
    combos = np.array(
        list(
            itertools.product(
                range(-1, 40),
                [0, ord("A"), ord("B"), ord("1"), ord("2")],
                range(-1, 10),
                range(2, 10),
                [-1, 0, 7, 10**12],
            )
        )
    )
    station, channel, seq, nfrag, group = combos.T
    keys = fragment_keys(station, channel, seq, nfrag, np.where(group >= 0, group + station + 1, -1))
    sources = {(s, c, q, n) if g < 0 else (g + s + 1, c, q, n, "g") for s, c, q, n, g in combos.tolist()}
    assert len(np.unique(keys)) == len(sources)


# -- three parts -------------------------------------------------------------------------------


def test_three_part_message() -> None:
    three = parts(DIADEM, 3, "7")
    ids, rejects, res = run(three)
    assert rejects == []
    assert [summary(r) for r in ids] == [DIADEM_ID] == [expected_identity(three)]
    assert res.counts["messages"] == 1 and res.counts["sentences"] == 3
    # the same message in 2 parts stores the same record and the same payload hash
    two, _, _ = run(parts(DIADEM, 2, "7"))
    assert two[0]["payload_hash"] == ids[0]["payload_hash"]
    assert {k: v for k, v in two[0].items() if k != "ts"} == {k: v for k, v in ids[0].items() if k != "ts"}


def test_interleaved_three_part_messages() -> None:
    a = parts(DIADEM, 3, "8", "A")
    b = parts(HEALTH, 3, "8", "B")
    ids, rejects, _ = run([a[0], b[0], a[1], POSITION, b[1], b[2], a[2]])
    assert rejects == []
    assert sorted((summary(r) for r in ids), key=lambda r: r["mmsi"]) == [HEALTH_ID, DIADEM_ID]


def test_three_part_message_missing_its_middle() -> None:
    a = parts(DIADEM, 3, "9")
    ids, rejects, _ = run([a[0], a[2]])
    assert ids == []
    assert rejects == [(1, "orphan_fragment"), (2, "orphan_fragment")]


# -- lost fragments and reused sequence ids ------------------------------------------------------


def test_lost_last_part_then_reused_sequence_id() -> None:
    """X1, (X2 lost), Y1, Y2 with one sequence id: X1 is an orphan, Y is whole and right."""
    x = parts(DIADEM, 2, "3")
    y = parts(HEALTH, 2, "3")
    ids, rejects, _ = run([x[0], y[0], y[1]])
    assert rejects == [(1, "orphan_fragment")]
    assert [summary(r) for r in ids] == [HEALTH_ID]


def test_lost_parts_never_glue_two_messages_with_a_reused_sequence_id() -> None:
    """X1, (X2 and Y1 lost), Y2 later with the same sequence id: X1 + Y2 is not a message.

    Sequence ids recycle 0..9, so the next message with the same id on the same channel
    comes well after the fragment time-to-live; the parts are then stale, not glued.
    """
    x = parts(DIADEM, 2, "3", times=[T0, T0])
    y = parts(HEALTH, 2, "3", times=[T0 + 30, T0 + 30])
    glued = pyais.decode(x[0], y[1])  # what a naive assembler would produce
    assert glued.mmsi == 351759000 and glued.destination != "NEW YORK"
    ids, rejects, res = run([x[0], y[1]])
    assert ids == [] and res.positions.num_rows == 0
    assert rejects == [(1, "stale_fragment"), (2, "orphan_fragment")]


def test_lost_parts_three_part_then_reuse() -> None:
    """X1, X2, (X3 lost), Y1..Y3 with the same sequence id: X's parts are orphans."""
    x = parts(DIADEM, 3, "2", times=[T0] * 3)
    y = parts(HEALTH, 3, "2", times=[T0 + 1] * 3)
    ids, rejects, _ = run([x[0], x[1], y[0], y[1], y[2]])
    assert rejects == [(1, "orphan_fragment"), (2, "orphan_fragment")]
    assert [summary(r) for r in ids] == [HEALTH_ID]


# -- time-to-live in data time -------------------------------------------------------------------


@pytest.mark.parametrize("gap_s", [0, 5, 10])
def test_parts_within_the_ttl_assemble(gap_s: int) -> None:
    x = parts(DIADEM, 2, "1", times=[T0, T0 + gap_s])
    ids, rejects, _ = run(x)
    assert rejects == [] and [summary(r) for r in ids] == [DIADEM_ID]


@pytest.mark.parametrize("adjacent", [True, False], ids=["adjacent", "with-traffic-between"])
def test_parts_beyond_the_ttl_are_stale(adjacent: bool) -> None:
    assert DEFAULT_TTL_US == 10_000_000
    x = parts(DIADEM, 2, "1", times=[T0, T0 + 11])
    between = [] if adjacent else [sentence(b"15RTgt0PAso;90TKcjM8h6g208CQ", 1, 1, "", "B", 0, time_s=T0 + 5)]
    ids, rejects, _ = run([x[0], *between, x[1]])
    assert ids == []
    assert rejects == [(1, "stale_fragment"), (2 + len(between), "orphan_fragment")]


def test_ttl_is_an_option() -> None:
    x = parts(DIADEM, 2, "1", times=[T0, T0 + 30])
    ids, rejects, _ = run(x, fragment_ttl_us=60_000_000)
    assert rejects == [] and [summary(r) for r in ids] == [DIADEM_ID]
    ids, rejects, _ = run(parts(DIADEM, 2, "1", times=[T0, T0 + 2]), fragment_ttl_us=1_000_000)
    assert ids == [] and rejects == [(1, "stale_fragment"), (2, "orphan_fragment")]


def test_pending_part_expires_when_data_time_moves_on() -> None:
    """A first part whose message never completes is rejected stale once the data time
    passes its time-to-live, in the chunk where that happens, not only at finish()."""
    dec = decoder()
    x = parts(DIADEM, 2, "1", times=[T0, T0])
    first = dec.decode(data([x[0]]))
    assert first.rejects.num_rows == 0  # still waiting
    later = sentence(b"15RTgt0PAso;90TKcjM8h6g208CQ", 1, 1, "", "A", 0, time_s=T0 + 60)
    second = dec.decode(data([later]), first_line_no=2)
    assert second.rejects.to_pylist() == [{"line_no": 1, "raw": x[0].decode(), "reason": "stale_fragment"}]
    assert second.positions.num_rows == 1
    assert dec.finish().rejects.num_rows == 0


def test_expiry_follows_data_time_not_wall_time() -> None:
    """Chunks decoded seconds apart in wall time but at the same data time still assemble."""
    import time

    dec = decoder(fragment_ttl_us=1)  # 1 µs of data time
    x = parts(DIADEM, 2, "1", times=[T0, T0])
    assert dec.decode(data([x[0]])).rejects.num_rows == 0
    time.sleep(0.01)
    res = dec.decode(data([x[1]]), first_line_no=2)
    assert res.rejects.num_rows == 0
    assert [summary(r) for r in res.identities.to_pylist()] == [DIADEM_ID]


# -- chunk boundaries, finish() and resuming -------------------------------------------------------


def test_parts_across_a_chunk_boundary() -> None:
    dec = decoder()
    x = parts(DIADEM, 2, "1")
    one = dec.decode(data([POSITION, x[0]]))
    assert one.identities.num_rows == 0 and one.rejects.num_rows == 0
    two = dec.decode(data([x[1], POSITION]), first_line_no=3)
    assert [summary(r) for r in two.identities.to_pylist()] == [DIADEM_ID]
    assert two.rejects.num_rows == 0
    assert dec.finish().rejects.num_rows == 0


def test_three_parts_across_three_chunks() -> None:
    dec = decoder()
    x = parts(HEALTH, 3, "4", "B")
    got = []
    for i, line in enumerate(x):
        res = dec.decode(data([line]), first_line_no=i + 1)
        assert res.rejects.num_rows == 0
        got += res.identities.to_pylist()
    assert [summary(r) for r in got] == [HEALTH_ID]


def test_pending_key_blocks_an_adjacent_pair_in_the_next_chunk() -> None:
    """Chunk 1 ends with X1; chunk 2 holds X2, then Y1 Y2 with the same key: both assemble."""
    dec = decoder()
    x = parts(DIADEM, 2, "5")
    y = parts(HEALTH, 2, "5")
    dec.decode(data([x[0]]))
    res = dec.decode(data([x[1], y[0], y[1]]), first_line_no=2)
    assert res.rejects.num_rows == 0
    assert sorted((summary(r) for r in res.identities.to_pylist()), key=lambda r: r["mmsi"]) == [HEALTH_ID, DIADEM_ID]


def test_lost_part_across_a_chunk_boundary() -> None:
    """Chunk 1 ends with X1 (X2 lost); chunk 2 is Y1 Y2 on the same key: X1 is an orphan
    reported with its own line number and text, Y is whole."""
    dec = decoder()
    x = parts(DIADEM, 2, "5")
    y = parts(HEALTH, 2, "5")
    dec.decode(data([POSITION, x[0]]))
    res = dec.decode(data([y[0], y[1]]), first_line_no=3)
    assert res.rejects.to_pylist() == [{"line_no": 2, "raw": x[0].decode(), "reason": "orphan_fragment"}]
    assert [summary(r) for r in res.identities.to_pylist()] == [HEALTH_ID]


def test_finish_rejects_leftovers_as_orphans() -> None:
    dec = decoder()
    x = parts(DIADEM, 3, "1", "A")
    y = parts(HEALTH, 2, "2", "B")
    res = dec.decode(data([x[0], POSITION, x[1], y[0]]), first_line_no=101)
    assert res.rejects.num_rows == 0 and res.identities.num_rows == 0
    fin = dec.finish()
    assert sorted(fin.rejects.to_pylist(), key=lambda r: r["line_no"]) == [
        {"line_no": 101, "raw": x[0].decode(), "reason": "orphan_fragment"},
        {"line_no": 103, "raw": x[1].decode(), "reason": "orphan_fragment"},
        {"line_no": 104, "raw": y[0].decode(), "reason": "orphan_fragment"},
    ]
    assert fin.counts["rejected_orphan_fragment"] == 3
    assert fin.positions.num_rows == 0 and fin.identities.num_rows == 0
    assert dec.finish().rejects.num_rows == 0  # nothing left the second time


@pytest.mark.parametrize("split_at", [1, 2, 3, 4])
def test_state_json_round_trip_resumes_mid_message(split_at: int) -> None:
    """Serialise the decoder state between chunks (through JSON text), resume in a new
    decoder: the result equals decoding everything in one go."""
    x = parts(DIADEM, 3, "1", "A", times=[T0, T0, T0 + 1], station="north")
    y = parts(HEALTH, 2, "2", "B", times=[T0 + 1, T0 + 2], station="south")
    lines = [x[0], y[0], x[1], y[1], x[2]]
    whole, _, _ = run(lines)

    first = decoder()
    got = first.decode(data(lines[:split_at])).identities.to_pylist()
    text = json.dumps(first.state.to_json())
    state = DecoderState.from_json(json.loads(text))
    assert state.to_json() == first.state.to_json()
    second = ChunkDecoder(DecodeOptions(start_time_us=START_US, dedup_window_us=-1), state=state)
    res = second.decode(data(lines[split_at:]), first_line_no=split_at + 1)
    assert res.rejects.num_rows == 0
    got += res.identities.to_pylist()
    assert second.finish().rejects.num_rows == 0
    strip = lambda r: {k: v for k, v in r.items() if k != "payload_hash"}  # noqa: E731
    assert sorted(map(strip, got), key=lambda r: r["mmsi"]) == sorted(map(strip, whole), key=lambda r: r["mmsi"])
    assert {r["station"] for r in got} == {"north", "south"}


def test_state_json_round_trip_keeps_orphan_details() -> None:
    """A part pending in a saved state is reported with its line number and text after resume."""
    x = parts(DIADEM, 2, "1")
    first = decoder()
    first.decode(data([POSITION, POSITION, x[0]]), first_line_no=41)
    state = DecoderState.from_json(json.loads(json.dumps(first.state.to_json())))
    second = ChunkDecoder(DecodeOptions(start_time_us=START_US, dedup_window_us=-1), state=state)
    assert second.finish().rejects.to_pylist() == [{"line_no": 43, "raw": x[0].decode(), "reason": "orphan_fragment"}]


# -- find_adjacent_pairs markers: pruning those that can find nothing pending changes nothing --


def _assemble(keys, nfrag, frag, time_us, pending_keys, prune: bool):
    """Assembly of a stream of fragments through find_adjacent_pairs (markers pruned or all)."""
    firsts, rest, markers = assembly.find_adjacent_pairs(keys, nfrag, frag, time_us, 10, set(pending_keys))
    if not prune:
        markers = np.arange(len(firsts))
    state = assembly.AssemblerState({k: [assembly.Part(-1, b"", 1, 2, 0, 0, b"p", 0)] for k in pending_keys})
    items = [(int(j), None, int(keys[j])) for j in firsts[markers].tolist()]
    items += [
        (int(j), assembly.Part(int(j), b"", int(frag[j]), int(nfrag[j]), int(time_us[j]), 0, b"x", 0), int(keys[j]))
        for j in np.flatnonzero(rest).tolist()
    ]
    items.sort(key=lambda item: item[0])
    done, rejected = assembly.assemble_sequential([(p, k) for _, p, k in items], state, 10)
    return (
        [[p.line_no for p in d.parts] for d in done],
        [(p.line_no, r) for p, r in rejected],
        {k: [p.line_no for p in v] for k, v in state.pending.items()},
        firsts.tolist(),
    )


@pytest.mark.parametrize("seed", range(20))
def test_pruned_markers_assemble_alike(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 300
    keys = rng.integers(0, 5, n)
    nfrag = rng.choice([2, 2, 2, 3], n)
    frag = np.minimum(rng.integers(1, 4, n), nfrag)
    time_us = np.sort(rng.integers(0, 200, n))
    pending = rng.choice(5, size=int(rng.integers(0, 3)), replace=False).tolist()
    assert _assemble(keys, nfrag, frag, time_us, pending, True) == _assemble(keys, nfrag, frag, time_us, pending, False)
