"""python -m maritime.scenario (the command line)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from maritime.scenario.__main__ import main as cli_main


def test_cli_writes_recording_and_truth(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli.nmea.gz"
    assert cli_main(["--seed", "2", "--hours", "1", "--vessels", "25", "--no-events", "--out", str(out)]) == 0
    truth = json.loads(Path(str(out) + ".truth.json").read_text())
    assert truth["seed"] == 2 and truth["parameters"]["hours"] == 1.0 and truth["events"] == []
    assert truth["start"] == "2025-01-15T00:00:00Z" and truth["end"] == "2025-01-15T01:00:00Z"
    with gzip.open(out, "rt") as f:
        assert sum(1 for _ in f) == truth["lines_total"]
    assert "wrote" in capsys.readouterr().out
