"""The ``maritime`` command line: errors a user can fix are one line, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli


@pytest.mark.parametrize(
    "args, words",
    [
        (["ingest", "/no/such/file.nmea"], "no such file"),
        (["ingest", "--start", "yesterday", "x"], "ISO 8601"),
        (["listen", "http://example.org:80"], "tcp://host:port"),
        (["ingest", "--columns", "mmsi", "x.csv"], "--columns"),
    ],
)
def test_cli_errors_are_one_line(tmp_path: Path, args: list[str], words: str) -> None:
    result = run_cli(*args, "--db", str(tmp_path / "t.duckdb"))
    err = result.stderr
    assert result.returncode == 2
    assert words in err, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
