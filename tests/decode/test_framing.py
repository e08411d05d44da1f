"""The vectorised framing (:func:`frame_fast`) agrees with the reference parser (:func:`parse_line`).

For every line of every corpus recording, and for a seeded set of mutated lines: when
``frame_fast`` takes a line, ``parse_line`` must give exactly one sentence with the same
fragment count, number, sequence id, channel, payload, fill bits, time (µs), station and
tag-block group; every line it leaves must go through ``parse_line`` without an exception.
Targeted cases cover line endings and the tag-block forms the corpus holds.
"""

from __future__ import annotations

import random
import re
from functools import reduce
from operator import xor
from pathlib import Path

import numpy as np
import pytest

from maritime.decode.framing import FastSentences, Lines, frame_fast, split_lines
from maritime.decode.nmea import parse_line
from maritime.decode.pipeline import ChunkDecoder, DecodeOptions
from maritime.decode.sixbit import unarmour

START_US = 1_600_000_000_000_000
PAYLOAD = b"15RTgt0PAso;90TKcjM8h6g208CQ"  # type 1, MMSI 371798000 (gpsd sample.aivdm)


def checksum(body: bytes) -> bytes:
    return b"%02X" % reduce(xor, body, 0)


def tag(body: bytes, cs: bytes | None = None) -> bytes:
    """``\\body*hh\\`` with the right checksum unless ``cs`` is given."""
    return b"\\" + body + b"*" + (checksum(body) if cs is None else cs) + b"\\"


def sentence(body: bytes) -> bytes:
    """``!body*hh`` with the right checksum."""
    return b"!" + body + b"*" + checksum(body)


def aivdm(
    payload: bytes = PAYLOAD,
    fill: int = 0,
    nfrag: int = 1,
    frag: int = 1,
    seq: str = "",
    channel: str = "A",
    talker: bytes = b"AIVDM",
) -> bytes:
    return sentence(b"%s,%d,%d,%s,%s,%s,%d" % (talker, nfrag, frag, seq.encode(), channel.encode(), payload, fill))


# -- the agreement check ---------------------------------------------------------------------


def line_bytes(lines: Lines, i: int) -> bytes:
    return bytes(lines.buf[lines.start[i] : lines.end[i]])


_CANONICAL_SENTENCE = re.compile(rb"[!$][A-Z]{2}VD[MO],[1-9],[1-9],[0-9]?,[A-Za-z0-9]?,[0-W`-w]+,[0-5]\*[0-9A-Fa-f]{2}")
_TAG_FIELD = re.compile(rb"([A-Za-z]):([^,*\\]*)")


def is_canonical(line: bytes) -> bool:
    """The shape frame_fast documents it frames: ``[\\tag*hh\\]!xxVDM,n,m,s,c,payload,f*hh``.

    Tag fields are ``k:value`` (no repeated c/s/g), ``c:`` has 10 or 13 digits, ``g:`` is
    ``d-d-id`` with at most 12 digits of id. (Lines shorter than 20 bytes are left out: the
    fast path may leave them to the reference parser.)
    """
    if len(line) < 20:
        return False
    tag = None
    if line.startswith(b"\\"):
        end = line.find(b"\\", 1)
        if end < 0:
            return False
        tag, line = line[1:end], line[end + 1 :]
        m = re.fullmatch(rb"(.*)\*[0-9A-Fa-f]{2}", tag)
        if not m or not m.group(1):
            return False
        keys = []
        for item in m.group(1).split(b","):
            f = _TAG_FIELD.fullmatch(item)
            if not f:
                return False
            key, value = f.groups()
            keys.append(key)
            if key == b"c" and not re.fullmatch(rb"\d{10}|\d{13}", value):
                return False
            if key == b"g" and not re.fullmatch(rb"\d-\d-\d{1,12}", value):
                return False
        if any(keys.count(k) > 1 for k in (b"c", b"s", b"g")):
            return False
    return bool(_CANONICAL_SENTENCE.fullmatch(line))


