"""Metrics of a Result, as DESIGN.md defines them, with bootstrap 95% intervals."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel

from lab.core.bootstrap import BootstrapPlan, interval, replicate_means
from lab.core.calls import CallTable
from lab.core.queryset import QuerySet
from lab.core.routing import Result

DAYS_PER_MONTH = 30


@dataclass(frozen=True, eq=False)
class Baselines:
    """Always-cheapest and always-strongest, per query, for PGR, savings and paired intervals."""

    quality_weak: np.ndarray  # (n,)
    quality_strong: np.ndarray  # (n,)
    cost_strong_usd: np.ndarray  # (n,)
    cost_weak_usd: np.ndarray  # (n,)

    @property
    def mean_quality_weak(self) -> float:
        """Q_weak: mean quality of always-cheapest."""
        return float(self.quality_weak.mean(dtype=np.float64))

    @property
    def mean_quality_strong(self) -> float:
        """Q_strong: mean quality of always-strongest."""
        return float(self.quality_strong.mean(dtype=np.float64))

    @property
    def mean_cost_strong_usd(self) -> float:
        """Cost per query of always-strongest."""
        return float(self.cost_strong_usd.mean(dtype=np.float64))


@dataclass(frozen=True, eq=False)
class SingleModels:
    """Every always-<model> point (cheapest first) and which of them is the best single model.

    The best single model is the always-<model> point highest above the random-routing line (the line from
    always-cheapest to always-strongest, what mixing the two ends at random buys at each cost): the single model
    that gives the most quality for its cost, the one a router must beat at that cost. With two models both ends
    lie on the line and the one answering better is the best (the cheaper on a tie).
    """

    names: tuple[str, ...]
    cost_per_query_usd: np.ndarray  # (m,)
    quality: np.ndarray  # (m,)
    above_random: np.ndarray  # (m,) quality above the random-routing line at each model's cost
    best: int

    @property
    def best_name(self) -> str:
        """The best single model's name."""
        return self.names[self.best]


def single_models(queries: QuerySet, calls: CallTable, names: tuple[str, ...]) -> SingleModels:
    """Each model's always-<model> cost per query and quality, and the best single model among them."""
    cost = calls.cost_usd.mean(axis=0, dtype=np.float64)
    quality = queries.quality.mean(axis=0, dtype=np.float64)
    span = cost[-1] - cost[0]
    slope = (quality[-1] - quality[0]) / span if span > 0 else 0.0
    above = quality - (quality[0] + slope * (cost - cost[0]))
    # highest above the line; then the better answer; then the cheaper (lexsort: last key first)
    best = int(np.lexsort((cost, -quality, -np.round(above, 12)))[0])
    return SingleModels(names=tuple(names), cost_per_query_usd=cost, quality=quality, above_random=above, best=best)


def baselines_of(queries: QuerySet, calls: CallTable) -> Baselines:
    """The baselines of a query set priced by a CallTable."""
    return Baselines(
        quality_weak=queries.quality[:, 0],
        quality_strong=queries.quality[:, -1],
        cost_strong_usd=calls.cost_usd[:, -1],
        cost_weak_usd=calls.cost_usd[:, 0],
    )


def pgr(quality: float | np.ndarray, quality_weak: float, quality_strong: float) -> float | np.ndarray:
    """Performance gap recovered: (Q - Q_weak) / (Q_strong - Q_weak); NaN where the gap is 0."""
    gap = quality_strong - quality_weak
    if gap == 0:
        return np.full_like(np.asarray(quality, dtype=float), np.nan) if np.ndim(quality) else float("nan")
    return (
        (np.asarray(quality, dtype=float) - quality_weak) / gap if np.ndim(quality) else (quality - quality_weak) / gap
    )


def call_shares(result: Result, n_models: int) -> np.ndarray:
    """Fraction of queries served by each model (sums to 1)."""
    if n_models == 2:
        strong = np.count_nonzero(result.tier) / result.n_queries
        return np.array([1.0 - strong, strong])
    return np.array([np.count_nonzero(result.tier == j) for j in range(n_models)]) / result.n_queries


def calls_per_query(result: Result, n_models: int) -> np.ndarray:
    """Calls of each model per query: in a cascade every tier up to the served one is called."""
    served = call_shares(result, n_models)
    return served[::-1].cumsum()[::-1] if result.cascade else served


