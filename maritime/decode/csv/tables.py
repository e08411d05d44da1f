"""The record tables of the CSV reader: positions and identities, with their payload hashes.

:class:`KeptRows` holds the rows of a chunk whose key fields (MMSI, time, lat/lon) are
valid; :func:`position_table` and :func:`identity_table` turn them into tables of
:data:`~maritime.records.POSITION_SCHEMA` and :data:`~maritime.records.IDENTITY_SCHEMA`.
Values outside their field's range are NULL by :mod:`maritime.decode.unavailable`.

``payload_hash`` is a deterministic uint64 of the row's content (per-value
:func:`pandas.util.hash_array` with its fixed key, mixed in column order): ``mmsi, ts, lat,
lon, sog, cog, heading`` for positions, ``mmsi`` and the identity fields (not the time) for
identities, so re-reading the same rows gives the same hashes whatever the batch boundaries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from maritime.decode.csv.fields import FloatArray, IntArray, Mask, dictionary, is_text, np_bool, numbers
from maritime.decode.unavailable import available, null_unavailable
from maritime.records import IDENTITY_SCHEMA, POSITION_SCHEMA

_NULL_HASH = np.uint64(0x9E3779B97F4A7C15)  # hash of a NULL text value

Taker = Callable[[pa.Array], pa.Array]


@dataclass(slots=True)
class KeptRows:
    """The rows of a chunk that are records (their key fields are valid), in line order."""

    n: int
    mmsi: IntArray
    ts_us: IntArray
    ts: pa.Array  # the same, as UTC timestamps
    lat: FloatArray  # NaN: no position
    lon: FloatArray
    is_class_b: Mask
    station: pa.Array  # string, NULL where unknown
    text: Callable[[str], pa.Array | None]  # a mapped text column of these rows, None when not mapped
    number: Callable[[str], FloatArray]  # a mapped numeric column of these rows, NaN when not mapped

    @property
    def no_position(self) -> int:
        """Rows without a position (lat or lon NULL)."""
        return int(np.count_nonzero(np.isnan(self.lat) | np.isnan(self.lon)))


def taker(idx: IntArray, n: int) -> Taker:
    """``take(idx)`` for Arrow arrays, skipped when ``idx`` is every row in order."""
    if len(idx) == n:
        return lambda a: a
    indices = pa.array(idx, type=pa.int64())
    return lambda a: a.take(indices)


def text_column(col: pa.Array | None, n: int, chars: str = " \t@") -> pa.Array:
    """Text trimmed of ``chars`` at both ends (``@`` is AIS padding), empty -> NULL."""
    if col is None:
        return pa.nulls(n, pa.string())
    s = pc.utf8_trim(col.cast(pa.string()), characters=chars)
    return pc.if_else(pc.equal(s, ""), pa.scalar(None, pa.string()), s)


def position_table(rows: KeptRows) -> pa.Table:
    """The rows with a position, as :data:`~maritime.records.POSITION_SCHEMA`."""
    p = np.flatnonzero(~np.isnan(rows.lat) & ~np.isnan(rows.lon))
    n_pos = len(p)
    take_p = taker(p, rows.n)
    sog = null_unavailable("sog", rows.number("sog")[p])
    cog = null_unavailable("cog", rows.number("cog")[p])
    heading = rows.number("heading")[p]
    heading_ok = available("heading", heading)
    nav = rows.number("nav_status")[p]
    nav_ok = available("nav_status", nav)
    pos_mmsi, pos_ts, pos_lat, pos_lon = rows.mmsi[p], rows.ts_us[p], rows.lat[p], rows.lon[p]
    sog32, cog32 = sog.astype(np.float32), cog.astype(np.float32)
    return _table(
        POSITION_SCHEMA,
        n_pos,
        {
            "mmsi": pa.array(pos_mmsi.astype(np.int32), type=pa.int32()),
            "ts": take_p(rows.ts),
            "lat": pa.array(pos_lat, type=pa.float64()),
            "lon": pa.array(pos_lon, type=pa.float64()),
            "sog": pa.array(sog32, mask=np.isnan(sog32), type=pa.float32()),
            "cog": pa.array(cog32, mask=np.isnan(cog32), type=pa.float32()),
            "heading": _int_arr(heading, heading_ok, pa.int16()),
            "nav_status": _int_arr(nav, nav_ok, pa.int8()),
            "msg_type": pa.array(np.where(rows.is_class_b[p], 18, 1).astype(np.int8), type=pa.int8()),
            "station": take_p(rows.station),
            "n_stations": pa.array(np.ones(n_pos, dtype=np.int16), type=pa.int16()),
            "payload_hash": _hash(
                {
                    "mmsi": pos_mmsi,
                    "ts": pos_ts,
                    "lat": pos_lat,
                    "lon": pos_lon,
                    "sog": sog32,
                    "cog": cog32,
                    "heading": np.where(heading_ok, heading, np.nan),
                },
                n_pos,
            ),
        },
    )


def identity_table(rows: KeptRows) -> pa.Table:
    """The rows with any identity field, as :data:`~maritime.records.IDENTITY_SCHEMA`.

    The CSV's ship length and width carry no antenna position, so they are stored the way
    ITU-R M.1371 encodes "reference point not available, dimensions known": ``to_bow = 0,
    to_stern = length, to_port = 0, to_starboard = width``.
    """
    m = rows.n
    name = text_column(rows.text("name"), m)
    callsign = text_column(rows.text("callsign"), m)
    destination = text_column(rows.text("destination"), m)
    imo = _imo(rows.text("imo"), m)
    imo_ok = available("imo", imo)
    ship_type = rows.number("ship_type")
    ship_type_ok = available("ship_type", ship_type)
    length = np.rint(rows.number("length"))
    length_ok = available("length", length)
    width = np.rint(rows.number("width"))
    width_ok = available("width", width)
    draught = null_unavailable("draught", rows.number("draught"))

    has_identity = imo_ok | ship_type_ok | length_ok | width_ok | ~np.isnan(draught)
    for text in (name, callsign, destination):
        if text.null_count < len(text):
            has_identity |= np_bool(pc.is_valid(text))
    q = np.flatnonzero(has_identity)
    k = len(q)
    take_q = taker(q, m)
    zeros16 = np.zeros(k, dtype=np.int16)
    id_name, id_callsign, id_dest = take_q(name), take_q(callsign), take_q(destination)
    id_draught = draught[q].astype(np.float32)
    return _table(
        IDENTITY_SCHEMA,
        k,
        {
            "mmsi": pa.array(rows.mmsi[q].astype(np.int32), type=pa.int32()),
            "ts": take_q(rows.ts),
            "msg_type": pa.array(np.where(rows.is_class_b[q], 24, 5).astype(np.int8), type=pa.int8()),
            "imo": _int_arr(imo[q], imo_ok[q], pa.int32()),
            "callsign": id_callsign,
            "name": id_name,
            "ship_type": _int_arr(ship_type[q], ship_type_ok[q], pa.int16()),
            "to_bow": pa.array(zeros16, mask=~length_ok[q], type=pa.int16()),
            "to_stern": _int_arr(length[q], length_ok[q], pa.int16()),
            "to_port": pa.array(zeros16, mask=~width_ok[q], type=pa.int16()),
            "to_starboard": _int_arr(width[q], width_ok[q], pa.int16()),
            "draught": pa.array(id_draught, mask=np.isnan(id_draught), type=pa.float32()),
            "destination": id_dest,
            "station": take_q(rows.station),
            "n_stations": pa.array(np.ones(k, dtype=np.int16), type=pa.int16()),
            "payload_hash": _hash(
                {
                    "mmsi": rows.mmsi[q],
                    "imo": np.where(imo_ok[q], imo[q], np.nan),
                    "callsign": id_callsign,
                    "name": id_name,
                    "ship_type": np.where(ship_type_ok[q], ship_type[q], np.nan),
                    "length": np.where(length_ok[q], length[q], np.nan),
                    "width": np.where(width_ok[q], width[q], np.nan),
                    "draught": id_draught,
                    "destination": id_dest,
                },
                k,
            ),
        },
    )


def _imo(col: pa.Array | None, m: int) -> FloatArray:
    """IMO numbers; text may carry an ``IMO`` prefix (``IMO9074729``)."""
    if col is None:
        return np.full(m, np.nan)
    if is_text(col):
        imo_txt = pc.utf8_trim_whitespace(col)
        if np_bool(pc.match_substring(imo_txt, "imo", ignore_case=True)).any():
            imo_txt = pc.replace_substring_regex(imo_txt, pattern=r"(?i)^imo\s*", replacement="")
        return numbers(imo_txt)[0]
    return numbers(col)[0]


def _hash_column(values: npt.NDArray[np.generic] | pa.Array | pa.ChunkedArray) -> npt.NDArray[np.uint64]:
    """uint64 hash per value (:func:`pandas.util.hash_array`: fixed key, stable across runs)."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):  # text: hash each distinct value once
        encoded = dictionary(values)
        words = np.asarray(encoded.dictionary.to_numpy(zero_copy_only=False), dtype=object)
        table = np.append(pd.util.hash_array(words, categorize=False), _NULL_HASH)
        codes = pc.fill_null(encoded.indices, len(words)).to_numpy(zero_copy_only=False)
        return np.asarray(table[codes], dtype=np.uint64)
    return np.asarray(pd.util.hash_array(values, categorize=False), dtype=np.uint64)


