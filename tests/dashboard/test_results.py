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
