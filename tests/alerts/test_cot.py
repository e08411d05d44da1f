"""Cursor on Target sink: the XML, and real UDP, TCP and TLS listeners on 127.0.0.1 that parse it."""

from __future__ import annotations

import ssl
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from maritime.alerts.cot import CotSink, cot_event
from maritime.alerts.delivery import Delivery
from maritime.alerts.model import Alert, Outgoing
from maritime.alerts.outbox import Outbox
from tests.alerts.conftest import T0, FakeClock, assert_exactly_once, make_alerts, replay_with_restarts
from tests.alerts.receivers import CotReceiver


def _claimed(alerts: list[Alert]) -> list[Outgoing]:
    outbox = Outbox(duckdb.connect(), ["tak"])
    outbox.enqueue(alerts, T0)
    return outbox.claim("tak", T0, 30, 100)


def test_event_carries_point_track_contact_and_remarks() -> None:
    alert = Alert(
        "ev-9",
        "iuu",
        "critical",
        datetime(2024, 5, 1, 12, 30, 5),
        {"mmsi": 412000001, "name": "FU YUAN", "lat": -0.95, "lon": -90.96, "course": 271.5, "speed": 10.0},
    )
    [out] = _claimed([alert])
    event = ET.fromstring(cot_event(out, stale_seconds=600))
    assert event.tag == "event" and event.attrib["version"] == "2.0"
    assert event.attrib["uid"] == f"maritime-{alert.alert_id}-r1"
    assert event.attrib["type"] == "a-h-S" and event.attrib["how"] == "m-g"
    assert event.attrib["time"] == event.attrib["start"] == "2024-05-01T12:30:05.000Z"
    assert event.attrib["stale"] == "2024-05-01T12:40:05.000Z"
    point = event.find("point")
    assert point is not None
    assert (float(point.attrib["lat"]), float(point.attrib["lon"])) == (-0.95, -90.96)
    assert {"hae", "ce", "le"} <= set(point.attrib)
    assert event.find("detail/contact").attrib["callsign"] == "FU YUAN"  # type: ignore[union-attr]
    track = event.find("detail/track")
    assert track is not None
    assert float(track.attrib["course"]) == 271.5
    assert float(track.attrib["speed"]) == pytest.approx(5.144, abs=0.01)  # 10 kn in m/s
    remarks = event.find("detail/remarks")
    assert remarks is not None and alert.alert_id in (remarks.text or "") and "critical" in (remarks.text or "")


def test_low_severity_is_unknown_surface_track() -> None:
    [out] = _claimed(make_alerts(1, severity="low"))
    assert ET.fromstring(cot_event(out)).attrib["type"] == "a-u-S"


@pytest.mark.parametrize("protocol", ["udp", "tcp"])
def test_listener_killed_and_restarted_gets_every_alert_once(protocol: str, tmp_path: Path) -> None:
    receiver = CotReceiver(protocol)
    receiver.start()
    sink = CotSink(
        "tak",
        "127.0.0.1",
        receiver.port,
        protocol=protocol,
        timeout_seconds=5,
        wait_for_close=True,
        udp_confirm_seconds=0.05,
    )
    try:
        expected = replay_with_restarts(receiver, sink, tmp_path / "c.duckdb", n=200)
    finally:
        receiver.stop()
    assert_exactly_once(receiver.ledger, [f"maritime-{e.split('/')[0]}-r1" for e in expected])
    assert receiver.ledger.repeats == 0


def test_tls_over_tcp(certificate: tuple[Path, Path]) -> None:
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(*map(str, certificate))
    receiver = CotReceiver("tcp", server_ctx)
    receiver.start()
    client_ctx = ssl.create_default_context(cafile=str(certificate[0]))
    outbox = Outbox(duckdb.connect(), ["tak"])
    alerts = make_alerts(5)
    outbox.enqueue(alerts, T0)
    sink = CotSink(
        "tak",
        "127.0.0.1",
        receiver.port,
        protocol="tcp",
        ssl_context=client_ctx,
        timeout_seconds=5,
        wait_for_close=True,
    )
    try:
        Delivery(outbox, [sink], FakeClock()).drain_once()
    finally:
        receiver.stop()
    assert outbox.counts() == {"delivered": 5}
    assert_exactly_once(receiver.ledger, [f"maritime-{a.alert_id}-r1" for a in alerts])
