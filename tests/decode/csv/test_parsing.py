"""Line shapes: the fast and checked parses, quotes and rejects (:mod:`maritime.decode.csv.parsing`)."""

from __future__ import annotations

import io

from maritime.decode.csv.rows import CsvBatch
from tests.decode.csv.helpers import MC, MC_HEADER, read_all


def test_fast_and_line_by_line_paths_agree(mc: CsvBatch) -> None:
    # Without its last line (wrong field count) the file goes through the typed Arrow
    # parse; with it, through the line-by-line path. Good rows must decode identically.
    text = MC.read_bytes()
    trimmed = text[: text.rstrip(b"\n").rfind(b"\n") + 1]
    fast = read_all(io.BytesIO(trimmed))
    assert fast.positions.equals(mc.positions)
    assert fast.identities.equals(mc.identities)
    assert fast.rejects.equals(mc.rejects.slice(0, 6))


def test_unbalanced_quote_rejects_only_its_line() -> None:
    data = (
        MC_HEADER + "\n"
        '367466320,2023-01-01T00:00:06,29.9,-90.0,1.0,10.0,10,"OPEN,,,,0,,,,,A\n'
        "367466320,2023-01-01T00:00:16,29.9,-90.0,1.0,10.0,10,,,,,0,,,,,A\n"
    )
    got = read_all(io.StringIO(data))
    assert got.positions.num_rows == 1
    assert got.rejects.column("line_no").to_pylist() == [2]
    assert got.rejects.column("reason")[0].as_py().startswith("bad_csv: ")


def test_stray_quotes_and_carriage_returns() -> None:
    # x"y,z"w: a quote inside an unquoted field is a literal, so 9 fields. AB\rCD: the Arrow
    # parser ends a row at a lone \r, so the chunk goes to the csv module, which rejects it.
    header = "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName"
    data = (
        header + "\n"
        '1,2023-01-01T00:00:00,1,1,,,,x"y,z"w\n'
        '2,2023-01-01T00:00:00,1,1,,,,"o,k"\n'
        "\n"
        "3,2023-01-01T00:00:00,1,1,,,,AB\rCD\n"
        "4,2023-01-01T00:00:00,1,1,,,,plain\n"
    ).encode()
    got = read_all(io.BytesIO(data))
    assert got.lines == 5
    assert got.identities.column("name").to_pylist() == ["o,k", "plain"]
    rejects = got.rejects.to_pylist()
    assert [(r["line_no"], r["raw"]) for r in rejects] == [
        (2, '1,2023-01-01T00:00:00,1,1,,,,x"y,z"w'),
        (5, "3,2023-01-01T00:00:00,1,1,,,,AB\rCD"),
    ]
    assert rejects[0]["reason"] == "bad_columns: expected 8 fields, got 9"
    assert rejects[1]["reason"].startswith("bad_csv: ")
