"""Injecting failures into a strategy's signals, and the thresholds an injected run is compared at."""

from __future__ import annotations

import dataclasses
import zlib

import numpy as np

from lab.core.errors import LabError
from lab.core.experiment import Experiment
from lab.core.metrics import Summary, baselines_of
from lab.core.signals import Signals
from lab.core.sweep import sweep
from lab.failures.registry import REGISTRY, get_failure
from lab.failures.transforms import TUNING_TARGET_RETAINED
from lab.failures.world import World


def failure_rng(experiment: Experiment, name: str) -> np.random.Generator:
    """The Generator a failure draws from: the scenario's seed and the failure's name, never its severity."""
    return np.random.default_rng([experiment.scenario.seed, zlib.crc32(name.encode())])


def inject(
    experiment: Experiment, signals: Signals, failures: dict[str, float], variants: dict[str, str] | None = None
) -> World:
    """The world after applying each failure at its severity, in registry order; severity 0 changes nothing.

    variants: a failure's alternative policy by name (e.g. {"cheap-model-outage": "retry-then-next"}).
    """
    known = {m.name for m in REGISTRY}
    unknown = set(failures) - known
    if unknown:
        raise LabError(f"unknown failure '{sorted(unknown)[0]}'; known: {', '.join(m.name for m in REGISTRY)}")
    world = World(experiment, signals)
    for mode in REGISTRY:
        severity = float(failures.get(mode.name, 0.0))
        if not 0.0 <= severity <= 1.0:
            raise LabError(f"failure '{mode.name}': severity {severity} is outside [0, 1]")
        if severity == 0:
            continue
        if not mode.applies_to(signals.strategy):
            world = world.noted(
                f"{mode.name} does not touch the {signals.strategy} strategy (it touches {', '.join(mode.touches)}): no effect"
            )
            continue
        transform = mode.transform
        choice = (variants or {}).get(mode.name)
        if choice is not None:
            if choice not in mode.variants:
                raise LabError(
                    f"failure '{mode.name}' has no policy '{choice}'; known: {', '.join(mode.variants) or 'none'}"
                )
            transform = mode.variants[choice]
        world = transform(world, severity, failure_rng(experiment, mode.name))
    return world


# --- comparing a clean and an injected run ------------------------------------------------------


def tuned_thresholds(
    world: World, quality_retained: float = TUNING_TARGET_RETAINED, points: int = 401
) -> tuple[float, ...]:
    """The cheapest thresholds on the sweep whose quality, as the world measures it, retains this share of always-strongest."""
    queries = dataclasses.replace(world.experiment.queries, quality=world.tuning_quality)
    baselines = baselines_of(queries, world.experiment.calls)
    path = sweep(world.signals, queries, baselines, points)
    target = quality_retained * baselines.mean_quality_strong
    ok = np.flatnonzero(path.quality >= target - 1e-12)
    if len(ok) == 0:
        return tuple(float(t) for t in path.thresholds[-1])
    best = ok[np.argmin(path.cost_per_query_usd[ok])]
    return tuple(float(t) for t in path.thresholds[best])


def live_thresholds(
    world: World, failures: dict[str, float], thresholds: tuple[float, ...], clean: Summary
) -> tuple[tuple[float, ...], str | None]:
    """The thresholds an injected run uses beside a clean run at `thresholds`, with a note when they differ.

    A failure that acts through tuning (a noisy judge) changes nothing at fixed thresholds, so the injected
    run takes the thresholds a team measuring with it would pick to retain what the clean run retains."""
    if not any(get_failure(name).retunes and severity > 0 for name, severity in failures.items()):
        return tuple(thresholds), None
    tuned = tuned_thresholds(world, clean.quality_retained)
    shown = ", ".join(f"{t:.2f}" for t in tuned)
    return tuned, (
        f"tuned on the judge: the injected run uses thresholds {shown}, the cheapest setting whose quality as the judge "
        f"measures it retains {clean.quality_retained:.1%} of always-strongest, as the clean run does; its true quality is shown"
    )
