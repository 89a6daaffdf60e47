"""Thresholds that hit target call shares: "send 30% of calls to the strongest model", or one share per tier.

Two targets, for any number of models m:
- "strongest": the share served by the strongest model. The other tiers split the rest as the threshold
  sweep does (the calibrated point lies on the sweep's curve): for a one-score strategy the share kept
  below tier k is (1 - s) ** (m - k), so with three models and s = 30% the tiers get 49%, 21% and 30%;
  a cascade over m > 2 models uses one threshold at every stage, as its sweep does.
- "tiers": one share per tier (summing to 1). A one-score strategy cuts its sorted scores at the
  cumulative shares; a cascade picks each stage's threshold among the queries that reached that stage.

A threshold is never a score itself: it sits strictly between two neighbouring distinct scores, at the
shortest decimal that does (so it survives a link's 6 significant digits and reads well on a slider).
Ties cannot be split: the share achieved is the reachable one nearest the target, and it is reported
beside the target for every tier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from lab.core.errors import LabError
from lab.core.queryset import QuerySet
from lab.core.routing import assign_tiers
from lab.core.signals import Signals

TargetKind = Literal["strongest", "tiers"]
_SHARE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class ShareCalibration:
    """What a calibration chose and reached: thresholds, the target per tier (None where not targeted), the shares."""

    thresholds: tuple[float, ...]
    kind: TargetKind
    target_shares: tuple[float | None, ...]  # per tier, cheapest first
    achieved_shares: tuple[float, ...]  # per tier, cheapest first

    @property
    def achieved_strong_share(self) -> float:
        """The share served by the strongest model."""
        return self.achieved_shares[-1]

    @property
    def worst_miss(self) -> float:
        """The largest gap between a targeted tier's share and what it got."""
        gaps = [abs(a - t) for a, t in zip(self.achieved_shares, self.target_shares) if t is not None]
        return max(gaps, default=0.0)


def tier_shares(signals: Signals, thresholds: Sequence[float]) -> np.ndarray:
    """The share of queries each tier serves under these thresholds (m values summing to 1)."""
    tiers = assign_tiers(signals, tuple(float(t) for t in thresholds))
    return np.bincount(tiers.astype(np.intp), minlength=signals.n_models) / len(tiers)


def between(low: float, high: float) -> float:
    """The shortest decimal t with low <= t < high (a cut that keeps `low` below it and `high` above)."""
    if not high > low:
        raise ValueError("between needs low < high")
    for digits in range(1, 16):
        for candidate in (round((low + high) / 2, digits), round(low, digits), round(high, digits)):
            if low <= candidate < high:
                return float(candidate)
    return float(low)


