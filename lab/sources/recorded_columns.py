"""The live-run columns of the outcome format: run headers, measured signals, grading, and how they are read.

A live run (lab.live) writes the lab's outcome format plus these optional columns, which any
outcome log may carry:

    <model>-suffixed: latency_ms, answer, finish_reason, verdict, grade_method, judge_cost_usd,
                      confidence, confidence_method, confidence_cost_usd, confidence_latency_ms
    per query:        reference, router_rating, router_reply, router_malformed, router_cost_usd,
                      router_latency_ms

and, in JSONL, header lines {"routing_lab_run": {...}} naming the models, the endpoint host, the
date, the prompt templates and the lab version (no row of outcomes: they are set aside on reading).
A verdict of "malformed" leaves that answer's quality empty: the query is dropped on replay, with a
note, rather than guessed. Router ratings and confidences become a RecordedSignals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lab.core.errors import DataError
from lab.core.recordings import RecordedSignals

RUN_HEADER_KEY = "routing_lab_run"
MODEL_PREFIXES = (
    "latency_ms:",
    "answer:",
    "finish_reason:",
    "verdict:",
    "grade_method:",
    "judge_cost_usd:",
    "confidence:",
    "confidence_method:",
    "confidence_cost_usd:",
    "confidence_latency_ms:",
)
QUERY_COLUMNS = (
    "reference",
    "router_rating",
    "router_reply",
    "router_malformed",
    "router_cost_usd",
    "router_latency_ms",
)
VERDICTS = ("correct", "incorrect", "malformed")
CONFIDENCE_METHODS = ("logprob", "verbalised", "verbalised-malformed")
FIX = "these columns are written by `routing-lab live run`; see docs/live.md for their meaning"


def is_recorded_column(column: str) -> bool:
    """Whether `column` is one of the live-run columns (model-suffixed or per query)."""
    if column in QUERY_COLUMNS or column == RUN_HEADER_KEY:
        return True
    return any(column.startswith(prefix) and len(column) > len(prefix) for prefix in MODEL_PREFIXES)


def strip_run_headers(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """The table without its run-header rows, and those headers (oldest first)."""
    if RUN_HEADER_KEY not in frame.columns:
        return frame, []
    is_header = frame[RUN_HEADER_KEY].notna().to_numpy()
    headers = [h for h in frame.loc[is_header, RUN_HEADER_KEY] if isinstance(h, dict)]
    rows = frame.loc[~is_header].drop(columns=[RUN_HEADER_KEY]).reset_index(drop=True)
    return rows, headers


def ungraded(frame: pd.DataFrame, model: str) -> np.ndarray:
    """Rows whose answer by `model` has no usable verdict (the judge's reply was malformed)."""
    column = f"verdict:{model}"
    if column not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return (frame[column].astype(str).str.lower() == "malformed").to_numpy()


def _numbers(frame: pd.DataFrame, column: str, filename: str, low: float, high: float) -> np.ndarray:
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    unreadable = np.isnan(values) & frame[column].notna().to_numpy()
    bad = unreadable | (values < low) | (values > high)
    if bad.any():
        row = int(np.argmax(bad)) + 1
        raise DataError(f"is not a number in [{low:g}, {high:g}]", file=filename, row=row, column=column, fix=FIX)
    return values


def _labels(frame: pd.DataFrame, column: str, filename: str, allowed: tuple[str, ...]) -> np.ndarray:
    values = frame[column].astype(object).where(frame[column].notna(), None).to_numpy(dtype=object)
    bad = np.array([v is not None and str(v) not in allowed for v in values], dtype=bool)
    if bad.any():
        row = int(np.argmax(bad)) + 1
        raise DataError(f"is not one of {', '.join(allowed)}", file=filename, row=row, column=column, fix=FIX)
    return values


def check_columns(columns: list[str], model_names: tuple[str, ...], filename: str) -> None:
    """Every model-suffixed live column names a model of the log; else a DataError naming the column."""
    for column in columns:
        prefix = next((p for p in MODEL_PREFIXES if column.startswith(p)), None)
        if prefix is not None and column[len(prefix) :] not in model_names:
            raise DataError(
                f"names no model of this log (models: {', '.join(model_names)})", file=filename, column=column, fix=FIX
            )


def parse_recorded(
    frame: pd.DataFrame, filename: str, model_names: tuple[str, ...], headers: list[dict]
) -> RecordedSignals | None:
    """The router ratings and confidences a live run recorded in `frame`, or None when it holds none."""
    check_columns(list(frame.columns), model_names, filename)
    has_router = "router_rating" in frame.columns
    confidence_models = [m for m in model_names if f"confidence:{m}" in frame.columns]
    if not has_router and not confidence_models:
        return None
    header = headers[0] if headers else {}
    rec: dict = {"router_model": header.get("router_model"), "router_fallback_rating": 10.0}
    if isinstance(header.get("router_fallback_rating"), (int, float)):
        rec["router_fallback_rating"] = float(header["router_fallback_rating"])
    optional = {"router_cost_usd": (0.0, np.inf), "router_latency_ms": (0.0, np.inf)}
    if has_router:
        rec["router_rating"] = _numbers(frame, "router_rating", filename, 1, 10)
        if "router_malformed" in frame.columns:
            flags = frame["router_malformed"].map(lambda v: str(v).strip().lower() in ("true", "1", "1.0"))
            rec["router_malformed"] = flags.to_numpy(dtype=bool)
        for column, (low, high) in optional.items():
            if column in frame.columns:
                rec[column] = _numbers(frame, column, filename, low, high)
    groups: dict[str, dict[str, np.ndarray]] = {
        "confidence": {},
        "confidence_method": {},
        "confidence_cost_usd": {},
        "confidence_latency_ms": {},
    }
    for model in confidence_models:
        groups["confidence"][model] = _numbers(frame, f"confidence:{model}", filename, 0, 1)
        if f"confidence_method:{model}" in frame.columns:
            groups["confidence_method"][model] = _labels(
                frame, f"confidence_method:{model}", filename, CONFIDENCE_METHODS
            )
        for group in ("confidence_cost_usd", "confidence_latency_ms"):
            if f"{group}:{model}" in frame.columns:
                groups[group][model] = _numbers(frame, f"{group}:{model}", filename, 0, np.inf)
    for model in model_names:
        if f"verdict:{model}" in frame.columns:
            _labels(frame, f"verdict:{model}", filename, VERDICTS)
    return RecordedSignals(**rec, **groups)  # type: ignore[arg-type]


def answers_of(frame: pd.DataFrame, model_names: tuple[str, ...]) -> np.ndarray | None:
    """The recorded answer texts (n, m), None where absent; None when the log has no answer:<model> column."""
    if not any(f"answer:{m}" in frame.columns for m in model_names):
        return None
    columns = []
    for model in model_names:
        column = f"answer:{model}"
        if column in frame.columns:
            columns.append(frame[column].astype(object).where(frame[column].notna(), None).to_numpy(dtype=object))
        else:
            columns.append(np.full(len(frame), None, dtype=object))
    return np.column_stack(columns)


def run_notes(headers: list[dict], frame: pd.DataFrame, model_names: tuple[str, ...]) -> tuple[str, ...]:
    """Notes for people: which live run wrote the log, and how many verdicts were malformed."""
    notes = []
    if headers:
        first = headers[0]
        notes.append(
            f"recorded by a live run (Routing Lab {first.get('lab_version', '?')}, started {first.get('started_utc', '?')}, "
            f"endpoint {', '.join(sorted({str(m.get('endpoint', '?')) for m in first.get('models', [])})) or '?'})"
        )
    for model in model_names:
        count = int(ungraded(frame, model).sum())
        if count:
            notes.append(
                f"the judge's verdict on {count:,} answers by {model} was malformed: those queries have no quality "
                "and are left out (never guessed)"
            )
    return tuple(notes)
