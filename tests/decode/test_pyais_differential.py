"""Differential test: every record we store against pyais, field for field, over the corpus.

For each NMEA recording of the corpus (gpsd, libais, pyais, AMSA, GFW ais-tools) and the
project's synthetic sample ``fixtures/ais/eastern_pacific_sample.nmea.gz`` (when present):

1. the file (the synthetic sample: its first 60,000 lines) is decoded with
   :class:`ChunkDecoder` in one chunk, nothing merged (``dedup_window_us=-1``), ``*00``
   dummy tag-block checksums accepted so that the AMSA file contributes too;
2. independently of the library's framing, the test cuts every line into its
   ``[\\tag\\]!xxVDM,...`` units and strings multi-part messages together by
   (tag group | channel, sequence id, count) in stream order; each candidate message's
   sentences are decoded with ``pyais.decode(*sentences)`` and turned into the row the
   store should hold, pyais's sentinels mapped to NULL: lat 91 / lon 181 (no row at all),
   speed 102.3 (type 27: 63), course 360 and above, heading 511 (and the invalid
   360..510), second 60..63, ``TurnRate`` enums, imo / ship type / dimensions / draught 0
   and empty strings;
3. every stored position and identity row must be one of those rows, every field equal
   (matched as a multiset, so each message counts once; the library's payload hash is not
   used, so the join does not depend on it). A row with no match is reported with pyais's
   decode of the closest message of the same vessel and type, field by field;
4. nothing lost: every single-sentence message with valid sentence and tag-block checksums
   that pyais decodes as type 1/2/3/18/27 with the standard length (168 bits; type 27: 96
   or 168) and a valid position must be stored as a position row.
"""

from __future__ import annotations

import gzip
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pyais
import pytest
from pyais.bit_vector import bit_vector
from pyais.constants import TurnRate

from maritime.decode.pipeline import ChunkDecoder, DecodeOptions

REPO = Path(__file__).resolve().parents[2]
SYNTHETIC = REPO / "fixtures" / "ais" / "eastern_pacific_sample.nmea.gz"
START_US = 1_600_000_000_000_000

POSITION_FIELDS = ("mmsi", "msg_type", "lat", "lon", "sog", "cog", "heading", "nav_status", "rot", "accuracy", "second")
IDENTITY_FIELDS = (
    "mmsi",
    "msg_type",
    "part",
    "imo",
    "callsign",
    "name",
    "ship_type",
    "to_bow",
    "to_stern",
    "to_port",
    "to_starboard",
    "draught",
    "destination",
    "eta",
)
FLOAT32_FIELDS = {"sog", "cog", "rot", "draught"}

_UNIT = re.compile(rb"(?:\\([^\\]*)\\)?([!$][A-Z]{2}VD[MO],[^\\]*)")


# -- independent framing of the candidate messages -----------------------------------------


def _xor(data: bytes) -> int:
    value = 0
    for b in data:
        value ^= b
    return value


@dataclass
class Unit:
    line_no: int
    sentence: bytes  # "!AIVDM,...*hh" (no tag block; any trailer kept, pyais ignores it)
    nfrag: str
    frag: str
    seq: str
    channel: str
    payload: bytes
    fill: int | None
    checksum_ok: bool
    tag_ok: bool
    group: str | None


def _units(line_no: int, line: bytes) -> list[Unit]:
    out = []
    for m in _UNIT.finditer(line.strip()):
        tag, sentence = m.group(1), m.group(2)
        star = sentence.find(b"*")
        fields = sentence[:star].split(b",") if star > 0 else []
        if len(fields) < 7:
            continue
        cs_text = sentence[star + 1 : star + 3]
        checksum_ok = bool(re.fullmatch(rb"[0-9A-Fa-f]{2}", cs_text)) and int(cs_text, 16) == _xor(sentence[1:star])
        tag_ok, group = True, None
        if tag is not None:
            tstar = tag.rfind(b"*")
            t_cs = tag[tstar + 1 :] if tstar >= 0 else b""
            tag_ok = bool(re.fullmatch(rb"[0-9A-Fa-f]{2}", t_cs)) and (
                int(t_cs, 16) == _xor(tag[:tstar]) or t_cs == b"00"
            )
            g = re.search(rb"(?:^|,)g:([^,*]*)", tag)
            group = g.group(1).decode() if g else None
        fill = fields[6].decode("ascii", "replace")
        out.append(
            Unit(
                line_no=line_no,
                sentence=sentence,
                nfrag=fields[1].decode(),
                frag=fields[2].decode(),
                seq=fields[3].decode(),
                channel=fields[4].decode("ascii", "replace"),
                payload=fields[5],
                fill=int(fill) if fill.isdigit() else None,
                checksum_ok=checksum_ok,
                tag_ok=tag_ok,
                group=group,
            )
        )
    return out