def _cuts(sorted_scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every reachable count below a threshold in [0, 1], and the (low, high) score pair a cut for it sits between."""
    values, counts = np.unique(sorted_scores, return_counts=True)
    below = np.cumsum(counts)  # queries with score <= values[i]
    reach = [int(np.count_nonzero(sorted_scores <= 0.0))] if values[0] > 0 else []
    reach += below.tolist()
    return np.asarray(reach), values


def _cut_at(sorted_scores: np.ndarray, wanted: float) -> tuple[float, int]:
    """The threshold whose count of scores at or below it is nearest `wanted` (a number of queries), and that count."""
    reach, values = _cuts(sorted_scores)
    pick = int(np.argmin(np.abs(reach - wanted)))  # first of equals: the smaller count
    count = int(reach[pick])
    if count == 0:
        return (between(0.0, float(values[0])) if values[0] > 0 else 0.0), 0
    # index of the largest value counted
    last = int(np.searchsorted(values, sorted_scores[count - 1]))
    if last + 1 < len(values):
        return between(float(values[last]), float(values[last + 1])), count
    return (between(float(values[last]), 1.0) if values[last] < 1.0 else 1.0), count


def _check(signals: Signals, kind: TargetKind, target: float | Sequence[float]) -> np.ndarray:
    m = signals.n_models
    if kind == "strongest":
        share = float(np.asarray(target, dtype=float).ravel()[0])
        if not 0.0 <= share <= 1.0:
            raise LabError(f"target share {share} is outside [0, 1]; give a share of calls such as 0.3")
        return np.array([share])
    shares = np.asarray(target, dtype=float).ravel()
    if len(shares) != m:
        raise LabError(f"{len(shares)} tier share(s) given; {m} models need {m} (one per tier, cheapest first)")
    if np.any(shares < -_SHARE_TOLERANCE) or abs(shares.sum() - 1.0) > 1e-3:
        raise LabError(f"tier shares {', '.join(f'{s:.0%}' for s in shares)} must be at least 0 and add up to 100%")
    return np.clip(shares, 0.0, 1.0) / max(shares.clip(0).sum(), 1e-12)


def _one_score(scores: np.ndarray, cumulative: np.ndarray) -> tuple[float, ...]:
    """Cuts of one score at cumulative shares below each tier boundary (non-decreasing)."""
    ordered = np.sort(scores)
    n = len(ordered)
    thresholds = []
    for c in cumulative:
        t, _ = _cut_at(ordered, c * n)
        thresholds.append(t)
    return tuple(np.maximum.accumulate(np.asarray(thresholds, dtype=float)).tolist())


def _staged_per_tier(score: np.ndarray, shares: np.ndarray) -> tuple[float, ...]:
    """A cascade's stage thresholds, stage by stage, so the cumulative share served by tiers 0..k is nearest its target."""
    n, stages = score.shape
    reached = np.ones(n, dtype=bool)
    served = 0
    thresholds = []
    for k in range(stages):
        here = score[reached, k]
        wanted = float(np.cumsum(shares)[k] * n) - served  # stop here so the running total is nearest the target
        if len(here) == 0:
            thresholds.append(1.0)
            continue
        t, stopped = _cut_at(np.sort(here), min(max(wanted, 0.0), len(here)))
        thresholds.append(t)
        served += stopped
        reached &= score[:, k] > t
    return tuple(thresholds)


def calibrate(
    signals: Signals, queries: QuerySet, target: float | Sequence[float], kind: TargetKind = "strongest"
) -> ShareCalibration:
    """Thresholds that send `target` of the calls to the strongest model ("strongest") or to each tier ("tiers")."""
    m = queries.n_models
    if signals.n_models != m:
        raise LabError(f"the signals are for {signals.n_models} models, the query set has {m}")
    goal = _check(signals, kind, target)
    if signals.fixed_tier is not None:
        thresholds: tuple[float, ...] = tuple([0.5] * (m - 1))
    elif kind == "strongest":
        s = float(goal[0])
        if signals.staged:
            reach = signals.score.min(axis=1)  # the strongest model serves the queries escalated at every stage
            t, _ = _cut_at(np.sort(reach), (1 - s) * len(reach))
            thresholds = tuple([t] * (m - 1))
        else:
            top, kept = _cut_at(np.sort(signals.score), (1 - s) * len(signals.score))
            achieved = 1 - kept / len(signals.score)
            lower = (1 - achieved) ** (m - np.arange(1, m - 1))  # the sweep's path below the strongest tier
            thresholds = (*(min(t, top) for t in _one_score(signals.score, lower)), top)
    elif signals.staged:
        thresholds = _staged_per_tier(signals.score, goal)
    else:
        thresholds = _one_score(np.ravel(signals.score), np.cumsum(goal)[:-1])
    achieved_shares = tier_shares(signals, thresholds)
    targets: tuple[float | None, ...] = (
        tuple([None] * (m - 1) + [float(goal[0])]) if kind == "strongest" else tuple(float(g) for g in goal)
    )
    return ShareCalibration(
        thresholds=tuple(float(t) for t in thresholds),
        kind=kind,
        target_shares=targets,
        achieved_shares=tuple(float(a) for a in achieved_shares),
    )


def even_thresholds(signals: Signals, queries: QuerySet) -> tuple[float, ...]:
    """Thresholds that give every tier an equal share of the calls (quantiles of the strategy's own score)."""
    m = queries.n_models
    return calibrate(signals, queries, [1.0 / m] * m, kind="tiers").thresholds


def thresholds_cross(signals: Signals, thresholds: Sequence[float]) -> bool:
    """True when a one-score strategy's thresholds are out of order (they then act as if sorted)."""
    if signals.staged or signals.fixed_tier is not None:
        return False
    values = np.asarray(thresholds, dtype=float)
    return bool(np.any(np.diff(values) < 0))
