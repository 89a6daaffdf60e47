import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics import roc_auc_score

from lab.core.errors import LabError
from lab.core.experiment import run, signals_for
from lab.core.routing import route
from lab.core.strategies import (
    cascade_confidence,
    compute_signals,
    list_strategies,
    llm_router_scores,
    oracle_tiers,
    weakest_sufficient_tiers,
)
from tests.lab.factories import make_experiment


def test_every_strategy_is_listed_with_always_per_model():
    exp = make_experiment(np.array([[0, 1], [1, 1]], dtype=float))
    names = [info.name for info in list_strategies(list(exp.models))]
    for name in (
        "always-cheapest",
        "always-strongest",
        "always-model-0",
        "always-model-1",
        "random",
        "oracle",
        "length",
        "classifier",
        "litellm-complexity",
        "llm-router",
        "cascade",
    ):
        assert name in names


def test_unknown_strategy_names_the_known_ones(default_experiment):
    with pytest.raises(LabError, match="cascade"):
        signals_for(default_experiment, "astrology")


def test_oracle_picks_the_cheapest_model_reaching_the_best_quality():
    exp = make_experiment(np.array([[1, 1, 1], [0, 1, 1], [0, 0, 1], [0, 0, 0], [1, 0, 0]], dtype=float))
    assert oracle_tiers(exp.queries, exp.calls.cost_usd).tolist() == [0, 1, 2, 0, 0]


# Recorded costs where list-price order and a query's own cost disagree: the dearer model (tier 1 by
# mean cost) answered rows 1 and 3 for less than the cheaper one (as in RouterBench's logs).
QUALITY = np.array([[1, 1], [1, 1], [0, 1], [0.5, 0.5], [1, 0], [0, 0]], dtype=float)
RECORDED = np.array([[1e-4, 9e-4], [8e-4, 3e-4], [1e-4, 9e-4], [5e-4, 2e-4], [1e-4, 9e-4], [2e-4, 1e-4]])


def test_oracle_takes_the_model_cheapest_on_that_query_where_price_order_disagrees():
    exp = make_experiment(QUALITY, cost_usd=RECORDED)
    assert exp.calls.recorded_cost
    assert RECORDED.mean(axis=0)[0] < RECORDED.mean(axis=0)[1]  # model-0 is the cheaper by mean cost
    signals = signals_for(exp, "oracle")
    assert signals.fixed_tier.tolist() == [0, 1, 1, 1, 0, 1]
    _, summary = run(exp, signals, [0.5])
    assert summary.quality == pytest.approx(QUALITY.max(axis=1).mean())
    # per row: the least cost among the models reaching the row's best quality
    expected = np.array([1e-4, 3e-4, 9e-4, 2e-4, 1e-4, 1e-4]).mean()
    assert summary.cost_per_query_usd == pytest.approx(expected, rel=1e-6)
    # the tier-order choice (the lowest tier reaching the best quality) costs more here
    tier_order = weakest_sufficient_tiers(exp.queries)
    assert tier_order.tolist() == [0, 0, 1, 0, 0, 0]
    assert RECORDED[np.arange(6), tier_order].mean() > expected


def test_oracle_on_tokens_times_price_takes_a_short_answer_from_a_dearer_model():
    # model-1 costs 5x model-0 per token, but on query 1 model-0 rambles for 4,000 tokens and model-1 answers in 20
    output = np.array([[50.0, 50.0], [4_000.0, 20.0]])
    exp = make_experiment(np.ones((2, 2)), output_tokens=output)
    assert not exp.calls.recorded_cost
    cost = exp.calls.cost_usd
    assert cost[1, 1] < cost[1, 0] and cost[0, 0] < cost[0, 1]
    assert signals_for(exp, "oracle").fixed_tier.tolist() == [0, 1]


