"""Guardrails real deployments put around a router, and their effect in numbers.

- Quality-floor monitor: the mean quality of the last `window` answers served, checked after every
  query; when it falls below a floor, an alert fires and traffic goes to a safe fallback
  (always-strongest) until someone looks. Shown on a stream whose first part is clean and whose
  rest has a failure injected (common random numbers: the same queries, in the same order).
- Per-request cost cap: no request may cost more than the cap; a route that would exceed it is cut
  back to the most capable tier within the cap (the cheapest tier always answers).
- Fallback ordering: what happens when a model or the router fails (next stronger model, retry
  first, no fallback), compared on the same failed requests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel

from lab.core.bootstrap import interval, replicate_means
from lab.core.errors import LabError
from lab.core.experiment import Experiment
from lab.core.queryset import QuerySet
from lab.core.routing import Result, pick
from lab.core.signals import Signals
from lab.failures.clean_vs_injected import Comparison, compare
from lab.failures.registry import get_failure
from lab.failures.world import World

DEFAULT_WINDOW = 500


# --- quality-floor monitor ----------------------------------------------------------------------


def rolling_mean(values: np.ndarray, window: int) -> np.ndarray:
    """Mean of the last `window` values at each position; NaN until the window is full."""
    if window < 1 or window > len(values):
        raise LabError(f"monitor window {window} must be between 1 and the number of queries ({len(values)})")
    total = np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])
    out = np.full(len(values), np.nan)
    out[window - 1 :] = (total[window:] - total[:-window]) / window
    return out


def default_floor(clean_quality: float, window: int, sigmas: float = 3.0) -> float:
    """A floor `sigmas` standard errors of a window's mean below the clean quality (few false alarms)."""
    q = min(max(clean_quality, 0.0), 1.0)
    return q - sigmas * float(np.sqrt(q * (1 - q) / window))


class MonitorReport(BaseModel):
    """What the quality-floor monitor did on a stream that turns bad at `onset`."""

    window: int
    floor: float
    onset: int
    n_queries: int
    alert_at: int | None  # position of the first alert (None: it never fired)
    false_alarm: bool  # it fired before anything was wrong
    detection_delay_queries: int | None  # alert_at - onset, for a true alert
    quality_after_onset_without: float  # mean served quality from the onset on, no guardrail
    quality_after_onset_with: float  # the same, with the fallback switched on at the alert
    cost_after_onset_without_usd: float  # per query
    cost_after_onset_with_usd: float
    share_served_by_fallback: float


@dataclass(frozen=True, eq=False)
class MonitorRun:
    """The monitor's report and the streams behind it (for the timeline chart)."""

    report: MonitorReport
    rolling_quality: np.ndarray  # (n,) the window mean the monitor watches (without the fallback)
    rolling_quality_guarded: np.ndarray  # (n,) the same with the fallback switched on at the alert


def monitor_quality(
    clean: Result,
    injected: Result,
    fallback_quality: np.ndarray,
    fallback_cost_usd: np.ndarray,
    onset: int | None = None,
    window: int = DEFAULT_WINDOW,
    floor: float | None = None,
) -> MonitorRun:
    """Run the quality-floor monitor over a stream: clean before `onset` (default: halfway), injected from it.

    At the first window mean below `floor` (default: 3 standard errors below the clean quality), the
    rest of the stream is served by the fallback (its per-query quality and cost given).
    """
    n = clean.n_queries
    onset = n // 2 if onset is None else int(onset)
    if not 0 <= onset < n:
        raise LabError(f"monitor onset {onset} must lie within the stream of {n} queries")
    floor = default_floor(float(clean.quality.mean()), window) if floor is None else float(floor)
    after = np.arange(n) >= onset
    quality = np.where(after, injected.quality, clean.quality)
    cost = np.where(after, injected.cost_usd, clean.cost_usd)
    rolling = rolling_mean(quality, window)
    below = np.flatnonzero(rolling < floor)
    alert_at = int(below[0]) if len(below) else None
    switched = np.arange(n) > alert_at if alert_at is not None else np.zeros(n, bool)
    guarded_quality = np.where(switched, fallback_quality, quality)
    guarded_cost = np.where(switched, fallback_cost_usd, cost)
    report = MonitorReport(
        window=window,
        floor=floor,
        onset=onset,
        n_queries=n,
        alert_at=alert_at,
        false_alarm=alert_at is not None and alert_at < onset,
        detection_delay_queries=alert_at - onset if alert_at is not None and alert_at >= onset else None,
        quality_after_onset_without=float(quality[after].mean()),
        quality_after_onset_with=float(guarded_quality[after].mean()),
        cost_after_onset_without_usd=float(cost[after].mean()),
        cost_after_onset_with_usd=float(guarded_cost[after].mean()),
        share_served_by_fallback=float(switched.mean()),
    )
    return MonitorRun(report, rolling, rolling_mean(guarded_quality, window))


def monitor_failure(
    experiment: Experiment,
    signals: Signals,
    failures: dict[str, float],
    thresholds: tuple[float, ...] | list[float],
    onset: int | None = None,
    window: int = DEFAULT_WINDOW,
    floor: float | None = None,
) -> MonitorRun:
    """The monitor on a stream where `failures` start at `onset`; the fallback is always-strongest in the failing world."""
    comparison = compare(experiment, signals, failures, thresholds)
    base = comparison.world.experiment.baselines
    return monitor_quality(
        comparison.clean_result,
        comparison.injected_result,
        base.quality_strong,
        base.cost_strong_usd,
        onset,
        window,
        floor,
    )


