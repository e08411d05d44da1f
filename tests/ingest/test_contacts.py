"""Contacts through ingest: radar sentences among AIS lines (files and a live TCP feed),
detection files (CSV, GeoJSON) with their footprints, and the one-line errors."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import duckdb

from maritime.decode.sensors import Sensor
from maritime.ingest.contacts import ContactOptions, detection_format
from maritime.ingest.live import LiveIngest
from maritime.ingest.options import IngestOptions
from maritime.ingest.recordings import ingest_paths
from maritime.scenario.payloads import nmea_checksum
from maritime.sources.tcp import TcpFeed
from maritime.store.database import Store
from tests.conftest import run_cli

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
RADAR = FIXTURES / "radar" / "published_examples.nmea"
AIS = FIXTURES / "ais" / "amsa_exact_earth_tagblock_excerpt.nmea"
ORIGIN = "37.5,24.6"
RING = [[-80, 1], [-78, 1], [-78, 3], [-80, 1]]


def _mixed(tmp: Path) -> Path:
    """The real AIS excerpt with the real radar sentences interleaved, one every 6 lines."""
    ais = AIS.read_text().splitlines()
    radar = RADAR.read_text().splitlines()
    out: list[str] = []
    for k, line in enumerate(ais):
        out.append(line)
        if k % 6 == 5 and radar and not line.startswith("\\g:1-"):
            out.append(radar.pop(0))
    out += radar
    path = tmp / "mixed.nmea"
    path.write_text("\n".join(out) + "\n")
    return path


def _q(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_radar_lines_among_ais_lines_store_contacts_and_leave_ais_as_it_was(tmp_path: Path) -> None:
    alone = run_cli("ingest", str(AIS), "--db", str(tmp_path / "alone.duckdb"), "--no-progress")
    mixed = run_cli(
        "ingest", str(_mixed(tmp_path)), "--db", str(tmp_path / "m.duckdb"), "--radar-origin", ORIGIN, "--no-progress"
    )
    assert alone.returncode == 0 and mixed.returncode == 0, mixed.stderr
    db = tmp_path / "m.duckdb"
    positions = _q(tmp_path / "alone.duckdb", "SELECT count(*) FROM positions")[0][0]
    assert positions > 0 and _q(db, "SELECT count(*) FROM positions")[0][0] == positions
    # TTM 11 (range/bearing from the origin), TTM 02, TLL 01 (twice), TLL 0; the TLL of a lost target is not one
    rows = _q(db, "SELECT source_kind, sensor_id, track_id, target_number, lat, lon FROM contacts ORDER BY line_no")
    assert len(rows) == 5
    assert {r[1] for r in rows} == {"radar"} and {r[0] for r in rows} == {"radar"}
    assert ("radar:11", 11) in {(r[2], r[3]) for r in rows}
    tll = [r for r in rows if abs(r[4] - (37 + 31.51052 / 60)) < 1e-6]
    assert tll and abs(tll[0][5] - (24 + 36.0 / 60)) < 1e-6
    assert "contacts stored" in mixed.stdout and "radar sentences 9" in mixed.stdout
    assert _q(db, "SELECT kind, lat, lon FROM sensors") == [("radar", 37.5, 24.6)]


def test_bad_radar_lines_are_rejects_with_reasons(tmp_path: Path) -> None:
    body = "RATTM,01,1.0,10.0,T,5.0,90.0,T,,,N,,T,,,A"
    lines = [
        f"\\s:UNKNOWN-RADAR,c:1736899200*{nmea_checksum('s:UNKNOWN-RADAR,c:1736899200'):02X}\\${body}*{nmea_checksum(body):02X}",
        f"${body}*00",
        "$RATTM,01,x,10.0,T,5.0,90.0,T,,,N,,T,,,A*" + f"{nmea_checksum('RATTM,01,x,10.0,T,5.0,90.0,T,,,N,,T,,,A'):02X}",
    ]
    path = tmp_path / "bad.nmea"
    path.write_text("\n".join(lines) + "\n")
    store = Store(tmp_path / "b.duckdb")
    try:
        options = IngestOptions(progress=False, contacts=ContactOptions(origin=(1.0, -79.0)))
        options.decode.start_time_us = 1_736_899_200_000_000
        summary = ingest_paths(store, [str(path)], options)
        reasons = dict(store.con.execute("SELECT reason, count(*) FROM rejects GROUP BY 1").fetchall())
    finally:
        store.close()
    assert reasons == {"radar_no_position": 1, "radar_checksum": 1, "radar_bad_field": 1}
    assert summary.counts["rejected_radar_checksum"] == 1 and summary.counts["rejected"] == 3


def test_detection_files_by_content_with_footprints_once(tmp_path: Path) -> None:
    wkt = "POLYGON ((-79.5 1.5, -78.5 1.5, -78.5 2.2, -79.5 2.2, -79.5 1.5))"
    csv = tmp_path / "sar.csv"
    csv.write_text(
        "detect_timestamp,detect_lat,detect_lon,length_m,presence,scene_id,detect_id,footprint_wkt\n"
        f'2025-03-01 10:00:00 UTC,1.8,-79.0,35,0.9,S1A_X,d1,"{wkt}"\n'
        f'2025-03-01 10:00:00 UTC,1.9,-79.1,,0.6,S1A_X,d2,"{wkt}"\n'
        f'2025-03-01 10:00:00 UTC,95,-79.1,,0.6,S1A_X,d3,"{wkt}"\n'
    )
    geo = tmp_path / "optical.geojson"
    geo.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-79.2, 1.7]},
                     "properties": {"timestamp": "2025-03-01T15:00:00Z", "score": 0.8, "scene_id": "OPT-1"}},
                    {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [RING]},
                     "properties": {"timestamp": "2025-03-01T15:00:00Z", "scene_id": "OPT-1"}},
                ],
            }
        )
    )  # fmt: skip
    assert detection_format(csv.read_bytes()[:4096]) == "detections_csv"
    assert detection_format(geo.read_bytes()[:4096]) == "geojson"
    assert detection_format(b"MMSI,BaseDateTime,LAT,LON,SOG\n") is None
    db = tmp_path / "d.duckdb"
    first = run_cli("ingest", str(csv), str(geo), "--db", str(db), "--no-progress")
    again = run_cli("ingest", str(csv), "--db", str(db), "--no-progress")
    assert first.returncode == 0, first.stderr
    assert "already ingested" in again.stdout
    assert _q(
        db, "SELECT detect_id, scene_id, length_m, confidence FROM contacts WHERE scene_id = 'S1A_X' ORDER BY 1"
    ) == [
        ("d1", "S1A_X", 35.0, 0.8999999761581421),
        ("d2", "S1A_X", None, 0.6000000238418579),
    ]
    assert _q(db, "SELECT scene_id FROM scenes ORDER BY 1") == [("OPT-1",), ("S1A_X",)]
    assert _q(db, "SELECT reason FROM rejects") == [("detection_bad_position",)]


def test_detection_csv_without_position_is_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("detect_timestamp,scene_id,presence\n2025-03-01T00:00:00Z,S,0.5\n")
    result = run_cli("ingest", str(bad), "--db", str(tmp_path / "x.duckdb"), "--no-progress")
    assert result.returncode == 2
    assert "detect_lat" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_radar_options_are_one_line_errors(tmp_path: Path) -> None:
    for args, words in ((["--radar-origin", "north"], "--radar-origin"), (["--sensors", "/no/file.toml"], "--sensors")):
        result = run_cli("ingest", str(AIS), "--db", str(tmp_path / "x.duckdb"), *args)
        assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr


def test_live_tcp_feed_with_radar_and_ais_stores_contacts(tmp_path: Path) -> None:
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    lines = _mixed(tmp_path).read_bytes()

    def serve() -> None:
        conn, _ = server.accept()
        conn.sendall(lines)
        time.sleep(3.0)
        conn.close()

    threading.Thread(target=serve, daemon=True).start()
    store = Store(tmp_path / "live.duckdb")
    stop = threading.Event()
    options = IngestOptions(contacts=ContactOptions(sensors={"radar": Sensor("radar", "radar", 37.5, 24.6)}))
    live = LiveIngest(store, [TcpFeed("127.0.0.1", port, watchdog_s=30)], options)
    t = threading.Thread(target=live.run, args=(stop,), daemon=True)
    t.start()
    cur = store.cursor()
    try:
        end = time.monotonic() + 15
        while time.monotonic() < end and cur.execute("SELECT count(*) FROM contacts").fetchall()[0][0] < 5:
            time.sleep(0.1)
        stop.set()
        t.join(10)
        assert cur.execute("SELECT count(*) FROM contacts").fetchall()[0][0] == 5
        assert live.counts["contacts_stored"] == 5 and live.counts["positions_stored"] > 0
    finally:
        cur.close()
        store.close()
        server.close()
