"""Rows of the two samples decoded into positions, identities and rejects (:mod:`maritime.decode.csv.rows`)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from maritime.decode.csv.mapping import ColumnMapping, parse_mapping
from maritime.decode.csv.rows import CsvBatch
from maritime.records import IDENTITY_SCHEMA, POSITION_SCHEMA, REJECT_SCHEMA
from tests.decode.csv.helpers import MC, MC_REJECTS, SOLENT, read_all, rows_of


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


def test_station_argument(mc: CsvBatch) -> None:
    with MC.open("rb") as f:
        got = read_all(f, station="noaa")
    assert set(got.positions.column("station").to_pylist()) == {"noaa"}
    assert set(got.identities.column("station").to_pylist()) == {"noaa"}


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
