"""The parameters of the exported routing plugin (length or classifier), as plain JSON, and the lab's own routes.

The plugin (lab/export/plugin_module.py, written beside the config) scores a request without the lab;
this module computes what it needs and what the lab predicts it will do, with the lab's own code:

- length: the lab's score is a prompt's token count ranked among the query set's prompts, so "score >
  threshold" is exactly "tokens >= the smallest count whose rank exceeds the threshold": the plugin gets
  integer token cutoffs and litellm's token counter for the model the lab counted with;
- classifier: the deployable model is the experiment's cross-domain classifier where it has one, else one
  fitted on the whole query set (the lab's figures come from cross-fitted models that never saw a query;
  this one has seen them all). Its kept hash buckets, IDF weights, coefficients and intercept are written
  out; each threshold moves to the middle of the gap to the next score seen, so float rounding between
  scikit-learn and the plugin's pure Python cannot flip a route while the lab's routes stay the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lab.core.classifier import HASH_BUCKETS, RouterClassifier, fit_on_queries
from lab.core.experiment import Experiment
from lab.core.routing import assign_tiers
from lab.core.scenario import SyntheticSource
from lab.core.signals import Signals
from lab.core.strategies import length_scores, strategy_rng
from lab.sources.tokens import count_tokens

PLUGIN_FORMAT = "routing-lab-plugin"
PLUGIN_VERSION = 1
SKLEARN_TOKEN_PATTERN = r"(?u)\b\w\w+\b"  # HashingVectorizer's default, which lab.core.classifier uses
SYNTHETIC_TOKEN_MODEL = "gpt-4o"  # lab.sources.synthetic counts its texts with count_tokens' default


@dataclass(frozen=True, eq=False)
class PluginParams:
    """The JSON the plugin reads, the lab's predicted tier per query, and notes for the config's header."""

    params: dict
    lab_tiers: np.ndarray  # (n,) the tier the lab predicts the plugin picks for each query of the experiment
    notes: tuple[str, ...]


def _tiers(scores: np.ndarray, thresholds: tuple[float, ...], n_models: int) -> np.ndarray:
    one = Signals("export", scores, np.zeros((len(scores), n_models)), np.zeros((len(scores), n_models)), "export")
    return assign_tiers(one, thresholds)


def token_model(experiment: Experiment) -> str:
    """The litellm model key whose tokenizer counted the experiment's prompt tokens."""
    if isinstance(experiment.scenario.source, SyntheticSource):
        return SYNTHETIC_TOKEN_MODEL
    return experiment.scenario.models[-1].key  # lab.sources.replay counts with the strongest model's tokenizer


def length_cutoffs(reference_tokens: np.ndarray, thresholds: tuple[float, ...]) -> list[int | None]:
    """Per threshold, the smallest token count whose length score exceeds it (None: no prompt length does)."""
    levels = np.unique(np.asarray(reference_tokens))
    scores = length_scores(levels, reference_tokens)
    cutoffs: list[int | None] = []
    for t in thresholds:
        above = np.flatnonzero(scores > t)
        cutoffs.append(int(levels[above[0]]) if len(above) else None)
    return cutoffs


def length_plugin(experiment: Experiment, thresholds: tuple[float, ...], tier_names: list[str]) -> PluginParams:
    """The length plugin's cutoffs, and the tiers it picks for the experiment's prompts counted as it counts them."""
    queries = experiment.queries
    model = token_model(experiment)
    cutoffs = length_cutoffs(queries.prompt_tokens, thresholds)
    counted = count_tokens(queries.text, model)  # what litellm's counter gives the plugin for each prompt
    lab_tiers = _tiers(length_scores(counted, queries.prompt_tokens), thresholds, queries.n_models)
    notes = []
    differ = counted != queries.prompt_tokens
    if differ.any():
        notes.append(
            f"the lab's prompt tokens differ from litellm's count of the prompt text for {differ.mean():.1%} of "
            "queries (recorded counts, or attached context the text does not carry): the plugin counts the text"
        )
    params = {
        "format": PLUGIN_FORMAT,
        "version": PLUGIN_VERSION,
        "strategy": "length",
        "tier_names": tier_names,
        "token_model": model,
        "cutoffs_tokens": cutoffs,
        "lab_thresholds": list(thresholds),
    }
    return PluginParams(params, lab_tiers, tuple(notes))


def deployable_classifier(experiment: Experiment) -> RouterClassifier:
    """The classifier to deploy: the cross-domain one the experiment was given, else one fitted on all its queries."""
    if experiment.classifier is not None:
        return experiment.classifier
    knobs = experiment.scenario.signals.classifier
    rng = strategy_rng(experiment.scenario.seed, "classifier export")
    return fit_on_queries(experiment.queries, knobs.regularisation_c, knobs.max_train_queries, rng)


def gap_thresholds(scores: np.ndarray, thresholds: tuple[float, ...]) -> tuple[float, ...]:
    """Each threshold moved to the middle of its gap to the next score above it: the same routes on `scores`."""
    ordered = np.unique(scores)
    out = []
    for t in thresholds:
        above = ordered[ordered > t]
        middle = (t + float(above[0])) / 2 if len(above) else t
        out.append(middle if t < middle < (above[0] if len(above) else np.inf) else t)
    return tuple(float(x) for x in out)


def classifier_plugin(experiment: Experiment, thresholds: tuple[float, ...], tier_names: list[str]) -> PluginParams:
    """The classifier plugin's vocabulary (hashed), IDF, weights and thresholds; the tiers the lab predicts."""
    queries = experiment.queries
    model = deployable_classifier(experiment)
    scores = model.predict(queries.text)
    written = gap_thresholds(scores, thresholds)
    lab_tiers = _tiers(scores, thresholds, queries.n_models)
    in_sample = float(np.mean(lab_tiers == queries.n_models - 1))
    notes = (
        f"the exported classifier was trained on {model.trained_on} ({model.n_train:,} queries); the figures above "
        "come from cross-fitted classifiers that never saw the query they score",
        f"on this data the exported classifier sends {in_sample:.1%} of queries to the strongest model at these "
        "thresholds (in-sample: expect the cross-fitted share on new traffic)",
    )
    params = {
        "format": PLUGIN_FORMAT,
        "version": PLUGIN_VERSION,
        "strategy": "classifier",
        "tier_names": tier_names,
        "thresholds": list(written),
        "lab_thresholds": list(thresholds),
        "trained_on": model.trained_on,
        "n_train": model.n_train,
        "features": {
            "hash_buckets": HASH_BUCKETS,
            "token_pattern": SKLEARN_TOKEN_PATTERN,
            "lowercase": True,
            "ngram_range": [1, 2],
            "sublinear_tf": True,
            "norm": "l2",
        },
        "buckets": [int(b) for b in model.features.columns],
        "idf": [float(v) for v in model.features.tfidf.idf_],
        "coef": [float(v) for v in model.model.coef_[0]],
        "intercept": float(model.model.intercept_[0]),
    }
    return PluginParams(params, lab_tiers, notes)
