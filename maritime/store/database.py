"""DuckDB storage: the schema, batched appends and ingest bookkeeping.

One :class:`Store` owns one DuckDB connection to one database file. DuckDB lets a single
process write a file, so a long-running process (``maritime serve``) keeps one Store and
hands :meth:`Store.cursor` to its threads.

Every batch is written in one transaction together with the checkpoint that says how far
its source has been read. A killed process therefore leaves the database at the last
committed batch, and the same command resumes from there.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from maritime.decode.pipeline import DEFAULT_DEDUP_WINDOW_US
from maritime.errors import MaritimeError
from maritime.store.receptions import receptions_of, run_sql, store_receptions
from maritime.store.summary import (
    identity_changes,
    latest_identities,
    latest_positions,
)

#: Longest free text stored (characters): station names (a tag block's ``s:`` field, a CSV
#: column, ``--station``), and names, call signs and destinations (AIS sends at most 20
#: characters; a CSV column is not bounded). Longer values are cut.
MAX_TEXT_CHARS = 64
_TEXT_COLUMNS = ("station", "name", "callsign", "destination", "eta")

#: Whether the database has the receptions table (a database made before it gets it filled
#: from its stored rows: see backfill_receptions.sql).
RECEPTIONS_EXIST = (
    "SELECT count(*) > 0 FROM duckdb_tables() WHERE table_name = 'receptions' AND database_name = current_database()"
)
#: Runs left ``running`` by a process that died (see Store._mark_interrupted_runs).
MARK_INTERRUPTED = "UPDATE ingest_runs SET status = 'interrupted', finished_at = ? WHERE status = 'running'"

#: A JSON object as stored in a checkpoint (a decoder's pending state).
JsonDict = dict[str, Any]

DEFAULT_DB = "maritime.duckdb"
#: Characters of a rejected line kept in ``rejects.raw``: enough for any AIS line or CSV
#: row, and a runaway line (megabytes of garbage) cannot bloat the table.
MAX_REJECT_RAW = 4096
#: Schema files run on every open, in order (all statements are idempotent).
SCHEMA_FILES = (
    "schema",
    "schema_events",
    "schema_alerts",
    "schema_anchorages",
    "schema_contacts",
    "schema_receptions",
)


def sql(name: str) -> str:
    """The text of ``maritime/store/sql/<name>.sql``."""
    return resources.files("maritime.store").joinpath("sql", f"{name}.sql").read_text()


def resolve_db_path(db: str | None) -> str:
    """``--db``, else ``$MARITIME_DB``, else ``./maritime.duckdb``."""
    return db or os.environ.get("MARITIME_DB") or DEFAULT_DB


class StoreError(MaritimeError):
    """The database cannot be opened or used; the message says what to do."""


@dataclass(slots=True)
class FileProgress:
    """A file's checkpoint, as committed with its last batch."""

    fingerprint: str
    status: str
    next_offset: int
    next_line: int
    decoder_state: JsonDict | None
    counts: Counter[str]


@dataclass(slots=True)
class Stored:
    """What one batch added."""

    positions: int = 0
    identities: int = 0
    duplicate_positions: int = 0
    duplicate_identities: int = 0
    rejects: int = 0
    #: corrections to the decoder's counters (Store._store_receptions)
    corrections: Counter[str] = field(default_factory=Counter)


