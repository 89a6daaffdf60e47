"""Threshold sweeps: one sort and cumulative sums, then any number of thresholds at O(m log n) each.

A sweep walks from always-cheapest to always-strongest. For two models the threshold is the score
quantile that sends a share s of queries to the strong model. For m > 2 models the thresholds follow
one path: t_k is the score quantile at (1 - s) ** ((m - k) / (m - 1)), so every tier gains traffic as
s grows. APGR, CPT(x) and AIQ are read off the sweep.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lab.core.errors import LabError
from lab.core.limits import MAX_SWEEP_POINTS, MIN_SWEEP_POINTS
from lab.core.metrics import Baselines, pgr
from lab.core.queryset import QuerySet
from lab.core.routing import route
from lab.core.share_targets import calibrate
from lab.core.signals import Signals


@dataclass(frozen=True, eq=False)
class SortedSignals:
    """Scores sorted once, with prefix sums of quality and path cost per tier in that order."""

    scores: np.ndarray  # (n,) ascending
    quality_prefix: np.ndarray  # (n + 1, m)
    cost_prefix: np.ndarray  # (n + 1, m)


@dataclass(frozen=True, eq=False)
class Sweep:
    """Points from always-cheapest to always-strongest, and the summaries read off them."""

    thresholds: np.ndarray  # (P, m-1)
    strong_share: np.ndarray  # (P,) share served by the strongest model
    quality: np.ndarray  # (P,)
    cost_per_query_usd: np.ndarray  # (P,)
    pgr: np.ndarray  # (P,)
    apgr: float
    cpt50: float | None
    cpt80: float | None
    aiq: float


def sort_signals(signals: Signals, queries: QuerySet) -> SortedSignals:
    """The one-time sort of a one-score-per-query strategy (ties in any order: thresholds never split them)."""
    order = np.argsort(signals.score)
    n, m = len(order), queries.n_models
    quality_prefix = np.zeros((n + 1, m))
    cost_prefix = np.zeros((n + 1, m))
    for j in range(m):  # column by column: each gather reads one contiguous column
        np.cumsum(queries.quality[:, j][order], dtype=np.float64, out=quality_prefix[1:, j])
        np.cumsum(signals.path_cost_usd[:, j][order], dtype=np.float64, out=cost_prefix[1:, j])
    return SortedSignals(scores=signals.score[order], quality_prefix=quality_prefix, cost_prefix=cost_prefix)


def threshold_path(sorted_scores: np.ndarray, shares: np.ndarray, n_models: int) -> np.ndarray:
    """Thresholds (P, m-1) that move a share `shares` of queries toward the strongest model."""
    n = len(sorted_scores)
    k = np.arange(1, n_models)
    levels = (1 - shares[:, None]) ** ((n_models - k[None, :]) / (n_models - 1))
    position = np.clip(np.ceil(levels * n).astype(np.int64) - 1, 0, n - 1)
    thresholds = np.where(levels <= 0, 0.0, sorted_scores[position])
    return np.where(levels >= 1, 1.0, np.minimum(thresholds, 1.0))


def evaluate_sorted(sorted_signals: SortedSignals, thresholds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Quality, cost per query and strongest share at each row of thresholds, without touching the queries."""
    n = len(sorted_signals.scores)
    m = sorted_signals.quality_prefix.shape[1]
    bounds = np.searchsorted(sorted_signals.scores, thresholds.ravel(), side="right").reshape(thresholds.shape)
    bounds = np.concatenate(
        [np.zeros((len(bounds), 1), np.int64), np.sort(bounds, axis=1), np.full((len(bounds), 1), n)], axis=1
    )
    tiers = np.arange(m)[None, :]
    lo, hi = bounds[:, :-1], bounds[:, 1:]
    quality = (sorted_signals.quality_prefix[hi, tiers] - sorted_signals.quality_prefix[lo, tiers]).sum(axis=1) / n
    cost = (sorted_signals.cost_prefix[hi, tiers] - sorted_signals.cost_prefix[lo, tiers]).sum(axis=1) / n
    strong = (n - bounds[:, -2]) / n
    return quality, cost, strong


