"""Webhook sink: a JSON POST signed with HMAC-SHA256 of the body.

Headers: ``X-Maritime-Signature: sha256=<hex HMAC-SHA256 of the body with the shared
secret>`` (the scheme GitHub webhooks use), ``X-Maritime-Alert-Id`` (the delivery id
``<alert_id>/<revision>``, or the digest id), ``X-Maritime-Kind: alert|digest``. A 2xx answer
acknowledges; 408, 429 and 5xx are retried, other 4xx answers fail for good. Timeout per request:
``timeout_seconds`` (default 10 s).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from maritime.alerts.model import Outgoing
from maritime.alerts.sinks import SinkError

SIGNATURE_HEADER = "X-Maritime-Signature"
ID_HEADER = "X-Maritime-Alert-Id"
KIND_HEADER = "X-Maritime-Kind"


def sign(body: bytes, secret: bytes) -> str:
    """The signature header value: ``sha256=`` and the hex HMAC-SHA256 of ``body``."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: bytes, header: str) -> bool:
    """Whether ``header`` is the signature of ``body`` (constant-time comparison); for receivers."""
    return hmac.compare_digest(sign(body, secret), header)


def alert_body(alert: Outgoing) -> bytes:
    """The JSON body of one alert."""
    return json.dumps({"type": "alert", **alert.as_json()}, sort_keys=True, default=str).encode()


def digest_body(digest_id: str, alerts: Sequence[Outgoing]) -> bytes:
    """The JSON body of a digest: its id and every alert in it."""
    doc: dict[str, Any] = {"type": "digest", "digest_id": digest_id, "alerts": [a.as_json() for a in alerts]}
    return json.dumps(doc, sort_keys=True, default=str).encode()


@dataclass(slots=True)
class WebhookSink:
    """POSTs to ``url``; ``secret`` signs the body."""

    name: str
    url: str
    secret: bytes
    timeout_seconds: float = 10.0

    def _post(self, body: bytes, ident: str, kind: str) -> None:
        request = urllib.request.Request(self.url, data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        request.add_header(SIGNATURE_HEADER, sign(body, self.secret))
        request.add_header(ID_HEADER, ident)
        request.add_header(KIND_HEADER, kind)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:
                response.read()
        except urllib.error.HTTPError as e:
            permanent = 400 <= e.code < 500 and e.code not in (408, 429)
            raise SinkError(f"{self.url} answered HTTP {e.code}", permanent=permanent) from None
        except (urllib.error.URLError, OSError) as e:
            raise SinkError(f"{self.url}: {getattr(e, 'reason', e)}") from None

    def send(self, alert: Outgoing) -> None:
        self._post(alert_body(alert), alert.delivery_id, "alert")

    def send_digest(self, digest_id: str, alerts: Sequence[Outgoing]) -> None:
        self._post(digest_body(digest_id, alerts), digest_id, "digest")
