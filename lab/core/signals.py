"""Signals: what a strategy computes once per query set, before any threshold is applied."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True, eq=False)
class Signals:
    """One routing score per query (a score per stage for a cascade over m > 2 models), plus path costs.

    score: (n,) "how much this query needs a stronger model", in [0, 1]; tier = number of
      thresholds below the score. A cascade's score is (n, m-1): stage k escalates when its score
      (1 - confidence in model k's answer) exceeds threshold k.
    fixed_tier: (n,) where the strategy ignores thresholds (always-<model>, oracle).
    escalates: a cascade: the cheapest model answers first and a confidence scorer escalates; the path to
      tier j pays every model up to j and the scorer, and the score is 1 - the scorer's confidence.
    trained: the score comes from a classifier trained on the queries' outcomes (retrained when they change).
    ranks_prompt_tokens: the score is each prompt's length rank among the query set's (re-ranked when prompts change).
    path_cost_usd / path_latency_ms: (n, m), what serving query i at tier j costs in all, router,
      scorer and every model tried included.
    """

    strategy: str
    score: np.ndarray
    path_cost_usd: np.ndarray
    path_latency_ms: np.ndarray
    description: str
    simulated: bool = False
    fixed_tier: np.ndarray | None = None
    escalates: bool = False
    trained: bool = False
    ranks_prompt_tokens: bool = False
    knobs: dict[str, float] = field(default_factory=dict)
    draws: dict[str, np.ndarray] = field(default_factory=dict)  # the random draws, reused by failure modes

    def __post_init__(self) -> None:
        # column-major, float32: routing reads one tier's column at a time, and half the bytes
        # (7 significant digits; sums are taken in float64)
        for name in ("path_cost_usd", "path_latency_ms"):
            value = getattr(self, name)
            if value.dtype != np.float32 or not value.flags.f_contiguous:
                object.__setattr__(self, name, np.asfortranarray(value, dtype=np.float32))

    @property
    def staged(self) -> bool:
        """True for a cascade over more than two models (one score per stage)."""
        return self.score.ndim == 2 and self.score.shape[1] > 1

    @property
    def n_models(self) -> int:
        """Number of tiers m."""
        return int(self.path_cost_usd.shape[1])

    def replace(self, **changes) -> Signals:
        """A copy with some fields changed (failure modes, recalibration)."""
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        values.update(changes)
        return Signals(**values)
