"""Where the reference data decoded or built from the bundled files are cached on disk.

The decoded shore grid (:mod:`maritime.reference.shoregrid`), the bundled ports' candidate grid
and coordinates (:mod:`maritime.reference.portgrid`, :mod:`maritime.reference.coast`) are kept
there so that later processes read them back instead of rebuilding them.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path | None:
    """Where the decoded grid is cached on disk, or None when disk caching is off.

    ``$MARITIME_CACHE_DIR`` if set (an empty value turns the disk cache off), else
    ``$XDG_CACHE_HOME/maritime`` or ``~/.cache/maritime``.
    """
    env = os.environ.get("MARITIME_CACHE_DIR")
    if env is not None:
        return Path(env) if env.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "maritime"
