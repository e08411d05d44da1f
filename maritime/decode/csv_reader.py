"""Decoded-AIS CSV readers: pure functions of a text stream -> columnar record batches.

Two layouts are read:

* the NOAA **MarineCadastre** layout (``MMSI, BaseDateTime, LAT, LON, SOG, COG, Heading,
  VesselName, IMO, CallSign, VesselType, Status, Length, Width, Draft, Cargo,
  TransceiverClass``), recognised by :func:`sniff_csv_format` (column names are matched
  case-insensitively, the optional columns may be missing);
* any other CSV through an explicit :class:`ColumnMapping` from our field names to the
  file's column names, e.g. parsed by :func:`parse_mapping` from the CLI option
  ``--columns "mmsi=MMSI,ts=Time:unix_ms,lat=Latitude,lon=Longitude"``.

:func:`read_csv_batches` streams the file in chunks of raw lines so memory stays bounded,
splits and converts each chunk with vectorised pyarrow / numpy kernels, and yields a
:class:`CsvBatch` of positions (:data:`~maritime.records.POSITION_SCHEMA`), identities
(:data:`~maritime.records.IDENTITY_SCHEMA`) and rejects
(:data:`~maritime.records.REJECT_SCHEMA`). A malformed row is never fatal: it becomes a
reject with its 1-based line number (the header is line 1), its raw text and a reason
``"<code>: <detail>"`` where code is one of ``bad_columns`` (wrong number of fields),
``bad_csv`` (unbalanced quotes, a stray carriage return), ``bad_mmsi``, ``bad_time``,
``bad_lat``, ``bad_lon``.

Conventions (shared with the NMEA decoders, see :mod:`maritime.records`):

* "not available" values are NULL: lat 91, lon 181, SOG 102.3 (any SOG above 102.2 or
  negative), COG 360 (any COG outside [0, 360)), heading 511 (anything outside 0..359),
  nav status outside 0..15, ship type 0 (or outside 1..255), IMO 0 / ``IMO0000000``,
  length / width / draught 0, empty strings; an optional numeric field that does not parse
  is NULL too (only MMSI, time, lat and lon make a row a reject);
* a row with a NULL lat or lon (empty, 91/181) is not a position: it is counted in
  :attr:`CsvBatch.no_position` (its identity fields are still emitted);
* the CSV's ship length and width carry no antenna position, so they are stored the way
  ITU-R M.1371 encodes "reference point not available, dimensions known":
  ``to_bow = 0, to_stern = length, to_port = 0, to_starboard = width`` (so
  ``to_bow + to_stern`` is the length and ``to_port + to_starboard`` the width);
* names, call signs and destinations are stripped of ``@`` padding and spaces;
* naive ISO times are UTC; times with a zone offset are converted to UTC; a time outside
  1970..2099 is a ``bad_time`` reject (it usually means a wrong ``unix_s``/``unix_ms``);
* ``msg_type`` is 1 (class A or unknown) or 18 (``TransceiverClass`` B) for positions and 5
  or 24 (``part`` NULL) for identities; ``n_stations`` is 1; ``station`` is the mapped
  column where it is not empty, else the ``station`` argument;
* ``payload_hash`` is a deterministic uint64 of the row's content (per-value
  :func:`pandas.util.hash_array` with its fixed key, mixed in column order): ``mmsi, ts,
  lat, lon, sog, cog, heading`` for positions, ``mmsi`` and the identity fields (not the
  time) for identities, so re-reading the same rows gives the same hashes whatever the
  batch boundaries.

Records are one per physical line: a quoted field may contain commas and doubled quotes
but not a line break. Blank lines are skipped: they count in :attr:`CsvBatch.lines` (which
counts every physical line, so that ``first_line_no + sum(lines)`` follows the file) but
are neither positions, nor ``no_position`` rows, nor rejects.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from maritime.records import IDENTITY_SCHEMA, POSITION_SCHEMA, REJECT_SCHEMA, TS

__all__ = [
    "MAPPING_FIELDS",
    "MARINECADASTRE_MAPPING",
    "TIME_FORMATS",
    "ColumnMapping",
    "CsvBatch",
    "parse_mapping",
    "read_csv_batches",
    "sniff_csv_format",
]

#: Our field names that a :class:`ColumnMapping` may map, in CLI order.
MAPPING_FIELDS = (
    "mmsi",
    "ts",
    "lat",
    "lon",
    "sog",
    "cog",
    "heading",
    "nav_status",
    "name",
    "callsign",
    "imo",
    "ship_type",
    "length",
    "width",
    "draught",
    "destination",
    "station",
)

#: Accepted ``time_format`` values: ISO 8601 text (naive = UTC), unix seconds, unix ms.
TIME_FORMATS = ("iso", "unix_s", "unix_ms")


# 1970-01-01 .. 2100-01-01 (exclusive) in microseconds.
_TS_MIN_US = 0
_TS_MAX_US = 4_102_444_800 * 1_000_000

_FLOAT_RE = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
# Shapes that Arrow's strict ISO cast handles (naive, 'T' or ' ', optional seconds/fraction).
_ISO_FAST_RE = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$"
# Anything else must at least start with a date and a time to be handed to pandas.
_ISO_SLOW_RE = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"
_MAX_DETAIL = 60

_INT64_MIN = np.iinfo(np.int64).min
_NUMERIC_FIELDS = frozenset(
    ["mmsi", "lat", "lon", "sog", "cog", "heading", "nav_status", "ship_type", "length", "width", "draught"]
)
# Texts that mean "empty" in a numeric or time column (the CSV reader's null_values too).
_CSV_NULLS = ["", "nan", "NaN", "NAN", "na", "NA", "n/a", "N/A", "null", "NULL", "Null", "none", "None", "NONE"]
_CSV_NULLS_ARRAY = pa.array(_CSV_NULLS)
_NULL_HASH = np.uint64(0x9E3779B97F4A7C15)  # hash of a NULL text value
_ISO_CAST_ERROR = re.compile(r"Failed to parse string: '([^']*)'")
_CONVERSION_ERROR = re.compile(r"In CSV column #(\d+): CSV conversion error")


@dataclass(frozen=True)
class ColumnMapping:
    """Which CSV column holds each of our fields (``None`` = not in the file).

    ``mmsi`` and ``ts`` are required; ``lat`` and ``lon`` go together (a mapping without
    them yields identities only). ``length``/``width`` are the ship's overall dimensions in
    metres and ``draught`` metres. ``time_format`` is one of :data:`TIME_FORMATS`.
    Column names are matched exactly, else case-insensitively.
    """

    mmsi: str
    ts: str
    lat: str | None = None
    lon: str | None = None
    sog: str | None = None
    cog: str | None = None
    heading: str | None = None
    nav_status: str | None = None
    name: str | None = None
    callsign: str | None = None
    imo: str | None = None
    ship_type: str | None = None
    length: str | None = None
    width: str | None = None
    draught: str | None = None
    destination: str | None = None
    station: str | None = None
    time_format: str = "iso"

    def __post_init__(self) -> None:
        if self.time_format not in TIME_FORMATS:
            raise ValueError(f"unknown time format {self.time_format!r}: expected one of {', '.join(TIME_FORMATS)}")
        for name in MAPPING_FIELDS:
            value = getattr(self, name)
            if value is None:
                continue
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"column for {name!r} must be a non-empty string, got {value!r}")
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon must be mapped together")

    def columns(self) -> dict[str, str]:
        """``{field: column}`` of the mapped fields, in :data:`MAPPING_FIELDS` order."""
        return {f: getattr(self, f) for f in MAPPING_FIELDS if getattr(self, f) is not None}


#: The NOAA MarineCadastre layout as a mapping (``TransceiverClass`` is read besides it).
MARINECADASTRE_MAPPING = ColumnMapping(
    mmsi="MMSI",
    ts="BaseDateTime",
    lat="LAT",
    lon="LON",
    sog="SOG",
    cog="COG",
    heading="Heading",
    nav_status="Status",
    name="VesselName",
    callsign="CallSign",
    imo="IMO",
    ship_type="VesselType",
    length="Length",
    width="Width",
    draught="Draft",
)
_MC_CLASS_COLUMN = "TransceiverClass"
# Columns whose presence makes a header MarineCadastre (lower-case).
_MC_REQUIRED = ("mmsi", "basedatetime", "lat", "lon", "sog", "cog", "heading")


@dataclass
class CsvBatch:
    """One chunk of a CSV file, decoded."""

    positions: pa.Table  # POSITION_SCHEMA
    identities: pa.Table  # IDENTITY_SCHEMA
    rejects: pa.Table  # REJECT_SCHEMA
    lines: int  # data lines read in this batch (every physical line, blank ones included)
    no_position: int  # rows parsed fine but without a valid position


# --------------------------------------------------------------------------------------
# Mapping spec and sniffing
# --------------------------------------------------------------------------------------


def parse_mapping(spec: str) -> ColumnMapping:
    """Parse a CLI column spec ``"field=Column,...,ts=Column[:fmt]"`` into a mapping.

    Field names are ours (:data:`MAPPING_FIELDS`, case-insensitive); column names are kept
    as written (trimmed). The ``ts`` column may end with ``:iso``, ``:unix_s`` or
    ``:unix_ms``. Raises :class:`ValueError` with a one-line message on any error.
    """
    if spec is None or not str(spec).strip():
        raise ValueError("empty column mapping: expected 'field=Column,...' (e.g. 'mmsi=MMSI,ts=Time')")
    values: dict[str, str] = {}
    time_format = "iso"
    for item in str(spec).split(","):
        item = item.strip()
        if not item:
            raise ValueError(f"empty item in column mapping {spec!r}")
        if "=" not in item:
            raise ValueError(f"column mapping item {item!r} is not 'field=Column'")
        key, _, column = item.partition("=")
        key = key.strip().lower()
        column = column.strip()
        if key not in MAPPING_FIELDS:
            raise ValueError(f"unknown field {key!r} in column mapping: expected one of {', '.join(MAPPING_FIELDS)}")
        if key in values:
            raise ValueError(f"field {key!r} is mapped twice in column mapping")
        head, sep, suffix = column.rpartition(":")
        if key == "ts" and sep:
            suffix = suffix.strip().lower()
            if suffix not in TIME_FORMATS:
                raise ValueError(f"unknown time format {suffix!r} for ts: expected one of {', '.join(TIME_FORMATS)}")
            time_format = suffix
            column = head.strip()
        elif sep and suffix.strip().lower() in TIME_FORMATS:
            raise ValueError(f"a time format suffix ({column!r}) is only allowed on ts")
        if not column:
            raise ValueError(f"no column name given for field {key!r} in column mapping")
        values[key] = column
    for required in ("mmsi", "ts"):
        if required not in values:
            raise ValueError(f"column mapping must map {required!r}")
    if ("lat" in values) != ("lon" in values):
        raise ValueError("column mapping must map lat and lon together")
    return ColumnMapping(**values, time_format=time_format)


def _split_header(header_line: str) -> list[str]:
    line = header_line.lstrip("\ufeff").rstrip("\r\n")
    try:
        row = next(csv.reader([line], strict=True), [])
    except csv.Error:
        row = line.split(",")
    return [c.strip().lstrip("\ufeff").strip() for c in row]


def sniff_csv_format(header_line: str) -> str | None:
    """``"marinecadastre"`` if the header has the MarineCadastre columns, else ``None``."""
    if isinstance(header_line, bytes):
        header_line = header_line.decode("utf-8", errors="replace")
    names = {c.lower() for c in _split_header(header_line)}
    if all(c in names for c in _MC_REQUIRED):
        return "marinecadastre"
    return None


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    ncols: int
    cols: dict[str, int]  # our field -> column index
    class_col: int | None
    time_format: str


def _resolve(header: list[str], mapping: ColumnMapping, optional: Iterable[str] = ()) -> _Plan:
    exact = {name: i for i, name in reversed(list(enumerate(header)))}
    lower: dict[str, list[int]] = {}
    for i, name in enumerate(header):
        lower.setdefault(name.lower(), []).append(i)
    optional = set(optional)
    cols: dict[str, int] = {}
    for field, column in mapping.columns().items():
        column = column.strip()
        if column in exact:
            cols[field] = exact[column]
        elif len(lower.get(column.lower(), ())) == 1:
            cols[field] = lower[column.lower()][0]
        elif len(lower.get(column.lower(), ())) > 1:
            raise ValueError(f"CSV column {column!r} (for {field}) is ambiguous: header has it more than once")
        elif field not in optional:
            raise ValueError(f"CSV has no column {column!r} (mapped to {field}); header columns: {', '.join(header)}")
    return _Plan(len(header), cols, None, mapping.time_format)


def read_csv_batches(
    stream: io.TextIOBase | io.BufferedIOBase | io.RawIOBase | Iterable[str] | Iterable[bytes],
    *,
    mapping: ColumnMapping | None = None,
    batch_rows: int = 500_000,
    station: str | None = None,
    first_line_no: int = 1,
) -> Iterator[CsvBatch]:
    """Decode a CSV stream (header first) into :class:`CsvBatch` chunks.

    ``stream`` is a text stream, a binary stream (UTF-8; undecodable bytes are replaced)
    or any iterable of lines; its first line is the header, numbered ``first_line_no``.
    Without ``mapping`` the header must be the MarineCadastre layout. Each batch covers up
    to ``batch_rows`` physical data lines. The header is read and checked when this
    function is called: an unknown layout or a mapped column missing from the header raises
    :class:`ValueError` at once. An empty stream yields nothing.
    """
    if batch_rows < 1:
        raise ValueError(f"batch_rows must be >= 1, got {batch_rows}")
    readable = hasattr(stream, "read") and hasattr(stream, "readline")
    it: Iterator[Any] | None = None if readable else iter(stream)  # type: ignore[arg-type]
    line_no = first_line_no - 1
    header_raw: str | None = None
    while True:
        raw = stream.readline() if readable else next(it, None)  # type: ignore[union-attr, arg-type]
        if raw is None or (not raw and readable):
            break
        line_no += 1
        if isinstance(raw, (bytes, bytearray, memoryview)):
            raw = bytes(raw)
            if raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            text = raw.decode("utf-8", errors="replace")
        else:
            text = raw
        if text.strip().lstrip("\ufeff").strip():
            header_raw = text
            break
    if header_raw is None:
        return iter(())
    header = _split_header(header_raw)
    if mapping is None:
        if sniff_csv_format(header_raw) != "marinecadastre":
            raise ValueError(
                "CSV header is not the MarineCadastre layout; give a column mapping "
                f"(e.g. --columns 'mmsi=...,ts=...,lat=...,lon=...'); header columns: {', '.join(header)}"
            )
        plan = _resolve(
            header,
            MARINECADASTRE_MAPPING,
            optional=set(MARINECADASTRE_MAPPING.columns()) - {"mmsi", "ts", "lat", "lon"},
        )
        lowered = [h.lower() for h in header]
        class_col = lowered.index(_MC_CLASS_COLUMN.lower()) if _MC_CLASS_COLUMN.lower() in lowered else None
        plan = _Plan(plan.ncols, plan.cols, class_col, plan.time_format)
    else:
        plan = _resolve(header, mapping)
    if readable:
        chunks = _read_blocks(stream.read, batch_rows)  # type: ignore[union-attr]
    else:
        chunks = _iter_chunks(it, batch_rows)  # type: ignore[arg-type]
    return _batches(chunks, plan, station, line_no + 1)


def _batches(
    chunks: Iterator[tuple[bytes, int]], plan: _Plan, station: str | None, next_line_no: int
) -> Iterator[CsvBatch]:
    types = _column_types(plan)  # learnt over the file: columns that need checking as text
    for data, n_lines in chunks:
        batch = _decode_chunk(data, n_lines, next_line_no, plan, types, station)
        del data  # keep one chunk alive at a time
        next_line_no += n_lines
        if batch.lines:
            yield batch
        del batch


# --------------------------------------------------------------------------------------
# Cutting the stream into chunks of whole lines (bytes, one b"\n" per line)
# --------------------------------------------------------------------------------------

_BLOCK = 1 << 23  # bytes (or characters) per read


def _encode(piece: str | bytes) -> bytes:
    if isinstance(piece, str):
        return piece.encode("utf-8", errors="replace")
    return bytes(piece)


def _read_blocks(read: Any, batch_rows: int) -> Iterator[tuple[bytes, int]]:
    """Chunks of at most ``batch_rows`` lines read from a stream in large blocks."""
    pieces: list[bytes | memoryview] = []  # whole lines, in order
    total = 0  # lines in pieces
    last_count = 0  # lines in pieces[-1]
    tail = b""  # the start of a line not finished yet
    eof = False
    while True:
        while total < batch_rows and not eof:
            block = read(_BLOCK)
            if not block:
                eof = True
                if tail:
                    pieces.append(tail + b"\n")
                    last_count = 1
                    total += 1
                    tail = b""
                break
            block = _encode(block)
            cut = block.rfind(b"\n") + 1
            if cut == 0:
                tail += block
                continue
            if tail:
                pieces.append(tail)
            pieces.append(memoryview(block)[:cut])
            last_count = block.count(b"\n", 0, cut)
            total += last_count
            tail = block[cut:]
        if total == 0:
            return
        # (the pieces are dropped before yielding: only the joined chunk stays alive)
        if total <= batch_rows:
            data, n = b"".join(pieces), total
            pieces, total, last_count = [], 0, 0
        else:  # too many lines: cut the last piece after the right newline
            need = batch_rows - (total - last_count)
            last = pieces[-1]
            pos = int(np.flatnonzero(np.frombuffer(last, dtype=np.uint8) == 10)[need - 1]) + 1
            pieces[-1] = last[:pos]
            data, n = b"".join(pieces), batch_rows
            pieces, total, last_count = [bytes(last[pos:])], total - batch_rows, last_count - need
            del last
        yield data, n
        del data


def _line_text(item: str | bytes) -> str:
    if isinstance(item, str):
        return item.rstrip("\r\n")
    return bytes(item).decode("utf-8", errors="replace").rstrip("\r\n")


def _iter_chunks(it: Iterator[Any], batch_rows: int) -> Iterator[tuple[bytes, int]]:
    """Chunks from an iterable of lines (with or without their terminators)."""
    while True:
        chunk = list(itertools.islice(it, batch_rows))
        if not chunk:
            return
        data = b"".join(_encode(c) for c in chunk)
        if not data.endswith(b"\n"):
            data += b"\n"
        if data.count(b"\n") != len(chunk):
            data = b"\n".join(_line_text(c).encode("utf-8", errors="replace") for c in chunk) + b"\n"
        yield data, len(chunk)


class _Lines:
    """The lines of a chunk as Arrow arrays, built on demand without copying the bytes.

    ``with_nl`` holds each line with its terminator (so a selection of it, taken, is again
    CSV text), ``text`` the line without ``\r\n``. Bytes that are not UTF-8 are replaced.
    """

    def __init__(self, data: bytes):
        self.data = data
        self._with_nl: pa.Array | None = None
        self._text: pa.Array | None = None

    @property
    def with_nl(self) -> pa.Array:
        if self._with_nl is None:
            arr = self._build(self.data)
            try:
                arr.validate(full=True)
            except pa.ArrowInvalid:  # not UTF-8: replace the bad bytes, keep the line breaks
                self.data = self.data.decode("utf-8", errors="replace").encode("utf-8")
                arr = self._build(self.data)
            self._with_nl = arr
        return self._with_nl

    def _build(self, data: bytes) -> pa.Array:
        ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
        offsets = np.concatenate([[0], ends + 1]).astype(np.int64)
        return pa.Array.from_buffers(pa.large_string(), len(ends), [None, pa.py_buffer(offsets), pa.py_buffer(data)])

    @property
    def text(self) -> pa.Array:
        if self._text is None:
            self._text = pc.utf8_rtrim(self.with_nl, characters="\r\n")
        return self._text

    def raw(self, idx: np.ndarray) -> list[str]:
        return self.text.take(pa.array(idx, type=pa.int64())).to_pylist()

    def csv_of(self, idx: np.ndarray) -> pa.Buffer:
        """The CSV text of the selected lines (each with its terminator)."""
        taken = self.with_nl.take(pa.array(idx, type=pa.int64()))
        offsets = np.frombuffer(taken.buffers()[1], dtype=np.int64)
        start, end = int(offsets[taken.offset]), int(offsets[taken.offset + len(taken)])
        return taken.buffers()[2].slice(start, end - start)


# A quoted field at the start of a field: "...", with "" for a quote inside.
_QUOTED_RE = r'(^|,)"(?:[^"]|"")*"'


def _checked_parse(
    lines: _Lines, plan: _Plan, types: dict[int, pa.DataType]
) -> tuple[np.ndarray, dict[int, pa.Array], np.ndarray, list[str]]:
    """Parse a chunk that the plain parse refused: check each line's shape, then parse the good ones.

    Returns ``(row_idx, columns, bad_idx, bad_reasons)``: the line index of each parsed
    row, its columns, and the lines rejected for their shape with a reason (blank lines are
    in neither).
    """
    text = lines.text
    nonblank = np.flatnonzero(~_np_bool(pc.equal(pc.utf8_trim_whitespace(text), "")))
    if len(nonblank) < len(text):
        text = text.take(pa.array(nonblank))
    nfields = pc.count_substring(text, ",").to_numpy(zero_copy_only=False).astype(np.int64) + 1
    csv_errors: dict[int, str] = {}
    quoted = np.flatnonzero(_np_bool(pc.match_substring(text, '"')))
    if len(quoted):
        unquoted = pc.replace_substring_regex(text.take(pa.array(quoted)), pattern=_QUOTED_RE, replacement=r"\1")
        nfields[quoted] = pc.count_substring(unquoted, ",").to_numpy(zero_copy_only=False) + 1
        odd = quoted[_np_bool(pc.match_substring(unquoted, '"'))]
        for i, line in zip(odd.tolist(), text.take(pa.array(odd)).to_pylist()):  # stray quotes: rare
            try:
                nfields[i] = len(next(csv.reader([line], strict=True), []))
            except csv.Error as exc:
                csv_errors[i] = f"bad_csv: {exc}"
    bad = nfields != plan.ncols
    bad[list(csv_errors)] = True
    bad_idx = np.flatnonzero(bad)
    reasons = [
        csv_errors.get(i) or f"bad_columns: expected {plan.ncols} fields, got {nfields[i]}" for i in bad_idx.tolist()
    ]
    good = nonblank[~bad]
    columns = _fast_parse(lines.csv_of(good), plan, len(good), types)
    if columns is not None:
        return good, columns, nonblank[bad_idx], reasons
    # Arrow still disagrees with the shape check (odd quoting): the csv module, line by line.
    good_i, columns, bad_i, reasons = _split_with_csv(text.to_pylist(), plan.ncols, sorted(types))
    return nonblank[good_i], columns, nonblank[bad_i], reasons


def _column_types(plan: _Plan) -> dict[int, pa.DataType]:
    """Arrow type to ask the CSV parser for, per needed column index."""
    types: dict[int, pa.DataType] = {}
    for field, j in plan.cols.items():
        if field in _NUMERIC_FIELDS:
            want: pa.DataType = pa.float64()
        elif field == "ts":
            want = pa.timestamp("us") if plan.time_format == "iso" else pa.float64()
        else:
            want = pa.string()
        types[j] = want if types.get(j, want) == want else pa.string()
    if plan.class_col is not None:
        types[plan.class_col] = pa.string()
    return types


def _fast_parse(
    data: bytes | pa.Buffer, plan: _Plan, n: int, types: dict[int, pa.DataType]
) -> dict[int, pa.Array] | None:
    """Parse a chunk with Arrow's multi-threaded CSV reader, typed where possible.

    ``types`` (from :func:`_column_types`, kept for the whole file) is updated in place: a
    column whose values do not all convert is re-read as text (its values are then checked
    one by one downstream) and stays text for the following chunks; after a few such
    retries every column is read as text at once. Returns ``None`` when the rows cannot be
    trusted to be one per line (a line with the wrong number of fields, an empty line,
    unbalanced quotes, invalid UTF-8): the caller then takes the line-by-line path.
    """
    names = [f"c{j}" for j in range(plan.ncols)]
    invalid = [0]

    def on_invalid(row: Any) -> str:
        invalid[0] += 1
        return "skip"

    for attempt in range(4):
        invalid[0] = 0
        try:
            table = pcsv.read_csv(
                pa.BufferReader(data),
                read_options=pcsv.ReadOptions(column_names=names, use_threads=True, block_size=1 << 20),
                parse_options=pcsv.ParseOptions(
                    delimiter=",",
                    quote_char='"',
                    double_quote=True,
                    newlines_in_values=False,
                    ignore_empty_lines=True,
                    invalid_row_handler=on_invalid,
                ),
                convert_options=pcsv.ConvertOptions(
                    include_columns=[names[j] for j in sorted(types)],
                    column_types={names[j]: t for j, t in types.items()},
                    null_values=_CSV_NULLS,
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except pa.ArrowInvalid as exc:
            m = _CONVERSION_ERROR.search(str(exc))
            if not m or types.get(int(m.group(1))) in (None, pa.string()):
                return None  # not a value conversion problem
            if attempt < 2:
                types[int(m.group(1))] = pa.string()
            else:
                types.update((j, pa.string()) for j in types)
            continue
        if invalid[0] or table.num_rows != n:
            return None
        return {j: table.column(names[j]) for j in types}
    return None  # pragma: no cover - the last attempt reads text only, which always converts


def _np_bool(a: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(a, False).to_numpy(zero_copy_only=False), dtype=bool)


def _split_with_csv(
    lines: list[str], ncols: int, needed: list[int]
) -> tuple[np.ndarray, dict[int, pa.Array], np.ndarray, list[str]]:
    """Split lines with the csv module, one line at a time (an unbalanced quote cannot
    swallow the lines after it). Returns ``(good_idx, text columns, bad_idx, bad_reasons)``."""
    good: list[int] = []
    rows: list[list[str]] = []
    bad: list[int] = []
    reasons: list[str] = []
    for i, line in enumerate(lines):
        try:
            row = next(csv.reader([line], strict=True), [])
        except csv.Error as exc:
            bad.append(i)
            reasons.append(f"bad_csv: {exc}")
            continue
        if len(row) != ncols:
            bad.append(i)
            reasons.append(f"bad_columns: expected {ncols} fields, got {len(row)}")
            continue
        good.append(i)
        rows.append(row)
    columns = {j: pa.array([r[j] for r in rows], type=pa.string()) for j in needed}
    return np.asarray(good, dtype=np.int64), columns, np.asarray(bad, dtype=np.int64), reasons


# --------------------------------------------------------------------------------------
# Field conversions (each accepts the typed Arrow column or its text)
# --------------------------------------------------------------------------------------


def _is_text(a: pa.Array) -> bool:
    return pa.types.is_string(a.type) or pa.types.is_large_string(a.type)


def _numbers(col: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """``(float64 values, NaN for empty / not a number, bad mask)``; bad = non-empty, unparsable."""
    if not _is_text(col):
        vals = np.array(col.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
        return vals, np.zeros(len(vals), dtype=bool)
    s = pc.utf8_trim_whitespace(col)
    empty = pc.is_in(s, value_set=_CSV_NULLS_ARRAY)
    try:  # fast path: every non-empty value is a plain number
        vals = pc.cast(pc.if_else(empty, pa.scalar(None, s.type), s), pa.float64())
        out = np.array(vals.to_numpy(zero_copy_only=False), dtype=np.float64)
        if not np.isinf(out).any():
            return out, np.zeros(len(out), dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    ok = pc.match_substring_regex(s, _FLOAT_RE)
    vals = pc.cast(pc.if_else(ok, s, pa.scalar(None, s.type)), pa.float64())
    out = np.array(vals.to_numpy(zero_copy_only=False), dtype=np.float64)  # writable copy
    bad = ~_np_bool(ok) & ~_np_bool(empty)
    return out, bad


def _dictionary(col: pa.Array | pa.ChunkedArray) -> pa.DictionaryArray:
    """``col`` dictionary-encoded as one array (distinct values once, then codes)."""
    encoded = pc.dictionary_encode(col)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.unify_dictionaries().combine_chunks()
    return encoded


def _is_class_b(col: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Mask of TransceiverClass "B" (case and spaces ignored), computed on the distinct values."""
    encoded = _dictionary(col)
    words = pc.utf8_upper(pc.utf8_trim_whitespace(encoded.dictionary.cast(pa.string())))
    is_b = np.append(_np_bool(pc.equal(words, "B")), False)
    return is_b[pc.fill_null(encoded.indices, len(words)).to_numpy(zero_copy_only=False)]