@settings(max_examples=60, deadline=None)
@given(
    quality=arrays(np.float64, st.tuples(st.integers(1, 30), st.integers(2, 5)), elements=st.sampled_from([0, 0.5, 1])),
    seed=st.integers(0, 2**32 - 1),
)
def test_oracle_reaches_the_best_quality_at_the_least_cost_of_any_model_reaching_it(quality, seed):
    rng = np.random.default_rng(seed)
    cost = rng.choice([1e-4, 2e-4, 3e-4], size=quality.shape)  # few values: ties happen
    exp = make_experiment(quality, cost_usd=cost)
    tiers = oracle_tiers(exp.queries, exp.calls.cost_usd)
    for i in range(len(quality)):  # a per-row reference, in the test only
        best = quality[i].max()
        reaching = [j for j in range(quality.shape[1]) if quality[i, j] == best]
        least = min(exp.calls.cost_usd[i, j] for j in reaching)
        assert tiers[i] == min(j for j in reaching if exp.calls.cost_usd[i, j] == least)


def test_always_strategies_ignore_thresholds():
    exp = make_experiment(np.random.default_rng(0).integers(0, 2, (50, 3)).astype(float))
    for name, tier in (("always-cheapest", 0), ("always-model-1", 1), ("always-strongest", 2)):
        signals = signals_for(exp, name)
        for thresholds in ((0.1, 0.2), (0.8, 0.9)):
            assert np.all(route(signals, exp.queries, thresholds).tier == tier)


def test_llm_router_with_perfect_accuracy_names_the_weakest_sufficient_tier(default_experiment):
    exp = default_experiment
    draws = signals_for(exp, "llm-router").draws
    truth = weakest_sufficient_tiers(exp.queries)
    score = llm_router_scores(truth, 2, accuracy=1.0, bias=0.0, draws=draws)
    assert np.array_equal((score > 0.5).astype(np.int8), truth)


def test_llm_router_ground_truth_is_capability_not_the_oracles_hindsight_of_costs():
    # a router names the tier a query needs before any answer exists: recorded costs do not move its labels
    exp = make_experiment(QUALITY, cost_usd=RECORDED)
    perfect = exp.scenario.signals.model_copy(
        update={"llm_router": exp.scenario.signals.llm_router.model_copy(update={"accuracy": 1.0})}
    )
    signals = compute_signals("llm-router", exp.queries, list(exp.models), exp.calls, perfect, seed=0)
    served = route(signals, exp.queries, (0.5,)).tier
    assert served.tolist() == weakest_sufficient_tiers(exp.queries).tolist() == [0, 0, 1, 0, 0, 0]
    assert served.tolist() != oracle_tiers(exp.queries, exp.calls.cost_usd).tolist()


def test_llm_router_accuracy_knob_is_the_share_of_right_labels(default_experiment):
    exp = default_experiment
    truth = weakest_sufficient_tiers(exp.queries)
    draws = signals_for(exp, "llm-router").draws
    for accuracy in (0.6, 0.9):
        score = llm_router_scores(truth, 2, accuracy, 0.0, draws)
        assert np.mean((score > 0.5) == truth) == pytest.approx(accuracy, abs=0.02)


def test_llm_router_pays_for_its_own_calls(default_experiment):
    exp = default_experiment
    signals = signals_for(exp, "llm-router")
    assert signals.simulated and "accuracy" in signals.knobs
    assert np.all(signals.path_cost_usd > exp.calls.cost_usd)
    assert np.all(signals.path_latency_ms > exp.calls.latency_ms)


def test_cascade_scorer_has_the_auroc_of_its_knob():
    rng = np.random.default_rng(1)
    good = (rng.random((40_000, 1)) < 0.7).astype(float)
    noise = rng.standard_normal((40_000, 1))
    for auroc in (0.65, 0.85, 0.95):
        confidence = cascade_confidence(good, noise, auroc, 1.0, 0.0)
        assert roc_auc_score(good[:, 0], confidence[:, 0]) == pytest.approx(auroc, abs=0.01)