def _fast_payload(fast: FastSentences, k: int) -> bytes:
    """Six-bit values of the k-th fast sentence's payload (as bytes, for comparison)."""
    return fast.values[fast.val_start[k] : fast.val_end[k]].tobytes()


def assert_paths_agree(data: bytes, accept_dummy: bool = False) -> tuple[int, int]:
    """Frame ``data`` both ways; returns (lines taken by frame_fast, lines left)."""
    lines = split_lines(data)
    fast, slow = frame_fast(lines, accept_dummy_tag_checksum=accept_dummy)
    assert len(slow) == len(lines.start)
    assert not slow[fast.line].any(), "a line is both framed and left for parse_line"
    assert np.count_nonzero(~slow) == len(fast.line)
    problems = []
    for k, i in enumerate(fast.line.tolist()):
        raw = line_bytes(lines, i)
        res = parse_line(raw, accept_dummy_tag_checksum=accept_dummy)
        if res.reject or res.skip or len(res.sentences) != 1:
            problems.append(
                f"line {i + 1} {raw!r}: frame_fast took it, parse_line gives "
                f"reject={res.reject} skip={res.skip} sentences={len(res.sentences)}"
            )
            continue
        s = res.sentences[0]
        ours = {
            "nfrag": int(fast.nfrag[k]),
            "frag": int(fast.frag[k]),
            "seq": int(fast.seq[k]),
            "channel": chr(fast.channel[k]) if fast.channel[k] else "",
            "payload": _fast_payload(fast, k),
            "fill": int(fast.fill[k]),
            "time_us": int(fast.time_us[k]) if fast.time_us[k] >= 0 else None,
            "station": (
                bytes(lines.buf[fast.station_start[k] : fast.station_end[k]]).decode("ascii", "replace")
                if fast.station_start[k] >= 0
                else None
            ),
            "group": (
                (int(fast.group_part[k]), int(fast.group_total[k]), int(fast.group_id[k]))
                if fast.group_part[k] >= 0
                else None
            ),
        }
        reference = {
            "nfrag": s.nfrag,
            "frag": s.frag,
            "seq": s.seq,
            "channel": s.channel,
            "payload": unarmour(np.frombuffer(s.payload, dtype=np.uint8)).tobytes(),
            "fill": s.fill,
            "time_us": s.time_us,
            "station": s.station,
            "group": s.group,
        }
        if ours != reference:
            diff = {key: (ours[key], reference[key]) for key in ours if ours[key] != reference[key]}
            problems.append(f"line {i + 1} {raw!r}: (frame_fast, parse_line) differ: {diff}")
    for i in np.flatnonzero(slow).tolist():
        raw = line_bytes(lines, i)
        try:
            res = parse_line(raw, accept_dummy_tag_checksum=accept_dummy)
        except Exception as exc:  # noqa: BLE001 - any exception is the failure
            problems.append(f"line {i + 1} {raw!r}: parse_line raised {exc!r}")
            continue
        # Both ways on the canonical shape: a canonical line frame_fast leaves must be bad.
        if is_canonical(raw) and not res.reject:
            problems.append(f"line {i + 1} {raw!r}: canonical and accepted by parse_line, left by frame_fast")
    assert not problems, f"{len(problems)} disagreement(s):\n  " + "\n  ".join(problems[:30])
    return len(fast.line), int(np.count_nonzero(slow))


# -- the corpus --------------------------------------------------------------------------------


def test_split_lines_matches_the_file(nmea_file: Path) -> None:
    data = nmea_file.read_bytes()
    lines = split_lines(data)
    expected = re.split(rb"\r\n|\r|\n", data)
    if data.endswith((b"\n", b"\r")):
        expected.pop()
    assert [line_bytes(lines, i) for i in range(len(lines.start))] == expected


