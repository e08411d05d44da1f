"""Patrol outcomes and the success metrics of alerting (pure).

An outcome records what a patrol unit found when it went after an alert: ``result`` one of
:data:`RESULTS`, the ``unit``, the time (UTC) and a free-text report. Outcomes are appended,
never changed (``alert_outcomes``, like ``alert_actions``); the latest one of an alert counts.

Metrics (:func:`results_table`, :func:`confirmation_rates`), for each zone, unit and ISO week
(Monday, UTC) of the alert's start:

- ``raised``: alerts (events) that started that week;
- ``acted_on``: of those, alerts with an officer's action other than a dismissal, or an outcome;
- ``reached``: alerts whose latest outcome is a boarding (:data:`INTERCEPTED`);
- ``confirmed``: alerts whose latest outcome is ``violation_found`` or ``seized``;
- ``median_hours_to_interception``: from the alert's start to the first boarding (data time of
  the event to the outcome's time);
- ``confirmation_rate`` = confirmed / reached: of the alerts a unit checked, the share that held
  a violation, the measure of what is worth alerting on (by kind and by rule).

The same figures per kind at each confidence threshold of :data:`CONFIDENCE_STEPS` (the alerts
of the kind at or above it) say which thresholds produce confirmed cases: raising a kind's
``min_confidence`` (rules) or a detector's threshold to t keeps the row "kind ≥ t", with its
confirmed cases and rate.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from maritime.errors import MaritimeError

RESULTS = ("boarded_no_violation", "violation_found", "seized", "escaped", "not_reached")
INTERCEPTED = ("boarded_no_violation", "violation_found", "seized")
CONFIRMED = ("violation_found", "seized")
#: The longest free-text report kept (characters).
MAX_REPORT_CHARS = 4000
#: Confidence thresholds at which each kind's confirmation rate is shown (events are written
#: from 0.1 for coverage gaps; alerts are typically raised from 0.5, README "Rules file").
CONFIDENCE_STEPS = (0.5, 0.6, 0.7, 0.8, 0.9)


class OutcomeError(MaritimeError):
    """An outcome that cannot be recorded (unknown result, alert or missing unit)."""


def check_outcome(result: str, unit: str, report: str) -> tuple[str, str, str]:
    """The outcome's fields, trimmed; raises :class:`OutcomeError` when one is invalid."""
    result = result.strip().lower()
    if result not in RESULTS:
        raise OutcomeError(f"unknown result {result!r}: use one of {', '.join(RESULTS)}")
    unit, report = unit.strip(), report.strip()
    if not unit or len(unit) > 64 or not unit.isprintable():
        raise OutcomeError("--unit names the patrol unit: 1 to 64 printable characters")
    if len(report) > MAX_REPORT_CHARS:
        raise OutcomeError(f"the report is over {MAX_REPORT_CHARS} characters; shorten it")
    return result, unit, report


def latest_outcomes(outcomes: pd.DataFrame) -> pd.DataFrame:
    """The latest outcome (by ``recorded_at``) of each event, and the first boarding time.

    ``outcomes``: columns event_id, result, unit, outcome_at, recorded_at.
    Returns: event_id, result, unit, intercepted_at."""
    if outcomes.empty:
        return pd.DataFrame(columns=["event_id", "result", "unit", "intercepted_at"])
    last = outcomes.sort_values("recorded_at").groupby("event_id").tail(1)[["event_id", "result", "unit"]]
    board = outcomes[outcomes.result.isin(INTERCEPTED)].groupby("event_id").outcome_at.min().rename("intercepted_at")
    return last.merge(board, on="event_id", how="left")


def _alerts_with_outcomes(alerts: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """``alerts`` (event_id, kind, zone, start_time, acted, assigned_unit) with the latest
    outcome, the unit (of the outcome, else of the assignment, else '(none)') and the week."""
    df = alerts.merge(latest_outcomes(outcomes), on="event_id", how="left")
    df["unit"] = df.unit.fillna(df.assigned_unit).fillna("(none)")
    df["zone"] = df.zone.fillna("(outside zones)")
    start = pd.to_datetime(df.start_time, utc=True)
    df["week"] = (start.dt.floor("D") - pd.to_timedelta(start.dt.day_of_week, unit="D")).dt.date
    df["acted_on"] = df.acted.fillna(False).astype(bool) | df.result.notna()
    df["reached"] = df.result.isin(INTERCEPTED)
    df["confirmed"] = df.result.isin(CONFIRMED)
    df["hours"] = (pd.to_datetime(df.intercepted_at, utc=True) - start).dt.total_seconds() / 3600
    return df


def _summarise(df: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    g = df.groupby(list(by), dropna=False)
    out = pd.DataFrame(
        {
            "raised": g.size(),
            "acted_on": g.acted_on.sum(),
            "reached": g.reached.sum(),
            "confirmed": g.confirmed.sum(),
            "median_hours_to_interception": g.hours.median(),
        }
    ).reset_index()
    out["confirmation_rate"] = np.where(out.reached > 0, out.confirmed / out.reached.where(out.reached > 0, 1), np.nan)
    return out


def results_table(alerts: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Per zone, unit and week: raised, acted_on, reached, confirmed, median hours to
    interception, confirmation rate (see the module doc)."""
    return _summarise(_alerts_with_outcomes(alerts, outcomes), ("zone", "unit", "week"))


def confirmation_rates(alerts: pd.DataFrame, outcomes: pd.DataFrame, rules: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per event kind, per rule when ``rules`` (event_id, rule_id) is given, and per kind at each
    confidence threshold when ``alerts`` has a ``confidence`` column: the same columns.
    ``dimension`` is ``kind`` or ``rule`` (highest confirmation rate first), or ``confidence``
    (``value`` "kind ≥ t", by kind then threshold)."""
    df = _alerts_with_outcomes(alerts, outcomes)
    by_kind = _summarise(df, ("kind",)).rename(columns={"kind": "value"}).assign(dimension="kind")
    parts = [by_kind]
    if rules is not None and not rules.empty:
        by_rule = _summarise(df.merge(rules, on="event_id"), ("rule_id",)).rename(columns={"rule_id": "value"})
        parts.append(by_rule.assign(dimension="rule"))
    ranked = pd.concat(parts, ignore_index=True).sort_values(
        ["dimension", "confirmation_rate"], ascending=[True, False], na_position="last"
    )
    out = pd.concat([ranked, _by_threshold(df)], ignore_index=True)
    cols = ["dimension", "value"] + [c for c in out.columns if c not in ("dimension", "value")]
    return out[cols]


def _by_threshold(df: pd.DataFrame) -> pd.DataFrame:
    """The ``confidence`` rows of :func:`confirmation_rates` (none without a confidence)."""
    if "confidence" not in df or df.empty:
        return pd.DataFrame(columns=["dimension", "value"])
    conf = pd.to_numeric(df.confidence, errors="coerce")
    parts = [_summarise(df[conf >= t], ("kind",)).assign(threshold=t) for t in CONFIDENCE_STEPS]
    rows = pd.concat(parts, ignore_index=True).sort_values(["kind", "threshold"], kind="stable")
    checked = set(rows.kind[rows.reached > 0])  # only kinds with outcomes teach anything
    rows = rows[rows.kind.isin(checked)]
    value = rows.kind + rows.threshold.map(lambda t: f" ≥ {t:.1f}")
    return rows.drop(columns=["kind", "threshold"]).assign(value=value, dimension="confidence")
