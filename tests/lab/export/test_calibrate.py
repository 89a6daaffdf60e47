"""Calibration: thresholds for a target share of calls per model, and the shares they achieve."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lab.core.errors import LabError
from lab.core.experiment import signals_for
from lab.export.calibrate import calibrate_shares, check_targets
from tests.lab.factories import make_experiment


def _with_scores(scores: np.ndarray, m: int):
    exp = make_experiment(np.zeros((len(scores), m)))
    return exp, dataclasses.replace(signals_for(exp, "random"), score=scores)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 4), st.integers(20, 300), st.data())
def test_distinct_scores_meet_each_tier_share_within_one_query(m, n, data):
    raw = data.draw(st.lists(st.floats(0.1, 99.0), min_size=m, max_size=m))
    targets = np.array(raw) / np.sum(raw)
    exp, signals = _with_scores(np.random.default_rng(n).permutation(n) / n, m)
    calibration = calibrate_shares(signals, exp.queries, list(targets), exp.model_names)
    assert np.all(np.abs(np.cumsum(calibration.achieved) - np.cumsum(targets)) <= 1 / n + 1e-9)
    assert calibration.thresholds == sorted(calibration.thresholds)
    assert all(0 <= t <= 1 for t in calibration.thresholds)


def test_ties_get_the_nearest_achievable_share_and_say_so():
    scores = np.array([0.0] * 60 + [0.15] * 30 + [0.5] * 10)
    exp, signals = _with_scores(scores, 2)
    calibration = calibrate_shares(signals, exp.queries, [0.75, 0.25], exp.model_names)
    assert calibration.achieved in ([0.6, 0.4], [0.9, 0.1])  # 0.6 and 0.9 are both 0.15 from 0.75
    assert calibration.note and "tie" in calibration.note


def test_a_fixed_strategy_reports_its_shares(default_experiment):
    exp = default_experiment
    calibration = calibrate_shares(signals_for(exp, "always-strongest"), exp.queries, [0.5, 0.5], exp.model_names)
    assert calibration.achieved == [0.0, 1.0] and "ignores thresholds" in calibration.note


def test_a_cascade_over_three_models_is_calibrated_stage_by_stage():
    from lab.core.scenario import load_scenario
    from lab.sources.loader import load_experiment

    exp = load_experiment(load_scenario("mixed-production").with_queries(2_000))
    calibration = calibrate_shares(signals_for(exp, "cascade"), exp.queries, [0.5, 0.3, 0.2], exp.model_names)
    assert np.allclose(calibration.achieved, [0.5, 0.3, 0.2], atol=0.01)


@pytest.mark.parametrize(
    ("targets", "message"),
    [([0.5], "need 2"), ([0.7, 0.7], "sum to"), ([-0.1, 1.1], "outside"), ([0.5, float("nan")], "outside")],
)
def test_bad_targets_are_one_clear_error(targets, message):
    with pytest.raises(LabError, match=message):
        check_targets(targets, 2)