@pytest.mark.parametrize("accept_dummy", [False, True], ids=["strict", "dummy-tag-cs"])
def test_corpus_lines_frame_alike(nmea_file: Path, accept_dummy: bool) -> None:
    taken, left = assert_paths_agree(nmea_file.read_bytes(), accept_dummy)
    assert taken + left == len(split_lines(nmea_file.read_bytes()).start)


def test_fast_path_takes_the_canonical_corpus_lines(ais_corpus: Path, corpus_report) -> None:
    """The vectorised path does the bulk of the work on real files (not all sent to parse_line)."""
    taken = left = 0
    for rel in (
        "amsa-risky/ais/src/test/resources/exact-earth-with-tag-block.txt",
        "pyais/tests/nmea_data_sample.txt",
        "gpsd/test/daemon/ais-nmea-type6-fid55.log",
        "gfw-ais-tools/sample/type1-bad-bitcount.nmea",
    ):
        t, s = assert_paths_agree((ais_corpus / rel).read_bytes())
        taken, left = taken + t, left + s
    corpus_report(f"framing: frame_fast took {taken} of {taken + left} lines of 4 canonical corpus files")
    # every tag-block line of exact-earth-with-tag-block (221), all but the 100 empty payloads
    # of nmea_data_sample (798), the AIS lines of the fid55 log, the 12 tag-block lines of GFW
    assert taken >= 221 + 798 + 1400 + 12


# -- mutated lines (seeded) ------------------------------------------------------------------


def _mutants(seed: int, count: int) -> list[bytes]:
    rng = random.Random(seed)
    bases = [
        aivdm(),
        tag(b"s:rEV02,c:1334337317") + aivdm(),
        tag(b"g:1-2-3985,s:rEV02,c:1334337317") + aivdm(nfrag=2, frag=1, seq="9", channel="B"),
        tag(b"c:1599239526500,s:sdr-experiments,T:2020-09-04 18.12.06") + aivdm(fill=2),
        tag(b"c:1420030798", b"00") + aivdm(talker=b"ABVDM", seq="4"),
        aivdm(channel="1", talker=b"BSVDM", seq="0"),
        aivdm() + b",s36310,d-081,T59.01777335,x147521,r08TPHI1,1242958962",  # USCG NAIS
        tag(b"s:rEV02,c:1334337317") + aivdm(channel="B") + b",b003669794,r003669946,1334337318500",
    ]
    alphabet = b"0123456789ABCDEFabcdefgrs:c,*\\!$-@wW`_ \r"
    out = []
    for _ in range(count):
        line = bytearray(rng.choice(bases))
        for _ in range(rng.randint(1, 3)):
            op, at = rng.random(), rng.randrange(len(line))
            if op < 0.5:
                line[at] = rng.choice(alphabet)
            elif op < 0.75:
                del line[at]
            else:
                line.insert(at, rng.choice(alphabet))
        line = bytes(line).replace(b"\n", b"")
        if rng.random() < 0.7:  # repair the checksums so mutations reach the later checks
            line = _fix_checksums(line)
        out.append(line)
    return out


def _fix_checksums(line: bytes) -> bytes:
    if line.startswith(b"\\") and line.count(b"\\") >= 2:
        end = line.index(b"\\", 1)
        body = line[1:end]
        star = body.rfind(b"*")
        if star >= 0 and body[star + 1 :] != b"00":
            line = b"\\" + body[:star] + b"*" + checksum(body[:star]) + line[end:]
    bang = max(line.rfind(b"!"), line.rfind(b"$"))
    star = line.rfind(b"*")
    if 0 <= bang < star and len(line) >= star + 3:
        line = line[: star + 1] + checksum(line[bang + 1 : star]) + line[star + 3 :]
    return line


@pytest.mark.parametrize("accept_dummy", [False, True], ids=["strict", "dummy-tag-cs"])
def test_mutated_lines_frame_alike(accept_dummy: bool) -> None:
    lines = _mutants(seed=20240601, count=4000)
    taken, left = assert_paths_agree(b"\n".join(lines) + b"\n", accept_dummy)
    assert taken > 200 and left > 200  # the mutants exercise both paths


