"""The World a failure acts on (an experiment and one strategy's signals) and the FailureMode record."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from lab.core.experiment import Experiment
from lab.core.signals import Signals


@dataclass(frozen=True, eq=False)
class World:
    """What a failure can change: the experiment (queries, prices, calls) and a strategy's signals.

    judged_quality: (n, m) the quality the team measures and tunes on (a judge); None = the true one.
    notes: what the failures did, in words (requests that failed over, labels that could not be parsed).
    """

    experiment: Experiment
    signals: Signals
    judged_quality: np.ndarray | None = None
    notes: tuple[str, ...] = ()

    @property
    def tuning_quality(self) -> np.ndarray:
        """The quality thresholds are tuned on: the judge's where a judge is in play, else the true one."""
        return self.experiment.queries.quality if self.judged_quality is None else self.judged_quality

    def replace(self, **changes) -> World:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    def noted(self, note: str) -> World:
        """A copy with one more note."""
        return self.replace(notes=(*self.notes, note))


Transform = Callable[[World, float, np.random.Generator], World]
Remedy = Literal["recalibration"]


@dataclass(frozen=True)
class FailureMode:
    """A named failure: what it is in the real world, which strategies it touches, its transform.

    effect: the expected effect in a line (for display).
    retunes: True when the failure acts through the thresholds the team tunes (a noisy judge):
      compare at thresholds tuned on each world's `tuning_quality` (see tuned_thresholds).
    variants: other policies for the same failure (fallback orderings), by name; `transform` is the default.
    remedy: the fix that addresses this failure where it happens ("recalibration": refit the scorer's
      confidence on labelled answers, lab.failures.calibration.recalibrate), None where a guardrail is all there is.
    """

    name: str
    title: str
    description: str
    touches: tuple[str, ...]  # strategy names, or ("*",) for every strategy
    transform: Transform
    demo: dict = field(default_factory=dict)  # a preset demonstration: strategy, severity, thresholds
    effect: str = ""
    retunes: bool = False
    variants: dict[str, Transform] = field(default_factory=dict)
    remedy: Remedy | None = None

    def applies_to(self, strategy: str) -> bool:
        """Whether this failure changes anything for `strategy`."""
        return "*" in self.touches or strategy in self.touches


# --- rebuilding what derives from the experiment -------------------------------------------------