def test_cascade_scorer_at_temperature_one_is_calibrated():
    rng = np.random.default_rng(2)
    good = (rng.random((100_000, 1)) < 0.7).astype(float)
    confidence = cascade_confidence(good, rng.standard_normal((100_000, 1)), 0.85, 1.0, 0.0)[:, 0]
    bins = np.clip((confidence * 10).astype(int), 0, 9)
    for b in range(10):
        inside = bins == b
        if inside.sum() > 2_000:
            assert good[inside, 0].mean() == pytest.approx(confidence[inside].mean(), abs=0.02)
    over = cascade_confidence(good, rng.standard_normal((100_000, 1)), 0.85, 0.5, 1.0)[:, 0]
    assert over.mean() > good.mean() + 0.05


def test_cascade_pays_for_every_model_tried_and_the_scorer(default_experiment):
    exp = default_experiment
    signals = signals_for(exp, "cascade")
    cost = exp.calls.cost_usd
    assert np.all(signals.path_cost_usd[:, 0] > cost[:, 0])
    assert np.all(signals.path_cost_usd[:, 1] > cost[:, 0] + cost[:, 1])
    assert np.all(signals.path_latency_ms[:, 1] > exp.calls.latency_ms.sum(axis=1))


def test_cascade_over_three_models_has_one_score_per_stage():
    exp = make_experiment(np.random.default_rng(3).integers(0, 2, (200, 3)).astype(float))
    signals = signals_for(exp, "cascade")
    assert signals.staged and signals.score.shape == (200, 2)
    result = route(signals, exp.queries, (0.5, 0.5))
    escalated_first = signals.score[:, 0] > 0.5
    assert np.all(result.tier[~escalated_first] == 0)
    assert np.all(result.tier[escalated_first] >= 1)


def test_length_score_rises_with_prompt_length():
    tokens = np.array([10, 500, 40, 2000, 40])
    exp = make_experiment(np.zeros((5, 2)) + np.array([0, 1]), prompt_tokens=tokens)
    score = signals_for(exp, "length").score
    assert np.all(np.diff(score[np.argsort(tokens, kind="stable")]) >= 0)
    assert score[3] == 1.0


def test_simulated_draws_are_reproducible(default_experiment):
    exp = default_experiment
    a = compute_signals(
        "cascade", exp.queries, list(exp.models), exp.calls, exp.scenario.signals, seed=exp.scenario.seed
    )
    b = compute_signals(
        "cascade", exp.queries, list(exp.models), exp.calls, exp.scenario.signals, seed=exp.scenario.seed
    )
    c = compute_signals(
        "cascade", exp.queries, list(exp.models), exp.calls, exp.scenario.signals, seed=exp.scenario.seed + 1
    )
    assert np.array_equal(a.score, b.score) and not np.array_equal(a.score, c.score)


def test_strategy_behaviour_is_data_not_names():
    from lab.core.strategies import list_strategies, strategy_info
    from tests.lab.factories import make_models

    models = make_models(3)
    infos = {info.name: info for info in list_strategies(models)}
    assert infos["always-cheapest"].fixed_tier_of(3) == 0
    assert infos["always-strongest"].fixed_tier_of(3) == 2
    assert infos[f"always-{models[1].key}"].fixed_tier_of(3) == 1
    assert infos["oracle"].hindsight and not infos["oracle"].thresholded
    assert [name for name, info in infos.items() if info.thresholded] == [
        "random",
        "length",
        "classifier",
        "litellm-complexity",
        "llm-router",
        "cascade",
    ]
    assert [name for name, info in infos.items() if info.thresholds is not None] == ["litellm-complexity"]
    assert [name for name, info in infos.items() if info.trained] == ["classifier"]
    assert "litellm-complexity" not in [info.name for info in list_strategies(make_models(5))]  # four tiers at most
    with pytest.raises(LabError, match="unknown strategy 'nope'; known: always-cheapest"):
        strategy_info("nope", models)


def test_signals_say_how_they_route(experiment):
    from lab.core.experiment import signals_for

    cascade, classifier, length = (signals_for(experiment, s) for s in ("cascade", "classifier", "length"))
    assert cascade.escalates and not cascade.trained
    assert classifier.trained and not classifier.escalates
    assert not (length.trained or length.escalates)
    assert length.ranks_prompt_tokens and not (cascade.ranks_prompt_tokens or classifier.ranks_prompt_tokens)
