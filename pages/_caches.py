"""The pages' bounded caches over the engine, shared read-only between sessions, and the Lab page's first run.

Caches are keyed by plain values (the experiment itself is not hashed) and bounded in entries. The Lab
page's first view (what the page computes, what the server warms as it starts, and what the
architecture test runs in a fresh process) is `first_lab_view`, built from the same two calls the page makes.
"""

from __future__ import annotations

import os

import streamlit as st

from lab.core.errors import LabError
from lab.core.experiment import Experiment, build_experiment, run, signals_for, sweep_for, thresholds_for
from lab.core.metrics import Summary
from lab.core.scenario import Scenario, builtin_scenarios, load_scenario
from lab.core.signals import Signals
from lab.core.sweep import Sweep, sort_signals
from lab.failures.injection import inject
from lab.failures.registry import get_failure
from lab.failures.world import World
from lab.present.lab_view import LabInputs, LabView, lab_view
from lab.present.urlstate import DEFAULT_SCENARIO
from lab.sources.loader import load_experiment

# --- caches (bounded; keyed by plain values, the experiment itself is not hashed) -----------------


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_scenario(name: str, mtime: float) -> Scenario:
    """A built-in scenario, re-read when its file changes."""
    return load_scenario(name)


@st.cache_resource(max_entries=4, show_spinner="Building the experiment (queries, prices, baselines)...")
def cached_experiment(name: str, n_queries: int | None, data_dir: str | None) -> Experiment:
    """The experiment of a built-in scenario at a size, with its data directory."""
    scenario = scenario_by_name(name)
    if n_queries is not None and n_queries != getattr(scenario.source, "n_queries", None):
        scenario = scenario.with_queries(n_queries)
    return load_experiment(scenario, data_dir=data_dir or None)


@st.cache_resource(max_entries=4, show_spinner="Reading the uploaded outcome log...")
def cached_upload_experiment(digest: str, _scenario: Scenario, _queries) -> Experiment:
    """The experiment of an uploaded outcome log (keyed by the file's SHA-256)."""
    return build_experiment(_scenario, queries=_queries)


@st.cache_resource(max_entries=48, show_spinner=False)
def cached_signals(key: str, strategy: str, _experiment: Experiment) -> Signals:
    """A strategy's signals on an experiment, computed once."""
    return signals_for(_experiment, strategy)


@st.cache_resource(max_entries=48, show_spinner=False)
def cached_world(
    key: str, strategy: str, failures: tuple[tuple[str, float], ...], _experiment: Experiment, _signals: Signals
) -> World:
    """The world after injecting failures into a strategy's signals."""
    return inject(_experiment, _signals, dict(failures))


@st.cache_resource(max_entries=48, show_spinner=False)
def cached_sweep(
    key: str, strategy: str, failures: tuple[tuple[str, float], ...], _experiment: Experiment, _signals: Signals
) -> Sweep:
    """A strategy's threshold sweep (clean when failures is empty)."""
    if _signals.fixed_tier is None and not _signals.staged:
        return sweep_for(_experiment, _signals, sorted_signals=sort_signals(_signals, _experiment.queries))
    return sweep_for(_experiment, _signals)


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_reference(key: str, strategy: str, _experiment: Experiment) -> Summary:
    """The Summary of a fixed strategy (always-cheapest, always-strongest, oracle) on an experiment."""
    signals = cached_signals(key, strategy, _experiment)
    return run(_experiment, signals, thresholds_for(_experiment, strategy))[1]


def experiment_key(name: str, n_queries: int | None, data_dir: str) -> str:
    """The cache key of a built-in scenario's experiment at a size, with its data directory."""
    return f"{name}|{n_queries}|{data_dir}"


def scenario_by_name(name: str) -> Scenario:
    """A built-in scenario by name (cached, re-read when its file changes)."""
    files = builtin_scenarios()
    if name not in files:
        raise LabError(f"unknown scenario '{name}'; built-in: {', '.join(files)}")
    return cached_scenario(name, files[name].stat().st_mtime)


@st.cache_resource(max_entries=4, show_spinner="Training the classifier on this query set...")
def _cached_probe_classifier(key: str, _experiment: Experiment):
    from lab.core.classifier import fit_on_queries
    from lab.core.strategies import strategy_rng

    knobs = _experiment.scenario.signals.classifier
    return fit_on_queries(
        _experiment.queries,
        knobs.regularisation_c,
        knobs.max_train_queries,
        strategy_rng(_experiment.scenario.seed, "probe"),
    )


def probe_classifier(key: str, experiment: Experiment):
    """A classifier fitted on the whole query set (or the scenario's own), for probing typed prompts; None if untrainable."""
    if experiment.classifier is not None:
        return experiment.classifier
    try:
        return _cached_probe_classifier(key, experiment)
    except LabError:
        return None


@st.cache_resource(max_entries=16, show_spinner="Recalibrating the scorer (the remedy)...")
def cached_remedy(key: str, strategy: str, failures: tuple[tuple[str, float], ...], _world: World) -> World:
    """The injected world with the cascade's scorer recalibrated (isotonic, cross-fitted on two halves)."""
    from lab.failures.calibration import recalibrate  # scikit-learn: only when a remedy is shown

    return recalibrate(_world, "isotonic")


def needs_recalibration(failures: dict[str, float], signals: Signals) -> bool:
    """Whether a failure on is a miscalibrated scorer whose remedy is recalibration."""
    return signals.escalates and any(
        get_failure(name).remedy == "recalibration" and severity > 0 for name, severity in failures.items()
    )


def lab_inputs(
    key: str, experiment: Experiment, strategy: str, failures: dict[str, float], world: World | None
) -> LabInputs:
    """What the Lab page computes once per scenario, strategy and failures (each piece cached)."""
    signals = cached_signals(key, strategy, experiment)
    failure_key = tuple(sorted(failures.items()))
    return LabInputs(
        experiment=experiment,
        strategy=strategy,
        signals=signals,
        clean_sweep=cached_sweep(key, strategy, (), experiment, signals),
        weak=cached_reference(key, "always-cheapest", experiment),
        strong=cached_reference(key, "always-strongest", experiment),
        oracle=cached_reference(key, "oracle", experiment),
        failures=dict(failures),
        world=world,
        injected_sweep=(
            cached_sweep(key, strategy, failure_key, world.experiment, world.signals) if world is not None else None
        ),
        remedy_world=(
            cached_remedy(key, strategy, failure_key, world)
            if world is not None and needs_recalibration(failures, signals)
            else None
        ),
    )


def first_lab_view(data_dir: str | None = None) -> LabView:
    """The Lab page's first view on the default scenario: the server warms it as it starts, the page computes it."""
    data_dir = (data_dir if data_dir is not None else os.environ.get("ROUTING_LAB_DATA", "")).strip()
    experiment = cached_experiment(DEFAULT_SCENARIO, None, data_dir or None)
    strategy = experiment.scenario.defaults.strategy
    inputs = lab_inputs(experiment_key(DEFAULT_SCENARIO, None, data_dir), experiment, strategy, {}, None)
    return lab_view(inputs, tuple(thresholds_for(experiment, strategy)))
