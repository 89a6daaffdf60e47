"""Recorded outcomes: the outcome table every replay source produces, and how it becomes a QuerySet.

An OutcomeTable is the outcome matrix as a source recorded it: answer lengths may be missing
(NaN) or still to be counted from recorded answers, prompt tokens may still to be counted, and the
models are in the source's order. `to_queryset` turns it into a QuerySet for chosen models.
Value checks live in lab.sources.outcome_values; the user's log format in lab.sources.outcome_log.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lab.core.errors import LabError
from lab.core.queryset import QuerySet
from lab.core.recordings import RecordedSignals
from lab.sources.tokens import count_tokens, encoding_name

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
    return queries.read_only()
