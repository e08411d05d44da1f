"""Render scenario receptions as NMEA 0183 lines with tag blocks, and write recordings.

Every line carries an NMEA 4.10 tag block ``\\s:<station>,c:<unix seconds>*hh\\`` before the
sentence; a two-sentence message is written as ``\\g:1-2-<id>,s:..,c:..*hh\\!AIVDM,2,1,...`` and
``\\g:2-2-<id>*hh\\!AIVDM,2,2,...`` on the next line. Both checksums are the XOR of the characters
between the delimiters, as two upper-case hex digits.

AIS payloads are packed with numpy, a whole batch at a time (a bit matrix folded into six-bit
characters), which is ~50x faster than encoding message by message with pyais; the tests check
the packer against pyais' decoder. Per-vessel constant payloads (type 5, 24A, 24B) are packed
once and cached. Only the rare type 8 broadcasts go through :func:`pyais.encode` classes.

The ground truth of a recording is accumulated by :class:`Truth` while its lines are rendered,
so a benchmark can stream millions of lines from :func:`generate_lines` and still get exact
counts at the end.
"""

from __future__ import annotations

import gzip
import json
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import numpy as np

from maritime.scenario.build import build_scenario
from maritime.scenario.config import COG_NA_I, HEADING_NA, LAT_NA_I, SOG_NA_I, Kind, Noise, ScenarioConfig
from maritime.scenario.messages import iter_batches
from maritime.scenario.model import Scenario, Vessel
from maritime.scenario.receptions import ReceptionBatch

__all__ = [
    "ARMOR",
    "nmea_checksum",
    "pack_sixbit",
    "text_codes",
    "Truth",
    "render_batch",
    "generate_lines",
    "write_recording",
    "truth_path_for",
]

#: Six-bit value → payload character (ITU-R M.1371 / IEC 61162-1 "armouring").
ARMOR: np.ndarray = np.array([v + 48 if v < 40 else v + 56 for v in range(64)], dtype=np.uint8)
_ARMOR_STR = bytes(ARMOR).decode("ascii")
_W6 = np.array([32, 16, 8, 4, 2, 1], dtype=np.uint8)

Field = tuple[np.ndarray | int, int]


def nmea_checksum(body: str) -> int:
    """XOR of the characters of ``body`` (the text between ``!``/``$``/``\\`` and ``*``)."""
    x = 0
    for ch in body.encode("ascii"):
        x ^= ch
    return x


def _xor_bytes(b: bytes) -> int:
    x = 0
    for ch in b:
        x ^= ch
    return x


def text_codes(text: str, nchars: int) -> list[int]:
    """Six-bit ASCII codes of ``text`` (upper-cased, unsupported characters → space), padded
    with ``@`` (0) to ``nchars``."""
    out = []
    for ch in text.upper()[:nchars]:
        o = ord(ch)
        out.append(o & 0x3F if 32 <= o < 96 else 32)
    return out + [0] * (nchars - len(out))


def pack_sixbit(fields: Sequence[Field], n: int) -> tuple[np.ndarray, int]:
    """Pack ``n`` messages' bit fields into armoured payload characters.

    Args:
        fields: ``(values, nbits)`` in message order; ``values`` is a scalar, an array of ``n``
            integers (signed values are written in two's complement), or an ``(n, k)`` array
            written as ``k`` consecutive fields of ``nbits`` each (six-bit text).
        n: number of messages.

    Returns:
        ``(chars, fill)``: a ``(n, nchars)`` uint8 array of payload characters and the number of
        fill bits appended to reach a multiple of six bits.
    """
    widths = []
    for vals, nb in fields:
        a = np.asarray(vals)
        widths.append(nb * (a.shape[1] if a.ndim == 2 else 1))
    total = sum(widths)
    fill = (-total) % 6
    bits = np.zeros((n, total + fill), dtype=np.uint8)
    pos = 0
    for (vals, nb), w in zip(fields, widths):
        a = np.asarray(vals, dtype=np.int64)
        if a.ndim == 0:
            a = np.full(n, int(a), dtype=np.int64)
        a = a & ((1 << nb) - 1)
        shifts = np.arange(nb - 1, -1, -1, dtype=np.int64)
        if a.ndim == 2:
            bits[:, pos : pos + w] = ((a[:, :, None] >> shifts) & 1).reshape(n, w)
        else:
            bits[:, pos : pos + w] = (a[:, None] >> shifts) & 1
        pos += w
    six = (bits.reshape(n, -1, 6) * _W6).sum(axis=2)
    return ARMOR[six], fill


