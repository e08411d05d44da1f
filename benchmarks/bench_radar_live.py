"""Live radar benchmark: 50 targets x 1 scan every 3 s over TCP, correlated with AIS in serve.

    python benchmarks/bench_radar_live.py [--targets 50] [--scan 3] [--seconds 120]

A feed server on 127.0.0.1 sends, every ``--scan`` seconds, one ``$RATTM`` per target (range
and bearing from a fixed station, tag block ``s:`` the radar, ``c:`` the moment it is sent),
and every 10 s an AIS position report (type 1) for half of the targets, in the same stream.
The process runs what ``maritime serve`` runs beside its web server: the
:class:`maritime.runtime.Runtime` threads (live ingest, incremental detection every 10 s,
and the contact correlation thread) on a DuckDB file. Latency of a scan is the time from
sending its lines to the moment its contacts carry a correlation (``contacts.correlated_at``,
written by the correlating transaction); the script prints its median, 95th percentile and
maximum, and the share of AIS-carrying targets matched to their MMSI.
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import numpy as np  # noqa: E402

from maritime.decode.sensors import Sensor  # noqa: E402
from maritime.geodesy import NM_KM, bearing_deg, destination, haversine_km  # noqa: E402
from maritime.ingest.contacts import ContactOptions  # noqa: E402
from maritime.ingest.options import IngestOptions  # noqa: E402
from maritime.runtime import Health, Runtime  # noqa: E402
from maritime.scenario.payloads import nmea_checksum, pack_sixbit, payload_strings  # noqa: E402
from maritime.sources.tcp import TcpFeed  # noqa: E402
from maritime.store.database import Store  # noqa: E402

STATION = (1.83, -78.80)
RADAR = "RADAR-BENCH"


def _tagged(station: str, ms: int, body: str, lead: str) -> bytes:
    tag = f"s:{station},c:{ms}"
    return f"\\{tag}*{nmea_checksum(tag):02X}\\{lead}{body}*{nmea_checksum(body):02X}".encode()


def _type1(mmsi: int, lat: float, lon: float, sog: float, cog: float, sec: int) -> str:
    fields = [
        (1, 6), (0, 2), (mmsi, 30), (0, 4), (-128, 8), (int(sog * 10), 10), (0, 1), (int(lon * 600000), 28),
        (int(lat * 600000), 27), (int(cog * 10) % 3600, 12), (511, 9), (sec % 60, 6), (0, 2), (0, 3), (0, 1), (0, 19),
    ]  # fmt: skip
    chars, fill = pack_sixbit(fields, 1)
    return f"AIVDM,1,1,,A,{payload_strings(chars)[0]},{fill}"


def feed_server(
    args: argparse.Namespace, port_box: list[int], sent: list[tuple[int, float]], ready: threading.Event
) -> None:
    rng = np.random.default_rng(5)
    n = args.targets
    start_pos = [
        destination(STATION[0], STATION[1], float(rng.uniform(0, 360)), float(rng.uniform(3, 35))) for _ in range(n)
    ]
    speed = rng.uniform(3, 20, n)
    course = rng.uniform(0, 360, n)
    server = socket.create_server(("127.0.0.1", 0))
    port_box.append(server.getsockname()[1])
    ready.set()
    conn, _ = server.accept()
    t0 = time.time()
    scan = 0
    last_ais = -1e9
    while time.time() - t0 < args.seconds:
        now = time.time()
        ms = int(now * 1000)
        lines: list[bytes] = []
        for k in range(n):
            dist = speed[k] * NM_KM * (now - t0) / 3600.0
            lat, lon = (float(v) for v in destination(float(start_pos[k][0]), float(start_pos[k][1]), course[k], dist))
            rng_nm = float(haversine_km(STATION[0], STATION[1], lat, lon)) / NM_KM
            brg = float(bearing_deg(STATION[0], STATION[1], lat, lon))
            sec = int(now) % 86400
            # no UTC field: the contact takes the tag block's c: (the send time, ms)
            body = f"RATTM,{k + 1:02d},{rng_nm:.3f},{brg:.1f},T,{speed[k]:.1f},{course[k]:.1f},T,,,N,,T,,,A"
            lines.append(_tagged(RADAR, ms, body, "$"))
            if k % 2 == 0 and now - last_ais >= 10.0:
                lines.append(_tagged("rBENCH", ms, _type1(700_000_000 + k, lat, lon, speed[k], course[k], sec), "!"))
        if now - last_ais >= 10.0:
            last_ais = now
        conn.sendall(b"\n".join(lines) + b"\n")
        sent.append((ms, time.time()))
        scan += 1
        next_t = t0 + scan * args.scan
        time.sleep(max(0.0, next_t - time.time()))
    time.sleep(3.0)
    conn.close()
    server.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--targets", type=int, default=50)
    ap.add_argument("--scan", type=float, default=3.0)
    ap.add_argument("--seconds", type=float, default=120.0)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    store = Store(tmp / "radar.duckdb")
    port_box: list[int] = []
    sent: list[tuple[int, float]] = []
    ready = threading.Event()
    srv = threading.Thread(target=feed_server, args=(args, port_box, sent, ready), daemon=True)
    srv.start()
    ready.wait()
    feed = TcpFeed("127.0.0.1", port_box[0], watchdog_s=30)
    options = IngestOptions(contacts=ContactOptions(sensors={RADAR: Sensor(RADAR, "radar", *STATION, range_km=40.0)}))
    health = Health([feed], silence_s=60)
    rt = Runtime(store, [feed], options, health, detect_every_s=10.0)
    rt.start()
    srv.join()
    time.sleep(2.0)
    cur = store.cursor()
    rows = cur.execute(
        "SELECT epoch_ms(ts), max(epoch_ms(correlated_at)), count(*), count(correlated_at), "
        "count(*) FILTER (WHERE match_mmsi = 700000000 + target_number - 1) FROM contacts GROUP BY 1 ORDER BY 1"
    ).fetchall()
    rt.close(time.monotonic() + 5.0)
    sent_at = {ms: wall for ms, wall in sent}
    lat = []
    missing = 0
    matched = 0
    for ms, corr_ms, n, n_corr, n_match in rows:
        if ms not in sent_at:
            continue
        if n_corr < n or corr_ms is None:
            missing += 1
            continue
        lat.append(corr_ms / 1000.0 - sent_at[ms])
        matched += n_match
    lat_a = np.array(lat)
    warm = np.array([w for (ms, w) in sent if ms in sent_at])  # send times, for the warm-up cut
    del warm
    scans = len(sent)
    ais_contacts = sum(r[2] for r in rows) / 2
    print(f"scans sent {scans}, stored {len(rows)}, correlated {len(lat)}, not correlated {missing}")
    if lat_a.size:
        print(
            f"arrival to correlated: p50 {np.percentile(lat_a, 50):.2f} s, p95 {np.percentile(lat_a, 95):.2f} s, "
            f"max {lat_a.max():.2f} s ({args.targets} targets, 1 scan / {args.scan:g} s, {args.seconds:g} s)"
        )
    print(f"AIS-carrying targets matched to their MMSI: {matched / max(ais_contacts, 1):.1%} of their contacts")
    print(f"load average: {' '.join(f'{x:.2f}' for x in __import__('os').getloadavg())}")
    store.close()


if __name__ == "__main__":
    main()
