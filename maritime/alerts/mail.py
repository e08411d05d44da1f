"""E-mail sink: SMTP with STARTTLS and authentication (smtplib), one message per alert or a digest.

Each message carries ``X-Maritime-Alert-Id`` (the delivery id ``<alert_id>/<revision>``, or the
digest id) and a ``Message-ID`` derived from it, so a mail system or a reader can drop repeats.
A digest lists its alerts in ``X-Maritime-Alert-Ids`` and in the body. The server's 250 answer
to the message acknowledges it.
"""

from __future__ import annotations

import json
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage

from maritime.alerts.model import Outgoing, summary_line
from maritime.alerts.sinks import SinkError

ID_HEADER = "X-Maritime-Alert-Id"
IDS_HEADER = "X-Maritime-Alert-Ids"


def alert_message(alert: Outgoing, sender: str, recipients: Sequence[str]) -> EmailMessage:
    """The e-mail of one alert (pure)."""
    msg = EmailMessage()
    msg["Subject"] = f"Maritime alert: {summary_line(alert)}"
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg[ID_HEADER] = alert.delivery_id
    msg["Message-ID"] = f"<{alert.delivery_id.replace('/', '.')}@maritime>"
    msg.set_content(summary_line(alert) + "\n\n" + json.dumps(alert.as_json(), indent=2, default=str) + "\n")
    return msg


def digest_message(digest_id: str, alerts: Sequence[Outgoing], sender: str, recipients: Sequence[str]) -> EmailMessage:
    """The e-mail of a digest: one line per alert, then the alerts as JSON (pure)."""
    msg = EmailMessage()
    msg["Subject"] = f"Maritime alert digest: {len(alerts)} alerts"
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg[ID_HEADER] = digest_id
    msg[IDS_HEADER] = " ".join(a.delivery_id for a in alerts)
    msg["Message-ID"] = f"<{digest_id}@maritime>"
    lines = [summary_line(a) for a in alerts]
    body = "\n".join(lines) + "\n\n" + json.dumps([a.as_json() for a in alerts], indent=2, default=str) + "\n"
    msg.set_content(body)
    return msg


@dataclass(slots=True)
class MailSink:
    """Sends through ``host:port``: STARTTLS (verified with ``ssl_context``) then AUTH when
    ``username`` is set."""

    name: str
    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    username: str | None = None
    password: str | None = None
    starttls: bool = True
    ssl_context: ssl.SSLContext = field(default_factory=ssl.create_default_context)
    timeout_seconds: float = 30.0

    def _send(self, msg: EmailMessage) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout_seconds) as smtp:
                if self.starttls:
                    smtp.starttls(context=self.ssl_context)
                if self.username:
                    smtp.login(self.username, self.password or "")
                refused = smtp.send_message(msg)
        except smtplib.SMTPAuthenticationError as e:
            raise SinkError(f"SMTP {self.host}:{self.port} refused the login ({e.smtp_code})", permanent=True) from None
        except (smtplib.SMTPException, OSError) as e:
            raise SinkError(f"SMTP {self.host}:{self.port}: {e}") from None
        if refused:
            raise SinkError(f"SMTP {self.host}:{self.port} refused {', '.join(refused)}")

    def send(self, alert: Outgoing) -> None:
        self._send(alert_message(alert, self.sender, self.recipients))

    def send_digest(self, digest_id: str, alerts: Sequence[Outgoing]) -> None:
        self._send(digest_message(digest_id, alerts, self.sender, self.recipients))
