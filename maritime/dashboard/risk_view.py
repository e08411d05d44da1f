"""Vessel risk on the dashboard: the sortable "vessels of interest" list and the map's
"colour by risk" (scores of ``vessel_risk_latest``, written by ``maritime risk``; see
:mod:`maritime.analytics.risk` for the score and its factors).

Pure functions shape the rows and colours; :func:`read_interest`, :func:`read_scores` and
:func:`read_stamp` are the thin readers (SQL in ``dashboard/sql/``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from maritime.dashboard import queries as q
from maritime.dashboard.categories import ship_type_name
from maritime.dashboard.colorscale import RISK_SCALE, plotly_scale, scale_colour
from maritime.dashboard.state import iso

#: Rows of the vessels-of-interest list (the highest scores; sort and filter run in the page).
INTEREST_ROWS = 500
#: Factors shown per vessel in the list (the vessel card shows all).
TOP_FACTORS = 3
NO_RISK = "No risk scores in this database: run `maritime risk`."

#: Columns of the list (``risk`` and ``events`` sort as numbers).
INTEREST_COLUMNS: list[dict[str, Any]] = [
    {"id": "mmsi", "name": "MMSI", "type": "numeric"},
    {"id": "name", "name": "name", "type": "text"},
    {"id": "flag", "name": "flag", "type": "text"},
    {"id": "type", "name": "type", "type": "text"},
    {"id": "risk", "name": "risk", "type": "numeric", "format": {"specifier": ".2f"}},
    {"id": "factors", "name": "top factors (weight → contribution)", "type": "text"},
    {"id": "last_seen", "name": "last seen UTC", "type": "text"},
    {"id": "events", "name": "events", "type": "numeric"},
]


def factor_text(factors: Sequence[Mapping[str, Any]], n: int = TOP_FACTORS) -> str:
    """The ``n`` largest contributions: ``rendezvous (w 0.45) 0.39``, highest first."""
    top = sorted(factors, key=lambda f: -float(f.get("contribution") or 0.0))[:n]
    return "; ".join(
        f"{str(f['factor']).replace('_', ' ')} (w {float(f['weight']):.2f}) {float(f['contribution']):.2f}" for f in top
    )


def interest_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``vessels_of_interest.sql`` rows as DataTable rows (``id`` = MMSI, so a clicked cell
    names its vessel; ``lat``/``lon`` for centring the map, not shown)."""
    out = []
    for r in rows:
        factors = r["factors"]
        fs = json.loads(factors) if isinstance(factors, str) else list(factors or [])
        out.append(
            {
                "id": int(r["mmsi"]),
                "mmsi": int(r["mmsi"]),
                "name": r["name"] or "",
                "flag": r["flag"] or "",
                "type": ship_type_name(r["ship_type"]),
                "risk": round(float(r["score"]), 3),
                "factors": factor_text(fs),
                "last_seen": iso(r["last_s"], False) if r["last_s"] is not None else "",
                "events": int(r["events"] or 0),
                "lat": r["lat"],
                "lon": r["lon"],
            }
        )
    return out


def risk_cell_styles(steps: int = 5) -> list[dict[str, Any]]:
    """``style_data_conditional`` of the list: the risk cell coloured like the map's marker."""
    out = []
    for k in range(steps):
        lo, hi = k / steps, (k + 1) / steps
        cond = f"{{risk}} >= {lo:g}" + (f" && {{risk}} < {hi:g}" if k < steps - 1 else "")
        out.append(
            {
                "if": {"filter_query": cond, "column_id": "risk"},
                "backgroundColor": scale_colour(RISK_SCALE, (lo + hi) / 2),
                "color": "#0a121c",
                "fontWeight": "bold",
            }
        )
    return out


def risk_scores(rows: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """MMSI (as text: a JSON key) → score clipped to 0–1, rounded to 3 decimals."""
    return {str(int(r["mmsi"])): round(min(1.0, max(0.0, float(r["score"]))), 3) for r in rows}


def risk_payload(stamp: Sequence[Any], rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """What the page colours the map with: the scores, the scale (0–1) and a stamp of them."""
    return {
        "stamp": list(stamp),
        "scores": risk_scores(rows),
        "colorscale": plotly_scale(RISK_SCALE),
        "none": "#6b7785",  # vessels with no score
    }


# -- the database -------------------------------------------------------------------------------


def has_risk(cur: q.Cursor) -> bool:
    return bool(q.run(cur, "table_present", name="vessel_risk_latest")[0]["present"])


def read_stamp(cur: q.Cursor) -> list[Any] | None:
    """``[scores, last computed µs]``: changes when scores are written; None without risk."""
    if not has_risk(cur):
        return None
    r = q.run(cur, "risk_stamp")[0]
    return [int(r["n"]), r["last_us"]]


def read_interest(cur: q.Cursor, n: int = INTEREST_ROWS) -> list[dict[str, Any]]:
    return interest_rows(q.run(cur, "vessels_of_interest", n=int(n))) if has_risk(cur) else []


def read_scores(cur: q.Cursor) -> list[dict[str, Any]]:
    return q.run(cur, "risk_scores") if has_risk(cur) else []