def _strings(chars: np.ndarray) -> list[str]:
    n, m = chars.shape
    if n == 0:
        return []
    return np.ascontiguousarray(chars).view(f"S{m}").ravel().astype(f"U{m}").tolist()


# ----------------------------------------------------------------------------------------------
# payload encoders


def _enc_123(b: ReceptionBatch, ix: np.ndarray) -> tuple[np.ndarray, int]:
    return pack_sixbit(
        [
            (b.msg_type[ix], 6),
            (0, 2),
            (b.mmsi[ix], 30),
            (b.status[ix], 4),
            (b.rot[ix], 8),
            (b.sog_i[ix], 10),
            (b.accuracy[ix], 1),
            (b.lon_i[ix], 28),
            (b.lat_i[ix], 27),
            (b.cog_i[ix], 12),
            (b.heading[ix], 9),
            (b.second[ix], 6),
            (0, 2),
            (0, 3),
            (b.raim[ix], 1),
            (b.radio[ix], 19),
        ],
        len(ix),
    )


def _enc_18(b: ReceptionBatch, ix: np.ndarray) -> tuple[np.ndarray, int]:
    return pack_sixbit(
        [
            (18, 6),
            (0, 2),
            (b.mmsi[ix], 30),
            (0, 8),
            (b.sog_i[ix], 10),
            (b.accuracy[ix], 1),
            (b.lon_i[ix], 28),
            (b.lat_i[ix], 27),
            (b.cog_i[ix], 12),
            (b.heading[ix], 9),
            (b.second[ix], 6),
            (0, 2),
            (1, 1),
            (0, 1),
            (1, 1),
            (1, 1),
            (1, 1),
            (0, 1),
            (b.raim[ix], 1),
            (b.radio[ix], 20),
        ],
        len(ix),
    )


def _enc_19(b: ReceptionBatch, ix: np.ndarray, vessels: Sequence[Vessel]) -> tuple[np.ndarray, int]:
    vs = [vessels[int(u)] for u in b.src[ix]]
    names = np.array([text_codes(v.name, 20) for v in vs], dtype=np.int64).reshape(len(ix), 20)
    return pack_sixbit(
        [
            (19, 6),
            (0, 2),
            (b.mmsi[ix], 30),
            (0, 8),
            (b.sog_i[ix], 10),
            (b.accuracy[ix], 1),
            (b.lon_i[ix], 28),
            (b.lat_i[ix], 27),
            (b.cog_i[ix], 12),
            (b.heading[ix], 9),
            (b.second[ix], 6),
            (0, 4),
            (names, 6),
            (np.array([v.ship_type for v in vs]), 8),
            (np.array([v.to_bow for v in vs]), 9),
            (np.array([v.to_stern for v in vs]), 9),
            (np.array([v.to_port for v in vs]), 6),
            (np.array([v.to_starboard for v in vs]), 6),
            (1, 4),
            (b.raim[ix], 1),
            (0, 1),
            (0, 1),
            (0, 4),
        ],
        len(ix),
    )


def _enc_27(b: ReceptionBatch, ix: np.ndarray) -> tuple[np.ndarray, int]:
    return pack_sixbit(
        [
            (27, 6),
            (3, 2),
            (b.mmsi[ix], 30),
            (b.accuracy[ix], 1),
            (b.raim[ix], 1),
            (b.status[ix], 4),
            (b.lon_i[ix], 18),
            (b.lat_i[ix], 17),
            (b.sog_i[ix], 6),
            (b.cog_i[ix], 9),
            (0, 1),
            (0, 1),
        ],
        len(ix),
    )


