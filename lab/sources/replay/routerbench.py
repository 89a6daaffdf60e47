"""The RouterBench wide format (withmartian/routerbench): one row per prompt, columns per model.

Columns: `prompt`, optional `sample_id` and `eval_name`, then for every model a quality column
named after it, optional `<model>|total_cost` (USD) and `<model>|model_response` (the answer, whose
tokens are counted). `oracle_model_to_route_to` and other `|` columns are ignored. A row where a
model has no outcome is kept here (NaN) and dropped, with a count in the notes, when the models to
replay are chosen.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lab.core.errors import DataError
from lab.sources.outcome_files import read_table
from lab.sources.outcome_values import nonnegative, require_columns, text_column, unit_scores
from lab.sources.outcomes import OutcomeTable

IGNORED = frozenset({"sample_id", "prompt", "eval_name", "oracle_model_to_route_to"})
COST, RESPONSE = "|total_cost", "|model_response"


def parse_routerbench(data: bytes, filename: str) -> OutcomeTable:
    """An OutcomeTable from a RouterBench-format file (.csv, .jsonl or .parquet)."""
    return routerbench_table(read_table(data, filename), filename)


def quality_columns(columns: list[str]) -> tuple[str, ...]:
    """The columns a RouterBench-format table holds model qualities in (named after the model)."""
    return tuple(c for c in columns if "|" not in c and c not in IGNORED and not str(c).startswith("Unnamed:"))


def routerbench_table(frame: pd.DataFrame, filename: str) -> OutcomeTable:
    """An OutcomeTable from a table already read in the RouterBench wide format."""
    require_columns(frame, ["prompt"], filename)
    models = quality_columns(list(frame.columns))
    for column in frame.columns:
        if column.endswith((COST, RESPONSE)) and column.rsplit("|", 1)[0] not in models:
            raise DataError(
                "has no matching quality column for its model",
                file=filename,
                column=column,
                fix="each model needs a column named after it holding its quality",
            )
    if len(models) < 2:
        raise DataError(
            f"has {len(models)} model quality column(s); routing needs at least 2",
            file=filename,
            fix="one quality column per model, named after the model",
        )
    n = len(frame)
    quality = np.column_stack([unit_scores(frame, model, filename, allow_missing=True) for model in models])
    has_cost = all(f"{m}{COST}" in frame for m in models)
    cost = np.column_stack([nonnegative(frame, f"{m}{COST}", filename) for m in models]) if has_cost else None
    answers = np.empty((n, len(models)), dtype=object)
    for j, model in enumerate(models):
        column = f"{model}{RESPONSE}"
        if column in frame:
            answers[:, j] = frame[column].where(frame[column].notna(), None).astype(object).to_numpy()
    ids = frame["sample_id"].astype(str).to_numpy(dtype=object) if "sample_id" in frame else np.arange(1, n + 1)
    category = (
        frame["eval_name"].fillna("(none)").astype(str).to_numpy(dtype=object)
        if "eval_name" in frame
        else np.full(n, "all", dtype=object)
    )
    notes = [f"{n:,} prompts replayed from the RouterBench-format file {filename}"]
    if not has_cost:
        notes.append("no <model>|total_cost columns for every model: cost is tokens x price")
    return OutcomeTable(
        name=f"RouterBench {filename}",
        model_names=models,
        ids=ids,
        text=text_column(frame, "prompt", filename),
        category=category,
        quality=quality,
        output_tokens=np.full(quality.shape, np.nan),
        cost_usd=cost,
        answers=answers,
        notes=tuple(notes),
    )
