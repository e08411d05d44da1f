"""Live feeds: lines from TCP and UDP sources decoded and committed every flush interval."""

from __future__ import annotations

import dataclasses
import queue
import threading
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
import pyarrow as pa

from maritime.decode.pipeline import ChunkDecoder, ChunkResult
from maritime.decode.radar import Contact
from maritime.ingest.contacts import RadarRouter, merge_radar
from maritime.ingest.options import IngestOptions, count_result
from maritime.sources.live import LineFeed, LiveLine
from maritime.store.contacts import append_contacts, upsert_sensors
from maritime.store.database import Store

#: Live lines are decoded and committed at least this often (seconds). Half a second
#: keeps receipt-to-queryable latency well under the 2 s the watch floor needs.
LIVE_FLUSH_S = 0.5


class LiveIngest:
    """Run live feeds into the store until ``stop`` is set.

    Each feed runs in its own thread and puts lines on a queue; this object drains the
    queue every :data:`LIVE_FLUSH_S` seconds, decodes each feed's lines with that feed's
    own decoder (fragments of two feeds never meet) and commits them in one batch.
    Lines without a receive time of their own are stamped with their arrival time.
    """

    def __init__(
        self,
        store: Store,
        feeds: Sequence[LineFeed],
        options: IngestOptions,
        *,
        flush_s: float = LIVE_FLUSH_S,
        on_commit: Callable[[Counter[str]], None] | None = None,
    ) -> None:
        self.store = store
        self.feeds = feeds
        self.options = options
        self.flush_s = flush_s
        self.on_commit = on_commit
        self.queue: queue.Queue[LiveLine] = queue.Queue(maxsize=500_000)
        self.counts: Counter[str] = Counter()  # all feeds together
        self.feed_counts: dict[str, Counter[str]] = {}  # per feed URL
        self.decoders: dict[str, ChunkDecoder] = {}
        self.radars: dict[str, RadarRouter] = {}
        self.line_no: Counter[str] = Counter()
        self.run_ids: dict[str, int] = {}

    def _pump(self, feed: LineFeed, stop: threading.Event) -> None:
        for item in feed.lines(stop):
            self.queue.put(item)

    def run(self, stop: threading.Event) -> Counter[str]:
        threads = [
            threading.Thread(target=self._pump, args=(f, stop), daemon=True, name=f"feed {f.url}") for f in self.feeds
        ]
        upsert_sensors(self.store.con, self.options.contacts.all_sensors())
        for f in self.feeds:
            kind = f.url.split(":", 1)[0]
            self.run_ids[f.url] = self.store.begin_run(f.url, kind)
        for t in threads:
            t.start()
        status = "complete"
        try:
            while not stop.is_set():
                stop.wait(self.flush_s)
                self.flush()
        except BaseException:
            status = "interrupted"
            raise
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=2.0)
            self.flush(final=True)
            for url, run_id in self.run_ids.items():
                self.store.finish_run(run_id, status, self.feed_counts.get(url, Counter()))
        return self.counts

    def flush(self, final: bool = False) -> None:
        """Decode and commit every line received so far."""
        by_source: dict[str, list[LiveLine]] = {}
        while True:
            try:
                item = self.queue.get_nowait()
            except queue.Empty:
                break
            by_source.setdefault(item.source, []).append(item)
        for source, items in by_source.items():
            decoder = self.decoders.get(source)
            if decoder is None:
                opts = dataclasses.replace(
                    self.options.decode, default_station=self.options.decode.default_station or source
                )
                decoder = self.decoders[source] = ChunkDecoder(opts)
            data = b"\n".join(i.line for i in items) + b"\n"
            arrival = np.array([int(i.arrival * 1_000_000) for i in items], dtype=np.int64)
            result = decoder.decode(data, first_line_no=self.line_no[source] + 1, arrival_us=arrival)
            radar = self.radars.setdefault(source, RadarRouter(self.options.contacts))
            chunk = radar.decode(data, self.line_no[source] + 1, arrival)
            merge_radar(result.counts, chunk)
            if chunk.rejects:
                result.rejects = pa.concat_tables([result.rejects, chunk.reject_table()])
            self.line_no[source] += len(items)
            self._commit(source, result, chunk.contacts)
        if final:
            for source, decoder in self.decoders.items():
                self._commit(source, decoder.finish())

    def _commit(self, source: str, result: ChunkResult, contacts: list[Contact] | None = None) -> None:
        run_id = self.run_ids.get(source) or next(iter(self.run_ids.values()))
        stored = self.store.append(
            run_id, source, result.positions, result.identities, result.rejects, receptions=result.receptions
        )
        batch: Counter[str] = Counter()
        count_result(batch, result, stored)
        if contacts:
            batch["contacts_stored"] += append_contacts(self.store.con, run_id, contacts)
        self.counts.update(batch)
        self.feed_counts.setdefault(source, Counter()).update(batch)
        if self.on_commit is not None:
            self.on_commit(batch)
