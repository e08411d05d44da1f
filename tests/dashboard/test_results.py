"""The results tab's figures."""

from __future__ import annotations

from maritime.dashboard import panels, results, sync
from maritime.dashboard import queries as q

from .conftest import LATEST, WALL


def test_results_count_by_zone_kind_day_and_outcome(cur):
    panels.act(cur, "truth-0-loitering", "dismiss", "A", None, "fishing licence checked", WALL)
    figs = results.results_figures([sync.grid_row(r, LATEST.timestamp()) for r in q.alerts(cur, None, None)])
    outcome = figs["outcomes"]["data"][0]
    assert dict(zip(outcome["x"], outcome["y"])) == {"unhandled": 8, "acknowledged": 0, "dispatched": 0, "dismissed": 1}
    assert sum(sum(t["x"]) for t in figs["zone"]["data"]) == 9
    assert figs["day"]["data"][0]["x"] == ["2025-01-15"]


def test_patrol_results(cur):
    from maritime.analytics.outcomes_store import record_outcome
    from maritime.analytics.risk_store import update_risk

    assert "No outcomes recorded yet" in str(results.patrol_results(cur, None))
    update_risk(cur)
    record_outcome(cur, "truth-0-loitering", "violation_found", "BAP Guise", "nets in the reserve", WALL)
    text = str(results.patrol_results(cur, None))
    assert "BAP Guise" in text and "Confirmation rate" in text
    assert "Vessels of interest" not in text  # the sortable list under the panel (test_risk_view.py)
