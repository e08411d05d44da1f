"""The Parquet archive: Hive-partitioned positions, vessels and events for analysts and clusters.

``layout`` names the folders and files and writes them atomically; ``export`` copies a
DuckDB database (or an ingest's staging database) into the archive; ``load`` brings the
archive's events back into a DuckDB file for the dashboard.
"""
