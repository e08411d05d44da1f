"""Vectorised decoding of AIS message payloads into position and identity columns.

Bit layouts are those of ITU-R M.1371-5 annex 8 (as tabulated in gpsd's AIVDM.adoc and
implemented by pyais, which the tests use as the oracle, field for field). Scaling follows
pyais: latitude and longitude are rounded to 1e-6 degree (0.11 m), speed is 0.1 knot,
course 0.1 degree. "Not available" codes become NULL:

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

Message sizes are checked as gpsd checks them: a payload too short for its type is rejected,
a longer one is decoded from its first bits.

Position and identity reports are decoded by compiled (numba) passes over the six-bit
values: a payload is packed into 60-bit words exactly as :class:`~maritime.decode.sixbit.Bits`
packs a row of a payload matrix (zero-padded or cut to a fixed width per layout), fields are
read by bit offset and width as the standard's tables give them, and the payload hash is
:func:`~maritime.decode.sixbit.words_hash` of those words, so it is the same in every batch.

(Over 500 lines on purpose: the message tables of the standard, field by field, and the two
compiled kernels that read them belong together; split, each half would be read with the
other open.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numba
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from maritime.decode.sixbit import _TEXT, Bits, payload_matrix, words_hash
from maritime.decode.unavailable import (
    COG_NOT_AVAILABLE_RAW,
    LAT27_NOT_AVAILABLE_RAW,
    LAT_NOT_AVAILABLE_RAW,
    LON27_NOT_AVAILABLE_RAW,
    LON_NOT_AVAILABLE_RAW,
    ROT_NOT_AVAILABLE_RAW,
    SECOND_NOT_AVAILABLE,
    SOG_NOT_AVAILABLE_RAW,
)

_U8 = npt.NDArray[np.uint8]
_U64 = npt.NDArray[np.uint64]
_I64 = npt.NDArray[np.int64]
_Bool = npt.NDArray[np.bool_]

POSITION_TYPES = (1, 2, 3, 18, 19, 27)
IDENTITY_TYPES = (5, 19, 24)

#: Standard payload sizes in bits (ITU-R M.1371-5 annex 8). A payload may be up to five
#: bits shorter (the fill bits of its last character), which still holds every stored
#: field, and any number of bits longer, the extra bits ignored: gpsd decodes over-long
#: reports of every type from their first bits (it only warns), GFW's ais-tools decodes
#: over-long type 1 payloads from their first 28 characters, and pyais ignores extra bits.
#: Real feeds carry them (AISHub: type 1 of 186 bits, type 5 of 462 bits). Anything
#: shorter is rejected (``bad_length``).
STANDARD_BITS: dict[int, int] = {1: 168, 2: 168, 3: 168, 18: 168, 19: 312, 27: 96, 5: 424}
#: Type 24 part A is 160 bits, part B 168.
TYPE24_BITS = (160, 168)
FILL_SLACK = 5

_LAT_NA_RAW, _LON_NA_RAW = LAT_NOT_AVAILABLE_RAW, LON_NOT_AVAILABLE_RAW
_LAT27_NA_RAW, _LON27_NA_RAW = LAT27_NOT_AVAILABLE_RAW, LON27_NOT_AVAILABLE_RAW


@dataclass(slots=True)
class Columns:
    """Decoded columns for a subset of messages; ``msg`` indexes the input messages.

    ``values`` holds numpy arrays (or Arrow string arrays); ``nulls`` holds, for numeric
    columns that have NULLs, a boolean array that is True where the value is NULL (the
    value there is meaningless). Arrow arrays carry their own NULLs. Message ``msg[i]``'s
    values are at ``rows[i]`` of the arrays (at ``i`` when ``rows`` is None), so a subset
    of decoded rows is selected without copying the columns.
    """

    msg: npt.NDArray[np.int64]
    values: Mapping[str, npt.NDArray[Any] | pa.Array]
    nulls: Mapping[str, npt.NDArray[np.bool_]] = field(default_factory=dict)
    rows: npt.NDArray[np.int64] | None = None

    def select(self, rows: npt.NDArray[np.int64]) -> Columns:
        """The messages at the given positions of ``msg``, in that order."""
        base = rows if self.rows is None else self.rows[rows]
        return Columns(self.msg[rows], self.values, self.nulls, base)

    def value_rows(self, positions: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Rows of the value arrays of the messages at ``positions`` of ``msg``."""
        return positions if self.rows is None else self.rows[positions]


