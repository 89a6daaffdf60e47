"""The vendors' claim, checked on the default scenario as ranges and directions the model implies."""

import dataclasses

import numpy as np
import pytest

from lab.core.experiment import run, signals_for, sweep_for
from lab.core.sweep import calibrate_thresholds


@pytest.mark.parametrize("strategy", ["cascade", "classifier"])
def test_a_good_router_saves_40_to_70_percent_losing_under_5_percent_quality(default_experiment, strategy):
    exp = default_experiment
    signals = signals_for(exp, strategy)
    sw = sweep_for(exp, signals)
    savings = 1 - sw.cost_per_query_usd / exp.baselines.mean_cost_strong_usd
    retained = sw.quality / exp.baselines.mean_quality_strong
    good = retained >= 0.95
    assert good.any()
    best = np.argmax(np.where(good, savings, -np.inf))
    assert 0.40 <= savings[best] <= 0.70
    # the same operating point, routed for real, with its intervals
    _, summary = run(exp, signals, tuple(sw.thresholds[best]))
    assert summary.quality_retained >= 0.95
    assert 0.40 <= summary.savings <= 0.70
    assert summary.savings_ci[0] > 0.3


def test_the_claim_breaks_when_the_router_is_pushed_too_far(default_experiment):
    exp = default_experiment
    signals = signals_for(exp, "cascade")
    thresholds, achieved = calibrate_thresholds(signals, exp.queries, 0.05)
    _, summary = run(exp, signals, thresholds)
    assert summary.savings > 0.7
    assert summary.quality_retained < 0.9


def test_a_worse_scorer_loses_more_quality_at_the_same_savings(default_experiment):
    exp = default_experiment
    sharp = signals_for(exp, "cascade")
    knobs = exp.scenario.signals
    blunt_knobs = knobs.model_copy(update={"cascade": knobs.cascade.model_copy(update={"auroc": 0.65})})
    blunt_exp = dataclasses.replace(exp, scenario=exp.scenario.model_copy(update={"signals": blunt_knobs}))
    blunt = signals_for(blunt_exp, "cascade")
    assert sweep_for(exp, sharp).apgr > sweep_for(blunt_exp, blunt).apgr + 0.05
