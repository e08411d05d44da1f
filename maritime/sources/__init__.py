"""Live AIS feed sources: pure socket adapters that turn a network feed into lines.

* :mod:`maritime.sources.tcp` -- :class:`~maritime.sources.tcp.TcpFeed`, a TCP *client* of an
  NMEA-over-TCP server (AISHub, a receiver's output port), with a silence watchdog and
  reconnection with exponential backoff.
* :mod:`maritime.sources.udp` -- :class:`~maritime.sources.udp.UdpFeed`, a UDP *listener*
  receiving NMEA datagrams.
* :mod:`maritime.sources.url` -- :func:`~maritime.sources.url.parse_feed_url` for
  ``tcp://host:port`` / ``udp://host:port``.
* :mod:`maritime.sources.live` -- the shared :class:`~maritime.sources.live.LiveLine` and
  :class:`~maritime.sources.live.FeedStatus` types and the pure line splitter.

Both feeds are blocking generators meant to run in a caller-owned thread; they never
decode anything, they only deliver complete lines with their arrival time.
"""