@dataclass
class Candidate:
    units: list[Unit]

    @property
    def sentences(self) -> list[bytes]:
        return [u.sentence for u in self.units]

    @property
    def payload(self) -> bytes:
        return b"".join(u.payload for u in self.units)

    @property
    def bits(self) -> int:
        return 6 * len(self.payload) - (self.units[-1].fill or 0)

    @property
    def where(self) -> str:
        return ", ".join(f"line {u.line_no}" for u in self.units)


def _candidates(lines: list[bytes]) -> list[Candidate]:
    """Single sentences, and multi-part messages strung together in stream order."""
    out: list[Candidate] = []
    pending: dict[tuple, list[Unit]] = {}
    for no, line in enumerate(lines, 1):
        for u in _units(no, line):
            if not u.payload or u.fill is None:
                continue
            if u.nfrag == "1" and u.frag == "1":
                out.append(Candidate([u]))
                continue
            if not (u.nfrag.isdigit() and u.frag.isdigit()):
                continue
            part = u.group.split("-") if u.group else None
            key = ("g", part[2]) if part and len(part) == 3 else ("c", u.channel, u.seq, u.nfrag)
            if u.frag == "1":
                pending[key] = [u]
            elif key in pending and int(pending[key][-1].frag) == int(u.frag) - 1:
                pending[key].append(u)
            else:
                pending.pop(key, None)
                continue
            if u.frag == u.nfrag and key in pending:
                out.append(Candidate(pending.pop(key)))
    return out


# -- pyais values -> the store's units and NULLs -------------------------------------------


def _none_if_empty(text: str | None) -> str | None:
    return text or None


def _zero_null(v):
    return None if not v else int(v)


def _turn(v) -> float | None:
    if isinstance(v, TurnRate):
        return None
    return float(v)


def _eta(msg) -> str | None:
    month, day, hour, minute = msg.month, msg.day, msg.hour, msg.minute
    if not (1 <= month <= 12 and day >= 1 and hour <= 23 and minute <= 59):
        return None  # month 0, day 0, hour 24 or minute 60: not available
    return f"{month:02d}-{day:02d}T{hour:02d}:{minute:02d}"


def pyais_position(msg, cand: Candidate) -> dict | None:
    """pyais's position report as a store row, or None when it holds no position."""
    t = msg.msg_type
    if msg.lat == 91.0 or msg.lon == 181.0:
        return None
    row = {"mmsi": int(msg.mmsi), "msg_type": t, "lat": msg.lat, "lon": msg.lon, "accuracy": bool(msg.accuracy)}
    if t == 27:
        row["sog"] = None if msg.speed == 63 else float(msg.speed)
        row["cog"] = None if msg.course >= 360 else float(msg.course)  # 511 = n/a
        row.update(heading=None, second=None, rot=None, nav_status=int(msg.status))
        return row
    row["sog"] = None if msg.speed == 102.3 else float(msg.speed)
    row["cog"] = None if msg.course >= 360.0 else float(msg.course)  # 360 = n/a, above: invalid
    row["heading"] = None if msg.heading >= 360 else int(msg.heading)  # 511 = n/a, 360..510 invalid
    row["second"] = None if msg.second >= 60 else int(msg.second)
    if t in (1, 2, 3):
        row["nav_status"] = int(msg.status)
        row["rot"] = _turn(msg.turn)
    else:
        row["nav_status"] = None
        row["rot"] = None
    return row


#: Bit offset of the ship type field (ITU-R M.1371-5 tables 52, 49 and 55).
SHIP_TYPE_BIT = {5: 232, 19: 263, 24: 40}


def _raw_ship_type(msg, cand: Candidate) -> int | None:
    """The ship type code as broadcast, read with pyais's own bit reader.

    pyais's ``ship_type`` attribute is a ``ShipType`` enum that folds reserved codes into a
    class representative (76..78 -> 75, 253 -> 0), while the store keeps the code sent.
    """
    bits = bit_vector(cand.payload, cand.units[-1].fill or 0)
    return _zero_null(bits.get(SHIP_TYPE_BIT[msg.msg_type], 8))


