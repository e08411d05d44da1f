"""Watch-floor dashboard benchmark with a real browser (Debian's Chromium through Playwright).

    python benchmarks/bench_dashboard.py [--db PATH] [--vessels 5000] [--positions 10000000]
                                         [--soak-minutes 10] [--skip-soak]

1. Builds (once; reused while the file exists) a database of ``--vessels`` live vessels and
   ``--positions`` position reports over the week ending 2025-01-15T00:00Z, with 3,000
   events, officers' actions, identity changes and rejects. The bundled sample (24 h from
   2025-01-15T00:00Z) continues it, so a replay of the sample is live traffic on top of it.
2. Starts ``maritime serve`` on it (127.0.0.1, free port) and measures in the browser:
   * first view: navigation to vessels drawn on the map and the alert list filled;
   * callbacks: every ``_dash-update-component`` round trip (browser-measured) while an
     officer clicks alerts, changes filters, the window and zooms the map; p50/p95;
   * live refresh: bytes per refresh of the map and the alert list while the sample is
     replayed on top (only what changed), against a full picture.
3. Soak: ``maritime serve --replay`` at high speed with a page open; the server's resident
   memory sampled every 10 s.

Prints the figures; it is not a test.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 (after the path)

SAMPLE = REPO / "fixtures" / "ais" / "eastern_pacific_sample.nmea.gz"
_READY = re.compile(r"watch floor at (http://127\.0\.0\.1:\d+)/")


# -- the database --------------------------------------------------------------------------------


def build_db(path: Path, vessels: int, positions: int) -> None:
    from maritime.store.database import Store

    steps = max(1, positions // vessels)
    step_s = max(1, (7 * 86400) // steps)
    t0 = time.perf_counter()
    store = Store(path)
    con = store.con
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET enable_progress_bar = false")
    con.execute(f"""
        CREATE TEMP TABLE bv AS
        SELECT i,
               ([735, 730, 760, 352, 412, 370, 538, 636, 725, 345, 351, 355, 373, 412, 416])[1 + i % 15] * 1000000
                 + 100000 + i AS mmsi,
               -100 + random() * 26 AS lon0, -22 + random() * 36 AS lat0, random() * 6.283 AS ph,
               floor(random() * {step_s})::INTEGER AS off,
               ([30, 70, 80, 60, 52, 37, 30, 70, 0, 55])[1 + i % 10] AS ship_type,
               4 + random() * 12 AS speed
        FROM range({vessels}) t(i)
    """)
    end = "TIMESTAMPTZ '2025-01-15 00:00:00+00'"
    con.execute(f"""
        INSERT INTO positions
        SELECT mmsi,
               {end} - to_seconds(({steps} - 1 - k) * {step_s} + off) AS ts,
               least(89.0, greatest(-89.0, lat0 + 0.6 * cos(k / 90.0 + ph))) AS lat,
               lon0 + 0.6 * sin(k / 60.0 + ph) AS lon,
               (speed + sin(k / 7.0))::REAL AS sog, ((k * 7 + i) % 360)::REAL AS cog, NULL, 0, NULL, true,
               NULL, 1, 'rBench-' || (i % 30), 1, hash(mmsi, k)::UBIGINT, 1
        FROM range({steps}) r(k) CROSS JOIN bv
        ORDER BY ts
    """)
    con.execute("""
        INSERT INTO vessels
        SELECT b.mmsi, 'BENCH ' || b.i, 'BX' || b.i, 9000000 + b.i, b.ship_type, 30 + b.i % 200, 8 + b.i % 30, 5.5,
               'PA BLB', b.mmsi // 1000000, f.country, p.first, p.last, p.lat, p.lon, p.sog, p.last
        FROM bv b
        JOIN (SELECT mmsi, min(ts) AS first, max(ts) AS last, arg_max(lat, ts) AS lat, arg_max(lon, ts) AS lon,
                     arg_max(sog, ts) AS sog FROM positions GROUP BY mmsi) p USING (mmsi)
        LEFT JOIN mid_flags f ON f.mid = b.mmsi // 1000000
        ON CONFLICT DO NOTHING
    """)
    con.execute(f"""
        INSERT INTO identity_history
        SELECT mmsi, {end} - to_seconds(86400 * (1 + i % 6)), 'name', 'BENCH ' || i, 'OLD NAME ' || i, 5, 'rBench-1'
        FROM bv WHERE i % 10 = 0
    """)
    con.execute(f"""
        INSERT INTO events
        SELECT 'bench-' || e, (['loitering', 'dark_period', 'rendezvous', 'identity_conflict'])[1 + e % 4],
               b.mmsi, CASE WHEN e % 4 = 2 THEN b2.mmsi END,
               {end} - to_seconds(600 + (e * 199) % (7 * 86400)) AS st,
               CASE WHEN e % 20 = 0 THEN NULL ELSE {end} - to_seconds(600 + (e * 199) % (7 * 86400))
                    + to_seconds(3600 + e % 7 * 1800) END,
               b.lat0, b.lon0, (['Gulf of Panama', 'Malpelo', 'Gorgona', NULL])[1 + e % 4], 0.3 + (e % 70) / 100.0,
               '{{"bench": true}}', now()
        FROM range(3000) t(e)
        JOIN bv b ON b.i = (e * 37) % {vessels}
        JOIN bv b2 ON b2.i = (e * 37 + 1) % {vessels}
    """)
    con.execute("""
        INSERT INTO alert_actions (event_id, action, actor, acted_at, unit, reason, kind, mmsi, other_mmsi,
                                   span_start, span_end)
        SELECT event_id, (['acknowledge', 'assign', 'dismiss'])[1 + row_number() OVER () % 3], 'bench', now(),
               'PC-1', 'bench', kind, mmsi, other_mmsi, start_time, end_time
        FROM events WHERE hash(event_id) % 6 = 0
    """)
    con.execute(
        "INSERT INTO ingest_runs (source, kind, started_at, status) VALUES ('bench', 'file', now(), 'complete')"
    )
    con.execute(
        "INSERT INTO rejects SELECT 1, 'bench', i, 'junk', (['checksum', 'not_nmea', 'orphan_fragment'])"
        "[1 + i % 3] FROM range(3000) t(i)"
    )
    con.execute("CHECKPOINT")
    n = con.execute("SELECT count(*) FROM positions").fetchone()[0]
    store.close()
    print(f"built {path}: {vessels:,} vessels, {n:,} positions, 3,000 events in {time.perf_counter() - t0:.1f} s")


# -- the server -------------------------------------------------------------------------------------


class Server:
    def __init__(self, db: Path, *extra: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MARITIME_")}
        env["PYTHONUNBUFFERED"] = "1"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "maritime.dashboard.server", "--db", str(db), "--port", "0", *extra],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.url = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and self.url is None:
            line = self.proc.stderr.readline()
            if not line:
                break
            m = _READY.search(line)
            if m:
                self.url = m.group(1)
        if self.url is None:
            self.proc.kill()
            raise SystemExit("maritime serve did not start")
        threading.Thread(target=lambda: [None for _ in self.proc.stderr], daemon=True).start()

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# -- browser measurements ---------------------------------------------------------------------------


class Recorder:
    """Round trips of Dash callbacks, by output, measured in the browser."""

    def __init__(self, page) -> None:
        self.started: dict = {}
        self.times: dict[str, list[float]] = defaultdict(list)
        self.bytes: dict[str, list[int]] = defaultdict(list)
        self.server: dict[str, list[float]] = defaultdict(list)
        self.external: list[str] = []
        self.active = True
        page.on("request", self._request)
        page.on("requestfinished", self._finished)

    @staticmethod
    def _key(request) -> str:
        try:
            out = request.post_data_json["output"]
        except Exception:  # noqa: BLE001
            return "?"
        return re.sub(r"\.\.|\.(data|children|figure|value|className|min|max|marks|search|href)", " ", out).strip()[:60]

    def _request(self, request) -> None:
        if not request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            self.external.append(request.url)
        if "_dash-update-component" in request.url:
            self.started[id(request)] = time.perf_counter()

    def _finished(self, request) -> None:
        t = self.started.pop(id(request), None)
        if t is None or not self.active:
            return
        key = self._key(request)
        self.times[key].append((time.perf_counter() - t) * 1000)
        try:
            resp = request.response()
            self.bytes[key].append(len(resp.body()))
            m = re.search(r"dur=([0-9.]+)", resp.headers.get("server-timing", ""))
            if m:
                self.server[key].append(float(m.group(1)))
        except Exception:  # noqa: BLE001
            pass

    def reset(self) -> None:
        self.times.clear()
        self.bytes.clear()
        self.server.clear()


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))] if s else float("nan")


def wait_settled(page, rec: Recorder, quiet_ms: int = 250, timeout_s: float = 20) -> None:
    """Until no callback has been pending for ``quiet_ms``."""
    deadline = time.monotonic() + timeout_s
    quiet_since = None
    while time.monotonic() < deadline:
        if rec.started:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif (time.monotonic() - quiet_since) * 1000 >= quiet_ms:
            return
        page.wait_for_timeout(25)


def first_view(browser, url: str, runs: int, query: str = "") -> list[float]:
    out = []
    for _ in range(runs):
        ctx = browser.new_context(viewport={"width": 1600, "height": 950})
        page = ctx.new_page()
        t0 = time.perf_counter()
        page.goto(url + "/" + query)
        page.wait_for_function(
            """() => {
            const gd = document.querySelector('#map .js-plotly-plot');
            if (!gd || !gd.data || !window._mw || window._mw.seq === null) return false;
            const pts = gd.data.slice(3).reduce((n, t) => n + (t.x ? t.x.length : 0), 0);
            return pts > 0 && document.querySelectorAll('.ag-row').length > 0;
        }""",
            timeout=30000,
        )
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        out.append(time.perf_counter() - t0)
        ctx.close()
    return out


def interactions(browser, url: str, rounds: int) -> tuple[Recorder, list[float]]:
    ctx = browser.new_context(viewport={"width": 1600, "height": 950})
    page = ctx.new_page()
    rec = Recorder(page)
    page.goto(url + "/?view=-88.000,-80.000,-4.000,2.000")  # a zoomed view: vessels one by one
    page.wait_for_function(
        "window._mw && window._mw.seq !== null && document.querySelectorAll('.ag-row').length > 5", timeout=30000
    )
    wait_settled(page, rec, 500)
    rec.reset()
    e2e: list[float] = []

    def timed(action) -> None:
        t0 = time.perf_counter()
        action()
        page.wait_for_timeout(30)
        wait_settled(page, rec)
        e2e.append((time.perf_counter() - t0) * 1000 - 250)

    for r in range(rounds):
        rows = page.query_selector_all(".ag-center-cols-container .ag-row")
        for row in rows[r * 3 % max(1, len(rows) - 3) :][:3]:
            timed(lambda: row.query_selector('.ag-cell[col-id="vessel"]').click())
        timed(
            lambda: (page.fill("#min-conf input, input#min-conf", f"{0.1 * (r % 5):.1f}"), page.keyboard.press("Enter"))
        )
        box = page.query_selector("#map .js-plotly-plot").bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        timed(lambda: page.mouse.wheel(0, -240 if r % 2 == 0 else 240))
        timed(lambda: (page.click("#window"), page.click(f"text=last {['6h', '24h', '3d'][r % 3]}")))
        timed(lambda: page.click("#hide-stale label"))
    rec.active = False
    ctx.close()
    return rec, e2e


def live_cost(browser, db: Path, seconds: float) -> dict:
    """Bytes per refresh while the sample is replayed on top of the benchmark database."""
    srv = Server(db, "--no-detect", "--refresh", "5", "--replay", str(SAMPLE), "--speed", "30")
    try:
        ctx = browser.new_context(viewport={"width": 1600, "height": 950})
        page = ctx.new_page()
        rec = Recorder(page)
        page.goto(srv.url + "/?view=-82.000,-77.000,-3.000,10.000&win=1h")  # where the sample's traffic is
        page.wait_for_function("window._mw && window._mw.seq !== null", timeout=30000)
        wait_settled(page, rec, 500)
        # the whole picture (served with the layout): every vessel row the page holds
        full = page.evaluate("JSON.stringify(Array.from(window._mw.vessels.values())).length")
        rec.reset()
        page.wait_for_timeout(int(seconds * 1000))
        n_vessels = page.evaluate("window._mw.vessels.size")
        ctx.close()
        return {"full_first": full, "bytes": dict(rec.bytes), "vessels_on_map": n_vessels, "external": rec.external}
    finally:
        srv.stop()


def soak(browser, minutes: float, speed: float, detect: bool = True) -> list[tuple[float, float]]:
    tmp = Path(tempfile.mkdtemp())
    srv = Server(
        tmp / "soak.duckdb",
        *(("--detect-every", "10") if detect else ("--no-detect",)),
        "--refresh",
        "2",
        "--replay",
        str(SAMPLE),
        "--speed",
        str(speed),
    )
    samples = []
    try:
        ctx = browser.new_context(viewport={"width": 1600, "height": 950})
        page = ctx.new_page()
        page.goto(srv.url + "/")
        t0 = time.monotonic()
        while time.monotonic() - t0 < minutes * 60 and srv.proc.poll() is None:
            samples.append((time.monotonic() - t0, srv.rss_mb()))
            page.wait_for_timeout(10_000)
        ctx.close()
    finally:
        srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return samples


def report_soak(samples: list[tuple[float, float]], speed: float, detect: bool) -> None:
    rss = [m for _, m in samples]
    if not rss:
        print("soak: no sample")
        return
    third = max(1, len(rss) // 3)
    print(
        f"soak: --replay of the sample at {speed:g}× {'with detection every 10 s' if detect else 'without detection'}"
        f" and a page refreshing every 2 s, "
        f"{samples[-1][0] / 60:.1f} min ({samples[-1][0] * speed / 3600:.1f} h of data); server RSS MB: "
        f"start {rss[0]:.0f}, middle third mean {statistics.mean(rss[third : 2 * third] or rss):.0f}, "
        f"last third mean {statistics.mean(rss[2 * third :]):.0f}, max {max(rss):.0f}"
    )
    print("  samples (s:MB): " + ", ".join(f"{t:.0f}:{m:.0f}" for t, m in samples))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "bench_dashboard.duckdb")
    ap.add_argument("--vessels", type=int, default=5000)
    ap.add_argument("--positions", type=int, default=10_000_000)
    ap.add_argument("--first-view-runs", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--live-seconds", type=float, default=40)
    ap.add_argument("--soak-minutes", type=float, default=10)
    ap.add_argument("--soak-speed", type=float, default=200)
    ap.add_argument("--skip-soak", action="store_true")
    ap.add_argument("--only-soak", action="store_true")
    ap.add_argument("--soak-no-detect", action="store_true", help="soak without detection (to tell what grows)")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is absent: apt-get install -y chromium")
        return 2
    from playwright.sync_api import sync_playwright

    if args.only_soak:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            report_soak(
                soak(browser, args.soak_minutes, args.soak_speed, not args.soak_no_detect),
                args.soak_speed,
                not args.soak_no_detect,
            )
            browser.close()
        return 0
    if not args.db.exists():
        build_db(args.db, args.vessels, args.positions)
    work = args.db.with_name(args.db.stem + "-run.duckdb")
    shutil.copy(args.db, work)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        srv = Server(work, "--no-detect", "--refresh", "5")
        try:
            fv = first_view(browser, srv.url, args.first_view_runs)
            print(
                f"first view, whole area ({args.vessels:,} vessels → density grid + alerted vessels): "
                f"median {statistics.median(fv):.2f} s, max {max(fv):.2f} s over {len(fv)} loads"
            )
            fvz = first_view(browser, srv.url, args.first_view_runs, "?view=-92.000,-80.000,-8.000,2.000")
            print(
                f"first view, zoomed (vessels one by one): median {statistics.median(fvz):.2f} s, max {max(fvz):.2f} s"
            )
            rec, e2e = interactions(browser, srv.url, args.rounds)
            allt = [t for v in rec.times.values() for t in v]
            print(
                f"callbacks (browser round trip, {len(allt)} calls): p50 {pct(allt, 50):.0f} ms, "
                f"p95 {pct(allt, 95):.0f} ms, max {max(allt):.0f} ms"
            )
            for k, v in sorted(rec.times.items(), key=lambda kv: -pct(kv[1], 95)):
                sv = rec.server.get(k, [])
                print(
                    f"  {k:<60} n={len(v):>3} p50 {pct(v, 50):>5.0f} ms  p95 {pct(v, 95):>5.0f} ms"
                    f"   (server {pct(sv, 50):>4.0f} / {pct(sv, 95):>4.0f} ms)"
                )
            print(
                f"interactions end to end (click/filter/zoom/window → last callback answered, {len(e2e)}): "
                f"p50 {pct(e2e, 50):.0f} ms, p95 {pct(e2e, 95):.0f} ms"
            )
            if rec.external:
                print(f"REQUESTS LEFT 127.0.0.1: {rec.external}")
        finally:
            srv.stop()
        live = live_cost(browser, work, args.live_seconds)
        vb = live["bytes"].get("vessel-data", [])
        ab = live["bytes"].get("alerts-data summary", [])
        print(
            f"live refresh (sample replayed on top at 30×, refresh 5 s, {args.live_seconds:.0f} s): map update "
            f"median {statistics.median(vb) if vb else 0:,.0f} B over {len(vb)} refreshes "
            f"(the whole picture of the {live['vessels_on_map']} vessels on the map: {live['full_first']:,} B); "
            f"alert list {statistics.median(ab) if ab else 0:,.0f} B median"
        )
        for k, v in sorted(live["bytes"].items()):
            print(f"  {k:<60} n={len(v):>3} median {statistics.median(v):>7,.0f} B  max {max(v):>7,} B")
        if not args.skip_soak:
            report_soak(soak(browser, args.soak_minutes, args.soak_speed), args.soak_speed, True)
        browser.close()
    work.unlink(missing_ok=True)
    Path(str(work) + ".wal").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
