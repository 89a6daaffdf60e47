"""The user's own outcome logs: they use the outcome-matrix format below (CSV, JSONL or Parquet); README's
"Your own logs" section shows it with an example. Column names:

    text                     required  the query as sent to the model
    id                       optional  a unique query id (default: the row number)
    category                 optional  any label (default: "all")
    prompt_tokens            optional  counted with litellm's tokenizer when absent
    quality:<model>          required  for two or more models, cheapest first: True/False or a number in [0, 1]
    output_tokens:<model>    optional  that model's answer length in tokens
    cost_usd:<model>         optional  the recorded USD cost of that call (for every model, or for none)

A live run adds optional columns (measured latency, answers, verdicts, router ratings, cascade
confidences) and JSONL run headers; lab.sources.recorded_columns reads them.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from lab.core.errors import DataError
from lab.core.queryset import QuerySet
from lab.sources import recorded_columns
from lab.sources.outcome_files import read_table
from lab.sources.outcome_values import MAX_TOKENS, fail_at, nonnegative, text_column, unit_scores
from lab.sources.outcomes import OutcomeTable, to_queryset

MAX_OUTCOME_LOG_BYTES = 200_000_000  # the largest log the lab parses (an upload or a file)
DEFAULT_OUTPUT_TOKENS = 200.0  # assumed answer length of a log without output_tokens columns

_BASE_COLUMNS = ("id", "text", "category", "prompt_tokens")
_MODEL_PREFIXES = ("quality:", "output_tokens:", "cost_usd:")
SCHEMA_HELP = (
    "columns: text, optional id, category, prompt_tokens; then quality:<model> for each model (cheapest first), "
    "optional output_tokens:<model> and cost_usd:<model>"
)


class ModelColumns(BaseModel):
    """One model's columns in an outcome log."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, description="the model, as in its column names")
    output_tokens: bool = Field(default=False, description="an output_tokens:<model> column is present")
    cost_usd: bool = Field(default=False, description="a cost_usd:<model> column is present")


