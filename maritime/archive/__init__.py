"""The Parquet archive: Hive-partitioned positions, identity reports, vessels and events.

``layout`` names the folders and files and writes them atomically; ``export`` copies a
DuckDB database (or an ingest's staging database) into the archive; ``bulk`` ingests files
straight into it through a staging database; ``identity`` rebuilds the identity history
from the archived identity reports (the Dask engine's identity detectors); ``cli`` is the
``maritime archive`` command.
"""
