"""Calibrating thresholds to call shares: it lands on what it promises for every strategy and any number of models."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lab.core.errors import LabError
from lab.core.experiment import signals_for, sweep_for, thresholds_for
from lab.core.routing import route
from lab.core.share_targets import between, calibrate, even_thresholds, thresholds_cross, tier_shares
from lab.core.sweep import calibrate_thresholds
from tests.lab.factories import make_experiment

ROUTERS = ("random", "length", "classifier", "llm-router", "cascade")


def _experiment(seed: int, n: int, m: int):
    rng = np.random.default_rng(seed)
    ability = np.linspace(-0.5, 1.5, m)
    difficulty = rng.normal(0.5, 1.0, n)
    quality = (rng.random((n, m)) < 1 / (1 + np.exp(-3 * (ability[None, :] - difficulty[:, None])))).astype(float)
    quality[0, 0], quality[0, -1], quality[1, 0], quality[1, -1] = 0, 1, 1, 1  # both classifier labels occur
    return make_experiment(quality, prompt_tokens=rng.integers(5, 2000, n))


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    n=st.integers(40, 400),
    m=st.integers(2, 5),
    strategy=st.sampled_from(ROUTERS),
    kind=st.sampled_from(["strongest", "tiers"]),
    draw=st.lists(st.floats(0, 1), min_size=4, max_size=4),
)
def test_calibrating_to_a_reachable_target_lands_within_one_query_of_it(seed, n, m, strategy, kind, draw):
    exp = _experiment(seed, n, m)
    signals = signals_for(exp, strategy)
    # a reachable target: the shares some thresholds give (one threshold at every stage for a cascade's
    # "strongest" target, which moves along its sweep)
    if kind == "strongest" and signals.staged:
        reference = tuple([draw[0]] * (m - 1))
    else:
        reference = tuple(draw[: m - 1]) if signals.staged else tuple(sorted(draw[: m - 1]))
    shares = tier_shares(signals, reference)
    target = float(shares[-1]) if kind == "strongest" else shares
    calibration = calibrate(signals, exp.queries, target, kind)
    achieved = tier_shares(signals, calibration.thresholds)
    assert np.allclose(achieved, calibration.achieved_shares)
    assert calibration.worst_miss <= 1 / n + 1e-12
    if kind == "tiers":
        assert np.all(np.abs(achieved - shares) <= 1 / n + 1e-12)
    else:
        assert abs(achieved[-1] - target) <= 1 / n + 1e-12
    if not signals.staged:
        assert np.all(np.diff(calibration.thresholds) >= 0)  # never crossed
    assert all(0.0 <= t <= 1.0 for t in calibration.thresholds)


def test_three_models_classifier_hits_the_strongest_share_it_promises(three_model_experiment):
    """The bug: 'calibrate to 30% strong calls' with three models reached 16%: the sweep's parameter is not the share."""
    exp = three_model_experiment
    n = exp.queries.n_queries
    for strategy in ROUTERS:
        signals = signals_for(exp, strategy)
        reach = signals.score.min(axis=1) if signals.staged else signals.score
        reachable = np.array([np.mean(reach > v) for v in np.unique(reach)] + [1.0])  # ties limit what is
        for target in (0.2, 0.3, 0.5):
            thresholds, achieved = calibrate_thresholds(signals, exp.queries, target)
            assert achieved == pytest.approx(np.mean(route(signals, exp.queries, thresholds).tier == 2))
            assert abs(achieved - target) == pytest.approx(np.abs(reachable - target).min()), (strategy, target)
            if strategy in ("random", "cascade"):  # continuous scores: every share is reachable
                assert achieved == pytest.approx(target, abs=1 / n), (strategy, target, achieved)


def test_a_strongest_target_lies_on_the_sweep_and_says_what_it_did_not_target(three_model_experiment):
    exp = three_model_experiment
    signals = signals_for(exp, "classifier")
    calibration = calibrate(signals, exp.queries, 0.3)
    assert calibration.target_shares == (None, None, 0.3)
    assert calibration.achieved_shares[0] == pytest.approx(0.49, abs=0.01)  # (1 - 0.3) ** 2: the sweep's path
    sw = sweep_for(exp, signals, points=401)
    point = route(signals, exp.queries, calibration.thresholds)
    nearest = np.argmin(np.abs(sw.strong_share - calibration.achieved_strong_share))
    assert point.quality.mean() == pytest.approx(sw.quality[nearest], abs=0.01)


def test_default_thresholds_with_three_or_more_models_give_every_tier_some_calls(three_model_experiment):
    """The bug: the classifier's default 0.33/0.67 sent no call to the strongest of three models."""
    exp = three_model_experiment
    for strategy in ROUTERS:
        if strategy == exp.scenario.defaults.strategy:
            continue  # the scenario states its own
        shares = tier_shares(signals_for(exp, strategy), thresholds_for(exp, strategy))
        assert np.all(shares > 0.15), (strategy, shares)
    for m in (4, 5):
        exp = _experiment(m, 1500, m)
        for strategy in ("random", "length", "llm-router", "cascade"):
            shares = tier_shares(signals_for(exp, strategy), thresholds_for(exp, strategy))
            assert np.all(shares > 0.05), (m, strategy, shares)


def test_two_models_keep_the_probability_threshold():
    exp = _experiment(1, 200, 2)
    assert thresholds_for(exp, "classifier") == [0.5]


def test_even_thresholds_split_a_skewed_score_evenly(three_model_experiment):
    exp = three_model_experiment
    signals = signals_for(exp, "classifier")
    shares = tier_shares(signals, even_thresholds(signals, exp.queries))
    assert np.allclose(shares, 1 / 3, atol=0.01)


def test_thresholds_sit_between_scores_at_the_shortest_decimal():
    assert between(0.3, 0.7) == 0.5
    assert between(0.6271, 0.6274) == pytest.approx(0.6272)
    t = between(0.123456789, 0.123456791)
    assert 0.123456789 <= t < 0.123456791


def test_crossing_thresholds_are_named_for_one_score_strategies_only():
    exp = _experiment(2, 300, 3)
    assert thresholds_cross(signals_for(exp, "length"), (0.7, 0.3))
    assert not thresholds_cross(signals_for(exp, "length"), (0.3, 0.7))
    assert not thresholds_cross(signals_for(exp, "cascade"), (0.7, 0.3))  # a stage each: crossing is meaningful


def test_bad_targets_are_one_clear_message():
    exp = _experiment(2, 300, 3)
    signals = signals_for(exp, "length")
    with pytest.raises(LabError, match="add up to 100%"):
        calibrate(signals, exp.queries, [0.5, 0.2, 0.1], "tiers")
    with pytest.raises(LabError, match="3 models need 3"):
        calibrate(signals, exp.queries, [0.5, 0.5], "tiers")
    with pytest.raises(LabError, match="outside"):
        calibrate(signals, exp.queries, 1.5)


def test_a_strategy_without_a_score_keeps_evenly_spaced_defaults():
    quality = np.zeros((60, 3))
    quality[:, 2] = 1.0  # the cheapest never fails where the strongest succeeds... always: one label only
    exp = make_experiment(quality)
    assert thresholds_for(exp, "classifier") == pytest.approx([1 / 3, 2 / 3])  # cannot train: k/m, no traceback
