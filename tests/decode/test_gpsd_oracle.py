"""Field-by-field oracle: our decoder against gpsd's own expected output.

``gpsd/derived-pairs/*.pairs.jsonl`` pairs each JSON object gpsd emitted (from the
``.chk`` files of gpsd's regression suite) with the exact sentences that caused it. For
every pair of a type we store (1, 2, 3, 18, 19, 27, 5, 24) the sentences are decoded with
:class:`ChunkDecoder` and every stored field is compared with gpsd's value after unit
conversion (PROVENANCE.md, "How to read the gpsd .chk files"):

* ``sample.aivdm`` pairs use ``expected_scaled``: degrees, knots, metres; ``turn`` is a
  string ("n/a", "fastleft", "fastright" or the deg/min value printed with 2 decimals).
* the daemon logs are unscaled: lat/lon in 1/10000 minute (type 27: 1/10 minute), speed
  and course in tenths (type 27: whole knots and degrees), ``turn`` the raw ROT_AIS value,
  ``draught`` in decimetres.

gpsd prints "not available" codes verbatim; the store keeps NULL for them. The mapping
(see :class:`Expect`) follows the store's units (maritime/records.py) and ITU-R M.1371-5:
lat 91 / lon 181 means the report holds no position (no position row at all); speed 102.3
(type 27: 63); course 360 and above (type 27: 511, and 360..510 are not degrees); heading
511 and anything else outside 0..359; second 60..63; ROT -128 and +-127; imo, ship type,
dimensions and draught 0; empty text; an ETA with any field not available (month 0,
day 0, hour 24, minute 60). Two known differences in presentation are allowed: gpsd cuts
six-bit text at the first '@' and keeps leading spaces (see :func:`_gpsd_text`), and it
keeps the rate of turn to 2 decimals where the store rounds it to a degree like pyais.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import pytest

#: The shared corpus beside the checkout (the ``ais_corpus`` fixture skips when absent).
CORPUS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "ais-corpus"

STORED_TYPES = (1, 2, 3, 18, 19, 27, 5, 24)
PAIRS_DIR = "gpsd/derived-pairs"
#: Position tolerance: we round to 1e-6 degree (like pyais); gpsd's scaled JSON prints
#: degrees to 7 decimals, except type 27 (1/10-minute resolution) which it prints to 4.
LATLON_TOL = 1e-6 + 1e-9
LATLON_TOL_SCALED_27 = 0.5e-4 + 0.5e-6 + 1e-9


def _load_pairs() -> list:
    """(pair id, file stem, pair dict) for every pair of a stored type."""
    folder = CORPUS_DIR / PAIRS_DIR
    if not folder.is_dir():
        return []
    pairs = []
    for path in sorted(folder.glob("*.pairs.jsonl")):
        stem = path.name.removesuffix(".pairs.jsonl")
        for n, line in enumerate(path.read_text().splitlines(), 1):
            pair = json.loads(line)
            expected = pair.get("expected_scaled") if stem == "sample.aivdm" else pair.get("expected")
            if expected is None or expected["type"] not in STORED_TYPES:
                continue
            where = pair.get("log_line") or pair.get("chk_line") or n
            pairs.append((f"{stem}:{where}:type{expected['type']}", stem, pair))
    return pairs


PAIRS = _load_pairs()


def _pair_params():
    if not PAIRS:
        reason = f"no gpsd derived pairs under {CORPUS_DIR / PAIRS_DIR} (AIS corpus absent)"
        return [pytest.param(None, None, id="no-corpus", marks=pytest.mark.skip(reason=reason))]
    return [pytest.param(stem, pair, id=pid) for pid, stem, pair in PAIRS]


# -- gpsd values -> the units and NULLs of the store --------------------------------------


class Expect:
    """gpsd's object converted to our units (None = NULL)."""

    def __init__(self, obj: dict, scaled: bool) -> None:
        self.obj = obj
        self.scaled = scaled
        self.type = obj["type"]

    # positions
    def lat_lon(self) -> tuple[float, float] | None:
        lat, lon = self.obj["lat"], self.obj["lon"]
        if not self.scaled:
            per_degree = 600 if self.type == 27 else 600_000
            lat, lon = lat / per_degree, lon / per_degree
        if abs(lat - 91) < 1e-9 or abs(lon - 181) < 1e-9:
            return None
        return lat, lon

    def sog(self) -> float | None:
        v = self.obj["speed"]
        if self.type == 27:
            return None if v == 63 else float(v)
        if not self.scaled:
            return None if v == 1023 else v / 10
        return None if abs(v - 102.3) < 1e-9 else float(v)

    def cog(self) -> float | None:
        v = self.obj["course"]
        if self.type == 27:
            return None if v >= 360 else float(v)  # 511 = n/a, 360..510 are not degrees
        if not self.scaled:
            v = v / 10
        return None if v >= 360 - 1e-9 else float(v)

    def heading(self) -> int | None:
        if self.type == 27:
            return None  # type 27 has no heading
        v = self.obj["heading"]
        return None if v >= 360 else int(v)  # 511 = n/a; 360..510 are not degrees

    def second(self) -> int | None:
        if self.type == 27:
            return None
        v = self.obj["second"]
        return None if v >= 60 else int(v)

    def nav_status(self) -> int | None:
        return self.obj["status"] if self.type in (1, 2, 3, 27) else None

    def rot(self) -> float | None:
        """Degrees per minute, or None; pyais rounds (raw / 4.733)**2 to a whole degree."""
        if self.type not in (1, 2, 3):
            return None
        v = self.obj["turn"]
        if isinstance(v, str):
            if v in ("n/a", "fastleft", "fastright", "nan"):
                return None
            return float(v)
        if v == -128 or abs(v) == 127:
            return None
        return math.copysign((v / 4.733) ** 2, v)

    # identities
    def _zero_null(self, key: str):
        v = self.obj.get(key)
        return None if not v else v

    def text(self, key: str) -> str | None:
        v = self.obj.get(key)
        if v is None:
            return None
        return v.strip() or None  # pyais and the store also drop leading spaces

    def draught(self) -> float | None:
        v = self.obj.get("draught")
        if not v:
            return None
        return float(v) if self.scaled else v / 10

    def eta(self) -> str | None:
        v = self.obj["eta"]  # "MM-DDTHH:MMZ"
        month, day, hour, minute = int(v[0:2]), int(v[3:5]), int(v[6:8]), int(v[9:11])
        if not (1 <= month <= 12 and day >= 1 and hour <= 23 and minute <= 59):
            return None
        return f"{month:02d}-{day:02d}T{hour:02d}:{minute:02d}"


