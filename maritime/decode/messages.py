"""Vectorised decoding of AIS message payloads into position and identity columns.

Bit layouts are those of ITU-R M.1371-5 annex 8 (as tabulated in gpsd's AIVDM.adoc and
implemented by pyais, which the tests use as the oracle, field for field). Scaling follows
pyais: latitude and longitude are rounded to 1e-6 degree (0.11 m), speed is 0.1 knot,
course 0.1 degree. "Not available" codes become NULL (a masked value):

=================  ====================================  =======================
field              not available                         source
=================  ====================================  =======================
lat / lon          91 / 181 degrees (no position)        M.1371-5 table 46
sog                1023 (102.3 kn); type 27: 63          table 46, table 82
cog                3600 (360.0 deg); type 27: 511        table 46, table 82
heading            511                                   table 46
second             60 (n/a), 61, 62, 63 (system modes)    table 46
rot                -128 (n/a); +-127 (no turn indicator)  table 46
=================  ====================================  =======================

Message sizes are checked as gpsd checks them; a payload of the wrong size is rejected.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from maritime.decode.sixbit import Bits, payload_matrix, words_hash

POSITION_TYPES = (1, 2, 3, 18, 19, 27)
IDENTITY_TYPES = (5, 19, 24)

#: Standard payload sizes in bits (ITU-R M.1371-5 annex 8). A payload may be up to five
#: bits shorter (the fill bits of its last character) and up to 36 bits (six characters)
#: longer, the extra bits ignored: gpsd accepts type 1 reports of 163 to 204 bits, GFW's
#: ais-tools decodes over-long type 1 payloads from their first 28 characters, and pyais
#: ignores extra bits. Anything shorter or longer is rejected (``bad_length``). Type 27
#: also comes padded to a full slot (168 bits), which gpsd accepts.
STANDARD_BITS: dict[int, int] = {1: 168, 2: 168, 3: 168, 18: 168, 19: 312, 27: 96, 5: 424}
#: Type 24 part A is 160 bits, part B 168.
TYPE24_BITS = (160, 168)
FILL_SLACK = 5
EXTRA_BITS = 36
TYPE27_MAX_BITS = 168

_LAT_NA_RAW, _LON_NA_RAW = 91 * 600_000, 181 * 600_000
_LAT27_NA_RAW, _LON27_NA_RAW = 91 * 600, 181 * 600


@dataclass(slots=True)
class Columns:
    """Decoded columns for a subset of messages; ``msg`` indexes the input messages."""

    msg: np.ndarray
    values: dict[str, np.ndarray]  # numpy arrays; masked arrays where NULLs occur


@dataclass(slots=True)
class Decoded:
    mmsi: np.ndarray
    positions: Columns
    identities: Columns
    no_position: np.ndarray  # indices of position reports without a valid position
    rejects: list[tuple[np.ndarray, str]]  # (message indices, reason)
    msg_type: np.ndarray  # per input message (0 for an empty payload)
    msg_hash: np.ndarray  # per input message: hash of the payload
    mmsi: np.ndarray  # per input message (-1 when the payload is too short to hold one)


def _masked(values: np.ndarray, invalid: np.ndarray) -> np.ma.MaskedArray:
    return np.ma.masked_array(values, mask=invalid)


def _lat_lon(raw_lat: np.ndarray, raw_lon: np.ndarray, per_degree: int) -> tuple[np.ndarray, np.ndarray]:
    if per_degree == 600_000:
        lat = np.floor_divide(raw_lat * 10 + 3, 6) / 1e6
        lon = np.floor_divide(raw_lon * 10 + 3, 6) / 1e6
    else:  # 1/10 minute (type 27)
        lat = np.floor_divide(raw_lat * 10_000 + 3, 6) / 1e6
        lon = np.floor_divide(raw_lon * 10_000 + 3, 6) / 1e6
    return lat, lon


def _rot(raw: np.ndarray) -> np.ma.MaskedArray:
    """ROT_AIS → degrees per minute, sign kept, rounded to a whole degree as pyais does."""
    value = np.copysign(np.round((raw / 4.733) ** 2), raw)
    return _masked(value.astype(np.float32), (raw == -128) | (np.abs(raw) == 127))


def _eta(m: Bits, month0: int) -> np.ndarray:
    """ETA as broadcast, "MM-DDTHH:MM" (no year is sent), NULL when any part is n/a."""
    month = m.uint(month0, 4)
    day = m.uint(month0 + 4, 5)
    hour = m.uint(month0 + 9, 5)
    minute = m.uint(month0 + 14, 6)
    ok = (month >= 1) & (month <= 12) & (day >= 1) & (hour <= 23) & (minute <= 59)
    code = np.where(ok, ((month * 32 + day) * 32 + hour) * 64 + minute, -1)
    uniq, inverse = np.unique(code, return_inverse=True)
    texts = np.array(
        [None if c < 0 else f"{c >> 16:02d}-{(c >> 11) & 31:02d}T{(c >> 6) & 31:02d}:{c & 63:02d}" for c in uniq.tolist()],
        dtype=object,
    )
    return texts[inverse] if len(code) else np.empty(0, dtype=object)


def _zero_null(values: np.ndarray) -> np.ma.MaskedArray:
    return _masked(values, values == 0)


def _position_fields(m: Bits, kind: str) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Position columns for one layout; returns (columns, no_position mask, out_of_range mask)."""
    n = m.n
    cols: dict[str, np.ndarray] = {"mmsi": m.uint(8, 30)}
    if kind == "27":
        raw_lon, raw_lat = m.int(44, 18), m.int(62, 17)
        na = (raw_lat == _LAT27_NA_RAW) | (raw_lon == _LON27_NA_RAW)
        lat, lon = _lat_lon(raw_lat, raw_lon, 600)
        sog = m.uint(79, 6)
        cog = m.uint(85, 9)
        cols["sog"] = _masked(sog.astype(np.float32), sog == 63)
        cols["cog"] = _masked(cog.astype(np.float32), cog >= 360)
        cols["heading"] = _masked(np.zeros(n, np.int16), np.ones(n, bool))
        cols["nav_status"] = m.uint(40, 4).astype(np.int8)
        cols["rot"] = _masked(np.zeros(n, np.float32), np.ones(n, bool))
        cols["accuracy"] = m.uint(38, 1).astype(bool)
        cols["second"] = _masked(np.zeros(n, np.int8), np.ones(n, bool))
    else:
        if kind == "A":  # types 1, 2, 3
            o = 0
            cols["nav_status"] = m.uint(38, 4).astype(np.int8)
            cols["rot"] = _rot(m.int(42, 8))
        else:  # types 18, 19: no status, no rate of turn
            o = 4
            cols["nav_status"] = _masked(np.zeros(n, np.int8), np.ones(n, bool))
            cols["rot"] = _masked(np.zeros(n, np.float32), np.ones(n, bool))
        sog = m.uint(50 - o, 10)
        cols["accuracy"] = m.uint(60 - o, 1).astype(bool)
        raw_lon, raw_lat = m.int(61 - o, 28), m.int(89 - o, 27)
        cog = m.uint(116 - o, 12)
        heading = m.uint(128 - o, 9)
        second = m.uint(137 - o, 6)
        na = (raw_lat == _LAT_NA_RAW) | (raw_lon == _LON_NA_RAW)
        lat, lon = _lat_lon(raw_lat, raw_lon, 600_000)
        cols["sog"] = _masked((sog / 10.0).astype(np.float32), sog == 1023)
        cols["cog"] = _masked((cog / 10.0).astype(np.float32), cog >= 3600)
        cols["heading"] = _masked(heading.astype(np.int16), heading >= 360)
        cols["second"] = _masked(second.astype(np.int8), second >= 60)
    cols["lat"], cols["lon"] = lat, lon
    out_of_range = ~na & ((np.abs(lat) > 90) | (np.abs(lon) > 180))
    return cols, na, out_of_range