# -- targeted cases ----------------------------------------------------------------------------


def _one(line: bytes, accept_dummy: bool = False):
    """(frame_fast sentences, parse_line result) for a single line."""
    fast, slow = frame_fast(split_lines(line + b"\n"), accept_dummy_tag_checksum=accept_dummy)
    return fast, bool(slow[0]), parse_line(line, accept_dummy_tag_checksum=accept_dummy)


def test_crlf_line_endings() -> None:
    lf = b"\n".join([aivdm(), tag(b"s:x,c:1334337317") + aivdm(channel="B")]) + b"\n"
    crlf = lf.replace(b"\n", b"\r\n")
    lines = split_lines(crlf)
    assert [line_bytes(lines, i) for i in range(2)] == lf.split(b"\n")[:2]
    taken, left = assert_paths_agree(crlf)
    assert (taken, left) == (2, 0), "CRLF lines are canonical lines for the fast path"
    a = ChunkDecoder(DecodeOptions(start_time_us=START_US)).decode(lf)
    b = ChunkDecoder(DecodeOptions(start_time_us=START_US)).decode(crlf)
    assert a.positions.equals(b.positions) and len(a.positions) == 2
    assert b.rejects.num_rows == 0


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"a\rb\n", [b"a", b"b"]),  # a lone CR ends a line (#15)
        (b"a\r\rb", [b"a", b"", b"b"]),
        (b"a\r\nb\r", [b"a", b"b"]),
        (b"\r\n\r", [b"", b""]),
        (b"a\n\r\n", [b"a", b""]),
        (b"\r", [b""]),
    ],
)
def test_line_endings(data: bytes, expected: list[bytes]) -> None:
    lines = split_lines(data)
    assert [line_bytes(lines, i) for i in range(len(lines.start))] == expected


def test_lone_cr_lines_decode_like_lf_lines() -> None:
    lf = b"\n".join([aivdm(), tag(b"s:x,c:1334337317") + aivdm(channel="B"), aivdm(channel="1")]) + b"\n"
    a = ChunkDecoder(DecodeOptions(start_time_us=START_US, dedup_window_us=-1)).decode(lf)
    b = ChunkDecoder(DecodeOptions(start_time_us=START_US, dedup_window_us=-1)).decode(lf.replace(b"\n", b"\r"))
    assert b.counts["lines_read"] == 3 and b.rejects.num_rows == 0
    assert a.positions.equals(b.positions) and len(a.positions) == 3


def test_last_line_without_newline() -> None:
    data = aivdm() + b"\n" + aivdm(channel="B")
    lines = split_lines(data)
    assert len(lines.start) == 2
    assert line_bytes(lines, 1) == aivdm(channel="B")
    taken, left = assert_paths_agree(data)
    assert (taken, left) == (2, 0)
    res = ChunkDecoder(DecodeOptions(start_time_us=START_US, dedup_window_us=-1)).decode(data)
    assert len(res.positions) == 2 and res.counts["lines_read"] == 2
    # and a last line with a bare CR
    lines = split_lines(data + b"\r")
    assert line_bytes(lines, 1) == aivdm(channel="B")


def test_empty_input() -> None:
    lines = split_lines(b"")
    assert len(lines.start) == 0
    fast, slow = frame_fast(lines)
    assert len(fast.line) == 0 and len(slow) == 0


def test_tag_block_time_in_milliseconds() -> None:
    line = tag(b"c:1599239526500,s:sdr-experiments,T:2020-09-04 18.12.06") + aivdm()
    fast, left, res = _one(line)
    assert not left
    assert fast.time_us.tolist() == [1_599_239_526_500_000]
    assert res.sentences[0].time_us == 1_599_239_526_500_000
    assert res.sentences[0].station == "sdr-experiments"
    assert_paths_agree(line + b"\n")