class Store:
    """A DuckDB database file with the maritime schema."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        read_only: bool = False,
        dedup_window_us: int = DEFAULT_DEDUP_WINDOW_US,
        memory_limit: str | None = None,
    ) -> None:
        self.path = str(path)
        self.dedup_window_us = dedup_window_us
        self._in_transaction = False
        try:
            if not read_only and self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:
            text = str(exc).splitlines()[0]
            if "lock" in text.lower():
                raise StoreError(
                    f"database {self.path} is in use by another process; stop it (e.g. `maritime serve`) "
                    "or use another --db"
                ) from None
            raise StoreError(f"cannot open database {self.path}: {text}") from None
        except duckdb.Error as exc:
            raise StoreError(f"cannot open database {self.path}: {str(exc).splitlines()[0]}") from None
        if hasattr(os, "sched_getaffinity"):
            # DuckDB counts the machine's cores; use only those this process may run on
            # (on one pinned core, a second DuckDB thread only adds switching).
            self.con.execute(f"SET threads = {max(1, len(os.sched_getaffinity(0)))}")
        if memory_limit:
            # DuckDB caches blocks up to its limit (80 % of RAM by default) and spills past it.
            self.con.execute(f"SET memory_limit = '{memory_limit}'")
        if not read_only:
            self._init_schema()
            self._mark_interrupted_runs()

    # -- schema -----------------------------------------------------------------------
    def _init_schema(self) -> None:
        """Create what is missing, in one transaction (one commit instead of one a table)."""
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            new_receptions = not _one(con.execute(RECEPTIONS_EXIST))
            for name in SCHEMA_FILES:
                con.execute(sql(name))
            if new_receptions:
                con.execute(sql("backfill_receptions")).fetchall()
            if _one(con.execute("SELECT count(*) FROM mid_flags")) == 0:
                mid_csv = resources.files("maritime.reference").joinpath("data", "mid.csv")
                with resources.as_file(mid_csv) as path:
                    con.execute(
                        "INSERT INTO mid_flags SELECT mid, country FROM read_csv(?, header=true, "
                        "columns={'mid': 'SMALLINT', 'country': 'VARCHAR'})",
                        [str(path)],
                    )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def _mark_interrupted_runs(self) -> None:
        """Runs still ``running`` when a process opens the database for writing were left by a
        process that died (killed with -9, a power cut): DuckDB lets one process write a file,
        so none of them is still going. Mark them ``interrupted``."""
        self.con.execute(MARK_INTERRUPTED, [datetime.now(UTC)])

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for another thread of this process."""
        return self.con.cursor()

    def close(self) -> None:
        self.con.close()

    # -- runs -------------------------------------------------------------------------
    def begin_run(self, source: str, kind: str, fingerprint: str | None = None) -> int:
        """Record the start of an ingest run (wall-clock time: this is bookkeeping, not data)."""
        return int(
            _one(
                self.con.execute(
                    "INSERT INTO ingest_runs (source, kind, fingerprint, started_at, status) "
                    "VALUES (?, ?, ?, ?, 'running') RETURNING run_id",
                    [source, kind, fingerprint, datetime.now(UTC)],
                )
            )
        )

    def finish_run(self, run_id: int, status: str, counts: Counter[str]) -> None:
        """Record how a run ended and its counters."""
        self.con.execute(
            "UPDATE ingest_runs SET finished_at = ?, status = ?, lines_read = ?, messages = ?, positions = ?, "
            "identities = ?, duplicates = ?, rejected = ?, counts = ? WHERE run_id = ?",
            [
                datetime.now(UTC),
                status,
                counts.get("lines_read", 0),
                counts.get("decoded", 0),
                counts.get("positions_stored", 0),
                counts.get("identities_stored", 0),
                counts.get("duplicates", 0),
                counts.get("rejected", 0),
                json.dumps(dict(sorted(counts.items()))),
                run_id,
            ],
        )

    def file_progress(self, fingerprint: str) -> FileProgress | None:
        """The checkpoint of the file with this fingerprint, ``None`` if it was never read."""
        row = self.con.execute(
            "SELECT status, next_offset, next_line, decoder_state, counts FROM source_files WHERE fingerprint = ?",
            [fingerprint],
        ).fetchone()
        if row is None:
            return None
        status, offset, line, state, counts = row
        return FileProgress(
            fingerprint,
            status,
            int(offset),
            int(line),
            json.loads(state) if state else None,
            Counter(json.loads(counts) if counts else {}),
        )

    # -- batches ----------------------------------------------------------------------
    def append(
        self,
        run_id: int,
        source: str,
        positions: pa.Table,
        identities: pa.Table,
        rejects: pa.Table,
        checkpoint: Callable[[Stored], FileProgress] | None = None,
        path: str | None = None,
        size: int | None = None,
        receptions: pa.Table | None = None,
    ) -> Stored:
        """Store one batch and its checkpoint in a single transaction.

        ``receptions`` (:data:`~maritime.records.RECEPTION_SCHEMA`) are every copy behind
        the record rows, which the decoder merged (one row per transmission in the batch);
        without it each record row is one copy and the batch is merged here. A transmission
        that earlier batches heard too is stored once: at its earliest copy, with the
        distinct stations of all its copies (``receptions`` keeps them all).

        ``checkpoint`` is called inside the transaction with what the batch stored and
        returns the source's progress to commit with it (counters included), so the
        checkpoint and the data can never disagree.
        """
        out = Stored()
        con = self.con
        own = not self._in_transaction
        merged = receptions is not None
        receptions = _cap_text(receptions if receptions is not None else receptions_of(positions, identities))
        kinds = receptions.column("kind")
        received_positions = pc.sum(pc.not_equal(pc.bit_wise_and(kinds, 1), 0).cast(pa.int64())).as_py() or 0
        # (a type 19 is a position and an identity report: its copies count with the positions)
        received_identities = pc.sum(pc.equal(kinds, 2).cast(pa.int64())).as_py() or 0
        if own:
            con.execute("BEGIN TRANSACTION")
        try:
            rechain, out.corrections = store_receptions(con, run_id, receptions, merged, self.dedup_window_us)
            out.positions, out.duplicate_positions = self._append_records(
                run_id,
                _cap_text(positions),
                "batch",
                "positions",
                {"batch_vessels": latest_positions} if positions.num_rows else {},
                [sql("upsert_vessels_positions")],
                received_positions,
                rechain,
            )
            out.identities, out.duplicate_identities = self._append_records(
                run_id,
                _cap_text(identities),
                "id_batch",
                "identities",
                {"id_batch_vessels": latest_identities, "id_batch_changes": identity_changes},
                [sql("identity_history"), sql("upsert_vessels_identities")],
                received_identities,
                rechain,
            )
            if rejects.num_rows:
                con.register("reject_batch", _cap_raw(rejects))
                con.execute("INSERT INTO rejects SELECT ?, ?, line_no, raw, reason FROM reject_batch", [run_id, source])
                con.unregister("reject_batch")
                out.rejects = rejects.num_rows
            if checkpoint is not None:
                progress = checkpoint(out)
                con.execute(
                    "INSERT OR REPLACE INTO source_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        progress.fingerprint,
                        path,
                        size,
                        progress.status,
                        progress.next_offset,
                        progress.next_line,
                        json.dumps(progress.decoder_state) if progress.decoder_state else None,
                        json.dumps(dict(progress.counts)),
                        datetime.now(UTC),
                    ],
                )
            if own:
                con.execute("COMMIT")
        except BaseException:
            if own:
                con.execute("ROLLBACK")
            raise
        return out

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block in one transaction: the batches appended inside are committed
        together at its end, or not at all."""
        if self._in_transaction:
            raise StoreError("transactions do not nest")
        self.con.execute("BEGIN TRANSACTION")
        self._in_transaction = True
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")
        finally:
            self._in_transaction = False

    def forget_file(self, path: str, fingerprint: str) -> None:
        """Remove what earlier ingests of a file (same path, or same fingerprint) stored, and
        rebuild the per-vessel rows of the vessels it touched from what remains.

        Meant for ``--reingest``, inside :meth:`transaction` with the new ingest. A
        transmission the file shared with another input was stored once, under the first run
        that heard it: forgetting the file forgets that reception too.
        """
        con = self.con
        con.execute(sql("file_runs"), {"path": path, "fingerprint": fingerprint})
        con.execute(sql("forget_file"))
        con.execute("DELETE FROM source_files WHERE fingerprint = ?", [fingerprint])
        positions = con.sql(sql("refold_positions")).to_arrow_table()
        if positions.num_rows:
            con.register("batch_vessels", latest_positions(positions))
            try:
                con.execute(sql("upsert_vessels_positions"))
            finally:
                con.unregister("batch_vessels")
        identities = con.sql(sql("refold_identities")).to_arrow_table()
        if identities.num_rows:
            con.register("id_batch_vessels", latest_identities(identities))
            con.register("id_batch_changes", identity_changes(identities))
            try:
                con.execute(sql("identity_history"))
                con.execute(sql("upsert_vessels_identities"))
            finally:
                con.unregister("id_batch_vessels")
                con.unregister("id_batch_changes")

    def _append_records(
        self,
        run_id: int,
        table: pa.Table,
        name: str,
        kind: str,
        summaries: dict[str, Callable[[pa.Table], pa.Table]],
        fold_sql: list[str],
        received: int,
        rechain: dict[str, Any] | None,
    ) -> tuple[int, int]:
        """Append ``table`` (registered as ``name``) to the ``kind`` table, rewrite the rows of
        the transmissions earlier batches heard too (``rechain``, from
        :func:`~maritime.store.receptions.store_receptions`), then fold the batch into the per-vessel tables: each
        summary of the batch is registered under its name and the ``fold_sql`` statements
        run. ``received`` is the number of copies behind the batch's rows. Returns (rows
        added, copies not stored)."""
        if table.num_rows == 0:
            return 0, 0
        con = self.con
        target = "positions" if kind == "positions" else "identity_reports"
        # identity rows of type 19 are position reports too: their copies count there
        also_positions = (
            pc.sum(pc.equal(table.column("msg_type"), 19).cast(pa.int64())).as_py() if kind != "positions" else 0
        )
        count_sql = f"SELECT count(*), count(*) FILTER (WHERE msg_type = 19) FROM {target} WHERE ts BETWEEN ? AND ?"
        registered = [name]
        con.register(name, table)
        try:
            con.execute(f"INSERT INTO {target} SELECT *, ? FROM {name}", [run_id]).fetchall()
            added, added_19 = table.num_rows, also_positions or 0
            if rechain is not None:
                span = [rechain["a"], rechain["b"]]
                rows_before, rows_19_before = con.execute(count_sql, span).fetchall()[0]
                run_sql(con, f"rechain_{kind}", rechain)
                rows_after, rows_19_after = con.execute(count_sql, span).fetchall()[0]
                added += rows_after - rows_before
                added_19 += rows_19_after - rows_19_before
            for view, summarise in summaries.items():
                con.register(view, summarise(table))
                registered.append(view)
            for statement in fold_sql:
                con.execute(statement).fetchall()
        finally:
            for view in registered:
                con.unregister(view)
        if kind == "positions":
            added_19 = 0
        return int(added), int(received - (added - added_19))


def _cap_text(table: pa.Table) -> pa.Table:
    """``table`` with its free-text columns cut to :data:`MAX_TEXT_CHARS` characters."""
    for name in _TEXT_COLUMNS:
        i = table.schema.get_field_index(name)
        if i < 0 or table.num_rows == 0:
            continue
        column = table.column(i)
        if pa.types.is_dictionary(column.type):  # (receptions' station names): the names only
            names = [chunk.dictionary for chunk in column.chunks]
            if max((pc.max(pc.utf8_length(n)).as_py() or 0) for n in names) <= MAX_TEXT_CHARS:
                continue
            column = column.cast(pa.string())
        longest = pc.max(pc.utf8_length(column)).as_py()
        if longest is not None and longest > MAX_TEXT_CHARS:
            cut = pc.utf8_slice_codeunits(column, 0, MAX_TEXT_CHARS)
            table = table.set_column(i, pa.field(name, pa.string()), cut)
    return table


def _cap_raw(rejects: pa.Table) -> pa.Table:
    """``rejects`` with each ``raw`` cut to :data:`MAX_REJECT_RAW` characters."""
    raw = rejects.column("raw")
    if pc.max(pc.utf8_length(raw)).as_py() <= MAX_REJECT_RAW:
        return rejects
    cut = pc.utf8_slice_codeunits(raw, 0, MAX_REJECT_RAW)
    return rejects.set_column(rejects.schema.get_field_index("raw"), rejects.schema.field("raw"), cut)


def _one(cursor: duckdb.DuckDBPyConnection) -> Any:
    """The single value a statement returns."""
    rows = cursor.fetchall()  # (fetchall: the result is complete, the connection free for the next one)
    row = rows[0] if rows else None
    if row is None:  # pragma: no cover - every caller's statement returns one row
        raise StoreError("the database returned no row where one was expected")
    return row[0]
