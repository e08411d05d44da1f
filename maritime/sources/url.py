"""Parse and format live feed URLs: ``tcp://host:port`` and ``udp://host:port``.

``tcp://`` means a TCP *client* connecting to a feed server; ``udp://`` means a UDP
*listener* bound to that address (use ``0.0.0.0`` or ``[::]`` for all interfaces).
"""

from __future__ import annotations

import ipaddress
import re

SCHEMES = ("tcp", "udp")

_USAGE = "write tcp://host:port (connect to a feed server) or udp://host:port (listen for datagrams)"
_HOSTNAME = re.compile(r"^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9_-]{1,63}(?<!-))*\.?$")
_DOTTED_NUMBERS = re.compile(r"^[0-9.]+$")


def parse_feed_url(url: str) -> tuple[str, str, int]:
    """Return ``(scheme, host, port)`` for a feed URL.

    ``scheme`` is ``"tcp"`` or ``"udp"`` (lower case), ``host`` is an IPv4 address, a
    host name or an IPv6 address without its brackets (``tcp://[::1]:5631`` gives
    ``"::1"``), ``port`` is 1-65535.

    Raises :class:`ValueError` with a one-line message saying what is wrong and what
    to write instead.
    """
    if not isinstance(url, str):
        raise ValueError(f"feed URL must be a string, got {type(url).__name__}: {_USAGE}")
    text = url.strip()
    if not text:
        raise ValueError(f"empty feed URL: {_USAGE}")
    scheme, sep, rest = text.partition("://")
    if not sep:
        raise ValueError(f"feed URL {url!r} has no scheme: {_USAGE}")
    scheme = scheme.lower()
    if scheme not in SCHEMES:
        raise ValueError(f"unsupported feed scheme {scheme!r} in {url!r}: {_USAGE}")
    if rest.endswith("/"):
        rest = rest[:-1]
    for char, what in (("/", "a path"), ("?", "a query"), ("#", "a fragment"), ("@", "user info")):
        if char in rest:
            raise ValueError(f"feed URL {url!r} must not contain {what}: write {scheme}://host:port")

    if rest.startswith("["):
        close = rest.find("]")
        if close < 0:
            raise ValueError(f"unclosed '[' in {url!r}: write {scheme}://[ipv6-address]:port")
        host, after = rest[1:close], rest[close + 1 :]
        if not _is_ipv6(host):
            raise ValueError(f"{host!r} in {url!r} is not an IPv6 address: write {scheme}://[::1]:port")
        if not after.startswith(":"):
            raise ValueError(f"feed URL {url!r} has no port: write {scheme}://[{host}]:port")
        port_text = after[1:]
    else:
        host, sep, port_text = rest.rpartition(":")
        if not sep:
            raise ValueError(f"feed URL {url!r} has no port: write {scheme}://{rest or 'host'}:port")
        if ":" in host:
            if _is_ipv6(rest):  # a bare address, maybe with no port at all
                hint = f"{scheme}://[{rest}]:port"
            else:
                hint = f"{scheme}://[{host}]:{port_text}"
            raise ValueError(f"IPv6 address in {url!r} must be in brackets: write {hint}")
        if not host:
            hint = "0.0.0.0 for all interfaces" if scheme == "udp" else "the server's address"
            raise ValueError(f"feed URL {url!r} has no host: write {scheme}://host:port (host: {hint})")
        if _DOTTED_NUMBERS.match(host):
            try:
                ipaddress.IPv4Address(host)
            except ValueError:
                raise ValueError(
                    f"{host!r} in {url!r} is not a valid IPv4 address: write e.g. {scheme}://127.0.0.1:{port_text}"
                ) from None
        elif len(host) > 253 or not _HOSTNAME.match(host):
            raise ValueError(f"{host!r} in {url!r} is not a valid host name: write {scheme}://host:port")

    if not port_text:
        raise ValueError(f"feed URL {url!r} has no port: write {scheme}://host:port")
    if not port_text.isascii() or not port_text.isdigit():
        raise ValueError(f"port {port_text!r} in {url!r} is not a number: write {scheme}://host:port with port 1-65535")
    port = int(port_text)
    if not 1 <= port <= 65535:
        raise ValueError(f"port {port} in {url!r} is out of range: use a port from 1 to 65535")
    return scheme, host, port


def _is_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def format_feed_url(scheme: str, host: str, port: int) -> str:
    """Inverse of :func:`parse_feed_url`: bracket IPv6 addresses."""
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port}"
