"""The alert record, its stable id and its severities (pure, no I/O)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from maritime.errors import MaritimeError

#: Severities, lowest first; a rise re-sends the alert.
SEVERITIES: tuple[str, ...] = ("low", "medium", "high", "critical")


class AlertError(MaritimeError):
    """An alert or a sinks file the user must fix (one line)."""


def severity_rank(severity: str) -> int:
    """1 for ``low`` up to 4 for ``critical``; :class:`AlertError` for anything else."""
    try:
        return SEVERITIES.index(severity) + 1
    except ValueError:
        raise AlertError(f"unknown severity {severity!r}: use one of {', '.join(SEVERITIES)}") from None


def alert_id_for(event_id: str, rule_id: str) -> str:
    """The stable id of the alert that ``rule_id`` raises on ``event_id``.

    The first 128 bits of SHA-256 over ``rule_id`` and ``event_id``, in hex: a re-detected or
    extended event keeps its event id, hence its alert id."""
    digest = hashlib.sha256(f"{rule_id}\x1f{event_id}".encode()).hexdigest()
    return f"al-{digest[:32]}"


@dataclass(frozen=True, slots=True)
class Alert:
    """What a rule raises on an event. ``created_at`` is the event's data time (UTC, naive or aware).

    ``payload`` is free JSON for the sinks. The keys they read when present: ``mmsi``, ``name``,
    ``kind``, ``lat``/``lon`` (degrees), ``course`` (degrees true), ``speed`` (knots),
    ``summary`` (one line of text)."""

    event_id: str
    rule_id: str
    severity: str
    created_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)
    rule_version: int | None = None  #: the stored version of the rule (alert_rules.version)

    @property
    def alert_id(self) -> str:
        return alert_id_for(self.event_id, self.rule_id)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A claimed alert on its way to one sink: the alert as stored, at its current revision."""

    alert_id: str
    event_id: str
    rule_id: str
    severity: str
    revision: int
    created_at: datetime
    payload: dict[str, Any]
    attempts: int

    @property
    def delivery_id(self) -> str:
        """What a receiver de-duplicates on: ``<alert_id>/<revision>``."""
        return f"{self.alert_id}/{self.revision}"

    def as_json(self) -> dict[str, Any]:
        """The alert as the JSON object every sink sends (times ISO 8601, UTC)."""
        return {
            "alert_id": self.alert_id,
            "revision": self.revision,
            "event_id": self.event_id,
            "rule_id": self.rule_id,
            "severity": self.severity,
            "created_at": self.created_at.isoformat() + ("" if self.created_at.tzinfo else "Z"),
            "payload": self.payload,
        }


def summary_line(alert: Outgoing) -> str:
    """One line of text for a subject, a remark or a digest entry."""
    p = alert.payload
    text = p.get("summary") or f"{p.get('kind', 'event')} {p.get('name') or ''} MMSI {p.get('mmsi', '?')}".strip()
    return f"[{alert.severity}] {text} (rule {alert.rule_id}, alert {alert.delivery_id})"


def payload_json(payload: dict[str, Any]) -> str:
    """The payload as canonical JSON text (sorted keys), as stored."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
