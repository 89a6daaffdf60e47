"""Synthetic query sets: realistic texts, a latent difficulty per query, and a capability curve.

Model j answers query i well with probability p_ij = sigmoid(slope * (ability_j - difficulty_i)).
The draws are correlated across models (a Gaussian copula with `outcome_correlation`), so a hard
query tends to defeat every model, yet a cheap model sometimes succeeds where a strong one fails,
as in recorded data.
"""

from __future__ import annotations

import numpy as np

from lab.core.links import normal_cdf, sigmoid
from lab.core.models import ModelSpec
from lab.core.queryset import QuerySet
from lab.core.scenario import SyntheticSource
from lab.sources.texts import generate_texts
from lab.sources.tokens import count_tokens

_OUTPUT_LENGTH_SD = 0.45  # log-normal spread of answer lengths around a category's mean
_CONTEXT_LENGTH_SD = 0.6  # log-normal spread of attached-context lengths


def answer_probability(ability: np.ndarray, difficulty: np.ndarray, slope: float) -> np.ndarray:
    """P(correct) for every (query, model): sigmoid(slope * (ability - difficulty)), shape (n, m)."""
    return sigmoid(slope * (ability[None, :] - difficulty[:, None]))


def generate_queryset(source: SyntheticSource, models: list[ModelSpec], seed: int, name: str) -> QuerySet:
    """The query set a synthetic source describes, reproducible from `seed`."""
    text_seed, query_seed, outcome_seed = np.random.SeedSequence(seed).spawn(3)
    text_rng = np.random.default_rng(text_seed)
    rng = np.random.default_rng(query_seed)
    n, m = source.n_queries, len(models)
    cats = source.categories

    pool_texts: list[str] = []
    pool_difficulty: list[np.ndarray] = []
    starts = np.zeros(len(cats) + 1, dtype=np.int64)
    for c, cat in enumerate(cats):
        texts, offsets = generate_texts(cat.family, source.texts_per_category, text_rng)
        pool_texts.extend(texts)
        pool_difficulty.append(cat.difficulty_mean + offsets + text_rng.normal(0, cat.difficulty_sd, len(texts)))
        starts[c + 1] = starts[c] + len(texts)
    pool_text_arr = np.empty(len(pool_texts), dtype=object)
    pool_text_arr[:] = pool_texts
    pool_diff = np.concatenate(pool_difficulty)
    pool_tokens = count_tokens(pool_text_arr)

    shares = np.array([cat.share for cat in cats], dtype=float)
    category_index = rng.choice(len(cats), size=n, p=shares / shares.sum())
    sizes = (starts[1:] - starts[:-1])[category_index]
    pool_index = starts[category_index] + (rng.random(n) * sizes).astype(np.int64)

    difficulty = pool_diff[pool_index] + rng.normal(0, source.capability.residual_difficulty_sd, n)
    context_mean = np.array([cat.context_tokens_mean for cat in cats])[category_index]
    context_tokens = np.where(
        context_mean > 0, context_mean * rng.lognormal(-(_CONTEXT_LENGTH_SD**2) / 2, _CONTEXT_LENGTH_SD, n), 0.0
    )
    prompt_tokens = pool_tokens[pool_index] + np.round(context_tokens).astype(np.int64)

    outcome_rng = np.random.default_rng(outcome_seed)
    ability = np.array([spec.ability for spec in models], dtype=float)
    rho = source.capability.outcome_correlation
    common = outcome_rng.standard_normal(n)
    quality = np.empty((n, m), dtype=np.float32, order="F")
    for j in range(m):  # one column (model) at a time keeps the peak memory at O(n)
        latent = rho * common + np.sqrt(1 - rho**2) * outcome_rng.standard_normal(n)
        p_good = answer_probability(ability[j : j + 1], difficulty, source.capability.slope)[:, 0]
        quality[:, j] = normal_cdf(latent) < p_good
    del common, latent, p_good

    output_mean = np.array([cat.output_tokens_mean for cat in cats])[category_index]
    verbosity = np.array([spec.verbosity for spec in models])
    length_draw = outcome_rng.lognormal(-(_OUTPUT_LENGTH_SD**2) / 2, _OUTPUT_LENGTH_SD, n)
    base_length = (output_mean * length_draw).astype(np.float32)
    output_tokens = np.empty((n, m), dtype=np.float32, order="F")
    for j in range(m):
        output_tokens[:, j] = np.maximum(1.0, np.round(base_length * verbosity[j]))

    names = np.array([cat.name for cat in cats], dtype=object)
    return QuerySet(
        name=name,
        model_names=tuple(spec.name for spec in models),
        ids=np.arange(n),
        text=pool_text_arr[pool_index],
        category=names[category_index],
        prompt_tokens=prompt_tokens,
        quality=quality,
        output_tokens=output_tokens,
        notes=(
            "Synthetic: query texts are generated from category templates; each model's outcome is drawn "
            f"from P(good) = sigmoid({source.capability.slope} x (ability - difficulty)) with outcome "
            f"correlation {rho} across models.",
        ),
    )
