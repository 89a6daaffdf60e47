"""`routing-lab calibrate`'s report: target and achieved call share per tier, and the thresholds.

RouteLLM's calibrate_threshold picks the score quantile that sends a target share of calls to the strong
model; lab.core.share_targets does the same for every tier boundary and every strategy (the app's
calibration uses it too). Scores tie (LiteLLM's complexity score takes a few dozen values), so a target
is not always reachable exactly: the report says so, beside the shares achieved.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel

from lab.core.errors import LabError
from lab.core.queryset import QuerySet
from lab.core.share_targets import calibrate
from lab.core.signals import Signals

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


def calibrate_shares(
    signals: Signals, queries: QuerySet, targets: list[float] | tuple[float, ...], models: tuple[str, ...]
) -> Calibration:
    """Thresholds sending about `targets[k]` of calls to model k, and the shares they achieve."""
    target = check_targets(targets, queries.n_models)
    result = calibrate(signals, queries, [float(t) for t in target], kind="tiers")
    achieved = np.asarray(result.achieved_shares)
    note = None
    if signals.fixed_tier is not None:
        note = f"{signals.strategy} ignores thresholds: every query's model is fixed"
    elif np.abs(achieved - target).max() > 1.0 / max(queries.n_queries, 1) + 1e-9:
        note = (
            "scores tie, so some targets cannot be met exactly: each threshold is the achievable cut nearest its target"
        )
    return Calibration(
        strategy=signals.strategy,
        models=list(models),
        target=[float(t) for t in target],
        achieved=[float(a) for a in achieved],
        thresholds=[float(t) for t in result.thresholds],
        note=note,
    )
