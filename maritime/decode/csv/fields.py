"""Field conversions of the CSV reader: Arrow columns (typed, or text) to numpy values.

Each function accepts the typed Arrow column the CSV parser produced or, where a column did
not convert, its text; text that means "empty" (:data:`CSV_NULLS`) is NaN / NULL. Times are
int64 microseconds since 1970-01-01 UTC, :data:`INT64_MIN` where unparsable or outside
1970..2099 (a time that far out usually means a wrong ``unix_s``/``unix_ms``).
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]

# 1970-01-01 .. 2100-01-01 (exclusive) in microseconds.
_TS_MIN_US = 0
_TS_MAX_US = 4_102_444_800 * 1_000_000

_FLOAT_RE = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
# Shapes that Arrow's strict ISO cast handles (naive, 'T' or ' ', optional seconds/fraction).
_ISO_FAST_RE = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$"
# Anything else must at least start with a date and a time to be handed to pandas.
_ISO_SLOW_RE = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"
_ISO_CAST_ERROR = re.compile(r"Failed to parse string: '([^']*)'")

#: The time of a row whose time is missing or does not parse.
INT64_MIN = int(np.iinfo(np.int64).min)
#: Texts that mean "empty" in a numeric or time column (the CSV parser's null_values too).
CSV_NULLS = ["", "nan", "NaN", "NAN", "na", "NA", "n/a", "N/A", "null", "NULL", "Null", "none", "None", "NONE"]
_NULLS_ARRAY = pa.array(CSV_NULLS)


def np_bool(a: pa.Array) -> Mask:
    """A boolean Arrow array as a numpy mask, NULL as False."""
    return np.asarray(pc.fill_null(a, False).to_numpy(zero_copy_only=False), dtype=bool)


def is_text(a: pa.Array | pa.ChunkedArray) -> bool:
    """Whether a column is text (it did not convert to its type)."""
    return bool(pa.types.is_string(a.type) or pa.types.is_large_string(a.type))


def numbers(col: pa.Array | pa.ChunkedArray) -> tuple[FloatArray, Mask]:
    """``(float64 values, NaN for empty / not a number, bad mask)``; bad = non-empty, unparsable."""
    if not is_text(col):
        vals = np.array(col.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
        return vals, np.zeros(len(vals), dtype=bool)
    s = pc.utf8_trim_whitespace(col)
    empty = pc.is_in(s, value_set=_NULLS_ARRAY)
    try:  # fast path: every non-empty value is a plain number
        vals = pc.cast(pc.if_else(empty, pa.scalar(None, s.type), s), pa.float64())
        out = np.array(vals.to_numpy(zero_copy_only=False), dtype=np.float64)
        if not np.isinf(out).any():
            return out, np.zeros(len(out), dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    ok = pc.match_substring_regex(s, _FLOAT_RE)
    vals = pc.cast(pc.if_else(ok, s, pa.scalar(None, s.type)), pa.float64())
    out = np.array(vals.to_numpy(zero_copy_only=False), dtype=np.float64)  # writable copy
    bad = ~np_bool(ok) & ~np_bool(empty)
    return out, bad


def dictionary(col: pa.Array | pa.ChunkedArray) -> pa.DictionaryArray:
    """``col`` dictionary-encoded as one array (distinct values once, then codes)."""
    encoded = pc.dictionary_encode(col)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.unify_dictionaries().combine_chunks()
    return encoded


def is_class_b(col: pa.Array | pa.ChunkedArray) -> Mask:
    """Mask of TransceiverClass "B" (case and spaces ignored), computed on the distinct values."""
    encoded = dictionary(col)
    words = pc.utf8_upper(pc.utf8_trim_whitespace(encoded.dictionary.cast(pa.string())))
    is_b = np.append(np_bool(pc.equal(words, "B")), False)
    return np.asarray(is_b[pc.fill_null(encoded.indices, len(words)).to_numpy(zero_copy_only=False)], dtype=np.bool_)


def int_in(vals: FloatArray, lo: float, hi: float) -> Mask:
    """Mask of values that are integral and within [lo, hi]."""
    with np.errstate(invalid="ignore"):
        return np.asarray((vals >= lo) & (vals <= hi) & (np.floor(vals) == vals), dtype=np.bool_)


def _parse_iso(col: pa.Array) -> IntArray:
    """ISO 8601 text -> int64 microseconds since epoch UTC; unparsable -> INT64_MIN."""
    n = len(col)
    s = pc.utf8_trim_whitespace(col)
    out = np.full(n, INT64_MIN, dtype=np.int64)
    fast = np_bool(pc.match_substring_regex(s, _ISO_FAST_RE))
    slow = ~fast & np_bool(pc.match_substring_regex(s, _ISO_SLOW_RE))
    if fast.any():
        masked = pc.if_else(pa.array(fast), s, pa.scalar(None, s.type))
        for _ in range(16):
            try:
                vals = pc.cast(masked, pa.timestamp("us")).cast(pa.int64()).to_numpy(zero_copy_only=False)
                out[fast] = vals[fast]
                break
            except pa.ArrowInvalid as exc:
                # An impossible date (month 13, Feb 30, hour 24): drop that value, try again.
                m = _ISO_CAST_ERROR.search(str(exc))
                if not m:
                    slow |= fast
                    break
                same = pc.fill_null(pc.equal(masked, m.group(1)), False)
                masked = pc.if_else(same, pa.scalar(None, s.type), masked)
                fast &= ~np_bool(same)
        else:  # many different impossible dates: let pandas sort them out
            slow |= fast
    if slow.any():
        idx = np.flatnonzero(slow)
        texts = pd.Series(s.take(pa.array(idx)).to_pylist(), dtype=object)
        parsed = pd.to_datetime(texts, format="ISO8601", errors="coerce", utc=True)
        good = ~parsed.isna().to_numpy()
        vals = parsed.dt.tz_localize(None).to_numpy().astype("datetime64[us]").view(np.int64)
        out[idx[good]] = vals[good]
    return out


def times(col: pa.Array | pa.ChunkedArray, time_format: str) -> IntArray:
    """int64 microseconds since epoch UTC; unparsable or outside 1970..2099 -> INT64_MIN."""
    if pa.types.is_timestamp(col.type):
        us = np.array(
            pc.fill_null(col.cast(pa.timestamp("us")).cast(pa.int64()), INT64_MIN).to_numpy(zero_copy_only=False),
            dtype=np.int64,
        )
    elif time_format == "iso":
        us = _parse_iso(col)
    else:
        vals, _ = numbers(col)
        scale = 1e6 if time_format == "unix_s" else 1e3
        with np.errstate(invalid="ignore", over="ignore"):
            scaled = np.rint(vals * scale)
            ok = np.isfinite(scaled) & (scaled >= _TS_MIN_US) & (scaled < _TS_MAX_US)
        us = np.full(len(vals), INT64_MIN, dtype=np.int64)
        us[ok] = scaled[ok].astype(np.int64)
    us[(us < _TS_MIN_US) | (us >= _TS_MAX_US)] = INT64_MIN
    return us
