"""The retry schedule of a failed delivery (pure).

Exponential backoff with jitter: attempt ``n`` (1 = the first failure) waits
``min(cap, base * 2**(n-1))`` seconds, multiplied by a factor drawn uniformly in
``[1 - jitter, 1 + jitter]``. With the defaults (base 2 s, cap 300 s, jitter 0.2) the waits are
about 2, 4, 8, 16, 32, 64, 128, 256, then 300 s for every later attempt, so a sink that is down
for an hour is retried about 20 times and at most ~6 minutes after it comes back. The jitter
spreads the retries of many alerts so a recovering receiver is not hit all at once (AWS
Architecture Blog, "Exponential Backoff And Jitter", 2015).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RetrySchedule:
    """``base_seconds``, ``cap_seconds``: the backoff; ``jitter``: the fraction (0-1) of spread;
    ``max_attempts``: failures after which the row is ``failed`` (0: retry for ever)."""

    base_seconds: float = 2.0
    cap_seconds: float = 300.0
    jitter: float = 0.2
    max_attempts: int = 0

    def delay(self, attempt: int, uniform: float) -> float:
        """Seconds to wait after failure number ``attempt`` (>= 1); ``uniform`` is a draw in [0, 1)."""
        raw = min(self.cap_seconds, self.base_seconds * 2.0 ** min(max(attempt - 1, 0), 60))
        return raw * (1.0 + self.jitter * (2.0 * uniform - 1.0))

    def gives_up(self, attempt: int) -> bool:
        """Whether failure number ``attempt`` is the last one."""
        return self.max_attempts > 0 and attempt >= self.max_attempts
