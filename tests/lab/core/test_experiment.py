import dataclasses

import numpy as np

from lab.core.experiment import run, signals_for, thresholds_for
from lab.core.scenario import load_scenario
from lab.sources.loader import load_experiment
from tests.lab.factories import make_experiment


def test_signals_are_computed_once_per_experiment(default_experiment):
    assert signals_for(default_experiment, "classifier") is signals_for(default_experiment, "classifier")


def test_a_changed_experiment_does_not_reuse_the_old_signals():
    exp = make_experiment(np.random.default_rng(0).integers(0, 2, (40, 2)).astype(float))
    before = signals_for(exp, "length")
    cheaper = dataclasses.replace(exp, calls=dataclasses.replace(exp.calls, cost_usd=exp.calls.cost_usd / 2))
    after = signals_for(cheaper, "length")
    assert after is not before
    assert np.allclose(after.path_cost_usd, before.path_cost_usd / 2)


def test_default_thresholds_come_from_the_scenario_for_its_default_strategy(default_experiment):
    exp = default_experiment
    assert thresholds_for(exp, exp.scenario.defaults.strategy) == exp.scenario.defaults.thresholds
    assert thresholds_for(exp, "length") == [0.5]
    assert thresholds_for(exp, "length", [0.2]) == [0.2]


def test_building_twice_gives_the_same_figures():
    scenario = load_scenario("coding-assistant").with_queries(3_000)
    a, b = load_experiment(scenario), load_experiment(scenario)
    _, sa = run(a, signals_for(a, "llm-router"), (0.5,))
    _, sb = run(b, signals_for(b, "llm-router"), (0.5,))
    assert sa == sb


def test_an_experiment_says_when_the_costliest_model_answers_worse():
    rng = np.random.default_rng(5)
    inverted = make_experiment(np.column_stack([rng.random(400) < 0.8, rng.random(400) < 0.5]).astype(float))
    assert any("answers worse than the cheapest" in note for note in inverted.notes)
    usual = make_experiment(np.column_stack([rng.random(400) < 0.5, rng.random(400) < 0.8]).astype(float))
    assert not any("answers worse" in note for note in usual.notes)
