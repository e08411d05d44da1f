"""Splitting CSV text into typed columns: Arrow's fast reader, with a checked fallback.

:func:`fast_parse` reads a chunk of whole lines with Arrow's multi-threaded CSV reader;
when the rows cannot be trusted to be one per line (a wrong field count, unbalanced
quotes, invalid UTF-8), :func:`checked_parse` checks each line's shape, rejects the bad
ones with a reason (``bad_columns`` or ``bad_csv``) and parses the rest.
"""

from __future__ import annotations

import csv
import re
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from maritime.decode.csv.chunks import Lines
from maritime.decode.csv.fields import CSV_NULLS, IntArray, np_bool
from maritime.decode.csv.mapping import Plan

_NUMERIC_FIELDS = frozenset(
    ["mmsi", "lat", "lon", "sog", "cog", "heading", "nav_status", "ship_type", "length", "width", "draught"]
)
_CONVERSION_ERROR = re.compile(r"In CSV column #(\d+): CSV conversion error")

_QUOTED_RE = r'(^|,)"(?:[^"]|"")*"'


def checked_parse(
    lines: Lines, plan: Plan, types: dict[int, pa.DataType]
) -> tuple[IntArray, dict[int, pa.Array], IntArray, list[str]]:
    """Parse a chunk that the plain parse refused: check each line's shape, then parse the good ones.

    Returns ``(row_idx, columns, bad_idx, bad_reasons)``: the line index of each parsed
    row, its columns, and the lines rejected for their shape with a reason (blank lines are
    in neither).
    """
    text = lines.text
    nonblank = np.flatnonzero(~np_bool(pc.equal(pc.utf8_trim_whitespace(text), "")))
    if len(nonblank) < len(text):
        text = text.take(pa.array(nonblank))
    nfields = pc.count_substring(text, ",").to_numpy(zero_copy_only=False).astype(np.int64) + 1
    csv_errors: dict[int, str] = {}
    quoted = np.flatnonzero(np_bool(pc.match_substring(text, '"')))
    if len(quoted):
        unquoted = pc.replace_substring_regex(text.take(pa.array(quoted)), pattern=_QUOTED_RE, replacement=r"\1")
        nfields[quoted] = pc.count_substring(unquoted, ",").to_numpy(zero_copy_only=False) + 1
        odd = quoted[np_bool(pc.match_substring(unquoted, '"'))]
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
    columns = fast_parse(lines.csv_of(good), plan, len(good), types)
    if columns is not None:
        return good, columns, nonblank[bad_idx], reasons
    # Arrow still disagrees with the shape check (odd quoting): the csv module, line by line.
    good_i, columns, bad_i, reasons = _split_with_csv(text.to_pylist(), plan.ncols, sorted(types))
    return nonblank[good_i], columns, nonblank[bad_i], reasons


def column_types(plan: Plan) -> dict[int, pa.DataType]:
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


def fast_parse(
    data: bytes | pa.Buffer, plan: Plan, n: int, types: dict[int, pa.DataType]
) -> dict[int, pa.Array] | None:
    """Parse a chunk with Arrow's multi-threaded CSV reader, typed where possible.

    ``types`` (from :func:`column_types`, kept for the whole file) is updated in place: a
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
                    null_values=CSV_NULLS,
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


def _split_with_csv(
    lines: list[str], ncols: int, needed: list[int]
) -> tuple[IntArray, dict[int, pa.Array], IntArray, list[str]]:
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