def test_tag_block_time_in_seconds() -> None:
    line = tag(b"s:rEV02,c:1334337317") + aivdm()
    fast, left, res = _one(line)
    assert not left and fast.time_us.tolist() == [1_334_337_317_000_000]
    assert res.sentences[0].time_us == 1_334_337_317_000_000


def test_eleven_digit_time_is_rejected_bad_time() -> None:
    """pyais's mixed.txt has ``c:12415440354``: 11 digits, neither seconds nor milliseconds."""
    line = tag(b"g:1-2-73874,n:157036,s:r003669945,c:12415440354") + aivdm()
    fast, left, res = _one(line)
    assert left and len(fast.line) == 0
    assert res.reject == "bad_time"
    out = ChunkDecoder(DecodeOptions(start_time_us=START_US)).decode(line + b"\n")
    assert out.rejects.to_pylist() == [{"line_no": 1, "raw": line.decode(), "reason": "bad_time"}]


@pytest.mark.parametrize("value", [b"c:0000000000", b"c:9999999999", b"c:0000000000000", b"c:9999999999999"])
def test_implausible_times_are_rejected(value: bytes) -> None:
    line = tag(value) + aivdm()
    fast, left, res = _one(line)
    assert left and res.reject == "bad_time"


@pytest.mark.parametrize(
    "value",
    [
        b"c:4102444800",
        b"c:4102444800000",
        b"c:4102444800500",
        b"c:4102444800999",
        b"c:0631152000",
        b"c:0631152000000",
        b"c:0631151999999",
        b"c:631152000000",
    ],
    ids=lambda v: v.decode(),
)
def test_time_plausibility_bounds_agree(value: bytes) -> None:
    """Both paths use the same 1990-01-01 .. 2100-01-01 window, to the millisecond."""
    line = tag(value) + aivdm()
    assert_paths_agree(line + b"\n")


@pytest.mark.parametrize(
    ("trailer", "time_us", "station"),
    [
        (b",s36310,d-081,T59.01777335,x147521,r08TPHI1,1242958962", 1_242_958_962_000_000, "r08TPHI1"),
        (b",b003669794,1272412827", 1_272_412_827_000_000, "rEV02"),  # no receiver: the tag's
        (b",r1,r2,1334337318500", 1_334_337_318_500_000, "r2"),  # milliseconds; the last r field
        (b",s36310,d-081,T59.01777335", 1_334_337_317_000_000, "rEV02"),  # no time: the tag's
        (b",r003669946,", 1_334_337_317_000_000, "r003669946"),
    ],
)
def test_trailers_are_framed_fast_and_override_the_tag_block(trailer: bytes, time_us: int, station: str) -> None:
    """USCG NAIS trailers (gpsd's sample.aivdm): the last field is the receive time, an
    ``r`` field the receiver; both take precedence over the tag block's."""
    line = tag(b"s:rEV02,c:1334337317") + aivdm() + trailer
    fast, left, res = _one(line)
    assert not left and fast.time_us.tolist() == [time_us]
    assert (res.sentences[0].time_us, res.sentences[0].station) == (time_us, station)
    assert_paths_agree(line + b"\n")


@pytest.mark.parametrize(
    "trailer",
    [
        b",r1,12415440354",
        b",r1,0000000000",
        b",r1,1234567890123456789",
        b",18448480972916552",  # 17 digits: milliseconds beyond int64 microseconds (#14)
        b",r1,999999999999999999",
        b" ,r1,1242958962",
        b",r1 x,1242958962",
        b",r1,!AIVDM,1242958962",
    ],
)
def test_unusual_trailers_are_left_to_the_reference_parser(trailer: bytes) -> None:
    line = aivdm() + trailer
    fast, left, res = _one(line)
    assert left and len(fast.line) == 0
    assert_paths_agree(line + b"\n")


