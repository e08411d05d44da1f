"""The "Alerts sent" tab: rule, severity and delivery state per alert; watch-list hits stand out."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from maritime.alerts.model import Alert
from maritime.alerts.outbox import Outbox
from maritime.dashboard import delivery


def _flat(component: object) -> str:
    """The text of a Dash component tree."""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(_flat(c) for c in component)
    children = getattr(component, "children", None)
    return "" if children is None else _flat(children)


def test_no_alert_table_is_an_empty_tab(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    assert delivery.recent_alerts(con) == []
    assert delivery.watch_chip([]) == []
    assert "No alert raised yet" in _flat(delivery.delivery_panel([]))


def test_rule_severity_delivery_state_and_the_watch_list_banner(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    outbox = Outbox(con, ["hook", "tak"])
    t = datetime(2024, 3, 1, 2, 20)
    hit = {"kind": "watchlist_hit", "mmsi": 667000222, "name": "NEW NAME"}
    hit |= {"watchlist": [{"list": "iuu", "reason": "IUU listed by IATTC"}]}
    outbox.enqueue(
        [
            Alert("ev-1", "reserve-fishing", "high", t, {"kind": "fishing", "mmsi": 735000001, "zone": "Gorgona"}, 2),
            Alert("wl-1", "watchlist", "critical", t, hit, 1),
        ],
        0.0,
    )
    [claimed] = [a for a in outbox.claim("hook", 1.0, 60, 10) if a.event_id == "ev-1"] or [None]
    outbox.mark_delivered("hook", [claimed], 2.0)
    rows = delivery.recent_alerts(con)
    assert [r["hit"] for r in rows] == [True, False]  # the watch-list hit first
    fishing = rows[1]
    assert (fishing["rule_id"], fishing["rule_version"], fishing["severity"]) == ("reserve-fishing", 2, "high")
    assert fishing["delivery"] == "hook: delivered, tak: pending"
    text = " ".join(_flat(delivery.delivery_panel(rows)).split())
    assert "WATCH LIST NEW NAME 667000222 seen (iuu: IUU listed by IATTC)" in text
    assert "reserve-fishing v2" in text and "hook: delivered, tak: pending" in text
    chip = delivery.watch_chip(rows)[0]
    assert chip.className == "chip chip-new" and "1" in _flat(chip)
