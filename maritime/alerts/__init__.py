"""Alert delivery (issue 13): a durable outbox in DuckDB drained into webhook, e-mail and CoT sinks.

An alert is an event id, the id of the rule that raised it, a severity and a JSON payload. Its
``alert_id`` is derived from (event id, rule id), so a re-detected or extended event maps to the
same alert. :mod:`maritime.alerts.outbox` keeps one row per alert and one delivery row per sink;
:mod:`maritime.alerts.delivery` claims due rows, sends them and commits ``delivered`` only after
the sink acknowledged. Receivers de-duplicate by ``(alert_id, revision)``, which every message
carries, so a crash between send and commit still yields each alert once at the receiver.

Layer 4: imports duckdb and layers 0-2, never the dashboard.
"""
