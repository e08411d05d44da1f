"""Recorded files and standard input: sources → decode → store, with checkpoints and resume.

Files are read in chunks of whole lines and each chunk is committed with a checkpoint
(byte offset, line number, decoder state, counters). A file is known by a fingerprint of
its content, so a file ingested twice (under any name) is stored once, and a file whose
ingest was killed resumes at its last checkpoint with the same final counts as one clean
run. The options that change what a file stores are part of its fingerprint, and
``reingest`` replaces what earlier ingests of a file stored, in one transaction.

A file that cannot be ingested (unreadable, cut short, no time, a CSV header that cannot be
mapped) does not stop the others: :class:`~maritime.ingest.summary.Summary` lists it, and
:meth:`~maritime.ingest.summary.Summary.raise_failures` reports it in one line once the
others are done.
"""

from __future__ import annotations

import gzip
import io
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa

from maritime.decode.csv.mapping import CsvLayoutError
from maritime.decode.csv.reader import read_csv_batches
from maritime.decode.detections import DetectionFormatError
from maritime.decode.pipeline import ChunkDecoder, ChunkResult, DecoderState, NoTimeError, empty_result
from maritime.decode.radar import Contact
from maritime.ingest.contacts import (
    RadarChunk,
    RadarRouter,
    detection_counts,
    detection_format,
    detection_rejects,
    merge_radar,
    read_detection_text,
)
from maritime.ingest.options import (
    CSV_BATCH_ROWS,
    IngestError,
    IngestOptions,
    PartialIngest,
    count_result,
    no_time_error,
    options_salt,
)
from maritime.ingest.summary import Summary
from maritime.records import REJECT_SCHEMA
from maritime.sources.files import (
    ChunkStats,
    expand_paths,
    fingerprint,
    first_line,
    iter_chunks,
    open_decompressed,
    sniff_format,
    truncated_at,
)
from maritime.store.contacts import append_contacts, upsert_scenes, upsert_sensors
from maritime.store.database import FileProgress, JsonDict, Store, Stored


