"""Recorded outcomes: the outcome table every replay source produces, its value checks, and the user's log format.

An OutcomeTable is the outcome matrix as a source recorded it: answer lengths may be missing
(NaN) or still to be counted from recorded answers, prompt tokens may still to be counted, and the
models are in the source's order. `to_queryset` turns it into a QuerySet for chosen models.

The user's own logs use the outcome-matrix format below (CSV, JSONL or Parquet); README's
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
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from lab.core.errors import DataError, LabError
from lab.core.queryset import QuerySet
from lab.core.recordings import RecordedSignals
from lab.sources import recorded_columns
from lab.sources.outcome_files import read_table
from lab.sources.tokens import count_tokens, encoding_name

MAX_OUTCOME_LOG_BYTES = 200_000_000  # the largest log the lab parses (an upload or a file)
DEFAULT_OUTPUT_TOKENS = 200.0  # assumed answer length of a log without output_tokens columns

_TRUE = frozenset({"true", "t", "yes", "1", "1.0"})
_FALSE = frozenset({"false", "f", "no", "0", "0.0"})


# -- value checks shared by every reader: vectorised, and naming the first bad row and column -------------


def require_columns(frame: pd.DataFrame, columns: list[str], filename: str) -> None:
    """Every column in `columns` is present; else a DataError naming the first missing one."""
    for column in columns:
        if column not in frame.columns:
            found = ", ".join(list(frame.columns)[:8]) + (" ..." if len(frame.columns) > 8 else "")
            raise DataError(f"is missing (columns found: {found or 'none'})", file=filename, column=column)


def _fail_at(mask: np.ndarray, problem: str, filename: str, column: str, fix: str | None = None) -> None:
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
    _fail_at(
        bad | ((values != 0) & (values != 1) & ~np.isnan(values)),
        "is not a boolean (expected True or False)",
        filename,
        column,
        "write True/False (or 1/0) for whether the answer was correct",
    )
    _fail_at(np.isnan(values), "has no value", filename, column, "every query needs an outcome for every model")
    return values


def unit_scores(frame: pd.DataFrame, column: str, filename: str, allow_missing: bool = False) -> np.ndarray:
    """A quality column: True/False or numbers in [0, 1]; NaN where missing (only if allowed)."""
    values, bad = _as_float(frame[column])
    _fail_at(bad, "is not a number or a boolean", filename, column, "quality is True/False or a number in [0, 1]")
    _fail_at(
        np.isinf(values) | (values < 0) | (values > 1),
        "is outside [0, 1]",
        filename,
        column,
        "normalise scores to [0, 1]; a 1-10 judge score s becomes (s - 1) / 9",
    )
    if not allow_missing:
        _fail_at(np.isnan(values), "has no value", filename, column, "every query needs an outcome for every model")
    return values


MAX_TOKENS = 100_000_000  # more tokens than any model's context: a unit or export mistake


def nonnegative(
    frame: pd.DataFrame, column: str, filename: str, allow_missing: bool = True, upper: float | None = None
) -> np.ndarray:
    """A count or an amount (tokens, USD): finite, >= 0 and at most `upper`; NaN where missing (only if allowed)."""
    values, bad = _as_float(frame[column])
    _fail_at(bad, "is not a number", filename, column)
    _fail_at(np.isinf(values), "is infinite", filename, column)
    _fail_at(values < 0, "is negative", filename, column, "tokens and costs are >= 0")
    if upper is not None:
        _fail_at(values > upper, f"is above {upper:,.0f}", filename, column, "check the unit of this column")
    if not allow_missing:
        _fail_at(np.isnan(values), "has no value", filename, column)
    return values


def text_column(frame: pd.DataFrame, column: str, filename: str) -> np.ndarray:
    """A text column as an object array of str; a missing text is a DataError."""
    series = frame[column]
    _fail_at(series.isna().to_numpy(), "has no text", filename, column, "every query needs its text")
    return series.astype(str).to_numpy(dtype=object)


# -- the recorded outcome matrix ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class OutcomeTable:
    """Outcomes as a source recorded them: n queries x m models in the source's order.

    output_tokens is NaN where the source has no length (see `answers`, then the scenario's
    typical lengths); prompt_tokens is None where the source has none (counted on conversion).
    """

    name: str
    model_names: tuple[str, ...]
    ids: np.ndarray
    text: np.ndarray
    category: np.ndarray
    quality: np.ndarray  # (n, m) in [0, 1], NaN where the source has no outcome (dropped on conversion)
    output_tokens: np.ndarray  # (n, m), NaN where not recorded
    prompt_tokens: np.ndarray | None = None  # (n,) where recorded
    cost_usd: np.ndarray | None = None  # (n, m) where recorded
    answers: np.ndarray | None = None  # (n, m) object: recorded answer texts (None where absent)
    notes: tuple[str, ...] = field(default_factory=tuple)
    recorded: RecordedSignals | None = None  # router ratings and confidences of a live run, by model name

    def take(self, keep: np.ndarray, *notes: str) -> OutcomeTable:
        """The rows where `keep` is True (a boolean mask), with more notes."""
        return OutcomeTable(
            name=self.name,
            model_names=self.model_names,
            ids=self.ids[keep],
            text=self.text[keep],
            category=self.category[keep],
            quality=self.quality[keep],
            output_tokens=self.output_tokens[keep],
            prompt_tokens=None if self.prompt_tokens is None else self.prompt_tokens[keep],
            cost_usd=None if self.cost_usd is None else self.cost_usd[keep],
            answers=None if self.answers is None else self.answers[keep],
            notes=self.notes + tuple(notes),
            recorded=None if self.recorded is None else self.recorded.take(keep),
        )


def drop_missing_outcomes(table: OutcomeTable, cols: np.ndarray, with_cost: bool) -> OutcomeTable:
    """The rows where every chosen model has an outcome (and a cost, if costs are used); the drop is noted."""
    gap = np.isnan(table.quality[:, cols])
    if with_cost and table.cost_usd is not None:
        gap |= np.isnan(table.cost_usd[:, cols])
    lacking = gap.any(axis=1)
    if not lacking.any():
        return table
    if lacking.all():
        raise LabError(
            f"'{table.name}': no query has an outcome for every chosen model ({', '.join(table.model_names[j] for j in cols)})"
        )
    per_model = ", ".join(
        f"{table.model_names[j]}: {int(gap[:, k].sum()):,}" for k, j in enumerate(cols) if gap[:, k].any()
    )
    return table.take(
        ~lacking,
        f"missing outcomes: {int(lacking.sum()):,} of {len(lacking):,} queries dropped because "
        f"a model has no recorded outcome for them ({per_model})",
    )


def mean_cost_order(table: OutcomeTable) -> tuple[str, ...]:
    """The table's models cheapest first by mean recorded cost (source order where no cost is recorded)."""
    if table.cost_usd is None:
        return table.model_names
    order = np.argsort(np.nanmean(table.cost_usd, axis=0), kind="stable")
    return tuple(table.model_names[j] for j in order)


