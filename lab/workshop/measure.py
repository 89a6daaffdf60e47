"""An exercise's figures, live: the view's world (failures, fallback policy, recalibration) and its run.

A Stage is everything of a view except its thresholds: the clean signals, the world with the
failures injected (with the chosen fallback policy) and the scorer recalibrated, the sweeps and the
reference runs. It is built once per choice of strategy and remedy; a threshold move is then one
`measure` (two routed runs: clean and with failures, on the same draws). The figures are the lab's
own (lab.core.metrics.Summary, lab.failures.clean_vs_injected.delta_of, lab.core.sweep APGR).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from lab.core.experiment import Experiment, run, signals_for, sweep_for, thresholds_for
from lab.core.metrics import Summary
from lab.core.signals import Signals
from lab.core.sweep import Sweep
from lab.failures.calibration import recalibrate
from lab.failures.clean_vs_injected import delta_of
from lab.failures.injection import inject, live_thresholds
from lab.failures.registry import get_failure
from lab.failures.world import World
from lab.present.lab_view import LabInputs
from lab.sources.loader import load_experiment
from lab.workshop.exercises import Exercise, View
from lab.workshop.goals import GoalStatus, check_goal


def fallback_policies(view: View) -> dict[str, str]:
    """The fallback policy of each failure in the view that has them (its first policy unless chosen)."""
    out = {}
    for name in view.failures:
        variants = list(get_failure(name).variants)
        if variants:
            out[name] = view.fallback.get(name, variants[0])
    return out


@dataclass(frozen=True, eq=False)
class Stage:
    """A view without its thresholds: clean signals, the world it runs in, and what a sweep reads off them."""

    experiment: Experiment
    view: View
    signals: Signals
    world: World  # the failures injected (with their fallback policies) and the remedy applied; clean if neither

    @property
    def altered(self) -> bool:
        """Whether the view's world differs from the clean one (a failure or a remedy is in play)."""
        return bool(self.view.failures) or self.view.recalibration != "none"

    @cached_property
    def clean_sweep(self) -> Sweep:
        """The strategy's sweep on the clean experiment."""
        return sweep_for(self.experiment, self.signals)

    @cached_property
    def sweep(self) -> Sweep:
        """The strategy's sweep in the view's world."""
        return sweep_for(self.world.experiment, self.world.signals) if self.altered else self.clean_sweep

    @cached_property
    def random_sweep(self) -> Sweep:
        """Random routing's sweep in the view's world (the line to beat)."""
        return sweep_for(self.world.experiment, signals_for(self.world.experiment, "random"))

    @cached_property
    def references(self) -> dict[str, Summary]:
        """Always-cheapest, always-strongest and the oracle on the clean experiment."""
        return {
            name: run(self.experiment, signals_for(self.experiment, name), thresholds_for(self.experiment, name))[1]
            for name in ("always-cheapest", "always-strongest", "oracle")
        }

    def lab_inputs(self) -> LabInputs:
        """What the Lab page's view needs, for this stage (its charts and cards)."""
        return LabInputs(
            experiment=self.experiment,
            strategy=self.view.strategy,
            signals=self.signals,
            clean_sweep=self.clean_sweep,
            weak=self.references["always-cheapest"],
            strong=self.references["always-strongest"],
            oracle=self.references["oracle"],
            failures=dict(self.view.failures),
            world=self.world if self.altered else None,
            injected_sweep=self.sweep if self.altered else None,
        )


def stage(experiment: Experiment, view: View) -> Stage:
    """The Stage of a view on an experiment (the exercise's scenario at its size)."""
    signals = signals_for(experiment, view.strategy)
    world = inject(experiment, signals, dict(view.failures), fallback_policies(view))
    if view.recalibration != "none":
        world = recalibrate(world, view.recalibration)
    return Stage(experiment, view, signals, world)


@dataclass(frozen=True, eq=False)
class Measurement:
    """The figures of a view at some thresholds: the run in its world beside the clean run, by goal metric."""

    thresholds: tuple[float, ...]
    clean: Summary
    now: Summary
    values: dict[str, float | None]
    intervals: dict[str, tuple[float, float]]


def measure(stage: Stage, thresholds: tuple[float, ...] | None = None, with_apgr: bool = True) -> Measurement:
    """Every goal figure at these thresholds (the view's own when None); `with_apgr` False skips the sweeps."""
    exp, view = stage.experiment, stage.view
    chosen = tuple(thresholds_for(exp, view.strategy, list(view.thresholds) if view.thresholds else None))
    chosen = tuple(thresholds) if thresholds is not None else chosen
    clean_result, clean = run(exp, stage.signals, chosen)
    if stage.altered:
        world_thresholds, _ = live_thresholds(stage.world, dict(view.failures), chosen, clean)
        result, now = run(stage.world.experiment, stage.world.signals, world_thresholds)
        delta = delta_of(clean, now, clean_result, result, World(exp, stage.signals), stage.world)
        low, high = delta["quality_ci"]
        gap_ci = (-100 * high, -100 * low)
    else:
        now, gap_ci = clean, (0.0, 0.0)
    values: dict[str, float | None] = {
        "quality_retained": now.quality_retained,
        "savings": now.savings,
        "strong_share": now.strong_share,
        "quality": now.quality,
        "pgr": now.pgr,
        "cost_per_1k_usd": now.cost_per_1k_usd,
        "monthly_cost_usd": now.monthly_cost_usd,
        "latency_p95_ms": now.latency_p95_ms,
        "quality_gap_points": 100 * (clean.quality - now.quality),
        "apgr_over_random": stage.sweep.apgr - stage.random_sweep.apgr if with_apgr else None,
    }
    intervals = {
        "quality_retained": now.quality_retained_ci,
        "savings": now.savings_ci,
        "quality": now.quality_ci,
        "cost_per_1k_usd": (now.cost_per_query_ci[0] * 1000, now.cost_per_query_ci[1] * 1000),
        "monthly_cost_usd": now.monthly_cost_ci,
        "latency_p95_ms": now.latency_p95_ci,
        "quality_gap_points": gap_ci,
    }
    return Measurement(chosen, clean, now, values, intervals)


def needs_apgr(exercise: Exercise) -> bool:
    """Whether the exercise's goal reads a sweep (APGR), which costs a sort per strategy and remedy."""
    return any(condition.metric == "apgr_over_random" for condition in exercise.goal)


def goal_status(exercise: Exercise, stage: Stage, thresholds: tuple[float, ...] | None = None) -> GoalStatus:
    """The exercise's goal checked at these thresholds in the stage (the view's own thresholds when None)."""
    m = measure(stage, thresholds, with_apgr=needs_apgr(exercise))
    return check_goal(exercise.goal, m.values, m.intervals)


def exercise_experiment(exercise: Exercise, data_dir: str | Path | None = None) -> Experiment:
    """The exercise's scenario at its size, built (replayed scenarios read `data_dir`)."""
    return load_experiment(exercise.scenario_of(), data_dir)
