"""The DuckDB adapter of rules and watch lists: store the rules with their versions, read changed
events and vessel identities, evaluate (:mod:`maritime.alerts.evaluate`), enqueue in the outbox.

:class:`AlertRaiser` keeps a watermark on ``events.updated_at`` (the wall clock of the detect run
that wrote an event: a change marker, never a rule's time) so each pass reads only events that
detection wrote or rewrote since the last pass; re-reading one is harmless (the outbox ignores an
alert it has unless its severity rose). Watch-list hits are looked for among all vessels each
pass, through a pre-filter query on the listed identifiers.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from maritime.alerts.evaluate import EventRow, evaluate, watchlist_events
from maritime.alerts.model import severity_rank
from maritime.alerts.outbox import Enqueued, Outbox, sql, utc
from maritime.alerts.rules import RulesError, RuleSet, parse_rules
from maritime.alerts.watchlist import (
    VesselIdentity,
    WatchList,
    WatchlistError,
    identifiers,
    link_imos,
    norm_text,
    parse_watchlist,
)


def load_rules(path: str | Path) -> RuleSet:
    """Read and check a rules file; :class:`RulesError` (one line) when it is wrong."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise RulesError(f"cannot read rules file {p}: {getattr(e, 'strerror', None) or e}") from None
    return parse_rules(text, str(p))


def load_watchlists(paths: Sequence[str | Path]) -> list[WatchList]:
    """Read watch-list files; each list is named after its file's stem (``iuu.csv`` → ``iuu``)."""
    lists: list[WatchList] = []
    for path in paths:
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            raise WatchlistError(f"cannot read watch list {p}: {getattr(e, 'strerror', None) or e}") from None
        wl = parse_watchlist(text, p.stem, str(p))
        if any(w.name == wl.name for w in lists):
            raise WatchlistError(f"{p}: two watch lists are named {wl.name!r} (the file stem)")
        lists.append(wl)
    return lists


def store_rules(con: duckdb.DuckDBPyConnection, rules: RuleSet, now: float) -> dict[str, int]:
    """Store each rule, a new version when its hash changed; returns the version of each id."""
    con.execute(sql("rules_schema"))
    latest = {r[0]: (int(r[1]), str(r[2])) for r in con.execute(sql("latest_rules")).fetchall()}
    versions: dict[str, int] = {}
    for rule in rules.rules:
        have = latest.get(rule.id)
        if have is not None and have[1] == rule.digest:
            versions[rule.id] = have[0]
            continue
        versions[rule.id] = (have[0] if have else 0) + 1
        con.execute(
            sql("insert_rule"),
            {"rule_id": rule.id, "version": versions[rule.id], "hash": rule.digest}
            | {"definition": json.dumps(rule.definition(), sort_keys=True), "description": rule.description}
            | {"source": rules.path, "now": utc(now)},
        )
    return versions


def _identity(r: tuple[Any, ...]) -> VesselIdentity:
    imos = {int(x) for x in (r[9] or []) if str(x).isdigit()} | ({int(r[3])} if r[3] else set())
    calls = {c for c in (norm_text(x) for x in [*(r[10] or []), r[2]]) if c}
    names = {n for n in (norm_text(x) for x in [*(r[11] or []), r[1]]) if n}
    return VesselIdentity(
        mmsi=int(r[0]),
        name=norm_text(r[1]),
        callsign=norm_text(r[2]),
        imo=int(r[3]) if r[3] else None,
        ship_type=None if r[4] is None else int(r[4]),
        length_m=float(r[5]) if r[5] else None,
        mid=None if r[6] is None else int(r[6]),
        flag=r[7],
        vessel_class=r[8],
        imos=frozenset(imos),
        callsigns=frozenset(calls),
        names=frozenset(names),
        first_seen=r[12],
        last_seen=r[13],
        last_lat=r[14],
        last_lon=r[15],
        last_sog=r[16],
    )


def identities(
    con: duckdb.DuckDBPyConnection, mmsis: Sequence[int], need_class: bool = True
) -> dict[int, VesselIdentity]:
    """The identities of ``mmsis`` that the ``vessels`` table knows; ``need_class``: look up the
    AIS class too (else ``vessel_class`` is None)."""
    if not mmsis:
        return {}
    params = {"mmsis": sorted(set(mmsis)), "need_class": need_class}
    rows = con.execute(sql("vessel_identities"), params).fetchall()
    return {int(r[0]): _identity(r) for r in rows}


def _event(r: tuple[Any, ...]) -> EventRow:
    return EventRow(
        event_id=r[0],
        kind=r[1],
        mmsi=int(r[2]),
        other_mmsi=None if r[3] is None else int(r[3]),
        start_time=r[4],
        end_time=r[5],
        lat=r[6],
        lon=r[7],
        zone=r[8],
        confidence=float(r[9]),
        details=json.loads(r[10]) if r[10] else {},
    )