def _hash(frame: dict[str, npt.NDArray[np.generic] | pa.Array], n: int) -> pa.Array:
    """Deterministic per-row uint64 hash of the given columns, in order."""
    if n == 0:
        return pa.array([], type=pa.uint64())
    out = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i, values in enumerate(frame.values()):
            # order-dependent mix of the column hashes
            out = (out * np.uint64(0x100000001B3 + 2 * i)) ^ _hash_column(values)
    return pa.array(out, type=pa.uint64())


def _table(schema: pa.Schema, n: int, columns: dict[str, pa.Array]) -> pa.Table:
    """A table of ``schema``: the given columns, NULL for the schema's other (nullable) fields."""
    arrays = []
    for field in schema:
        if field.name in columns:
            arrays.append(columns[field.name].cast(field.type))
        elif field.nullable:
            arrays.append(pa.nulls(n, field.type))
        else:  # pragma: no cover - a schema change this reader does not know about
            raise RuntimeError(f"the CSV reader cannot fill the required field {field.name!r}")
    return pa.Table.from_arrays(arrays, schema=schema)


def _int_arr(vals: FloatArray, valid: Mask, typ: pa.DataType) -> pa.Array:
    filled = np.where(valid, vals, 0).astype(typ.to_pandas_dtype())
    return pa.array(filled, mask=~valid, type=typ)
