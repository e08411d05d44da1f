"""The months-long scenario: reproducible, weekly structure at its sites, a network that meets."""

from __future__ import annotations

import numpy as np
import pandas as pd

from maritime.scenario.months import MonthsConfig, generate


def test_reproducible_and_structured() -> None:
    cfg = MonthsConfig(seed=5, n_vessels=600, weeks=4)
    a, truth = generate(cfg)
    b, _ = generate(cfg)
    pd.testing.assert_frame_equal(a["events"].drop(columns="updated_at"), b["events"].drop(columns="updated_at"))
    ev = a["events"]
    assert set(ev.kind) >= {"loitering", "fishing", "dark_period", "rendezvous", "zone_entry"}
    # events near a site fall on its active weekdays (1-2 of 7: 21 % by chance)
    dow = ev.start_time.dt.day_of_week.to_numpy()
    hits = total = 0
    for lat, lon, days in truth.sites:
        near = ((np.abs(ev.lat - lat) < 0.1) & (np.abs(ev.lon - lon) < 0.1) & (ev.kind != "zone_entry")).to_numpy()
        hits += int(np.isin(dow[near], days).sum())
        total += int(near.sum())
    assert total > 200 and hits / total > 0.7
    net = set(truth.network)
    meets = ev[(ev.kind == "rendezvous") & ev.mmsi.isin(net) & ev.other_mmsi.isin(net)]
    assert len(meets) >= 3 * cfg.weeks - 2
    assert 0.2 < len(truth.outcomes) / len(ev) < 0.4
    assert {r for _, r, *_ in truth.outcomes} >= {"violation_found", "boarded_no_violation", "not_reached"}
