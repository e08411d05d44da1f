"""Copy a DuckDB database into the archive, incrementally.

Two ways in:

* :func:`mirror_database` (``maritime archive``): the database keeps everything; each UTC day
  whose rows changed since the last run (rows and an order-free checksum per day, kept in
  ``_maritime/mirror-<origin>.json``) is written again as a whole, replacing the previous
  file of that day atomically. Days that did not change are not touched, so a second run on
  the same database writes nothing.
* :func:`drain_staging` (``maritime ingest --archive``): the staging database holds only what
  the current ingest added; its positions and identity reports are appended as new files
  (named after the staging database and the ingest runs they came from, so that a drain
  killed half way and run again rewrites the same names, and two staging databases never
  overwrite each other) and then removed from the staging database. Vessels are kept there
  (one row per MMSI) and rewritten whole.

Every file is written under a temporary name and renamed (see ``layout``); the bookkeeping
is updated after the files it describes, so a killed run is repeated, never half counted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from typing import Any

import duckdb
import pyarrow as pa

from maritime.archive.layout import (
    EVENTS,
    POSITIONS,
    VESSELS,
    Archive,
    cell_name,
    check_cell_deg,
    day_dir,
    part_name,
    read_state,
    write_parquet,
    write_state,
)

#: Tables written per UTC day (partitioned), and whole (small) tables.
DAY_TABLES = (POSITIONS, "identity_reports")
WHOLE_TABLES = (VESSELS, EVENTS)
#: Rows fetched from DuckDB per Arrow batch while writing (bounds memory).
BATCH_ROWS = 250_000


def sql(name: str, table: str | None = None) -> str:
    """The text of ``maritime/archive/sql/<name>.sql`` (``{table}`` filled from a fixed list)."""
    text = resources.files("maritime.archive").joinpath("sql", f"{name}.sql").read_text()
    if table is not None:
        if table not in DAY_TABLES + WHOLE_TABLES:
            raise ValueError(f"not an archived table: {table}")
        text = text.replace("{table}", table)
    return text


@dataclass
class ArchiveSummary:
    """What one archive run wrote."""

    days_written: dict[str, int] = field(default_factory=dict)  #: table -> days (re)written
    days_unchanged: int = 0
    rows: dict[str, int] = field(default_factory=dict)  #: table -> rows written
    files: int = 0

    def add(self, table: str, rows: int, files: int = 1) -> None:
        self.rows[table] = self.rows.get(table, 0) + rows
        self.files += files

    def merge(self, other: ArchiveSummary) -> None:
        for table, rows in other.rows.items():
            self.rows[table] = self.rows.get(table, 0) + rows
        for table, days in other.days_written.items():
            self.days_written[table] = self.days_written.get(table, 0) + days
        self.files += other.files
        self.days_unchanged += other.days_unchanged

    def lines(self, dest: str) -> list[str]:
        out = [f"archive {dest}:"]
        for t in DAY_TABLES + WHOLE_TABLES:
            if t in self.rows or t in self.days_written:
                days = f" ({self.days_written[t]} days)" if t in self.days_written else ""
                out.append(f"  {t:<17} {self.rows.get(t, 0):>12,} rows written{days}")
        out.append(f"  {self.files} files written; {self.days_unchanged} days unchanged")
        return out


def _utc_schema(schema: pa.Schema) -> pa.Schema:
    """Time zone ``UTC`` on every timestamp column (DuckDB says ``Etc/UTC``)."""
    return pa.schema(
        [f.with_type(pa.timestamp(f.type.unit, "UTC")) if pa.types.is_timestamp(f.type) else f for f in schema]
    )


def _write_query(arch: Archive, con: duckdb.DuckDBPyConnection, path: str, query: str, params: dict[str, Any]) -> int:
    reader = con.sql(query, params=params).to_arrow_reader(BATCH_ROWS)
    schema = _utc_schema(reader.schema)
    return write_parquet(arch, path, (b.cast(schema) for b in reader), schema)


def _day_bounds(day: date) -> dict[str, datetime]:
    start = datetime.combine(day, time(0), tzinfo=UTC)
    return {"day_start": start, "day_end": start + timedelta(days=1)}


def _write_day(
    arch: Archive, con: duckdb.DuckDBPyConnection, table: str, day: date, name: str, cell_deg: float | None
) -> tuple[int, int]:
    """Write one day of ``table`` (one file, or one per cell); returns (rows, files)."""
    bounds = _day_bounds(day)
    if table != POSITIONS or not cell_deg:
        return _write_query(arch, con, arch.path(table, day_dir(day), name), sql("day_rows", table), bounds), 1
    rows = files = 0
    cells = con.execute(sql("day_cells"), {**bounds, "cell_deg": cell_deg}).fetchall()
    for iy, ix in cells:
        cell = cell_name(iy * cell_deg - 90.0 + cell_deg / 2, ix * cell_deg - 180.0 + cell_deg / 2, cell_deg)
        path = arch.path(table, day_dir(day), f"cell={cell}", name)
        rows += _write_query(
            arch, con, path, sql("day_cell_rows"), {**bounds, "cell_deg": cell_deg, "iy": iy, "ix": ix}
        )
        files += 1
    return rows, files


def database_origin(con: duckdb.DuckDBPyConnection) -> str:
    """``db-<id>``: the same for a database wherever it is moved, different between databases."""
    row = con.execute(sql("database_id")).fetchall()
    key = "|".join(row[0]) if row else "empty"
    return "db-" + hashlib.sha1(key.encode()).hexdigest()[:10]


def mirror_database(con: duckdb.DuckDBPyConnection, arch: Archive, cell_deg: float | None = None) -> ArchiveSummary:
    """Bring the archive up to date with the database ``con`` (see the module docstring)."""
    origin = database_origin(con)
    state_name = f"mirror-{origin}"
    check_cell_deg(arch, cell_deg)
    state = read_state(arch, state_name)
    summary = ArchiveSummary()
    for table in DAY_TABLES:
        done = state.setdefault(table, {})
        for day, n, checksum in con.execute(sql("day_signatures", table)).fetchall():
            key = day.isoformat()
            if done.get(key) == [n, checksum]:
                summary.days_unchanged += 1
                continue
            rows, files = _write_day(arch, con, table, day, part_name(origin), cell_deg)
            summary.add(table, rows, files)
            summary.days_written[table] = summary.days_written.get(table, 0) + 1
            done[key] = [n, checksum]
            write_state(arch, state_name, state)
    for table in WHOLE_TABLES:
        sig = list(con.execute(sql("table_signature", table)).fetchall()[0])
        if state.get(table) == sig:
            continue
        rows = _write_query(arch, con, arch.path(table, part_name(origin)), f"SELECT * FROM {table} ORDER BY ALL", {})
        summary.add(table, rows)
        state[table] = sig
        write_state(arch, state_name, state)
    return summary


def drain_staging(con: duckdb.DuckDBPyConnection, arch: Archive, cell_deg: float | None = None) -> ArchiveSummary:
    """Append the staging database's positions and identity reports to the archive, then
    remove them from it; rewrite the archive's ingest vessels (see the module docstring)."""
    check_cell_deg(arch, cell_deg)
    origin = "ingest-" + database_origin(con)[len("db-") :]
    summary = ArchiveSummary()
    for table in DAY_TABLES:
        lo, hi = con.execute(f"SELECT min(run_id), max(run_id) FROM {table}").fetchall()[0]
        if lo is None:
            continue
        name = part_name(origin, f"r{lo}" if lo == hi else f"r{lo}-{hi}")
        days = [r[0] for r in con.execute(sql("day_signatures", table)).fetchall()]
        for day in days:
            rows, files = _write_day(arch, con, table, day, name, cell_deg)
            summary.add(table, rows, files)
        summary.days_written[table] = len(days)
    if not summary.rows:
        return summary  # nothing staged: vessels cannot have changed either
    # vessels before the staged rows go: a drain killed in between is repeated whole
    rows = _write_query(arch, con, arch.path(VESSELS, part_name(origin)), "SELECT * FROM vessels ORDER BY ALL", {})
    summary.add(VESSELS, rows)
    con.execute("BEGIN TRANSACTION")
    try:
        for table in DAY_TABLES:
            con.execute(f"DELETE FROM {table}")
        con.execute("DELETE FROM receptions")  # their rows are in the archive now
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("CHECKPOINT")
    return summary
