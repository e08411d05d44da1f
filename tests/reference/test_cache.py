"""Disk cache location of the reference data (maritime.reference.cache)."""

from __future__ import annotations

from pathlib import Path

from maritime.reference.cache import cache_dir


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MARITIME_CACHE_DIR", str(tmp_path))
    assert cache_dir() == tmp_path
    monkeypatch.setenv("MARITIME_CACHE_DIR", "")
    assert cache_dir() is None
    monkeypatch.delenv("MARITIME_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == Path(tmp_path / "xdg" / "maritime")
