"""The summary of one ingest call, for people: one fact a line, failures last."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from maritime.ingest.options import IngestError
from maritime.sources.files import (
    MAX_LINE_BYTES,
)


@dataclass
class Summary:
    """Counters of one ingest call, over all its sources."""

    counts: Counter[str] = field(default_factory=Counter)
    sources: list[tuple[str, str]] = field(default_factory=list)  # (source, outcome)
    failures: list[str] = field(default_factory=list)  # one line each, for the sources that failed

    def add(self, counts: Counter[str]) -> None:
        self.counts.update(counts)

    def raise_failures(self) -> None:
        """Raise one :class:`IngestError` for the sources that failed, if any (after the
        others were ingested and the summary printed)."""
        if len(self.failures) == 1:
            raise IngestError(self.failures[0])
        if self.failures:
            raise IngestError(f"{len(self.failures)} inputs failed; the first: {self.failures[0]}")

    def lines(self) -> list[str]:
        """The summary for people, one fact a line."""
        c = self.counts
        out = [f"{src}: {outcome}" for src, outcome in self.sources]
        out += [
            f"lines read            {c['lines_read']:>12,}",
            f"messages decoded      {c['decoded']:>12,}",
            f"positions stored      {c['positions_stored']:>12,}",
            f"identity reports      {c['identities_stored']:>12,}",
            f"duplicates dropped    {c['duplicates']:>12,}",
            f"reports w/o position  {c['no_position']:>12,}",
        ]
        if c["contacts_decoded"] or c["radar_sentences"] or c["scenes"]:
            out.append(
                f"contacts stored       {c['contacts_stored']:>12,}  (radar sentences {c['radar_sentences']:,}, "
                f"scene footprints {c['scenes']:,})"
            )
        others = sorted((int(k.rsplit("_", 1)[1]), v) for k, v in c.items() if k.startswith("other_type_"))
        if others:
            out.append("other message types   " + ", ".join(f"type {t}: {v:,}" for t, v in others))
        skipped = sorted((k[8:], v) for k, v in c.items() if k.startswith("skipped_") and v)
        if skipped:
            out.append("lines skipped         " + ", ".join(f"{k}: {v:,}" for k, v in skipped))
        if c["lines_cut"]:
            out.append(f"lines cut at {MAX_LINE_BYTES // 1024} KiB (no line end; the rest skipped): {c['lines_cut']:,}")
        if c["lone_cr_line_ends"]:
            out.append(f"lone carriage returns read as line ends: {c['lone_cr_line_ends']:,}")
        if c["nonalphabetic_talkers_accepted"]:
            out.append(
                f"sentences accepted with a talker that is not two letters (e.g. !=IVDM, valid checksum): "
                f"{c['nonalphabetic_talkers_accepted']:,}"
            )
        if c["time_marks_ignored"]:
            out.append(
                f"time marks ignored (they disagree with the base-station clock or the marks before them): "
                f"{c['time_marks_ignored']:,}"
            )
        if c["dummy_tag_checksums_accepted"]:
            out.append(
                f"tag blocks accepted with placeholder checksum *00 (--accept-dummy-tag-checksum): "
                f"{c['dummy_tag_checksums_accepted']:,}"
            )
        if c["udp_dropped"]:
            out.append(
                f"UDP datagrams dropped by the kernel (receive buffer full; raise net.core.rmem_max): "
                f"{c['udp_dropped']:,}"
            )
        out.append(f"lines rejected        {c['rejected']:>12,}")
        for k, v in sorted(((k[9:], v) for k, v in c.items() if k.startswith("rejected_") and v), key=lambda x: -x[1]):
            out.append(f"  {k:<20}{v:>12,}")
        return out
