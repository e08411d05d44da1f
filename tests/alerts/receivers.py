"""Real receivers on 127.0.0.1 for the alert tests: HTTP, SMTP (aiosmtpd), CoT over UDP and TCP.

Each keeps what it accepted in a :class:`Ledger` that outlives restarts (like a receiver's own
database) and de-duplicates by delivery id, counting repeats. ``stop()`` kills the listener;
``start()`` brings it back on the same port.
"""

from __future__ import annotations

import json
import socket
import ssl
import subprocess
import threading
import time
import xml.etree.ElementTree as ET
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from maritime.alerts.webhook import verify


class Ledger:
    """Delivery ids accepted once each, in order; repeats are counted and dropped."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.accepted: list[str] = []
        self.seen: set[str] = set()
        self.repeats = 0
        self.messages = 0
        self.digests: list[list[str]] = []
        self.docs: dict[str, Any] = {}
        self.bad_signatures = 0

    def accept(self, delivery_id: str, doc: Any = None) -> None:
        with self.lock:
            if delivery_id in self.seen:
                self.repeats += 1
                return
            self.seen.add(delivery_id)
            self.accepted.append(delivery_id)
            self.docs[delivery_id] = doc


class HttpReceiver:
    """A webhook receiver that checks the HMAC signature (401 when wrong)."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret
        self.ledger = Ledger()
        self.port = 0
        self.server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if not verify(body, receiver.secret, self.headers.get("X-Maritime-Signature", "")):
                    receiver.ledger.bad_signatures += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                doc = json.loads(body)
                with receiver.ledger.lock:
                    receiver.ledger.messages += 1
                if doc["type"] == "digest":
                    with receiver.ledger.lock:
                        receiver.ledger.digests.append([f"{a['alert_id']}/{a['revision']}" for a in doc["alerts"]])
                    for a in doc["alerts"]:
                        receiver.ledger.accept(f"{a['alert_id']}/{a['revision']}", a)
                else:
                    assert self.headers["X-Maritime-Alert-Id"] == f"{doc['alert_id']}/{doc['revision']}"
                    receiver.ledger.accept(self.headers["X-Maritime-Alert-Id"], doc)
                self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()
        self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1/localhost (openssl), as (cert, key)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert)]
        + ["-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


class SmtpReceiver:
    """aiosmtpd with STARTTLS required and AUTH (user ``watch``, password ``s3cret``)."""

    USER, PASSWORD = "watch", "s3cret"

    def __init__(self, cert: Path, key: Path, port: int) -> None:
        self.ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ctx.load_cert_chain(str(cert), str(key))
        self.ledger = Ledger()
        self.port = port
        self.controller: Controller | None = None

    def _auth(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            self.USER.encode(),
            self.PASSWORD.encode(),
        )
        return AuthResult(success=ok, handled=False)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        assert session.authenticated and session.ssl is not None
        msg = message_from_bytes(envelope.content)
        with self.ledger.lock:
            self.ledger.messages += 1
        ids = msg.get("X-Maritime-Alert-Ids")
        if ids:
            with self.ledger.lock:
                self.ledger.digests.append(ids.split())
            for d in ids.split():
                self.ledger.accept(d, msg["Subject"])
        else:
            self.ledger.accept(msg["X-Maritime-Alert-Id"], msg["Subject"])
        return "250 OK"

    def start(self) -> None:
        self.controller = Controller(
            self,
            hostname="127.0.0.1",
            port=self.port,
            tls_context=self.ctx,
            require_starttls=True,
            authenticator=self._auth,
            auth_required=True,
        )
        self.controller.start()

    def stop(self) -> None:
        assert self.controller is not None
        self.controller.stop()
        self.controller = None


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def parse_cot(data: bytes) -> list[ET.Element]:
    """Every ``<event>`` in ``data`` (one or more XML documents back to back)."""
    events = []
    for chunk in data.split(b"</event>"):
        start = chunk.find(b"<event")
        if start >= 0:
            events.append(ET.fromstring(chunk[start:] + b"</event>"))
    return events


class CotReceiver:
    """A CoT listener over ``udp`` or ``tcp`` (TLS when ``ctx`` is given) that parses the XML."""

    def __init__(self, protocol: str, ctx: ssl.SSLContext | None = None) -> None:
        self.protocol = protocol
        self.ctx = ctx
        self.ledger = Ledger()
        self.events: list[ET.Element] = []
        self.port = 0
        self.sock: socket.socket | None = None
        self.thread: threading.Thread | None = None

    def _take(self, data: bytes) -> None:
        for event in parse_cot(data):
            with self.ledger.lock:
                self.ledger.messages += 1
                self.events.append(event)
            self.ledger.accept(event.attrib["uid"], event)

    def _serve_udp(self, sock: socket.socket) -> None:
        while True:
            try:
                data, _ = sock.recvfrom(65536)
            except OSError:
                return
            self._take(data)

    def _serve_tcp(self, sock: socket.socket) -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            try:
                if self.ctx is not None:
                    conn = self.ctx.wrap_socket(conn, server_side=True)
                conn.settimeout(5)
                chunks = []
                while data := conn.recv(65536):
                    chunks.append(data)
                self._take(b"".join(chunks))
                if isinstance(conn, ssl.SSLSocket):
                    conn = conn.unwrap()  # answer the sender's close_notify
            except OSError:
                pass
            finally:
                conn.close()

    def start(self) -> None:
        kind = socket.SOCK_DGRAM if self.protocol == "udp" else socket.SOCK_STREAM
        sock = socket.socket(socket.AF_INET, kind)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        if self.protocol == "tcp":
            sock.listen(16)
        self.sock = sock
        target = self._serve_udp if self.protocol == "udp" else self._serve_tcp
        self.thread = threading.Thread(target=target, args=(sock,), daemon=True)
        self.thread.start()

    def stop(self) -> None:
        assert self.sock is not None and self.thread is not None
        if self.protocol == "udp":
            # UDP has no acknowledgement: datagrams still unread in the socket buffer of a killed
            # listener are lost without an ICMP error. This listener stops after reading what
            # reached it (the sender cannot tell the difference; see maritime/alerts/cot.py).
            time.sleep(0.2)
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self.thread.join(5)
        self.sock = None
