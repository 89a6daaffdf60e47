"""Thresholds for a target share of calls per tier, with the share each tier actually gets.

RouteLLM's calibrate_threshold picks the score quantile that sends a target share of calls to the strong
model; this does the same for every tier boundary (m models, m-1 thresholds), for every strategy. Scores
tie (LiteLLM's complexity score takes a few dozen values; a fixed strategy ignores thresholds), so a
target share is often not reachable exactly: each threshold is the achievable cut whose cumulative share
is closest to the target's, and the achieved shares are reported beside the targets. A cascade over more
than two models is calibrated stage by stage: each stage keeps its tier's share of all queries among
those the earlier stages escalated.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel

from lab.core.errors import LabError
from lab.core.queryset import QuerySet
from lab.core.routing import route
from lab.core.signals import Signals
from lab.core.strategies import default_thresholds

SHARE_TOLERANCE = 1e-6


class Calibration(BaseModel):
    """Target and achieved call share per model (cheapest first), and the thresholds that achieve them."""

    strategy: str
    models: list[str]
    target: list[float]
    achieved: list[float]
    thresholds: list[float]
    note: str | None = None


def check_targets(targets: list[float] | tuple[float, ...], n_models: int) -> np.ndarray:
    """Validated target shares: one per model, each in [0, 1], summing to 1."""
    values = np.asarray([float(t) for t in targets])
    if len(values) != n_models:
        raise LabError(
            f"{len(values)} target share(s) given; {n_models} models need {n_models} (one per model, cheapest first, summing to 1)"
        )
    if ((values < 0) | (values > 1) | ~np.isfinite(values)).any():
        raise LabError(
            f"target share {values[(values < 0) | (values > 1) | ~np.isfinite(values)][0]:g} is outside [0, 1]"
        )
    if abs(values.sum() - 1.0) > SHARE_TOLERANCE:
        raise LabError(f"target shares sum to {values.sum():g}; they are shares of all calls and must sum to 1")
    return values


def closest_cut(scores: np.ndarray, count: float) -> float:
    """The threshold in [0, 1] leaving the number of scores at or below it closest to `count` (ties: the lower)."""
    ordered = np.sort(scores)
    levels = np.unique(np.concatenate([[0.0], np.clip(ordered, 0.0, 1.0), [1.0]]))
    below = np.searchsorted(ordered, levels, side="right")
    return float(levels[np.argmin(np.abs(below - count))])


def calibrate_shares(
    signals: Signals, queries: QuerySet, targets: list[float] | tuple[float, ...], models: tuple[str, ...]
) -> Calibration:
    """Thresholds sending about `targets[k]` of calls to model k, and the shares they achieve."""
    m = queries.n_models
    target = check_targets(targets, m)
    n = queries.n_queries
    note = None
    if signals.fixed_tier is not None:
        thresholds = tuple(default_thresholds(m))
        note = f"{signals.strategy} ignores thresholds: every query's model is fixed"
    elif signals.staged:
        remaining = np.ones(n, dtype=bool)
        cuts = []
        for k in range(m - 1):
            cut = closest_cut(signals.score[remaining, k], target[k] * n) if remaining.any() else 1.0
            cuts.append(cut)
            remaining &= signals.score[:, k] > cut
        thresholds = tuple(cuts)
    else:
        cumulative = np.cumsum(target)[:-1] * n
        thresholds = tuple(closest_cut(signals.score, c) for c in cumulative)
        thresholds = tuple(np.maximum.accumulate(thresholds))
    tiers = route(signals, queries, thresholds).tier
    achieved = np.bincount(tiers.astype(np.intp), minlength=m) / max(n, 1)
    if note is None and np.abs(achieved - target).max() > 0.01:
        note = (
            "scores tie, so some targets cannot be met exactly: each threshold is the achievable cut nearest its target"
        )
    return Calibration(
        strategy=signals.strategy,
        models=list(models),
        target=[float(t) for t in target],
        achieved=[float(a) for a in achieved],
        thresholds=[float(t) for t in thresholds],
        note=note,
    )
