"""The shared routing controls with three models: calibration hits what it promises and says what every model got,
a strategy switch does not carry the previous strategy's thresholds over, thresholds never cross."""

from __future__ import annotations

import pytest

from tests.pages.conftest import assert_clean, figures, open_app, threshold_sliders, traces, widget

THREE = {"scenario": "mixed-production", "n": "3000"}
MODELS = ("gpt-5-nano", "gpt-5-mini", "gpt-5")


def _shares(at) -> list[float]:
    split = traces(figures(at)["Routing split per model"])
    return [split[name]["x"][0] / 100 for name in MODELS]


def _calibrate(at, **inputs) -> None:
    for label, value in inputs.items():
        widget(at.number_input, label).set_value(value)
    widget(at.button, "Calibrate").click().run()
    assert_clean(at)


def test_calibrating_a_classifier_over_three_models_hits_the_strongest_share_and_shows_every_model():
    at = open_app({**THREE, "strategy": "classifier"})
    assert_clean(at)
    _calibrate(at, **{"Calibrate to % strong calls": 30})
    strong = _shares(at)[2]
    assert strong == pytest.approx(0.30, abs=0.005)  # 14.8% before; repeated texts tie, the nearest reachable share
    assert any(c.value.startswith(f"Target 30% strong calls (gpt-5); achieved {strong:.1%}") for c in at.caption)
    table = next(m.value for m in at.markdown if m.value.startswith("| model | target | achieved |"))
    for name, share in zip(MODELS, _shares(at)):
        assert f"| {name} |" in table and f"{share:.1%}" in table
    assert "rest, as on the sweep" in table
    assert at.query_params["share"] in ("0.3", ["0.3"])


def test_one_share_per_model_is_a_target_too():
    at = open_app({**THREE, "strategy": "length"})
    widget(at.radio, "Calibrate to").set_value("one share per model").run()
    _calibrate(at, **{"% of calls to gpt-5-mini": 30, "% of calls to gpt-5": 20})
    assert _shares(at) == pytest.approx([0.5, 0.3, 0.2], abs=0.01)  # prompt lengths tie: the nearest reachable
    table = next(m.value for m in at.markdown if m.value.startswith("| model | target | achieved |"))
    assert "| gpt-5-nano | 50% |" in table and "| gpt-5 | 20% |" in table
    assert at.query_params["tiers"] in ("0.5,0.3,0.2", ["0.5,0.3,0.2"])


def test_default_thresholds_give_every_model_some_calls():
    at = open_app({**THREE, "strategy": "classifier"})
    shares = _shares(at)
    assert all(s > 0.25 for s in shares), shares  # k/m = 0.33/0.67 sent 0% to gpt-5
    assert any(c.value.startswith("Default thresholds: the quantiles of classifier's score") for c in at.caption)


def test_switching_strategy_does_not_carry_the_thresholds_or_the_target_over():
    at = open_app({**THREE, "strategy": "cascade"})
    _calibrate(at, **{"Calibrate to % strong calls": 10})
    cascade_thresholds = [s.value for s in threshold_sliders(at)]
    widget(at.selectbox, "Strategy").set_value("classifier").run()
    assert_clean(at)
    assert [s.value for s in threshold_sliders(at)] != cascade_thresholds
    assert "share" not in at.query_params
    assert all(s > 0.25 for s in _shares(at))  # the classifier's own defaults, not the cascade's 10% setting
    assert any(c.value.startswith("Switched from cascade: its thresholds") for c in at.caption)


def test_thresholds_never_cross():
    at = open_app({**THREE, "strategy": "length", "t": "0.8,0.2"})
    assert_clean(at)
    low, high = threshold_sliders(at)
    assert (low.value, high.value) == pytest.approx((0.2, 0.8))  # a link's crossed thresholds are put in order
    low.set_value(0.9).run()
    low, high = threshold_sliders(at)
    assert high.value == pytest.approx(0.9)  # pushed along
    high.set_value(0.3).run()
    low, high = threshold_sliders(at)
    assert low.value == pytest.approx(0.3)
    assert any(c.value.startswith("Thresholds stay in order") for c in at.caption)
