"""Failure modes: pure transforms (world, severity in [0, 1], rng) -> world, registered by name.

A World is the experiment and one strategy's signals. Severity 0 returns the world unchanged, and
every transform reuses the draws already in the world (common random numbers), so the difference
between a clean and an injected run is the failure's alone.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from lab.errors import LabError
from lab.experiment import Experiment
from lab.signals import Signals
from lab.strategies import cascade_confidence


@dataclass(frozen=True, eq=False)
class World:
    """What a failure can change: the experiment (queries, prices, calls) and a strategy's signals."""

    experiment: Experiment
    signals: Signals


Transform = Callable[[World, float, np.random.Generator], World]


@dataclass(frozen=True)
class FailureMode:
    """A named failure: what it is in the real world, which strategies it touches, its transform."""

    name: str
    title: str
    description: str
    touches: tuple[str, ...]  # strategy names, or ("*",) for every strategy
    transform: Transform
    demo: dict = field(default_factory=dict)  # a preset demonstration: strategy, severity, thresholds

    def applies_to(self, strategy: str) -> bool:
        """Whether this failure changes anything for `strategy`."""
        return "*" in self.touches or strategy in self.touches


def _rescore_cascade(world: World, temperature: float, bias_logit: float, auroc: float) -> World:
    signals = world.signals
    queries = world.experiment.queries
    knobs = world.experiment.scenario.signals.cascade
    m = queries.n_models
    good = (queries.quality[:, : m - 1] >= knobs.pass_mark).astype(float)
    confidence = cascade_confidence(good, signals.draws["noise"], auroc, temperature, bias_logit)
    score = 1.0 - confidence
    return World(world.experiment, signals.replace(score=score if m > 2 else score[:, 0], knobs={"auroc": auroc, "temperature": temperature, "bias_logit": bias_logit}))


def _overconfident_scorer(world: World, severity: float, rng: np.random.Generator) -> World:
    k = world.signals.knobs
    return _rescore_cascade(world, k["temperature"] * (1 - 0.8 * severity), k["bias_logit"] + 3.0 * severity, k["auroc"])


_REGISTRY: tuple[FailureMode, ...] = (
    FailureMode(
        name="overconfident-scorer",
        title="Overconfident cascade scorer",
        description=(
            "The confidence scorer says 'this answer is fine' more often and more strongly than it should: "
            "self-reported LLM confidence and log-prob scores are typically overconfident, more so after a "
            "model update. The cascade escalates fewer queries, so it saves more and quietly serves more bad answers."
        ),
        touches=("cascade",),
        transform=_overconfident_scorer,
        demo={"strategy": "cascade", "severity": 0.8},
    ),
)


def list_failures() -> list[FailureMode]:
    """Every registered failure mode."""
    return list(_REGISTRY)


def get_failure(name: str) -> FailureMode:
    """The failure mode called `name`; an unknown name is an error listing the known ones."""
    for mode in _REGISTRY:
        if mode.name == name:
            return mode
    raise LabError(f"unknown failure '{name}'; known: {', '.join(m.name for m in _REGISTRY)}")


def parse_injection(text: str) -> tuple[str, float]:
    """'NAME=SEVERITY' -> (name, severity), severity in [0, 1]."""
    name, sep, value = text.partition("=")
    try:
        severity = float(value) if sep else float("nan")
    except ValueError:
        severity = float("nan")
    if not sep or not 0.0 <= severity <= 1.0:
        raise LabError(f"--inject '{text}': write NAME=SEVERITY with a severity in [0, 1], e.g. overconfident-scorer=0.8")
    get_failure(name)
    return name, severity


def inject(experiment: Experiment, signals: Signals, failures: dict[str, float]) -> World:
    """The world after applying each failure at its severity, in registry order; severity 0 changes nothing."""
    world = World(experiment, signals)
    for mode in _REGISTRY:
        severity = float(failures.get(mode.name, 0.0))
        if severity < 0 or severity > 1:
            raise LabError(f"failure '{mode.name}': severity {severity} is outside [0, 1]")
        if severity == 0 or not mode.applies_to(signals.strategy):
            continue
        rng = np.random.default_rng([experiment.scenario.seed, zlib.crc32(mode.name.encode())])
        world = mode.transform(world, severity, rng)
    unknown = set(failures) - {m.name for m in _REGISTRY}
    if unknown:
        raise LabError(f"unknown failure '{sorted(unknown)[0]}'; known: {', '.join(m.name for m in _REGISTRY)}")
    return world
