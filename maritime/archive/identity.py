"""The identity history of an archive, rebuilt from its identity reports (the Dask engine's input).

A DuckDB database keeps ``identity_history``: the store writes it at ingest, batch by batch
(``store/sql/identity_history.sql``), from the reports whose payload changed
(``store.summary.identity_changes``). The archive holds only the identity reports
(``DEST/identity_reports/day=…/*.parquet``), so :func:`archive_identity_changes` replays the
store over all of them at once, in one in-memory DuckDB and with the same code and SQL:

1. every archived identity report, each transmission once (an archive may hold the same
   rows from two origins: the same ``mmsi, ts, payload_hash`` counts once), in time order;
2. the reports whose payload differs from the previous one of their kind
   (``store.summary.identity_changes``, as at ingest);
3. ``store/sql/identity_history.sql`` on them, with no history before (one batch);
4. ``runner.read_identity_changes`` (``detect/sql/read_identity_changes.sql``), as the
   single-machine run reads its identity changes (names, call signs, ship types, IMO
   numbers, claimed dimensions).

The result equals the database's history when its reports were ingested in time order (a
recording, or a feed). ``identity_history`` records changes in ingest order
(README, "Resume and idempotence"): late identity reports ingested after newer ones can give
the database other rows than this replay, which sees every report in its place.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pyarrow.dataset as ds

from maritime.archive.export import sql as archive_sql
from maritime.archive.layout import Archive, list_files
from maritime.detect.identity_change import IdentityChanges
from maritime.detect.runner import read_identity_changes
from maritime.store.database import sql as store_sql
from maritime.store.summary import identity_changes

IDENTITY_REPORTS = "identity_reports"
#: The columns ``store.summary.identity_changes`` and ``store/sql/identity_history.sql`` read
#: (not the dimensions, draught and ETA), in time order.
REPORTS_IN_TIME_ORDER = (
    "SELECT mmsi, ts, msg_type, part, payload_hash, imo, callsign, name, ship_type, destination, station "
    "FROM identity_reports ORDER BY ts, mmsi, msg_type, part, payload_hash"
)
#: From the beginning of data time (a full run reads every change).
EPOCH0 = datetime(1970, 1, 1, tzinfo=UTC)


def archive_identity_changes(arch: Archive, since: datetime = EPOCH0) -> IdentityChanges | None:
    """The identity changes of the archive's identity reports from ``since`` (UTC), as the
    single-machine run reads them from its database (``runner.read_identity_changes``);
    None when the archive holds no identity reports."""
    files = list_files(arch, IDENTITY_REPORTS)
    if not files:
        return None
    con = duckdb.connect()
    try:
        con.execute(store_sql("schema"))  # identity_reports and identity_history, as in a database
        con.register("archived", ds.dataset(files, filesystem=arch.fs, format="parquet"))
        con.execute(archive_sql("identity_reports_once"))
        con.unregister("archived")
        reports = con.sql(REPORTS_IN_TIME_ORDER).to_arrow_table()
        con.register("id_batch_changes", identity_changes(reports))
        del reports
        con.execute(store_sql("identity_history"))
        con.unregister("id_batch_changes")
        return read_identity_changes(con, since)
    finally:
        con.close()
