"""Malformed corpus samples: the right rejects, no crash, and every line accounted for.

Files: GFW ais-tools ``sample/*.nmea`` (hand-made error cases), pyais ``tests/mixed.txt``,
``examples/sample.ais`` and ``tests/nmea_data_sample.txt``, AMSA ``nmea-timestamped.txt``
and ``exact-earth-with-tag-block.txt`` (expectations transcribed in ``amsa-risky/EXPECTED.json``).

The accounting identity holds for every corpus file (see :func:`assert_accounted`): a line
read is skipped (``skipped_*``), rejected (a row in ``rejects``, from ``decode()`` or
``finish()``) or holds the sentences of a decoded message, and the counters agree with
each other and with an independent count of the sentences on the file's lines.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pyais
import pytest

GFW = "gfw-ais-tools/sample"
AMSA = "amsa-risky/ais/src/test/resources"

#: Reasons by the unit they reject (one row per line, per fragment, per message sentence).
LINE_REASONS = {
    "not_nmea",
    "malformed_sentence",
    "malformed_tagblock",
    "tagblock_checksum",
    "bad_time",
    "bad_group",
    "no_checksum",
    "checksum",
    "bad_fragment_header",
    "bad_fill_bits",
    "empty_payload",
    "bad_payload_char",
}
FRAGMENT_REASONS = {"orphan_fragment", "stale_fragment"}
MESSAGE_REASONS = {"invalid_message_type", "bad_length", "position_out_of_range", "bad_part_number"}
STORED_TYPES = (1, 2, 3, 5, 18, 19, 24, 27)

# a talker is any two printable characters but the delimiters (AMSA's "!=IVDM")
_UNIT = re.compile(rb"(?:\\[^\\]*\\)?[!$][^\x00-\x20,*!$\\\x7f-\xff]{2}VD[MO],([^,\\]*),([^,\\]*),")


def file_lines(data: bytes) -> list[bytes]:
    """The file's lines as the decoder numbers them (LF, CRLF or a lone CR; the last line
    may lack one)."""
    lines = re.split(rb"\r\n|\r|\n", data)
    if data.endswith((b"\n", b"\r")):
        lines.pop()
    return lines


def assert_accounted(data: bytes, got) -> dict:
    """Check the accounting identity of one decoded file; returns the derived numbers.

    With ``R_line``, ``R_frag`` and ``R_msg`` the reject rows of each kind (after
    ``finish()``), ``skipped`` the sum of the ``skipped_*`` counts:

    * lines:      ``lines_read == skipped + R_line + L`` where ``L`` is the number of lines
      that hold AIS sentences (counted here independently), one reject row per bad line;
    * sentences:  ``sentences == R_frag + R_msg + S``: every framed sentence is a rejected
      fragment, a sentence of a rejected message (one row each) or one of the ``S``
      sentences of the decoded messages, and ``S == decoded + continuation parts`` (the
      fragments 2..n of decoded multi-part messages, counted here from the lines);
    * messages:   ``decoded == duplicates + other types + positions + no_position +
      identities - type-19 identities``: a decoded message is a merged duplicate
      reception or is kept once by kind (a type 19 gives a position and an identity), and
      ``positions`` / ``identities`` are the rows returned.
    """
    c = got.counts
    lines = file_lines(data)
    rejects = got.rejects
    assert c["lines_read"] == len(lines)

    # every reject row points at the real line, and the counters count the rows
    for r in rejects:
        assert 1 <= r["line_no"] <= len(lines), r
        assert r["raw"] == lines[r["line_no"] - 1].decode("utf-8", "replace"), r
    reasons = Counter(r["reason"] for r in rejects)
    assert reasons == Counter({k.removeprefix("rejected_"): v for k, v in c.items() if k.startswith("rejected_") and v})
    assert set(reasons) <= LINE_REASONS | FRAGMENT_REASONS | MESSAGE_REASONS, set(reasons)

    line_rejected = [r["line_no"] for r in rejects if r["reason"] in LINE_REASONS]
    assert len(line_rejected) == len(set(line_rejected)), "a bad line is rejected once"
    later = Counter(r["line_no"] for r in rejects if r["reason"] not in LINE_REASONS)
    assert not set(later) & set(line_rejected), "a rejected line cannot also hold sentences"

    # lines: skipped + rejected + lines with sentences (independent count of the latter)
    skipped = sum(v for k, v in c.items() if k.startswith("skipped_"))
    units_per_line = {}
    for no, line in enumerate(lines, 1):
        text = line.strip()
        if no in line_rejected or text[:1] not in (b"!", b"$", b"\\"):
            continue
        units = _UNIT.findall(text)
        if units:
            units_per_line[no] = units
    assert c["lines_read"] == skipped + len(line_rejected) + len(units_per_line)
    assert c["sentences"] == sum(len(u) for u in units_per_line.values())

    # sentences: rejected fragments + sentences of rejected messages + decoded messages
    r_frag = sum(reasons[r] for r in FRAGMENT_REASONS)
    r_msg = sum(reasons[r] for r in MESSAGE_REASONS)
    s_decoded = c["sentences"] - r_frag - r_msg
    continuation = 0
    for no, units in units_per_line.items():
        n_rows = later.get(no, 0)
        assert n_rows in (0, len(units)), f"line {no}: {n_rows} of its {len(units)} sentences rejected"
        if n_rows == 0:
            continuation += sum(1 for _, frag in units if frag not in (b"1", b""))
    assert s_decoded == c["decoded"] + continuation
    assert c["messages"] >= c["decoded"]

    # messages: each decoded message is a merged duplicate or is counted once by kind
    other = sum(v for k, v in c.items() if k.startswith("other_type_"))
    n19 = sum(1 for t in got.identities.column("msg_type").to_pylist() if t == 19)
    assert c["positions"] == got.positions.num_rows and c["identities"] == got.identities.num_rows
    # copies of positions and identity reports are merged by the store (across batches), not here
    kept = c["positions"] + c["identities"] - n19
    store_merges = got.stored_copies - kept
    assert c["decoded"] == c["duplicates"] + other + c["positions"] + c["no_position"] + c["identities"] - n19 + (
        store_merges
    )
    assert all(int(k.removeprefix("other_type_")) not in STORED_TYPES for k in c if k.startswith("other_type_"))
    return {
        "skipped": skipped,
        "line_rejects": len(line_rejected),
        "sentence_lines": len(units_per_line),
        "decoded": c["decoded"],
        "continuation": continuation,
    }


# -- the identity on every corpus file, both tag-checksum modes ------------------------------


@pytest.mark.parametrize(
    ("accept_dummy", "dedup_window_us"),
    [(False, -1), (True, -1), (False, 60_000_000)],
    ids=["strict", "dummy-tag-cs", "duplicates-merged"],
)
def test_every_line_is_accounted_for(nmea_file: Path, accept_dummy: bool, dedup_window_us: int, decode) -> None:
    data = nmea_file.read_bytes()
    got = decode(data, accept_dummy_tag_checksum=accept_dummy, dedup_window_us=dedup_window_us)
    assert_accounted(data, got)
    if dedup_window_us < 0:
        assert got.counts["duplicates"] == 0


def test_chunked_decode_accounts_like_one_chunk(ais_corpus: Path, decode) -> None:
    """Rejects carry global line numbers when a file is fed in chunks with first_line_no."""
    from maritime.decode.pipeline import ChunkDecoder, DecodeOptions

    data = (ais_corpus / "pyais/tests/nmea_data_sample.txt").read_bytes()
    lines = data.split(b"\n")
    whole = decode(data)
    dec = ChunkDecoder(DecodeOptions(dedup_window_us=-1, start_time_us=1_600_000_000_000_000))
    rows = []
    for start in range(0, len(lines) - 1, 97):
        chunk = b"\n".join(lines[start : start + 97]) + b"\n"
        if start + 97 >= len(lines):
            chunk = b"\n".join(lines[start:])
        rows += dec.decode(chunk, first_line_no=start + 1).rejects.to_pylist()
    rows += dec.finish().rejects.to_pylist()
    key = lambda r: (r["line_no"], r["reason"])  # noqa: E731
    assert sorted(rows, key=key) == sorted(whole.rejects, key=key)


# -- GFW ais-tools ------------------------------------------------------------------------------


def _rejects(got) -> list[tuple[int, str]]:
    return sorted((r["line_no"], r["reason"]) for r in got.rejects)


@pytest.mark.parametrize("accept_dummy", [False, True])
def test_gfw_bad_tagblock_group(ais_corpus: Path, decode, accept_dummy: bool) -> None:
    """``g:1-2--001``: a malformed group id that still names one group.

    Both tag blocks verify; GFW's own parser reads the id leniently (its test
    ``test_tagblock_group_with_extra_delimiters``), and so do we: the two parts assemble
    into one type 21 message and nothing is lost.
    """
    data = (ais_corpus / GFW / "bad-tagblock-group.nmea").read_bytes()
    got = decode(data, accept_dummy_tag_checksum=accept_dummy)
    assert _rejects(got) == []
    assert got.counts["other_type_21"] == 1
    assert got.positions.num_rows == got.identities.num_rows == 0
    assert_accounted(data, got)


def test_gfw_errors(ais_corpus: Path, decode) -> None:
    """Lines 2 and 4 are lines 1 and 3 cut short under the old checksum: bad checksums.

    (Lines 1 and 3 carry a valid checksum and a payload with extra characters, which are
    ignored as gpsd, GFW and pyais ignore them: see ``type1-bad-bitcount.nmea``.)
    """
    data = (ais_corpus / GFW / "errors.nmea").read_bytes()
    got = decode(data)
    rejects = _rejects(got)
    assert rejects == [(2, "checksum"), (4, "checksum")]
    assert got.positions.num_rows == 3
    assert 205252690 in got.positions.column("mmsi").to_pylist()  # line 5 is good
    assert_accounted(data, got)


def test_gfw_type1_bad_bitcount(ais_corpus: Path, decode) -> None:
    """Type 1/3 payloads of 31 characters (186 bits) where a position report has 28 (168).

    (PROVENANCE.md calls them "one character too long"; they are three.) GFW's ais-tools
    decodes exactly these by keeping the first 28 characters, gpsd accepts type 1 sizes up
    to 204 bits and pyais ignores extra bits: the extra bits are ignored and the 12
    reports stored, each equal to pyais's decode of its first 28 characters.
    """
    data = (ais_corpus / GFW / "type1-bad-bitcount.nmea").read_bytes()
    lines = file_lines(data)
    payloads = [line.split(b"\\")[-1].split(b",")[5] for line in lines if line]
    assert len(payloads) == 12 and {len(p) for p in payloads} == {31}
    assert {p[:1] for p in payloads} == {b"1", b"3"}
    got = decode(data)
    assert _rejects(got) == []
    assert got.counts["skipped_blank"] == 1
    assert got.positions.num_rows == 12
    stored = {(r["mmsi"], round(r["lat"], 6), round(r["lon"], 6)) for r in got.positions.to_pylist()}
    expected = set()
    for p in payloads:
        m = pyais.decode(b"!AIVDM,1,1,,A," + p[:28] + b",0*00", error_if_checksum_invalid=False)
        expected.add((m.mmsi, round(m.lat, 6), round(m.lon, 6)))
    assert stored == expected
    assert_accounted(data, got)


def test_gfw_single_message_type5_fails_checksum(ais_corpus: Path, decode) -> None:
    data = (ais_corpus / GFW / "single-message-type-5.nmea").read_bytes()
    got = decode(data)
    assert _rejects(got) == [(1, "checksum")]
    assert_accounted(data, got)


def test_gfw_spire_dummy_tag_checksums(ais_corpus: Path, decode) -> None:
    """``*00`` tag checksums: rejected by default; accepted, line 2's ``g:2-1-1`` is a bad group."""
    data = (ais_corpus / GFW / "spire-test.nmea").read_bytes()
    strict = decode(data)
    assert _rejects(strict) == [(1, "tagblock_checksum"), (2, "tagblock_checksum")]
    assert strict.identities.num_rows == 0
    assert_accounted(data, strict)

    lenient = decode(data, accept_dummy_tag_checksum=True)
    assert _rejects(lenient) == [(2, "bad_group")]
    # line 1: both parts of a type 5 on one line, assembled (every field "not available")
    ident = lenient.identities.to_pylist()
    assert [(r["mmsi"], r["msg_type"], r["station"]) for r in ident] == [(2424139, 5, "FM112")]
    assert all(ident[0][k] is None for k in ("imo", "callsign", "name", "ship_type", "draught", "eta"))
    assert_accounted(data, lenient)


