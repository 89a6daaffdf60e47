"""Calibration of the cascade's confidence scorer: reliability diagram, ECE, and the remedy.

A scorer is calibrated when, among answers it gives confidence c, a share c is good. The
reliability diagram bins confidence and compares each bin's mean confidence with the share of
good answers in it; ECE (expected calibration error) is the count-weighted mean gap.

The remedy refits the map from confidence to P(good) on labelled queries: Platt scaling (a logistic
regression on the log-odds) or isotonic regression. It is fitted on a held-out split and applied to
the other part: the queries are dealt into two halves, each half's scores come from a recalibrator
fitted on the other half only, so no query is scored by a map that saw its label.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from lab.core.errors import LabError
from lab.core.experiment import Experiment, run
from lab.core.links import logit, sigmoid
from lab.core.metrics import Summary
from lab.core.signals import Signals
from lab.failures.injection import inject
from lab.failures.world import World

RecalibrationMethod = Literal["none", "platt", "isotonic"]
RECALIBRATION_METHODS: tuple[str, ...] = ("none", "platt", "isotonic")
_CLIP = 1e-6


@dataclass(frozen=True, eq=False)
class Reliability:
    """A reliability diagram's data: per confidence bin, mean confidence, share good and count; and ECE."""

    bin_edges: np.ndarray  # (B + 1,)
    confidence: np.ndarray  # (B,) mean confidence in each bin (NaN where empty)
    accuracy: np.ndarray  # (B,) share of good answers in each bin (NaN where empty)
    count: np.ndarray  # (B,)
    ece: float
    auroc: float  # how well confidence separates good answers from bad (0.5 = not at all)
    mean_confidence: float
    mean_accuracy: float


