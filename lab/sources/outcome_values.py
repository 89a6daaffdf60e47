"""Value checks shared by every reader of recorded outcomes: vectorised, naming the first bad row and column."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lab.core.errors import DataError

_TRUE = frozenset({"true", "t", "yes", "1", "1.0"})
_FALSE = frozenset({"false", "f", "no", "0", "0.0"})


def require_columns(frame: pd.DataFrame, columns: list[str], filename: str) -> None:
    """Every column in `columns` is present; else a DataError naming the first missing one."""
    for column in columns:
        if column not in frame.columns:
            found = ", ".join(list(frame.columns)[:8]) + (" ..." if len(frame.columns) > 8 else "")
            raise DataError(f"is missing (columns found: {found or 'none'})", file=filename, column=column)


def fail_at(mask: np.ndarray, problem: str, filename: str, column: str, fix: str | None = None) -> None:
    """A DataError naming the first row where `mask` holds (and how many rows do), if any does."""
    if mask.any():
        row = int(np.argmax(mask)) + 1
        count = int(mask.sum())
        more = f" ({count:,} rows in all)" if count > 1 else ""
        raise DataError(problem + more, file=filename, row=row, column=column, fix=fix)


def _as_float(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(values, bad): numbers, booleans and 'true'/'false' strings as floats; NaN where missing; bad where unreadable."""
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        return values, np.zeros(len(values), dtype=bool)
    missing = series.isna().to_numpy()
    lowered = series.astype(str).str.strip().str.lower()
    values = np.full(len(series), np.nan)
    values[lowered.isin(_TRUE).to_numpy()] = 1.0
    values[lowered.isin(_FALSE).to_numpy()] = 0.0
    rest = np.isnan(values) & ~missing
    if rest.any():
        numbers = pd.to_numeric(
            series[rest].map(lambda v: v if isinstance(v, (int, float, str)) and not isinstance(v, bool) else None),
            errors="coerce",
        ).to_numpy(dtype=np.float64, na_value=np.nan)
        values[rest] = numbers
    bad = np.isnan(values) & ~missing
    return values, bad


def correctness(frame: pd.DataFrame, column: str, filename: str) -> np.ndarray:
    """A True/False column (also 1/0, 'true'/'false') as 0.0/1.0; anything else is a DataError."""
    values, bad = _as_float(frame[column])
    fail_at(
        bad | ((values != 0) & (values != 1) & ~np.isnan(values)),
        "is not a boolean (expected True or False)",
        filename,
        column,
        "write True/False (or 1/0) for whether the answer was correct",
    )
    fail_at(np.isnan(values), "has no value", filename, column, "every query needs an outcome for every model")
    return values


def unit_scores(frame: pd.DataFrame, column: str, filename: str, allow_missing: bool = False) -> np.ndarray:
    """A quality column: True/False or numbers in [0, 1]; NaN where missing (only if allowed)."""
    values, bad = _as_float(frame[column])
    fail_at(bad, "is not a number or a boolean", filename, column, "quality is True/False or a number in [0, 1]")
    fail_at(
        np.isinf(values) | (values < 0) | (values > 1),
        "is outside [0, 1]",
        filename,
        column,
        "normalise scores to [0, 1]; a 1-10 judge score s becomes (s - 1) / 9",
    )
    if not allow_missing:
        fail_at(np.isnan(values), "has no value", filename, column, "every query needs an outcome for every model")
    return values


MAX_TOKENS = 100_000_000  # more tokens than any model's context: a unit or export mistake


def nonnegative(
    frame: pd.DataFrame, column: str, filename: str, allow_missing: bool = True, upper: float | None = None
) -> np.ndarray:
    """A count or an amount (tokens, USD): finite, >= 0 and at most `upper`; NaN where missing (only if allowed)."""
    values, bad = _as_float(frame[column])
    fail_at(bad, "is not a number", filename, column)
    fail_at(np.isinf(values), "is infinite", filename, column)
    fail_at(values < 0, "is negative", filename, column, "tokens and costs are >= 0")
    if upper is not None:
        fail_at(values > upper, f"is above {upper:,.0f}", filename, column, "check the unit of this column")
    if not allow_missing:
        fail_at(np.isnan(values), "has no value", filename, column)
    return values


def text_column(frame: pd.DataFrame, column: str, filename: str) -> np.ndarray:
    """A text column as an object array of str; a missing text is a DataError."""
    series = frame[column]
    fail_at(series.isna().to_numpy(), "has no text", filename, column, "every query needs its text")
    return series.astype(str).to_numpy(dtype=object)