def test_gfw_bad_type5(ais_corpus: Path, decode) -> None:
    """Two tag-block sentences joined on a line: framed one by one, wrong sizes rejected."""
    data = (ais_corpus / GFW / "bad-type5.nmea").read_bytes()
    got = decode(data)
    rejects = _rejects(got)
    # line 2: 56 + 11 characters with 2 fill bits = 400 bits, shorter than a type 5 (424)
    assert [r for r in rejects if r[0] == 2] == [(2, "bad_length")] * 2
    # lines 1 and 3 (448 and 444 bits: over-long) are framed one sentence at a time and reach
    # the size rule; lines 5-7 are bare payloads
    assert {reason for no, reason in rejects if no in (1, 3)} <= {"bad_length"}
    assert [r for r in rejects if r[0] > 3] == [(5, "not_nmea"), (6, "not_nmea"), (7, "not_nmea")]
    assert got.counts["skipped_blank"] == 1
    assert_accounted(data, got)


def test_gfw_millisecond_times_and_stray_quote(ais_corpus: Path, decode) -> None:
    """``c:1599239526500`` is milliseconds; the stray ``'`` after line 1's checksum is ignored."""
    data = (ais_corpus / GFW / "sample.nmea").read_bytes()
    got = decode(data)
    assert got.rejects == []
    ts = got.positions.column("ts").to_pylist()
    assert [t.timestamp() for t in ts] == [1599239526.5]
    assert sorted(t.timestamp() for t in got.identities.column("ts").to_pylist()) == [1599239587.658, 1599239644.72]
    assert_accounted(data, got)


