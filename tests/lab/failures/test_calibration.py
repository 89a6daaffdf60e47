"""Reliability, ECE and recalibration of the cascade's scorer on the default scenario."""

from __future__ import annotations

import numpy as np
import pytest

from lab.core.errors import LabError
from lab.core.experiment import run, signals_for
from lab.core.scenario import load_scenario
from lab.failures import World, inject
from lab.failures.calibration import (
    calibration_folds,
    calibration_report,
    fit_apply,
    recalibrate,
    reliability,
    scorer_reliability,
)
from lab.sources.loader import load_experiment


def test_reliability_of_known_confidences():
    rng = np.random.default_rng(1)
    confidence = rng.random(200_000)
    calibrated = (rng.random(confidence.size) < confidence).astype(float)
    r = reliability(confidence, calibrated, bins=10)
    assert r.count.sum() == confidence.size and r.ece < 0.01
    np.testing.assert_allclose(r.accuracy, r.confidence, atol=0.01)
    # an answer key that is always good: the gap is 1 - confidence, ECE = 1 - mean confidence
    r = reliability(confidence, np.ones_like(confidence))
    assert r.ece == pytest.approx(1 - confidence.mean(), abs=1e-9) and np.isnan(r.auroc)
    with pytest.raises(LabError):
        reliability(confidence, calibrated[:10])


def test_clean_scorer_is_calibrated_and_failures_bend_it(experiment, cascade):
    clean = scorer_reliability(World(experiment, cascade))
    assert clean.ece < 0.03 and 0.8 < clean.auroc < 0.9
    over = scorer_reliability(inject(experiment, cascade, {"overconfident-scorer": 0.8}))
    under = scorer_reliability(inject(experiment, cascade, {"underconfident-scorer": 0.6}))
    assert over.ece > 0.1 and over.mean_confidence > over.mean_accuracy
    assert under.ece > 0.1 and under.mean_confidence < under.mean_accuracy
    assert over.auroc == pytest.approx(clean.auroc) and under.auroc == pytest.approx(
        clean.auroc
    )  # calibration, not ranking
    flat = scorer_reliability(inject(experiment, cascade, {"scorer-loses-discrimination": 1.0}))
    assert abs(flat.auroc - 0.5) < 0.03


def test_ece_grows_with_severity(experiment, cascade):
    eces = [
        scorer_reliability(inject(experiment, cascade, {"overconfident-scorer": s})).ece
        for s in (0.0, 0.25, 0.5, 0.75, 1.0)
    ]
    assert np.all(np.diff(eces) > 0)


def test_folds_are_two_disjoint_halves():
    folds = calibration_folds(1001, seed=3)
    assert set(np.unique(folds)) == {0, 1} and abs(folds.sum() - 500) <= 1
    np.testing.assert_array_equal(folds, calibration_folds(1001, seed=3))


def test_recalibration_is_fitted_on_the_other_half_only(experiment, cascade):
    # each half's scores are what a map fitted on the other half gives: refit by hand and compare
    world = inject(experiment, cascade, {"overconfident-scorer": 0.8})
    fixed = recalibrate(world, "platt")
    folds = calibration_folds(experiment.queries.n_queries, experiment.scenario.seed)
    confidence = 1 - world.signals.score
    good = (experiment.queries.quality[:, 0] >= 0.5).astype(float)
    by_hand = fit_apply("platt", confidence[folds == 1], good[folds == 1], confidence[folds == 0])
    np.testing.assert_allclose(1 - fixed.signals.score[folds == 0], by_hand)
    assert recalibrate(world, "none") is world


@pytest.mark.parametrize("method", ["platt", "isotonic"])
def test_recalibration_recovers_quality_of_an_overconfident_scorer(method, experiment, cascade):
    report = calibration_report(experiment, cascade, {"overconfident-scorer": 0.8}, [0.5], method)
    assert report.recalibrated.ece < 0.03 < report.injected.ece
    assert report.injected_summary.quality < report.clean_summary.quality - 0.03
    assert report.recovered > 0.8
    # the recovery is more than noise: a paired bootstrap interval of (recalibrated - injected) excludes 0
    injected = inject(experiment, cascade, {"overconfident-scorer": 0.8})
    fixed = recalibrate(injected, method)
    gain = (
        run(fixed.experiment, fixed.signals, [0.5])[0].quality
        - run(injected.experiment, injected.signals, [0.5])[0].quality
    )
    from lab.core.bootstrap import interval, replicate_means

    low, _ = interval(replicate_means(experiment.plan, gain))
    assert low > 0


def test_recalibration_restores_the_savings_of_an_underconfident_scorer(experiment, cascade):
    report = calibration_report(experiment, cascade, {"underconfident-scorer": 0.6}, [0.5], "isotonic")
    assert report.injected_summary.cost_per_query_usd > 2 * report.clean_summary.cost_per_query_usd
    assert report.recalibrated_summary.cost_per_query_usd == pytest.approx(
        report.clean_summary.cost_per_query_usd, rel=0.1
    )


def test_recalibration_cannot_restore_lost_discrimination(experiment, cascade):
    report = calibration_report(experiment, cascade, {"scorer-loses-discrimination": 0.8}, [0.5], "platt")
    assert report.recalibrated.auroc < report.clean.auroc - 0.2
    assert report.recalibrated_summary.quality < report.clean_summary.quality - 0.05


def test_recalibrating_on_a_noisy_judge_miscalibrates(experiment, cascade):
    # the remedy uses the labels the team has: a lenient judge's labels teach it to trust the scorer too much
    report = calibration_report(experiment, cascade, {"noisy-judge": 0.8}, [0.5], "platt")
    assert report.recalibrated.ece > report.clean.ece + 0.03
    assert report.recalibrated.mean_confidence > report.recalibrated.mean_accuracy


def test_non_cascade_strategies_are_refused(experiment):
    with pytest.raises(LabError, match="cascade"):
        scorer_reliability(World(experiment, signals_for(experiment, "length")))
    with pytest.raises(LabError, match="unknown recalibration"):
        fit_apply("magic", np.array([0.2, 0.8]), np.array([0.0, 1.0]), np.array([0.5]))  # type: ignore[arg-type]


def test_three_model_cascade_recalibrates_each_stage():
    from lab.core.models import ModelSpec

    base = load_scenario("customer-support").with_queries(3_000)
    middle = ModelSpec(key="gpt-4.1-mini", ability=1.8, ttft_ms=400, tokens_per_s=80)
    experiment = load_experiment(
        base.model_copy(
            update={
                "models": [base.models[0], middle, base.models[1]],
                "defaults": base.defaults.model_copy(update={"thresholds": None}),
            }
        )
    )
    world = inject(experiment, signals_for(experiment, "cascade"), {"overconfident-scorer": 0.8})
    fixed = recalibrate(world, "isotonic")
    assert fixed.signals.score.shape == (3_000, 2)
    for stage in (0, 1):
        assert scorer_reliability(fixed, stage).ece < scorer_reliability(world, stage).ece / 2
