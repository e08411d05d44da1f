"""The event record: one events schema, deterministic ids, canonical details."""

from __future__ import annotations

import re

from maritime.detect.cluster import EVENT_SCHEMA
from maritime.detect.events import DARK, EVENT_COLUMNS, ROW_COLUMNS, Event, details_json, event_id
from maritime.detect.runner import INSERT_EVENT
from maritime.store.database import sql


def test_event_columns_match_the_sql_schema() -> None:
    text = sql("schema_events")
    body = re.search(r"CREATE TABLE IF NOT EXISTS events \((.*?)\n\);", text, re.S)
    assert body is not None
    cols = tuple(m.group(1) for m in re.finditer(r"^\s+(\w+)\s+[A-Z]", body.group(1), re.M))
    assert cols == EVENT_COLUMNS
    assert EVENT_SCHEMA.names == list(EVENT_COLUMNS)
    assert INSERT_EVENT.count("?") == len(EVENT_COLUMNS)
    assert len(Event(DARK, 1, None, 0.0, None, 0.0, 0.0, 0.5).row()) == len(ROW_COLUMNS)


def test_event_id_is_deterministic_and_details_canonical() -> None:
    assert event_id(DARK, 5, None, 100.9) == event_id(DARK, 5, None, 100.1)
    assert event_id(DARK, 5, None, 100.0) != event_id(DARK, 5, 6, 100.0)
    assert details_json({"b": float("nan"), "a": 1.23456789}) == '{"a":1.234568,"b":null}'
