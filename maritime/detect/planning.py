"""Incremental detection, the pure part: which window a run recomputes, and how the events it
finds replace the stored ones. :mod:`maritime.detect.runner` reads the inputs from DuckDB
and writes the result; everything here is a function of numbers and rows.

Data time only: ``now`` is the latest position time (UTC seconds), never the wall clock.

* :func:`plan_window`: the previous run's watermark (the latest data time it saw) bounds
  what can still change; a run recomputes ``[watermark - lookback, now]`` (hours of
  ``[runner]`` in defaults.toml). Other thresholds or zones (another fingerprint) recompute
  everything; late data (an hour already processed whose report count changed) pulls the
  watermark back to that hour, or recomputes everything when it is older than the history
  kept.
* :func:`widen`: the window is pulled back to the start of every stored event still open or
  ending inside it (at most ``max_window_hours`` before now).
* :func:`reconcile`: events starting in the window replace the stored ones; an older event
  found again and still open (or ending in the window) continues the stored one (its start
  and id are kept); rows that come out identical are left alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from maritime.detect.config import RunnerConfig
from maritime.detect.events import Event, details_json

#: A stored events row as ``sql/events_in_window.sql`` returns it: (id, kind, mmsi, other,
#: start_s, end_s, lat, lon, zone, confidence, details JSON text).
StoredRow = tuple[Any, ...]
#: The comparable form of an events row (see :func:`norm_row`).
NormRow = tuple[Any, ...]


@dataclass(frozen=True)
class Plan:
    """What a run recomputes (UTC seconds; ``-inf`` when everything is recomputed)."""

    full: bool  #: recompute everything
    reason: str  #: why, for people
    recompute: float = -math.inf  #: stored events ending at or after this may change
    window_from: float = -math.inf  #: events starting at or after this are replaced

    def read_since(self, context_s: float) -> float:
        """Data time from which positions are read (``context_s`` of history before the window)."""
        return 0.0 if self.full else max(self.window_from - context_s, 0.0)


def history_since(now: float, config: RunnerConfig) -> float:
    """Start of the hourly report counts kept to detect late data (UTC seconds)."""
    return max(now - config.max_window_hours * 3600.0 - 2 * config.lookback_hours * 3600.0, 0.0)


def plan_window(
    now: float,
    previous_to: float | None,
    previous: Mapping[str, Any],
    fingerprint: str,
    hourly: Mapping[int, int],
    positions_upto: int | None,
    config: RunnerConfig,
) -> Plan:
    """The window to recompute.

    Args:
        now: latest data time (UTC seconds).
        previous_to: the last run's watermark (UTC seconds), None before the first run.
        previous: the last run's bookkeeping (``fingerprint``, ``positions_upto``, ``hourly``).
        fingerprint: this run's thresholds and zones.
        hourly: reports per UTC hour (hours since the epoch) from :func:`history_since` on.
        positions_upto: reports stored at or before ``previous_to`` now (None: first run).
        config: ``[runner]`` thresholds.
    """
    if previous_to is None:
        return Plan(True, "first run")
    if previous.get("fingerprint") != fingerprint:
        return Plan(True, "thresholds or zones changed")
    reason = "incremental"
    upto = previous_to
    if positions_upto != previous.get("positions_upto"):
        old = {int(k): v for k, v in previous.get("hourly", {}).items()}
        changed = [h for h in set(old) | set(hourly) if h * 3600 <= previous_to and old.get(h) != hourly.get(h)]
        if not changed or min(changed) * 3600 < history_since(now, config) or min(old or [0]) > min(changed):
            return Plan(True, "late data older than the recent history")
        upto = min(previous_to, min(changed) * 3600.0)
        reason = "late data"
    recompute = upto - config.lookback_hours * 3600.0
    return Plan(False, reason, recompute, recompute)


def widen(plan: Plan, earliest_open_start: float | None) -> Plan:
    """``plan`` pulled back to the start of the oldest stored event still open in it."""
    if plan.full or earliest_open_start is None:
        return plan
    return replace(plan, window_from=min(plan.window_from, float(earliest_open_start)))


def norm_row(row: Sequence[Any]) -> NormRow:
    """Comparable form of an events row: (id, kind, mmsi, other, start_s, end_s, lat, lon,
    zone, confidence, details JSON)."""
    eid, kind, mmsi, other, start, end, lat, lon, zone, conf, details = row
    start_s = start.timestamp() if isinstance(start, datetime) else (None if start is None else float(start))
    end_s = end.timestamp() if isinstance(end, datetime) else (None if end is None else float(end))
    return (
        eid,
        kind,
        int(mmsi),
        None if other is None else int(other),
        None if start_s is None else int(math.floor(start_s)),
        None if end_s is None else int(math.floor(end_s)),
        None if lat is None else round(float(lat), 6),
        None if lon is None else round(float(lon), 6),
        zone,
        round(float(conf), 3),
        details if isinstance(details, str) else details_json(details or {}),
    )


@dataclass
class Reconciliation:
    """The writes of a run."""

    to_delete: list[str] = field(default_factory=list)  #: event ids to delete (replaced or gone)
    to_insert: list[tuple[Any, ...]] = field(default_factory=list)  #: rows (:meth:`Event.row`) to insert
    unchanged: int = 0  #: rows found again identical
    deleted: int = 0  #: rows removed and not replaced


def _continue_stored(e: Event, by_key: Mapping[tuple[Any, ...], list[StoredRow]]) -> None:
    """Give ``e`` the start (hence the id) of the stored event it continues, if any."""
    end = e.end if e.end is not None else math.inf
    for r in by_key.get((e.kind, int(e.mmsi), e.other_mmsi), []):
        r_end = r[5] if r[5] is not None else math.inf
        if r[4] <= end and r_end >= e.start - 3600.0 and r[4] < e.start:
            e.start = float(r[4])  # continuation of a stored event
            return


def reconcile(
    found: Sequence[Event],
    stored: Sequence[StoredRow],
    plan: Plan,
    row: Callable[[Event], tuple[Any, ...]] | None = None,
    norm: Callable[[Sequence[Any]], NormRow] = norm_row,
) -> Reconciliation:
    """The rows to delete and insert so that the stored events become what was found.

    ``stored``: the events ``sql/events_in_window.sql`` returns for the plan (all events when
    ``plan.full``). Every event starting in the window is kept; an older one only when still
    open or ending at or after ``plan.recompute``, continuing the stored event (its start is
    set to the stored one). Stored rows in the window not found again, or found different,
    are deleted; older stored events not continued stay as they are. ``row``: the ``events``
    row of an event (default :meth:`Event.row`; a live cycle reuses the details JSON of the
    events it found before); ``norm``: :func:`norm_row` (a live cycle reuses those of its last
    cycle).
    """
    stored_n = {r[0]: norm(r) for r in stored}
    by_key: dict[tuple[Any, ...], list[StoredRow]] = {}
    for r in stored:
        by_key.setdefault((r[1], int(r[2]), r[3]), []).append(r)
    keep: list[Event] = []
    for e in found:
        if plan.full or e.start >= plan.window_from:
            keep.append(e)
            continue
        end = e.end if e.end is not None else math.inf
        if end < plan.recompute:
            continue  # final: already stored as it was
        _continue_stored(e, by_key)
        keep.append(e)
    row_of = row or Event.row
    new_rows = {r[0]: r for r in (row_of(e) for e in keep)}
    new_n = {k: norm(v) for k, v in new_rows.items()}
    deletable = [k for k, r in stored_n.items() if plan.full or r[4] >= plan.window_from or k in new_n]
    out = Reconciliation()
    out.to_delete = sorted(k for k in deletable if new_n.get(k) != stored_n[k])
    out.to_insert = [new_rows[k] for k in new_n if stored_n.get(k) != new_n[k]]
    out.unchanged = sum(1 for k in new_n if stored_n.get(k) == new_n[k])
    out.deleted = sum(1 for k in out.to_delete if k not in new_n)
    return out
