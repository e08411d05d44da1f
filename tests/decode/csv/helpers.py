"""Shared data of the CSV reader tests.

Fixtures:

* ``fixtures/ais/marinecadastre_sample.csv`` is SYNTHETIC: 49 hand-written data rows in the
  NOAA MarineCadastre layout (invented vessels at plausible Gulf of Mexico positions,
  2023-01-01) with "not available" values (SOG 102.3, COG 360.0, heading 511, lat/lon
  91/181, IMO0000000, ship type 0, length/width 0), an '@'-padded name, a quoted name with
  a comma, class B rows, space-separated times, and 7 malformed rows.
* ``fixtures/ais/solent_excerpt.csv`` is REAL: the header and first 500 data rows of
  ``docs/demos/SolentAIS_20160112_130211.csv`` from dstl/Stone-Soup (MIT licence, Crown
  copyright), see fixtures/ais/README.md.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from maritime.decode.csv.reader import read_csv_batches
from maritime.decode.csv.rows import CsvBatch
from maritime.records import IDENTITY_SCHEMA, POSITION_SCHEMA, REJECT_SCHEMA

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "ais"
MC = FIXTURES / "marinecadastre_sample.csv"
SOLENT = FIXTURES / "solent_excerpt.csv"
SOLENT_SPEC = "mmsi=MMSI,ts=Time,lat=Latitude_degrees,lon=Longitude_degrees,sog=SOG_knots,cog=COG_degrees"
MC_HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
    "Length,Width,Draft,Cargo,TransceiverClass"
)

MC_REJECTS = {
    12: "bad_time: '2023-13-01T00:00:00'",
    22: "bad_lat: 'abc'",
    32: "bad_mmsi: ''",
    37: "bad_lat: '95.5'",
    42: "bad_lon: '-200.10000'",
    47: "bad_mmsi: '1234567890'",
    50: "bad_columns: expected 17 fields, got 8",
}


def read_all(source, **kwargs) -> CsvBatch:
    """All batches of a source concatenated into one."""
    batches = list(read_csv_batches(source, **kwargs))
    if not batches:
        return CsvBatch(POSITION_SCHEMA.empty_table(), IDENTITY_SCHEMA.empty_table(), REJECT_SCHEMA.empty_table(), 0, 0)
    return CsvBatch(
        positions=pa.concat_tables([b.positions for b in batches]),
        identities=pa.concat_tables([b.identities for b in batches]),
        rejects=pa.concat_tables([b.rejects for b in batches]),
        lines=sum(b.lines for b in batches),
        no_position=sum(b.no_position for b in batches),
    )


def rows_of(table: pa.Table, mmsi: int) -> list[dict]:
    return [r for r in table.to_pylist() if r["mmsi"] == mmsi]
