"""The watch-floor dashboard: a Dash app over the maritime DuckDB database (the only package
that imports dash, flask or plotly; the core never imports it).

``create_app`` (:mod:`.app`) builds the app from :mod:`.routes` (access, layout, export and
health routes) and :mod:`.callbacks` (the Dash callbacks). What they compute are plain
functions: :mod:`.state` (view state, URL, window, the clock of a refresh), :mod:`.inputs`
(allowed values and the checks of what the page sends), :mod:`.sync` (session cache and live
updates), :mod:`.panels` (vessel card, alert box, actions), :mod:`.health`, :mod:`.results`
and :mod:`.export`. All SQL in :mod:`.queries` and ``sql/``; the offline
basemap in :mod:`.basemap`; sign-in in :mod:`.auth`; ``maritime serve`` in :mod:`.server`.
"""
