"""Arrow tables out of the decoder: position and identity records, and rejected lines.

The schemas are :mod:`maritime.records`'s. Rows are built column by column from the decoded
arrays, without copying a column whose numpy type is already the Arrow one.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from maritime.decode.framing import Lines
from maritime.decode.messages import Columns
from maritime.records import REJECT_SCHEMA


class Rejects:
    """Rejected lines of a chunk, with their reasons."""

    def __init__(self, lines: Lines, first_line_no: int) -> None:
        self.lines, self.first_line_no = lines, first_line_no
        self.no: list[int] = []
        self.raw: list[bytes] = []
        self.reason: list[str] = []

    def add_line(self, i: int, reason: str) -> None:
        """Line ``i`` of the chunk is bad."""
        self.add(self.first_line_no + i, self.lines.raw(i), reason)

    def add(self, line_no: int, raw: bytes, reason: str) -> None:
        self.no.append(line_no)
        self.raw.append(raw)
        self.reason.append(reason)

    def counts(self) -> Counter[str]:
        return Counter(f"rejected_{r}" for r in self.reason)

    def table(self) -> pa.Table:
        return reject_table(self.no, self.raw, self.reason)


def reject_table(line_no: list[int], raw: list[bytes], reason: list[str]) -> pa.Table:
    """The rejects table: global line number, the raw line (UTF-8, bad bytes replaced), why."""
    return pa.table(
        {
            "line_no": pa.array(line_no, pa.int64()),
            "raw": pa.array([r.decode("utf-8", "replace") for r in raw], pa.string()),
            "reason": pa.array(reason, pa.string()),
        },
        schema=REJECT_SCHEMA,
    )


def record_table(
    cols: Columns,
    schema: pa.Schema,
    kept: npt.NDArray[np.int64],
    stations_of: npt.NDArray[np.int16],
    time_us: npt.NDArray[np.int64],
    station: npt.NDArray[np.int32],
    station_names: list[str],
    msg_hash: npt.NDArray[np.uint64],
) -> pa.Table:
    """A record table of the decoded rows whose message survived duplicate merging.

    Per message: ``time_us`` (receive time, UTC µs), ``station`` (code into
    ``station_names``, -1: none), ``stations_of`` (stations that heard it), ``msg_hash``.
    ``kept`` lists the surviving messages in time order (then stream order), so the rows
    come out in that order too.
    """
    if not len(cols.msg):
        return schema.empty_table()
    position_of = np.full(len(time_us), -1, dtype=np.int64)
    position_of[cols.msg] = np.arange(len(cols.msg))
    keep = position_of[kept]
    keep = keep[keep >= 0]
    msg = cols.msg[keep]
    rows = cols.value_rows(keep)
    names = pa.array([None, *station_names], pa.string()).take(pa.array(station[msg] + 1))
    data: dict[str, pa.Array] = {}
    for f in schema:
        if f.name == "ts":
            data["ts"] = pa.array(time_us[msg], pa.timestamp("us", tz="UTC"))
        elif f.name == "station":
            data["station"] = names
        elif f.name == "n_stations":
            data["n_stations"] = pa.array(stations_of[msg], pa.int16())
        elif f.name == "payload_hash":
            data["payload_hash"] = pa.array(msg_hash[msg], pa.uint64())
        else:
            v = cols.values[f.name]
            if isinstance(v, pa.Array):  # text, with its own NULLs
                data[f.name] = v.take(pa.array(rows)).cast(f.type)
            else:
                null = cols.nulls.get(f.name)
                data[f.name] = arrow_array(v[rows], f.type, None if null is None else null[rows])
    return pa.table(data, schema=schema)


def reception_table(
    rows: npt.NDArray[np.int64],
    kind: npt.NDArray[np.int8],
    msg_type: npt.NDArray[np.integer],
    mmsi: npt.NDArray[np.int64],
    msg_hash: npt.NDArray[np.uint64],
    time_us: npt.NDArray[np.int64],
    station: npt.NDArray[np.int32],
    station_names: list[str],
) -> pa.Table:
    """The receptions table (:data:`maritime.records.RECEPTION_SCHEMA`) of the messages
    ``rows`` (every copy), with ``kind`` per row (0 not stored, 1 position, 2 identity,
    3 both) and the message type of each message."""
    return pa.table(
        {
            "mmsi": pa.array(mmsi[rows], pa.int32()),
            "payload_hash": pa.array(msg_hash[rows], pa.uint64()),
            "ts": pa.array(time_us[rows], pa.timestamp("us", tz="UTC")),
            # station names as a dictionary: DuckDB reads it without one string per copy
            "station": pa.DictionaryArray.from_arrays(
                pa.array(station[rows], pa.int32(), mask=station[rows] < 0), pa.array(station_names, pa.string())
            ),
            "msg_type": pa.array(msg_type[rows], pa.int8()),
            "kind": pa.array(kind, pa.int8()),
        },
    )


def arrow_array(values: npt.NDArray[np.generic], type_: pa.DataType, null: npt.NDArray[np.bool_] | None) -> pa.Array:
    """An Arrow array of ``values`` (NULL where ``null``), without a copy when the numpy
    type is already the Arrow one."""
    if null is None or not null.any():
        return pa.array(values, type_)
    if values.dtype != type_.to_pandas_dtype() or values.dtype == np.bool_:  # (Arrow packs booleans)
        return pa.array(values, type_, mask=null)
    validity = pa.py_buffer(np.packbits(~null, bitorder="little"))
    return pa.Array.from_buffers(type_, len(values), [validity, pa.py_buffer(values)], int(np.count_nonzero(null)))