# -- pyais ------------------------------------------------------------------------------------------


def test_pyais_mixed(ais_corpus: Path, decode) -> None:
    data = (ais_corpus / "pyais/tests/mixed.txt").read_bytes()
    got = decode(data)
    assert _rejects(got) == [
        (14, "not_nmea"),  # foobar
        (21, "not_nmea"),  # IamNotAnAisMessage1111
        (23, "tagblock_checksum"),  # *A (and the bogus c:12415440354, and no sentence checksum)
        (26, "tagblock_checksum"),
        (27, "tagblock_checksum"),  # *A
        (35, "checksum"),  # $PGHP,1,2009,... carries the checksum of the 2008 line
    ]
    assert got.counts["skipped_non_ais"] == 4  # $GPGGA, $GPRTE, $GPR00, $IIMWV
    assert got.counts["skipped_wrapper"] == 1
    # the SAVDM 2-part type 5 of tag group 27300 and the AIVDM one of lines 15-16
    assert sorted(got.identities.column("mmsi").to_pylist()) == [351759000, 366989380]
    assert got.positions.num_rows == 8
    assert_accounted(data, got)


def test_pyais_sample_ais(ais_corpus: Path, decode) -> None:
    data = (ais_corpus / "pyais/examples/sample.ais").read_bytes()
    got = decode(data)
    assert _rejects(got) == [
        (10, "not_nmea"),
        (12, "tagblock_checksum"),
        (15, "tagblock_checksum"),
        (16, "tagblock_checksum"),
        (17, "tagblock_checksum"),  # \s:blah,...*5A (should be 38) with a fragment count of 0
        (21, "checksum"),
    ]
    assert got.positions.num_rows == 8 and got.identities.num_rows == 1
    assert_accounted(data, got)