def order_statistics(values: np.ndarray, low: int, high: int) -> np.ndarray:
    """sorted(values)[low:high + 1], exactly, without sorting or partitioning all of `values`.

    A strided sample's quantiles bracket the ranks by value; the values inside the bracket are few and
    sorted alone. If the bracket misses (values in an adversarial order), one partition does it instead.
    """
    n = len(values)
    stride = max(1, n // 20_000)
    sample = np.sort(values[::stride])
    m = len(sample)
    margin = int(4 * np.sqrt(m)) + 2  # the sample's rank error is ~sqrt(m); 4 of them is a miss in 10^4
    below_value = sample[max(0, low * m // n - margin)]
    above_value = sample[min(m - 1, high * m // n + margin)]
    below = int(np.count_nonzero(values < below_value))
    inside = values[(values >= below_value) & (values <= above_value)]
    if below <= low and below + len(inside) > high:
        inside.sort()
        return inside[low - below : high - below + 1]
    part = np.partition(values, [low, high])
    return np.sort(part[low : high + 1])


def latency_quantiles(
    latency_ms: np.ndarray, probs: tuple[float, ...] = (0.5, 0.95)
) -> dict[float, tuple[float, float, float]]:
    """Each quantile with a distribution-free 95% interval from order statistics: p -> (value, low, high).

    The interval's ranks are n p -/+ 1.96 sqrt(n p (1 - p)) (the binomial count of values below the
    quantile); the order statistics between them come from one bracketed selection per quantile.
    """
    values = np.asarray(latency_ms, dtype=np.float64)
    n = len(values)
    out: dict[float, tuple[float, float, float]] = {}
    for p in probs:
        half = 1.96 * np.sqrt(n * p * (1 - p))
        ranks = tuple(int(min(n - 1, max(0, round(r)))) for r in (n * p - 0.5, n * p - half - 1, n * p + half))
        low, high = min(ranks), max(ranks)
        window = order_statistics(values, low, high)
        point, low_value, high_value = (float(window[r - low]) for r in ranks)
        out[p] = (point, low_value, high_value)
    return out


class Summary(BaseModel):
    """What a run yields: the figures every page and the CLI agree on."""

    strategy: str
    thresholds: list[float]
    n_queries: int
    quality: float
    quality_ci: tuple[float, float]
    quality_retained: float
    quality_retained_ci: tuple[float, float]
    pgr: float | None
    call_share: dict[str, float]
    calls_per_query: dict[str, float]
    strong_share: float
    cost_per_query_usd: float
    cost_per_query_ci: tuple[float, float]
    cost_per_1k_usd: float
    monthly_cost_usd: float
    monthly_cost_ci: tuple[float, float]
    baseline_monthly_cost_usd: float
    savings: float
    savings_ci: tuple[float, float]
    latency_p50_ms: float
    latency_p95_ms: float
    latency_p95_ci: tuple[float, float]
    queries_per_day: float


def baseline_replicates(baselines: Baselines, plan: BootstrapPlan) -> np.ndarray:
    """Bootstrap replicate means (B, 2) of always-strongest's quality and cost (computed once per experiment)."""
    return replicate_means(plan, baselines.quality_strong, baselines.cost_strong_usd)


def summarize(
    result: Result,
    model_names: tuple[str, ...],
    baselines: Baselines,
    plan: BootstrapPlan,
    queries_per_day: float,
    strong_replicates: np.ndarray | None = None,
) -> Summary:
    """The Summary of a Result against the baselines, with bootstrap intervals (paired with the baselines')."""
    m = len(model_names)
    boot, totals = replicate_means(plan, result.quality, result.cost_usd, with_totals=True)
    quality, cost = totals / result.n_queries
    q_strong, q_weak = baselines.mean_quality_strong, baselines.mean_quality_weak
    base_cost = baselines.mean_cost_strong_usd

    boot_q, boot_cost = boot[:, 0], boot[:, 1]
    cost_ci = interval(boot_cost)
    strong = strong_replicates if strong_replicates is not None else baseline_replicates(baselines, plan)
    boot_q_strong, boot_base_cost = strong[:, 0], strong[:, 1]
    monthly = queries_per_day * DAYS_PER_MONTH
    shares = call_shares(result, m)
    latency = latency_quantiles(result.latency_ms)
    pgr_value = pgr(quality, q_weak, q_strong)
    with np.errstate(divide="ignore", invalid="ignore"):
        retained_boot = boot_q / boot_q_strong
        savings_boot = 1 - boot_cost / boot_base_cost
    return Summary(
        strategy=result.strategy,
        thresholds=list(result.thresholds),
        n_queries=result.n_queries,
        quality=quality,
        quality_ci=interval(boot_q),
        quality_retained=quality / q_strong if q_strong > 0 else float("nan"),
        quality_retained_ci=interval(retained_boot),
        pgr=None if np.isnan(pgr_value) else float(pgr_value),
        call_share={name: float(s) for name, s in zip(model_names, shares)},
        calls_per_query={name: float(c) for name, c in zip(model_names, calls_per_query(result, m))},
        strong_share=float(shares[-1]),
        cost_per_query_usd=cost,
        cost_per_query_ci=cost_ci,
        cost_per_1k_usd=cost * 1000,
        monthly_cost_usd=cost * monthly,
        monthly_cost_ci=(cost_ci[0] * monthly, cost_ci[1] * monthly),
        baseline_monthly_cost_usd=base_cost * monthly,
        savings=1 - cost / base_cost if base_cost > 0 else 0.0,
        savings_ci=interval(savings_boot),
        latency_p50_ms=latency[0.5][0],
        latency_p95_ms=latency[0.95][0],
        latency_p95_ci=(latency[0.95][1], latency[0.95][2]),
        queries_per_day=queries_per_day,
    )