def _select(table: OutcomeTable, models: tuple[str, ...]) -> np.ndarray:
    missing = [name for name in models if name not in table.model_names]
    if missing:
        raise LabError(f"'{table.name}' has no model '{missing[0]}'; its models are: {', '.join(table.model_names)}")
    if len(set(models)) != len(models):
        raise LabError(f"'{table.name}': a model is named twice in {', '.join(models)}")
    return np.array([table.model_names.index(name) for name in models])


def _output_tokens(
    table: OutcomeTable,
    cols: np.ndarray,
    models: tuple[str, ...],
    token_model_key: str,
    typical: Mapping[str, float],
    default_output_tokens: float | None,
) -> tuple[np.ndarray, list[str]]:
    out = table.output_tokens[:, cols].astype(np.float64, copy=True)
    notes: list[str] = []
    if table.answers is not None:
        answers = table.answers[:, cols]
        todo = np.isnan(out) & pd.notna(answers)
        if todo.any():
            out[todo] = count_tokens(answers[todo], token_model_key)
    for j, model in enumerate(models):
        gap = np.isnan(out[:, j])
        if not gap.any():
            continue
        assumed = typical.get(model, default_output_tokens)
        if assumed is None:
            raise LabError(
                f"'{table.name}' records no answer length for {model}: state typical_output_tokens for it in the scenario's source"
            )
        out[gap, j] = assumed
        share = "all" if gap.all() else f"{gap.mean():.0%} of the"
        notes.append(
            f"assumption: {model} answer length not recorded for {share} queries; {assumed:g} tokens per answer assumed"
        )
    return out, notes