class OutcomeSchema(BaseModel):
    """The columns of an outcome log, validated: text, two or more models, cost for all models or none."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    has_id: bool = False
    has_category: bool = False
    has_prompt_tokens: bool = False
    models: list[ModelColumns] = Field(min_length=2)

    @model_validator(mode="after")
    def _consistent(self) -> OutcomeSchema:
        with_cost = [m.name for m in self.models if m.cost_usd]
        if with_cost and len(with_cost) != len(self.models):
            lacking = next(m.name for m in self.models if not m.cost_usd)
            raise ValueError(f"cost_usd:{lacking} is missing: give cost_usd for every model or for none")
        return self

    @classmethod
    def from_columns(cls, columns: list[str], filename: str) -> OutcomeSchema:
        """The schema a header describes; an unknown or incomplete column set is a DataError."""
        models: dict[str, dict[str, bool]] = {}
        extra: dict[str, list[str]] = {"output_tokens": [], "cost_usd": []}
        for column in columns:
            if column in _BASE_COLUMNS or recorded_columns.is_recorded_column(column):
                continue
            prefix = next((p for p in _MODEL_PREFIXES if column.startswith(p)), None)
            if prefix is None or not column[len(prefix) :]:
                raise DataError("is not a column of the outcome format", file=filename, column=column, fix=SCHEMA_HELP)
            model = column[len(prefix) :]
            if prefix == "quality:":
                models[model] = {"output_tokens": False, "cost_usd": False}
            else:
                extra[prefix[:-1]].append(model)
        if "text" not in columns:
            raise DataError("is missing", file=filename, column="text", fix=SCHEMA_HELP)
        for kind, names in extra.items():
            for model in names:
                if model not in models:
                    raise DataError(
                        f"has no matching quality:{model} column",
                        file=filename,
                        column=f"{kind}:{model}",
                        fix=SCHEMA_HELP,
                    )
                models[model][kind] = True
        try:
            return cls(
                has_id="id" in columns,
                has_category="category" in columns,
                has_prompt_tokens="prompt_tokens" in columns,
                models=[ModelColumns(name=name, **flags) for name, flags in models.items()],
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            problem = first["msg"].removeprefix("Value error, ")
            if first["loc"] and first["loc"][0] == "models" and first["type"] == "too_short":
                problem = f"names {len(models)} model(s) with a quality:<model> column; routing needs at least 2"
            raise DataError(problem, file=filename, fix=SCHEMA_HELP) from None


def parse_outcome_table(frame: pd.DataFrame, filename: str) -> OutcomeTable:
    """An OutcomeTable from a table in the lab's outcome format (see the module docstring)."""
    frame, run_headers = recorded_columns.strip_run_headers(frame)
    schema = OutcomeSchema.from_columns(list(frame.columns), filename)
    n = len(frame)
    text = text_column(frame, "text", filename)
    if schema.has_id:
        id_series = frame["id"]
        fail_at(id_series.isna().to_numpy(), "has no value", filename, "id")
        ids = id_series.astype(str).to_numpy(dtype=object)
        fail_at(pd.Series(ids).duplicated().to_numpy(), "repeats an earlier id", filename, "id", "ids must be unique")
    else:
        ids = np.arange(1, n + 1)
    category = (
        frame["category"].fillna("(none)").astype(str).to_numpy(dtype=object)
        if schema.has_category
        else np.full(n, "all", dtype=object)
    )
    prompt = None
    if schema.has_prompt_tokens:
        prompt = np.rint(nonnegative(frame, "prompt_tokens", filename, allow_missing=False, upper=MAX_TOKENS)).astype(
            np.int64
        )
    names = tuple(m.name for m in schema.models)
    quality = np.column_stack([_quality(frame, name, filename) for name in names])
    output = np.column_stack(
        [
            nonnegative(frame, f"output_tokens:{m.name}", filename, upper=MAX_TOKENS)
            if m.output_tokens
            else np.full(n, np.nan)
            for m in schema.models
        ]
    )
    cost = None
    if schema.models[0].cost_usd:
        cost = np.column_stack(
            [nonnegative(frame, f"cost_usd:{name}", filename, allow_missing=False) for name in names]
        )
    return OutcomeTable(
        name=filename,
        model_names=names,
        ids=ids,
        text=text,
        category=category,
        quality=quality,
        output_tokens=output,
        prompt_tokens=prompt,
        cost_usd=cost,
        answers=recorded_columns.answers_of(frame, names),
        notes=(
            f"{n:,} queries replayed from the log {filename}, quality as logged",
            *recorded_columns.run_notes(run_headers, frame, names),
        ),
        recorded=recorded_columns.parse_recorded(frame, filename, names, run_headers),
    )


def _quality(frame: pd.DataFrame, model: str, filename: str) -> np.ndarray:
    """A model's quality column; empty only where a live run's judge gave a malformed verdict."""
    column = f"quality:{model}"
    values = unit_scores(frame, column, filename, allow_missing=True)
    excused = recorded_columns.ungraded(frame, model)
    fail_at(
        np.isnan(values) & ~excused, "has no value", filename, column, "every query needs an outcome for every model"
    )
    return values


def parse_outcome_log(data: bytes, filename: str, typical_output_tokens: Mapping[str, float] | None = None) -> QuerySet:
    """A QuerySet from the bytes of an outcome log (.csv, .jsonl, .parquet), models in column order.

    Raises DataError naming the file, row and column of the first problem. Logs larger than
    MAX_OUTCOME_LOG_BYTES are refused.
    """
    if len(data) > MAX_OUTCOME_LOG_BYTES:
        raise DataError(
            f"is {len(data) / 1e6:,.0f} MB, above the limit of {MAX_OUTCOME_LOG_BYTES / 1e6:,.0f} MB",
            file=filename,
            fix="split the log or keep a sample of it",
        )
    table = parse_outcome_table(read_table(data, filename), filename)
    return to_queryset(
        table,
        table.model_names,
        typical_output_tokens=typical_output_tokens,
        default_output_tokens=DEFAULT_OUTPUT_TOKENS,
    )
