"""Apache Spark reads the archive as it stands (a real local Spark session, in a child process).

Skipped where pyspark or Java is missing; ``.ci/run`` installs both (Debian's
``default-jre-headless`` and pyspark from PyPI), as it installs Chromium for the browser tests.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from maritime.archive.export import mirror_database
from maritime.archive.layout import open_archive
from maritime.store.database import Store
from tests.archive.conftest import db_day_counts, db_query

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java (apt-get install default-jre-headless)", allow_module_level=True)

READ = r"""
import json, sys
from pyspark.sql import SparkSession
spark = SparkSession.builder.master("local[1]").appName("archive").getOrCreate()
spark.sparkContext.setLogLevel("ERROR")
root = sys.argv[1]
pos = spark.read.parquet(root + "/positions")
out = {
    "schema": {f.name: f.dataType.simpleString() for f in pos.schema.fields},
    "days": {str(r["day"]): r["count"] for r in pos.groupBy("day").count().collect()},
    "cells": pos.select("cell").distinct().count(),
    "by_type": {str(r["msg_type"]): r["count"] for r in pos.groupBy("msg_type").count().collect()},
    "mmsi_sum": pos.selectExpr("sum(mmsi)").collect()[0][0],
    "events": spark.read.parquet(root + "/events").count(),
    "vessels": spark.read.parquet(root + "/vessels").count(),
}
print("RESULT " + json.dumps(out))
spark.stop()
"""


def test_spark_reads_positions_events_and_vessels(sample_db_master: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    shutil.copy(sample_db_master, db)
    store = Store(db)
    try:
        from maritime.detect.runner import run_detection

        run_detection(store.con)
        mirror_database(store.con, open_archive(str(tmp_path / "arch")), cell_deg=5.0)
    finally:
        store.close()
    run = subprocess.run(
        [sys.executable, "-c", READ, str(tmp_path / "arch")], capture_output=True, text=True, timeout=300
    )
    lines = [x for x in run.stdout.splitlines() if x.startswith("RESULT ")]
    assert lines, run.stderr[-2000:]
    got = json.loads(lines[0][len("RESULT ") :])
    assert got["schema"]["day"] == "date"
    assert got["schema"]["ts"] == "timestamp"
    assert got["schema"]["cell"] == "string"
    assert got["schema"]["payload_hash"] == "decimal(20,0)"  # as the README says
    assert got["days"] == db_day_counts(db)
    by_type = {str(t): n for t, n in db_query(db, "SELECT msg_type, count(*) FROM positions GROUP BY ALL")}
    assert got["by_type"] == by_type
    assert got["mmsi_sum"] == db_query(db, "SELECT sum(mmsi) FROM positions")[0][0]
    assert (
        got["cells"]
        == db_query(db, "SELECT count(DISTINCT (floor((lat + 90) / 5), floor((lon + 180) / 5))) FROM positions")[0][0]
    )
    assert got["events"] == db_query(db, "SELECT count(*) FROM events")[0][0] > 0
    assert got["vessels"] == db_query(db, "SELECT count(*) FROM vessels")[0][0]