def _decode_pair(decode, pair: dict):
    """Decode the pair's sentences (type 24: part A first) with nothing merged."""
    sentences = list(pair.get("type24_part_a_sentences") or []) + list(pair["sentences"])
    return decode("\n".join(sentences).encode() + b"\n")


def _gpsd_text(ours: str | None) -> str | None:
    """What gpsd prints for a text field we decoded as ``ours``.

    gpsd's ``from_sixbit`` stops at the first '@' (the six-bit "not available" / padding
    character); pyais and the store only strip '@' at the end, so "@@J130B" is kept by us
    and printed as "" by gpsd. Compare on gpsd's terms for this one documented difference.
    """
    if ours is None:
        return None
    return ours.split("@", 1)[0].strip() or None


def _bits(sentences: list[str]) -> int:
    """Message length in bits: six per payload character less the last fill bits."""
    fields = [s.split("*")[0].split(",") for s in sentences]
    return sum(6 * len(f[5]) for f in fields) - int(fields[-1][6])


def _close(a, b, tol) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol


@pytest.mark.parametrize(("stem", "pair"), _pair_params())
def test_gpsd_pair(ais_corpus: Path, decode, stem: str, pair: dict) -> None:
    scaled = stem == "sample.aivdm"
    exp = Expect(pair["expected_scaled"] if scaled else pair["expected"], scaled)
    got = _decode_pair(decode, pair)
    assert got.rejects == [], (
        f"gpsd decodes this {_bits(pair['sentences'])}-bit type {exp.type} message; we rejected it: {got.rejects}"
    )
    errors: list[str] = []

    def check(field, ours, want, ok=None):
        good = ok if ok is not None else ours == want
        if not good:
            errors.append(f"{field}: ours={ours!r} gpsd={want!r}")

    if exp.type in (1, 2, 3, 18, 19, 27):
        positions = got.positions.to_pylist()
        where = exp.lat_lon()
        if where is None:
            assert positions == [], f"a report at lat 91 / lon 181 must store no position: {positions}"
            assert got.counts["no_position"] == 1
        else:
            assert len(positions) == 1, f"expected one position row, got {positions}"
            row = positions[0]
            check("mmsi", row["mmsi"], exp.obj["mmsi"])
            check("msg_type", row["msg_type"], exp.type)
            tol = LATLON_TOL_SCALED_27 if (scaled and exp.type == 27) else LATLON_TOL
            check("lat", row["lat"], where[0], _close(row["lat"], where[0], tol))
            check("lon", row["lon"], where[1], _close(row["lon"], where[1], tol))
            check("sog", row["sog"], exp.sog(), _close(row["sog"], exp.sog(), 1e-4))
            check("cog", row["cog"], exp.cog(), _close(row["cog"], exp.cog(), 1e-4))
            check("heading", row["heading"], exp.heading())
            check("second", row["second"], exp.second())
            check("nav_status", row["nav_status"], exp.nav_status())
            check("accuracy", row["accuracy"], bool(exp.obj["accuracy"]))
            # ROT: gpsd keeps (raw/4.733)^2 to 2 decimals, we round to a whole degree (pyais)
            check("rot", row["rot"], exp.rot(), _close(row["rot"], exp.rot(), 0.5 + 0.01))
            if row["rot"] is not None:
                check("rot is whole", row["rot"], "an integer", float(row["rot"]).is_integer())

    if exp.type in (5, 19, 24):
        identities = got.identities.to_pylist()
        if exp.type == 24:
            by_part = {r["part"]: r for r in identities}
            assert sorted(by_part) == [0, 1], f"expected part A and part B rows, got {identities}"
            a, b = by_part[0], by_part[1]
            for r in (a, b):
                check("mmsi", r["mmsi"], exp.obj["mmsi"])
                check("msg_type", r["msg_type"], 24)
                check("imo", r["imo"], None)
                check("draught", r["draught"], None)
                check("destination", r["destination"], None)
                check("eta", r["eta"], None)
            check("name (24A)", a["name"], exp.text("shipname"), _gpsd_text(a["name"]) == exp.text("shipname"))
            for key in ("callsign", "ship_type", "to_bow", "to_stern", "to_port", "to_starboard"):
                check(f"{key} (24A)", a[key], None)
            check("name (24B)", b["name"], None)
            check("callsign", b["callsign"], exp.text("callsign"), _gpsd_text(b["callsign"]) == exp.text("callsign"))
            check("ship_type", b["ship_type"], exp._zero_null("shiptype"))
            aux = str(exp.obj["mmsi"]).startswith("98") and len(str(exp.obj["mmsi"])) == 9
            for key in ("to_bow", "to_stern", "to_port", "to_starboard"):
                check(key, b[key], None if aux else exp._zero_null(key))
        else:
            assert len(identities) == 1, f"expected one identity row, got {identities}"
            r = identities[0]
            check("mmsi", r["mmsi"], exp.obj["mmsi"])
            check("msg_type", r["msg_type"], exp.type)
            check("part", r["part"], None)
            check("name", r["name"], exp.text("shipname"), _gpsd_text(r["name"]) == exp.text("shipname"))
            check("ship_type", r["ship_type"], exp._zero_null("shiptype"))
            for key in ("to_bow", "to_stern", "to_port", "to_starboard"):
                check(key, r[key], exp._zero_null(key))
            if exp.type == 5:
                check("imo", r["imo"], exp._zero_null("imo"))
                check(
                    "callsign", r["callsign"], exp.text("callsign"), _gpsd_text(r["callsign"]) == exp.text("callsign")
                )
                check("draught", r["draught"], exp.draught(), _close(r["draught"], exp.draught(), 1e-4))
                check(
                    "destination",
                    r["destination"],
                    exp.text("destination"),
                    _gpsd_text(r["destination"]) == exp.text("destination"),
                )
                check("eta", r["eta"], exp.eta())
            else:  # type 19 carries no IMO, call sign, draught, destination or ETA
                for key in ("imo", "callsign", "draught", "destination", "eta"):
                    check(key, r[key], None)

    assert not errors, f"{pair['sentences']}:\n  " + "\n  ".join(errors)


#: Pairs per stored type in gpsd/derived-pairs (all files), as transcribed in the corpus.
EXPECTED_PAIRS_PER_TYPE = {1: 808, 2: 13, 3: 148, 5: 157, 18: 231, 19: 4, 24: 11, 27: 72}


def test_pairs_checked_per_type(ais_corpus: Path, corpus_report) -> None:
    """How many gpsd pairs the oracle checks, per type (also printed in the run summary)."""
    per_type = Counter(int(pid.rsplit(":type", 1)[1]) for pid, _, _ in PAIRS)
    per_file = Counter(stem for _, stem, _ in PAIRS)
    corpus_report(f"gpsd oracle: {len(PAIRS)} pairs; per type {dict(sorted(per_type.items()))}")
    corpus_report(f"gpsd oracle: per file {dict(sorted(per_file.items()))}")
    assert dict(per_type) == EXPECTED_PAIRS_PER_TYPE