def test_pyais_nmea_data_sample(ais_corpus: Path, decode) -> None:
    """898 MarineTraffic sentences: 100 empty payloads, 20 first parts whose second part is lost."""
    data = (ais_corpus / "pyais/tests/nmea_data_sample.txt").read_bytes()
    lines = file_lines(data)
    got = decode(data)
    by_reason = Counter(r["reason"] for r in got.rejects)
    assert by_reason == {"empty_payload": 100, "orphan_fragment": 20}
    empty = sorted(r["line_no"] for r in got.rejects if r["reason"] == "empty_payload")
    assert empty == [n for n, line in enumerate(lines, 1) if b",," in line and line.split(b",")[5] == b""]
    orphans = sorted(r["line_no"] for r in got.rejects if r["reason"] == "orphan_fragment")
    assert orphans == [n for n, line in enumerate(lines, 1) if line.startswith(b"!AIVDM,2,1,")]
    # 8 first parts are orphaned by the next first part on the same channel and sequence id,
    # the other 12 are still pending at the end of the file
    assert got.decode_rejects.num_rows == 108 and got.finish_rejects.num_rows == 12
    assert set(got.finish_rejects.column("reason").to_pylist()) == {"orphan_fragment"}
    assert got.positions.num_rows == 758
    assert_accounted(data, got)


# -- AMSA -------------------------------------------------------------------------------------------


