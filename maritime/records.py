"""Typed, columnar records that flow from decode to store.

Every stage between the sources and DuckDB passes batches as :class:`pyarrow.Table`
objects with one of the schemas below, so that decoding, deduplication and storage are
vectorised and the store can append a batch with one zero-copy scan.

Units: ``ts`` is UTC, ``lat``/``lon`` are WGS84 decimal degrees, ``sog`` is knots,
``cog`` and ``heading`` are degrees true, dimensions are metres, ``draught`` metres,
``rot`` is degrees per minute as defined by ITU-R M.1371-5 (sign kept). "Not available"
values of the AIS standard are always NULL, never the sentinel number.
"""

from __future__ import annotations

import pyarrow as pa

TS = pa.timestamp("us", tz="UTC")

#: One row per stored position report (AIS types 1, 2, 3, 18, 19, 27 or a CSV row).
POSITION_SCHEMA = pa.schema(
    [
        pa.field("mmsi", pa.int32(), nullable=False),
        pa.field("ts", TS, nullable=False),
        pa.field("lat", pa.float64(), nullable=False),
        pa.field("lon", pa.float64(), nullable=False),
        pa.field("sog", pa.float32()),
        pa.field("cog", pa.float32()),
        pa.field("heading", pa.int16()),
        pa.field("nav_status", pa.int8()),
        pa.field("rot", pa.float32()),
        pa.field("accuracy", pa.bool_()),
        pa.field("second", pa.int8()),  # the report's UTC second, NULL for codes 60-63
        pa.field("msg_type", pa.int8(), nullable=False),
        pa.field("station", pa.string()),
        pa.field("n_stations", pa.int16(), nullable=False),
        pa.field("payload_hash", pa.uint64(), nullable=False),
    ]
)

#: One row per stored identity / voyage report (types 5, 19, 24A, 24B or a CSV row).
IDENTITY_SCHEMA = pa.schema(
    [
        pa.field("mmsi", pa.int32(), nullable=False),
        pa.field("ts", TS, nullable=False),
        pa.field("msg_type", pa.int8(), nullable=False),
        pa.field("part", pa.int8()),  # type 24 part number (0 = A, 1 = B), else NULL
        pa.field("imo", pa.int32()),
        pa.field("callsign", pa.string()),
        pa.field("name", pa.string()),
        pa.field("ship_type", pa.int16()),
        pa.field("to_bow", pa.int16()),
        pa.field("to_stern", pa.int16()),
        pa.field("to_port", pa.int16()),
        pa.field("to_starboard", pa.int16()),
        pa.field("draught", pa.float32()),
        pa.field("destination", pa.string()),
        pa.field("eta", pa.string()),  # "MM-DDTHH:MM" as broadcast; the year is not sent
        pa.field("station", pa.string()),
        pa.field("n_stations", pa.int16(), nullable=False),
        pa.field("payload_hash", pa.uint64(), nullable=False),
    ]
)

#: One row per rejected input line, kept with its reason.
REJECT_SCHEMA = pa.schema(
    [
        pa.field("line_no", pa.int64(), nullable=False),
        pa.field("raw", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
    ]
)

#: One row per reception of a valid message (every copy, from every station): the
#: transmission is the MMSI and payload within the duplicate window. ``kind`` says which
#: record tables hold the transmission: 0 none (another type, or no position), 1 positions,
#: 2 identity reports, 3 both (type 19). The decoder gives ``station`` dictionary-encoded.
RECEPTION_SCHEMA = pa.schema(
    [
        pa.field("mmsi", pa.int32(), nullable=False),
        pa.field("payload_hash", pa.uint64(), nullable=False),
        pa.field("ts", TS, nullable=False),
        pa.field("station", pa.string()),
        pa.field("msg_type", pa.int8(), nullable=False),
        pa.field("kind", pa.int8(), nullable=False),
    ]
)
