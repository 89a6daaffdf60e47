"""RecordedSignals: what a live run measured per query for the LLM router and the cascade's scorer.

A live run (lab.live) asks a router model to rate every query 1-10 and takes each cheaper model's
confidence in its own answer (its mean token log-probability, or a verbalised confidence where the
endpoint returns no log-probabilities). A QuerySet read from its outcome log carries these, and they
travel with its queries (take). lab.core.recorded turns them into Signals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from lab.core.errors import LabError


@dataclass(frozen=True, eq=False)
class RecordedSignals:
    """Per query, what a live run measured for the router and the cascade's scorer.

    router_rating: (n,) the router model's rating 1-10; where its reply was malformed, the stated
      fallback rating (router_malformed marks those rows).
    confidence: model name -> (n,) confidence in that model's answer, in [0, 1];
      confidence_method: model name -> (n,) "logprob", "verbalised" or "verbalised-malformed".
    *_cost_usd / *_latency_ms: what the router call and each scorer call cost and took (0 for a
      confidence read from log-probabilities: it needs no call).
    """

    router_model: str | None = None
    router_fallback_rating: float = 10.0
    router_rating: np.ndarray | None = None
    router_malformed: np.ndarray | None = None
    router_cost_usd: np.ndarray | None = None
    router_latency_ms: np.ndarray | None = None
    confidence: Mapping[str, np.ndarray] = field(default_factory=dict)
    confidence_method: Mapping[str, np.ndarray] = field(default_factory=dict)
    confidence_cost_usd: Mapping[str, np.ndarray] = field(default_factory=dict)
    confidence_latency_ms: Mapping[str, np.ndarray] = field(default_factory=dict)

    def _arrays(self) -> dict[str, np.ndarray]:
        flat = {
            name: getattr(self, name)
            for name in ("router_rating", "router_malformed", "router_cost_usd", "router_latency_ms")
            if getattr(self, name) is not None
        }
        for group in ("confidence", "confidence_method", "confidence_cost_usd", "confidence_latency_ms"):
            flat.update({f"{group}:{model}": values for model, values in getattr(self, group).items()})
        return flat

    def check(self, n_queries: int, where: str) -> None:
        """Every recorded array has one value per query; else a LabError naming the array."""
        for name, values in self._arrays().items():
            if len(values) != n_queries:
                raise LabError(f"{where}: recorded {name} has {len(values)} values for {n_queries} queries")

    def take(self, index: np.ndarray) -> RecordedSignals:
        """The rows at `index` (positions or a boolean mask)."""

        def pick(group: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
            return {model: values[index] for model, values in group.items()}

        def one(values: np.ndarray | None) -> np.ndarray | None:
            return None if values is None else values[index]

        return RecordedSignals(
            router_model=self.router_model,
            router_fallback_rating=self.router_fallback_rating,
            router_rating=one(self.router_rating),
            router_malformed=one(self.router_malformed),
            router_cost_usd=one(self.router_cost_usd),
            router_latency_ms=one(self.router_latency_ms),
            confidence=pick(self.confidence),
            confidence_method=pick(self.confidence_method),
            confidence_cost_usd=pick(self.confidence_cost_usd),
            confidence_latency_ms=pick(self.confidence_latency_ms),
        )

    def covers(self, strategy: str, model_names: tuple[str, ...]) -> bool:
        """Whether every query has the recorded signal `strategy` needs for these models (cheapest first)."""
        if strategy == "llm-router":
            return self.router_rating is not None and not np.isnan(self.router_rating).any()
        if strategy == "cascade":
            return all(
                name in self.confidence and not np.isnan(self.confidence[name]).any() for name in model_names[:-1]
            )
        return False