def pyais_identity(msg, cand: Candidate) -> dict:
    t = msg.msg_type
    none = dict.fromkeys(IDENTITY_FIELDS)
    row = none | {"mmsi": int(msg.mmsi), "msg_type": t}
    if t == 5:
        row.update(
            imo=_zero_null(msg.imo),
            callsign=_none_if_empty(msg.callsign),
            name=_none_if_empty(msg.shipname),
            ship_type=_raw_ship_type(msg, cand),
            to_bow=_zero_null(msg.to_bow),
            to_stern=_zero_null(msg.to_stern),
            to_port=_zero_null(msg.to_port),
            to_starboard=_zero_null(msg.to_starboard),
            draught=float(msg.draught) if msg.draught else None,
            destination=_none_if_empty(msg.destination),
            eta=_eta(msg),
        )
    elif t == 19:
        row.update(
            name=_none_if_empty(msg.shipname),
            ship_type=_raw_ship_type(msg, cand),
            to_bow=_zero_null(msg.to_bow),
            to_stern=_zero_null(msg.to_stern),
            to_port=_zero_null(msg.to_port),
            to_starboard=_zero_null(msg.to_starboard),
        )
    elif t == 24:
        row["part"] = msg.partno
        if msg.partno == 0:
            row["name"] = _none_if_empty(msg.shipname)
        else:
            row.update(callsign=_none_if_empty(msg.callsign), ship_type=_raw_ship_type(msg, cand))
            if hasattr(msg, "to_bow"):  # auxiliary craft (98XXXYYYY) carry a mother ship MMSI instead
                row.update(
                    to_bow=_zero_null(msg.to_bow),
                    to_stern=_zero_null(msg.to_stern),
                    to_port=_zero_null(msg.to_port),
                    to_starboard=_zero_null(msg.to_starboard),
                )
    return row


def _same(name: str, ours, theirs) -> bool:
    if ours is None or theirs is None:
        return ours is None and theirs is None
    if name in FLOAT32_FIELDS:  # stored as float32
        return np.float32(ours) == np.float32(theirs)
    if name in ("lat", "lon"):
        return math.isclose(ours, theirs, rel_tol=0, abs_tol=1e-9)
    return ours == theirs


# -- one file ------------------------------------------------------------------------------


@dataclass
class Outcome:
    compared_positions: int = 0
    compared_identities: int = 0
    checked_complete: int = 0
    errors: list[str] = field(default_factory=list)


def _key(row: dict, fields) -> tuple:
    """A row's stored fields, float32 columns as float32, for exact multiset matching."""
    return tuple((float(np.float32(row[f])) if f in FLOAT32_FIELDS and row[f] is not None else row[f]) for f in fields)


def _sentences_text(cand: Candidate) -> list[str]:
    return [s.decode(errors="replace") for s in cand.sentences]


