"""AIS sources: recorded files and live feeds, turned into lines (no decoding here).

* :mod:`maritime.sources.files` -- recorded files: paths and folders, content fingerprints,
  gzip/bz2 (a file cut short is read up to the cut), format sniffing, and the line chunker
  of every file reader (line length capped, lone CR optionally a line end).
* :mod:`maritime.sources.tcp` -- :class:`~maritime.sources.tcp.TcpFeed`, a TCP *client* of an
  NMEA-over-TCP server (AISHub, a receiver's output port), with a silence watchdog and
  reconnection with exponential backoff.
* :mod:`maritime.sources.udp` -- :class:`~maritime.sources.udp.UdpFeed`, a UDP *listener*
  receiving NMEA datagrams.
* :mod:`maritime.sources.url` -- :func:`~maritime.sources.url.parse_feed_url` for
  ``tcp://host:port`` / ``udp://host:port``.
* :mod:`maritime.sources.live` -- the shared :class:`~maritime.sources.live.LiveLine` and
  :class:`~maritime.sources.live.FeedStatus` types and the pure line splitter.

The live feeds (TCP, UDP) are blocking generators meant to run in a caller-owned thread; they never
decode anything, they only deliver complete lines with their arrival time.
"""
