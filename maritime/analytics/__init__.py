"""Analytics over detected events: vessel risk, hotspot maps and forecasts, patrol outcomes and
the partner brief.

Pure modules (no I/O): :mod:`~maritime.analytics.flags`, :mod:`~maritime.analytics.risk`,
:mod:`~maritime.analytics.hotspots`, :mod:`~maritime.analytics.outcomes`,
:mod:`~maritime.analytics.brief_html`. DuckDB adapters: the ``*_store.py`` modules, SQL in
``analytics/sql/*.sql``. :mod:`~maritime.analytics.cli` holds the ``risk``, ``hotspots``,
``outcome`` and ``brief`` commands.
"""
