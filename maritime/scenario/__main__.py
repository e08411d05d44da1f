"""Command line of the scenario generator (a developer tool): write a synthetic AIS recording and its truth.

Example::

    python -m maritime.scenario --seed 7 --hours 24 --out fixtures/ais/eastern_pacific_sample.nmea.gz

writes the recording (gzip because of ``.gz``) and ``<out>.truth.json`` next to it.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from maritime.scenario.config import DEFAULT_START, REGIONS, NoiseConfig, ScenarioConfig
from maritime.scenario.nmea_writer import truth_path_for, write_recording


def _utc(text: str) -> datetime:
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m maritime.scenario``."""
    p = argparse.ArgumentParser(
        prog="python -m maritime.scenario",
        description="Write a seeded, synthetic Eastern Pacific AIS recording (NMEA with tag blocks) "
        "and its ground truth <out>.truth.json.",
    )
    p.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    p.add_argument("--hours", type=float, default=24.0, help="duration in hours (default 24)")
    p.add_argument(
        "--start", type=_utc, default=DEFAULT_START, help="start time, ISO 8601 UTC (default 2025-01-15T00:00:00Z)"
    )
    p.add_argument("--vessels", type=int, default=200, help="number of vessels (default 200)")
    ev = p.add_mutually_exclusive_group()
    ev.add_argument(
        "--events",
        dest="events",
        action="store_true",
        default=True,
        help="inject loitering, dark-period and rendezvous events and decoys (default)",
    )
    ev.add_argument("--no-events", dest="events", action="store_false", help="no injected events or decoys")
    p.add_argument(
        "--quiet-noise", action="store_true", help="no duplicates, corrupted lines, junk or orphan fragments"
    )
    p.add_argument(
        "--region",
        choices=REGIONS,
        default="eastern_pacific",
        help="eastern_pacific (default) or north_sea (WPI ports, ships berthed and at anchor, an unlisted anchorage)",
    )
    p.add_argument(
        "--area-outage",
        action="store_true",
        help="add five vessels fishing together that all fall silent at once (a coverage gap, labelled a decoy)",
    )
    p.add_argument(
        "--lone-silences",
        action="store_true",
        help="add two lone vessels far offshore, each unheard for hours (labelled decoys)",
    )
    p.add_argument(
        "--fishing",
        action="store_true",
        help="add labelled fishing vessels of each gear and transits at fishing speeds (issue 13)",
    )
    p.add_argument("--out", required=True, help="output file; gzip-compressed if it ends in .gz")
    p.add_argument("--no-truth", action="store_true", help="do not write <out>.truth.json")
    p.add_argument("--compresslevel", type=int, default=9, help="gzip level (default 9)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    args = build_parser().parse_args(argv)
    if args.hours <= 0 or args.vessels < 1:
        print("error: --hours must be > 0 and --vessels >= 1", file=sys.stderr)
        return 2
    cfg = ScenarioConfig(
        seed=args.seed,
        start=args.start,
        hours=args.hours,
        n_vessels=args.vessels,
        events=args.events,
        noise=NoiseConfig.quiet() if args.quiet_noise else NoiseConfig(),
        region=args.region,
        area_outage=args.area_outage,
        lone_silences=args.lone_silences,
        fishing=args.fishing,
    )
    if cfg.region != "eastern_pacific" and (cfg.area_outage or cfg.lone_silences or cfg.fishing):
        print(
            "error: --area-outage, --lone-silences and --fishing are placed in the eastern_pacific region only",
            file=sys.stderr,
        )
        return 2
    t = time.perf_counter()
    truth = write_recording(args.out, cfg, write_truth=not args.no_truth, compresslevel=args.compresslevel)
    dt = time.perf_counter() - t
    print(
        f"wrote {args.out}: {truth['lines_total']} lines, {len(truth['vessels'])} vessels, "  # type: ignore[arg-type]
        f"{len(truth['events'])} events, {len(truth['decoys'])} decoys in {dt:.1f} s"  # type: ignore[arg-type]
        + ("" if args.no_truth else f"; truth: {truth_path_for(args.out)}")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