def run_differential(data: bytes) -> Outcome:
    out = Outcome()
    decoder = ChunkDecoder(
        DecodeOptions(
            dedup_window_us=-1,
            start_time_us=START_US,
            accept_dummy_tag_checksum=True,
        )
    )
    result = decoder.decode(data)
    decoder.finish()

    # What pyais makes of every candidate message in the file, as store rows.
    expected: dict[str, Counter] = {"position": Counter(), "identity": Counter()}
    by_vessel: dict[tuple, list[tuple[dict, Candidate]]] = defaultdict(list)
    complete: Counter = Counter()  # valid standard-size position reports that must be stored
    example: dict[tuple, Candidate] = {}
    cache: dict[tuple, object] = {}
    for cand in _candidates(data.split(b"\n")):
        ident = (cand.payload, cand.units[-1].fill)
        if ident not in cache:
            try:
                cache[ident] = pyais.decode(*cand.sentences)
            except Exception:  # noqa: BLE001 - pyais refuses it: nothing expected from it
                cache[ident] = None
        msg = cache[ident]
        if msg is None:
            continue
        t = msg.msg_type
        rows = []
        try:
            if t in (1, 2, 3, 18, 19, 27):
                pos = pyais_position(msg, cand)
                if pos is not None and abs(pos["lat"]) <= 90 and abs(pos["lon"]) <= 180:
                    rows.append(("position", pos, POSITION_FIELDS))
            if t in (5, 19) or (t == 24 and msg.partno in (0, 1)):
                rows.append(("identity", pyais_identity(msg, cand), IDENTITY_FIELDS))
        except TypeError:  # a truncated payload: pyais leaves the missing fields None
            continue
        for kind, row, fields in rows:
            key = _key(row, fields)
            expected[kind][key] += 1
            by_vessel[(kind, row["mmsi"], row["msg_type"])].append((row, cand))
            # nothing lost: one valid sentence, valid tag block, the standard size
            u = cand.units[0]
            if (
                kind == "position"
                and len(cand.units) == 1
                and u.checksum_ok
                and u.tag_ok
                and t != 19
                and cand.bits in ((96, 168) if t == 27 else (168,))
            ):
                complete[key] += 1
                example[key] = cand

    # Every stored row is what pyais decodes from some message of the file.
    stored: dict[str, Counter] = {"position": Counter(), "identity": Counter()}
    for kind, table, fields in (
        ("position", result.positions, POSITION_FIELDS),
        ("identity", result.identities, IDENTITY_FIELDS),
    ):
        for row in table.to_pylist():
            key = _key(row, fields)
            stored[kind][key] += 1
            if stored[kind][key] <= expected[kind][key]:
                if kind == "position":
                    out.compared_positions += 1
                else:
                    out.compared_identities += 1
                continue
            # No message decodes to this row: show pyais's decode of this vessel's messages.
            near = by_vessel.get((kind, row["mmsi"], row["msg_type"]), [])
            if not near:
                out.errors.append(
                    f"stored {kind} {dict(zip(fields, key))}: no {row['msg_type']} message "
                    f"from MMSI {row['mmsi']} that pyais decodes in the file"
                )
                continue
            theirs, cand = min(near, key=lambda rc: sum(not _same(f, row[f], rc[0][f]) for f in fields))
            bad = [f"{f}: ours={row[f]!r} pyais={theirs[f]!r}" for f in fields if not _same(f, row[f], theirs[f])]
            out.errors.append(f"{kind} from {cand.where} {_sentences_text(cand)}: " + "; ".join(bad))

    for key, n in complete.items():
        out.checked_complete += n
        if stored["position"][key] < n:
            cand = example[key]
            out.errors.append(
                f"lost: {n} valid position report(s) like {cand.where} {_sentences_text(cand)}, "
                f"{stored['position'][key]} stored"
            )
    return out


#: The synthetic sample is compared on its first lines only, to keep the suite fast.
SYNTHETIC_MAX_LINES = 60_000


@cache
def _outcome(path: Path) -> Outcome:
    if path.suffix == ".gz":
        with gzip.open(path, "rb") as f:
            head = [line for _, line in zip(range(SYNTHETIC_MAX_LINES), f)]
        data = b"".join(head)
    else:
        data = path.read_bytes()
    return run_differential(data)


def _assert_clean(name: str, outcome: Outcome) -> None:
    if outcome.errors:
        shown = "\n  ".join(outcome.errors[:25])
        more = f"\n  ... and {len(outcome.errors) - 25} more" if len(outcome.errors) > 25 else ""
        pytest.fail(f"{name}: {len(outcome.errors)} disagreement(s) with pyais:\n  {shown}{more}")


def test_differential_file(ais_corpus: Path, nmea_file: Path) -> None:
    outcome = _outcome(nmea_file)
    _assert_clean(str(nmea_file.relative_to(ais_corpus)), outcome)


def test_differential_synthetic_sample() -> None:
    if not SYNTHETIC.exists():
        pytest.skip(f"{SYNTHETIC.relative_to(REPO)} not generated yet")
    outcome = _outcome(SYNTHETIC)
    assert outcome.compared_positions > 0
    _assert_clean(SYNTHETIC.name, outcome)


def test_differential_totals(corpus_nmea_files: list[Path], corpus_report) -> None:
    """The differential covers thousands of messages (per-file results are cached)."""
    files = list(corpus_nmea_files) + ([SYNTHETIC] if SYNTHETIC.exists() else [])
    outcomes = [_outcome(p) for p in files]
    positions = sum(o.compared_positions for o in outcomes)
    identities = sum(o.compared_identities for o in outcomes)
    complete = sum(o.checked_complete for o in outcomes)
    corpus_report(
        f"pyais differential: {positions + identities} stored messages compared "
        f"({positions} positions, {identities} identities) over {len(files)} files; "
        f"{complete} valid position reports checked as stored"
    )
    assert positions + identities >= 9000
    assert complete >= 7000