def _enc_4(b: ReceptionBatch, ix: np.ndarray) -> tuple[np.ndarray, int]:
    ts = b.c[ix].astype("datetime64[s]")
    year = ts.astype("datetime64[Y]").astype(np.int64) + 1970
    month = ts.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (ts.astype("datetime64[D]") - ts.astype("datetime64[M]")).astype(np.int64) + 1
    sod = (ts - ts.astype("datetime64[D]")).astype(np.int64)
    return pack_sixbit(
        [
            (4, 6),
            (0, 2),
            (b.mmsi[ix], 30),
            (year, 14),
            (month, 4),
            (day, 5),
            (sod // 3600, 5),
            ((sod // 60) % 60, 6),
            (sod % 60, 6),
            (1, 1),
            (b.lon_i[ix], 28),
            (b.lat_i[ix], 27),
            (7, 4),
            (0, 10),
            (0, 1),
            (b.radio[ix], 19),
        ],
        len(ix),
    )


def _enc_21(b: ReceptionBatch, ix: np.ndarray, scenario: Scenario) -> tuple[np.ndarray, int]:
    ats = [scenario.atons[int(k)] for k in b.src[ix]]
    names = np.array([text_codes(a.name, 20) for a in ats], dtype=np.int64).reshape(len(ix), 20)
    return pack_sixbit(
        [
            (21, 6),
            (0, 2),
            (b.mmsi[ix], 30),
            (np.array([a.aid_type for a in ats]), 5),
            (names, 6),
            (1, 1),
            (b.lon_i[ix], 28),
            (b.lat_i[ix], 27),
            (0, 9),
            (0, 9),
            (0, 6),
            (0, 6),
            (7, 4),
            (b.second[ix], 6),
            (0, 1),
            (0, 8),
            (0, 1),
            (np.array([int(a.virtual) for a in ats]), 1),
            (0, 1),
            (0, 1),
        ],
        len(ix),
    )


def _enc_8(b: ReceptionBatch, ix: np.ndarray, scenario: Scenario) -> list[tuple[str, int]]:
    from pyais.messages import MessageType8

    out = []
    for r in ix:
        st = scenario.stations[int(b.station[r])]
        c = int(b.c[r])
        dt = datetime.fromtimestamp(c, tz=UTC)
        h = (int(b.arg[r]) * 2654435761) & 0xFFFFFFFF
        m = MessageType8.create(
            msg_type=8,
            mmsi=int(b.mmsi[r]),
            dac=1,
            fid=31,
            lon=round(st.lon, 3),
            lat=round(st.lat, 3),
            accuracy=True,
            day=dt.day,
            hour=dt.hour,
            minute=dt.minute,
            wspeed=4 + h % 14,
            wgust=8 + h % 16,
            wdir=(h >> 4) % 360,
            wgustdir=(h >> 5) % 360,
            airtemp=round(18 + (h >> 9) % 120 / 10, 1),
            humidity=60 + (h >> 12) % 35,
            dewpoint=round(15 + (h >> 14) % 60 / 10, 1),
            pressure=1005 + (h >> 16) % 15,
            pressuretend=(h >> 20) % 3,
            visibility=round(5 + (h >> 22) % 50 / 10, 1),
            waterlevel=round((h >> 8) % 30 / 10, 1),
            leveltrend=(h >> 3) % 3,
            waveheight=round(0.5 + (h >> 24) % 25 / 10, 1),
            waveperiod=5 + (h >> 26) % 10,
            wavedir=(h >> 6) % 360,
            watertemp=round(20 + (h >> 11) % 80 / 10, 1),
            seastate=(h >> 28) % 6,
            preciptype=0,
            salinity=round(33 + (h >> 13) % 20 / 10, 1),
            ice=0,
        )
        out.append(m.encode())
    return out


class _StaticCache:
    """Per-vessel constant payloads (type 5, 24A, 24B)."""

    def __init__(self, vessels: Sequence[Vessel]) -> None:
        self.vessels = vessels
        self.t5: dict[int, str] = {}
        self.t24a: dict[int, str] = {}
        self.t24b: dict[int, str] = {}

    def type5(self, uid: int) -> str:
        p = self.t5.get(uid)
        if p is None:
            v = self.vessels[uid]
            mo, d, h, mi = v.eta
            chars, fill = pack_sixbit(
                [
                    (5, 6),
                    (0, 2),
                    (v.mmsi, 30),
                    (2, 2),
                    (v.imo, 30),
                    (np.array([text_codes(v.callsign, 7)]), 6),
                    (np.array([text_codes(v.name, 20)]), 6),
                    (v.ship_type, 8),
                    (v.to_bow, 9),
                    (v.to_stern, 9),
                    (v.to_port, 6),
                    (v.to_starboard, 6),
                    (1, 4),
                    (mo, 4),
                    (d, 5),
                    (h, 5),
                    (mi, 6),
                    (int(round(v.draught * 10)), 8),
                    (np.array([text_codes(v.destination, 20)]), 6),
                    (0, 1),
                    (0, 1),
                ],
                1,
            )
            assert fill == 2
            p = self.t5[uid] = _strings(chars)[0]
        return p

    def type24(self, uid: int, part: int) -> str:
        cache = self.t24a if part == 1 else self.t24b
        p = cache.get(uid)
        if p is None:
            v = self.vessels[uid]
            if part == 1:
                fields: list[Field] = [
                    (24, 6),
                    (0, 2),
                    (v.mmsi, 30),
                    (0, 2),
                    (np.array([text_codes(v.name, 20)]), 6),
                    (0, 8),
                ]
            else:
                vendor = ["SRT", "TRM", "MAT", "CML", "GMN"][v.mmsi % 5]
                fields = [
                    (24, 6),
                    (0, 2),
                    (v.mmsi, 30),
                    (1, 2),
                    (v.ship_type, 8),
                    (np.array([text_codes(vendor, 3)]), 6),
                    (1 + v.mmsi % 3, 4),
                    (v.mmsi % 1_000_000, 20),
                    (np.array([text_codes(v.callsign, 7)]), 6),
                    (v.to_bow, 9),
                    (v.to_stern, 9),
                    (v.to_port, 6),
                    (v.to_starboard, 6),
                    (0, 6),
                ]
            chars, fill = pack_sixbit(fields, 1)
            assert fill == 0
            p = cache[uid] = _strings(chars)[0]
        return p


# ----------------------------------------------------------------------------------------------
# truth


class Truth:
    """Exact counts of what a recording contains, accumulated while its lines are rendered.

    See :meth:`to_dict` for the definitions written to the truth file.
    """

    def __init__(self) -> None:
        self.lines_total = 0
        self.sentences_valid = 0
        self.bad_checksum = 0
        self.bad_tagblock_checksum = 0
        self.truncated = 0
        self.junk = 0
        self.non_ais_nmea = 0
        self.orphan_fragments = 0
        self.duplicate_receptions = 0
        self.lost_receptions = 0
        self.position_reports_unique = 0
        self.position_reports_no_position = 0
        self.identity_transmissions_unique = 0
        self.identity_payloads: set[tuple[int, str]] = set()
        self.unique_by_type: Counter[str] = Counter()
        self.received_valid_by_type: Counter[str] = Counter()
        self.receptions_by_station: Counter[str] = Counter()
        self.sentences_by_talker: Counter[str] = Counter()
        self.na: Counter[str] = Counter()
        self.per_vessel_positions: Counter[int] = Counter()
        self.first_c: int | None = None
        self.last_c: int | None = None

    def to_dict(self, scenario: Scenario) -> dict[str, object]:
        """The truth file's content (JSON-serialisable)."""
        cfg = scenario.config
        t0 = cfg.start_utc()
        vessels = []
        for v in scenario.vessels:
            d = v.to_dict()
            d["position_reports"] = self.per_vessel_positions.get(v.uid, 0)
            vessels.append(d)
        other = {k: self.unique_by_type.get(k, 0) for k in ("4", "8", "21")}
        return {
            "format": "maritime.scenario truth v1",
            "synthetic": True,
            "seed": cfg.seed,
            "parameters": cfg.to_dict(),
            "start": datetime.fromtimestamp(scenario.start_unix, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": datetime.fromtimestamp(scenario.end_unix, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "first_c": self.first_c,
            "last_c": self.last_c,
            "lines_total": self.lines_total,
            "sentences_valid": self.sentences_valid,
            "duplicate_receptions": self.duplicate_receptions,
            "bad_checksum": self.bad_checksum,
            "bad_tagblock_checksum": self.bad_tagblock_checksum,
            "truncated": self.truncated,
            "junk": self.junk,
            "non_ais_nmea": self.non_ais_nmea,
            "orphan_fragments": self.orphan_fragments,
            "lost_to_line_noise": self.lost_receptions,
            "position_reports_unique": self.position_reports_unique,
            "position_reports_no_position": self.position_reports_no_position,
            "identity_reports_unique": len(self.identity_payloads),
            "identity_transmissions_unique": self.identity_transmissions_unique,
            "other_messages": other,
            "messages_unique_by_type": dict(sorted(self.unique_by_type.items(), key=lambda kv: _type_key(kv[0]))),
            "messages_received_valid_by_type": dict(
                sorted(self.received_valid_by_type.items(), key=lambda kv: _type_key(kv[0]))
            ),
            "not_available": {
                k: self.na.get(k, 0)
                for k in (
                    "no_position",
                    "heading_511",
                    "sog_na",
                    "cog_na",
                    "second_60",
                    "second_61",
                    "second_62",
                    "second_63",
                )
            },
            "receptions_by_station": dict(sorted(self.receptions_by_station.items())),
            "sentences_by_talker": dict(sorted(self.sentences_by_talker.items())),
            "stations": [
                {
                    "name": s.name,
                    "lat": None if s.satellite else s.lat,
                    "lon": None if s.satellite else s.lon,
                    "talker": s.talker,
                    "base_station_mmsi": s.mmsi or None,
                    "satellite": s.satellite,
                }
                for s in scenario.stations
            ],
            "atons": [
                {"mmsi": a.mmsi, "name": a.name, "lat": a.lat, "lon": a.lon, "virtual": a.virtual}
                for a in scenario.atons
            ],
            "vessels": vessels,
            "events": [e.to_dict(t0) for e in scenario.events],
            "decoys": [e.to_dict(t0) for e in scenario.decoys],
            "definitions": DEFINITIONS,
        }


def _type_key(k: str) -> tuple[int, str]:
    digits = "".join(ch for ch in k if ch.isdigit())
    return int(digits or 0), k


DEFINITIONS: dict[str, str] = {
    "line": "one '\\n'-terminated line of the file; a complete two-part message is two lines",
    "lines_total": "sentences_valid + bad_checksum + bad_tagblock_checksum + truncated + junk + non_ais_nmea",
    "sentences_valid": "AIVDM/BSVDM/ABVDM lines whose tag-block and sentence checksums both verify and whose fields "
    "are complete: both parts of two-part messages, orphan part-1 fragments and duplicate "
    "receptions included",
    "duplicate_receptions": "valid complete messages that repeat a transmission already received by another "
    "station (same payload, other s:, c: 0-2 s later); a two-part duplicate counts once",
    "bad_checksum": "lines whose sentence checksum does not match (one payload character corrupted)",
    "bad_tagblock_checksum": "lines whose tag-block checksum does not match (sentence itself intact)",
    "truncated": "lines cut in the middle of the payload (no fill bits, no checksum)",
    "junk": "lines that are not NMEA at all",
    "non_ais_nmea": "valid NMEA lines that are not AIS ($GPRMC, $GPGGA) with a valid tag block",
    "orphan_fragments": "part 1 of a two-part message whose part 2 never comes (the message is lost)",
    "lost_to_line_noise": "transmissions received once whose only line is corrupted, truncated or an orphan",
    "position_reports_unique": "distinct valid position reports of types 1, 2, 3, 18, 19, 27 with a valid position "
    "after merging duplicate receptions; each is also a distinct (MMSI, payload) as long "
    "as a transmitter sends fewer than 10,000 reports (GNSS-noise digits cycle then)",
    "position_reports_no_position": "the same with latitude 91 / longitude 181 (no position available)",
    "identity_reports_unique": "distinct (MMSI, payload) among valid complete messages of types 5, 19, 24A, 24B; "
    "a vessel repeating identical static data every 6 min counts once",
    "identity_transmissions_unique": "valid transmissions of types 5, 19, 24A, 24B after merging duplicate "
    "receptions (repeats of identical static data counted each time)",
    "other_messages": "valid transmissions of other types (4, 8, 21) after merging duplicate receptions",
    "messages_unique_by_type": "valid transmissions per type after merging duplicates (24A/24B separate)",
    "messages_received_valid_by_type": "valid complete messages per type, duplicate receptions included",
    "not_available": "among position_reports_unique + position_reports_no_position: counts of not-available "
    "values (heading 511, SOG 102.3 / type 27: 63, COG 360 / type 27: 511, time stamp 60-63)",
    "vessels.position_reports": "position_reports_unique per transmitter (two transmitters may share an MMSI)",
    "events": "true injected events: loitering (<2 kn for hours in a small area >=10 km from any port), dark "
    "(transmitter off; lat/lon where it stopped), rendezvous (two vessels within 500 m, both <2 kn, "
    ">=10 km from port); start/end UTC; zone = patrol zone containing lat/lon or null",
    "decoys": "look-alikes that are not events: passing ships, port side-by-side / bunkering at anchor, active "
    "pair fishing at 3-5 kn, receiver outage (no reception within radius_m), shared MMSI",
}


# ----------------------------------------------------------------------------------------------
# rendering


_JUNK_WORDS = (
    "ERROR",
    "RX",
    "buffer",
    "overflow",
    "link",
    "restored",
    "timeout",
    "port",
    "OK",
    "AT+CSQ",
    "NO CARRIER",
    "retry",
    "socket",
    "closed",
    "CRC",
    "fail",
    "GPS",
    "antenna",
    "voltage",
    "low",
)


class _Renderer:
    def __init__(self, scenario: Scenario) -> None:
        self.sc = scenario
        self.statics = _StaticCache(scenario.vessels)
        self.names = [s.name for s in scenario.stations]
        self.talkers = [s.talker + "VDM" for s in scenario.stations]
        self.group_id = [0] * len(scenario.stations)
        self.seq_id = [0] * len(scenario.stations)
        self._tag_cache: dict[tuple[int, int], str] = {}
        # XOR of "<talker>VDM,1,1,,<ch>," for the single-sentence prefix, per (station, channel)
        self._pre1 = [[_xor_bytes(f"{t},1,1,,{ch},".encode()) for ch in "AB"] for t in self.talkers]
        self._fill = [_xor_bytes(f",{f}".encode()) for f in range(6)]

    def tag(self, st: int, c: int) -> str:
        k = (st, c)
        s = self._tag_cache.get(k)
        if s is None:
            body = f"s:{self.names[st]},c:{c}"
            s = self._tag_cache[k] = f"\\{body}*{nmea_checksum(body):02X}\\"
        return s

    def payloads(self, b: ReceptionBatch) -> list[tuple[str, int] | None]:
        """Armoured payload and fill bits for every AIS row of ``b`` (None for other rows)."""
        out: list[tuple[str, int] | None] = [None] * len(b)
        k = b.kind
        for kinds, enc in (
            ((Kind.POS_A,), lambda ix: _enc_123(b, ix)),
            ((Kind.POS_B,), lambda ix: _enc_18(b, ix)),
            ((Kind.POS_19,), lambda ix: _enc_19(b, ix, self.sc.vessels)),
            ((Kind.POS_27,), lambda ix: _enc_27(b, ix)),
            ((Kind.BASE_4,), lambda ix: _enc_4(b, ix)),
            ((Kind.ATON_21,), lambda ix: _enc_21(b, ix, self.sc)),
        ):
            ix = np.nonzero(np.isin(k, kinds))[0]
            if len(ix):
                chars, fill = enc(ix)
                for r, p in zip(ix.tolist(), _strings(chars)):
                    out[r] = (p, fill)
        for r in np.nonzero(k == Kind.BINARY_8)[0].tolist():
            out[r] = _enc_8(b, np.array([r]), self.sc)[0]
        for r in np.nonzero(k == Kind.STATIC_5)[0].tolist():
            out[r] = (self.statics.type5(int(b.src[r])), 2)
        for r in np.nonzero(k == Kind.STATIC_24A)[0].tolist():
            out[r] = (self.statics.type24(int(b.src[r]), 1), 0)
        for r in np.nonzero(k == Kind.STATIC_24B)[0].tolist():
            out[r] = (self.statics.type24(int(b.src[r]), 2), 0)
        return out

    def render(self, b: ReceptionBatch, truth: Truth | None) -> list[str]:
        lines: list[str] = []
        if len(b) == 0:
            return lines
        if len(self._tag_cache) > 200_000:
            self._tag_cache.clear()
        pays = self.payloads(b)
        cols = (
            b.c.tolist(),
            b.station.tolist(),
            b.channel.tolist(),
            b.kind.tolist(),
            b.msg_type.tolist(),
            b.noise.tolist(),
            b.arg.tolist(),
            b.dup.tolist(),
            b.mmsi.tolist(),
            b.src.tolist(),
            b.lat_i.tolist(),
            b.heading.tolist(),
            b.sog_i.tolist(),
            b.cog_i.tolist(),
            b.second.tolist(),
        )
        T = truth
        append = lines.append
        for r, (c, st, ch, kind, mt, noise, arg, dup, mmsi, src, lat_i, hdg, sog_i, cog_i, sec) in enumerate(
            zip(*cols)
        ):
            if kind == Kind.JUNK:
                append(_junk(arg))
                if T:
                    T.lines_total += 1
                    T.junk += 1
                continue
            if kind == Kind.GPS_NMEA:
                append(self.tag(st, c) + _gps_sentence(self.sc.stations[st], c, arg))
                if T:
                    T.lines_total += 1
                    T.non_ais_nmea += 1
                continue
            payload, fill = pays[r]  # type: ignore[misc]
            talker = self.talkers[st]
            chl = "AB"[ch]
            if kind == Kind.STATIC_5:
                gid = self.group_id[st] = self.group_id[st] % 9999 + 1
                seq = self.seq_id[st] = (self.seq_id[st] + 1) % 10
                p1, p2 = payload[:60], payload[60:]
                b1 = f"g:1-2-{gid},s:{self.names[st]},c:{c}"
                s1 = f"{talker},2,1,{seq},{chl},{p1},0"
                append(f"\\{b1}*{nmea_checksum(b1):02X}\\!{s1}*{nmea_checksum(s1):02X}")
                if noise == Noise.ORPHAN:
                    if T:
                        T.lines_total += 1
                        T.sentences_valid += 1
                        T.orphan_fragments += 1
                        T.lost_receptions += 1
                        T.sentences_by_talker[talker] += 1
                    continue
                b2 = f"g:2-2-{gid}"
                s2 = f"{talker},2,2,{seq},{chl},{p2},{fill}"
                append(f"\\{b2}*{nmea_checksum(b2):02X}\\!{s2}*{nmea_checksum(s2):02X}")
                if T:
                    T.lines_total += 2
                    T.sentences_valid += 2
                    T.sentences_by_talker[talker] += 2
                    self._count_message(T, "5", kind, dup, mmsi, src, payload, st, lat_i, hdg, sog_i, cog_i, sec, mt)
                continue
            cs = self._pre1[st][ch] ^ _xor_bytes(payload.encode()) ^ self._fill[fill]
            tag = self.tag(st, c)
            if noise == Noise.NONE:
                append(f"{tag}!{talker},1,1,,{chl},{payload},{fill}*{cs:02X}")
                if T:
                    T.lines_total += 1
                    T.sentences_valid += 1
                    T.sentences_by_talker[talker] += 1
                    tkey = "24A" if kind == Kind.STATIC_24A else "24B" if kind == Kind.STATIC_24B else str(mt)
                    self._count_message(T, tkey, kind, dup, mmsi, src, payload, st, lat_i, hdg, sog_i, cog_i, sec, mt)
                continue
            if T:
                T.lines_total += 1
                T.lost_receptions += 1
            if noise == Noise.BAD_CHECKSUM:
                pos = arg % len(payload)
                old = _ARMOR_STR.index(payload[pos])
                new = _ARMOR_STR[(old + 1 + (arg >> 8) % 63) % 64]
                bad = payload[:pos] + new + payload[pos + 1 :]
                append(f"{tag}!{talker},1,1,,{chl},{bad},{fill}*{cs:02X}")
                if T:
                    T.bad_checksum += 1
            elif noise == Noise.BAD_TAGBLOCK:
                body = f"s:{self.names[st]},c:{c}"
                wrong = nmea_checksum(body) ^ (1 + arg % 255)
                append(f"\\{body}*{wrong:02X}\\!{talker},1,1,,{chl},{payload},{fill}*{cs:02X}")
                if T:
                    T.bad_tagblock_checksum += 1
            elif noise == Noise.TRUNCATED:
                keep = 1 + arg % (len(payload) - 1)
                append(f"{tag}!{talker},1,1,,{chl},{payload[:keep]}")
                if T:
                    T.truncated += 1
            else:
                raise AssertionError(f"unexpected noise {noise}")
        if T and len(b):
            c0, c1 = int(b.c.min()), int(b.c.max())
            T.first_c = c0 if T.first_c is None else min(T.first_c, c0)
            T.last_c = c1 if T.last_c is None else max(T.last_c, c1)
        return lines

    def _count_message(
        self,
        T: Truth,
        tkey: str,
        kind: int,
        dup: bool,
        mmsi: int,
        src: int,
        payload: str,
        st: int,
        lat_i: int,
        hdg: int,
        sog_i: int,
        cog_i: int,
        sec: int,
        mt: int,
    ) -> None:
        T.received_valid_by_type[tkey] += 1
        T.receptions_by_station[self.names[st]] += 1
        if kind in Kind.IDENTITY:
            T.identity_payloads.add((mmsi, payload))
        if dup:
            T.duplicate_receptions += 1
            return
        T.unique_by_type[tkey] += 1
        if kind in Kind.IDENTITY:
            T.identity_transmissions_unique += 1
        if kind in Kind.POSITION:
            t27 = kind == Kind.POS_27
            no_pos = lat_i == (91 * 600 if t27 else LAT_NA_I)
            if no_pos:
                T.position_reports_no_position += 1
                T.na["no_position"] += 1
            else:
                T.position_reports_unique += 1
                T.per_vessel_positions[src] += 1
            if t27:
                T.na["sog_na"] += sog_i == 63
                T.na["cog_na"] += cog_i == 511
            else:
                T.na["heading_511"] += hdg == HEADING_NA
                T.na["sog_na"] += sog_i == SOG_NA_I
                T.na["cog_na"] += cog_i == COG_NA_I
                if sec >= 60:
                    T.na[f"second_{sec}"] += 1


def _junk(arg: int) -> str:
    h = arg
    v = h % 4
    if v == 0:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        n = 8 + (h >> 2) % 50
        x = h
        out = []
        for _ in range(n):
            x = (x * 1103515245 + 12345) & 0x7FFFFFFF
            out.append(alphabet[x % len(alphabet)])
        return "Z" + "".join(out)
    if v == 1:
        return f"ERROR {(h >> 3) % 100}: RX buffer overflow on port {(h >> 9) % 4}"
    if v == 2:
        words = [_JUNK_WORDS[(h >> (2 + 3 * i)) % len(_JUNK_WORDS)] for i in range(3 + (h >> 20) % 4)]
        return "LOG " + " ".join(words)
    return ["OK", "AT+CSQ", "NO CARRIER", "RING"][(h >> 2) % 4]


def _ddmm(value: float, lat: bool) -> tuple[str, str]:
    hemi = ("N" if value >= 0 else "S") if lat else ("E" if value >= 0 else "W")
    v = abs(value)
    deg = int(v)
    minutes = (v - deg) * 60
    return (f"{deg:02d}{minutes:07.4f}" if lat else f"{deg:03d}{minutes:07.4f}"), hemi


def _gps_sentence(st: object, c: int, which: int) -> str:
    dt = datetime.fromtimestamp(c, tz=UTC)
    la, ns = _ddmm(st.lat, True)  # type: ignore[attr-defined]
    lo, ew = _ddmm(st.lon, False)  # type: ignore[attr-defined]
    if which == 0:
        body = f"GPRMC,{dt:%H%M%S}.00,A,{la},{ns},{lo},{ew},0.0,0.0,{dt:%d%m%y},,,A"
    else:
        body = f"GPGGA,{dt:%H%M%S}.00,{la},{ns},{lo},{ew},1,09,0.9,12.0,M,8.5,M,,"
    return f"${body}*{nmea_checksum(body):02X}"


def render_batch(scenario: Scenario, batch: ReceptionBatch, truth: Truth | None = None) -> list[str]:
    """Render one batch (a fresh renderer: group/sequence ids restart). Prefer
    :func:`generate_lines` for a whole recording."""
    return _Renderer(scenario).render(batch, truth)


def generate_lines(
    config: ScenarioConfig | Scenario | None = None, truth: Truth | None = None, chunk_s: float = 3600.0
) -> Iterator[str]:
    """Stream the lines of a recording (without line terminators), in time order.

    Args:
        config: a configuration, or an already built scenario (defaults: ``ScenarioConfig()``).
        truth: a :class:`Truth` to fill while streaming; complete once the iterator is exhausted.
        chunk_s: simulation window, seconds (memory use grows with it).

    Yields:
        NMEA lines with tag blocks, noise lines included.
    """
    sc = config if isinstance(config, Scenario) else build_scenario(config)
    rd = _Renderer(sc)
    for batch in iter_batches(sc, chunk_s=chunk_s):
        yield from rd.render(batch, truth)


def truth_path_for(path: str | os.PathLike[str]) -> Path:
    """``<path>.truth.json``."""
    return Path(str(path) + ".truth.json")


def _open_out(path: Path, compresslevel: int) -> tuple[IO[bytes], IO[bytes]]:
    raw = open(path, "wb")
    if path.suffix == ".gz":
        # no file name and a zero mtime in the header: byte-identical output for the same input
        return gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=compresslevel, mtime=0), raw
    return raw, raw


def write_recording(
    path: str | os.PathLike[str],
    config: ScenarioConfig | Scenario | None = None,
    *,
    truth_path: str | os.PathLike[str] | None = None,
    write_truth: bool = True,
    compresslevel: int = 9,
) -> dict[str, object]:
    """Write a recording (gzip when ``path`` ends in ``.gz``) and its ground truth.

    Args:
        path: output file.
        config: a configuration or a built scenario.
        truth_path: where to write the truth JSON; default ``<path>.truth.json``.
        write_truth: write the truth file at all.
        compresslevel: gzip level.

    Returns:
        The truth dictionary.
    """
    sc = config if isinstance(config, Scenario) else build_scenario(config)
    out = Path(path)
    if out.parent and not out.parent.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
    truth = Truth()
    f, raw = _open_out(out, compresslevel)
    try:
        buf: list[str] = []
        for line in generate_lines(sc, truth):
            buf.append(line)
            if len(buf) >= 20000:
                f.write(("\n".join(buf) + "\n").encode("ascii"))
                buf.clear()
        if buf:
            f.write(("\n".join(buf) + "\n").encode("ascii"))
    finally:
        f.close()
        raw.close()
    d = truth.to_dict(sc)
    if write_truth:
        tp = Path(truth_path) if truth_path is not None else truth_path_for(out)
        tp.write_text(json.dumps(d, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return d
