"""The clean-vs-injected comparison: the same queries and draws with and without failures, and the difference."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel

from lab.core.bootstrap import interval, replicate_means
from lab.core.experiment import Experiment, run, signals_for, thresholds_for
from lab.core.metrics import DAYS_PER_MONTH, Summary
from lab.core.routing import Result
from lab.core.signals import Signals
from lab.failures.injection import inject, tuned_thresholds
from lab.failures.registry import get_failure
from lab.failures.transforms import TUNING_TARGET_RETAINED
from lab.failures.world import World


@dataclass(frozen=True, eq=False)
class Comparison:
    """A clean and an injected run on the same queries and draws, and the difference with paired intervals."""

    clean: Summary
    injected: Summary
    clean_result: Result
    injected_result: Result
    delta: dict
    notes: tuple[str, ...]
    world: World  # the injected world the run came from
    clean_world: World  # the clean world (experiment and signals) it is compared with


def payload_difference(a, b):
    """a - b, key by key and item by item, for JSON-ready values; equal text stays, differing text is None."""
    if isinstance(a, (bool, str)) or a is None or b is None:
        return a if a == b else None
    if isinstance(a, (int, float)):
        return float(a) - float(b)
    if isinstance(a, dict):
        return {k: payload_difference(a[k], b.get(k)) for k in a}
    if isinstance(a, (list, tuple)) and len(a) == len(b):
        return [payload_difference(x, y) for x, y in zip(a, b)]
    return None


def delta_of(
    clean: Summary, injected: Summary, clean_result: Result, injected_result: Result, clean_world: World, world: World
) -> dict:
    """Injected minus clean for every key of a Summary; intervals are paired bootstrap intervals of the difference."""
    delta = payload_difference(injected.model_dump(), clean.model_dump())
    qi, qc, ci, cc, q_strong_i, q_strong_c, base_i, base_c = replicate_means(
        world.experiment.plan,
        injected_result.quality,
        clean_result.quality,
        injected_result.cost_usd,
        clean_result.cost_usd,
        world.experiment.baselines.quality_strong,
        clean_world.experiment.baselines.quality_strong,
        world.experiment.baselines.cost_strong_usd,
        clean_world.experiment.baselines.cost_strong_usd,
    ).T
    monthly = injected.queries_per_day * DAYS_PER_MONTH
    with np.errstate(divide="ignore", invalid="ignore"):
        delta["quality_ci"] = list(interval(qi - qc))
        delta["quality_retained_ci"] = list(interval(qi / q_strong_i - qc / q_strong_c))
        delta["cost_per_query_ci"] = list(interval(ci - cc))
        delta["monthly_cost_ci"] = [v * monthly for v in interval(ci - cc)]
        delta["savings_ci"] = list(interval((1 - ci / base_i) - (1 - cc / base_c)))
    delta["latency_p95_ci"] = None  # a quantile's difference has no paired mean-bootstrap interval
    return delta


def compare(
    experiment: Experiment,
    signals: Signals,
    failures: dict[str, float],
    thresholds: tuple[float, ...] | list[float],
    variants: dict[str, str] | None = None,
    retune: bool | None = None,
) -> Comparison:
    """Clean and injected runs of one strategy. retune (default: when an injected failure acts through tuning)
    tunes each world's thresholds on the quality it measures instead of using `thresholds`."""
    clean_world = World(experiment, signals)
    world = inject(experiment, signals, failures, variants)
    if retune is None:
        retune = any(get_failure(name).retunes for name in failures)
    clean_thresholds = tuned_thresholds(clean_world) if retune else tuple(thresholds)
    injected_thresholds = tuned_thresholds(world) if retune else tuple(thresholds)
    clean_result, clean = run(experiment, signals, clean_thresholds)
    injected_result, injected = run(world.experiment, world.signals, injected_thresholds)
    delta = delta_of(clean, injected, clean_result, injected_result, clean_world, world)
    tuned = any(get_failure(name).retunes and sev > 0 for name, sev in failures.items())
    extra: tuple[str, ...]
    if retune:
        extra = (
            f"thresholds tuned to retain {TUNING_TARGET_RETAINED:.0%} of always-strongest quality as each run measures it",
        )
    elif tuned:
        extra = (
            "thresholds held fixed: a noisy judge then changes only what learns from its labels (the classifier); "
            "compare tuned thresholds to see its effect",
        )
    else:
        extra = ()
    notes = (*world.notes, *extra)
    return Comparison(clean, injected, clean_result, injected_result, delta, notes, world, clean_world)


def demonstrate(
    experiment: Experiment, name: str, severity: float | None = None, signals: Signals | None = None
) -> Comparison:
    """A failure's preset demonstration on an experiment: its demo strategy and severity unless given."""
    mode = get_failure(name)
    strategy = mode.demo.get("strategy", experiment.scenario.defaults.strategy)
    signals = signals if signals is not None else signals_for(experiment, strategy)
    thresholds = thresholds_for(experiment, signals.strategy, mode.demo.get("thresholds"))
    level = mode.demo.get("severity", 0.8) if severity is None else severity
    return compare(experiment, signals, {name: level}, thresholds)


class DemoRow(BaseModel):
    """A failure's demonstration in one row: what changed, injected minus clean, with paired 95% intervals."""

    name: str
    title: str
    strategy: str
    severity: float
    quality_change: float
    quality_change_ci: tuple[float, float]
    cost_per_1k_change_usd: float
    cost_per_1k_change_ci: tuple[float, float]
    latency_p95_change_ms: float
    strong_share_change: float
    effect: str


def demo_row(name: str, severity: float, comparison: Comparison) -> DemoRow:
    """The row of a demonstration (for the gallery's overview table)."""
    mode = get_failure(name)
    d = comparison.delta
    return DemoRow(
        name=name,
        title=mode.title,
        strategy=comparison.clean.strategy,
        severity=severity,
        quality_change=d["quality"],
        quality_change_ci=tuple(d["quality_ci"]),
        cost_per_1k_change_usd=d["cost_per_query_usd"] * 1000,
        cost_per_1k_change_ci=tuple(v * 1000 for v in d["cost_per_query_ci"]),
        latency_p95_change_ms=d["latency_p95_ms"],
        strong_share_change=d["strong_share"],
        effect=mode.effect,
    )


@dataclass(frozen=True, eq=False)
class SeverityCurve:
    """A failure's effect against severity: the injected run's figures at each severity (severity 0 = clean)."""

    name: str
    severities: np.ndarray
    quality: np.ndarray
    cost_per_query_usd: np.ndarray
    latency_p95_ms: np.ndarray
    strong_share: np.ndarray


def severity_curve(
    experiment: Experiment,
    signals: Signals,
    name: str,
    thresholds: tuple[float, ...] | list[float],
    severities: np.ndarray | None = None,
) -> SeverityCurve:
    """Quality, cost, p95 latency and strong share of the injected run on a grid of severities."""
    grid = np.linspace(0.0, 1.0, 6) if severities is None else np.asarray(severities, dtype=float)
    rows = [compare(experiment, signals, {name: float(s)}, thresholds).injected for s in grid]
    return SeverityCurve(
        name=name,
        severities=grid,
        quality=np.array([r.quality for r in rows]),
        cost_per_query_usd=np.array([r.cost_per_query_usd for r in rows]),
        latency_p95_ms=np.array([r.latency_p95_ms for r in rows]),
        strong_share=np.array([r.strong_share for r in rows]),
    )
