"""An exercise's live figures are the engine's: the same runs, comparisons and sweeps the other pages show."""

from __future__ import annotations

import typing

import numpy as np
import pytest

from lab.core.errors import LabError
from lab.core.experiment import run, signals_for, sweep_for
from lab.core.scenario import load_scenario
from lab.failures.clean_vs_injected import compare
from lab.failures.injection import inject
from lab.failures.registry import get_failure
from lab.present.lab_view import lab_view
from lab.sources.loader import load_experiment
from lab.workshop.exercises import Chart, View
from lab.workshop.goals import METRICS
from lab.workshop.measure import fallback_policies, measure, stage


@pytest.fixture(scope="module")
def small():
    return load_experiment(load_scenario("customer-support").with_queries(3000))


def test_a_clean_view_measures_what_a_run_reports(small):
    view = View(strategy="cascade", thresholds=(0.3,))
    m = measure(stage(small, view))
    _, summary = run(small, signals_for(small, "cascade"), (0.3,))
    assert m.values["savings"] == pytest.approx(summary.savings)
    assert m.values["quality_retained"] == pytest.approx(summary.quality_retained)
    assert m.values["monthly_cost_usd"] == pytest.approx(summary.monthly_cost_usd)
    assert m.values["quality_gap_points"] == 0.0
    assert m.intervals["savings"] == summary.savings_ci
    assert set(m.values) == set(METRICS)


@pytest.mark.parametrize(
    ("failure", "strategy"), [("overconfident-scorer", "cascade"), ("traffic-drift", "classifier")]
)
@pytest.mark.parametrize("thresholds", [(0.2,), (0.5,)])
def test_with_a_failure_the_gap_is_the_clean_versus_injected_comparison(small, failure, strategy, thresholds):
    view = View(strategy=strategy, thresholds=thresholds, failures={failure: 0.8})
    m = measure(stage(small, view))
    c = compare(small, signals_for(small, strategy), {failure: 0.8}, thresholds)
    assert m.values["quality_gap_points"] == pytest.approx(100 * (c.clean.quality - c.injected.quality))
    assert m.values["quality_retained"] == pytest.approx(c.injected.quality_retained)
    assert m.values["strong_share"] == pytest.approx(c.injected.strong_share)
    low, high = m.intervals["quality_gap_points"]
    assert low <= m.values["quality_gap_points"] <= high  # the paired interval brackets the gap


def test_thresholds_given_to_measure_override_the_view_s(small):
    s = stage(small, View(strategy="cascade", thresholds=(0.1,)))
    assert measure(s).values["strong_share"] > measure(s, (0.6,)).values["strong_share"]
    assert measure(s, (0.6,)).thresholds == (0.6,)


def test_apgr_over_random_is_the_sweeps_difference(small):
    s = stage(small, View(strategy="classifier", thresholds=(0.3,)))
    expected = (
        sweep_for(small, signals_for(small, "classifier")).apgr - sweep_for(small, signals_for(small, "random")).apgr
    )
    assert measure(s).values["apgr_over_random"] == pytest.approx(expected)
    assert measure(stage(small, View(strategy="random"))).values["apgr_over_random"] == pytest.approx(0.0)
    assert measure(s, with_apgr=False).values["apgr_over_random"] is None


@pytest.mark.parametrize("failure", ["cheap-model-outage", "llm-router-malformed"])
def test_a_failure_s_first_policy_is_what_it_does_when_none_is_chosen(small, failure):
    # the page shows the first policy as selected when the exercise states none: it must be the default
    strategy = get_failure(failure).demo["strategy"]
    signals = signals_for(small, strategy)
    first = next(iter(get_failure(failure).variants))
    plain = inject(small, signals, {failure: 0.6})
    chosen = inject(small, signals, {failure: 0.6}, {failure: first})
    assert np.array_equal(plain.experiment.queries.quality, chosen.experiment.queries.quality)
    assert np.array_equal(plain.signals.path_cost_usd, chosen.signals.path_cost_usd)
    assert fallback_policies(View(strategy=strategy, failures={failure: 0.6})) == {failure: first}


def test_the_fallback_policy_changes_the_figures(small):
    base = View(strategy="classifier", thresholds=(0.25,), failures={"cheap-model-outage": 0.3})
    none = measure(stage(small, base.model_copy(update={"fallback": {"cheap-model-outage": "no-fallback"}})))
    retry = measure(stage(small, base.model_copy(update={"fallback": {"cheap-model-outage": "retry-then-next"}})))
    assert none.values["quality_gap_points"] > 10 > retry.values["quality_gap_points"]


def test_recalibration_repairs_an_overconfident_scorer_and_needs_a_cascade(small):
    view = View(strategy="cascade", thresholds=(0.25,), failures={"overconfident-scorer": 0.8})
    broken = measure(stage(small, view)).values["quality_gap_points"]
    fixed = measure(stage(small, view.model_copy(update={"recalibration": "isotonic"}))).values["quality_gap_points"]
    assert broken > 5 and abs(fixed) < 2
    with pytest.raises(LabError, match="pick cascade"):
        stage(small, View(strategy="classifier", recalibration="platt"))


def test_every_chart_an_exercise_can_name_is_one_the_lab_view_draws(small):
    view = View(strategy="cascade", thresholds=(0.25,), failures={"overconfident-scorer": 0.5})
    s = stage(small, view)
    drawn = lab_view(s.lab_inputs(), (0.25,))
    assert set(typing.get_args(Chart)) <= set(drawn.figures)
    assert drawn.injected_cards is not None  # the failure's run is drawn beside the clean one
    assert stage(small, View(strategy="cascade")).lab_inputs().world is None