def _identity_type5(m: Bits) -> dict[str, np.ndarray]:
    return {
        "mmsi": m.uint(8, 30),
        "part": _masked(np.zeros(m.n, np.int8), np.ones(m.n, bool)),
        "imo": _zero_null(m.uint(40, 30)),
        "callsign": m.text(70, 7),
        "name": m.text(112, 20),
        "ship_type": _zero_null(m.uint(232, 8)),
        "to_bow": _zero_null(m.uint(240, 9)),
        "to_stern": _zero_null(m.uint(249, 9)),
        "to_port": _zero_null(m.uint(258, 6)),
        "to_starboard": _zero_null(m.uint(264, 6)),
        "draught": _zero_null(m.uint(294, 8) / 10.0),
        "destination": m.text(302, 20),
        "eta": _eta(m, 274),
    }


def _identity_type19(m: Bits) -> dict[str, np.ndarray]:
    n = m.n
    none = np.full(n, None, dtype=object)
    masked = np.ones(n, bool)
    return {
        "mmsi": m.uint(8, 30),
        "part": _masked(np.zeros(n, np.int8), masked),
        "imo": _masked(np.zeros(n, np.int64), masked),
        "callsign": none,
        "name": m.text(143, 20),
        "ship_type": _zero_null(m.uint(263, 8)),
        "to_bow": _zero_null(m.uint(271, 9)),
        "to_stern": _zero_null(m.uint(280, 9)),
        "to_port": _zero_null(m.uint(289, 6)),
        "to_starboard": _zero_null(m.uint(295, 6)),
        "draught": _masked(np.zeros(n), masked),
        "destination": none,
        "eta": none,
    }


