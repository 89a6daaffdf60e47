"""The failure story: words derived from the figures, and whether two sweeps are one curve."""

from __future__ import annotations

import numpy as np
import pytest

from lab.core.experiment import run, signals_for, sweep_for
from lab.core.sweep import calibrate_thresholds, quality_within_cost
from lab.failures.injection import inject
from lab.present.failure_story import Change, curves_coincide, failure_story

NAME = "the failure (overconfident cascade scorer at 100%)"


@pytest.fixture(scope="module")
def overconfident(default_experiment):
    exp = default_experiment
    cascade = signals_for(exp, "cascade")
    world = inject(exp, cascade, {"overconfident-scorer": 1.0})
    clean = run(exp, cascade, (0.25,))[1]
    injected = run(world.experiment, world.signals, (0.25,))[1]
    return exp, cascade, world, clean, injected


def test_a_cheaper_run_that_loses_quality_is_not_called_a_gain(overconfident):
    exp, cascade, _, clean, injected = overconfident
    change = Change.of(clean, injected)
    assert change.cheaper and change.quality_falls  # the cards read as a win without words
    story = failure_story(NAME, clean, injected, sweep_for(exp, cascade), "gpt-4o", exp.baselines.mean_quality_strong)
    assert story.startswith(f"Under {NAME}, the router sends {injected.strong_share * 100:.1f}% of queries to gpt-4o")
    assert f"quality falls {abs(change.quality_pts):.1f} pts" in story
    assert "the bill falls $" in story and "The saving is not a gain" in story
    assert story.count(". ") <= 2  # one or two sentences


def test_below_the_clean_curve_the_story_says_what_the_clean_router_keeps_at_that_cost(overconfident):
    exp, cascade, world, clean, _ = overconfident
    blunt = inject(exp, cascade, {"scorer-loses-discrimination": 0.8})
    thresholds, _ = calibrate_thresholds(blunt.signals, blunt.experiment.queries, 0.25)  # escalates at random
    injected = run(blunt.experiment, blunt.signals, thresholds)[1]
    change = Change.of(clean, injected)
    assert change.cheaper and change.quality_falls
    clean_sweep = sweep_for(exp, cascade)
    story = failure_story("x", clean, injected, clean_sweep, "gpt-4o", exp.baselines.mean_quality_strong)
    kept = quality_within_cost(clean_sweep, injected.cost_per_query_usd) / exp.baselines.mean_quality_strong
    assert f"at that cost the clean router keeps {kept * 100:.1f}% of always-strongest's quality" in story


def test_a_dearer_run_for_the_same_quality_says_the_spend_buys_nothing(default_experiment):
    exp = default_experiment
    cascade = signals_for(exp, "cascade")
    world = inject(exp, cascade, {"verbose-cheap-model": 1.0})
    clean = run(exp, cascade, (0.25,))[1]
    injected = run(world.experiment, world.signals, (0.25,))[1]
    story = failure_story("a verbose cheap model", clean, injected, sweep_for(exp, cascade), "gpt-4o", 0.9)
    assert "the bill rises $" in story and "buys no quality" in story


def test_curves_that_coincide_are_one_line_and_others_are_not():
    x = np.linspace(0, 1, 49)
    assert curves_coincide(x, np.sin(x), x[::3], np.sin(x[::3]), 1.0)
    assert not curves_coincide(x, np.sin(x), x, np.sin(x) - 0.02, 1.0)
    assert not curves_coincide(x, x, x * 0.8, x * 0.8, 1.0)  # a shorter curve is another one
