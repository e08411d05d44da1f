"""Ingest: sources → decode → store, the thin adapter between them.

It wires the pure decoder (:mod:`maritime.decode`) to files, standard input and live feeds
(:mod:`maritime.sources`) on one side and to DuckDB (:mod:`maritime.store`) on the other:
:mod:`.recordings` for files and standard input (checkpoints, resume, re-ingest),
:mod:`.live` for live feeds, :mod:`.options` for what both share and :mod:`.summary` for
the counters shown to people.
"""
