"""The delivery loop: drain the outbox into the sinks, with rate limits, digests and retries.

One :class:`Delivery` per process. :meth:`Delivery.drain_once` claims each sink's due rows,
drops those whose event was acknowledged or dismissed since, sends the rest (one by one, or as
one digest when a flood starts) and commits each outcome. ``clock`` gives wall-clock epoch
seconds and ``uniform`` the jitter draws, both passed in so tests are deterministic.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from maritime.alerts.model import Outgoing
from maritime.alerts.outbox import IsClosed, Outbox, never_closed
from maritime.alerts.ratelimit import FloodGate, TokenBucket
from maritime.alerts.retry import RetrySchedule
from maritime.alerts.sinks import Sink, SinkError, digest_id_for


@dataclass(frozen=True, slots=True)
class SinkPolicy:
    """Limits of one sink: ``rate_per_second`` messages (0: no limit) with bursts of ``burst``;
    a digest when more than ``digest_threshold`` alerts are due within ``digest_window_seconds``
    (0: never)."""

    rate_per_second: float = 0.0
    burst: float = 10.0
    digest_threshold: int = 0
    digest_window_seconds: float = 60.0


@dataclass(frozen=True, slots=True)
class DeliverySettings:
    """``lease_seconds``: how long a claimed row is held before another pass may re-send it
    (longer than any send's timeout); ``batch``: rows claimed per sink per pass."""

    lease_seconds: float = 60.0
    batch: int = 100
    retry: RetrySchedule = field(default_factory=RetrySchedule)


@dataclass(slots=True)
class _SinkState:
    sink: Sink
    bucket: TokenBucket
    flood: FloodGate


class Delivery:
    """Drains ``outbox`` into ``sinks``. ``after_send`` (tests) runs between a send and its commit."""

    def __init__(
        self,
        outbox: Outbox,
        sinks: Sequence[Sink],
        clock: Callable[[], float],
        policies: Mapping[str, SinkPolicy] | None = None,
        settings: DeliverySettings | None = None,
        is_closed: IsClosed = never_closed,
        uniform: Callable[[], float] = random.random,
        after_send: Callable[[Sequence[Outgoing]], None] | None = None,
    ) -> None:
        self.outbox = outbox
        self.clock = clock
        self.settings = settings or DeliverySettings()
        self.is_closed = is_closed
        self.uniform = uniform
        self.after_send = after_send
        policies = policies or {}
        self._sinks = []
        for sink in sinks:
            p = policies.get(sink.name, SinkPolicy())
            self._sinks.append(
                _SinkState(
                    sink,
                    TokenBucket(p.rate_per_second, p.burst),
                    FloodGate(p.digest_threshold, p.digest_window_seconds),
                )
            )

    def drain_once(self) -> int:
        """One pass over every sink; returns how many alerts were delivered."""
        return sum(self._drain_sink(state) for state in self._sinks)

    def _drain_sink(self, state: _SinkState) -> int:
        now = self.clock()
        name = state.sink.name
        if state.bucket.wait(now) > 0:
            return 0
        claimed = self.outbox.claim(name, now, self.settings.lease_seconds, self.settings.batch)
        closed = [a for a in claimed if self.is_closed(a.event_id)]
        if closed:
            self.outbox.mark_suppressed(name, closed)
        due = [a for a in claimed if not self.is_closed(a.event_id)]
        if not due:
            return 0
        if state.flood.is_flood(now, len(due)):
            state.bucket.take(now)
            return self._commit(state, due, digest_id_for(due)) if self._send(state, due, digest=True) else 0
        sent: list[Outgoing] = []
        for i, alert in enumerate(due):
            now = self.clock()
            if not state.bucket.take(now):
                self.outbox.release(name, due[i:], now + state.bucket.wait(now))
                break
            if self._send(state, [alert], digest=False):
                sent.append(alert)
        # one commit for the pass: a crash before it re-sends these, which receivers drop by id
        return self._commit(state, sent, None)

    def _send(self, state: _SinkState, alerts: list[Outgoing], digest: bool) -> bool:
        """Send (one alert, or a digest); on failure schedule the retry and return False."""
        try:
            if digest:
                state.sink.send_digest(digest_id_for(alerts), alerts)
            else:
                state.sink.send(alerts[0])
        except (SinkError, OSError) as e:
            now = self.clock()
            permanent = isinstance(e, SinkError) and e.permanent
            for alert in alerts:
                attempt = alert.attempts + 1
                give_up = permanent or self.settings.retry.gives_up(attempt)
                wait = self.settings.retry.delay(attempt, self.uniform())
                self.outbox.mark_failed(state.sink.name, alert, str(e), None if give_up else now + wait)
            return False
        if self.after_send is not None:
            self.after_send(alerts)
        return True

    def _commit(self, state: _SinkState, sent: list[Outgoing], digest_id: str | None) -> int:
        now = self.clock()
        self.outbox.mark_delivered(state.sink.name, sent, now, digest_id)
        state.flood.record(now, len(sent))
        return len(sent)

    def run(self, stop: threading.Event, idle_seconds: float = 0.5) -> None:
        """Drain until ``stop`` is set, pausing ``idle_seconds`` after a pass that sent nothing."""
        while not stop.is_set():
            if self.drain_once() == 0:
                stop.wait(idle_seconds)
