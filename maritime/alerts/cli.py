"""``maritime rules check`` and ``maritime alerts``: the command-line adapter of alerts.

``add_parsers(subparsers)`` registers both; ``cmd_rules`` and ``cmd_alerts`` run them and return
the exit status. ``add_alert_options`` adds ``--rules``, ``--watchlist`` and ``--sinks`` to
``detect`` and ``serve``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from maritime.alerts.model import AlertError
from maritime.arguments import add_db_option
from maritime.errors import UsageError

STATES = ("pending", "sending", "delivered", "failed", "suppressed")
#: The columns of ``sql/list_alerts.sql``.
LIST_COLUMNS = (
    "alert_id",
    "created_at",
    "rule_id",
    "rule_version",
    "severity",
    "revision",
    "kind",
    "mmsi",
    "zone",
    "sink",
    "state",
    "attempts",
    "delivered_at",
    "last_error",
    "event_id",
)


def add_alert_options(p: argparse.ArgumentParser) -> None:
    """``--rules FILE``, ``--watchlist FILE`` (repeatable) and ``--sinks FILE``."""
    g = p.add_argument_group("alerts (see README, Alerts)")
    g.add_argument("--rules", metavar="FILE", help="rules file (TOML): which events raise alerts, where, for whom")
    g.add_argument(
        "--watchlist",
        action="append",
        default=[],
        metavar="FILE",
        help="watch list (CSV: MMSI, IMO, call sign or name; or the Combined IUU Vessel List); repeatable",
    )
    g.add_argument("--sinks", metavar="FILE", help="sinks file (TOML): webhook, e-mail and CoT destinations")


def add_parsers(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register ``rules`` and ``alerts``."""
    p = subparsers.add_parser(
        "rules", help="check a rules file", description="Check a rules file; every problem is printed with its line."
    )
    p.add_argument("action", choices=("check",), help="check: validate FILE")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--watchlist", action="append", default=[], metavar="FILE", help="also check these watch lists")

    p = subparsers.add_parser(
        "alerts",
        help="list alerts and their delivery state; resend one",
        description="List alerts with their rule, severity and delivery state per sink (newest first), "
        "or `maritime alerts resend ID` to queue one again.",
    )
    p.add_argument("action", nargs="?", choices=("list", "resend"), default="list")
    p.add_argument("alert_id", nargs="?", metavar="ID", help="the alert to resend")
    add_db_option(p)
    p.add_argument("--state", choices=STATES, help="only deliveries in this state")
    p.add_argument("--sink", metavar="NAME", help="resend: only to this sink")
    p.add_argument("--format", choices=("table", "json"), default="table")


def cmd_rules(args: argparse.Namespace) -> int:
    """``maritime rules check FILE``: every problem as ``FILE:LINE: message``; exit 2 if any."""
    from maritime.alerts.rules import check_rules
    from maritime.alerts.service import load_watchlists

    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise AlertError(f"cannot read rules file {path}: {getattr(e, 'strerror', None) or e}") from None
    rules, problems = check_rules(text, str(path))
    if rules is None:
        for problem in problems:
            print(problem.render(str(path)), file=sys.stderr)
        print(f"maritime: error: {path}: {len(problems)} problem(s)", file=sys.stderr)
        return 2
    lists = load_watchlists(args.watchlist)
    known = {w.name for w in lists}
    for r in rules.rules:
        missing = [w for w in r.watchlists if args.watchlist and w not in known]
        if missing:
            raise AlertError(f"{path}:{r.line}: rule {r.id!r} names watch list {missing[0]!r}, not given")
    print(f"{path}: {len(rules.rules)} rule(s) OK" + (f", {len(rules.disabled)} disabled" if rules.disabled else ""))
    for r in rules.rules:
        print(f"  {r.id:<24} {r.severity:<8} kinds {','.join(r.kinds)}  hash {r.digest}")
    for w in lists:
        print(f"{w.path}: watch list {w.name!r}, {len(w.entries)} vessel(s), {w.layout} layout")
    return 0


def _open(db: str | None, read_only: bool) -> Any:
    from maritime.store.database import Store, StoreError, resolve_db_path

    path = resolve_db_path(db)
    if path != ":memory:" and not Path(path).exists():
        raise StoreError(f"database {path} does not exist")
    return Store(path, read_only=read_only)


def cmd_alerts(args: argparse.Namespace) -> int:
    """``maritime alerts [--state S]`` lists; ``maritime alerts resend ID [--sink NAME]`` re-queues."""
    import duckdb

    from maritime.alerts.outbox import sql, utc

    if args.action == "resend":
        if not args.alert_id:
            raise UsageError("alerts resend needs the alert ID (see `maritime alerts`)")
        store = _open(args.db, read_only=False)
        try:
            rows = store.con.execute(
                sql("resend_any"), {"now": utc(time.time()), "id": args.alert_id, "sink": args.sink}
            ).fetchall()
        except duckdb.CatalogException:
            rows = []
        finally:
            store.close()
        if not rows:
            raise UsageError(f"no delivery of alert {args.alert_id}" + (f" to sink {args.sink}" if args.sink else ""))
        print(f"{args.alert_id}: queued again for {', '.join(sorted(r[0] for r in rows))}")
        return 0
    if args.alert_id:
        raise UsageError("give an alert ID only with `maritime alerts resend ID`")
    store = _open(args.db, read_only=True)
    try:
        rows = store.con.execute(sql("list_alerts"), {"state": args.state}).fetchall()
    except duckdb.CatalogException:
        rows = []  # no alert was ever queued in this database
    except duckdb.BinderException:
        raise UsageError(
            "the alert tables predate rule versions: run `maritime serve` or `detect --rules` once"
        ) from None
    finally:
        store.close()
    cols = LIST_COLUMNS
    docs = [dict(zip(cols, r)) for r in rows]
    if args.format == "json":
        print(json.dumps(docs, default=str, indent=1))
        return 0
    head = ("alert", "event time (UTC)", "rule", "sev", "kind", "mmsi", "sink", "state", "tries")
    table = [
        (
            d["alert_id"],
            d["created_at"].strftime("%Y-%m-%d %H:%M:%S"),
            f"{d['rule_id']} v{d['rule_version'] or '-'}",
            d["severity"] + (f" r{d['revision']}" if d["revision"] > 1 else ""),
            str(d["kind"] or ""),
            str(d["mmsi"] or ""),
            d["sink"] or "-",
            (d["state"] or "not queued") + (" (" + d["last_error"][:40] + ")" if d["last_error"] else ""),
            str(d["attempts"] if d["attempts"] is not None else ""),
        )
        for d in docs
    ]
    widths = [max([len(h)] + [len(t[i]) for t in table]) for i, h in enumerate(head)]
    print("  ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip())
    for t in table:
        print("  ".join(c.ljust(w) for c, w in zip(t, widths)).rstrip())
    print(f"{len({d['alert_id'] for d in docs})} alert(s)")
    return 0