@pytest.mark.parametrize("digits", range(1, 21))
def test_trailer_times_of_every_width_frame_alike(digits: int) -> None:
    """Seconds up to 11 digits, milliseconds from 12: implausible or overflowing values are
    ``bad_time`` on both paths (a 17-digit time once wrapped around to 2025 on the fast one)."""
    for value in (b"9" * digits, b"1" + b"8" * (digits - 1), b"0" * digits, b"18448480972916552"[:digits]):
        line = aivdm() + b"," + value
        assert_paths_agree(line + b"\n")
        fast, _, res = _one(line)
        if res.reject:
            assert len(fast.line) == 0


def test_one_digit_tag_checksum_is_rejected() -> None:
    """pyais's mixed.txt and sample.ais: ``\\g:1-2-73874*A\\`` (one hex digit)."""
    line = b"\\g:1-2-73874*A\\" + aivdm()
    for accept_dummy in (False, True):
        fast, left, res = _one(line, accept_dummy)
        assert left and res.reject == "tagblock_checksum"
        assert_paths_agree(line + b"\n", accept_dummy)


def test_dummy_tag_checksum_only_when_accepted() -> None:
    """AMSA's ``\\c:1420030798*00\\``: a wrong checksum of 00, accepted only on request."""
    line = tag(b"c:1420030798", b"00") + aivdm(talker=b"ABVDM", seq="4", channel="B")
    assert checksum(b"c:1420030798") != b"00"
    fast, left, res = _one(line, accept_dummy=False)
    assert left and res.reject == "tagblock_checksum"
    fast, left, res = _one(line, accept_dummy=True)
    assert not left and res.reject is None
    assert fast.time_us.tolist() == [1_420_030_798_000_000]
    assert res.sentences[0].time_us == 1_420_030_798_000_000
    # any other wrong checksum stays wrong
    line = tag(b"c:1420030798", b"01") + aivdm()
    for accept_dummy in (False, True):
        fast, left, res = _one(line, accept_dummy)
        assert left and res.reject == "tagblock_checksum"
    # the sentence checksum itself is never waived
    line = tag(b"c:1420030798", b"00") + aivdm()[:-2] + b"00"
    fast, left, res = _one(line, accept_dummy=True)
    assert left and res.reject == "checksum"


def test_lowercase_hex_checksums() -> None:
    body = b"AIVDM,1,1,,A,%s,0" % PAYLOAD
    line = b"!" + body + b"*" + checksum(body).lower()
    tb = b"s:x,c:1334337317"
    tagged = b"\\" + tb + b"*" + checksum(tb).lower() + b"\\" + line
    for text in (line, tagged):
        fast, left, res = _one(text)
        assert res.reject is None and len(res.sentences) == 1
        assert_paths_agree(text + b"\n")


def test_group_fields_agree() -> None:
    data = (
        b"\n".join(
            [
                tag(b"g:1-2-3985,s:rEV02,c:1334337317") + aivdm(nfrag=2, frag=1, seq="9", channel="B"),
                tag(b"g:2-2-3985") + aivdm(payload=b"PFRC88888888880", fill=2, nfrag=2, frag=2, seq="9", channel="B"),
                tag(b"g:2-1-1") + aivdm(nfrag=2, frag=2),  # GFW spire-test: part 2 of 1
                tag(b"g:1-2--001,c:1326055296") + aivdm(nfrag=2, frag=1),  # GFW bad-tagblock-group
                tag(b"g:1-2-1604,s:rORBCOMM008,c:1418169601,T:2014-12-10 00.00.01") + aivdm(nfrag=2, frag=1, seq="6"),
            ]
        )
        + b"\n"
    )
    assert_paths_agree(data)
    rejects = [parse_line(x).reject for x in data.splitlines()]
    assert rejects[:3] == [None, None, "bad_group"] and rejects[4] is None
    # line 4 (g:1-2--001) is the malformed-corpus tests' business; here only the agreement
