"""One chunk of CSV lines to one :class:`CsvBatch`: parse, check the key fields, build tables.

A malformed row is never fatal: it becomes a reject with its 1-based line number (the
header is line 1), its raw text and a reason ``"<code>: <detail>"`` where code is one of
``bad_columns`` (wrong number of fields), ``bad_csv`` (unbalanced quotes, a stray carriage
return), ``bad_mmsi``, ``bad_time``, ``bad_lat``, ``bad_lon``. Only those key fields make a
row a reject: an optional field that is empty, does not parse or is "not available" is
NULL. A row whose lat or lon is 91 / 181 (or empty) is not a position but still an
identity. Blank lines are neither records nor rejects.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from maritime.decode.csv.chunks import Lines
from maritime.decode.csv.fields import INT64_MIN, FloatArray, IntArray, Mask, int_in, is_class_b, numbers, times
from maritime.decode.csv.mapping import Plan
from maritime.decode.csv.parsing import checked_parse, fast_parse
from maritime.decode.csv.tables import KeptRows, identity_table, position_table, taker, text_column
from maritime.decode.unavailable import LAT_NOT_AVAILABLE_DEG, LON_NOT_AVAILABLE_DEG
from maritime.records import REJECT_SCHEMA, TS

#: Characters of a rejected field quoted in the reason.
_MAX_DETAIL = 60


@dataclass
class CsvBatch:
    """One chunk of a CSV file, decoded."""

    positions: pa.Table  # POSITION_SCHEMA
    identities: pa.Table  # IDENTITY_SCHEMA
    rejects: pa.Table  # REJECT_SCHEMA
    lines: int  # data lines read in this batch (every physical line, blank ones included)
    no_position: int  # rows parsed fine but without a valid position


class _Rejects:
    """Rejected lines of a chunk (index in the chunk, reason), each line at most once."""

    def __init__(self, lines: Lines, plan: Plan, n_rows: int) -> None:
        self.lines = lines
        self.plan = plan
        self.idx: list[IntArray] = []
        self.reasons: list[str] = []
        self.rejected: Mask = np.zeros(n_rows, dtype=bool)  # by parsed row

    def add_lines(self, idx: IntArray, reasons: list[str]) -> None:
        self.idx.append(idx)
        self.reasons.extend(reasons)

    def reject(self, row_idx: IntArray, mask: Mask, code: str, field: str) -> None:
        """Reject the rows in ``mask`` not rejected yet, quoting their ``field``."""
        new = mask & ~self.rejected
        if new.any():
            idx = row_idx[np.flatnonzero(new)]
            j = self.plan.cols[field]
            self.add_lines(idx, [f"{code}: {_field_of(line, j)!r}" for line in self.lines.raw(idx)])
            self.rejected[new] = True

    def table(self, first_line_no: int) -> pa.Table:
        """The rejects in line order, as :data:`~maritime.records.REJECT_SCHEMA`."""
        r_idx = np.concatenate(self.idx) if self.idx else np.zeros(0, dtype=np.int64)
        if not len(r_idx):
            return REJECT_SCHEMA.empty_table()
        order = np.argsort(r_idx, kind="stable")
        r_idx = r_idx[order]
        return pa.Table.from_arrays(
            [
                pa.array(r_idx + first_line_no, type=pa.int64()),
                pa.array(self.lines.raw(r_idx), type=pa.string()),
                pa.array([self.reasons[i] for i in order.tolist()], type=pa.string()),
            ],
            schema=REJECT_SCHEMA,
        )


def decode_chunk(
    data: bytes,
    n_chunk: int,
    first_line_no: int,
    plan: Plan,
    types: dict[int, pa.DataType],
    station: str | None,
) -> CsvBatch:
    """Decode ``n_chunk`` whole lines (``data``, each ending with ``\\n``), the first of
    which is line ``first_line_no`` of the file. ``types`` is the parser's per-column type
    memory (see :func:`~maritime.decode.csv.parsing.fast_parse`); ``station`` names the
    receiver of rows whose station column is empty or not mapped."""
    lines = Lines(data)
    columns = fast_parse(data, plan, n_chunk, types)
    if columns is not None:
        row_idx = np.arange(n_chunk, dtype=np.int64)  # line index of each parsed row
        rejects = _Rejects(lines, plan, n_chunk)
    else:  # blank lines, wrong field counts, bad quotes, bad UTF-8
        row_idx, columns, bad_idx, bad_reasons = checked_parse(lines, plan, types)
        rejects = _Rejects(lines, plan, len(row_idx))
        rejects.add_lines(bad_idx, bad_reasons)
    rows = _key_fields(columns, row_idx, plan, station, rejects)
    return CsvBatch(
        positions=position_table(rows),
        identities=identity_table(rows),
        rejects=rejects.table(first_line_no),
        lines=n_chunk,
        no_position=rows.no_position,
    )


def _key_fields(
    columns: dict[int, pa.Array], row_idx: IntArray, plan: Plan, station: str | None, rejects: _Rejects
) -> KeptRows:
    """Check MMSI, time, lat and lon (any failure rejects the row, the first failure gives
    the reason) and keep the other rows."""
    n = len(row_idx)

    def col(field: str) -> pa.Array | None:
        j = plan.cols.get(field)
        return None if j is None else columns[j]

    def key(field: str) -> pa.Array:  # mmsi, ts, and lat/lon when mapped
        return columns[plan.cols[field]]

    mmsi_vals, _ = numbers(key("mmsi"))
    rejects.reject(row_idx, ~int_in(mmsi_vals, 1, 999_999_999), "bad_mmsi", "mmsi")
    ts_us = times(key("ts"), plan.time_format)
    rejects.reject(row_idx, ts_us == INT64_MIN, "bad_time", "ts")
    lat: FloatArray
    lon: FloatArray
    if "lat" in plan.cols:
        lat, lat_bad = numbers(key("lat"))
        lon, lon_bad = numbers(key("lon"))
        with np.errstate(invalid="ignore"):
            lat_bad |= (np.abs(lat) > 90) & (lat != LAT_NOT_AVAILABLE_DEG)
            lon_bad |= (np.abs(lon) > 180) & (lon != LON_NOT_AVAILABLE_DEG)
        lat[lat == LAT_NOT_AVAILABLE_DEG] = np.nan
        lon[lon == LON_NOT_AVAILABLE_DEG] = np.nan
        rejects.reject(row_idx, lat_bad, "bad_lat", "lat")
        rejects.reject(row_idx, lon_bad, "bad_lon", "lon")
    else:
        lat = np.full(n, np.nan)
        lon = np.full(n, np.nan)

    ok = np.flatnonzero(~rejects.rejected)
    m = len(ok)
    take_ok = taker(ok, n)

    def text(field: str) -> pa.Array | None:
        c = col(field)
        return None if c is None else take_ok(c)

    def number(field: str) -> FloatArray:
        c = col(field)
        return np.full(m, np.nan) if c is None else numbers(c)[0][ok]

    ts = ts_us[ok]
    class_b = np.zeros(m, dtype=bool) if plan.class_col is None else is_class_b(take_ok(columns[plan.class_col]))
    st = text_column(text("station"), m, " \t")
    if station is not None:
        st = pc.fill_null(st, pa.scalar(station, pa.string()))
    return KeptRows(
        n=m,
        mmsi=mmsi_vals[ok].astype(np.int64),
        ts_us=ts,
        ts=pa.array(ts.view("datetime64[us]"), type=pa.timestamp("us")).cast(TS),
        lat=lat[ok],
        lon=lon[ok],
        is_class_b=class_b,
        station=st,
        text=text,
        number=number,
    )


def _field_of(line: str, j: int) -> str:
    """Field ``j`` of a CSV line, shortened for a reject reason."""
    try:
        row = next(csv.reader([line]), [])
    except csv.Error:
        row = line.split(",")
    value = row[j] if j < len(row) else ""
    return value if len(value) <= _MAX_DETAIL else value[:_MAX_DETAIL] + "..."
