"""The README's analytics queries (fence ``sql risk``) run on the months scenario and return rows."""

from __future__ import annotations

import pytest

from maritime.analytics.hotspots_store import ensure_hotspot_schema
from maritime.analytics.risk_store import update_risk
from tests.test_readme import _statements


def test_readme_has_risk_queries() -> None:
    assert len(_statements("sql risk")) >= 3


@pytest.mark.parametrize("sql", _statements("sql risk"), ids=lambda s: s.split("\n")[0][:40])
def test_readme_risk_query_runs(months_copy, sql: str) -> None:
    store, _ = months_copy
    update_risk(store.con)
    ensure_hotspot_schema(store.con)
    assert store.con.execute(sql).fetchall(), sql
