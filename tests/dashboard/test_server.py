"""``maritime serve``: binding and the command's one-line errors."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from maritime.dashboard import server
from maritime.dashboard.auth import Credentials

from .conftest import REPO


def test_refuses_to_bind_beyond_loopback_without_credentials():
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        server.check_bind(host, Credentials())
    for host in ("0.0.0.0", "192.168.1.10", "::"):
        with pytest.raises(server.ServeError, match="without credentials"):
            server.check_bind(host, Credentials())
        server.check_bind(host, Credentials(token="a-long-shared-token"))


def test_serve_command_refuses_public_address(capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("MARITIME_TOKEN", raising=False)
    monkeypatch.delenv("MARITIME_USERS", raising=False)
    monkeypatch.delenv("MARITIME_AUTH_FILE", raising=False)
    assert server.main(["--db", str(tmp_path / "x.duckdb"), "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("maritime: error: refusing to serve on 0.0.0.0") and err.count("\n") == 1


def _serve_process(*args: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARITIME_")}
    return subprocess.Popen(
        [sys.executable, "-m", "maritime.dashboard.server", "--host", "127.0.0.1", *args],
        cwd=REPO,
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_busy_port_is_one_line_and_creates_no_database(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        proc = _serve_process("--db", str(tmp_path / "new.duckdb"), "--port", str(port))
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert err.startswith(f"maritime: error: cannot listen on 127.0.0.1:{port}: ") and err.count("\n") == 1, err
    assert not list(tmp_path.iterdir())


def test_sigterm_stops_within_5_s_while_detection_runs(db_path):
    proc = _serve_process("--db", str(db_path), "--port", "0", "--detect-every", "0.05")
    try:
        line = proc.stderr.readline()
        assert "watch floor at" in line, line
        time.sleep(3)  # detection is under way (its first run builds the reference rasters)
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=5)
        assert time.monotonic() - t0 < 5
        assert proc.returncode == 0  # not -6 (SIGABRT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