def test_amsa_nmea_timestamped(ais_corpus: Path, decode) -> None:
    """Every tag block has the dummy checksum ``*00``; AMSA's reader accepts them: 85 MMSIs."""
    data = (ais_corpus / AMSA / "nmea-timestamped.txt").read_bytes()
    strict = decode(data)
    assert _rejects(strict) == [(n, "tagblock_checksum") for n in range(1, 101)]
    assert strict.positions.num_rows == 0
    assert_accounted(data, strict)

    lenient = decode(data, accept_dummy_tag_checksum=True)
    assert lenient.rejects == []
    assert lenient.positions.num_rows == 100
    assert len(set(lenient.positions.column("mmsi").to_pylist())) == 85
    assert_accounted(data, lenient)
    # merging duplicate receptions does not change the vessels seen
    from maritime.decode.pipeline import ChunkDecoder, DecodeOptions

    merged = ChunkDecoder(DecodeOptions(accept_dummy_tag_checksum=True)).decode(data)
    assert len(set(merged.positions.column("mmsi").to_pylist())) == 85


def test_amsa_exact_earth_with_tag_block(ais_corpus: Path, decode) -> None:
    """EXPECTED.json: 200 decoded messages (multi-part assembled) and 178 position fixes."""
    data = (ais_corpus / AMSA / "exact-earth-with-tag-block.txt").read_bytes()
    got = decode(data)
    assert got.rejects == []
    assert got.counts["decoded"] == 200
    assert got.positions.num_rows == 178
    numbers = assert_accounted(data, got)
    assert numbers["continuation"] == 21  # 221 lines = 200 messages, 21 of them in two parts


@pytest.mark.parametrize(
    ("line", "expect"),
    [
        (
            rb"\c:1432212545,g:1-1-6*1F\!BSVDM,1,1,6,B,58LOWB02BafgUKWO7V0LhuHU>0l4E=A8v2222216D8N<D1Kb0CQiAC3kQp8888888888880,0*6C",
            {
                "kind": "identity",
                "msg_type": 5,
                "mmsi": 566749000,
                "imo": 9610987,
                "callsign": "9V9719",
                "name": "GLOVIS MAESTRO",
                "to_bow": 161,
                "ship_type": 70,
            },
        ),
        (
            rb"\s:rEV02,c:1334337317*58\!AIVDM,1,1,,B,19NWuLhuRb5QHfCpPcwj`26B0<02,0*5F",
            {
                "kind": "position",
                "mmsi": 636091763,
                "lat": -13.0884285,
                "ts": 1334337317.0,
                "heading": 67,
                "cog": 67.2,
                "msg_type": 1,
            },
        ),
        # AMSA's UNDER_WAY stands for ITU codes 0 and 8; this report sends 8 (under way sailing)
        (
            rb"\s:Pt Hedland NOMAD,c:1421878430*19\!ABVDM,1,1,,B,33m2SV800K`Nh85lJdeDlTCN0000,0*1A",
            {"kind": "position", "nav_status": 8, "station": "Pt Hedland NOMAD"},
        ),
        (
            rb"\s:ISEEK Flinders,c:1421879177*61\!AIVDO,1,1,,,1>qc9wwP009qrbKd6DMAPww>0000,0*76",
            {"kind": "position", "nav_status": 15},
        ),
        (
            rb"\s:MSQ - Mt Cootha,c:1421877742*76\!AIVDM,1,1,,B,B7P?oe00FRg9t`L4T4IV;wbToP06,0*2F",
            {
                "kind": "position",
                "mmsi": 503576500,
                "lat": -27.46356391906,
                "ts": 1421877742.0,
                "msg_type": 18,
                "nav_status": None,
            },
        ),
    ],
    ids=["type5", "class-A", "status-0", "AIVDO-empty-channel", "class-B"],
)
def test_amsa_single_lines(decode, line: bytes, expect: dict) -> None:
    """The single-line decodes AMSA's tests check (EXPECTED.json ``single_line``)."""
    got = decode(line + b"\n")
    assert got.rejects == []
    table = got.identities if expect["kind"] == "identity" else got.positions
    assert table.num_rows == 1
    row = table.to_pylist()[0]
    for key, want in expect.items():
        if key == "kind":
            continue
        if key == "ts":
            assert row["ts"].timestamp() == want
        elif key in ("lat", "lon"):
            assert row[key] == pytest.approx(want, abs=1e-6), key
        elif key == "cog":  # float32
            assert row[key] == pytest.approx(want, abs=1e-5), key
        else:
            assert row[key] == want, key
