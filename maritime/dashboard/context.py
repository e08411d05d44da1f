"""What the routes and callbacks of one app share: the cursor pool, caches, access settings
and the clock of a refresh."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from maritime.dashboard import queries as q
from maritime.dashboard.auth import Credentials, SignInLimiter
from maritime.dashboard.state import Now, read_now
from maritime.dashboard.sync import SessionCache


def wall_clock() -> datetime:
    """The wall clock (UTC): for officers' actions and for bounding reports from the future."""
    return datetime.now(UTC)


@dataclass
class AppContext:
    """What the routes and callbacks of one app share."""

    pool: q.CursorPool
    cache: SessionCache
    credentials: Credentials
    health: Callable[[], Mapping[str, Any]]
    refresh_s: float
    limiter: SignInLimiter
    allowed_hosts: frozenset[str] | None  #: host names the ``Host`` header may carry; ``None``: any

    def now(self, cur: q.Cursor) -> Now:
        """The clock of one refresh: read once, handed to everything the refresh computes."""
        return read_now(cur, wall_clock())
