"""Tests for :mod:`maritime.decode.csv_reader`.

Fixtures:

* ``fixtures/ais/marinecadastre_sample.csv`` is SYNTHETIC: 49 hand-written data rows in the
  NOAA MarineCadastre layout (invented vessels at plausible Gulf of Mexico positions,
  2023-01-01) with "not available" values (SOG 102.3, COG 360.0, heading 511, lat/lon
  91/181, IMO0000000, ship type 0, length/width 0), an '@'-padded name, a quoted name with
  a comma, class B rows, space-separated times, and 7 malformed rows.
* ``fixtures/ais/solent_excerpt.csv`` is REAL: the header and first 500 data rows of
  ``docs/demos/SolentAIS_20160112_130211.csv`` from dstl/Stone-Soup (MIT licence, Crown
  copyright), see fixtures/ais/README.md.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from maritime.decode.csv_reader import (
    MAPPING_FIELDS,
    ColumnMapping,
    CsvBatch,
    parse_mapping,
    read_csv_batches,
    sniff_csv_format,
)
from maritime.records import IDENTITY_SCHEMA, POSITION_SCHEMA, REJECT_SCHEMA

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ais"
MC = FIXTURES / "marinecadastre_sample.csv"
SOLENT = FIXTURES / "solent_excerpt.csv"
SOLENT_SPEC = "mmsi=MMSI,ts=Time,lat=Latitude_degrees,lon=Longitude_degrees,sog=SOG_knots,cog=COG_degrees"
MC_HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
    "Length,Width,Draft,Cargo,TransceiverClass"
)

# line number -> reason of every malformed row of the synthetic fixture (header = line 1)
MC_REJECTS = {
    12: "bad_time: '2023-13-01T00:00:00'",
    22: "bad_lat: 'abc'",
    32: "bad_mmsi: ''",
    37: "bad_lat: '95.5'",
    42: "bad_lon: '-200.10000'",
    47: "bad_mmsi: '1234567890'",
    50: "bad_columns: expected 17 fields, got 8",
}


def read_all(source, **kwargs) -> CsvBatch:
    """All batches of a source concatenated into one."""
    batches = list(read_csv_batches(source, **kwargs))
    if not batches:
        return CsvBatch(POSITION_SCHEMA.empty_table(), IDENTITY_SCHEMA.empty_table(), REJECT_SCHEMA.empty_table(), 0, 0)
    return CsvBatch(
        positions=pa.concat_tables([b.positions for b in batches]),
        identities=pa.concat_tables([b.identities for b in batches]),
        rejects=pa.concat_tables([b.rejects for b in batches]),
        lines=sum(b.lines for b in batches),
        no_position=sum(b.no_position for b in batches),
    )


def rows_of(table: pa.Table, mmsi: int) -> list[dict]:
    return [r for r in table.to_pylist() if r["mmsi"] == mmsi]


@pytest.fixture(scope="module")
def mc() -> CsvBatch:
    with MC.open("rb") as f:
        return read_all(f)


# --------------------------------------------------------------------------------------
# MarineCadastre layout
# --------------------------------------------------------------------------------------


def test_marinecadastre_counts(mc: CsvBatch) -> None:
    assert mc.lines == 49
    assert mc.positions.num_rows == 40
    assert mc.no_position == 2  # lat/lon 91/181, and empty lat/lon
    assert mc.identities.num_rows == 36  # every good row but those of the vessel without identity
    assert mc.rejects.num_rows == 7
    assert mc.lines == mc.positions.num_rows + mc.no_position + mc.rejects.num_rows


def test_marinecadastre_schemas(mc: CsvBatch) -> None:
    assert mc.positions.schema == POSITION_SCHEMA
    assert mc.identities.schema == IDENTITY_SCHEMA
    assert mc.rejects.schema == REJECT_SCHEMA


def test_marinecadastre_rejects(mc: CsvBatch) -> None:
    rejects = mc.rejects.to_pylist()
    assert {r["line_no"]: r["reason"] for r in rejects} == MC_REJECTS
    raw_lines = MC.read_text().splitlines()
    for r in rejects:
        assert r["raw"] == raw_lines[r["line_no"] - 1]
    assert [r["line_no"] for r in rejects] == sorted(MC_REJECTS)


def test_marinecadastre_positions_values(mc: CsvBatch) -> None:
    first = mc.positions.slice(0, 1).to_pylist()[0]
    assert first["mmsi"] == 367466320
    assert first["ts"] == pd.Timestamp("2023-01-01T00:00:06", tz="UTC").to_pydatetime()
    assert first["lat"] == 29.95123 and first["lon"] == -90.06412
    assert first["sog"] == pytest.approx(6.1, abs=1e-5)
    assert first["cog"] == pytest.approx(148.3, abs=1e-4)
    assert first["heading"] == 149
    assert first["nav_status"] == 0
    assert first["msg_type"] == 1
    assert first["station"] is None
    assert first["n_stations"] == 1
    assert first["rot"] is None and first["accuracy"] is None
    # MMSIs in file order, rejected rows left out
    per_vessel = pd.Series(mc.positions.column("mmsi").to_pylist()).value_counts().to_dict()
    assert per_vessel == {
        367466320: 6,
        538007800: 6,
        636019825: 6,
        338123456: 6,
        368207550: 6,
        366999711: 4,
        367000150: 6,
    }


def test_marinecadastre_not_available_values_are_null(mc: CsvBatch) -> None:
    tanker = rows_of(mc.positions, 538007800)
    assert [r["sog"] is None for r in tanker] == [False, True, False, False, True, False]  # 102.3
    assert [r["cog"] is None for r in tanker] == [False, False, True, False, True, False]  # 360.0
    for r in rows_of(mc.positions, 338123456) + rows_of(mc.positions, 368207550):
        assert r["heading"] is None  # 511
    ids = {r["mmsi"]: r for r in mc.identities.to_pylist()}
    assert ids[367466320]["imo"] is None  # IMO0000000
    assert ids[338123456]["imo"] is None and ids[338123456]["callsign"] is None  # empty
    assert ids[367000150]["ship_type"] is None  # 0 = not available
    assert ids[367000150]["to_stern"] is None and ids[367000150]["to_bow"] is None  # length 0
    assert ids[367000150]["to_starboard"] is None and ids[367000150]["to_port"] is None
    assert ids[367000150]["draught"] is None  # empty
    # nothing in the table is a sentinel number
    assert mc.positions.column("lat").to_numpy().max() <= 90
    assert mc.positions.column("lon").to_numpy().min() >= -180
    sog = mc.positions.column("sog").drop_null().to_numpy()
    assert sog.max() < 102.3
    assert mc.positions.column("cog").drop_null().to_numpy().max() < 360
    assert mc.positions.column("heading").drop_null().to_numpy().max() < 360


def test_marinecadastre_identity_fields(mc: CsvBatch) -> None:
    ids = {r["mmsi"]: r for r in mc.identities.to_pylist()}
    tanker = ids[538007800]
    assert tanker["imo"] == 9210000
    assert tanker["name"] == "SEAWAYS ATLANTIC"
    assert tanker["callsign"] == "V7AB3"
    assert tanker["ship_type"] == 80
    # length/width without antenna position: ITU-R M.1371 "A = C = 0" convention
    assert (tanker["to_bow"], tanker["to_stern"], tanker["to_port"], tanker["to_starboard"]) == (0, 183, 0, 32)
    assert tanker["draught"] == pytest.approx(11.5)
    assert tanker["msg_type"] == 5 and tanker["part"] is None
    assert tanker["destination"] is None and tanker["eta"] is None
    assert tanker["n_stations"] == 1
    assert ids[636019825]["name"] == "MSC ANNA"  # '@' padding stripped
    assert ids[636019825]["ship_type"] == 70  # "70.0"
    assert ids[636019825]["to_stern"] == 366
    assert ids[338123456]["name"] == "SEA, STAR"  # quoted, with a comma
    assert ids[338123456]["msg_type"] == 24 and ids[338123456]["part"] is None  # class B
    assert ids[367000150]["name"] == "MISS LAURA" and ids[367000150]["callsign"] == "WDC4321"
    assert 368207550 not in ids  # a class B vessel without any identity field


def test_marinecadastre_class_b_and_nav_status(mc: CsvBatch) -> None:
    for r in rows_of(mc.positions, 338123456):
        assert r["msg_type"] == 18
        assert r["nav_status"] == 15
    for r in rows_of(mc.positions, 367000150):
        assert r["msg_type"] == 1
        assert r["nav_status"] == 7


def test_marinecadastre_rows_without_position_keep_identity(mc: CsvBatch) -> None:
    # 366999711: six good rows (space-separated times), two without a position
    positions = rows_of(mc.positions, 366999711)
    identities = rows_of(mc.identities, 366999711)
    assert len(positions) == 4 and len(identities) == 6
    assert identities[2]["ts"] == pd.Timestamp("2023-01-01 00:02:35", tz="UTC").to_pydatetime()
    assert positions[0]["ts"] == pd.Timestamp("2023-01-01 00:00:35", tz="UTC").to_pydatetime()


def test_marinecadastre_ts_is_utc_microseconds(mc: CsvBatch) -> None:
    assert mc.positions.schema.field("ts").type == pa.timestamp("us", tz="UTC")
    ts = mc.positions.column("ts").to_pylist()
    assert all(t.tzinfo is not None and t.utcoffset().total_seconds() == 0 for t in ts)


def test_hashes_are_deterministic_and_batch_independent(mc: CsvBatch) -> None:
    with MC.open("rb") as f:
        again = read_all(f, batch_rows=5)
    assert again.positions.equals(mc.positions)
    assert again.identities.equals(mc.identities)
    assert again.rejects.equals(mc.rejects)
    assert (again.lines, again.no_position) == (mc.lines, mc.no_position)
    hashes = mc.positions.column("payload_hash").to_numpy()
    assert len(set(hashes.tolist())) == mc.positions.num_rows  # all rows differ
    assert mc.positions.column("payload_hash").null_count == 0
    assert mc.identities.column("payload_hash").null_count == 0
    # identical identity content -> identical hash; different vessels -> different hashes
    by_vessel = {}
    for r in mc.identities.to_pylist():
        by_vessel.setdefault(r["mmsi"], set()).add(r["payload_hash"])
    assert all(len(h) == 1 for h in by_vessel.values())
    assert len({next(iter(h)) for h in by_vessel.values()}) == len(by_vessel)


def test_hash_changes_with_content() -> None:
    row = "367466320,2023-01-01T00:00:06,29.95123,-90.06412,6.1,148.3,149,,,,,0,,,,,A"
    a = read_all(io.StringIO(MC_HEADER + "\n" + row + "\n"))
    b = read_all(io.StringIO(MC_HEADER + "\n" + row.replace("6.1", "6.2") + "\n"))
    c = read_all(io.StringIO(MC_HEADER + "\n" + row + "\n"), station="other")  # station not hashed
    h = a.positions.column("payload_hash")[0].as_py()
    assert h != b.positions.column("payload_hash")[0].as_py()
    assert h == c.positions.column("payload_hash")[0].as_py()


def test_text_binary_and_line_iterables_agree(mc: CsvBatch) -> None:
    with MC.open("r", encoding="utf-8") as f:
        text = read_all(f)
    lines = read_all(MC.read_text().splitlines())  # without terminators
    for other in (text, lines):
        assert other.positions.equals(mc.positions)
        assert other.identities.equals(mc.identities)
        assert other.rejects.equals(mc.rejects)


def test_fast_and_line_by_line_paths_agree(mc: CsvBatch) -> None:
    # Without its last line (wrong field count) the file goes through the typed Arrow
    # parse; with it, through the line-by-line path. Good rows must decode identically.
    text = MC.read_bytes()
    trimmed = text[: text.rstrip(b"\n").rfind(b"\n") + 1]
    fast = read_all(io.BytesIO(trimmed))
    assert fast.positions.equals(mc.positions)
    assert fast.identities.equals(mc.identities)
    assert fast.rejects.equals(mc.rejects.slice(0, 6))


def test_station_argument(mc: CsvBatch) -> None:
    with MC.open("rb") as f:
        got = read_all(f, station="noaa")
    assert set(got.positions.column("station").to_pylist()) == {"noaa"}
    assert set(got.identities.column("station").to_pylist()) == {"noaa"}


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


def test_case_insensitive_header_and_optional_columns() -> None:
    header = "mmsi,basedatetime,lat,lon,sog,cog,heading,vesselname"
    data = header + "\n" + "367466320,2023-01-01 00:00:06,29.9,-90.0,102.3,360,511,TUG@@@\n"
    got = read_all(io.StringIO(data))
    pos = got.positions.to_pylist()[0]
    got_values = (pos["sog"], pos["cog"], pos["heading"], pos["nav_status"], pos["msg_type"])
    assert got_values == (None, None, None, None, 1)
    ident = got.identities.to_pylist()[0]
    assert ident["name"] == "TUG" and ident["msg_type"] == 5 and ident["imo"] is None


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


def test_invalid_utf8_is_not_fatal() -> None:
    row = b"367466320,2023-01-01T00:00:06,29.9,-90.0,1.0,10.0,10,CAF\xc9,,,,0,,,,,A\n"
    data = (MC_HEADER + "\n").encode() + row
    got = read_all(io.BytesIO(data))
    assert got.positions.num_rows == 1
    assert got.identities.column("name")[0].as_py() == "CAF\ufffd"


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


def test_empty_stream_and_header_only() -> None:
    assert list(read_csv_batches(io.StringIO(""))) == []
    assert list(read_csv_batches(io.BytesIO((MC_HEADER + "\n").encode()))) == []


def test_unknown_layout_without_mapping() -> None:
    with pytest.raises(ValueError, match="MarineCadastre"):
        read_csv_batches(io.StringIO("a,b,c\n1,2,3\n"))


# --------------------------------------------------------------------------------------
# Explicit mapping: the real Solent recording
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def solent() -> CsvBatch:
    with SOLENT.open("rb") as f:
        return read_all(f, mapping=parse_mapping(SOLENT_SPEC), station="solent")


def test_solent_header_is_as_expected() -> None:
    header = SOLENT.read_text().splitlines()[0]
    assert header == "Time,MMSI,Latitude_degrees,Longitude_degrees,COG_degrees,SOG_knots"
    assert sniff_csv_format(header) is None


def test_solent_positions(solent: CsvBatch) -> None:
    assert solent.lines == 500
    assert solent.positions.num_rows == 500
    assert solent.identities.num_rows == 0
    assert solent.rejects.num_rows == 0
    assert solent.no_position == 0
    assert solent.positions.schema == POSITION_SCHEMA
    first = solent.positions.slice(0, 1).to_pylist()[0]
    assert first["mmsi"] == 235070762
    assert first["ts"] == pd.Timestamp("2016-01-12 13:02:11.218", tz="UTC").to_pydatetime()
    assert first["lat"] == pytest.approx(50.7730133333333)
    assert first["lon"] == pytest.approx(-1.092935)
    assert first["cog"] == pytest.approx(157.8, abs=1e-4)
    assert first["sog"] == pytest.approx(5.9, abs=1e-5)
    assert first["msg_type"] == 1 and first["station"] == "solent"
    last = solent.positions.slice(499, 1).to_pylist()[0]
    assert last["mmsi"] == 235069877
    assert last["ts"] == pd.Timestamp("2016-01-12 13:04:22.692", tz="UTC").to_pydatetime()


def test_solent_matches_pandas(solent: CsvBatch) -> None:
    ref = pd.read_csv(SOLENT)
    got = solent.positions
    assert got.column("mmsi").to_pylist() == ref["MMSI"].tolist()
    assert got.column("mmsi").to_pandas().nunique() == 61
    np.testing.assert_array_equal(got.column("lat").to_numpy(), ref["Latitude_degrees"].to_numpy())
    np.testing.assert_array_equal(got.column("lon").to_numpy(), ref["Longitude_degrees"].to_numpy())
    ts_us = got.column("ts").cast(pa.int64()).to_numpy()
    ref_us = pd.to_datetime(ref["Time"]).to_numpy().astype("datetime64[us]").astype(np.int64)
    np.testing.assert_array_equal(ts_us, ref_us)
    assert (ts_us % 1000 == 0).all() and (ts_us % 1_000_000 != 0).any()  # ms precision kept
    cog = got.column("cog").to_pandas()
    is360 = (ref["COG_degrees"] == 360).to_numpy()
    assert is360.sum() == 39
    assert cog.isna().to_numpy().tolist() == is360.tolist()  # COG 360 = not available
    np.testing.assert_allclose(cog[~is360], ref["COG_degrees"][~is360], atol=1e-4)
    np.testing.assert_allclose(got.column("sog").to_numpy(), ref["SOG_knots"], atol=1e-5)


def test_solent_case_insensitive_mapping(solent: CsvBatch) -> None:
    with SOLENT.open("r") as f:
        got = read_all(f, mapping=parse_mapping(SOLENT_SPEC.lower()), station="solent")
    assert got.positions.equals(solent.positions)


def test_missing_mapped_column_names_it() -> None:
    mapping = parse_mapping("mmsi=MMSI,ts=Time,lat=Latitude,lon=Longitude")
    with SOLENT.open("rb") as f, pytest.raises(ValueError, match="'Latitude'") as err:
        read_csv_batches(f, mapping=mapping)
    assert "\n" not in str(err.value)


# --------------------------------------------------------------------------------------
# Explicit mapping: time formats, identity and station columns
# --------------------------------------------------------------------------------------


def test_unix_time_formats() -> None:
    header = "Time,MMSI,Latitude,Longitude\n"
    rows_ms = header + "1452603731218,235070762,50.77,-1.09\n99999999999999999,235070762,50.77,-1.09\n"
    rows_s = header + "1452603731.218,235070762,50.77,-1.09\nsoon,235070762,50.77,-1.09\n"
    spec = "mmsi=MMSI,ts=Time:{},lat=Latitude,lon=Longitude"
    ms = read_all(io.StringIO(rows_ms), mapping=parse_mapping(spec.format("unix_ms")))
    s = read_all(io.StringIO(rows_s), mapping=parse_mapping(spec.format("unix_s")))
    expected = pd.Timestamp("2016-01-12 13:02:11.218", tz="UTC").to_pydatetime()
    assert ms.positions.column("ts").to_pylist() == [expected]
    assert s.positions.column("ts").to_pylist() == [expected]
    assert ms.rejects.to_pylist() == [
        {"line_no": 3, "raw": "99999999999999999,235070762,50.77,-1.09", "reason": "bad_time: '99999999999999999'"}
    ]
    assert s.rejects.column("reason").to_pylist() == ["bad_time: 'soon'"]


def test_iso_times_with_zone_are_converted_to_utc() -> None:
    data = "t,id,y,x\n2023-01-01T01:00:00+01:00,1,0,0\n2023-01-01T00:00:00Z,2,0,0\n2023-01-01T00:00:00.5,3,0,0\n"
    got = read_all(io.StringIO(data), mapping=parse_mapping("mmsi=id,ts=t,lat=y,lon=x"))
    assert got.positions.column("ts").to_pylist() == [
        pd.Timestamp("2023-01-01T00:00:00", tz="UTC").to_pydatetime(),
        pd.Timestamp("2023-01-01T00:00:00", tz="UTC").to_pydatetime(),
        pd.Timestamp("2023-01-01T00:00:00.5", tz="UTC").to_pydatetime(),
    ]


def test_mapping_with_identity_and_station_columns() -> None:
    data = (
        "when,id,y,x,ship,dest,rx,imo\n"
        "2023-01-01T00:00:00,235070762,50.77,-1.09,RED FALCON@@,SOUTHAMPTON  ,rx1,IMO9064126\n"
        "2023-01-01T00:00:10,235070762,91,181,,,,\n"
        "2023-01-01T00:00:20,235070762,50.78,-1.10,,,rx2,\n"
    )
    mapping = ColumnMapping(
        mmsi="id", ts="when", lat="y", lon="x", name="ship", destination="dest", station="rx", imo="imo"
    )
    got = read_all(io.StringIO(data), mapping=mapping, station="fallback")
    assert got.positions.column("station").to_pylist() == ["rx1", "rx2"]
    assert got.no_position == 1
    ids = got.identities.to_pylist()
    assert len(ids) == 1
    assert (ids[0]["name"], ids[0]["destination"], ids[0]["imo"], ids[0]["station"]) == (
        "RED FALCON",
        "SOUTHAMPTON",
        9064126,
        "rx1",
    )
    # the station argument fills rows whose station column is empty
    got2 = read_all(io.StringIO(data.replace(",rx2,", ",,")), mapping=mapping, station="fallback")
    assert got2.positions.column("station").to_pylist() == ["rx1", "fallback"]


def test_mapping_without_position_columns_gives_identities_only() -> None:
    data = "id,t,name\n235070762,2023-01-01T00:00:00,RED FALCON\n"
    got = read_all(io.StringIO(data), mapping=parse_mapping("mmsi=id,ts=t,name=name"))
    assert got.positions.num_rows == 0 and got.no_position == 1
    assert got.identities.column("name").to_pylist() == ["RED FALCON"]


# --------------------------------------------------------------------------------------
# Mapping spec and sniffing
# --------------------------------------------------------------------------------------


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


def test_mmsi_bounds() -> None:
    rows = ["0", "1", "999999999", "1000000000", "-5", "3.5", "12abc", "366999999.0"]
    data = "\n".join([MC_HEADER] + [f"{m},2023-01-01T00:00:00,10,10,,,,,,,,,,,,," for m in rows]) + "\n"
    got = read_all(io.StringIO(data))
    assert got.positions.column("mmsi").to_pylist() == [1, 999999999, 366999999]
    assert got.rejects.column("reason").to_pylist() == [
        "bad_mmsi: '0'",
        "bad_mmsi: '1000000000'",
        "bad_mmsi: '-5'",
        "bad_mmsi: '3.5'",
        "bad_mmsi: '12abc'",
    ]
    assert not any(math.isnan(x) for x in got.positions.column("lat").to_pylist())


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
