"""How one ingest call reads its inputs, its error classes and the counters it adds up."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from maritime.decode.csv.mapping import ColumnMapping
from maritime.decode.pipeline import ChunkResult, DecodeOptions
from maritime.decode.sensors import Sensor, parse_origin, parse_sensors
from maritime.errors import MaritimeError, UsageError
from maritime.ingest.contacts import ContactOptions
from maritime.store.database import Stored

#: Bytes of text decoded and committed per batch. 24 MiB is ~300k AIS lines: enough rows
#: for DuckDB to write whole row groups straight to the file instead of the WAL, few
#: enough to keep peak memory far below 1 GB.
CHUNK_BYTES = 24 * 1024 * 1024
#: CSV rows per batch: about 250 MB of peak memory with pandas parsing.
CSV_BATCH_ROWS = 200_000


class IngestError(MaritimeError):
    """A problem with an input the user can fix; the message says how, in one line."""


class PartialIngest(IngestError):
    """A file stored only in part (it is cut short); ``counts`` are what was stored."""

    def __init__(self, message: str, counts: Counter[str]) -> None:
        super().__init__(message)
        self.counts = counts


def no_time_error(source: str) -> IngestError:
    return IngestError(
        f"{source}: no receive time in the input (no tag-block c:, $PGHP or trailing time); "
        "give the time the recording began with --start 2024-01-31T00:00:00Z"
    )


@dataclass(slots=True)
class IngestOptions:
    """How to read and decode the inputs of one ingest call."""

    decode: DecodeOptions = field(default_factory=DecodeOptions)
    fmt: str | None = None  # "nmea" | "csv"; None = detect
    mapping: ColumnMapping | None = None  # for CSV with explicit columns
    progress: bool = False
    reingest: bool = False  # replace what earlier ingests of the same file stored
    chunk_bytes: int = field(default_factory=lambda: int(os.environ.get("MARITIME_CHUNK_BYTES", CHUNK_BYTES)))
    contacts: ContactOptions = field(default_factory=ContactOptions)  # radar sensors and their positions


def count_result(counts: Counter[str], result: ChunkResult, stored: Stored) -> None:
    counts.update(result.counts)
    counts["positions_stored"] += stored.positions
    counts["identities_stored"] += stored.identities
    counts["duplicates"] += stored.duplicate_positions + stored.duplicate_identities
    counts["rejected"] += stored.rejects
    counts.update(stored.corrections)  # transmissions of other types shared with earlier batches


def options_salt(options: IngestOptions) -> str:
    """The options that change what a file stores, where they differ from the defaults, as
    text for its fingerprint: the same bytes read with other options are another input."""
    changed: dict[str, object] = {
        f.name: getattr(options.decode, f.name)
        for f in dataclasses.fields(options.decode)
        if getattr(options.decode, f.name) != f.default
    }
    if options.fmt:
        changed["format"] = options.fmt
    if options.mapping:
        changed["columns"] = repr(options.mapping)
    if options.contacts.origin is not None or options.contacts.sensors:
        changed["radar"] = repr((options.contacts.origin, sorted(options.contacts.sensors.items())))
    return json.dumps(changed, sort_keys=True) if changed else ""


def add_contact_options(p: argparse.ArgumentParser) -> None:
    """``--radar-origin``, ``--sensors`` and ``--detections-kind`` (ingest, listen, serve)."""
    g = p.add_argument_group("radar and satellite contacts")
    g.add_argument(
        "--radar-origin", metavar="LAT,LON", help="fixed position of the radar whose lines name no sensor (degrees)"
    )
    g.add_argument("--sensors", metavar="FILE", help="TOML file of radar stations and satellite sensors")
    g.add_argument(
        "--detections-kind",
        choices=("sar", "optical", "viirs"),
        default="sar",
        help="source kind of detection files (default %(default)s)",
    )


def contact_options(args: argparse.Namespace) -> ContactOptions:
    """The contact options of parsed arguments (one-line errors for a bad file or origin)."""
    sensors: dict[str, Sensor] = {}
    if getattr(args, "sensors", None):
        try:
            text = Path(args.sensors).read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--sensors {args.sensors}: cannot read ({exc.strerror or exc})") from None
        sensors = parse_sensors(text, args.sensors)
    origin = parse_origin(args.radar_origin) if getattr(args, "radar_origin", None) else None
    return ContactOptions(sensors=sensors, origin=origin, detections_kind=getattr(args, "detections_kind", "sar"))
