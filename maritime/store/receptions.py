"""Every copy of every valid message (the ``receptions`` table), and the transmissions a
batch shares with what is already stored.

A transmission is the same MMSI and payload, each copy within the duplicate window of the
one before. :func:`store_receptions` adds a batch's copies and finds the transmissions it
shares with earlier batches, so that :class:`maritime.store.database.Store` stores each
transmission once, at its earliest copy, with the distinct stations of all its copies,
whatever the order of the input and wherever it is cut into batches. SQL in
``store/sql/*.sql``.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from importlib import resources
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from maritime.records import RECEPTION_SCHEMA

#: The temp table of the transmissions a batch shares with what is stored (store_receptions).
TOUCHED_TABLE = (
    "CREATE OR REPLACE TEMP TABLE touched (mmsi INTEGER, payload_hash UBIGINT, msg_type TINYINT, kind TINYINT)"
)
#: The span of a batch's copies of the touched transmissions.
TOUCHED_COPIES = (
    "SELECT min(b.ts), max(b.ts) FROM rec_batch b "
    "SEMI JOIN touched t ON b.mmsi = t.mmsi AND b.payload_hash = t.payload_hash"
)
#: AIS message types of position reports (a report of these without a position is stored nowhere).
POSITION_TYPES = frozenset((1, 2, 3, 18, 19, 27))


def store_receptions(
    con: duckdb.DuckDBPyConnection, run_id: int, receptions: pa.Table, merged: bool, window: int
) -> tuple[dict[str, Any] | None, Counter[str]]:
    """Add a batch's receptions to ``receptions`` and find the transmissions it shares with
    earlier batches (or, when the batch was not ``merged`` on decoding, with itself).

    ``window`` is the duplicate window (µs). Returns the span ``a``, ``b`` (UTC) that holds
    every copy of those transmissions, or ``None`` when there are none (then
    :meth:`maritime.store.database.Store.append` rewrites their rows from
    the temp table ``chains``, chains.sql), and the corrections to the decoder's counters
    of messages no record table holds (other types, reports without a position): their
    transmissions that the batch shares with earlier batches are counted once.
    """
    corrections: Counter[str] = Counter()
    if receptions.num_rows == 0:
        return None, corrections
    margin = timedelta(microseconds=max(window, 0))
    ts = receptions.column("ts")
    params: dict[str, Any] = {
        "run_id": run_id,
        "lo": pc.min(ts).as_py() - margin,
        "hi": pc.max(ts).as_py() + margin,
        "window_us": window,
    }
    span: dict[str, Any] | None = None
    before: dict[int, int] = {}
    in_batch: dict[int, int] = {}
    con.register("rec_batch", receptions)
    try:
        first, last = run_sql(con, "span_receptions", params)[0]
        touched = first is not None
        if touched:
            params.update(risk_lo=first - margin, risk_hi=last + margin)
            run_sql(con, "touched_transmissions", params)
        if not merged:
            if not touched:
                con.execute(TOUCHED_TABLE).fetchall()
            run_sql(con, "touched_within_batch", params)
            touched = True
        if touched and con.execute("SELECT count(*) FROM touched").fetchall()[0][0]:
            # widen [a, b] until no stored copy of a touched transmission chains into it
            first, last = con.execute(TOUCHED_COPIES).fetchall()[0]  # the batch's copies of them
            span = {"a": first - margin, "b": last + margin, "window_us": window}
            while True:
                lo, hi = run_sql(con, "touched_extent", span)[0]
                if lo is None or (lo >= span["a"] and hi <= span["b"]):
                    break
                span.update(a=min(lo, span["a"]), b=max(hi, span["b"]))
            before = dict(run_sql(con, "count_chains", span, source="receptions"))
            in_batch = dict(run_sql(con, "count_chains", span, source="rec_batch"))
        con.execute(
            "INSERT INTO receptions SELECT mmsi, payload_hash, ts, station, msg_type, ? FROM rec_batch", [run_id]
        ).fetchall()
    finally:
        con.unregister("rec_batch")
    if span is None:
        return None, corrections
    run_sql(con, "chains", span)
    for msg_type, after in run_sql(con, "count_chained", span):
        change = int(after) - before.get(msg_type, 0) - in_batch.get(msg_type, 0)
        if change:
            corrections["no_position" if msg_type in POSITION_TYPES else f"other_type_{msg_type}"] += change
            corrections["duplicates"] -= change
    return span, corrections


def receptions_of(positions: pa.Table, identities: pa.Table) -> pa.Table:
    """Each record row as one reception (records not merged on decoding: a CSV batch)."""
    parts = [
        pa.table(
            {
                "mmsi": t.column("mmsi"),
                "payload_hash": t.column("payload_hash"),
                "ts": t.column("ts"),
                "station": t.column("station"),
                "msg_type": t.column("msg_type"),
                "kind": pa.array(np.full(t.num_rows, code, dtype=np.int8)),
            },
            schema=RECEPTION_SCHEMA,
        )
        for t, code in ((positions, 1), (identities, 2))
    ]
    return pa.concat_tables(parts)


def run_sql(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any], source: str = "") -> list[Any]:
    """Run the statements of ``store/sql/<name>.sql`` in order, each with the named
    parameters it uses (and ``{source}`` replaced by ``source``); the rows of the last one."""
    rows: list[Any] = []
    for text in _sql(name).replace("{source}", source).split(";\n"):
        if not _comment_only(text):
            rows = con.execute(text, _params(text, params)).fetchall()
    return rows


def _comment_only(text: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in text.splitlines())


def _sql(name: str) -> str:
    return resources.files("maritime.store").joinpath("sql", f"{name}.sql").read_text()


def _params(text: str, params: dict[str, Any]) -> dict[str, Any]:
    """The named parameters a statement uses (DuckDB refuses unused ones)."""
    return {k: v for k, v in params.items() if f"${k}" in text}
