"""Alerts in a running process: the raising loop and the delivery loop, each on its own cursor.

``maritime serve --rules/--watchlist/--sinks`` builds one :class:`AlertLoops` and the runtime
runs :meth:`AlertLoops.raise_loop` and :meth:`AlertLoops.deliver_loop` in two threads: every
``every_s`` seconds of wall time the first evaluates what detection wrote since its last pass
and the watch lists over the vessels, and enqueues; the second drains the outbox into the sinks
(woken as soon as alerts are queued, else polling every 0.5 s for retries that fall due).
``maritime detect --rules`` uses :func:`raise_once`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from maritime.alerts.config import SinksConfig, load_sinks
from maritime.alerts.delivery import Delivery
from maritime.alerts.outbox import Outbox
from maritime.alerts.rules import RuleSet
from maritime.alerts.service import AlertRaiser, PassResult, load_rules, load_watchlists
from maritime.alerts.watchlist import WatchList

log = logging.getLogger("maritime.alerts")


@dataclass(frozen=True, slots=True)
class AlertOptions:
    """What the command line gave: the rules, the watch lists, the sinks (all checked)."""

    rules: RuleSet
    watchlists: tuple[WatchList, ...] = ()
    sinks: SinksConfig | None = None

    @property
    def sink_names(self) -> list[str]:
        return [s.name for s in self.sinks.sinks] if self.sinks else []


def load_options(rules: str | None, watchlists: Sequence[str], sinks: str | None) -> AlertOptions | None:
    """Read ``--rules``, ``--watchlist`` and ``--sinks``; ``None`` when none is given. Errors are
    :class:`~maritime.alerts.model.AlertError` (one line)."""
    if not rules and not watchlists and not sinks:
        return None
    ruleset = load_rules(rules) if rules else RuleSet((), "<none>")
    return AlertOptions(ruleset, tuple(load_watchlists(watchlists)), load_sinks(sinks) if sinks else None)


def raise_once(
    con: duckdb.DuckDBPyConnection, options: AlertOptions, clock: Callable[[], float] = time.time
) -> PassResult:
    """Evaluate every event and watch list once and enqueue (``maritime detect --rules``)."""
    outbox = Outbox(con.cursor(), options.sink_names)
    return AlertRaiser(con.cursor(), options.rules, options.watchlists, outbox, clock).run_once()


@dataclass
class AlertLoops:
    """The two loops of a live process over ``cursor()`` (a new DuckDB cursor per call)."""

    cursor: Callable[[], duckdb.DuckDBPyConnection]
    options: AlertOptions
    every_s: float = 1.0
    clock: Callable[[], float] = time.time
    status: dict[str, Any] = field(default_factory=dict)
    outbox: Outbox | None = field(default=None, init=False)
    wake: threading.Event = field(default_factory=threading.Event, init=False)  #: alerts were queued

    def __post_init__(self) -> None:
        self.outbox = Outbox(self.cursor(), self.options.sink_names)
        self.raiser = AlertRaiser(self.cursor(), self.options.rules, self.options.watchlists, self.outbox, self.clock)

    def _error(self, exc: Exception) -> None:
        log.error("alert pass failed: %s", exc)
        self.status["error"] = f"{type(exc).__name__}: {exc}"

    def raise_loop(self, stop: threading.Event) -> None:
        """Evaluate and enqueue every ``every_s`` seconds until ``stop``."""
        while not stop.is_set():
            try:
                started = time.monotonic()
                r = self.raiser.run_once()
                self.status["pass_seconds"] = time.monotonic() - started
                self.status.update(last_pass=self.clock(), events=r.events, hits=r.watchlist_hits, error=None)
                queued = r.count("new") + r.count("raised")
                self.status["queued"] = self.status.get("queued", 0) + queued
                if queued:
                    self.wake.set()  # the delivery thread sends them now, not at its next poll
            except Exception as exc:  # noqa: BLE001 - the next pass may succeed; the status shows it
                self._error(exc)
            stop.wait(max(0.05, self.every_s - (time.monotonic() - started)))  # a pass starts every every_s

    def deliver_loop(self, stop: threading.Event) -> None:
        """Drain the outbox into the sinks until ``stop`` (nothing to do without sinks)."""
        sinks = self.options.sinks
        if sinks is None or self.outbox is None:
            return
        delivery = Delivery(
            self.outbox, sinks.sinks, self.clock, sinks.policies, sinks.settings, is_closed=self.raiser.is_closed
        )
        while not stop.is_set():
            try:
                if delivery.drain_once() == 0:
                    self.wake.wait(0.5)  # retries fall due on their own: poll twice a second
                    self.wake.clear()
            except Exception as exc:  # noqa: BLE001 - keep delivering; a database hiccup passes
                self._error(exc)
                stop.wait(1.0)