@dataclass(slots=True)
class Decoded:
    positions: Columns
    identities: Columns
    no_position: npt.NDArray[np.int64]  # indices of position reports without a valid position
    rejects: list[tuple[npt.NDArray[np.int64], str]]  # (message indices, reason)
    msg_type: npt.NDArray[np.int16]  # per input message (0 for an empty payload)
    msg_hash: npt.NDArray[np.uint64]  # per input message: hash of the payload
    mmsi: npt.NDArray[np.int64]  # per input message (-1 when the payload is too short to hold one)


# -- compiled helpers: packing, fields, hash --------------------------------------------------

#: Matrix widths in characters each layout is decoded (and hashed) at.
POSITION_WIDTH = 28
TYPE19_WIDTH = 52
TYPE5_WIDTH = 71
TYPE24_WIDTH = 29
_MAX_WORDS = (TYPE5_WIDTH + 9) // 10 + 1


@numba.njit(cache=True, inline="always")
def _pack(values: _U8, start: int, nchars: int, width: int, words: _U64) -> int:
    """Pack payload ``values[start:start + nchars]``, cut or zero-padded to ``width``
    characters, into 60-bit words (ten characters each) followed by one zero word, as
    :class:`~maritime.decode.sixbit.Bits` does. Returns the number of words used."""
    nwords = (width + 9) // 10
    n = min(nchars, width)
    for w in range(nwords):
        acc = np.uint64(0)
        for k in range(10):
            col = w * 10 + k
            acc <<= np.uint64(6)
            if col < n:
                acc |= np.uint64(values[start + col])
        words[w] = acc
    words[nwords] = np.uint64(0)
    return nwords + 1


@numba.njit(cache=True, inline="always")
def _hash(words: _U64, nused: int, nchars: int) -> np.uint64:
    """:func:`~maritime.decode.sixbit.words_hash` of one packed payload."""
    mult = np.uint64(0x9E3779B97F4A7C15)
    h = np.uint64(nchars) * np.uint64(0xFF51AFD7ED558CCD)
    for w in range(nused):
        h = (h ^ words[w]) * mult
        h ^= h >> np.uint64(29)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(29)
    return h


@numba.njit(cache=True, inline="always")
def _field(words: _U64, start: int, width: int) -> np.int64:
    """Unsigned field of ``width`` bits (<= 57) at bit ``start`` of a packed payload."""
    w0 = start // 60
    end = start % 60 + width
    if end <= 60:
        value = words[w0] >> np.uint64(60 - end)
    else:
        value = (words[w0] << np.uint64(end - 60)) | (words[w0 + 1] >> np.uint64(120 - end))
    return np.int64(value & np.uint64((1 << width) - 1))


@numba.njit(cache=True, inline="always")
def _signed(raw: np.int64, width: int) -> np.int64:
    """Two's-complement value of a ``width``-bit field."""
    sign = np.int64(1) << np.int64(width - 1)
    return (raw ^ sign) - sign


# -- position reports ---------------------------------------------------------------------

#: Column order of the position kernel's null mask.
_POSITION_NULLABLE = ("sog", "cog", "heading", "nav_status", "rot", "second")


