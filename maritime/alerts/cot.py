"""Cursor on Target sink: CoT 2.0 XML ``<event>`` over UDP or TCP (TLS optional), for TAK.

The vessel is a point with its track; the alert is in the remarks. ``uid`` is
``maritime-<alert_id>-r<revision>`` (the de-duplication key for receivers), ``type`` is a
surface-vessel type by severity: ``a-u-S`` (unknown affiliation) for low and medium,
``a-s-S`` (suspect) for high, ``a-h-S`` (hostile) for critical (MIL-STD-2525 affiliations as
used by the CoT type tree). ``how`` is ``m-g`` (machine, GPS-derived: an AIS report). ``time``
and ``start`` are the event's data time, ``stale`` is ``start`` plus ``stale_seconds``.
``ce``/``le`` are 9999999 (unknown, the CoT convention) unless the payload gives them.

A digest has no CoT form (a map needs one point per vessel): a digest is sent as one event per
alert in a single TCP write or one datagram each.
"""

from __future__ import annotations

import socket
import ssl
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from maritime.alerts.model import Outgoing, summary_line
from maritime.alerts.sinks import SinkError

COT_TYPES = {"low": "a-u-S", "medium": "a-u-S", "high": "a-s-S", "critical": "a-h-S"}
UNKNOWN_ERROR = "9999999"


def _iso(t: datetime) -> str:
    t = t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def cot_uid(alert: Outgoing) -> str:
    return f"maritime-{alert.alert_id}-r{alert.revision}"


def cot_event(alert: Outgoing, stale_seconds: float = 3600.0) -> bytes:
    """The CoT XML of one alert (pure)."""
    p = alert.payload
    start = alert.created_at
    event = ET.Element(
        "event",
        {
            "version": "2.0",
            "uid": cot_uid(alert),
            "type": COT_TYPES.get(alert.severity, "a-u-S"),
            "how": "m-g",
            "time": _iso(start),
            "start": _iso(start),
            "stale": _iso(start + timedelta(seconds=stale_seconds)),
        },
    )
    ET.SubElement(
        event,
        "point",
        {
            "lat": f"{float(p.get('lat', 0.0)):.6f}",
            "lon": f"{float(p.get('lon', 0.0)):.6f}",
            "hae": "0.0",
            "ce": str(p.get("ce", UNKNOWN_ERROR)),
            "le": str(p.get("le", UNKNOWN_ERROR)),
        },
    )
    detail = ET.SubElement(event, "detail")
    callsign = str(p.get("name") or p.get("mmsi") or alert.event_id)
    ET.SubElement(detail, "contact", {"callsign": callsign})
    # CoT track speed is in metres per second; the payload gives knots
    speed_ms = float(p.get("speed", 0.0)) * 1852.0 / 3600.0
    ET.SubElement(detail, "track", {"course": f"{float(p.get('course', 0.0)):.1f}", "speed": f"{speed_ms:.2f}"})
    remarks = ET.SubElement(detail, "remarks", {"source": "maritime", "alert_id": alert.alert_id})
    remarks.text = summary_line(alert)
    xml: bytes = ET.tostring(event, encoding="utf-8", xml_declaration=True)
    return xml


@dataclass(slots=True)
class CotSink:
    """Sends CoT to ``host:port`` over ``protocol`` ``udp`` or ``tcp``; ``ssl_context`` set: TLS
    over TCP. A TCP send counts as acknowledged once written, or with ``wait_for_close`` once the
    receiver closed the stream after reading it (a TAK server keeps streams open, so leave it off
    there; CoT receivers replace a marker of the same uid, so a repeat is harmless). A UDP send
    counts when no "port unreachable" came back within ``udp_confirm_seconds``: a closed port is
    detected and retried, but datagrams a listener had not read when it was killed are lost (UDP
    has no acknowledgement); use TCP with ``wait_for_close`` where a lost alert matters."""

    name: str
    host: str
    port: int
    protocol: str = "udp"
    ssl_context: ssl.SSLContext | None = None
    stale_seconds: float = 3600.0
    timeout_seconds: float = 10.0
    udp_confirm_seconds: float = 0.05
    wait_for_close: bool = False

    def _send_all(self, events: Sequence[bytes]) -> None:
        try:
            if self.protocol == "udp":
                self._send_udp(events)
                return
            with socket.create_connection((self.host, self.port), timeout=self.timeout_seconds) as raw:
                conn = raw if self.ssl_context is None else self.ssl_context.wrap_socket(raw, server_hostname=self.host)
                conn.sendall(b"".join(events))
                if self.wait_for_close:
                    # end TLS (close_notify both ways), half-close, then read until the receiver
                    # closes: it has read everything
                    plain = conn.unwrap() if isinstance(conn, ssl.SSLSocket) else conn
                    plain.shutdown(socket.SHUT_WR)
                    while plain.recv(4096):
                        pass
        except (OSError, ssl.SSLError) as e:
            raise SinkError(f"CoT {self.protocol}://{self.host}:{self.port}: {e}") from None

    def _send_udp(self, events: Sequence[bytes]) -> None:
        # A connected UDP socket reports the ICMP "port unreachable" of a closed receiver as
        # ECONNREFUSED on the next call: wait ``udp_confirm_seconds`` for one before counting
        # the datagrams as delivered (best effort; firewalls may drop the ICMP).
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect((self.host, self.port))
            for e in events:
                s.send(e)
            s.settimeout(self.udp_confirm_seconds)
            try:
                s.recv(1)
            except TimeoutError:
                pass

    def send(self, alert: Outgoing) -> None:
        self._send_all([cot_event(alert, self.stale_seconds)])

    def send_digest(self, digest_id: str, alerts: Sequence[Outgoing]) -> None:
        self._send_all([cot_event(a, self.stale_seconds) for a in alerts])
