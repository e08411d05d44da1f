"""``maritime rules check``, ``maritime detect --rules/--watchlist``, ``maritime alerts`` and
``maritime alerts resend`` as a user runs them."""

from __future__ import annotations

from pathlib import Path

from maritime.scenario.watchlisted import watchlist_csv, watchlisted_recording
from tests.conftest import run_cli

BAD = """\
[[rule]]
id = "reserve"
kinds = ["fishing"]
severity = "severe"

[[rule]]
id = "reserve"
kinds = ["zone_entry"]
severity = "low"
zone = ["Gorgona"]
"""


def test_rules_check_prints_every_problem_with_its_line(tmp_path: Path) -> None:
    f = tmp_path / "rules.toml"
    f.write_text(BAD)
    r = run_cli("rules", "check", str(f))
    assert r.returncode == 2
    lines = r.stderr.splitlines()
    assert lines[0] == f"{f}:4: severity must be one of low, medium, high, critical, not 'severe'"
    assert lines[1] == f"{f}:7: id 'reserve' is used twice (first on line 1)"
    assert lines[2].startswith(f"{f}:10: unknown key 'zone'")
    assert lines[-1] == f"maritime: error: {f}: 3 problem(s)"
    assert "Traceback" not in r.stderr


def test_rules_check_syntax_error_and_missing_file(tmp_path: Path) -> None:
    f = tmp_path / "rules.toml"
    f.write_text('[[rule]]\nid = "a"\nkinds = ["x"\n')
    r = run_cli("rules", "check", str(f))
    assert r.returncode == 2 and r.stderr.startswith(f"{f}:3: TOML syntax: Unclosed array (at the end of the file)"), (
        r.stderr
    )
    r = run_cli("rules", "check", str(tmp_path / "none.toml"))
    assert (
        r.returncode == 2
        and r.stderr.startswith("maritime: error: cannot read rules file")
        and r.stderr.count("\n") == 1
    )


def test_detect_with_a_watch_list_then_list_and_resend(tmp_path: Path) -> None:
    rec = watchlisted_recording(listed=3, background=1)
    nmea, wl, db = tmp_path / "rec.nmea", tmp_path / "iuu.csv", tmp_path / "db.duckdb"
    nmea.write_text("\n".join(rec.lines) + "\n")
    wl.write_text(watchlist_csv(rec))
    sinks = tmp_path / "sinks.toml"
    sinks.write_text('[[sink]]\nname = "hook"\ntype = "webhook"\nurl = "http://127.0.0.1:9/x"\nsecret = "s"\n')
    assert run_cli("ingest", str(nmea), "--db", str(db), "--no-progress").returncode == 0
    r = run_cli("detect", "--db", str(db), "--watchlist", str(wl), "--sinks", str(sinks), timeout=300)
    assert r.returncode == 0, r.stderr
    assert f"alerts: {len(rec.expected_hits)} new" in r.stdout and "queued for hook" in r.stdout
    r = run_cli("alerts", "--db", str(db), "--state", "pending")
    assert r.returncode == 0 and f"{len(rec.expected_hits)} alert(s)" in r.stdout
    assert str(rec.renamed.mmsi) in r.stdout and "watchlist v1" in r.stdout
    alert_id = r.stdout.splitlines()[1].split()[0]
    r = run_cli("alerts", "resend", alert_id, "--db", str(db))
    assert r.returncode == 0 and r.stdout.strip() == f"{alert_id}: queued again for hook"
    r = run_cli("alerts", "resend", "al-nope", "--db", str(db))
    assert r.returncode == 2 and r.stderr == "maritime: error: no delivery of alert al-nope\n"


def test_a_bad_watch_list_stops_detect_before_it_runs(tmp_path: Path) -> None:
    wl = tmp_path / "w.csv"
    wl.write_text("mmsi,reason\n12345,short\n")
    r = run_cli("detect", "--db", str(tmp_path / "none.duckdb"), "--watchlist", str(wl))
    assert r.returncode == 2 and r.stderr == f"maritime: error: {wl}:2: MMSI 12345 is not nine digits\n"