def reliability(confidence: np.ndarray, good: np.ndarray, bins: int = 10) -> Reliability:
    """The reliability diagram and ECE of confidences against outcomes (1 = good), equal-width bins."""
    confidence = np.asarray(confidence, dtype=float).ravel()
    good = np.asarray(good, dtype=float).ravel()
    if len(confidence) == 0 or len(confidence) != len(good):
        raise LabError("reliability needs as many outcomes as confidences, and at least one")
    index = np.clip((confidence * bins).astype(np.int64), 0, bins - 1)
    count = np.bincount(index, minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_conf = np.bincount(index, weights=confidence, minlength=bins) / count
        accuracy = np.bincount(index, weights=good, minlength=bins) / count
    filled = count > 0
    ece = float(np.sum(count[filled] * np.abs(accuracy[filled] - mean_conf[filled])) / len(confidence))
    both = 0 < good.sum() < len(good)
    return Reliability(
        bin_edges=np.linspace(0.0, 1.0, bins + 1),
        confidence=mean_conf,
        accuracy=accuracy,
        count=count,
        ece=ece,
        auroc=float(roc_auc_score(good, confidence)) if both else float("nan"),
        mean_confidence=float(confidence.mean()),
        mean_accuracy=float(good.mean()),
    )


def _require_cascade(signals: Signals) -> None:
    if not signals.escalates:
        raise LabError(
            f"calibration is about the cascade's confidence scorer; strategy '{signals.strategy}' has none (pick cascade)"
        )


def scorer_outcomes(
    world: World, stage: int = 0, labels: Literal["true", "judged"] = "true"
) -> tuple[np.ndarray, np.ndarray]:
    """Confidence in the answer of model `stage` and whether it was good (true, or as the judge says)."""
    _require_cascade(world.signals)
    score = world.signals.score
    confidence = 1.0 - (score[:, stage] if score.ndim == 2 else score)
    quality = world.experiment.queries.quality if labels == "true" else world.tuning_quality
    good = quality[:, stage] >= world.experiment.scenario.signals.cascade.pass_mark
    return confidence, good.astype(float)


def scorer_reliability(world: World, stage: int = 0, bins: int = 10) -> Reliability:
    """The reliability diagram of the cascade's scorer at one stage, against the true outcomes."""
    return reliability(*scorer_outcomes(world, stage), bins=bins)


def calibration_folds(n_queries: int, seed: int) -> np.ndarray:
    """Each query's half (0 or 1): recalibrators are fitted on one half and applied to the other."""
    return (np.random.default_rng([seed, 0xCA11B]).permutation(n_queries) % 2).astype(np.int8)


def fit_apply(
    method: RecalibrationMethod, fit_confidence: np.ndarray, fit_good: np.ndarray, apply_confidence: np.ndarray
) -> np.ndarray:
    """Fit a recalibration map on (confidence, good) and apply it to other confidences."""
    if method == "none":
        return apply_confidence
    if fit_good.min() == fit_good.max():
        raise LabError("cannot recalibrate: every answer in the fitting half has the same outcome")
    if method == "platt":
        x_fit = logit(np.clip(fit_confidence, _CLIP, 1 - _CLIP))[:, None]
        model = LogisticRegression(C=1e6, max_iter=1_000).fit(x_fit, fit_good)
        x = logit(np.clip(apply_confidence, _CLIP, 1 - _CLIP))
        return sigmoid(model.coef_[0, 0] * x + model.intercept_[0])
    if method == "isotonic":
        model = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip", increasing=True)
        return model.fit(fit_confidence, fit_good).predict(apply_confidence)
    raise LabError(f"unknown recalibration '{method}'; known: {', '.join(RECALIBRATION_METHODS)}")


def recalibrate(world: World, method: RecalibrationMethod) -> World:
    """The world with the cascade's confidences recalibrated, cross-fitted on two halves of the queries.

    The labels used for fitting are those the team has: the judge's where a judge is in play.
    """
    if method == "none":
        return world
    _require_cascade(world.signals)
    folds = calibration_folds(world.experiment.queries.n_queries, world.experiment.scenario.seed)
    score = world.signals.score
    stages = score.shape[1] if score.ndim == 2 else 1
    new_score = np.empty_like(score, dtype=float)
    for stage in range(stages):
        confidence, good = scorer_outcomes(world, stage, labels="judged")
        fitted = np.empty_like(confidence)
        for k in (0, 1):
            fit, apply = folds != k, folds == k
            fitted[apply] = fit_apply(method, confidence[fit], good[fit], confidence[apply])
        if score.ndim == 2:
            new_score[:, stage] = 1.0 - fitted
        else:
            new_score = 1.0 - fitted
    signals = world.signals.replace(
        score=new_score, description=f"{world.signals.description}; recalibrated ({method}, cross-fitted on two halves)"
    )
    return world.replace(signals=signals).noted(
        f"scorer recalibrated with {method} regression, fitted on one half of the queries and applied to the other"
    )


@dataclass(frozen=True, eq=False)
class CalibrationReport:
    """The scorer clean, with failures and with the remedy: reliability and the runs' figures at the same thresholds."""

    method: str
    clean: Reliability
    injected: Reliability
    recalibrated: Reliability
    clean_summary: Summary
    injected_summary: Summary
    recalibrated_summary: Summary

    @property
    def recovered(self) -> float:
        """Share of the quality the failure lost that the remedy won back (NaN when nothing was lost)."""
        lost = self.clean_summary.quality - self.injected_summary.quality
        if abs(lost) < 1e-12:
            return float("nan")
        return (self.recalibrated_summary.quality - self.injected_summary.quality) / lost


def calibration_report(
    experiment: Experiment,
    signals: Signals,
    failures: dict[str, float],
    thresholds: tuple[float, ...] | list[float],
    method: RecalibrationMethod = "isotonic",
    bins: int = 10,
) -> CalibrationReport:
    """Reliability and quality of the cascade clean, with these failures, and with the failures plus the remedy."""
    _require_cascade(signals)
    clean = World(experiment, signals)
    injected = inject(experiment, signals, failures)
    fixed = recalibrate(injected, method)
    return CalibrationReport(
        method=method,
        clean=scorer_reliability(clean, bins=bins),
        injected=scorer_reliability(injected, bins=bins),
        recalibrated=scorer_reliability(fixed, bins=bins),
        clean_summary=run(experiment, signals, thresholds)[1],
        injected_summary=run(injected.experiment, injected.signals, thresholds)[1],
        recalibrated_summary=run(fixed.experiment, fixed.signals, thresholds)[1],
    )
