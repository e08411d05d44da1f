"""Column mappings, header sniffing and missing columns: :mod:`maritime.decode.csv.mapping`."""

from __future__ import annotations

import io

import pytest

from maritime.decode.csv.mapping import MAPPING_FIELDS, ColumnMapping, parse_mapping, sniff_csv_format
from maritime.decode.csv.reader import read_csv_batches
from maritime.decode.csv.rows import CsvBatch
from tests.decode.csv.helpers import MC_HEADER, SOLENT, SOLENT_SPEC, read_all


def test_parse_mapping_cli_example() -> None:
    m = parse_mapping("mmsi=MMSI,ts=Time:unix_ms,lat=Latitude,lon=Longitude,sog=SOG,cog=COG")
    assert m == ColumnMapping(
        mmsi="MMSI", ts="Time", lat="Latitude", lon="Longitude", sog="SOG", cog="COG", time_format="unix_ms"
    )
    assert parse_mapping(" MMSI = id , TS = Time (ms) ").columns() == {"mmsi": "id", "ts": "Time (ms)"}
    assert parse_mapping("mmsi=a,ts=b:iso").time_format == "iso"
    full = ",".join(f"{f}=C{i}" for i, f in enumerate(MAPPING_FIELDS))
    assert list(parse_mapping(full).columns()) == list(MAPPING_FIELDS)


@pytest.mark.parametrize(
    "spec, message",
    [
        ("", "empty column mapping"),
        ("   ", "empty column mapping"),
        ("mmsi", "is not 'field=Column'"),
        ("mmsi=MMSI,,ts=Time", "empty item"),
        ("mmsi=MMSI,ts=Time,speed=SOG", "unknown field 'speed'"),
        ("mmsi=MMSI,mmsi=Id,ts=Time", "mapped twice"),
        ("mmsi=MMSI,ts=Time:unix_us", "unknown time format 'unix_us'"),
        ("mmsi=MMSI,ts=Time,lat=Lat:unix_ms,lon=Lon", "only allowed on ts"),
        ("mmsi=,ts=Time", "no column name given for field 'mmsi'"),
        ("mmsi=MMSI,ts=:unix_ms", "no column name given for field 'ts'"),
        ("ts=Time,lat=Lat,lon=Lon", "must map 'mmsi'"),
        ("mmsi=MMSI,lat=Lat,lon=Lon", "must map 'ts'"),
        ("mmsi=MMSI,ts=Time,lat=Lat", "lat and lon together"),
    ],
)
def test_parse_mapping_errors(spec: str, message: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_mapping(spec)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_column_mapping_validation() -> None:
    with pytest.raises(ValueError, match="time format"):
        ColumnMapping(mmsi="a", ts="b", time_format="epoch")
    with pytest.raises(ValueError, match="lat and lon"):
        ColumnMapping(mmsi="a", ts="b", lon="x")


@pytest.mark.parametrize(
    "header, expected",
    [
        (MC_HEADER, "marinecadastre"),
        (MC_HEADER + "\r\n", "marinecadastre"),
        ("\ufeff" + MC_HEADER.lower(), "marinecadastre"),
        ('"MMSI","BaseDateTime","LAT","LON","SOG","COG","Heading"', "marinecadastre"),
        (MC_HEADER.replace(",TransceiverClass", ""), "marinecadastre"),  # optional column missing
        ("Time,MMSI,Latitude_degrees,Longitude_degrees,COG_degrees,SOG_knots", None),
        ("MMSI,Time,LAT,LON", None),
        ("", None),
    ],
)
def test_sniff_csv_format(header: str, expected) -> None:
    assert sniff_csv_format(header) == expected


def test_missing_mapped_column_names_it() -> None:
    mapping = parse_mapping("mmsi=MMSI,ts=Time,lat=Latitude,lon=Longitude")
    with SOLENT.open("rb") as f, pytest.raises(ValueError, match="'Latitude'") as err:
        read_csv_batches(f, mapping=mapping)
    assert "\n" not in str(err.value)


def test_unknown_layout_without_mapping() -> None:
    with pytest.raises(ValueError, match="MarineCadastre"):
        read_csv_batches(io.StringIO("a,b,c\n1,2,3\n"))


def test_case_insensitive_header_and_optional_columns() -> None:
    header = "mmsi,basedatetime,lat,lon,sog,cog,heading,vesselname"
    data = header + "\n" + "367466320,2023-01-01 00:00:06,29.9,-90.0,102.3,360,511,TUG@@@\n"
    got = read_all(io.StringIO(data))
    pos = got.positions.to_pylist()[0]
    got_values = (pos["sog"], pos["cog"], pos["heading"], pos["nav_status"], pos["msg_type"])
    assert got_values == (None, None, None, None, 1)
    ident = got.identities.to_pylist()[0]
    assert ident["name"] == "TUG" and ident["msg_type"] == 5 and ident["imo"] is None


def test_solent_case_insensitive_mapping(solent: CsvBatch) -> None:
    with SOLENT.open("r") as f:
        got = read_all(f, mapping=parse_mapping(SOLENT_SPEC.lower()), station="solent")
    assert got.positions.equals(solent.positions)


def test_solent_header_is_as_expected() -> None:
    header = SOLENT.read_text().splitlines()[0]
    assert header == "Time,MMSI,Latitude_degrees,Longitude_degrees,COG_degrees,SOG_knots"
    assert sniff_csv_format(header) is None
