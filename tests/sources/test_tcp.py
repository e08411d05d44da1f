"""TcpFeed against real TCP servers on 127.0.0.1, plus the pure line assembly it relies on."""

from __future__ import annotations

import queue
import random
import socket
import struct
import sys
import threading
import time

import pytest

from maritime.sources.live import (
    MAX_LINE_BYTES,
    LineAssembler,
    LiveLine,
    split_lines,
)
from maritime.sources.tcp import Backoff, TcpFeed

TIMEOUT_S = 5.0  # upper bound for anything that should happen "soon"; never reached on success


# ----------------------------------------------------------------------------- helpers


def wait_for(predicate, timeout_s: float = TIMEOUT_S, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.002)


class RecordingEvent(threading.Event):
    """A stop event that records the timeouts it was waited with (the backoff delays)."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float] = []

    def wait(self, timeout=None):
        self.waits.append(timeout)
        return super().wait(timeout)


class Runner:
    """Consume ``feed.lines(stop)`` in a thread, the way the CLI does."""

    def __init__(self, feed: TcpFeed, stop: threading.Event | None = None) -> None:
        self.feed = feed
        self.stop = stop or threading.Event()
        self.out: queue.Queue[LiveLine] = queue.Queue()
        self.error: BaseException | None = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            for item in self.feed.lines(self.stop):
                self.out.put(item)
        except BaseException as exc:  # surfaced by the tests
            self.error = exc
        finally:
            self.done.set()

    def get(self, n: int) -> list[LiveLine]:
        return [self.out.get(timeout=TIMEOUT_S) for _ in range(n)]

    def assert_no_more(self, wait_s: float = 0.2) -> None:
        with pytest.raises(queue.Empty):
            extra = self.out.get(timeout=wait_s)
            print("unexpected line:", extra)

    def finish(self) -> float:
        """Set stop; return how long (seconds) the generator took to return."""
        start = time.monotonic()
        self.stop.set()
        assert self.done.wait(TIMEOUT_S), "lines() did not return after stop"
        elapsed = time.monotonic() - start
        assert self.error is None, repr(self.error)
        return elapsed


class Server:
    """A listening socket on 127.0.0.1 whose accepted connections are closed at teardown."""

    def __init__(self, port: int = 0, backlog: int = 8) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(backlog)
        self.sock.settimeout(TIMEOUT_S)
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []

    def accept(self) -> socket.socket:
        conn, _ = self.sock.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn.settimeout(TIMEOUT_S)
        self.conns.append(conn)
        return conn

    def close(self) -> None:
        for conn in self.conns:
            conn.close()
        self.sock.close()


@pytest.fixture
def server():
    srv = Server()
    yield srv
    srv.close()


@pytest.fixture
def runners():
    started: list[Runner] = []

    def start(feed: TcpFeed, stop: threading.Event | None = None) -> Runner:
        runner = Runner(feed, stop)
        started.append(runner)
        return runner

    yield start
    for runner in started:
        runner.stop.set()
        runner.done.wait(TIMEOUT_S)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def send_and_wait(conn: socket.socket, feed: TcpFeed, chunk: bytes) -> None:
    """Send one chunk and wait until the feed has read it, so each chunk is its own recv()."""
    target = feed.status.bytes + len(chunk)
    conn.sendall(chunk)
    wait_for(lambda: feed.status.bytes >= target, what=f"feed to read {chunk!r}")


def fast_feed(port: int, **kwargs) -> TcpFeed:
    options = dict(watchdog_s=60.0, backoff_initial_s=0.02, backoff_max_s=0.1)
    options.update(kwargs)
    return TcpFeed("127.0.0.1", port, **options)


def sentences(n: int, prefix: str = "s") -> list[bytes]:
    return [f"!AIVDM,1,1,,A,{prefix}{i:03d}13u?etPj2<,0*5C".encode() for i in range(n)]


# ------------------------------------------------------------------- pure line assembly


def test_split_lines_crlf_lf_blank_and_rest():
    assert split_lines(b"a\r\nb\nc") == ([b"a", b"b"], b"c")
    assert split_lines(b"a\r\n\r\n\nb\r\n") == ([b"a", b"b"], b"")
    assert split_lines(b"no newline yet") == ([], b"no newline yet")
    assert split_lines(b"") == ([], b"")
    assert split_lines(b"a\r") == ([b"a"], b"")  # the \n may follow in the next read


@pytest.mark.parametrize("terminator", [b"\r\n", b"\n"])
def test_assembler_every_split_point_gives_the_same_lines(terminator):
    lines = sentences(4)
    payload = b"".join(line + terminator for line in lines)
    for cut in range(len(payload) + 1):
        assembler = LineAssembler()
        got = assembler.feed(payload[:cut]) + assembler.feed(payload[cut:])
        assert got == lines, cut
        assert assembler.pending == b""


def test_assembler_random_chunking_keeps_order():
    lines = sentences(50)
    payload = b"".join(line + b"\r\n" for line in lines)
    rng = random.Random(1)
    for _ in range(20):
        cuts = sorted(rng.sample(range(1, len(payload)), 30))
        assembler = LineAssembler()
        got = []
        for start, end in zip([0, *cuts], [*cuts, len(payload)]):
            got += assembler.feed(payload[start:end])
        assert got == lines


def test_assembler_discards_overlong_lines_including_their_tail():
    assembler = LineAssembler()
    assert assembler.feed(b"x" * (MAX_LINE_BYTES + 1)) == []
    assert assembler.garbage_discarded == 1
    assert assembler.pending == b""  # memory stays bounded
    assert assembler.feed(b"y" * 10_000) == []  # still the same garbage line
    assert assembler.feed(b"end of garbage\r\nGOOD\r\n") == [b"GOOD"]
    assert assembler.garbage_discarded == 1
    # a complete over-long line in one chunk, and a line of exactly the limit
    limit = b"z" * MAX_LINE_BYTES
    assert assembler.feed(b"w" * (MAX_LINE_BYTES + 1) + b"\n" + limit + b"\n") == [limit]
    assert assembler.garbage_discarded == 2


def test_assembler_reset_reports_partial_and_starts_fresh():
    assembler = LineAssembler()
    assert assembler.feed(b"A\nPART") == [b"A"]
    assert assembler.reset() == 4
    assert assembler.feed(b"B\n") == [b"B"]
    assert assembler.reset() == 0


def test_backoff_doubles_to_max_and_resets():
    backoff = Backoff(1.0, 5.0)
    assert [backoff.next() for _ in range(5)] == [1.0, 2.0, 4.0, 5.0, 5.0]
    backoff.reset()
    assert backoff.next() == 1.0


def test_constructor_rejects_nonsense():
    with pytest.raises(ValueError, match="watchdog_s"):
        TcpFeed("127.0.0.1", 1, watchdog_s=0)
    with pytest.raises(ValueError, match="backoff_max_s"):
        TcpFeed("127.0.0.1", 1, backoff_initial_s=2, backoff_max_s=1)
    with pytest.raises(ValueError, match="port"):
        TcpFeed("127.0.0.1", 70000)


# ------------------------------------------------------------------------ real sockets


def test_lines_split_mid_line_arrive_whole_and_in_order(server, runners):
    ticks = iter(range(1_000_000))
    feed = fast_feed(server.port, clock=lambda: 1_700_000_000.0 + next(ticks))
    runner = runners(feed)
    conn = server.accept()
    lines = sentences(20)
    payload = b"".join(line + b"\r\n" for line in lines)
    cuts = sorted(set(random.Random(7).sample(range(1, len(payload)), 25)))
    cuts.append(payload.index(b"\r\n") + 1)  # between CR and LF
    cuts = sorted(set(cuts))
    for start, end in zip([0, *cuts], [*cuts, len(payload)]):
        send_and_wait(conn, feed, payload[start:end])

    got = runner.get(len(lines))
    assert [item.line for item in got] == lines
    assert all(item.source == f"tcp://127.0.0.1:{server.port}" for item in got)
    arrivals = [item.arrival for item in got]
    assert arrivals == sorted(arrivals) and arrivals[0] >= 1_700_000_000.0
    runner.assert_no_more()
    status = feed.status.snapshot()
    assert status.connected
    assert (status.lines, status.bytes) == (20, len(payload))
    assert status.last_line_at == arrivals[-1]
    assert (status.reconnects, status.partial_discarded, status.last_error) == (0, 0, None)
    assert runner.finish() < 0.5


def test_real_arrival_is_wall_clock_seconds(server, runners):
    feed = fast_feed(server.port)
    runner = runners(feed)
    before = time.time()
    server.accept().sendall(b"!AIVDM,x\n")
    (item,) = runner.get(1)
    assert before <= item.arrival <= time.time()
    assert item.line == b"!AIVDM,x"


@pytest.mark.parametrize("how", ["eof", "reset"])
def test_drop_mid_line_discards_partial_and_reconnects(server, runners, how):
    feed = fast_feed(server.port)
    runner = runners(feed)

    first = server.accept()
    send_and_wait(first, feed, b"A1\r\nA2\r\nA3-PART")
    assert [item.line for item in runner.get(2)] == [b"A1", b"A2"]
    if how == "reset":  # close with RST instead of FIN
        first.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    first.close()

    second = server.accept()  # the feed reconnects by itself
    send_and_wait(second, feed, b"B1\r\nB")
    send_and_wait(second, feed, b"2\r\n")
    assert [item.line for item in runner.get(2)] == [b"B1", b"B2"]
    runner.assert_no_more()  # nothing duplicated, no "A3-PART" or fragment of it

    status = feed.status.snapshot()
    assert status.partial_discarded == 1
    assert status.reconnects == 1
    assert status.lines == 4
    assert status.connected
    if how == "eof":
        assert "closed by the server" in status.last_error
    else:  # Linux reports ECONNRESET; other systems may see a plain EOF
        assert "lost" in status.last_error or "closed" in status.last_error
    assert "\n" not in status.last_error
    assert runner.finish() < 0.5


def test_watchdog_reconnects_a_silent_connection(server, runners):
    feed = fast_feed(server.port, watchdog_s=0.3)
    runner = runners(feed)
    silent = server.accept()
    accepted_at = time.monotonic()
    second = server.accept()
    silence = time.monotonic() - accepted_at
    assert 0.3 <= silence < 2.0
    assert silent.recv(1) == b""  # the feed closed the silent connection
    assert "watchdog" in feed.status.last_error
    assert feed.status.reconnects == 1
    assert feed.status.partial_discarded == 0

    second.sendall(b"ALIVE\r\n")
    assert [item.line for item in runner.get(1)] == [b"ALIVE"]
    assert runner.finish() < 0.5


def test_watchdog_leaves_a_talking_connection_alone(server, runners):
    feed = fast_feed(server.port, watchdog_s=0.3)
    runner = runners(feed)
    conn = server.accept()
    for i in range(6):  # 0.6 s of traffic, one line every 0.1 s
        conn.sendall(b"tick %d\n" % i)
        time.sleep(0.1)
    assert len(runner.get(6)) == 6
    assert feed.status.reconnects == 0
    assert feed.status.last_error is None
    assert runner.finish() < 0.5


def test_backoff_until_server_is_up_then_reset_after_data(runners):
    port = free_port()
    stop = RecordingEvent()
    feed = TcpFeed("127.0.0.1", port, backoff_initial_s=0.01, backoff_max_s=0.04)
    runner = runners(feed, stop)
    wait_for(lambda: feed.status.reconnects >= 4, what="refused attempts")
    assert not feed.status.connected
    assert "refused" in feed.status.last_error.lower()
    assert stop.waits[:4] == [0.01, 0.02, 0.04, 0.04]

    srv = Server(port)
    try:
        conn = srv.accept()  # the feed connects once the server is up
        conn.sendall(b"UP\r\n")
        assert [item.line for item in runner.get(1)] == [b"UP"]
        assert feed.status.connected
        waits_before_drop = len(stop.waits)
        conn.close()

        empty = srv.accept()  # reconnects after the *initial* delay: data was delivered
        assert stop.waits[waits_before_drop] == 0.01
        waits_before_drop = len(stop.waits)
        empty.close()  # a connection that delivered nothing does not reset the backoff

        last = srv.accept()
        assert stop.waits[waits_before_drop] == 0.02
        last.sendall(b"AGAIN\n")
        assert [item.line for item in runner.get(1)] == [b"AGAIN"]
        assert runner.finish() < 0.5
    finally:
        srv.close()


def test_overlong_garbage_is_discarded_not_buffered(server, runners):
    feed = fast_feed(server.port)
    runner = runners(feed)
    conn = server.accept()
    binary = bytes(range(256)).replace(b"\n", b"").replace(b"\r", b"")
    send_and_wait(conn, feed, b"OK1\n" + binary)
    for _ in range(40):  # 10 kB of binary junk without a newline
        send_and_wait(conn, feed, b"\x00\xff" * 128)
    send_and_wait(conn, feed, b"junk tail\r\nOK2\r\n")
    assert [item.line for item in runner.get(2)] == [b"OK1", b"OK2"]
    runner.assert_no_more()
    assert feed.status.garbage_discarded == 1
    assert runner.finish() < 0.5


def test_stop_while_connected_returns_promptly_and_closes(server, runners):
    feed = fast_feed(server.port)
    runner = runners(feed)
    conn = server.accept()
    send_and_wait(conn, feed, b"ONE\n")
    assert runner.get(1)[0].line == b"ONE"
    assert runner.finish() < 0.5
    assert conn.recv(1) == b""  # connection closed by the feed
    assert not feed.status.connected


def test_stop_during_backoff_wait_returns_promptly(runners):
    feed = TcpFeed("127.0.0.1", free_port(), backoff_initial_s=30.0, backoff_max_s=30.0)
    runner = runners(feed)
    wait_for(lambda: feed.status.last_error is not None, what="first refused attempt")
    time.sleep(0.05)  # now inside the 30 s backoff wait
    assert runner.finish() < 0.5
    assert feed.status.reconnects == 0


def test_closing_the_generator_closes_the_connection(server):
    feed = fast_feed(server.port)
    accepted: list[socket.socket] = []

    def serve() -> None:
        accepted.append(server.accept())
        accepted[0].sendall(b"HELLO\n")

    serving = threading.Thread(target=serve)
    serving.start()
    lines = feed.lines(threading.Event())
    assert next(lines).line == b"HELLO"
    lines.close()  # e.g. the consumer broke out of its loop
    serving.join(TIMEOUT_S)
    assert accepted[0].recv(1) == b""
    assert not feed.status.connected


@pytest.fixture
def unanswered_port():
    """A port whose SYNs are never answered (full accept queue), or skip the test."""
    if not sys.platform.startswith("linux"):
        pytest.skip("relies on Linux dropping SYNs when the accept queue is full")
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(0)
    fillers = []
    try:
        for _ in range(8):
            filler = socket.socket()
            filler.settimeout(0.1)
            fillers.append(filler)
            try:
                filler.connect(srv.getsockname())
            except TimeoutError:
                break
        else:
            pytest.skip("could not fill the accept queue")
        yield srv.getsockname()[1]
    finally:
        for filler in fillers:
            filler.close()
        srv.close()


def test_connect_timeout_is_recorded(unanswered_port, runners):
    feed = fast_feed(unanswered_port, connect_timeout_s=0.3, backoff_initial_s=5.0, backoff_max_s=5.0)
    runner = runners(feed)
    wait_for(lambda: feed.status.last_error is not None, what="connect timeout")
    assert "no answer within 0.3 s" in feed.status.last_error
    assert runner.finish() < 0.5


def test_stop_during_a_hanging_connect_returns_promptly(unanswered_port, runners):
    feed = fast_feed(unanswered_port, connect_timeout_s=30.0)
    runner = runners(feed)
    time.sleep(0.1)  # inside connect()
    assert runner.finish() < 0.5
    assert feed.status.last_error is None
