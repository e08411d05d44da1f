"""Which CSV column holds which field: explicit mappings, the MarineCadastre layout, headers.

* :class:`ColumnMapping` maps our field names (:data:`MAPPING_FIELDS`) to a file's column
  names; :func:`parse_mapping` reads one from the CLI option
  ``--columns "mmsi=MMSI,ts=Time:unix_ms,lat=Latitude,lon=Longitude"``;
* :data:`MARINECADASTRE_MAPPING` is NOAA MarineCadastre's layout, recognised by
  :func:`sniff_csv_format` (column names matched case-insensitively, optional columns may be
  missing);
* :func:`plan_columns` resolves a mapping against a header into a :class:`Plan` of column
  indices, or raises :class:`CsvLayoutError` naming what is missing.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass

from maritime.errors import MaritimeError

__all__ = [
    "MAPPING_FIELDS",
    "MARINECADASTRE_MAPPING",
    "TIME_FORMATS",
    "ColumnMapping",
    "CsvLayoutError",
    "Plan",
    "parse_mapping",
    "plan_columns",
    "sniff_csv_format",
    "split_header",
]


class CsvLayoutError(MaritimeError, ValueError):
    """A CSV header does not hold the columns needed; the message names them and ``--columns``."""


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
#: MarineCadastre's column names by their lower-case form.
MC_COLUMNS = {c.lower(): c for c in (*MARINECADASTRE_MAPPING.columns().values(), _MC_CLASS_COLUMN)}
# Columns whose presence makes a header MarineCadastre (lower-case).
_MC_REQUIRED = ("mmsi", "basedatetime", "lat", "lon", "sog", "cog", "heading")


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


def split_header(header_line: str) -> list[str]:
    line = header_line.lstrip("\ufeff").rstrip("\r\n")
    try:
        row = next(csv.reader([line], strict=True), [])
    except csv.Error:
        row = line.split(",")
    return [c.strip().lstrip("\ufeff").strip() for c in row]


def sniff_csv_format(header_line: str | bytes) -> str | None:
    """``"marinecadastre"`` if the header has the MarineCadastre columns, else ``None``."""
    if isinstance(header_line, bytes):
        header_line = header_line.decode("utf-8", errors="replace")
    names = {c.lower() for c in split_header(header_line)}
    if all(c in names for c in _MC_REQUIRED):
        return "marinecadastre"
    return None


@dataclass(frozen=True)
class Plan:
    """Where each needed field is in a CSV row: column indices of a resolved header."""

    ncols: int
    cols: dict[str, int]  # our field -> column index
    class_col: int | None
    time_format: str


def resolve(header: list[str], mapping: ColumnMapping, optional: Iterable[str] = ()) -> Plan:
    """Column indices of ``mapping``'s columns in ``header`` (exact name, else case-insensitive);
    a missing column is an error unless its field is ``optional``."""
    exact = {name: i for i, name in reversed(list(enumerate(header)))}
    lower: dict[str, list[int]] = {}
    for i, name in enumerate(header):
        lower.setdefault(name.lower(), []).append(i)
    may_miss = set(optional)
    cols: dict[str, int] = {}
    for field, column in mapping.columns().items():
        column = column.strip()
        if column in exact:
            cols[field] = exact[column]
        elif len(lower.get(column.lower(), ())) == 1:
            cols[field] = lower[column.lower()][0]
        elif len(lower.get(column.lower(), ())) > 1:
            raise CsvLayoutError(f"CSV column {column!r} (for {field}) is ambiguous: header has it more than once")
        elif field not in may_miss:
            raise CsvLayoutError(
                f"CSV has no column {column!r} (mapped to {field}); header columns: {', '.join(header)}"
            )
    return Plan(len(header), cols, None, mapping.time_format)


def plan_columns(header_raw: str, mapping: ColumnMapping | None) -> Plan:
    """The :class:`Plan` of a header line: ``mapping``'s columns, else MarineCadastre's.

    Raises :class:`CsvLayoutError` when the header is not MarineCadastre's and no mapping is
    given, or when a mapped column is missing or ambiguous.
    """
    header = split_header(header_raw)
    if mapping is not None:
        return resolve(header, mapping)
    if sniff_csv_format(header_raw) != "marinecadastre":
        have = {h.lower() for h in header}
        missing = [MC_COLUMNS[c] for c in _MC_REQUIRED if c not in have]
        raise CsvLayoutError(
            f"CSV header is not the MarineCadastre layout (no {', '.join(missing)} column); give a column "
            f"mapping with --columns 'mmsi=...,ts=...,lat=...,lon=...'; header columns: {', '.join(header)}"
        )
    plan = resolve(
        header,
        MARINECADASTRE_MAPPING,
        optional=set(MARINECADASTRE_MAPPING.columns()) - {"mmsi", "ts", "lat", "lon"},
    )
    lowered = [h.lower() for h in header]
    class_col = lowered.index(_MC_CLASS_COLUMN.lower()) if _MC_CLASS_COLUMN.lower() in lowered else None
    return Plan(plan.ncols, plan.cols, class_col, plan.time_format)