def sweep(
    signals: Signals,
    queries: QuerySet,
    baselines: Baselines,
    points: int = 201,
    sorted_signals: SortedSignals | None = None,
) -> Sweep:
    """Sweep thresholds from always-cheapest to always-strongest; APGR, CPT(50%), CPT(80%), AIQ."""
    if not MIN_SWEEP_POINTS <= points <= MAX_SWEEP_POINTS:
        raise LabError(f"a sweep has {MIN_SWEEP_POINTS} to {MAX_SWEEP_POINTS:,} points, not {points:,}")
    m = queries.n_models
    shares = np.linspace(0.0, 1.0, points)
    if signals.fixed_tier is not None or signals.staged:
        thresholds = np.repeat(shares[::-1, None], m - 1, axis=1)
        if signals.fixed_tier is not None:
            thresholds = thresholds[:1]
        quality, cost, strong = (np.empty(len(thresholds)) for _ in range(3))
        for k, row in enumerate(thresholds):  # one routing per point (P points, not queries); each freed in turn
            result = route(signals, queries, tuple(row))
            quality[k] = result.quality.mean(dtype=np.float64)
            cost[k] = result.cost_usd.mean(dtype=np.float64)
            strong[k] = np.mean(result.tier == m - 1)
    else:
        ss = sorted_signals if sorted_signals is not None else sort_signals(signals, queries)
        thresholds = threshold_path(ss.scores, shares, m)
        quality, cost, strong = evaluate_sorted(ss, thresholds)
    gains = np.asarray(pgr(quality, baselines.mean_quality_weak, baselines.mean_quality_strong), dtype=float)
    return Sweep(
        thresholds=thresholds,
        strong_share=strong,
        quality=quality,
        cost_per_query_usd=cost,
        pgr=gains,
        apgr=area_under_pgr(strong, gains),
        cpt50=cost_to_performance(strong, gains, 0.5),
        cpt80=cost_to_performance(strong, gains, 0.8),
        aiq=average_improvement_in_quality(
            np.concatenate([cost, [baselines.cost_weak_usd.mean(dtype=np.float64), baselines.mean_cost_strong_usd]]),
            np.concatenate([quality, [baselines.mean_quality_weak, baselines.mean_quality_strong]]),
        ),
    )


def area_under_pgr(strong_share: np.ndarray, gains: np.ndarray) -> float:
    """APGR: area under PGR against strong share on [0, 1], anchored at (0, 0) and (1, 1)."""
    if np.all(np.isnan(gains)):
        return float("nan")
    x = np.concatenate([[0.0], strong_share, [1.0]])
    y = np.concatenate([[0.0], np.nan_to_num(gains), [1.0]])
    order = np.lexsort((y, x))
    x, y = x[order], y[order]
    return float(np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1]) / 2))


def cost_to_performance(strong_share: np.ndarray, gains: np.ndarray, target: float) -> float | None:
    """CPT(x): the smallest strong share at which PGR >= x (None if never reached)."""
    reached = strong_share[np.nan_to_num(gains, nan=-np.inf) >= target - 1e-12]
    return float(reached.min()) if len(reached) else None


def upper_hull(cost: np.ndarray, quality: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The non-decreasing upper convex hull of (cost, quality) points."""
    order = np.lexsort((quality, cost))
    hull: list[tuple[float, float]] = []
    for x, y in zip(cost[order], quality[order]):  # P points of a sweep, not queries
        while len(hull) >= 2:
            (x1, y1), (x2, y2) = hull[-2], hull[-1]
            if (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1) >= 0:
                hull.pop()
            else:
                break
        hull.append((float(x), float(y)))
    hx, hy = np.array(hull).T
    return hx, np.maximum.accumulate(hy)


def average_improvement_in_quality(cost: np.ndarray, quality: np.ndarray) -> float:
    """AIQ: area under the non-decreasing convex hull of (cost, quality), normalised by the cost range."""
    hx, hy = upper_hull(cost, quality)
    span = hx[-1] - hx[0]
    if span <= 0:
        return float(hy.max())
    return float(np.sum((hx[1:] - hx[:-1]) * (hy[1:] + hy[:-1]) / 2) / span)


def quality_within_cost(sweep: Sweep, cost_per_query_usd: float) -> float | None:
    """The best quality a sweep reaches at a cost per query no higher than this one (None if it never gets that cheap)."""
    affordable = sweep.cost_per_query_usd <= cost_per_query_usd * (1 + 1e-9) + 1e-15
    return float(sweep.quality[affordable].max()) if affordable.any() else None


def calibrate_thresholds(
    signals: Signals, queries: QuerySet, target_strong_share: float
) -> tuple[tuple[float, ...], float]:
    """Thresholds that send about `target_strong_share` of queries to the strongest model, and the share achieved
    (lab.core.share_targets.calibrate also targets one share per tier and reports every tier)."""
    calibration = calibrate(signals, queries, float(np.clip(target_strong_share, 0.0, 1.0)))
    return calibration.thresholds, calibration.achieved_strong_share
