"""The README's promises: its example SQL runs on the demo database and returns rows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from maritime.demo import sample_path
from maritime.detect.runner import run_detection
from maritime.ingest.options import IngestOptions
from maritime.ingest.recordings import ingest_paths
from maritime.store.database import Store
from tests.conftest import REPO


def _statements(fence: str = "sql") -> list[str]:
    readme = (REPO / "README.md").read_text()
    out = []
    for block in re.findall(rf"```{fence}\n(.*?)```", readme, re.S):
        for stmt in block.split(";"):
            sql = "\n".join(line.split("--")[0] for line in stmt.splitlines()).strip()
            if sql:
                out.append(sql)
    return out


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("readme") / "demo.duckdb")
    ingest_paths(store, [str(sample_path())], IngestOptions())
    run_detection(store.con)
    yield store
    store.close()


def test_readme_has_example_queries() -> None:
    assert len(_statements()) >= 6


@pytest.mark.parametrize("sql", _statements(), ids=lambda s: s.split("\n")[0][:40])
def test_readme_query_runs_on_the_demo(demo_db: Store, sql: str) -> None:
    rows = demo_db.con.execute(sql).fetchall()
    assert rows, f"README query returned nothing on the demo database:\n{sql}"


@pytest.fixture(scope="module")
def demo_archive(demo_db: Store, tmp_path_factory) -> str:
    from maritime.archive.export import mirror_database
    from maritime.archive.layout import open_archive

    dest = tmp_path_factory.mktemp("readme-archive") / "archive"
    mirror_database(demo_db.con, open_archive(str(dest)))
    return dest.as_posix()


def test_readme_has_archive_queries() -> None:
    assert len(_statements("sql archive")) >= 3


@pytest.mark.parametrize("sql", _statements("sql archive"), ids=lambda s: s.split("\n")[0][:40])
def test_readme_archive_query_runs_on_the_demo_archive(demo_archive: str, sql: str) -> None:
    import duckdb

    rows = duckdb.connect().execute(sql.replace("'DEST/", f"'{demo_archive}/")).fetchall()
    assert rows, f"README archive query returned nothing on the demo archive:\n{sql}"


def test_readme_names_every_command() -> None:
    from maritime.cli import COMMANDS

    readme = (REPO / "README.md").read_text()
    for command in COMMANDS:
        assert f"maritime {command}" in readme, command
    assert Path(REPO / ".ci" / "run").read_text().count("pytest") >= 1
