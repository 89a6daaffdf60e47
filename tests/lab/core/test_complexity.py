"""litellm-complexity: the lab's score and tier are what LiteLLM's own complexity router computes for each prompt."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lab.core.complexity import (
    BOUNDARY_KEYS,
    DEFAULT_THRESHOLDS,
    LITELLM_DEFAULT_BOUNDARIES,
    OVERRIDE_MIN_SCORE,
    _distinct_scores,
    boundaries_for,
    complexity_scores,
    lab_scores,
    litellm_default_boundaries,
    tier_index,
    tier_models,
)
from lab.core.errors import LabError
from lab.core.experiment import signals_for, thresholds_for
from lab.core.routing import assign_tiers
from lab.core.scenario import load_scenario
from lab.sources.loader import load_queries
from tests.lab.factories import make_experiment

# Prompts that reach every tier and the reasoning-marker override (real replay prompts rarely carry two markers).
CONSTRUCTED = [
    "",
    "hi",
    "What is the capital of France?",
    "Write a python function that parses JSON",
    "Explain step by step how TCP congestion control works, and think through the pros and cons of BBR.",
    "Let's think step by step: deduce the next number, then infer the rule and conclude.",
    "Think through this step by step: what is 2+2?",
    "Implement an async class in Python with a REST API endpoint, a database schema and a docker deployment; "
    "first design the architecture, then write the code step by step and explain your reasoning.",
    "   padded with spaces around the ask   \n",
]


def _litellm_router(config: dict | None = None):
    from lab.core.complexity import import_litellm

    import_litellm()
    from litellm.router_strategy.complexity_router.complexity_router import ComplexityRouter

    return ComplexityRouter(model_name="test", ctx=None, complexity_router_config=config)


def _litellm_tiers(router, texts, n_models):
    from lab.core.complexity import ask_of

    return np.array([tier_index(router.classify(ask_of(t))[0].value, n_models) for t in texts])


def _lab_tiers(scores, thresholds):
    one = make_experiment(np.zeros((len(scores), len(thresholds) + 1)))
    signals = dataclasses.replace(signals_for(one, "random"), score=scores)
    return assign_tiers(signals, tuple(thresholds))


@pytest.fixture(scope="module")
def replay_prompts(data_dir):
    """Real prompts from the RouteLLM MMLU and GSM8K replays: a random sample, plus every distinct score's first prompt."""
    texts = []
    rng = np.random.default_rng(13)
    for name in ("routellm-mmlu", "routellm-gsm8k"):
        queries, _ = load_queries(load_scenario(name), data_dir)
        sample = rng.choice(queries.n_queries, size=150, replace=False)
        texts += [str(t) for t in queries.text[sample]]
        scored = complexity_scores(queries.text)
        _, first = np.unique(scored.weighted, return_index=True)  # prompts on every score level, boundaries included
        texts += [str(t) for t in queries.text[first]]
    return texts + CONSTRUCTED


def test_the_default_thresholds_are_the_installed_litellms_boundaries():
    assert litellm_default_boundaries() == LITELLM_DEFAULT_BOUNDARIES == DEFAULT_THRESHOLDS


@given(st.floats(0.0, 1.0), st.floats(-1.0, 2.0), st.booleans())
def test_a_lab_threshold_routes_every_score_as_the_litellm_boundary_of_the_same_value(threshold, raw, override):
    score = float(lab_scores(np.array([raw]), np.array([override]))[0])
    assert 0.0 <= score <= 1.0
    if override:
        assert score == 1.0
    elif raw < 1.0:
        assert (score > threshold) == (raw >= threshold)  # litellm: up at score >= boundary; the lab: at score > t


def test_boundaries_and_tiers_for_two_to_four_models():
    assert boundaries_for([0.2]) == dict.fromkeys(BOUNDARY_KEYS, 0.2)
    assert list(boundaries_for([0.1, 0.3, 0.5]).values()) == [0.1, 0.3, 0.5]
    assert tier_models(["a", "b"]) == {"SIMPLE": "a", "MEDIUM": "b", "COMPLEX": "b", "REASONING": "b"}
    assert tier_models(["a", "b", "c", "d"]) == {"SIMPLE": "a", "MEDIUM": "b", "COMPLEX": "c", "REASONING": "d"}
    with pytest.raises(LabError, match="2 to 4"):
        tier_models(["a", "b", "c", "d", "e"])


def test_scores_and_tiers_equal_litellms_at_its_defaults(replay_prompts):
    scores = complexity_scores(replay_prompts)
    default = _litellm_router()  # litellm's own defaults: nothing configured
    from lab.core.complexity import ask_of

    theirs = [default.classify(ask_of(t)) for t in replay_prompts]
    assert np.array_equal(scores.weighted, np.array([score for _, score, _ in theirs]))  # the very same floats
    assert scores.override.any() and (~scores.override).any()
    assert ((scores.score >= 0) & (scores.score <= 1)).all()
    on_a_boundary = np.isin(scores.weighted, LITELLM_DEFAULT_BOUNDARIES)
    assert on_a_boundary.any()  # the >= / > difference is exercised
    for m in (2, 3, 4):
        lab = _lab_tiers(scores.score, DEFAULT_THRESHOLDS[: m - 1])
        assert np.array_equal(lab, _litellm_tiers(default, replay_prompts, m)), m


@pytest.mark.parametrize("thresholds", [(0.1,), (0.0, 0.15), (0.05, 0.2, 0.3), (0.15, 0.15, 0.4), (0.5, 0.6, 0.9)])
def test_tiers_equal_litellms_at_tuned_thresholds(replay_prompts, thresholds):
    scores = complexity_scores(replay_prompts)
    config = {"tier_boundaries": boundaries_for(thresholds), "reasoning_override_min_score": OVERRIDE_MIN_SCORE}
    m = len(thresholds) + 1
    assert np.array_equal(
        _lab_tiers(scores.score, thresholds), _litellm_tiers(_litellm_router(config), replay_prompts, m)
    )


def test_the_strategy_starts_at_litellms_boundaries_and_caches_its_scores():
    exp = make_experiment(np.zeros((6, 3)))
    signals = signals_for(exp, "litellm-complexity")
    assert thresholds_for(exp, "litellm-complexity") == list(DEFAULT_THRESHOLDS[:2])
    assert not signals.simulated and signals.fixed_tier is None and "LiteLLM" in signals.description
    before = _distinct_scores.cache_info().hits
    rebuilt = dataclasses.replace(exp)  # a failure world's experiment starts with no signals of its own
    again = signals_for(rebuilt, "litellm-complexity")
    assert _distinct_scores.cache_info().hits == before + 1
    assert np.array_equal(again.score, signals.score)


def test_more_models_than_litellm_has_tiers_is_a_clear_error():
    exp = make_experiment(np.zeros((4, 5)))
    with pytest.raises(LabError, match="2 to 4"):
        signals_for(exp, "litellm-complexity")
    from lab.core.strategies import list_strategies

    assert "litellm-complexity" not in [i.name for i in list_strategies(list(exp.models))]