class _Progress:
    """A progress bar on a terminal (tqdm), nothing elsewhere."""

    def __init__(self, enabled: bool, total: int | None, label: str) -> None:
        self.bar: Any = None
        if enabled and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="B", unit_scale=True, desc=label, leave=False, file=sys.stderr)

    def update(self, position: int) -> None:
        if self.bar is not None:
            self.bar.update(position - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# -- files ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _FileRun:
    """One file being ingested: where it is stored, how far it was read, its counters."""

    store: Store
    run_id: int
    path: str
    size: int
    fingerprint: str
    stream: BinaryIO  # decompressed
    raw_file: BinaryIO  # the file itself, for the progress bar
    progress: FileProgress | None  # the checkpoint of an earlier, interrupted run
    counts: Counter[str]
    options: IngestOptions
    bar: _Progress

    def commit(
        self,
        result: ChunkResult,
        status: str,
        offset: int,
        line_no: int,
        state: JsonDict | None,
        contacts: list[Contact] | None = None,
        store_more: Callable[[], None] | None = None,
    ) -> None:
        """Store one decoded chunk (and its contacts) with the checkpoint that follows it, in
        one transaction."""

        def checkpoint(stored: Stored) -> FileProgress:
            count_result(self.counts, result, stored)
            if contacts:
                self.counts["contacts_stored"] += append_contacts(self.store.con, self.run_id, contacts)
            if store_more is not None:
                store_more()
            return FileProgress(self.fingerprint, status, offset, line_no, state, self.counts)

        self.store.append(
            self.run_id,
            self.path,
            result.positions,
            result.identities,
            result.rejects,
            checkpoint,
            self.path,
            self.size,
            result.receptions,
        )


def ingest_file(store: Store, path: str, options: IngestOptions) -> tuple[Counter[str], str]:
    """Ingest one file (resuming it if a previous run was cut short).

    With ``options.reingest`` what earlier ingests of the file stored is replaced by this one,
    in one transaction: a failure leaves the earlier rows as they were.
    """
    p = Path(path)
    try:
        fp = fingerprint(p, options_salt(options))
        size = p.stat().st_size
    except OSError as exc:
        raise IngestError(f"{path}: cannot read ({exc.strerror or exc}); check the path and permissions") from None
    if options.reingest:
        with store.transaction():
            store.forget_file(path, fp)
            counts, outcome = _ingest_file(store, path, fp, size, options)
        return counts, outcome.replace("ingested", "ingested again, earlier rows replaced", 1)
    return _ingest_file(store, path, fp, size, options)


def _ingest_file(store: Store, path: str, fp: str, size: int, options: IngestOptions) -> tuple[Counter[str], str]:
    p = Path(path)
    progress = store.file_progress(fp)
    if progress is not None and progress.status == "complete":
        run_id = store.begin_run(path, "file", fp)
        seen: Counter[str] = Counter(already_ingested=1)
        store.finish_run(run_id, "already_ingested", seen)
        return seen, "already ingested, nothing new stored"
    resumed = progress is not None
    run_id = store.begin_run(path, "file", fp)
    counts: Counter[str] = Counter(progress.counts) if progress else Counter()
    try:
        with open(p, "rb") as raw_file:
            stream = open_decompressed(io.BufferedReader(raw_file))
            head = stream.peek(4096) if hasattr(stream, "peek") else b""
            det = None if options.fmt or options.mapping else detection_format(head)
            fmt = det or _file_format(path, head, options)
            run = _FileRun(
                store,
                run_id,
                path,
                size,
                fp,
                stream,
                raw_file,
                progress,
                counts,
                options,
                _Progress(options.progress, size, p.name),
            )
            try:
                if det is not None:
                    _ingest_detections(run, det)
                elif fmt == "csv":
                    _ingest_csv(run)
                else:
                    _ingest_nmea(run)
            finally:
                run.bar.close()
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        store.finish_run(run_id, "failed", counts)
        raise IngestError(f"{path}: cannot read ({exc}); the file may be truncated or not what its name says") from None
    except NoTimeError:
        store.finish_run(run_id, "failed", counts)
        raise no_time_error(path) from None
    except (CsvLayoutError, DetectionFormatError, UnicodeDecodeError) as exc:
        store.finish_run(run_id, "failed", counts)
        raise IngestError(f"{path}: {exc}") from None
    except IngestError:
        store.finish_run(run_id, "failed", counts)
        raise
    except BaseException:
        store.finish_run(run_id, "interrupted", counts)
        raise
    at = truncated_at(stream)
    if at is not None:
        store.finish_run(run_id, "truncated", counts)
        raise PartialIngest(
            f"{path}: truncated (the compressed data ends at byte {at:,}, inside its last block); every complete "
            "line before the cut is stored; ingest the complete file when you have it",
            counts,
        )
    store.finish_run(run_id, "complete", counts)
    outcome = "resumed and completed" if resumed else "ingested"
    hint = option_hint(counts, fmt, first_line(head))
    return counts, f"{outcome}; {hint}" if hint else outcome


def option_hint(counts: Counter[str], fmt: str, first: bytes) -> str | None:
    """What to do when every line of a file was rejected for one reason an option fixes
    (``first`` is the file's first line)."""
    reasons = [k for k, v in counts.items() if k.startswith("rejected_") and v]
    if len(reasons) != 1 or counts["decoded"] or counts["positions_stored"] or counts["identities_stored"]:
        return None
    if reasons[0] == "rejected_tagblock_checksum":
        return (
            "every line was rejected for its tag-block checksum: if the provider writes the placeholder *00, "
            "ingest it again with --accept-dummy-tag-checksum"
        )
    if reasons[0] == "rejected_not_nmea" and fmt == "nmea" and _csv_like(first):
        return (
            "every line was rejected as not NMEA and the file looks like CSV: ingest it again with "
            "--format csv --columns 'mmsi=...,ts=...,lat=...,lon=...'"
        )
    return None


def _csv_like(line: bytes) -> bool:
    """A line with commas that is not an NMEA sentence."""
    return line.count(b",") >= 2 and line[:1] not in (b"!", b"$", b"\\")


def _file_format(path: str, head: bytes, options: IngestOptions) -> str:
    """``"csv"`` or ``"nmea"``: the option given, else what the file's first line says."""
    sniffed = sniff_format(head)
    if sniffed == "zip":
        raise IngestError(f"{path}: a zip archive, which ingest does not open; unzip it and ingest the files inside")
    return options.fmt or ("csv" if options.mapping else sniffed)


def _ingest_nmea(run: _FileRun) -> None:
    """Decode and store an NMEA file chunk by chunk, from its last checkpoint."""
    progress = run.progress
    state = DecoderState.from_json(progress.decoder_state) if progress and progress.decoder_state else None
    decoder = ChunkDecoder(run.options.decode, state)
    offset = progress.next_offset if progress else 0
    line_no = progress.next_line if progress else 1
    if offset:
        _skip(run.stream, offset)
    stats = ChunkStats()
    radar = RadarRouter(run.options.contacts, run.options.decode.start_time_us)
    for data, consumed in iter_chunks(run.stream, run.options.chunk_bytes, lone_cr_ends_line=True, stats=stats):
        result = decoder.decode(data, first_line_no=line_no)
        contacts = _with_radar(result, radar.decode(data, line_no))
        _take_stats(result, stats)
        offset += consumed
        line_no += result.counts["lines_read"]
        run.commit(result, "in_progress", offset, line_no, decoder.state.to_json(), contacts)
        run.bar.update(run.raw_file.tell())
    run.commit(_with_truncation(decoder.finish(), run.stream, line_no), "complete", offset, line_no, None)


def _with_radar(result: ChunkResult, radar: RadarChunk) -> list[Contact]:
    """Add a chunk's radar rejects and counters to its AIS result; its contacts."""
    merge_radar(result.counts, radar)
    if radar.rejects:
        result.rejects = pa.concat_tables([result.rejects, radar.reject_table()])
    return radar.contacts


def _ingest_detections(run: _FileRun, fmt: str) -> None:
    """Store a detection file (CSV or GeoJSON, read whole: one row per detected object) with
    its scene footprints, in one transaction with its checkpoint."""
    kind = run.options.contacts.detections_kind
    batch = read_detection_text(run.stream.read().decode("utf-8-sig"), fmt, kind)
    result = empty_result()
    result.rejects = detection_rejects(batch)
    result.counts.update(detection_counts(batch))

    def scenes() -> None:
        upsert_scenes(run.store.con, run.run_id, batch.footprints, kind)

    run.commit(result, "complete", 0, result.counts["lines_read"] + 1, None, batch.contacts, scenes)


def _with_truncation(result: ChunkResult, stream: BinaryIO, line_no: int) -> ChunkResult:
    """``result`` with one reject for a compressed stream cut short, numbered ``line_no``."""
    at = truncated_at(stream)
    if at is None:
        return result
    reject = pa.table(
        {"line_no": [line_no], "raw": [""], "reason": [f"truncated: compressed input ends at byte {at:,}"]},
        schema=REJECT_SCHEMA,
    )
    result.rejects = pa.concat_tables([result.rejects, reject])
    result.counts["rejected_truncated"] += 1
    return result


def _take_stats(result: ChunkResult, stats: ChunkStats) -> None:
    """Move what the line chunker changed into the chunk's counters."""
    result.counts["lines_cut"] += stats.long_lines
    result.counts["lone_cr_line_ends"] += stats.lone_cr
    stats.long_lines = stats.lone_cr = 0


def _skip(stream: BinaryIO, offset: int) -> None:
    """Advance a (possibly decompressing) stream to ``offset``."""
    remaining = offset
    while remaining > 0:
        block = stream.read(min(remaining, 1 << 20))
        if not block:
            raise IngestError("the file is shorter than when its ingest began; it has changed, ingest it as a new file")
        remaining -= len(block)


def _ingest_csv(run: _FileRun) -> None:
    """Decode and store a CSV file batch by batch, skipping the batches already committed."""
    skip_lines = run.progress.next_line - 1 if run.progress else 0
    line_no = 1
    for batch in read_csv_batches(
        run.stream, mapping=run.options.mapping, station=run.options.decode.default_station, batch_rows=CSV_BATCH_ROWS
    ):
        line_no += batch.lines
        if line_no - 1 <= skip_lines:
            continue  # committed by an earlier, interrupted run
        reasons = Counter(f"rejected_{r.split(':')[0]}" for r in batch.rejects.column("reason").to_pylist())
        counts = Counter(
            lines_read=batch.lines,
            no_position=batch.no_position,
            decoded=batch.positions.num_rows + batch.no_position,
        )
        result = ChunkResult(batch.positions, batch.identities, batch.rejects, counts + reasons)
        run.commit(result, "in_progress", 0, line_no, None)
        run.bar.update(run.raw_file.tell())
    run.commit(_with_truncation(empty_result(), run.stream, line_no), "complete", 0, line_no, None)


# -- standard input ----------------------------------------------------------------------


def ingest_stream(store: Store, stream: BinaryIO, source: str, options: IngestOptions) -> Counter[str]:
    """Ingest a stream that cannot be re-read (standard input): no checkpoints."""
    run_id = store.begin_run(source, "stdin")
    counts: Counter[str] = Counter()
    if not hasattr(stream, "peek"):
        stream = io.BufferedReader(stream)  # type: ignore[type-var]  # any binary stream is raw enough
    stream = open_decompressed(stream)
    decoder = ChunkDecoder(options.decode)
    radar = RadarRouter(options.contacts, options.decode.start_time_us)
    line_no = 1

    def commit(result: ChunkResult, contacts: list[Contact] | None = None) -> None:
        stored = store.append(
            run_id, source, result.positions, result.identities, result.rejects, receptions=result.receptions
        )
        count_result(counts, result, stored)
        counts["contacts_stored"] += append_contacts(store.con, run_id, contacts or [])

    try:
        stats = ChunkStats()
        for data, _ in iter_chunks(stream, options.chunk_bytes, lone_cr_ends_line=True, stats=stats):
            result = decoder.decode(data, first_line_no=line_no)
            contacts = _with_radar(result, radar.decode(data, line_no))
            _take_stats(result, stats)
            line_no += result.counts["lines_read"]
            commit(result, contacts)
        commit(decoder.finish())
    except NoTimeError:
        store.finish_run(run_id, "failed", counts)
        raise no_time_error(source) from None
    except BaseException:
        store.finish_run(run_id, "interrupted", counts)
        raise
    store.finish_run(run_id, "complete", counts)
    return counts


def ingest_paths(store: Store, paths: Iterable[str], options: IngestOptions) -> Summary:
    """Ingest files, folders and ``-`` (standard input) in order."""
    summary = Summary()
    upsert_sensors(store.con, options.contacts.all_sensors())
    for path in expand_paths(paths):
        try:
            if path == "-":
                counts = ingest_stream(store, sys.stdin.buffer, "-", options)
                outcome = "ingested"
            else:
                counts, outcome = ingest_file(store, path, options)
        except IngestError as exc:  # this file only: the others are still ingested
            counts = exc.counts if isinstance(exc, PartialIngest) else Counter()
            outcome = "stored in part" if isinstance(exc, PartialIngest) else "failed"
            summary.failures.append(str(exc))
        summary.add(counts)
        summary.sources.append((path, outcome))
    return summary


# -- live feeds ----------------------------------------------------------------------------
