"""The watch-floor dashboard: a Dash app over the maritime DuckDB database.

``create_app`` (in :mod:`dashboard.app`) builds the app; ``maritime serve`` runs it with live
ingest and detection in one process. Layout in :mod:`dashboard.layout`, callbacks as plain
functions in :mod:`dashboard.callbacks`, all SQL in :mod:`dashboard.queries` and
``dashboard/sql/``, the offline basemap in :mod:`dashboard.basemap`.
"""
