"""Metric invariants, checked as properties over random outcome matrices."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lab.core.experiment import run, signals_for
from lab.core.metrics import latency_quantiles, order_statistics
from lab.core.routing import route
from tests.lab.factories import make_experiment

matrices = st.integers(min_value=0, max_value=2**32 - 1).flatmap(
    lambda seed: st.tuples(
        st.just(seed), st.integers(min_value=4, max_value=300), st.integers(min_value=2, max_value=5)
    )
)


def _experiment(seed: int, n: int, m: int, binary: bool = True):
    rng = np.random.default_rng(seed)
    quality = rng.integers(0, 2, (n, m)).astype(float) if binary else rng.random((n, m))
    output = rng.integers(1, 800, (n, m)).astype(float)
    return make_experiment(quality, prompt_tokens=rng.integers(1, 3000, n), output_tokens=output), rng


@settings(max_examples=40, deadline=None)
@given(matrices)
def test_pgr_of_always_cheapest_is_0_and_of_always_strongest_is_1(params):
    exp, _ = _experiment(*params, binary=False)
    if exp.baselines.mean_quality_strong == exp.baselines.mean_quality_weak:
        return
    thresholds = [0.5] * (exp.queries.n_models - 1)
    _, weak = run(exp, signals_for(exp, "always-cheapest"), thresholds)
    _, strong = run(exp, signals_for(exp, "always-strongest"), thresholds)
    assert weak.pgr == pytest.approx(0.0, abs=1e-9)
    assert strong.pgr == pytest.approx(1.0, abs=1e-9)
    assert strong.savings == pytest.approx(0.0, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(matrices, st.lists(st.floats(0, 1), min_size=4, max_size=4))
def test_call_shares_sum_to_one(params, raw_thresholds):
    exp, _ = _experiment(*params)
    m = exp.queries.n_models
    for strategy in ("random", "length", "oracle", "llm-router", "cascade"):
        _, summary = run(exp, signals_for(exp, strategy), sorted(raw_thresholds[: m - 1]))
        assert sum(summary.call_share.values()) == pytest.approx(1.0)
        assert all(0 <= s <= 1 for s in summary.call_share.values())


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(5, 400), st.lists(st.floats(0, 1), min_size=2, max_size=12))
def test_cost_never_falls_as_more_queries_go_to_a_model_that_costs_more(seed, n, thresholds):
    rng = np.random.default_rng(seed)
    output = np.repeat(rng.integers(1, 800, (n, 1)).astype(float), 2, axis=1)
    exp = make_experiment(
        rng.integers(0, 2, (n, 2)).astype(float), prompt_tokens=rng.integers(1, 3000, n), output_tokens=output
    )
    assert np.all(exp.calls.cost_usd[:, 1] > exp.calls.cost_usd[:, 0])
    signals = signals_for(exp, "random")
    costs = [route(signals, exp.queries, (t,)).cost_usd.mean() for t in sorted(thresholds, reverse=True)]
    assert all(b >= a - 1e-15 for a, b in zip(costs, costs[1:]))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0, 1e5), min_size=1, max_size=500))
def test_latency_quantiles_are_ordered_and_bracketed(latencies):
    values = np.array(latencies)
    q = latency_quantiles(values)
    assert q[0.5][0] <= q[0.95][0]
    for value, low, high in q.values():
        assert low <= value <= high
        assert values.min() <= low and high <= values.max()


def test_summary_figures_agree_with_their_definitions(default_experiment):
    exp = default_experiment
    result, summary = run(exp, signals_for(exp, "classifier"), (0.4,))
    assert summary.cost_per_query_usd == pytest.approx(result.cost_usd.mean())
    assert summary.cost_per_1k_usd == pytest.approx(1000 * summary.cost_per_query_usd)
    assert summary.monthly_cost_usd == pytest.approx(
        summary.cost_per_query_usd * exp.scenario.traffic.queries_per_day * 30
    )
    assert summary.savings == pytest.approx(1 - result.cost_usd.mean() / exp.calls.cost_usd[:, -1].mean())
    assert summary.quality_ci[0] <= summary.quality <= summary.quality_ci[1]
    assert summary.savings_ci[0] <= summary.savings <= summary.savings_ci[1]
    assert summary.monthly_cost_ci[0] <= summary.monthly_cost_usd <= summary.monthly_cost_ci[1]
    assert summary.strong_share == pytest.approx(np.mean(result.tier == 1))


def test_cascade_calls_count_every_model_tried(default_experiment):
    exp = default_experiment
    _, summary = run(exp, signals_for(exp, "cascade"), (0.5,))
    names = exp.model_names
    assert summary.calls_per_query[names[0]] == 1.0
    assert summary.calls_per_query[names[1]] == pytest.approx(summary.call_share[names[1]])


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 60_000),
    st.sampled_from(["random", "sorted", "reversed", "ties", "sawtooth", "adversarial"]),
    st.floats(0, 1),
    st.floats(0, 1),
)
def test_order_statistics_are_exactly_the_sorted_values(seed, n, order, a, b):
    rng = np.random.default_rng(seed)
    values = rng.lognormal(7, 1, n)
    if order == "sorted":
        values.sort()
    elif order == "reversed":
        values = np.sort(values)[::-1].copy()
    elif order == "ties":
        values = rng.integers(0, 5, n).astype(float)
    elif order == "sawtooth":
        values = np.sort(values)[np.argsort(np.arange(n) % 7, kind="stable")]
    elif order == "adversarial":  # the strided sample holds only the smallest values: the bracket misses
        ordered, sampled = np.sort(values), np.zeros(n, dtype=bool)
        sampled[:: max(1, n // 20_000)] = True
        values = np.empty(n)
        values[sampled], values[~sampled] = ordered[: sampled.sum()], ordered[sampled.sum() :]
    low, high = sorted((int(a * (n - 1)), int(b * (n - 1))))
    assert np.array_equal(order_statistics(values, low, high), np.sort(values)[low : high + 1])


def test_latency_quantiles_match_numpys_inverted_cdf_quantile_on_a_million_values():
    values = np.random.default_rng(1).lognormal(7, 1, 1_000_000)
    q = latency_quantiles(values)
    ordered = np.sort(values)
    for p, (value, low, high) in q.items():
        assert value == ordered[int(round(len(values) * p - 0.5))]
        assert low < value < high


def _singles(quality_means, costs):
    """SingleModels of a hand-made set whose always-<model> points are (costs[j], quality_means[j])."""
    import numpy as np

    from lab.core.calls import CallTable
    from lab.core.metrics import single_models
    from tests.lab.factories import make_queryset

    n = 1000
    quality = np.column_stack([(np.arange(n) < q * n).astype(float) for q in quality_means])
    queries = make_queryset(quality)
    cost = np.tile(np.asarray(costs, dtype=float), (n, 1))
    calls = CallTable(cost_usd=cost, latency_ms=np.ones_like(cost), recorded_cost=False)
    return single_models(queries, calls, tuple(f"m{j}" for j in range(len(costs))))


def test_the_best_single_model_is_the_one_highest_above_the_random_line():
    # a middle model nearly as good as the strongest at a fifth of its price is the one to beat
    assert _singles([0.46, 0.70, 0.90], [0.13, 0.70, 3.9]).best_name == "m1"
    # a middle model below the line between the ends is not
    assert _singles([0.46, 0.50, 0.90], [0.13, 2.0, 3.9]).best_name == "m2"
    # two models: the one answering better; the cheaper where the costlier answers worse
    assert _singles([0.75, 0.94], [0.15, 2.7]).best_name == "m1"
    assert _singles([0.69, 0.52], [0.1, 0.4]).best_name == "m0"
    four = _singles([0.40, 0.60, 0.85, 0.88], [0.1, 0.3, 1.0, 4.0])
    assert four.best_name == "m2" and four.above_random[0] == four.above_random[-1] == 0
