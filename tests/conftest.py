"""Shared fixtures: the real AIS corpus beside the checkout, and helpers to run the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "ais-corpus"
FIXTURES = REPO / "fixtures" / "ais"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """``../shared/ais-corpus`` (real recordings with provenance); skip when absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"real AIS corpus not found at {CORPUS}")
    return CORPUS


def run_cli(
    *args: str, env: dict | None = None, input: bytes | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    """Run ``python -m maritime.cli ARGS`` in a subprocess, capturing text output."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("MARITIME_DEBUG", None)
    result = subprocess.run(
        [sys.executable, "-m", "maritime.cli", *args],
        cwd=REPO,
        env=full_env,
        input=input,
        capture_output=True,
        timeout=timeout,
    )
    result.stdout = result.stdout.decode("utf-8", "replace")
    result.stderr = result.stderr.decode("utf-8", "replace")
    return result
