"""What every sink is to the delivery loop, and how a sink reports a failure."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol

from maritime.alerts.model import Outgoing


class SinkError(Exception):
    """A delivery attempt failed. ``permanent``: retrying cannot help (e.g. HTTP 400)."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Sink(Protocol):
    """A destination. Each method returns only once the receiver acknowledged, else raises
    :class:`SinkError` (or ``OSError``)."""

    name: str

    def send(self, alert: Outgoing) -> None: ...

    def send_digest(self, digest_id: str, alerts: Sequence[Outgoing]) -> None: ...


def digest_id_for(alerts: Sequence[Outgoing]) -> str:
    """A stable id for a digest: SHA-256 of its members' delivery ids, so a re-sent digest
    after a crash carries the same id."""
    joined = "\n".join(sorted(a.delivery_id for a in alerts))
    return f"dg-{hashlib.sha256(joined.encode()).hexdigest()[:32]}"
