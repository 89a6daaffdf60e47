"""Cost projection for stakeholders: traffic, growth, token mix and prices -> monthly and annual cost.

A run is reduced to its token mix: per model, the input and output tokens it is called with per
query (every model tried in a cascade counts), plus the cost that is not a model's answer (router
and scorer calls, and any difference between recorded cost and tokens x price). The projection
re-prices that mix with the given prices, scales it by the token-mix multipliers and the traffic,
and carries the bootstrap's savings interval over as an offset around the projected savings. Each cost
(with routing, and always-strongest) carries its own bootstrap interval as a ratio to its estimate: the
uncertainty is about the cost per query, so it scales every month, and the 12-month totals, alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from lab.core.bootstrap import interval
from lab.core.experiment import Experiment
from lab.core.metrics import DAYS_PER_MONTH, Baselines, Summary
from lab.core.models import ModelSpec
from lab.core.queryset import QuerySet
from lab.core.routing import Result

MONTHS_PER_YEAR = 12


@dataclass(frozen=True)
class TokenMix:
    """Per model (cheapest first), tokens it is called with per query; plus other USD per query."""

    model_names: tuple[str, ...]
    input_tokens_per_query: np.ndarray  # (m,)
    output_tokens_per_query: np.ndarray  # (m,)
    other_usd_per_query: float

    def cost_per_query_usd(
        self, prices: list[tuple[float, float]], prompt_mix: float = 1.0, output_mix: float = 1.0
    ) -> float:
        """Cost per query at these (input, output) USD-per-token prices and token-mix multipliers."""
        price_in = np.array([p[0] for p in prices])
        price_out = np.array([p[1] for p in prices])
        models = (
            self.input_tokens_per_query @ price_in * prompt_mix + self.output_tokens_per_query @ price_out * output_mix
        )
        return float(models + self.other_usd_per_query)


def _prices(models: tuple[ModelSpec, ...] | list[ModelSpec]) -> list[tuple[float, float]]:
    return [(float(s.input_usd_per_token), float(s.output_usd_per_token)) for s in models]


def routed_mix(result: Result, queries: QuerySet, models: tuple[ModelSpec, ...]) -> TokenMix:
    """The token mix of a routed run (a cascade calls every tier up to the one that serves)."""
    m = queries.n_models
    tiers = np.arange(m)[None, :]
    called = result.tier[:, None] >= tiers if result.cascade else result.tier[:, None] == tiers
    n = queries.n_queries
    input_tokens = (called * queries.prompt_tokens[:, None].astype(np.float64)).sum(axis=0) / n
    output_tokens = (called * queries.output_tokens).sum(axis=0) / n
    mix = TokenMix(tuple(s.name for s in models), input_tokens, output_tokens, 0.0)
    other = float(result.cost_usd.mean(dtype=np.float64)) - mix.cost_per_query_usd(_prices(models))
    return TokenMix(mix.model_names, input_tokens, output_tokens, other)


def strongest_mix(queries: QuerySet, baselines: Baselines, models: tuple[ModelSpec, ...]) -> TokenMix:
    """The token mix of always-strongest."""
    m = queries.n_models
    input_tokens = np.zeros(m)
    output_tokens = np.zeros(m)
    input_tokens[-1] = float(queries.prompt_tokens.mean())
    output_tokens[-1] = float(queries.output_tokens[:, -1].mean())
    mix = TokenMix(tuple(s.name for s in models), input_tokens, output_tokens, 0.0)
    other = baselines.mean_cost_strong_usd - mix.cost_per_query_usd(_prices(models))
    return TokenMix(mix.model_names, input_tokens, output_tokens, other)


class ProjectionInputs(BaseModel):
    """What a stakeholder can change: traffic, growth, token mix, prices (USD per token, per model)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    queries_per_day: float = Field(gt=0)
    growth_per_month: float = Field(default=0.0, ge=-0.5, le=5)
    months: int = Field(default=MONTHS_PER_YEAR, ge=1, le=60)
    prompt_mix: float = Field(default=1.0, gt=0, description="multiplier on prompt tokens per query")
    output_mix: float = Field(default=1.0, gt=0, description="multiplier on output tokens per query")
    prices: list[tuple[float, float]] = Field(description="(input, output) USD per token per model, cheapest first")


@dataclass(frozen=True)
class Projection:
    """Month-by-month cost with and without routing, annual totals and their 95% ranges, the savings range."""

    # month, queries_per_day, routed_usd (+ _low/_high), strongest_usd (+ _low/_high), savings_usd (+ _low/_high)
    table: pd.DataFrame
    queries_per_day: float  # in month 1
    cost_per_query_usd: float
    strongest_cost_per_query_usd: float
    savings: float
    savings_range: tuple[float, float]
    annual_routed_usd: float
    annual_strongest_usd: float
    annual_savings_usd: float
    annual_savings_range_usd: tuple[float, float]
    annual_routed_range_usd: tuple[float, float]
    annual_strongest_range_usd: tuple[float, float]

    def routed_range_usd(self, month: int = 1) -> tuple[float, float]:
        """The 95% range of one month's cost with routing."""
        row = self.table.iloc[month - 1]
        return float(row["routed_low_usd"]), float(row["routed_high_usd"])

    def strongest_range_usd(self, month: int = 1) -> tuple[float, float]:
        """The 95% range of one month's cost without routing (always-strongest)."""
        row = self.table.iloc[month - 1]
        return float(row["strongest_low_usd"]), float(row["strongest_high_usd"])