@numba.njit(cache=True)
def _position_kernel(
    values: _U8,
    starts: _I64,
    nchars: _I64,
    msg_type: _I64,
    mmsi: _I64,
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    sog: npt.NDArray[np.float32],
    cog: npt.NDArray[np.float32],
    heading: npt.NDArray[np.int16],
    nav_status: npt.NDArray[np.int8],
    rot: npt.NDArray[np.float32],
    accuracy: _Bool,
    second: npt.NDArray[np.int8],
    nulls: _Bool,
    msg_hash: _U64,
    no_position: _Bool,
    out_of_range: _Bool,
) -> None:
    """Decode position reports of types 1, 2, 3, 18, 19 and 27 (ITU-R M.1371-5 annex 8).

    Inputs per row: the payload ``values[starts[r]:starts[r] + nchars[r]]`` (six-bit values)
    and its message type. Outputs per row (arrays sized like ``starts``): the columns in
    their storage units (degrees, knots, degrees/minute), ``nulls[r, k]`` True where column
    ``_POSITION_NULLABLE[k]`` is not available, the payload hash, and whether the report has
    no position (lat 91 / lon 181) or one out of range.
    """
    words = np.zeros(_MAX_WORDS, dtype=np.uint64)
    for r in range(len(starts)):
        t = msg_type[r]
        nused = _pack(values, starts[r], nchars[r], TYPE19_WIDTH if t == 19 else POSITION_WIDTH, words)
        msg_hash[r] = _hash(words, nused, nchars[r])
        mmsi[r] = _field(words, 8, 30)
        for k in range(nulls.shape[1]):
            nulls[r, k] = False
        if t == 27:
            raw_lon = _signed(_field(words, 44, 18), 18)
            raw_lat = _signed(_field(words, 62, 17), 17)
            na = raw_lat == _LAT27_NA_RAW or raw_lon == _LON27_NA_RAW
            la = ((raw_lat * 10_000 + 3) // 6) / 1e6  # 1/10 minute -> 1e-6 degree, rounded
            lo = ((raw_lon * 10_000 + 3) // 6) / 1e6
            v = _field(words, 79, 6)
            sog[r] = np.float32(v)
            nulls[r, 0] = v == 63
            v = _field(words, 85, 9)
            cog[r] = np.float32(v)
            nulls[r, 1] = v >= 360
            heading[r] = 0
            nulls[r, 2] = True
            nav_status[r] = _field(words, 40, 4)
            rot[r] = 0.0
            nulls[r, 4] = True
            accuracy[r] = _field(words, 38, 1) == 1
            second[r] = 0
            nulls[r, 5] = True
        else:
            if t == 18 or t == 19:  # Class B: no status, no rate of turn, fields 4 bits earlier
                o = 4
                nav_status[r] = 0
                nulls[r, 3] = True
                rot[r] = 0.0
                nulls[r, 4] = True
            else:  # types 1, 2, 3
                o = 0
                nav_status[r] = _field(words, 38, 4)
                raw_rot = _signed(_field(words, 42, 8), 8)
                # ROT_AIS -> degrees/minute, sign kept, rounded to a whole degree as pyais does
                x = raw_rot / 4.733
                rot[r] = np.float32(np.copysign(np.round(x * x), np.float64(raw_rot)))
                nulls[r, 4] = raw_rot == ROT_NOT_AVAILABLE_RAW or raw_rot == 127 or raw_rot == -127
            v = _field(words, 50 - o, 10)
            sog[r] = np.float32(v / 10.0)
            nulls[r, 0] = v == SOG_NOT_AVAILABLE_RAW
            accuracy[r] = _field(words, 60 - o, 1) == 1
            raw_lon = _signed(_field(words, 61 - o, 28), 28)
            raw_lat = _signed(_field(words, 89 - o, 27), 27)
            v = _field(words, 116 - o, 12)
            cog[r] = np.float32(v / 10.0)
            nulls[r, 1] = v >= COG_NOT_AVAILABLE_RAW
            v = _field(words, 128 - o, 9)
            heading[r] = v
            nulls[r, 2] = v >= 360
            v = _field(words, 137 - o, 6)
            second[r] = v
            nulls[r, 5] = v >= SECOND_NOT_AVAILABLE
            na = raw_lat == _LAT_NA_RAW or raw_lon == _LON_NA_RAW
            la = ((raw_lat * 10 + 3) // 6) / 1e6  # 1/10000 minute -> 1e-6 degree, rounded
            lo = ((raw_lon * 10 + 3) // 6) / 1e6
        lat[r] = la
        lon[r] = lo
        no_position[r] = na
        out_of_range[r] = (not na) and (abs(la) > 90 or abs(lo) > 180)


@dataclass(slots=True)
class _PositionReports:
    columns: Columns  # every report given, its position valid or not
    msg_hash: npt.NDArray[np.uint64]
    no_position: npt.NDArray[np.bool_]  # lat 91 or lon 181
    out_of_range: npt.NDArray[np.bool_]  # |lat| > 90 or |lon| > 180 otherwise


def decode_positions(
    values: _U8, starts: _I64, nchars: _I64, msg_type: npt.NDArray[np.int16], msg: _I64
) -> _PositionReports:
    """Decode position reports (types 1, 2, 3, 18, 19, 27) of valid sizes.

    ``values[starts[i]:starts[i] + nchars[i]]`` is report ``i``'s payload (six-bit values),
    ``msg`` its message index. Units: degrees, knots, degrees/minute.
    """
    n = len(starts)
    out: dict[str, npt.NDArray[Any]] = {
        "mmsi": np.empty(n, np.int64),
        "lat": np.empty(n, np.float64),
        "lon": np.empty(n, np.float64),
        "sog": np.empty(n, np.float32),
        "cog": np.empty(n, np.float32),
        "heading": np.empty(n, np.int16),
        "nav_status": np.empty(n, np.int8),
        "rot": np.empty(n, np.float32),
        "accuracy": np.empty(n, np.bool_),
        "second": np.empty(n, np.int8),
    }
    nulls = np.empty((n, len(_POSITION_NULLABLE)), dtype=np.bool_)
    msg_hash = np.empty(n, np.uint64)
    no_position = np.empty(n, np.bool_)
    out_of_range = np.empty(n, np.bool_)
    if n:
        _position_kernel(
            values,
            starts.astype(np.int64, copy=False),
            nchars.astype(np.int64, copy=False),
            msg_type.astype(np.int64, copy=False),
            out["mmsi"],
            out["lat"],
            out["lon"],
            out["sog"],
            out["cog"],
            out["heading"],
            out["nav_status"],
            out["rot"],
            out["accuracy"],
            out["second"],
            nulls,
            msg_hash,
            no_position,
            out_of_range,
        )
    out["msg_type"] = msg_type.astype(np.int8)
    columns = Columns(msg, out, {name: nulls[:, k] for k, name in enumerate(_POSITION_NULLABLE)})
    return _PositionReports(columns, msg_hash, no_position, out_of_range)


# -- identity and voyage reports ---------------------------------------------------------

#: Numeric identity columns, in the order of the kernel's value and null matrices.
_IDENTITY_NUMBERS = ("part", "imo", "ship_type", "to_bow", "to_stern", "to_port", "to_starboard", "draught")
#: Text identity columns, in the order of the kernel's text outputs.
_IDENTITY_TEXTS = ("callsign", "name", "destination", "eta")
#: Most bytes a text column takes per report (20 six-bit characters; ETA "MM-DDTHH:MM").
_TEXT_BYTES = 20


@numba.njit(cache=True, inline="always")
def _text(words: _U64, start: int, nchars: int, alphabet: _U8, out: _U8, pos: int) -> int:
    """Six-bit text of ``nchars`` characters at bit ``start``, written at ``out[pos:]``
    without trailing ``@`` padding and surrounding spaces (as pyais and gpsd do). Returns
    the number of bytes written (0: NULL)."""
    end = nchars
    while end > 0 and _field(words, start + 6 * (end - 1), 6) == 0:  # '@'
        end -= 1
    while end > 0 and _field(words, start + 6 * (end - 1), 6) == 32:  # ' '
        end -= 1
    begin = 0
    while begin < end and _field(words, start + 6 * begin, 6) == 32:
        begin += 1
    for j in range(begin, end):
        out[pos + j - begin] = alphabet[_field(words, start + 6 * j, 6)]
    return end - begin


@numba.njit(cache=True, inline="always")
def _two_digits(value: np.int64, out: _U8, pos: int) -> None:
    out[pos] = 48 + value // 10
    out[pos + 1] = 48 + value % 10


@numba.njit(cache=True, inline="always")
def _eta(words: _U64, start: int, out: _U8, pos: int) -> int:
    """ETA at bit ``start`` as broadcast, "MM-DDTHH:MM" (no year is sent), written at
    ``out[pos:]``; returns 11, or 0 (NULL) when any part is not available."""
    month = _field(words, start, 4)
    day = _field(words, start + 4, 5)
    hour = _field(words, start + 9, 5)
    minute = _field(words, start + 14, 6)
    if not (1 <= month <= 12 and day >= 1 and hour <= 23 and minute <= 59):
        return 0
    _two_digits(month, out, pos)
    out[pos + 2] = 45  # '-'
    _two_digits(day, out, pos + 3)
    out[pos + 5] = 84  # 'T'
    _two_digits(hour, out, pos + 6)
    out[pos + 8] = 58  # ':'
    _two_digits(minute, out, pos + 9)
    return 11


@numba.njit(cache=True)
def _identity_kernel(
    values: _U8,
    starts: _I64,
    nchars: _I64,
    msg_type: _I64,
    alphabet: _U8,
    mmsi: _I64,
    numbers: _I64,
    nulls: _Bool,
    text: _U8,
    text_offsets: _I64,
    msg_hash: _U64,
    bad_part: _Bool,
) -> None:
    """Decode identity and voyage reports: types 5, 19 (its static part) and 24 A/B.

    Per row: ``numbers[r, k]`` is column ``_IDENTITY_NUMBERS[k]`` (draught in decimetres),
    ``nulls[r, k]`` True where it is not available (zero, or not in this message kind);
    text column ``c`` is ``text[c, text_offsets[c, r]:text_offsets[c, r + 1]]`` (empty =
    NULL). ``msg_hash`` is written for types 5 and 24 (type 19's comes with its position);
    ``bad_part`` marks type 24 reports with a part number other than 0 (A) or 1 (B).
    """
    words = np.zeros(_MAX_WORDS, dtype=np.uint64)
    lengths = np.zeros(4, dtype=np.int64)  # bytes of callsign, name, destination, eta
    n_num = numbers.shape[1]
    for c in range(text.shape[0]):
        text_offsets[c, 0] = 0
    for r in range(len(starts)):
        t = msg_type[r]
        width = TYPE5_WIDTH if t == 5 else (TYPE19_WIDTH if t == 19 else TYPE24_WIDTH)
        nused = _pack(values, starts[r], nchars[r], width, words)
        if t != 19:
            msg_hash[r] = _hash(words, nused, nchars[r])
        m = _field(words, 8, 30)
        mmsi[r] = m
        for k in range(n_num):
            numbers[r, k] = 0
            nulls[r, k] = True
        lengths[:] = 0
        bad_part[r] = False
        if t == 5:
            numbers[r, 1] = _field(words, 40, 30)  # imo
            lengths[0] = _text(words, 70, 7, alphabet, text[0], text_offsets[0, r])
            lengths[1] = _text(words, 112, 20, alphabet, text[1], text_offsets[1, r])
            numbers[r, 2] = _field(words, 232, 8)  # ship type
            numbers[r, 3] = _field(words, 240, 9)  # to bow
            numbers[r, 4] = _field(words, 249, 9)  # to stern
            numbers[r, 5] = _field(words, 258, 6)  # to port
            numbers[r, 6] = _field(words, 264, 6)  # to starboard
            lengths[3] = _eta(words, 274, text[3], text_offsets[3, r])
            numbers[r, 7] = _field(words, 294, 8)  # draught, 1/10 m
            lengths[2] = _text(words, 302, 20, alphabet, text[2], text_offsets[2, r])
            for k in range(1, 8):
                nulls[r, k] = numbers[r, k] == 0
        elif t == 19:
            lengths[1] = _text(words, 143, 20, alphabet, text[1], text_offsets[1, r])
            numbers[r, 2] = _field(words, 263, 8)
            numbers[r, 3] = _field(words, 271, 9)
            numbers[r, 4] = _field(words, 280, 9)
            numbers[r, 5] = _field(words, 289, 6)
            numbers[r, 6] = _field(words, 295, 6)
            for k in range(2, 7):
                nulls[r, k] = numbers[r, k] == 0
        else:  # type 24: part A holds the name, part B the type, call sign and dimensions
            part = _field(words, 38, 2)
            numbers[r, 0] = part
            nulls[r, 0] = False
            bad_part[r] = part > 1
            if part == 0:
                lengths[1] = _text(words, 40, 20, alphabet, text[1], text_offsets[1, r])
            elif part == 1:
                lengths[0] = _text(words, 90, 7, alphabet, text[0], text_offsets[0, r])
                numbers[r, 2] = _field(words, 40, 8)
                nulls[r, 2] = numbers[r, 2] == 0
                # an auxiliary craft (98XXXYYYY) sends its mother ship's MMSI instead
                if m // 10_000_000 != 98:
                    numbers[r, 3] = _field(words, 132, 9)
                    numbers[r, 4] = _field(words, 141, 9)
                    numbers[r, 5] = _field(words, 150, 6)
                    numbers[r, 6] = _field(words, 156, 6)
                    for k in range(3, 7):
                        nulls[r, k] = numbers[r, k] == 0
        for c in range(4):
            text_offsets[c, r + 1] = text_offsets[c, r] + lengths[c]


def _string_array(data: _U8, offsets: _I64) -> pa.Array:
    """An Arrow string array from UTF-8 bytes and offsets; an empty string is NULL."""
    n = len(offsets) - 1
    valid = offsets[1:] > offsets[:-1]
    return pa.StringArray.from_buffers(
        n,
        pa.py_buffer(offsets.astype(np.int32)),
        pa.py_buffer(data[: offsets[-1]]),
        pa.py_buffer(np.packbits(valid, bitorder="little")),
        n - int(np.count_nonzero(valid)),
    )


@dataclass(slots=True)
class _IdentityReports:
    columns: Columns
    msg_hash: npt.NDArray[np.uint64]  # types 5 and 24 only
    bad_part: _Bool  # type 24 with a part number other than A or B


def decode_identities(
    values: _U8, starts: _I64, nchars: _I64, msg_type: npt.NDArray[np.int16], msg: _I64
) -> _IdentityReports:
    """Decode identity and voyage reports (types 5, 19 and 24) of valid sizes.

    Units: dimensions metres, draught metres. Text has its ``@`` padding and surrounding
    spaces removed; empty text and "not available" values are NULL.
    """
    n = len(starts)
    mmsi = np.empty(n, np.int64)
    numbers = np.empty((n, len(_IDENTITY_NUMBERS)), np.int64)
    nulls = np.empty((n, len(_IDENTITY_NUMBERS)), np.bool_)
    text = np.empty((len(_IDENTITY_TEXTS), n * _TEXT_BYTES), np.uint8)
    text_offsets = np.zeros((len(_IDENTITY_TEXTS), n + 1), np.int64)
    msg_hash = np.zeros(n, np.uint64)
    bad_part = np.zeros(n, np.bool_)
    if n:
        _identity_kernel(
            values,
            starts.astype(np.int64, copy=False),
            nchars.astype(np.int64, copy=False),
            msg_type.astype(np.int64, copy=False),
            _TEXT,
            mmsi,
            numbers,
            nulls,
            text,
            text_offsets,
            msg_hash,
            bad_part,
        )
    out: dict[str, npt.NDArray[Any] | pa.Array] = {"mmsi": mmsi}
    null_of: dict[str, _Bool] = {}
    for k, name in enumerate(_IDENTITY_NUMBERS):
        out[name] = numbers[:, k] / 10.0 if name == "draught" else numbers[:, k]
        null_of[name] = nulls[:, k]
    for c, name in enumerate(_IDENTITY_TEXTS):
        out[name] = _string_array(text[c], text_offsets[c])
    out["msg_type"] = msg_type.astype(np.int8)
    return _IdentityReports(Columns(msg, out, null_of), msg_hash, bad_part)


# -- all messages ----------------------------------------------------------------------------


@numba.njit(cache=True)
def _header_mmsi(values: _U8, starts: _I64, nchars: _I64, mmsi: _I64) -> None:
    """Source MMSI (bits 8-37) of every payload of at least 7 characters, else -1."""
    for r in range(len(starts)):
        if nchars[r] < 7:
            mmsi[r] = -1
            continue
        s = starts[r]
        acc = np.int64(0)
        for k in range(7):
            acc = (acc << 6) | np.int64(values[s + k])
        mmsi[r] = (acc >> 4) & ((1 << 30) - 1)


#: Least size in bits by message type (types without a standard size accept any size).
_MIN_BITS = np.full(64, np.iinfo(np.int64).min, dtype=np.int64)
for _t, _standard in STANDARD_BITS.items():
    _MIN_BITS[_t] = _standard - FILL_SLACK
_IS_POSITION = np.zeros(64, dtype=bool)
_IS_POSITION[list(POSITION_TYPES)] = True
_IS_IDENTITY = np.zeros(64, dtype=bool)
_IS_IDENTITY[list(IDENTITY_TYPES)] = True
_IS_STORED = _IS_POSITION | _IS_IDENTITY
#: Order in which the position layouts report out-of-range positions (1/2/3, 18, 19, 27).
_LAYOUT_RANK = np.zeros(64, dtype=np.int8)
_LAYOUT_RANK[[18, 19, 27]] = (1, 2, 3)


def decode_payloads(values: _U8, starts: _I64, ends: _I64, fill: npt.NDArray[np.int16]) -> Decoded:
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
    rejects: list[tuple[_I64, str]] = []
    bad_type = (msg_type < 1) | (msg_type > 27)
    rejects.append((np.flatnonzero(bad_type), "invalid_message_type"))
    size_ok = bits >= _MIN_BITS[msg_type]
    is_24 = np.flatnonzero(msg_type == 24)
    part_b = (values[np.minimum(starts[is_24] + 6, max(len(values) - 1, 0))] >> 2) & 3 == 1  # bits 38-39
    standard_24 = np.where(part_b, TYPE24_BITS[1], TYPE24_BITS[0])
    size_ok[is_24] = bits[is_24] >= standard_24 - FILL_SLACK
    rejects.append((np.flatnonzero(~size_ok & ~bad_type), "bad_length"))

    msg_hash = np.zeros(n, dtype=np.uint64)
    idx = np.flatnonzero(_IS_POSITION[msg_type] & size_ok)
    reports = decode_positions(values, starts[idx], nchars[idx], msg_type[idx], idx)
    msg_hash[idx] = reports.msg_hash
    bad = idx[reports.out_of_range]
    rejects.append((bad[np.argsort(_LAYOUT_RANK[msg_type[bad]], kind="stable")], "position_out_of_range"))
    no_position = idx[reports.no_position]
    positions = reports.columns.select(np.flatnonzero(~reports.no_position & ~reports.out_of_range))

    idx = np.flatnonzero(_IS_IDENTITY[msg_type] & size_ok)
    ids = decode_identities(values, starts[idx], nchars[idx], msg_type[idx], idx)
    own_hash = msg_type[idx] != 19
    msg_hash[idx[own_hash]] = ids.msg_hash[own_hash]
    rejects.append((idx[ids.bad_part], "bad_part_number"))
    identities = ids.columns.select(np.flatnonzero(~ids.bad_part)) if ids.bad_part.any() else ids.columns

    # Every other message type is counted, not stored: it needs an MMSI and a hash only
    # so that its duplicate receptions are counted once.
    # The hash is taken at the payload's own width (whole ten-character words), so that it
    # is the same whatever else the batch holds.
    rest = np.flatnonzero(~_IS_STORED[msg_type] & (nchars >= 7))
    words_of = (nchars[rest] + 9) // 10
    for nwords in np.unique(words_of).tolist():
        same = rest[words_of == nwords]
        matrix = payload_matrix(values, starts[same], ends[same], 10 * nwords)
        msg_hash[same] = words_hash(Bits(matrix), nchars[same])
    mmsi = np.empty(n, dtype=np.int64)
    if n:
        _header_mmsi(values, starts.astype(np.int64, copy=False), nchars.astype(np.int64, copy=False), mmsi)
    return Decoded(
        positions=positions,
        identities=identities,
        no_position=no_position,
        rejects=[(i, r) for i, r in rejects if len(i)],
        msg_type=msg_type,
        msg_hash=msg_hash,
        mmsi=mmsi,
    )