# --- per-request cost cap -----------------------------------------------------------------------


def cap_cost(result: Result, signals: Signals, queries: QuerySet, cap_usd: float) -> Result:
    """The result with each route cut back to the most capable tier (up to the routed one) whose path costs <= cap."""
    if not cap_usd > 0:
        raise LabError(f"cost cap ${cap_usd} must be positive (USD per request)")
    m = signals.n_models
    allowed = signals.path_cost_usd <= cap_usd
    allowed[:, 0] = True  # the cheapest tier always answers, even above the cap
    tiers = np.arange(m)[None, :]
    ok = allowed & (tiers <= result.tier.astype(np.int64)[:, None])
    tier = np.where(ok, tiers, 0).max(axis=1).astype(np.int8)
    return Result(
        strategy=result.strategy,
        thresholds=result.thresholds,
        tier=tier,
        quality=pick(queries.quality, tier),
        cost_usd=pick(signals.path_cost_usd, tier),
        latency_ms=pick(signals.path_latency_ms, tier),
        cascade=result.cascade,
    )


class CostCapReport(BaseModel):
    """A cost cap's effect: how many requests it cut back, and the cost and quality before and after."""

    cap_usd: float
    share_capped: float
    share_over_cap_after: float  # requests still above the cap (their cheapest tier costs more)
    quality_before: float
    quality_after: float
    quality_change_ci: tuple[float, float]
    cost_per_query_before_usd: float
    cost_per_query_after_usd: float
    cost_p99_before_usd: float
    cost_p99_after_usd: float
    cost_max_before_usd: float
    cost_max_after_usd: float


def cost_cap_report(experiment: Experiment, world: World, result: Result, cap_usd: float) -> CostCapReport:
    """The cap applied to a run in a world (clean or injected), with a paired interval of the quality change."""
    capped = cap_cost(result, world.signals, world.experiment.queries, cap_usd)
    change = replicate_means(experiment.plan, capped.quality - result.quality)
    return CostCapReport(
        cap_usd=cap_usd,
        share_capped=float(np.mean(capped.tier != result.tier)),
        share_over_cap_after=float(np.mean(capped.cost_usd > cap_usd)),
        quality_before=float(result.quality.mean()),
        quality_after=float(capped.quality.mean()),
        quality_change_ci=interval(change),
        cost_per_query_before_usd=float(result.cost_usd.mean(dtype=np.float64)),
        cost_per_query_after_usd=float(capped.cost_usd.mean(dtype=np.float64)),
        cost_p99_before_usd=float(np.quantile(result.cost_usd, 0.99)),
        cost_p99_after_usd=float(np.quantile(capped.cost_usd, 0.99)),
        cost_max_before_usd=float(result.cost_usd.max()),
        cost_max_after_usd=float(capped.cost_usd.max()),
    )


def suggested_cap_usd(result: Result, quantile: float = 0.95) -> float:
    """A starting cap: what the dearest requests of a run cost, at this quantile of cost per request."""
    return float(np.quantile(result.cost_usd, quantile))


def cap_comparison(
    experiment: Experiment, comparison: Comparison, cap_usd: float
) -> tuple[CostCapReport, CostCapReport]:
    """The cap on the clean run and on the injected run of a comparison."""
    return (
        cost_cap_report(experiment, comparison.clean_world, comparison.clean_result, cap_usd),
        cost_cap_report(experiment, comparison.world, comparison.injected_result, cap_usd),
    )


# --- fallback ordering --------------------------------------------------------------------------


class FallbackOutcome(BaseModel):
    """One fallback ordering (or policy) under a failure, against the clean run."""

    ordering: str
    quality: float
    quality_change: float
    quality_change_ci: tuple[float, float]
    cost_per_query_usd: float
    cost_change_usd: float
    latency_p50_ms: float
    latency_p95_ms: float
    strong_share: float


def compare_fallbacks(
    experiment: Experiment,
    signals: Signals,
    thresholds: tuple[float, ...] | list[float],
    name: str = "cheap-model-outage",
    severity: float = 0.5,
) -> list[FallbackOutcome]:
    """Every fallback ordering of a failure that has them, on the same failed requests (common random numbers)."""
    mode = get_failure(name)
    if not mode.variants:
        raise LabError(
            f"failure '{name}' has no fallback orderings to compare; try cheap-model-outage or llm-router-malformed"
        )
    if not mode.applies_to(signals.strategy):
        raise LabError(
            f"failure '{name}' does not touch strategy '{signals.strategy}'; it touches {', '.join(mode.touches)}"
        )
    rows = []
    for ordering in mode.variants:
        c = compare(experiment, signals, {name: severity}, thresholds, variants={name: ordering})
        rows.append(
            FallbackOutcome(
                ordering=ordering,
                quality=c.injected.quality,
                quality_change=c.delta["quality"],
                quality_change_ci=tuple(c.delta["quality_ci"]),
                cost_per_query_usd=c.injected.cost_per_query_usd,
                cost_change_usd=c.delta["cost_per_query_usd"],
                latency_p50_ms=c.injected.latency_p50_ms,
                latency_p95_ms=c.injected.latency_p95_ms,
                strong_share=c.injected.strong_share,
            )
        )
    return rows
