import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lab.core.errors import LabError
from lab.core.experiment import run, signals_for, sweep_for
from lab.core.routing import route
from lab.core.sweep import (
    average_improvement_in_quality,
    calibrate_thresholds,
    evaluate_sorted,
    sort_signals,
    upper_hull,
)
from tests.lab.factories import make_experiment


def test_sweep_runs_from_always_cheapest_to_always_strongest(default_experiment):
    exp = default_experiment
    sw = sweep_for(exp, signals_for(exp, "classifier"))
    assert sw.strong_share[0] == 0 and sw.strong_share[-1] == 1
    assert sw.quality[0] == pytest.approx(exp.baselines.mean_quality_weak)
    assert sw.quality[-1] == pytest.approx(exp.baselines.mean_quality_strong)
    assert np.all(np.diff(sw.strong_share) >= 0)


@pytest.mark.parametrize("strategy", ["length", "classifier", "llm-router", "cascade"])
def test_the_vectorised_sweep_equals_routing_at_each_threshold(default_experiment, strategy):
    exp = default_experiment
    signals = signals_for(exp, strategy)
    sw = sweep_for(exp, signals, points=21)
    for thresholds, quality, cost in zip(sw.thresholds, sw.quality, sw.cost_per_query_usd):
        result = route(signals, exp.queries, tuple(thresholds))
        assert quality == pytest.approx(result.quality.mean(dtype=np.float64))
        assert cost == pytest.approx(result.cost_usd.mean())


def test_three_model_sweep_equals_routing():
    rng = np.random.default_rng(0)
    exp = make_experiment(rng.integers(0, 2, (500, 3)).astype(float), prompt_tokens=rng.integers(1, 900, 500))
    signals = signals_for(exp, "length")
    sw = sweep_for(exp, signals, points=31)
    assert sw.strong_share[0] == 0 and sw.strong_share[-1] == pytest.approx(1.0, abs=0.01)
    for thresholds, quality in zip(sw.thresholds, sw.quality):
        assert np.all(np.diff(thresholds) >= 0)
        assert quality == pytest.approx(route(signals, exp.queries, tuple(thresholds)).quality.mean())


def test_random_lies_on_the_line_between_the_baselines(default_experiment):
    sw = sweep_for(default_experiment, signals_for(default_experiment, "random"))
    assert sw.apgr == pytest.approx(0.5, abs=0.03)
    assert sw.cpt50 == pytest.approx(0.5, abs=0.05)


def test_oracle_beats_every_strategy(default_experiment):
    exp = default_experiment
    thresholds = (0.5,)
    _, oracle = run(exp, signals_for(exp, "oracle"), thresholds)
    oracle_sweep = sweep_for(exp, signals_for(exp, "oracle"))
    for strategy in ("random", "length", "classifier", "llm-router", "cascade"):
        signals = signals_for(exp, strategy)
        sw = sweep_for(exp, signals)
        assert oracle_sweep.apgr > sw.apgr
        # at the oracle's cost or less, no point of the strategy's sweep reaches the oracle's quality
        cheaper = sw.cost_per_query_usd <= oracle.cost_per_query_usd
        assert np.all(sw.quality[cheaper] < oracle.quality)


@pytest.mark.parametrize("target", [0.05, 0.2, 0.5, 0.8])
def test_calibration_reports_the_share_it_achieves(default_experiment, target):
    exp = default_experiment
    for strategy in ("classifier", "cascade", "random"):
        signals = signals_for(exp, strategy)
        thresholds, achieved = calibrate_thresholds(signals, exp.queries, target)
        assert achieved == pytest.approx(np.mean(route(signals, exp.queries, thresholds).tier == 1))
        assert achieved == pytest.approx(target, abs=0.02)


def test_calibration_on_a_tied_score_says_what_it_could_reach(default_experiment):
    exp = default_experiment
    signals = signals_for(exp, "llm-router")  # ratings 1-10: many ties
    _, achieved = calibrate_thresholds(signals, exp.queries, 0.37)
    assert 0 <= achieved <= 1
    assert achieved == pytest.approx(np.mean(signals.score > _[0]))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 10), st.floats(0, 1)), min_size=2, max_size=40))
def test_hull_lies_on_or_above_every_point_and_never_falls(points):
    cost, quality = (np.array(v) for v in zip(*points))
    hx, hy = upper_hull(cost, quality)
    assert np.all(np.diff(hy) >= 0)
    for x, y in zip(cost, quality):
        assert np.interp(x, hx, hy) >= y - 1e-9 or x < hx[0]
    aiq = average_improvement_in_quality(cost, quality)
    assert quality.min() - 1e-9 <= aiq <= quality.max() + 1e-9


def test_evaluate_sorted_handles_thresholds_at_the_ends(default_experiment):
    exp = default_experiment
    signals = signals_for(exp, "classifier")
    ss = sort_signals(signals, exp.queries)
    quality, cost, strong = evaluate_sorted(ss, np.array([[1.0], [0.0]]))
    assert strong[0] == 0 and quality[0] == pytest.approx(exp.baselines.mean_quality_weak)
    assert strong[1] == pytest.approx(np.mean(signals.score > 0))


@pytest.mark.parametrize("points", [-1, 0, 1, 10_002, 100_000_000])
def test_a_sweep_refuses_a_number_of_points_out_of_range(points):
    exp = make_experiment(np.array([[0, 1], [1, 1], [0, 0]], dtype=float))
    with pytest.raises(LabError, match="2 to 10,001 points"):
        sweep_for(exp, signals_for(exp, "random"), points=points)
