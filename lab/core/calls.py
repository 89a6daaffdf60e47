"""CallTable: what calling each model on each query costs (USD) and takes (ms)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lab.core.models import ModelSpec
from lab.core.queryset import QuerySet


@dataclass(frozen=True, eq=False)
class CallTable:
    """cost_usd[i, j] and latency_ms[i, j]: one call of model j on query i."""

    cost_usd: np.ndarray
    latency_ms: np.ndarray
    recorded_cost: bool  # True where the source's recorded USD cost is used


def call_cost_usd(prompt_tokens: np.ndarray | float, output_tokens: np.ndarray | float, spec: ModelSpec) -> np.ndarray:
    """USD of calls with these token counts: input tokens x input price + output tokens x output price."""
    return np.asarray(prompt_tokens * spec.input_usd_per_token + output_tokens * spec.output_usd_per_token)


def call_latency_ms(output_tokens: np.ndarray | float, spec: ModelSpec) -> np.ndarray:
    """Time of calls producing these many tokens: time to first token + tokens / speed."""
    return np.asarray(spec.ttft_ms + output_tokens * (1000.0 / spec.tokens_per_s))


def price_calls(queries: QuerySet, models: list[ModelSpec], use_recorded_cost: bool = True) -> CallTable:
    """The CallTable of a query set under these models (recorded cost where the source has it)."""
    if len(models) != queries.n_models:
        raise ValueError(f"{len(models)} model specs for a query set of {queries.n_models} models")
    prompt = queries.prompt_tokens.astype(np.float64)[:, None]
    price_in = np.array([spec.input_usd_per_token for spec in models])[None, :]
    price_out = np.array([spec.output_usd_per_token for spec in models])[None, :]
    recorded = use_recorded_cost and queries.cost_usd is not None
    if queries.cost_usd is not None and use_recorded_cost:
        cost = queries.cost_usd.astype(np.float64)
    else:
        cost = prompt * price_in + queries.output_tokens * price_out
    ttft = np.array([spec.ttft_ms for spec in models])[None, :]
    per_token_ms = np.array([1000.0 / spec.tokens_per_s for spec in models])[None, :]
    latency = ttft + queries.output_tokens * per_token_ms
    # float32 like the strategies' path matrices, so always-strongest's path is the baseline exactly
    return CallTable(
        cost_usd=np.asfortranarray(cost, dtype=np.float32),
        latency_ms=np.asfortranarray(latency, dtype=np.float32),
        recorded_cost=recorded,
    )
