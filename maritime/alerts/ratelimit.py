"""Per-sink rate limits and the flood digest decision (pure: the caller passes ``now``).

``now`` is wall-clock seconds (the delivery clock). A token bucket bounds the messages a sink
gets (one token per message, a digest being one message). A :class:`FloodGate` decides when
a backlog becomes a flood: when more than ``threshold`` alerts are due for a sink within
``window_seconds`` (counting those sent in the window), the due ones go out as one digest, so
a receiver outage over 50 vessels yields one e-mail listing 50 alerts, not 50 e-mails.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass(slots=True)
class TokenBucket:
    """``rate`` tokens per second, at most ``burst`` stored; starts full. ``rate`` 0: no limit."""

    rate: float
    burst: float
    _tokens: float = field(init=False, default=0.0)
    _at: float | None = field(init=False, default=None)

    def _refill(self, now: float) -> None:
        if self._at is None:
            self._tokens = self.burst
        else:
            self._tokens = min(self.burst, self._tokens + max(0.0, now - self._at) * self.rate)
        self._at = now

    def take(self, now: float) -> bool:
        """Spend one token if there is one."""
        if self.rate <= 0:
            return True
        self._refill(now)
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False

    def wait(self, now: float) -> float:
        """Seconds until a token is available (0 when one is)."""
        if self.rate <= 0:
            return 0.0
        self._refill(now)
        return 0.0 if self._tokens >= 1.0 else (1.0 - self._tokens) / self.rate


@dataclass(slots=True)
class FloodGate:
    """Digest decision for one sink: ``threshold`` alerts within ``window_seconds``; 0 disables."""

    threshold: int
    window_seconds: float
    _sent: deque[float] = field(init=False, default_factory=deque)

    def is_flood(self, now: float, due: int) -> bool:
        """Whether ``due`` alerts now, plus those sent within the window, exceed the threshold."""
        while self._sent and self._sent[0] <= now - self.window_seconds:
            self._sent.popleft()
        return self.threshold > 0 and due > 1 and len(self._sent) + due > self.threshold

    def record(self, now: float, count: int) -> None:
        """``count`` alerts were sent at ``now``."""
        self._sent.extend([now] * count)
