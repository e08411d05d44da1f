"""The ``maritime`` command line: errors a user can fix are one line, exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

from tests.conftest import FIXTURES, REPO, run_cli


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


AISDB_HEADER = (
    "MMSI,Message_ID,Repeat_indicator,Time,Millisecond,Region,Country,Base_station,Online_data,"
    "Group_code,Sequence_ID,Channel,Data_length,Vessel_Name,Call_sign,IMO,Ship_Type,Longitude,Latitude,SOG,COG"
)
MC_WITHOUT_LON = "MMSI,BaseDateTime,LAT,SOG,COG,Heading,VesselName"


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    err = result.stderr
    assert result.returncode == 2, (result.stdout, err)
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err


def test_csv_with_an_unknown_header_and_format_csv_names_columns(tmp_path: Path) -> None:
    src = tmp_path / "other.csv"
    src.write_text("Ship,When,Y,X\n1,2024-01-01T00:00:00,1,2\n")
    err = _one_line_error(run_cli("ingest", "--db", str(tmp_path / "t.duckdb"), "--format", "csv", str(src)))
    assert "--columns" in err and "other.csv" in err


@pytest.mark.parametrize(
    ("header", "missing"),
    [(AISDB_HEADER, "BaseDateTime"), (MC_WITHOUT_LON, "LON")],
)
def test_csv_is_detected_by_its_header_and_the_error_says_what_is_missing(
    tmp_path: Path, header: str, missing: str
) -> None:
    src = tmp_path / "messages.csv"
    src.write_text(header + "\n" + ",".join("1" for _ in header.split(",")) + "\n")
    err = _one_line_error(run_cli("ingest", "--db", str(tmp_path / "t.duckdb"), str(src)))
    assert "--columns" in err and missing in err and "messages.csv" in err


def test_zip_is_a_one_line_error(tmp_path: Path) -> None:
    src = tmp_path / "AIS_2023_01_01.zip"
    with zipfile.ZipFile(src, "w") as z:
        z.writestr("AIS_2023_01_01.csv", "MMSI,BaseDateTime\n")
    err = _one_line_error(run_cli("ingest", "--db", str(tmp_path / "t.duckdb"), str(src)))
    assert "zip" in err and "unzip" in err


def test_a_reader_gone_away_stops_quietly(tmp_path: Path) -> None:
    """`maritime ... | head`: a closed pipe is no error message and no traceback (exit 141, as
    Unix tools), and what the command did is kept."""
    db = tmp_path / "t.duckdb"
    env = {k: v for k, v in os.environ.items() if k != "MARITIME_DEBUG"}
    p = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "maritime.cli",
            "ingest",
            str(FIXTURES / "libais_uscg_typeexamples.nmea"),
            "--db",
            str(db),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert p.stdout is not None and p.stderr is not None
    p.stdout.close()  # the reader is gone before the summary is written
    err = p.stderr.read().decode()
    assert p.wait(timeout=120) == 141, err
    assert err == ""
    with duckdb.connect(str(db), read_only=True) as con:  # the ingest was kept
        assert con.execute("SELECT count(*) FROM positions").fetchall()[0][0] > 0
