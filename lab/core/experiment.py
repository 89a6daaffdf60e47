"""Experiment: a scenario made concrete (queries, prices, baselines, bootstrap plan), and runs on it.

This is the engine's one entry point for the CLI and the pages: build an Experiment once, compute
each strategy's Signals once, then route with any thresholds as often as a slider moves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from lab.core.bootstrap import BootstrapPlan, plan_bootstrap
from lab.core.calls import CallTable, price_calls
from lab.core.classifier import RouterClassifier
from lab.core.errors import LabError
from lab.core.metrics import (
    Baselines,
    SingleModels,
    Summary,
    baseline_replicates,
    baselines_of,
    single_models,
    summarize,
)
from lab.core.models import ModelSpec
from lab.core.queryset import QuerySet
from lab.core.routing import Result, route
from lab.core.scenario import Scenario
from lab.core.share_targets import even_thresholds
from lab.core.signals import Signals
from lab.core.strategies import compute_signals, starting_thresholds, strategy_info
from lab.core.sweep import SortedSignals, Sweep, sort_signals, sweep


@dataclass(frozen=True, eq=False)
class Experiment:
    """A scenario's query set priced by its models, with baselines and a bootstrap plan."""

    scenario: Scenario
    queries: QuerySet
    models: tuple[ModelSpec, ...]
    calls: CallTable
    baselines: Baselines
    plan: BootstrapPlan
    classifier: RouterClassifier | None = None  # trained elsewhere (cross-domain); None = cross-fit
    notes: tuple[str, ...] = field(default_factory=tuple)
    # Signals per strategy, filled by signals_for. Not an __init__ field, so dataclasses.replace
    # (a failure's changed experiment) starts with an empty one. Bounded by the strategies there are.
    _signals: dict[str, Signals] = field(default_factory=dict, init=False, repr=False)

    @property
    def model_names(self) -> tuple[str, ...]:
        """Display names, cheapest first."""
        return tuple(spec.name for spec in self.models)

    @cached_property
    def singles(self) -> SingleModels:
        """Every always-<model> point and the best single model (see SingleModels)."""
        return single_models(self.queries, self.calls, self.model_names)

    @cached_property
    def strong_replicates(self) -> np.ndarray:
        """Always-strongest's bootstrap replicate means (quality, cost), computed once per experiment."""
        return baseline_replicates(self.baselines, self.plan)


def build_experiment(scenario: Scenario, queries: QuerySet, classifier: RouterClassifier | None = None) -> Experiment:
    """An Experiment for a scenario over its query set (lab.sources.loader.load_experiment loads the set)."""
    models = tuple(scenario.models)
    calls = price_calls(queries, list(models))
    rng = np.random.default_rng([scenario.seed, 0xB007])
    baselines = baselines_of(queries, calls)
    return Experiment(
        scenario=scenario,
        queries=queries,
        models=models,
        calls=calls,
        baselines=baselines,
        plan=plan_bootstrap(queries.n_queries, rng),
        classifier=classifier,
        notes=queries.notes + inversion_notes(baselines, models),
    )


def inversion_notes(baselines: Baselines, models: tuple[ModelSpec, ...]) -> tuple[str, ...]:
    """A note when the costliest model answers worse than the cheapest on this data (what 'strongest' then means)."""
    weak, strong = baselines.mean_quality_weak, baselines.mean_quality_strong
    if strong >= weak:
        return ()
    return (
        f"in this data the costliest model, {models[-1].name}, answers worse than the cheapest, {models[0].name} "
        f"(mean quality {strong:.3f} against {weak:.3f}): 'always-strongest' is the costliest tier, so quality "
        "against it can exceed 100%",
    )


def signals_for(experiment: Experiment, strategy: str) -> Signals:
    """A strategy's Signals on the experiment, computed once (the classifier is fitted once) and reused."""
    cached = experiment._signals.get(strategy)
    if cached is None:
        s = experiment.scenario
        cached = compute_signals(
            strategy,
            experiment.queries,
            list(experiment.models),
            experiment.calls,
            s.signals,
            s.seed,
            experiment.classifier,
        )
        experiment._signals[strategy] = cached
    return cached


def thresholds_for(experiment: Experiment, strategy: str, thresholds: list[float] | None = None) -> list[float]:
    """Given thresholds, else the scenario's defaults for its default strategy, else the strategy's own (litellm's
    boundaries), else its defaults.

    A strategy's defaults: 0.5 with two models (a score above it "needs the stronger model"); with more
    models, the quantiles of its own score that give every tier an equal share of the calls (k/m would
    send a classifier's skewed scores nowhere near the strongest tier).
    """
    if thresholds:
        return list(thresholds)
    defaults = experiment.scenario.defaults
    if defaults.thresholds is not None and strategy == defaults.strategy:
        return list(defaults.thresholds)
    m = experiment.queries.n_models
    info = strategy_info(strategy, list(experiment.models))
    if m > 2 and info.thresholded and info.thresholds is None:
        try:
            return list(even_thresholds(signals_for(experiment, strategy), experiment.queries))
        except LabError:  # no score to take quantiles of (a classifier that cannot be trained): k/m, said elsewhere
            pass
    return starting_thresholds(info, m)


def run(
    experiment: Experiment, signals: Signals, thresholds: list[float] | tuple[float, ...]
) -> tuple[Result, Summary]:
    """Route with these thresholds and summarise."""
    result = route(signals, experiment.queries, thresholds)
    summary = summarize(
        result,
        experiment.model_names,
        experiment.baselines,
        experiment.plan,
        experiment.scenario.traffic.queries_per_day,
        experiment.strong_replicates,
    )
    return result, summary


def sweep_for(
    experiment: Experiment, signals: Signals, points: int = 201, sorted_signals: SortedSignals | None = None
) -> Sweep:
    """The threshold sweep of a strategy on the experiment."""
    return sweep(signals, experiment.queries, experiment.baselines, points, sorted_signals)


__all__ = [
    "Experiment",
    "build_experiment",
    "run",
    "signals_for",
    "sort_signals",
    "sweep_for",
    "thresholds_for",
]
