"""The vessels-of-interest list and the map's risk colours, on a months-long scenario with
its risk scores in DuckDB."""

from __future__ import annotations

import json

import duckdb
import pytest

from maritime.dashboard import risk_view as rv
from maritime.dashboard.colorscale import RISK_SCALE, plotly_scale, scale_colour


@pytest.fixture
def con(months_db):
    c = duckdb.connect(str(months_db), read_only=True)
    yield c
    c.close()


def test_vessels_of_interest_rows(con) -> None:
    rows = rv.read_interest(con)
    n = con.execute("SELECT count(*) FROM vessel_risk_latest").fetchone()[0]
    assert len(rows) == min(n, rv.INTEREST_ROWS)
    risks = [r["risk"] for r in rows]
    assert risks == sorted(risks, reverse=True) and risks[0] > 0.5
    top = rows[0]
    # the top factors are the stored ones, largest contribution first, each with its weight
    stored = con.execute(
        "SELECT factor, weight, contribution FROM vessel_risk_factors WHERE mmsi = ? ORDER BY contribution DESC",
        [top["mmsi"]],
    ).fetchall()
    expected = "; ".join(f"{f.replace('_', ' ')} (w {w:.2f}) {c:.2f}" for f, w, c in stored[: rv.TOP_FACTORS])
    assert top["factors"] == expected
    # events name the vessel as the vessel or as the partner
    for r in rows[:5] + rows[-3:]:
        count = con.execute(
            "SELECT count(*) FROM events WHERE mmsi = $m OR other_mmsi = $m", {"m": r["mmsi"]}
        ).fetchone()[0]
        assert r["events"] == count, r
        assert r["id"] == r["mmsi"] and r["last_seen"].startswith("2025-")
    flag, name = con.execute("SELECT flag, name FROM vessels WHERE mmsi = ?", [top["mmsi"]]).fetchone()
    assert (top["flag"], top["name"]) == (flag, name)
    assert {c["id"] for c in rv.INTEREST_COLUMNS} <= set(top)


def test_no_scores_without_risk(cur) -> None:
    assert rv.read_interest(cur) == [] and rv.read_stamp(cur) is None and rv.read_scores(cur) == []


def test_map_colours_follow_the_stored_scores(con) -> None:
    stamp = rv.read_stamp(con)
    assert stamp is not None and stamp[0] == con.execute("SELECT count(*) FROM vessel_risk_latest").fetchone()[0]
    pay = rv.risk_payload(stamp, rv.read_scores(con))
    assert pay["colorscale"] == plotly_scale(RISK_SCALE) and pay["stamp"] == stamp
    best, score = con.execute("SELECT mmsi, score FROM vessel_risk_latest ORDER BY score DESC LIMIT 1").fetchone()
    assert pay["scores"][str(best)] == round(score, 3)
    assert len(pay["scores"]) == stamp[0] and all(0 <= v <= 1 for v in pay["scores"].values())
    json.dumps(pay)  # goes to the page as JSON
    assert rv.risk_scores([{"mmsi": 1, "score": 1.4}, {"mmsi": 2, "score": -0.1}]) == {"1": 1.0, "2": 0.0}


def test_risk_cells_coloured_like_the_map() -> None:
    styles = rv.risk_cell_styles(5)
    queries = [s["if"]["filter_query"] for s in styles]
    assert queries[:2] == ["{risk} >= 0 && {risk} < 0.2", "{risk} >= 0.2 && {risk} < 0.4"]
    assert styles[-1]["if"]["filter_query"] == "{risk} >= 0.8"
    assert styles[-1]["backgroundColor"] == scale_colour(RISK_SCALE, 0.9)
    assert (
        rv.factor_text(
            [
                {"factor": "a_b", "weight": 0.1, "contribution": 0.05},
                {"factor": "c", "weight": 0.6, "contribution": 0.5},
            ]
        )
        == "c (w 0.60) 0.50; a b (w 0.10) 0.05"
    )
