"""The sinks file (TOML): which sinks alerts go to, their limits and the retry schedule.

Format (every key but ``name``, ``type`` and the sink's address is optional)::

    [delivery]
    lease_seconds = 60          # a claimed alert is re-sent after this if the sender died
    batch = 100                 # alerts claimed per sink per pass
    retry_base_seconds = 2      # backoff: base * 2**(attempt-1), capped, with +-jitter
    retry_cap_seconds = 300
    retry_jitter = 0.2
    max_attempts = 0            # 0: retry until the sink comes back

    [[sink]]
    name = "ops"                # unique; stored with each delivery row
    type = "webhook"            # webhook | email | cot
    url = "https://hooks.example.org/maritime"
    secret_env = "MARITIME_WEBHOOK_SECRET"   # or secret = "..." (HMAC-SHA256 key)
    timeout_seconds = 10
    rate_per_minute = 60        # 0: no limit
    burst = 10
    digest_threshold = 20       # more than this many alerts due within the window: one digest
    digest_window_seconds = 60

    [[sink]]
    name = "watch-officer"
    type = "email"
    host = "smtp.example.org"
    port = 587
    starttls = true
    username = "maritime"
    password_env = "MARITIME_SMTP_PASSWORD"  # or password = "..."
    sender = "maritime@example.org"
    recipients = ["watch@example.org"]
    ca_file = "/etc/ssl/certs/ca.pem"        # optional: trust this CA for STARTTLS

    [[sink]]
    name = "tak"
    type = "cot"
    host = "tak.example.org"
    port = 8089
    protocol = "tcp"            # udp | tcp
    tls = true                  # tcp only
    cert_file = "client.pem"    # optional client certificate and key (TAK servers ask for one)
    key_file = "client.key"
    ca_file = "tak-ca.pem"
    stale_seconds = 3600
    wait_for_close = false      # true: a send counts once the receiver closed the stream
"""

from __future__ import annotations

import os
import ssl
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from maritime.alerts.cot import CotSink
from maritime.alerts.delivery import DeliverySettings, SinkPolicy
from maritime.alerts.mail import MailSink
from maritime.alerts.model import AlertError
from maritime.alerts.retry import RetrySchedule
from maritime.alerts.sinks import Sink
from maritime.alerts.webhook import WebhookSink

SINK_TYPES = ("webhook", "email", "cot")


@dataclass(frozen=True, slots=True)
class SinksConfig:
    """The parsed sinks file."""

    sinks: tuple[Sink, ...]
    policies: dict[str, SinkPolicy]
    settings: DeliverySettings


def _need(table: dict[str, Any], key: str, where: str) -> Any:
    if key not in table:
        raise AlertError(f"{where}: missing key {key!r}")
    return table[key]


def _secret(table: dict[str, Any], key: str, where: str) -> str | None:
    if key in table:
        return str(table[key])
    env = table.get(f"{key}_env")
    if env is None:
        return None
    value = os.environ.get(str(env))
    if value is None:
        raise AlertError(f"{where}: environment variable {env} ({key}) is not set")
    return value


def _tls_context(table: dict[str, Any], base: Path) -> ssl.SSLContext:
    ca = table.get("ca_file")
    ctx = ssl.create_default_context(cafile=str(base / ca) if ca else None)
    if "cert_file" in table:
        key = table.get("key_file")
        ctx.load_cert_chain(str(base / table["cert_file"]), str(base / key) if key else None)
    return ctx


def _sink(table: dict[str, Any], where: str, base: Path) -> Sink:
    name = str(_need(table, "name", where))
    kind = _need(table, "type", where)
    timeout = float(table.get("timeout_seconds", 10.0))
    if kind == "webhook":
        secret = _secret(table, "secret", where)
        if not secret:
            raise AlertError(f"{where}: a webhook needs secret or secret_env (the HMAC key)")
        return WebhookSink(name, str(_need(table, "url", where)), secret.encode(), timeout)
    if kind == "email":
        recipients = _need(table, "recipients", where)
        if not isinstance(recipients, list) or not recipients:
            raise AlertError(f"{where}: recipients must be a non-empty list of addresses")
        return MailSink(
            name=name,
            host=str(_need(table, "host", where)),
            port=int(table.get("port", 587)),
            sender=str(_need(table, "sender", where)),
            recipients=tuple(str(r) for r in recipients),
            username=table.get("username"),
            password=_secret(table, "password", where),
            starttls=bool(table.get("starttls", True)),
            ssl_context=_tls_context(table, base),
            timeout_seconds=timeout,
        )
    if kind == "cot":
        protocol = table.get("protocol", "udp")
        if protocol not in ("udp", "tcp"):
            raise AlertError(f"{where}: protocol must be udp or tcp, not {protocol!r}")
        tls = bool(table.get("tls", False))
        if tls and protocol != "tcp":
            raise AlertError(f'{where}: tls needs protocol = "tcp"')
        return CotSink(
            name=name,
            host=str(_need(table, "host", where)),
            port=int(_need(table, "port", where)),
            protocol=protocol,
            ssl_context=_tls_context(table, base) if tls else None,
            stale_seconds=float(table.get("stale_seconds", 3600.0)),
            wait_for_close=bool(table.get("wait_for_close", False)),
            timeout_seconds=timeout,
        )
    raise AlertError(f"{where}: type must be one of {', '.join(SINK_TYPES)}, not {kind!r}")


def parse_sinks(doc: dict[str, Any], base: Path = Path(".")) -> SinksConfig:
    """The sinks of a parsed TOML document; file paths in it are relative to ``base``."""
    d = doc.get("delivery", {})
    settings = DeliverySettings(
        lease_seconds=float(d.get("lease_seconds", 60.0)),
        batch=int(d.get("batch", 100)),
        retry=RetrySchedule(
            base_seconds=float(d.get("retry_base_seconds", 2.0)),
            cap_seconds=float(d.get("retry_cap_seconds", 300.0)),
            jitter=float(d.get("retry_jitter", 0.2)),
            max_attempts=int(d.get("max_attempts", 0)),
        ),
    )
    sinks: list[Sink] = []
    policies: dict[str, SinkPolicy] = {}
    for i, table in enumerate(doc.get("sink", []), start=1):
        sink = _sink(table, f"sink #{i}", base)
        if sink.name in policies:
            raise AlertError(f"sink #{i}: the name {sink.name!r} is used twice")
        sinks.append(sink)
        policies[sink.name] = SinkPolicy(
            rate_per_second=float(table.get("rate_per_minute", 0.0)) / 60.0,
            burst=float(table.get("burst", 10.0)),
            digest_threshold=int(table.get("digest_threshold", 0)),
            digest_window_seconds=float(table.get("digest_window_seconds", 60.0)),
        )
    if not sinks:
        raise AlertError("the sinks file defines no [[sink]]")
    return SinksConfig(tuple(sinks), policies, settings)


def load_sinks(path: str | Path) -> SinksConfig:
    """Read and check a sinks file; :class:`AlertError` (one line) when it is wrong."""
    p = Path(path)
    try:
        doc = tomllib.loads(p.read_text())
    except OSError as e:
        raise AlertError(f"cannot read sinks file {p}: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise AlertError(f"{p}: {e}") from None
    try:
        return parse_sinks(doc, p.parent)
    except AlertError as e:
        raise AlertError(f"{p}: {e}") from None
