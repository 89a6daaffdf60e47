"""Recorded router signals: a live run's ratings and confidences replace the simulated ones, and failures still apply."""

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lab.core.experiment import build_experiment, signals_for
from lab.core.recorded import auroc, rating_scores, rescore_recorded_confidence
from lab.core.recordings import RecordedSignals
from lab.failures.clean_vs_injected import compare
from tests.lab.factories import make_queryset, make_scenario


def _recorded(n: int, m: int, rng: np.random.Generator, good: np.ndarray) -> RecordedSignals:
    confidence = {
        f"model-{j}": np.clip(0.35 + 0.4 * good[:, j] + rng.normal(0, 0.15, n), 0.01, 0.99) for j in range(m - 1)
    }
    return RecordedSignals(
        router_model="model-0",
        router_rating=rng.integers(1, 11, n).astype(float),
        router_malformed=np.arange(n) % 10 == 0,
        router_cost_usd=np.full(n, 1e-5),
        router_latency_ms=np.full(n, 120.0),
        confidence=confidence,
        confidence_method={k: np.array(["logprob"] * n, dtype=object) for k in confidence},
        confidence_cost_usd={k: np.zeros(n) for k in confidence},
        confidence_latency_ms={k: np.zeros(n) for k in confidence},
    )


def _experiment(m: int = 2, n: int = 400, seed: int = 1):
    rng = np.random.default_rng(seed)
    quality = (rng.random((n, m)) < np.linspace(0.5, 0.9, m)).astype(float)
    queries = make_queryset(quality)
    queries = dataclasses.replace(queries, recorded=_recorded(n, m, rng, quality))
    return build_experiment(make_scenario(m), queries=queries)


def test_the_llm_router_uses_the_recorded_ratings_and_pays_the_recorded_router_call():
    experiment = _experiment()
    signals = signals_for(experiment, "llm-router")
    rec = experiment.queries.recorded
    assert not signals.simulated and "recorded" in signals.description and "40 of 400" in signals.description
    assert np.allclose(signals.score, rec.router_rating / 10 - 0.05)
    extra = signals.path_cost_usd - experiment.calls.cost_usd
    assert np.allclose(extra, 1e-5, rtol=1e-3)
    assert np.allclose(signals.path_latency_ms - experiment.calls.latency_ms, 120.0)


@pytest.mark.parametrize("m", [2, 3])
def test_the_cascade_uses_the_recorded_confidences(m):
    experiment = _experiment(m)
    signals = signals_for(experiment, "cascade")
    assert not signals.simulated and signals.escalates and "recorded" in signals.description
    expected = np.column_stack([experiment.queries.recorded.confidence[f"model-{j}"] for j in range(m - 1)])
    assert np.allclose(signals.score, (1 - expected) if m > 2 else 1 - expected[:, 0])
    assert signals.knobs["auroc"] > 0.75  # the recorded confidence separates good answers from bad


def test_without_recorded_signals_the_strategies_stay_simulated():
    experiment = _experiment()
    plain = dataclasses.replace(experiment.queries, recorded=None)
    simulated = build_experiment(experiment.scenario, queries=plain)
    assert signals_for(simulated, "llm-router").simulated
    assert signals_for(simulated, "cascade").simulated


def test_partial_recordings_fall_back_to_simulation():
    experiment = _experiment()
    rec = dataclasses.replace(experiment.queries.recorded, router_rating=None, confidence={})
    queries = dataclasses.replace(experiment.queries, recorded=rec)
    rebuilt = build_experiment(experiment.scenario, queries=queries)
    assert signals_for(rebuilt, "llm-router").simulated and signals_for(rebuilt, "cascade").simulated


def test_take_keeps_recorded_signals_with_their_queries():
    experiment = _experiment()
    index = np.array([5, 3, 200])
    taken = experiment.queries.take(index)
    assert np.array_equal(taken.recorded.router_rating, experiment.queries.recorded.router_rating[index])
    assert np.array_equal(
        taken.recorded.confidence["model-0"], experiment.queries.recorded.confidence["model-0"][index]
    )


def test_a_recorded_array_of_the_wrong_length_is_refused():
    experiment = _experiment()
    bad = dataclasses.replace(experiment.queries.recorded, router_rating=np.ones(3))
    with pytest.raises(Exception, match="router_rating has 3 values"):
        dataclasses.replace(experiment.queries, recorded=bad)


def test_failures_apply_on_top_of_recorded_confidences():
    experiment = _experiment()
    cascade = signals_for(experiment, "cascade")
    sharper = compare(experiment, cascade, {"overconfident-scorer": 0.8}, [0.5])
    assert not np.allclose(sharper.world.signals.score, cascade.score)
    assert sharper.world.signals.score.mean() < cascade.score.mean()  # more confident: lower escalation scores
    blurred = compare(experiment, cascade, {"scorer-loses-discrimination": 1.0}, [0.5])
    good = experiment.queries.quality[:, 0] >= 0.5
    assert auroc(1 - blurred.world.signals.score, good) < cascade.knobs["auroc"] - 0.15


def test_rescoring_at_the_recorded_knobs_changes_nothing():
    rng = np.random.default_rng(0)
    confidence = rng.random((50, 1))
    same = rescore_recorded_confidence(confidence, rng.standard_normal((50, 1)), 0.8, 0.8, 1.0, 0.0)
    assert np.array_equal(same, confidence)


@given(st.lists(st.floats(min_value=0, max_value=1), min_size=2, max_size=40), st.integers(0, 2**16))
def test_auroc_matches_the_pairwise_definition(scores, seed):
    positive = np.random.default_rng(seed).random(len(scores)) < 0.5
    score = np.array(scores)
    pos, neg = score[positive], score[~positive]
    if len(pos) == 0 or len(neg) == 0:
        assert np.isnan(auroc(score, positive))
        return
    pairs = (pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean()
    assert auroc(score, positive) == pytest.approx(pairs)


def test_rating_scores_match_the_simulated_routers_scale():
    assert np.allclose(rating_scores(np.array([1, 5, 10])), [0.05, 0.45, 0.95])
