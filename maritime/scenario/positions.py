"""A scenario's position reports as Arrow tables, without the NMEA round trip.

For benchmarks and tests that need millions of realistic positions in DuckDB or Parquet
quickly: the rows a clean ingest of the scenario's recording would store (duplicates,
corrupted lines and reports without a position left out), with one payload hash per
report. Units as in the ``positions`` table: degrees, knots, degrees true.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

if TYPE_CHECKING:
    import duckdb

from maritime.scenario.config import COG_NA_I, LAT_NA_I, SOG_NA_I, Kind, Noise
from maritime.scenario.messages import iter_batches
from maritime.scenario.model import Scenario

#: Columns of each table (a subset of ``positions``; ``ts`` as microseconds since the epoch).
COLUMNS = ("mmsi", "t_us", "lat", "lon", "sog", "cog", "msg_type", "station", "payload_hash")


def position_tables(sc: Scenario, chunk_s: float = 6 * 3600.0) -> Iterator[pa.Table]:
    """Yield the scenario's clean position reports, window by window, in time order."""
    names = [s.name for s in sc.stations]
    next_hash = 0
    for b in iter_batches(sc, chunk_s=chunk_s):
        m = np.isin(b.kind, Kind.POSITION) & ~b.dup & (b.noise == Noise.NONE) & (b.lat_i != LAT_NA_I)
        if not m.any():
            continue
        t27 = b.msg_type[m] == 27
        scale = np.where(t27, 600.0, 600000.0)
        sog_i, cog_i = b.sog_i[m], b.cog_i[m]
        sog = np.where(t27, np.where(sog_i == 63, np.nan, sog_i), np.where(sog_i == SOG_NA_I, np.nan, sog_i / 10.0))
        cog = np.where(t27, np.where(cog_i == 511, np.nan, cog_i), np.where(cog_i == COG_NA_I, np.nan, cog_i / 10.0))
        k = int(m.sum())
        yield pa.table(
            {
                "mmsi": b.mmsi[m].astype(np.int32),
                "t_us": b.c[m].astype(np.int64) * 1_000_000,
                "lat": b.lat_i[m] / scale,
                "lon": b.lon_i[m] / scale,
                "sog": sog.astype(np.float32),
                "cog": cog.astype(np.float32),
                "msg_type": b.msg_type[m].astype(np.int8),
                "station": pa.array([names[s] for s in b.station[m]]),
                "payload_hash": np.arange(next_hash, next_hash + k, dtype=np.uint64),
            }
        )
        next_hash += k


#: Appends a registered Arrow table ``batch`` (:data:`COLUMNS`) to ``positions``.
INSERT_POSITIONS = (
    "INSERT INTO positions (mmsi, ts, lat, lon, sog, cog, msg_type, station, n_stations, payload_hash, run_id) "
    "SELECT mmsi, make_timestamptz(t_us), lat, lon, sog, cog, msg_type, station, 1, payload_hash, 0 FROM batch"
)


def insert_positions(con: duckdb.DuckDBPyConnection, table: pa.Table) -> int:
    """Append one :func:`position_tables` table to the ``positions`` table of ``con``."""
    con.register("batch", table)
    try:
        con.execute(INSERT_POSITIONS)
    finally:
        con.unregister("batch")
    return int(table.num_rows)