def _text(col: pa.Array | None, n: int, chars: str = " \t@") -> pa.Array:
    """Text trimmed of ``chars`` at both ends, empty -> NULL."""
    if col is None:
        return pa.nulls(n, pa.string())
    s = pc.utf8_trim(col.cast(pa.string()), characters=chars)
    return pc.if_else(pc.equal(s, ""), pa.scalar(None, pa.string()), s)


def _int_in(vals: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Mask of values that are integral and within [lo, hi]."""
    with np.errstate(invalid="ignore"):
        return (vals >= lo) & (vals <= hi) & (np.floor(vals) == vals)


def _parse_iso(col: pa.Array) -> np.ndarray:
    """ISO 8601 text -> int64 microseconds since epoch UTC; unparsable -> INT64_MIN."""
    n = len(col)
    s = pc.utf8_trim_whitespace(col)
    out = np.full(n, _INT64_MIN, dtype=np.int64)
    fast = _np_bool(pc.match_substring_regex(s, _ISO_FAST_RE))
    slow = ~fast & _np_bool(pc.match_substring_regex(s, _ISO_SLOW_RE))
    if fast.any():
        masked = pc.if_else(pa.array(fast), s, pa.scalar(None, s.type))
        for _ in range(16):
            try:
                vals = pc.cast(masked, pa.timestamp("us")).cast(pa.int64()).to_numpy(zero_copy_only=False)
                out[fast] = vals[fast]
                break
            except pa.ArrowInvalid as exc:
                # An impossible date (month 13, Feb 30, hour 24): drop that value, try again.
                m = _ISO_CAST_ERROR.search(str(exc))
                if not m:
                    slow |= fast
                    break
                same = pc.fill_null(pc.equal(masked, m.group(1)), False)
                masked = pc.if_else(same, pa.scalar(None, s.type), masked)
                fast &= ~_np_bool(same)
        else:  # many different impossible dates: let pandas sort them out
            slow |= fast
    if slow.any():
        idx = np.flatnonzero(slow)
        texts = pd.Series(s.take(pa.array(idx)).to_pylist(), dtype=object)
        parsed = pd.to_datetime(texts, format="ISO8601", errors="coerce", utc=True)
        good = ~parsed.isna().to_numpy()
        vals = parsed.dt.tz_localize(None).to_numpy().astype("datetime64[us]").view(np.int64)
        out[idx[good]] = vals[good]
    return out


def _times(col: pa.Array, time_format: str) -> np.ndarray:
    """int64 microseconds since epoch UTC; unparsable or outside 1970..2099 -> INT64_MIN."""
    if pa.types.is_timestamp(col.type):
        us = np.array(
            pc.fill_null(col.cast(pa.timestamp("us")).cast(pa.int64()), _INT64_MIN).to_numpy(zero_copy_only=False),
            dtype=np.int64,
        )
    elif time_format == "iso":
        us = _parse_iso(col)
    else:
        vals, _ = _numbers(col)
        scale = 1e6 if time_format == "unix_s" else 1e3
        with np.errstate(invalid="ignore", over="ignore"):
            scaled = np.rint(vals * scale)
            ok = np.isfinite(scaled) & (scaled >= _TS_MIN_US) & (scaled < _TS_MAX_US)
        us = np.full(len(vals), _INT64_MIN, dtype=np.int64)
        us[ok] = scaled[ok].astype(np.int64)
    us[(us < _TS_MIN_US) | (us >= _TS_MAX_US)] = _INT64_MIN
    return us


def _field_of(line: str, j: int) -> str:
    try:
        row = next(csv.reader([line]), [])
    except csv.Error:
        row = line.split(",")
    value = row[j] if j < len(row) else ""
    return value if len(value) <= _MAX_DETAIL else value[:_MAX_DETAIL] + "..."


def _hash_column(values: np.ndarray | pa.Array | pa.ChunkedArray) -> np.ndarray:
    """uint64 hash per value (:func:`pandas.util.hash_array`: fixed key, stable across runs)."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):  # text: hash each distinct value once
        encoded = _dictionary(values)
        words = np.asarray(encoded.dictionary.to_numpy(zero_copy_only=False), dtype=object)
        table = np.append(pd.util.hash_array(words, categorize=False), _NULL_HASH)
        codes = pc.fill_null(encoded.indices, len(words)).to_numpy(zero_copy_only=False)
        return table[codes]
    return pd.util.hash_array(values, categorize=False)


def _hash(frame: dict[str, np.ndarray | pa.Array], n: int) -> pa.Array:
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
            raise RuntimeError(f"csv_reader cannot fill the required field {field.name!r}")
    return pa.Table.from_arrays(arrays, schema=schema)


def _taker(idx: np.ndarray, n: int) -> Any:
    """``take(idx)`` for Arrow arrays, skipped when ``idx`` is every row in order."""
    if len(idx) == n:
        return lambda a: a
    indices = pa.array(idx, type=pa.int64())
    return lambda a: a.take(indices)


def _int_arr(vals: np.ndarray, valid: np.ndarray, typ: pa.DataType) -> pa.Array:
    filled = np.where(valid, vals, 0).astype(typ.to_pandas_dtype())
    return pa.array(filled, mask=~valid, type=typ)


# --------------------------------------------------------------------------------------
# One chunk -> one batch
# --------------------------------------------------------------------------------------


def _decode_chunk(
    data: bytes,
    n_chunk: int,
    first_line_no: int,
    plan: _Plan,
    types: dict[int, pa.DataType],
    station: str | None,
) -> CsvBatch:
    columns = _fast_parse(data, plan, n_chunk, types)
    lines = _Lines(data)
    reject_idx: list[np.ndarray] = []  # line indices in the chunk
    reject_reasons: list[str] = []
    if columns is not None:
        row_idx = np.arange(n_chunk, dtype=np.int64)  # line index of each parsed row
    else:  # blank lines, wrong field counts, bad quotes, bad UTF-8
        row_idx, columns, bad_idx, bad_reasons = _checked_parse(lines, plan, types)
        reject_idx.append(bad_idx)
        reject_reasons.extend(bad_reasons)
    n = len(row_idx)

    def col(field: str) -> pa.Array | None:
        j = plan.cols.get(field)
        return None if j is None else columns[j]

    # --- key fields: any failure rejects the row (the first failure gives the reason) ---
    rejected = np.zeros(n, dtype=bool)

    def reject(mask: np.ndarray, code: str, field: str) -> None:
        new = mask & ~rejected
        if new.any():
            idx = row_idx[np.flatnonzero(new)]
            j = plan.cols[field]
            reject_idx.append(idx)
            reject_reasons.extend(f"{code}: {_field_of(line, j)!r}" for line in lines.raw(idx))
            rejected[new] = True

    mmsi_vals, _ = _numbers(col("mmsi"))
    reject(~_int_in(mmsi_vals, 1, 999_999_999), "bad_mmsi", "mmsi")
    ts_us = _times(col("ts"), plan.time_format)
    reject(ts_us == _INT64_MIN, "bad_time", "ts")
    if "lat" in plan.cols:
        lat, lat_bad = _numbers(col("lat"))
        lon, lon_bad = _numbers(col("lon"))
        with np.errstate(invalid="ignore"):
            lat_bad |= (np.abs(lat) > 90) & (lat != 91)
            lon_bad |= (np.abs(lon) > 180) & (lon != 181)
        lat[lat == 91] = np.nan
        lon[lon == 181] = np.nan
        reject(lat_bad, "bad_lat", "lat")
        reject(lon_bad, "bad_lon", "lon")
    else:
        lat = np.full(n, np.nan)
        lon = np.full(n, np.nan)

    ok = np.flatnonzero(~rejected)
    m = len(ok)
    take_ok = _taker(ok, n)

    def sub(field: str) -> pa.Array | None:
        c = col(field)
        return None if c is None else take_ok(c)

    def num(field: str) -> np.ndarray:
        c = col(field)
        return np.full(m, np.nan) if c is None else _numbers(c)[0][ok]

    mmsi = mmsi_vals[ok].astype(np.int64)
    ts = ts_us[ok]
    lat, lon = lat[ok], lon[ok]
    ts_arr = pa.array(ts.view("datetime64[us]"), type=pa.timestamp("us")).cast(TS)

    is_b = np.zeros(m, dtype=bool)
    if plan.class_col is not None:
        is_b = _is_class_b(take_ok(columns[plan.class_col]))

    st = _text(sub("station"), m, " \t")
    if station is not None:
        st = pc.fill_null(st, pa.scalar(station, pa.string()))

    # --- positions ---
    p = np.flatnonzero(~np.isnan(lat) & ~np.isnan(lon))
    n_pos = len(p)
    take_p = _taker(p, m)
    sog = num("sog")[p]
    with np.errstate(invalid="ignore"):
        sog[(sog < 0) | (sog > 102.2 + 1e-9)] = np.nan
    cog = num("cog")[p]
    with np.errstate(invalid="ignore"):
        cog[(cog < 0) | (cog >= 360)] = np.nan
    heading = num("heading")[p]
    heading_ok = _int_in(heading, 0, 359)
    nav = num("nav_status")[p]
    nav_ok = _int_in(nav, 0, 15)
    pos_mmsi, pos_ts, pos_lat, pos_lon = mmsi[p], ts[p], lat[p], lon[p]
    sog32, cog32 = sog.astype(np.float32), cog.astype(np.float32)
    positions = _table(
        POSITION_SCHEMA,
        n_pos,
        {
            "mmsi": pa.array(pos_mmsi.astype(np.int32), type=pa.int32()),
            "ts": take_p(ts_arr),
            "lat": pa.array(pos_lat, type=pa.float64()),
            "lon": pa.array(pos_lon, type=pa.float64()),
            "sog": pa.array(sog32, mask=np.isnan(sog32), type=pa.float32()),
            "cog": pa.array(cog32, mask=np.isnan(cog32), type=pa.float32()),
            "heading": _int_arr(heading, heading_ok, pa.int16()),
            "nav_status": _int_arr(nav, nav_ok, pa.int8()),
            "msg_type": pa.array(np.where(is_b[p], 18, 1).astype(np.int8), type=pa.int8()),
            "station": take_p(st),
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

    # --- identities ---
    name = _text(sub("name"), m)
    callsign = _text(sub("callsign"), m)
    destination = _text(sub("destination"), m)
    imo_col = sub("imo")
    if imo_col is None:
        imo = np.full(m, np.nan)
    elif _is_text(imo_col):
        imo_txt = pc.utf8_trim_whitespace(imo_col)
        if _np_bool(pc.match_substring(imo_txt, "imo", ignore_case=True)).any():
            imo_txt = pc.replace_substring_regex(imo_txt, pattern=r"(?i)^imo\s*", replacement="")
        imo = _numbers(imo_txt)[0]
    else:
        imo = _numbers(imo_col)[0]
    imo_ok = _int_in(imo, 1, 999_999_999)
    ship_type = num("ship_type")
    ship_type_ok = _int_in(ship_type, 1, 255)
    length = np.rint(num("length"))
    length_ok = _int_in(length, 1, 32767)
    width = np.rint(num("width"))
    width_ok = _int_in(width, 1, 32767)
    draught = num("draught")
    with np.errstate(invalid="ignore"):
        draught[~(draught > 0)] = np.nan

    has_identity = imo_ok | ship_type_ok | length_ok | width_ok | ~np.isnan(draught)
    for text in (name, callsign, destination):
        if text.null_count < len(text):
            has_identity |= _np_bool(pc.is_valid(text))
    q = np.flatnonzero(has_identity)
    k = len(q)
    take_q = _taker(q, m)
    zeros16 = np.zeros(k, dtype=np.int16)
    id_name, id_callsign, id_dest = take_q(name), take_q(callsign), take_q(destination)
    id_draught = draught[q].astype(np.float32)
    identities = _table(
        IDENTITY_SCHEMA,
        k,
        {
            "mmsi": pa.array(mmsi[q].astype(np.int32), type=pa.int32()),
            "ts": take_q(ts_arr),
            "msg_type": pa.array(np.where(is_b[q], 24, 5).astype(np.int8), type=pa.int8()),
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
            "station": take_q(st),
            "n_stations": pa.array(np.ones(k, dtype=np.int16), type=pa.int16()),
            "payload_hash": _hash(
                {
                    "mmsi": mmsi[q],
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

    # --- rejects, in line order ---
    r_idx = np.concatenate(reject_idx) if reject_idx else np.zeros(0, dtype=np.int64)
    if len(r_idx):
        order = np.argsort(r_idx, kind="stable")
        r_idx = r_idx[order]
        rejects = pa.Table.from_arrays(
            [
                pa.array(r_idx + first_line_no, type=pa.int64()),
                pa.array(lines.raw(r_idx), type=pa.string()),
                pa.array([reject_reasons[i] for i in order.tolist()], type=pa.string()),
            ],
            schema=REJECT_SCHEMA,
        )
    else:
        rejects = REJECT_SCHEMA.empty_table()

    return CsvBatch(
        positions=positions,
        identities=identities,
        rejects=rejects,
        lines=n_chunk,
        no_position=int(m - n_pos),
    )
