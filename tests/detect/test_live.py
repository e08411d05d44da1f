"""The live DuckDB adapter (maritime.detect.live): cycles every few minutes of data write the
events of one run, read the window again when they must, and leave bookkeeping that a later
``maritime detect`` continues from."""

from __future__ import annotations

import duckdb

from maritime.detect.live import LiveDetection
from maritime.detect.runner import run_detection
from maritime.store.database import SCHEMA_FILES, sql
from tests.detect import EVENT_ROWS, copy_db

ROWS = EVENT_ROWS


def test_live_cycles_equal_detection_once(sample_db, tmp_path):
    """maritime serve's cycles (LiveDetection), every 15 minutes of data over the last 6 h of
    the day, write the events of one run; a deletion makes a cycle read the window again."""
    once = duckdb.connect(str(copy_db(sample_db, tmp_path)))
    run_detection(once)
    want = once.execute(ROWS).fetchall()

    live_con = duckdb.connect(str(tmp_path / "live.duckdb"))
    for name in SCHEMA_FILES:
        live_con.execute(sql(name))
    live_con.execute(f"ATTACH '{sample_db}' AS src (READ_ONLY)")
    t0, t1 = live_con.execute("SELECT epoch(min(ts)), epoch(max(ts)) FROM src.positions").fetchall()[0]
    # declared ship types decide the fishing candidates, as they do in the full run
    live_con.execute("INSERT INTO vessels SELECT * FROM src.vessels")
    live = LiveDetection(live_con, rebase_hours=4.0)
    t, summaries = t1 - 6 * 3600, []
    live_con.execute("INSERT INTO positions SELECT * FROM src.positions WHERE epoch(ts) < ?", [t])
    while t <= t1:
        summaries.append(live.cycle())
        live_con.execute(
            "INSERT INTO positions SELECT * FROM src.positions WHERE epoch(ts) >= ? AND epoch(ts) < ?", [t, t + 900]
        )
        t += 900
    summaries.append(live.cycle())
    reads = [s.reason.split(":")[0] for s in summaries if s.reason != "live cycle"]
    # the anchorages learned as the data arrives change a few times: each change reads the window again
    learned = "window read again (learned anchorages changed)"
    assert reads[0] == "window read again (first cycle)"
    assert set(reads[1:]) <= {learned, "window read again (4 h of data since the window was read)"}
    assert reads.count(learned) <= 3 and len(reads) < len(summaries) // 2
    assert summaries[0].full and not any(s.full for s in summaries[1:])
    n_vessels = live_con.execute("SELECT count(DISTINCT mmsi) FROM positions").fetchall()[0][0]
    assert 0 < max(s.vessels for s in summaries[1:]) < n_vessels
    assert sum(s.written for s in summaries[1:]) > 0
    assert live_con.execute(ROWS).fetchall() == want
    # a later `maritime detect` plans from the live cycles' bookkeeping: nothing to change
    again = run_detection(live_con)
    assert not again.full and again.written == 0 and again.deleted == 0
    # rows deleted (a re-ingest): the next cycle reads the window again, and stays right
    live_con.execute("DELETE FROM positions WHERE epoch(ts) >= ?", [t1 - 1800])
    s = live.cycle()
    assert s.reason.startswith("window read again (rows deleted)")
    live_con.execute("INSERT INTO positions SELECT * FROM src.positions WHERE epoch(ts) >= ?", [t1 - 1800])
    assert live.cycle().reason == "live cycle"
    assert live_con.execute(ROWS).fetchall() == want


def test_same_flat_details_only_when_the_json_is_the_same():
    """A live cycle reuses the details JSON of an event found again only when its details would
    give the same text: same keys, same value types (1 is not 1.0, True is not 1), same sign of
    zero; nested values are never taken as the same."""
    from maritime.detect.events import details_json
    from maritime.detect.live import same_flat

    a = {"gear": "trawl", "reports": 12, "duration_h": 2.5, "open": False, "zone": None}
    assert same_flat(a, dict(a)) and details_json(a) == details_json(dict(a))
    for k, v in (("reports", 12.0), ("duration_h", 2.6), ("open", 0), ("zone", "x"), ("extra", 1)):
        b = {**a, k: v}
        assert not same_flat(a, b) and details_json(a) != details_json(b), k
    assert not same_flat({"x": 0.0}, {"x": -0.0}) and details_json({"x": 0.0}) != details_json({"x": -0.0})
    assert not same_flat({"x": [1]}, {"x": [1]})
    assert not same_flat(a, {k: v for k, v in a.items() if k != "zone"})
