"""Outcomes and the Results metrics: validation, append-only records, per-zone/unit/week
figures and confirmation rates that single out what is worth alerting on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from maritime.analytics.outcomes import OutcomeError, check_outcome, confirmation_rates, results_table
from maritime.analytics.outcomes_store import record_outcome, record_outcomes, results


def test_check_outcome_rejects_unknown_results_and_empty_units() -> None:
    assert check_outcome(" Seized ", " BAP Guise ", "ok") == ("seized", "BAP Guise", "ok")
    with pytest.raises(OutcomeError, match="unknown result"):
        check_outcome("sunk", "u", "")
    with pytest.raises(OutcomeError, match="--unit"):
        check_outcome("seized", "  ", "")


def test_results_table_counts_by_hand() -> None:
    t = pd.Timestamp("2025-01-06T10:00Z")  # a Monday
    alerts = pd.DataFrame(
        {
            "event_id": ["a", "b", "c", "d"],
            "kind": ["fishing", "fishing", "dark_period", "fishing"],
            "zone": ["Z", "Z", "Z", None],
            "start_time": [t, t + pd.Timedelta(days=1), t, t + pd.Timedelta(days=7)],
            "acted": [True, False, False, False],
            "assigned_unit": ["U1", None, None, None],
        }
    )
    outcomes = pd.DataFrame(
        {
            "event_id": ["a", "a", "b"],
            "result": ["not_reached", "violation_found", "boarded_no_violation"],
            "unit": ["U1", "U1", "U1"],
            "outcome_at": [t + pd.Timedelta(hours=1), t + pd.Timedelta(hours=6), t + pd.Timedelta(days=1, hours=2)],
            "recorded_at": [t, t + pd.Timedelta(hours=7), t + pd.Timedelta(days=2)],
        }
    )
    r = results_table(alerts, outcomes).set_index(["zone", "unit"])
    u1 = r.loc[("Z", "U1")]
    assert (u1.raised, u1.acted_on, u1.reached, u1.confirmed) == (2, 2, 2, 1)
    assert u1.median_hours_to_interception == 4.0  # 6 h and 2 h
    assert u1.confirmation_rate == 0.5
    none = r.loc[("Z", "(none)")]
    assert (none.raised, none.acted_on, none.reached) == (1, 0, 0)
    assert r.loc[("(outside zones)", "(none)")].week == datetime(2025, 1, 13).date()


def test_outcomes_are_appended_and_feed_the_metrics(months_copy) -> None:
    store, truth = months_copy
    con = store.con
    eid = con.execute("SELECT event_id FROM events ORDER BY start_time LIMIT 1").fetchall()[0][0]
    at = datetime(2025, 2, 1, tzinfo=UTC)
    first = record_outcome(con, eid, "not_reached", "SENAN 101", "weather", at)
    second = record_outcome(con, eid, "seized", "SENAN 101", "cocaine in a hidden hold", at + timedelta(hours=3))
    assert second > first
    assert con.execute("SELECT count(*) FROM alert_outcomes WHERE event_id = ?", [eid]).fetchall()[0][0] == 2
    with pytest.raises(OutcomeError, match="no event or alert"):
        record_outcome(con, "no-such-id", "seized", "U")
    record_outcomes(con, truth.outcomes)
    table, rates = results(con)
    assert table.raised.sum() == con.execute("SELECT count(*) FROM events").fetchall()[0][0]
    assert table.confirmed.sum() > 0
    by_kind = rates[rates.dimension == "kind"].set_index("value")
    # the scenario confirms fishing and rendezvous alerts far more often than zone entries
    assert by_kind.confirmation_rate["rendezvous"] > 2 * by_kind.confirmation_rate["zone_entry"]
    # and per confidence threshold, from the stored events' confidence
    by_conf = rates[rates.dimension == "confidence"].set_index("value")
    assert by_conf.raised["rendezvous ≥ 0.5"] >= by_conf.raised["rendezvous ≥ 0.9"]


def test_confirmation_rate_at_each_confidence_threshold() -> None:
    """Which thresholds produce confirmed cases: per kind, the alerts at or above each step."""
    t = pd.Timestamp("2025-01-06T10:00Z")
    conf = [0.55, 0.65, 0.85, 0.95, 0.6, 0.3]
    alerts = pd.DataFrame(
        {
            "event_id": list("abcdef"),
            "kind": ["dark_period"] * 4 + ["zone_entry", "dark_period"],
            "zone": ["Z"] * 6,
            "start_time": [t] * 6,
            "acted": [True] * 6,
            "assigned_unit": ["U"] * 6,
            "confidence": conf,
        }
    )
    outcomes = pd.DataFrame(
        {
            "event_id": list("abcd"),  # e (zone_entry) and f were never reached
            "result": ["boarded_no_violation", "boarded_no_violation", "seized", "violation_found"],
            "unit": ["U"] * 4,
            "outcome_at": [t + pd.Timedelta(hours=2)] * 4,
            "recorded_at": [t + pd.Timedelta(hours=3)] * 4,
        }
    )
    rates = confirmation_rates(alerts, outcomes)
    rows = rates[rates.dimension == "confidence"].set_index("value")
    assert list(rows.index) == [f"dark_period ≥ {x}" for x in ("0.5", "0.6", "0.7", "0.8", "0.9")]
    assert list(rows.raised) == [4, 3, 2, 2, 1] and list(rows.confirmed) == [2, 2, 2, 2, 1]
    assert list(rows.confirmation_rate) == [0.5, 2 / 3, 1.0, 1.0, 1.0]  # 0.7 keeps every confirmed case
    # kinds and rules come first, ranked; no confidence column, no confidence rows
    assert list(rates.dimension.unique()) == ["kind", "confidence"]
    assert "confidence" not in set(confirmation_rates(alerts.drop(columns="confidence"), outcomes).dimension)
