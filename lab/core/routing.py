"""Routing: thresholds turn Signals into a Result, one vectorised comparison per query."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lab.core.errors import LabError
from lab.core.queryset import QuerySet
from lab.core.signals import Signals


@dataclass(frozen=True, eq=False)
class Result:
    """Per query: the tier served (every tier up to it was called in a cascade), quality, cost, latency."""

    strategy: str
    thresholds: tuple[float, ...]
    tier: np.ndarray  # (n,) int8
    quality: np.ndarray  # (n,) quality of the answer served
    cost_usd: np.ndarray  # (n,) everything paid for the query
    latency_ms: np.ndarray  # (n,) every call on its path
    cascade: bool  # True when every tier up to the served one was called

    @property
    def n_queries(self) -> int:
        """Number of queries."""
        return int(self.tier.shape[0])


def check_thresholds(thresholds: list[float] | tuple[float, ...], n_models: int) -> tuple[float, ...]:
    """Validated thresholds: m-1 values in [0, 1]."""
    values = tuple(float(t) for t in thresholds)
    if len(values) != n_models - 1:
        raise LabError(
            f"{len(values)} threshold(s) given; {n_models} models need {n_models - 1} (one per tier boundary)"
        )
    bad = [t for t in values if not (0.0 <= t <= 1.0)]
    if bad:
        raise LabError(f"threshold {bad[0]} is outside [0, 1]; thresholds are scores in [0, 1]")
    return values


def assign_tiers(signals: Signals, thresholds: tuple[float, ...]) -> np.ndarray:
    """The tier each query is served at under these thresholds."""
    if signals.fixed_tier is not None:
        return signals.fixed_tier
    if signals.staged:
        escalate = signals.score > np.asarray(thresholds)[None, :]
        first_stop = np.argmin(escalate, axis=1)
        return np.where(escalate.all(axis=1), signals.n_models - 1, first_stop).astype(np.int8)
    tier = (signals.score > thresholds[0]).view(np.int8)
    if len(thresholds) > 1:
        tier = tier.copy()
        for t in thresholds[1:]:  # one vectorised pass per tier boundary
            tier += signals.score > t
    return tier


def pick(matrix: np.ndarray, tier: np.ndarray) -> np.ndarray:
    """matrix[i, tier[i]] for every row i."""
    return pick_many(tier, matrix)[0]


def pick_many(tier: np.ndarray, *matrices: np.ndarray) -> list[np.ndarray]:
    """matrix[i, tier[i]] for every row i, for each matrix (n, m); the index is computed once."""
    n, m = matrices[0].shape
    if m == 2:
        strong = tier.view(bool) if tier.dtype == np.int8 else tier.astype(bool)
        return [np.where(strong, mat[:, 1], mat[:, 0]) for mat in matrices]
    flat = tier.astype(np.intp) * n + np.arange(n)  # column-major: element (i, j) sits at j * n + i
    return [
        mat.ravel(order="F")[flat]
        if mat.flags.f_contiguous
        else np.take_along_axis(mat, tier.astype(np.intp)[:, None], axis=1)[:, 0]
        for mat in matrices
    ]


def route(signals: Signals, queries: QuerySet, thresholds: list[float] | tuple[float, ...]) -> Result:
    """Apply thresholds to signals: which tier serves each query, and what that yields."""
    values = check_thresholds(thresholds, queries.n_models)
    tier = assign_tiers(signals, values)
    quality, cost, latency = pick_many(tier, queries.quality, signals.path_cost_usd, signals.path_latency_ms)
    return Result(
        strategy=signals.strategy,
        thresholds=values,
        tier=tier,
        quality=quality,
        cost_usd=cost,
        latency_ms=latency,
        cascade=signals.escalates,
    )


def explain_routes(signals: Signals, result: Result, model_names: tuple[str, ...], index: np.ndarray) -> list[str]:
    """The reason for each listed query's route, in words (for display; index is a few rows)."""
    reasons = []
    for i in np.asarray(index, dtype=np.intp):
        served = model_names[int(result.tier[i])]
        if signals.fixed_tier is not None:
            reasons.append(f"{signals.strategy}: {signals.description} -> {served}")
        elif signals.escalates:
            scores = np.atleast_1d(signals.score[i])
            steps = []
            for k, (s, t) in enumerate(zip(scores, result.thresholds)):
                if k > int(result.tier[i]):
                    break
                verdict = "escalate" if s > t else "keep"
                steps.append(f"{model_names[k]} confidence {1 - s:.2f} vs needed {1 - t:.2f}: {verdict}")
            reasons.append("; ".join(steps) + f" -> {served}")
        else:
            s = float(signals.score[i])
            below = [t for t in result.thresholds if t < s]
            rule = f"> threshold {max(below):.2f}" if below else f"<= threshold {min(result.thresholds):.2f}"
            reasons.append(f"{signals.strategy} score {s:.2f} {rule} -> {served}")
    return reasons
