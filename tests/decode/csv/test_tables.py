"""Position and identity tables: not-available values, identity fields, hashes (:mod:`maritime.decode.csv.tables`)."""

from __future__ import annotations

import io

import pytest

from maritime.decode.csv.rows import CsvBatch
from tests.decode.csv.helpers import MC, MC_HEADER, read_all, rows_of


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
