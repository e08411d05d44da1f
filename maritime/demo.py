"""``maritime demo``: the bundled Eastern Pacific sample, end to end, in a fresh database.

Ingest the sample, run detection, print the summary, example queries and the events.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from maritime.detect.cli import fetch_events, format_events
from maritime.detect.runner import run_detection
from maritime.ingest.options import IngestOptions
from maritime.ingest.recordings import ingest_paths
from maritime.store.database import Store

#: Example queries shown by the demo; the README documents the same ones.
EXAMPLE_QUERIES: dict[str, str] = {
    "Messages stored by type": """
        SELECT msg_type, count(*) AS reports FROM positions GROUP BY msg_type ORDER BY msg_type""",
    "Busiest vessels, with their latest identity": """
        SELECT v.mmsi, v.name, v.callsign, v.flag, v.ship_type, count(*) AS reports,
               min(p.ts) AS first, max(p.ts) AS last
        FROM positions p JOIN vessels v USING (mmsi)
        GROUP BY ALL ORDER BY reports DESC LIMIT 5""",
    "Vessels by flag": """
        SELECT coalesce(flag, 'unknown') AS flag, count(*) AS vessels FROM vessels
        GROUP BY ALL ORDER BY vessels DESC LIMIT 8""",
    "Rejected lines by reason": """
        SELECT reason, count(*) AS lines FROM rejects GROUP BY reason ORDER BY lines DESC""",
}


def sample_path() -> Path:
    """The bundled sample: fixtures/ais/ of a source checkout."""
    here = Path(__file__).resolve().parent.parent / "fixtures" / "ais" / "eastern_pacific_sample.nmea.gz"
    return here


def run_demo(db: Path, serve: bool = True, port: int = 8050) -> int:
    """Ingest the sample into a fresh ``db``, detect, print, then serve the dashboard."""
    sample = sample_path()
    if not sample.exists():
        from maritime.ingest.options import IngestError

        raise IngestError(f"bundled sample {sample} is missing; run from a source checkout of the project")
    for suffix in ("", ".wal"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    store = Store(db)
    try:
        summary = ingest_paths(store, [str(sample)], IngestOptions(progress=True))
        print(f"Ingested the bundled Eastern Pacific sample into {db}")
        print("\n".join(summary.lines()))
        summary.raise_failures()
        for title, query in EXAMPLE_QUERIES.items():
            print(f"\n-- {title}")
            print(store.con.sql(query))
        detected = run_detection(store.con)
        print("\n".join(detected.lines()))
        print("\n-- Events (confidence >= 0.5), as `maritime events --min-confidence 0.5` lists them")
        print(format_events(_events(store, min_confidence=0.5), "table"))
    finally:
        store.close()
    if not serve:
        return 0
    from maritime.dashboard.server import serve_database

    print(f"\nServing the watch-floor dashboard on http://127.0.0.1:{port}/ (Ctrl-C stops)")
    return serve_database(db, "--port", str(port))


def _events(store: Store, min_confidence: float) -> list[dict[str, Any]]:
    args = argparse.Namespace(kind=None, zone=None, since=None, min_confidence=min_confidence, db=None)
    return fetch_events(store.con, args)