def ratio_interval(estimate: float, interval: tuple[float, float]) -> tuple[float, float]:
    """A 95% interval as ratios to its estimate (1, 1 where the estimate is 0)."""
    if estimate == 0 or not all(np.isfinite(interval)):
        return (1.0, 1.0)
    return (interval[0] / estimate, interval[1] / estimate)


def project(
    routed: TokenMix,
    strongest: TokenMix,
    inputs: ProjectionInputs,
    savings: float,
    savings_ci: tuple[float, float],
    routed_ratio_ci: tuple[float, float] | None = None,
    strongest_ratio_ci: tuple[float, float] | None = None,
) -> Projection:
    """Project cost over the months; the bootstrap interval (savings_ci around savings) becomes an offset around the
    projected savings; each cost's own interval (a ratio to its estimate, from ratio_interval) scales it. Without a
    routed interval the savings range is read as cost; without a strongest one, always-strongest is taken as known."""
    if len(inputs.prices) != len(routed.model_names):
        raise ValueError(f"{len(inputs.prices)} prices for {len(routed.model_names)} models")
    per_query = routed.cost_per_query_usd(inputs.prices, inputs.prompt_mix, inputs.output_mix)
    per_query_strong = strongest.cost_per_query_usd(inputs.prices, inputs.prompt_mix, inputs.output_mix)
    fraction = 1 - per_query / per_query_strong if per_query_strong > 0 else 0.0
    low = min(fraction + (savings_ci[0] - savings), 1.0)
    high = min(fraction + (savings_ci[1] - savings), 1.0)
    horizon = max(inputs.months, MONTHS_PER_YEAR)
    month = np.arange(1, horizon + 1)
    per_day = inputs.queries_per_day * (1 + inputs.growth_per_month) ** (month - 1)
    strongest_usd = per_query_strong * per_day * DAYS_PER_MONTH
    routed_usd = per_query * per_day * DAYS_PER_MONTH
    if routed_ratio_ci is None:
        routed_low, routed_high = strongest_usd * (1 - high), strongest_usd * (1 - low)
    else:
        routed_low, routed_high = routed_usd * routed_ratio_ci[0], routed_usd * routed_ratio_ci[1]
    strong_ratio = strongest_ratio_ci or (1.0, 1.0)
    table = pd.DataFrame(
        {
            "month": month,
            "queries_per_day": per_day,
            "routed_usd": routed_usd,
            "routed_low_usd": routed_low,
            "routed_high_usd": routed_high,
            "strongest_usd": strongest_usd,
            "strongest_low_usd": strongest_usd * strong_ratio[0],
            "strongest_high_usd": strongest_usd * strong_ratio[1],
            "savings_usd": strongest_usd - routed_usd,
            "savings_low_usd": strongest_usd * low,
            "savings_high_usd": strongest_usd * high,
        }
    )
    year = table.iloc[:MONTHS_PER_YEAR]

    def total(column: str) -> float:
        return float(year[column].sum())

    return Projection(
        table=table.iloc[: inputs.months].reset_index(drop=True),
        queries_per_day=inputs.queries_per_day,
        cost_per_query_usd=per_query,
        strongest_cost_per_query_usd=per_query_strong,
        savings=fraction,
        savings_range=(low, high),
        annual_routed_usd=float(year["routed_usd"].sum()),
        annual_strongest_usd=float(year["strongest_usd"].sum()),
        annual_savings_usd=float(year["savings_usd"].sum()),
        annual_savings_range_usd=(total("savings_low_usd"), total("savings_high_usd")),
        annual_routed_range_usd=(total("routed_low_usd"), total("routed_high_usd")),
        annual_strongest_range_usd=(total("strongest_low_usd"), total("strongest_high_usd")),
    )


def run_projection(experiment: Experiment, result: Result, summary: Summary, inputs: ProjectionInputs) -> Projection:
    """The projection of a routed run on an experiment, each cost with its own bootstrap interval."""
    strong_ci = interval(experiment.strong_replicates[:, 1])
    return project(
        routed_mix(result, experiment.queries, experiment.models),
        strongest_mix(experiment.queries, experiment.baselines, experiment.models),
        inputs,
        summary.savings,
        summary.savings_ci,
        ratio_interval(summary.cost_per_query_usd, summary.cost_per_query_ci),
        ratio_interval(experiment.baselines.mean_cost_strong_usd, strong_ci),
    )


def prices_in(
    inputs: ProjectionInputs, clean: tuple[ModelSpec, ...], changed: tuple[ModelSpec, ...]
) -> ProjectionInputs:
    """The inputs with each price moved as a failure moved it (a price change triples the strongest model's)."""

    def moved(price: float, before: float | None, after: float | None) -> float:
        before, after = before or 0.0, after or 0.0
        return price * after / before if before > 0 else after

    prices = [
        (
            moved(p_in, a.input_usd_per_token, b.input_usd_per_token),
            moved(p_out, a.output_usd_per_token, b.output_usd_per_token),
        )
        for (p_in, p_out), a, b in zip(inputs.prices, clean, changed)
    ]
    return inputs.model_copy(update={"prices": prices})


def default_prices(models: tuple[ModelSpec, ...] | list[ModelSpec]) -> list[tuple[float, float]]:
    """The models' own (input, output) USD-per-token prices, cheapest first."""
    return _prices(models)
