"""UdpFeed against real UDP datagrams sent to 127.0.0.1."""

from __future__ import annotations

import errno
import queue
import socket
import threading
import time

import pytest

from maritime.sources.live import MAX_LINE_BYTES, LiveLine
from maritime.sources.udp import UdpFeed

TIMEOUT_S = 5.0  # upper bound for anything that should happen "soon"; never reached on success


class Runner:
    """Consume ``feed.lines(stop)`` in a thread, the way the CLI does."""

    def __init__(self, feed: UdpFeed) -> None:
        self.feed = feed
        self.stop = threading.Event()
        self.out: queue.Queue[LiveLine] = queue.Queue()
        self.error: BaseException | None = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            for item in self.feed.lines(self.stop):
                self.out.put(item)
        except BaseException as exc:
            self.error = exc
        finally:
            self.done.set()

    def get(self, n: int) -> list[LiveLine]:
        return [self.out.get(timeout=TIMEOUT_S) for _ in range(n)]

    def finish(self) -> float:
        start = time.monotonic()
        self.stop.set()
        assert self.done.wait(TIMEOUT_S), "lines() did not return after stop"
        assert self.error is None, repr(self.error)
        return time.monotonic() - start


@pytest.fixture
def sender():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    yield sock
    sock.close()


@pytest.fixture
def run():
    started: list[Runner] = []

    def start(feed: UdpFeed) -> Runner:
        runner = Runner(feed)
        started.append(runner)
        return runner

    yield start
    for runner in started:
        runner.stop.set()
        runner.done.wait(TIMEOUT_S)
        runner.feed.close()


def test_datagrams_with_several_lines_crlf_lf_and_unterminated_last(sender, run):
    ticks = iter(range(1_000_000))
    feed = UdpFeed("127.0.0.1", 0, clock=lambda: 1_700_000_000.0 + next(ticks))
    assert feed.port > 0 and feed.url == f"udp://127.0.0.1:{feed.port}"
    assert feed.status.connected
    runner = run(feed)
    datagrams = [
        b"!AIVDM,1,1,,A,one,0*00\r\n!AIVDM,1,1,,B,two,0*00\r\n",
        b"!AIVDM,1,1,,A,three,0*00\n!AIVDM,1,1,,A,four,0*00",  # last line unterminated
        b"!AIVDM,1,1,,A,five,0*00",
        b"\r\n\r\n",  # nothing but blank lines
        b"!AIVDM,1,1,,A,six,0*00\r\n\r\n!AIVDM,1,1,,A,seven,0*00\n",
    ]
    for datagram in datagrams:
        sender.sendto(datagram, ("127.0.0.1", feed.port))
    got = runner.get(7)
    assert [item.line for item in got] == [
        b"!AIVDM,1,1,,A,one,0*00",
        b"!AIVDM,1,1,,B,two,0*00",
        b"!AIVDM,1,1,,A,three,0*00",
        b"!AIVDM,1,1,,A,four,0*00",
        b"!AIVDM,1,1,,A,five,0*00",
        b"!AIVDM,1,1,,A,six,0*00",
        b"!AIVDM,1,1,,A,seven,0*00",
    ]
    assert {item.source for item in got} == {feed.url}
    # one clock reading per datagram, shared by its lines
    assert [item.arrival - 1_700_000_000.0 for item in got] == [0, 0, 1, 1, 2, 4, 4]
    status = feed.status.snapshot()
    assert status.lines == 7
    assert status.bytes == sum(map(len, datagrams))
    assert status.last_line_at == got[-1].arrival
    assert status.last_error is None
    assert runner.finish() < 0.5


def test_real_arrival_is_wall_clock_seconds(sender, run):
    feed = UdpFeed("127.0.0.1", 0)
    runner = run(feed)
    before = time.time()
    sender.sendto(b"!AIVDM,x\r\n", ("127.0.0.1", feed.port))
    (item,) = runner.get(1)
    assert item.line == b"!AIVDM,x"
    assert before <= item.arrival <= time.time()


def test_overlong_line_is_discarded(sender, run):
    feed = UdpFeed("127.0.0.1", 0)
    runner = run(feed)
    sender.sendto(b"A\n" + b"x" * (MAX_LINE_BYTES + 1) + b"\nB\n", ("127.0.0.1", feed.port))
    assert [item.line for item in runner.get(2)] == [b"A", b"B"]
    assert feed.status.garbage_discarded == 1


def test_stop_returns_promptly_and_releases_the_port(run):
    feed = UdpFeed("127.0.0.1", 0)
    runner = run(feed)
    time.sleep(0.05)  # blocked in recvfrom
    assert runner.finish() < 0.5
    assert not feed.status.connected
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as again:
        again.bind(("127.0.0.1", feed.port))  # free again
    with pytest.raises(RuntimeError, match="closed"):
        next(feed.lines(threading.Event()))


def test_address_in_use_raises_one_line_oserror():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        with pytest.raises(OSError) as caught:
            UdpFeed("127.0.0.1", port)
    message = str(caught.value)
    assert message.startswith(f"cannot listen on udp://127.0.0.1:{port}: ")
    assert "in use" in message.lower() and "\n" not in message
    assert caught.value.errno == errno.EADDRINUSE


def test_non_local_address_raises_one_line_oserror():
    # 192.0.2.1 is TEST-NET-1: never a local address, and bind() sends nothing.
    with pytest.raises(OSError) as caught:
        UdpFeed("192.0.2.1", 0)
    message = str(caught.value)
    assert message.startswith("cannot listen on udp://192.0.2.1:0: ")
    assert "\n" not in message and "[Errno" not in message


def test_context_manager_and_close_are_idempotent():
    with UdpFeed("127.0.0.1", 0) as feed:
        assert feed.status.connected
    assert not feed.status.connected
    feed.close()


def _ipv6_loopback_available() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _ipv6_loopback_available(), reason="no IPv6 loopback")
def test_ipv6_loopback(run):
    feed = UdpFeed("::1", 0)
    assert feed.url == f"udp://[::1]:{feed.port}"
    runner = run(feed)
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sender6:
        sender6.sendto(b"V6\r\n", ("::1", feed.port))
    assert [item.line for item in runner.get(1)] == [b"V6"]


def test_receive_buffer_is_raised_and_kernel_drops_are_reported() -> None:
    default = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    default_size = default.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
    default.close()
    with UdpFeed("127.0.0.1", 0) as feed:
        assert feed.status.receive_buffer >= default_size
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        datagram = b"!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*5C\n" * 20
        # nobody reads yet: overflow the receive buffer, whatever its size
        for _ in range(2 * feed.status.receive_buffer // len(datagram) + 1000):
            sender.sendto(datagram, ("127.0.0.1", feed.port))
        sender.close()
        runner = Runner(feed)
        runner.get(1)
        runner.stop.set()
        runner.thread.join(TIMEOUT_S)
    assert feed.status.dropped > 0
