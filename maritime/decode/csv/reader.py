"""A CSV stream to :class:`~maritime.decode.csv.rows.CsvBatch` chunks, memory bounded."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

from maritime.decode.csv.chunks import line_chunks, read_header
from maritime.decode.csv.mapping import ColumnMapping, Plan, plan_columns
from maritime.decode.csv.parsing import column_types
from maritime.decode.csv.rows import CsvBatch, decode_chunk

__all__ = ["read_csv_batches"]

CsvSource = io.TextIOBase | io.BufferedIOBase | io.RawIOBase | Iterable[str] | Iterable[bytes]


def read_csv_batches(
    stream: CsvSource,
    *,
    mapping: ColumnMapping | None = None,
    batch_rows: int = 500_000,
    station: str | None = None,
    first_line_no: int = 1,
) -> Iterator[CsvBatch]:
    """Decode a CSV stream (header first) into :class:`CsvBatch` chunks.

    ``stream`` is a text stream, a binary stream (UTF-8; undecodable bytes are replaced)
    or any iterable of lines; its first line is the header, numbered ``first_line_no``.
    Without ``mapping`` the header must be the MarineCadastre layout. Each batch covers up
    to ``batch_rows`` physical data lines (blank ones included, so that ``first_line_no +
    sum(lines)`` follows the file). The header is read and checked when this function is
    called: an unknown layout or a mapped column missing from the header raises
    :class:`~maritime.decode.csv.mapping.CsvLayoutError` (a :class:`ValueError`) at once.
    An empty stream yields nothing.
    """
    if batch_rows < 1:
        raise ValueError(f"batch_rows must be >= 1, got {batch_rows}")
    header, header_line_no, rest = read_header(stream, first_line_no)
    if header is None:
        return iter(())
    plan = plan_columns(header, mapping)
    return _batches(line_chunks(rest, batch_rows), plan, station, header_line_no + 1)


def _batches(
    chunks: Iterator[tuple[bytes, int]], plan: Plan, station: str | None, next_line_no: int
) -> Iterator[CsvBatch]:
    types = column_types(plan)  # learnt over the file: columns that need checking as text
    for data, n_lines in chunks:
        batch = decode_chunk(data, n_lines, next_line_no, plan, types, station)
        del data  # keep one chunk alive at a time
        next_line_no += n_lines
        if batch.lines:
            yield batch
        del batch