def _identity_type24(m: Bits) -> dict[str, np.ndarray]:
    n = m.n
    mmsi = m.uint(8, 30)
    part = m.uint(38, 2)
    is_a, is_b = part == 0, part == 1
    auxiliary = (mmsi // 10_000_000) == 98  # 98XXXYYYY: dimensions hold the mother ship's MMSI
    dims_ok = is_b & ~auxiliary
    name = m.text(40, 20)
    name[~is_a] = None
    callsign = m.text(90, 7)
    callsign[~is_b] = None
    masked = np.ones(n, bool)
    return {
        "mmsi": mmsi,
        "part": part.astype(np.int8),
        "imo": _masked(np.zeros(n, np.int64), masked),
        "callsign": callsign,
        "name": name,
        "ship_type": _masked(m.uint(40, 8), ~is_b | (m.uint(40, 8) == 0)),
        "to_bow": _masked(m.uint(132, 9), ~dims_ok | (m.uint(132, 9) == 0)),
        "to_stern": _masked(m.uint(141, 9), ~dims_ok | (m.uint(141, 9) == 0)),
        "to_port": _masked(m.uint(150, 6), ~dims_ok | (m.uint(150, 6) == 0)),
        "to_starboard": _masked(m.uint(156, 6), ~dims_ok | (m.uint(156, 6) == 0)),
        "draught": _masked(np.zeros(n), masked),
        "destination": np.full(n, None, dtype=object),
        "eta": np.full(n, None, dtype=object),
    }


def _concat(parts: list[Columns]) -> Columns:
    parts = [p for p in parts if len(p.msg)]
    if not parts:
        return Columns(msg=np.zeros(0, np.int64), values={})
    keys = parts[0].values.keys()
    values = {}
    for k in keys:
        arrays = [p.values[k] for p in parts]
        if any(isinstance(a, np.ma.MaskedArray) for a in arrays):
            values[k] = np.ma.concatenate([np.ma.asarray(a) for a in arrays])
        elif arrays[0].dtype == object:
            values[k] = np.concatenate(arrays)
        else:
            values[k] = np.concatenate(arrays)
    return Columns(msg=np.concatenate([p.msg for p in parts]), values=values)


def decode_payloads(values: np.ndarray, starts: np.ndarray, ends: np.ndarray, fill: np.ndarray) -> Decoded:
    """Decode many payloads given as six-bit ``values[starts[i]:ends[i]]``.

    ``fill`` is the fill-bit count of each payload's last sentence. Returns position and
    identity columns, the indices of position reports with no position, rejects by reason,
    and every message's type for counting.
    """
    n = len(starts)
    nchars = ends - starts
    bits = nchars * 6 - fill
    msg_type = np.where(nchars > 0, values[np.minimum(starts, max(len(values) - 1, 0))], 0)
    msg_type = msg_type.astype(np.int16)
    rejects: list[tuple[np.ndarray, str]] = []
    bad_type = (msg_type < 1) | (msg_type > 27)
    rejects.append((np.flatnonzero(bad_type), "invalid_message_type"))
    size_ok = np.ones(n, dtype=bool)
    for t, standard in STANDARD_BITS.items():
        is_t = msg_type == t
        longest = TYPE27_MAX_BITS if t == 27 else standard + EXTRA_BITS
        size_ok[is_t] = (bits[is_t] >= standard - FILL_SLACK) & (bits[is_t] <= longest)
    is_24 = np.flatnonzero(msg_type == 24)
    part_b = (values[np.minimum(starts[is_24] + 6, max(len(values) - 1, 0))] >> 2) & 3 == 1  # bits 38-39
    standard_24 = np.where(part_b, TYPE24_BITS[1], TYPE24_BITS[0])
    size_ok[is_24] = (bits[is_24] >= standard_24 - FILL_SLACK) & (bits[is_24] <= standard_24 + EXTRA_BITS)
    rejects.append((np.flatnonzero(~size_ok & ~bad_type), "bad_length"))

    pos_parts: list[Columns] = []
    id_parts: list[Columns] = []
    no_position: list[np.ndarray] = []
    msg_hash = np.zeros(n, dtype=np.uint64)
    layouts = (((1, 2, 3), "A", 28), ((18,), "B", 28), ((19,), "B", 52), ((27,), "27", 28))
    for types, kind, width in layouts:
        idx = np.flatnonzero(np.isin(msg_type, types) & size_ok)
        if not len(idx):
            continue
        m = Bits(payload_matrix(values, starts[idx], ends[idx], width))
        msg_hash[idx] = words_hash(m, nchars[idx])
        cols, na, out_of_range = _position_fields(m, kind)
        cols["msg_type"] = msg_type[idx].astype(np.int8)
        rejects.append((idx[out_of_range], "position_out_of_range"))
        no_position.append(idx[na])
        keep = ~na & ~out_of_range
        pos_parts.append(Columns(idx[keep], {k: v[keep] for k, v in cols.items()}))
        if types == (19,):
            id_parts.append(Columns(idx, _identity_type19(m) | {"msg_type": np.full(len(idx), 19, np.int8)}))
    for t, width, fn in ((5, 71, _identity_type5), (24, 29, _identity_type24)):
        idx = np.flatnonzero((msg_type == t) & size_ok)
        if not len(idx):
            continue
        m = Bits(payload_matrix(values, starts[idx], ends[idx], width))
        msg_hash[idx] = words_hash(m, nchars[idx])
        cols = fn(m)
        if t == 24:
            bad_part = np.asarray(cols["part"]) > 1
            rejects.append((idx[bad_part], "bad_part_number"))
            keep = ~bad_part
            idx = idx[keep]
            cols = {k: v[keep] for k, v in cols.items()}
        cols["msg_type"] = np.full(len(idx), t, np.int8)
        id_parts.append(Columns(idx, cols))
    # Every other message type is counted, not stored: it needs an MMSI and a hash only
    # so that its duplicate receptions are counted once.
    rest = np.flatnonzero(~np.isin(msg_type, (1, 2, 3, 5, 18, 19, 24, 27)) & (nchars >= 7))
    if len(rest):
        width = int(nchars[rest].max())
        msg_hash[rest] = words_hash(Bits(payload_matrix(values, starts[rest], ends[rest], width)), nchars[rest])
    head = Bits(payload_matrix(values, starts, np.minimum(ends, starts + 7), 7))
    return Decoded(
        mmsi=np.where(nchars >= 7, head.uint(8, 30), -1),
        positions=_concat(pos_parts),
        identities=_concat(id_parts),
        no_position=np.concatenate(no_position) if no_position else np.zeros(0, np.int64),
        rejects=[(i, r) for i, r in rejects if len(i)],
        msg_type=msg_type,
        msg_hash=msg_hash,
    )
