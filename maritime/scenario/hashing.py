"""Counter-based random draws of the scenario generator (a developer tool).

Every per-report random draw is a pure function of (seed, stream, ids), so the output does not
depend on how the time line is cut into windows. The mixer is splitmix64's finaliser
(Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

U64Array = npt.NDArray[np.uint64]

_G = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _mix(x: U64Array) -> U64Array:
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


def h64(*parts: int | npt.NDArray[np.integer[Any]]) -> U64Array:
    """splitmix64-style hash of integer parts (scalars or equal-length arrays) → uint64 array."""
    with np.errstate(over="ignore"):
        h = np.zeros(1, dtype=np.uint64)
        for p in parts:
            v = np.asarray(p, dtype=np.int64).astype(np.uint64)
            h = _mix(h + v * _G + np.uint64(0x632BE59BD9B4E019))
        return h


def u01(*parts: int | npt.NDArray[np.integer[Any]]) -> npt.NDArray[np.float64]:
    """Uniform floats in [0, 1) from :func:`_h64`."""
    return (h64(*parts) >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)


# streams of the hash (arbitrary distinct constants)
S_JITTER, S_KEEP, S_LOSS, S_DUP, S_SAT, S_CHAN, S_TYPE, S_SOG, S_COG, S_HDG = range(101, 111)
S_NA, S_NOISE, S_NOISEARG, S_SEC, S_ROT, S_RADIO, S_DUPDT, S_T27, S_JUNK, S_SATDUP = range(111, 121)
