"""Goal conditions: one bound each, checked on the lab's figures, written for people."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from lab.workshop.goals import METRICS, Condition, check_goal

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(value=finite, bound=finite)
def test_at_least_and_at_most_agree_with_the_comparison(value, bound):
    assert Condition(metric="savings", at_least=bound).holds(value) == (value >= bound - 1e-12)
    assert Condition(metric="savings", at_most=bound).holds(value) == (value <= bound + 1e-12)


@given(bound=finite)
def test_a_missing_or_nan_figure_never_meets_a_goal(bound):
    for condition in (Condition(metric="pgr", at_least=bound), Condition(metric="pgr", at_most=bound)):
        assert not condition.holds(None)
        assert not condition.holds(math.nan)


@pytest.mark.parametrize("bounds", [{}, {"at_least": 0.1, "at_most": 0.9}, {"at_least": math.inf}])
def test_a_condition_needs_exactly_one_finite_bound(bounds):
    with pytest.raises(ValidationError):
        Condition(metric="savings", **bounds)


def test_an_unknown_metric_is_rejected_naming_the_known_ones():
    with pytest.raises(ValidationError) as err:
        Condition(metric="profit", at_least=1)
    assert "quality_retained" in str(err.value)


def test_the_goal_is_met_only_when_every_condition_holds():
    goal = [Condition(metric="savings", at_least=0.4), Condition(metric="quality_retained", at_least=0.95)]
    status = check_goal(goal, {"savings": 0.45, "quality_retained": 0.94}, {"savings": (0.43, 0.47)})
    assert not status.met
    assert [c.met for c in status.conditions] == [True, False]
    assert status.conditions[0].current_text == "45.0%" and status.conditions[0].target == "≥ 40.0%"
    assert status.conditions[0].interval_text == "95%: 43.0% to 47.0%"
    assert status.conditions[1].interval_text is None
    assert check_goal(goal, {"savings": 0.45, "quality_retained": 0.95}).met


def test_every_metric_is_written_in_its_unit():
    texts = {name: info.fmt(1234.5) for name, info in METRICS.items()}
    assert texts["monthly_cost_usd"] == "$1,234" or texts["monthly_cost_usd"] == "$1,235"
    assert texts["latency_p95_ms"] == "1.2 s"
    assert texts["savings"].endswith("%")
    assert texts["quality_gap_points"].endswith("points")
    assert texts["apgr_over_random"].startswith("+")
