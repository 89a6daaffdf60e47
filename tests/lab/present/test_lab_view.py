"""The Lab page's view with failures on: the story under the cards, no gain coloured as one, no invisible lines,
and the remedy where the failure is."""

from __future__ import annotations

import pytest

from lab.core.experiment import run, signals_for, sweep_for, thresholds_for
from lab.failures.calibration import recalibrate
from lab.failures.injection import inject
from lab.present.figures.frontier import Anchors
from lab.present.lab_view import SAME_CURVE_NOTE, LabInputs, lab_view, same_curves
from lab.present.text import pct


def _inputs(exp, failures: dict[str, float], remedy: bool = False) -> LabInputs:
    cascade = signals_for(exp, "cascade")
    world = inject(exp, cascade, failures)
    reference = {
        name: run(exp, signals_for(exp, name), thresholds_for(exp, name))[1]
        for name in ("always-cheapest", "always-strongest", "oracle")
    }
    return LabInputs(
        experiment=exp,
        strategy="cascade",
        signals=cascade,
        clean_sweep=sweep_for(exp, cascade),
        weak=reference["always-cheapest"],
        strong=reference["always-strongest"],
        oracle=reference["oracle"],
        failures=failures,
        world=world,
        injected_sweep=sweep_for(world.experiment, world.signals),
        remedy_world=recalibrate(world, "isotonic") if remedy else None,
    )


@pytest.fixture(scope="module")
def overconfident(default_experiment):
    inputs = _inputs(default_experiment, {"overconfident-scorer": 1.0}, remedy=True)
    return inputs, lab_view(inputs, (0.25,))


def test_the_story_under_the_failure_cards_says_why_the_saving_is_not_a_gain(overconfident):
    _, view = overconfident
    assert view.story.startswith("Under the failure (overconfident cascade scorer at 100%), the router sends")
    assert "The saving is not a gain" in view.story


def test_a_failure_s_lower_bill_is_not_coloured_as_good_news(overconfident):
    _, view = overconfident
    cards = {card.label: card for card in view.injected_cards}
    assert cards["Savings"].delta.startswith("+") and cards["Savings"].delta_colour == "off"
    assert cards["Monthly cost"].delta.startswith("-") and cards["Monthly cost"].delta_colour == "off"
    assert cards["Quality vs always-strongest"].delta.startswith("-")
    assert cards["Quality vs always-strongest"].delta_colour == "normal"  # red: down is bad
    clean = {card.label: card for card in view.clean_cards}
    assert clean["Monthly cost"].delta_colour == "inverse"


def test_curves_that_coincide_with_the_clean_ones_are_said_not_drawn(overconfident):
    inputs, view = overconfident
    anchors = Anchors.of(inputs.experiment.baselines, inputs.oracle)
    assert same_curves(inputs.clean_sweep, inputs.injected_sweep, anchors) == (True, True)  # a monotone recalibration
    for key in ("frontier", "sweep"):
        figure = view.figures[key]
        assert not any("with failures" in (t.name or "") and t.mode == "lines" for t in figure.data)
    assert view.figures["frontier"].layout.legend.title.text == SAME_CURVE_NOTE  # named where the line would be
    assert any(a.text == SAME_CURVE_NOTE for a in view.figures["sweep"].layout.annotations)
    assert any(t.name == "now: with failures" for t in view.figures["frontier"].data)  # the point still moves
    assert "Its curves are the clean ones" in view.story


def test_a_failure_that_bends_the_curve_is_drawn(default_experiment):
    inputs = _inputs(default_experiment, {"strong-price-change": 1.0})
    view = lab_view(inputs, (0.25,))
    frontier = view.figures["frontier"]
    assert any(t.name == "cascade (with failures)" for t in frontier.data)
    assert frontier.layout.legend.title.text is None
    assert view.remedy is None  # a price change has no recalibration remedy


def test_the_remedy_is_offered_with_its_effect(overconfident):
    inputs, view = overconfident
    fixed = run(inputs.remedy_world.experiment, inputs.remedy_world.signals, (0.25,))[1]
    assert view.remedy.startswith("**Remedy: recalibrate the scorer.**")
    assert f"quality {pct(fixed.quality_retained)} of always-strongest" in view.remedy
    assert "wins back" in view.remedy