def _tokenizer_note(model_key: str) -> str:
    encoding = encoding_name(model_key)
    if model_key.startswith(("gpt-", "o1", "o3", "o4", "chatgpt")):
        return f"prompt tokens counted offline with litellm's tokenizer for {model_key} ({encoding})"
    return (
        f"prompt tokens counted offline with {encoding}, the tokenizer litellm uses for OpenAI models; "
        f"{model_key}'s own tokenizer may count a few percent differently"
    )


def to_queryset(
    table: OutcomeTable,
    models: tuple[str, ...] | None = None,
    *,
    token_model_key: str = "gpt-4o",
    typical_output_tokens: Mapping[str, float] | None = None,
    default_output_tokens: float | None = None,
    keep_cost: bool = True,
    name: str | None = None,
    notes: tuple[str, ...] = (),
) -> QuerySet:
    """A QuerySet of these models (source names, cheapest first; default: cheapest by recorded cost).

    Prompt tokens not recorded are counted with litellm's tokenizer for `token_model_key`; answer
    lengths not recorded are counted from recorded answers, else the typical length given per
    model (else `default_output_tokens`), stated as an assumption in the notes.
    """
    models = tuple(models) if models is not None else mean_cost_order(table)
    cols = _select(table, models)
    table = drop_missing_outcomes(table, cols, keep_cost)
    if table.prompt_tokens is not None:
        prompt = table.prompt_tokens.astype(np.int64)
        prompt_note = []
    else:
        prompt = count_tokens(table.text, token_model_key)
        prompt_note = [_tokenizer_note(token_model_key)]
    output, output_notes = _output_tokens(
        table, cols, models, token_model_key, typical_output_tokens or {}, default_output_tokens
    )
    cost = table.cost_usd[:, cols].astype(np.float64) if keep_cost and table.cost_usd is not None else None
    queries = QuerySet(
        name=name or table.name,
        model_names=models,
        ids=table.ids,
        text=table.text,
        category=table.category,
        prompt_tokens=prompt,
        quality=np.ascontiguousarray(table.quality[:, cols], dtype=np.float64),
        output_tokens=output,
        cost_usd=cost,
        notes=table.notes + tuple(prompt_note) + tuple(output_notes) + tuple(notes),
        recorded=table.recorded,
    )
    for array in (
        queries.ids,
        queries.text,
        queries.category,
        queries.prompt_tokens,
        queries.quality,
        queries.output_tokens,
        queries.cost_usd,
    ):
        if isinstance(array, np.ndarray):
            array.flags.writeable = False  # shared through caches: nobody may change it in place
    return queries


# -- the user's own log format -------------------------------------------------------------------------------

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
        _fail_at(id_series.isna().to_numpy(), "has no value", filename, "id")
        ids = id_series.astype(str).to_numpy(dtype=object)
        _fail_at(pd.Series(ids).duplicated().to_numpy(), "repeats an earlier id", filename, "id", "ids must be unique")
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
    _fail_at(
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
