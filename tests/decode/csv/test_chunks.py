"""Header, chunks and line numbers of a CSV stream: :mod:`maritime.decode.csv.chunks` via the reader."""

from __future__ import annotations

import io

import pyarrow as pa

from maritime.decode.csv.reader import read_csv_batches
from maritime.decode.csv.rows import CsvBatch
from tests.decode.csv.helpers import MC, MC_HEADER, MC_REJECTS, read_all


def test_text_binary_and_line_iterables_agree(mc: CsvBatch) -> None:
    with MC.open("r", encoding="utf-8") as f:
        text = read_all(f)
    lines = read_all(MC.read_text().splitlines())  # without terminators
    for other in (text, lines):
        assert other.positions.equals(mc.positions)
        assert other.identities.equals(mc.identities)
        assert other.rejects.equals(mc.rejects)


def test_first_line_no_shifts_line_numbers() -> None:
    with MC.open("rb") as f:
        got = read_all(f, first_line_no=101)
    assert got.rejects.column("line_no").to_pylist() == [n + 100 for n in sorted(MC_REJECTS)]


def test_batches_are_bounded() -> None:
    rows = [
        f"{366000000 + i % 7},2023-01-01T00:{i // 60 % 60:02d}:{i % 60:02d},29.{i:05d},-90.1,1.0,10.0,10,,,,,0,,,,,A"
        for i in range(1000)
    ]
    data = (MC_HEADER + "\n" + "\n".join(rows) + "\n").encode()
    batches = list(read_csv_batches(io.BytesIO(data), batch_rows=128))
    assert [b.lines for b in batches] == [128] * 7 + [104]
    assert sum(b.positions.num_rows for b in batches) == 1000
    assert pa.concat_tables([b.positions for b in batches]).column("lat").to_pylist() == [
        float(f"29.{i:05d}") for i in range(1000)
    ]


def test_blank_lines_crlf_and_bom_are_tolerated() -> None:
    body = (
        "\ufeff" + MC_HEADER + "\r\n"
        "367466320,2023-01-01T00:00:06,29.9,-90.0,1.0,10.0,10,,,,,0,,,,,A\r\n"
        "\r\n"
        "367466320,2023-01-01T00:00:16,29.9,-90.0,1.0,10.0,10,,,,,0,,,,,A\r\n"
    )
    got = read_all(io.BytesIO(body.encode("utf-8")))
    # the blank line counts as a line read (line numbers stay exact) but is nothing else
    assert got.lines == 3 and got.positions.num_rows == 2 and got.rejects.num_rows == 0
    assert got.no_position == 0
    # one line per batch: the blank line still gets its (empty) batch
    wrapped = io.TextIOWrapper(io.BytesIO(body.encode("utf-8")), encoding="utf-8", newline="")
    batches = list(read_csv_batches(wrapped, batch_rows=1))
    assert [(b.lines, b.positions.num_rows) for b in batches] == [(1, 1), (1, 0), (1, 1)]


def test_empty_stream_and_header_only() -> None:
    assert list(read_csv_batches(io.StringIO(""))) == []
    assert list(read_csv_batches(io.BytesIO((MC_HEADER + "\n").encode()))) == []


def test_invalid_utf8_is_not_fatal() -> None:
    row = b"367466320,2023-01-01T00:00:06,29.9,-90.0,1.0,10.0,10,CAF\xc9,,,,0,,,,,A\n"
    data = (MC_HEADER + "\n").encode() + row
    got = read_all(io.BytesIO(data))
    assert got.positions.num_rows == 1
    assert got.identities.column("name")[0].as_py() == "CAF\ufffd"
