"""RouterArena's cached results (RouteWorks/RouterArena, cached_results/<model>.jsonl), joined on global_index.

Each row records a model's answer to one of about 36 public benchmarks' prompts, its token usage
and, in `evaluation_result`, the score and the inference cost in USD. Dict-like fields may be
stored as Python-literal strings; they are read with ast.literal_eval, never eval.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pandas as pd

from lab.core.errors import DataError
from lab.sources.outcome_files import read_bytes, read_table
from lab.sources.outcome_values import MAX_TOKENS, require_columns, text_column
from lab.sources.outcomes import OutcomeTable

RESULTS = "routerarena/cached_results"
MODELS = ("gemini-2.0-flash-001", "claude-3-haiku-20240307")  # the two cached in the data directory
SOURCE = "RouterArena (RouteWorks/RouterArena @ 4714a9a, Apache-2.0)"
_MAX_LITERAL_CHARS = 200_000


def literal_dict(value: object, filename: str, row: int, column: str) -> dict:
    """A dict field: a dict as is, or a Python-literal string parsed with ast.literal_eval (never eval)."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and len(value) <= _MAX_LITERAL_CHARS:
        try:
            parsed = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            parsed = None
        if isinstance(parsed, dict):
            return parsed
    raise DataError("is not a dict (or a Python-literal dict string)", file=filename, row=row, column=column)


def _number(record: dict, key: str, filename: str, row: int, column: str) -> float:
    value = record.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
        raise DataError(f"has no numeric '{key}'", file=filename, row=row, column=column)
    if key != "score" and value < 0:
        raise DataError(
            f"has a negative '{key}'", file=filename, row=row, column=column, fix="tokens and costs are >= 0"
        )
    if key.endswith("tokens") and value > MAX_TOKENS:
        raise DataError(f"has an implausible '{key}' ({value:,.0f})", file=filename, row=row, column=column)
    return float(value)


def parse_cached_results(data: bytes, filename: str) -> pd.DataFrame:
    """One model's cached results: global_index, question, score, input/output tokens, cost_usd, answer."""
    frame = read_table(data, filename, "jsonl")
    require_columns(frame, ["global_index", "question", "token_usage", "evaluation_result"], filename)
    index = text_column(frame, "global_index", filename)
    repeated = pd.Series(index).duplicated().to_numpy()
    if repeated.any():
        raise DataError(
            "repeats an earlier global_index", file=filename, row=int(np.argmax(repeated)) + 1, column="global_index"
        )
    rows = []
    for i, (usage, evaluation) in enumerate(zip(frame["token_usage"], frame["evaluation_result"]), start=1):
        usage = literal_dict(usage, filename, i, "token_usage")
        evaluation = literal_dict(evaluation, filename, i, "evaluation_result")
        rows.append(
            (
                _number(evaluation, "score", filename, i, "evaluation_result"),
                _number(usage, "input_tokens", filename, i, "token_usage"),
                _number(usage, "output_tokens", filename, i, "token_usage"),
                _number(evaluation, "inference_cost", filename, i, "evaluation_result"),
            )
        )
    score, tokens_in, tokens_out, cost = (np.array(col, dtype=np.float64) for col in zip(*rows))
    answer = frame["generated_answer"] if "generated_answer" in frame else pd.Series([None] * len(frame))
    return pd.DataFrame(
        {
            "global_index": index,
            "question": text_column(frame, "question", filename),
            "score": score,
            "input_tokens": tokens_in,
            "output_tokens": tokens_out,
            "cost_usd": cost,
            "answer": answer.to_numpy(dtype=object),
        }
    )


def join_results(results: dict[str, pd.DataFrame]) -> OutcomeTable:
    """Models' cached results joined on global_index; prompts not answered by every model are dropped (and counted)."""
    names = tuple(results)
    if len(names) < 2:
        raise DataError(f"{len(names)} model file(s) given; routing needs at least 2", file=RESULTS)
    first = results[names[0]]
    common = set(first["global_index"])
    for frame in results.values():
        common &= set(frame["global_index"])
    if not common:
        raise DataError("the model files share no global_index", file=RESULTS)
    keys = first["global_index"][first["global_index"].isin(common)].to_numpy(dtype=object)
    union = set().union(*(set(f["global_index"]) for f in results.values()))
    aligned = {name: frame.set_index("global_index").loc[keys] for name, frame in results.items()}
    score = np.column_stack([aligned[n]["score"].to_numpy() for n in names])
    clipped = int(((score < 0) | (score > 1)).sum())
    notes = [
        f"{SOURCE}: {len(keys):,} prompts from public benchmarks answered by {', '.join(names)}; "
        "recorded scores, token usage and USD cost",
        "question texts keep their own upstream licences (for example OpenTDB is CC BY-SA 4.0)",
    ]
    if clipped:
        notes.append(f"{clipped} recorded score(s) outside [0, 1] (text-similarity metrics) clipped to [0, 1]")
    if len(union) > len(keys):
        notes.append(f"missing outcomes: {len(union) - len(keys)} prompts not answered by every model dropped")
    category = np.array([str(k).split("_", 1)[0] for k in keys], dtype=object)
    return OutcomeTable(
        name="RouterArena",
        model_names=names,
        ids=keys,
        text=aligned[names[0]]["question"].to_numpy(dtype=object),
        category=category,
        quality=np.clip(score, 0.0, 1.0),
        output_tokens=np.column_stack([aligned[n]["output_tokens"].to_numpy() for n in names]),
        cost_usd=np.column_stack([aligned[n]["cost_usd"].to_numpy() for n in names]),
        answers=np.column_stack([aligned[n]["answer"].to_numpy(dtype=object) for n in names]),
        notes=tuple(notes),
    )


def routerarena_table(root: Path) -> OutcomeTable:
    """RouterArena's two cached models from the data directory."""
    results = {}
    for model in MODELS:
        path = root / RESULTS / f"{model}.jsonl"
        results[model] = parse_cached_results(read_bytes(path), str(path))
    return join_results(results)
