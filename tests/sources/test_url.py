"""parse_feed_url / format_feed_url."""

from __future__ import annotations

import pytest

from maritime.sources.url import format_feed_url, parse_feed_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("tcp://127.0.0.1:10110", ("tcp", "127.0.0.1", 10110)),
        ("udp://0.0.0.0:4001", ("udp", "0.0.0.0", 4001)),
        ("tcp://data.aishub.net:4321", ("tcp", "data.aishub.net", 4321)),
        ("tcp://localhost:1", ("tcp", "localhost", 1)),
        ("udp://[::1]:65535", ("udp", "::1", 65535)),
        ("tcp://[2001:db8::5]:5631", ("tcp", "2001:db8::5", 5631)),
        ("udp://[::]:10110", ("udp", "::", 10110)),
        ("TCP://Receiver-1.local:10110/", ("tcp", "Receiver-1.local", 10110)),
        ("  udp://127.0.0.1:4001\n", ("udp", "127.0.0.1", 4001)),
    ],
)
def test_valid_urls(url, expected):
    assert parse_feed_url(url) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "empty feed URL"),
        ("127.0.0.1:10110", "has no scheme"),
        ("http://example.com:80", "unsupported feed scheme 'http'"),
        ("serial:///dev/ttyUSB0", "unsupported feed scheme 'serial'"),
        ("tcp://example.com", "has no port: write tcp://example.com:port"),
        ("tcp://example.com:", "has no port"),
        ("udp://:4001", "has no host"),
        ("tcp://host:http", "port 'http'"),
        ("tcp://host:-1", "is not a number"),
        ("tcp://host:0", "out of range"),
        ("tcp://host:65536", "out of range"),
        ("tcp://::1", "must be in brackets: write tcp://[::1]:port"),
        ("tcp://2001:db8::5:80", "must be in brackets"),
        ("tcp://[::1", "unclosed '['"),
        ("tcp://[not-v6]:80", "is not an IPv6 address"),
        ("tcp://[::1]", "has no port"),
        ("tcp://[::1]80", "has no port"),
        ("tcp://300.1.1.1:80", "not a valid IPv4 address"),
        ("tcp://bad host:80", "not a valid host name"),
        ("tcp://-bad.example:80", "not a valid host name"),
        ("tcp://host:80/path", "must not contain a path"),
        ("tcp://host:80?x=1", "must not contain a query"),
        ("tcp://user@host:80", "must not contain user info"),
    ],
)
def test_invalid_urls_explain_what_to_write(url, message):
    with pytest.raises(ValueError) as caught:
        parse_feed_url(url)
    text = str(caught.value)
    assert message in text
    assert "\n" not in text
    assert "write" in text or "use" in text


def test_non_string_is_rejected():
    with pytest.raises(ValueError, match="must be a string"):
        parse_feed_url(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("url", ["tcp://127.0.0.1:10110", "udp://[::1]:4001", "tcp://data.aishub.net:4321"])
def test_format_round_trips(url):
    assert format_feed_url(*parse_feed_url(url)) == url