@dataclass(frozen=True, slots=True)
class PassResult:
    """One pass: events read, watch-list hits found, what the outbox did."""

    events: int
    watchlist_hits: int
    enqueued: list[Enqueued]

    def count(self, outcome: str) -> int:
        return sum(1 for e in self.enqueued if e.outcome == outcome)


class AlertRaiser:
    """Evaluates ``rules`` and ``lists`` over a database on its own cursor ``con`` and enqueues
    in ``outbox``. ``clock``: wall-clock epoch seconds (the outbox's stamps)."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        rules: RuleSet,
        lists: Sequence[WatchList],
        outbox: Outbox,
        clock: Callable[[], float],
    ) -> None:
        self.con = con
        self.rules = rules.with_watchlist_default() if lists else rules
        self.lists = list(lists)
        self.outbox = outbox
        self.clock = clock
        self.since: datetime | None = None
        self.versions = store_rules(con, self.rules, clock())
        self._closed_lock = threading.Lock()
        self._closed_con = con.cursor()
        self._queued: dict[str, int] = {}  # alert id -> highest severity rank queued by this raiser
        self._hit_mmsis: set[int] = set()
        self._passes = 0
        self.full_every = 30  #: passes between full re-checks of vessels already hit
        self._need_class = any(r.classes for r in self.rules.rules)

    def is_closed(self, event_id: str) -> bool:
        """Whether the event was acknowledged or dismissed on the dashboard."""
        with self._closed_lock:
            try:
                row = self._closed_con.execute(sql("event_closed"), {"event_id": event_id}).fetchone()
            except duckdb.CatalogException:  # no alert_actions table: nothing was acted on
                return False
        return bool(row and row[0])

    def _events(self) -> list[EventRow]:
        try:
            rows = self.con.execute(sql("changed_events"), {"since": self.since}).fetchall()
        except duckdb.CatalogException:  # no events table yet
            return []
        if rows:
            self.since = max(r[11] for r in rows if r[11] is not None) if any(r[11] for r in rows) else self.since
        return [_event(r) for r in rows]

    def _listed(self) -> tuple[list[WatchList], list[int]]:
        """The lists with MMSI entries linked to their IMOs, and the candidate MMSIs."""
        mmsis, _, _, _ = identifiers(self.lists)
        known = identities(self.con, mmsis, need_class=False)
        lists = [link_imos(wl, known) for wl in self.lists]
        mm, imos, calls, names = identifiers(lists)
        params = {"mmsis": mm, "imos": [str(i) for i in imos], "callsigns": calls, "names": names}
        rows = self.con.execute(sql("watchlist_candidates"), params).fetchall()
        return lists, [int(r[0]) for r in rows]

    def closed_among(self, event_ids: Sequence[str]) -> set[str]:
        """Which of ``event_ids`` were acknowledged or dismissed (one query)."""
        if not event_ids:
            return set()
        with self._closed_lock:
            try:
                rows = self._closed_con.execute(sql("events_closed"), {"ids": list(event_ids)}).fetchall()
            except duckdb.CatalogException:
                return set()
        return {str(r[0]) for r in rows}

    def run_once(self) -> PassResult:
        """One pass: evaluate what changed and enqueue the alerts.

        MMSIs whose watch-list hits were queued by this raiser are looked up again only every
        :attr:`full_every` passes (their hits are known; a new identifier could add an entry),
        and alerts already queued at the same or a higher severity are not offered again: the
        outbox would ignore them, and the lookups cost time on a busy feed."""
        self._passes += 1
        full = self._passes % self.full_every == 1 or self.full_every == 1
        events = self._events()
        lists, candidates = self._listed() if self.lists else ([], [])
        if not full:
            candidates = [m for m in candidates if m not in self._hit_mmsis]
        wanted = [e.mmsi for e in events] + [e.other_mmsi for e in events if e.other_mmsi is not None]
        known = identities(self.con, wanted + candidates, self._need_class)
        hits = watchlist_events([known[m] for m in candidates if m in known], lists)
        alerts = [
            a
            for a in evaluate(events + hits, known, self.rules, lists, self.versions)
            if self._queued.get(a.alert_id, 0) < severity_rank(a.severity)
        ]
        closed = self.closed_among(sorted({a.event_id for a in alerts}))
        done = self.outbox.enqueue(alerts, self.clock(), closed.__contains__) if alerts else []
        for a, d in zip(alerts, done):
            if d.outcome != "closed":
                self._queued[a.alert_id] = max(self._queued.get(a.alert_id, 0), severity_rank(a.severity))
        self._hit_mmsis.update(h.mmsi for h in hits)
        return PassResult(len(events), len(hits), done)

    def run(
        self, stop: threading.Event, every_s: float = 1.0, on_error: Callable[[Exception], None] | None = None
    ) -> None:
        """Pass every ``every_s`` seconds of wall time until ``stop``."""
        while not stop.is_set():
            try:
                self.run_once()
            except Exception as exc:  # noqa: BLE001 - the next pass may succeed; the caller shows it
                if on_error is not None:
                    on_error(exc)
            stop.wait(every_s)
