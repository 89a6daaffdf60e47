"""Small hand-made query sets and experiments for unit tests."""

from __future__ import annotations

import numpy as np

from lab.core.experiment import Experiment, build_experiment
from lab.core.models import ModelSpec
from lab.core.queryset import QuerySet
from lab.core.scenario import Scenario, SyntheticSource


def make_queryset(
    quality: np.ndarray,
    prompt_tokens: np.ndarray | None = None,
    output_tokens: np.ndarray | None = None,
    name: str = "hand-made",
    cost_usd: np.ndarray | None = None,
) -> QuerySet:
    """A QuerySet from a quality matrix (n, m), with recorded costs if given; texts and categories are filler."""
    n, m = quality.shape
    texts = np.array([f"How do I fix problem number {i} in my account?" for i in range(n)], dtype=object)
    return QuerySet(
        name=name,
        model_names=tuple(f"model-{j}" for j in range(m)),
        ids=np.arange(n),
        text=texts,
        category=np.array(["a", "b"] * (n // 2) + ["a"] * (n % 2), dtype=object),
        prompt_tokens=np.full(n, 100) if prompt_tokens is None else prompt_tokens,
        quality=quality.astype(float),
        output_tokens=np.full((n, m), 50.0) if output_tokens is None else output_tokens,
        cost_usd=cost_usd,
    )


def make_models(m: int) -> list[ModelSpec]:
    """m models with stated prices rising with the tier (no price map needed)."""
    return [
        ModelSpec(
            key=f"model-{j}", input_usd_per_token=1e-7 * (5**j), output_usd_per_token=4e-7 * (5**j), ability=float(j)
        )
        for j in range(m)
    ]


def make_scenario(m: int = 2) -> Scenario:
    """A minimal synthetic scenario over m hand-priced models."""
    return Scenario(
        name="hand-made",
        models=make_models(m),
        source=SyntheticSource(
            categories=[{"name": "faq", "family": "factual_lookup", "share": 1.0, "difficulty_mean": 0.0}], n_queries=10
        ),
    )


def make_experiment(quality: np.ndarray, **kwargs) -> Experiment:
    """An Experiment over a hand-made quality matrix."""
    queries = make_queryset(quality, **kwargs)
    return build_experiment(make_scenario(quality.shape[1]), queries=queries)
