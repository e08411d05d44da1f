"""``maritime ingest --archive``: bulk loads straight into the archive.

Each input file is ingested by the ordinary ingest (decoding, deduplication, rejects,
checkpoints) into a *staging* DuckDB database, then drained into the archive
(``export.drain_staging``) before the next file. The staging database therefore holds one
file's positions at most, plus what must outlive a file: the ingest runs and checkpoints
(a file ingested twice is stored once; a killed ingest resumes), rejects, vessels and
identity history.

The staging database lives in ``DEST/_maritime/staging.duckdb`` for a local archive, and in
``~/.cache/maritime/staging/`` for a remote one (``--staging FILE`` overrides both).

Limits: duplicates are merged within a file's batches, not against earlier files already
drained into the archive.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from maritime.archive.export import ArchiveSummary, drain_staging
from maritime.archive.layout import STATE, Archive
from maritime.sources.files import expand_paths
from maritime.store.database import Store

if TYPE_CHECKING:
    from maritime.ingest.options import IngestOptions
    from maritime.ingest.summary import Summary


def staging_path(arch: Archive, override: str | None = None) -> Path:
    """Where the staging database of ``arch`` lives."""
    if override:
        return Path(override)
    if arch.is_local:
        return Path(arch.path(STATE, "staging.duckdb"))
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "maritime" / "staging"
    return cache / (hashlib.sha1(arch.url.encode()).hexdigest()[:16] + ".duckdb")


def ingest_to_archive(
    store: Store, arch: Archive, paths: Iterable[str], options: IngestOptions, cell_deg: float | None = None
) -> tuple[Summary, ArchiveSummary]:
    """Ingest ``paths`` through the staging ``store`` into ``arch``; returns the ingest
    :class:`maritime.ingest.summary.Summary` and the :class:`ArchiveSummary` of the drains."""
    from maritime.ingest.recordings import ingest_paths
    from maritime.ingest.summary import Summary

    summary = Summary()
    archived = ArchiveSummary()

    def drain() -> None:
        archived.merge(drain_staging(store.con, arch, cell_deg))

    drain()  # whatever a killed run left in staging goes first, under its own names
    for path in expand_paths(paths):
        one = ingest_paths(store, [path], options)
        summary.sources.extend(one.sources)
        summary.failures.extend(one.failures)
        summary.counts.update(one.counts)
        drain()
    return summary, archived
